"""The fitted components: scikit-learn conventions and the shipped artefacts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from skills_taxonomy.errors import NotFittedError
from skills_taxonomy.fusion import (
    FEATURES,
    PRIOR_COEF,
    ROUTES,
    FusionModel,
    RoutedFusion,
    load_fusion,
    prior_fusion,
)
from skills_taxonomy.lexicon import Lexicon, load_lexicon


def _ranking_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Queries of 20 candidates; the gold one is the highest on the first feature."""
    rng = np.random.default_rng(seed)
    X = rng.random((200 * 20, len(FEATURES)))
    y = np.zeros(len(X), bool)
    y[::20] = True
    X[y, 0] += 1.0
    return X, y, np.repeat(np.arange(200), 20)


def test_fusion_follows_sklearn_conventions() -> None:
    model = FusionModel(C=0.5)
    assert model.C == 0.5  # __init__ only stores parameters
    with pytest.raises(NotFittedError):
        model.score(np.zeros((1, len(FEATURES))))
    X, y, groups = _ranking_data()
    assert model.fit(X, y, groups) is model
    assert model.coef_[0] > abs(model.coef_[1:]).max()  # it found the informative feature


def test_fitted_fusion_ranks_gold_first_and_round_trips() -> None:
    X, y, groups = _ranking_data()
    model = FusionModel().fit(X, y, groups)
    Xt, yt, gt = _ranking_data(seed=1)
    scores = model.score(Xt)
    assert ((scores >= 0.0) & (scores <= 1.0)).all()
    top = [np.argmax(model.rank_score(Xt[gt == g])) for g in range(200)]
    assert np.mean([yt[gt == g][t] for g, t in enumerate(top)]) > 0.95
    again = FusionModel.from_dict(model.to_dict())
    np.testing.assert_allclose(again.score(Xt), scores)


def test_artefact_of_another_feature_set_is_refused(tmp_path) -> None:
    X, y, groups = _ranking_data()
    routes = {route: FusionModel(features=features).fit(X, y, groups)
              for route, features in ROUTES.items()}
    path = tmp_path / "fusion.json"
    RoutedFusion(routes).save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NotFittedError, match="refit"):
        RoutedFusion.load(path)
    model = routes["en"].to_dict()
    model["coef"] = model["coef"][:-1]
    with pytest.raises(NotFittedError, match="refit"):
        FusionModel.from_dict(model)


def test_a_prior_pulls_the_fit_towards_it() -> None:
    """With C = 0 the prior's ranking stays as it is and only the calibration is fitted;
    with a larger C the data may move it."""
    X, y, groups = _ranking_data()
    kept = FusionModel(C=0.0, prior=PRIOR_COEF).fit(X, y, groups)
    prior = np.asarray(PRIOR_COEF)
    np.testing.assert_allclose(kept.coef_, prior * kept.coef_[0] / prior[0])
    moved = FusionModel(C=1.0, prior=PRIOR_COEF).fit(X, y, groups)
    share = [m.coef_[0] / np.abs(m.coef_).sum() for m in (kept, moved)]
    assert share[1] > share[0]  # the informative first feature gained weight


def test_routed_fusion_round_trips(tmp_path) -> None:
    X, y, groups = _ranking_data()
    routes = {route: FusionModel(features=features).fit(X, y, groups)
              for route, features in ROUTES.items()}
    ml = [FEATURES.index(f) for f in ("ml_sim", "ml_gap", "common")]
    assert routes["en"].coef_[ml].tolist() == [0.0] * 3  # no multilingual evidence there
    RoutedFusion(routes).save(tmp_path / "fusion.json", note="test")
    again = RoutedFusion.load(tmp_path / "fusion.json")
    for route in ROUTES:
        np.testing.assert_allclose(again[route].score(X[:50]), routes[route].score(X[:50]))
    with pytest.raises(NotFittedError, match="route"):
        RoutedFusion({"en": routes["en"]})


def test_shipped_artefacts_load_and_beat_or_keep_the_prior() -> None:
    for kind in ("skill", "occupation"):
        fusion = load_fusion(kind)
        for route in ROUTES:
            assert 0.0 < fusion[route].threshold_ < 1.0
    assert set(prior_fusion().routes) == set(ROUTES)


def test_lexicon_translates_words_and_compounds() -> None:
    lexicon = Lexicon({"alten": [("elderly", 0.5)], "pfleger": [("carer", 0.6)],
                       "koch": [("cook", 0.7)]})
    assert lexicon.translate("Koch") == "cook"
    assert lexicon.translate("Altenpfleger") == "elderly carer"
    assert lexicon.translate("Altenspfleger") == "elderly carer"  # linking s
    assert lexicon.translate("qwxz") is None


def test_shipped_lexicon_reads_foreign_titles() -> None:
    lexicon = load_lexicon()
    assert lexicon is not None
    assert "weld" in (lexicon.translate("Schweißer") or "")
    assert "electrician" in (lexicon.translate("Elektriker") or "")
