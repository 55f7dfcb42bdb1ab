"""Background jobs: a free-text import answered 202 and done by the API's worker, its
progress and answer, who may follow it, and the queue's guarantees (each job runs once,
a job whose worker died runs again, a failed job writes nothing)."""

from __future__ import annotations

import json
import time
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from matcher.engine import Engine
from matcher.jobs import links_text
from matcher.schemas import VacancyIn
from matcher.store import jobs as store
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import KOELN, World, scalar, vacancy_body

NDJSON = {"Content-Type": "application/x-ndjson"}
# far from every candidate of the shared world, whose match lists other tests check
GOERLITZ = {"town": "Görlitz", "lat": 51.1528, "lon": 14.9874}
ASYNC = {**NDJSON, "Prefer": "respond-async"}


@pytest.fixture(scope="module")
def feed(engine: Engine) -> dict[str, Any]:
    """An employer of its own, whose imported vacancies no other test's lists show."""
    with engine.connection() as conn:
        org = upsert_organisation(conn, "Kantine Görlitz GmbH", "employer", "t-jobs-emp")
        user = create_user(conn, "Jana Kantine", "employer", org)
        token = issue_token(conn, user, "tests")
    return {"org": org, "user": user, "auth": {"Authorization": f"Bearer {token}"}}


def free_text_rows(prefix: str, n: int) -> bytes:
    """Adverts as a feed sends them: a German title and skills in words, no concept ids."""
    texts = ["Gemüse vorbereiten, nach Rezept arbeiten, Küche sauber halten",
             "Suppen und Soßen kochen; Messer benutzen", "Haare schneiden und färben"]
    rows = [vacancy_body(f"{prefix}-{i}", "Koch / Köchin (m/w/d)" if i % 3 < 2 else
                         "Friseur (m/w/d)", "job", GOERLITZ,
                         essential_skills_text=texts[i % 3]) for i in range(n)]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def wait_for(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {url} did not end: {job}")


def test_free_text_import_is_queued_and_done_by_the_worker(
        client: TestClient, world: World, feed: dict[str, Any]) -> None:
    owner = feed["auth"]
    response = client.post("/vacancies/import", content=free_text_rows("t-job", 4),
                           headers={**owner, **ASYNC})
    assert response.status_code == 202, response.text
    queued = response.json()
    assert response.headers["Location"] == queued["status_url"] == f"/jobs/{queued['id']}"
    assert response.headers["Preference-Applied"] == "respond-async"
    assert (queued["kind"], queued["total"]) == ("vacancy_import", 4)

    job = wait_for(client, queued["status_url"], owner)
    assert job["state"] == "done", job
    assert (job["done"], job["progress"]) == (4, 1.0)
    result = job["result"]
    assert (result["imported"], result["created"]) == (4, 4)
    cook = world.vocab.occupation("cook")
    first = client.get(f"/vacancies/{result['ids'][0]}", headers=owner).json()
    assert first["occupation"]["id"] == cook  # linked from the German title
    labels = {s["label"] for s in first["essential_skills"]}
    assert {"prepare vegetables", "follow recipes"} <= labels, labels

    # only the owner and admins see it; others do not learn that it exists
    assert client.get(queued["status_url"], headers=world.auth("admin")).status_code == 200
    for role in ("employer_1", "coach_a", "migrant"):
        assert client.get(queued["status_url"], headers=world.auth(role)).status_code == 404
    mine = client.get("/jobs", headers=owner).json()
    assert queued["id"] in [j["id"] for j in mine["items"]]
    theirs = client.get("/jobs", headers=world.auth("employer_1")).json()
    assert queued["id"] not in [j["id"] for j in theirs["items"]]


def test_many_rows_to_link_go_to_the_background_without_asking(
        client: TestClient, world: World, engine: Engine, feed: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.settings, "sync_link_rows", 2)
    owner = feed["auth"]
    response = client.post("/vacancies/import", content=free_text_rows("t-many", 3),
                           headers={**owner, **NDJSON})
    assert response.status_code == 202, response.text
    assert "Preference-Applied" not in response.headers
    assert wait_for(client, response.headers["Location"], owner)["state"] == "done"
    # rows with their occupation and skills as ids need no linking: answered at once
    structured = [vacancy_body(f"t-many-ids-{i}", "Koch", "job", GOERLITZ,
                               occupation=world.vocab.occupation("cook"),
                               essential_skills=world.vocab.skills("prepare vegetables"))
                  for i in range(3)]
    body = "\n".join(json.dumps(r) for r in structured).encode()
    direct = client.post("/vacancies/import", content=body, headers={**owner, **NDJSON})
    assert direct.status_code == 201, direct.text
    assert direct.json()["imported"] == 3


def test_a_bad_file_is_refused_at_once_and_nothing_is_queued(
        client: TestClient, engine: Engine, feed: dict[str, Any]) -> None:
    before = scalar(engine, "SELECT count(*) FROM job")
    rows = free_text_rows("t-bad", 3).decode().split("\n")
    bad = json.loads(rows[1]) | {"occupation": "http://data.europa.eu/esco/occupation/nope"}
    body = "\n".join([rows[0], json.dumps(bad), rows[2]]).encode()
    response = client.post("/vacancies/import", content=body,
                           headers={**feed["auth"], **ASYNC})
    assert response.status_code == 422, response.text
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "occupation")]
    assert scalar(engine, "SELECT count(*) FROM job") == before


def test_a_job_that_fails_writes_nothing_and_says_why(client: TestClient, engine: Engine,
                                                      feed: dict[str, Any]) -> None:
    """The taxonomy changed between queueing and running: one row's skill is gone."""
    rows = free_text_rows("t-fail", 3).decode().split("\n")
    gone = json.loads(rows[2]) | {"essential_skills": ["http://example.org/skill/gone"]}
    payload = "\n".join([rows[0], rows[1], json.dumps(gone)]).encode()
    with engine.connection() as conn:
        job = store.enqueue(conn, "vacancy_import", feed["user"], payload,
                            {"format": "jsonl", "employers": [feed["org"]] * 3}, 3)
    client.app.state.job_workers[0].wake()  # type: ignore[attr-defined]
    ended = wait_for(client, f"/jobs/{job.id}", feed["auth"])
    assert ended["state"] == "failed"
    assert [(e["row"], e["field"]) for e in ended["error"]["errors"]] == [
        (3, "essential_skills[0]")]
    assert scalar(engine, "SELECT count(*) FROM vacancy WHERE external_id LIKE %s",
                  "t-fail-%") == 0
    assert scalar(engine, "SELECT payload IS NULL FROM job WHERE id = %s", job.id)


def test_each_job_is_claimed_once(engine: Engine) -> None:
    """A job another worker holds is skipped (FOR UPDATE SKIP LOCKED), not waited for."""
    with engine.connection() as conn:
        first = store.enqueue(conn, "test_once", None, b"a", {}, 1)
        second = store.enqueue(conn, "test_once", None, b"b", {}, 1)
    with psycopg.connect(engine.db.url) as holder:
        holder.execute("SELECT id FROM job WHERE id = %s FOR UPDATE", (first.id,))
        with engine.connection() as conn:
            claimed = store.claim(conn, ["test_once"])
        assert claimed is not None and claimed[0].id == second.id
        assert claimed[1] == b"b"
    with engine.connection() as conn:
        claimed = store.claim(conn, ["test_once"])
        assert claimed is not None and claimed[0].id == first.id
        assert store.claim(conn, ["test_once"]) is None


def test_a_job_whose_worker_died_runs_again_then_fails(engine: Engine) -> None:
    with engine.connection() as conn:
        job = store.enqueue(conn, "test_stale", None, b"x", {}, 1)
    for attempt in range(1, store.MAX_ATTEMPTS + 1):
        with engine.connection() as conn:
            claimed = store.claim(conn, ["test_stale"])
            assert claimed is not None and claimed[0].attempts == attempt
            conn.execute("UPDATE job SET heartbeat_at = now() - interval '1 hour' "
                         "WHERE id = %s", (job.id,))
        with engine.connection() as conn:
            store.requeue_stale(conn, 60)
            found = store.read_job(conn, job.id)
        assert found is not None
        expected = "failed" if attempt == store.MAX_ATTEMPTS else "queued"
        assert found.state == expected, (attempt, found)
    assert found.error and "stopped" in found.error["detail"]


def test_a_row_read_from_its_description_counts_as_slow_linking() -> None:
    """An advert with only a description is linked like free text: a file of them goes to
    the worker rather than holding the request (10,000 characters took 5 s)."""
    body = vacancy_body("t-jobs-desc", "Koch", "job", KOELN,
                        occupation="http://data.europa.eu/esco/occupation/x")
    assert not links_text(VacancyIn.model_validate(body))
    assert links_text(VacancyIn.model_validate({**body, "description": "Aufgaben: kochen"}))
    assert not links_text(VacancyIn.model_validate(
        {**body, "description": "Aufgaben: kochen", "essential_skills": ["s:1"]}))
