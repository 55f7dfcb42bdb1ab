"""Answers that do not mislead (issue 13): a relevance floor per kind of vacancy with the
count it cut; short match and course lists that say why; `missing_essential` that agrees
with the course plan (the compensation measure included); a skill matched or missing,
never both; occupation labels next to ids; evidence as clean text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.domain import CandidateFacts, Evidence, VacancyFacts, recognition_skill
from matcher.engine import Engine
from matcher.match.matcher import Match
from matcher.settings import RELEVANCE_FLOOR, Settings
from skills_taxonomy.text import unescape_repr
from tests.conftest import KOELN, World, candidate_body, scalar, vacancy_body


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def new_candidate(client: TestClient, world: World, key: str, **fields: Any) -> str:
    body = candidate_body(f"t-honest-{key}", f"Honest {key.title()}",
                          fields.pop("location", KOELN), **fields)
    return str(ok(client.post("/candidates", json=body, headers=world.auth("coach_a")),
                  201)["id"])


def reasons_of(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["reason"]: r for r in page["reasons"]}


# --- 1. the relevance floor ------------------------------------------------------------------
def test_floor_defaults_and_overrides_per_kind() -> None:
    assert Settings().relevance_floor == RELEVANCE_FLOOR
    tuned = Settings(relevance_floor={"placement": {"essential": 0.05}})
    assert tuned.relevance_floor["placement"] == {**RELEVANCE_FLOOR["placement"],
                                                  "essential": 0.05}
    assert tuned.relevance_floor["job"] == RELEVANCE_FLOOR["job"]
    for bad in ({"job": {"essential": 1.5}}, {"jobs": {"essential": 0.1}},
                {"job": {"aptitude": 0.1}}):
        with pytest.raises(ValueError):
            Settings(relevance_floor=bad)


def test_floor_cuts_unrelated_trades_and_says_how_many(client: TestClient,
                                                        world: World) -> None:
    # Tesfay has four warehouse skills and asked for nothing: the cook's job and the
    # kitchen placement (no skill of his) fall below the floor and are counted.
    tesfay = world.candidates["tesfay"]
    page = ok(client.get(f"/candidates/{tesfay}/matches", params={"limit": 100},
                         headers=world.auth("coach_a")))
    listed = {i["vacancy"]["id"] for i in page["items"]}
    assert world.vacancies["warehouse_job"] in listed
    assert world.vacancies["cook_job"] not in listed
    assert world.vacancies["kitchen_placement"] not in listed
    cut = page["below_floor"]
    assert cut["count"] >= 2 and cut["count"] == sum(cut["by_kind"].values())
    assert cut["floor"] == RELEVANCE_FLOOR
    for item in page["items"]:
        least = RELEVANCE_FLOOR[item["vacancy"]["kind"]]
        assert item["breakdown"]["essential"]["value"] >= least["essential"]
        assert item["score"] >= least["score"]

    everything = ok(client.get(f"/candidates/{tesfay}/matches", headers=world.auth("coach_a"),
                               params={"limit": 100, "floor": "false", "courses": "false"}))
    assert everything["total"] == page["total"] + cut["count"]
    assert everything["below_floor"] == {"count": 0, "by_kind": {}, "floor": None}


def test_a_vacancy_that_asks_no_skill_is_cut(client: TestClient, world: World) -> None:
    """Intake warns that it "cannot be matched until its skills are chosen"; its coverage
    was full by default, so it stood first in every candidate's list."""
    made = ok(client.post("/vacancies", json=vacancy_body("t-honest-empty", "(m/w/d)", "job",
                                                          KOELN),
                          headers=world.auth("employer_1")), 201)
    assert "cannot be matched" in " ".join(made["linking"]["warnings"])
    try:
        for name in ("amal", "tesfay"):
            page = ok(client.get(f"/candidates/{world.candidates[name]}/matches",
                                 params={"courses": "false"}, headers=world.auth("coach_a")))
            assert made["id"] not in {i["vacancy"]["id"] for i in page["items"]}
            assert page["below_floor"]["count"] >= 1
    finally:
        ok(client.patch(f"/vacancies/{made['id']}", json={"is_open": False},
                        headers=world.auth("employer_1")))


def test_own_or_wanted_occupation_is_never_cut(client: TestClient, world: World) -> None:
    # No skill at all, but the cook's occupation is asked for: its vacancies stay listed.
    cook = world.vocab.occupation("cook")
    cid = new_candidate(client, world, "wants-cook", preferences={"occupations": [cook]})
    page = ok(client.get(f"/candidates/{cid}/matches", params={"courses": "false"},
                         headers=world.auth("coach_a")))
    listed = {i["vacancy"]["id"] for i in page["items"]}
    assert world.vacancies["cook_job"] in listed
    assert world.vacancies["warehouse_job"] not in listed


# --- 2. short lists say why --------------------------------------------------------------------
def test_pending_permit_gets_no_job_and_is_told_why(client: TestClient, world: World) -> None:
    cid = new_candidate(client, world, "pending", work_permit="pending",
                        skills=[{"concept": s} for s in world.vocab.skills(
                            "prepare vegetables", "use cooking techniques", "follow recipes")])
    page = ok(client.get(f"/candidates/{cid}/matches", params={"kind": "job"},
                         headers=world.auth("coach_a")))
    assert page["items"] == [] and page["total"] == 0
    why = reasons_of(page)
    # the cook's and the warehouse job need a restricted permit at least
    assert why["work_permit"]["count"] >= 2
    assert "pending" in why["work_permit"]["detail"]
    assert all(r["count"] > 0 for r in page["reasons"])


def test_long_list_carries_no_reasons(client: TestClient, world: World,
                                      engine: Engine) -> None:
    amal = world.candidates["amal"]
    with engine.connection() as conn:
        listed = engine.matcher.matches_for(conn, amal)
        assert listed.reasons is not None  # a short list (a few vacancies in this world)
        saved = engine.matcher.short_list
        engine.matcher.short_list = 0
        try:
            assert engine.matcher.matches_for(conn, amal).reasons is None
        finally:
            engine.matcher.short_list = saved


def test_distance_kind_and_floor_are_counted(client: TestClient, world: World) -> None:
    cid = new_candidate(client, world, "far", travel_radius_km=5,
                        location={"town": "Bonn", "lat": 50.7374, "lon": 7.0982},
                        preferences={"kinds": ["job"]})
    page = ok(client.get(f"/candidates/{cid}/matches", headers=world.auth("coach_a")))
    why = reasons_of(page)
    assert why["distance"]["count"] >= 2  # the Köln jobs, 25 km away
    assert "5 km" in why["distance"]["detail"]
    assert why["kind"]["count"] >= 1  # the Bonn apprenticeships: only jobs asked for
    assert why["no_skills"]["count"] == 0


def test_empty_course_list_says_why(client: TestClient, world: World) -> None:
    # No preferences, no skill: no match above the floor, so no target occupation.
    nobody = new_candidate(client, world, "no-target")
    page = ok(client.get(f"/candidates/{nobody}/courses", headers=world.auth("coach_a")))
    assert page["items"] == [] and page["targets"] == []
    assert list(reasons_of(page)) == ["no_target"]

    # A cook at German A1: the A2 and C1 courses are closed to her, the online A1 one
    # is open — a short list, with the courses each reason keeps out.
    cook = world.vocab.occupation("cook")
    a1 = new_candidate(client, world, "a1", languages=[{"lang": "de", "level": "A1"}],
                       preferences={"occupations": [cook]})
    page = ok(client.get(f"/candidates/{a1}/courses", headers=world.auth("coach_a")))
    assert {c["id"] for c in page["items"]} == {world.courses["kitchen"]}
    assert page["targets"] == [{"id": cook, "label": "cook"}]
    why = reasons_of(page)
    assert why["language_level"]["count"] >= 3  # haccp, cook_long (A2), storage (C1)
    assert "no_course_teaches" in why  # the cleaning skill: no course teaches it


# --- 3. missing_essential agrees with the course plan -------------------------------------------
def test_compensation_measure_is_listed_as_missing(engine: Engine, world: World) -> None:
    vocab = world.vocab
    cook = vocab.occupation("cook")
    skills = vocab.skills("use cooking techniques", "prepare vegetables")
    cand = CandidateFacts("c-comp", KOELN["lat"], KOELN["lon"], 40,
                          {s: [Evidence("coach_verified", None, 1.0)] for s in skills},
                          {"de": "B2"}, {}, set(), None, recognition_pending={cook},
                          compensation={cook: "adaptation_course"})
    vac = VacancyFacts(0, "job", "Koch", world.employer_1, cook, skills, [], {},
                       KOELN["lat"], KOELN["lon"], "Köln", None, regulated=True,
                       accepts_in_process=True)
    matcher = engine.matcher
    with engine.connection() as conn:
        item = matcher.explain(conn, [Match(cand, vac, engine.scorer.score(cand, vac))])[0]
    missing = {m["skill"]: m for m in item["missing_essential"]}
    assert set(missing) == {recognition_skill(cook)}  # both skills held, recognition not
    assert missing[recognition_skill(cook)]["compensation_measure"] is True
    assert missing[recognition_skill(cook)]["label"] == "compensation measure for cook"
    plan = item["course_plan"]
    planned = {u["skill"] for u in plan["uncovered"]} | {
        c["skill"] for course in plan["courses"] for c in course["closes"]}
    assert planned == set(missing)
    if not plan["complete"]:
        assert f"{len(missing)} of the missing skill(s)" in plan["note"]


# --- 4. matched or missing, not both ------------------------------------------------------------
def test_partial_credit_is_missing_only_or_matched_as_partial(engine: Engine,
                                                              world: World) -> None:
    concepts = engine.concepts
    skills = sorted(u for u, c in concepts.taxonomy.concepts.items()
                    if c.kind.value == "skill")
    mine = next(s for s in skills if concepts.related(s))
    wanted = sorted(concepts.related(mine))[0]  # one step away in the hierarchy
    vac = VacancyFacts(0, "job", "Koch", world.employer_1, world.vocab.occupation("cook"),
                       [wanted], [], {}, KOELN["lat"], KOELN["lon"], "Köln", None)

    def explained(source: str, confidence: float) -> tuple[dict[str, Any], dict[str, Any]]:
        cand = CandidateFacts("c-part", KOELN["lat"], KOELN["lon"], 40,
                              {mine: [Evidence(source, None, confidence)]}, {"de": "B2"},
                              {}, set(), None)
        scored = engine.scorer.score(cand, vac)
        out = engine.scorer.explain(scored, cand)
        matched = {m["skill"]: m for m in out["matched_skills"]}  # type: ignore[attr-defined]
        missing = {m["skill"]: m for m in out["missing_essential"]}  # type: ignore[attr-defined]
        assert not set(matched) & set(missing)  # never both
        assert engine.scorer.gaps(scored) == list(missing)  # what the plan closes
        return matched, missing

    # self-declared (0.8): half of it through the neighbour, 0.4 < 0.5 -> missing only
    matched, missing = explained("self_declared", 0.8)
    assert wanted in missing and wanted not in matched
    assert missing[wanted]["partial_credit"] >= 0.4
    assert missing[wanted]["candidate_skill"] == mine
    assert missing[wanted]["via"] in ("related", "similar")
    # coach-verified (1.0): 0.5 through the neighbour -> matched, marked partial
    matched, missing = explained("coach_verified", 1.0)
    assert wanted in matched and not missing
    assert matched[wanted]["partial"] is True and matched[wanted]["credit"] >= 0.5
    assert matched[wanted]["candidate_skill"] == mine


# --- 5. occupation labels -----------------------------------------------------------------------
def test_occupation_label_next_to_the_id(client: TestClient, world: World) -> None:
    vocab, amal = world.vocab, world.candidates["amal"]
    page = ok(client.get(f"/candidates/{amal}/matches", params={"lang": "de",
                                                                "courses": "false"},
                         headers=world.auth("coach_a")))
    for item in page["items"]:
        vacancy = item["vacancy"]
        assert vacancy["occupation_label"] == vocab.label(vacancy["occupation"], "de")
    listed = ok(client.get("/vacancies", params={"lang": "de"}, headers=world.auth("admin")))
    for row in listed["items"]:
        if row["occupation_uri"]:
            assert row["occupation_label"] == vocab.label(row["occupation_uri"], "de")


# --- 6. clean text ------------------------------------------------------------------------------
def test_derived_evidence_keeps_persian_spelling_unescaped(client: TestClient, world: World,
                                                           engine: Engine) -> None:
    title = "آشپز\u200cخانه"  # with a zero-width non-joiner, as Persian spells it
    cid = new_candidate(client, world, "persian", lang="fa", experience=[
        {"title": title, "years": 5, "occupation": world.vocab.occupation("cook")}])

    def evidence() -> set[str]:
        profile = ok(client.get(f"/candidates/{cid}", headers=world.auth("coach_a")))
        return {s["evidence"] for s in profile["skills"] if s["source"] == "work_experience"}

    assert evidence() == {f"5 years as '{title}'"}
    # a row stored by the older write path, with repr's escape, is read back clean
    with engine.connection() as conn:
        conn.execute("UPDATE candidate_skill SET evidence = %s WHERE candidate_id = %s"
                     " AND source = 'work_experience'", (f"5 years as {title!r}", cid))
    assert scalar(engine, "SELECT evidence FROM candidate_skill WHERE candidate_id = %s"
                  " AND source = 'work_experience' LIMIT 1", cid) == "5 years as 'آشپز\\u200cخانه'"
    assert evidence() == {f"5 years as '{title}'"}
    with engine.connection() as conn:
        facts = engine.matcher.candidate(conn, cid)
    assert all("\\" not in (e.evidence or "") for ev in facts.skills.values() for e in ev)


def test_unescape_repr() -> None:
    assert unescape_repr(repr("a\u200cb\xa0c")) == "'a\u200cb\xa0c'"
    assert unescape_repr("plain text") == "plain text"
