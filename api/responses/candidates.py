"""Bodies of the candidate routes: saved, listed, read, exported, erased, consents,
matches, course suggestions and plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from api.responses.common import (
    CoursePlan,
    Explained,
    Labelled,
    LanguageLevel,
    Linking,
    Number,
    Out,
    Page,
    PlannedCourse,
    Reason,
    SkillRef,
    VacancySummary,
)


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


class BelowFloor(Out):
    count: int = Field(description="matches left out below the relevance floor")
    by_kind: dict[str, int]
    floor: dict[str, dict[str, Number]] | None = Field(
        description="per kind, the least essential coverage and score (null: not applied)")


class Freshness(Out):
    computed_at: dt.datetime = Field(description="when the list was computed")
    age_s: Number = Field(description="seconds since then")
    from_store: bool = Field(description="true: answered from the stored list; false: "
                                         "computed for this read")
    refreshing: bool = Field(False, description="true: the stored list is past the max age "
                                                "and a background job computes it again")


class VacancyMatchPage(Page):
    items: list[VacancyMatch]
    below_floor: BelowFloor | None = None
    reasons: list[Reason] | None = Field(
        None, description="for a short list: why it is short")
    freshness: Freshness | None = Field(
        None, description="how old the list is (it is worked out once and kept)")
    ranked_by: str | None = Field(
        None, description='which ranked the list: "hand-set weights" or "learned ranker '
                          'v…" (per kind when they differ)')


class CourseSuggestion(PlannedCourse):
    relevance: Number
    closes: list[SkillRef] = []


class CourseSuggestionPage(Page):
    items: list[CourseSuggestion]
    targets: list[Labelled] = Field(
        [], description="the occupations the courses are chosen for: the candidate's "
                        "preferred ones, else those of their best matches")
    reasons: list[Reason] | None = Field(
        None, description="for a short list: why it is short")


class PlanTarget(Out):
    vacancy_id: int | None = None
    title: str | None = None
    occupation: str | None = None
    label: str | None = None


class CoursePlanFor(CoursePlan):
    target: PlanTarget
    missing_essential: list[SkillRef]
