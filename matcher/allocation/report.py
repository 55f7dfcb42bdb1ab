"""The figures of one allocation beside greedy person-by-person top-1 on the same cohort:
expected placements, candidates placed, places and slots filled, capacity overruns, and
per fairness group how many members each places."""

from __future__ import annotations

from typing import Any

import numpy as np

from matcher.allocation.problem import Problem
from matcher.allocation.solver import Greedy, Solution


def _groups(problem: Problem, placed: np.ndarray, dimension: str) -> dict[str, Any]:
    required = problem.required(dimension) if dimension in problem.min_share else {}
    with_edge = set(problem.cand.tolist())
    out: dict[str, Any] = {}
    for i, group in enumerate(problem.groups[dimension]):
        row = out.setdefault(group, {"members": 0, "with_options": 0, "placed": 0})
        row["members"] += 1
        row["with_options"] += int(i in with_edge)
        row["placed"] += int(placed[i])
    for group, row in out.items():
        row["share"] = round(row["placed"] / row["members"], 4)
        if group in required:
            row["required"] = required[group]
    return dict(sorted(out.items()))


def fairness(problem: Problem, placed: np.ndarray) -> dict[str, Any]:
    """Per fairness dimension and group: members, those with any place they may be
    given, placed, share placed (and the number required, when the dimension has a
    minimum share); the lowest share."""
    out: dict[str, Any] = {}
    for dimension in sorted(problem.groups):
        groups = _groups(problem, placed, dimension)
        out[dimension] = {"groups": groups, "lowest_share": min(
            (g["share"] for g in groups.values()), default=None)}
    return out


def summary(problem: Problem, solution: Solution, greedy: Greedy) -> dict[str, Any]:
    """The allocation and the greedy baseline in numbers (what the answer and the
    benchmark report)."""
    given = solution.places(problem)
    load = np.bincount(given[given >= 0], minlength=len(problem.places))
    cap = problem.capacity
    top = greedy.edge
    greedy_load = np.bincount(problem.place[top[top >= 0]], minlength=len(problem.places))
    counted = np.minimum(greedy_load, cap)
    gain = (solution.expected / greedy.expected - 1) if greedy.expected > 0 else None
    options = np.bincount(problem.cand, minlength=len(problem.candidates))
    return {
        "probability_source": problem.probability_source,
        "candidates": len(problem.candidates), "places": len(problem.places),
        "edges": int(len(problem.cand)), "free_slots": int(cap.sum()),
        "candidates_with_options": int((options > 0).sum()),
        "candidates_with_one_option": int((options == 1).sum()),
        "solver": {"status": solution.status, "seconds": round(solution.seconds, 3)},
        "allocation": {"expected_placements": round(solution.expected, 3),
                       "candidates_placed": int((given >= 0).sum()),
                       "places_filled": int((load > 0).sum()),
                       "slots_filled": int(load.sum()),
                       "slots_over_capacity": int((load > cap).sum()),
                       "fairness": fairness(problem, given >= 0)},
        "greedy": {"expected_placements": round(greedy.expected, 3),
                   "candidates_placed": int(greedy.counted.sum()),
                   "places_filled": int((counted > 0).sum()),
                   "slots_filled": int(counted.sum()),
                   "slots_over_capacity": greedy.places_over_capacity,
                   "candidates_beyond_capacity": greedy.surplus,
                   "fairness": fairness(problem, greedy.counted)},
        "gain_over_greedy": round(gain, 4) if gain is not None else None,
    }


__all__ = ["fairness", "summary"]
