"""The API against its own OpenAPI document: schemathesis generates requests from the
schema (valid and invalid ones) and checks every answer: no server error, only documented
status codes, content types and headers, bodies that match the documented response
models, invalid requests refused, valid ones accepted, `Allow` on 405, 401 without a
token.

It runs on a database of its own (the requests create, change and erase records at
random), with an admin token, a bounded number of examples per operation and a fixed
seed, so it takes well under a minute and fails the same way twice.

One allowance, per operation and with its reason: a request the schema calls valid may
still be refused with 422 where validity depends on data the schema cannot express (a
concept or record id must exist, a field is required for one role, a file's rows are
checked). Everywhere else a valid request must not be refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import schemathesis.engine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import Status
from schemathesis.engine.events import (
    EngineFinished,
    FatalError,
    NonFatalError,
    ScenarioFinished,
)

from api.main import create_app
from api.routes import candidates as candidates_routes
from matcher.engine import Engine
from matcher.settings import Settings
from matcher.store.auth import create_user, issue_token, upsert_organisation
from skills_taxonomy.normalize import Normalizer
from tests.conftest import KOELN, UNTHROTTLED, World, candidate_body, scalar

MAX_EXAMPLES = 25
SEED = 12

# Operations whose schema-valid requests may still be refused with 422, and why.
SEMANTIC_422 = {
    "POST /candidates": "organisation_id must be a centre (and is required for an admin); "
                        "concept ids must exist",
    "PUT /candidates/{candidate_id}/consents": "employer ids must exist",
    "GET /candidates/{candidate_id}/course-plan": "a vacancy_id or a known occupation id",
    "POST /vacancies": "employer_id must be an employer (required for an admin); concept "
                       "ids must exist",
    "POST /vacancies/import": "every row of the file is checked",
    "POST /courses": "skill ids must exist; a course that is not online needs a location",
    "POST /courses/import": "every row of the file is checked",
    "POST /recognition/eqf-tables": "every row of the CSV is checked",
    "GET /recognition/regulated": "the occupation id must exist; destination a supported "
                                  "country",
    "POST /recognition/qualification": "text must be encodable (no lone surrogates); "
                                       "destination a supported country",
    "GET /candidates/{candidate_id}/qualifications": "destination a supported country",
    "POST /taxonomy/normalize": "text must be encodable (no lone surrogates)",
    "GET /taxonomy/search": "the query must hold some text after cleaning",
    "POST /organisations": "an external id names one organisation of one kind",
    "POST /users": "organisation and candidate must fit the role and exist",
    "POST /allocations": "the cohort's candidate ids must exist; fairness shares must be "
                         "feasible",
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "headers": {"Authorization": f"Bearer {token}"},
        "seed": SEED,
        "workers": 1,
        "generation": {"max-examples": MAX_EXAMPLES},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": True}},
        "operations": [
            *({"include-name": name, "checks": {
                "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}}
              for name in SEMANTIC_422),
            # would revoke the token the run uses (user 1, token 1 are the first values
            # tried); tests/test_api_security.py checks its answers against its models
            {"include-name": "DELETE /users/{user_id}/tokens/{token_id}", "enabled": False}],
    })


@pytest.fixture(scope="module")
def schema_app(tmp_path_factory: pytest.TempPathFactory, starter: Normalizer,
               ) -> Iterator[tuple[FastAPI, str]]:
    root: Path = tmp_path_factory.mktemp("schemathesis")
    engine = Engine.start(Settings(data_dir=root, pgdata=root / "pgdata", **UNTHROTTLED),
                          normalizer=starter)
    try:
        with engine.connection() as conn:
            upsert_organisation(conn, "Schema Centre", "centre", "st-centre")
            upsert_organisation(conn, "Schema Employer", "employer", "st-employer")
            token = issue_token(conn, create_user(conn, "schema admin", "admin"), "tests")
        yield create_app(engine=engine), token
    finally:
        engine.close()


def test_every_check_passes_on_every_operation(schema_app: tuple[FastAPI, str]) -> None:
    """What `schemathesis run --checks all` does (examples, coverage, fuzzing and stateful
    phases), in process against the ASGI app."""
    app, token = schema_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config(token))
    events = list(schemathesis.engine.from_schema(schema).execute())
    assert isinstance(events[-1], EngineFinished), events[-1]
    checked, problems = 0, []
    for event in events:
        if isinstance(event, NonFatalError | FatalError):
            problems.append(f"{getattr(event, 'label', '')}: {event!r}")
        if not isinstance(event, ScenarioFinished):
            continue
        for nodes in event.recorder.checks.values():
            for node in nodes:
                checked += 1
                if node.status is Status.FAILURE and node.failure_info is not None:
                    failure = node.failure_info.failure
                    problems.append(f"{event.recorder.label}: {failure.title}: "
                                    f"{failure.message}\n{node.failure_info.code_sample}")
    problems += [f"after the run: {f.title}: {f.message}" for f in events[-1].failures]
    assert checked > 10_000, f"only {checked} checks ran"
    assert not problems, f"{len(problems)} failures:\n\n" + "\n\n".join(problems)


def test_422_is_documented_as_the_app_answers_it(schema_app: tuple[FastAPI, str]) -> None:
    """`detail` is a string (FastAPI's default documents a list); no route keeps the
    default validation-error schema; every route has a response model."""
    doc = schema_app[0].openapi()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    detail = doc["components"]["schemas"]["ValidationError"]["properties"]["detail"]
    assert detail["type"] == "string"
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            answers = operation["responses"]
            ok = answers.get("200") or answers.get("201")
            body = ok and (ok["content"].get("application/json")  # JSON-LD: job postings
                           or ok["content"].get("application/ld+json"))
            assert body and body["schema"], (method, path)
            if path not in ("/health", "/ready"):
                assert {"401", "422", "503"} <= set(answers), (method, path)


def test_a_write_and_its_audit_row_commit_together(
        app: FastAPI, world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """One transaction per request: when the audit row cannot be written, the candidate is
    not stored either (today's `save_candidate` wrote them in separate transactions)."""

    def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(candidates_routes, "audit", broken_audit)
    body = candidate_body("t-atomic-1", "Ada Atomic", KOELN)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/candidates", json=body, headers=world.auth("coach_a"))
    assert response.status_code == 500
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE external_id = %s",
                  "t-atomic-1") == 0


def test_405_lists_every_method_of_the_path(client: TestClient, world: World) -> None:
    for method, path, allow in (("OPTIONS", "/candidates", "GET, POST"),
                                ("DELETE", "/vacancies", "GET, POST"),
                                ("GET", "/courses/import", "POST"),
                                ("PATCH", "/vacancies/import", "POST")):
        response = client.request(method, path, headers=world.auth("admin"))
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers["allow"] == allow, (method, path)
