"""The coach's "Allocate places" pages over HTTP, on the real engine and PostgreSQL:
choose a cohort, see the proposal (places with employer and town, why, what greedy top-1
would have given, the figures against greedy), accept it (places reserved, shown with a
way to release each), a 409 page naming the place filled meanwhile (nothing reserved),
a large cohort followed on its progress page, bad input answered on the form, and the
same access rules as the API (employers refused, another centre's coach finds nothing).

Everything here lives around Rostock, which no other test uses: a centre, its coach, an
employer with two one-slot jobs (closed again at the end) and three candidates."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.limits import Throttle
from api.main import create_app
from matcher.engine import Engine
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import World, candidate_body, scalar, vacancy_body
from tests.test_pages_coach import Browser

ROSTOCK = {"town": "Rostock", "lat": 54.0924, "lon": 12.0991}
DOBERAN = {"town": "Bad Doberan", "lat": 54.1066, "lon": 11.9056}  # 13 km west
WAREHOUSE = ("receive goods", "put away goods", "pick orders", "pack goods",
             "operate pallet trucks", "load goods for dispatch")
EMPLOYER = "Hafenlager Rostock GmbH"


@dataclass
class Setting:
    centre: int
    user_id: int
    coach: Browser
    vacancies: dict[str, int]
    people: dict[str, str]  # key -> candidate id


def _vacancies(client: TestClient, world: World, employer: int) -> dict[str, int]:
    skills = world.vocab.skills(*WAREHOUSE)
    out = {}
    for key, title, where in (("near", "Lagerhelfer Rostock", ROSTOCK),
                              ("far", "Lagerhelfer Bad Doberan", DOBERAN)):
        body = vacancy_body(f"t-palloc-{key}", title, "job", where, slots=1,
                            occupation=world.vocab.occupation("warehouse worker"),
                            essential_skills=skills, employer_id=employer)
        response = client.post("/vacancies", json=body, headers=world.auth("admin"))
        assert response.status_code == 201, response.text
        out[key] = response.json()["id"]
    return out


@pytest.fixture(scope="module")
def setting(app: FastAPI, client: TestClient, world: World, engine: Engine,
            ) -> Iterator[Setting]:
    with engine.connection() as conn:
        centre = upsert_organisation(conn, "Migrationszentrum Rostock", "centre",
                                     "t-palloc-centre")
        employer = upsert_organisation(conn, EMPLOYER, "employer", "t-palloc-employer")
        user = create_user(conn, "Rosa Coach", "coach", centre)
        token = issue_token(conn, user, "tests")
    vacancies = _vacancies(client, world, employer)
    people = {}
    for key, name, native, skills in (("amir", "Amir Haddad", "ar", WAREHOUSE),
                                      ("oksana", "Oksana Bondar", "uk", WAREHOUSE[:4]),
                                      ("dawit", "Dawit Tesfaye", "ti", WAREHOUSE[1:])):
        body = candidate_body(
            f"t-palloc-{key}", name, ROSTOCK, travel_radius_km=30,
            languages=[{"lang": native, "level": "native"}, {"lang": "de", "level": "B1"}],
            skills=[{"concept": s, "source": "coach_verified", "evidence": "Praktikum"}
                    for s in world.vocab.skills(*skills)])
        response = client.post("/candidates", json=body,
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.text
        people[key] = str(response.json()["id"])
    yield Setting(centre, user, Browser(app, engine, user), vacancies, people)
    with engine.connection() as conn:
        for vid in vacancies.values():
            engine.set_vacancy_open(conn, vid, False)


@pytest.fixture(autouse=True)
def released(setting: Setting, engine: Engine) -> Iterator[None]:
    """Each test starts and ends with every place of the setting free."""
    yield
    with engine.connection() as conn:
        conn.execute("UPDATE reservation SET released_at = now() WHERE released_at IS NULL"
                     " AND candidate_id = ANY(%s)", (list(setting.people.values()),))


def propose(s: Setting, keys: list[str], **fields: object) -> str:
    """Post the form for these people (jobs only, unless `fields` say otherwise); the
    proposal's address."""
    answer = s.coach.post("/coach/allocations", {
        "cohort": [s.people[k] for k in keys], "kinds": ["job"], **fields})
    assert answer.status_code == 303, answer.text[-1500:]
    url = str(answer.headers["location"])
    assert re.fullmatch(r"/coach/allocations/\d+", url), url
    return url


def active(engine: Engine, s: Setting) -> int:
    return int(scalar(engine, "SELECT count(*) FROM reservation WHERE released_at IS NULL"
                      " AND candidate_id = ANY(%s)", list(s.people.values())))


def text(html: str) -> str:
    """The page's words, tags dropped and spaces joined."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_propose_accept_see_the_reservations_and_release_one(setting: Setting,
                                                            engine: Engine) -> None:
    form = setting.coach.get("/coach/allocations")
    assert form.status_code == 200
    assert 'href="/coach/allocations" aria-current="page"' in form.text  # in the navigation
    for name in ("Amir Haddad", "Oksana Bondar", "Dawit Tesfaye"):
        assert name in form.text
    assert 'data-select-all="cohort"' in form.text and "All shown (3)" in form.text

    url = propose(setting, ["amir", "oksana"])
    page = setting.coach.get(url)
    assert page.status_code == 200
    words = text(page.text)
    for shown in ("Amir Haddad", "Oksana Bondar", "Lagerhelfer Rostock",
                  "Lagerhelfer Bad Doberan", EMPLOYER, "Rostock", "Bad Doberan",
                  "2 people given a place", "Expected placements",
                  "Everyone to their own top choice"):
        assert shown in words, shown
    # both want the job in town; one is moved, and the page says why and what greedy gave
    assert "the top choice 'Lagerhelfer Rostock' is full" in page.text.replace("&#39;", "'")
    assert "chosen by 2 people of the group" in words and "would not have got it" in words
    # the one moved comes first; the one who keeps their top choice is not told it twice
    assert words.index("their choice no. 2") < words.index("the same place")
    assert re.search(r"People given a place</th>\s*<td>2</td>\s*<td>1</td>", page.text), \
        "2 placed against greedy's 1"
    assert "left without a place" not in words
    assert active(engine, setting) == 0, "nothing reserved before accepting"

    accepted = setting.coach.post(f"{url}/accept", {})
    assert accepted.status_code == 303 and accepted.headers["location"] == \
        f"{url}?accepted=true"
    page = setting.coach.get(accepted.headers["location"])
    assert "2 places reserved." in page.text and "accepted" in page.text
    assert page.text.count("Release this place") == 2
    assert active(engine, setting) == 2
    assert "/accept" not in page.text, "an accepted proposal offers no accept"
    twice = setting.coach.post(f"{url}/accept", {})
    assert twice.status_code == 409 and "This proposal was accepted already." in twice.text
    assert "Nothing was reserved" not in twice.text and active(engine, setting) == 2

    held = re.findall(r'action="/coach/reservations/(\d+)/release"', page.text)
    released = setting.coach.post(f"/coach/reservations/{held[0]}/release", {})
    assert released.status_code == 303
    assert released.headers["location"] == f"{url}?released={held[0]}"
    page = setting.coach.get(released.headers["location"])
    assert "the place is free again" in page.text and ">Released<" in page.text
    assert page.text.count("Release this place") == 1
    assert active(engine, setting) == 1
    again = setting.coach.post(f"/coach/reservations/{held[0]}/release", {})
    assert again.status_code == 409 and "released already" in again.text
    assert f'href="{url}"' in setting.coach.get("/coach/allocations").text  # listed


def test_a_place_filled_meanwhile_is_a_409_page_naming_it(setting: Setting,
                                                         engine: Engine) -> None:
    late = propose(setting, ["dawit"])  # made while both jobs are free: the one in town
    assert "Lagerhelfer Rostock" in setting.coach.get(late).text
    first = propose(setting, ["amir", "oksana"])
    assert setting.coach.post(f"{first}/accept", {}).status_code == 303
    assert active(engine, setting) == 2

    clash = setting.coach.post(f"{late}/accept", {})
    assert clash.status_code == 409
    words = text(clash.text)
    assert "Nothing was reserved" in words
    assert "Lagerhelfer Rostock" in words and "0 free, 1 needed" in words
    assert "Something went wrong" not in clash.text and 'role="alert"' in clash.text
    assert "Propose again" in words
    assert active(engine, setting) == 2, "nothing was reserved"
    # proposing again for the same people gives only what is still free: nothing
    again = setting.coach.post("/coach/allocations", {
        "cohort": [setting.people["dawit"]], "kinds": ["job"]})
    page = text(setting.coach.get(again.headers["location"]).text)
    assert "1 person left without a place" in page


def test_employers_are_refused_and_other_centres_find_nothing(
        setting: Setting, app: FastAPI, engine: Engine, world: World) -> None:
    url = propose(setting, ["amir"])
    employer = Browser(app, engine, world.user_ids["employer_1"])
    for path in ("/coach/allocations", url):
        refused = employer.get(path)
        assert refused.status_code == 403 and "not for your role" in refused.text
    assert employer.post(f"{url}/accept", {}).status_code == 403
    assert employer.post("/coach/allocations", {
        "cohort": [setting.people["amir"]], "kinds": ["job"]}).status_code == 403
    assert active(engine, setting) == 0

    other = Browser(app, engine, world.user_ids["coach_a"])
    assert "Amir Haddad" not in other.get("/coach/allocations").text
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/accept", {}).status_code == 404
    refused = other.post("/coach/allocations", {"cohort": [setting.people["amir"]],
                                                "kinds": ["job"]})
    assert refused.status_code == 422 and "unknown candidate" in refused.text
    assert setting.coach.post(f"{url}/accept", {}, csrf=False).status_code == 403
    assert active(engine, setting) == 0
    assert setting.coach.post(f"{url}/accept", {}).status_code == 303
    [rid] = re.findall(r'/coach/reservations/(\d+)/release', setting.coach.get(url).text)
    assert other.post(f"/coach/reservations/{rid}/release", {}).status_code == 404
    assert active(engine, setting) == 1


def test_bad_input_is_answered_on_the_form_and_nothing_is_written(
        setting: Setting, engine: Engine) -> None:
    before = scalar(engine, "SELECT count(*) FROM allocation")
    for fields, message in (
            ({"cohort": [], "kinds": ["job"]}, "Choose at least one candidate."),
            ({"cohort": [setting.people["amir"]], "kinds": []},
             "Choose at least one kind of place."),
            ({"cohort": [setting.people["amir"]], "kinds": ["castle"]},
             "Choose at least one kind of place."),
            ({"cohort": [setting.people["amir"]], "kinds": ["job"], "language_share": "7"},
             "Choose a share from the list."),
            # three first languages, two places: each language placed is impossible
            ({"all": "1", "kinds": ["job"], "language_share": "1"},
             "fairness: no assignment")):
        answer = setting.coach.post("/coach/allocations", fields)
        assert answer.status_code == 422, (fields, answer.text[-800:])
        assert message in answer.text, (fields, text(answer.text)[-800:])
        assert 'role="alert"' in answer.text
    assert scalar(engine, "SELECT count(*) FROM allocation") == before
    # "All" takes every candidate the form shows (the name filter kept)
    url = propose(setting, [], all="1", q="Haddad")
    assert text(setting.coach.get(url).text).count("Amir Haddad") == 1
    assert "Oksana Bondar" not in setting.coach.get(url).text


def test_a_large_cohort_is_followed_on_its_progress_page(setting: Setting,
                                                        engine: Engine) -> None:
    limit = engine.settings.sync_allocation_candidates
    engine.settings.sync_allocation_candidates = 1
    try:
        answer = setting.coach.post("/coach/allocations", {
            "cohort": [setting.people["amir"], setting.people["oksana"]], "kinds": ["job"]})
    finally:
        engine.settings.sync_allocation_candidates = limit
    assert answer.status_code == 303, answer.text[-800:]
    job_url = answer.headers["location"]
    assert re.fullmatch(r"/coach/allocations/jobs/\d+", job_url)
    deadline = time.monotonic() + 60
    while True:
        page = setting.coach.get(job_url)
        if page.status_code == 303:
            break
        assert page.status_code == 200, page.text[-800:]
        assert 'http-equiv="refresh"' in page.text and "being worked out" in page.text
        assert time.monotonic() < deadline, "the allocation job did not end"
        time.sleep(0.3)
    proposal = setting.coach.get(page.headers["location"])
    assert proposal.status_code == 200 and "2 people given a place" in text(proposal.text)


def test_the_proposal_reads_right_to_left_in_arabic(setting: Setting, app: FastAPI,
                                                    engine: Engine) -> None:
    url = propose(setting, ["amir", "oksana", "dawit"])
    page = Browser(app, engine, setting.user_id).get(url + "?lang=ar")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "توزيع الأماكن" in page.text  # "Allocate places" in the navigation
    assert 'lang="en" dir="ltr"' in page.text  # the engine's English reason, marked


def test_proposals_past_the_accounts_allowance_get_a_429_page(setting: Setting,
                                                                engine: Engine) -> None:
    """Proposing is expensive (every member's match list): a coach's account gets as
    many a minute as a token does on `POST /allocations`, then a 429 page saying when
    to try again, with nothing proposed."""
    app = create_app(engine=engine)
    app.state.throttle = Throttle(auth_failures_per_minute=100, expensive_per_minute=2)
    form = {"cohort": [setting.people["amir"]], "kinds": ["job"]}
    made = "SELECT count(*) FROM allocation WHERE proposed_by = %s"
    with TestClient(app):  # the app's start-up, for the browser below
        coach = Browser(app, engine, setting.user_id)
        answers = [coach.post("/coach/allocations", form) for _ in range(2)]
        assert [a.status_code for a in answers] == [303, 303]
        before = scalar(engine, made, setting.user_id)
        refused = coach.post("/coach/allocations", form)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many allocation proposals from this account" in refused.text
    assert scalar(engine, made, setting.user_id) == before

