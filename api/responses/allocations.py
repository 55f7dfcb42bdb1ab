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


class AssignmentReason(Out):
    """Why a person was given this place (or none), as data: a code and the figures it
    names, for a reader to put into their own language; fields a code does not use are
    left out."""
    code: str = Field(description=(
        "top_choice; top_full (the top choice `place` is full: its `holders` places went "
        "to `higher` people with a higher fit there and the rest to people whose other "
        "places are much worse or whom a fairness share needs; here a placement is "
        "`delta` less likely); as_likely, as_good (the top choice `place` is still free "
        "and as likely, or as good for the cohort); moved_for_share (moved from the top "
        "choice `place` for the fairness `shares`); no_free_place (nothing in the match "
        "list has free capacity); no_match (nothing of the kinds asked is in the match "
        "list); excluded_or_full (every place in the match list is full or excluded by the "
        "person's preference); all_taken (all `places` the person may be given went to "
        "others, `higher` of them to people with a higher fit there); share_blocks "
        "(`full` of `places` are full, giving another would break a fairness share); "
        "holds_reservation (left out: holds `reservation` already)"))
    place: str | None = Field(None, description="the title of the person's top choice")
    holders: int | None = Field(None, description="people given the top choice")
    higher: int | None = Field(None, description="of them, those with a higher fit there")
    delta: float | None = Field(None, description="how much less likely a placement is "
                                                  "here than at the top choice (0 to 1)")
    places: int | None = Field(None, description="places the person may be given")
    full: int | None = Field(None, description="of them, those full")
    shares: dict[str, float] | None = Field(
        None, description="the fairness shares asked (language, centre), when they matter")
    reservation: int | None = Field(None, description="the reservation the person holds")


class AssignmentPreference(Out):
    kinds: list[str] | None = Field(description="the kinds of place the person wanted "
                                                "(null: as in their profile)")
    exclude_vacancies: list[int]
    exclude_courses: list[int]


class Assignment(Out):
    candidate_id: str
    place: AllocatedPlace | None = Field(description="null: not placed")
    probability: float | None = Field(description="of a placement there")
    score: float | None = Field(description="the match score")
    rank: int | None = Field(description="the place's rank among the candidate's own "
                                         "options (1: their top choice)")
    why: str = Field(description="the reason in English")
    reason: AssignmentReason | None = Field(
        None, description="the reason as data (absent from proposals made before it was "
                          "kept)")
    preference: AssignmentPreference | None = Field(
        None, description="the person's wishes sent with the proposal, if any")
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
