"""The match score as a probability: of the next step (an interview, the place) for a
contacted candidate, per kind of vacancy, by isotonic regression of outcomes on the
score (monotone: a higher score never means a lower chance). Fitted on the scores of the
weights that rank the kind (the artefact records them; a kind scored by other weights is
not sure), saved as JSON (`FORMAT`), and phrased for people by `chance_phrase`.

"Not sure" (None) where the evidence is thin: a kind with fewer than `MIN_OUTCOMES`
outcomes or fewer than `MIN_POSITIVE` of the step, a score outside the range the
outcomes covered, or a region (the vacancy's town) with fewer than `MIN_REGION_OUTCOMES`
outcomes of the kind when the artefact counted regions.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

from matcher.learning.metrics import expected_calibration_error, reliability
from skills_taxonomy.errors import InvalidInputError

FORMAT = "matcher-score-calibration/1"
STEPS = ("interview", "placement")
MIN_OUTCOMES = 200
MIN_POSITIVE = 10
MIN_REGION_OUTCOMES = 30  # a region with fewer outcomes of the kind is not sure
MARGIN = 0.05  # a score this far outside the fitted range still reads the nearest end


@dataclass(frozen=True)
class Curve:
    """One kind's and step's map: the isotonic fit's thresholds (score → probability,
    read by linear interpolation)."""
    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, score: float) -> float | None:
        if score < self.x[0] - MARGIN or score > self.x[-1] + MARGIN:
            return None
        return float(np.interp(score, self.x, self.y))


class ScoreCalibration:
    """Score → probability of the next step per kind; None when not sure."""

    def __init__(self, curves: dict[str, dict[str, Curve]],
                 weights: dict[str, dict[str, float]] | None = None,
                 meta: dict[str, Any] | None = None,
                 regions: dict[str, dict[str, int]] | None = None) -> None:
        self.curves = curves
        self.weights = weights or {}
        self.meta = meta or {}
        self.regions = regions or {}  # kind -> region -> outcomes fitted on

    def probability(self, kind: str, step: str, score: float,
                    region: str | None = None) -> float | None:
        """The chance of `step`, or None where the evidence is thin (module docstring);
        `region` (the vacancy's town) is checked when the artefact counted regions."""
        curve = self.curves.get(kind, {}).get(step)
        counted = self.regions.get(kind)
        if curve is None or (region is not None and counted is not None
                             and counted.get(region, 0) < MIN_REGION_OUTCOMES):
            return None
        return curve(score)

    def for_weights(self, weights: dict[str, dict[str, float]]) -> ScoreCalibration:
        """Only the kinds whose scores come from the weights the curves were fitted on."""
        return ScoreCalibration({k: c for k, c in self.curves.items()
                                 if self.weights.get(k) == weights.get(k)}, self.weights,
                                self.meta, self.regions)


def fit_curve(score: np.ndarray, happened: np.ndarray) -> Curve | None:
    if len(score) < MIN_OUTCOMES or int(happened.sum()) < MIN_POSITIVE:
        return None
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit(score, happened.astype(float))
    return Curve(tuple(round(float(v), 5) for v in iso.X_thresholds_),
                 tuple(round(float(v), 5) for v in iso.y_thresholds_))


def fit_calibration(scores: dict[str, np.ndarray], steps: dict[str, dict[str, np.ndarray]],
                    weights: dict[str, dict[str, float]], scored_by: dict[str, str],
                    source: str, regions: dict[str, np.ndarray] | None = None,
                    ) -> dict[str, Any]:
    """The artefact: per kind (scores of its contacted pairs under `weights`, and per step
    whether it happened) a curve per step, or a note on why it is not sure; with
    `regions` (each outcome's region), how many outcomes each region had."""
    kinds: dict[str, Any] = {}
    for kind, score in scores.items():
        entry: dict[str, Any] = {"outcomes": len(score), "weights": weights[kind],
                                 "scored_by": scored_by[kind], "steps": {}}
        if regions is not None:
            names, counts = np.unique(regions[kind].astype(str), return_counts=True)
            entry["regions"] = {str(n): int(c) for n, c in zip(names, counts, strict=True)}
        for step in STEPS:
            happened = steps[kind][step]
            curve = fit_curve(score, happened)
            entry["steps"][step] = {"x": list(curve.x), "y": list(curve.y)} if curve else {
                "not_sure": f"fewer than {MIN_OUTCOMES} outcomes or {MIN_POSITIVE} of "
                            f"this step ({len(score)}, {int(happened.sum())})"}
        kinds[kind] = entry
    return {"format": FORMAT, "created": dt.datetime.now(dt.UTC).isoformat(
        timespec="seconds"), "source": source, "method": "isotonic regression",
        "kinds": kinds}


def evaluate(calibration: ScoreCalibration, kind: str, step: str, score: np.ndarray,
             happened: np.ndarray) -> dict[str, Any]:
    """Expected calibration error and the reliability diagram's bins on held-out
    outcomes (the sure ones)."""
    p = np.array([calibration.probability(kind, step, float(s)) for s in score],
                 dtype=object)
    sure = np.array([v is not None for v in p], dtype=bool)
    probs = p[sure].astype(float)
    return {"outcomes": int(sure.sum()), "not_sure": int((~sure).sum()),
            "ece": round(expected_calibration_error(probs, happened[sure]), 4)
            if sure.any() else None,
            "reliability": reliability(probs, happened[sure])}


def from_artefact(data: dict[str, Any]) -> ScoreCalibration:
    curves: dict[str, dict[str, Curve]] = {}
    weights: dict[str, dict[str, float]] = {}
    regions: dict[str, dict[str, int]] = {}
    for kind, entry in data["kinds"].items():
        weights[kind] = entry["weights"]
        curves[kind] = {step: Curve(tuple(c["x"]), tuple(c["y"]))
                        for step, c in entry["steps"].items() if "x" in c}
        if "regions" in entry:
            regions[kind] = {str(r): int(n) for r, n in entry["regions"].items()}
    return ScoreCalibration(curves, weights, {k: v for k, v in data.items() if k != "kinds"},
                            regions)


def save_calibration(artefact: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(artefact, indent=1, ensure_ascii=False) + "\n", "utf-8")


def load_calibration(path: Path | str | None) -> ScoreCalibration | None:
    """The calibration in an artefact; None for no path. A file that is not one is
    refused naming it."""
    if path is None:
        return None
    where = f"score calibration {path}"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise InvalidInputError(f"{where}: not a {FORMAT} artefact")
        calibration = from_artefact(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInputError(f"{where}: cannot read it ({exc})") from exc
    for kind, steps in calibration.curves.items():
        for step, curve in steps.items():
            if len(curve.x) != len(curve.y) or not curve.x or any(
                    b < a for a, b in zip(curve.y, curve.y[1:], strict=False)):
                raise InvalidInputError(f"{where}: {kind} {step}: not a monotone curve")
    return calibration


WORDS = {"interview": "got an interview", "placement": "were placed"}


def in_ten(probability: float) -> int:
    """1 to 9: how many in 10, rounded half up (as the pages' templates round too)."""
    return max(1, min(9, int(probability * 10 + 0.5)))


def chance_phrase(probability: float | None, step: str = "interview") -> str:
    """How a person reads a probability: "about 3 in 10 similar candidates got an
    interview"; "not sure" without one."""
    if probability is None:
        return "not sure: too few recorded outcomes like this one"
    did = WORDS[step]
    if probability < 0.05:
        return f"fewer than 1 in 20 similar candidates {did}"
    if probability > 0.95:
        return f"more than 19 in 20 similar candidates {did}"
    return f"about {in_ten(probability)} in 10 similar candidates {did}"


def chance(calibration: ScoreCalibration, kind: str, score: float,
           step: str = "interview", region: str | None = None) -> dict[str, Any]:
    """What a match answer carries: the probability (null: not sure) and its phrase."""
    p = calibration.probability(kind, step, score, region)
    return {"step": step, "probability": None if p is None else round(p, 3),
            "phrase": chance_phrase(p, step)}


__all__ = ["FORMAT", "STEPS", "Curve", "ScoreCalibration", "chance", "chance_phrase",
           "evaluate", "fit_calibration", "fit_curve", "load_calibration",
           "save_calibration"]
