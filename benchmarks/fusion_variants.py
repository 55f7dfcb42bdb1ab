"""Ways to fit the English skill route's fusion, side by side on the Decorte validation
sets (issue 11: MRR not below 0.671 / 0.607): for each, the C chosen by cross-fitting, the
in-sample figures of the model fitted on both sets and the cross-fitted ones (fit on one
set, measure on the other), MRR, RP@5 and RP@10, each measured as `matcher eval skills`
measures (sentences the multilingual route takes are ranked by the shipped `ml` model).
Nothing is written but `benchmarks/results/fusion_variants.json`.

    MATCHER_DATA_DIR=benchmarks/results/data python -m benchmarks.fusion_variants
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.evaluation import read_skill_set
from skills_taxonomy.fusion import PRIOR_COEF, ROUTES, FusionModel, load_fusion, prior_fusion
from skills_taxonomy.model import ConceptKind
from training import fit_fusion as ff
from training.listwise_fusion import ListwiseFusion, query_lists

RESULTS = Path(__file__).parent / "results" / "fusion_variants.json"
Groups = ff.Groups
Factory = Callable[[float], FusionModel]


class PairwisePerQuery(ListwiseFusion):
    """The pairwise loss, but each query weighing alike (its gold candidates share it)."""

    def _fit_one(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray, mask: np.ndarray,
                 prior: np.ndarray | None) -> tuple[np.ndarray, float]:
        if prior is None or self.C == 0:
            return FusionModel._fit_one(self, X, y, groups, mask, prior)
        scale = np.maximum(X[:, mask].std(axis=0), 1e-3)
        gold, others, present, weight = query_lists(X[:, mask] / scale, y, groups,
                                                    self.max_negatives)
        direction, C = np.asarray(prior, np.float64)[mask] * scale, self.C

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            beta = params[0] * direction + params[1:]
            margin = (gold @ beta)[:, None] - others @ beta
            w = present * weight[:, None]
            slope = -C * w / (1.0 + np.exp(margin))
            grad = np.einsum("nk,nkd->d", slope, gold[:, None, :] - others)
            value = C * float((w * np.logaddexp(0.0, -margin)).sum())
            return value + 0.5 * params[1:] @ params[1:], np.r_[grad @ direction,
                                                                grad + params[1:]]

        found = minimize(loss, np.r_[1.0, np.zeros(len(direction))], jac=True,
                         method="L-BFGS-B", bounds=[(0.0, None)] + [(None, None)] * len(direction))
        weights = np.zeros(X.shape[1])
        weights[mask] = (found.x[0] * direction + found.x[1:]) / scale
        return FusionModel(C=0.0)._fit_one(X, y, groups, mask, weights)


def _pairwise(C: float, cap: int = 300) -> FusionModel:
    return FusionModel(C=C, max_negatives=cap, features=ROUTES["en"], prior=PRIOR_COEF)


def _kind(cls: type[FusionModel], cap: int = 300) -> Factory:
    return lambda C: cls(C=C, max_negatives=cap, features=ROUTES["en"], prior=PRIOR_COEF)


LISTWISE_GRID = ff.LISTWISE_C_GRID
PAIRWISE_GRID = ff.C_GRID
# name: (fit on raw text with every sentence on the English route, as before?, C grid,
# the model for a C, how C is chosen)
VARIANTS: dict[str, tuple[bool, tuple[float, ...], Factory, str]] = {
    "before: pairwise, raw text, C by mean": (True, PAIRWISE_GRID, _pairwise, "mean"),
    "pairwise, text as in use, C by mean": (False, PAIRWISE_GRID, _pairwise, "mean"),
    "pairwise, 50 hardest others, C by mean": (False, PAIRWISE_GRID,
                                               lambda C: _pairwise(C, 50), "mean"),
    "pairwise per query, C by worse": (False, PAIRWISE_GRID, _kind(PairwisePerQuery),
                                       "worse"),
    "pairwise per query, 50 hardest others, C by worse": (
        False, PAIRWISE_GRID, _kind(PairwisePerQuery, 50), "worse"),
    "listwise per query, C by mean": (False, LISTWISE_GRID, _kind(ListwiseFusion), "mean"),
    "listwise per query, C by worse (shipped)": (False, LISTWISE_GRID,
                                                 _kind(ListwiseFusion), "worse"),
}


def _figures(model: FusionModel, ml: FusionModel, sets: dict, name: str) -> list[float]:
    """MRR, RP@5, RP@10 of one set, as `matcher eval skills` computes them."""
    english, other, sizes = sets[name]
    rr, rp5, rp10 = [], [], []
    for groups, scorer, n_gold in ((english, model, sizes[0]), (other, ml, sizes[1])):
        for (X, y), n in zip(groups, n_gold, strict=True):
            hits = y[np.argsort(-scorer.rank_score(X), kind="stable")[:100]]
            first = np.flatnonzero(hits)
            rr.append(1.0 / (first[0] + 1) if len(first) else 0.0)
            rp5.append(hits[:5].sum() / min(5, n))
            rp10.append(hits[:10].sum() / min(10, n))
    return [round(float(np.mean(v)), 4) for v in (rr, rp5, rp10)]


def _sets(normalizer: ff.Normalizer) -> tuple[dict, dict]:
    """Per set, as in use (English-route groups, ml-route groups, gold counts of each)
    and raw (every sentence on the English route, as fit_fusion did before)."""
    linker = normalizer.linkers[ConceptKind.SKILL]
    in_use, raw = {}, {}
    for name, path in ff.SKILL_SETS.items():
        queries = read_skill_set(path)
        english, other = ff._skill_set(normalizer, path)
        gold = [len(ff._gold_uris(normalizer, q.gold_labels)) for q in queries]
        texts = [ff.check_text(q.sentence) for q in queries]
        routes = [linker.route(ff.detect_language(t), t) for t in texts]
        sizes = ([g for g, r in zip(gold, routes, strict=True) if r == "en"],
                 [g for g, r in zip(gold, routes, strict=True) if r == "ml"])
        in_use[name] = (english, other, sizes)
        raw[name] = ff._features(linker, [q.sentence for q in queries],
                                 [ff._gold_uris(normalizer, q.gold_labels) for q in queries],
                                 ["en"] * len(queries))
    return in_use, raw


def _choose(cross: dict[float, dict[str, list[float]]], grid: tuple[float, ...],
            rule: str) -> float:
    """The C of the best mean cross-fitted MRR, or of the best worse of the two."""
    def merit(C: float) -> float:
        mrr = (cross[C]["tech"][0], cross[C]["house"][0])
        return min(mrr) if rule == "worse" else sum(mrr)
    return max(grid, key=merit)


def main() -> None:
    normalizer = load_normalizer(Settings(), fusion={"skill": prior_fusion(),
                                                     "occupation": prior_fusion()})
    ml = load_fusion("skill")["ml"]
    sets, raw = _sets(normalizer)
    multi = ff._features(normalizer.linkers[ConceptKind.SKILL], *ff.multilingual_queries(
        normalizer, ConceptKind.SKILL, 1500, 13))
    prior = prior_fusion()["en"]
    results: dict[str, dict] = {"prior (C = 0)": {
        n: {"in_sample": _figures(prior, ml, sets, n)} for n in sets}}
    for name, (use_raw, grid, make, rule) in VARIANTS.items():
        data = {n: raw[n] if use_raw else sets[n][0] for n in sets}

        def fitted(groups: Groups, C: float, make: Factory = make) -> FusionModel:
            return make(C).fit(*ff._stack(groups), extra_lexical=ff._stack(multi))

        cross = {C: {"tech": _figures(fitted(data["house"], C), ml, sets, "tech"),
                     "house": _figures(fitted(data["tech"], C), ml, sets, "house")}
                 for C in grid}
        best = _choose(cross, grid, rule)
        both = fitted(data["tech"] + data["house"], best)
        results[name] = {"C": best, **{n: {"in_sample": _figures(both, ml, sets, n),
                                           "cross_fitted": cross[best][n]} for n in sets}}
        print(name, json.dumps(results[name]), flush=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
