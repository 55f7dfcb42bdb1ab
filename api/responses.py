"""What the routes answer: one model per response body, and the error answers.

The models describe the bodies the routes have always sent, for `/docs` and for clients;
they do not reshape them. Every model allows fields it does not name (`extra="allow"`),
so nothing a route returns is dropped, and fields a body carries only sometimes have a
default and are left out when absent (the routes serialise with `exclude_unset`).
`answers()` gives a route its `response_model` and documents each error it can give with
the body it really has (`{"detail": "..."}`; a 422 adds `errors`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Number = int | float  # kept as sent: an int stays an int


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- errors ------------------------------------------------------------------------------------
class Error(Out):
    detail: str = Field(description="what went wrong, naming the field where there is one")


class ErrorItem(Out):
    field: str | None = Field(None, description="the field, e.g. `body.location.lat`")
    message: str
    row: int | None = Field(None, description="in a bulk import: the row (from 1)")


class ValidationError(Error):
    """A request the app refuses: the message names the field(s); `errors` lists each
    (per field for a malformed request, per row for a bulk import)."""

    errors: list[ErrorItem] | None = None


_ERRORS: dict[int, tuple[type[BaseModel], str]] = {
    400: (Error, "The body could not be read (not UTF-8, or not the declared encoding)"),
    401: (Error, "No bearer token, or an invalid or revoked one"),
    403: (Error, "The caller's role may not use this route (or write for this organisation)"),
    404: (Error, "Not found, or outside the caller's scope (ids leak nothing)"),
    409: (Error, "Conflicts with the stored state"),
    413: (Error, "The body is larger than the limit"),
    422: (ValidationError, "Invalid input; the message names the field"),
    503: (Error, "The database is unavailable"),
}


def answers(model: Any, *codes: int, body: bool = False, upsert: bool = False,
            ) -> dict[str, Any]:
    """Keyword arguments for a route: its response model, and each error code it can give
    (401, 422 and 503 always; with a JSON `body` also 400 and 413) documented with its
    body. An `upsert` answers 201 when it creates and 200 when it replaces."""
    wanted = sorted({401, 422, 503, *codes, *((400, 413) if body else ())})
    responses: dict[int | str, dict[str, Any]] = {
        code: {"model": _ERRORS[code][0], "description": _ERRORS[code][1]} for code in wanted}
    if upsert:
        responses[200] = {"model": model, "description": "Replaced: a record with this "
                                                         "external id existed"}
    if 401 in wanted:
        responses[401]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return {"response_model": model, "response_model_exclude_unset": True,
            "responses": responses}


# --- shared pieces -----------------------------------------------------------------------------
class Page(Out):
    total: int
    limit: int
    offset: int


class Labelled(Out):
    id: str
    label: str


class SkillRef(Out):
    skill: str
    label: str


class LanguageLevel(Out):
    lang: str
    level: str


class LinkedMention(Out):
    concept: str
    label: str | None = None
    text: str | None = None
    score: float | None = None
    method: str | None = None


class LinkedStatement(Out):
    field: str
    text: str
    lang: str | None = None
    linked: list[LinkedMention]
    unlinked: list[str]


class Linking(Out):
    """What linking made of free text: per statement, and the warnings a human must act
    on."""

    needs_review: bool
    warnings: list[str]
    statements: list[LinkedStatement]


class Upserted(Out):
    id: int
    created: bool = Field(description="true: created (201 with Location); false: replaced (200)")


class Imported(Out):
    imported: int
    created: int
    updated: int
    ids: list[int]


class RegulationRules(Out):
    country: str
    regulated: bool
    source: str
    reason: str | None = None
    authority: str | None = None
    legal_basis: str | None = None
    compensation_measures: list[str] = []
    work_without_recognition: bool | None = None


class MatchRecognition(Out):
    regulated: bool
    occupation: str | None = None
    status: str | None = None
    compensation: str | None = None
    rules: RegulationRules | None = None


class PlannedCourse(Out):
    id: int
    title: str
    provider: str
    lang: str
    min_level: str
    duration_weeks: Number
    online: bool
    town: str | None
    cost_eur: Number | None = None
    funding: str | None = None
    next_start: str | None = None
    seats: int | None = None
    closes: list[SkillRef] = []
    compensation_measure: str | None = None


class Uncovered(SkillRef):
    courses_not_open_to_you: list[dict[str, Any]] | None = None


class CoursePlan(Out):
    complete: bool
    exact: bool
    total_weeks: Number
    courses: list[PlannedCourse]
    uncovered: list[Uncovered]
    note: str | None = None


class VacancySummary(Out):
    id: int
    title: str
    kind: str
    town: str | None
    employer_id: int
    occupation: str | None
    slots: int | None = None
    start_date: str | None = None
    regulated: bool | None = None


class Feature(Out):
    value: Number
    weight: Number
    contribution: Number


class MatchedSkill(Out):
    skill: str
    label: str
    essential: bool
    credit: Number
    via: str
    evidence: list[dict[str, Any]] = []
    candidate_skill: str | None = None
    candidate_skill_label: str | None = None


class MissingSkill(SkillRef):
    partial_credit: Number | None = None


class LanguageGap(Out):
    lang: str
    required: str
    has: str | None


class Explained(Out):
    """Why a pair matches: the score and its breakdown per feature, matched and missing
    skills, the language gap, the distance, and recognition of the occupation."""

    score: Number
    breakdown: dict[str, Feature]
    matched_skills: list[MatchedSkill]
    missing_essential: list[MissingSkill]
    language_gap: list[LanguageGap]
    distance_km: Number | None
    recognition: MatchRecognition | None = None
    course_plan: CoursePlan | None = None


# --- candidates --------------------------------------------------------------------------------
class CandidateSaved(Out):
    id: str
    created: bool = Field(description="true: created (201 with Location); false: replaced (200)")
    linking: Linking


class CandidateListItem(Out):
    id: str
    external_id: str
    organisation_id: int
    name: str
    town: str | None
    work_permit: str
    updated_at: dt.datetime


class CandidatePage(Page):
    items: list[CandidateListItem]


class CandidateSkill(Out):
    skill: str
    label: str
    source: str
    confidence: Number
    evidence: str | None = None
    statement: str | None = None
    score: Number | None = None


class Recognition(Out):
    status: str | None
    decided_on: dt.date | None
    authority: str | None
    compensation: str | None


class CandidateQualification(Out):
    country: str | None
    year: int | None
    type: str | None
    duration_years: Number | None
    occupation: Labelled | None
    eqf_level: int | None
    eqf_method: str | None
    recognition: Recognition
    title: str | None = None
    content: str | None = None
    link_score: Number | None = None


class CandidateExperience(Out):
    years: Number | None
    occupation: Labelled | None
    title: str | None = None


class Personal(Out):
    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class Consent(Out):
    employer_id: int | None
    granted_at: dt.datetime | None = None


class CandidateProfile(Out):
    """A profile. Without personal data (what an employer may see): no name, contact,
    external id or the person's own words."""

    id: str
    town: str | None
    languages: list[LanguageLevel]
    work_permit: str
    skills: list[CandidateSkill]
    qualifications: list[CandidateQualification]
    experience: list[CandidateExperience]
    preferences: dict[str, Any] | None
    personal: Personal | None = None


class Location(Out):
    town: str | None
    lat: float
    lon: float


class CandidateFull(CandidateProfile):
    """The whole profile, personal data included, and what linking made of it."""

    external_id: str
    organisation_id: int
    location: Location
    travel_radius_km: Number
    consents: list[Consent]
    linking: Linking | dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class CandidateExport(Out):
    """Everything stored about the candidate (a JSON download): the full profile, its
    outcomes and who read or changed it. Times are written as `2026-01-31 09:30:00+00:00`."""

    id: str
    external_id: str
    organisation_id: int
    personal: dict[str, Any] | None
    languages: list[LanguageLevel]
    skills: list[dict[str, Any]]
    qualifications: list[dict[str, Any]]
    experience: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    created_at: str
    updated_at: str
    outcomes: list[dict[str, Any]]
    access_log: list[dict[str, Any]]


class Erased(Out):
    erased: str
    rows: dict[str, int] = Field(description="rows deleted per table")


class ConsentsOut(Out):
    candidate_id: str
    consents: list[Consent]


class VacancyMatch(Explained):
    vacancy: VacancySummary


class VacancyMatchPage(Page):
    items: list[VacancyMatch]


class CourseSuggestion(PlannedCourse):
    relevance: Number
    closes: list[SkillRef] = []


class CourseSuggestionPage(Page):
    items: list[CourseSuggestion]


class PlanTarget(Out):
    vacancy_id: int | None = None
    title: str | None = None
    occupation: str | None = None
    label: str | None = None


class CoursePlanFor(CoursePlan):
    target: PlanTarget
    missing_essential: list[SkillRef]


# --- recognition -------------------------------------------------------------------------------
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


# --- vacancies ---------------------------------------------------------------------------------
class VacancySaved(Upserted):
    linking: Linking


class VacanciesImported(Imported):
    needs_review: int = Field(description="rows a human should look at")
    warnings: list[dict[str, Any]] = Field(description="per such row: row, id, warnings")


class VacancyBase(Out):
    id: int
    employer_id: int
    employer: str
    external_id: str | None
    kind: str
    title: str
    description: str | None
    town: str | None
    lat: float | None
    lon: float | None
    slots: int
    start_date: dt.date | None
    is_open: bool
    min_permit: str
    regulated: bool
    accepts_in_process: bool
    min_eqf: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class VacancyListItem(VacancyBase):
    occupation_uri: str | None
    needs_review: bool


class VacancyPage(Page):
    items: list[VacancyListItem]


class VacancySkill(SkillRef):
    evidence: str | None


class Vacancy(VacancyBase):
    occupation: Labelled | None
    essential_skills: list[VacancySkill]
    optional_skills: list[VacancySkill]
    languages: list[LanguageLevel]
    prerequisites: list[SkillRef]
    linking: Linking | dict[str, Any] | None


class VacancyState(Out):
    id: int
    is_open: bool


class CandidateMatch(Explained):
    candidate: CandidateProfile = Field(description="pseudonymised for an employer unless "
                                                    "the candidate consented (`personal`)")


class CandidateMatchPage(Page):
    items: list[CandidateMatch]


# --- courses -----------------------------------------------------------------------------------
class CourseBase(Out):
    id: int
    external_id: str | None
    provider: str
    title: str
    description: str | None
    lang: str
    min_level: str
    duration_weeks: Number
    online: bool
    town: str | None
    lat: float | None
    lon: float | None
    cost_eur: Number | None
    funding: str | None
    start_dates: list[dt.date]
    seats: int | None


class CoursePage(Page):
    items: list[CourseBase]


class Course(CourseBase):
    skills: list[VacancySkill]


# --- outcomes ----------------------------------------------------------------------------------
class OutcomeRecorded(Out):
    id: int
    candidate_id: str
    vacancy_id: int
    status: str
    reason: str | None
    score: Number
    recorded_at: dt.datetime


class OutcomeItem(OutcomeRecorded):
    score: Number | None  # type: ignore[assignment]


class OutcomePage(Page):
    items: list[OutcomeItem]


# --- organisations and users -------------------------------------------------------------------
class Organisation(Out):
    id: int
    name: str
    kind: str
    external_id: str | None


class OrganisationPage(Page):
    items: list[Organisation]


class UserCreated(Out):
    id: int
    name: str
    role: str
    organisation_id: int | None
    candidate_id: str | None
    token: str = Field(description="shown once")


class TokenIssued(Out):
    user_id: int
    token: str = Field(description="shown once")


class Me(Out):
    user_id: int
    name: str
    role: str
    organisation_id: int | None
    candidate_id: str | None


# --- taxonomy ----------------------------------------------------------------------------------
class TaxonomyStats(Out):
    version: str
    sources: list[str]
    skills: int
    occupations: int


class SearchHit(Labelled):
    kind: str
    score: Number


class SearchHits(Out):
    items: list[SearchHit]


class ConceptLabel(Out):
    text: str
    lang: str
    type: str


class Concept(Out):
    id: str
    kind: str
    label: str
    description: str | None
    labels: list[ConceptLabel]
    isco_code: str | None = None
    regulated: bool | None = None
    essential_skills: list[Labelled] | None = None
    optional_skills: list[Labelled] | None = None


class Mention(Out):
    start: int
    end: int
    text: str
    concept: str
    kind: str
    label: str
    score: Number
    method: str
    lang: str | None = None


class Span(Out):
    start: int
    end: int
    text: str


class Normalized(Out):
    text: str
    lang: str | None
    mentions: list[Mention]
    unlinked: list[Span]


class Health(Out):
    status: str
    taxonomy: str
