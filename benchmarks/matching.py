"""Matching benchmark on the demo data set (starter taxonomy, NRW, 200 candidates, 1,000
vacancies, 100 courses) in a fresh embedded PostgreSQL:

- load time of the data set (normalisation on write included);
- latency of candidate → top-20 vacancies (retrieval + exact scoring + explanations +
  course plans), vacancy → top-20 candidates, course plan, and the HTTP route;
- recall@20 of the two-stage retrieval against exact scoring of every vacancy that
  passes the hard filters and gates (over min(20, passing) when fewer pass);
- the distribution of match scores per kind of vacancy (every vacancy a candidate's
  shortlist admits, and each candidate's best one per kind), for the notebooks.

    python -m benchmarks.matching [--out benchmarks/results/matching.json]

The load average at the start is recorded: on a busy machine the latencies mean little,
the scores and the recall do not change.
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
from collections.abc import Callable
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from api.demo import demo_tokens, load_demo
from api.main import create_app
from matcher.engine import Engine
from matcher.match.matcher import Match, Matcher
from matcher.match.scoring import gate
from matcher.settings import Settings
from matcher.store.candidates import load_facts
from matcher.store.vacancies import load_vacancy_facts

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

ALL_PASSING = """
    SELECT v.id FROM vacancy v, candidate c WHERE c.id = %s AND v.is_open
      AND v.kind::text = ANY(ARRAY(SELECT jsonb_array_elements_text(c.preferences->'kinds')))
      AND v.min_permit <= c.work_permit
      AND km_between(c.lat, c.lon, v.lat, v.lon) <= c.travel_radius_km"""


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"n": len(ms), "p50_ms": round(statistics.median(ordered), 2), "p95_ms": at(0.95),
            "p99_ms": at(0.99)}


def timed(fn: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def collect_scores(matches: list[Match], scores: dict[str, list[float]],
                   best: dict[str, list[float]]) -> None:
    """Every score of a candidate's list by kind, and the candidate's best per kind."""
    seen: set[str] = set()
    for m in matches:  # best first
        kind = m.vacancy.kind
        scores.setdefault(kind, []).append(m.scored.score)
        if kind not in seen:
            seen.add(kind)
            best.setdefault(kind, []).append(m.scored.score)


def histograms(scores: dict[str, list[float]]) -> dict[str, list[int]]:
    """Counts in 20 bins of width 0.05 over [0, 1], per kind."""
    return {kind: [int(c) for c in np.histogram(values, bins=20, range=(0.0, 1.0))[0]]
            for kind, values in sorted(scores.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "matching.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    settings = Settings(data_dir=ROOT / "var" / "demo", pgdata=tmp / "pgdata")
    engine = Engine.start(settings)
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(),
                                              "python": platform.python_version(),
                                              "load_average_1min_at_start": os.getloadavg()[0]}}
    try:
        started = time.perf_counter()
        load_demo(engine, say=lambda m: print(m, flush=True))
        results["load_seconds"] = round(time.perf_counter() - started, 1)
        matcher: Matcher = engine.matcher
        with engine.connection() as conn:
            cands = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
            vacs = [r[0] for r in conn.execute("SELECT id FROM vacancy WHERE is_open")]
        rng = random.Random(1)
        sample_v = rng.sample(vacs, 200)
        c2v: list[float] = []
        c2v_explain: list[float] = []
        v2c: list[float] = []
        plans: list[float] = []
        recalls: list[float] = []
        http: list[float] = []
        scores: dict[str, list[float]] = {}
        best: dict[str, list[float]] = {}
        with engine.connection() as conn:

            def explained_vacancies(cid: str) -> object:
                return matcher.explain(conn, matcher.vacancies_for(conn, cid)[:20])

            def explained_candidates(vid: int) -> object:
                return matcher.explain(conn, matcher.candidates_for(conn, vid)[:20],
                                       with_courses=False)

            for cid in cands:
                c2v.append(timed(matcher.vacancies_for, conn, cid))
                c2v_explain.append(timed(explained_vacancies, cid))
                top = matcher.vacancies_for(conn, cid)
                collect_scores(top, scores, best)
                if top:
                    plans.append(timed(matcher.course_plan, conn, cid, top[0].vacancy.id))
                # recall@20 of retrieval against exact scoring of every passing vacancy
                passing = [r[0] for r in conn.execute(ALL_PASSING, (cid,))]
                if len(passing) >= 20:
                    cand = load_facts(conn, [cid])[cid]
                    admitted = [v for v in load_vacancy_facts(conn, passing).values()
                                if gate(cand, v) is None]
                    exact = sorted(admitted, key=lambda v: (
                        -engine.scorer.score(cand, v).score, v.id))[:20]
                    got = {m.vacancy.id for m in top[:20]}
                    # fewer than 20 may pass the gates (prerequisites, language, recognition)
                    if exact:
                        recalls.append(len(got & {v.id for v in exact}) / len(exact))
            for vid in sample_v:
                v2c.append(timed(explained_candidates, vid))
        tokens = demo_tokens(engine)
        with TestClient(create_app(engine=engine)) as client:
            headers = {"Authorization": f"Bearer {tokens['admin'][0]}"}
            for cid in cands[:100]:
                http.append(timed(lambda path: client.get(path, headers=headers)
                                  .raise_for_status(), f"/candidates/{cid}/matches"))
        results.update({
            "candidate_to_vacancies_retrieve_and_score": percentiles(c2v),
            "candidate_to_vacancies_with_explanations_and_plans": percentiles(c2v_explain),
            "vacancy_to_candidates_with_explanations": percentiles(v2c),
            "course_plan": percentiles(plans),
            "http_candidate_matches_top20": percentiles(http),
            "recall_at_20_vs_exact": {"n": len(recalls),
                                      "mean": round(statistics.mean(recalls), 4),
                                      "min": round(min(recalls), 4)},
            "score_histogram": {"bins": [i / 20 for i in range(21)],
                                "all_admitted": histograms(scores),
                                "best_per_candidate": histograms(best)},
        })
    finally:
        engine.close()
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
