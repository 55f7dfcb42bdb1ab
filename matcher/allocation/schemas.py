"""What a coach sends to allocate a cohort (`POST /allocations`): the candidates, which
kinds of place, optionally which places, per-candidate preferences and fairness shares.
Strict like every input model: unknown fields and out-of-range values are refused with
the field named."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from matcher.allocation.problem import TOP_K
from matcher.schemas import CandidateRef, Model

MAX_COHORT = 2_000  # candidates in one allocation: the size the benchmark solves
MAX_PLACES = 20_000  # vacancy or course ids a request may name
PlaceKind = Literal["job", "apprenticeship", "placement", "course"]
DEFAULT_KINDS: list[PlaceKind] = ["job", "apprenticeship", "placement"]
PlaceId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class CandidatePreference(Model):
    """One candidate's wishes for this allocation; hard gates apply whatever they say."""
    candidate_id: CandidateRef
    kinds: list[PlaceKind] | None = Field(
        None, min_length=1, description="the kinds this candidate wants (default: the kinds "
                                        "in their profile's preferences, else all asked)")
    exclude_vacancies: list[PlaceId] = Field(default_factory=list, max_length=1_000)
    exclude_courses: list[PlaceId] = Field(default_factory=list, max_length=1_000)


class Fairness(Model):
    """Least share of each group's members that must be placed (0 to 1)."""
    language: Share | None = Field(None, description="per first language (the language "
                                                     "the candidate knows best)")
    centre: Share | None = Field(None, description="per centre (the candidate's "
                                                   "organisation)")


class AllocationIn(Model):
    cohort: list[CandidateRef] = Field(
        min_length=1, description=f"candidate ids, at most {MAX_COHORT:,}")
    kinds: list[PlaceKind] = Field(
        default_factory=lambda: list(DEFAULT_KINDS), min_length=1,
        description="kinds of place to allocate; `course` adds course seats")
    vacancy_ids: list[PlaceId] | None = Field(
        None, max_length=MAX_PLACES, description="only these vacancies (default: every "
                                                 "open one with free slots)")
    course_ids: list[PlaceId] | None = Field(
        None, max_length=MAX_PLACES, description="only these courses (default: every one "
                                                 "with free seats)")
    preferences: list[CandidatePreference] = Field(default_factory=list,
                                                   max_length=MAX_COHORT)
    fairness: Fairness = Field(default_factory=Fairness)
    top_k: int = Field(TOP_K, ge=1, le=200, description="places kept per candidate and kind")

    @field_validator("cohort")
    @classmethod
    def _cohort(cls, cohort: list[str]) -> list[str]:
        # the size checked here, not with max_length, so the message says the limit
        if len(cohort) > MAX_COHORT:
            raise ValueError(f"{len(cohort):,} candidates; at most {MAX_COHORT:,} in one "
                             "allocation")
        twice = [c for c, n in Counter(cohort).items() if n > 1]
        if twice:
            raise ValueError(f"candidate {twice[0]!r} is listed more than once")
        return cohort

    @model_validator(mode="after")
    def _preferences_in_cohort(self) -> AllocationIn:
        members = set(self.cohort)
        outside = [p.candidate_id for p in self.preferences if p.candidate_id not in members]
        if outside:
            raise ValueError(f"preferences: candidate {outside[0]!r} is not in the cohort")
        return self


__all__ = ["MAX_COHORT", "AllocationIn", "CandidatePreference", "Fairness", "PlaceKind"]
