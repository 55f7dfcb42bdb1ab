"""Fusion of lexical and semantic evidence into one linking score.

A logistic model over the linker's features, following scikit-learn conventions: `fit`
learns `coef_`, `intercept_` and the abstention `threshold_`; the fitted artefact is a
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
    "fuzz_token_set",  # rapidfuzz token-set ratio of text and best label
    "fuzz_partial",  # rapidfuzz partial ratio: the label inside the text
    "exact_coverage",  # share of the text covered by an exact alias match
    "exact_hit",
)
ARTEFACT_FORMAT = 1


class FusionModel:
    """Logistic fusion of `FEATURES`; `score` maps feature rows to [0, 1]."""

    def __init__(self, C: float = 0.01, max_negatives: int = 300) -> None:
        self.C = C
        self.max_negatives = max_negatives

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> FusionModel:
        """Learn weights that rank gold candidates above the others of the same query.

        Pairwise: a logistic regression on the feature differences (gold minus other) of
        each query's candidates, which optimises the ranking rather than the label. A
        one-feature logistic regression on the resulting scores then calibrates them, so
        that a score reads as the probability that a candidate is right."""
        from sklearn.linear_model import LogisticRegression

        X, y, groups = np.asarray(X, np.float64), np.asarray(y, bool), np.asarray(groups)
        diffs = []
        for g in np.unique(groups):
            rows = groups == g
            pos, neg = X[rows & y], X[rows & ~y][: self.max_negatives]
            diffs += [p - neg for p in pos if len(neg)]
        if not diffs:
            raise ValueError("no query has both a gold and a non-gold candidate")
        D = np.vstack(diffs)
        ranker = LogisticRegression(C=self.C, fit_intercept=False, max_iter=5000)
        ranker.fit(np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))])
        weights = ranker.coef_[0]
        calibration = LogisticRegression(max_iter=1000).fit((X @ weights)[:, None], y)
        self.coef_ = weights * float(calibration.coef_[0, 0])
        self.intercept_ = float(calibration.intercept_[0])
        self.threshold_ = 0.5
        return self

    def _check_is_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("FusionModel is not fitted: call fit() or load an artefact")

    def score(self, X: np.ndarray) -> np.ndarray:
        self._check_is_fitted()
        z = np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self, **meta: Any) -> dict[str, Any]:
        self._check_is_fitted()
        return {
            "format": ARTEFACT_FORMAT,
            "features": list(FEATURES),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "threshold": self.threshold_,
            "params": {"C": self.C, "max_negatives": self.max_negatives},
            **meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FusionModel:
        if data.get("format") != ARTEFACT_FORMAT or data.get("features") != list(FEATURES):
            raise NotFittedError(
                "fusion artefact does not match this version's features; refit it with "
                "`python -m training.fit_fusion`"
            )
        model = cls(**data.get("params", {}))
        model.coef_ = np.asarray(data["coef"], dtype=np.float64)
        model.intercept_ = float(data["intercept"])
        model.threshold_ = float(data["threshold"])
        return model

    def save(self, path: Path, **meta: Any) -> None:
        path.write_text(json.dumps(self.to_dict(**meta), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> FusionModel:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def artefact_path(kind: str) -> Path:
    """The fitted artefact shipped in the package for `kind` ('skill' or 'occupation')."""
    return Path(str(resources.files("skills_taxonomy") / "artefacts" / f"fusion_{kind}.json"))


def load_fusion(kind: str) -> FusionModel:
    path = artefact_path(kind)
    if not path.exists():
        raise NotFittedError(f"no fusion artefact at {path}: run `python -m training.fit_fusion`")
    return FusionModel.load(path)


def prior_fusion() -> FusionModel:
    """Hand-set weights: the starting point before any fitting, and the reference that the
    fitted model must beat."""
    model = FusionModel()
    model.coef_ = np.array([3.0, 4.0, 1.0, 1.0, 2.0, 3.0, 1.0, 1.0, 2.0, 1.0])
    model.intercept_ = -8.0
    model.threshold_ = 0.5
    return model
