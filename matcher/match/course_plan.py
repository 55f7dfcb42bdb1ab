"""Course plans: the available courses with the least total duration that cover the
essential skills a person is missing.

A weighted set cover. The skills to cover are few (a vacancy's missing essentials), so
the plan is exact: dynamic programming over the subsets of the coverable skills, up to
`EXACT_MAX_SKILLS` of them; beyond that a greedy cover (cheapest weeks per new skill),
flagged `exact: false`. Skills no available course teaches are listed as uncovered, and
the plan says it is not complete — there is then no plan that closes the whole gap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.domain import CourseFacts, cefr_rank, km_between

EXACT_MAX_SKILLS = 12


def why_not(course: CourseFacts, languages: dict[str, str], lat: float, lon: float,
            radius_km: float, today: dt.date) -> str | None:
    """None when the person can take the course; else the reason they cannot."""
    if course.seats <= 0:
        return "no seats left"
    if cefr_rank(languages.get(course.lang)) < cefr_rank(course.min_level):
        return f"needs {course.lang} {course.min_level}"
    if not course.online and course.lat is not None and course.lon is not None and \
            km_between(lat, lon, course.lat, course.lon) > radius_km:
        return "outside the travel radius"
    if course.start_dates and course.next_start(today) is None:
        return "no upcoming start date"
    return None


WHY_NOT = {"no seats": "no_seats", "needs ": "language_level", "outside": "distance",
           "no upcoming": "no_start_date"}


def why_not_code(reason: str) -> str:
    """What kind of `why_not` reason this is: no_seats, language_level, distance or
    no_start_date."""
    return next(code for prefix, code in WHY_NOT.items() if reason.startswith(prefix))


@dataclass
class Plan:
    complete: bool
    exact: bool
    courses: list[CourseFacts]
    covers: dict[int, list[str]]  # course id -> the missing skills it teaches
    uncovered: list[str]

    @property
    def total_weeks(self) -> float:
        return round(sum(c.duration_weeks for c in self.courses), 2)


def plan_courses(missing: list[str], courses: list[CourseFacts]) -> Plan:
    """Courses (already filtered to those the person can take) covering `missing`."""
    wanted = list(dict.fromkeys(missing))
    coverable = [s for s in wanted if any(s in c.skills for c in courses)]
    uncovered = [s for s in wanted if s not in coverable]
    bit = {s: 1 << i for i, s in enumerate(coverable)}
    useful = []
    for course in courses:
        mask = 0
        for s in course.skills:
            mask |= bit.get(s, 0)
        if mask:
            useful.append((mask, course))
    full = (1 << len(coverable)) - 1
    exact = len(coverable) <= EXACT_MAX_SKILLS
    chosen = _exact_cover(useful, full) if exact else _greedy_cover(useful, full)
    covers = {c.id: [s for s in coverable if s in c.skills] for c in chosen}
    return Plan(complete=not uncovered, exact=exact, courses=chosen, covers=covers,
                uncovered=uncovered)


def _exact_cover(useful: list[tuple[int, CourseFacts]], full: int) -> list[CourseFacts]:
    # Cheapest courses per mask first; a course whose skills another cheaper course also
    # covers can never be needed.
    best_per_mask: dict[int, tuple[int, CourseFacts]] = {}
    for mask, course in useful:
        kept = best_per_mask.get(mask)
        if kept is None or course.duration_weeks < kept[1].duration_weeks:
            best_per_mask[mask] = (mask, course)
    options = list(best_per_mask.values())
    inf = float("inf")
    cost = [inf] * (full + 1)
    back: list[tuple[int, CourseFacts] | None] = [None] * (full + 1)
    cost[0] = 0.0
    for state in range(full + 1):
        if cost[state] == inf:
            continue
        for mask, course in options:
            nxt = state | mask
            if nxt != state and cost[state] + course.duration_weeks < cost[nxt]:
                cost[nxt] = cost[state] + course.duration_weeks
                back[nxt] = (state, course)
    chosen, state = [], full
    while state:
        step = back[state]
        assert step is not None  # every coverable skill has a course
        state, course = step
        chosen.append(course)
    return chosen[::-1]


def _greedy_cover(useful: list[tuple[int, CourseFacts]], full: int) -> list[CourseFacts]:
    chosen, covered = [], 0
    while covered != full:
        helpful = [(m, c) for m, c in useful if m & ~covered]
        mask, course = min(helpful, key=lambda mc: mc[1].duration_weeks
                           / bin(mc[0] & ~covered).count("1"))
        chosen.append(course)
        covered |= mask
    return chosen


__all__ = ["EXACT_MAX_SKILLS", "Plan", "plan_courses", "why_not", "why_not_code"]
