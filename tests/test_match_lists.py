"""Match lists worked out once and kept (issue 15): a second read answers from the stored
list, ETag and 304, and every change that makes a list stale — the candidate's profile,
a vacancy written, closed or reopened, a bulk import, courses, erasure — is seen by the
next read, the stored list computed again by the background worker."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Engine
from matcher.match import lists
from matcher.store import match_lists as store
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import World, candidate_body, course_body, scalar, vacancy_body

# far from every candidate and vacancy of the shared world, whose lists other tests check
KASSEL = {"town": "Kassel", "lat": 51.3127, "lon": 9.4797}
NDJSON = {"Content-Type": "application/x-ndjson"}
WAREHOUSE_SKILLS = ("receive goods", "put away goods", "pick orders", "pack goods")


@pytest.fixture(scope="module")
def depot(engine: Engine, client: TestClient, world: World) -> dict[str, Any]:
    """An employer of its own in Kassel, with two warehouse jobs open."""
    with engine.connection() as conn:
        org = upsert_organisation(conn, "Lager Kassel GmbH", "employer", "t-lists-emp")
        token = issue_token(conn, create_user(conn, "Lars Lager", "employer", org), "tests")
    auth = {"Authorization": f"Bearer {token}"}
    ids = [post_vacancy(client, auth, world, f"t-lists-{i}") for i in range(2)]
    return {"org": org, "auth": auth, "vacancies": ids}


def post_vacancy(client: TestClient, auth: dict[str, str], world: World, external_id: str,
                 **fields: Any) -> int:
    body = vacancy_body(external_id, "Lagerhelfer (m/w/d)", "job", KASSEL,
                        occupation=world.vocab.occupation("warehouse worker"),
                        essential_skills=world.vocab.skills(*WAREHOUSE_SKILLS),
                        languages=[{"lang": "de", "level": "A2"}], **fields)
    response = client.post("/vacancies", json=body, headers=auth)
    assert response.status_code in (200, 201), response.text
    return int(response.json()["id"])


@pytest.fixture
def candidate(client: TestClient, world: World) -> Iterator[str]:
    """A warehouse worker in Kassel of centre A; erased afterwards."""
    body = candidate_body("t-lists-cand", "Karim Lager", KASSEL, travel_radius_km=30,
                          work_permit="full",
                          skills=[{"concept": s, "source": "coach_verified"}
                                  for s in world.vocab.skills(*WAREHOUSE_SKILLS)])
    response = client.post("/candidates", json=body, headers=world.auth("coach_a"))
    assert response.status_code == 201, response.text
    cid = str(response.json()["id"])
    yield cid
    client.delete(f"/candidates/{cid}", headers=world.auth("coach_a"))


def read(client: TestClient, world: World, cid: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/candidates/{cid}/matches", params={"limit": 100, **params},
                          headers=world.auth("coach_a"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def ids(page: dict[str, Any]) -> list[int]:
    return [item["vacancy"]["id"] for item in page["items"]]


def read_stored(engine: Engine, cid: str) -> list[int] | None:
    """The vacancies of the candidate's default list as stored, when it is fresh."""
    variant = lists.Variant.of(None, True, "en", True).key
    with engine.connection() as conn:
        hit = store.fresh(conn, cid, variant, 3600, 0, 1000)
    return None if hit is None else [i["vacancy"]["id"] for i in json.loads(f"[{hit.window}]")]


def wait_until(check: Any, what: str, seconds: float = 60) -> None:
    """Poll until the background worker has done it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_a_second_read_answers_from_the_stored_list(
        client: TestClient, world: World, depot: dict[str, Any], candidate: str) -> None:
    first = read(client, world, candidate)
    assert first["freshness"]["from_store"] is False
    assert set(depot["vacancies"]) <= set(ids(first))
    second = read(client, world, candidate)
    assert second["freshness"]["from_store"] is True
    assert second["freshness"]["computed_at"] == first["freshness"]["computed_at"]
    assert second["freshness"]["age_s"] >= 0
    assert {k: v for k, v in second.items() if k != "freshness"} == \
        {k: v for k, v in first.items() if k != "freshness"}
    # another window of the same stored list
    window = read(client, world, candidate, limit=1, offset=1)
    assert window["freshness"]["from_store"] is True
    assert ids(window) == ids(first)[1:2] and window["total"] == first["total"]


def test_etag_answers_304_while_the_list_is_unchanged(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    url, auth = f"/candidates/{candidate}/matches", world.auth("coach_a")
    first = client.get(url, headers=auth)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    audits = "SELECT count(*) FROM audit_log WHERE candidate_id = %s AND action = %s"
    before = scalar(engine, audits, candidate, "candidate.matches")
    again = client.get(url, headers={**auth, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    assert scalar(engine, audits, candidate, "candidate.matches") == before + 1  # a read
    other_window = client.get(url, params={"offset": 1}, headers={**auth, "If-None-Match": etag})
    assert other_window.status_code == 200 and other_window.headers["ETag"] != etag
    # the list changes: the old ETag no longer matches
    client.patch(f"/vacancies/{depot['vacancies'][0]}", json={"is_open": False},
                 headers=depot["auth"])
    try:
        changed = client.get(url, headers={**auth, "If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
    finally:
        client.patch(f"/vacancies/{depot['vacancies'][0]}", json={"is_open": True},
                     headers=depot["auth"])


def test_a_candidate_edit_is_read_at_once_and_refreshed_in_the_background(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    assert set(depot["vacancies"]) <= set(ids(read(client, world, candidate)))
    body = candidate_body("t-lists-cand", "Karim Lager", KASSEL, travel_radius_km=30,
                          work_permit="full", preferences={"kinds": ["apprenticeship"]},
                          skills=[{"concept": s, "source": "coach_verified"}
                                  for s in world.vocab.skills(*WAREHOUSE_SKILLS)])
    assert client.post("/candidates", json=body,
                       headers=world.auth("coach_a")).status_code == 200
    # the stored list is stale at once; the worker computes it again
    wait_until(lambda: read_stored(engine, candidate) == [], "the list refreshed")
    after = read(client, world, candidate)
    assert after["freshness"]["from_store"] is True  # the worker's list
    assert not set(depot["vacancies"]) & set(ids(after))  # jobs no longer asked for


def test_a_new_vacancy_that_fits_is_in_the_list_after_the_worker_ran(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    read(client, world, candidate)
    vid = post_vacancy(client, depot["auth"], world, "t-lists-new")
    try:
        wait_until(lambda: vid in (read_stored(engine, candidate) or []),
                   "the new vacancy stored")
        page = read(client, world, candidate)
        assert page["freshness"]["from_store"] is True and vid in ids(page)
    finally:
        client.patch(f"/vacancies/{vid}", json={"is_open": False}, headers=depot["auth"])


def test_a_bulk_import_queues_one_job_that_finds_the_candidates(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    read(client, world, candidate)
    jobs = "SELECT count(*) FROM job WHERE kind = 'match_refresh'"
    before = scalar(engine, jobs)
    n = lists.SYNC_FITS + 2
    rows = [vacancy_body(f"t-lists-bulk-{i}", "Lagerhelfer (m/w/d)", "job", KASSEL,
                         occupation=world.vocab.occupation("warehouse worker"),
                         essential_skills=world.vocab.skills(*WAREHOUSE_SKILLS))
            for i in range(n)]
    response = client.post("/vacancies/import", headers={**depot["auth"], **NDJSON},
                           content="\n".join(json.dumps(r) for r in rows).encode())
    assert response.status_code == 201, response.text
    imported = response.json()["ids"]
    try:
        assert scalar(engine, jobs) == before + 1
        queued = scalar(engine, "SELECT params FROM job WHERE kind = 'match_refresh'"
                                " ORDER BY id DESC LIMIT 1")
        assert queued["vacancies"] == imported
        wait_until(lambda: set(imported) <= set(read_stored(engine, candidate) or []),
                   "the imported vacancies stored")
    finally:
        for vid in imported:
            client.patch(f"/vacancies/{vid}", json={"is_open": False}, headers=depot["auth"])


def test_a_closed_vacancy_leaves_the_list_at_once(
        client: TestClient, world: World, depot: dict[str, Any], candidate: str) -> None:
    vid = depot["vacancies"][1]
    assert vid in ids(read(client, world, candidate))
    assert read(client, world, candidate)["freshness"]["from_store"] is True
    client.patch(f"/vacancies/{vid}", json={"is_open": False}, headers=depot["auth"])
    try:
        assert vid not in ids(read(client, world, candidate))
    finally:
        client.patch(f"/vacancies/{vid}", json={"is_open": True}, headers=depot["auth"])
    assert vid in ids(read(client, world, candidate))  # reopened: back at once


def test_courses_written_make_every_list_stale(
        client: TestClient, world: World, depot: dict[str, Any], candidate: str) -> None:
    read(client, world, candidate)
    assert read(client, world, candidate)["freshness"]["from_store"] is True
    course = course_body("t-lists-course", "Lagerlogistik kompakt",
                         world.vocab.skills("operate a forklift"), location=KASSEL)
    assert client.post("/courses", json=course,
                       headers=world.auth("admin")).status_code in (200, 201)
    assert read(client, world, candidate)["freshness"]["from_store"] is False


def test_each_language_has_its_own_list(
        client: TestClient, world: World, depot: dict[str, Any], candidate: str) -> None:
    english = read(client, world, candidate)
    german = read(client, world, candidate, lang="de")
    assert german["freshness"]["from_store"] is False  # not the English list
    warehouse = world.vocab.occupation("warehouse worker")
    labels = {item["vacancy"]["occupation_label"] for item in german["items"]}
    assert labels == {world.vocab.label(warehouse, "de")} != \
        {item["vacancy"]["occupation_label"] for item in english["items"]}
    assert read(client, world, candidate, lang="de")["freshness"]["from_store"] is True


def test_an_erased_candidate_leaves_no_stored_list(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    read(client, world, candidate)
    read(client, world, candidate, lang="de")
    assert scalar(engine, "SELECT count(*) FROM match_list WHERE candidate_id = %s",
                  candidate) == 2
    assert client.delete(f"/candidates/{candidate}",
                         headers=world.auth("coach_a")).status_code == 200
    for table in ("match_list", "match_list_state"):
        assert scalar(engine, f"SELECT count(*) FROM {table} WHERE candidate_id = %s",
                      candidate) == 0
    response = client.get(f"/candidates/{candidate}/matches", headers=world.auth("coach_a"))
    assert response.status_code == 404


def test_a_list_older_than_twice_the_max_age_is_computed_again(
        engine: Engine, world: World, depot: dict[str, Any], candidate: str) -> None:
    variant = lists.Variant.of(None, True, "en", True)
    with engine.connection() as conn:
        first = lists.window(conn, engine.matcher, candidate, variant, 0, 20, 30)
        assert first.computed is not None
        lists.keep(conn, first.computed)
    with engine.connection() as conn:
        assert lists.window(conn, engine.matcher, candidate, variant, 0, 20, 30).computed \
            is None
        time.sleep(0.05)
        assert lists.window(conn, engine.matcher, candidate, variant, 0, 20, 0.01).computed \
            is not None


def age_lists(engine: Engine, cid: str, max_ages: float) -> None:
    """Make the candidate's stored lists this many max ages old (nothing else changes)."""
    seconds = engine.settings.match_list_max_age * max_ages
    with engine.connection() as conn:
        conn.execute("UPDATE match_list SET computed_at = clock_timestamp()"
                     " - make_interval(secs => %s) WHERE candidate_id = %s", (seconds, cid))


def test_an_aged_list_is_answered_while_the_worker_computes_it_again(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    """Past the max age, with nothing changed: the stored list answers (`refreshing`),
    the reads queue one refresh, and the worker's new list answers after it; past twice
    the max age a read computes the list itself."""
    first = read(client, world, candidate)
    age_lists(engine, candidate, 1.5)
    aged = [read(client, world, candidate) for _ in range(2)]
    assert aged[0]["freshness"]["from_store"] is True
    assert aged[0]["freshness"]["refreshing"] is True
    assert all(ids(page) == ids(first) for page in aged)
    assert scalar(engine, "SELECT count(*) FROM job WHERE kind = 'match_refresh'"
                  " AND params->'aged' @> %s::jsonb", json.dumps([[candidate]])) == 1
    wait_until(lambda: read(client, world, candidate)["freshness"]["refreshing"] is False,
               "the worker's list")
    again = read(client, world, candidate)
    assert again["freshness"]["from_store"] is True and again["freshness"]["age_s"] < 30
    age_lists(engine, candidate, 2.5)
    assert read(client, world, candidate)["freshness"]["from_store"] is False


def test_a_change_committed_while_a_list_was_computed_leaves_it_stale(
        engine: Engine, world: World, depot: dict[str, Any], candidate: str) -> None:
    variant = lists.Variant.of(None, True, "en", True)
    with engine.connection() as conn:
        made = lists.compute(conn, engine.matcher, candidate, variant)
    with engine.connection() as conn:  # a vacancy change concerning the candidate
        store.touch(conn, [candidate])
    with engine.connection() as conn:
        assert lists.keep(conn, made)
    with engine.connection() as conn:
        assert store.fresh(conn, candidate, variant.key, 3600, 0, 20) is None


def test_an_engine_ranking_otherwise_makes_every_list_stale(
        client: TestClient, engine: Engine, world: World, depot: dict[str, Any],
        candidate: str) -> None:
    read(client, world, candidate)
    assert read_stored(engine, candidate) is not None
    # a restart ranking the same way keeps the stored lists
    Engine(engine.settings, engine.db, engine.concepts, engine.scorer.weights,
           engine.matcher.ranked_by, engine.matcher.calibration)
    assert read_stored(engine, candidate) is not None
    # one with other weights (a learned ranker switched on, say) does not
    other = {kind: {**w, "distance": w["distance"] + 0.2}
             for kind, w in engine.scorer.weights.items()}
    restarted = Engine(engine.settings, engine.db, engine.concepts, other)
    try:
        assert lists.ranking(restarted.matcher) != lists.ranking(engine.matcher)
        assert read_stored(engine, candidate) is None
        assert read(client, world, candidate)["freshness"]["from_store"] is False
    finally:
        with engine.connection() as conn:  # the app's own engine ranks the lists again
            assert lists.rank_with(conn, engine.matcher)
