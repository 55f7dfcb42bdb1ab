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

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced") -> None:
        self.C = C
        self.class_weight = class_weight

    def fit(self, X: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> FusionModel:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        model.fit(X, y)
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.threshold_ = float(threshold)
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
            "params": {"C": self.C, "class_weight": self.class_weight},
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
