"""Learning from outcomes (issue 16): the simulator is deterministic and shows position
bias; the learned ranker recovers a preference the hand-set weights miss, exported as
non-negative weights; the calibration is monotone, calibrated on held-out outcomes and
not sure with too few; the engine takes learned weights only where the artefact says they
won, and every match list names what ranked it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from matcher.engine import Engine
from matcher.learning.calibration import (
    MIN_REGION_OUTCOMES,
    chance,
    chance_phrase,
    fit_curve,
    from_artefact,
    load_calibration,
)
from matcher.learning.features import scores, synthetic_lists
from matcher.learning.metrics import expected_calibration_error, ndcg
from matcher.learning.outcomes import first, from_history, from_recorded
from matcher.learning.ranker import HAND_SET, apply_ranker, fit_ranker, load_ranker
from matcher.learning.simulator import TRUE_BETA, Simulator
from matcher.match import lists
from matcher.match.matcher import Matcher
from matcher.match.scoring import FEATURES, WEIGHTS, Scorer
from matcher.store.outcomes import training_outcomes
from skills_taxonomy.errors import InvalidInputError
from tests.conftest import World
from training.fit_match_ranker import calibration_on, main, steps_of


@pytest.fixture(scope="module")
def fitted() -> dict[str, Any]:
    """5,000 simulated outcomes logged under the hand-set weights, the artefacts fitted on
    them, and a held-out world with every pair's outcome drawn."""
    train = synthetic_lists(4_000, seed=1)
    history = Simulator(train, seed=1).history(WEIGHTS)
    outcomes = from_history(train, first(history, 5_000))
    ranker = fit_ranker(outcomes, WEIGHTS)
    test = synthetic_lists(2_000, seed=2)
    return {"outcomes": outcomes, "ranker": ranker, "test": test,
            "gains": Simulator(test, seed=2).full_outcomes(),
            "test_history": from_history(test, Simulator(test, seed=3).history(WEIGHTS))}


def test_the_simulator_is_seeded_and_deterministic() -> None:
    lists_ = synthetic_lists(300, seed=5)
    a = Simulator(lists_, seed=5).history(WEIGHTS)
    b = Simulator(synthetic_lists(300, seed=5), seed=5).history(WEIGHTS)
    c = Simulator(lists_, seed=6).history(WEIGHTS)
    assert np.array_equal(a.item, b.item) and np.array_equal(a.placed, b.placed)
    assert a.reason == b.reason
    assert not np.array_equal(a.item, c.item)
    records = a.records(lists_)
    assert all(r["simulated"] is True for r in records)
    assert {r["status"] for r in records} == {"placed", "rejected"}
    assert all(r["reason"] for r in records if r["status"] == "rejected")
    assert any(str(r["reason"]).startswith("after interview") for r in records)


def test_the_top_of_a_list_is_contacted_more() -> None:
    lists_ = synthetic_lists(3_000, seed=3)
    sim = Simulator(lists_, seed=3)
    history = sim.history(WEIGHTS)
    shown = np.bincount(sim.ranks(WEIGHTS), minlength=41)
    contacted = np.bincount(history.rank, minlength=41)
    rate = contacted[1:] / np.maximum(shown[1:], 1)
    assert rate[0] > 2 * rate[4] > 0  # rank 1 against rank 5
    assert rate[0] > 5 * rate[19]  # against rank 20
    # the propensity recorded is the chance of that rank being contacted
    assert history.propensity[history.rank == 1] == pytest.approx(0.5)


def test_the_learned_ranker_recovers_the_hidden_preference(fitted: dict[str, Any]) -> None:
    ranker, test, gains = fitted["ranker"], fitted["test"], fitted["gains"]
    job = ranker["kinds"]["job"]
    assert job["use"] is True and job["fitted_on"]["source"] == "simulated"
    assert all(w >= 0 for w in job["weights"].values())
    assert sum(job["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    # employers weigh German and experience far more than the hand-set weights do
    assert job["weights"]["language"] > 2 * WEIGHTS["job"]["language"]
    assert job["weights"]["experience"] > WEIGHTS["job"]["experience"]
    learned = {k: ranker["kinds"][k]["weights"] or WEIGHTS[k] for k in WEIGHTS}
    hand = ndcg(test.list_id, scores(test, WEIGHTS), gains)
    assert ndcg(test.list_id, scores(test, learned), gains) >= hand + 0.05
    assert ndcg(test.list_id, scores(test, TRUE_BETA), gains) > hand
    in_use, _, _ = apply_ranker(WEIGHTS, ranker)
    assert ndcg(test.list_id, scores(test, in_use), gains) >= hand


def test_calibration_is_monotone_and_calibrated_on_held_out(fitted: dict[str, Any]) -> None:
    outcomes, held_out = fitted["outcomes"], fitted["test_history"]
    names = {kind: HAND_SET for kind in WEIGHTS}
    calibration = from_artefact(calibration_on(outcomes, WEIGHTS, names))
    grid = np.linspace(0.2, 0.8, 61)
    for kind in ("job", "apprenticeship"):
        for step in ("interview", "placement"):
            p = [calibration.probability(kind, step, float(s)) for s in grid]
            sure = [v for v in p if v is not None]
            assert len(sure) > 40 and all(b >= a for a, b in zip(sure, sure[1:],
                                                                   strict=False))
    low, high = (calibration.probability("job", "interview", s) for s in (0.3, 0.8))
    assert low is not None and high is not None and high > low
    job = held_out.kind == 0
    score = held_out.scores(WEIGHTS)[job]
    chances = [calibration.probability("job", "interview", float(s)) for s in score]
    known = np.array([v is not None for v in chances])
    assert known.mean() > 0.95
    ece = expected_calibration_error(np.array([v for v in chances if v is not None]),
                                     steps_of(held_out)["interview"][job][known])
    assert ece <= 0.05


def test_too_few_outcomes_is_not_sure() -> None:
    rng = np.random.default_rng(0)
    assert fit_curve(rng.random(150), rng.random(150) < 0.3) is None
    assert fit_curve(rng.random(500), rng.random(500) < 0.01) is None  # 10 interviews
    assert fit_curve(rng.random(500), rng.random(500) < 0.3) is not None
    train = synthetic_lists(60, seed=4)
    few = from_history(train, Simulator(train, seed=4).history(WEIGHTS))
    calibration = from_artefact(calibration_on(few, WEIGHTS, {k: HAND_SET for k in WEIGHTS}))
    assert calibration.probability("job", "interview", 0.5) is None
    assert chance_phrase(None).startswith("not sure")
    assert chance_phrase(0.3) == "about 3 in 10 similar candidates got an interview"
    assert chance_phrase(0.02, "placement") == "fewer than 1 in 20 similar candidates were placed"


def test_a_region_with_few_outcomes_is_not_sure(fitted: dict[str, Any]) -> None:
    """The artefact counts each region's outcomes per kind: a vacancy in a region the
    calibration hardly saw gets "not sure", one in a well-covered region a chance."""
    outcomes = fitted["outcomes"]
    assert outcomes.region is not None
    artefact = calibration_on(outcomes, WEIGHTS, {k: HAND_SET for k in WEIGHTS})
    counted = artefact["kinds"]["job"]["regions"]
    assert sum(counted.values()) == artefact["kinds"]["job"]["outcomes"]
    calibration = from_artefact(artefact)
    covered = max(counted, key=lambda r: counted[r])
    assert counted[covered] >= MIN_REGION_OUTCOMES
    assert calibration.probability("job", "interview", 0.5, region=covered) is not None
    assert calibration.probability("job", "interview", 0.5) is not None  # region unknown
    assert calibration.probability("job", "interview", 0.5, region="Nowhere") is None
    thin = from_artefact({**artefact, "kinds": {**artefact["kinds"], "job": {
        **artefact["kinds"]["job"], "regions": {covered: MIN_REGION_OUTCOMES - 1}}}})
    assert thin.probability("job", "interview", 0.5, region=covered) is None
    assert chance(calibration, "job", 0.5, region="Nowhere")["probability"] is None


def _artefact(use: bool) -> dict[str, Any]:
    learned = {"essential": 0.2, "optional": 0.0, "aptitude": 0.0, "semantic": 0.0,
               "experience": 0.2, "language": 0.5, "distance": 0.1}
    return {"format": "matcher-learned-ranker/1", "version": "v-test", "features":
            list(FEATURES), "hand_set_weights": WEIGHTS, "kinds": {"job": {
                "weights": learned, "use": use}}}


def test_the_engine_takes_learned_weights_only_where_they_won(tmp_path: Path) -> None:
    weights, ranked_by, notes = apply_ranker(WEIGHTS, _artefact(True))
    assert weights["job"]["language"] == 0.5 and ranked_by["job"] == "learned ranker v-test"
    assert weights["placement"] == WEIGHTS["placement"] and ranked_by["placement"] == HAND_SET
    weights, ranked_by, _ = apply_ranker(WEIGHTS, _artefact(False))
    assert weights == WEIGHTS and set(ranked_by.values()) == {HAND_SET}
    other = {**WEIGHTS, "job": {**WEIGHTS["job"], "distance": 0.3}}  # a weights file
    weights, ranked_by, notes = apply_ranker(other, _artefact(True))
    assert weights["job"] == other["job"] and ranked_by["job"] == HAND_SET
    assert notes and "job" in notes[0]
    bad = tmp_path / "ranker.json"
    bad.write_text(json.dumps({**_artefact(True), "features": ["essential"]}))
    with pytest.raises(InvalidInputError, match="ranker.json.*fit it again"):
        load_ranker(bad)
    bad.write_text("{}")
    with pytest.raises(InvalidInputError, match="score calibration .*not a"):
        load_calibration(bad)


def test_a_match_list_names_what_ranked_it(engine: Engine, client: TestClient,
                                           world: World, tmp_path: Path) -> None:
    amal = world.candidates["amal"]
    answer = client.get(f"/candidates/{amal}/matches", headers=world.auth("coach_a")).json()
    assert answer["ranked_by"] == HAND_SET
    assert all("interview_chance" not in item for item in answer["items"])
    candidates = client.get(f"/vacancies/{world.vacancies['cook_job']}/matches",
                            headers=world.auth("employer_1")).json()
    assert candidates["items"] and candidates["ranked_by"] == HAND_SET

    main(["--outcomes", "simulated", "--n", "3000", "--ranker", str(tmp_path / "r.json"),
          "--calibration", str(tmp_path / "c.json")])
    calibration = load_calibration(tmp_path / "c.json")
    assert calibration is not None and load_ranker(tmp_path / "r.json")["kinds"]
    weights, ranked_by, _ = apply_ranker(engine.scorer.weights, _artefact(True))
    matcher = Matcher(engine.concepts, Scorer(engine.concepts, weights),
                      engine.recogniser.profile, ranked_by=ranked_by,
                      calibration=calibration.for_weights(weights))
    with engine.connection() as conn:
        made = lists.compute(conn, matcher, amal, lists.Variant.of(["job"], False, "en", False))
    assert json.loads(made.extra)["ranked_by"] == "learned ranker v-test"
    items = [json.loads(e[2]) for e in made.entries]
    assert items and all(i["breakdown"]["language"]["weight"] == 0.5 for i in items)
    # the calibration was fitted on hand-set job scores: not these, so not sure
    assert {i["interview_chance"]["probability"] for i in items} == {None}
    assert matcher.ranking(("job", "placement")) == \
        f"job: learned ranker v-test; placement: {HAND_SET}"

    hand = Matcher(engine.concepts, engine.scorer, engine.recogniser.profile,
                   calibration=calibration.for_weights(engine.scorer.weights))
    with engine.connection() as conn:
        made = lists.compute(conn, hand, amal, lists.Variant.of(["job"], False, "en", False))
    chances = [json.loads(e[2])["interview_chance"] for e in made.entries]
    assert all(0 <= c["probability"] <= 1 and "similar candidates got an interview"
               in c["phrase"] for c in chances if c["probability"] is not None)


def test_recorded_outcomes_count_once_per_pair_at_their_furthest_step(
        engine: Engine, client: TestClient, world: World) -> None:
    amal, job = world.candidates["amal"], world.vacancies["warehouse_job"]
    for status, reason in (("contacted", None), ("rejected", "after interview: language")):
        response = client.post("/outcomes", json={"candidate_id": amal, "vacancy_id": job,
                                                  "status": status, "reason": reason},
                               headers=world.auth("coach_a"))
        assert response.status_code == 201, response.text
    with engine.connection() as conn:
        rows = [r for r in training_outcomes(conn)
                if (r["candidate_id"], r["vacancy_id"]) == (amal, job)]
    assert len(rows) == 2 and rows[0]["kind"] == "job" and rows[0]["has_optional"] is True
    outcomes = from_recorded(rows)
    assert len(outcomes) == 1 and outcomes.gain.tolist() == [1]
    assert outcomes.source == "recorded" and outcomes.dates is not None
    assert outcomes.features.shape == (1, len(FEATURES))
