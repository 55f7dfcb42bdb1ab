"""Who may use which route, checked for every route of the app; the audit trail; erasure.

The probes target records of centre A (candidate Olena, not the migrant's own) and of
employer E1 (the cook job), so each role outside that scope shows what it gets: 403 for
a route its role may never use, 404 for a record outside its scope — and never the other
party's data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg import sql

from api.pages.web import is_page
from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import propose
from matcher.engine import Engine
from matcher.store.allocations import accept, release, save_proposal
from matcher.store.jobs import enqueue, finish
from tests.conftest import (
    KOELN,
    ROLES,
    World,
    app_routes,
    candidate_body,
    course_body,
    scalar,
    vacancy_body,
)

OK, SKIP = "ok", "skip"  # SKIP: allowed, but destructive; exercised in the erasure test
PUBLIC = {("GET", "/health"), ("GET", "/ready"), ("GET", "/openapi.json"), ("GET", "/docs"),
          ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc")}


@dataclass
class Probe:
    """One request to a route, and what each role gets from it."""

    path: str  # formatted with the world's ids
    expect: dict[str, str | int]
    json: Any = None
    content: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)


def roles(default: str | int, **override: str | int) -> dict[str, str | int]:
    return {role: override.get(role, default) for role in ROLES}


EVERYONE = roles(OK)
# A candidate of centre A: its coach and admins; another centre's coach and the migrant
# (it is not theirs) do not find it; employers may never read profiles.
CANDIDATE = roles(OK, coach_b=404, employer_1=403, employer_2=403, migrant=404)
# A vacancy of E1: everyone reads it but the other employer, who does not find it.
VACANCY = roles(OK, employer_2=404)


def probes(w: World, hairdressing: str) -> dict[tuple[str, str], Probe]:
    vacancy = vacancy_body("t-iso-vac", "Friseur (m/w/d)", "job", KOELN, is_open=False,
                           employer_id=w.employer_1)
    # the world's HACCP course as coach A's centre wrote it (it owns it): its owner and
    # admins replace it; coach B, of another centre, may not (403), nor name another owner
    course = course_body("t-kurs-haccp", "HACCP und Messerkunde", w.vocab.skills(
        "apply HACCP", "use kitchen knives"), duration_weeks=2)
    candidate = candidate_body("t-iso-cand", "Iso Probe", KOELN, organisation_id=w.centre_a)
    ndjson = {"Content-Type": "application/x-ndjson"}
    return {
        ("GET", "/taxonomy"): Probe("/taxonomy", EVERYONE),
        ("GET", "/taxonomy/search"): Probe("/taxonomy/search", EVERYONE,
                                           params={"q": "Gabelstapler"}),
        ("GET", "/taxonomy/concept"): Probe("/taxonomy/concept", EVERYONE,
                                            params={"id": hairdressing}),
        ("POST", "/taxonomy/normalize"): Probe("/taxonomy/normalize", EVERYONE,
                                               json={"text": "Gabelstapler fahren"}),
        ("POST", "/candidates"): Probe("/candidates", roles(
            403, admin=OK, coach_a=OK), json=candidate),
        ("GET", "/candidates"): Probe("/candidates", roles(403, admin=OK, coach_a=OK,
                                                           coach_b=OK)),
        ("GET", "/candidates/{candidate_id}"): Probe("/candidates/{olena}", CANDIDATE),
        ("GET", "/candidates/{candidate_id}/export"): Probe("/candidates/{olena}/export",
                                                            CANDIDATE),
        ("DELETE", "/candidates/{candidate_id}"): Probe("/candidates/{olena}", {
            **CANDIDATE, "admin": SKIP, "coach_a": SKIP}),
        ("PUT", "/candidates/{candidate_id}/consents"): Probe(
            "/candidates/{olena}/consents", CANDIDATE,
            json={"consents": [{"employer_id": w.employer_1}]}),
        ("GET", "/candidates/{candidate_id}/matches"): Probe("/candidates/{olena}/matches",
                                                             CANDIDATE),
        ("GET", "/candidates/{candidate_id}/courses"): Probe("/candidates/{olena}/courses",
                                                             CANDIDATE),
        ("GET", "/candidates/{candidate_id}/course-plan"): Probe(
            "/candidates/{olena}/course-plan", CANDIDATE,
            params={"vacancy_id": w.vacancies["cook_job"]}),
        ("POST", "/vacancies"): Probe("/vacancies", roles(403, admin=OK, employer_1=OK),
                                      json=vacancy),
        ("POST", "/vacancies/import"): Probe("/vacancies/import", roles(
            403, admin=OK, employer_1=OK), content=json.dumps(vacancy), headers=ndjson),
        ("GET", "/vacancies"): Probe("/vacancies", EVERYONE),
        ("GET", "/vacancies/export"): Probe("/vacancies/export", EVERYONE),
        ("GET", "/vacancies/{vacancy_id}/job-posting"): Probe(
            "/vacancies/{cook_job}/job-posting", VACANCY),
        ("GET", "/jobs"): Probe("/jobs", EVERYONE),
        ("GET", "/jobs/{job_id}"): Probe("/jobs/{job}", roles(404, admin=OK, employer_1=OK)),
        ("GET", "/vacancies/{vacancy_id}"): Probe("/vacancies/{cook_job}", VACANCY),
        ("PATCH", "/vacancies/{vacancy_id}"): Probe("/vacancies/{cook_job}", roles(
            403, admin=OK, employer_1=OK, employer_2=404), json={"is_open": True}),
        ("GET", "/vacancies/{vacancy_id}/matches"): Probe("/vacancies/{cook_job}/matches", {
            **VACANCY, "migrant": 403}),
        ("POST", "/courses"): Probe("/courses", roles(403, admin=OK, coach_a=OK), json=course),
        ("POST", "/courses/import"): Probe("/courses/import", roles(
            403, admin=OK, coach_a=OK), content=json.dumps(course), headers=ndjson),
        ("GET", "/courses"): Probe("/courses", EVERYONE),
        ("GET", "/courses/{course_id}"): Probe("/courses/{haccp}", EVERYONE),
        ("POST", "/outcomes"): Probe("/outcomes", {
            **CANDIDATE, "migrant": 403}, json={"candidate_id": "{olena}",
                                                "vacancy_id": w.vacancies["cook_job"],
                                                "status": "contacted"}),
        ("GET", "/outcomes"): Probe("/outcomes", {**CANDIDATE, "migrant": 403},
                                    params={"candidate_id": "{olena}"}),
        ("POST", "/organisations"): Probe("/organisations", roles(403, admin=OK), json={
            "name": "Probe GmbH", "kind": "employer", "external_id": "t-iso-org"}),
        ("GET", "/organisations"): Probe("/organisations", roles(
            403, admin=OK, coach_a=OK, coach_b=OK)),
        ("POST", "/users"): Probe("/users", {**CANDIDATE, "migrant": 403}, json={
            "name": "Olena Kovalenko", "role": "migrant", "candidate_id": "{olena}"}),
        ("POST", "/users/{user_id}/tokens"): Probe("/users/{coach_a_user}/tokens",
                                                   roles(403, admin=OK)),
        # admins, or the user themself
        ("GET", "/users/{user_id}/tokens"): Probe("/users/{coach_a_user}/tokens",
                                                  roles(403, admin=OK, coach_a=OK)),
        ("DELETE", "/users/{user_id}/tokens/{token_id}"): Probe(
            "/users/{coach_a_user}/tokens/{coach_a_token}",
            roles(403, admin=SKIP, coach_a=SKIP)),  # revoking: test_api_security.py
        ("GET", "/me"): Probe("/me", EVERYONE),
        ("GET", "/candidates/{candidate_id}/qualifications"): Probe(
            "/candidates/{olena}/qualifications", CANDIDATE),
        ("GET", "/candidates/{candidate_id}/reachable"): Probe(
            "/candidates/{olena}/reachable", CANDIDATE, params={"max_weeks": 8}),
        ("POST", "/recognition/qualification"): Probe(
            "/recognition/qualification", EVERYONE,
            json={"title": "Friseurmeisterin", "country": "Germany"}),
        ("GET", "/recognition/regulated"): Probe(
            "/recognition/regulated", EVERYONE,
            params={"occupation": w.vocab.occupation("hairdresser")}),
        ("GET", "/recognition/eqf-tables"): Probe("/recognition/eqf-tables", EVERYONE),
        ("POST", "/recognition/eqf-tables"): Probe(
            "/recognition/eqf-tables", roles(403, admin=OK),
            content="qualification,country,eqf_level\nProbe diploma,Probeland,4\n",
            headers={"Content-Type": "text/csv"}, params={"source": "t-iso-table"}),
        # a cohort of another centre's candidate is refused like an unknown one (422)
        ("POST", "/allocations"): Probe("/allocations", roles(
            403, admin=OK, coach_a=OK, coach_b=422), json={"cohort": ["{olena}"]}),
        ("GET", "/allocations/{allocation_id}"): Probe("/allocations/{allocation}", roles(
            403, admin=OK, coach_a=OK, coach_b=404)),
        # accepting and releasing: tests/test_allocations.py
        ("POST", "/allocations/{allocation_id}/accept"): Probe(
            "/allocations/{allocation}/accept", roles(403, admin=SKIP, coach_a=SKIP,
                                                      coach_b=404)),
        ("DELETE", "/reservations/{reservation_id}"): Probe(
            "/reservations/{reservation}", roles(403, admin=SKIP, coach_a=SKIP, coach_b=404)),
    }


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def send(client: TestClient, method: str, probe: Probe, ids: dict[str, Any],
         headers: dict[str, str]) -> Any:
    return client.request(method, _fill(probe.path, ids), json=_fill(probe.json, ids),
                          content=probe.content, params=_fill(probe.params, ids),
                          headers={**probe.headers, **headers})


@pytest.fixture(scope="module")
def table(world: World, engine: Engine) -> dict[tuple[str, str], Probe]:
    hairdresser = world.vocab.occupation("hairdresser")
    return probes(world, engine.concepts.essential_skills(hairdresser)[0])


@pytest.fixture(scope="module")
def ids(world: World, engine: Engine) -> dict[str, Any]:
    return {"olena": world.candidates["olena"], "cook_job": world.vacancies["cook_job"],
            "haccp": world.courses["haccp"], "coach_a_user": world.user_ids["coach_a"],
            "job": _job_of(engine, world.user_ids["employer_1"]),
            **_allocation_of(engine, world),
            "coach_a_token": scalar(engine, "SELECT min(id) FROM api_token WHERE user_id = %s",
                                    world.user_ids["coach_a"])}


def _job_of(engine: Engine, user_id: int) -> int:
    """A job of the user's, done (its answer is what only they and admins may read)."""
    with engine.connection() as conn:
        job = enqueue(conn, "vacancy_import", user_id, b"", {}, 0)
        finish(conn, job.id, {"imported": 0, "created": 0, "updated": 0, "ids": []})
    return job.id


def _allocation_of(engine: Engine, world: World) -> dict[str, int]:
    """A proposal for Olena (centre A) and the reservation accepting it made, released
    again at once (the world's places stay free)."""
    admin = world.user_ids["admin"]
    with engine.connection() as conn:
        made = propose(conn, engine.matcher, AllocationIn(cohort=[world.candidates["olena"]]))
        aid, _ = save_proposal(conn, made.organisation_id, admin, made.settings, made.summary,
                               made.assignments)
        reservation = accept(conn, aid, admin)[0]["id"]
        release(conn, reservation, admin)
    return {"allocation": aid, "reservation": reservation}


def test_every_route_has_a_probe(app: FastAPI, table: dict[tuple[str, str], Probe]) -> None:
    routes = {(m, p) for m, p in app_routes(app) if not is_page(p)}  # pages: their own
    documented = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert documented <= routes  # the walk found every route the schema knows
    missing = routes - set(table) - PUBLIC
    assert not missing, f"routes without an access probe: {sorted(missing)}"
    assert not set(table) - routes, "probes for routes that no longer exist"


def test_public_routes_need_no_token(client: TestClient, app: FastAPI) -> None:
    for method, path in sorted(PUBLIC & app_routes(app)):
        assert client.request(method, path).status_code == 200, path


def test_each_role_gets_exactly_its_routes(client: TestClient, world: World,
                                           table: dict[tuple[str, str], Probe],
                                           ids: dict[str, Any]) -> None:
    olena = world.secrets_of("olena")
    failures = []
    for (method, path), probe in sorted(table.items()):
        for role in ROLES:
            expected = probe.expect[role]
            if expected == SKIP:
                continue
            response = send(client, method, probe, ids, world.auth(role))
            got = response.status_code
            if expected == OK:
                if not 200 <= got < 300:
                    failures.append(f"{role} {method} {path}: {got} {response.text[:200]}")
                continue
            if got != expected:
                failures.append(f"{role} {method} {path}: {got}, expected {expected}")
            leaked = [s for s in olena if s in response.text]
            if leaked or "Koch (m/w/d)" in response.text:
                failures.append(f"{role} {method} {path}: leaks {leaked} {response.text}")
            if not response.json().get("detail"):
                failures.append(f"{role} {method} {path}: no detail")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("header", [None, "Bearer mt_not-a-real-token", "Bearer ",
                                    "Basic YWRtaW46YWRtaW4="])
def test_without_a_valid_token_every_route_answers_401(
        client: TestClient, world: World, table: dict[tuple[str, str], Probe],
        ids: dict[str, Any], header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for (method, path), probe in sorted(table.items()):
        response = send(client, method, probe, ids, headers)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Olena" not in response.text


def test_revoked_token_answers_401(client: TestClient, world: World, engine: Engine) -> None:
    created = client.post("/users", json={"name": "Kurzzeit Admin", "role": "admin"},
                          headers=world.auth("admin"))
    assert created.status_code == 201
    token = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/me", headers=token).status_code == 200
    with engine.connection() as conn:
        conn.execute("UPDATE api_token SET revoked_at = now() WHERE user_id = %s",
                     (created.json()["id"],))
    assert client.get("/me", headers=token).status_code == 401


def test_coach_of_another_centre_cannot_write_into_this_one(client: TestClient,
                                                            world: World) -> None:
    body = candidate_body("t-a-001", "Überschreiber", KOELN, organisation_id=world.centre_a)
    response = client.post("/candidates", json=body, headers=world.auth("coach_b"))
    assert response.status_code == 403 and "organisation_id" in response.json()["detail"]
    profile = client.get(f"/candidates/{world.candidates['amal']}", headers=world.auth("admin"))
    assert profile.json()["personal"]["name"] == "Amal Haddad"


def test_employer_cannot_write_or_import_for_another_employer(
        client: TestClient, world: World, engine: Engine) -> None:
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    body = vacancy_body("t-foreign", "Koch (m/w/d)", "job", KOELN,
                        employer_id=world.employer_1)
    for response in (
            client.post("/vacancies", json=body, headers=world.auth("employer_2")),
            client.post("/vacancies/import", content=json.dumps(body), headers={
                **world.auth("employer_2"), "Content-Type": "application/x-ndjson"})):
        assert response.status_code == 403 and "employer_id" in response.json()["detail"]
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before


# --- audit --------------------------------------------------------------------------------

def audit_rows(engine: Engine, action: str, candidate_id: str, user_id: int) -> int:
    return int(scalar(engine, "SELECT count(*) FROM audit_log WHERE action = %s"
                      " AND candidate_id = %s AND user_id = %s", action, candidate_id, user_id))


def test_reading_a_profile_is_audited(client: TestClient, world: World, engine: Engine) -> None:
    olena, coach, other = world.candidates["olena"], world.user_ids["coach_a"], \
        world.user_ids["coach_b"]
    before = audit_rows(engine, "candidate.read", olena, coach)
    response = client.get(f"/candidates/{olena}", headers=world.auth("coach_a"))
    assert response.status_code == 200
    assert audit_rows(engine, "candidate.read", olena, coach) == before + 1
    assert scalar(engine, "SELECT role::text FROM audit_log WHERE action = 'candidate.read'"
                  " AND candidate_id = %s ORDER BY id DESC LIMIT 1", olena) == "coach"

    assert client.get(f"/candidates/{olena}", headers=world.auth("coach_b")).status_code == 404
    assert audit_rows(engine, "candidate.read", olena, other) == 0


def test_employer_seeing_a_consented_candidate_is_audited(client: TestClient, world: World,
                                                          engine: Engine) -> None:
    olena, amal = world.candidates["olena"], world.candidates["amal"]
    employer, vacancy = world.user_ids["employer_1"], world.vacancies["cook_job"]
    before = {cid: audit_rows(engine, "candidate.match_read", cid, employer)
              for cid in (olena, amal)}
    response = client.get(f"/vacancies/{vacancy}/matches", params={"limit": 100},
                          headers=world.auth("employer_1"))
    assert response.status_code == 200
    assert audit_rows(engine, "candidate.match_read", olena, employer) == before[olena] + 1
    assert audit_rows(engine, "candidate.match_read", amal, employer) == before[amal]
    detail = scalar(engine, "SELECT detail FROM audit_log WHERE action = 'candidate.match_read'"
                    " AND candidate_id = %s AND user_id = %s ORDER BY id DESC LIMIT 1",
                    olena, employer)
    assert detail == {"vacancy_id": vacancy}


# --- erasure ------------------------------------------------------------------------------

CANDIDATE_TABLES = ("candidate_personal", "candidate_language", "candidate_qualification",
                    "candidate_experience", "candidate_skill", "candidate_consent", "outcome",
                    "audit_log", "app_user")


def rows_mentioning(engine: Engine, needle: str) -> dict[str, int]:
    """Rows of every table of the schema whose text contains `needle`."""
    found = {}
    with engine.connection() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' ORDER BY table_name")]
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM {} t WHERE strpos(t::text, %s) > 0")
            count = conn.execute(query.format(sql.Identifier(table)), (needle,)).fetchone()
            if count and count[0]:
                found[table] = int(count[0])
    return found


def test_erasure_leaves_nothing_about_the_candidate(client: TestClient, world: World,
                                                    engine: Engine) -> None:
    vocab, coach = world.vocab, world.auth("coach_a")
    body = candidate_body(
        "t-erase-me", "Samira Al-Khatib", KOELN, lang="ar", work_permit="full",
        languages=[{"lang": "ar", "level": "native"}, {"lang": "de", "level": "A2"}],
        skills=[{"text": "العمل وفق الوصفة"},
                {"concept": vocab.skill("portion food"), "source": "coach_verified",
                 "evidence": "Arbeitsprobe im Erstgespräch vorgelegt."}],
        qualifications=[{"title": "شهادة مساعد طباخ", "country": "Syria", "year": 2016}],
        experience=[{"title": "Küchenhilfe", "years": 1.5}],
        consents=[{"employer_id": world.employer_1}])
    cid = client.post("/candidates", json=body, headers=coach).json()["id"]
    user = client.post("/users", json={"name": "Samira Al-Khatib", "role": "migrant",
                                       "candidate_id": cid}, headers=coach)
    assert user.status_code == 201
    migrant = {"Authorization": f"Bearer {user.json()['token']}"}
    assert client.post("/outcomes", json={"candidate_id": cid, "status": "contacted",
                                          "vacancy_id": world.vacancies["cook_job"]},
                       headers=coach).status_code == 201
    assert client.get(f"/candidates/{cid}", headers=coach).status_code == 200
    matches = client.get(f"/vacancies/{world.vacancies['cook_job']}/matches",
                         params={"limit": 100}, headers=world.auth("employer_1"))
    assert "Samira Al-Khatib" in matches.text  # she consented to this employer
    assert client.get("/me", headers=migrant).json()["candidate_id"] == cid

    before = {t: scalar(engine, f"SELECT count(*) FROM {t} WHERE candidate_id = %s", cid)
              for t in CANDIDATE_TABLES}
    assert all(before.values()), before  # every table held something: the check below bites
    vector = scalar(engine, "SELECT embedding::text FROM candidate WHERE id = %s", cid)
    assert vector is not None

    erased = client.delete(f"/candidates/{cid}", headers=migrant)  # the right to erasure
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] == cid and erased.json()["rows"]["candidate"] == 1

    for table in CANDIDATE_TABLES:
        assert scalar(engine, f"SELECT count(*) FROM {table} WHERE candidate_id = %s",
                      cid) == 0, table
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE id = %s", cid) == 0
    for needle in (cid, "Samira Al-Khatib", "samira.al-khatib@example.org", "t-erase-me",
                   "شهادة مساعد طباخ"):
        assert rows_mentioning(engine, needle) == {}, needle
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE embedding = %s::vector",
                  vector) == 0
    with engine.connection() as conn:
        nearest = {r[0] for r in conn.execute(
            "SELECT id FROM candidate ORDER BY embedding <=> %s::vector LIMIT 20", (vector,))}
    assert cid not in nearest

    assert client.get("/me", headers=migrant).status_code == 401
    for role in ("coach_a", "admin"):
        assert client.get(f"/candidates/{cid}", headers=world.auth(role)).status_code == 404
    assert client.delete(f"/candidates/{cid}", headers=coach).status_code == 404
    matches = client.get(f"/vacancies/{world.vacancies['cook_job']}/matches",
                         params={"limit": 100}, headers=world.auth("employer_1"))
    assert cid not in matches.text
    # the erasure entry keeps that a migrant erased their data, not which user they were
    assert scalar(engine, "SELECT count(*) FROM audit_log WHERE action = 'candidate.erase'"
                  " AND candidate_id IS NULL AND user_id IS NULL AND role = 'migrant'"
                  " AND at > now() - interval '1 minute'") >= 1
    assert scalar(engine, "SELECT count(*) FROM audit_log WHERE user_id = %s",
                  user.json()["id"]) == 0


def test_coach_erases_a_candidate_of_their_centre(client: TestClient, world: World,
                                                 engine: Engine) -> None:
    body = candidate_body("t-erase-coach", "Bohdan Melnyk", KOELN)
    cid = client.post("/candidates", json=body, headers=world.auth("coach_a")).json()["id"]
    assert client.delete(f"/candidates/{cid}", headers=world.auth("coach_b")).status_code == 404
    assert client.delete(f"/candidates/{cid}", headers=world.auth("coach_a")).status_code == 200
    assert rows_mentioning(engine, cid) == {}
    again = client.post("/candidates", json=body, headers=world.auth("coach_a"))
    assert again.status_code == 201 and again.json()["id"] != cid  # a new pseudonym
