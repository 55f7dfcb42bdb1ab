"""A teacher named with the level or the subject taught: "معلمة رياضيات بمدرسة ابتدائية",
"giáo viên tiếng Anh tiểu học", "Lehrerin für Mathematik", "İngilizce öğretmeni".

ESCO has no occupation "teacher": its teachers are composed, by level (early years,
primary school, secondary school, vocational, language school) and, at secondary schools,
by subject ("mathematics teacher at secondary school"). People write their language's word
for teacher with the level or the subject, seldom anything like such a label, so these
statements named no occupation, or only the subject's skill. Here the word for teacher and
the level come from a short grammar (`data/teachers.json`), the subject from the skills
the piece names exactly; the occupation is the ESCO one of that level and subject. A word
for teacher alone says too little and composes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.project_labels import language_codes
from skills_taxonomy.text import Span, fold, has_unspaced_script
from skills_taxonomy.whole_label import as_written

GRAMMAR = Path(__file__).parent / "data" / "teachers.json"
SECONDARY = "secondary school teacher"  # the level at which the subject decides


def _pattern(patterns: Mapping[str, list[str]]) -> re.Pattern[str]:
    """One expression for all languages' patterns: whole words, but in unspaced scripts."""
    parts = [p if has_unspaced_script(p) else rf"(?<!\w){p}(?!\w)"
             for lang_patterns in patterns.values() for p in lang_patterns]
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True)
class Grammar:
    teacher: re.Pattern[str]  # the word for teacher
    assistant: re.Pattern[str]  # a word that makes it a teaching assistant
    levels: list[tuple[str, re.Pattern[str]]]  # occupation label, its level's words
    subjects: dict[str, str]  # a subject skill's English label → the occupation's
    own_language: str  # the occupation teaching the text's own language
    other_language: str  # and any other language


@cache
def load_grammar(path: Path = GRAMMAR) -> Grammar:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Grammar(_pattern(raw["teacher"]), _pattern(raw["assistant"]),
                   [(label, _pattern(patterns)) for label, patterns in raw["levels"].items()],
                   dict(raw["subjects"]), raw["own_language"], raw["other_language"])


class Teachers:
    """Composes a teacher's occupation from the words of a statement."""

    def __init__(self, linkers: Mapping[ConceptKind, Linker]) -> None:
        self.occupations = linkers[ConceptKind.OCCUPATION]
        self.skills = linkers[ConceptKind.SKILL]
        self.grammar = grammar = load_grammar()
        # a skill taught → the occupation teaching it; a language → its code
        code_of = language_codes()
        self.subjects = {concept: grammar.subjects[label]
                         for concept, label in enumerate(self.skills.index.preferred)
                         if label in grammar.subjects}
        self.languages = {concept: code_of[label]
                          for concept, label in enumerate(self.skills.index.preferred)
                          if label in code_of and concept not in self.subjects}
        # each occupation the grammar composes, by its English label (all of ESCO's
        # teachers; a taxonomy without them, the starter, composes what it has)
        composed = {*grammar.subjects.values(), grammar.own_language, grammar.other_language,
                    *(level for level, _ in grammar.levels)}
        self.composes = {label: (concept, self.occupations.exact.entry_of(concept,
                                                                          (fold(label),)))
                         for concept, label in enumerate(self.occupations.index.preferred)
                         if label in composed}

    def composed(self, text: str, piece: str, lang: str | None) -> Candidate | None:
        """The occupation of the teacher a piece of `text` names, as a candidate whose span
        is the word for teacher in the piece; None where the piece names no teacher (or
        a teaching assistant), or neither the text a level nor the piece a subject."""
        word = self.grammar.teacher.search(piece)
        if word is None or self.grammar.assistant.search(piece):
            return None
        level = next((label for label, pattern in self.grammar.levels
                      if pattern.search(text)), None)
        if level is None or level == SECONDARY:
            level = self._subject(piece, lang, word.span()) or level
        if level not in self.composes:
            return None
        cand = as_written(self.occupations, *self.composes[level])
        return replace(cand, span=Span(word.start(), word.end(), word.group()))

    def _subject(self, piece: str, lang: str | None, word: tuple[int, int]) -> str | None:
        """The occupation that teaches the first subject the piece names exactly."""
        hits = sorted((span.start, concept)
                      for concept, (_, span, _) in self.skills.exact.hits(piece, lang).items()
                      if span.end <= word[0] or span.start >= word[1])
        for _, concept in hits:
            if concept in self.subjects:
                return self.subjects[concept]
            if concept in self.languages:
                return (self.grammar.own_language if self.languages[concept] == lang
                        else self.grammar.other_language)
        return None


__all__ = ["Grammar", "Teachers", "load_grammar"]
