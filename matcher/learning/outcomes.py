"""Outcomes as a learner reads them, from either source: a simulated history
(`from_history`) or the recorded `outcome` table (`from_recorded`, the rows of
`matcher.store.outcomes.training_outcomes`). One row per contacted (candidate, vacancy)
pair: its score features, kind, the list it belongs to (the candidate and kind), how far
it went (gain: 0 nothing, 1 an interview, 2 the place) and the probability it was
contacted at all (1 where unknown: recorded outcomes carry no rank)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.domain import KINDS
from matcher.learning.features import MatchLists, scores
from matcher.learning.simulator import History
from matcher.match.scoring import FEATURES


@dataclass(frozen=True)
class Outcomes:
    features: np.ndarray
    kind: np.ndarray
    group: np.ndarray
    gain: np.ndarray
    propensity: np.ndarray
    optional_applies: np.ndarray
    source: str  # simulated | recorded
    dates: tuple[str, str] | None = None
    region: np.ndarray | None = None  # each outcome's region (the vacancy's town)

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def interview(self) -> np.ndarray:
        return self.gain >= 1

    @property
    def placed(self) -> np.ndarray:
        return self.gain >= 2

    def subset(self, mask: np.ndarray) -> Outcomes:
        return Outcomes(self.features[mask], self.kind[mask], self.group[mask],
                        self.gain[mask], self.propensity[mask], self.optional_applies[mask],
                        self.source, self.dates,
                        None if self.region is None else self.region[mask])

    def as_lists(self) -> MatchLists:
        """The outcomes as lists (each group's rows, groups renumbered in order), sorted
        by group: what NDCG over the contacted pairs of each list reads."""
        order = np.argsort(self.group, kind="stable")
        _, list_id = np.unique(self.group[order], return_inverse=True)
        return MatchLists(self.features[order], list_id, self.kind[order],
                          np.zeros(len(order), dtype=int), self.optional_applies[order],
                          ("all",))

    def scores(self, weights: dict[str, dict[str, float]]) -> np.ndarray:
        """Each outcome's score under these weights (rows in their order)."""
        return scores(MatchLists(self.features, self.group, self.kind,
                                 np.zeros(len(self), dtype=int), self.optional_applies,
                                 ("all",)), weights)

    def split(self, held_out: float, seed: int) -> tuple[Outcomes, Outcomes]:
        """Whole lists (candidates) to the held-out part, the rest to fitting."""
        groups = np.unique(self.group)
        chosen = np.random.default_rng(seed).random(len(groups)) < held_out
        out = np.isin(self.group, groups[chosen])
        return self.subset(~out), self.subset(out)


def from_history(lists: MatchLists, history: History) -> Outcomes:
    """A simulated history's outcomes (the first n of it: `history` is in list order)."""
    items = history.item
    gain = history.interview.astype(int) + history.placed.astype(int)
    return Outcomes(lists.features[items], lists.kind[items], history.list_id, gain,
                    history.propensity, lists.optional_applies[items], "simulated",
                    region=np.array(lists.regions)[lists.region[items]])


def first(history: History, n: int) -> History:
    """The first `n` outcomes of a history (whole lists where they end there or not)."""
    return History(history.item[:n], history.list_id[:n], history.rank[:n],
                   history.propensity[:n], history.interview[:n], history.placed[:n],
                   history.reason[:n])


def from_recorded(rows: list[dict[str, Any]]) -> Outcomes:
    """Recorded outcomes: rows of candidate, vacancy, kind, status, reason, the features
    the pair had (`match.features`) and when. A pair with several rows (contacted, then
    interview, then placed) counts once, at the furthest step; a rejection after an
    interview (its reason starting with "after interview") counts as an interview."""
    pairs: dict[tuple[str, int], dict[str, Any]] = {}
    gains: dict[tuple[str, int], int] = defaultdict(int)
    for row in rows:
        key = (str(row["candidate_id"]), int(row["vacancy_id"]))
        status, reason = row["status"], (row.get("reason") or "").lower()
        step = 2 if status == "placed" else 1 if status == "interview" or (
            status == "rejected" and reason.startswith("after interview")) else 0
        gains[key] = max(gains[key], step)
        if row.get("features"):
            pairs[key] = row  # the latest breakdown of the pair
    keys = sorted(pairs)
    cands = sorted({c for c, _ in keys})
    group_of = {(c, k): i for i, (c, k) in enumerate(
        (c, k) for c in cands for k in range(len(KINDS)))}
    kind = np.array([KINDS.index(pairs[k]["kind"]) for k in keys], dtype=int)
    feats = np.array([[float(pairs[k]["features"][f]) for f in FEATURES] for k in keys],
                     dtype=float).reshape(-1, len(FEATURES))
    when = sorted(str(_day(r["recorded_at"])) for r in rows)
    return Outcomes(feats, kind,
                    np.array([group_of[(k[0], int(kd))] for k, kd in zip(keys, kind,
                                                                      strict=True)],
                             dtype=int),
                    np.array([gains[k] for k in keys], dtype=int), np.ones(len(keys)),
                    np.array([bool(pairs[k].get("has_optional", True)) for k in keys]),
                    "recorded", (when[0], when[-1]) if when else None,
                    np.array([str(pairs[k].get("town") or "") for k in keys]))


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(
        str(value)[:10])


__all__ = ["Outcomes", "first", "from_history", "from_recorded"]
