"""The text model: an EQF level guessed from a qualification's title, for when neither a
reference table nor the type rules can answer."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.utils.validation import check_is_fitted

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.text import fold


class EqfLevelEstimator(BaseEstimator, ClassifierMixin):
    """EQF level from a qualification's title (word and character n-grams, multinomial
    logistic regression). Fitted on reference tables; used only when neither the table nor
    the type rules can answer."""

    def __init__(self, C: float = 4.0) -> None:
        self.C = C

    def fit(self, titles: list[str], levels: list[int]) -> EqfLevelEstimator:
        if len(titles) != len(levels) or len(set(levels)) < 2:
            raise InvalidInputError("EqfLevelEstimator needs titles with at least two levels")
        self.pipeline_ = make_pipeline(
            FeatureUnion([
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                          sublinear_tf=True, min_df=2))]),
            LogisticRegression(C=self.C, max_iter=3000))
        self.pipeline_.fit([fold(t) for t in titles], levels)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, titles: list[str]) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return np.asarray(self.pipeline_.predict_proba([fold(t) for t in titles]))

    def predict(self, titles: list[str]) -> np.ndarray:
        proba = self.predict_proba(titles)  # first: unfitted raises NotFittedError
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])
