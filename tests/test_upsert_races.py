"""The same record upserted by external id from 16 threads at once, 5 times each, through
a real server: every request answers 200 or 201 (exactly one 201), never a 5xx, and one
row remains, with one set of detail rows (issue 13: 22 of 80 answered 500 before)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from api.main import create_app
from matcher.engine import Engine
from tests.conftest import KOELN, World, candidate_body, course_body, scalar, vacancy_body
from tests.live import live_server

THREADS, ROUNDS = 16, 5


@pytest.fixture(scope="module")
def base_url(engine: Engine) -> Iterator[str]:
    with live_server(create_app(engine=engine)) as url:
        yield url
    with engine.connection() as conn:  # leave the shared world as it was
        for table in ("candidate", "vacancy", "course"):
            conn.execute(f"DELETE FROM {table} WHERE external_id LIKE %s",  # noqa: S608
                         ("t-race-%",))


def _hammer(base_url: str, path: str, token: str,
            body_of: Callable[[int, int], dict[str, Any]]) -> Counter[int]:
    """THREADS threads, each with its own connection, each posting ROUNDS times; the
    count of each status code (0: the connection broke)."""
    def worker(thread: int) -> list[int]:
        codes = []
        with httpx.Client(base_url=base_url, timeout=120,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            for n in range(ROUNDS):
                try:
                    codes.append(http.post(path, json=body_of(thread, n)).status_code)
                except httpx.TransportError:  # counted as 0: no answer
                    codes.append(0)
        return codes

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(code for codes in pool.map(worker, range(THREADS)) for code in codes)


def _check(codes: Counter[int]) -> None:
    assert sum(codes.values()) == THREADS * ROUNDS
    assert set(codes) <= {200, 201}, codes
    assert codes[201] == 1, codes


def test_concurrent_candidate_upserts(base_url: str, engine: Engine, world: World) -> None:
    def body(thread: int, n: int) -> dict[str, Any]:
        return candidate_body("t-race-cand", "Race Candidate", KOELN,
                              travel_radius_km=10 + thread + n,
                              languages=[{"lang": "de", "level": "B1"},
                                         {"lang": "en", "level": "A2"}])

    _check(_hammer(base_url, "/candidates", world.tokens["coach_a"], body))
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE external_id = %s",
                  "t-race-cand") == 1
    cid = scalar(engine, "SELECT id FROM candidate WHERE external_id = %s", "t-race-cand")
    assert scalar(engine, "SELECT count(*) FROM candidate_language WHERE candidate_id = %s",
                  cid) == 2
    assert scalar(engine, "SELECT count(*) FROM candidate_personal WHERE candidate_id = %s",
                  cid) == 1


def test_concurrent_vacancy_upserts(base_url: str, engine: Engine, world: World) -> None:
    skills = world.vocab.skills("receive goods", "pick orders")

    def body(thread: int, n: int) -> dict[str, Any]:
        return vacancy_body("t-race-vac", "Lagerhelfer (m/w/d)", "job", KOELN,
                            essential_skills=skills, slots=1 + thread + n, is_open=False)

    _check(_hammer(base_url, "/vacancies", world.tokens["employer_2"], body))
    assert scalar(engine, "SELECT count(*) FROM vacancy WHERE external_id = %s",
                  "t-race-vac") == 1
    vid = scalar(engine, "SELECT id FROM vacancy WHERE external_id = %s", "t-race-vac")
    assert scalar(engine, "SELECT count(*) FROM vacancy_skill WHERE vacancy_id = %s",
                  vid) == len(skills)


def test_concurrent_course_upserts(base_url: str, engine: Engine, world: World) -> None:
    skills = world.vocab.skills("operate a forklift")

    def body(thread: int, n: int) -> dict[str, Any]:
        return course_body("t-race-course", "Staplerschein kompakt", skills,
                           seats=1 + thread + n)

    _check(_hammer(base_url, "/courses", world.tokens["admin"], body))
    assert scalar(engine, "SELECT count(*) FROM course WHERE external_id = %s",
                  "t-race-course") == 1
    course = scalar(engine, "SELECT id FROM course WHERE external_id = %s", "t-race-course")
    assert scalar(engine, "SELECT count(*) FROM course_skill WHERE course_id = %s",
                  course) == len(skills)
