"""A corpus of hostile payloads, generated here, against every route that reads a body:
the JSON routes, both bulk imports (JSON Lines and CSV) and the EQF table upload. Deep
nesting, huge numbers, NaN and Infinity, NUL characters, invalid UTF-8, control
characters, lone surrogates, wrong types, oversized strings, unicode tricks, cells that
look like spreadsheet formulas, broken CSV quoting, wrong Content-Types. Whatever comes,
the answer is not a 5xx, and every 4xx carries a `detail` string saying why.

The requests go through an app of this module's own (its own rate limits) with a user,
a centre and an employer of its own (vacancies closed); what the probes manage to store is
deleted afterwards, and an accepted EQF table is stored but does not refit the shared
engine's recogniser (a refit takes seconds and would change the estimates of later
tests), so the other tests' worlds are not touched."""

from __future__ import annotations

import contextlib
import json
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.engine import Engine
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import KOELN, World, candidate_body, course_body, vacancy_body
from tests.live import live_server


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    path: str
    role: str
    body: bytes
    content_type: str | None


# --- hostile values and documents -------------------------------------------------------------
def _deep(levels: int, opener: str = "[", closer: str = "]") -> str:
    return opener * levels + closer * levels


def _deep_object(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


VALUES: list[tuple[str, Any]] = [
    ("null", None), ("true", True), ("negative", -1), ("zero", 0),
    ("int64 max+1", 2**63), ("int64 min-1", -2**63 - 1), ("1e308", 1e308), ("tiny", 5e-324),
    ("NaN", float("nan")), ("Infinity", float("inf")), ("-Infinity", float("-inf")),
    ("empty", ""), ("blank", "   "), ("NUL", "\x00"), ("NUL inside", "Koch\x00(m/w/d)"),
    ("control chars", "a\x01\x02\x07\x1b[31m\x7fb"), ("bidi override", "\u202egnp.exe"),
    ("zero width", "\u200b\u200c\u200d\ufeff"), ("math letters", "\U0001d4d7\U0001d4ee"),
    ("combining", "e" + "\u0301" * 500), ("emoji", "\U0001f469\u200d\U0001f373" * 50),
    ("formula", "=HYPERLINK(\"http://x\",\"y\")"), ("dde", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("plus cell", "+1-1"), ("sql", "'; DROP TABLE candidate;--"), ("path", "../../etc/passwd"),
    ("html", "<script>alert(1)</script>"), ("oversized", "x" * 200_000),
    ("list", []), ("object", {}), ("nested list", [[[[]]]]), ("long list", list(range(20_000))),
    ("object of objects", {"a": {"b": {"c": {}}}}),
]

DOCUMENTS: list[tuple[str, str]] = [
    ("empty", ""), ("null", "null"), ("array", "[]"), ("string", '"x"'), ("number", "1"),
    ("true", "true"), ("open brace", "{"), ("empty object", "{}"),
    ("depth 33", _deep(33)), ("depth 1000", _deep(1000)), ("depth 100k", _deep(100_000)),
    ("object depth 5000", _deep_object(5_000)), ("unclosed depth", "[" * 50_000),
    ("NaN", '{"a": NaN}'), ("Infinity", '{"a": Infinity}'), ("-Infinity", '{"a": -Infinity}'),
    ("1e400", '{"a": 1e400}'), ("-1e400", '{"a": -1e400}'),
    ("5000 digits", '{"a": ' + "9" * 5_000 + "}"), ("100 digits", '{"a": ' + "9" * 100 + "}"),
    ("lone surrogate", '{"a": "\\ud800"}'), ("surrogate key", '{"\\udfff": 1}'),
    ("NUL escape", '{"a": "\\u0000"}'), ("NUL key", '{"\\u0000": 1}'),
    ("raw control char", '{"a": "x\x01y"}'), ("single quotes", "{'a': 1}"),
    ("trailing comma", '{"a": 1,}'), ("duplicate keys", '{"a": 1, "a": 2}'),
    ("many keys", json.dumps({f"k{i}": i for i in range(20_000)})),
    ("comment", '{"a": 1 /* x */}'), ("two documents", "{}{}"), ("bom", "\ufeff{}"),
]

RAW: list[tuple[str, bytes]] = [
    ("invalid utf-8", b'{"a": "\xff\xfe"}'), ("overlong utf-8", b'{"a": "\xc0\xaf"}'),
    ("truncated utf-8", b'{"a": "\xe2\x82"}'), ("utf-16", '{"a": 1}'.encode("utf-16")),
    ("latin-1", '{"a": "Köln"}'.encode("latin-1")), ("raw NUL", b'{"a": "x\x00y"}'),
    ("encoded surrogate", b'{"a": "\xed\xa0\x80"}'),
]

WRONG_TYPES = ["text/plain", "application/xml", "application/x-www-form-urlencoded",
               "multipart/form-data; boundary=x", "text/csv", None]


def _dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _mutations(base: dict[str, Any], fields: list[str]) -> Iterator[tuple[str, bytes]]:
    """`base` with one field (a dotted path) replaced by each hostile value."""
    for field in fields:
        for name, value in VALUES:
            body = json.loads(json.dumps(base))
            *parents, last = field.split(".")
            node = body
            for key in parents:
                node = node[int(key)] if isinstance(node, list) else node[key]
            node[int(last) if isinstance(node, list) else last] = value
            yield f"{field}={name}", _dumps(body)


# --- CSV -------------------------------------------------------------------------------------
def _csv_cases(header: str, good: str) -> list[tuple[str, bytes]]:
    cells = [("formula", "=1+1"), ("dde", "=cmd|' /C calc'!A0"), ("at", "@SUM(A1)"),
             ("nan", "nan"), ("NaN", "NaN"), ("inf", "inf"), ("-inf", "-Infinity"),
             ("1e400", "1e400"), ("huge int", "9" * 5_000), ("NUL", "a\x00b"),
             ("control", "a\x01\x1bb"), ("bidi", "\u202eabc"), ("empty", ""),
             ("quote", '"'), ("long", "x" * 140_000)]
    columns = header.split(",")
    good_cells = good.split(",")
    cases: list[tuple[str, bytes]] = []
    for i, column in enumerate(columns):
        for name, cell in cells:
            row = good_cells.copy()
            row[i] = cell
            cases.append((f"csv {column}={name}", f"{header}\n{','.join(row)}\n".encode()))
    cases += [
        ("csv unclosed quote", f'{header}\n"{good}\n'.encode()),
        ("csv quote in field", f'{header}\nab"c"d,{good}\n'.encode()),
        ("csv text after quote", f'{header}\n"a"b,{good}\n'.encode()),
        ("csv too many cells", f"{header}\n{good},x,y,z\n".encode()),
        ("csv too few cells", f"{header}\n{good_cells[0]}\n".encode()),
        ("csv header only", f"{header}\n".encode()), ("csv empty", b""),
        ("csv bom", f"\ufeff{header}\n{good}\n".encode()),
        ("csv cr only", f"{header}\r{good}\r".encode()),
        ("csv invalid utf-8", f"{header}\n".encode() + b"\xff\xfe,\xc3\n"),
        ("csv latin-1", f"{header}\n{good}ä\n".encode("latin-1")),
        ("csv utf-16", f"{header}\n{good}\n".encode("utf-16")),
        ("csv NUL in header", f"{header}\x00\n{good}\n".encode()),
        ("csv duplicate header", f"{header},{columns[0]}\n{good},x\n".encode()),
        ("csv 5000 columns", (",".join(f"c{i}" for i in range(5_000)) + "\n").encode()),
        ("csv binary", bytes(range(256)) * 4),
        ("csv no header names", f",,\n{good}\n".encode()),
    ]
    return cases


# --- the corpus ------------------------------------------------------------------------------
@dataclass
class Ids:
    centre: int
    employer: int
    vacancy: int
    candidate: str


def corpus(w: World, ids: Ids) -> list[Probe]:
    cook = w.vocab.occupation("cook")
    skill = w.vocab.skill("operate a forklift")
    candidate = candidate_body("t-hostile-cand", "Hostile Input", KOELN,
                               organisation_id=ids.centre, skills=[{"concept": skill}],
                               experience=[{"title": "Lagerhelfer", "years": 1}])
    vacancy = vacancy_body("t-hostile-vac", "Lager (m/w/d)", "job", KOELN, occupation=cook,
                           employer_id=ids.employer, is_open=False, slots=1,
                           essential_skills=[skill])
    course = course_body("t-hostile-course", "Hostile Kurs", [skill], seats=1)
    probes: list[Probe] = []
    routes = [("POST", "/candidates", candidate,
               ["external_id", "personal.name", "location.lat", "travel_radius_km",
                "languages", "skills.0.concept", "experience.0.years", "organisation_id"]),
              ("POST", "/vacancies", vacancy,
               ["title", "slots", "location", "essential_skills", "start_date", "kind"]),
              ("POST", "/courses", course,
               ["seats", "duration_weeks", "skills", "start_dates", "provider"]),
              ("POST", "/taxonomy/normalize", {"text": "Gabelstapler fahren"}, ["text"]),
              ("POST", "/recognition/qualification",
               {"title": "Diplom Koch", "country": "Syria"}, ["title", "country"]),
              ("PUT", f"/candidates/{ids.candidate}/consents", {"consents": []}, ["consents"]),
              ("PATCH", f"/vacancies/{ids.vacancy}", {"is_open": False}, ["is_open"]),
              ("POST", "/outcomes", {"candidate_id": ids.candidate, "vacancy_id": ids.vacancy,
                                     "status": "contacted"}, ["candidate_id", "status"]),
              ("POST", "/organisations", {"name": "x", "kind": "centre"}, []),
              ("POST", "/users", {"name": "x", "role": "admin"}, [])]
    json_type = "application/json"
    for method, path, base, fields in routes:
        for name, body in _mutations(base, fields):
            probes.append(Probe(name, method, path, "admin", body, json_type))
        for name, text in DOCUMENTS:
            probes.append(Probe(name, method, path, "admin", text.encode(), json_type))
        for name, raw in RAW:
            probes.append(Probe(name, method, path, "admin", raw, json_type))
        for content_type in WRONG_TYPES:
            probes.append(Probe(f"Content-Type {content_type}", method, path, "admin",
                                _dumps(base), content_type))
    for path, base in (("/vacancies/import", vacancy), ("/courses/import", course)):
        ndjson = "application/x-ndjson"
        for name, text in DOCUMENTS:  # each hostile document as the second of two lines
            probes.append(Probe(f"jsonl {name}", "POST", path, "admin",
                                _dumps(base) + b"\n" + text.encode() + b"\n", ndjson))
        for name, raw in RAW:
            probes.append(Probe(f"jsonl {name}", "POST", path, "admin", raw + b"\n", ndjson))
        for name, body in _mutations(base, ["external_id", "title", "location.lat"]):
            probes.append(Probe(f"jsonl {name}", "POST", path, "admin", body + b"\n", ndjson))
        probes.append(Probe("jsonl U+2028 in a string", "POST", path, "admin",
                            _dumps({**base, "title": "a\u2028b"}) + b"\n", ndjson))
        for content_type in WRONG_TYPES[:-2] + ["application/json", None]:
            probes.append(Probe(f"import Content-Type {content_type}", "POST", path, "admin",
                                _dumps(base) + b"\n", content_type))
    vacancy_header = ("external_id,employer_id,title,kind,town,lat,lon,slots,is_open,"
                      "essential_skills")
    vacancy_row = f"t-hostile-csv,{ids.employer},Lager,job,Köln,50.9,6.9,1,false,{skill}"
    for name, body in _csv_cases(vacancy_header, vacancy_row):
        probes.append(Probe(name, "POST", "/vacancies/import", "admin", body, "text/csv"))
    course_header = ("external_id,provider,title,skills,lang,min_level,duration_weeks,online,"
                     "seats")
    course_row = f"t-hostile-csv-course,VHS,Kurs,{skill},de,A2,4,true,1"
    for name, body in _csv_cases(course_header, course_row)[::3]:  # a third: the same parser
        probes.append(Probe(name, "POST", "/courses/import", "admin", body, "text/csv"))
    eqf_header = "qualification,country,eqf_level,native_title,type,duration_years"
    eqf_row = "t-hostile diploma,Probeland,4,Diplom,upper_secondary,3"
    for name, body in _csv_cases(eqf_header, eqf_row):
        probes.append(Probe(f"eqf {name}", "POST", "/recognition/eqf-tables?source=t-hostile",
                            "admin", body, "text/csv"))
    for content_type in WRONG_TYPES[:-2] + ["application/json", None]:
        probes.append(Probe(f"eqf Content-Type {content_type}", "POST",
                            "/recognition/eqf-tables?source=t-hostile", "admin",
                            f"{eqf_header}\n{eqf_row}\n".encode(), content_type))
    return probes


# --- the test --------------------------------------------------------------------------------
# rows made after the fixture started are deleted, in this order (organisations last)
LAST_IDS = {table: f"SELECT max(id) FROM {table}"  # noqa: S608
            for table in ("course", "vacancy", "app_user", "eqf_reference", "organisation")}


@pytest.fixture(scope="module")
def hostile(engine: Engine, world: World) -> Iterator[tuple[TestClient, dict[str, str], Ids]]:
    with engine.connection() as conn:
        last = {table: conn.execute(query).fetchone()[0] or 0  # type: ignore[index]
                for table, query in LAST_IDS.items()}
        candidates = {row[0] for row in conn.execute("SELECT id FROM candidate")}
        centre = upsert_organisation(conn, "Hostile Input Centre", "centre", "t-hostile-centre")
        employer = upsert_organisation(conn, "Hostile Input GmbH", "employer", "t-hostile-emp")
        admin = create_user(conn, "Hostile Admin", "admin", None)
        tokens = {"admin": issue_token(conn, admin, "hostile input")}
    with pytest.MonkeyPatch.context() as patch, TestClient(create_app(engine=engine)) as client:
        patch.setattr(engine, "_recogniser", lambda conn: engine.recogniser)
        auth = {"Authorization": f"Bearer {tokens['admin']}"}
        made = client.post("/candidates", headers=auth, json=candidate_body(
            "t-hostile-own", "Hostile Own", KOELN, organisation_id=centre))
        vacancy = client.post("/vacancies", headers=auth, json=vacancy_body(
            "t-hostile-own", "Hostile (m/w/d)", "job", KOELN, employer_id=employer,
            is_open=False, occupation=world.vocab.occupation("cook")))
        assert made.status_code == 201 and vacancy.status_code == 201, (made.text, vacancy.text)
        yield client, tokens, Ids(centre, employer, vacancy.json()["id"], made.json()["id"])
    with engine.connection() as conn:  # children and tokens go by cascade
        conn.execute("DELETE FROM candidate WHERE NOT id = ANY(%s)", (sorted(candidates),))
        for table in LAST_IDS:
            conn.execute(f"DELETE FROM {table} WHERE id > %s", (last[table],))  # noqa: S608


def test_hostile_corpus_gets_no_5xx(hostile: tuple[TestClient, dict[str, str], Ids],
                                    world: World) -> None:
    client, tokens, ids = hostile
    probes = corpus(world, ids)
    assert len(probes) >= 300
    outcomes: Counter[int] = Counter()
    failures = []
    for probe in probes:
        headers = {"Authorization": f"Bearer {tokens[probe.role]}"}
        if probe.content_type is not None:
            headers["Content-Type"] = probe.content_type
        response = client.request(probe.method, probe.path, content=probe.body,
                                  headers=headers)
        outcomes[response.status_code] += 1
        if response.status_code >= 500:
            failures.append((probe.name, probe.path, response.status_code, response.text[:200]))
        elif response.status_code >= 400:
            detail = response.json().get("detail")
            if not (isinstance(detail, str) and detail):
                failures.append((probe.name, probe.path, response.status_code, "no detail"))
    print(f"\nhostile corpus: {len(probes)} payloads, outcomes {dict(sorted(outcomes.items()))}")
    assert not failures, failures
    assert 429 not in outcomes  # the module's own app: no rate limit reached


def test_oversized_head_is_431_not_a_reset(engine: Engine) -> None:
    """Through a real server: a 1 MB header (more than the server buffers) and a 40 KB one
    (arrives whole, measured by the app) both get 431 with a detail; requests within the
    bound, pipelined on one connection, are all answered."""
    with live_server(create_app(engine=engine)) as url:
        host, port = url.removeprefix("http://").split(":")
        for size in (40_000, 1_000_000):
            with socket.create_connection((host, int(port)), timeout=30) as sock:
                head = (f"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * size}\r\n\r\n"
                        .encode())
                # the server may answer before reading it all; the answer still arrives
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    sock.sendall(head)
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            status_line, _, rest = answer.partition(b"\r\n")
            assert status_line.startswith(b"HTTP/1.1 431"), answer[:300]
            assert b"larger than the limit" in rest
        # many small requests pipelined in one write (about 40 KB): each is answered,
        # none counted as part of an oversized head
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * 1000)
            answer = b""
            while answer.count(b"HTTP/1.1 ") < 1000 and (chunk := sock.recv(65536)):
                answer += chunk
        assert answer.count(b"HTTP/1.1 200 OK") == 1000, answer[:300]
