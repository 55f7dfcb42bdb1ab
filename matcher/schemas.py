"""What coaches, employers and providers send: candidates, vacancies, courses, outcomes.

Pydantic models, strict about shape (unknown fields, wrong types and out-of-range values
are refused with the field named). Whether a concept id exists is checked against the
taxonomy when the profile is written (`matcher.concepts.Concepts.check`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from matcher.recognition.procedure import check_destination

Cefr = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]
Permit = Literal["none", "pending", "restricted", "full"]
Kind = Literal["job", "apprenticeship", "placement"]
Source = Literal["self_declared", "coach_verified", "qualification", "work_experience"]
_ALL_KINDS: tuple[Kind, ...] = ("job", "apprenticeship", "placement")
QualificationType = Literal["primary", "lower_secondary", "upper_secondary",
                            "vocational_secondary", "short_cycle", "bachelor", "master",
                            "doctorate"]
RecognitionStatus = Literal["none", "applied", "partial", "full"]
Compensation = Literal["adaptation_course", "knowledge_test"]
OutcomeStatus = Literal["contacted", "interview", "placed", "rejected"]

ExternalId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.:/@-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=300)]
ShortText = Annotated[str, Field(max_length=2_000)]
LongText = Annotated[str, Field(max_length=10_000)]
ConceptId = Annotated[str, Field(min_length=1, max_length=300)]
LangCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
# An id or text that reaches PostgreSQL, which cannot store NUL characters (they would
# fail the query with a 500 instead of a 422 naming the field).
NO_NUL = r"^[^\x00]*$"
CandidateRef = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]


def refuse_nul(value: Any) -> Any:
    """A field validator: strings (also in lists) must not contain NUL characters."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters (\\u0000)")
    if isinstance(value, list | tuple):
        for item in value:
            refuse_nul(item)
    return value


def _holds(annotation: Any, types: set[Any]) -> bool:
    """Whether a field holds these types only (optionally None, or a list of them)."""
    if getattr(annotation, "__origin__", None) is list:
        annotation = annotation.__args__[0]
    args = set(getattr(annotation, "__args__", ())) or {annotation}
    return bool(args & types) and args <= types | {type(None)}


def _json_type(field: Any, value: Any) -> None:
    """Refuse what pydantic would quietly convert: true/false as a number (1/0), a
    number as a date (seconds since 1970)."""
    values = value if isinstance(value, list) else [value]
    if field is None:
        return
    if any(isinstance(v, bool) for v in values) and _holds(field.annotation, {int, float}):
        raise ValueError("must be a number, not true or false")
    if any(isinstance(v, int | float) for v in values) and _holds(field.annotation, {dt.date}):
        raise ValueError("must be a date (YYYY-MM-DD), not a number")


class Model(BaseModel):
    # allow_inf_nan: a CSV cell `nan` or `inf` is refused naming the field, not stored
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    _no_nul = field_validator("*", mode="before")(refuse_nul)

    @field_validator("*", mode="before")
    @classmethod
    def _as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        _json_type(cls.model_fields.get(info.field_name or ""), value)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """Numbers too small for PostgreSQL's `real` (it refuses them) count as 0."""
        if isinstance(value, float) and 0 < abs(value) < 1e-30:
            return 0.0
        return value


class LanguageLevel(Model):
    lang: LangCode
    level: Cefr


def _one_level_each(levels: list[LanguageLevel]) -> list[LanguageLevel]:
    """A language named twice would be two answers to one question: refused, naming it."""
    seen: set[str] = set()
    for item in levels:
        if item.lang in seen:
            raise ValueError(f"{item.lang} is listed twice; give each language once, with "
                             "its level")
        seen.add(item.lang)
    return levels


Languages = Annotated[list[LanguageLevel], AfterValidator(_one_level_each)]


class Location(Model):
    town: Name
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Personal(Model):
    name: Name
    email: str | None = Field(None, max_length=300, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=500)


class QualificationFields(Model):
    """What is known about a foreign qualification: the input of recognition."""

    title: Name
    country: str | None = Field(None, max_length=100)
    type: QualificationType | None = Field(None, description="if known; else read off the title")
    duration_years: float | None = Field(None, ge=0.01, le=15,
                                         description="programme length")
    eqf_level: int | None = Field(None, ge=1, le=8, description="if already known")
    content: ShortText | None = Field(None, description="subjects or modules, free text")


class Qualification(QualificationFields):
    year: int | None = Field(None, ge=1940, le=2100)
    status: RecognitionStatus = "none"
    decided_on: dt.date | None = None
    authority: str | None = Field(None, max_length=300)
    compensation: Compensation | None = Field(
        None, description="what a partial recognition requires")

    @model_validator(mode="after")
    def _compensation(self) -> Qualification:
        if self.status == "partial" and self.compensation is None:
            raise ValueError("a partial recognition names its compensation measure "
                             "(adaptation_course or knowledge_test)")
        if self.status != "partial" and self.compensation is not None:
            raise ValueError("only a partial recognition has a compensation measure")
        return self


class QualificationQuery(QualificationFields):
    lang: LangCode | None = None
    # strict: only ever sent as JSON or typed by the CLI, never read from a text cell
    years_practice: float = Field(0, ge=0, le=60, strict=True,
                                  description="years worked in the field")
    destination: str | None = Field(
        None, max_length=40, description="the destination country whose regulation and "
        "recognition procedure apply (DE, NO, AT); default: MATCHER_DESTINATION_COUNTRY")

    @field_validator("destination")
    @classmethod
    def _supported(cls, value: str | None) -> str | None:
        return None if value is None else check_destination(value)


class Experience(Model):
    title: Name
    years: float = Field(ge=0, le=60)
    occupation: ConceptId | None = None


class SkillClaim(Model):
    """A skill as a concept id, as the person's own words to be linked, or both."""

    concept: ConceptId | None = None
    text: ShortText | None = None
    source: Source = "self_declared"
    evidence: ShortText | None = None

    @model_validator(mode="after")
    def _one_of(self) -> SkillClaim:
        if not self.concept and not (self.text and self.text.strip()):
            raise ValueError("a skill needs a concept id or a text")
        return self


class Preferences(Model):
    kinds: list[Kind] = Field(default_factory=lambda: list(_ALL_KINDS), max_length=3)
    occupations: list[ConceptId] = Field(default_factory=list, max_length=20)


class Consent(Model):
    employer_id: int | None = Field(None, description="null: every employer")


class CandidateIn(Model):
    external_id: ExternalId
    organisation_id: int | None = Field(None, description="admins only; coaches: their own")
    personal: Personal
    languages: Languages = Field(default_factory=list, max_length=20)
    location: Location
    travel_radius_km: float = Field(30, ge=0, le=1_000)
    work_permit: Permit
    qualifications: list[Qualification] = Field(default_factory=list, max_length=20)
    skills: list[SkillClaim] = Field(default_factory=list, max_length=300)
    experience: list[Experience] = Field(default_factory=list, max_length=50)
    preferences: Preferences = Field(default_factory=Preferences)
    consents: list[Consent] = Field(default_factory=list, max_length=100)
    lang: LangCode | None = Field(None, description="language of the free text, if known")


class VacancyIn(Model):
    external_id: ExternalId
    employer_id: int | None = Field(None, description="admins only; employers: their own")
    kind: Kind
    title: Name
    description: LongText = ""
    read_description: bool = Field(
        True, description="read the description: its tasks and requirements as skills when "
                          "no skill is named (by id or in words), and the job its opening "
                          "offers when the title names none")
    occupation: ConceptId | None = Field(None, description="default: linked from the title")
    essential_skills: list[ConceptId] = Field(default_factory=list, max_length=100)
    optional_skills: list[ConceptId] = Field(default_factory=list, max_length=100)
    essential_skills_text: ShortText | None = None
    optional_skills_text: ShortText | None = None
    languages: Languages = Field(default_factory=list, max_length=10)
    location: Location
    slots: int = Field(1, ge=1, le=10_000)
    start_date: dt.date | None = None
    is_open: bool = True
    min_permit: Permit = "restricted"
    prerequisites: list[ConceptId] = Field(
        default_factory=list, max_length=30,
        description="skills a candidate must already have (apprenticeships teach the rest)")
    min_eqf: int | None = Field(None, ge=1, le=8, description="highest qualification needed")
    requires_recognition: bool | None = Field(
        None, description="whether the post needs a formally recognised qualification; "
                          "default: the destination country's profile of the occupation "
                          "(regulated, and not open to unrecognised helpers)")
    accepts_in_process: bool = Field(
        False, description="a regulated vacancy open to candidates whose recognition is "
                           "applied for or partial")
    lang: LangCode | None = None


class CourseIn(Model):
    external_id: ExternalId
    provider: Name
    title: Name
    description: LongText = ""
    skills: list[ConceptId] = Field(default_factory=list, max_length=100)
    skills_text: ShortText | None = None
    lang: LangCode
    min_level: Cefr = "A1"
    duration_weeks: float = Field(ge=0.01, le=520)
    online: bool = False
    location: Location | None = None
    cost_eur: float = Field(0, ge=0, le=1_000_000)
    funding: str = Field("", max_length=300)
    start_dates: list[dt.date] = Field(default_factory=list, max_length=100)
    seats: int = Field(ge=0, le=100_000)
    compensation_for: ConceptId | None = Field(
        None, description="the occupation whose partial recognition this course completes")
    measure: Compensation | None = None
    organisation_id: int | None = Field(
        None, ge=1, description="the owner, a provider or a centre (only its users and "
                                "admins change the course): admins choose it (none: admins "
                                "only; replacing, none keeps the owner); coaches: their centre")

    @model_validator(mode="after")
    def _place(self) -> CourseIn:
        if (self.compensation_for is None) != (self.measure is None):
            raise ValueError("compensation_for and measure go together")
        if not self.online and self.location is None:
            raise ValueError("a course that is not online needs a location")
        if self.compensation_for:
            return self  # a compensation measure may list no skill
        if not self.skills and not (self.skills_text and self.skills_text.strip()):
            raise ValueError("a course needs skills or skills_text")
        return self


class OutcomeIn(Model):
    candidate_id: CandidateRef
    vacancy_id: int = Field(ge=1)
    status: OutcomeStatus
    reason: ShortText | None = None


__all__ = ["NO_NUL", "CandidateIn", "CandidateRef", "Consent", "CourseIn", "Experience",
           "LanguageLevel", "Location", "OutcomeIn", "Personal", "Preferences",
           "Qualification", "QualificationFields", "QualificationQuery", "SkillClaim",
           "VacancyIn"]
