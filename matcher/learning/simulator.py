"""Simulated outcome histories, so that learning can be measured before real outcomes exist.
Nothing here is written to the `outcome` table: histories live in memory (or in files the
training script writes), every record says `"simulated": true`.

The hidden truth (`Truth`): how likely a contacted candidate gets an interview, and an
interviewed one the place, from
    u = Σ β_kind,f · feature_f  +  taste[kind, region]  +  motivation[list]  +  noise
    P(interview) = σ(a_kind + u),   P(placed | interview) = σ(b + c·u)
β differs from the hand-set weights on purpose (`TRUE_BETA`: employers weigh German and
experience far more than the score does and the profile cosine not at all; apprenticeships
and placements weigh distance), so the benchmark can tell whether learning finds it; how
far a learned ranking can get is bounded by that choice (the benchmark reports the
ceiling: β itself as weights). The employers' taste for a region and the candidate's
motivation are things the score does not see; the noise is per pair.

The logged history (`Simulator.history`): each list shown best first by the weights in
use (the hand-set ones), the coach looks at rank r with probability r^-η (position bias)
and contacts what they look at with probability `contact`; a contacted pair goes through
the funnel contacted → interview → placed, or is rejected with a reason. Each record
keeps its rank and the probability it was contacted (its propensity), so a learner can
undo the position bias. `Simulator.full_outcomes` draws what would have happened had
every pair been contacted: the held-out truth to measure rankings against.
Seeded and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matcher.domain import KINDS
from matcher.learning.features import OPTIONAL, MatchLists, scores
from matcher.match.scoring import FEATURES

TRUE_BETA: dict[str, dict[str, float]] = {
    "job": {"essential": 1.4, "optional": 0.3, "aptitude": 0.2, "semantic": 0.0,
            "experience": 2.2, "language": 3.0, "distance": 1.0},
    "apprenticeship": {"essential": 0.2, "optional": 0.0, "aptitude": 1.0, "semantic": 0.0,
                       "experience": 0.2, "language": 2.4, "distance": 2.0},
    "placement": {"essential": 0.2, "optional": 0.0, "aptitude": 0.8, "semantic": 0.2,
                  "experience": 0.0, "language": 1.4, "distance": 2.2},
}
# the features a rejection can name, and the words it uses
REASONS = {"essential": "skills: essential skills missing", "language": "language level",
           "distance": "too far to travel", "experience": "experience: not enough"}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class Truth:
    """The hidden preference model (module docstring); `seed` draws the regions' taste."""
    beta: dict[str, dict[str, float]] = field(default_factory=lambda: TRUE_BETA)
    interview_intercept: dict[str, float] = field(default_factory=lambda: {
        "job": -5.4, "apprenticeship": -4.6, "placement": -3.6})
    placed_intercept: float = -4.0
    placed_slope: float = 0.8
    taste_sd: float = 0.5
    motivation_sd: float = 0.6
    noise_sd: float = 0.5
    seed: int = 7


@dataclass(frozen=True)
class History:
    """Logged outcomes, one per contacted pair: `item` (row in the lists), its list, its
    rank (1 = top), the probability it was contacted, and what happened."""
    item: np.ndarray
    list_id: np.ndarray
    rank: np.ndarray
    propensity: np.ndarray
    interview: np.ndarray
    placed: np.ndarray
    reason: list[str | None]

    def __len__(self) -> int:
        return len(self.item)

    def status(self, i: int) -> str:
        return "placed" if self.placed[i] else "rejected"

    def records(self, lists: MatchLists) -> list[dict[str, object]]:
        """As rows of the outcome table would read, marked simulated."""
        return [{"simulated": True, "list": int(self.list_id[i]), "rank": int(self.rank[i]),
                 "propensity": round(float(self.propensity[i]), 6),
                 "kind": KINDS[lists.kind[self.item[i]]], "status": self.status(i),
                 "interview": bool(self.interview[i]), "reason": self.reason[i],
                 "features": dict(zip(FEATURES, lists.features[self.item[i]].tolist(),
                                      strict=True))}
                for i in range(len(self))]


class Simulator:
    """The hidden state of a simulated world over some lists: every pair's true chance of
    an interview and of the place (`p_interview`, `p_placed`)."""

    def __init__(self, lists: MatchLists, truth: Truth | None = None, seed: int = 0) -> None:
        self.lists = lists
        self.truth = truth = truth or Truth()
        taste = np.random.default_rng(truth.seed).normal(
            0, truth.taste_sd, (len(KINDS), len(lists.regions)))
        rng = np.random.default_rng(seed)
        beta = np.array([[truth.beta[k][f] for f in FEATURES] for k in KINDS])[lists.kind]
        beta[:, OPTIONAL] *= lists.optional_applies
        self.utility = ((beta * lists.features).sum(axis=1)
                        + taste[lists.kind, lists.region]
                        + rng.normal(0, truth.motivation_sd, lists.n_lists)[lists.list_id]
                        + rng.normal(0, truth.noise_sd, len(lists.kind)))
        self.beta = beta
        intercept = np.array([truth.interview_intercept[k] for k in KINDS])[lists.kind]
        self.p_interview = _sigmoid(intercept + self.utility)
        self.p_placed = _sigmoid(truth.placed_intercept + truth.placed_slope * self.utility)
        self.rng = rng

    def ranks(self, weights: dict[str, dict[str, float]]) -> np.ndarray:
        """Each item's rank (1 = top) in its list when shown by these weights."""
        score = scores(self.lists, weights)
        order = np.lexsort((-score, self.lists.list_id))
        rank = np.empty(len(score), dtype=int)
        starts = self.lists.starts()
        rank[order] = np.arange(len(score)) - starts[self.lists.list_id[order]] + 1
        return rank

    def history(self, weights: dict[str, dict[str, float]], eta: float = 1.0,
                contact: float = 0.5) -> History:
        """Outcomes logged while the lists were shown ranked by `weights`: position-biased
        contact, then the funnel, with rejection reasons."""
        rank = self.ranks(weights)
        propensity = contact * rank.astype(float) ** -eta
        contacted = np.flatnonzero(self.rng.random(len(rank)) < propensity)
        interview, placed = self._funnel(contacted)
        reasons = [self._reason(int(i), bool(iv), bool(pl))
                   for i, iv, pl in zip(contacted, interview, placed, strict=True)]
        return History(contacted, self.lists.list_id[contacted], rank[contacted],
                       propensity[contacted], interview, placed, reasons)

    def full_outcomes(self) -> np.ndarray:
        """Every pair contacted: the gain of each (2 placed, 1 interview only, 0 not)."""
        interview, placed = self._funnel(np.arange(len(self.utility)))
        return interview.astype(int) + placed.astype(int)

    def _funnel(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        interview = self.rng.random(len(items)) < self.p_interview[items]
        placed = interview & (self.rng.random(len(items)) < self.p_placed[items])
        return interview, placed

    def _reason(self, item: int, interview: bool, placed: bool) -> str | None:
        """Why a contacted pair did not end in a place: the feature that cost it most
        (β·(1 − feature)), now and then no answer or another candidate preferred."""
        if placed:
            return None
        roll = self.rng.random()
        if roll < 0.15:
            reason = "no answer"
        elif roll < 0.3:
            reason = "employer chose another candidate"
        else:
            shortfall = {f: self.beta[item, FEATURES.index(f)]
                         * (1 - self.lists.features[item, FEATURES.index(f)]) for f in REASONS}
            reason = REASONS[max(shortfall, key=lambda f: shortfall[f])]
        return f"after interview: {reason}" if interview else reason


__all__ = ["REASONS", "TRUE_BETA", "History", "Simulator", "Truth"]
