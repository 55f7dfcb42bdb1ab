"""The exact allocation, and the greedy baseline it is measured against.

Exact: maximise the expected number of placements, Σ probability · x over the edges,
with x ∈ {0, 1}, each candidate at most one place, each place at most its free capacity
and, when asked, every fairness group at least its required number of members placed
(`Problem.required`). Solved by scipy's `milp` (HiGHS). Without fairness rows the matrix
is that of a bipartite b-matching — totally unimodular — so the root LP is already
integral and HiGHS needs no branching; fairness rows may make it branch, and
`mip_rel_gap=0` keeps the answer exact. HiGHS's presolve is off: on a 2,000 × 5,000
problem (100,000 edges) it took 5–40 s and changed nothing; without it the whole solve
takes about a second (benchmarks/allocation.py).

Greedy: what coaches do today, person by person: each candidate takes their own top-1
(highest probability), capacity ignored. Its expected placements count, per place, only
the `capacity` most likely of those who chose it (the place takes its best applicants);
the rest are `surplus`, sent to a place that is already full.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, vstack

from matcher.allocation.problem import Problem
from skills_taxonomy.errors import InvalidInputError

TIME_LIMIT_S = 60.0


@dataclass
class Solution:
    """The edge each candidate is given (-1: none), its expected placements, how the
    solver ended and how long it took."""
    edge: np.ndarray
    expected: float
    status: str
    seconds: float

    def places(self, problem: Problem) -> np.ndarray:
        """Per candidate, the index of the place given (-1: none)."""
        out = np.full(len(problem.candidates), -1, dtype=np.int64)
        given = self.edge >= 0
        out[given] = problem.place[self.edge[given]]
        return out


@dataclass
class Greedy:
    """Each candidate's own top-1 edge (-1: none), whether it counts (within the place's
    capacity, best first), expected placements, places over capacity and the candidates
    sent beyond it."""
    edge: np.ndarray
    counted: np.ndarray  # bool per candidate
    expected: float
    places_over_capacity: int
    surplus: int


def _fairness_rows(problem: Problem, n_edges: int) -> list[tuple[csr_array, np.ndarray]]:
    rows = []
    for dimension in sorted(problem.min_share):
        required = problem.required(dimension)
        names = sorted(required)
        at = {g: k for k, g in enumerate(names)}
        member = np.array([at[g] for g in problem.groups[dimension]], dtype=np.int64)
        matrix = csr_array((np.ones(n_edges), (member[problem.cand], np.arange(n_edges))),
                           shape=(len(names), n_edges))
        rows.append((matrix, np.array([required[g] for g in names], dtype=np.float64)))
    return rows


def solve(problem: Problem, time_limit_s: float = TIME_LIMIT_S) -> Solution:
    """The assignment with the most expected placements (see the module's docstring).
    Raises InvalidInputError naming `fairness` when no assignment meets its shares."""
    started = time.perf_counter()
    n = len(problem.cand)
    if n == 0:
        return Solution(np.full(len(problem.candidates), -1, dtype=np.int64), 0.0,
                        "empty", 0.0)
    cols = np.arange(n)
    per_cand = csr_array((np.ones(n), (problem.cand, cols)),
                         shape=(len(problem.candidates), n))
    per_place = csr_array((np.ones(n), (problem.place, cols)), shape=(len(problem.places), n))
    constraints = [LinearConstraint(per_cand, 0, 1),
                   LinearConstraint(per_place, 0, problem.capacity.astype(np.float64))]
    fairness = _fairness_rows(problem, n)
    if fairness:
        stacked = vstack([m for m, _ in fairness], format="csr")
        lower = np.concatenate([r for _, r in fairness])
        constraints.append(LinearConstraint(stacked, lower, np.inf))
    result = milp(-problem.prob, constraints=constraints, integrality=np.ones(n),
                  bounds=Bounds(0, 1),
                  options={"time_limit": time_limit_s, "mip_rel_gap": 0.0,
                           "presolve": False})
    seconds = time.perf_counter() - started
    if result.x is None:
        if result.status == 2:  # infeasible: only fairness rows can make it so
            shares = ", ".join(f"{d} {s:g}" for d, s in sorted(problem.min_share.items()))
            raise InvalidInputError(
                f"fairness: no assignment within the free capacity places the minimum "
                f"share of every group ({shares}); lower the share or add places")
        raise InvalidInputError(f"cohort: the allocation was not solved within "
                                f"{time_limit_s:g} s ({result.message}); use a smaller cohort")
    chosen = np.flatnonzero(result.x > 0.5)
    edge = np.full(len(problem.candidates), -1, dtype=np.int64)
    edge[problem.cand[chosen]] = chosen
    status = "optimal" if result.status == 0 else f"time limit: {result.message}"
    return Solution(edge, float(problem.prob[chosen].sum()), status, seconds)


def top_choices(problem: Problem) -> np.ndarray:
    """Per candidate, their top-1 edge: highest probability, then score, then the order
    of their list (-1: no edge)."""
    top = np.full(len(problem.candidates), -1, dtype=np.int64)
    if len(problem.cand) == 0:
        return top
    order = np.lexsort((np.arange(len(problem.cand)), -problem.score, -problem.prob,
                        problem.cand))
    first = np.ones(len(order), dtype=bool)
    first[1:] = problem.cand[order[1:]] != problem.cand[order[:-1]]
    top[problem.cand[order[first]]] = order[first]
    return top


def greedy(problem: Problem) -> Greedy:
    """Every candidate takes their own top-1, capacity ignored; each place counts its
    `capacity` most likely takers (ties: candidate order)."""
    edge = top_choices(problem)
    counted = np.zeros(len(problem.candidates), dtype=bool)
    takers: dict[int, list[int]] = {}
    for person in np.flatnonzero(edge >= 0).tolist():
        takers.setdefault(int(problem.place[edge[person]]), []).append(person)
    expected, over, surplus = 0.0, 0, 0
    for j, people in takers.items():
        people.sort(key=lambda i: (-problem.prob[edge[i]], i))
        cap = problem.places[j].capacity
        for person in people[:cap]:
            counted[person] = True
            expected += float(problem.prob[edge[person]])
        if len(people) > cap:
            over += 1
            surplus += len(people) - cap
    return Greedy(edge, counted, expected, over, surplus)


def check(problem: Problem, solution: Solution) -> None:
    """Assert what every allocation must hold: one place a person, capacities kept."""
    given = solution.edge[solution.edge >= 0]
    assert len(set(problem.cand[given].tolist())) == len(given)
    load = np.bincount(problem.place[given], minlength=len(problem.places))
    assert (load <= problem.capacity).all(), "a place over capacity"


__all__ = ["Greedy", "Solution", "check", "greedy", "solve", "top_choices"]
