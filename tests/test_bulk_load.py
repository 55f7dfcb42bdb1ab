"""Structured bulk loading (binary COPY + set-based upserts): what lands, idempotence, and
that a bad record loads nothing."""

from __future__ import annotations

import pytest

from matcher.auth import upsert_organisation
from matcher.bulk_load import load_candidates, load_vacancies
from matcher.profiles import CandidateIn, VacancyIn
from matcher.service import Engine
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind
from tests.conftest import scalar

# far from the shared test world (Köln, Bonn, Leverkusen, Dresden): no cross-talk
FLENSBURG = {"town": "Flensburg", "lat": 54.7937, "lon": 9.4469}


def _vacancies(engine: Engine, n: int, prefix: str = "t-bulk-v") -> list[VacancyIn]:
    taxonomy = engine.concepts.taxonomy
    occupations = sorted(c.uri for c in taxonomy.of_kind(ConceptKind.OCCUPATION))
    out = []
    for i in range(n):
        occupation = occupations[i % len(occupations)]
        essential = taxonomy.essential_skills(occupation)[:5] if i % 3 else []
        out.append(VacancyIn.model_validate({
            "external_id": f"{prefix}-{i}", "kind": ("job", "apprenticeship", "placement")[i % 3],
            "title": f"Stelle {i}", "occupation": occupation, "essential_skills": essential,
            "languages": [{"lang": "de", "level": "B1"}], "location": FLENSBURG}))
    return out


@pytest.fixture(scope="module")
def employer(engine: Engine) -> int:
    with engine.connection() as conn:
        return upsert_organisation(conn, "Bulk GmbH", "employer", "t-bulk-employer")


def test_structured_vacancies_land_with_skills_vectors_and_languages(
        engine: Engine, employer: int) -> None:
    items = _vacancies(engine, 30)
    with engine.connection() as conn:
        assert load_vacancies(conn, engine.concepts, engine.recogniser.profile, items,
                              [employer] * len(items)) == 30
    count = "SELECT count(*) FROM vacancy WHERE employer_id = %s"
    assert scalar(engine, count, employer) == 30
    assert scalar(engine, count + " AND embedding IS NULL", employer) == 0
    # ids given: exactly those; none given: the occupation's essential skills
    first, second = items[1], items[0]
    for item in (first, second):
        vid = scalar(engine, "SELECT id FROM vacancy WHERE external_id = %s",
                     item.external_id)
        with engine.connection() as conn:
            essential = {r[0] for r in conn.execute(
                "SELECT skill_uri FROM vacancy_skill WHERE vacancy_id = %s AND essential",
                (vid,))}
        expected = set(item.essential_skills or engine.concepts.essential_skills(
            item.occupation or ""))
        assert essential == expected
    assert scalar(engine, "SELECT count(*) FROM vacancy_language l JOIN vacancy v"
                          " ON v.id = l.vacancy_id WHERE v.employer_id = %s", employer) == 30

    # Loading the same records again updates them in place.
    renamed = [v.model_copy(update={"title": "Neu"}) for v in items]
    with engine.connection() as conn:
        load_vacancies(conn, engine.concepts, engine.recogniser.profile, renamed,
                       [employer] * len(renamed))
    assert scalar(engine, count, employer) == 30
    assert scalar(engine, count + " AND title = 'Neu'", employer) == 30


def test_a_reload_replaces_skills_and_keeps_prerequisites(engine: Engine,
                                                          employer: int) -> None:
    item = _vacancies(engine, 2, prefix="t-bulk-re")[1]
    skills = item.essential_skills
    assert len(skills) >= 3
    with engine.connection() as conn:
        load_vacancies(conn, engine.concepts, engine.recogniser.profile, [item], [employer])
    fewer = item.model_copy(update={"essential_skills": skills[:2],
                                    "prerequisites": [skills[2]]})
    with engine.connection() as conn:
        load_vacancies(conn, engine.concepts, engine.recogniser.profile, [fewer], [employer])
    vid = scalar(engine, "SELECT id FROM vacancy WHERE external_id = %s", item.external_id)
    with engine.connection() as conn:
        stored = {r[0] for r in conn.execute(
            "SELECT skill_uri FROM vacancy_skill WHERE vacancy_id = %s", (vid,))}
        prerequisites = [r[0] for r in conn.execute(
            "SELECT skill_uri FROM vacancy_prerequisite WHERE vacancy_id = %s", (vid,))]
    assert stored == set(skills[:2])
    assert prerequisites == [skills[2]]


def test_a_bad_record_loads_nothing(engine: Engine, employer: int) -> None:
    items = _vacancies(engine, 5, prefix="t-bulk-bad")
    bad = items[3].model_copy(update={"essential_skills": ["http://example.org/no-such"]})
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    with pytest.raises(InvalidInputError, match=r"\[3\]\.skills: unknown skill id"), \
            engine.connection() as conn:
        load_vacancies(conn, engine.concepts, engine.recogniser.profile,
                       items[:3] + [bad] + items[4:], [employer] * 5)
    texted = items[0].model_copy(update={"essential_skills_text": "schweißen"})
    with pytest.raises(InvalidInputError, match="free text"), engine.connection() as conn:
        load_vacancies(conn, engine.concepts, engine.recogniser.profile, [texted], [employer])
    with pytest.raises(InvalidInputError, match="not an employer"), \
            engine.connection() as conn:
        load_vacancies(conn, engine.concepts, engine.recogniser.profile, items, [-1] * 5)
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before


def test_structured_candidates_land_and_match(engine: Engine) -> None:
    taxonomy = engine.concepts.taxonomy
    occupation = sorted(c.uri for c in taxonomy.of_kind(ConceptKind.OCCUPATION))[0]
    skills = taxonomy.essential_skills(occupation)
    with engine.connection() as conn:
        centre = upsert_organisation(conn, "Bulk Zentrum", "centre", "t-bulk-centre")
    people = [CandidateIn.model_validate({
        "external_id": f"t-bulk-c-{i}", "personal": {"name": f"Person {i}"},
        "location": FLENSBURG, "work_permit": "full",
        "languages": [{"lang": "de", "level": "B2"}],
        "skills": [{"concept": s, "source": "coach_verified"} for s in skills],
        "experience": [{"title": "x", "years": 2, "occupation": occupation}]})
        for i in range(4)]
    with engine.connection() as conn:
        assert load_candidates(conn, engine.concepts, people, [centre] * 4) == 4
    ids = [scalar(engine, "SELECT id FROM candidate WHERE external_id = %s", p.external_id)
           for p in people]
    assert all(ids)
    assert scalar(engine, "SELECT count(*) FROM candidate_skill WHERE candidate_id = %s"
                          " AND confidence = 1", ids[0]) == len(set(skills))
    assert scalar(engine, "SELECT count(*) FROM candidate_personal WHERE candidate_id ="
                          " ANY(%s)", ids) == 4
    with engine.connection() as conn:
        found = engine.matcher.vacancies_for(conn, ids[0])
    assert found and found[0].scored.features["essential"] > 0
