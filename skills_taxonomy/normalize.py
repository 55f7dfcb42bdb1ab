"""Normalisation: free text in any language → taxonomy concepts.

`Normalizer` holds a taxonomy, the encoder and one linker per kind of concept.
`normalize` finds skill mentions (span, concept, score, method, matched label and its
language) and abstains below the threshold; `link_occupations` ranks occupations for a
job or qualification title.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from skills_taxonomy.concept_index import load_or_build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.fusion import FEATURES, FusionModel, load_fusion
from skills_taxonomy.lexicon import load_lexicon
from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.model import ConceptKind, Taxonomy
from skills_taxonomy.text import segments

MAX_TEXT_CHARS = 10_000
MAX_BATCH = 10_000
_EXACT = FEATURES.index("exact_hit")
_LEXICAL = FEATURES.index("tfidf_char")
_SEMANTIC = FEATURES.index("label_sim_phrase")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    concept: str
    kind: str
    label: str  # the concept's preferred label in the requested language
    score: float
    method: str  # exact | lexical | semantic
    matched_label: str
    matched_lang: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def shifted(self, offset: int) -> Mention:
        return replace(self, start=self.start + offset, end=self.end + offset)


def check_text(text: object, what: str = "text") -> str:
    """Reject what cannot be a person's text, with a message that names the problem."""
    if not isinstance(text, str):
        raise InvalidInputError(f"{what} must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InvalidInputError(f"{what} is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"{what} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
            "(split long documents into paragraphs)"
        )
    controls = sum(1 for ch in text if unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"}
                   and ch not in "\n\r\t")
    if "\x00" in text or "\ufffd" in text or controls > max(2, len(text) // 100):
        raise InvalidInputError(f"{what} looks like binary data, not text")
    return text


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip())


def _trail(text: str) -> int:
    return len(text) - len(text.rstrip())


def _method(features) -> str:
    if features[_EXACT] > 0:
        return "exact"
    return "lexical" if features[_LEXICAL] >= features[_SEMANTIC] else "semantic"


class Normalizer:
    """Links text to the concepts of one taxonomy. Build once; it is safe to share."""

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder, cache_dir: Path | None = None,
                 threshold: float | None = None,
                 fusion: dict[str, FusionModel] | None = None, version: str | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.version = version = version or taxonomy.version
        self.linkers: dict[ConceptKind, Linker] = {}
        lexicon = load_lexicon()
        for kind in (ConceptKind.SKILL, ConceptKind.OCCUPATION):
            index = load_or_build_index(taxonomy, kind, encoder, cache_dir, version=version,
                                        progress=progress)
            model = (fusion or {}).get(kind.value) or load_fusion(kind.value)
            self.linkers[kind] = Linker(index, encoder, model, lexicon)
        self.threshold = threshold

    def _threshold(self, kind: ConceptKind) -> float:
        if self.threshold is not None:
            return self.threshold
        return self.linkers[kind].fusion.threshold_

    def rank(self, texts: Sequence[str], kind: ConceptKind = ConceptKind.SKILL,
             top_k: int = 100) -> list[list[Candidate]]:
        """Full rankings (no abstention): what evaluation and retrieval use."""
        return self.linkers[kind].rank([check_text(t) for t in texts], top_k)

    def normalize(self, text: str, lang: str | None = None) -> list[Mention]:
        return self.normalize_batch([check_text(text)], lang)[0]

    def normalize_batch(self, texts: Sequence[str], lang: str | None = None,
                        kinds: Sequence[ConceptKind] = (ConceptKind.SKILL,
                                                        ConceptKind.OCCUPATION),
                        ) -> list[list[Mention]]:
        """Skill and occupation mentions of each text (or those of `kinds` only, at a
        linking pass less per kind left out): one mention per span, overlapping spans
        resolved in favour of the higher score, nothing below the threshold.

        Each punctuation-delimited segment (a list item, a clause) is linked on its own,
        so "sveiser, електрик, 厨师" is judged item by item, not as one long string."""
        if len(texts) > MAX_BATCH:
            raise InvalidInputError(f"batch has {len(texts)} texts; the limit is {MAX_BATCH}")
        checked = [check_text(t, f"texts[{i}]") for i, t in enumerate(texts)]
        pieces = [(i, start + _lead(text[start:end]), end - _trail(text[start:end]))
                  for i, text in enumerate(checked)
                  for start, end in segments(text) if text[start:end].strip()]
        piece_texts = [checked[i][s:e] for i, s, e in pieces]
        found: list[list[Mention]] = [[] for _ in checked]
        for kind in kinds:
            threshold = self._threshold(kind)
            ranked = self.linkers[kind].rank(piece_texts, top_k=30) if pieces else []
            for (i, offset, _), piece, cands in zip(pieces, piece_texts, ranked, strict=True):
                found[i] += [self._mention(piece, c, kind, lang).shifted(offset)
                             for c in cands if c.score >= threshold]
        out = []
        for mentions in found:
            chosen: list[Mention] = []
            for mention in sorted(mentions, key=lambda m: -m.score):
                if all(mention.end <= m.start or mention.start >= m.end for m in chosen):
                    chosen.append(mention)
            out.append(sorted(chosen, key=lambda m: m.start))
        return out

    def link_occupations(self, title: str, lang: str | None = None, top_k: int = 10,
                         abstain: bool = True) -> list[Mention]:
        """Occupations for a job or qualification title, best first."""
        kind = ConceptKind.OCCUPATION
        cands = self.linkers[kind].rank([check_text(title, "title")], top_k)[0]
        threshold = self._threshold(kind) if abstain else 0.0
        return [self._mention(title, c, kind, lang, whole=True) for c in cands
                if c.score >= threshold]

    def _mention(self, text: str, cand: Candidate, kind: ConceptKind, lang: str | None,
                 whole: bool = False) -> Mention:
        index = self.linkers[kind].index
        uri = index.uris[cand.concept]
        concept = self.taxonomy.concepts[uri]
        span = None if whole else cand.span
        start, end = (span.start, span.end) if span else (0, len(text))
        return Mention(
            start=start, end=end, text=text[start:end], concept=uri, kind=kind.value,
            label=concept.preferred_label(lang or "en"), score=round(cand.score, 4),
            method=_method(cand.features), matched_label=index.entry_text[cand.label_entry],
            matched_lang=index.entry_lang[cand.label_entry],
        )
