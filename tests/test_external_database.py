"""An external PostgreSQL (`MATCHER_DATABASE_URL`) and read replicas
(`MATCHER_READ_DATABASE_URLS`), each a separate server process started here: a primary
made with initdb and a streaming standby made with `pg_basebackup -R` (tests/pg_cluster.py).

Which server answered a read is shown by what it answers: with replay paused on the
replica, a change made on the primary is missing from a read the replica served, and
present in one the primary served.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.engine import Engine
from matcher.settings import Settings
from matcher.store.auth import create_user, issue_token, upsert_organisation
from matcher.store.schema import migrations
from skills_taxonomy.normalize import Normalizer
from tests.conftest import KOELN, UNTHROTTLED, Vocabulary, candidate_body, vacancy_body
from tests.pg_cluster import Cluster, Server, missing, wait_until

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


@dataclass
class Servers:
    primary: Server
    replica: Server


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    cluster = Cluster()
    try:
        primary = cluster.primary()
        yield Servers(primary, cluster.standby(primary))
    finally:
        cluster.close()  # stops both servers


@pytest.fixture
def replica(servers: Servers) -> Iterator[Server]:
    """The replica, running and replaying, before and after each test."""
    _replaying(servers.replica)
    yield servers.replica
    _replaying(servers.replica)


def _replaying(replica: Server) -> None:
    if not (replica.data / "postmaster.pid").exists():
        replica.start()
    replica.query("SELECT pg_wal_replay_resume()")


@dataclass
class Api:
    """An app on its own engine, with an admin, a coach and an employer of its own."""

    engine: Engine
    client: TestClient
    tokens: dict[str, str]
    employer: int

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: str = "admin", **params: Any) -> Any:
        response = self.client.get(path, headers=self.auth(role), params=params)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def post(self, path: str, body: dict[str, Any], role: str = "admin") -> Any:
        response = self.client.post(path, json=body, headers=self.auth(role))
        assert response.status_code == 201, (path, response.status_code, response.text)
        return response.json()

    def cook_job(self) -> int:
        """A new cook vacancy in Köln."""
        vocab = Vocabulary(self.engine.concepts.taxonomy)
        return int(self.post("/vacancies", vacancy_body(
            f"x-{uuid.uuid4().hex[:8]}", "Koch (m/w/d)", "job", KOELN,
            occupation=vocab.occupation("cook"), languages=[{"lang": "de", "level": "B1"}],
            essential_skills=vocab.skills("use cooking techniques", "prepare vegetables"),
        ), role="employer")["id"])

    def cook(self) -> str:
        """A new candidate who cooks, in Köln, consenting to every employer."""
        vocab = Vocabulary(self.engine.concepts.taxonomy)
        return str(self.post("/candidates", candidate_body(
            f"x-{uuid.uuid4().hex[:8]}", "Rana Cook", KOELN,
            skills=[{"concept": s, "source": "coach_verified"} for s in vocab.skills(
                "use cooking techniques", "prepare vegetables")],
            preferences={"kinds": ["job"], "occupations": [vocab.occupation("cook")]},
            consents=[{"employer_id": None}]), role="coach")["id"])


@contextmanager
def api_on(tmp_path: Path, starter: Normalizer, url: str, **settings: Any) -> Iterator[Api]:
    engine = Engine.start(Settings(data_dir=tmp_path, database_url=url, job_workers=0,
                                   **UNTHROTTLED, **settings), normalizer=starter)
    try:
        tag = uuid.uuid4().hex[:8]
        with engine.connection() as conn:
            centre = upsert_organisation(conn, "Centre", "centre", f"x-centre-{tag}")
            employer = upsert_organisation(conn, "Employer", "employer", f"x-emp-{tag}")
            tokens = {role: issue_token(conn, create_user(conn, role, kind, org))
                      for role, kind, org in (("admin", "admin", None),
                                              ("coach", "coach", centre),
                                              ("employer", "employer", employer))}
        with TestClient(create_app(engine=engine)) as client:
            yield Api(engine, client, tokens, employer)
    finally:
        engine.close()


def test_external_server_takes_the_place_of_the_embedded_one(
        tmp_path: Path, starter: Normalizer, servers: Servers) -> None:
    primary = servers.primary
    with api_on(tmp_path, starter, primary.url) as api:
        assert not api.engine.db.embedded
        assert not (tmp_path / "pgdata").exists()  # no embedded server was started
        assert primary.query("SELECT max(number) FROM schema_migration") == \
            migrations()[-1][0]
        assert primary.query("SELECT extname FROM pg_extension WHERE extname = 'vector'")
        job, cook = api.cook_job(), api.cook()
        listed = api.get(f"/candidates/{cook}/matches", role="coach")
        assert job in [item["vacancy"]["id"] for item in listed["items"]]
        found = api.get(f"/vacancies/{job}/matches", role="employer")
        assert cook in [item["candidate"]["id"] for item in found["items"]]
        # written to, and read from, the separate server
        assert primary.query("SELECT count(*) FROM vacancy WHERE id = %s", job) == 1
        assert primary.query("SELECT count(*) FROM audit_log WHERE candidate_id = %s"
                             " AND action = 'candidate.matches'", cook) == 1
        assert api.engine.db.replicas is None and api.engine.db.primary_reads >= 2


def _title(api: Api, vacancy: int) -> str:
    items = api.get("/vacancies", role="employer", limit=100)["items"]
    return str(next(item["title"] for item in items if item["id"] == vacancy))


def test_reads_go_to_the_replica_and_writes_to_the_primary(
        tmp_path: Path, starter: Normalizer, servers: Servers, replica: Server) -> None:
    primary = servers.primary
    with api_on(tmp_path, starter, primary.url, read_database_urls=replica.url,
                replica_max_lag_seconds=60) as api:
        on_replica = api.engine.db.replicas.all[0] if api.engine.db.replicas else None
        assert on_replica is not None and on_replica.state.fresh
        job, cook = api.cook_job(), api.cook()
        assert wait_until(lambda: replica.query(
            "SELECT count(*) FROM candidate WHERE id = %s", cook) == 1)
        # with replay paused, a change on the primary is not in what the replica serves
        replica.query("SELECT pg_wal_replay_pause()")
        primary.query("UPDATE vacancy SET title = 'Chefkoch' WHERE id = %s", job)
        served = on_replica.served
        assert _title(api, job) == "Koch (m/w/d)"
        assert on_replica.served == served + 1
        # matches read on the replica; their audit rows are written on the primary
        listed = api.get(f"/candidates/{cook}/matches", role="coach")
        assert job in [item["vacancy"]["id"] for item in listed["items"]]
        found = api.get(f"/vacancies/{job}/matches", role="employer")
        assert cook in [item["candidate"]["id"] for item in found["items"]]
        assert primary.query("SELECT array_agg(action ORDER BY id) FROM audit_log"
                             " WHERE candidate_id = %s AND action LIKE '%%match%%'", cook) \
            == ["candidate.matches", "candidate.match_read"]
        assert on_replica.served == served + 3
        # a candidate written a moment ago, not on the replica yet: asked of the primary
        newer = api.cook()
        reads = api.engine.db.primary_reads
        assert api.get(f"/candidates/{newer}/matches", role="coach")["total"] >= 1
        assert api.engine.db.primary_reads == reads + 1
        replica.query("SELECT pg_wal_replay_resume()")
        assert wait_until(lambda: _title(api, job) == "Chefkoch")


def test_a_replica_behind_the_limit_is_skipped(
        tmp_path: Path, starter: Normalizer, servers: Servers, replica: Server) -> None:
    primary = servers.primary
    with api_on(tmp_path, starter, primary.url, read_database_urls=replica.url,
                replica_max_lag_seconds=1) as api:
        assert api.engine.db.replicas is not None
        on_replica = api.engine.db.replicas.all[0]
        job = api.cook_job()
        assert wait_until(lambda: on_replica.state.fresh)
        replica.query("SELECT pg_wal_replay_pause()")
        primary.query("UPDATE vacancy SET title = 'Jungkoch' WHERE id = %s", job)
        assert wait_until(lambda: not on_replica.state.fresh, seconds=15)
        assert "behind" in on_replica.state.why
        served, reads = on_replica.served, api.engine.db.primary_reads
        assert _title(api, job) == "Jungkoch"  # the primary answered
        assert (on_replica.served, api.engine.db.primary_reads) == (served, reads + 1)
        replica.query("SELECT pg_wal_replay_resume()")
        assert wait_until(lambda: on_replica.state.fresh)
        assert _title(api, job) == "Jungkoch"
        assert on_replica.served == served + 1


def test_reads_answer_while_the_replica_is_down(
        tmp_path: Path, starter: Normalizer, servers: Servers, replica: Server) -> None:
    with api_on(tmp_path, starter, servers.primary.url,
                read_database_urls=replica.url) as api:
        assert api.engine.db.replicas is not None
        on_replica = api.engine.db.replicas.all[0]
        job, cook = api.cook_job(), api.cook()
        assert wait_until(lambda: replica.query(
            "SELECT count(*) FROM candidate WHERE id = %s", cook) == 1)
        api.get("/vacancies", role="employer")
        api.get("/courses", role="coach")
        replica.stop()
        for _ in range(3):  # the first finds the pool's connections dead, then the monitor
            assert _title(api, job) == "Koch (m/w/d)"
            listed = api.get(f"/candidates/{cook}/matches", role="coach")
            assert job in [item["vacancy"]["id"] for item in listed["items"]]
            api.get(f"/vacancies/{job}/matches", role="employer")
            api.get("/courses", role="coach")
        assert not on_replica.state.fresh
        served = on_replica.served
        replica.start()  # back: reads return to it
        assert wait_until(lambda: on_replica.state.fresh)
        api.get(f"/candidates/{cook}/matches", role="coach")
        assert on_replica.served == served + 1
