"""The employer portal over HTTP: own vacancies with close and reopen, posting a vacancy
(free text linked and confirmed, the town by name, a message at each bad field and
nothing written), candidates pseudonymised with the why, the CSV upload (all or
nothing, row errors listed), who may open what, and CSRF on every form. The browser
test (`tests/browser/test_employer.py`) walks the same flow in Chromium."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matcher.engine import Engine
from matcher.store.auth import create_user, upsert_organisation
from matcher.store.vacancies import list_vacancies
from skills_taxonomy.model import ConceptKind
from tests.conftest import World, scalar
from tests.test_pages_sign_in import form_csrf, new_code, sign_in

GERMAN_TEXT = "Gemüse vorbereiten, Küche sauber halten, Deutsch B1"


@dataclass
class Client:
    http: TestClient
    csrf: str

    def post(self, path: str, data: dict[str, object]) -> Any:  # the test client's answer
        return self.http.post(path, data={"csrf": self.csrf, **data}, follow_redirects=False)


def signed_in(app: FastAPI, engine: Engine, user_id: int) -> Client:
    http = TestClient(app)
    sign_in(http, new_code(engine, user_id))
    return Client(http, form_csrf(http.get("/sign-in").text))


@dataclass
class Own:
    """An employer of these tests alone: what it posts is deleted afterwards, so the
    shared world's match lists stay as the other tests expect them."""

    employer_id: int
    client: Client


@pytest.fixture()
def own(app: FastAPI, engine: Engine, world: World) -> Iterator[Own]:
    with engine.connection() as conn:
        org = upsert_organisation(conn, "Kantine Ehrenfeld GmbH", "employer", "t-emp-pages")
        row = conn.execute("SELECT id FROM app_user WHERE name = 'Karl Kantine'").fetchone()
        user = row[0] if row else create_user(conn, "Karl Kantine", "employer", org)
    try:
        yield Own(org, signed_in(app, engine, user))
    finally:
        with engine.connection() as conn:
            conn.execute("DELETE FROM vacancy WHERE employer_id = %s", (org,))


def vacancies_of(engine: Engine, employer_id: int) -> int:
    return int(scalar(engine, "SELECT count(*) FROM vacancy WHERE employer_id = %s",
                      employer_id))


def boxes(html: str, field: str) -> list[str]:
    """The values of the ticked suggestion boxes of a field."""
    return re.findall(rf'name="{field}_confirm"\s+value="([^"]+)"\s+checked', html)


def form(**fields: str) -> dict[str, object]:
    base: dict[str, object] = {"kind": "job", "title": "Koch / Köchin (m/w/d) für Kantine",
                               "essential_text": GERMAN_TEXT, "town": "koeln", "slots": "2",
                               "min_permit": "restricted", "external_id": "web-test-1"}
    return {**base, **fields}


# --- own vacancies ------------------------------------------------------------------------

def test_an_employer_sees_and_closes_only_their_own_vacancies(
        app: FastAPI, engine: Engine, world: World) -> None:
    employer = signed_in(app, engine, world.user_ids["employer_1"])
    page = employer.http.get("/employer")
    assert page.status_code == 200
    assert ">Koch (m/w/d)</a>" in page.text and "Lagerhelfer" not in page.text
    vid = world.vacancies["cook_job"]
    assert f'action="/employer/vacancies/{vid}/state"' in page.text
    try:
        shut = employer.post(f"/employer/vacancies/{vid}/state", {"open": "0",
                                                                   "back": "/employer"})
        assert shut.status_code == 303 and shut.headers["location"] == "/employer"
        assert scalar(engine, "SELECT is_open FROM vacancy WHERE id = %s", vid) is False
        assert ">Koch (m/w/d)</a>" in employer.http.get("/employer?show=closed").text
        assert ">Koch (m/w/d)</a>" not in employer.http.get("/employer?show=open").text
    finally:
        employer.post(f"/employer/vacancies/{vid}/state", {"open": "1",
                                                            "back": "https://evil.example"})
    assert scalar(engine, "SELECT is_open FROM vacancy WHERE id = %s", vid) is True


def test_another_employers_vacancy_is_not_found_and_other_roles_are_refused(
        app: FastAPI, engine: Engine, world: World) -> None:
    other = signed_in(app, engine, world.user_ids["employer_2"])
    vid = world.vacancies["cook_job"]
    page = other.http.get(f"/employer/vacancies/{vid}")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "Not found" in page.text and "Amal" not in page.text
    closed = other.post(f"/employer/vacancies/{vid}/state", {"open": "0"})
    assert closed.status_code == 404
    assert scalar(engine, "SELECT is_open FROM vacancy WHERE id = %s", vid) is True
    for role in ("coach_a", "migrant"):
        someone = signed_in(app, engine, world.user_ids[role])
        for path in ("/employer", "/employer/vacancies/new", "/employer/vacancies/upload",
                     f"/employer/vacancies/{vid}", "/employer/vacancies/example.csv",
                     "/employer/towns?town=Bonn"):
            answer = someone.http.get(path)
            assert answer.status_code == 403, (role, path)
            assert "not for your role" in answer.text or role == "migrant"  # in Arabic
        refused = someone.post(f"/employer/vacancies/{vid}/state", {"open": "0"})
        assert refused.status_code == 403
    anonymous = TestClient(app).get("/employer/vacancies/new", follow_redirects=False)
    assert anonymous.status_code == 303 and "/sign-in" in anonymous.headers["location"]


def test_csrf_is_refused_on_every_form(app: FastAPI, engine: Engine, world: World,
                                       own: Own) -> None:
    http = own.client.http
    vid = world.vacancies["cook_job"]
    employer = signed_in(app, engine, world.user_ids["employer_1"])
    for client, path, data in (
            (http, "/employer/vacancies/new", {**form(action="post"), "csrf": "forged"}),
            (http, "/employer/vacancies/new", form(action="check")),
            (employer.http, f"/employer/vacancies/{vid}/state", {"open": "0"})):
        answer = client.post(path, data=data, follow_redirects=False)
        assert answer.status_code == 403, path
        assert "did not come from this site" in answer.text
    upload = http.post("/employer/vacancies/upload", data={"csrf": "x"},
                       files={"file": ("v.csv", b"external_id\n", "text/csv")})
    assert upload.status_code == 403
    assert vacancies_of(engine, own.employer_id) == 0
    assert scalar(engine, "SELECT is_open FROM vacancy WHERE id = %s", vid) is True


# --- a vacancy and its candidates -----------------------------------------------------------

def test_candidates_are_pseudonymised_unless_they_consented_and_say_why(
        app: FastAPI, engine: Engine, world: World) -> None:
    employer = signed_in(app, engine, world.user_ids["employer_1"])
    page = employer.http.get(f"/employer/vacancies/{world.vacancies['cook_job']}")
    assert page.status_code == 200
    text = page.text
    assert "Amal Haddad" not in text and "amal.haddad@example.org" not in text
    assert "Candidate " in text, "a candidate without consent is shown by number"
    assert "Olena Kovalenko" in text, "Olena consented to this employer"
    assert "required skills" in text and "away" in text
    assert "German: you ask for B2" in text, "the language gap in plain words"
    assert "http://data.europa.eu" not in text, "labels, not concept ids"


# --- posting a vacancy -----------------------------------------------------------------------

def test_check_the_text_suggests_skills_the_occupation_languages_and_the_town(
        engine: Engine, own: Own) -> None:
    answer = own.client.post("/employer/vacancies/new", form(action="check"))
    assert answer.status_code == 200
    html = answer.text
    assert boxes(html, "essential_text"), "the requirements come back as skills to confirm"
    assert any(b.startswith("occupation|") for b in boxes(html, "title"))
    assert "Köln (Nordrhein-Westfalen)" in html
    assert re.search(r'<option value="de" selected>', html), "Deutsch B1 → German B1"
    assert re.search(r'<option value="B1" selected>', html)
    assert 'name="essential_text_reviewed"' in html
    assert vacancies_of(engine, own.employer_id) == 0, "checking writes nothing"


def test_a_title_several_occupations_carry_suggests_the_one_the_skills_ask(
        engine: Engine, own: Own) -> None:
    """"抹灰工" is a label of concrete worker and of plasterer (as "Lagerhelfer" is of
    warehouse worker and shelf filler): the skills written below choose, as through the
    API."""
    concepts = engine.concepts
    by_label = {concepts.label(c.uri): c.uri
                for c in concepts.taxonomy.of_kind(ConceptKind.OCCUPATION)}
    pair = [by_label["concrete worker"], by_label["plasterer"]]
    for wanted, other in (pair, pair[::-1]):
        own_skills = [s for s in concepts.essential_skills(wanted)
                      if s not in concepts.essential_skills(other)][:3]
        text = ", ".join(concepts.label(s) for s in own_skills)
        answer = own.client.post("/employer/vacancies/new", form(
            action="check", title="抹灰工", essential_text=text))
        assert [b.split("|")[1] for b in boxes(answer.text, "title")] == [wanted], text


def test_a_vacancy_is_posted_with_the_confirmed_skills_only(
        engine: Engine, world: World, own: Own) -> None:
    checked = own.client.post("/employer/vacancies/new", form(action="check"))
    html = checked.text
    skills = boxes(html, "essential_text")
    occupation = boxes(html, "title")[:1]
    assert len(skills) >= 2
    kept, dropped = skills[:-1], skills[-1]
    data = {**form(action="post", essential_text_reviewed=GERMAN_TEXT, lang_0="de",
                   level_0="B1"), "essential_text_confirm": kept, "title_confirm": occupation}
    posted = own.client.post("/employer/vacancies/new", data)
    assert posted.status_code == 303, posted.text
    where = posted.headers["location"]
    vid = int(re.findall(r"/employer/vacancies/(\d+)", where)[0])
    with engine.connection() as conn:
        stored = {r[0] for r in conn.execute(
            "SELECT skill_uri FROM vacancy_skill WHERE vacancy_id = %s", (vid,))}
    assert stored == {v.split("|")[1] for v in kept}
    assert dropped.split("|")[1] not in stored
    assert scalar(engine, "SELECT town FROM vacancy WHERE id = %s", vid) == "Köln"
    assert scalar(engine, "SELECT lat FROM vacancy WHERE id = %s", vid) == pytest.approx(
        50.94, abs=0.05), "Köln's coordinates from the gazetteer"
    assert scalar(engine, "SELECT occupation_uri FROM vacancy WHERE id = %s", vid) == \
        world.vocab.occupation("cook")
    assert scalar(engine, "SELECT level::text FROM vacancy_language WHERE vacancy_id = %s"
                  " AND lang = 'de'", vid) == "B1"
    page = own.client.http.get(where)
    assert page.status_code == 200 and "Your vacancy is posted" in page.text


def test_bad_input_comes_back_with_messages_and_writes_nothing(
        engine: Engine, own: Own) -> None:
    for fields, message in (
            ({"title": ""}, "Write a title"),
            ({"town": "Xyzzyhausen"}, "We do not know this town"),
            ({"town": "Frankfurt"}, "Several towns have this name"),
            ({"slots": "0"}, "whole number from 1"),
            ({"slots": "zwei"}, "whole number from 1"),
            ({"start_date": "2020-01-01"}, "in the past"),
            ({"start_date": "31.12.2030"}, "year-month-day"),
            ({"kind": "gig"}, "job, apprenticeship or placement"),
            ({"min_permit": "any"}, "work permit"),
            ({"lang_0": "de", "level_0": "Z9"}, "its level"),
            ({"essential_text_confirm": "skill|http://example.org/forged|x",
              "essential_text_reviewed": GERMAN_TEXT}, "not known any more"),
            ({"title": "x" * 301}, "At most 300 characters")):
        answer = own.client.post("/employer/vacancies/new", form(action="post", **fields))
        assert answer.status_code == 422, (fields, answer.status_code)
        html = answer.text
        assert message in html, fields
        assert 'class="error"' in html, fields
    assert vacancies_of(engine, own.employer_id) == 0


def test_a_town_with_several_places_is_picked_from_a_list(engine: Engine, own: Own) -> None:
    first = own.client.post("/employer/vacancies/new", form(action="post", town="Frankfurt"))
    html = first.text
    assert 'value="Frankfurt (Oder) (Brandenburg)"' in html
    assert 'value="Frankfurt am Main (Hessen)" checked' in html, "the largest, preselected"
    picked = own.client.post("/employer/vacancies/new", form(
        action="post", town="Frankfurt", town_pick="Frankfurt (Oder) (Brandenburg)",
        essential_text=""))
    assert picked.status_code == 303
    assert scalar(engine, "SELECT town FROM vacancy WHERE employer_id = %s",
                  own.employer_id) == "Frankfurt (Oder)"
    towns = own.client.http.get("/employer/towns", params={"town": "Halle"})
    assert towns.status_code == 200 and 'id="town-choices"' in towns.text
    assert "Halle (Saale) (Sachsen-Anhalt)" in towns.text


def test_unseen_suggestions_are_shown_before_posting(engine: Engine, own: Own) -> None:
    """Without JavaScript nobody saw what the text was read as: the form shows it first."""
    answer = own.client.post("/employer/vacancies/new", form(action="post"))
    assert answer.status_code == 200
    assert "Keep the right ones" in answer.text
    assert vacancies_of(engine, own.employer_id) == 0


# --- CSV upload ------------------------------------------------------------------------------

def upload(client: Client, body: bytes) -> Any:
    return client.http.post("/employer/vacancies/upload", data={"csrf": client.csrf},
                            files={"file": ("vacancies.csv", body, "text/csv")})


def test_a_csv_with_bad_rows_writes_nothing_and_lists_each_error(
        engine: Engine, own: Own) -> None:
    example = own.client.http.get("/employer/vacancies/example.csv")
    assert example.status_code == 200 and example.headers["content-type"].startswith(
        "text/csv")
    lines = example.text.strip().split("\n")
    bad = "\n".join([lines[0], lines[1].replace(",Köln,", ",Frankfurt,"), lines[2],
                     "x-3,gig,Spüler,,,,de:B1,Bonn,0,,full",
                     "x-4,job,Helfer,,,,de:B1,Kölm,1,,full"]).encode()
    answer = upload(own.client, bad)
    assert answer.status_code == 422
    html = answer.text
    assert "Nothing was saved" in html
    rows = re.findall(r"<tr><td>(\d+)</td><td><code>([^<]*)</code></td><td[^>]*>([^<]*)</td>",
                      html)
    found = {(int(r), f) for r, f, _ in rows}
    assert {(2, "town"), (4, "kind"), (4, "slots"), (5, "town")} <= found, rows
    assert any("did you mean" in m and "Köln" in m for _, _, m in rows)
    assert vacancies_of(engine, own.employer_id) == 0


def test_the_example_csv_uploads_and_semicolons_work_too(engine: Engine, own: Own) -> None:
    example = own.client.http.get("/employer/vacancies/example.csv").content
    answer = upload(own.client, example)
    assert answer.status_code == 200, answer.text
    assert "2 vacancies saved" in answer.text
    assert vacancies_of(engine, own.employer_id) == 2
    assert scalar(engine, "SELECT town FROM vacancy WHERE employer_id = %s AND"
                  " external_id = 'lager-azubi-01'", own.employer_id) == "Frankfurt am Main"
    semicolons = (b"external_id;kind;title;languages;town\n"
                  b"sk-1;placement;Praktikum K\xc3\xbcche;de:A2;Bonn\n")
    again = upload(own.client, semicolons)
    assert again.status_code == 200 and "1 vacancy saved" in again.text
    other = upload(own.client, b"external_id,kind,title,town,employer_id\n"
                               b"x,job,Koch,Bonn,1\n")
    assert other.status_code == 422, "another employer's id is that row's error"
    broken = upload(own.client, "title\nK\xf6ln".encode("latin-1"))
    assert broken.status_code == 422 and "CSV UTF-8" in broken.text
    assert vacancies_of(engine, own.employer_id) == 3


def test_a_pasted_advert_is_copied_into_the_skills_fields_to_confirm(
        engine: Engine, own: Own) -> None:
    """An advert pasted into the description with both skills fields empty: its tasks
    and requirements come back in the skills fields, linked, to be kept or not; the
    vacancy gets only the skills kept, and the description is not read again."""
    advert = ("Ihre Aufgaben:\n- Küche sauber halten\n- Gemüse vorbereiten\n"
              "Wir bieten: Mitarbeiterrabatt")
    first = own.client.post("/employer/vacancies/new", form(
        action="post", essential_text="", description=advert))
    assert first.status_code == 200 and vacancies_of(engine, own.employer_id) == 0
    assert "were copied into the skills fields" in first.text
    copied = re.search(r'<textarea id="essential_text"[^>]*>([^<]*)</textarea>', first.text)
    assert copied and copied[1] == "Küche sauber halten\nGemüse vorbereiten", "no offer"
    skills = boxes(first.text, "essential_text")
    assert len(skills) >= 2
    kept = skills[:1]
    posted = own.client.post("/employer/vacancies/new", {
        **form(action="post", essential_text="Küche sauber halten\nGemüse vorbereiten",
               description=advert,
               essential_text_reviewed="Küche sauber halten\nGemüse vorbereiten"),
        "essential_text_confirm": kept})
    assert posted.status_code == 303, posted.text
    with engine.connection() as conn:
        stored = {r[0] for r in conn.execute(
            "SELECT s.skill_uri FROM vacancy_skill s JOIN vacancy v ON v.id = s.vacancy_id"
            " WHERE v.employer_id = %s", (own.employer_id,))}
    assert stored == {v.split("|")[1] for v in kept}


def test_skills_read_from_an_advert_are_shown_with_the_words_they_came_from(
        engine: Engine, own: Own) -> None:
    """A row with only a description: the skills read from it stand apart from the
    occupation's usual ones, each with the employer's words, so that they can be checked."""
    advert = ("external_id,kind,title,description,town\n"
              'adv-1,job,Koch / Köchin (m/w/d),"Ihre Aufgaben:\n- Küche sauber halten\n'
              'Wir bieten: Mitarbeiterrabatt",Bonn\n')
    answer = upload(own.client, advert.encode())
    assert answer.status_code == 200 and "1 vacancy saved" in answer.text, answer.text
    vid = scalar(engine, "SELECT id FROM vacancy WHERE employer_id = %s", own.employer_id)
    page = own.client.http.get(f"/employer/vacancies/{vid}?lang=de").text
    read = page.split("Aus Ihrem Text gelesen:")[1].split("Üblich für den Beruf:")[0]
    assert "– “Küche sauber halten”" in read and "Mitarbeiterrabatt" not in read


def test_a_csv_with_much_free_text_is_imported_by_a_job_with_its_progress(
        engine: Engine, own: Own) -> None:
    """More rows to link than MATCHER_SYNC_LINK_ROWS: checked at once, then a page that
    refreshes itself until the background job has saved them all (here the limit is 2)."""
    rows = "\n".join(f"big-{i},job,Küchenhilfe {i},Gemüse schneiden; Geschirr spülen,"
                     f"de:A2,Bonn" for i in range(4))
    body = f"external_id,kind,title,essential_skills_text,languages,town\n{rows}\n".encode()
    limit = engine.settings.sync_link_rows
    engine.settings.sync_link_rows = 2
    try:
        answer = own.client.http.post(
            "/employer/vacancies/upload", data={"csrf": own.client.csrf},
            files={"file": ("vacancies.csv", body, "text/csv")}, follow_redirects=False)
    finally:
        engine.settings.sync_link_rows = limit
    assert answer.status_code == 303, answer.text
    page_url = answer.headers["location"]
    assert re.fullmatch(r"/employer/vacancies/upload/\d+", page_url)
    deadline = time.monotonic() + 60
    while True:
        page = own.client.http.get(page_url)
        assert page.status_code == 200
        if "4 vacancies saved" in page.text:
            break
        assert 'http-equiv="refresh"' in page.text and "Your file is being read" in page.text
        assert time.monotonic() < deadline, "the upload job did not end"
        time.sleep(0.3)
    assert 'http-equiv="refresh"' not in page.text
    assert vacancies_of(engine, own.employer_id) == 4


def test_a_form_with_errors_keeps_what_the_person_ticked(engine: Engine, own: Own) -> None:
    checked = own.client.post("/employer/vacancies/new", form(action="check"))
    skills = boxes(checked.text, "essential_text")
    assert len(skills) >= 2
    kept = skills[:1]
    again = own.client.post("/employer/vacancies/new", {
        **form(action="post", town="Xyzzyhausen", essential_text_reviewed=GERMAN_TEXT),
        "essential_text_confirm": kept})
    assert again.status_code == 422
    assert boxes(again.text, "essential_text") == kept, "the unticked stay unticked"
    assert vacancies_of(engine, own.employer_id) == 0


def test_an_admin_acts_for_any_employer(app: FastAPI, engine: Engine, world: World,
                                        own: Own) -> None:
    admin = signed_in(app, engine, world.user_ids["admin"])
    listed = admin.http.get("/employer")  # every employer's, newest first
    assert listed.status_code == 200 and 'href="/employer/vacancies/' in listed.text
    for key in ("cook_job", "warehouse_job"):  # employer 1's and employer 2's
        assert admin.http.get(f"/employer/vacancies/{world.vacancies[key]}"
                              ).status_code == 200
    blank = admin.http.get("/employer/vacancies/new")
    assert 'name="employer_id"' in blank.text and "Kantine Ehrenfeld GmbH" in blank.text
    missing = admin.post("/employer/vacancies/new", form(action="post", essential_text=""))
    assert missing.status_code == 422 and "Choose the employer" in missing.text
    posted = admin.post("/employer/vacancies/new", form(
        action="post", essential_text="", employer_id=str(own.employer_id)))
    assert posted.status_code == 303
    assert vacancies_of(engine, own.employer_id) == 1
    unchosen = admin.http.post("/employer/vacancies/upload", data={"csrf": admin.csrf},
                               files={"file": ("v.csv", example_csv_bytes(admin), "text/csv")})
    assert unchosen.status_code == 422 and "Choose the employer" in unchosen.text
    chosen = admin.http.post("/employer/vacancies/upload",
                             data={"csrf": admin.csrf, "employer_id": str(own.employer_id)},
                             files={"file": ("v.csv", example_csv_bytes(admin), "text/csv")})
    assert chosen.status_code == 200 and "2 vacancies saved" in chosen.text
    assert vacancies_of(engine, own.employer_id) == 3


def example_csv_bytes(client: Client) -> bytes:
    return client.http.get("/employer/vacancies/example.csv").content


def test_a_vacancy_nothing_was_recognised_in_says_it_cannot_be_matched(
        engine: Engine, own: Own) -> None:
    with engine.connection() as conn:
        conn.execute("INSERT INTO vacancy (employer_id, external_id, kind, title, town, lat, lon,"
                     " slots) VALUES (%s, 't-empty', 'job', '(m/w/d)', 'Köln', 50.94, 6.96, 1)",
                     (own.employer_id,))
    text = own.client.http.get("/employer?lang=de").text
    assert "Nichts darin wurde erkannt, daher kann sie niemandem zugeordnet werden" in text
    with engine.connection() as conn:  # what GET /vacancies answers
        listed, _ = list_vacancies(conn, own.employer_id, None, True, 10, 0)
    assert [v["matchable"] for v in listed] == [False]
