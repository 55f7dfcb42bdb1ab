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
from training.listwise_fusion import ListwiseFusion


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


def _mixed_queries(seed: int, many: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """200 queries of one gold candidate among 20, told by the first feature, and `many`
    queries of 15 gold candidates among 40, told by the second (and against the first):
    the many-gold queries hold most of the (gold, other) pairs."""
    rng = np.random.default_rng(seed)
    blocks, golds, ids = [], [], []
    for q in range(200 + many):
        single = q < 200
        size, n_gold = (20, 1) if single else (40, 15)
        X = rng.random((size, len(FEATURES)))
        y = np.arange(size) < n_gold
        if single:
            X[y, 0] += 0.6
        else:
            X[y, 1] += 0.6
            X[y, 0] -= 0.6
        blocks.append(X)
        golds.append(y)
        ids.append(np.full(size, q))
    return np.vstack(blocks), np.concatenate(golds), np.concatenate(ids)


def test_listwise_fit_weighs_each_query_alike() -> None:
    """Pairwise, the 30 many-gold queries outweigh the 200 single-gold ones; listwise,
    each query counts once, so the single-gold queries' evidence leads the ranking."""
    X, y, groups = _mixed_queries(seed=0, many=30)
    pairwise = FusionModel(C=10.0, prior=PRIOR_COEF).fit(X, y, groups)
    listwise = ListwiseFusion(C=10.0, prior=PRIOR_COEF).fit(X, y, groups)
    assert pairwise.coef_[1] > pairwise.coef_[0]
    assert listwise.coef_[0] > listwise.coef_[1]
    Xt, yt, gt = _mixed_queries(seed=1, many=0)

    def top1(model: FusionModel) -> float:
        return float(np.mean([yt[gt == g][np.argmax(model.rank_score(Xt[gt == g]))]
                              for g in range(200)]))

    assert top1(listwise) > top1(pairwise) + 0.2


def test_listwise_fit_is_an_ordinary_artefact() -> None:
    """Only fitting differs: the artefact loads as a FusionModel and scores the same; the
    lexical confidence model is the pairwise one; C = 0 keeps the prior's ranking."""
    X, y, groups = _ranking_data()
    listwise = ListwiseFusion(C=1.0, prior=PRIOR_COEF).fit(X, y, groups)
    again = FusionModel.from_dict(json.loads(json.dumps(listwise.to_dict())))
    assert type(again) is FusionModel
    np.testing.assert_allclose(again.score(X[:50]), listwise.score(X[:50]))
    pairwise = FusionModel(C=1.0, prior=PRIOR_COEF).fit(X, y, groups)
    np.testing.assert_allclose(listwise.lexical_coef_, pairwise.lexical_coef_)
    kept = ListwiseFusion(C=0.0, prior=PRIOR_COEF).fit(X, y, groups)
    prior = np.asarray(PRIOR_COEF)
    np.testing.assert_allclose(kept.coef_, prior * kept.coef_[0] / prior[0])
