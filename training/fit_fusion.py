"""Fit the fusion models that combine lexical and semantic evidence, one per route (text
in English; text in any other language), and save them as versioned artefacts in
`skills_taxonomy/artefacts/`.

Data, all from ../shared/data or written by this project, none of it held-back test data:
- skills, English route: the Decorte TECH and HOUSE *validation* splits, each sentence
  as `matcher eval skills` sees it (repaired, its language detected: the few that take the
  multilingual route are ranked by that route's model, and the English model is fitted on
  the others). They are also what we report on, so the script reports cross-fitted
  figures (fit on one set, measure on the other) beside the figures of the shipped model,
  which is fitted on both. Its ranking weights are fitted listwise, each sentence weighing
  alike (`training.listwise_fusion`).
- occupations, English route: the JobBERT title set (English vacancy titles → ESCO
  occupations), half for fitting, half held out. MELO sets are never used for fitting.
- multilingual route (both kinds): the project's multilingual development set
  (`training/data/multilingual_dev.csv`: statements in Arabic, Ukrainian, Russian,
  Turkish, Persian/Dari, Vietnamese and Chinese with their ESCO concepts), reported by
  5-fold cross-fitting; and the taxonomy's own non-English labels, lightly noised, as
  queries for their concept, so the fused score also means something where only lexical
  evidence speaks.

Run after `matcher taxonomy import` of the full ESCO data:
    python -m training.fit_fusion [--skills] [--occupations] [--keep-ml]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.evaluation import read_skill_set, read_statement_set, reciprocal_rank
from skills_taxonomy.fusion import (
    PRIOR_COEF,
    ROUTES,
    FusionModel,
    RoutedFusion,
    artefact_path,
    prior_fusion,
)
from skills_taxonomy.language import detect_language
from skills_taxonomy.linker import Linker
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.readable import check_text
from skills_taxonomy.text import fold
from training.listwise_fusion import LOSS, ListwiseFusion

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SKILL_SETS = {
    "tech": DATA / "eval/decorte/tech_validation_annotations.csv",
    "house": DATA / "eval/decorte/house_validation_annotations.csv",
}
JOBBERT = DATA / "eval/jobbert/titles.csv"
DEV_SET = ROOT / "training" / "data" / "multilingual_dev.csv"
DEPTH = 300  # candidates per query kept for fitting (the linker's whole shortlist)
# How far the ranking weights may move from the hand-set prior (0: not at all, only the
# calibration is fitted); chosen per route and kind by held-out (cross-fitted) MRR.
C_GRID = (0.0, 0.0003, 0.001, 0.003, 0.01, 0.03)
# The listwise loss has one term per gold candidate, not one per (gold, other) pair, so
# the same pull towards the prior needs a larger C.
LISTWISE_C_GRID = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
Groups = list[tuple[np.ndarray, np.ndarray]]


def _features(linker: Linker, texts: list[str], gold: list[set[str]],
              langs: list[str | None] | None = None) -> Groups:
    """Per query: the candidates' feature rows and whether each candidate is gold."""
    out = []
    for cands, wanted in zip(linker.rank(texts, top_k=DEPTH, langs=langs), gold, strict=True):
        X = np.array([c.features for c in cands], dtype=np.float32)
        y = np.array([linker.index.uris[c.concept] in wanted for c in cands])
        out.append((X, y))
    return out


def _rr(model: FusionModel, groups: Groups) -> list[float]:
    rr = []
    for X, y in groups:
        order = np.argsort(-model.rank_score(X), kind="stable")
        ranked = [str(i) for i in order]
        rr.append(reciprocal_rank(ranked, {str(i) for i in np.flatnonzero(y)}))
    return rr


def _mrr(model: FusionModel, groups: Groups) -> float:
    rr = _rr(model, groups)
    return float(np.mean(rr)) if rr else 0.0


def _stack(groups: Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    ids = np.concatenate([np.full(len(g[1]), i) for i, g in enumerate(groups)])
    return X, y, ids


def _fit(groups: Groups, C: float, multilingual: Groups, route: str,
         listwise: bool = False) -> FusionModel:
    """The route's ranking model on `groups`; the lexical confidence model on both, and
    the abstention threshold on both."""
    kind = ListwiseFusion if listwise else FusionModel
    model = kind(C=C, features=ROUTES[route], prior=PRIOR_COEF).fit(
        *_stack(groups), extra_lexical=_stack(multilingual))
    model.threshold_ = _threshold(model, groups + multilingual)
    return model


def _threshold(model: FusionModel, groups: Groups) -> float:
    """The score above which a top candidate is more often right than wrong: the F1-best
    cut over each query's best candidate."""
    best = [(float(model.score(X)[top]), bool(y[top]))
            for X, y in groups if len(X) for top in [int(np.argmax(model.rank_score(X)))]]
    best.sort(reverse=True)
    total_right = sum(r for _, r in best)
    f1_best, cut, right = 0.0, 0.5, 0
    for k, (score, correct) in enumerate(best, start=1):
        right += correct
        precision, recall = right / k, right / max(total_right, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        if f1 > f1_best:
            f1_best, cut = f1, score
    return round(cut, 4)


def _gold_uris(normalizer: Normalizer, labels: list[str]) -> set[str]:
    index = normalizer.linkers[ConceptKind.SKILL].index
    lookup = {p.casefold(): u for p, u in zip(index.preferred, index.uris, strict=True)}
    return {lookup.get(lb.casefold(), f"unmapped:{lb}") for lb in labels}


def _noisy(text: str, rng: random.Random) -> str:
    """What people type: the label as is, without case and accents, or with a typo."""
    roll = rng.random()
    if roll < 0.4:
        return text
    if roll < 0.7:
        return fold(text)
    i = rng.randrange(len(text))
    return text[:i] + text[i + 1:] if len(text) > 4 else text


def multilingual_queries(normalizer: Normalizer, kind: ConceptKind, n: int, seed: int,
                         ) -> tuple[list[str], list[set[str]], list[str | None]]:
    """Labels in the taxonomy's languages other than English, lightly noised, as queries
    for their own concept: they teach the fusion what lexical evidence is worth where the
    English encoder cannot read the text."""
    rng = random.Random(seed)
    index = normalizer.linkers[kind].index
    rows = [i for i, lang in enumerate(index.entry_lang)
            if lang != "en" and not lang.endswith("-Latn")]
    picked = rng.sample(rows, min(n, len(rows)))
    texts = [_noisy(index.entry_text[i], rng) for i in picked]
    return (texts, [{index.uris[index.entry_concept[i]]} for i in picked],
            [index.entry_lang[i] for i in picked])


def _dev_groups(normalizer: Normalizer, kind: ConceptKind,
                ) -> tuple[Groups, list[str], Groups]:
    """The development set's statements of this kind as feature groups, the language is
    detected as in use: those that take the multilingual route with their languages, and
    those that take the English route (English titles)."""
    rows = [q for q in read_statement_set(DEV_SET) if q.kind == kind.value]
    linker = normalizer.linkers[kind]
    routes = [linker.route(detect_language(q.text), q.text) for q in rows]
    groups = _features(linker, [q.text for q in rows], [q.gold for q in rows])
    multilingual = [(g, q.lang) for g, q, r in zip(groups, rows, routes, strict=True)
                    if r == "ml"]
    english = [g for g, r in zip(groups, routes, strict=True) if r == "en"]
    return [g for g, _ in multilingual], [lang for _, lang in multilingual], english


def _cross_fitted_ml(dev: Groups, langs: list[str], C: float, extra: Groups,
                     seed: int) -> dict[str, float]:
    """5-fold cross-fitting on the development set: MRR per language of models that never
    saw the statement they rank."""
    rr: dict[str, list[float]] = {}
    folds = KFold(5, shuffle=True, random_state=seed).split(np.arange(len(dev)))
    for fit_idx, test_idx in folds:
        model = _fit([dev[i] for i in fit_idx] + extra, C, extra, "ml")
        for i in test_idx:
            mrr = _mrr(model, [dev[i]])
            for lang in (langs[i], "all"):
                rr.setdefault(lang, []).append(mrr)
    return {lang: round(float(np.mean(v)), 4) for lang, v in sorted(rr.items())}


def _fit_multilingual(dev: Groups, langs: list[str], extra: Groups, seed: int,
                      ) -> tuple[FusionModel, dict[str, object]]:
    """The multilingual route's model, with C chosen by cross-fitted MRR on the
    development set (every language weighs alike), and the figures behind the choice."""
    grid = {C: _cross_fitted_ml(dev, langs, C, extra, seed) for C in C_GRID}
    best = max(C_GRID, key=lambda C: grid[C]["all"])
    model = _fit(dev + extra, best, extra, "ml")
    return model, {"C_grid_dev_cross_fitted_mrr": {str(C): v["all"] for C, v in grid.items()},
                   "C": best, "dev_cross_fitted_mrr": grid[best],
                   "dev_prior_mrr": round(_mrr(prior_fusion()["ml"], dev), 4),
                   "dev_in_sample_mrr": round(_mrr(model, dev), 4),
                   "dev_statements": len(dev)}


def _skill_set(normalizer: Normalizer, path: Path) -> tuple[Groups, Groups]:
    """A Decorte set as `matcher eval skills` sees it, each sentence repaired and its
    language detected: the groups of the sentences that take the English route, and of
    those that take the multilingual one ("java reactjs web-services")."""
    linker = normalizer.linkers[ConceptKind.SKILL]
    queries = read_skill_set(path)
    texts = [check_text(q.sentence) for q in queries]
    groups = _features(linker, texts, [_gold_uris(normalizer, q.gold_labels)
                                       for q in queries])
    routes = [linker.route(detect_language(t), t) for t in texts]
    return ([g for g, r in zip(groups, routes, strict=True) if r == "en"],
            [g for g, r in zip(groups, routes, strict=True) if r == "ml"])


def _fit_english_skills(sets: dict[str, tuple[Groups, Groups]], multi: Groups,
                        multilingual: FusionModel) -> tuple[FusionModel, dict]:
    """The English route's skill model, fitted listwise with C chosen by cross-fitting,
    and the figures behind the choice, each measured as `matcher eval skills` does."""

    def mrr(model: FusionModel, name: str) -> float:
        english, other = sets[name]
        return round(float(np.mean(_rr(model, english) + _rr(multilingual, other))), 4)

    cross = {C: {"tech (fit on house)": mrr(_fit(sets["house"][0], C, multi, "en", True),
                                            "tech"),
                 "house (fit on tech)": mrr(_fit(sets["tech"][0], C, multi, "en", True),
                                            "house")}
             for C in LISTWISE_C_GRID}
    # the target is stated per set, so the C whose worse cross-fitted set is best
    best = max(LISTWISE_C_GRID, key=lambda C: min(cross[C].values()))
    english = _fit(sets["tech"][0] + sets["house"][0], best, multi, "en", listwise=True)
    return english, {
        "prior": {n: mrr(prior_fusion()["en"], n) for n in sets},
        "ranking_loss": LOSS,
        "sentences_on_ml_route": {n: len(s[1]) for n, s in sets.items()},
        "C_grid_cross_fitted": {str(C): v for C, v in cross.items()}, "C": best,
        "C_rule": "best worse-of-the-two cross-fitted MRR", "cross_fitted": cross[best],
        "fitted_on_both": {n: mrr(english, n) for n in sets}}


def fit_skills(normalizer: Normalizer, sample: int, seed: int,
               kept: tuple[FusionModel, dict] | None = None) -> tuple[RoutedFusion, dict]:
    """Both routes' skill models (only the English one with `kept`: the multilingual
    model and its figures as shipped), and the figures behind every choice."""
    linker = normalizer.linkers[ConceptKind.SKILL]
    sets = {name: _skill_set(normalizer, path) for name, path in SKILL_SETS.items()}
    multi = _features(linker, *multilingual_queries(normalizer, ConceptKind.SKILL, sample,
                                                    seed))
    if kept is None:
        dev, langs, _ = _dev_groups(normalizer, ConceptKind.SKILL)
        kept = _fit_multilingual(dev, langs, multi, seed)
    multilingual, ml_report = kept
    english, report = _fit_english_skills(sets, multi, multilingual)
    report["multilingual"] = ml_report
    report["trained_on"] = {"en": [str(p.relative_to(DATA)) for p in SKILL_SETS.values()],
                            "ml": [str(DEV_SET.relative_to(ROOT)),
                                   f"{len(multi)} noised non-English skill labels"]}
    return RoutedFusion({"en": english, "ml": multilingual}), report


def _shipped_multilingual_skills() -> tuple[FusionModel, dict]:
    """The shipped skill artefact's multilingual model and the figures behind it, with
    when and on which taxonomy it was fitted."""
    path = artefact_path("skill")
    shipped = json.loads(path.read_text(encoding="utf-8"))
    report = shipped["report"]["multilingual"]
    report.setdefault("kept_from", {"fitted": shipped["fitted"],
                                    "taxonomy": shipped["taxonomy"]})
    return RoutedFusion.load(path)["ml"], report


def fit_occupations(normalizer: Normalizer, sample: int, seed: int,
                    ) -> tuple[RoutedFusion, dict]:
    """Both routes' occupation models, and the figures behind every choice."""
    linker = normalizer.linkers[ConceptKind.OCCUPATION]
    with JOBBERT.open(encoding="utf-8", newline="") as handle:
        rows = [(r["vacancyTitle"], r["conceptUri"]) for r in csv.DictReader(handle)
                if r["conceptUri"] in normalizer.taxonomy.concepts]
    random.Random(seed).shuffle(rows)
    half = sample // 2
    fit_rows, check_rows = rows[:half], rows[half:sample]
    dev, langs, dev_english = _dev_groups(normalizer, ConceptKind.OCCUPATION)
    # English qualification titles of the development set join the JobBERT titles
    fit_groups = _features(linker, [t for t, _ in fit_rows], [{u} for _, u in fit_rows],
                           ["en"] * len(fit_rows)) + dev_english
    multi = _features(linker, *multilingual_queries(normalizer, ConceptKind.OCCUPATION, half,
                                                    seed))
    check_groups = _features(linker, [t for t, _ in check_rows], [{u} for _, u in check_rows],
                             ["en"] * len(check_rows))
    heldout = {C: round(_mrr(_fit(fit_groups, C, multi, "en"), check_groups), 4)
               for C in C_GRID}
    best = max(C_GRID, key=lambda C: heldout[C])
    english = _fit(fit_groups, best, multi, "en")
    # occupation titles come in every language (MELO): the multilingual model learns from
    # the development set's statements and the taxonomy's non-English labels
    multilingual, ml_report = _fit_multilingual(dev, langs, multi, seed)
    report = {
        "prior_mrr_heldout": round(_mrr(prior_fusion()["en"], check_groups), 4),
        "C_grid_mrr_heldout": {str(C): v for C, v in heldout.items()}, "C": best,
        "fitted_mrr_heldout": heldout[best],
        "fit_titles": len(fit_rows), "dev_english_titles": len(dev_english),
        "heldout_titles": len(check_rows),
        "multilingual": ml_report,
        "trained_on": {"en": [str(JOBBERT.relative_to(DATA)),
                              f"{len(multi)} noised non-English occupation labels"],
                       "ml": [str(DEV_SET.relative_to(ROOT)),
                              f"{len(multi)} noised non-English occupation labels"]},
    }
    return RoutedFusion({"en": english, "ml": multilingual}), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skills", action="store_true")
    parser.add_argument("--occupations", action="store_true")
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-ml", action="store_true",
                        help="skills: keep the shipped multilingual route as it is and "
                             "refit only the English one")
    args = parser.parse_args()
    both = not (args.skills or args.occupations)
    settings = Settings()
    normalizer = load_normalizer(settings, fusion={"skill": prior_fusion(),
                                                   "occupation": prior_fusion()})
    report: dict[str, dict] = {}
    for kind, wanted, sample in (("skill", args.skills, args.sample // 2),
                                 ("occupation", args.occupations, args.sample)):
        if wanted or both:
            if kind == "skill":
                kept = _shipped_multilingual_skills() if args.keep_ml else None
                fitted, report[kind] = fit_skills(normalizer, sample, args.seed, kept)
            else:
                fitted, report[kind] = fit_occupations(normalizer, sample, args.seed)
            fitted.save(artefact_path(kind), taxonomy=normalizer.version,
                        encoders=[normalizer.encoder.name, normalizer.multilingual.name
                                  if normalizer.multilingual else None],
                        fitted=str(dt.date.today()), report=report[kind])
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
