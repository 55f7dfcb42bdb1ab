"""The taxonomy as the matching engine sees it: ids to check, text to link, vectors.

`Concepts` wraps a `Normalizer` (taxonomy + encoder + indexes) and adds what profiles
need: checking that a concept id exists and has the right kind (the error names the
field), linking free text to skills and titles to occupations, one unit vector per
concept (the centroid of its label embeddings), profile vectors, relatedness through the
hierarchy, and the persisted copy of the taxonomy in PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from babel import Locale
from scipy import sparse

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.language import detect_language
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Mention, Normalizer, Statement
from skills_taxonomy.text import fold

# ESCO's language skills: the language's English name, alone or in one of four phrasings
LANGUAGE_SKILL = re.compile(
    r"(?:understand (?:spoken|written) |speak |write |interact verbally in )?([A-Z][\w ]*)")


@dataclass(frozen=True)
class Linked:
    """A concept found in a piece of free text, with the words that evidence it."""

    uri: str
    score: float
    evidence: str


def linked(statement: Statement) -> list[Linked]:
    """A statement's mentions as the skills a profile stores."""
    return [Linked(m.concept, m.score, m.text) for m in statement.mentions]


def to_array(value: object) -> np.ndarray | None:
    """A vector column as read by pgvector-python (a `Vector`, or None)."""
    if value is None:
        return None
    to_numpy = getattr(value, "to_numpy", None)
    return np.asarray(to_numpy() if to_numpy else value, dtype=np.float32)


class Concepts:
    def __init__(self, normalizer: Normalizer) -> None:
        self.normalizer = normalizer
        self.taxonomy = normalizer.taxonomy
        self.version = normalizer.version
        self._row: dict[str, int] = {}
        blocks = []
        for kind in (ConceptKind.SKILL, ConceptKind.OCCUPATION):
            index = normalizer.linkers[kind].index
            offset = len(self._row)
            self._row.update({uri: offset + i for i, uri in enumerate(index.uris)})
            blocks.append(index.centroids.astype(np.float32))
        self.vectors = np.vstack(blocks)
        self.dim = int(self.vectors.shape[1])  # the main encoder's: what pgvector stores
        self._related: dict[str, frozenset[str]] = {}
        self._narrower: dict[str, list[str]] = {}  # the inverse of taxonomy.broader, once
        for child, parents in self.taxonomy.broader.items():
            for parent in parents:
                self._narrower.setdefault(parent, []).append(child)

    # --- checks -------------------------------------------------------------------------
    def kind_of(self, uri: str) -> ConceptKind | None:
        concept = self.taxonomy.concepts.get(uri)
        return concept.kind if concept else None

    def check(self, uri: str, kind: ConceptKind, field: str) -> str:
        found = self.kind_of(uri)
        if found is None:
            raise InvalidInputError(f"{field}: unknown {kind.value} id {uri!r}")
        if found is not kind:
            raise InvalidInputError(f"{field}: {uri!r} is a {found.value}, not a {kind.value}")
        return uri

    def check_all(self, uris: Sequence[str], kind: ConceptKind, field: str) -> list[str]:
        for i, uri in enumerate(uris):
            if self.kind_of(uri) is not kind:  # the error names the position
                self.check(uri, kind, f"{field}[{i}]")
        return list(uris)

    def occupation_threshold(self, text: str) -> float:
        """The linking score below which an occupation link for `text` is not trusted
        (each route, English or multilingual, has its own)."""
        linker = self.normalizer.linkers[ConceptKind.OCCUPATION]
        route = linker.route(detect_language(text), text)
        return self.normalizer.threshold_for(ConceptKind.OCCUPATION, route)

    # --- labels and relations -------------------------------------------------------------
    def label(self, uri: str, lang: str = "en") -> str:
        concept = self.taxonomy.concepts.get(uri)
        return concept.preferred_label(lang) if concept else uri

    def essential_skills(self, occupation: str) -> list[str]:
        return self.taxonomy.essential_skills(occupation)

    def optional_skills(self, occupation: str) -> list[str]:
        return self.taxonomy.optional_skills(occupation)

    @cached_property
    def language_skills(self) -> dict[str, str]:
        """ESCO's language skills ("German", "understand spoken German", "write German",
        "interact verbally in German"…) → the language's code: a candidate's stated level
        of that language evidences them, as "gute Deutschkenntnisse" links to "German"."""
        names = {str(name).casefold(): code for code, name in Locale("en").languages.items()
                 if code.isalpha()}
        out: dict[str, str] = {}
        for uri, concept in self.taxonomy.concepts.items():
            if concept.kind is ConceptKind.SKILL:
                found = LANGUAGE_SKILL.fullmatch(concept.preferred_label("en"))
                code = names.get(found.group(1).casefold()) if found else None
                if code:
                    out[uri] = code
        return out

    def related(self, uri: str) -> frozenset[str]:
        """Skills one step away in the hierarchy: broader, narrower, and siblings
        (sharing a broader skill that is not a top-level group)."""
        cached = self._related.get(uri)
        if cached is not None:
            return cached
        broader = self.taxonomy.broader.get(uri, set())
        near = set(broader) | set(self._narrower.get(uri, []))
        for parent in broader:
            siblings = self._narrower.get(parent, [])
            if len(siblings) <= 50:  # a huge group says little about closeness
                near.update(siblings)
        near.discard(uri)
        result = frozenset(near)
        self._related[uri] = result
        return result

    # --- vectors ----------------------------------------------------------------------------
    def row(self, uri: str) -> int | None:
        """The concept's row in `vectors`."""
        return self._row.get(uri)

    def vector(self, uri: str) -> np.ndarray | None:
        row = self._row.get(uri)
        return None if row is None else self.vectors[row]

    def matrix(self, uris: Sequence[str]) -> np.ndarray:
        """Unit vectors of the given concepts (zeros for ids no longer in the taxonomy)."""
        out = np.zeros((len(uris), self.dim), dtype=np.float32)
        for i, uri in enumerate(uris):
            row = self._row.get(uri)
            if row is not None:
                out[i] = self.vectors[row]
        return out

    def profile_vector(self, weighted: Iterable[tuple[str, float]]) -> list[float] | None:
        """Weighted mean of concept vectors, unit length: what pgvector searches on."""
        vector = self.profile_vectors([weighted])[0]
        return None if vector is None else vector.tolist()

    def profile_vectors(self, weighted: Sequence[Iterable[tuple[str, float]]],
                        chunk: int = 20_000) -> list[np.ndarray | None]:
        """`profile_vector` of many records, a sparse product per `chunk` of them: a
        national import of a million vacancies would spend minutes summing row by row."""
        out: list[np.ndarray | None] = []
        for start in range(0, len(weighted), chunk):
            rows, cols, vals = [], [], []
            for i, pairs in enumerate(weighted[start:start + chunk]):
                for uri, weight in pairs:
                    col = self._row.get(uri)
                    if col is not None:
                        rows.append(i)
                        cols.append(col)
                        vals.append(weight)
            n = min(chunk, len(weighted) - start)
            matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vectors)),
                                       dtype=np.float32)
            total = np.asarray(matrix @ self.vectors, dtype=np.float32)
            norms = np.linalg.norm(total, axis=1)
            out.extend(None if norm == 0 else vector / norm
                       for vector, norm in zip(total, norms, strict=True))
        return out

    # --- linking ----------------------------------------------------------------------------
    def skill_statements(self, texts: Sequence[str], lang: str | None = None,
                         ) -> list[Statement]:
        """Skills mentioned in each text, with what did not link (not linked to
        occupations at all: half the cost, and an occupation's name cannot hide the skill
        written in the same words)."""
        return self.normalizer.statements(texts, lang, kinds=(ConceptKind.SKILL,)) \
            if texts else []

    def link_skills(self, texts: Sequence[str], lang: str | None = None) -> list[list[Linked]]:
        """Skills mentioned in each text."""
        return [linked(s) for s in self.skill_statements(texts, lang)]

    def link_titles(self, titles: Sequence[str], lang: str | None = None,
                    ) -> list[Mention | None]:
        """The best occupation for each job or qualification title, or None (abstained)."""
        found = self.normalizer.link_occupations_batch(titles, lang, top_k=1)
        return [best[0] if best else None for best in found]

    def sharing_label(self, occupation: str, label: str) -> list[str]:
        """The occupations that carry `label` as one of their labels, `occupation` (one of
        them) first: "Lagerhelfer" is a German label of warehouse worker and of shelf
        filler, "Küchenchef" of head chef, chef and cook."""
        index = self.normalizer.linkers[ConceptKind.OCCUPATION].index
        others = [index.uris[c] for c in index.exact.get(fold(label), ())]
        return [occupation, *(uri for uri in others if uri != occupation)]

    def most_asked(self, occupation: str, label: str, asked: set[str]) -> str:
        """Of the occupations `label` names (`sharing_label`), the one whose usual skills
        (essential and optional) are most among `asked`: the linker's choice between
        equal exact hits is arbitrary. `occupation` where the skills tie."""
        sharing = self.sharing_label(occupation, label) if asked else [occupation]

        def overlap(uri: str) -> int:
            return len(asked & {*self.essential_skills(uri), *self.optional_skills(uri)})

        return max(sharing, key=overlap)  # the first of the best: `occupation` on a tie

    def by_skills(self, title: Mention | None, asked: set[str]) -> Mention | None:
        """A title linked by an exact label several occupations carry ("Lagerhelfer"):
        the one of them the skills ask most (`most_asked`)."""
        if title is None or title.method != "exact":
            return title
        best = self.most_asked(title.concept, title.matched_label, asked)
        return title if best == title.concept else replace(
            title, concept=best, label=self.label(best))

    def search(self, query: str, kind: ConceptKind, lang: str, limit: int,
               ) -> list[dict[str, object]]:
        """Concepts for a search box: the linker's ranking, without abstention."""
        ranked = self.normalizer.rank([query], kind, top_k=limit)[0]
        index = self.normalizer.linkers[kind].index
        return [{"id": index.uris[c.concept], "kind": kind.value,
                 "label": self.label(index.uris[c.concept], lang),
                 "score": round(c.score, 4)} for c in ranked]


__all__ = ["Concepts", "Linked", "linked", "to_array"]
