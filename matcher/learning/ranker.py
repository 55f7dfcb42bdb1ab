"""The learned ranker: a linear model over the score features per kind of vacancy, fitted on
outcomes and exported as scoring weights, so the engine's hot path stays as it is.

Every feature is one where more is better (coverage, cosine, experience, language, nearness),
so the weights are bounded at 0 (a monotonic constraint) and the fitted model is a valid
weights file (`matcher.match.scoring.read_weights`). Two fits, scikit-learn style
(`fit`/`predict`): pointwise, the chance of an interview by logistic regression; pairwise,
logistic regression on the feature differences of two pairs of the same list that went
differently far. Position bias (the top of a list is contacted more) is undone by inverse
propensity weighting: each outcome weighs 1 / P(contacted) (clipped at `CLIP`), a pair of
outcomes the product.

The artefact (JSON, `FORMAT`) holds per kind the weights, what they were fitted on and the
held-out comparison with the hand-set weights; `use` is true only where the learned
weights beat them on held-out outcomes with confidence (the 5th percentile of a paired
bootstrap of the per-list NDCG@10 difference above 0). `apply_ranker` gives the engine
its weights per kind and, per kind, which ranked it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from matcher.domain import KINDS
from matcher.learning.features import OPTIONAL, scores
from matcher.learning.metrics import ndcg_per_list
from matcher.learning.outcomes import Outcomes
from matcher.match.scoring import FEATURES, WEIGHTS
from skills_taxonomy.errors import InvalidInputError

FORMAT = "matcher-learned-ranker/1"
HAND_SET = "hand-set weights"
CLIP = 0.05  # least propensity an outcome's weight reads (1 / 0.05 = 20 at most)
MIN_OUTCOMES = 50  # fewer outcomes of a kind: nothing is fitted for it
MIN_LISTS = 30  # fewer held-out lists telling the weightings apart: hand-set kept
FOLDS = 5


class LinearRanker:
    """Non-negative linear ranker (scikit-learn conventions). `pairwise=False`: logistic
    regression of the interview on the features (with an intercept); `True`: logistic
    regression on the differences of pairs in one group that went differently far."""

    def __init__(self, pairwise: bool = False, alpha: float = 1e-3) -> None:
        self.pairwise = pairwise
        self.alpha = alpha

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None,
            sample_weight: np.ndarray | None = None) -> LinearRanker:
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        if self.pairwise:
            assert groups is not None, "a pairwise fit needs the groups"
            X, w = _pairs(X, y, groups, w)
            y = np.ones(len(X))
            intercept = False
        else:
            y = (np.asarray(y) > 0).astype(float)
            intercept = True
        n = X.shape[1]
        w = w / max(w.sum(), 1e-12)

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = X @ theta[:n] + (theta[n] if intercept else 0.0)
            p = 1.0 / (1.0 + np.exp(-z))
            value = float(np.sum(w * (np.logaddexp(0, z) - y * z))) \
                + self.alpha * float(theta[:n] @ theta[:n])
            grad_z = w * (p - y)
            grad = np.append(X.T @ grad_z + 2 * self.alpha * theta[:n],
                             grad_z.sum() if intercept else 0.0)
            return value, grad[:n + 1] if intercept else grad[:n]

        start = np.append(np.full(n, 0.5), [-1.0] if intercept else [])
        bounds = [(0.0, None)] * n + ([(None, None)] if intercept else [])
        fitted = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
        self.coef_ = np.maximum(fitted.x[:n], 0.0)
        self.intercept_ = float(fitted.x[n]) if intercept else 0.0
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef_ + self.intercept_

    def weights(self) -> dict[str, float]:
        """The coefficients as scoring weights (summing to 1)."""
        total = float(self.coef_.sum())
        if total <= 0:
            return {f: 1.0 / len(FEATURES) for f in FEATURES}
        return {f: round(float(c) / total, 4) for f, c in zip(FEATURES, self.coef_,
                                                              strict=True)}


def _pairs(X: np.ndarray, y: np.ndarray, groups: np.ndarray, w: np.ndarray,
           ) -> tuple[np.ndarray, np.ndarray]:
    """Feature differences (better − worse) of every two rows of a group with different
    labels, each weighing the product of the two rows' weights."""
    diffs, weights = [], []
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    for rows in np.split(order, bounds):
        if len(rows) < 2:
            continue
        i, j = np.triu_indices(len(rows), 1)
        a, b = rows[i], rows[j]
        differ = y[a] != y[b]
        a, b = a[differ], b[differ]
        better = np.where(y[a] > y[b], a, b)
        worse = np.where(y[a] > y[b], b, a)
        diffs.append(X[better] - X[worse])
        weights.append(w[better] * w[worse])
    if not diffs:
        return np.zeros((0, X.shape[1])), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


def ipw(outcomes: Outcomes) -> np.ndarray:
    """Inverse propensity weights of the outcomes, clipped."""
    return 1.0 / np.maximum(outcomes.propensity, CLIP)


def fit_kind(mine: Outcomes, kind: str, pairwise: bool = False,
             weighted: bool = True) -> LinearRanker | None:
    """The ranker of one kind from its outcomes, or None with fewer than MIN_OUTCOMES or
    no interview among them."""
    if len(mine) < MIN_OUTCOMES or not mine.interview.any():
        return None
    X = mine.features.copy()
    X[:, OPTIONAL] *= mine.optional_applies
    return LinearRanker(pairwise).fit(X, mine.gain, mine.group,
                                      ipw(mine) if weighted else None)


@dataclass(frozen=True)
class Comparison:
    """Held-out NDCG@10 of the learned and the hand-set weights over the lists that can
    tell them apart, and the 5th percentile of the bootstrapped mean difference."""
    lists: int
    learned: float
    hand_set: float
    low: float

    @property
    def wins(self) -> bool:
        return self.lists >= MIN_LISTS and self.low > 0


def per_list(held_out: Outcomes, learned: dict[str, dict[str, float]],
             hand_set: dict[str, dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """NDCG@10 of both weightings on each held-out list that can tell them apart: two or
    more outcomes, not all of the same gain."""
    lists = held_out.as_lists()
    gain = held_out.gain[np.argsort(held_out.group, kind="stable")]
    if not len(gain):
        return np.zeros(0), np.zeros(0)
    a = ndcg_per_list(lists.list_id, scores(lists, learned), gain)
    b = ndcg_per_list(lists.list_id, scores(lists, hand_set), gain)
    sizes = np.bincount(lists.list_id)
    most = np.maximum.reduceat(gain, np.r_[0, np.cumsum(sizes)[:-1]])
    at_most = np.bincount(lists.list_id, gain == most[lists.list_id], len(sizes))
    informative = ((most > 0) & (at_most < sizes))[most > 0]
    return a[informative], b[informative]


def compare(a: np.ndarray, b: np.ndarray, seed: int = 0, resamples: int = 2000,
            ) -> Comparison:
    """The comparison of per-list NDCG@10 `a` (learned) with `b` (hand-set), paired
    bootstrap."""
    if not len(a):
        return Comparison(0, float("nan"), float("nan"), float("nan"))
    boot = np.random.default_rng(seed).choice(a - b, (resamples, len(a))).mean(axis=1)
    return Comparison(len(a), float(a.mean()), float(b.mean()),
                      float(np.percentile(boot, 5)))


def fit_ranker(outcomes: Outcomes, hand_set: dict[str, dict[str, float]] | None = None,
               pairwise: bool = False, weighted: bool = True, folds: int = FOLDS,
               seed: int = 0) -> dict[str, Any]:
    """The artefact: per kind the weights fitted on all the outcomes, what they were
    fitted on, and the held-out comparison with the hand-set weights by `folds`-fold
    cross-validation over whole lists (each list held out once, scored by weights fitted
    without it); `use` says whether the engine should take them."""
    hand_set = hand_set or {k: dict(w) for k, w in WEIGHTS.items()}
    fold = np.random.default_rng(seed).integers(0, folds, outcomes.group.max() + 1
                                                if len(outcomes) else 0)[outcomes.group]
    kinds: dict[str, Any] = {}
    for k, kind in enumerate(KINDS):
        mine = outcomes.subset(outcomes.kind == k)
        fitted_on = {"outcomes": len(mine), "lists": int(len(np.unique(mine.group))),
                     "date_range": list(outcomes.dates) if outcomes.dates else None,
                     "source": outcomes.source}
        model = fit_kind(mine, kind, pairwise, weighted)
        if model is None:
            kinds[kind] = {"weights": None, "use": False, "fitted_on": fitted_on,
                           "decision": f"not fitted: fewer than {MIN_OUTCOMES} outcomes or "
                                       "no interview"}
            continue
        a, b = [], []
        for f in range(folds):
            part = fold[outcomes.kind == k] == f
            model_f = fit_kind(mine.subset(~part), kind, pairwise, weighted)
            if model_f is not None:
                got = per_list(mine.subset(part), {**hand_set, kind: model_f.weights()},
                               hand_set)
                a.append(got[0])
                b.append(got[1])
        cmp = compare(np.concatenate(a or [np.zeros(0)]), np.concatenate(b or [np.zeros(0)]),
                      seed)
        kinds[kind] = {
            "weights": model.weights(), "use": cmp.wins, "fitted_on": fitted_on,
            "held_out": {"folds": folds, "lists": cmp.lists, "ndcg10_learned": _r(cmp.learned),
                         "ndcg10_hand_set": _r(cmp.hand_set),
                         "difference_5th_percentile": _r(cmp.low)},
            "decision": "learned: beats the hand-set weights on held-out outcomes" if cmp.wins
            else "hand-set: the learned weights did not beat them on held-out outcomes "
                 f"(needs {MIN_LISTS} telling lists and the bootstrap's 5th percentile of "
                 "the difference above 0)"}
    body = json.dumps(kinds, sort_keys=True)
    version = f"v{dt.date.today():%Y%m%d}-{hashlib.sha256(body.encode()).hexdigest()[:6]}"
    return {"format": FORMAT, "version": version, "created": dt.datetime.now(dt.UTC)
            .isoformat(timespec="seconds"),
            "method": ("pairwise" if pairwise else "pointwise") + " logistic regression, "
            "weights >= 0" + (", inverse propensity weighted (clipped at "
                              f"{CLIP})" if weighted else ""),
            "features": list(FEATURES), "hand_set_weights": hand_set, "kinds": kinds}


def _r(x: float) -> float | None:
    return None if x != x else round(x, 4)


def save_ranker(artefact: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(artefact, indent=1, ensure_ascii=False) + "\n", "utf-8")


def load_ranker(path: Path) -> dict[str, Any]:
    """A ranker artefact, checked: its format, features, and per kind weights that are
    non-negative numbers for every feature."""
    where = f"match ranker {path}"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"{where}: cannot read JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(f"{where}: not a {FORMAT} artefact")
    if data.get("features") != list(FEATURES):
        raise InvalidInputError(f"{where}: fitted on features {data.get('features')}, the "
                                f"engine scores {list(FEATURES)}: fit it again")
    for kind, entry in data.get("kinds", {}).items():
        weights = entry.get("weights") if isinstance(entry, dict) else None
        if kind not in KINDS or (weights is not None and (
                set(weights) != set(FEATURES) or any(
                    isinstance(v, bool) or not isinstance(v, int | float) or v < 0
                    for v in weights.values()))):
            raise InvalidInputError(f"{where}: {kind}: invalid entry")
    return data


def apply_ranker(weights: dict[str, dict[str, float]], artefact: dict[str, Any] | None,
                 ) -> tuple[dict[str, dict[str, float]], dict[str, str], list[str]]:
    """The weights the engine scores with, which ranked each kind, and notes for the log:
    a kind takes the learned weights where the artefact says they won against exactly the
    weights the engine would otherwise use (else that comparison says nothing)."""
    out = {kind: dict(w) for kind, w in weights.items()}
    ranked_by = {kind: HAND_SET for kind in weights}
    notes: list[str] = []
    if artefact is None:
        return out, ranked_by, notes
    for kind, entry in artefact["kinds"].items():
        if not entry.get("use") or entry.get("weights") is None:
            continue
        if artefact["hand_set_weights"].get(kind) != weights[kind]:
            notes.append(f"{kind}: the learned ranker was compared with other weights than "
                         "these: hand-set weights kept")
            continue
        out[kind] = {f: float(entry["weights"][f]) for f in FEATURES}
        ranked_by[kind] = f"learned ranker {artefact['version']}"
    return out, ranked_by, notes


__all__ = ["FORMAT", "HAND_SET", "Comparison", "LinearRanker", "apply_ranker", "compare",
           "fit_kind", "fit_ranker", "ipw", "load_ranker", "per_list", "save_ranker"]
