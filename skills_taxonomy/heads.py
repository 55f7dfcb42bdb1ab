"""The occupation a piece begins with: "сварщик ручной дуговой сварки", "طباخ شرقي بمطعم
بدمشق", "آشپز غذاهای ایرانی درجه ۱", "护士执业证书".

A CV line or a qualification often names the occupation first and then says more about
it. As a whole such a piece reads like no label, so its occupation ranks low (welder 0.11
for the Russian line above, below the threshold) or under the skill the same words name.
The label it begins with is then linked as a piece of its own, where an exact label is
decisive, and its mention may stand inside the skill mention of the whole piece.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.pieces import Piece
from skills_taxonomy.roles import load_frames
from skills_taxonomy.text import Span, fold, words

HEAD_WORDS = 3  # the longest occupation label looked for at a piece's start
_PART = re.compile(r"[^-]+")  # a hyphenated word's parts

Placed = tuple[int, int, str, bool]  # a chosen mention's span, its kind, whether a head


def head_of(text: str, lang: str | None, is_label: Callable[[str, str | None], bool],
            ) -> Span | None:
    """The longest start of `text` of at most HEAD_WORDS words (more where words are
    syllables: "đầu bếp"), and short of the whole, that `is_label` takes for an
    occupation's label. The parts of a hyphenated word count as words: "парикмахер-
    универсал" (an all-round hairdresser) begins with "парикмахер"."""
    tokens = [(start + part.start(), start + part.end(), part.group())
              for start, _, token in words(text) for part in _PART.finditer(token)]
    frames = load_frames()
    fewest = frames[lang].min_words if lang in frames else 1
    for n in range(min(HEAD_WORDS + fewest - 1, len(tokens) - 1), fewest - 1, -1):
        start, end = tokens[0][0], tokens[n - 1][1]
        if is_label(text[start:end], lang):
            return Span(start, end, text[start:end])
    return None


def head_pieces(linkers: Mapping[ConceptKind, Linker],
                threshold: Callable[[ConceptKind, str], float],
                pieces: list[Piece], texts: list[str], langs: list[str | None],
                ranked: list[list[Candidate]]) -> list[tuple[Piece, str, str | None]]:
    """Each piece's head (`head_of`) as a piece of its own, where the piece as a whole
    (`ranked`: its occupations) names no occupation or names that one. Where the whole
    names another ("Машинист экскаватора": excavator operator, not the train driver
    "машинист" alone), the whole knows better; unless it names it through a label in the
    piece's own language that lacks the head: a look-alike ("перукар-універсал", an
    all-round hairdresser, read like "токар-універсал", an all-round lathe operator)."""
    out: list[tuple[Piece, str, str | None]] = []
    index = linkers[ConceptKind.OCCUPATION].index
    for (i, start, _), text, lang, cands in zip(pieces, texts, langs, ranked, strict=True):
        head = head_of(text, lang, lambda t, lang: bool(occupations_named(linkers, t, lang)))
        if head is None:
            continue
        named = [c for c in cands if c.score >= threshold(ConceptKind.OCCUPATION, c.route)]
        # (spaces aside: "برق کار" is in "برق‌کار ساختمان", folded "برقکار ساختمان")
        look_alike = bool(named) and index.entry_lang[named[0].label_entry] == lang \
            and fold(head.text).replace(" ", "") not in index.entry_folded[
                named[0].label_entry].replace(" ", "")
        if not named or look_alike or named[0].concept in occupations_named(
                linkers, head.text, lang):
            out.append(((i, start + head.start, start + head.end), head.text, lang))
    return out


def occupations_named(linkers: Mapping[ConceptKind, Linker], text: str,
                      lang: str | None) -> set[int]:
    """The occupations `text` is, as a whole, a label of (after folding); none where it
    is a skill's label too: "إدخال البيانات" (data entry) is an activity, the skill's to
    name."""
    occupations = _whole_labels(linkers, ConceptKind.OCCUPATION, text, lang)
    if occupations and _whole_labels(linkers, ConceptKind.SKILL, text, lang):
        return set()
    return occupations


def _whole_labels(linkers: Mapping[ConceptKind, Linker], kind: ConceptKind, text: str,
                  lang: str | None) -> set[int]:
    linker = linkers.get(kind)
    hits = linker.exact.hits(text, lang) if linker is not None else {}
    return {c for c, (_, span, _) in hits.items() if span.start == 0 and span.end == len(text)}


def both_stand(one: Placed, other: Placed) -> bool:
    """Whether two mentions may both stand: their spans do not overlap; or one is a head
    inside the other kind's mention of the whole piece ("сварщик", welder, inside
    "сварщик ручной дуговой сварки", arc welding); or they are of two kinds and only
    share words, neither holding the other ("có bằng lái" drive vehicles, "bằng lái C"
    cargo vehicle driver: two facts, each read from words of its own)."""
    (start, end, kind, head), (s, e, k, other_head) = one, other
    if end <= s or start >= e:
        return True
    if kind == k:
        return False
    holds, held = s <= start and end <= e, start <= s and e <= end
    return (head and holds) or (other_head and held) or not (holds or held)


__all__ = ["HEAD_WORDS", "Placed", "both_stand", "head_of", "head_pieces", "occupations_named"]
