"""Each role's work through the HTTP API, end to end: the real model links the free text,
the embedded PostgreSQL stores and matches. What a coach, an employer, a migrant and an
admin do, and what each of them gets to see."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.demo.data import DemoData, generate
from matcher.engine import Engine
from tests.conftest import (
    BONN,
    KOELN,
    World,
    candidate_body,
    scalar,
    vacancy_body,
)

FEATURES = {"essential", "optional", "aptitude", "semantic", "experience", "language",
            "distance"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def by_id(page: dict[str, Any], key: str) -> dict[Any, dict[str, Any]]:
    return {item[key]["id"]: item for item in page["items"]}


def skill_ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["skill"] for item in items}


# --- coach ----------------------------------------------------------------------------------

FREE_TEXT = {
    "de": ("Ich kann Gemüse vorbereiten und nach Rezept arbeiten",
           ("prepare vegetables", "follow recipes")),
    "ar": ("تحضير الخضروات، استخدام تقنيات الطهي",
           ("prepare vegetables", "use cooking techniques")),
    "uk": ("готувати овочі до приготування страв, користуватися кухонними ножами",
           ("prepare vegetables", "use kitchen knives")),
}


@pytest.mark.parametrize("lang", sorted(FREE_TEXT))
def test_coach_free_text_skills_are_linked_and_kept_as_evidence(
        client: TestClient, world: World, lang: str) -> None:
    text, expected = FREE_TEXT[lang]
    body = candidate_body(f"t-text-{lang}", f"Text Probe {lang.upper()}", KOELN, lang=lang,
                          skills=[{"text": text}])
    created = client.post("/candidates", json=body, headers=world.auth("coach_a"))
    cid = ok(created, 201)["id"]
    assert created.headers["Location"] == f"/candidates/{cid}"

    profile = ok(client.get(f"/candidates/{cid}", headers=world.auth("coach_a")))
    assert skill_ids(profile["skills"]) == set(world.vocab.skills(*expected))
    for skill in profile["skills"]:
        assert skill["source"] == "self_declared"
        assert skill["evidence"] and skill["evidence"] in text  # the person's own words
        assert skill.get("statement", text) == text
        assert skill["label"] == world.vocab.label(skill["skill"], "en")


def test_coach_reads_profile_with_personal_data(client: TestClient, world: World) -> None:
    amal = world.candidates["amal"]
    profile = ok(client.get(f"/candidates/{amal}", headers=world.auth("coach_a")))
    assert profile["personal"]["name"] == "Amal Haddad"
    assert profile["personal"]["email"] == "amal.haddad@example.org"
    assert profile["external_id"] == "t-a-001"
    assert profile["organisation_id"] == world.centre_a
    assert profile["location"] == {**KOELN}
    assert profile["qualifications"][0]["title"] == "الشهادة الثانوية العامة"
    skills = {(s["skill"], s["source"]): s for s in profile["skills"]}
    food_safety = skills[(world.vocab.skill("comply with food safety and hygiene"),
                          "coach_verified")]
    assert food_safety["confidence"] == 1.0
    assert food_safety["evidence"] == "Im Praxistest beim Bildungsträger gezeigt."
    vegetables = skills[(world.vocab.skill("prepare vegetables"), "self_declared")]
    assert vegetables["evidence"] == "تحضير الخضروات" and vegetables["confidence"] == 0.8


def test_coach_matches_explain_score_skills_gaps_and_courses(client: TestClient,
                                                              world: World) -> None:
    vocab, amal = world.vocab, world.candidates["amal"]
    page = ok(client.get(f"/candidates/{amal}/matches", params={"limit": 100},
                         headers=world.auth("coach_a")))
    scores = [item["score"] for item in page["items"]]
    assert scores == sorted(scores, reverse=True)
    matches = by_id(page, "vacancy")
    # all in reach, all kinds wanted; the warehouse ones (no skill of hers) below the floor
    warehouse = {world.vacancies["warehouse_job"], world.vacancies["warehouse_apprenticeship"]}
    assert set(world.vacancies.values()) - warehouse == set(matches)
    unfloored = ok(client.get(f"/candidates/{amal}/matches", headers=world.auth("coach_a"),
                              params={"limit": 100, "floor": "false", "courses": "false"}))
    assert set(world.vacancies.values()) <= set(by_id(unfloored, "vacancy"))
    # what the floor held back: the warehouse ones, and any vacancy another test of the
    # session posted before this one (the suite's workers run the modules in any order)
    below = set(by_id(unfloored, "vacancy")) - set(matches)
    assert warehouse <= below
    assert page["below_floor"]["count"] == len(below)

    cook = matches[world.vacancies["cook_job"]]
    assert cook["vacancy"]["employer_id"] == world.employer_1
    assert set(cook["breakdown"]) == FEATURES
    assert sum(f["contribution"] for f in cook["breakdown"].values()) == pytest.approx(
        cook["score"], abs=0.001)
    assert cook["breakdown"]["experience"]["value"] == pytest.approx(0.5 / 3, abs=1e-3)
    assert cook["breakdown"]["distance"]["value"] == 1.0

    matched = {m["skill"]: m for m in cook["matched_skills"]}
    food_safety = matched[vocab.skill("comply with food safety and hygiene")]
    assert (food_safety["credit"], food_safety["via"]) == (1.0, "exact")
    assert food_safety["evidence"] == [{"source": "coach_verified", "confidence": 1.0,
                                        "evidence": "Im Praxistest beim Bildungsträger gezeigt."}]
    vegetables = matched[vocab.skill("prepare vegetables")]
    assert vegetables["evidence"][0]["evidence"] in "تحضير الخضروات، استخدام تقنيات الطهي"

    unclaimed = set(vocab.skills("use kitchen knives", "apply HACCP", "follow recipes",
                                 "portion food"))
    missing = skill_ids(cook["missing_essential"])
    assert vocab.skill("apply HACCP") in missing
    assert missing <= unclaimed
    assert not missing & set(matched)
    assert cook["language_gap"] == [{"lang": "de", "required": "B2", "has": "B1"}]

    # The shortest plan: two short courses (2 + 4 weeks), not the 12-week one.
    plan = cook["course_plan"]
    assert (plan["complete"], plan["exact"], plan["total_weeks"]) == (True, True, 6.0)
    assert {c["id"] for c in plan["courses"]} == {world.courses["haccp"],
                                                  world.courses["kitchen"]}
    assert set().union(*(skill_ids(c["closes"]) for c in plan["courses"])) == unclaimed
    assert plan["uncovered"] == []

    only = ok(client.get(f"/candidates/{amal}/matches", params={"kind": "apprenticeship"},
                         headers=world.auth("coach_a")))
    assert {i["vacancy"]["kind"] for i in only["items"]} == {"apprenticeship"}
    assert world.vacancies["cook_apprenticeship"] in by_id(only, "vacancy")


def test_coach_course_plans_for_vacancy_and_occupation(client: TestClient,
                                                       world: World) -> None:
    vocab, amal = world.vocab, world.candidates["amal"]
    url = f"/candidates/{amal}/course-plan"
    plan = ok(client.get(url, params={"vacancy_id": world.vacancies["cook_job"]},
                         headers=world.auth("coach_a")))
    assert plan["target"]["vacancy_id"] == world.vacancies["cook_job"]
    assert plan["complete"] is True and plan["total_weeks"] == 6.0
    assert skill_ids(plan["missing_essential"]) == set(vocab.skills(
        "use kitchen knives", "apply HACCP", "follow recipes", "portion food"))

    # The occupation needs two more skills: no course teaches one, and the only course
    # teaching the other needs German C1 (she has B1). No plan closes the whole gap.
    plan = ok(client.get(url, params={"occupation": vocab.occupation("cook")},
                         headers=world.auth("coach_a")))
    assert plan["target"] == {"occupation": vocab.occupation("cook"), "label": "cook"}
    assert plan["complete"] is False
    assert "no plan closes the whole gap" in plan["note"]
    uncovered = {u["skill"]: u for u in plan["uncovered"]}
    assert set(uncovered) == set(vocab.skills("store food and kitchen supplies",
                                              "keep the food preparation area clean"))
    storage = uncovered[vocab.skill("store food and kitchen supplies")]
    assert storage["courses_not_open_to_you"] == [{
        "id": world.courses["storage_c1"], "title": "Lebensmittellagerung für Fortgeschrittene",
        "reason": "needs de C1"}]
    assert "courses_not_open_to_you" not in uncovered[
        vocab.skill("keep the food preparation area clean")]
    assert world.courses["storage_c1"] not in {c["id"] for c in plan["courses"]}

    both = client.get(url, params={"vacancy_id": world.vacancies["cook_job"],
                                   "occupation": vocab.occupation("cook")},
                      headers=world.auth("coach_a"))
    assert both.status_code == 422 and "vacancy_id" in both.json()["detail"]


def test_coach_lists_courses_the_candidate_can_take(client: TestClient, world: World) -> None:
    page = ok(client.get(f"/candidates/{world.candidates['amal']}/courses",
                         headers=world.auth("coach_a")))
    courses = {c["id"]: c for c in page["items"]}
    # The C1 course is out of reach, the forklift course teaches nothing a cook needs.
    assert set(courses) == {world.courses[k] for k in ("haccp", "kitchen", "cook_long")}
    relevance = [c["relevance"] for c in page["items"]]
    assert relevance == sorted(relevance, reverse=True)
    assert page["items"][0]["id"] == world.courses["cook_long"]  # closes all four gaps
    assert all(c["closes"] and c["next_start"] for c in page["items"])


def test_coach_records_outcomes_and_exports(client: TestClient, world: World,
                                           engine: Engine) -> None:
    amal, cook_job = world.candidates["amal"], world.vacancies["cook_job"]
    score = by_id(ok(client.get(f"/candidates/{amal}/matches", params={"limit": 100},
                                headers=world.auth("coach_a"))), "vacancy")[cook_job]["score"]
    recorded = ok(client.post("/outcomes", json={
        "candidate_id": amal, "vacancy_id": cook_job, "status": "interview",
        "reason": "Probearbeit am Montag"}, headers=world.auth("coach_a")), 201)
    assert recorded["score"] == pytest.approx(score)
    stored = scalar(engine, "SELECT match FROM outcome WHERE id = %s", recorded["id"])
    assert set(stored["features"]) == FEATURES and stored["score"] == pytest.approx(score)

    mine = ok(client.get("/outcomes", params={"candidate_id": amal},
                         headers=world.auth("coach_a")))
    row = next(o for o in mine["items"] if o["id"] == recorded["id"])
    assert (row["vacancy_id"], row["status"], row["reason"]) == (
        cook_job, "interview", "Probearbeit am Montag")
    other_centre = ok(client.get("/outcomes", params={"limit": 100},
                                 headers=world.auth("coach_b")))
    assert recorded["id"] not in {o["id"] for o in other_centre["items"]}

    export = client.get(f"/candidates/{amal}/export", headers=world.auth("coach_a"))
    assert export.status_code == 200
    assert export.headers["content-disposition"] == f'attachment; filename="{amal}.json"'
    data = json.loads(export.content)
    assert data["personal"]["name"] == "Amal Haddad"
    assert {(o["vacancy_id"], o["status"]) for o in data["outcomes"]} >= {(cook_job,
                                                                            "interview")}
    assert {"candidate.export", "outcome.record"} <= {a["action"] for a in data["access_log"]}


# --- employer -----------------------------------------------------------------------------

def test_employer_posts_a_vacancy_from_free_text_only(client: TestClient, world: World) -> None:
    vocab = world.vocab
    essential = "Wareneingang bearbeiten, Ware einlagern, Waren kommissionieren, " \
                "Handscanner bedienen"
    body = vacancy_body("t-free-text", "Lagerhelfer (m/w/d)", "job", KOELN,
                        description="Wir suchen Verstärkung für unser Lager in Köln-Niehl.",
                        essential_skills_text=essential,
                        optional_skills_text="Gabelstapler fahren")
    vid = ok(client.post("/vacancies", json=body, headers=world.auth("employer_2")), 201)["id"]

    vacancy = ok(client.get(f"/vacancies/{vid}", headers=world.auth("employer_2")))
    assert vacancy["employer_id"] == world.employer_2 and vacancy["is_open"] is True
    assert vacancy["occupation"]["id"] == vocab.occupation("warehouse worker")
    assert skill_ids(vacancy["essential_skills"]) == set(vocab.skills(
        "receive goods", "put away goods", "pick orders", "use a handheld scanner"))
    assert all(s["evidence"] in essential for s in vacancy["essential_skills"])
    assert skill_ids(vacancy["optional_skills"]) == {vocab.skill("operate a forklift")}
    assert vacancy["optional_skills"][0]["evidence"] == "Gabelstapler fahren"
    german = ok(client.get(f"/vacancies/{vid}", params={"lang": "de"},
                           headers=world.auth("employer_2")))
    assert "Ware einlagern" in {s["label"] for s in german["essential_skills"]}


@pytest.fixture(scope="module")
def demo(world: World) -> DemoData:
    return generate(world.vocab.taxonomy, candidates=0, vacancies=6, courses=0, seed=11)


def test_employer_bulk_imports_jsonl_and_csv(client: TestClient, world: World,
                                            demo: DemoData) -> None:
    rows = [v.model_copy(update={"external_id": f"t-bulk-{i}"}).model_dump(
        mode="json", exclude={"employer_id"}, exclude_none=True)
        for i, (_, v) in enumerate(demo.vacancies)]
    jsonl = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:4]).encode()
    headers = {**world.auth("employer_1"), "Content-Type": "application/x-ndjson"}
    first = ok(client.post("/vacancies/import", content=jsonl, headers=headers), 201)
    assert (first["imported"], first["created"], first["updated"]) == (4, 4, 0)
    again = ok(client.post("/vacancies/import", content=jsonl, headers=headers), 201)
    assert (again["created"], again["updated"], again["ids"]) == (0, 4, first["ids"])

    out = io.StringIO()
    columns = ["external_id", "kind", "title", "occupation", "essential_skills", "languages",
               "town", "lat", "lon", "slots", "start_date", "min_permit", "is_open"]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for row in rows[4:]:
        writer.writerow({
            **{k: row[k] for k in ("external_id", "kind", "title", "occupation", "slots",
                                   "start_date", "min_permit")},
            "essential_skills": ";".join(row["essential_skills"]),
            "languages": ";".join(f"{x['lang']}:{x['level']}" for x in row["languages"]),
            **row["location"], "is_open": "yes"})
    from_csv = ok(client.post("/vacancies/import", content=out.getvalue().encode(),
                              headers={**world.auth("employer_1"), "Content-Type": "text/csv"}),
                  201)
    assert (from_csv["imported"], from_csv["created"]) == (2, 2)

    for vid, row in zip(first["ids"] + from_csv["ids"], rows, strict=True):
        vacancy = ok(client.get(f"/vacancies/{vid}", headers=world.auth("employer_1")))
        assert (vacancy["employer_id"], vacancy["external_id"], vacancy["title"]) == (
            world.employer_1, row["external_id"], row["title"])
        assert skill_ids(vacancy["essential_skills"]) >= set(row.get("essential_skills", []))
        assert vacancy["languages"] == row["languages"]
    listed = ok(client.get("/vacancies", params={"limit": 100, "open": False},
                           headers=world.auth("employer_1")))
    assert {v["employer_id"] for v in listed["items"]} == {world.employer_1}
    assert set(first["ids"] + from_csv["ids"]) <= {v["id"] for v in listed["items"]}


def test_closing_a_vacancy_takes_it_out_of_matches(client: TestClient, world: World) -> None:
    vid = ok(client.post("/vacancies", json=vacancy_body(
        "t-close-me", "Koch (m/w/d) – ab sofort", "job", KOELN,
        occupation=world.vocab.occupation("cook")), headers=world.auth("employer_1")), 201)["id"]
    matches_url = f"/candidates/{world.candidates['amal']}/matches"

    def matched() -> set[int]:
        page = ok(client.get(matches_url, params={"limit": 100, "courses": False},
                             headers=world.auth("coach_a")))
        return set(by_id(page, "vacancy"))

    def listed(open_only: bool) -> set[int]:
        page = ok(client.get("/vacancies", params={"limit": 100, "open": open_only},
                             headers=world.auth("employer_1")))
        return {v["id"] for v in page["items"]}

    assert vid in matched() and vid in listed(True)
    closed = client.patch(f"/vacancies/{vid}", json={"is_open": False},
                          headers=world.auth("employer_1"))
    assert ok(closed) == {"id": vid, "is_open": False}
    assert vid not in matched()
    assert vid not in listed(True) and vid in listed(False)
    assert ok(client.get(f"/vacancies/{vid}", headers=world.auth("employer_1")))["is_open"] is False
    ok(client.patch(f"/vacancies/{vid}", json={"is_open": True}, headers=world.auth("employer_1")))
    assert vid in matched()


def assert_pseudonymised(item: dict[str, Any]) -> None:
    candidate = item["candidate"]
    assert "personal" not in candidate and "external_id" not in candidate
    assert "location" not in candidate and "consents" not in candidate
    for skill in candidate["skills"]:
        assert not {"evidence", "statement", "score"} & set(skill)
    assert all("title" not in q for q in candidate["qualifications"])
    assert all("title" not in e for e in candidate["experience"])
    for matched in item["matched_skills"]:
        assert all(set(e) == {"source", "confidence"} for e in matched["evidence"])


def test_employer_sees_pseudonymised_candidates_unless_they_consented(
        client: TestClient, world: World) -> None:
    c = world.candidates
    response = client.get(f"/vacancies/{world.vacancies['cook_job']}/matches",
                          params={"limit": 100}, headers=world.auth("employer_1"))
    found = by_id(ok(response), "candidate")
    assert {c["amal"], c["olena"], c["tesfay"], c["mohammad"]} <= set(found)
    for key in ("amal", "mohammad"):  # no consent
        assert_pseudonymised(found[c[key]])
        for secret in world.secrets_of(key):
            assert secret not in response.text
    amal = world.bodies["amal"]
    for words in (amal["skills"][0]["text"], amal["qualifications"][0]["title"],
                  amal["experience"][0]["title"], amal["skills"][1]["evidence"]):
        assert words not in response.text
    assert found[c["amal"]]["candidate"]["skills"]  # skills, languages, town stay visible
    assert found[c["amal"]]["candidate"]["town"] == "Köln"

    # Olena consented to this employer, Tesfay to every employer.
    assert found[c["olena"]]["candidate"]["personal"] == {
        "name": "Olena Kovalenko", "email": "olena.kovalenko@example.org",
        "phone": "+49 176 5550123"}
    assert found[c["tesfay"]]["candidate"]["personal"]["name"] == "Tesfay Haile"

    response = client.get(f"/vacancies/{world.vacancies['warehouse_job']}/matches",
                          params={"limit": 100}, headers=world.auth("employer_2"))
    found = by_id(ok(response), "candidate")
    assert found[c["tesfay"]]["candidate"]["personal"]["name"] == "Tesfay Haile"
    assert_pseudonymised(found[c["olena"]])  # her consent is for the other employer only
    assert "Olena Kovalenko" not in response.text


def test_consents_switch_an_employers_view(client: TestClient, world: World) -> None:
    body = candidate_body("t-consent", "Dawit Tekle", KOELN, skills=[
        {"concept": s} for s in world.vocab.skills("pick orders", "pack goods")])
    cid = ok(client.post("/candidates", json=body, headers=world.auth("coach_a")), 201)["id"]
    url = f"/vacancies/{world.vacancies['warehouse_job']}/matches"

    def seen_by_employer_2() -> dict[str, Any]:
        response = client.get(url, params={"limit": 100}, headers=world.auth("employer_2"))
        return by_id(ok(response), "candidate")[cid]

    assert_pseudonymised(seen_by_employer_2())
    consents = f"/candidates/{cid}/consents"
    granted = ok(client.put(consents, json={"consents": [{"employer_id": world.employer_2}]},
                            headers=world.auth("coach_a")))
    assert granted["consents"] == [{"employer_id": world.employer_2}]
    assert seen_by_employer_2()["candidate"]["personal"]["name"] == "Dawit Tekle"
    profile = ok(client.get(f"/candidates/{cid}", headers=world.auth("coach_a")))
    assert [x["employer_id"] for x in profile["consents"]] == [world.employer_2]

    ok(client.put(consents, json={"consents": []}, headers=world.auth("coach_a")))
    assert_pseudonymised(seen_by_employer_2())
    ok(client.put(consents, json={"consents": [{"employer_id": None}]},
                  headers=world.auth("coach_a")))
    assert seen_by_employer_2()["candidate"]["personal"]["email"] == "dawit.tekle@example.org"


def test_employer_lists_only_own_vacancies(client: TestClient, world: World) -> None:
    page = ok(client.get("/vacancies", params={"limit": 100, "open": False},
                         headers=world.auth("employer_2")))
    assert {v["employer_id"] for v in page["items"]} == {world.employer_2}
    assert {world.vacancies["warehouse_job"], world.vacancies["warehouse_apprenticeship"]} <= {
        v["id"] for v in page["items"]}
    everything = ok(client.get("/vacancies", params={"limit": 100},
                               headers=world.auth("coach_b")))
    assert {world.employer_1, world.employer_2} <= {v["employer_id"]
                                                     for v in everything["items"]}


# --- migrant --------------------------------------------------------------------------------

def test_migrant_sees_own_profile_matches_and_courses_in_own_language(
        client: TestClient, world: World) -> None:
    vocab, amal, auth = world.vocab, world.candidates["amal"], world.auth("migrant")
    me = ok(client.get("/me", headers=auth))
    assert (me["role"], me["candidate_id"], me["organisation_id"]) == ("migrant", amal, None)

    profile = ok(client.get(f"/candidates/{amal}", headers=auth))
    assert profile["personal"]["name"] == "Amal Haddad"
    # Arabic is her strongest language: labels default to it.
    assert all(s["label"] == vocab.label(s["skill"], "ar") for s in profile["skills"])
    assert "استخدام تقنيات الطهي" in {s["label"] for s in profile["skills"]}

    matches = by_id(ok(client.get(f"/candidates/{amal}/matches", params={"limit": 100},
                                  headers=auth)), "vacancy")
    cook = matches[world.vacancies["cook_job"]]
    labels = [(m["skill"], m["label"]) for m in cook["matched_skills"] + cook["missing_essential"]]
    assert labels and all(label == vocab.label(s, "ar") for s, label in labels)
    assert all(c["label"] == vocab.label(c["skill"], "ar")
               for course in cook["course_plan"]["courses"] for c in course["closes"])
    english = by_id(ok(client.get(f"/candidates/{amal}/matches", params={
        "lang": "en", "limit": 100}, headers=auth)), "vacancy")[world.vacancies["cook_job"]]
    assert all(m["label"] == vocab.label(m["skill"], "en") for m in english["matched_skills"])

    courses = ok(client.get(f"/candidates/{amal}/courses", headers=auth))["items"]
    assert {c["id"] for c in courses} == {world.courses[k]
                                          for k in ("haccp", "kitchen", "cook_long")}
    assert all(x["label"] == vocab.label(x["skill"], "ar") for c in courses for x in c["closes"])
    plan = ok(client.get(f"/candidates/{amal}/course-plan",
                         params={"vacancy_id": world.vacancies["cook_job"]}, headers=auth))
    assert plan["complete"] is True

    export = client.get(f"/candidates/{amal}/export", headers=auth)
    assert export.status_code == 200
    assert json.loads(export.content)["personal"]["email"] == "amal.haddad@example.org"


def test_migrant_cannot_see_another_candidate(client: TestClient, world: World) -> None:
    auth = world.auth("migrant")
    for path in ("", "/matches", "/courses", "/export"):
        response = client.get(f"/candidates/{world.candidates['olena']}{path}", headers=auth)
        assert response.status_code == 404, (path, response.text)
        assert all(s not in response.text for s in world.secrets_of("olena"))
    assert client.get("/candidates", headers=auth).status_code == 403


# --- admin ----------------------------------------------------------------------------------

def test_admin_creates_organisations_users_and_tokens(client: TestClient, world: World) -> None:
    admin = world.auth("admin")
    centre = ok(client.post("/organisations", json={
        "name": "Jobcenter Rhein-Sieg", "kind": "centre", "external_id": "t-centre-c"},
        headers=admin), 201)
    user = ok(client.post("/users", json={
        "name": "Carla Coach", "role": "coach", "organisation_id": centre["id"]},
        headers=admin), 201)
    coach = {"Authorization": f"Bearer {user['token']}"}
    me = ok(client.get("/me", headers=coach))
    assert (me["user_id"], me["role"], me["organisation_id"]) == (user["id"], "coach",
                                                                  centre["id"])
    assert ok(client.get("/candidates", headers=coach))["total"] == 0
    assert client.get(f"/candidates/{world.candidates['amal']}",
                      headers=coach).status_code == 404

    second = ok(client.post(f"/users/{user['id']}/tokens", headers=admin), 201)
    assert second["token"] != user["token"]
    for token in (user["token"], second["token"]):
        assert ok(client.get("/me", headers={"Authorization": f"Bearer {token}"}))[
            "user_id"] == user["id"]
    body = {"name": "Falsch", "role": "employer", "organisation_id": centre["id"]}
    wrong = client.post("/users", json=body, headers=admin)
    assert wrong.status_code == 422 and "organisation_id" in wrong.json()["detail"]
    assert client.post("/users/999999/tokens", headers=admin).status_code == 404

    kinds = {o["kind"] for o in ok(client.get("/organisations", params={"limit": 100},
                                              headers=admin))["items"]}
    assert kinds >= {"centre", "employer"}
    for_coach = ok(client.get("/organisations", params={"limit": 100},
                              headers=world.auth("coach_a")))["items"]
    assert {o["id"] for o in for_coach} >= {world.employer_1, world.employer_2}
    assert {o["kind"] for o in for_coach} == {"employer"}


def test_admin_lists_every_candidate_coaches_their_own(client: TestClient, world: World) -> None:
    everyone = ok(client.get("/candidates", params={"limit": 100}, headers=world.auth("admin")))
    names = {c["id"]: c["name"] for c in everyone["items"]}
    for key, cid in world.candidates.items():
        assert names[cid] == world.bodies[key]["personal"]["name"]
    assert everyone["total"] >= len(world.candidates)

    own = ok(client.get("/candidates", params={"limit": 100}, headers=world.auth("coach_a")))
    assert {c["organisation_id"] for c in own["items"]} == {world.centre_a}
    assert world.candidates["mohammad"] not in {c["id"] for c in own["items"]}
    assert "Mohammad Rahimi" not in json.dumps(own, ensure_ascii=False)


def test_coach_of_other_centre_sees_only_own_candidates_in_matches(
        client: TestClient, world: World) -> None:
    centre_b = {c["id"] for c in ok(client.get("/candidates", params={"limit": 100},
                                               headers=world.auth("coach_b")))["items"]}
    response = client.get(f"/vacancies/{world.vacancies['warehouse_job']}/matches",
                          params={"limit": 100}, headers=world.auth("coach_b"))
    found = by_id(ok(response), "candidate")
    assert world.candidates["mohammad"] in found
    assert set(found) <= centre_b
    assert found[world.candidates["mohammad"]]["candidate"]["personal"]["name"] == \
        "Mohammad Rahimi"
    for key in ("amal", "olena", "tesfay"):
        assert all(s not in response.text for s in world.secrets_of(key))


def test_bonn_candidate_is_matched_with_bonn_apprenticeship(client: TestClient,
                                                            world: World) -> None:
    page = ok(client.get(f"/candidates/{world.candidates['mohammad']}/matches",
                         headers=world.auth("coach_b")))
    found = by_id(page, "vacancy")
    appr = found[world.vacancies["warehouse_apprenticeship"]]
    assert appr["vacancy"]["town"] == BONN["town"]
    assert appr["distance_km"] == 0.0
    best = page["items"][0]["vacancy"]["occupation"]
    assert best == world.vocab.occupation("warehouse worker")
