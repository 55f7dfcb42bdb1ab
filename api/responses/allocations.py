"""Bodies of the allocation routes: a proposal with its figures beside greedy matching
and one explained assignment per cohort member; a reservation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from api.responses.common import Out


class AllocatedPlace(Out):
    type: str = Field(description="vacancy or course")
    kind: str = Field(description="job, apprenticeship, placement or course")
    id: int
    title: str
    free: int = Field(description="free slots or seats when the proposal was made")


class GreedyChoice(Out):
    place: AllocatedPlace = Field(description="the candidate's own top-1")
    probability: float
    would_get_it: bool = Field(description="whether greedy matching (everyone takes their "
                                           "top-1, the place takes its best) places them")
    chosen_by: int = Field(description="candidates of the cohort whose top-1 it is")


class ReservationRef(Out):
    id: int
    active: bool


class Assignment(Out):
    candidate_id: str
    place: AllocatedPlace | None = Field(description="null: not placed")
    probability: float | None = Field(description="of a placement there")
    score: float | None = Field(description="the match score")
    rank: int | None = Field(description="the place's rank among the candidate's own "
                                         "options (1: their top choice)")
    why: str
    greedy: GreedyChoice | None = Field(description="what greedy matching would give")
    reservation: ReservationRef | None = None


class Allocation(Out):
    id: int
    status: str = Field(description="proposed or accepted")
    organisation_id: int | None = Field(description="the centre; null: an admin's, across "
                                                    "centres")
    proposed_by: int | None
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    accepted_by: int | None
    settings: dict[str, Any]
    summary: dict[str, Any] = Field(
        description="probability_source; allocation and greedy: expected_placements, "
                    "candidates_placed, places_filled, slots_filled, slots_over_capacity, "
                    "fairness per group; gain_over_greedy; solver; seconds")
    assignments: list[Assignment]


class Reservation(Out):
    id: int
    candidate_id: str
    vacancy_id: int | None
    course_id: int | None


class Accepted(Out):
    id: int
    status: str
    reservations: list[Reservation]


class Released(Reservation):
    allocation_id: int | None
    reserved_at: dt.datetime
    released_at: dt.datetime
