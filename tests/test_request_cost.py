"""What a request costs besides its own work (issue 15): one pooled connection and one
transaction for the token, the scope check, the read and the audit row; a pooled
connection handed out without a round trip unless the server spoke on it while it was
idle; the throttle's moving windows."""

from __future__ import annotations

import time

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from api.limits import MovingWindows, Throttle
from matcher.engine import Engine
from matcher.store.liveness import check_if_needed, needs_check
from tests.conftest import World


def requests_for_connections(engine: Engine) -> int:
    assert engine.db.pool is not None
    return int(engine.db.pool.get_stats().get("requests_num", 0))


def audit_rows(engine: Engine, candidate_id: str) -> int:
    with engine.connection() as conn:
        row = conn.execute("SELECT count(*) FROM audit_log WHERE candidate_id = %s"
                           " AND action = 'candidate.matches'", (candidate_id,)).fetchone()
    return int(row[0]) if row else 0


def test_a_match_request_takes_one_pooled_connection(client: TestClient, world: World,
                                                     engine: Engine) -> None:
    """The token, the scope check, the stored list and the audit row share one connection
    (three before: authentication, the read, the audit row)."""
    cid, coach = world.candidates["olena"], world.auth("coach_a")
    url = f"/candidates/{cid}/matches"
    assert client.get(url, headers=coach).status_code == 200  # computed and stored
    audited = audit_rows(engine, cid)
    # The pool is shared with the app's job workers, which may be refreshing other tests'
    # lists meanwhile: they only add, so the quietest of a few rounds is the requests' own.
    taken = []
    for _ in range(5):
        before = requests_for_connections(engine)
        answers = [client.get(url, headers=coach) for _ in range(10)]
        taken.append(requests_for_connections(engine) - before)
        assert [a.status_code for a in answers] == [200] * 10
        assert all(a.json()["freshness"]["from_store"] for a in answers)
        if taken[-1] <= 12:
            break
    # ten requests, ten connections (a worker may poll once or twice meanwhile)
    assert 10 <= min(taken) <= 12, taken
    assert audit_rows(engine, cid) == audited + 10 * len(taken)


def test_a_revoked_token_is_refused_on_the_next_request(client: TestClient, world: World,
                                                        engine: Engine) -> None:
    """The token is read in the route's transaction, never cached: revoking it takes
    effect on the very next request, and the refused request writes no audit row."""
    created = client.post("/users", json={"name": "Kurz Admin", "role": "admin"},
                          headers=world.auth("admin"))
    assert created.status_code == 201
    token = {"Authorization": f"Bearer {created.json()['token']}"}
    cid = world.candidates["olena"]
    assert client.get(f"/candidates/{cid}/matches", headers=token).status_code == 200
    audited = audit_rows(engine, cid)
    with engine.connection() as conn:
        conn.execute("UPDATE api_token SET revoked_at = now() WHERE user_id = %s",
                     (created.json()["id"],))
    refused = client.get(f"/candidates/{cid}/matches", headers=token)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert refused.headers["www-authenticate"] == "Bearer"
    assert client.get(f"/vacancies/{world.vacancies['cook_job']}",
                      headers=token).status_code == 401
    assert audit_rows(engine, cid) == audited


def test_an_unknown_candidate_answers_404_and_writes_nothing(client: TestClient,
                                                             world: World,
                                                             engine: Engine) -> None:
    missing = "cand_000000000000"
    answer = client.get(f"/candidates/{missing}/matches", headers=world.auth("admin"))
    assert answer.status_code == 404 and missing in answer.json()["detail"]
    assert audit_rows(engine, missing) == 0


# --- handing out pooled connections --------------------------------------------------------

def test_an_idle_connection_is_handed_out_without_a_round_trip_until_its_backend_dies(
        engine: Engine) -> None:
    with psycopg.connect(engine.db.url, autocommit=True) as conn, \
            psycopg.connect(engine.db.url, autocommit=True) as admin:
        conn.execute("SELECT 1")
        assert not needs_check(conn)
        pid = conn.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 5
        while not needs_check(conn) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert needs_check(conn)
        with pytest.raises(psycopg.OperationalError):
            check_if_needed(conn)
    closed = psycopg.connect(engine.db.url)
    closed.close()
    assert needs_check(closed)


def test_the_pool_replaces_a_connection_whose_backend_was_terminated(engine: Engine) -> None:
    dead: list[str] = []
    pool = ConnectionPool(engine.db.url, min_size=1, max_size=1, open=True, check=lambda c:
                          check_if_needed(c, on_dead=lambda: dead.append("dead")))
    try:
        with pool.connection() as conn:
            first = conn.info.backend_pid
        with psycopg.connect(engine.db.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        time.sleep(0.2)
        with pool.connection(timeout=10) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            assert conn.info.backend_pid != first
        assert dead == ["dead"]
    finally:
        pool.close()


# --- the throttle's windows ----------------------------------------------------------------

def test_a_moving_window_refuses_when_full_and_forgets_what_left_it() -> None:
    windows = MovingWindows(seconds=0.3)
    allowance = Throttle(3, 3).expensive
    key = ("expensive", "token")
    assert [windows.hit(allowance, key) for _ in range(4)] == [True, True, True, False]
    assert not windows.test(allowance, key)
    assert windows.retry_after(key) == 1
    time.sleep(0.35)
    assert windows.test(allowance, key) and windows.hit(allowance, key)
    other = ("expensive", "another")
    assert windows.hit(allowance, other) and len(windows) == 2


def test_keys_with_nothing_in_the_window_are_forgotten() -> None:
    windows = MovingWindows(seconds=0.05)
    allowance = Throttle(1, 1).auth_failures
    for i in range(100):
        windows.hit(allowance, ("auth", f"198.51.100.{i}"))
    time.sleep(0.1)
    for _ in range(2000):  # past the sweep interval
        windows.hit(allowance, ("auth", "203.0.113.9"))
    assert len(windows) == 1
