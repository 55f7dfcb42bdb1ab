"""Bodies of the vacancy, course and outcome routes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from api.responses.candidates import CandidateProfile
from api.responses.common import (
    Explained,
    Imported,
    Labelled,
    LanguageLevel,
    Linking,
    Number,
    Out,
    Page,
    SkillRef,
    Upserted,
)


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
    occupation_label: str | None = None
    needs_review: bool
    matchable: bool = Field(description="it names an occupation or a skill: without either "
                                        "it cannot be matched to anyone")


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
    ranked_by: str | None = Field(
        None, description='which ranked the list: "hand-set weights" or "learned ranker v…"')


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
    organisation_id: int | None = Field(
        None, description="the owner (its provider or a centre): only its users and admins "
                          "change the course; null: admins only")


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
