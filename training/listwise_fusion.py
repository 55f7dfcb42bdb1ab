"""A listwise way to fit the fusion's ranking weights, each query weighing alike.

Why: MRR is a mean over queries of where the first gold concept lands. The pairwise loss
of `FusionModel` counts every (gold, other) pair, so a sentence with ten gold skills
weighs ten times one with a single skill, and the fit bends towards the few long job-advert
sentences. Here each gold candidate is scored against its query's other candidates by a
softmax (the probability that it comes first), and a query's gold candidates share one
query's weight. On the Decorte validation sets this raised the English skill route's MRR
in-sample and cross-fitted (BENCHMARKS.md, "How the fusion was fitted").

Only fitting differs: the calibration and the lexical confidence model are
`FusionModel`'s, and the artefact is an ordinary `FusionModel`'s, so nothing changes at
run time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

from skills_taxonomy.fusion import FusionModel

LOSS = "listwise (softmax of each gold candidate against its query's others), " \
    "each query weighing alike"


class ListwiseFusion(FusionModel):
    """`FusionModel` whose ranking weights are fitted by the listwise loss; its lexical
    confidence model (fitted without a prior) stays pairwise."""

    def _fit_one(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray, mask: np.ndarray,
                 prior: np.ndarray | None) -> tuple[np.ndarray, float]:
        if prior is None or self.C == 0:
            return super()._fit_one(X, y, groups, mask, prior)
        weights = listwise_weights(X, y, groups, mask, prior, self.C, self.max_negatives)
        # FusionModel with C = 0 keeps the weights it is given and fits the calibration
        calibrator = FusionModel(C=0.0, max_negatives=self.max_negatives)
        return calibrator._fit_one(X, y, groups, mask, weights)


def listwise_weights(X: np.ndarray, y: np.ndarray, groups: np.ndarray, mask: np.ndarray,
                     prior: np.ndarray, C: float, max_negatives: int) -> np.ndarray:
    """Ranking weights (all features; zero outside `mask`) pulled towards any positive
    multiple of `prior` as `FusionModel` does: on standardised features, minimise
    C * sum of weighted softmax losses + |departure from the prior's direction|^2 / 2."""
    scale = np.maximum(X[:, mask].std(axis=0), 1e-3)
    gold, others, present, weight = query_lists(X[:, mask] / scale, y, groups, max_negatives)
    direction = np.asarray(prior, np.float64)[mask] * scale
    found = minimize(_loss(gold, others, present, weight, direction, C),
                     np.r_[1.0, np.zeros(len(direction))], jac=True, method="L-BFGS-B",
                     bounds=[(0.0, None)] + [(None, None)] * len(direction))
    weights = np.zeros(X.shape[1])
    weights[mask] = (found.x[0] * direction + found.x[1:]) / scale
    return weights


def query_lists(Xm: np.ndarray, y: np.ndarray, groups: np.ndarray, max_negatives: int,
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per gold candidate: its features, its query's first `max_negatives` other
    candidates (padded), which of those are real, and its weight (1 / golds in query)."""
    gold, others, present, weight = [], [], [], []
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        pos, neg = Xm[rows[y[rows]]], Xm[rows[~y[rows]]][:max_negatives]
        if not len(pos) or not len(neg):
            continue
        padded = np.zeros((max_negatives, Xm.shape[1]))
        padded[:len(neg)] = neg
        for p in pos:
            gold.append(p)
            others.append(padded)
            present.append(np.arange(max_negatives) < len(neg))
            weight.append(1.0 / len(pos))
    if not gold:
        raise ValueError("no query has both a gold and a non-gold candidate")
    return np.array(gold), np.array(others), np.array(present), np.array(weight)


def _loss(gold: np.ndarray, others: np.ndarray, present: np.ndarray, weight: np.ndarray,
          direction: np.ndarray, C: float) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """The objective over (alpha, delta), weights = alpha * direction + delta, and its
    gradient."""

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, delta = params[0], params[1:]
        beta = alpha * direction + delta
        s_gold = gold @ beta
        s_other = np.where(present, others @ beta, -np.inf)
        top = np.maximum(s_gold, s_other.max(axis=1))
        e_gold, e_other = np.exp(s_gold - top), np.exp(s_other - top[:, None])
        total = e_gold + e_other.sum(axis=1)
        value = C * float(weight @ (np.log(total) + top - s_gold)) + 0.5 * delta @ delta
        # d/d beta of -log softmax(gold) = E[x] - x_gold
        expected = (e_gold / total)[:, None] * gold \
            + np.einsum("nk,nkd->nd", e_other / total[:, None], others)
        grad = C * (weight[:, None] * (expected - gold)).sum(axis=0)
        return value, np.r_[grad @ direction, grad + delta]

    return loss
