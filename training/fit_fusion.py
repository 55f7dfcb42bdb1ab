"""Fit the fusion models that combine lexical and semantic evidence, and save them as
versioned artefacts in `skills_taxonomy/artefacts/`.

Data, all from ../shared/data, none of it held-back test data:
- skills: the Decorte TECH and HOUSE *validation* splits. They are also what we report
  on, so the script reports cross-fitted figures (fit on one set, measure on the other)
  beside the figures of the shipped model, which is fitted on both.
- occupations: the JobBERT title set (English vacancy titles → ESCO occupations), ranked
  against the full ESCO occupation index. MELO sets are never used for fitting.
- both: the taxonomy's own non-English labels, lightly noised, as queries for their
  concept, so the fused score also means something for languages the encoder cannot read.

Run after `matcher taxonomy import` of the full ESCO data:
    python -m training.fit_fusion [--skills] [--occupations]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from pathlib import Path

import numpy as np

from matcher.engine import load_normalizer
from matcher.settings import Settings
from skills_taxonomy.evaluation import read_skill_set, reciprocal_rank
from skills_taxonomy.fusion import FusionModel, artefact_path, prior_fusion
from skills_taxonomy.linker import Linker
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.text import fold

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SKILL_SETS = {
    "tech": DATA / "eval/decorte/tech_validation_annotations.csv",
    "house": DATA / "eval/decorte/house_validation_annotations.csv",
}
JOBBERT = DATA / "eval/jobbert/titles.csv"
DEPTH = 300  # candidates per query kept for fitting (the linker's whole shortlist)


def _features(linker: Linker, texts: list[str], gold: list[set[str]],
              ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per query: the candidates' feature rows and whether each candidate is gold."""
    out = []
    for cands, wanted in zip(linker.rank(texts, top_k=DEPTH), gold, strict=True):
        X = np.array([c.features for c in cands], dtype=np.float32)
        y = np.array([linker.index.uris[c.concept] in wanted for c in cands])
        out.append((X, y))
    return out


def _mrr(model: FusionModel, groups: list[tuple[np.ndarray, np.ndarray]]) -> float:
    rr = []
    for X, y in groups:
        order = np.argsort(-model.rank_score(X), kind="stable")
        ranked = [str(i) for i in order]
        rr.append(reciprocal_rank(ranked, {str(i) for i in np.flatnonzero(y)}))
    return float(np.mean(rr))


def _stack(groups: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    X = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    ids = np.concatenate([np.full(len(g[1]), i) for i, g in enumerate(groups)])
    return X, y, ids


def _fit(groups: list[tuple[np.ndarray, np.ndarray]], C: float,
         multilingual: list[tuple[np.ndarray, np.ndarray]]) -> FusionModel:
    """The ranking model on `groups`; the lexical confidence model on both, and the
    abstention threshold on both."""
    model = FusionModel(C=C).fit(*_stack(groups), extra_lexical=_stack(multilingual))
    model.threshold_ = _threshold(model, groups + multilingual)
    return model


def _threshold(model: FusionModel, groups: list[tuple[np.ndarray, np.ndarray]]) -> float:
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
                         ) -> tuple[list[str], list[set[str]]]:
    """Labels in the taxonomy's languages other than English, lightly noised, as queries
    for their own concept: they teach the fusion what lexical evidence is worth where the
    English encoder cannot read the text."""
    rng = random.Random(seed)
    index = normalizer.linkers[kind].index
    rows = [i for i, lang in enumerate(index.entry_lang) if lang != "en"]
    picked = rng.sample(rows, min(n, len(rows)))
    texts = [_noisy(index.entry_text[i], rng) for i in picked]
    return texts, [{index.uris[index.entry_concept[i]]} for i in picked]


def fit_skills(normalizer: Normalizer, C: float, sample: int, seed: int) -> dict:
    linker = normalizer.linkers[ConceptKind.SKILL]
    groups = {}
    for name, path in SKILL_SETS.items():
        queries = read_skill_set(path)
        groups[name] = _features(linker, [q.sentence for q in queries],
                                 [_gold_uris(normalizer, q.gold_labels) for q in queries])
    groups["multilingual"] = _features(linker, *multilingual_queries(
        normalizer, ConceptKind.SKILL, sample, seed))
    report: dict = {"prior": {n: round(_mrr(prior_fusion(), g), 4) for n, g in groups.items()}}
    multi = groups["multilingual"]
    report["cross_fitted"] = {
        "tech (fit on house)": round(_mrr(_fit(groups["house"], C, multi), groups["tech"]), 4),
        "house (fit on tech)": round(_mrr(_fit(groups["tech"], C, multi), groups["house"]), 4),
    }
    model = _fit(groups["tech"] + groups["house"], C, multi)
    report["fitted_on_both"] = {n: round(_mrr(model, g), 4) for n, g in groups.items()}
    model.save(artefact_path("skill"), trained_on=[str(p.relative_to(DATA))
                                                     for p in SKILL_SETS.values()]
               + [f"{len(multi)} noised non-English skill labels of the taxonomy"],
               taxonomy=normalizer.version, fitted=str(dt.date.today()),
               report=report)
    return report


def fit_occupations(normalizer: Normalizer, C: float, sample: int, seed: int) -> dict:
    linker = normalizer.linkers[ConceptKind.OCCUPATION]
    with JOBBERT.open(encoding="utf-8", newline="") as handle:
        rows = [(r["vacancyTitle"], r["conceptUri"]) for r in csv.DictReader(handle)
                if r["conceptUri"] in normalizer.taxonomy.concepts]
    random.Random(seed).shuffle(rows)
    half = sample // 2
    fit_rows, check_rows = rows[:half], rows[half:sample]
    fit_groups = _features(linker, [t for t, _ in fit_rows], [{u} for _, u in fit_rows])
    multi = _features(linker, *multilingual_queries(normalizer, ConceptKind.OCCUPATION, half,
                                                    seed))
    check_groups = _features(linker, [t for t, _ in check_rows], [{u} for _, u in check_rows])
    # occupation titles come in every language (MELO): the ranking model learns from
    # both the English titles and the multilingual labels
    model = _fit(fit_groups + multi, C, multi)
    report = {
        "prior_mrr_heldout": round(_mrr(prior_fusion(), check_groups), 4),
        "fitted_mrr_heldout": round(_mrr(model, check_groups), 4),
        "fit_titles": len(fit_rows), "heldout_titles": len(check_rows),
    }
    model.save(artefact_path("occupation"),
               trained_on=[str(JOBBERT.relative_to(DATA)),
                           f"{half} noised non-English occupation labels of the taxonomy"],
               taxonomy=normalizer.version, fitted=str(dt.date.today()),
               report=report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skills", action="store_true")
    parser.add_argument("--occupations", action="store_true")
    parser.add_argument("--C", type=float, default=0.01)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    both = not (args.skills or args.occupations)
    settings = Settings()
    fusion = {"skill": prior_fusion(), "occupation": prior_fusion()}
    normalizer = load_normalizer(settings, fusion=fusion)
    report = {}
    if args.skills or both:
        report["skills"] = fit_skills(normalizer, args.C, args.sample // 2, args.seed)
    if args.occupations or both:
        report["occupations"] = fit_occupations(normalizer, args.C, args.sample, args.seed)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
