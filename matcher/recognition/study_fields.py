"""Fields of study and trades named in a qualification title ("ليسانس حقوق": law;
"Bằng trung cấp nghề hàn": welding; "经济学硕士": economics), each with the occupations it
usually leads to, in the order to prefer when the level does not decide.

Why: a degree names its field, rarely its occupation. "حقوق" is no label of lawyer in
any taxonomy (it also means "rights"), and linking the bare title finds a human rights
officer or, for "法学本科", a civil engineer. The field words live in
`matcher/data/recognition/study_fields.json` (en, de, fr, uk, ru, tr, ar, fa/dari, vi, zh;
written by the project) and are matched as the grammar's words are (folded, whole words,
"*" an ending, Arabic clitics in front, Han script without spaces).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from matcher.recognition.grammar_patterns import probe_of, with_latin, word_pattern
from skills_taxonomy.text import fold

FOUND_CACHE = 4096  # titles whose fields are kept


class Lead(NamedTuple):
    """An occupation a field leads to."""

    uri: str
    # the EQF level from which the field leads to it, or None: "كهرباء" in a university's
    # title is electrical engineering, elsewhere the trade
    from_eqf: int | None
    # the field's school teacher: named only where the title names a teacher ("معلم
    # رياضيات"), and then first
    teaching: bool


@dataclass(frozen=True)
class StudyField:
    id: str
    occupations: tuple[Lead, ...]  # the usual one first

    @property
    def has_teachers(self) -> bool:
        return any(lead.teaching for lead in self.occupations)


@dataclass(frozen=True)
class NamedField:
    """A field found in a title, with the words that named it (as the data writes them,
    with their marks: "hàn điện", where the title is matched folded) and where."""

    field: StudyField
    words: str
    start: int
    end: int


@lru_cache(maxsize=1)
def study_fields_data() -> dict[str, Any]:
    path = resources.files("matcher") / "data" / "recognition" / "study_fields.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


class StudyFields:
    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data or study_fields_data()
        self.forms: list[tuple[StudyField, str, re.Pattern[str], str]] = []
        for entry in data["fields"]:
            field = StudyField(entry["id"], tuple(
                Lead(o["uri"], o.get("from_eqf"), o.get("teaching", False))
                for o in entry["occupations"]))
            words = set(with_latin([w for forms in entry["words"].values() for w in forms]))
            self.forms += [(field, w.replace("*", "").replace("~", ""), word_pattern(w),
                            probe_of(w))
                           for w in sorted(words)]
        # a title is read for its occupations and again for the answer's evidence
        self._found: dict[str, tuple[NamedField, ...]] = {}

    def find(self, title: str) -> tuple[NamedField, ...]:
        """The fields `title` names, each by its longest words; a field named only inside
        another's words ("electrical" inside "electrical engineering") is left out."""
        if title not in self._found:
            if len(self._found) >= FOUND_CACHE:
                self._found.clear()
            self._found[title] = self._read(title)
        return self._found[title]

    def _read(self, title: str) -> tuple[NamedField, ...]:
        text = fold(title)
        longest: dict[str, NamedField] = {}
        for field, word, pattern, probe in self.forms:
            if probe not in text or not (m := pattern.search(text)):
                continue
            found = longest.get(field.id)
            if found is None or m.end() - m.start() > found.end - found.start:
                longest[field.id] = NamedField(field, word, m.start(), m.end())
        named = list(longest.values())
        return tuple(n for n in named if not any(
            o is not n and o.start <= n.start and n.end <= o.end
            and o.end - o.start > n.end - n.start for o in named))


@lru_cache(maxsize=1)
def shipped_fields() -> StudyFields:
    return StudyFields()
