"""What one API request costs, one at a time, in process (issue 15).

Over the demo data set (loaded once into `--data-dir`, reused by later runs), the app
behind FastAPI's TestClient answers `--requests` requests of each kind one after the
other: a match list from the stored list (`GET /candidates/{id}/matches?limit=20`, the
lists computed once beforehand), the same with `If-None-Match` (304), a vacancy read
(`GET /vacancies/{id}`) and an outcome write (`POST /outcomes`). Reports the median and
p90 wall time and the median CPU time of the process per request (client and app: both
run in this process; the app's sync work in the threadpool, which is why cProfile, one
thread only, does not see it: profile with `py-spy record -- python -m ...` instead).

    python -m benchmarks.request_cost [--requests 500] [--data-dir /tmp/request-cost]
        [--out benchmarks/results/request_cost.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.demo import demo_tokens, load_demo
from api.main import create_app
from matcher.engine import Engine
from matcher.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
Response = Any  # the test client's response (httpx's, or the httpx2 fork's)
RESULTS = ROOT / "benchmarks" / "results"


def timed(send: Callable[[int], Response], n: int, expect: int) -> dict[str, float]:
    """Median and p90 wall time, median CPU time (ms) of `n` requests sent one at a time."""
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        answer = send(i)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if answer.status_code != expect:
            raise SystemExit(f"expected {expect}, got {answer.status_code}: {answer.text[:200]}")
    wall.sort()
    return {"n": n, "median_ms": round(statistics.median(wall), 2),
            "p90_ms": round(wall[int(0.9 * n)], 2),
            "cpu_median_ms": round(statistics.median(cpu), 2)}


def measure(client: TestClient, token: str, facts: dict[str, Any], n: int,
            ) -> dict[str, dict[str, float]]:
    auth = {"Authorization": f"Bearer {token}"}
    cands, vacs = facts["candidates"], facts["vacancies"]

    def match(i: int) -> Response:
        return client.get(f"/candidates/{cands[i % len(cands)]}/matches",
                          params={"limit": 20}, headers=auth)

    etags = {c: match(i).headers["etag"] for i, c in enumerate(cands)}  # computed once

    def revalidate(i: int) -> Response:
        cid = cands[i % len(cands)]
        return client.get(f"/candidates/{cid}/matches", params={"limit": 20},
                          headers={**auth, "If-None-Match": etags[cid]})

    def vacancy(i: int) -> Response:
        return client.get(f"/vacancies/{vacs[i % len(vacs)]}", headers=auth)

    def outcome(i: int) -> Response:
        return client.post("/outcomes", headers=auth, json={
            "candidate_id": cands[i % len(cands)], "vacancy_id": vacs[i % len(vacs)],
            "status": "contacted", "reason": f"cost-{time.time_ns()}"})

    for send in (match, vacancy):  # warm up
        for i in range(20):
            send(i)
    return {"match_stored": timed(match, n, 200), "match_304": timed(revalidate, n, 304),
            "vacancy": timed(vacancy, n, 200), "outcome": timed(outcome, n, 201)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/request-cost"))
    parser.add_argument("--out", type=Path, default=RESULTS / "request_cost.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    settings = Settings(data_dir=args.data_dir, expensive_per_minute=1_000_000,
                        job_workers=0)
    engine = Engine.start(settings)
    try:
        load_demo(engine, say=lambda m: None)
        token = demo_tokens(engine)["admin"][0]
        with engine.connection() as conn:
            facts = {"candidates": [r[0] for r in conn.execute(
                        "SELECT id FROM candidate ORDER BY id LIMIT 50")],
                     "vacancies": [r[0] for r in conn.execute(
                        "SELECT id FROM vacancy WHERE is_open ORDER BY id LIMIT 200")]}
        with TestClient(create_app(engine=engine)) as client:
            results = measure(client, token, facts, args.requests)
    finally:
        engine.close()
    out = {"requests": args.requests, "machine": {"cpus": os.cpu_count(),
                                                  "load_average": os.getloadavg()},
           "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
