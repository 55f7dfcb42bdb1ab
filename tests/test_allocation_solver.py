"""The allocation solver on small hand-made problems (no database): optimal against brute
force, capacities kept, fairness shares honoured, top-K per kind, greedy counted as the
issue defines it, and explanations that name the greedy alternative."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from matcher.allocation.explain import explain
from matcher.allocation.problem import Option, Place, Probability, build_problem
from matcher.allocation.report import summary
from matcher.allocation.solver import check, greedy, solve
from skills_taxonomy.errors import InvalidInputError


def brute_force(problem: object) -> float | None:
    """The best expected placements by trying every assignment (small problems only);
    None when no assignment meets the fairness shares."""
    from matcher.allocation.problem import Problem

    assert isinstance(problem, Problem)
    choices = [[-1, *problem.edges_of(i)] for i in range(len(problem.candidates))]
    cap = problem.capacity
    best: float | None = None
    for pick in itertools.product(*choices):
        edges = [e for e in pick if e >= 0]
        load = np.bincount(problem.place[edges].astype(np.int64), minlength=len(cap)) \
            if edges else np.zeros(len(cap), dtype=np.int64)
        if (load > cap).any():
            continue
        if problem.min_share:
            placed = np.zeros(len(problem.candidates), dtype=bool)
            placed[[problem.cand[e] for e in edges]] = True
            if not all(sum(placed[i] for i, g in enumerate(problem.groups[d]) if g == group)
                       >= need for d in problem.min_share
                       for group, need in problem.required(d).items()):
                continue
        value = float(sum(problem.prob[e] for e in edges))
        best = value if best is None else max(best, value)
    return best


def random_problem(rng: random.Random, n_cand: int, n_place: int) -> object:
    places = [Place("job", j + 1, f"place {j + 1}", rng.randint(1, 2)) for j in range(n_place)]
    options = {f"c{i}": [Option(p, round(rng.uniform(0.05, 0.95), 3))
                         for p in rng.sample(places, rng.randint(0, n_place))]
               for i in range(n_cand)}
    groups = {"language": [rng.choice("ab") for _ in range(n_cand)]}
    return build_problem(list(options), options, groups=groups)


@pytest.mark.parametrize("seed", range(40))
def test_solver_matches_brute_force_and_keeps_capacity(seed: int) -> None:
    rng = random.Random(seed)
    problem = random_problem(rng, rng.randint(2, 6), rng.randint(1, 4))
    solution = solve(problem)  # type: ignore[arg-type]
    check(problem, solution)  # type: ignore[arg-type]
    assert solution.expected == pytest.approx(brute_force(problem), abs=1e-9)
    assert solution.expected >= greedy(problem).expected - 1e-9  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(25))
def test_fairness_share_is_met_and_optimal_under_it(seed: int) -> None:
    rng = random.Random(1000 + seed)
    problem = random_problem(rng, rng.randint(3, 6), rng.randint(2, 4))
    problem.min_share = {"language": 0.5}  # type: ignore[attr-defined]
    try:
        solution = solve(problem)  # type: ignore[arg-type]
    except InvalidInputError as exc:
        assert str(exc).startswith("fairness: ")
        assert brute_force(problem) is None  # no assignment meets the shares indeed
        return
    check(problem, solution)  # type: ignore[arg-type]
    placed = solution.edge >= 0
    groups = problem.groups["language"]  # type: ignore[attr-defined]
    for group, need in problem.required("language").items():  # type: ignore[attr-defined]
        assert sum(placed[i] for i, g in enumerate(groups) if g == group) >= need
    assert solution.expected == pytest.approx(brute_force(problem), abs=1e-9)


def two_groups() -> tuple[list[str], dict[str, list[Option]], dict[str, list[str]]]:
    """a1 fits the one slot of P1 best; b1 (another language) fits only P1; a1's other
    place P2 is far less likely. Without fairness a1 takes P1 and b1 is left out."""
    p1, p2 = Place("job", 1, "P1", 1), Place("job", 2, "P2", 1)
    options = {"a1": [Option(p1, 0.9), Option(p2, 0.3)], "b1": [Option(p1, 0.5)]}
    return ["a1", "b1"], options, {"language": ["ar", "uk"]}


def test_fairness_moves_a_candidate_and_says_so() -> None:
    cohort, options, groups = two_groups()
    free = build_problem(cohort, options, groups=groups)
    plain = solve(free)
    assert plain.expected == pytest.approx(0.9)
    assert plain.places(free).tolist() == [0, -1]
    fair = build_problem(cohort, options, groups=groups, min_share={"language": 1.0})
    solution = solve(fair)
    assert solution.places(fair).tolist() == [1, 0]  # a1 -> P2, b1 -> P1
    assert solution.expected == pytest.approx(0.8)
    items = explain(fair, solution, greedy(fair))
    assert items[0]["why"].startswith("the top choice 'P1' is full: its 1 place went to 1 "
                                      "candidate with a lower fit there, for their group's "
                                      "minimum share")
    assert items[0]["greedy"]["place"]["title"] == "P1"
    figures = summary(fair, solution, greedy(fair))
    assert figures["allocation"]["fairness"]["language"]["lowest_share"] == 1.0
    assert figures["greedy"]["fairness"]["language"]["groups"]["uk"]["placed"] == 0


def test_infeasible_fairness_is_refused_naming_it() -> None:
    p1 = Place("job", 1, "P1", 1)
    options = {"a1": [Option(p1, 0.9)], "b1": [Option(p1, 0.5)]}
    problem = build_problem(["a1", "b1"], options, groups={"language": ["ar", "uk"]},
                            min_share={"language": 1.0})
    with pytest.raises(InvalidInputError, match="^fairness: "):
        solve(problem)


def test_a_group_without_any_option_does_not_make_it_infeasible() -> None:
    p1 = Place("job", 1, "P1", 1)
    options = {"a1": [Option(p1, 0.9)], "b1": []}
    problem = build_problem(["a1", "b1"], options, groups={"language": ["ar", "uk"]},
                            min_share={"language": 1.0})
    assert problem.required("language") == {"ar": 1, "uk": 0}
    assert solve(problem).places(problem).tolist() == [0, -1]


def test_greedy_counts_only_capacity_and_explanations_name_the_alternative() -> None:
    """Three people all want P1 (one slot); P2 and P3 are close seconds."""
    p1, p2, p3 = Place("job", 1, "P1", 1), Place("job", 2, "P2", 1), Place("job", 3, "P3", 1)
    options = {"x": [Option(p1, 0.8), Option(p2, 0.7)],
               "y": [Option(p1, 0.7), Option(p3, 0.65)],
               "z": [Option(p1, 0.6)]}
    problem = build_problem(list(options), options)
    base = greedy(problem)
    assert base.expected == pytest.approx(0.8)  # P1 takes its best taker, x
    assert base.places_over_capacity == 1 and base.surplus == 2
    solution = solve(problem)
    assert solution.expected == pytest.approx(0.7 + 0.65 + 0.6)  # brute force agrees
    assert solution.expected == pytest.approx(brute_force(problem))
    items = explain(problem, solution, base)
    by = {i["candidate_id"]: i for i in items}
    assert by["z"]["place"]["title"] == "P1" and by["z"]["why"] == "the candidate's top choice"
    for who in ("x", "y"):
        why = by[who]["why"]
        assert "top choice 'P1' is full" in why and "fewer alternatives" not in why
        assert "1 candidate with a lower fit there, for their other places being further " \
            "behind" in why  # z, who has no other place, got P1
        assert by[who]["greedy"]["place"]["title"] == "P1"
        assert by[who]["greedy"]["chosen_by"] == 3
    assert by["x"]["greedy"]["would_get_it"] and not by["y"]["greedy"]["would_get_it"]
    figures = summary(problem, solution, base)
    assert figures["allocation"]["slots_over_capacity"] == 0
    assert figures["greedy"]["slots_over_capacity"] == 1
    assert figures["gain_over_greedy"] == pytest.approx(1.95 / 0.8 - 1, abs=1e-4)


def test_unplaced_candidate_is_told_who_took_their_places() -> None:
    p1 = Place("job", 1, "P1", 1)
    options = {"x": [Option(p1, 0.9)], "y": [Option(p1, 0.4)]}
    problem = build_problem(list(options), options)
    items = explain(problem, solve(problem), greedy(problem))
    assert items[1]["place"] is None
    assert items[1]["why"].startswith("no place: all 1 place the candidate may be given")
    assert "1 to candidates with a higher fit" in items[1]["why"]


def test_top_k_per_kind_and_full_places_are_dropped() -> None:
    jobs = [Place("job", j, f"J{j}", 1) for j in range(1, 6)]
    course = Place("course", 1, "C1", 3)
    full = Place("job", 9, "full", 0)
    options = {"x": [Option(p, 0.5 + p.id / 100) for p in jobs]
               + [Option(course, 0.2), Option(full, 0.99)]}
    problem = build_problem(["x"], options, top_k=2)
    kept = sorted((problem.places[j].kind, problem.places[j].id) for j in problem.place)
    assert kept == [("course", 1), ("job", 4), ("job", 5)]


def test_any_probability_callable_plugs_in() -> None:
    p1, p2 = Place("job", 1, "P1", 1), Place("course", 2, "C", 1)
    options = {"x": [Option(p1, 0.9), Option(p2, 0.5)]}
    # a calibration in which a course seat is far more likely than the job
    odd = Probability(lambda kind, score: 0.95 if kind == "course" else score / 10, "test")
    problem = build_problem(["x"], options, odd)
    assert problem.probability_source == "test"
    solution = solve(problem)
    assert problem.places[solution.places(problem)[0]].title == "C"
    assert solution.expected == pytest.approx(0.95)


def test_a_score_calibration_plugs_in_where_it_is_sure() -> None:
    from matcher.allocation.service import CALIBRATED, probability_of
    from matcher.learning.calibration import Curve, ScoreCalibration

    assert probability_of(None).source == "uncalibrated score"
    # jobs: a placement curve fitted on scores 0.4 .. 0.9; no curve for placements
    calibration = ScoreCalibration({"job": {"placement": Curve((0.4, 0.9), (0.1, 0.5))}})
    probability = probability_of(calibration)
    assert probability.source == CALIBRATED
    assert probability.of("job", 0.65) == pytest.approx(0.3)  # on the curve
    assert probability.of("job", 0.2) == pytest.approx(0.2)  # outside it: not sure
    assert probability.of("placement", 0.7) == pytest.approx(0.7)  # no curve for the kind
    p1, p2 = Place("job", 1, "J", 1), Place("placement", 2, "P", 1)
    problem = build_problem(["x"], {"x": [Option(p1, 0.9), Option(p2, 0.6)]}, probability)
    assert problem.places[solve(problem).places(problem)[0]].title == "P"  # 0.6 > 0.5
