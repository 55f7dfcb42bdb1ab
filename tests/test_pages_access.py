"""Who may open which page: every page route of the app, each role (and nobody signed
in), and what each gets — the page (200), another centre's or employer's record as if it
did not exist (404), a page not for the role (403), sign-in first (303). Every form
refuses a post without the session's CSRF token. The table must name every page route,
so a new page cannot be added without saying who may open it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.pages.web import is_page
from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import propose
from matcher.engine import Engine
from matcher.jobs import VACANCY_IMPORT
from matcher.store import allocations, jobs
from tests.conftest import World, app_routes
from tests.test_pages_sign_in import new_code, sign_in

ROLES = ("anonymous", "admin", "coach_a", "coach_b", "employer_1", "employer_2", "migrant")
COACH = {"anonymous": 303, "admin": 200, "coach_a": 200, "coach_b": 200, "employer_1": 403,
         "employer_2": 403, "migrant": 403}
COACH_RECORD = {**COACH, "coach_b": 404}  # olena belongs to centre A
EMPLOYER = {"anonymous": 303, "admin": 200, "coach_a": 403, "coach_b": 403,
            "employer_1": 200, "employer_2": 200, "migrant": 403}
EMPLOYER_RECORD = {**EMPLOYER, "employer_2": 404}  # the cook job is employer 1's
MIGRANT = {"anonymous": 303, "admin": 403, "coach_a": 403, "coach_b": 403,
           "employer_1": 403, "employer_2": 403, "migrant": 200}
EVERYONE = dict.fromkeys(ROLES, 200)
GET = {
    "/": dict.fromkeys(ROLES, 303),
    "/sign-in": EVERYONE,
    "/coach": COACH,
    "/coach/allocations": COACH,
    "/coach/allocations/{allocation_id}": COACH_RECORD,  # centre A's proposal
    # the job in the table is an upload, not an allocation: no coach's allocation job
    "/coach/allocations/jobs/{job_id}": {**COACH, "admin": 404, "coach_a": 404,
                                         "coach_b": 404},
    "/coach/candidates/new": COACH,
    "/coach/candidates/{candidate_id}": COACH_RECORD,
    "/coach/candidates/{candidate_id}/courses": COACH_RECORD,
    "/coach/candidates/{candidate_id}/edit": COACH_RECORD,
    "/coach/candidates/{candidate_id}/erase": COACH_RECORD,
    "/coach/candidates/{candidate_id}/export": COACH_RECORD,
    "/coach/candidates/{candidate_id}/matches": COACH_RECORD,
    "/coach/candidates/{candidate_id}/recognition": COACH_RECORD,
    "/employer": EMPLOYER,
    "/employer/towns": EMPLOYER,
    "/employer/vacancies/example.csv": EMPLOYER,
    "/employer/vacancies/new": EMPLOYER,
    "/employer/vacancies/upload": EMPLOYER,
    "/employer/vacancies/upload/{job_id}": EMPLOYER_RECORD,  # employer 1's upload
    "/employer/vacancies/{vacancy_id}": EMPLOYER_RECORD,
    "/me/": {**dict.fromkeys(ROLES, 303)},
    "/me/home": MIGRANT,
    "/me/skills": MIGRANT,
    "/me/jobs": MIGRANT,
    "/me/courses": MIGRANT,
    "/me/recognition": MIGRANT,
    "/me/data": MIGRANT,
    "/me/data/delete": MIGRANT,
    "/me/data/download": MIGRANT,
    "/me/goodbye": {**dict.fromkeys(ROLES, 303), "anonymous": 200},  # after erasure
}
# forms: sign-in has its own protection (tests/test_pages_sign_in.py)
POST_EXEMPT = {"/sign-in"}


@pytest.fixture(scope="module")
def browsers(app: FastAPI, engine: Engine, world: World) -> Iterator[dict[str, TestClient]]:
    found = {"anonymous": TestClient(app)}
    for role in ROLES[1:]:
        found[role] = TestClient(app)
        sign_in(found[role], new_code(engine, world.user_ids[role]))
    yield found


UPLOAD: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def upload_job(engine: Engine, world: World) -> None:
    """A finished CSV upload of employer 1, whose page the table opens."""
    with engine.connection() as conn:
        job = jobs.enqueue(conn, VACANCY_IMPORT, world.user_ids["employer_1"], b"",
                           {"format": "csv", "employers": [], "rows": []}, 0)
        jobs.finish(conn, job.id, {"imported": 0, "created": 0, "updated": 0, "ids": [],
                                   "needs_review": 0, "warnings": []})
    UPLOAD["job"] = job.id
    with engine.connection() as conn:  # and a proposal of centre A (nothing reserved)
        found = propose(conn, engine.matcher, AllocationIn(cohort=[world.candidates["olena"]]),
                        world.centre_a)
        UPLOAD["allocation"], _ = allocations.save_proposal(
            conn, found.organisation_id, world.user_ids["coach_a"], found.settings,
            found.summary, found.assignments)


def filled(path: str, world: World) -> str:
    return path.format(candidate_id=world.candidates["olena"],
                       vacancy_id=world.vacancies["cook_job"], job_id=UPLOAD["job"],
                       allocation_id=UPLOAD["allocation"], reservation_id=1)


def test_every_page_route_says_who_may_open_it(app: FastAPI) -> None:
    pages = {(m, p) for m, p in app_routes(app) if is_page(p)}
    gets = {p for m, p in pages if m == "GET"}
    assert gets == set(GET), (sorted(gets - set(GET)), sorted(set(GET) - gets))


def test_each_role_gets_exactly_its_pages(browsers: dict[str, TestClient],
                                          world: World) -> None:
    failures = []
    for path, expected in GET.items():
        for role in ROLES:
            got = browsers[role].get(filled(path, world), follow_redirects=False).status_code
            if got != expected[role]:
                failures.append(f"{role} GET {path}: {got}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_every_form_refuses_a_post_without_the_csrf_token(
        app: FastAPI, browsers: dict[str, TestClient], world: World, engine: Engine) -> None:
    posts = sorted(p for m, p in app_routes(app) if m == "POST" and is_page(p))
    assert len(posts) >= 10
    before = _rows(engine)
    failures = []
    for path in posts:
        if path in POST_EXEMPT:
            continue
        url = filled(path, world)
        for role in ROLES:
            got = browsers[role].post(url, data={"csrf": "forged", "text": "Koch"},
                                      follow_redirects=False)
            expected = 303 if role == "anonymous" else 403
            if got.status_code != expected:
                failures.append(f"{role} POST {path}: {got.status_code}, expected {expected}")
            elif role != "anonymous" and "text/html" not in got.headers["content-type"]:
                failures.append(f"{role} POST {path}: not a page")
    assert not failures, "\n".join(failures)
    assert _rows(engine) == before, "a refused form changed nothing"


def test_a_file_over_the_body_limit_gets_a_page(browsers: dict[str, TestClient],
                                                engine: Engine) -> None:
    limit = engine.settings.max_body_bytes
    answer = browsers["employer_1"].post("/employer/vacancies/upload",
                                         files={"file": ("big.csv", b"x" * (limit + 10))},
                                         follow_redirects=False)
    assert answer.status_code == 413
    assert "text/html" in answer.headers["content-type"] and "limit" in answer.text


def _rows(engine: Engine) -> tuple[int, ...]:
    with engine.connection() as conn:
        return tuple(int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                     for table in ("candidate", "vacancy", "outcome", "candidate_consent",
                                   "candidate_skill"))
