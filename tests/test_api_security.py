"""Issue 13: who owns a course, the token lifecycle (expiry, listing, revocation, the CLI),
throttling (failed authentication per address, expensive routes per token), a complete
audit of personal reads, and candidate ids kept out of the access log."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import responses as r
from api.limits import Throttle
from api.logs import ACCESS_LOGGER, PseudonymFilter
from api.main import create_app
from matcher.engine import Engine
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import World, app_routes, course_body, scalar

# --- ownership ----------------------------------------------------------------------------


def course_row(engine: Engine, external_id: str) -> tuple[Any, ...]:
    with engine.connection() as conn:
        row = conn.execute("SELECT provider, title, seats, owner_id FROM course"
                           " WHERE external_id = %s", (external_id,)).fetchone()
    assert row is not None
    return tuple(row)


def drop_courses(engine: Engine, *external_ids: str) -> None:
    """Other tests count the world's courses: what a test adds, it takes away."""
    with engine.connection() as conn:
        conn.execute("DELETE FROM course WHERE external_id = ANY(%s)", (list(external_ids),))


def test_a_coach_cannot_overwrite_another_centres_course(client: TestClient, world: World,
                                                         engine: Engine) -> None:
    """The issue's probe: coach B rewrote coach A's course by its external id (provider,
    title, seats 12 -> 0)."""
    before = course_row(engine, "t-kurs-haccp")
    assert before[3] == world.centre_a  # coach A wrote it: their centre owns it
    hostile = course_body("t-kurs-haccp", "Gekapert", [world.vocab.skill("apply HACCP")],
                          provider="Fremdanbieter", seats=0)
    coach_b = world.auth("coach_b")
    single = client.post("/courses", json=hostile, headers=coach_b)
    assert single.status_code == 403 and "another organisation" in single.json()["detail"]
    fresh = course_body("t-kurs-b-eigen", "Eigener Kurs", [world.vocab.skill("apply HACCP")])
    bulk = client.post("/courses/import", content="\n".join(map(json.dumps, (fresh, hostile))),
                       headers={**coach_b, "Content-Type": "application/x-ndjson"})
    assert bulk.status_code == 403, bulk.text
    assert course_row(engine, "t-kurs-haccp") == before
    assert scalar(engine, "SELECT count(*) FROM course WHERE external_id = 't-kurs-b-eigen'") \
        == 0  # all or nothing
    named = client.post("/courses", json={**fresh, "organisation_id": world.centre_a},
                        headers=coach_b)
    assert named.status_code == 403 and "organisation_id" in named.json()["detail"]

    own = client.post("/courses", json=fresh, headers=coach_b)
    assert own.status_code == 201
    shown = client.get(f"/courses/{own.json()['id']}", headers=world.auth("migrant"))
    assert shown.json()["organisation_id"] == world.centre_b
    again = client.post("/courses", json={**fresh, "seats": 3}, headers=coach_b)
    assert again.status_code == 200 and course_row(engine, "t-kurs-b-eigen")[2] == 3
    drop_courses(engine, "t-kurs-b-eigen")


def test_courses_without_an_owner_and_providers_courses_are_for_admins(
        client: TestClient, world: World, engine: Engine) -> None:
    admin, coach = world.auth("admin"), world.auth("coach_a")
    # stored before courses had owners, or written by an admin without one: admins only
    long = course_body("t-kurs-koch-lang", "Zertifikatslehrgang Koch", world.vocab.skills(
        "apply HACCP", "use kitchen knives", "follow recipes", "portion food"),
        duration_weeks=12)
    assert course_row(engine, "t-kurs-koch-lang")[3] is None
    assert client.post("/courses", json={**long, "seats": 0}, headers=coach).status_code == 403
    assert course_row(engine, "t-kurs-koch-lang")[2] == 12

    with engine.connection() as conn:
        provider = upsert_organisation(conn, "VHS Köln", "provider", "t-provider-vhs")
    body = course_body("t-kurs-vhs", "Deutsch im Beruf", [world.vocab.skill("apply HACCP")])
    created = client.post("/courses", json={**body, "organisation_id": provider},
                          headers=admin)
    assert created.status_code == 201
    assert course_row(engine, "t-kurs-vhs")[3] == provider
    assert client.post("/courses", json=body, headers=coach).status_code == 403
    replaced = client.post("/courses", json={**body, "seats": 5}, headers=admin)
    assert replaced.status_code == 200
    assert course_row(engine, "t-kurs-vhs")[2:] == (5, provider)  # the owner stays
    employer = client.post("/courses", json={**body, "organisation_id": world.employer_1},
                           headers=admin)
    assert employer.status_code == 422 and "organisation_id" in employer.json()["detail"]
    drop_courses(engine, "t-kurs-vhs")


# --- tokens -------------------------------------------------------------------------------

def new_user(engine: Engine, name: str, role: str, **where: Any) -> tuple[int, str]:
    with engine.connection() as conn:
        uid = create_user(conn, name, role, where.get("organisation_id"),
                          where.get("candidate_id"))
        return uid, issue_token(conn, uid, "tests")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_are_listed_by_prefix_and_revoked_one_by_one(client: TestClient, world: World,
                                                           engine: Engine) -> None:
    uid, first = new_user(engine, "Tomasz Token", "coach", organisation_id=world.centre_a)
    with engine.connection() as conn:
        second = issue_token(conn, uid, "laptop")
    listed = client.get(f"/users/{uid}/tokens", headers=bearer(first))  # the user themself
    assert listed.status_code == 200
    r.TokenList.model_validate(listed.json())
    items = listed.json()["items"]
    assert [t["prefix"] for t in items] == [second[:9], first[:9]]  # newest first
    assert first not in listed.text and second not in listed.text
    assert {t["state"] for t in items} == {"active"}
    for other in ("coach_b", "migrant"):
        assert client.get(f"/users/{uid}/tokens", headers=world.auth(other)).status_code == 403
    assert client.get("/users/999999/tokens", headers=world.auth("admin")).status_code == 404

    second_id = items[0]["id"]
    revoked = client.delete(f"/users/{uid}/tokens/{second_id}", headers=bearer(first))
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    r.TokenRevoked.model_validate(revoked.json())
    assert client.get("/me", headers=bearer(second)).status_code == 401
    assert client.get("/me", headers=bearer(first)).status_code == 200  # the other one lives
    again = client.delete(f"/users/{uid}/tokens/{second_id}", headers=world.auth("admin"))
    assert again.status_code == 200 and again.json()["revoked"] is False
    assert client.delete(f"/users/{uid}/tokens/999999",
                         headers=world.auth("admin")).status_code == 404
    assert client.delete(f"/users/{uid}/tokens/{items[1]['id']}",
                         headers=world.auth("coach_b")).status_code == 403
    states = {t["id"]: t["state"] for t in client.get(
        f"/users/{uid}/tokens", headers=world.auth("admin")).json()["items"]}
    assert states == {second_id: "revoked", items[1]["id"]: "active"}
    # an admin revokes the last one: the user is out
    assert client.delete(f"/users/{uid}/tokens/{items[1]['id']}",
                         headers=world.auth("admin")).json()["revoked"] is True
    assert client.get("/me", headers=bearer(first)).status_code == 401


def test_tokens_expire_sooner_for_migrants(client: TestClient, world: World,
                                           engine: Engine) -> None:
    coach_id, coach = new_user(engine, "Alte Coachin", "coach", organisation_id=world.centre_a)
    migrant_id, migrant = new_user(engine, "Olena Kovalenko", "migrant",
                                   candidate_id=world.candidates["olena"])

    def age(user_id: int, days: int) -> None:
        with engine.connection() as conn:
            conn.execute("UPDATE api_token SET created_at = now() - make_interval(days => %s)"
                         " WHERE user_id = %s", (days, user_id))

    age(coach_id, 15)
    age(migrant_id, 15)
    assert client.get("/me", headers=bearer(coach)).status_code == 200  # 90 days
    expired = client.get("/me", headers=bearer(migrant))  # 14 days
    assert expired.status_code == 401 and expired.headers["www-authenticate"] == "Bearer"
    assert "expired" in expired.json()["detail"] and "14 days" in expired.json()["detail"]
    listed = client.get(f"/users/{migrant_id}/tokens", headers=world.auth("admin")).json()
    assert listed["items"][0]["state"] == "expired"
    age(coach_id, 91)
    assert "expired" in client.get("/me", headers=bearer(coach)).json()["detail"]


def test_cli_lists_and_revokes_tokens(world: World, engine: Engine) -> None:
    uid, token = new_user(engine, "Kai Kommandozeile", "coach", organisation_id=world.centre_b)
    env = {**os.environ, "MATCHER_DATABASE_URL": engine.db.url}

    def cli(*args: str) -> Any:
        done = subprocess.run([sys.executable, "-m", "matcher.cli", "tokens", *args],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    issued = cli("issue", str(uid))["token"]
    listed = cli("list", str(uid))["items"]
    assert [t["prefix"] for t in listed] == [issued[:9], token[:9]]
    assert token not in json.dumps(listed) and issued not in json.dumps(listed)
    assert cli("revoke", str(uid), str(listed[0]["id"]))["revoked"] == 1
    assert [t["state"] for t in cli("list", str(uid))["items"]] == ["revoked", "active"]
    assert cli("revoke", str(uid))["revoked"] == 1  # every token left
    assert {t["state"] for t in cli("list", str(uid))["items"]} == {"revoked"}
    bad = subprocess.run([sys.executable, "-m", "matcher.cli", "tokens", "revoke", str(uid),
                          "999999"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "999999" in bad.stderr


# --- throttling ---------------------------------------------------------------------------

@pytest.fixture()
def throttled(engine: Engine) -> FastAPI:
    """An app of its own on the shared engine, with the throttle at small limits."""
    app = create_app(engine=engine)
    app.state.throttle = Throttle(auth_failures_per_minute=20, expensive_per_minute=5)
    return app


def test_failed_authentication_is_throttled_per_address(throttled: FastAPI,
                                                         world: World) -> None:
    with TestClient(throttled) as client:
        for _ in range(5):  # no token at all is no guess: not counted
            assert client.get("/me").status_code == 401
        answers = [client.get("/me", headers=bearer(f"mt_guess-{i}")) for i in range(25)]
        codes = [a.status_code for a in answers]
        assert codes == [401] * 20 + [429] * 5, codes
        refused = answers[20]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "failed authentications" in refused.json()["detail"]
        # while the address is throttled, a valid token from it waits too
        assert client.get("/me", headers=world.auth("admin")).status_code == 429
    other = Throttle(20, 5)
    for _ in range(20):
        other.failed("198.51.100.7")
    other.check_address("203.0.113.9")  # another address is not affected


def test_expensive_routes_are_limited_per_token(throttled: FastAPI, world: World) -> None:
    with TestClient(throttled) as client:
        admin, coach = world.auth("admin"), world.auth("coach_a")
        text = {"text": "Gabelstapler fahren"}
        codes = [client.post("/taxonomy/normalize", json=text, headers=admin).status_code
                 for _ in range(6)]
        assert codes == [200] * 5 + [429], codes
        refused = client.get(f"/candidates/{world.candidates['olena']}/matches",
                             headers=admin)  # one budget for the three expensive routes
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert client.get("/taxonomy", headers=admin).status_code == 200  # cheap: not counted
        assert client.get(f"/vacancies/{world.vacancies['cook_job']}/matches",
                          headers=coach).status_code == 200  # another token, its own budget


def test_429_is_documented_with_retry_after(app: FastAPI) -> None:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            if path in ("/health", "/ready"):
                continue
            answer = operation["responses"].get("429")
            assert answer and "Retry-After" in answer["headers"], (method, path)


# --- audit --------------------------------------------------------------------------------

# Every GET that returns a candidate's personal data, and the audit action it writes.
# A route with a `candidate_id` parameter that is missing here fails the test below.
AUDITED = {
    "/candidates": "candidate.list",
    "/candidates/{candidate_id}": "candidate.read",
    "/candidates/{candidate_id}/export": "candidate.export",
    "/candidates/{candidate_id}/matches": "candidate.matches",
    "/candidates/{candidate_id}/courses": "candidate.courses",
    "/candidates/{candidate_id}/course-plan": "candidate.course_plan",
    "/candidates/{candidate_id}/reachable": "candidate.reachable",
    "/candidates/{candidate_id}/qualifications": "candidate.qualifications",
    "/outcomes": "outcome.read",
}


def candidate_reads(app: FastAPI) -> set[str]:
    """The GET routes of the app that take a candidate id (in the path or the query)."""
    doc = app.openapi()["paths"]
    found = {path for method, path in app_routes(app) if method == "GET"
             and any(p["name"] == "candidate_id"
                     for p in doc.get(path, {}).get("get", {}).get("parameters", []))}
    return found | {"/candidates"}  # the list: names of the centre's candidates


def audit_count(engine: Engine, action: str, candidate_id: str, user_id: int) -> int:
    return int(scalar(engine, "SELECT count(*) FROM audit_log WHERE action = %s AND"
                      " candidate_id = %s AND user_id = %s", action, candidate_id, user_id))


@pytest.mark.parametrize("role", ["coach_a", "admin", "migrant"])
def test_every_read_of_personal_data_is_audited(app: FastAPI, client: TestClient,
                                                world: World, engine: Engine,
                                                role: str) -> None:
    routes = candidate_reads(app)
    assert not routes - set(AUDITED), f"routes reading a candidate with no audit " \
                                      f"expectation: {sorted(routes - set(AUDITED))}"
    assert len(routes) >= 9
    cid = world.candidates["olena" if role != "migrant" else "amal"]
    user = world.user_ids[role]
    params = {"/candidates/{candidate_id}/course-plan": {"vacancy_id": world.vacancies[
        "cook_job"]}, "/outcomes": {"candidate_id": cid}, "/candidates": {"limit": 100}}
    silent = []
    for path in sorted(routes):
        action = AUDITED[path]
        before = audit_count(engine, action, cid, user)
        response = client.get(path.format(candidate_id=cid), params=params.get(path, {}),
                              headers=world.auth(role))
        if role == "migrant" and response.status_code == 403:
            continue  # the list and outcomes are not for migrants
        assert response.status_code == 200, (path, response.text)
        if audit_count(engine, action, cid, user) != before + 1:
            silent.append(path)
    assert not silent, f"personal data read without an audit row: {silent}"


def test_outcomes_of_a_centre_audit_each_candidate_shown(client: TestClient, world: World,
                                                         engine: Engine) -> None:
    olena, coach = world.candidates["olena"], world.user_ids["coach_a"]
    recorded = client.post("/outcomes", json={"candidate_id": olena, "status": "interview",
                                              "vacancy_id": world.vacancies["cook_job"],
                                              "reason": "Vorstellungsgespräch am Montag"},
                           headers=world.auth("coach_a"))
    assert recorded.status_code == 201
    before = audit_count(engine, "outcome.read", olena, coach)
    listed = client.get("/outcomes", params={"limit": 100}, headers=world.auth("coach_a"))
    assert olena in listed.text
    assert audit_count(engine, "outcome.read", olena, coach) == before + 1


# --- the access log -----------------------------------------------------------------------

def test_access_log_keeps_no_candidate_id(app: FastAPI) -> None:
    uvicorn.Config(app).configure_logging()  # as serving does, after or before create_app
    installed = [f for f in logging.getLogger(ACCESS_LOGGER).filters
                 if isinstance(f, PseudonymFilter)]
    assert len(installed) == 1  # by create_app, once however many apps
    record = logging.LogRecord(
        ACCESS_LOGGER, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5555", "GET", "/candidates/cand_5f1c0a9e2b7d/matches?x=cand_00aa11bb22cc",
         "1.1", 200), None)
    installed[0].filter(record)
    line = record.getMessage()
    assert "cand_" not in line and line.count("cand~") == 2
    assert installed[0].pseudonym("cand_5f1c0a9e2b7d") in line  # stable under one key
    other = PseudonymFilter(b"another key of sixteen bytes or more")
    assert other.pseudonym("cand_5f1c0a9e2b7d") != installed[0].pseudonym("cand_5f1c0a9e2b7d")
