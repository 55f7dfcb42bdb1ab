"""Weights files for scoring (`MATCHER_MATCH_WEIGHTS`): a feature a file leaves out keeps its
built-in weight (and the log says so), so adding a feature breaks no weights file; an
unknown feature, a weight that is not a number, or a negative one is refused naming the
file, the kind and the feature."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from matcher.match.scoring import FEATURES, WEIGHTS, load_weights, read_weights
from skills_taxonomy.errors import InvalidInputError


def _write(tmp_path: Path, data: Any, name: str = "weights.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_no_file_gives_the_built_in_weights() -> None:
    assert load_weights(None) == WEIGHTS
    assert load_weights(None) is not WEIGHTS


def test_a_complete_file_loads_as_given_with_nothing_defaulted(tmp_path: Path) -> None:
    data = {kind: {f: i + 1 for i, f in enumerate(FEATURES)} for kind in WEIGHTS}
    weights, defaulted = read_weights(_write(tmp_path, data))
    assert defaulted == {}
    assert weights["job"]["distance"] == float(len(FEATURES))
    assert all(isinstance(w, float) for kind in weights.values() for w in kind.values())


def test_a_feature_left_out_takes_its_built_in_weight_and_the_log_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # a file written before `aptitude` and `distance` existed
    old = {kind: {f: w for f, w in weights.items() if f not in ("aptitude", "distance")}
           for kind, weights in WEIGHTS.items()}
    old["job"]["essential"] = 0.5
    path = _write(tmp_path, old)
    weights, defaulted = read_weights(path)
    assert defaulted == {kind: ["aptitude", "distance"] for kind in WEIGHTS}
    assert weights["job"]["essential"] == 0.5
    for kind in WEIGHTS:
        assert set(weights[kind]) == set(FEATURES)
        assert weights[kind]["aptitude"] == WEIGHTS[kind]["aptitude"]
        assert weights[kind]["distance"] == WEIGHTS[kind]["distance"]
    with caplog.at_level(logging.WARNING, logger="matcher.match.scoring"):
        assert load_weights(path) == weights
    message = caplog.text
    assert str(path) in message
    assert "placement: aptitude 0.5, distance 0.1" in message
    assert "apprenticeship: aptitude 0.4" in message


def test_an_empty_kind_is_all_built_in(tmp_path: Path) -> None:
    data: dict[str, dict[str, float]] = {kind: {} for kind in WEIGHTS}
    data["job"] = dict(WEIGHTS["job"])
    weights, defaulted = read_weights(_write(tmp_path, data))
    assert weights == WEIGHTS
    assert set(defaulted) == {"apprenticeship", "placement"}


@pytest.mark.parametrize(("weight", "problem"), [
    ("0.3", "is not a number"), (True, "is not a number"), (None, "is not a number"),
    ([0.3], "is not a number"), ("NaN", "is not a number"), ("Infinity", "is not a number"),
    (-0.1, "is negative")])
def test_a_bad_weight_names_file_kind_and_feature(tmp_path: Path, weight: Any,
                                                  problem: str) -> None:
    data: dict[str, Any] = {kind: dict(w) for kind, w in WEIGHTS.items()}
    data["apprenticeship"]["language"] = weight
    text = json.dumps(data)
    if weight in ("NaN", "Infinity"):  # JSON as Python writes non-finite numbers
        text = text.replace(f'"{weight}"', weight)
    path = _write(tmp_path, text)
    with pytest.raises(InvalidInputError) as raised:
        load_weights(path)
    message = str(raised.value)
    assert message.startswith(f"match weights {path}: apprenticeship: language: weight ")
    assert problem in message


def test_an_unknown_feature_names_file_kind_and_feature(tmp_path: Path) -> None:
    data: dict[str, Any] = {kind: dict(w) for kind, w in WEIGHTS.items()}
    data["placement"]["salary"] = 0.2
    path = _write(tmp_path, data)
    with pytest.raises(InvalidInputError) as raised:
        load_weights(path)
    message = str(raised.value)
    assert message.startswith(f"match weights {path}: placement: salary: unknown feature")
    assert "essential" in message  # the known ones are listed


def test_every_kind_is_still_required_and_none_unknown(tmp_path: Path) -> None:
    data: dict[str, Any] = {kind: dict(w) for kind, w in WEIGHTS.items()}
    del data["placement"]
    with pytest.raises(InvalidInputError, match="one object per kind"):
        load_weights(_write(tmp_path, data))
    data = {kind: dict(w) for kind, w in WEIGHTS.items()} | {"internship": {}}
    with pytest.raises(InvalidInputError, match="found .*internship"):
        load_weights(_write(tmp_path, data))
    data = {kind: dict(w) for kind, w in WEIGHTS.items()} | {"job": [0.4]}
    with pytest.raises(InvalidInputError, match=r"job: expected an object"):
        load_weights(_write(tmp_path, data))


def test_unreadable_or_all_zero_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot read JSON"):
        load_weights(_write(tmp_path, "{not json"))
    with pytest.raises(InvalidInputError, match="cannot read JSON"):
        load_weights(tmp_path / "missing.json")
    data: dict[str, Any] = {kind: dict(w) for kind, w in WEIGHTS.items()}
    data["job"] = {f: 0 for f in FEATURES}
    with pytest.raises(InvalidInputError, match="job: all weights are 0"):
        load_weights(_write(tmp_path, data))
