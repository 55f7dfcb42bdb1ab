"""The taxonomy's data model: concepts, their multilingual labels and their relations.

Plain dataclasses held in one `Taxonomy` container. Concepts are keyed by URI (ESCO URIs,
or `starter:` ids for concepts the starter taxonomy adds), so imports of several ESCO
versions and languages merge into one graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class ConceptKind(StrEnum):
    SKILL = "skill"
    OCCUPATION = "occupation"
    ISCO_GROUP = "isco_group"


class LabelType(StrEnum):
    PREFERRED = "preferred"
    ALTERNATIVE = "alternative"
    HIDDEN = "hidden"


class SkillType(StrEnum):
    SKILL = "skill/competence"
    KNOWLEDGE = "knowledge"
    UNKNOWN = ""


class RelationType(StrEnum):
    ESSENTIAL = "essential"
    OPTIONAL = "optional"


class Label(NamedTuple):
    """A name of a concept in one language. A tuple: 650,000 of them unpickle in a
    fraction of a second (a frozen dataclass took three, a third of the start-up)."""

    text: str
    lang: str
    type: LabelType
    source: str = ""  # where it came from: esco, melo, label-file:<name>, project:<name>


@dataclass(slots=True)
class Concept:
    uri: str
    kind: ConceptKind
    labels: list[Label] = field(default_factory=list)
    description: str = ""
    skill_type: SkillType = SkillType.UNKNOWN
    reuse_level: str = ""
    isco_code: str = ""
    regulated: bool | None = None

    def preferred_label(self, lang: str = "en") -> str:
        """The preferred label in `lang`, falling back to English, then to any label."""
        for wanted in (lang, "en"):
            for label in self.labels:
                if label.lang == wanted and label.type is LabelType.PREFERRED:
                    return label.text
        return self.labels[0].text if self.labels else self.uri

    def add_label(self, text: str, lang: str, type_: LabelType, source: str = "") -> bool:
        """Add a label unless the same text already exists in that language."""
        text = " ".join(text.split())
        if not text:
            return False
        key = text.casefold()
        for existing in self.labels:
            if existing.lang == lang and existing.text.casefold() == key:
                if type_ is LabelType.PREFERRED and existing.type is not LabelType.PREFERRED:
                    self.labels.remove(existing)
                    source = existing.source or source
                    break
                return False
        if type_ is LabelType.PREFERRED:
            # One preferred label per language: a newer import demotes the older one.
            for i, existing in enumerate(self.labels):
                if existing.lang == lang and existing.type is LabelType.PREFERRED:
                    self.labels[i] = Label(existing.text, lang, LabelType.ALTERNATIVE,
                                           existing.source)
        self.labels.append(Label(text, lang, type_, source))
        return True

    def add_secondary_label(self, text: str, lang: str, type_: LabelType,
                            source: str) -> bool:
        """A label from a source that adds to the concept: its preferred label becomes
        an alternative one where the concept already has a preferred label in `lang`."""
        return self.add_secondary_labels([(text, type_)], lang, source) > 0

    def add_secondary_labels(self, labels: Iterable[tuple[str, LabelType]], lang: str,
                             source: str) -> int:
        """`add_secondary_label` for many labels of one language; returns how many were
        added. The concept's labels are scanned once, not once per label: a full import
        adds 775,000 labels to concepts that hold hundreds."""
        keys = {lb.text.casefold() for lb in self.labels if lb.lang == lang}
        has_preferred = any(lb.lang == lang and lb.type is LabelType.PREFERRED
                            for lb in self.labels)
        added = 0
        for text, type_ in labels:
            text = " ".join(text.split())
            if not text:
                continue
            key = text.casefold()
            if has_preferred and type_ is LabelType.PREFERRED:
                type_ = LabelType.ALTERNATIVE
            if key in keys:
                # an alternative label of the same text becomes the preferred one
                if type_ is LabelType.PREFERRED:
                    added += self.add_label(text, lang, type_, source)
                    has_preferred = True
                continue
            self.labels.append(Label(text, lang, type_, source))
            keys.add(key)
            added += 1
            has_preferred = has_preferred or type_ is LabelType.PREFERRED
        return added

    @property
    def languages(self) -> set[str]:
        return {label.lang for label in self.labels}


@dataclass
class Taxonomy:
    """All concepts and relations, plus the sources they were imported from."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    occupation_skills: dict[str, dict[str, RelationType]] = field(default_factory=dict)
    broader: dict[str, set[str]] = field(default_factory=dict)
    skill_relations: dict[str, dict[str, RelationType]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def add(self, concept: Concept) -> Concept:
        """Insert a concept or merge it into the existing one with the same URI."""
        existing = self.concepts.get(concept.uri)
        if existing is None:
            self.concepts[concept.uri] = concept
            return concept
        for label in concept.labels:
            existing.add_label(label.text, label.lang, label.type, label.source)
        existing.description = existing.description or concept.description
        existing.skill_type = existing.skill_type or concept.skill_type
        existing.reuse_level = existing.reuse_level or concept.reuse_level
        existing.isco_code = existing.isco_code or concept.isco_code
        if existing.regulated is None:
            existing.regulated = concept.regulated
        return existing

    def get(self, uri: str) -> Concept | None:
        return self.concepts.get(uri)

    def of_kind(self, kind: ConceptKind) -> Iterator[Concept]:
        return (c for c in self.concepts.values() if c.kind is kind)

    def count(self, kind: ConceptKind) -> int:
        return sum(1 for _ in self.of_kind(kind))

    def relate_occupation_skill(self, occupation: str, skill: str, rel: RelationType) -> None:
        current = self.occupation_skills.setdefault(occupation, {})
        # essential wins over optional when two sources disagree
        if current.get(skill) is not RelationType.ESSENTIAL:
            current[skill] = rel

    def add_broader(self, narrower: str, broader: str) -> None:
        self.broader.setdefault(narrower, set()).add(broader)

    def relate_skills(self, skill: str, related: str, rel: RelationType) -> None:
        self.skill_relations.setdefault(skill, {})[related] = rel

    def essential_skills(self, occupation: str) -> list[str]:
        rels = self.occupation_skills.get(occupation, {})
        return [s for s, r in rels.items() if r is RelationType.ESSENTIAL]

    def optional_skills(self, occupation: str) -> list[str]:
        rels = self.occupation_skills.get(occupation, {})
        return [s for s, r in rels.items() if r is RelationType.OPTIONAL]

    def narrower(self, uri: str) -> list[str]:
        return [n for n, parents in self.broader.items() if uri in parents]

    def above(self, uri: str) -> set[str]:
        """Every concept above `uri` in the hierarchy (its broader ones, theirs, …)."""
        found: set[str] = set()
        todo = list(self.broader.get(uri, ()))
        while todo:
            parent = todo.pop()
            if parent not in found:
                found.add(parent)
                todo += self.broader.get(parent, ())
        return found

    def languages(self, kind: ConceptKind | None = None) -> dict[str, int]:
        """Number of labels per language, optionally for one kind of concept."""
        counts: dict[str, int] = {}
        concepts: Iterable[Concept] = (
            self.concepts.values() if kind is None else self.of_kind(kind)
        )
        for concept in concepts:
            for label in concept.labels:
                counts[label.lang] = counts.get(label.lang, 0) + 1
        return dict(sorted(counts.items()))

    def label_sources(self) -> dict[str, dict[str, int]]:
        """Number of labels per language and source (official ESCO files, label
        mapping files, MELO corpora, the project's own labels)."""
        counts: dict[str, dict[str, int]] = {}
        for concept in self.concepts.values():
            for label in concept.labels:
                per_lang = counts.setdefault(label.lang, {})
                source = label.source or "unknown"
                per_lang[source] = per_lang.get(source, 0) + 1
        return {lang: dict(sorted(v.items())) for lang, v in sorted(counts.items())}

    @property
    def version(self) -> str:
        """A content hash: the cache key of every index built on this taxonomy."""
        digest = hashlib.sha256()
        for uri in sorted(self.concepts):
            concept = self.concepts[uri]
            digest.update(uri.encode())
            digest.update(concept.description[:200].encode())
            for label in sorted(concept.labels, key=lambda lb: (lb.lang, lb.type, lb.text)):
                digest.update(f"\x1f{label.lang}\x1f{label.type}\x1f{label.text}".encode())
        return digest.hexdigest()[:16]

    def stats(self, version: str | None = None) -> dict[str, object]:
        """Counts; pass the stored `version` to skip re-hashing the whole taxonomy."""
        relations = sum(len(v) for v in self.occupation_skills.values())
        essential = sum(
            1 for v in self.occupation_skills.values() for r in v.values()
            if r is RelationType.ESSENTIAL
        )
        return {
            "version": version or self.version,
            "sources": list(self.sources),
            "skills": self.count(ConceptKind.SKILL),
            "occupations": self.count(ConceptKind.OCCUPATION),
            "isco_groups": self.count(ConceptKind.ISCO_GROUP),
            "occupation_skill_relations": relations,
            "essential_relations": essential,
            "optional_relations": relations - essential,
            "broader_relations": sum(len(v) for v in self.broader.values()),
            "skill_skill_relations": sum(len(v) for v in self.skill_relations.values()),
            "labels_per_language": self.languages(),
            "labels_by_source": self.label_sources(),
        }
