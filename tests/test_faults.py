"""Faults, bounded and on loopback only: PostgreSQL killed with -9 while the API writes,
and the API process stopped (SIGTERM) or killed (-9). Each test has a data folder of its
own (the session's engine is never touched). The figures are printed (`pytest -s`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from api.main import create_app
from matcher.engine import Engine
from matcher.settings import Settings
from matcher.store.auth import create_user, issue_token
from skills_taxonomy.normalize import Normalizer
from tests.conftest import CACHE
from tests.live import live_server

RECOVERY_LIMIT = 15.0  # seconds from kill -9 to the first acknowledged write


@pytest.fixture()
def own_engine(tmp_path: Path, starter: Normalizer) -> Iterator[Engine]:
    engine = Engine.start(Settings(data_dir=tmp_path, pgdata=tmp_path / "pgdata"),
                          normalizer=starter)
    try:
        yield engine
    finally:
        engine.close()


def kill_postgres(pid: int) -> None:
    """kill -9 the postmaster and every process it started, as an OOM killer or a crash
    would leave it."""
    postmaster = psutil.Process(pid)
    children = postmaster.children(recursive=True)
    postmaster.kill()
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


@dataclass
class Writes:
    """What the writers sent and what they were told."""

    acknowledged: dict[int, str] = field(default_factory=dict)  # organisation id -> name
    statuses: dict[int, int] = field(default_factory=dict)
    unavailable: list[float] = field(default_factory=list)  # seconds each 503 took
    without_retry_after: int = 0
    # requests sent after the kill: (seconds from the kill to the answer, status)
    after_kill: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(base: str, token: str, number: int, stop: threading.Event, writes: Writes,
           killed: list[float]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as client:
        n = 0
        while not stop.is_set():
            n += 1
            name = f"fault writer {number} #{n}"
            started = time.monotonic()
            try:
                response = client.post("/organisations", json={
                    "name": name, "kind": "centre", "external_id": f"fault-{number}-{n}"})
            except httpx.TransportError:
                code = 0  # no answer at all: counted, and fails the test below
            else:
                code = response.status_code
            took = time.monotonic() - started
            with writes.lock:
                writes.statuses[code] = writes.statuses.get(code, 0) + 1
                if killed and started > killed[0] + 0.1:  # surely after the kill
                    writes.after_kill.append((time.monotonic() - killed[0], code))
                if code == 201:
                    writes.acknowledged[response.json()["id"]] = name
                elif code == 503:
                    writes.unavailable.append(took)
                    if not response.headers.get("Retry-After", "").isdigit():
                        writes.without_retry_after += 1
            if code != 201:
                time.sleep(0.05)


def test_kill_9_of_postgres_during_writes(own_engine: Engine) -> None:
    """The service answers again without a restart, within 15 s; every write it
    acknowledged is stored; while the database is away it answers 503 with Retry-After,
    quickly, and never 500."""
    with own_engine.connection() as conn:
        token = issue_token(conn, create_user(conn, "fault admin", "admin"), "test")
    writes, stop, killed = Writes(), threading.Event(), []
    app = create_app(engine=own_engine)
    with live_server(app) as base:
        threads = [threading.Thread(target=writer, args=(base, token, i, stop, writes, killed))
                   for i in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(writes.acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        before = len(writes.acknowledged)
        old_pid = own_engine.db.postmaster_pid
        assert old_pid is not None
        killed.append(time.monotonic())
        kill_postgres(old_pid)
        with httpx.Client(base_url=base, timeout=30) as probe:
            time.sleep(0.3)
            while_down = probe.get("/ready")
            health_down = probe.get("/health")
            recovered = None
            while time.monotonic() - killed[0] < 45:
                with writes.lock:
                    ok = [t for t, code in writes.after_kill if code == 201]
                if ok:
                    recovered = min(ok)
                    break
                time.sleep(0.05)
            time.sleep(1.0)  # a little more writing on the restarted server
            ready_after = probe.get("/ready")
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    with own_engine.connection() as conn:
        stored = dict(conn.execute("SELECT id, name FROM organisation WHERE id = ANY(%s)",
                                   (list(writes.acknowledged),)).fetchall())
    lost = {i: n for i, n in writes.acknowledged.items() if stored.get(i) != n}
    figures = {
        "recovery_seconds": round(recovered, 2) if recovered is not None else None,
        "acknowledged_before_kill": before,
        "acknowledged": len(writes.acknowledged), "found": len(stored), "lost": len(lost),
        "statuses": writes.statuses,
        "answers_503": len(writes.unavailable),
        "latency_503_median_ms": round(1000 * sorted(writes.unavailable)[
            len(writes.unavailable) // 2], 1) if writes.unavailable else None,
        "latency_503_max_ms": round(1000 * max(writes.unavailable), 1)
        if writes.unavailable else None,
        "restarts": own_engine.db.restarts,
    }
    print("\nkill -9 of PostgreSQL during writes:", json.dumps(figures))
    assert recovered is not None and recovered < RECOVERY_LIMIT, figures
    assert not lost, f"acknowledged writes lost: {lost}"
    assert set(writes.statuses) <= {201, 503}, figures  # no 500, no dropped connection
    assert writes.unavailable and writes.without_retry_after == 0, figures
    assert max(writes.unavailable) < 3.0, figures  # never a 30-s hang
    assert while_down.status_code == 503 and while_down.headers["Retry-After"].isdigit()
    assert health_down.status_code == 200  # liveness: the process answers
    assert health_down.json()["database"] == "unavailable"
    assert ready_after.status_code == 200 and ready_after.json()["status"] == "ready"
    assert own_engine.db.restarts >= 1 and own_engine.db.postmaster_pid != old_pid


# --- the API process: SIGTERM stops its PostgreSQL, a kill -9 leaves no stale handle --------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_api(data_dir: Path, port: int, env: dict[str, str] | None = None,
              ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MATCHER_DATA_DIR": str(data_dir), **(env or {})}
    process = subprocess.Popen([sys.executable, "-m", "api", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the API exited while starting"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError("the API did not become ready within 120 s")


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.1)
    return False


def test_sigterm_of_the_api_stops_its_postgres_even_after_a_kill_9(tmp_path: Path) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cache").symlink_to(CACHE)  # the indexes the session already built
    pgdata = tmp_path / "pgdata"
    first = start_api(tmp_path, free_port())
    pid = postmaster_pid(pgdata)
    first.kill()  # kill -9: its handle stays in pgserver's list, PostgreSQL keeps running
    first.wait(timeout=10)
    assert psutil.pid_exists(pid)
    assert first.pid in json.loads((pgdata / ".handle_pids.json").read_text())

    started = time.monotonic()
    second = start_api(tmp_path, free_port())
    restart_seconds = time.monotonic() - started
    try:
        assert postmaster_pid(pgdata) == pid  # the running server, reused
        assert json.loads((pgdata / ".handle_pids.json").read_text()) == [second.pid]
    finally:
        stopping = time.monotonic()
        second.send_signal(signal.SIGTERM)
        code = second.wait(timeout=30)
    stopped = gone(pid, within=15)
    print(f"\nSIGTERM of the API: exit {code}, PostgreSQL stopped: {stopped} "
          f"({time.monotonic() - stopping:.1f} s); restart after kill -9 of the API "
          f"{restart_seconds:.1f} s")
    assert stopped, "PostgreSQL kept running after the API was stopped"
    assert code in (0, 143, -signal.SIGTERM)


# --- the API killed in the middle of an import: nothing of it is stored -------------------

def cli(data_dir: Path, *args: str) -> dict[str, Any]:
    env = {**os.environ, "MATCHER_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "matcher.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_kill_9_of_the_api_during_an_import_stores_nothing_then_the_job_runs_again(
        tmp_path: Path) -> None:
    """A feed of free-text adverts is queued (202) and linked by the API's worker; kill -9
    in the middle leaves nothing written, and the next API process takes the job up again
    once its heartbeat has stopped, and lands it whole."""
    CACHE.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cache").symlink_to(CACHE)
    env = {"MATCHER_JOB_STALE_SECONDS": "3"}
    port = free_port()
    api = start_api(tmp_path, port, env)
    employer = cli(tmp_path, "orgs", "add", "Kantine Süd GmbH", "--kind", "employer")["id"]
    token = cli(tmp_path, "users", "add", "Personalabteilung", "--role", "employer",
                "--organisation", str(employer))["token"]
    auth = {"Authorization": f"Bearer {token}"}
    rows = [{"external_id": f"kill-{i}", "kind": "job", "title": f"Koch / Köchin {i} (m/w/d)",
             "location": {"town": "Köln", "lat": 50.9375, "lon": 6.9603},
             "essential_skills_text": f"Suppen und Soßen kochen, Gemüse schneiden {i}"}
            for i in range(200)]  # free text: linking takes seconds before the write
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    queued = httpx.post(f"http://127.0.0.1:{port}/vacancies/import", content=body,
                        headers={**auth, "Content-Type": "application/x-ndjson"}, timeout=60)
    assert queued.status_code == 202, queued.text
    job_url = queued.headers["Location"]
    deadline = time.monotonic() + 60
    while httpx.get(f"http://127.0.0.1:{port}{job_url}", headers=auth,
                    timeout=10).json()["state"] != "running":
        assert time.monotonic() < deadline, "the worker did not take the job up"
        time.sleep(0.1)
    api.kill()  # kill -9 while the rows are being linked, before the write
    api.wait(timeout=10)

    second = start_api(tmp_path, free_port(), env)
    try:
        base = f"http://127.0.0.1:{second.args[-1]}"
        listed = httpx.get(f"{base}/vacancies?limit=1", headers=auth, timeout=30)
        assert listed.status_code == 200, listed.text
        assert listed.json()["total"] == 0  # all or nothing: nothing yet
        deadline = time.monotonic() + 240
        while (job := httpx.get(f"{base}{job_url}", headers=auth,
                                timeout=10).json())["state"] != "done":
            assert job["state"] != "failed" and time.monotonic() < deadline, job
            time.sleep(0.5)
        assert job["result"]["created"] == len(rows)
        listed = httpx.get(f"{base}/vacancies?limit=1", headers=auth, timeout=30)
        assert listed.json()["total"] == len(rows)  # ...then all of it, once
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
