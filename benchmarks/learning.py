"""Learning from outcomes on simulated histories (`matcher.learning.simulator`): the learned
ranker's NDCG@10 against the hand-set weights by number of outcomes, and the calibration's
expected calibration error (ECE) with its reliability diagram.

Features: `synthetic` (seeded lists following the scorer's definitions, default) or `demo`
(the engine's own features of the demo data set's 200 candidates against its 1,000
vacancies, every kind, in a fresh embedded PostgreSQL; computed once and kept in
var/learning/demo_lists.npz). The lists are split once into a training and a test part
(whole lists); each is resampled into as many simulated people as needed (each with their
own motivation and noise).

For each number of outcomes n and each of `--repeats` seeds: a history is logged while the
training lists are shown by the hand-set weights (position-biased contact, the funnel);
its first n outcomes fit the ranker per kind (pointwise and pairwise logistic regression,
inverse propensity weighted; `training.fit_match_ranker.fit_all`), which is switched on per
kind only where it wins on held-out outcomes (cross-validation), and the calibration of
the weights then in use. Measured on the test lists, each pair's outcome drawn as if it
had been contacted: NDCG@10 (gain 1 interview, 3 placed) of the hand-set weights, the
learned ones, the weights in use after the switch, and the hidden truth's β (the ceiling
a linear model of the features can reach); ECE on a history logged on the test lists
(the contacted pairs, scored by the weights in use). Medians over the seeds; the least
difference in use − hand-set (never below 0 is the target).

    python -m benchmarks.learning [--features synthetic|demo] [--repeats 5] [--seed 0]
        [--out benchmarks/results/learning.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from matcher.domain import KINDS
from matcher.learning.calibration import STEPS, ScoreCalibration, from_artefact
from matcher.learning.features import MatchLists, lists_from_matcher, scores, synthetic_lists
from matcher.learning.metrics import expected_calibration_error, ndcg, reliability
from matcher.learning.outcomes import Outcomes, first, from_history
from matcher.learning.ranker import apply_ranker, fit_ranker
from matcher.learning.simulator import TRUE_BETA, Simulator
from matcher.match.scoring import WEIGHTS
from training.fit_match_ranker import calibration_on, steps_of

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEMO_LISTS = ROOT / "var" / "learning" / "demo_lists.npz"
SIZES = (100, 300, 1_000, 5_000, 20_000, 50_000)
TEST_LISTS = 4_000


def demo_lists() -> MatchLists:
    """The demo data set's lists, computed by the engine once and kept."""
    if DEMO_LISTS.exists():
        return MatchLists.load(DEMO_LISTS)
    from api.demo import load_demo
    from matcher.engine import Engine
    from matcher.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-learning-"))
    engine = Engine.start(Settings(data_dir=ROOT / "var" / "demo", pgdata=tmp / "pgdata"))
    try:
        load_demo(engine, say=lambda m: print(m, flush=True))
        with engine.connection() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
            lists = lists_from_matcher(conn, engine.matcher, ids)
    finally:
        engine.close()
    lists.save(DEMO_LISTS)
    return lists


def resample(lists: MatchLists, n_lists: int, seed: int) -> MatchLists:
    return lists.take_lists(np.random.default_rng(seed).integers(0, lists.n_lists, n_lists))


def worlds(features: str, seed: int) -> tuple[MatchLists, MatchLists]:
    """Training lists (enough for the largest history) and test lists."""
    need = int(max(SIZES) / 1.5)
    if features == "synthetic":
        return synthetic_lists(need, seed + 1), synthetic_lists(TEST_LISTS, 10_000)
    base = demo_lists()
    test_ids = np.random.default_rng(0).random(base.n_lists) < 0.3
    ids = np.arange(base.n_lists)
    return (resample(base.take_lists(ids[~test_ids]), need, seed + 1),
            resample(base.take_lists(ids[test_ids]), TEST_LISTS, 10_000))


def pooled_ece(calibration: ScoreCalibration, outcomes: Outcomes,
               weights: dict[str, dict[str, float]], step: str,
               ) -> tuple[float | None, list[dict[str, Any]], int]:
    """ECE over every kind's sure predictions, the reliability bins, how many not sure."""
    score = outcomes.scores(weights)
    p = [calibration.probability(KINDS[k], step, float(s))
         for k, s in zip(outcomes.kind, score, strict=True)]
    sure = np.array([v is not None for v in p], dtype=bool)
    probs = np.array([v for v in p if v is not None], dtype=float)
    happened = steps_of(outcomes)[step][sure]
    if not len(probs):
        return None, [], int((~sure).sum())
    return (round(expected_calibration_error(probs, happened), 4),
            reliability(probs, happened), int((~sure).sum()))


def one_run(train: MatchLists, test: MatchLists, gains: np.ndarray, seed: int,
            ) -> dict[int, dict[str, Any]]:
    """Every size for one seed: NDCG@10 on the test lists, switch decisions, ECE."""
    history = Simulator(train, seed=seed).history(WEIGHTS)
    test_sim = Simulator(test, seed=seed + 500)
    hand = ndcg(test.list_id, scores(test, WEIGHTS), gains)
    out: dict[int, dict[str, Any]] = {}
    for n in SIZES:
        outcomes = from_history(train, first(history, n))
        started = time.perf_counter()
        ranker = fit_ranker(outcomes, WEIGHTS, seed=seed)
        fit_s = time.perf_counter() - started
        pairwise = fit_ranker(outcomes, WEIGHTS, pairwise=True, seed=seed)
        in_use, ranked_by, _ = apply_ranker(WEIGHTS, ranker)
        row: dict[str, Any] = {"hand_set": hand, "fit_seconds": fit_s, "switched_on": [
            kind for kind in KINDS if ranked_by[kind] != "hand-set weights"]}
        for name, art in (("learned", ranker), ("learned_pairwise", pairwise)):
            learned = {k: art["kinds"][k]["weights"] or WEIGHTS[k] for k in KINDS}
            row[name] = ndcg(test.list_id, scores(test, learned), gains)
        row["in_use"] = ndcg(test.list_id, scores(test, in_use), gains)
        calibration = from_artefact(calibration_on(outcomes, in_use, ranked_by))
        held_out = from_history(test, test_sim.history(in_use))
        for step in STEPS:
            ece, bins, not_sure = pooled_ece(calibration, held_out, in_use, step)
            row[f"ece_{step}"], row[f"reliability_{step}"] = ece, bins
            row[f"not_sure_{step}"] = not_sure
        row["held_out_outcomes"] = len(held_out)
        out[n] = row
    return out


def median(values: list[Any]) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(statistics.median(values)), 4) if values else None


def summarise(runs: list[dict[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    curve = []
    for n in SIZES:
        rows = [run[n] for run in runs]
        hand = median([r["hand_set"] for r in rows])
        entry: dict[str, Any] = {"outcomes": n, "ndcg10_hand_set": hand}
        for name in ("learned", "learned_pairwise", "in_use"):
            entry[f"ndcg10_{name}"] = median([r[name] for r in rows])
            entry[f"gain_{name}"] = median([r[name] - r["hand_set"] for r in rows])
        entry["least_gain_in_use"] = round(min(r["in_use"] - r["hand_set"] for r in rows), 4)
        entry["switched_on"] = {kind: sum(kind in r["switched_on"] for r in rows)
                                for kind in KINDS}
        entry["fit_seconds"] = median([r["fit_seconds"] for r in rows])
        for step in STEPS:
            entry[f"ece_{step}"] = median([r[f"ece_{step}"] for r in rows])
            entry[f"not_sure_{step}"] = median([r[f"not_sure_{step}"] for r in rows])
        entry["held_out_outcomes"] = median([r["held_out_outcomes"] for r in rows])
        curve.append(entry)
    return curve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", choices=("synthetic", "demo"), default="synthetic")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "learning.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    runs, truth = [], []
    for r in range(args.repeats):
        seed = args.seed + r
        train, test = worlds(args.features, seed)
        gains = Simulator(test, seed=seed + 1000).full_outcomes()
        truth.append(ndcg(test.list_id, scores(test, TRUE_BETA), gains)
                     - ndcg(test.list_id, scores(test, WEIGHTS), gains))
        runs.append(one_run(train, test, gains, seed))
        print(f"seed {seed}: {time.perf_counter() - started:.0f} s", flush=True)
    curve = summarise(runs)
    at = {row["outcomes"]: row for row in curve}
    report = {
        "command": "python -m benchmarks.learning " + " ".join(argv or []),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "features": args.features, "repeats": args.repeats, "test_lists": TEST_LISTS,
        "seconds": round(time.perf_counter() - started, 1),
        "truth_gain_ceiling": median(truth),
        "learning_curve": curve,
        "reliability_at_5000": {step: runs[0][5_000][f"reliability_{step}"] for step in STEPS},
        "reliability_at_50000": {step: runs[0][50_000][f"reliability_{step}"]
                                 for step in STEPS},
        "targets": {
            "ndcg_gain_at_5000": {"target": 0.05, "measured": at[5_000]["gain_learned"],
                                  "met": (at[5_000]["gain_learned"] or 0) >= 0.05},
            "never_worse_when_switched_on": {
                "least_gain_in_use": min(row["least_gain_in_use"] for row in curve),
                "met": all(row["least_gain_in_use"] >= 0 for row in curve)},
            "ece_at_5000": {"target": 0.05, "measured": at[5_000]["ece_interview"],
                            "met": (at[5_000]["ece_interview"] or 1) <= 0.05}},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    for row in curve:
        print(f"{row['outcomes']:>6} outcomes: NDCG@10 hand-set {row['ndcg10_hand_set']}, "
              f"learned {row['ndcg10_learned']} ({row['gain_learned']:+}), pairwise "
              f"{row['ndcg10_learned_pairwise']}, in use {row['ndcg10_in_use']} (least "
              f"{row['least_gain_in_use']:+}), switched on {row['switched_on']}, ECE "
              f"interview {row['ece_interview']} placement {row['ece_placement']}")
    print(json.dumps(report["targets"]))


if __name__ == "__main__":
    main()
