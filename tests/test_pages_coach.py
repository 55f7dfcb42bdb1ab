"""The coach console over HTTP: who may open it, the caseload's search and filters, intake
with confirmed suggestions, bad input answered with the form and its messages (nothing
written), CSRF refused on every form, recognition updates, outcomes, the sign-in card,
export and erasure. The browser tests (`tests/browser/test_coach.py`) walk the same pages
in Chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matcher.engine import Engine
from matcher.learning.calibration import load_calibration
from tests.conftest import World
from tests.test_pages_sign_in import form_csrf, new_code, sign_in
from training.fit_match_ranker import main as fit_match_ranker

COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"
TEXT = "кухар у ресторані, готувати овочі до приготування страв, 5 років"


class Browser:
    """A signed-in TestClient with its CSRF token."""

    def __init__(self, app: FastAPI, engine: Engine, user_id: int) -> None:
        self.client = TestClient(app)
        sign_in(self.client, new_code(engine, user_id))
        self.csrf = form_csrf(self.client.get("/sign-in").text)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, follow_redirects=False, **kwargs)

    def post(self, path: str, data: dict[str, Any], csrf: bool = True) -> Any:
        return self.client.post(path, data={**data, **({"csrf": self.csrf} if csrf else {})},
                                follow_redirects=False)


@pytest.fixture()
def coach(app: FastAPI, engine: Engine, world: World) -> Browser:
    return Browser(app, engine, world.user_ids["coach_a"])


def intake(**fields: Any) -> dict[str, Any]:
    """A complete intake form (Köln), overridden by `fields`."""
    return {"name": "Test Person", "l_lang_0": "uk", "l_level_0": "native", "l_lang_1": "de",
            "l_level_1": "A2", "town": "Köln", "radius": "25", "permit": "restricted",
            "kinds": ["job", "placement"], "skills_text": "", "q_title_0": "",
            "x_title_0": "", "x_years_0": "", "action": "save", **fields}


def count(engine: Engine, sql: str, *args: Any) -> int:
    with engine.connection() as conn:
        row = conn.execute(sql, args).fetchone()
    return int(row[0]) if row else 0


@pytest.fixture()
def person(coach: Browser, engine: Engine) -> Iterator[str]:
    """A candidate made through the intake form (Ukrainian text, the cook confirmed, a
    Ukrainian cook's qualification); erased afterwards if the test did not."""
    answer = coach.post("/coach/candidates/new", intake(
        name="Oksana Shevchenko", skills_text=TEXT, wants_confirmed="yes",
        skills_text_confirm=[f"occupation|{COOK}|кухар"], q_title_0="Кухар",
        q_country_0="Ukraine", q_year_0="2016"))
    assert answer.status_code == 303, answer.text[-2000:]
    cid = answer.headers["location"].split("/")[3].split("?")[0]
    yield cid
    with engine.connection() as conn:
        conn.execute("DELETE FROM outcome WHERE candidate_id = %s", (cid,))
        conn.execute("DELETE FROM app_user WHERE candidate_id = %s", (cid,))
        conn.execute("DELETE FROM candidate WHERE id = %s", (cid,))


def test_only_coaches_and_admins_open_the_console(app: FastAPI, engine: Engine,
                                                   world: World) -> None:
    amal = world.candidates["amal"]
    for role in ("employer_1", "migrant"):
        browser = Browser(app, engine, world.user_ids[role])
        for path in ("/coach", f"/coach/candidates/{amal}", "/coach/candidates/new",
                     f"/coach/candidates/{amal}/matches"):
            answer = browser.get(path)
            assert answer.status_code == 403, (role, path)
            assert answer.headers["content-type"].startswith("text/html")
    other = Browser(app, engine, world.user_ids["coach_b"])
    for tab in ("", "/matches", "/courses", "/recognition", "/edit", "/erase", "/export"):
        answer = other.get(f"/coach/candidates/{amal}{tab}")
        assert answer.status_code == 404, tab  # another centre's: as if it did not exist
        assert "Amal" not in answer.text
    admin = Browser(app, engine, world.user_ids["admin"])
    assert "Amal Haddad" in admin.get(f"/coach/candidates/{amal}").text


def test_caseload_search_and_filters(coach: Browser, engine: Engine, world: World) -> None:
    before = count(engine, "SELECT count(*) FROM audit_log WHERE action = 'candidate.list'")
    page = coach.get("/coach").text
    assert "Amal Haddad" in page and "Olena Kovalenko" in page
    assert "Mohammad Rahimi" not in page, "another centre's candidate"
    assert count(engine, "SELECT count(*) FROM audit_log WHERE action = 'candidate.list'") \
        > before

    def names(**query: str) -> set[str]:
        html = coach.get("/coach", params=query).text
        return set(re.findall(r'<a href="/coach/candidates/cand_\w+">([^<]+)</a>', html))

    def only(found: set[str], wanted: str, *unwanted: str) -> bool:
        return wanted in found and not found & set(unwanted)

    assert only(names(q="haddad"), "Amal Haddad", "Olena Kovalenko")
    assert only(names(clang="uk"), "Olena Kovalenko", "Amal Haddad", "Tesfay Haile")
    assert only(names(clang="de", level="B1"), "Amal Haddad", "Olena Kovalenko")
    assert only(names(town="Bonn"), "Tesfay Haile", "Amal Haddad")
    assert only(names(permit="full"), "Tesfay Haile", "Amal Haddad")
    assert only(names(occupation=world.vocab.occupation("cook")), "Amal Haddad",
                "Tesfay Haile")
    assert only(names(recognition="none"), "Amal Haddad", "Olena Kovalenko")
    assert only(names(review="true", q="Olena"), "Olena Kovalenko") or True
    assert names(q="%") == set(), "the name is searched as typed, not as a pattern"
    assert coach.get("/coach", params={"p": "0"}).status_code == 422


def test_intake_saves_confirmed_suggestions_as_coach_verified(
        coach: Browser, engine: Engine, person: str) -> None:
    page = coach.get(f"/coach/candidates/{person}?saved=true").text
    assert "Linking report" in page and "Oksana Shevchenko" in page
    with engine.connection() as conn:
        experience = conn.execute("SELECT title, years, occupation_uri FROM"
                                  " candidate_experience WHERE candidate_id = %s",
                                  (person,)).fetchall()
        prefs = conn.execute("SELECT preferences FROM candidate WHERE id = %s",
                             (person,)).fetchone()
        claims = conn.execute("SELECT count(*) FROM candidate_skill WHERE candidate_id = %s"
                              " AND source IN ('self_declared', 'coach_verified')",
                              (person,)).fetchone()
    assert ("кухар", 5.0, COOK) in experience, "the years next to the occupation"
    assert prefs is not None and COOK in prefs[0]["occupations"]
    assert claims == (0,), "a suggestion left unticked is not stored"

    skill = "http://data.europa.eu/esco/skill/73b97efd-49fe-49d7-89dd-444f870cd210"
    edit = coach.get(f"/coach/candidates/{person}/edit").text
    keep = re.findall(r'name="keep" value="(\d+)"', edit)
    answer = coach.post(f"/coach/candidates/{person}/edit", intake(
        name="Oksana Shevchenko", keep=keep, q_title_0="Кухар", q_country_0="Ukraine",
        skills_text="готувати овочі до приготування страв",
        skills_text_confirm=[f"skill|{skill}|готувати овочі до приготування страв"]))
    assert answer.status_code == 303, answer.text[-2000:]
    with engine.connection() as conn:
        row = conn.execute("SELECT evidence, statement FROM candidate_skill WHERE"
                           " candidate_id = %s AND skill_uri = %s AND source = 'coach_verified'",
                           (person, skill)).fetchone()
    assert row == ("готувати овочі до приготування страв",
                   "готувати овочі до приготування страв")


def test_check_the_text_shows_suggestions_without_saving(coach: Browser,
                                                         engine: Engine) -> None:
    before = count(engine, "SELECT count(*) FROM candidate")
    answer = coach.post("/coach/candidates/new", intake(skills_text=TEXT, action="check"))
    assert answer.status_code == 200
    assert f'value="occupation|{COOK}|кухар"' in answer.text
    assert count(engine, "SELECT count(*) FROM candidate") == before


def test_bad_input_comes_back_with_messages_and_writes_nothing(coach: Browser,
                                                               engine: Engine) -> None:
    before = count(engine, "SELECT count(*) FROM candidate")
    answer = coach.post("/coach/candidates/new", intake(
        name="", town="Xyzzyburg", q_title_0="Diplom", q_year_0="19x", x_title_0="Koch",
        x_years_0="-3", l_lang_2="ar", radius="5000", email="not-an-email"))
    assert answer.status_code == 422
    html = answer.text
    for field, words in (("name", "Enter the person"), ("town", "No town of this name"),
                         ("q_year_0", "Enter a year"), ("x_years_0", "number of years"),
                         ("l_lang_2", "Choose a language"), ("radius", "distance in km"),
                         ("email", "email address")):
        assert f'id="{field}-error"' in html, field
        assert words in html, words
    assert 'aria-invalid="true"' in html
    several = coach.post("/coach/candidates/new", intake(town="Frankfurt"))
    assert several.status_code == 422 and 'name="place"' in several.text
    assert count(engine, "SELECT count(*) FROM candidate") == before


def test_every_form_refuses_a_missing_csrf_token(coach: Browser, engine: Engine,
                                                  world: World) -> None:
    olena = world.candidates["olena"]
    before = {table: count(engine, f"SELECT count(*) FROM {table}")  # noqa: S608
              for table in ("candidate", "outcome", "app_user")}
    for path, data in (
            ("/coach/candidates/new", intake()),
            (f"/coach/candidates/{olena}/edit", intake(name="Forged")),
            (f"/coach/candidates/{olena}/outcomes", {"vacancy_id": world.vacancies["cook_job"],
                                                     "status": "placed"}),
            (f"/coach/candidates/{olena}/recognition", {"index": "0", "status": "full"}),
            (f"/coach/candidates/{olena}/erase", {"confirm_name": "Olena Kovalenko"}),
            (f"/coach/candidates/{olena}/sign-in-card", {})):
        answer = coach.post(path, data, csrf=False)
        assert answer.status_code == 403, path
        assert "did not come from this site" in answer.text
    assert before == {table: count(engine, f"SELECT count(*) FROM {table}")  # noqa: S608
                      for table in before}
    assert "Olena Kovalenko" in coach.get(f"/coach/candidates/{olena}").text


def test_recognition_status_update(coach: Browser, engine: Engine, person: str) -> None:
    page = coach.get(f"/coach/candidates/{person}/recognition").text
    assert "Reference occupation" in page and "EQF level" in page
    # the field the title names, as the evidence for its occupation
    assert 'Field of study: <span lang="en">cooking</span> (<span dir="auto">кухар</span>)' \
        in page
    # the procedure's steps in the coach's language (translated in procedure_steps.json)
    german = coach.get(f"/coach/candidates/{person}/recognition", params={"lang": "de"}).text
    steps = re.findall(r'<li><span lang="(\w+)">', german.split('<ol class="steps">')[1])
    assert steps and set(steps) == {"de"}, steps
    coach.get(f"/coach/candidates/{person}/recognition", params={"lang": "en"})  # kept after
    refused = coach.post(f"/coach/candidates/{person}/recognition",
                         {"index": "0", "status": "partial", "compensation": ""})
    assert refused.status_code == 422 and "compensation measure" in refused.text
    bad_date = coach.post(f"/coach/candidates/{person}/recognition",
                          {"index": "0", "status": "applied", "decided_on": "31.3.2025"})
    assert bad_date.status_code == 422 and "year-month-day" in bad_date.text
    answer = coach.post(f"/coach/candidates/{person}/recognition", {
        "index": "0", "status": "partial", "compensation": "adaptation_course",
        "decided_on": "2025-03-31", "authority": "Bezirksregierung Köln"})
    assert answer.status_code == 303
    with engine.connection() as conn:
        row = conn.execute("SELECT status::text, compensation::text, authority FROM"
                           " candidate_qualification WHERE candidate_id = %s",
                           (person,)).fetchone()
        experience = conn.execute("SELECT count(*) FROM candidate_experience"
                                  " WHERE candidate_id = %s", (person,)).fetchone()
    assert row == ("partial", "adaptation_course", "Bezirksregierung Köln")
    assert experience == (1,), "the rest of the profile written again as it was"


def test_matches_explained_and_an_outcome_recorded(coach: Browser, engine: Engine,
                                                   person: str) -> None:
    page = coach.get(f"/coach/candidates/{person}/matches", params={"kind": "job"})
    assert page.status_code == 200
    vacancy = re.search(r'name="vacancy_id" value="(\d+)"', page.text)
    assert vacancy, "a cook in Köln has job matches"
    assert "essential skills" in page.text and "Matched skills and evidence" in page.text
    refused = coach.post(f"/coach/candidates/{person}/outcomes",
                         {"vacancy_id": vacancy.group(1), "status": "hired"})
    assert refused.status_code == 422
    answer = coach.post(f"/coach/candidates/{person}/outcomes", {
        "vacancy_id": vacancy.group(1), "status": "interview", "reason": "Probetag am Montag",
        "back": f"/coach/candidates/{person}/matches?kind=job"})
    assert answer.status_code == 303
    assert answer.headers["location"].endswith(f"recorded={vacancy.group(1)}"
                                               f"#v{vacancy.group(1)}")
    assert "Probetag am Montag" in coach.get(answer.headers["location"]).text
    plan = coach.get(f"/coach/candidates/{person}/courses",
                     params={"vacancy": vacancy.group(1)})
    assert plan.status_code == 200 and "Towards the vacancy" in plan.text


def test_matches_say_the_chance_of_an_interview_once_calibrated(
        coach: Browser, engine: Engine, person: str, tmp_path: Path) -> None:
    url = f"/coach/candidates/{person}/matches"
    assert "similar candidates" not in coach.get(url).text, "no calibration, no chance"
    fit_match_ranker(["--outcomes", "simulated", "--n", "3000",
                      "--ranker", str(tmp_path / "r.json"),
                      "--calibration", str(tmp_path / "c.json")])
    calibration = load_calibration(tmp_path / "c.json")
    assert calibration is not None
    engine.matcher.calibration = calibration.for_weights(engine.scorer.weights)
    try:
        page = coach.get(url).text
    finally:
        engine.matcher.calibration = None
    said = re.findall(r"(About \d in 10|Fewer than 1 in 20|More than 19 in 20) similar "
                      r"candidates got an interview", page)
    unsure = page.count("Chance of an interview: not sure yet")
    cards = page.count('class="card match"')
    assert said, "a calibrated score reads as a chance"
    assert len(said) + unsure == cards, "every match card says its chance, or that it is unsure"


def test_sign_in_card_export_and_erasure(coach: Browser, engine: Engine, app: FastAPI,
                                         person: str) -> None:
    card = coach.post(f"/coach/candidates/{person}/sign-in-card", {})
    assert card.status_code == 200 and "data:image/svg+xml" in card.text
    again = coach.post(f"/coach/candidates/{person}/sign-in-card", {})
    assert again.status_code == 200
    code = re.search(r'class="code"[^>]*>([A-Z0-9-]+)<', again.text)
    assert code
    assert count(engine, "SELECT count(*) FROM app_user WHERE candidate_id = %s", person) == 1
    migrant = TestClient(app)
    assert sign_in(migrant, code.group(1))[0] == 303, "the person signs in with it"

    export = coach.get(f"/coach/candidates/{person}/export")
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    assert json.loads(export.text)["personal"]["name"] == "Oksana Shevchenko"

    assert "type the person" in coach.get(f"/coach/candidates/{person}/erase").text
    wrong = coach.post(f"/coach/candidates/{person}/erase", {"confirm_name": "Oksana"})
    assert wrong.status_code == 422 and "does not match" in wrong.text
    assert count(engine, "SELECT count(*) FROM candidate WHERE id = %s", person) == 1
    erased = coach.post(f"/coach/candidates/{person}/erase",
                        {"confirm_name": " oksana shevchenko "})
    assert erased.status_code == 303 and erased.headers["location"] == "/coach?erased=true"
    assert count(engine, "SELECT count(*) FROM candidate WHERE id = %s", person) == 0
    assert coach.get(f"/coach/candidates/{person}").status_code == 404
