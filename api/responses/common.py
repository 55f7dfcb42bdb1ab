"""The base of every response body, the error answers and `answers()` (a route's
response model and documented errors), and the pieces several bodies share."""

from __future__ import annotations

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
    415: (Error, "The Content-Type is not one the route reads; the message names those it "
                 "does"),
    422: (ValidationError, "Invalid input; the message names the field"),
    429: (Error, "Too many failed authentications from this address, or too many requests "
                 "to an expensive route with this token; `Retry-After` says when to retry"),
    503: (Error, "The database is unavailable"),
}


def answers(model: Any, *codes: int, body: bool = False, upsert: bool = False,
            not_modified: bool = False) -> dict[str, Any]:
    """Keyword arguments for a route: its response model, and each error code it can give
    (401, 422, 429 and 503 always; with a JSON `body` also 400, 413 and 415) documented with its
    body. An `upsert` answers 201 when it creates and 200 when it replaces; a route with an
    ETag (`not_modified`) 304 to a matching `If-None-Match`."""
    wanted = sorted({401, 422, 429, 503, *codes, *((400, 413, 415) if body else ())})
    responses: dict[int | str, dict[str, Any]] = {
        code: {"model": _ERRORS[code][0], "description": _ERRORS[code][1]} for code in wanted}
    if upsert:
        responses[200] = {"model": model, "description": "Replaced: a record with this "
                                                         "external id existed"}
    if not_modified:
        responses[304] = {"description": "Not modified: the `If-None-Match` ETag is still "
                                         "the answer's (no body)",
                          "headers": {"ETag": {"schema": {"type": "string"}}}}
    if 401 in wanted:
        responses[401]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if 429 in wanted:
        responses[429]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
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
    occupation_label: str | None = Field(
        None, description="the occupation's label in the reader's language")
    slots: int | None = None
    free_slots: int | None = Field(
        None, description="slots not reserved by an accepted cohort allocation")
    start_date: str | None = None
    regulated: bool | None = None


class Feature(Out):
    value: Number
    weight: Number
    contribution: Number


class MatchedSkill(Out):
    """A skill the candidate has, or earns credit for through a related or similar skill
    (`partial`: via another skill, or credited below 0.5 — an optional skill; an essential
    one credited below 0.5 is listed as missing instead, never as both). `via`: exact,
    related, similar, or language (a language skill met by the level the candidate
    stated)."""

    skill: str
    label: str
    essential: bool
    credit: Number
    via: str
    partial: bool | None = None
    evidence: list[dict[str, Any]] = []
    candidate_skill: str | None = None
    candidate_skill_label: str | None = None


class MissingSkill(SkillRef):
    """An essential skill credited below 0.5 (what the course plan closes): its partial
    credit and the candidate's skill that earned it; or the compensation measure a
    partly recognised regulated occupation needs (`compensation_measure`)."""

    partial_credit: Number | None = None
    via: str | None = None
    candidate_skill: str | None = None
    candidate_skill_label: str | None = None
    compensation_measure: bool | None = None


class Reason(Out):
    """Why a list is short: one reason, and how many records it kept out."""

    reason: str = Field(description=(
        "matches: kind, work_permit, distance, recognition, prerequisite, "
        "qualification_level, language, below_relevance_floor, no_open_vacancy, no_skills; "
        "courses: no_target, nothing_missing, no_course_teaches, no_seats, language_level, "
        "distance, no_start_date"))
    count: int = Field(description="records kept out for this reason alone (0: not a count)")
    detail: str


class LanguageGap(Out):
    lang: str
    required: str
    has: str | None


class Chance(Out):
    """The score calibrated on recorded outcomes (`matcher.learning.calibration`)."""
    step: str = Field(description="interview or placement")
    probability: Number | None = Field(
        description="the share of similar contacted candidates who got that far; null: not "
                    "sure (too few outcomes for this kind of vacancy)")
    phrase: str = Field(description='e.g. "about 3 in 10 similar candidates got an '
                                    'interview", or "not sure: ..."')


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
    interview_chance: Chance | None = Field(
        None, description="present when a score calibration is configured")
