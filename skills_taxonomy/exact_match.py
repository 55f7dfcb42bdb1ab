"""Exact alias hits: concepts with a label that occurs verbatim (after folding) in a text.

The strongest lexical evidence the linker has, and the cheapest: a dictionary look-up per
candidate span. Keys are tried as written, without Arabic clitics, in Persian also without
plural and infinitive endings, and, for short Latin keys, as the consonant skeleton of a
transliteration of an Arabic-script label ("tabbakh" ~ طباخ).
"""

from __future__ import annotations

import numpy as np

from skills_taxonomy.concept_index import EXACT_ONLY, ConceptIndex
from skills_taxonomy.text import (
    Span,
    arabic_light,
    candidate_keys,
    fold,
    has_unspaced_script,
    is_unspaced_char,
    persian_keys,
    plain_letters,
    skeleton,
)

EXACT_CHARS = 16
PINYIN_LETTERS = 5  # "baoan" (保安); shorter pinyin meets too many words of other languages
Hit = tuple[float, Span, int]  # strength, the span, the label entry that matched


def hit_strength(text: str) -> float:
    """How much an exact hit of `text` says: longer aliases are less ambiguous ("java" vs
    "operate a forklift"); a Chinese character carries about as much as a word."""
    size = sum(4 if is_unspaced_char(ch) else 1 for ch in text)
    return min(size, EXACT_CHARS) / EXACT_CHARS


class ExactMatcher:
    """Exact alias hits in the label entries of one index."""

    def __init__(self, index: ConceptIndex) -> None:
        self.index = index
        # every label entry grouped by concept (transliterations come last in the index)
        self.entries_sorted = np.argsort(index.entry_concept, kind="stable")
        self.entry_bounds = np.searchsorted(index.entry_concept[self.entries_sorted],
                                            np.arange(len(index) + 1))

    def entry_of(self, concept: int, keys: tuple[str, ...]) -> int:
        """The concept's label entry whose folded text (or its clitic-free form) is one
        of `keys`; its first entry when none is."""
        rows = self.entries_sorted[self.entry_bounds[concept]:self.entry_bounds[concept + 1]]
        folded = self.index.entry_folded
        for row in rows.tolist():
            if (folded[row] in keys or arabic_light(folded[row]) in keys
                    or plain_letters(folded[row]) in keys):
                return row
        return int(rows[0]) if len(rows) else 0

    def label_languages(self, text: str) -> set[str]:
        """The languages of the labels that `text` is, as a whole (after folding)."""
        key, index = fold(text), self.index
        out: set[str] = set()
        for concept in index.exact.get(key, ()):
            rows = self.entries_sorted[self.entry_bounds[concept]:self.entry_bounds[concept + 1]]
            out.update(index.entry_lang[row] for row in rows.tolist()
                       if index.entry_folded[row] == key)
        return {lang for lang in out if not lang.endswith("-Latn")}

    def hits(self, text: str, lang: str | None = None) -> dict[int, Hit]:
        """Concepts with a label that occurs verbatim (after folding) in the text, with the
        strength (the span's length, capped), the span and the label entry."""
        found: dict[int, Hit] = {}
        index = self.index
        pinyin_read = text.isascii() and lang != "en"
        for span, key in candidate_keys(text):
            keys: tuple[str, ...] = (key,)
            hits = {c: -1 for c in index.exact.get(key, ())}
            if not has_unspaced_script(key):
                lights = [arabic_light(key)] + (persian_keys(key) if lang == "fa" else [])
                for light in dict.fromkeys(k for k in lights if k and k != key):
                    keys = (*keys, light)
                    hits.update({c: -1 for c in index.exact.get(light, ()) if c not in hits})
                if key.isascii() and len(key.split()) <= 2:
                    for e in index.skeletons.get(skeleton(key), ()):
                        hits.setdefault(int(index.entry_concept[e]), e)
            if not hits:
                continue
            strength = hit_strength(span.text)
            for c, entry in hits.items():
                if strength <= found.get(c, (0.0,))[0]:
                    continue
                entry = entry if entry >= 0 else self.entry_of(c, keys)
                entry_lang = index.entry_lang[entry]
                # a transliteration is typed in plain letters: "sanitar" may be "санитар",
                # "Sanitär" is German (plumbing) and folds to the same key; pinyin is read
                # only in text all in plain letters and not English, as a word of some
                # length ("làm sushi" is Vietnamese sushi, not 素食, "sushi" in pinyin)
                if entry_lang in EXACT_ONLY and not (pinyin_read
                                                     and len(span.text) >= PINYIN_LETTERS):
                    continue
                if span.text.isascii() or not entry_lang.endswith("-Latn"):
                    found[c] = (strength, span, entry)
        return found
