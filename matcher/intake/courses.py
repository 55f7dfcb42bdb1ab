"""Course intake: concept ids checked and the taught skills linked from free text."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.concepts import Concepts
from matcher.errors import RowError
from matcher.schemas import CourseIn
from skills_taxonomy.model import ConceptKind


@dataclass
class PreparedCourse:
    data: CourseIn
    skills: list[tuple[str, str | None]]
    embedding: list[float] | None


def check_course(concepts: Concepts, c: CourseIn) -> None:
    concepts.check_all(c.skills, ConceptKind.SKILL, "skills")
    if c.compensation_for:
        concepts.check(c.compensation_for, ConceptKind.OCCUPATION, "compensation_for")


def prepare_courses(concepts: Concepts, items: list[CourseIn]) -> list[PreparedCourse]:
    """Link the skills text of already checked courses; a course left with no skill is
    refused (InvalidInputError naming its row)."""
    texts = [(row, c.skills_text) for row, c in enumerate(items)
             if c.skills_text and c.skills_text.strip()]
    linked = dict(zip([r for r, _ in texts],
                      concepts.link_skills([t for _, t in texts if t]), strict=True))
    out = []
    for row, c in enumerate(items):
        skills: dict[str, str | None] = dict.fromkeys(c.skills)
        for found in linked.get(row, []):
            skills.setdefault(found.uri, found.evidence)
        if not skills and not c.compensation_for:
            raise RowError(row, "skills_text", f"no skill recognised in {c.skills_text!r}; "
                           "give skill ids instead")
        out.append(PreparedCourse(c, list(skills.items()),
                                  concepts.profile_vector((u, 1.0) for u in skills)))
    return out
