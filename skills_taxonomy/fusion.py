"""Fusion of lexical and semantic evidence into one linking score.

A logistic model over the linker's features, following scikit-learn conventions: `fit`
learns `coef_`, `intercept_` and the abstention `threshold_`. There is one model per route
(English text, other text), kept together in a `RoutedFusion`; the fitted artefact is a
small versioned JSON file written by `training/` and shipped in `skills_taxonomy/artefacts/`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from skills_taxonomy.errors import NotFittedError

FEATURES = (
    "label_sim_text",  # cosine of the whole text to the concept's best label
    "label_sim_phrase",  # best cosine of any phrase of the text to any label
    "centroid_sim_text",  # cosine of the text to the concept's label centroid
    "centroid_sim_phrase",
    "description_sim",  # cosine of the text to the concept's description
    "tfidf_char",  # best character n-gram TF-IDF cosine of text or phrase to a label
    "fuzz_ratio",  # rapidfuzz ratio of the whole text and the best label (typos in titles)
    "fuzz_partial",  # rapidfuzz partial ratio: the label inside the text
    "exact_length",  # length of the longest exact alias match (chars, capped at 16) / 16
    "exact_hit",
    "ml_sim",  # multilingual encoder: best cosine of the text to the concept's labels
    "ml_gap",  # ml_sim minus the best ml_sim of any concept for this text (<= 0)
    "common",  # 1 for concepts the project names itself (the migrants' usual occupations)
)
# Text in English goes the English route (the fast English encoder only); other text the
# multilingual route, which adds the multilingual encoder's evidence and the preference for
# the concepts the project names (on English job adverts, the Decorte sets, that preference
# cost 0.03 MRR: their tech and office skills are not the migrants' usual ones).
ROUTES = {"en": FEATURES[:10], "ml": FEATURES}
LEXICAL = ("tfidf_char", "fuzz_ratio", "fuzz_partial", "exact_length", "exact_hit")
LEXICAL_MASK = np.array([f in LEXICAL for f in FEATURES])
# The hand-set weights: evidence of meaning and of spelling alike, the multilingual encoder's
# cosines (compressed near 0.8) read through their gap to the best concept; no preference
# for common concepts until data asks for it.
PRIOR_COEF = (3.0, 4.0, 1.0, 1.0, 2.0, 3.0, 1.0, 1.0, 2.0, 1.0, 6.0, 8.0, 0.0)
CALIBRATION_TOP = 3
ARTEFACT_FORMAT = 3


class FusionModel:
    """Logistic fusion of `FEATURES`; `score` maps feature rows to [0, 1]."""

    def __init__(self, C: float = 0.01, max_negatives: int = 300,
                 features: tuple[str, ...] = FEATURES,
                 prior: tuple[float, ...] | None = None) -> None:
        self.C = C
        self.max_negatives = max_negatives
        self.features = features
        self.prior = prior

    @property
    def mask(self) -> np.ndarray:
        return np.array([f in self.features for f in FEATURES])

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray,
            extra_lexical: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
            ) -> FusionModel:
        """Learn weights that rank gold candidates above the others of the same query.

        Two models share this procedure: one over all features, and one over the lexical
        features alone, fitted on `extra_lexical` queries too (labels in other languages).
        The second keeps the confidence honest for languages the English encoder does not
        read, where only lexical evidence speaks; `score` takes the higher of the two."""
        X, y, groups = np.asarray(X, np.float64), np.asarray(y, bool), np.asarray(groups)
        prior = None if self.prior is None else np.asarray(self.prior, np.float64)
        self.coef_, self.intercept_ = self._fit_one(X, y, groups, self.mask, prior)
        if extra_lexical is not None:
            X2, y2, g2 = extra_lexical
            X = np.vstack([X, X2])
            y = np.concatenate([y, np.asarray(y2, bool)])
            extra_groups = np.char.add("x", np.asarray(g2).astype(str))
            groups = np.concatenate([groups.astype(str), extra_groups])
        self.lexical_coef_, self.lexical_intercept_ = self._fit_one(
            X, y, groups, LEXICAL_MASK & self.mask, None)
        self.threshold_ = 0.5
        return self

    def _fit_one(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray, mask: np.ndarray,
                 prior: np.ndarray | None) -> tuple[np.ndarray, float]:
        """Pairwise logistic regression on the feature differences (gold minus other) of
        each query's candidates — it optimises the ranking, not the label — then a
        one-feature logistic regression on each query's top candidates, so that a score
        reads as the probability that a top-ranked candidate is right.

        The ranking weights are regularised towards `prior` (any positive multiple of it)
        when one is given, towards zero otherwise: with a hundred labelled queries, a
        sound hand-set direction is worth more than what the data alone can say. `C` = 0
        with a prior keeps the prior's ranking and fits only the calibration."""
        from scipy.optimize import minimize
        from sklearn.linear_model import LogisticRegression

        # features on one scale, so the regularisation treats them alike (the
        # multilingual gap spans hundredths, fuzzy ratios the whole unit interval)
        scale = np.maximum(X[:, mask].std(axis=0), 1e-3)
        Xm = X[:, mask] / scale
        diffs, top_rows = [], []
        for g in np.unique(groups):
            rows = np.flatnonzero(groups == g)
            pos, neg = Xm[rows[y[rows]]], Xm[rows[~y[rows]]][: self.max_negatives]
            diffs += [p - neg for p in pos if len(neg)]
        if not diffs:
            raise ValueError("no query has both a gold and a non-gold candidate")
        D = np.vstack(diffs)
        direction = np.zeros(D.shape[1]) if prior is None else prior[mask] * scale

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            alpha, delta = params[0], params[1:]
            margin = D @ (alpha * direction + delta)
            value = self.C * np.logaddexp(0.0, -margin).sum() + 0.5 * delta @ delta
            slope = -self.C * _sigmoid(-margin)  # d loss / d margin
            grad_w = D.T @ slope
            return float(value), np.r_[grad_w @ direction, grad_w + delta]

        weights = np.zeros(X.shape[1])
        if prior is not None and self.C == 0:  # the prior's ranking, only calibrated
            weights[mask] = prior[mask]
        else:
            start = np.r_[1.0 if prior is not None else 0.0, np.zeros(D.shape[1])]
            bounds = [(0.0, None) if prior is not None else (0.0, 0.0)] \
                + [(None, None)] * D.shape[1]
            found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
            weights[mask] = (found.x[0] * direction + found.x[1:]) / scale
        z = X @ weights
        for g in np.unique(groups):
            rows = np.flatnonzero(groups == g)
            top_rows += rows[np.argsort(-z[rows])[:CALIBRATION_TOP]].tolist()
        calibration = LogisticRegression(max_iter=1000).fit(z[top_rows, None], y[top_rows])
        return weights * float(calibration.coef_[0, 0]), float(calibration.intercept_[0])

    def _check_is_fitted(self) -> None:
        if not hasattr(self, "coef_") or not hasattr(self, "lexical_coef_"):
            raise NotFittedError("FusionModel is not fitted: call fit() or load an artefact")

    def rank_score(self, X: np.ndarray) -> np.ndarray:
        """The full model's probability: what candidates are ordered by."""
        self._check_is_fitted()
        return _sigmoid(np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_)

    def lexical_score(self, X: np.ndarray) -> np.ndarray:
        """The lexical model's probability: spelling evidence only."""
        self._check_is_fitted()
        return _sigmoid(np.asarray(X, dtype=np.float64) @ self.lexical_coef_
                        + self.lexical_intercept_)

    def score(self, X: np.ndarray) -> np.ndarray:
        """Confidence that a candidate is right: the higher of the full and the lexical
        model, so a German or Arabic alias match is not judged by English semantics."""
        return np.maximum(self.rank_score(X), self.lexical_score(X))

    def to_dict(self) -> dict[str, Any]:
        self._check_is_fitted()
        return {
            "features": list(self.features),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "lexical_coef": self.lexical_coef_.tolist(),
            "lexical_intercept": self.lexical_intercept_,
            "threshold": self.threshold_,
            "params": {"C": self.C, "max_negatives": self.max_negatives,
                       "prior": None if self.prior is None else list(self.prior)},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusionModel:
        features = tuple(data.get("features", ()))
        if not set(features) <= set(FEATURES) or len(data.get("coef", ())) != len(FEATURES):
            raise NotFittedError(
                "fusion artefact does not match this version's features; refit it with "
                "`python -m training.fit_fusion`"
            )
        params = dict(data.get("params", {}))
        if params.get("prior") is not None:
            params["prior"] = tuple(params["prior"])
        model = cls(**params, features=features)
        model.coef_ = np.asarray(data["coef"], dtype=np.float64)
        model.intercept_ = float(data["intercept"])
        model.lexical_coef_ = np.asarray(data["lexical_coef"], dtype=np.float64)
        model.lexical_intercept_ = float(data["lexical_intercept"])
        model.threshold_ = float(data["threshold"])
        return model


class RoutedFusion:
    """One `FusionModel` per route (`ROUTES`): text in English is scored by a model of the
    English encoder's features, other text by one that also weighs the multilingual
    encoder's. Saved together as one versioned artefact."""

    def __init__(self, routes: dict[str, FusionModel]) -> None:
        missing = set(ROUTES) - set(routes)
        if missing:
            raise NotFittedError(f"fusion has no model for route(s) {sorted(missing)}")
        self.routes = routes

    def __getitem__(self, route: str) -> FusionModel:
        return self.routes[route]

    def save(self, path: Path, **meta: Any) -> None:
        data = {"format": ARTEFACT_FORMAT, "features": list(FEATURES),
                "routes": {name: model.to_dict() for name, model in self.routes.items()},
                **meta}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RoutedFusion:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != ARTEFACT_FORMAT or data.get("features") != list(FEATURES):
            raise NotFittedError(
                f"fusion artefact {path.name} was fitted for another version's features; "
                "refit it with `python -m training.fit_fusion`"
            )
        return cls({name: FusionModel.from_dict(d) for name, d in data["routes"].items()})


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def artefact_path(kind: str) -> Path:
    """The fitted artefact shipped in the package for `kind` ('skill' or 'occupation')."""
    return Path(str(resources.files("skills_taxonomy") / "artefacts" / f"fusion_{kind}.json"))


def load_fusion(kind: str) -> RoutedFusion:
    path = artefact_path(kind)
    if not path.exists():
        raise NotFittedError(f"no fusion artefact at {path}: run `python -m training.fit_fusion`")
    return RoutedFusion.load(path)


def prior_fusion() -> RoutedFusion:
    """Hand-set weights: the starting point before any fitting, and the reference that the
    fitted model must beat."""
    routes = {}
    for route, features in ROUTES.items():
        model = FusionModel(features=features)
        coef = np.asarray(PRIOR_COEF)
        model.coef_ = np.where(model.mask, coef, 0.0)
        model.intercept_ = -8.0 if route == "en" else -12.0
        model.lexical_coef_ = np.where(LEXICAL_MASK, coef, 0.0)
        model.lexical_intercept_ = -8.0
        model.threshold_ = 0.5
        routes[route] = model
    return RoutedFusion(routes)
