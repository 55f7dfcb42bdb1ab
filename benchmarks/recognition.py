"""Recognition benchmark.

1. EQF level on the Europass table (../shared/data/recognition), on rows the estimator was
   not built on: a stratified 70/30 split (seed 0) and a leave-countries-out split (5
   folds grouped by country, so every test country is unseen). For each: the type rules
   alone (the keywords before the grammar, `benchmarks.eqf_levels.before_type`, +
   `estimate_level`), the text model (`EqfLevelEstimator`, fitted on
   the training rows plus the project's table), and the recogniser's whole chain (a
   table lookup in the training rows, then the rules, then the model) — accuracy,
   accuracy within one level, and how many rows each could answer.
2. Reference occupation for the project's labelled list of qualification titles in nine
   languages (benchmarks/data/qualification_titles.csv, never used for fitting or tuning):
   Acc@1, Acc@3 and MRR per language, on the starter taxonomy and, when one is imported
   (`make import-esco`), on the full ESCO taxonomy; there also for the development set's
   qualification mentions that name an occupation (training/data/qualification_mentions.csv,
   on which the recogniser's factors and the fields of study were chosen).

    python -m benchmarks.recognition [--out benchmarks/results/recognition.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedKFold, train_test_split

from benchmarks.eqf_levels import before_type
from matcher.concepts import Concepts
from matcher.recognition.eqf_table import EqfEntry, EqfTable, project_table, read_eqf_csv
from matcher.recognition.estimator import EqfLevelEstimator
from matcher.recognition.qualification_types import estimate_level
from matcher.recognition.recogniser import MODEL_FIRST, Recogniser, eqf_level
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import QualificationFields
from matcher.settings import Settings
from matcher.wiring import load_normalizer, make_encoder, make_multilingual
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.starter import load_starter

ROOT = Path(__file__).resolve().parents[1]
EUROPASS = ROOT.parent / "shared" / "data" / "recognition" / "europass_qualifications_eqf.csv"
TITLES = ROOT / "benchmarks" / "data" / "qualification_titles.csv"
DEV_MENTIONS = ROOT / "training" / "data" / "qualification_mentions.csv"
RESULTS = ROOT / "benchmarks" / "results"


def scores(pred: Sequence[int | None], gold: list[int]) -> dict[str, float]:
    answered = [(p, g) for p, g in zip(pred, gold, strict=True) if p is not None]
    n = len(gold)
    return {"n": n, "answered": len(answered),
            "accuracy": round(sum(p == g for p, g in answered) / n, 4),
            "within_one": round(sum(abs(p - g) <= 1 for p, g in answered) / n, 4),
            "accuracy_when_answered": round(
                sum(p == g for p, g in answered) / max(1, len(answered)), 4)}


THRESHOLDS = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)  # 1.01: the rules always go first


def chain(train: list[EqfEntry], test: list[EqfEntry], model_first: float,
          ) -> list[int | None]:
    """The recogniser's chain (`eqf_level`) with the training rows as its table."""
    fit_rows = train + project_table()
    model = EqfLevelEstimator().fit([e.qualification for e in fit_rows],
                                    [e.eqf_level for e in fit_rows])
    table = EqfTable(train)
    return [eqf_level(QualificationFields(title=e.qualification[:300], country=e.country),
                      table, model, model_first)["level"] for e in test]


def choose_threshold(train: list[EqfEntry]) -> float:
    """`model_first` by 4-fold cross-validation inside the training rows only."""
    levels = [e.eqf_level for e in train]
    folds = list(StratifiedKFold(4, shuffle=True, random_state=0).split(train, levels))
    best, best_acc = MODEL_FIRST, -1.0
    for t in THRESHOLDS:
        correct = 0
        for fit_idx, val_idx in folds:
            val = [train[i] for i in val_idx]
            pred = chain([train[i] for i in fit_idx], val, t)
            correct += sum(p == e.eqf_level for p, e in zip(pred, val, strict=True))
        if correct > best_acc:
            best, best_acc = t, correct
    return best


def evaluate_split(train: list[EqfEntry], test: list[EqfEntry]) -> dict[str, object]:
    gold = [e.eqf_level for e in test]
    rules: list[int | None] = []
    for e in test:
        qtype = before_type(e.qualification)
        found = estimate_level(qtype, None) if qtype else None
        rules.append(found[0] if found else None)
    fit_rows = train + project_table()
    model = EqfLevelEstimator().fit([e.qualification for e in fit_rows],
                                    [e.eqf_level for e in fit_rows])
    model_pred = [int(p) for p in model.predict([e.qualification for e in test])]
    chosen = choose_threshold(train)
    majority = int(np.bincount([e.eqf_level for e in train]).argmax())
    return {"majority_level": scores([majority] * len(test), gold),
            "type_rules": scores(rules, gold), "text_model": scores(model_pred, gold),
            "recogniser_chain": {**scores(chain(train, test, chosen), gold),
                                 "model_first_chosen_on_train": chosen},
            "recogniser_chain_shipped_threshold": scores(chain(train, test, MODEL_FIRST), gold)}


def eqf_benchmark() -> dict[str, object]:
    entries, report = read_eqf_csv(EUROPASS)
    levels = [e.eqf_level for e in entries]
    train, test = train_test_split(entries, test_size=0.3, random_state=0, stratify=levels)
    random_split = evaluate_split(train, test)
    groups = [e.country for e in entries]
    folds = []
    for train_idx, test_idx in GroupKFold(n_splits=5).split(entries, levels, groups):
        folds.append(evaluate_split([entries[i] for i in train_idx],
                                    [entries[i] for i in test_idx]))
    by_country = {method: {metric: round(float(np.mean([f[method][metric]  # type: ignore[index]
                                                        for f in folds])), 4)
                           for metric in ("accuracy", "within_one", "accuracy_when_answered")}
                  for method in folds[0]}
    return {"rows": report.rows, "skipped_without_level": report.skipped_without_level,
            "stratified_70_30": random_split, "leave_countries_out_5_folds": by_country}


def read_titles(path: Path = TITLES) -> list[dict[str, str]]:
    """Rows with title, lang, country and occupation_id: the held-out titles as they are,
    the development mentions that name an occupation with their columns renamed."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if path != DEV_MENTIONS:
        return rows
    return [{"title": r["mention"], "lang": r["lang"], "country": r["country"],
             "occupation_id": r["occupation_uri"]} for r in rows if r["occupation_uri"]]


def occupation_benchmark(normalizer: Normalizer, rows: list[dict[str, str]] | None = None,
                         ) -> dict[str, object]:
    """The recogniser's ranking (title, its core and its fields of study, weighed by the
    title's EQF level) against linking the bare title, on the same rows; plus how often
    the recogniser names an occupation, and how often the one it names is right. The
    language of each title is detected, as in use."""
    recogniser = Recogniser(Concepts(normalizer), EqfTable(project_table()),
                            RegulationProfile("DE"))
    rows = read_titles() if rows is None else rows
    out: dict[str, object] = {}
    for method in ("bare_title", "recogniser"):
        stats: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if method == "bare_title":
                ranked = [(m.concept, m.score) for m in normalizer.link_occupations(
                    row["title"], top_k=10, abstain=False)]
            else:  # as `Recogniser.recognise` does: weighed by the title's EQF level
                level = recogniser.eqf(QualificationFields(
                    title=row["title"], country=row["country"] or None))["level"]
                ranked = recogniser.occupations(row["title"], None, top_k=10, level=level)
            ids = [uri for uri, _ in ranked]
            gold = row["occupation_id"]
            rank = ids.index(gold) + 1 if gold in ids else 0
            named = recogniser.certainty(ranked, row["title"]) is not None
            for lang in (row["lang"], "all"):
                s = stats[lang]
                s["mrr"].append(1 / rank if rank else 0.0)
                s["acc@1"].append(float(rank == 1))
                s["acc@3"].append(float(0 < rank <= 3))
                s["named"].append(float(named))
                if named:
                    s["named_correct"].append(float(rank == 1))
        out[method] = {lang: {"n": len(s["mrr"]), **{k: round(float(np.mean(v)), 4)
                                                     for k, v in s.items() if v}}
                       for lang, s in sorted(stats.items())}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "recognition.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    settings = Settings()
    starter = Normalizer(load_starter(), make_encoder(settings), ROOT / "var" / "test-cache",
                         multilingual=make_multilingual(settings))
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "eqf_level": eqf_benchmark(),
        "reference_occupation": occupation_benchmark(starter)}
    if settings.taxonomy_path.exists():  # the full ESCO taxonomy, imported
        full = load_normalizer(settings, encoder=starter.encoder,
                               multilingual=starter.multilingual)
        results["reference_occupation_full_esco"] = occupation_benchmark(full)
        results["reference_occupation_dev_mentions_full_esco"] = occupation_benchmark(
            full, read_titles(DEV_MENTIONS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
