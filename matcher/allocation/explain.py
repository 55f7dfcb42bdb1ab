"""Each assignment in words: the place, how likely a placement there is, why this place
and not the person's own top choice, and what greedy person-by-person matching would
have given them.

"Why" reads the allocation itself: the top choice is full and went to people with a
higher fit there (or to people whose other places are further behind: the cohort then
places more people in all), or a fairness share moved the person, or the two places are
equally likely.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from matcher.allocation.problem import Place, Problem
from matcher.allocation.solver import Greedy, Solution


def place_view(place: Place) -> dict[str, Any]:
    return {"type": place.table, "kind": place.kind, "id": place.id, "title": place.title,
            "free": place.capacity}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class Explainer:
    """Explanations of one solved problem (shared look-ups computed once)."""

    def __init__(self, problem: Problem, solution: Solution, greedy: Greedy) -> None:
        self.p, self.s, self.g = problem, solution, greedy
        self.given = solution.places(problem)
        self.load = np.bincount(self.given[self.given >= 0], minlength=len(problem.places))
        top = greedy.edge
        self.chosen_by = np.bincount(problem.place[top[top >= 0]],
                                     minlength=len(problem.places))
        self.holders: dict[int, list[int]] = {}
        for i in np.flatnonzero(self.given >= 0):
            self.holders.setdefault(int(self.given[i]), []).append(int(i))

    def _prob_at(self, candidate: int, place: int) -> float | None:
        for e in self.p.edges_of(candidate):
            if self.p.place[e] == place:
                return float(self.p.prob[e])
        return None

    def greedy_view(self, i: int) -> dict[str, Any] | None:
        top = int(self.g.edge[i])
        if top < 0:
            return None
        j = int(self.p.place[top])
        return {"place": place_view(self.p.places[j]),
                "probability": round(float(self.p.prob[top]), 4),
                "would_get_it": bool(self.g.counted[i]),
                "chosen_by": int(self.chosen_by[j])}

    def why(self, i: int) -> str:
        edge, top = int(self.s.edge[i]), int(self.g.edge[i])
        if top < 0:
            return "no place: nothing in the candidate's match list has free capacity"
        if edge < 0:
            return self._why_none(i)
        if edge == top:
            return "the candidate's top choice"
        t = int(self.p.place[top])
        name = self.p.places[t].title
        delta = float(self.p.prob[top] - self.p.prob[edge])
        if self.load[t] < self.p.places[t].capacity:
            if delta <= 1e-9:
                return f"as likely as the top choice {name!r}, which stays open for others"
            if self.p.min_share:
                return (f"moved from the top choice {name!r} so that every group gets its "
                        f"minimum share ({self._shares()})")
            return f"as good for the cohort as the top choice {name!r}"
        mine = float(self.p.prob[top])
        holders = self.holders.get(t, [])
        higher = sum(1 for h in holders if (self._prob_at(h, t) or 0.0) > mine)
        full = (f"the top choice {name!r} is full: its "
                f"{_plural(len(holders), 'place went', 'places went')} to ")
        if higher == len(holders):
            return full + _plural(higher, "candidate", "candidates") + " with a higher fit there"
        lower = len(holders) - higher
        parts = [_plural(higher, "candidate", "candidates") + " with a higher fit there"] \
            if higher else []
        because = ("their group's minimum share or their other places being further behind"
                   f" ({self._shares()})" if self.p.min_share
                   else "their other places being further behind")
        parts.append(f"{_plural(lower, 'candidate', 'candidates')} with a lower fit there, "
                     f"for {because}")
        gain = "" if self.p.min_share else ", and the cohort places more people in all"
        return (full + " and ".join(parts) + f"; here a placement is {delta:.2f} less likely "
                f"for this candidate{gain}")

    def _why_none(self, i: int) -> str:
        places = [int(self.p.place[e]) for e in self.p.edges_of(i)]
        full = sum(1 for j in places if self.load[j] >= self.p.places[j].capacity)
        mine = {int(self.p.place[e]): float(self.p.prob[e]) for e in self.p.edges_of(i)}
        beaten = sum(1 for j in places if all(
            (self._prob_at(h, j) or 0.0) > mine[j] for h in self.holders.get(j, [])))
        text = (f"no place: all {_plural(len(places), 'place', 'places')} the candidate may "
                f"be given went to others ({beaten} to candidates with a higher fit "
                "there, the rest to candidates with fewer alternatives)")
        if full < len(places):
            text = (f"no place: {full} of the candidate's {len(places)} places are full and "
                    "giving one of the others would break a group's minimum share "
                    f"({self._shares()})")
        return text

    def _shares(self) -> str:
        return ", ".join(f"{d} {s:g}" for d, s in sorted(self.p.min_share.items()))

    def assignment(self, i: int) -> dict[str, Any]:
        edge = int(self.s.edge[i])
        out: dict[str, Any] = {"candidate_id": self.p.candidates[i], "place": None,
                               "probability": None, "score": None, "rank": None}
        if edge >= 0:
            mine = sorted(self.p.edges_of(i), key=lambda e: (-self.p.prob[e], e))
            out.update({"place": place_view(self.p.places[int(self.p.place[edge])]),
                        "probability": round(float(self.p.prob[edge]), 4),
                        "score": round(float(self.p.score[edge]), 4),
                        "rank": mine.index(edge) + 1})
        out["why"] = self.why(i)
        out["greedy"] = self.greedy_view(i)
        return out


def explain(problem: Problem, solution: Solution, greedy: Greedy) -> list[dict[str, Any]]:
    """Every candidate's assignment (place None: not placed), in cohort order."""
    explainer = Explainer(problem, solution, greedy)
    return [explainer.assignment(i) for i in range(len(problem.candidates))]


__all__ = ["Explainer", "explain", "place_view"]
