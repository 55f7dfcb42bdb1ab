"""Bad input through HTTP: always a 4xx whose `detail` names the field, never a 500, and a
bulk import with one bad row imports nothing. Upserts by external id are idempotent."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matcher.engine import Engine
from tests.conftest import (
    BONN,
    KOELN,
    World,
    app_routes,
    candidate_body,
    course_body,
    scalar,
    vacancy_body,
)

UNKNOWN_SKILL = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"


def detail_of(response: Any, status: int | tuple[int, ...] = 422) -> str:
    expected = status if isinstance(status, tuple) else (status,)
    assert response.status_code in expected, (response.status_code, response.text)
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


Case = Callable[[World], tuple[str, str, str, Any]]  # role, method, path, JSON body


def _vacancy(w: World, **fields: Any) -> dict[str, Any]:
    body = vacancy_body("t-bad-vac", "Koch (m/w/d)", "job", KOELN,
                        occupation=w.vocab.occupation("cook"))
    return {**body, **fields}


def _candidate(**fields: Any) -> dict[str, Any]:
    return candidate_body("t-bad-cand", "Bad Input", KOELN, **fields)


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `body` with one nested field (dotted path) replaced."""
    out = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[int(last) if isinstance(node, list) else last] = value
    return out


BAD_BODIES: dict[str, tuple[Case, str]] = {
    "unknown essential skill": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, essential_skills=[w.vocab.skill("apply HACCP"), UNKNOWN_SKILL])),
        "essential_skills[1]"),
    "skill given as occupation": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, occupation=w.vocab.skill("apply HACCP"))), "occupation"),
    "unknown candidate skill": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        skills=[{"concept": w.vocab.skill("portion food")}, {"concept": UNKNOWN_SKILL}])),
        "skills[1].concept"),
    "occupation preferred as skill": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        preferences={"occupations": [w.vocab.skill("portion food")]})),
        "preferences.occupations[0]"),
    "unknown course skill": (lambda w: ("coach_a", "POST", "/courses", course_body(
        "t-bad-course", "Kurs", [UNKNOWN_SKILL])), "skills[0]"),
    "invalid CEFR level": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        languages=[{"lang": "de", "level": "B3"}])), "languages.0.level"),
    "invalid CEFR level in vacancy": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, languages=[{"lang": "de", "level": "fluent"}])), "languages.0.level"),
    "invalid language code": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        languages=[{"lang": "Deutsch", "level": "B1"}])), "languages.0.lang"),
    "number as text": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, slots="many")), "slots"),
    "zero slots": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(w, slots=0)),
                   "slots"),
    "text as list": (lambda w: ("coach_a", "POST", "/candidates", _with(
        _candidate(), "personal.name", ["Bad", "Input"])), "personal.name"),
    "latitude out of range": (lambda w: ("coach_a", "POST", "/candidates", _with(
        _candidate(), "location.lat", 95)), "location.lat"),
    "unknown kind": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, kind="internship")), "kind"),
    "bad date": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, start_date="31.12.2027")), "start_date"),
    "unknown field": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        religion="none of your business")), "religion"),
    "unknown nested field": (lambda w: ("coach_a", "POST", "/candidates", _with(
        _candidate(), "personal.passport", "X1234567")), "personal.passport"),
    "missing field": (lambda w: ("coach_a", "POST", "/candidates", {
        k: v for k, v in _candidate().items() if k != "work_permit"}), "work_permit"),
    "bad email": (lambda w: ("coach_a", "POST", "/candidates", _with(
        _candidate(), "personal.email", "not-an-email")), "personal.email"),
    "empty name": (lambda w: ("coach_a", "POST", "/candidates", _with(
        _candidate(), "personal.name", "   ")), "personal.name"),
    "empty skill text": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        skills=[{"text": "  "}])), "skills.0"),
    "empty text to normalise": (lambda w: ("coach_a", "POST", "/taxonomy/normalize", {
        "text": ""}), "text"),
    "blank text to normalise": (lambda w: ("coach_a", "POST", "/taxonomy/normalize", {
        "text": " \n\t "}), "text"),
    "consent to a centre": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        consents=[{"employer_id": w.centre_b}])), "consents[0].employer_id"),
    "consent put to a centre": (lambda w: (
        "coach_a", "PUT", f"/candidates/{w.candidates['olena']}/consents",
        {"consents": [{"employer_id": w.employer_1}, {"employer_id": w.centre_a}]}),
        "consents[1].employer_id"),
    "admin candidate without centre": (lambda w: ("admin", "POST", "/candidates",
                                                  _candidate()), "organisation_id"),
    "candidate in an employer": (lambda w: ("admin", "POST", "/candidates", _candidate(
        organisation_id=w.employer_1)), "organisation_id"),
    "vacancy of a centre": (lambda w: ("admin", "POST", "/vacancies", _vacancy(
        w, employer_id=w.centre_a)), "employer_id"),
    "course neither online nor placed": (lambda w: ("coach_a", "POST", "/courses", course_body(
        "t-bad-course", "Kurs", [w.vocab.skill("portion food")], location=None)), "location"),
    "unknown outcome": (lambda w: ("coach_a", "POST", "/outcomes", {
        "candidate_id": w.candidates["amal"], "vacancy_id": w.vacancies["cook_job"],
        "status": "hired"}), "status"),
    "body is a list": (lambda w: ("coach_a", "POST", "/candidates", [_candidate()]), "body"),
    # one row per person and language: a language given twice was once a 500
    "language twice (candidate)": (lambda w: ("coach_a", "POST", "/candidates", _candidate(
        languages=[{"lang": "de", "level": "B1"}, {"lang": "de", "level": "native"}])),
        "de is listed twice"),
    "language twice (vacancy)": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, languages=[{"lang": "de", "level": "B1"}, {"lang": "de", "level": "B2"}])),
        "de is listed twice"),
    "migrant user without candidate": (lambda w: ("admin", "POST", "/users", {
        "name": "Niemand", "role": "migrant"}), "candidate_id"),
    # PostgreSQL cannot store NUL characters: refused up front, not a failed query (500).
    "NUL in a name": (lambda w: ("coach_a", "POST", "/candidates", _with(
        _candidate(), "personal.name", "Amal\u0000 Haddad")), "personal.name"),
    "NUL in a list of ids": (lambda w: ("employer_1", "POST", "/vacancies", _vacancy(
        w, optional_skills=["\u0000"])), "optional_skills"),
    "NUL in an organisation": (lambda w: ("admin", "POST", "/organisations", {
        "name": "Kita\u0000", "kind": "employer"}), "name"),
    "NUL in a user": (lambda w: ("admin", "POST", "/users", {
        "name": "Null\u0000", "role": "admin"}), "name"),
    "NUL in an outcome": (lambda w: ("coach_a", "POST", "/outcomes", {
        "candidate_id": "cand_\u0000", "vacancy_id": w.vacancies["cook_job"],
        "status": "contacted"}), "candidate_id"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_body_names_the_field(client: TestClient, world: World, engine: Engine,
                                  case: str) -> None:
    build, field_name = BAD_BODIES[case]
    role, method, path, body = build(world)
    counts = [scalar(engine, f"SELECT count(*) FROM {t}")
              for t in ("candidate", "vacancy", "course", "app_user")]
    response = client.request(method, path, json=body, headers=world.auth(role))
    assert field_name in detail_of(response)
    assert counts == [scalar(engine, f"SELECT count(*) FROM {t}")
                      for t in ("candidate", "vacancy", "course", "app_user")]


BAD_QUERIES: dict[str, tuple[str, dict[str, Any], str]] = {
    "unknown occupation": ("/candidates/{amal}/course-plan",
                           {"occupation": "http://data.europa.eu/esco/occupation/nope"},
                           "occupation"),
    "plan without target": ("/candidates/{amal}/course-plan", {}, "vacancy_id"),
    "vacancy id not a number": ("/candidates/{amal}/course-plan", {"vacancy_id": "eins"},
                                "vacancy_id"),
    "unknown kind": ("/candidates/{amal}/matches", {"kind": "internship"}, "kind"),
    "page size zero": ("/candidates/{amal}/matches", {"limit": 0}, "limit"),
    "page size too big": ("/vacancies", {"limit": 5000}, "limit"),
    "negative offset": ("/courses", {"offset": -1}, "offset"),
    "bad label language": ("/candidates/{amal}", {"lang": "Arabic"}, "lang"),
    "empty search": ("/taxonomy/search", {"q": ""}, "q"),
    "unknown concept kind": ("/taxonomy/search", {"q": "Koch", "kind": "person"}, "kind"),
    "NUL in candidate id": ("/candidates/cand_%00/matches", {}, "candidate_id"),
    "NUL in candidate filter": ("/outcomes", {"candidate_id": "cand_\x00"}, "candidate_id"),
}


@pytest.mark.parametrize("case", sorted(BAD_QUERIES))
def test_bad_query_names_the_parameter(client: TestClient, world: World, case: str) -> None:
    path, params, name = BAD_QUERIES[case]
    response = client.get(path.format(amal=world.candidates["amal"]), params=params,
                          headers=world.auth("coach_a"))
    assert name in detail_of(response)


GARBAGE_IDS = ("0", "-1", "99999999999999999999", "%00", "x" * 400, "%E2%80%AE")
GARBAGE_BODIES = (b"", b"null", b"[]", b'{"x": 1}', b'"text"', b"\x00", b"{}")


@pytest.mark.parametrize("role", ["admin", "coach_a", "employer_1"])
def test_garbage_never_gets_a_500(app: FastAPI, world: World, role: str) -> None:
    """Every route, odd path ids and odd bodies: a 4xx (or a 2xx), never a server error."""
    client = TestClient(app, raise_server_exceptions=False)
    headers = {**world.auth(role), "Content-Type": "application/json"}
    failures = []
    for method, path in sorted(app_routes(app)):
        if "{" in path:
            requests = [(path.split("{")[0] + garbage + path.split("}")[1], b"{}")
                        for garbage in GARBAGE_IDS]
        elif method in ("POST", "PUT", "PATCH"):
            requests = [(path, body) for body in GARBAGE_BODIES]
        else:
            continue
        for url, body in requests:
            response = client.request(method, url, content=body, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{method} {url} {body!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_missing_records_are_404(client: TestClient, world: World) -> None:
    auth = world.auth("admin")
    for path in ("/candidates/cand_000000000000", "/vacancies/987654", "/courses/987654",
                 "/vacancies/987654/matches", "/taxonomy/concept?id=nope"):
        assert detail_of(client.get(path, headers=auth), 404)
    plan = client.get(f"/candidates/{world.candidates['amal']}/course-plan",
                      params={"vacancy_id": 987654}, headers=auth)
    assert "987654" in detail_of(plan, 404)
    assert detail_of(client.patch("/vacancies/987654", json={"is_open": False},
                                  headers=auth), 404)


def test_broken_json_is_422(client: TestClient, world: World) -> None:
    for content in (b'{"external_id": "t-broken", ', b"{'single': 'quotes'}"):
        response = client.post("/candidates", content=content, headers={
            **world.auth("coach_a"), "Content-Type": "application/json"})
        assert "body" in detail_of(response)
    not_utf8 = client.post("/candidates", content=b'{"external_id": "t-\xff"}', headers={
        **world.auth("coach_a"), "Content-Type": "application/json"})
    assert "not UTF-8 text: byte 19 (line 1, column 20)" in detail_of(not_utf8, 400)
    response = client.patch(f"/vacancies/{world.vacancies['cook_job']}", content=b"true}",
                            headers={**world.auth("employer_1"),
                                     "Content-Type": "application/json"})
    assert "JSON" in detail_of(response)


def _chunks(total: int, size: int = 1_000_000) -> Iterator[bytes]:
    yield b'{"external_id": "t-huge", "title": "'
    for _ in range(total // size):
        yield b"a" * size
    yield b'"}\n'


def test_body_over_10_mb_is_413(client: TestClient, world: World, engine: Engine) -> None:
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    huge = b"x" * 10_500_000
    auth = world.auth("employer_1")
    for path, content_type in (("/vacancies", "application/json"),
                               ("/vacancies/import", "application/x-ndjson"),
                               ("/courses/import", "text/csv")):
        role_auth = auth if path.startswith("/vacancies") else world.auth("coach_a")
        headers = {**role_auth, "Content-Type": content_type}
        declared = client.post(path, content=huge, headers=headers)
        assert "body" in detail_of(declared, 413), path
        # Streamed without a Content-Length: refused once the limit is passed.
        streamed = client.post(path, content=_chunks(10_500_000), headers=headers)
        assert "body" in detail_of(streamed, 413), path
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before


# --- bulk imports -------------------------------------------------------------------------

def _rows(world: World, prefix: str) -> list[dict[str, Any]]:
    vocab = world.vocab
    return [
        vacancy_body(f"{prefix}-1", "Lagerhelfer (m/w/d) in Bonn", "job", BONN,
                     occupation=vocab.occupation("warehouse worker"),
                     languages=[{"lang": "de", "level": "A2"}]),
        vacancy_body(f"{prefix}-2", "Kommissionierer (m/w/d)", "job", KOELN,
                     occupation=vocab.occupation("order picker"),
                     essential_skills=vocab.skills("pick orders", "use a handheld scanner")),
        vacancy_body(f"{prefix}-3", "Praktikum Lager (m/w/d)", "placement", KOELN,
                     occupation=vocab.occupation("warehouse worker"), min_permit="pending"),
    ]


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["external_id", "kind", "title", "occupation",
                                  "essential_skills", "town", "lat", "lon", "min_permit"])
    writer.writeheader()
    for r in rows:
        writer.writerow({"external_id": r["external_id"], "kind": r["kind"], "title": r["title"],
                         "occupation": r["occupation"],
                         "essential_skills": ";".join(r.get("essential_skills", [])),
                         "min_permit": r.get("min_permit", ""), **r["location"]})
    return out.getvalue().encode()


def _import(client: TestClient, world: World, body: bytes, content_type: str) -> Any:
    return client.post("/vacancies/import", content=body, headers={
        **world.auth("employer_2"), "Content-Type": content_type})


def test_import_with_one_bad_jsonl_row_imports_nothing(client: TestClient, world: World,
                                                       engine: Engine) -> None:
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    rows = _rows(world, "t-jsonl-bad")
    rows[1]["kind"] = "internship"
    response = _import(client, world, _jsonl(rows), "application/x-ndjson")
    assert "nothing was imported" in detail_of(response)
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "kind")]

    rows = _rows(world, "t-jsonl-bad")
    rows[2]["essential_skills"] = [UNKNOWN_SKILL]  # valid shape, unknown id
    response = _import(client, world, _jsonl(rows), "application/x-ndjson")
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [
        (3, "essential_skills[0]")]
    assert response.status_code == 422

    lines = _jsonl(_rows(world, "t-jsonl-bad")).split(b"\n")
    lines.insert(1, b'{"external_id": "t-jsonl-broken", ')
    response = _import(client, world, b"\n".join(lines), "application/x-ndjson")
    errors = response.json()["errors"]
    assert response.status_code == 422 and [e["row"] for e in errors] == [2]
    assert "JSON" in errors[0]["message"]
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before

    good = _import(client, world, _jsonl(_rows(world, "t-jsonl-bad")), "application/x-ndjson")
    assert good.status_code == 201 and good.json()["created"] == 3
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before + 3


def test_import_with_one_bad_csv_row_imports_nothing(client: TestClient, world: World,
                                                     engine: Engine) -> None:
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    rows = _rows(world, "t-csv-bad")
    rows[1]["location"] = {**KOELN, "lat": "nördlich von Köln"}
    response = _import(client, world, _csv(rows), "text/csv; charset=utf-8")
    assert "nothing was imported" in detail_of(response)
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(3, "location.lat")]
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before

    good = _import(client, world, _csv(_rows(world, "t-csv-bad")), "text/csv")
    assert good.status_code == 201 and good.json()["imported"] == 3
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before + 3


def test_course_import_with_one_bad_row_imports_nothing(client: TestClient, world: World,
                                                        engine: Engine) -> None:
    before = scalar(engine, "SELECT count(*) FROM course")
    skill = world.vocab.skill("pick orders")
    rows = [course_body(f"t-course-bad-{i}", f"Lagerkurs {i}", [skill]) for i in range(3)]
    rows[2]["seats"] = -1
    response = client.post("/courses/import", content=_jsonl(rows), headers={
        **world.auth("coach_a"), "Content-Type": "application/x-ndjson"})
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(3, "seats")]
    assert response.status_code == 422
    rows[2]["seats"] = 5
    rows[1]["skills"], rows[1]["skills_text"] = [], "xyzzy quux"  # nothing to link
    response = client.post("/courses/import", content=_jsonl(rows), headers={
        **world.auth("coach_a"), "Content-Type": "application/x-ndjson"})
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "skills_text")]
    assert scalar(engine, "SELECT count(*) FROM course") == before


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
def test_import_needs_a_known_content_type(client: TestClient, world: World, engine: Engine,
                                           content_type: str | None) -> None:
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    headers = world.auth("employer_2")
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post("/vacancies/import", content=_jsonl(_rows(world, "t-ctype")),
                           headers=headers)
    assert "text/csv or application/x-ndjson" in detail_of(response, 415)
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before
    declared = client.post("/vacancies/import", params={"format": "xml"},
                           content=b"<vacancy/>", headers=headers)
    assert "format" in detail_of(declared)


@pytest.mark.parametrize("body, words", [(b"", "no rows"), (b"\n\n", "no rows"),
                                         (b"\xff\xfe\x00junk", "UTF-8")])
def test_import_of_empty_or_binary_file_is_422(client: TestClient, world: World, body: bytes,
                                               words: str) -> None:
    response = _import(client, world, body, "application/x-ndjson")
    assert words in detail_of(response)


# --- idempotent upserts ---------------------------------------------------------------------

def test_candidate_upsert_is_idempotent(client: TestClient, world: World,
                                        engine: Engine) -> None:
    body = candidate_body("t-idem-cand", "Yulia Boiko", KOELN, skills=[
        {"concept": world.vocab.skill("pack goods")}])
    first = client.post("/candidates", json=body, headers=world.auth("coach_a"))
    assert first.status_code == 201 and first.json()["created"] is True
    count = scalar(engine, "SELECT count(*) FROM candidate")
    moved = {**body, "location": BONN}
    second = client.post("/candidates", json=moved, headers=world.auth("coach_a"))
    assert second.status_code == 200, second.text
    assert second.json()["id"] == first.json()["id"] and second.json()["created"] is False
    assert scalar(engine, "SELECT count(*) FROM candidate") == count
    cid = first.json()["id"]
    for table in ("candidate_personal", "candidate_skill", "candidate_language"):
        assert scalar(engine, f"SELECT count(*) FROM {table} WHERE candidate_id = %s",
                      cid) == 1, table
    profile = client.get(f"/candidates/{cid}", headers=world.auth("coach_a")).json()
    assert profile["town"] == "Bonn"

    # The same external id in another centre is another person.
    other = client.post("/candidates", json=body, headers=world.auth("coach_b"))
    assert other.status_code == 201 and other.json()["id"] != cid


def test_vacancy_upsert_is_idempotent(client: TestClient, world: World,
                                      engine: Engine) -> None:
    body = vacancy_body("t-idem-vac", "Kommissionierer (m/w/d)", "job", KOELN,
                        occupation=world.vocab.occupation("order picker"))
    first = client.post("/vacancies", json=body, headers=world.auth("employer_2"))
    assert first.status_code == 201 and first.json()["created"] is True
    count = scalar(engine, "SELECT count(*) FROM vacancy")
    skills = scalar(engine, "SELECT count(*) FROM vacancy_skill WHERE vacancy_id = %s",
                    first.json()["id"])
    second = client.post("/vacancies", json={**body, "title": "Kommissionierer (m/w/d) Nacht"},
                         headers=world.auth("employer_2"))
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"] and second.json()["created"] is False
    assert scalar(engine, "SELECT count(*) FROM vacancy") == count
    assert scalar(engine, "SELECT count(*) FROM vacancy_skill WHERE vacancy_id = %s",
                  first.json()["id"]) == skills
    vacancy = client.get(f"/vacancies/{first.json()['id']}", headers=world.auth("employer_2"))
    assert vacancy.json()["title"] == "Kommissionierer (m/w/d) Nacht"

    other = client.post("/vacancies", json=body, headers=world.auth("employer_1"))
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


def test_course_upsert_is_idempotent(client: TestClient, world: World, engine: Engine) -> None:
    body = course_body("t-idem-course", "Scannerschulung",
                       world.vocab.skills("use a handheld scanner"))
    first = client.post("/courses", json=body, headers=world.auth("coach_a"))
    assert first.status_code == 201 and first.json()["created"] is True
    count = scalar(engine, "SELECT count(*) FROM course")
    second = client.post("/courses", json={**body, "seats": 3}, headers=world.auth("admin"))
    assert second.status_code == 200
    assert second.json() == {"id": first.json()["id"], "created": False}
    assert scalar(engine, "SELECT count(*) FROM course") == count
    course = client.get(f"/courses/{first.json()['id']}", headers=world.auth("migrant"))
    assert course.json()["seats"] == 3
