"""The allocation problem: a sparse candidate × place graph.

A place is a vacancy (a job, apprenticeship or placement with `slots`) or a course (with
`seats`); its capacity is what is still free (slots or seats less active reservations).
An edge joins a candidate to a place only where the candidate passes the place's hard
gates and the place is in their match list (`matcher.match.matcher.Matcher.matches_for`,
or for courses `CourseAdvisor.courses_for`): this module scores nothing itself. Each
candidate keeps their best `top_k` edges per kind, so 2,000 × 5,000 stays sparse
(at most 4 · top_k edges a candidate).

An edge's value is the probability that the person is placed there. It comes from a
`PlacementProbability` — any callable (kind, match score) → probability. The default,
`UNCALIBRATED`, is the match score itself, clipped to [0, 1]: monotone, so it ranks
exactly as the match list does, but not a calibrated probability (the answer says so in
`probability_source`); a calibrated mapping fitted on outcomes plugs in as another
`Probability`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

PlacementProbability = Callable[[str, float], float]
COURSE = "course"
PLACE_KINDS = ("job", "apprenticeship", "placement", COURSE)
TOP_K = 50  # edges kept per candidate and kind


def uncalibrated_score(kind: str, score: float) -> float:
    """The match score as a stand-in for a probability: monotone, uncalibrated."""
    return min(1.0, max(0.0, score))


@dataclass(frozen=True)
class Probability:
    """A placement probability and the words the answer uses for where it comes from."""
    of: PlacementProbability
    source: str


UNCALIBRATED = Probability(uncalibrated_score, "uncalibrated score")


@dataclass(frozen=True)
class Place:
    kind: str  # job | apprenticeship | placement | course
    id: int
    title: str
    capacity: int  # free now: slots or seats less active reservations

    @property
    def table(self) -> str:
        """Which table the id is of: vacancy or course."""
        return COURSE if self.kind == COURSE else "vacancy"

    @property
    def key(self) -> tuple[str, int]:
        return self.table, self.id


@dataclass(frozen=True)
class Option:
    """A place a candidate may be given (gates passed), with its match score."""
    place: Place
    score: float


@dataclass
class Problem:
    """Candidates, places and the edges between them (parallel arrays, one per edge,
    grouped by candidate, each candidate's best first); `groups` gives per fairness
    dimension each candidate's group, `min_share` the least share of every group's
    members that must be placed."""
    candidates: list[str]
    places: list[Place]
    cand: np.ndarray  # int: candidate index of each edge
    place: np.ndarray  # int: place index of each edge
    prob: np.ndarray  # float: placement probability
    score: np.ndarray  # float: match score
    probability_source: str = UNCALIBRATED.source
    groups: dict[str, list[str]] = field(default_factory=dict)
    min_share: dict[str, float] = field(default_factory=dict)

    @property
    def capacity(self) -> np.ndarray:
        return np.array([p.capacity for p in self.places], dtype=np.int64)

    def edges_of(self, candidate: int) -> range:
        """The edge indexes of one candidate (edges are grouped by candidate)."""
        lo = int(np.searchsorted(self.cand, candidate, side="left"))
        hi = int(np.searchsorted(self.cand, candidate, side="right"))
        return range(lo, hi)

    def required(self, dimension: str) -> dict[str, int]:
        """Per group of a fairness dimension, how many members must be placed: the share
        of its members (rounded up), but no more than have a place they may be given."""
        share = self.min_share[dimension]
        members: dict[str, int] = {}
        reachable: dict[str, int] = {}
        with_edge = set(self.cand.tolist())
        for i, group in enumerate(self.groups[dimension]):
            members[group] = members.get(group, 0) + 1
            reachable[group] = reachable.get(group, 0) + (i in with_edge)
        return {g: min(reachable[g], math.ceil(share * n - 1e-9))
                for g, n in sorted(members.items())}


def build_problem(candidates: list[str], options: dict[str, list[Option]],
                  probability: Probability = UNCALIBRATED, top_k: int = TOP_K,
                  groups: dict[str, list[str]] | None = None,
                  min_share: dict[str, float] | None = None) -> Problem:
    """The sparse problem: each candidate's options with free capacity, best `top_k` per
    kind (by match score), valued by `probability`."""
    index: dict[tuple[str, int], int] = {}
    places: list[Place] = []
    cand: list[int] = []
    place: list[int] = []
    prob: list[float] = []
    score: list[float] = []
    for i, cid in enumerate(candidates):
        kept: list[Option] = []
        by_kind: dict[str, int] = {}
        for opt in sorted(options.get(cid, []), key=lambda o: (-o.score, o.place.key)):
            if opt.place.capacity <= 0 or by_kind.get(opt.place.kind, 0) >= top_k:
                continue
            by_kind[opt.place.kind] = by_kind.get(opt.place.kind, 0) + 1
            kept.append(opt)
        for opt in kept:
            j = index.get(opt.place.key)
            if j is None:
                j = index[opt.place.key] = len(places)
                places.append(opt.place)
            cand.append(i)
            place.append(j)
            prob.append(float(probability.of(opt.place.kind, opt.score)))
            score.append(opt.score)
    return Problem(candidates, places, np.array(cand, dtype=np.int64),
                   np.array(place, dtype=np.int64), np.array(prob, dtype=np.float64),
                   np.array(score, dtype=np.float64), probability.source,
                   groups or {}, min_share or {})


__all__ = ["COURSE", "PLACE_KINDS", "TOP_K", "UNCALIBRATED", "Option", "Place",
           "PlacementProbability", "Probability", "Problem", "build_problem",
           "uncalibrated_score"]
