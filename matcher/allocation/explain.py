"""Each assignment in words: the place, how likely a placement there is, why this place
and not the person's own top choice, and what greedy person-by-person matching would
have given them.

"Why" reads the allocation itself: the top choice is full and went to people with a
higher fit there (or to people whose other places are further behind: the cohort then
places more people in all), or a fairness share moved the person, or the two places are
equally likely.

Each reason is kept twice: as data (`reason`: a code and its figures, which the pages
put into words in the reader's language) and as English text (`why`, what the API has
always answered, written from the same data by `in_english`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from matcher.allocation.problem import Place, Problem
from matcher.allocation.solver import Greedy, Solution

# the reason codes, and the figures each carries (`shares`: dimension -> least share)
REASONS = {
    "top_choice": (),
    "top_full": ("place", "holders", "higher", "delta", "shares"),
    "as_likely": ("place",),
    "moved_for_share": ("place", "shares"),
    "as_good": ("place",),
    "no_free_place": (),
    "all_taken": ("places", "higher"),
    "share_blocks": ("places", "full", "shares"),
    "no_match": (),
    "excluded_or_full": (),
    "holds_reservation": ("reservation",),
}


def place_view(place: Place) -> dict[str, Any]:
    return {"type": place.table, "kind": place.kind, "id": place.id, "title": place.title,
            "free": place.capacity}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _shares(shares: Mapping[str, float]) -> str:
    return ", ".join(f"{d} {s:g}" for d, s in sorted(shares.items()))


def _top_full(r: Mapping[str, Any]) -> str:
    holders, higher, shares = int(r["holders"]), int(r["higher"]), r.get("shares") or {}
    full = (f"the top choice {r['place']!r} is full: its "
            f"{_plural(holders, 'place went', 'places went')} to ")
    if higher == holders:
        return full + _plural(higher, "candidate", "candidates") + " with a higher fit there"
    parts = [_plural(higher, "candidate", "candidates") + " with a higher fit there"] \
        if higher else []
    because = ("their group's minimum share or their other places being further behind"
               f" ({_shares(shares)})" if shares else "their other places being further behind")
    parts.append(f"{_plural(holders - higher, 'candidate', 'candidates')} with a lower fit "
                 f"there, for {because}")
    gain = "" if shares else ", and the cohort places more people in all"
    return (full + " and ".join(parts) + f"; here a placement is {float(r['delta']):.2f} "
            f"less likely for this candidate{gain}")


def in_english(reason: Mapping[str, Any]) -> str:
    """A reason (`Explainer.reason`) as the API's English `why`."""
    code = reason["code"]
    if code == "top_full":
        return _top_full(reason)
    place, shares = reason.get("place"), _shares(reason.get("shares") or {})
    if code == "all_taken":
        return (f"no place: all {_plural(int(reason['places']), 'place', 'places')} the "
                f"candidate may be given went to others ({reason['higher']} to candidates "
                "with a higher fit there, the rest to candidates with fewer alternatives)")
    if code == "share_blocks":
        return (f"no place: {reason['full']} of the candidate's {reason['places']} places "
                "are full and giving one of the others would break a group's minimum share "
                f"({shares})")
    return {
        "top_choice": "the candidate's top choice",
        "as_likely": f"as likely as the top choice {place!r}, which stays open for others",
        "moved_for_share": f"moved from the top choice {place!r} so that every group gets "
                           f"its minimum share ({shares})",
        "as_good": f"as good for the cohort as the top choice {place!r}",
        "no_free_place": "no place: nothing in the candidate's match list has free capacity",
        "no_match": "no place: nothing of the kinds asked is in the candidate's match list "
                    "(hard gates and the relevance floor)",
        "excluded_or_full": "no place: every place in the candidate's match list is full "
                            "or excluded by their preference",
        "holds_reservation": f"left out: holds reservation {reason.get('reservation')} "
                             "already",
    }[code]


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
        self.shares = dict(sorted(problem.min_share.items()))

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

    def reason(self, i: int) -> dict[str, Any]:
        """Why candidate `i` got this place (or none): a code of `REASONS` and its
        figures."""
        edge, top = int(self.s.edge[i]), int(self.g.edge[i])
        if top < 0:
            return {"code": "no_free_place"}
        if edge < 0:
            return self._reason_none(i)
        if edge == top:
            return {"code": "top_choice"}
        t = int(self.p.place[top])
        name = self.p.places[t].title
        delta = float(self.p.prob[top] - self.p.prob[edge])
        if self.load[t] < self.p.places[t].capacity:
            if delta <= 1e-9:
                return {"code": "as_likely", "place": name}
            if self.shares:
                return {"code": "moved_for_share", "place": name, "shares": self.shares}
            return {"code": "as_good", "place": name}
        mine = float(self.p.prob[top])
        holders = self.holders.get(t, [])
        higher = sum(1 for h in holders if (self._prob_at(h, t) or 0.0) > mine)
        return {"code": "top_full", "place": name, "holders": len(holders), "higher": higher,
                "delta": round(delta, 4), "shares": self.shares}

    def _reason_none(self, i: int) -> dict[str, Any]:
        places = [int(self.p.place[e]) for e in self.p.edges_of(i)]
        full = sum(1 for j in places if self.load[j] >= self.p.places[j].capacity)
        if full < len(places):
            return {"code": "share_blocks", "places": len(places), "full": full,
                    "shares": self.shares}
        mine = {int(self.p.place[e]): float(self.p.prob[e]) for e in self.p.edges_of(i)}
        beaten = sum(1 for j in places if all(
            (self._prob_at(h, j) or 0.0) > mine[j] for h in self.holders.get(j, [])))
        return {"code": "all_taken", "places": len(places), "higher": beaten}

    def why(self, i: int) -> str:
        return in_english(self.reason(i))

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
        out["reason"] = self.reason(i)
        out["why"] = in_english(out["reason"])
        out["greedy"] = self.greedy_view(i)
        return out


def explain(problem: Problem, solution: Solution, greedy: Greedy) -> list[dict[str, Any]]:
    """Every candidate's assignment (place None: not placed), in cohort order."""
    explainer = Explainer(problem, solution, greedy)
    return [explainer.assignment(i) for i in range(len(problem.candidates))]


__all__ = ["REASONS", "Explainer", "explain", "in_english", "place_view"]
