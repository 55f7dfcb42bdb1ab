"""Bodies of the recognition routes: a qualification recognised, regulation, EQF
tables, and the vacancies a short course plan makes reachable."""

from __future__ import annotations

from typing import Any

from api.responses.candidates import Recognition
from api.responses.common import (
    CoursePlan,
    Labelled,
    MatchRecognition,
    Number,
    Out,
    Page,
    RegulationRules,
    VacancySummary,
)


class Eqf(Out):
    level: int | None
    method: str
    estimated: bool
    evidence: dict[str, Any] | None = None


class ReferenceOccupation(Labelled):
    confidence: Number


class Recognised(Out):
    """A qualification recognised: reference occupation(s), EQF level with its evidence,
    regulation in the destination country, the skills it evidences and the gap."""

    title: str
    country: str | None
    eqf: Eqf
    reference_occupations: list[ReferenceOccupation]
    reference_occupation: dict[str, Any] | None = None
    regulation: RegulationRules | None = None
    level_gap: dict[str, Any] | None = None
    skills: list[dict[str, Any]] = []
    gap: list[dict[str, Any]] = []
    note: str | None = None


class CandidateRecognised(Recognised):
    recognition: Recognition
    gap_for_candidate: list[dict[str, Any]]


class CandidateQualifications(Out):
    items: list[CandidateRecognised]


class Regulated(RegulationRules):
    occupation: str
    label: str


class EqfTableCount(Out):
    source: str
    rows: int


class EqfTables(Out):
    items: list[EqfTableCount]


class EqfTableImported(Out):
    source: str
    rows: int
    skipped_without_level: int
    table_rows_in_use: int


class Reachable(Out):
    vacancy: VacancySummary
    score_now: Number
    score_after: Number
    essential_now: Number
    essential_after: Number
    course_plan: CoursePlan
    recognition: MatchRecognition | None = None


class ReachablePage(Page):
    items: list[Reachable]
