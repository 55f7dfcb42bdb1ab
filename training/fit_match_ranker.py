"""Fit the learned ranker and the score calibration from outcomes, and write both artefacts
the engine loads (`MATCHER_MATCH_RANKER`, `MATCHER_SCORE_CALIBRATION`).

Outcomes come from the database (`--outcomes db`: the `outcome` table with each pair's
score features as recorded; no rank is recorded, so no position-bias correction) or from
the simulator (`--outcomes simulated`: seeded synthetic lists, or the features of a file
`matcher.learning.features.MatchLists` saved, shown ranked by the hand-set weights; the
history can be written as JSON Lines, every record marked simulated).

The ranker per kind: fitted on all the outcomes, compared with the hand-set weights by
cross-validation over whole lists, used only where it wins (`matcher.learning.ranker`).
The calibration: fitted on the scores of the weights then in use, on 75 % of the lists;
its expected calibration error is measured on the other 25 %.

    python -m training.fit_match_ranker --outcomes simulated|db [--n 5000] [--seed 0]
        [--features PATH.npz] [--history PATH.jsonl] [--pairwise]
        [--ranker var/learning/match_ranker.json]
        [--calibration var/learning/score_calibration.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from matcher.domain import KINDS
from matcher.learning.calibration import (
    STEPS,
    ScoreCalibration,
    evaluate,
    fit_calibration,
    from_artefact,
    save_calibration,
)
from matcher.learning.features import MatchLists, synthetic_lists
from matcher.learning.outcomes import Outcomes, first, from_history, from_recorded
from matcher.learning.ranker import apply_ranker, fit_ranker, save_ranker
from matcher.learning.simulator import Simulator
from matcher.match.scoring import load_weights

RANKER = Path("var/learning/match_ranker.json")
CALIBRATION = Path("var/learning/score_calibration.json")


def steps_of(outcomes: Outcomes) -> dict[str, np.ndarray]:
    return {"interview": outcomes.interview, "placement": outcomes.placed}


def calibration_on(outcomes: Outcomes, weights: dict[str, dict[str, float]],
                   ranked_by: dict[str, str]) -> dict[str, Any]:
    """The calibration artefact fitted on these outcomes, scored by `weights`."""
    score = outcomes.scores(weights)
    mine = {kind: outcomes.kind == k for k, kind in enumerate(KINDS)}
    region = outcomes.region
    return fit_calibration({kind: score[m] for kind, m in mine.items()},
                           {kind: {s: v[m] for s, v in steps_of(outcomes).items()}
                            for kind, m in mine.items()}, weights, ranked_by,
                           outcomes.source,
                           None if region is None else {k: region[m] for k, m in mine.items()})


def calibration_report(calibration: ScoreCalibration, outcomes: Outcomes,
                       weights: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Per kind and step: ECE and reliability bins on (held-out) outcomes."""
    score = outcomes.scores(weights)
    return {kind: {step: evaluate(calibration, kind, step, score[outcomes.kind == k],
                                  steps_of(outcomes)[step][outcomes.kind == k])
                   for step in STEPS} for k, kind in enumerate(KINDS)}


def calibrate(outcomes: Outcomes, weights: dict[str, dict[str, float]],
              ranked_by: dict[str, str], seed: int = 0,
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The calibration artefact (fitted on 75 % of the lists) and, per kind and step, its
    ECE and reliability bins on the other 25 %."""
    fit_part, test_part = outcomes.split(0.25, seed)
    artefact = calibration_on(fit_part, weights, ranked_by)
    report = calibration_report(from_artefact(artefact), test_part, weights)
    artefact["held_out"] = {kind: {step: {"outcomes": r["outcomes"], "ece": r["ece"]}
                                   for step, r in by_step.items()}
                            for kind, by_step in report.items()}
    return artefact, report


def fit_all(outcomes: Outcomes, hand_set: dict[str, dict[str, float]],
            pairwise: bool = False, seed: int = 0) -> tuple[dict[str, Any], dict[str, Any],
                                                            dict[str, Any]]:
    """Ranker artefact, calibration artefact (of the weights then in use), and the
    calibration's held-out report."""
    ranker = fit_ranker(outcomes, hand_set, pairwise=pairwise, seed=seed)
    weights, ranked_by, _ = apply_ranker(hand_set, ranker)
    calibration, report = calibrate(outcomes, weights, ranked_by, seed)
    return ranker, calibration, report


def simulated(n: int, seed: int, features: Path | None,
              hand_set: dict[str, dict[str, float]]) -> tuple[MatchLists, Outcomes, Any]:
    """`n` simulated outcomes: lists (synthetic, or from a file) shown by the hand-set
    weights, the first n outcomes of the history."""
    lists = MatchLists.load(features) if features else synthetic_lists(max(n, 200), seed)
    history = first(Simulator(lists, seed=seed).history(hand_set), n)
    return lists, from_history(lists, history), history


def recorded() -> Outcomes:
    from matcher.settings import Settings
    from matcher.store.database import Database
    from matcher.store.outcomes import training_outcomes

    db = Database(Settings()).open()
    try:
        with db.connection() as conn:
            return from_recorded(training_outcomes(conn))
    finally:
        db.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", choices=("simulated", "db"), required=True)
    parser.add_argument("--n", type=int, default=5000, help="simulated outcomes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", type=Path, help="saved MatchLists (.npz) to simulate on")
    parser.add_argument("--history", type=Path, help="write the simulated history here")
    parser.add_argument("--pairwise", action="store_true", help="pairwise, not pointwise")
    parser.add_argument("--weights", type=Path, help="the hand-set weights (default: built-in)")
    parser.add_argument("--ranker", type=Path, default=RANKER)
    parser.add_argument("--calibration", type=Path, default=CALIBRATION)
    args = parser.parse_args(argv)
    hand_set = load_weights(args.weights)
    if args.outcomes == "simulated":
        lists, outcomes, history = simulated(args.n, args.seed, args.features, hand_set)
        if args.history:
            args.history.parent.mkdir(parents=True, exist_ok=True)
            args.history.write_text("".join(json.dumps(r) + "\n"
                                            for r in history.records(lists)), "utf-8")
    else:
        outcomes = recorded()
    if not len(outcomes):
        raise SystemExit("no outcomes to fit on")
    ranker, calibration, report = fit_all(outcomes, hand_set, args.pairwise, args.seed)
    save_ranker(ranker, args.ranker)
    save_calibration(calibration, args.calibration)
    print(f"outcomes: {len(outcomes)} ({outcomes.source}); ranker {ranker['version']} -> "
          f"{args.ranker}; calibration -> {args.calibration}")
    for kind, entry in ranker["kinds"].items():
        held = entry.get("held_out", {})
        print(f"{kind}: held-out NDCG@10 learned {held.get('ndcg10_learned')} vs hand-set "
              f"{held.get('ndcg10_hand_set')} over {held.get('lists', 0)} lists -> "
              f"{entry['decision']}")
        for step, r in report[kind].items():
            print(f"  {step}: ECE {r['ece']} on {r['outcomes']} held-out outcomes"
                  f" ({r['not_sure']} not sure)")


if __name__ == "__main__":
    main()
