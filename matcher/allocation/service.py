"""A cohort's allocation against the store: each candidate's options come from the
engine's own match lists (`Matcher.matches_for`: retrieval, hard gates, the score, the
relevance floor; `CourseAdvisor.courses_for` for course seats), cut to the places with
free capacity and to what the request and the candidate's preferences allow; then the
exact allocation, the greedy baseline and every assignment's explanation.

A candidate who already holds a reservation is left out (not placed twice). Computing
the cohort's match lists is the long part (about 40 ms a candidate at 5,000 vacancies,
benchmarks/allocation.py; `WORKERS` threads share it); the solve itself takes
a tenth of a second for 2,000 candidates.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import psycopg

from matcher.allocation.explain import explain, in_english
from matcher.allocation.problem import (
    COURSE,
    UNCALIBRATED,
    Option,
    Place,
    Probability,
    build_problem,
    uncalibrated_score,
)
from matcher.allocation.report import summary
from matcher.allocation.schemas import AllocationIn, CandidatePreference
from matcher.allocation.solver import greedy, solve
from matcher.domain import KINDS
from matcher.learning.calibration import ScoreCalibration
from matcher.match.matcher import Matcher
from matcher.store import allocations as store
from matcher.store.auth import Principal, audit_each
from skills_taxonomy.errors import InvalidInputError

CALIBRATED = "calibrated placement probability where sure, else uncalibrated score"
WORKERS = 2  # threads computing the cohort's match lists, each on its own connection
Connect = Callable[[], AbstractContextManager[psycopg.Connection]]


def probability_of(calibration: ScoreCalibration | None) -> Probability:
    """The placement probability: a score calibration's (`matcher.learning.calibration.
    ScoreCalibration`, the engine's `matcher.calibration` when one is configured) where it
    is sure for the kind and score, else the uncalibrated score."""
    if calibration is None:
        return UNCALIBRATED

    def of(kind: str, score: float) -> float:
        p = calibration.probability(kind, "placement", score)
        return uncalibrated_score(kind, score) if p is None else float(p)

    return Probability(of, CALIBRATED)


@dataclass
class Proposal:
    """A solved cohort: what the store keeps and the API answers."""
    organisation_id: int | None
    settings: dict[str, Any]
    summary: dict[str, Any]
    assignments: list[dict[str, Any]]


@dataclass
class _Found:
    """A candidate's places before capacity is known: (kind, id, title, score)."""
    vacancies: list[tuple[str, int, str, float]]
    courses: list[tuple[str, int, str, float]]


def check_cohort(conn: psycopg.Connection, cohort: list[str], organisation_id: int | None,
                 ) -> dict[str, tuple[int, str, str]]:
    """The cohort's organisation, centre name and first language; a candidate that does
    not exist, or (for a coach, `organisation_id` given) is of another centre, is refused
    naming its position."""
    facts = store.cohort_facts(conn, cohort)
    for pos, cid in enumerate(cohort):
        if cid not in facts or organisation_id not in (None, facts[cid][0]):
            raise InvalidInputError(f"cohort.{pos}: unknown candidate {cid!r}")
    return facts


def _kinds_for(request: AllocationIn, pref: CandidatePreference | None,
               profile: list[str]) -> tuple[list[str], bool]:
    """The vacancy kinds and whether course seats may be given to one candidate: the
    request's kinds, narrowed by the candidate's preference for this allocation, else
    (vacancy kinds only) by the kinds in their profile."""
    wanted = [k for k in request.kinds if pref is None or pref.kinds is None or k in pref.kinds]
    own = set(profile) if (pref is None or pref.kinds is None) and profile else set(KINDS)
    return [k for k in wanted if k != COURSE and k in own], COURSE in wanted


def _found(conn: psycopg.Connection, matcher: Matcher, cid: str, kinds: list[str],
           courses: bool, today: dt.date) -> _Found:
    """The candidate's match list (above the relevance floor, gates passed) and, when
    asked, the courses that teach what their targets need and they can take."""
    listed = matcher.matches_for(conn, cid, kinds, why=False).matches if kinds else []
    found = _Found([(m.vacancy.kind, m.vacancy.id, m.vacancy.title, m.scored.score)
                    for m in listed], [])
    if courses:
        cand = listed[0].candidate if listed else matcher.candidate(conn, cid)
        # the targets `Matcher.courses_for` reads: the occupations the candidate wants,
        # else those of their best matches (of the kinds asked; of any, for courses only)
        best = listed if kinds else [] if cand.wanted else \
            matcher.matches_for(conn, cid, why=False).matches
        targets = list(cand.wanted) or list(dict.fromkeys(
            m.vacancy.occupation for m in best[:5] if m.vacancy.occupation))
        items, _ = matcher.advisor.courses_for(conn, cand, targets, "en", today)
        found.courses = [(COURSE, int(c["id"]), str(c["title"]), float(c["relevance"]))
                         for c in items]
    return found


def _options(conn: psycopg.Connection, request: AllocationIn, found: dict[str, _Found],
             ) -> dict[str, list[Option]]:
    """Each candidate's places with free capacity, less what the request leaves out."""
    free = {"vacancy": store.free_vacancies(conn, [v[1] for f in found.values()
                                                   for v in f.vacancies]),
            COURSE: store.free_courses(conn, [c[1] for f in found.values() for c in f.courses])}
    only = {"vacancy": set(request.vacancy_ids) if request.vacancy_ids is not None else None,
            COURSE: set(request.course_ids) if request.course_ids is not None else None}
    prefs = {p.candidate_id: p for p in request.preferences}
    out: dict[str, list[Option]] = {}
    for cid, f in found.items():
        pref = prefs.get(cid)
        excluded = {"vacancy": set(pref.exclude_vacancies) if pref else set(),
                    COURSE: set(pref.exclude_courses) if pref else set()}
        out[cid] = []
        for kind, pid, title, score in f.vacancies + f.courses:
            table = COURSE if kind == COURSE else "vacancy"
            allowed = only[table]
            if pid in excluded[table] or (allowed is not None and pid not in allowed) or \
                    pid not in free[table]:
                continue
            out[cid].append(Option(Place(kind, pid, title, free[table][pid]), score))
    return out


def _notes(request: AllocationIn, held: dict[str, int], found: dict[str, _Found],
           options: dict[str, list[Option]]) -> dict[str, dict[str, Any]]:
    """Why a candidate had no option at all, where the allocation cannot tell (a reason
    as `matcher.allocation.explain` gives them): a reservation held, nothing in their
    match list, or every listed place full or excluded by their preference."""
    notes: dict[str, dict[str, Any]] = {
        cid: {"code": "holds_reservation", "reservation": rid} for cid, rid in held.items()}
    excluding = {p.candidate_id for p in request.preferences
                 if p.exclude_vacancies or p.exclude_courses}
    for cid in request.cohort:
        if cid in notes:
            continue
        if not (found[cid].vacancies or found[cid].courses):
            notes[cid] = {"code": "no_match"}
        elif not options[cid] and cid in excluding:
            notes[cid] = {"code": "excluded_or_full"}
    return notes


@dataclass
class Gathered:
    """A cohort's facts (organisation, centre, first language), who holds a reservation
    already, each candidate's places with free capacity, why some have none, and how
    long their match lists took."""
    cohort: list[str]
    facts: dict[str, tuple[int, str, str]]
    options: dict[str, list[Option]]
    notes: dict[str, dict[str, Any]]
    seconds: float


def gather(conn: psycopg.Connection, matcher: Matcher, request: AllocationIn,
           organisation_id: int | None = None, today: dt.date | None = None,
           connect: Connect | None = None, workers: int = WORKERS) -> Gathered:
    """Everything the allocation reads from the store (see `propose`). With `connect`,
    the match lists are computed by `workers` threads, each on a connection of its own
    (1.7-1.9 times as fast with 2 on two cores: the retrieval runs in PostgreSQL)."""
    started = time.perf_counter()
    facts = check_cohort(conn, request.cohort, organisation_id)
    held = store.holding(conn, request.cohort)
    prefs = {p.candidate_id: p for p in request.preferences}
    profile_kinds = store.profile_kinds(conn, request.cohort)
    day = today or dt.date.today()
    todo = [(cid, *_kinds_for(request, prefs.get(cid), profile_kinds.get(cid, [])))
            for cid in request.cohort if cid not in held]

    def part(on: psycopg.Connection, items: list[tuple[str, list[str], bool]],
             ) -> list[tuple[str, _Found]]:
        return [(cid, _found(on, matcher, cid, kinds, courses, day))
                for cid, kinds, courses in items]

    def apart(items: list[tuple[str, list[str], bool]]) -> list[tuple[str, _Found]]:
        assert connect is not None
        with connect() as own:
            return part(own, items)

    found = {cid: _Found([], []) for cid in request.cohort}
    if connect is None or workers < 2 or len(todo) < workers:
        found.update(part(conn, todo))
    else:
        with ThreadPoolExecutor(workers) as pool:
            for done in pool.map(apart, [todo[i::workers] for i in range(workers)]):
                found.update(done)
    options = _options(conn, request, found)
    return Gathered(request.cohort, facts, options, _notes(request, held, found, options),
                    time.perf_counter() - started)


def allocate(request: AllocationIn, found: Gathered, probability: Probability,
             organisation_id: int | None = None) -> Proposal:
    """Solve a gathered cohort: the exact allocation, greedy beside it, explanations."""
    shares = {d: s for d, s in request.fairness.model_dump().items() if s is not None}
    cohort = found.cohort
    problem = build_problem(
        cohort, found.options, probability, request.top_k,
        {"language": [found.facts[c][2] for c in cohort],
         "centre": [found.facts[c][1] for c in cohort]}, shares)
    solution, baseline = solve(problem), greedy(problem)
    assignments = explain(problem, solution, baseline)
    prefs = {p.candidate_id: p for p in request.preferences}
    for item in assignments:
        if item["place"] is None and item["candidate_id"] in found.notes:
            item["reason"] = found.notes[item["candidate_id"]]
            item["why"] = in_english(item["reason"])
        if item["candidate_id"] in prefs:  # kept with the person: a new proposal reuses it
            item["preference"] = prefs[item["candidate_id"]].model_dump(
                exclude={"candidate_id"})
    figures = summary(problem, solution, baseline)
    figures["seconds"] = {"match_lists": round(found.seconds, 3),
                          "solve": round(solution.seconds, 3)}
    orgs = {found.facts[c][0] for c in cohort}
    settings = {"kinds": request.kinds, "top_k": request.top_k, "fairness": shares,
                "vacancy_ids": len(request.vacancy_ids) if request.vacancy_ids else None,
                "course_ids": len(request.course_ids) if request.course_ids else None,
                "preferences": len(request.preferences)}
    return Proposal(organisation_id if organisation_id is not None
                    else (orgs.pop() if len(orgs) == 1 else None), settings, figures,
                    assignments)


def propose(conn: psycopg.Connection, matcher: Matcher, request: AllocationIn,
            organisation_id: int | None = None, probability: Probability | None = None,
            today: dt.date | None = None, connect: Connect | None = None) -> Proposal:
    """Allocate the cohort. `organisation_id`: a coach's centre (its candidates only);
    None for an admin (any). `connect`: connections for the match lists' worker threads
    (none: one after another on `conn`). Bad input raises InvalidInputError naming the
    field."""
    found = gather(conn, matcher, request, organisation_id, today, connect)
    return allocate(request, found, probability or probability_of(
        matcher.calibration), organisation_id)


def save_audited(conn: psycopg.Connection, proposal: Proposal, who: Principal | None,
                 ) -> int:
    """Store the proposal and audit it: making it read every cohort member's match list,
    so each gets an `allocation.propose` row, written in the caller's transaction (stored
    and audited together, or neither). The API, the coach's page and the background job
    all save through here, so none writes the rows twice. Returns the proposal's id."""
    aid, _ = store.save_proposal(conn, proposal.organisation_id,
                                 who.user_id if who else None, proposal.settings,
                                 proposal.summary, proposal.assignments)
    audit_each(conn, who, "allocation.propose",
               [item["candidate_id"] for item in proposal.assignments], allocation_id=aid)
    return aid

__all__ = ["CALIBRATED", "Gathered", "Proposal", "allocate", "check_cohort", "gather",
           "probability_of", "propose", "save_audited"]
