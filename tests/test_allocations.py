"""Cohort allocation through the API, on the real engine and PostgreSQL: proposals from
the candidates' own match lists (gates and preferences respected), the greedy
alternative named, accepting reserves whole or not at all (409 naming the places, nothing
written), two accepts racing for one slot (exactly one wins), releasing gives the place
back, and bad input refused with 422 naming the field; each proposal, reservation and
release audited per person (API, background job and the coach's pages alike, once).

Everything here lives in Paderborn, which no other test uses: a centre, a coach, an
employer, its vacancies (closed again at the end) and the cohort, so the shared world's
match lists stay as they were."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import gather
from matcher.engine import Engine
from matcher.errors import ConflictError
from matcher.store import allocations as store
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import World, candidate_body, course_body, scalar, vacancy_body
from tests.test_jobs import wait_for
from tests.test_pages_coach import Browser

PADERBORN = {"town": "Paderborn", "lat": 51.7191, "lon": 8.7575}
DELBRUECK = {"town": "Delbrück", "lat": 51.7665, "lon": 8.5661}  # 15 km west
WAREHOUSE = ("receive goods", "put away goods", "pick orders", "pack goods",
             "operate pallet trucks", "load goods for dispatch")


@dataclass
class Cohort:
    centre: int
    course: int
    coach: dict[str, str]
    other_coach: dict[str, str]
    vacancies: dict[str, int]
    people: dict[str, str]
    user_id: int  # the coach's


def _vacancies(client: TestClient, world: World, employer: int) -> dict[str, int]:
    warehouse = world.vocab.occupation("warehouse worker")
    skills = world.vocab.skills(*WAREHOUSE)
    bodies = {
        # one slot, in town: everybody's top choice among the jobs
        "near": vacancy_body("t-alloc-near", "Lagerhelfer Paderborn", "job", PADERBORN,
                             occupation=warehouse, essential_skills=skills, slots=1,
                             employer_id=employer),
        # the same job 15 km away: a close second
        "far": vacancy_body("t-alloc-far", "Lagerhelfer Delbrück", "job", DELBRUECK,
                            occupation=warehouse, essential_skills=skills, slots=1,
                            employer_id=employer),
        # an apprenticeship asking German B2: a hard gate
        "b2": vacancy_body("t-alloc-b2", "Ausbildung Fachlagerist Paderborn",
                           "apprenticeship", PADERBORN, occupation=warehouse, slots=2,
                           languages=[{"lang": "de", "level": "B2"}], employer_id=employer)}
    out = {}
    for key, body in bodies.items():
        response = client.post("/vacancies", json=body, headers=world.auth("admin"))
        assert response.status_code == 201, response.text
        out[key] = response.json()["id"]
    return out


def _person(client: TestClient, world: World, coach: dict[str, str], key: str, native: str,
            german: str, skills: tuple[str, ...]) -> str:
    body = candidate_body(
        f"t-alloc-{key}", f"Alloc {key.title()}", PADERBORN, travel_radius_km=30,
        languages=[{"lang": native, "level": "native"}, {"lang": "de", "level": german}],
        skills=[{"concept": s, "source": "coach_verified", "evidence": "Praktikum"}
                for s in world.vocab.skills(*skills)])
    response = client.post("/candidates", json=body, headers=coach)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module")
def cohort(client: TestClient, world: World, engine: Engine) -> Iterator[Cohort]:
    with engine.connection() as conn:
        centre = upsert_organisation(conn, "Integrationszentrum Paderborn", "centre",
                                     "t-alloc-centre")
        employer = upsert_organisation(conn, "Lager Ostwestfalen GmbH", "employer",
                                       "t-alloc-employer")
        user = create_user(conn, "Paula Coach", "coach", centre)
        token = issue_token(conn, user, "tests")
    coach = {"Authorization": f"Bearer {token}"}
    vacancies = _vacancies(client, world, employer)
    people = {
        # every warehouse skill, German B1: fails the apprenticeship's B2 gate
        "amir": _person(client, world, coach, "amir", "ar", "B1", WAREHOUSE),
        # four of six, German B2
        "oksana": _person(client, world, coach, "oksana", "uk", "B2", WAREHOUSE[:4]),
        "dawit": _person(client, world, coach, "dawit", "ti", "B2", WAREHOUSE[1:]),
    }
    # a course teaching two warehouse skills, one seat, in Paderborn (deleted at the end:
    # courses cannot be closed, and other tests count the courses a candidate cannot take)
    course = client.post("/courses", headers=coach, json=course_body(
        "t-alloc-course", "Lagerlogistik kompakt", world.vocab.skills(
            "operate pallet trucks", "load goods for dispatch"), location=PADERBORN, seats=1,
        provider="VHS Paderborn"))
    assert course.status_code == 201, course.text
    yield Cohort(centre, course.json()["id"], coach, world.auth("coach_a"), vacancies, people,
                 user)
    with engine.connection() as conn:
        conn.execute("DELETE FROM course WHERE id = %s", (course.json()["id"],))
        conn.execute("UPDATE reservation SET released_at = now() WHERE released_at IS NULL"
                     " AND candidate_id = ANY(%s)", (list(people.values()),))
        for vid in vacancies.values():
            engine.set_vacancy_open(conn, vid, False)


def propose(client: TestClient, c: Cohort, keys: list[str], **body: Any) -> dict[str, Any]:
    response = client.post("/allocations", headers=c.coach, json={
        "cohort": [c.people[k] for k in keys], **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def by_person(c: Cohort, answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    names = {cid: key for key, cid in c.people.items()}
    return {names[a["candidate_id"]]: a for a in answer["assignments"]}


def free(engine: Engine, vacancy_id: int) -> int:
    with engine.connection() as conn:
        return store.free_vacancies(conn, [vacancy_id]).get(vacancy_id, 0)


def test_allocation_beats_greedy_and_names_the_greedy_alternative(
        client: TestClient, cohort: Cohort) -> None:
    near, far = cohort.vacancies["near"], cohort.vacancies["far"]
    answer = propose(client, cohort, ["amir", "oksana"], kinds=["job"],
                     vacancy_ids=[near, far])
    got = by_person(cohort, answer)
    assert {got[k]["place"]["id"] for k in got} == {near, far}  # one slot each, both placed
    for item in got.values():  # greedily, both want the job in town
        assert item["greedy"]["place"]["id"] == near and item["greedy"]["chosen_by"] == 2
    # greedily the one with the higher fit in town gets it; which of the two the allocation
    # moves is the solver's choice between two nearly equal totals, so both are accepted
    higher = max(got.values(), key=lambda item: item["greedy"]["probability"])
    for item in got.values():
        assert item["greedy"]["would_get_it"] is (item is higher)
    moved = next(item for item in got.values() if item["place"]["id"] == far)
    assert moved["why"].startswith("the top choice 'Lagerhelfer Paderborn' is full")
    assert moved["rank"] == 2
    stays = next(item for item in got.values() if item["place"]["id"] == near)
    assert stays["why"] == "the candidate's top choice"
    summary = answer["summary"]
    assert summary["probability_source"] == "uncalibrated score"
    assert summary["allocation"]["slots_over_capacity"] == 0
    assert summary["greedy"]["slots_over_capacity"] == 1
    assert summary["greedy"]["candidates_beyond_capacity"] == 1
    assert summary["allocation"]["candidates_placed"] == 2
    assert summary["greedy"]["candidates_placed"] == 1
    assert summary["allocation"]["expected_placements"] == pytest.approx(
        sum(item["probability"] for item in got.values()), abs=1e-3)
    assert summary["allocation"]["expected_placements"] > \
        summary["greedy"]["expected_placements"]
    assert answer["status"] == "proposed" and answer["organisation_id"] == cohort.centre


def test_hard_gates_and_preferences_are_respected(client: TestClient, cohort: Cohort) -> None:
    b2, near = cohort.vacancies["b2"], cohort.vacancies["near"]
    answer = propose(client, cohort, ["amir", "oksana"], kinds=["apprenticeship"],
                     vacancy_ids=[b2])
    got = by_person(cohort, answer)
    assert got["oksana"]["place"]["id"] == b2
    assert got["amir"]["place"] is None  # German B1 < B2: never on the apprenticeship
    assert "nothing of the kinds asked is in the candidate's match list" in got["amir"]["why"]
    # Dawit excludes the job in town: he never gets it, even alone with a free slot
    answer = propose(client, cohort, ["dawit"], kinds=["job"], preferences=[
        {"candidate_id": cohort.people["dawit"], "exclude_vacancies": [near]}])
    assert by_person(cohort, answer)["dawit"]["place"]["id"] == cohort.vacancies["far"]
    # a per-candidate kind preference narrows what they may be given
    answer = propose(client, cohort, ["oksana"], preferences=[
        {"candidate_id": cohort.people["oksana"], "kinds": ["apprenticeship"]}])
    assert by_person(cohort, answer)["oksana"]["place"]["kind"] == "apprenticeship"


def test_course_seats_are_allocated_and_reserved(client: TestClient, cohort: Cohort,
                                                 engine: Engine) -> None:
    answer = propose(client, cohort, ["oksana", "dawit"], kinds=["course"],
                     course_ids=[cohort.course])
    got = by_person(cohort, answer)
    placed = [k for k, item in got.items() if item["place"] is not None]
    assert len(placed) == 1  # one seat
    seat = got[placed[0]]["place"]
    assert seat == {"type": "course", "kind": "course", "id": cohort.course,
                    "title": "Lagerlogistik kompakt", "free": 1}
    accepted = client.post(f"/allocations/{answer['id']}/accept", headers=cohort.coach)
    assert accepted.status_code == 200, accepted.text
    [made] = accepted.json()["reservations"]
    assert made["course_id"] == cohort.course and made["vacancy_id"] is None
    with engine.connection() as conn:
        assert store.free_courses(conn, [cohort.course]) == {cohort.course: 0}
    assert client.delete(f"/reservations/{made['id']}", headers=cohort.coach) \
        .status_code == 200
    with engine.connection() as conn:
        assert store.free_courses(conn, [cohort.course]) == {cohort.course: 1}


def test_fairness_is_reported_and_an_impossible_share_refused(client: TestClient,
                                                              cohort: Cohort) -> None:
    near = cohort.vacancies["near"]
    answer = propose(client, cohort, ["amir", "oksana"], kinds=["job"],
                     vacancy_ids=[near, cohort.vacancies["far"]], fairness={"language": 0.5})
    groups = answer["summary"]["allocation"]["fairness"]["language"]["groups"]
    one = {"members": 1, "with_options": 1, "placed": 1, "share": 1.0, "required": 1}
    assert groups == {"ar": one, "uk": one}
    assert answer["settings"]["fairness"] == {"language": 0.5}
    # one slot for two languages, each to be placed: no assignment does it
    response = client.post("/allocations", headers=cohort.coach, json={
        "cohort": [cohort.people["amir"], cohort.people["oksana"]], "kinds": ["job"],
        "vacancy_ids": [near], "fairness": {"language": 1}})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("fairness: no assignment")


def test_accept_reserves_a_second_overlapping_accept_gets_409_release_gives_back(
        client: TestClient, cohort: Cohort, engine: Engine) -> None:
    near, far = cohort.vacancies["near"], cohort.vacancies["far"]
    asked = {"kinds": ["job"], "vacancy_ids": [near, far]}
    first = propose(client, cohort, ["amir", "oksana"], **asked)
    second = propose(client, cohort, ["dawit"], **asked)  # made while both slots are free
    assert by_person(cohort, second)["dawit"]["place"]["id"] == near
    assert (free(engine, near), free(engine, far)) == (1, 1)

    accepted = client.post(f"/allocations/{first['id']}/accept", headers=cohort.coach)
    assert accepted.status_code == 200, accepted.text
    made = accepted.json()["reservations"]
    assert sorted(r["vacancy_id"] for r in made) == sorted([near, far])
    assert (free(engine, near), free(engine, far)) == (0, 0)
    again = client.post(f"/allocations/{first['id']}/accept", headers=cohort.coach)
    assert again.status_code == 409 and "accepted already" in again.json()["detail"]

    reservations = scalar(engine, "SELECT count(*) FROM reservation")
    clash = client.post(f"/allocations/{second['id']}/accept", headers=cohort.coach)
    assert clash.status_code == 409
    assert f"vacancy {near} 'Lagerhelfer Paderborn' has 0 free, 1 needed" in \
        clash.json()["detail"]
    assert scalar(engine, "SELECT count(*) FROM reservation") == reservations  # nothing
    assert client.get(f"/allocations/{second['id']}", headers=cohort.coach).json()[
        "status"] == "proposed"
    shown = client.get(f"/allocations/{first['id']}", headers=cohort.coach).json()
    assert shown["status"] == "accepted"
    assert all(a["reservation"]["active"] for a in shown["assignments"])

    # a full place is no longer offered: a new proposal leaves Dawit without a job
    assert by_person(cohort, propose(client, cohort, ["dawit"], **asked))["dawit"][
        "place"] is None

    held = next(r for r in made if r["vacancy_id"] == near)
    assert client.delete(f"/reservations/{held['id']}", headers=cohort.other_coach) \
        .status_code == 404  # another centre's coach does not find it
    released = client.delete(f"/reservations/{held['id']}", headers=cohort.coach)
    assert released.status_code == 200 and released.json()["released_at"]
    assert free(engine, near) == 1
    assert client.delete(f"/reservations/{held['id']}", headers=cohort.coach) \
        .status_code == 409
    retry = client.post(f"/allocations/{second['id']}/accept", headers=cohort.coach)
    assert retry.status_code == 200, retry.text
    assert free(engine, near) == 0
    for r in made + retry.json()["reservations"]:
        client.delete(f"/reservations/{r['id']}", headers=cohort.coach)
    assert (free(engine, near), free(engine, far)) == (1, 1)


def test_match_lists_computed_in_threads_give_the_same_options(cohort: Cohort,
                                                               engine: Engine) -> None:
    request = AllocationIn(cohort=list(cohort.people.values()), kinds=["job", "course"])
    with engine.connection() as conn:
        alone = gather(conn, engine.matcher, request)
        threaded = gather(conn, engine.matcher, request, connect=engine.connection,
                          workers=2)
    assert threaded.options == alone.options
    assert sum(len(o) for o in alone.options.values()) >= 6  # two jobs each, a course


def test_two_accepts_racing_for_one_slot_exactly_one_wins(
        client: TestClient, cohort: Cohort, engine: Engine) -> None:
    near = cohort.vacancies["near"]
    ids = [propose(client, cohort, [key], kinds=["job"], vacancy_ids=[near])["id"]
           for key in ("amir", "oksana")]
    start = threading.Barrier(2)
    results: dict[int, str] = {}

    def accept(aid: int) -> None:
        start.wait()
        try:
            with engine.connection() as conn:
                store.accept(conn, aid, None)
            results[aid] = "won"
        except ConflictError as exc:
            results[aid] = str(exc)

    threads = [threading.Thread(target=accept, args=(aid,)) for aid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values())[-1] == "won"
    assert list(results.values()).count("won") == 1, results
    loser = next(v for v in results.values() if v != "won")
    assert "has 0 free, 1 needed" in loser
    active = scalar(engine, "SELECT count(*) FROM reservation WHERE vacancy_id = %s"
                    " AND released_at IS NULL", near)
    assert active == 1 and free(engine, near) == 0
    with engine.connection() as conn:
        conn.execute("UPDATE reservation SET released_at = now() WHERE vacancy_id = %s"
                     " AND released_at IS NULL", (near,))


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"cohort": []}, "body.cohort", "at least 1"),
    ({"cohort": [f"cand_{i}" for i in range(2001)]}, "body.cohort", "at most 2,000"),
    ({"cohort": ["cand_nobody"]}, "cohort.0", "unknown candidate 'cand_nobody'"),
    ({"cohort": ["{amir}", "{amir}"]}, "body.cohort", "listed more than once"),
    ({"cohort": ["{amir}"], "fairness": {"language": 1.5}}, "body.fairness.language",
     "less than or equal to 1"),
    ({"cohort": ["{amir}"], "fairness": {"centre": -0.1}}, "body.fairness.centre",
     "greater than or equal to 0"),
    ({"cohort": ["{amir}"], "kinds": ["castle"]}, "body.kinds.0", "'job'"),
    ({"cohort": ["{amir}"], "preferences": [{"candidate_id": "cand_x"}]}, "body",
     "not in the cohort"),
])
def test_bad_input_is_refused_naming_the_field(client: TestClient, cohort: Cohort,
                                               engine: Engine, body: dict[str, Any],
                                               field: str, words: str) -> None:
    sent = {k: [x.format(**cohort.people) if isinstance(x, str) else x for x in v]
            if k == "cohort" else v for k, v in body.items()}
    before = scalar(engine, "SELECT count(*) FROM allocation")
    response = client.post("/allocations", json=sent, headers=cohort.coach)
    assert response.status_code == 422, response.text
    assert scalar(engine, "SELECT count(*) FROM allocation") == before
    detail = response.json()["detail"]
    assert detail.startswith(field) or field in detail, detail
    assert words in detail, detail


def test_scope_another_centres_candidate_or_proposal_is_unknown(
        client: TestClient, cohort: Cohort, world: World) -> None:
    response = client.post("/allocations", headers=cohort.coach,
                           json={"cohort": [world.candidates["olena"]]})
    assert response.status_code == 422 and "unknown candidate" in response.json()["detail"]
    mine = propose(client, cohort, ["amir"])
    for who in ("coach_a", "employer_1", "migrant"):
        got = client.get(f"/allocations/{mine['id']}", headers=world.auth(who))
        assert got.status_code == (404 if who == "coach_a" else 403), (who, got.text)
    assert client.get(f"/allocations/{mine['id']}", headers=world.auth("admin")) \
        .status_code == 200
    assert client.post("/allocations", headers=world.auth("employer_1"), json={
        "cohort": [cohort.people["amir"]]}).status_code == 403


def test_a_large_cohort_is_allocated_by_a_background_job(
        client: TestClient, cohort: Cohort, engine: Engine, world: World) -> None:
    """`Prefer: respond-async` (or more candidates than MATCHER_SYNC_ALLOCATION_CANDIDATES):
    a bad cohort is refused at once, nothing queued; a good one is answered 202 with a job
    whose result names the stored proposal, the same one a synchronous call gives."""
    jobs = "SELECT count(*) FROM job WHERE kind = 'allocation'"
    before = scalar(engine, jobs)
    refused = client.post("/allocations", headers={**cohort.coach, "Prefer": "respond-async"},
                          json={"cohort": [world.candidates["olena"]]})
    assert refused.status_code == 422 and "unknown candidate" in refused.json()["detail"]
    assert scalar(engine, jobs) == before
    body = {"cohort": [cohort.people["amir"], cohort.people["oksana"]], "kinds": ["job"],
            "vacancy_ids": [cohort.vacancies["near"], cohort.vacancies["far"]]}
    queued = client.post("/allocations", headers={**cohort.coach, "Prefer": "respond-async"},
                         json=body)
    assert queued.status_code == 202, queued.text
    assert queued.headers["Preference-Applied"] == "respond-async"
    job = wait_for(client, queued.headers["Location"], cohort.coach)
    assert job["state"] == "done", job
    stored = client.get(job["result"]["url"], headers=cohort.coach)
    assert stored.status_code == 200
    answer = stored.json()
    assert answer["id"] == job["result"]["allocation_id"]
    assert answer["organisation_id"] == cohort.centre and answer["status"] == "proposed"
    direct = propose(client, cohort, ["amir", "oksana"], kinds=["job"],
                     vacancy_ids=body["vacancy_ids"])
    assert {(a["candidate_id"], a["place"]["id"]) for a in answer["assignments"]} == \
        {(a["candidate_id"], a["place"]["id"]) for a in direct["assignments"]}
    # another centre's coach cannot follow the job
    assert client.get(queued.headers["Location"],
                      headers=world.auth("coach_a")).status_code == 404


def test_match_lists_show_the_free_slots_as_places_are_reserved(
        client: TestClient, cohort: Cohort) -> None:
    """A coach reading a candidate's matches sees a slot another coach's allocation took:
    the stored list is stale at the accept and at the release."""
    near = cohort.vacancies["near"]

    def shown(key: str) -> tuple[int, int, bool]:
        answer = client.get(f"/candidates/{cohort.people[key]}/matches",
                            params={"kind": "job", "limit": 100}, headers=cohort.coach)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        [item] = [i for i in body["items"] if i["vacancy"]["id"] == near]
        return item["vacancy"]["slots"], item["vacancy"]["free_slots"], \
            body["freshness"]["from_store"]

    assert shown("dawit")[:2] == (1, 1)
    assert shown("dawit")[2], "the second read answers from the stored list"
    proposal = propose(client, cohort, ["amir"], kinds=["job"], vacancy_ids=[near])
    accepted = client.post(f"/allocations/{proposal['id']}/accept", headers=cohort.coach)
    assert accepted.status_code == 200, accepted.text
    assert shown("dawit") == (1, 0, False)  # stale at once, computed again
    [held] = accepted.json()["reservations"]
    assert client.delete(f"/reservations/{held['id']}", headers=cohort.coach) \
        .status_code == 200
    assert shown("dawit")[:2] == (1, 1)


def audited(engine: Engine, action: str, allocation_id: int,
            ) -> list[tuple[str, int, str, dict[str, Any]]]:
    """The audit rows of one action on one proposal: (candidate, user, role, detail)."""
    with engine.connection() as conn:
        rows = conn.execute(
            "SELECT candidate_id, user_id, role::text, detail FROM audit_log WHERE action = %s"
            " AND (detail->>'allocation_id')::bigint = %s ORDER BY id",
            (action, allocation_id)).fetchall()
    return [(str(r[0]), int(r[1]), str(r[2]), dict(r[3])) for r in rows]


def test_proposing_accepting_and_releasing_are_audited_per_person(
        client: TestClient, cohort: Cohort, engine: Engine) -> None:
    """One `allocation.propose` row per cohort member, one `allocation.accept` per
    reservation, one `reservation.release`; a 409 (accept or release) writes none."""
    near, far = cohort.vacancies["near"], cohort.vacancies["far"]
    asked = {"kinds": ["job"], "vacancy_ids": [near, far]}
    first = propose(client, cohort, ["amir", "oksana", "dawit"], **asked)
    me = cohort.user_id
    assert sorted(audited(engine, "allocation.propose", first["id"])) == sorted(
        (cohort.people[k], me, "coach", {"allocation_id": first["id"]})
        for k in ("amir", "oksana", "dawit"))  # the one left without a place too
    second = propose(client, cohort, ["dawit"], **asked)
    assert audited(engine, "allocation.accept", first["id"]) == []  # nothing reserved yet

    accepted = client.post(f"/allocations/{first['id']}/accept", headers=cohort.coach)
    assert accepted.status_code == 200, accepted.text
    made = accepted.json()["reservations"]
    assert len(made) == 2
    assert sorted(audited(engine, "allocation.accept", first["id"])) == sorted(
        (r["candidate_id"], me, "coach", {"allocation_id": first["id"],
                                          "reservation_id": r["id"],
                                          "vacancy_id": r["vacancy_id"]}) for r in made)

    rows = "SELECT count(*) FROM audit_log"
    before = scalar(engine, rows)
    clash = client.post(f"/allocations/{second['id']}/accept", headers=cohort.coach)
    assert clash.status_code == 409, clash.text
    assert client.post(f"/allocations/{first['id']}/accept", headers=cohort.coach) \
        .status_code == 409  # accepted already
    assert scalar(engine, rows) == before  # neither wrote an audit row

    held = made[0]
    assert client.delete(f"/reservations/{held['id']}", headers=cohort.coach) \
        .status_code == 200
    assert audited(engine, "reservation.release", first["id"]) == [
        (held["candidate_id"], me, "coach", {"allocation_id": first["id"],
                                             "reservation_id": held["id"],
                                             "vacancy_id": held["vacancy_id"]})]
    assert client.delete(f"/reservations/{held['id']}", headers=cohort.coach) \
        .status_code == 409  # released already: no second row
    assert len(audited(engine, "reservation.release", first["id"])) == 1

    assert audited(engine, "allocation.read", first["id"]) == []
    assert client.get(f"/allocations/{first['id']}", headers=cohort.coach).status_code == 200
    assert sorted(audited(engine, "allocation.read", first["id"])) == sorted(
        (cohort.people[k], me, "coach", {"allocation_id": first["id"]})
        for k in ("amir", "oksana", "dawit"))  # reading a proposal names its people
    client.delete(f"/reservations/{made[1]['id']}", headers=cohort.coach)
    assert (free(engine, near), free(engine, far)) == (1, 1)


def test_a_background_allocation_is_audited_as_who_queued_it(
        client: TestClient, cohort: Cohort, engine: Engine, world: World) -> None:
    """The job writes the proposal's rows with the user (and role) who asked, once."""
    body = {"cohort": [cohort.people["amir"], cohort.people["oksana"]], "kinds": ["job"]}
    for headers, user, role in ((cohort.coach, cohort.user_id, "coach"),
                                (world.auth("admin"), world.user_ids["admin"], "admin")):
        queued = client.post("/allocations", headers={**headers, "Prefer": "respond-async"},
                             json=body)
        assert queued.status_code == 202, queued.text
        job = wait_for(client, queued.headers["Location"], headers)
        assert job["state"] == "done", job
        aid = job["result"]["allocation_id"]
        assert sorted(audited(engine, "allocation.propose", aid)) == sorted(
            (cid, user, role, {"allocation_id": aid}) for cid in body["cohort"])


def test_the_coach_pages_audit_once_like_the_api(
        app: FastAPI, cohort: Cohort, engine: Engine) -> None:
    """The pages save through the same function and call the routes: one row each."""
    coach = Browser(app, engine, cohort.user_id)
    answer = coach.post("/coach/allocations", {
        "cohort": [cohort.people["amir"], cohort.people["oksana"]], "kinds": ["job"],
        "q": ""})
    assert answer.status_code == 303, answer.text[-1500:]
    url = str(answer.headers["location"])
    aid = int(url.rsplit("/", 1)[1])
    assert sorted(c for c, *_ in audited(engine, "allocation.propose", aid)) == sorted(
        [cohort.people["amir"], cohort.people["oksana"]])
    assert coach.post(f"{url}/accept", {}).status_code == 303
    accepted = audited(engine, "allocation.accept", aid)
    reserved = scalar(engine, "SELECT array_agg(id ORDER BY id) FROM reservation"
                      " WHERE allocation_id = %s", aid)
    assert len(reserved) == 2, "one slot each in Paderborn and Delbrück"
    assert sorted(d["reservation_id"] for *_, d in accepted) == reserved
    assert coach.post(f"/coach/reservations/{reserved[0]}/release", {}).status_code == 303
    assert [d["reservation_id"] for *_, d in audited(engine, "reservation.release", aid)] \
        == [reserved[0]]
    for rid in reserved[1:]:
        assert coach.post(f"/coach/reservations/{rid}/release", {}).status_code == 303
    assert len(audited(engine, "reservation.release", aid)) == len(reserved)


def test_each_assignment_gives_its_reason_as_data_and_keeps_the_wishes(
        client: TestClient, cohort: Cohort) -> None:
    """Beside the English `why`, a `reason` (a code and its figures) that a page puts into
    the reader's language; a person's preference is kept with their assignment."""
    from matcher.allocation.explain import REASONS, in_english

    near, far, b2 = (cohort.vacancies[k] for k in ("near", "far", "b2"))
    answer = propose(client, cohort, ["amir", "oksana"], kinds=["job"],
                     vacancy_ids=[near, far], preferences=[
                         {"candidate_id": cohort.people["oksana"],
                          "exclude_courses": [cohort.course]}])
    got = by_person(cohort, answer)
    moved = next(item for item in got.values() if item["place"]["id"] == far)
    stays = next(item for item in got.values() if item["place"]["id"] == near)
    reason = moved["reason"]
    assert reason["code"] == "top_full" and reason["place"] == "Lagerhelfer Paderborn"
    assert reason["holders"] == 1 and reason["higher"] in (0, 1) and reason["shares"] == {}
    assert reason["delta"] == pytest.approx(moved["greedy"]["probability"]
                                            - moved["probability"], abs=2e-4)
    assert set(reason) == {"code", *REASONS["top_full"]}
    assert in_english(reason) == moved["why"]  # one source for both
    assert stays["reason"] == {"code": "top_choice"}
    assert got["oksana"]["preference"] == {"kinds": None, "exclude_vacancies": [],
                                           "exclude_courses": [cohort.course]}
    assert "preference" not in got["amir"]
    read = client.get(f"/allocations/{answer['id']}", headers=cohort.coach)
    assert read.status_code == 200
    assert [a["reason"] for a in read.json()["assignments"]] == \
        [a["reason"] for a in answer["assignments"]]
    gated = propose(client, cohort, ["amir"], kinds=["apprenticeship"], vacancy_ids=[b2])
    assert by_person(cohort, gated)["amir"]["reason"] == {"code": "no_match"}
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "top_full" in schema["AssignmentReason"]["properties"]["code"]["description"]
    assert "reason" in schema["Assignment"]["properties"]
