"""API under load: concurrent clients on loopback against a real server.

Starts the API (`python -m api --workers N`: uvicorn on uvloop and httptools,
`--workers` processes sharing one embedded PostgreSQL) over the demo data set in a fresh
data folder, then runs `--clients` concurrent clients for `--seconds`: a mix of match
requests (GET /candidates/{id}/matches), vacancy reads and outcome writes (POST
/outcomes, each recording a unique reason). Reports throughput, p50/p99 per kind of
request, errors (must be 0), and lost writes: the outcome rows in the database
afterwards must equal the writes the server acknowledged. Also the CPU each side used
per request (the API's processes, PostgreSQL's, the clients'), and how many of the
machine's cores the three got together: all run on the same machine, beside whatever
else runs there.

    python -m benchmarks.load [--clients 32] [--seconds 60] [--workers 2] [--runs 3]
        [--revalidate] [--out benchmarks/results/load.json]

With `--revalidate` each client keeps the ETag of every match list it has read and sends
it back in `If-None-Match`, as a browser re-polling a coach's page does: an unchanged list
is answered 304 without a body (counted in `not_modified`).

With `--runs N` the clients run N times against the same server; the figures are per run
and their median, and the lost-writes check counts every run's writes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
MIX = (("match", 0.7), ("vacancy", 0.2), ("outcome", 0.1))

PREPARE = """
import json, sys
from api.demo import demo_tokens, load_demo
from matcher.engine import Engine
from matcher.settings import Settings
engine = Engine.start(Settings())
load_demo(engine, say=lambda m: print(m, file=sys.stderr))
tokens = demo_tokens(engine)
with engine.connection() as conn:
    cands = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
    vacs = [r[0] for r in conn.execute("SELECT id FROM vacancy WHERE is_open ORDER BY id")]
print(json.dumps({"token": tokens["admin"][0], "candidates": cands, "vacancies": vacs,
                  "url": engine.db.url}))
engine.close()
"""


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    if not ordered:
        return {"n": 0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": at(0.99)}


async def client(base: str, token: str, facts: dict, until: float, seed: int,
                 lat: dict[str, list[float]], errors: list[str], writes: list[str],
                 etags: dict[str, str] | None = None) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        n = 0
        while time.perf_counter() < until:
            kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
            started = time.perf_counter()
            r: httpx.Response | None = None
            try:
                if kind == "match":
                    url = f"/candidates/{rng.choice(facts['candidates'])}/matches"
                    known = etags.get(url) if etags is not None else None
                    r = await http.get(url, params={"limit": 20}, headers=(
                        {"If-None-Match": known} if known else None))
                    if etags is not None and "etag" in r.headers:
                        etags[url] = r.headers["etag"]
                elif kind == "vacancy":
                    r = await http.get(f"/vacancies/{rng.choice(facts['vacancies'])}")
                else:
                    reason = f"load-{seed}-{n}"
                    r = await http.post("/outcomes", json={
                        "candidate_id": rng.choice(facts["candidates"]),
                        "vacancy_id": rng.choice(facts["vacancies"]),
                        "status": "contacted", "reason": reason})
                    if r.status_code == 201:
                        writes.append(reason)
                if r.status_code >= 400:
                    errors.append(f"{kind} {r.status_code} {r.text[:100]}")
            except httpx.HTTPError as exc:
                errors.append(f"{kind} {type(exc).__name__}")
            lat[kind].append((time.perf_counter() - started) * 1000)
            if r is not None and kind == "match" and r.status_code == 304:
                lat["not_modified"].append(lat[kind][-1])
            n += 1


async def run_clients(base: str, facts: dict, clients: int, seconds: float,
                      revalidate: bool = False,
                      ) -> tuple[dict[str, list[float]], list[str], list[str], float]:
    lat: dict[str, list[float]] = {k: [] for k, _ in MIX}
    lat["not_modified"] = []
    errors: list[str] = []
    writes: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(client(base, facts["token"], facts, until, i, lat, errors, writes,
                                  {} if revalidate else None)
                           for i in range(clients)))
    return lat, errors, writes, time.perf_counter() - started


def tree(pid: int) -> list[psutil.Process]:
    try:
        return [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def cpu_seconds(procs: list[psutil.Process]) -> float:
    """User and system CPU seconds of these processes so far, their children that have
    exited and were waited for included (PostgreSQL's ended backends)."""
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def cpu_use(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of the API server, PostgreSQL and these clients (this process)."""
    postgres = tree(pids["postgres"])
    inside = {p.pid for p in postgres}
    api = [p for p in tree(pids["api"]) if p.pid not in inside]
    own = psutil.Process().cpu_times()
    return {"api": cpu_seconds(api), "postgres": cpu_seconds(postgres),
            "clients": own.user + own.system}


def measured(base: str, facts: dict, args: argparse.Namespace, pids: dict[str, int],
             ) -> dict[str, Any]:
    """One run's summary, with the CPU each side used: ms per request, and the share of
    the machine's cores the benchmark got (the rest went to whatever else ran)."""
    before = cpu_use(pids)
    result = summary(*asyncio.run(run_clients(base, facts, args.clients, args.seconds,
                                              args.revalidate)))
    used = {k: v - before[k] for k, v in cpu_use(pids).items()}
    result["cpu_ms_per_request"] = {k: round(1000 * v / max(1, result["requests"]), 2)
                                    for k, v in used.items()}
    result["cores_used"] = round(sum(used.values()) / result["seconds"], 2)
    return result


def summary(lat: dict[str, list[float]], errors: list[str], writes: list[str],
            elapsed: float) -> dict[str, Any]:
    not_modified = percentiles(lat.pop("not_modified", []))  # also counted in match
    total = sum(len(v) for v in lat.values())
    match, every = percentiles(lat["match"]), percentiles([x for v in lat.values() for x in v])
    return {"seconds": round(elapsed, 1), "requests": total,
            "requests_per_s": round(total / elapsed, 1),
            "match_requests_per_s": round(len(lat["match"]) / elapsed, 1),
            "match_p50_ms": match.get("p50_ms"), "match_p99_ms": match.get("p99_ms"),
            "all_p50_ms": every.get("p50_ms"), "all_p99_ms": every.get("p99_ms"),
            "latency": {k: percentiles(v) for k, v in lat.items()},
            "not_modified": not_modified,
            "errors": len(errors), "error_examples": errors[:5],
            "writes_acknowledged": len(writes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--revalidate", action="store_true",
                        help="send back each match list's ETag (If-None-Match)")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    env = {**os.environ, "MATCHER_DATA_DIR": str(tmp), "MATCHER_PGDATA": str(tmp / "pg"),
           "TOKENIZERS_PARALLELISM": "false",
           "MATCHER_POOL_SIZE": str(max(4, args.clients // max(1, args.workers))),
           # every client shares one token: the per-token limit of the match routes is
           # for people, not for this measurement
           "MATCHER_EXPENSIVE_PER_MINUTE": "1000000"}
    cache = ROOT / "var" / "demo" / "cache"
    if cache.exists():  # reuse the starter index cache of `make demo`
        (tmp / "cache").symlink_to(cache)
    prepared = subprocess.run([sys.executable, "-c", PREPARE], env=env, check=True,
                              capture_output=True, text=True, cwd=ROOT)
    facts = json.loads(prepared.stdout.strip().splitlines()[-1])
    # The embedded server stopped with the preparing process; the workers share it again
    # through its URL (the first to start it starts it).
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(args.port),
         "--workers", str(args.workers), "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{args.port}"
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        time.sleep(5)  # let every worker finish starting
        load_at_start = round(os.getloadavg()[0], 2)
        postmaster = int((tmp / "pg" / "postmaster.pid").read_text().split()[0])
        pids = {"api": server.pid, "postgres": postmaster}
        runs = [measured(base, facts, args, pids) for _ in range(args.runs)]
        with psycopg.connect(facts["url"]) as conn:
            stored = conn.execute("SELECT count(*) FROM outcome WHERE reason LIKE 'load-%%'"
                                  ).fetchone()
    finally:
        server.terminate()
        server.wait(30)
    acknowledged = sum(int(r["writes_acknowledged"]) for r in runs)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    # the 1-minute load average when the clients started and when they
                    # stopped: the cores are shared with whatever else runs
                    "load_average": [load_at_start, round(os.getloadavg()[0], 2)]},
        "clients": args.clients, "seconds_per_run": args.seconds, "workers": args.workers,
        "revalidate": args.revalidate,
        "median": {key: statistics.median(float(r[key]) for r in runs)
                   for key in ("requests_per_s", "match_requests_per_s", "match_p50_ms",
                               "match_p99_ms", "all_p50_ms", "all_p99_ms", "cores_used")},
        "median_cpu_ms_per_request": {key: statistics.median(
            float(r["cpu_ms_per_request"][key]) for r in runs)
            for key in ("api", "postgres", "clients")},
        "errors": sum(int(r["errors"]) for r in runs),
        "writes_acknowledged": acknowledged, "writes_stored": stored[0] if stored else None,
        "lost_writes": acknowledged - (stored[0] if stored else 0), "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
