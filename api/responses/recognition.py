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


class FieldOfStudy(Out):
    """A field of study or trade the title names, and the words that name it."""

    field: str
    words: str


class ProcedureAuthority(Out):
    name: str
    decides: str
    region: str | None = None
    url: str | None = None


class ProcedureStep(Out):
    n: int
    step: str
    who: str | None = None


class CompensationCourse(Out):
    """The fields a course carries to be this measure (`CourseIn`): the course plan
    includes such courses once a partial recognition names the measure."""

    compensation_for: str
    measure: str


class ProcedureMeasure(Out):
    name: str
    measure: str
    description: str
    course: CompensationCourse


class ProcedureRequirement(Out):
    name: str
    skill: str | None = None


class SourceRef(Out):
    title: str
    url: str
    as_of: str


class Procedure(Out):
    """What recognition involves for an occupation in a destination country, with the
    steps in order; `general`: the country's procedure for any (un)regulated occupation."""

    country: str
    destination: str
    occupation: str
    general: bool
    key: str
    label: str
    mandatory: bool
    obtains: str
    authorities: list[ProcedureAuthority]
    documents: list[str]
    duration: str
    fees: str
    steps: list[ProcedureStep]
    outcomes: list[str]
    compensation_measures: list[ProcedureMeasure] = []
    requirements: list[ProcedureRequirement] = []
    useful_for: list[str] = []
    sources: list[SourceRef]


class Recognised(Out):
    """A qualification recognised: reference occupation(s), EQF level with its evidence,
    regulation in the destination country, the skills it evidences and the gap."""

    title: str
    country: str | None
    eqf: Eqf
    reference_occupations: list[ReferenceOccupation]
    fields_of_study: list[FieldOfStudy] = []
    reference_occupation: dict[str, Any] | None = None
    regulation: RegulationRules | None = None
    procedure: Procedure | None = None
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
    procedure: Procedure


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
