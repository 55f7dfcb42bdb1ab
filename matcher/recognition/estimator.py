"""The text model: an EQF level guessed from a qualification's title, for when neither a
reference table nor the type rules can answer.

It is fitted by `python -m training.fit_eqf_estimator` on the project's reference table
and shipped as a versioned JSON artefact (`matcher/data/recognition/eqf_estimator.json`):
the vocabularies, idf weights and coefficients, rebuilt into the same scikit-learn objects
at load (no pickle). The artefact records a fingerprint of the rows it was fitted on and
a few reference predictions, so a stale or unreproducible artefact is refused with a clear
error instead of answering differently from a fresh fit.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.utils.validation import check_is_fitted

from matcher.recognition.eqf_table import EqfEntry
from skills_taxonomy.errors import InvalidInputError, NotFittedError
from skills_taxonomy.text import fold

ARTEFACT_FORMAT = "eqf-estimator/1"
ARTEFACT_NAME = "eqf_estimator.json"
REFIT = "refit it with `python -m training.fit_eqf_estimator`"
N_CHECKS = 24  # reference predictions stored with the artefact and checked at load
CHECK_TOLERANCE = 1e-9


class StaleArtefactError(NotFittedError):
    """The shipped estimator artefact cannot stand for a fresh fit: another format, other
    training rows or hyper-parameters, or predictions this scikit-learn does not reproduce."""


def _vectorizers() -> list[tuple[str, TfidfVectorizer]]:
    return [("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                      sublinear_tf=True, min_df=2))]


class EqfLevelEstimator(BaseEstimator, ClassifierMixin):
    """EQF level from a qualification's title (word and character n-grams, multinomial
    logistic regression). Fitted on reference tables; used only when neither the table nor
    the type rules can answer."""

    MAX_ITER = 3000

    def __init__(self, C: float = 4.0) -> None:
        self.C = C

    def fit(self, titles: list[str], levels: list[int]) -> EqfLevelEstimator:
        if len(titles) != len(levels) or len(set(levels)) < 2:
            raise InvalidInputError("EqfLevelEstimator needs titles with at least two levels")
        self.pipeline_ = make_pipeline(FeatureUnion(_vectorizers()),
                                       LogisticRegression(C=self.C, max_iter=self.MAX_ITER))
        self.pipeline_.fit([fold(t) for t in titles], levels)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, titles: list[str]) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return np.asarray(self.pipeline_.predict_proba([fold(t) for t in titles]))

    def predict(self, titles: list[str]) -> np.ndarray:
        proba = self.predict_proba(titles)  # first: unfitted raises NotFittedError
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])

    # --- the artefact -------------------------------------------------------------------------
    def to_dict(self, titles: list[str], levels: list[int]) -> dict[str, Any]:
        """The fitted model as plain JSON data; `titles`/`levels` are the rows it was
        fitted on (their fingerprint and a few reference predictions are stored)."""
        check_is_fitted(self, "pipeline_")
        union, model = self.pipeline_.steps[0][1], self.pipeline_.steps[1][1]
        checks = titles[:: max(1, len(titles) // N_CHECKS)][:N_CHECKS]
        return {
            "format": ARTEFACT_FORMAT,
            "params": self.spec(),
            "training_rows": len(titles),
            "training_sha256": fingerprint(titles, levels),
            "sklearn_version": sklearn.__version__,
            "classes": [int(c) for c in self.classes_],
            "vectorizers": {name: {"vocabulary": sorted(vec.vocabulary_,
                                                        key=vec.vocabulary_.__getitem__),
                                   "idf": vec.idf_.tolist()}
                            for name, vec in union.transformer_list},
            "coef": model.coef_.tolist(),
            "intercept": model.intercept_.tolist(),
            "checks": {"titles": checks, "proba": self.predict_proba(checks).tolist()},
        }

    def spec(self) -> dict[str, Any]:
        """The hyper-parameters an artefact must have been fitted with to stand for a fit
        by this code."""
        return {"C": float(self.C), "max_iter": self.MAX_ITER,
                "vectorizers": {name: {k: list(v) if isinstance(v, tuple) else v
                                       for k, v in sorted(vec.get_params().items())
                                       if k in ("analyzer", "ngram_range", "sublinear_tf",
                                                "min_df", "lowercase", "norm", "use_idf",
                                                "smooth_idf")}
                                for name, vec in _vectorizers()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "artefact") -> EqfLevelEstimator:
        """Rebuild a fitted estimator; raises StaleArtefactError when the data is of
        another format or hyper-parameters, or does not reproduce its own checks."""
        if not isinstance(data, dict) or data.get("format") != ARTEFACT_FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise StaleArtefactError(f"{source}: format {found!r}, expected "
                                     f"{ARTEFACT_FORMAT!r}; {REFIT}")
        params = data.get("params") or {}
        estimator = cls()  # an artefact stands for the estimator the engine would fit
        if params != estimator.spec():
            raise StaleArtefactError(f"{source}: fitted with other hyper-parameters "
                                     f"({params}) than this code's ({estimator.spec()}); {REFIT}")
        try:
            estimator._rebuild(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise StaleArtefactError(f"{source}: malformed ({exc!r}); {REFIT}") from exc
        checks = data.get("checks") or {}
        expected = np.asarray(checks.get("proba", []), dtype=np.float64)
        titles = list(checks.get("titles", []))
        if not titles or expected.shape != (len(titles), len(estimator.classes_)):
            raise StaleArtefactError(f"{source}: no reference predictions; {REFIT}")
        worst = float(np.abs(estimator.predict_proba(titles) - expected).max())
        if worst > CHECK_TOLERANCE:
            raise StaleArtefactError(
                f"{source}: scikit-learn {sklearn.__version__} does not reproduce the "
                f"predictions of the fit made with {data.get('sklearn_version')} "
                f"(off by {worst:.2g}); {REFIT}")
        return estimator

    def _rebuild(self, data: dict[str, Any]) -> None:
        vectorizers = _vectorizers()
        for name, vec in vectorizers:
            stored = data["vectorizers"][name]
            vec.vocabulary_ = {term: i for i, term in enumerate(stored["vocabulary"])}
            vec.idf_ = np.asarray(stored["idf"], dtype=np.float64)
            if len(vec.idf_) != len(vec.vocabulary_):
                raise ValueError(f"{name}: {len(vec.idf_)} idf weights for "
                                 f"{len(vec.vocabulary_)} terms")
        model = LogisticRegression(C=self.C, max_iter=self.MAX_ITER)
        model.classes_ = np.asarray(data["classes"])
        model.coef_ = np.asarray(data["coef"], dtype=np.float64)
        model.intercept_ = np.asarray(data["intercept"], dtype=np.float64)
        model.n_features_in_ = sum(len(vec.vocabulary_) for _, vec in vectorizers)
        if model.coef_.shape != (len(model.classes_), model.n_features_in_) or \
                model.intercept_.shape != (len(model.classes_),):
            raise ValueError(f"coef {model.coef_.shape} does not fit "
                             f"{len(model.classes_)} classes x {model.n_features_in_} terms")
        self.pipeline_ = Pipeline([("featureunion", FeatureUnion(vectorizers)),
                                   ("logisticregression", model)])
        self.classes_ = model.classes_

    def save(self, path: Path, titles: list[str], levels: list[int], **meta: Any) -> None:
        data = {**self.to_dict(titles, levels), **meta}
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path, titles: list[str], levels: list[int]) -> EqfLevelEstimator:
        """The artefact at `path`, checked to have been fitted on exactly these rows."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StaleArtefactError(f"no EQF estimator artefact at {path}; {REFIT}") from None
        except (OSError, ValueError) as exc:
            raise StaleArtefactError(f"{path}: cannot read JSON ({exc}); {REFIT}") from exc
        estimator = cls.from_dict(data, str(path))
        if data.get("training_sha256") != fingerprint(titles, levels):
            raise StaleArtefactError(
                f"{path}: fitted on other rows ({data.get('training_rows')}) than the "
                f"reference table now holds ({len(titles)}); {REFIT}")
        return estimator


def training_rows(entries: list[EqfEntry]) -> tuple[list[str], list[int]]:
    """What the text model is fitted on: every row's English title, then every native
    title, each with its row's level."""
    titles = [e.qualification for e in entries] + [
        e.native_title for e in entries if e.native_title]
    levels = [e.eqf_level for e in entries] + [
        e.eqf_level for e in entries if e.native_title]
    return titles, levels


def fingerprint(titles: list[str], levels: list[int]) -> str:
    """SHA-256 of the rows as the model sees them (folded titles and levels, in order)."""
    text = json.dumps([[fold(t), int(level)] for t, level in zip(titles, levels, strict=True)],
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def artefact_path() -> Path:
    """The shipped artefact, in the package's data."""
    return Path(str(resources.files("matcher") / "data" / "recognition" / ARTEFACT_NAME))


def shipped_estimator(entries: list[EqfEntry], path: Path | None = None,
                      ) -> EqfLevelEstimator | None:
    """The shipped model for these table rows (None when they hold fewer than two levels,
    as `Recogniser.fitted` would fit none); StaleArtefactError when it was fitted on
    other rows."""
    titles, levels = training_rows(entries)
    if len(set(levels)) < 2:
        return None
    return EqfLevelEstimator.load(path or artefact_path(), titles, levels)
