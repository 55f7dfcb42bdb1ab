"""Writing vacancies and candidates in bulk (binary COPY + set-based upserts): what lands,
idempotence, repeated records, and that a bad record loads nothing."""

from __future__ import annotations

import pytest

from matcher.engine import Engine
from matcher.errors import ImportRowsError
from matcher.intake.vacancies import prepare_vacancies
from matcher.schemas import CandidateIn, VacancyIn
from matcher.store import vacancies
from matcher.store.auth import upsert_organisation
from matcher.store.candidate_bulk import load_candidates
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
    saved = engine.save_vacancies(items, [employer] * len(items))
    assert len(saved) == 30 and all(created for _, created, _ in saved)
    count = "SELECT count(*) FROM vacancy WHERE employer_id = %s"
    assert scalar(engine, count, employer) == 30
    assert scalar(engine, count + " AND embedding IS NULL", employer) == 0
    # ids given: exactly those; none given: the occupation's essential skills
    for item, (vid, _, _) in ((items[1], saved[1]), (items[0], saved[0])):
        with engine.connection() as conn:
            essential = {r[0] for r in conn.execute(
                "SELECT skill_uri FROM vacancy_skill WHERE vacancy_id = %s AND essential",
                (vid,))}
        expected = set(item.essential_skills or engine.concepts.essential_skills(
            item.occupation or ""))
        assert essential == expected
    assert scalar(engine, "SELECT count(*) FROM vacancy_language l JOIN vacancy v"
                          " ON v.id = l.vacancy_id WHERE v.employer_id = %s", employer) == 30

    # Loading the same records again updates them in place, keeping their ids.
    renamed = [v.model_copy(update={"title": "Neu"}) for v in items]
    again = engine.save_vacancies(renamed, [employer] * len(renamed))
    assert [r[0] for r in again] == [r[0] for r in saved]
    assert not any(r[1] for r in again)
    assert scalar(engine, count, employer) == 30
    assert scalar(engine, count + " AND title = 'Neu'", employer) == 30


def test_a_repeated_record_is_stored_as_its_last_occurrence(engine: Engine,
                                                            employer: int) -> None:
    first, other = _vacancies(engine, 2, prefix="t-bulk-twice")
    second = first.model_copy(update={"title": "Zweite Fassung"})
    saved = engine.save_vacancies([first, other, second], [employer] * 3)
    assert saved[0][0] == saved[2][0] != saved[1][0]
    assert [r[1] for r in saved] == [True, True, False]
    assert scalar(engine, "SELECT title FROM vacancy WHERE id = %s", saved[0][0]) == \
        "Zweite Fassung"


def test_a_batch_larger_than_a_chunk_lands_whole(engine: Engine, employer: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vacancies, "CHUNK", 2)  # five vacancies: three staging rounds
    items = _vacancies(engine, 5, prefix="t-bulk-chunk")
    saved = engine.save_vacancies(items + [items[0]], [employer] * 6)
    assert len({r[0] for r in saved}) == 5 and saved[0][0] == saved[5][0]
    with engine.connection() as conn:
        languages = conn.execute("SELECT count(*) FROM vacancy_language WHERE vacancy_id"
                                 " = ANY(%s)", ([r[0] for r in saved],)).fetchone()
    assert languages == (5,)


def test_two_writes_in_one_transaction_keep_apart(engine: Engine, employer: int) -> None:
    first, second = _vacancies(engine, 2, prefix="t-bulk-same-tx")
    profile = engine.recogniser.profile
    with engine.connection() as conn:  # the staging tables empty only at commit
        [(one, _)] = vacancies.write_vacancies(
            conn, prepare_vacancies(engine.concepts, [first], profile), [employer])
        [(two, _)] = vacancies.write_vacancies(
            conn, prepare_vacancies(engine.concepts, [second], profile), [employer])
    assert one != two
    assert scalar(engine, "SELECT count(*) FROM vacancy_language WHERE vacancy_id = %s",
                  two) == 1


def test_a_reload_replaces_skills_and_keeps_prerequisites(engine: Engine,
                                                          employer: int) -> None:
    item = _vacancies(engine, 2, prefix="t-bulk-re")[1]
    skills = item.essential_skills
    assert len(skills) >= 3
    [(vid, _, _)] = engine.save_vacancies([item], [employer])
    fewer = item.model_copy(update={"essential_skills": skills[:2],
                                    "prerequisites": [skills[2]]})
    engine.save_vacancies([fewer], [employer])
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
    with pytest.raises(ImportRowsError) as caught:
        engine.save_vacancies(items[:3] + [bad] + items[4:], [employer] * 5)
    assert caught.value.errors == [{"row": 4, "field": "essential_skills[0]", "message":
                                    "unknown skill id 'http://example.org/no-such'"}]
    with pytest.raises(ImportRowsError, match="invalid"):
        engine.save_vacancies(items, [employer] * 4 + [-1])
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
