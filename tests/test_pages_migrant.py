"""The migrant's pages over HTTP: every page in the migrant's own language, only their own
data, no coach or employer pages, CSRF on every change, consents granted and withdrawn,
the download, and deleting the account (which erases the candidate and ends the
session). The browser walk is in `tests/browser/test_migrant.py`."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.pages.migrant_views import Term, job_view, recognition_view
from matcher.domain import CandidateFacts, VacancyFacts
from matcher.engine import Engine
from matcher.match.matcher import Match
from matcher.recognition.procedure import translated_step
from matcher.schemas import QualificationFields
from tests.conftest import KOELN, World, candidate_body, scalar
from tests.test_pages_sign_in import form_csrf, new_code, sign_in

PAGES = ("/me/home", "/me/skills", "/me/jobs", "/me/jobs?kind=apprenticeship",
         "/me/jobs?kind=placement", "/me/courses", "/me/recognition", "/me/data",
         "/me/data/delete")


@pytest.fixture()
def amal(app: FastAPI, engine: Engine, world: World) -> TestClient:
    """The world's migrant (Amal, Arabic first), signed in in a browser of her own."""
    client = TestClient(app)
    assert sign_in(client, new_code(engine, world.user_ids["migrant"])) == (303, "/me/home")
    return client


def consents_of(engine: Engine, candidate_id: str) -> list[int | None]:
    with engine.connection() as conn:
        return [r[0] for r in conn.execute(
            "SELECT employer_id FROM candidate_consent WHERE candidate_id = %s"
            " ORDER BY employer_id", (candidate_id,))]


def test_every_page_speaks_the_migrants_own_language(amal: TestClient) -> None:
    for path in PAGES:
        answer = amal.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        assert '<html lang="ar" dir="rtl">' in answer.text, path  # her best language
    home = amal.get("/me/home")
    assert "Amal Haddad" in home.text
    assert "/static/migrant.css" in home.text
    assert amal.get("/me/", follow_redirects=False).headers["location"] == "/me/home"
    ukrainian = amal.get("/me/home?lang=uk")
    assert '<html lang="uk" dir="ltr">' in ukrainian.text
    assert '<html lang="uk"' in amal.get("/me/skills").text, "the choice is remembered"


def test_skills_say_where_each_came_from(amal: TestClient) -> None:
    page = amal.get("/me/skills?lang=en").text
    assert "A coach confirmed it" in page
    assert "You said so" in page
    assert '<bdi lang="ar">' in page, "her own words are marked as Arabic"
    # German labels exist in the taxonomy; a page in a language without them says English
    vietnamese = amal.get("/me/skills?lang=vi").text
    if 'lang="en"' in vietnamese:
        assert "(English)" in vietnamese or "(Tiếng Anh)" in vietnamese


def test_jobs_keep_the_original_title_and_say_what_is_missing(amal: TestClient) -> None:
    page = amal.get("/me/jobs?kind=job&lang=en").text
    assert "Koch (m/w/d)" in page
    assert re.search(r'lang="de"[^>]*>Koch \(m/w/d\)', page)
    assert "original language: German" in page
    assert "What you already have" in page and "What you would need to learn" in page
    assert re.search(r"\d\s*km from you", page)
    german = amal.get("/me/jobs?kind=job&lang=de").text
    assert "original language" not in german.split("Koch (m/w/d)")[1][:200], \
        "no note for a reader of the title's own language"


def test_a_migrant_sees_only_their_own_data(amal: TestClient, world: World) -> None:
    other = world.candidates["olena"]
    for path in (f"/me/home?candidate_id={other}", f"/me/data/download?candidate_id={other}"):
        answer = amal.get(path)
        assert answer.status_code == 200
        assert "Olena" not in answer.text and "Amal Haddad" in answer.text
    for path in ("/coach", "/employer", f"/coach/candidates/{other}"):
        answer = amal.get(path, follow_redirects=False)
        assert answer.status_code in (403, 404), path
        assert "Olena" not in answer.text
    assert amal.get(f"/candidates/{other}").status_code == 401, "the API wants a token"


def test_other_roles_cannot_open_the_migrant_pages(app: FastAPI, engine: Engine,
                                                   world: World) -> None:
    coach = TestClient(app)
    sign_in(coach, new_code(engine, world.user_ids["coach_a"]))
    for path in ("/me/home", "/me/jobs", "/me/data"):
        assert coach.get(path).status_code == 403
    refused = coach.post("/me/data/delete", data={"csrf": form_csrf(coach.get("/coach").text),
                                                  "confirm": "yes"})
    assert refused.status_code == 403


def test_consents_are_granted_and_withdrawn_with_csrf(amal: TestClient, engine: Engine,
                                                      world: World) -> None:
    cid = world.candidates["amal"]
    before = consents_of(engine, cid)
    page = amal.get("/me/data?lang=en")
    assert "Brauhaus Am Dom GmbH" in page.text, "the employer of her matches is offered"
    csrf = form_csrf(page.text)
    employer = str(world.employer_1)
    for sent in ({}, {"csrf": "forged"}):
        refused = amal.post("/me/data/consents", data={"employer": employer,
                                                        "action": "grant", **sent})
        assert refused.status_code == 403
    assert consents_of(engine, cid) == before
    granted = amal.post("/me/data/consents", data={"csrf": csrf, "employer": employer,
                                                    "action": "grant"}, follow_redirects=False)
    assert granted.status_code == 303
    assert world.employer_1 in consents_of(engine, cid)
    assert "Withdraw my consent" in amal.get("/me/data?lang=en").text
    amal.post("/me/data/consents", data={"csrf": csrf, "employer": employer,
                                         "action": "withdraw"})
    assert consents_of(engine, cid) == before
    bad = amal.post("/me/data/consents", data={"csrf": csrf, "employer": "x", "action": "grant"})
    assert bad.status_code == 422


def test_download_is_the_apis_export_as_a_file(amal: TestClient, world: World) -> None:
    answer = amal.get("/me/data/download")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    data = json.loads(answer.content)
    assert data["id"] == world.candidates["amal"]
    assert data["personal"]["name"] == "Amal Haddad"
    assert "access_log" in data and "outcomes" in data


def test_deleting_the_account_erases_it_and_ends_the_session(
        app: FastAPI, engine: Engine, world: World, client: TestClient) -> None:
    body = candidate_body("t-page-erase", "Yusuf Demir", KOELN,
                          languages=[{"lang": "tr", "level": "native"}])
    made = client.post("/candidates", json=body, headers=world.auth("coach_a"))
    cid = made.json()["id"]
    user = client.post("/users", json={"name": "Yusuf Demir", "role": "migrant",
                                       "candidate_id": cid}, headers=world.auth("admin"))
    browser = TestClient(app)
    sign_in(browser, new_code(engine, user.json()["id"]))
    confirm = browser.get("/me/data/delete")
    assert '<html lang="tr"' in confirm.text and 'action="/me/data/delete"' in confirm.text
    refused = browser.post("/me/data/delete", data={"confirm": "yes", "csrf": "forged"})
    assert refused.status_code == 403
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE id = %s", cid) == 1
    secret = browser.cookies["matcher_session"]
    done = browser.post("/me/data/delete", data={"confirm": "yes",
                                                 "csrf": form_csrf(confirm.text)},
                        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/me/goodbye?lang=tr"
    assert 'matcher_session=""' in done.headers["set-cookie"]
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE id = %s", cid) == 0
    assert scalar(engine, "SELECT count(*) FROM app_user WHERE candidate_id = %s", cid) == 0
    goodbye = TestClient(app).get(done.headers["location"])
    assert goodbye.status_code == 200 and '<html lang="tr"' in goodbye.text
    stale = TestClient(app, cookies={"matcher_session": secret})
    again = stale.get("/me/home", follow_redirects=False)
    assert again.status_code == 303 and "/sign-in" in again.headers["location"]


def test_the_apis_me_stays_json(client: TestClient, world: World) -> None:
    """/me alone is the API's "who am I" (the migrant's start page is /me/home)."""
    assert client.get("/me").json()["detail"]
    assert client.get("/me", headers=world.auth("migrant")).json()["role"] == "migrant"


def test_recognition_says_the_destination_and_the_steps(amal: TestClient,
                                                        engine: Engine) -> None:
    page = amal.get("/me/recognition?lang=en").text
    assert re.search(r"<dt>Country</dt>\s*<dd>Germany</dd>", page)
    assert "in Germany" not in page, "said of the destination, not of one country"
    assert "ألمانيا" in amal.get("/me/recognition?lang=ar").text
    # a qualification with a reference occupation: the procedure's steps in Ukrainian
    result = engine.recogniser.recognise(QualificationFields(title="диплом кухаря 4 розряду"),
                                         "uk")
    view = recognition_view(result, engine.concepts, "uk")
    assert view["occupation"] and len(view["steps"]) >= 2
    # the field that led to it, in the person's own words
    assert [f.text for f in view["fields"]] == ["кухар"]
    assert {step.lang for step in view["steps"]} == {"uk"}
    assert not view["steps_in_english"]
    assert [step.text for step in view["steps"]] == [translated_step(s["step"], "uk") for s in
                                                     result["procedure"]["steps"]]
    english = recognition_view(result, engine.concepts, "en")
    assert [step.text for step in english["steps"]] == [s["step"] for s in
                                                        result["procedure"]["steps"]]
    assert not english["steps_in_english"], "nothing to say to an English reader"
    # a step nobody translated stays in English, marked so, with the note
    untranslated = {**result, "procedure": {"steps": [*result["procedure"]["steps"],
                                                      {"step": "A step added only in English"}]}}
    view = recognition_view(untranslated, engine.concepts, "uk")
    assert view["steps"][-1] == Term("A step added only in English", "en")
    assert view["steps_in_english"]


def test_recognition_steps_are_in_the_migrants_own_language(
        app: FastAPI, engine: Engine, world: World, client: TestClient) -> None:
    """A migrant who reads Arabic, with a Syrian nursing diploma the engine recognises as
    nursing assistant (regulated in Germany): the procedure's steps in Arabic, not in
    English marked "(English)" with a note that the coach can explain them."""
    title = "دبلوم تمريض"
    body = candidate_body("t-page-steps", "Nour Khalil", KOELN,
                          languages=[{"lang": "ar", "level": "native"}],
                          qualifications=[{"title": title, "country": "Syria", "year": 2015}])
    cid = client.post("/candidates", json=body, headers=world.auth("coach_a")).json()["id"]
    try:
        user = client.post("/users", json={"name": "Nour Khalil", "role": "migrant",
                                           "candidate_id": cid}, headers=world.auth("admin"))
        browser = TestClient(app)
        sign_in(browser, new_code(engine, user.json()["id"]))
        page = html.unescape(browser.get("/me/recognition?lang=ar").text)
        english = browser.get("/me/recognition?lang=en").text
    finally:  # the shared world stays as it was for the other tests
        assert client.delete(f"/candidates/{cid}",
                             headers=world.auth("coach_a")).status_code == 200
    block = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S)
    assert block, "a qualification with a reference occupation shows its procedure"
    shown = [re.sub(r"<[^>]+>", "", li).strip()
             for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]
    result = engine.recogniser.recognise(QualificationFields(title=title, country="Syria"),
                                         "ar")
    assert shown == [translated_step(s["step"], "ar") for s in result["procedure"]["steps"]]
    assert len(shown) >= 2 and all(re.search("[\u0600-\u06ff]", step) for step in shown)
    assert 'lang="en"' not in block.group(1) and "other-lang" not in block.group(1)
    assert "الخطوات مكتوبة بالإنجليزية" not in page  # the note: only for English steps
    assert "Apply to the competent authority" in english, "English to an English reader"
    assert "written in English" not in english


def test_a_job_whose_places_are_all_reserved_says_so(engine: Engine) -> None:
    cand = CandidateFacts("c", 50.9, 6.9, 30, {}, {"de": "B1"}, {}, set(), None)
    item = {"matched_skills": [], "missing_essential": [], "language_gap": []}
    for reserved, full in ((0, False), (1, False), (2, True)):
        vac = VacancyFacts(1, "job", "Koch", 1, None, [], [], {}, 50.9, 6.9, "Köln", None,
                           slots=2, reserved=reserved)
        view = job_view(Match(cand, vac, None), item, engine.concepts, "en", {}, {})  # type: ignore[arg-type]
        assert view["full"] is full
