"""The coach's "Allocate places" pages over HTTP, on the real engine and PostgreSQL:
choose a cohort, see the proposal (places with employer and town, why, what greedy top-1
would have given, the figures against greedy), accept it (places reserved, shown with a
way to release each), a 409 page naming the place filled meanwhile (nothing reserved),
a large cohort followed on its progress page, bad input answered on the form, and the
same access rules as the API (employers refused, another centre's coach finds nothing).

Per-person wishes change what the person is given; excluding a place re-proposes without
it for that person only, every other setting kept; a share per centre is offered to
admins and refused from a coach; the reason of each assignment reads in the page's
language (an old proposal without one shows the engine's English `why`).

Everything here lives around Rostock, which no other test uses: a centre, its coach, an
employer with two one-slot jobs and a one-slot placement (closed again at the end) and
three candidates; and a second centre (Güstrow) with one candidate, for an admin's share
per centre."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

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
    admin: Browser


def _vacancies(client: TestClient, world: World, employer: int) -> dict[str, int]:
    skills = world.vocab.skills(*WAREHOUSE)
    out = {}
    for key, title, kind, where in (("near", "Lagerhelfer Rostock", "job", ROSTOCK),
                                    ("far", "Lagerhelfer Bad Doberan", "job", DOBERAN),
                                    ("praktikum", "Praktikum Lager Rostock", "placement",
                                     ROSTOCK)):
        body = vacancy_body(f"t-palloc-{key}", title, kind, where, slots=1,
                            occupation=world.vocab.occupation("warehouse worker"),
                            essential_skills=skills, employer_id=employer)
        response = client.post("/vacancies", json=body, headers=world.auth("admin"))
        assert response.status_code == 201, response.text
        out[key] = response.json()["id"]
    return out


def _other_centre(client: TestClient, engine: Engine, world: World) -> str:
    """A candidate of a second centre, near Rostock, who fits the jobs less well than
    Amir and Dawit (four of the six warehouse skills)."""
    with engine.connection() as conn:
        centre = upsert_organisation(conn, "Migrationszentrum Güstrow", "centre",
                                     "t-palloc-centre-2")
        token = issue_token(conn, create_user(conn, "Greta Coach", "coach", centre), "tests")
    body = candidate_body(
        "t-palloc-lena", "Lena Moroz", ROSTOCK, travel_radius_km=30,
        languages=[{"lang": "ru", "level": "native"}, {"lang": "de", "level": "B1"}],
        skills=[{"concept": s, "source": "coach_verified", "evidence": "Praktikum"}
                for s in world.vocab.skills(*WAREHOUSE[:4])])
    response = client.post("/candidates", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


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
    people["lena"] = _other_centre(client, engine, world)
    yield Setting(centre, user, Browser(app, engine, user), vacancies, people,
                  Browser(app, engine, world.user_ids["admin"]))
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


def flat(html: str) -> str:
    """The page's text as read: tags dropped without a space (`“<bdi>X</bdi>”`: “X”)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


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
    assert "Why: Their top choice “Lagerhelfer Rostock” is full (1 place)." in flat(page.text)
    assert "Why: Their top choice." in words
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
    page = setting.coach.get(url).text
    assert page.count('class="card assignment') == 1
    assert f'id="a-{setting.people["amir"]}"' in page and "Oksana Bondar" not in page


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
    assert "خياره الأول." in text(page.text)  # "Their top choice.": the reason in Arabic
    assert 'lang="en" dir="ltr"' not in page.text and "top choice" not in page.text


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



def given(html: str, candidate_id: str) -> str:
    """The words of one person's card on a proposal page."""
    found = re.search(rf'<li class="card assignment[^"]*" id="a-{re.escape(candidate_id)}">'
                      r"(.*?)</li>", html, re.S)
    assert found, candidate_id
    return flat(found.group(1))


def place_of(html: str, candidate_id: str) -> str:
    """The place a proposal page gives one person ("" for none)."""
    found = re.search(rf'id="a-{re.escape(candidate_id)}">.*?(?:<p class="place">(.*?)</p>'
                      r"|</li>)", html, re.S)
    assert found, candidate_id
    return text(found.group(1) or "")


def allocations(engine: Engine) -> int:
    return int(scalar(engine, "SELECT count(*) FROM allocation"))


def test_a_wish_changes_what_the_person_is_given(setting: Setting) -> None:
    amir = setting.people["amir"]
    form = setting.coach.get("/coach/allocations").text
    assert f'name="wish" value="{amir}:placement"' in form
    assert "Wants: <span" in form and "as in their profile" in form
    assert "Their profile: Job, Apprenticeship, Placement." in form
    for wish, title, other in (("placement", "Praktikum Lager Rostock", "Lagerhelfer"),
                               ("job", "Lagerhelfer Rostock", "Praktikum")):
        url = propose(setting, ["amir"], kinds=["job", "placement"],
                      wish=[f"{amir}:{wish}"])
        page = setting.coach.get(url).text
        assert title in place_of(page, amir) and other not in place_of(page, amir), wish
        assert f"Wants: {wish.title()}" in given(page, amir)  # shown with the assignment
    # a wish for someone not chosen (the row unticked) is dropped, not refused
    url = propose(setting, ["oksana"], wish=[f"{amir}:placement"])
    assert "Wants:" not in given(setting.coach.get(url).text, setting.people["oksana"])


def test_excluding_a_place_proposes_again_without_it_for_that_person_only(
        setting: Setting, engine: Engine) -> None:
    url = propose(setting, ["amir", "oksana", "dawit"], kinds=["job", "placement"],
                  language_share="0.25")
    page = setting.coach.get(url).text
    near = f"vacancy:{setting.vacancies['near']}"
    forms = re.findall(r'name="candidate" value="([^"]+)">\s*<input type="hidden" '
                       r'name="place" value="([^"]+)"', page)
    assert len(forms) == 3 and "Exclude this place for this person and propose again" in page
    moved = next(cid for cid, place in forms if place == near)
    others = {cid: place for cid, place in forms if cid != moved}

    before = allocations(engine)
    answer = setting.coach.post(f"{url}/again", {"candidate": moved, "place": near})
    assert answer.status_code == 303, answer.text[-800:]
    second = answer.headers["location"]
    assert re.fullmatch(r"/coach/allocations/\d+", second) and second != url
    assert allocations(engine) == before + 1
    page = setting.coach.get(second).text
    assert "Lagerhelfer Rostock" not in given(page, moved)  # not even as their top choice
    assert "1 place excluded for this person" in given(page, moved)
    # excluded for that person only: someone else is given the job in town now
    assert any("Lagerhelfer Rostock" in place_of(page, cid) for cid in others)
    settings = "SELECT settings - 'preferences' FROM allocation WHERE id = %s"
    assert scalar(engine, settings, int(second.rsplit("/", 1)[1])) == \
        scalar(engine, settings, int(url.rsplit("/", 1)[1]))  # kinds, shares, top-k kept
    assert "Lagerhelfer Rostock" in place_of(setting.coach.get(url).text, moved)  # as it was

    # excluding the next place too keeps the first exclusion
    [place] = [p for cid, p in re.findall(
        r'name="candidate" value="([^"]+)">\s*<input type="hidden" name="place" '
        r'value="([^"]+)"', page) if cid == moved]
    third = setting.coach.post(f"{second}/again", {"candidate": moved, "place": place})
    assert third.status_code == 303, third.text[-800:]
    last = setting.coach.get(third.headers["location"]).text
    assert "2 places excluded for this person" in given(last, moved)
    assert "Lagerhelfer Rostock" not in place_of(last, moved)
    assert place_of(last, moved) != place_of(page, moved)
    # and the last of the three: nothing left for them, and the page says why
    [place] = [p for cid, p in re.findall(
        r'name="candidate" value="([^"]+)">\s*<input type="hidden" name="place" '
        r'value="([^"]+)"', last) if cid == moved]
    fourth = setting.coach.post(f"{third.headers['location']}/again",
                                {"candidate": moved, "place": place})
    assert fourth.status_code == 303, fourth.text[-800:]
    card = unescape(given(setting.coach.get(fourth.headers["location"]).text, moved))
    assert "No place: every place among this person's matches is full or excluded for " \
        "them." in card and "3 places excluded for this person" in card


def test_bad_wishes_and_exclusions_are_refused_and_nothing_is_proposed(
        setting: Setting, engine: Engine, app: FastAPI, world: World) -> None:
    amir, oksana = setting.people["amir"], setting.people["oksana"]
    url = propose(setting, ["amir", "oksana"])
    page = setting.coach.get(url).text
    mine = dict(re.findall(r'name="candidate" value="([^"]+)">\s*<input type="hidden" '
                           r'name="place" value="([^"]+)"', page))
    before = allocations(engine)
    for fields, message in (
            ({"cohort": [amir], "kinds": ["job"], "wish": [f"{amir}:castle"]},
             "Choose the kinds of place a person wants from the list."),
            ({"cohort": [amir], "kinds": ["job"], "wish": [f"{amir}:course"]},
             "is not chosen under “Which places”")):
        answer = setting.coach.post("/coach/allocations", fields)
        assert answer.status_code == 422 and message in answer.text, answer.text[-800:]
        assert 'role="alert"' in answer.text
    assert re.search(f'value="{amir}:course"[^>]* checked', answer.text)  # the form as sent
    for fields in ({"candidate": amir, "place": "vacancy:999999999"},
                   {"candidate": amir, "place": mine[oksana]},  # her place, not his
                   {"candidate": "nobody", "place": mine[amir]},
                   {"candidate": amir, "place": "castle"}):
        answer = setting.coach.post(f"{url}/again", fields)
        assert answer.status_code == 422, (fields, answer.text[-800:])
        assert "This place is not in the proposal for this person." in answer.text
        assert 'role="alert"' in answer.text and "Proposal of" in answer.text
    other = Browser(app, engine, world.user_ids["coach_a"])
    assert other.post(f"{url}/again", {"candidate": amir,
                                       "place": mine[amir]}).status_code == 404
    assert allocations(engine) == before


def test_a_share_per_centre_is_for_admins_only(setting: Setting, engine: Engine) -> None:
    people = [setting.people[k] for k in ("amir", "dawit", "lena")]
    assert 'name="centre_share"' not in setting.coach.get("/coach/allocations").text
    before = allocations(engine)
    refused = setting.coach.post("/coach/allocations", {
        "cohort": people[:2], "kinds": ["job"], "centre_share": "0.5"})
    assert refused.status_code == 403, refused.text[-800:]
    assert "Only an administrator can ask for a share per centre" in refused.text
    bad = setting.admin.post("/coach/allocations", {
        "cohort": people, "kinds": ["job"], "centre_share": "1.5"})
    assert bad.status_code == 422 and "Choose a share from the list." in bad.text
    assert allocations(engine) == before

    form = setting.admin.get("/coach/allocations?q=Moroz").text
    assert 'name="centre_share"' in form and "Lena Moroz" in form
    # two job slots, three people: Lena, of the other centre, fits least and is left out
    plain = setting.admin.post("/coach/allocations", {"cohort": people, "kinds": ["job"]})
    page = setting.admin.get(plain.headers["location"]).text
    assert place_of(page, people[2]) == "" and "No place" in given(page, people[2])
    fair = setting.admin.post("/coach/allocations", {"cohort": people, "kinds": ["job"],
                                                      "centre_share": "0.5"})
    assert fair.status_code == 303, fair.text[-800:]
    page = setting.admin.get(fair.headers["location"]).text
    assert "Lagerhelfer" in place_of(page, people[2])  # half of each centre is placed
    words = text(page)
    assert "By centre" in words and "Migrationszentrum Güstrow" in words
    assert re.search(r"Migrationszentrum Güstrow\s*</bdi></th><td>1</td>\s*<td>1 <span "
                     r'class="muted">\(at least 1\)', page), "one of one placed, one needed"


def test_the_reason_reads_in_the_pages_language(setting: Setting, app: FastAPI,
                                                engine: Engine) -> None:
    url = propose(setting, ["amir", "oksana"])
    moved = next(cid for cid in (setting.people["amir"], setting.people["oksana"])
                 if "Bad Doberan" in place_of(setting.coach.get(url).text, cid))
    reader = Browser(app, engine, setting.user_id)  # its language cookie, not the coach's
    german = given(reader.get(url + "?lang=de").text, moved)
    assert "Warum: Die erste Wahl „Lagerhelfer Rostock“ ist vergeben (1 Platz)." in german
    assert "weniger gut passt, dessen andere Plätze aber viel schlechter sind." in german
    assert "um 5 Prozentpunkte weniger wahrscheinlich" in german or \
        "Prozentpunkt weniger wahrscheinlich" in german
    arabic = reader.get(url + "?lang=ar").text
    assert "السبب: خياره الأول «Lagerhelfer Rostock» ممتلئ (مكان واحد)." in \
        given(arabic, moved), given(arabic, moved)
    assert 'lang="en" dir="ltr"' not in arabic  # no English reason left
    # the API keeps its English `why` beside the reason
    why, reason = engine_row(engine, int(url.rsplit("/", 1)[1]), moved)
    assert why.startswith("the top choice 'Lagerhelfer Rostock' is full: its 1 place went "
                          "to 1 candidate with a lower fit there")
    assert reason == {"code": "top_full", "place": "Lagerhelfer Rostock", "holders": 1,
                      "higher": 0, "delta": reason["delta"], "shares": {}}
    assert 0 < reason["delta"] < 1


def engine_row(engine: Engine, allocation_id: int, candidate_id: str) -> tuple[str, dict]:
    with engine.connection() as conn:
        row = conn.execute("SELECT detail->>'why', detail->'reason' FROM allocation_assignment"
                           " WHERE allocation_id = %s AND candidate_id = %s",
                           (allocation_id, candidate_id)).fetchone()
    assert row is not None
    return str(row[0]), dict(row[1])


def test_a_proposal_stored_without_reasons_shows_the_english_why(setting: Setting,
                                                                  engine: Engine) -> None:
    url = propose(setting, ["amir", "oksana"])
    with engine.connection() as conn:
        conn.execute("UPDATE allocation_assignment SET detail = detail - 'reason'"
                     " WHERE allocation_id = %s", (int(url.rsplit("/", 1)[1]),))
    for lang in ("en", "de"):
        page = setting.coach.get(f"{url}?lang={lang}")
        assert page.status_code == 200
        assert '<span lang="en" dir="ltr">the candidate&#39;s top choice</span>' in page.text


REASON_SAMPLES = [
    {"code": "top_choice"},
    {"code": "top_full", "place": "P1", "holders": 3, "higher": 3, "delta": 0.1, "shares": {}},
    {"code": "top_full", "place": "P1", "holders": 3, "higher": 1, "delta": 0.12,
     "shares": {}},
    {"code": "top_full", "place": "P1", "holders": 2, "higher": 0, "delta": 0.2,
     "shares": {"centre": 0.5, "language": 0.25}},
    {"code": "as_likely", "place": "P1"},
    {"code": "moved_for_share", "place": "P1", "shares": {"language": 1.0}},
    {"code": "as_good", "place": "P1"},
    {"code": "no_free_place"},
    {"code": "all_taken", "places": 2, "higher": 2},
    {"code": "all_taken", "places": 5, "higher": 1},
    {"code": "share_blocks", "places": 4, "full": 3, "shares": {"language": 0.5}},
    {"code": "no_match"},
    {"code": "excluded_or_full"},
    {"code": "holds_reservation", "reservation": 7},
]


def test_every_reason_reads_in_every_language() -> None:
    """Each reason code the engine gives (`REASONS`) in words, in each page language,
    with its figures in; the English `why` where the page cannot read a reason."""
    from api.pages.allocation_reasons import reason_text
    from api.pages.i18n import LANGUAGES, Speaker
    from matcher.allocation.explain import REASONS

    assert {r["code"] for r in REASON_SAMPLES} == set(REASONS)
    for sample in REASON_SAMPLES:
        english = str(reason_text(Speaker("en"), sample))
        for lang in LANGUAGES:
            said = reason_text(Speaker(lang), sample)
            assert said is not None and "%(" not in said, (lang, sample)
            assert lang == "en" or str(said) != english, (lang, sample, said)
            if "place" in sample:
                assert '<bdi class="place-name">P1</bdi>' in said
            if sample.get("shares"):
                assert Speaker(lang).percent(sample["shares"]["language"]) in said
    assert "12 percentage points less likely" in str(reason_text(Speaker("en"),
                                                                 REASON_SAMPLES[2]))
    hostile = {"code": "as_good", "place": "<script>alert(1)</script>"}
    assert "<script>" not in str(reason_text(Speaker("de"), hostile))
    for unreadable in (None, {}, {"code": "new_code"}, {"code": "top_full"}, "text"):
        assert reason_text(Speaker("en"), unreadable) is None  # type: ignore[arg-type]
