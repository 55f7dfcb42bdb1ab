"""Allocation benchmark (issue 16): the exact cohort allocation against greedy person-by-
person top-1 on the same cohort — expected placements, candidates placed, slots filled,
capacity overruns, fairness per first language and per centre — and how long it takes.

Two cohorts, each in a fresh embedded PostgreSQL:

- demo: the demo data set (starter taxonomy, NRW; 200 candidates, 1,000 vacancies, 100
  courses), every candidate in one cohort; vacancies only, then with course seats, then
  with a fairness share per first language;
- scale: `benchmarks.scale`'s generator over full ESCO and the 80 largest German towns,
  `--scale-candidates` candidates (default 2,000; each also given a first language, drawn
  from the main countries of origin, so that fairness per language means something) and
  `--scale-vacancies` vacancies (default 5,000, with 1 to 5 slots each: about 15,000
  slots); then the same cohort and match lists cut to the vacancies holding
  `--scale-slots` slots (default 5,000: "2,000 candidates × 5,000 slots" read literally).
  Solve time by cohort size (subsets of the cohort, the median of `--repeats` solves);
- synthetic_dense: the solver alone on a made-up problem as large as the issue's and far
  denser than real match lists (2,000 candidates, 5,000 places, 50 edges each).

A fairness variant asks each first language for at least the cohort's overall share
placed, lowered by 0.01 until an assignment meets it.

Options (edges) come from the engine's own match lists (`Matcher.matches_for`), as for
`POST /allocations` (two worker threads, `matcher.allocation.service.WORKERS`);
`match_lists_s` is how long computing them took for the cohort,
`seconds` the exact solve (building the sparse problem, HiGHS, reading the answer).
Placement probability: the uncalibrated score (see `matcher.allocation.problem`).

    python -m benchmarks.allocation [--scale-candidates 2000] [--scale-vacancies 5000]
        [--skip-scale] [--repeats 3] [--out benchmarks/results/allocation.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from api.demo import load_demo
from matcher.allocation.problem import UNCALIBRATED, Option, Place, Probability, build_problem
from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import Gathered, allocate, gather, probability_of
from matcher.allocation.solver import greedy, solve
from matcher.domain import KINDS
from matcher.engine import Engine
from matcher.learning.calibration import ScoreCalibration, fit_calibration, from_artefact
from matcher.learning.features import lists_from_matcher, scores
from matcher.learning.simulator import Simulator
from matcher.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
VACANCY_KINDS = ["job", "apprenticeship", "placement"]
# first languages of the scale cohort: the main countries of origin of people who came
# to Germany for protection, roughly in proportion
ORIGINS = {"ar": 30, "uk": 22, "fa": 10, "tr": 9, "ru": 8, "ti": 6, "ku": 6, "so": 5,
           "ps": 4}


def figures(request: AllocationIn, found: Gathered,
            probability: Probability = UNCALIBRATED) -> dict[str, Any]:
    """The allocation of a gathered cohort beside greedy, as the benchmark reports it."""
    proposal = allocate(request, found, probability)
    s = proposal.summary
    a, g = s["allocation"], s["greedy"]
    return {
        "candidates": s["candidates"], "places": s["places"], "edges": s["edges"],
        "free_slots": s["free_slots"],
        "candidates_with_options": s["candidates_with_options"],
        "candidates_with_one_option": s["candidates_with_one_option"],
        "greedy_expected_placements": g["expected_placements"],
        "allocation_expected_placements": a["expected_placements"],
        "gain_over_greedy": s["gain_over_greedy"],
        "slots_over_capacity": g["slots_over_capacity"],
        "allocation_slots_over_capacity": a["slots_over_capacity"],
        "greedy_candidates_beyond_capacity": g["candidates_beyond_capacity"],
        "seconds": s["solver"]["seconds"], "solver": s["solver"]["status"],
        "match_lists_s": round(found.seconds, 1),
        "candidates_placed": {"greedy": g["candidates_placed"],
                              "allocation": a["candidates_placed"]},
        "slots_filled": {"greedy": g["slots_filled"], "allocation": a["slots_filled"]},
        "places_filled": {"greedy": g["places_filled"], "allocation": a["places_filled"]},
        "fairness": {dim: {"greedy_lowest_share": g["fairness"][dim]["lowest_share"],
                           "allocation_lowest_share": a["fairness"][dim]["lowest_share"],
                           "groups": {name: {"members": row["members"],
                                             "with_options": row["with_options"],
                                             "greedy_placed": g["fairness"][dim]["groups"][
                                                 name]["placed"],
                                             "allocation_placed": row["placed"],
                                             **({"required": row["required"]}
                                                if "required" in row else {})}
                                      for name, row in a["fairness"][dim]["groups"].items()}}
                     for dim in ("language", "centre")},
        "fairness_asked": proposal.settings["fairness"],
    }


def runtime_by_size(found: Gathered, sizes: list[int], repeats: int) -> list[dict[str, Any]]:
    """Solve time (median of `repeats`) for the first n candidates of the cohort."""
    out = []
    for n in sizes:
        cohort = found.cohort[:n]
        times, problem = [], None
        for _ in range(repeats):
            started = time.perf_counter()
            problem = build_problem(cohort, found.options)
            solution = solve(problem)
            greedy(problem)
            times.append(time.perf_counter() - started)
        assert problem is not None
        out.append({"candidates": n, "places": len(problem.places), "edges": len(problem.cand),
                    "seconds_median": round(statistics.median(times), 3),
                    "solver_seconds": round(solution.seconds, 3)})
        print(json.dumps(out[-1]), flush=True)
    return out


def fair_variant(found: Gathered, base: dict[str, Any], kinds: list[str]) -> dict[str, Any]:
    """The same cohort with a least share per first language: the highest share, from
    the allocation's own overall share placed down in steps of 0.01, that an assignment
    can meet (the shares tried and refused are listed)."""
    share = round(base["candidates_placed"]["allocation"] / base["candidates"], 2)
    refused: list[float] = []
    while share > 0:
        request = AllocationIn(cohort=found.cohort, kinds=kinds, fairness={"language": share})
        try:
            return {**figures(request, found), "shares_refused": refused}
        except ValueError:  # InvalidInputError: no assignment meets the share
            refused.append(share)
            share = round(share - 0.01, 2)
    return {"shares_refused": refused}


def with_slots(found: Gathered, slots: int, capacity: dict[int, int]) -> Gathered:
    """The gathered cohort cut to the first vacancies (by id) holding `slots` slots in
    all, as `vacancy_ids` would cut it."""
    kept, total = set(), 0
    for vid in sorted(capacity):
        if total >= slots:
            break
        kept.add(vid)
        total += capacity[vid]
    options = {c: [o for o in opts if o.place.id in kept] for c, opts in found.options.items()}
    return Gathered(found.cohort, found.facts, options, found.notes, found.seconds)


def synthetic_dense(candidates: int, places: int, per_candidate: int, seed: int,
                    repeats: int) -> dict[str, Any]:
    """Solver stress, clearly synthetic: `per_candidate` edges each (neighbouring places,
    scores drawn from Beta(4, 3)), capacities 1 to 5; the median solve time."""
    rng = random.Random(seed)
    pool = [Place("job", j + 1, f"place {j + 1}", rng.randint(1, 5)) for j in range(places)]
    options = {}
    for i in range(candidates):
        centre = rng.randrange(places)
        near = {min(places - 1, max(0, centre + rng.randint(-300, 300)))
                for _ in range(per_candidate * 2)}
        options[f"c{i}"] = [Option(pool[j], round(rng.betavariate(4, 3), 4))
                            for j in sorted(near)[:per_candidate]]
    times, problem, solution = [], None, None
    for _ in range(repeats):
        started = time.perf_counter()
        problem = build_problem(list(options), options)
        solution = solve(problem)
        times.append(time.perf_counter() - started)
    assert problem is not None and solution is not None
    base = greedy(problem)
    return {"candidates": candidates, "places": places, "edges": len(problem.cand),
            "seconds_median": round(statistics.median(times), 3), "solver": solution.status,
            "greedy_expected_placements": round(base.expected, 3),
            "allocation_expected_placements": round(solution.expected, 3)}


def simulated_calibration(engine: Engine, cohort: list[str]) -> ScoreCalibration:
    """A placement calibration fitted on simulated outcomes of the cohort's own match lists
    (`matcher.learning.simulator`: every pair contacted once, three draws): what the
    engine would use with MATCHER_SCORE_CALIBRATION once real outcomes exist. A stand-in
    for those, not a measurement of them."""
    with engine.connection() as conn:
        lists = lists_from_matcher(conn, engine.matcher, cohort)
    weights = engine.scorer.weights
    score = np.tile(scores(lists, weights), 3)
    gain = np.concatenate([Simulator(lists, seed=s).full_outcomes() for s in range(3)])
    kind = np.tile(lists.kind, 3)
    by_kind = {name: kind == k for k, name in enumerate(KINDS)}
    artefact = fit_calibration(
        {name: score[m] for name, m in by_kind.items()},
        {name: {"interview": gain[m] >= 1, "placement": gain[m] >= 2}
         for name, m in by_kind.items()},
        weights, {name: "hand-set weights" for name in KINDS}, "simulated")
    return from_artefact(artefact)


def demo(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="alloc-demo-"))
    engine = Engine.start(Settings(data_dir=ROOT / "var" / "demo", pgdata=tmp / "pgdata"))
    try:
        load_demo(engine, say=lambda m: print(m, flush=True))
        with engine.connection() as conn:
            cohort = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
        out: dict[str, Any] = {"data": "demo: 200 candidates, 1,000 vacancies, 100 courses"}
        for label, kinds in (("vacancies", VACANCY_KINDS),
                             ("with_courses", [*VACANCY_KINDS, "course"])):
            request = AllocationIn(cohort=cohort, kinds=kinds)
            with engine.connection() as conn:
                found = gather(conn, engine.matcher, request, connect=engine.connection)
            out[label] = figures(request, found)
            print(label, json.dumps({k: v for k, v in out[label].items()
                                     if k != "fairness"}), flush=True)
            if label == "vacancies":
                out["fair_language"] = fair_variant(found, out[label], kinds)
                calibrated = probability_of(simulated_calibration(engine, cohort))
                out["vacancies_simulated_calibration"] = {
                    **figures(request, found, calibrated),
                    "probability_source": "placement calibration fitted on simulated "
                                          "outcomes of these lists"}
        return out
    finally:
        engine.close()
        shutil.rmtree(tmp, ignore_errors=True)


def scale(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.scale import SHARED, World
    from matcher.store.auth import upsert_organisation
    from matcher.store.candidate_bulk import load_candidates
    from matcher.wiring import ESCO_PATHS, make_encoder
    from skills_taxonomy.esco_import import import_esco
    from skills_taxonomy.model import Taxonomy
    from skills_taxonomy.normalize import Normalizer

    started = time.perf_counter()
    taxonomy = Taxonomy()
    import_esco(taxonomy, [SHARED / p for p in ESCO_PATHS])
    normalizer = Normalizer(taxonomy, make_encoder(Settings()), ROOT / "var" / "test-cache")
    tmp = Path(tempfile.mkdtemp(prefix="alloc-scale-"))
    engine = Engine.start(Settings(data_dir=tmp, pgdata=tmp / "pgdata", pool_size=4,
                                   db_statement_timeout=0), normalizer=normalizer)
    try:
        world, rng = World(taxonomy, args.seed), random.Random(args.seed)
        with engine.connection() as conn:
            employers = [upsert_organisation(conn, f"Employer {i}", "employer",
                                             f"alloc-e-{i}") for i in range(200)]
            centres = [upsert_organisation(conn, f"Centre {i}", "centre", f"alloc-c-{i}")
                       for i in range(20)]
        vacancies = [world.vacancy(i, rng) for i in range(args.scale_vacancies)]
        for start in range(0, len(vacancies), 1000):
            batch = vacancies[start:start + 1000]
            engine.save_vacancies(batch, [rng.choice(employers) for _ in batch])
        people = []
        for i in range(args.scale_candidates):
            person = world.candidate(i, rng)
            first = rng.choices(list(ORIGINS), list(ORIGINS.values()))[0]
            people.append(person.model_copy(update={"languages": [
                person.languages[0].model_copy(update={"lang": first, "level": "native"}),
                *person.languages]}))
        with engine.connection() as conn:
            load_candidates(conn, engine.concepts, people, [rng.choice(centres) for _ in people])
            conn.execute("ANALYZE")
            cohort = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
        setup_s = time.perf_counter() - started
        request = AllocationIn(cohort=cohort, kinds=VACANCY_KINDS)
        with engine.connection() as conn:
            found = gather(conn, engine.matcher, request, connect=engine.connection)
        out: dict[str, Any] = {
            "data": f"scale: {len(cohort):,} candidates, {len(vacancies):,} vacancies "
                    f"({sum(v.slots for v in vacancies):,} slots), full ESCO, 80 towns",
            "setup_s": round(setup_s, 1)}
        out["vacancies"] = figures(request, found)
        print("scale", json.dumps({k: v for k, v in out["vacancies"].items()
                                   if k != "fairness"}), flush=True)
        out["fair_language"] = fair_variant(found, out["vacancies"], VACANCY_KINDS)
        with engine.connection() as conn:
            capacity = dict(conn.execute("SELECT id, slots FROM vacancy").fetchall())
        few = with_slots(found, args.scale_slots, capacity)
        out["slots_5000"] = {"note": f"the vacancies of lowest id holding {args.scale_slots:,}"
                                     " slots (the same match lists, as vacancy_ids cuts them)",
                             **figures(request, few)}
        print("slots", json.dumps({k: v for k, v in out["slots_5000"].items()
                                   if k != "fairness"}), flush=True)
        sizes = [n for n in (250, 500, 1000, 2000) if n < len(cohort)] + [len(cohort)]
        out["runtime_by_cohort_size"] = runtime_by_size(found, sorted(set(sizes)),
                                                        args.repeats)
        return out
    finally:
        engine.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-candidates", type=int, default=2000)
    parser.add_argument("--scale-vacancies", type=int, default=5000)
    parser.add_argument("--scale-slots", type=int, default=5000,
                        help="the second scale variant: vacancies holding this many slots")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=RESULTS / "allocation.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "probability_source": UNCALIBRATED.source,
        "command": "python -m benchmarks.allocation"}
    if not args.skip_demo:
        results["demo"] = demo(args)
    if not args.skip_scale:
        results["scale"] = scale(args)
        results["synthetic_dense"] = synthetic_dense(
            args.scale_candidates, args.scale_vacancies, 50, args.seed, args.repeats)
        print("dense", json.dumps(results["synthetic_dense"]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in results.items()}, indent=1, ensure_ascii=False)[:4000])


if __name__ == "__main__":
    main()
