"""Vacancy → candidates scores a whole shortlist at once (one matrix product over every
candidate's skills, `matcher.match.credits`) and loads the candidates' facts in one round
trip (`matcher.store.candidates.load_facts`): the scores must be those each candidate gets
scored alone, and the facts those each candidate has loaded alone.

In a database of its own: the demo data set (candidates writing in their own languages,
with qualifications, recognition and stated language levels) and, for shortlists of a few
hundred, structured candidates and vacancies of the scale generator placed in the same
towns, plus one candidate without any skill."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.demo import load_demo
from benchmarks.scale import TOWNS, World
from matcher.concepts import Concepts
from matcher.domain import CandidateFacts, Evidence, VacancyFacts
from matcher.engine import Engine
from matcher.match.scoring import Scorer, gate
from matcher.schemas import CandidateIn, Location
from matcher.settings import Settings
from matcher.store.auth import upsert_organisation
from matcher.store.candidate_bulk import load_candidates
from matcher.store.candidates import load_facts
from matcher.store.vacancies import load_vacancy_facts
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from tests.conftest import needs_shared

NRW = {"Köln", "Düsseldorf", "Dortmund", "Essen", "Duisburg", "Bochum", "Wuppertal", "Bonn"}
PLACES = [t for t in TOWNS if t[0] in NRW]


def _in_nrw(rng: random.Random) -> Location:
    name, lat, lon, _ = rng.choice(PLACES)
    return Location(town=name, lat=lat + rng.uniform(-0.05, 0.05),
                    lon=lon + rng.uniform(-0.08, 0.08))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, starter: Normalizer,
           ) -> Iterator[Engine]:
    root = tmp_path_factory.mktemp("vacancy-candidates")
    engine = Engine.start(Settings(data_dir=root, pgdata=Path(root) / "pg"),
                          normalizer=starter)
    try:
        assert load_demo(engine, candidates=12, vacancies=30, courses=0, say=lambda _: None)
        world, rng = World(starter.taxonomy, seed=5), random.Random(5)
        people = [world.candidate(i, rng).model_copy(update={"location": _in_nrw(rng)})
                  for i in range(300)]
        people.append(CandidateIn.model_validate({
            "external_id": "t-v2c-no-skills", "personal": {"name": "Nadia Noskill"},
            "languages": [{"lang": "de", "level": "B2"}],
            "location": _in_nrw(rng).model_dump(),
            "travel_radius_km": 50, "work_permit": "full"}))
        jobs = [world.vacancy(i, rng).model_copy(update={"location": _in_nrw(rng)})
                for i in range(30)]
        with engine.connection() as conn:
            centre = upsert_organisation(conn, "Centre V2C", "centre", "t-v2c-centre")
            employer = upsert_organisation(conn, "Employer V2C", "employer", "t-v2c-emp")
            load_candidates(conn, engine.concepts, people, [centre] * len(people))
        engine.save_vacancies(jobs, [employer] * len(jobs))
        yield engine
    finally:
        engine.close()


def _facts(c: CandidateFacts) -> dict[str, Any]:
    """The facts as values, each skill's evidence in a fixed order."""
    out = {k: v for k, v in vars(c).items() if k not in ("credit_memo", "vector", "skills")}
    out["vector"] = None if c.vector is None else c.vector.tobytes()
    out["skills"] = {s: sorted((e.source, e.evidence or "", e.confidence) for e in ev)
                     for s, ev in c.skills.items()}
    return out


def test_a_shortlist_scores_as_each_candidate_alone(filled: Engine) -> None:
    matcher, seen = filled.matcher, Counter[str]()
    pairs = biggest = 0
    with filled.connection() as conn:
        vacancies = [r[0] for r in conn.execute("SELECT id FROM vacancy WHERE is_open"
                                                " ORDER BY id")]
        without_skills = conn.execute("SELECT id FROM candidate WHERE external_id ="
                                      " 't-v2c-no-skills'").fetchone()
        assert without_skills is not None
        scored_without = False
        for vid in vacancies:
            vac = load_vacancy_facts(conn, [vid])[vid]
            found = matcher.candidates_for(conn, vid)
            biggest = max(biggest, len(found))
            assert [m.scored.score for m in found] == sorted(
                (m.scored.score for m in found), reverse=True)
            for m in found:
                alone = load_facts(conn, [m.candidate.id])[m.candidate.id]
                assert gate(alone, vac) is None
                one = matcher.scorer.score(alone, vac)
                assert abs(one.score - m.scored.score) <= 1e-9, (vid, m.candidate.id)
                assert one.features.keys() == m.scored.features.keys()
                for name, value in one.features.items():
                    assert abs(value - m.scored.features[name]) <= 1e-9, (vid, name)
                assert one.credits == m.scored.credits  # the same skill earned each credit
                seen.update(c.via for c in one.credits)
                scored_without |= m.candidate.id == without_skills[0]
                pairs += 1
    # shortlists of a few hundred, and every way a skill earns credit was compared
    assert biggest >= 100 and pairs >= 1000, (biggest, pairs)
    assert {"exact", "related", "similar", "none"} <= set(seen), seen  # starter: no language
    # skills (`test_stated_languages_credit_the_same_in_a_batch` has them)
    assert scored_without  # a candidate with no skill has no columns in the product


def test_facts_of_a_shortlist_are_those_of_each_candidate(filled: Engine) -> None:
    with filled.connection() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM candidate ORDER BY id")]
        together = load_facts(conn, [*ids, "cand_not_there"])
        assert sorted(together) == ids  # an unknown id is left out
        for cid in ids:
            assert _facts(load_facts(conn, [cid])[cid]) == _facts(together[cid])
        assert load_facts(conn, []) == {}
    rich = [c for c in together.values() if c.qualified and c.experience and
            len(c.languages) > 1 and any(e.evidence for ev in c.skills.values() for e in ev)]
    assert rich  # the demo candidates carry every kind of fact
    confidences = {e.confidence for c in together.values() for ev in c.skills.values()
                   for e in ev}
    assert 0.8 in confidences  # a `real` 0.8 read as 0.8, not 0.800000011920929


@needs_shared
def test_stated_languages_credit_the_same_in_a_batch(esco: Normalizer) -> None:
    """Full ESCO has language skills ("German", "write German"), credited from a stated
    level: forty hand-made candidates scored at once, and each alone."""
    concepts = Concepts(esco)
    labels = {c.preferred_label("en"): uri for uri, c in concepts.taxonomy.concepts.items()
              if c.kind is ConceptKind.SKILL}
    cook = concepts.taxonomy.concepts[next(
        uri for uri, c in concepts.taxonomy.concepts.items()
        if c.kind is ConceptKind.OCCUPATION and c.preferred_label("en") == "cook")]
    kitchen = concepts.taxonomy.essential_skills(cook.uri)
    asked = [labels["German"], labels["write German"], *kitchen[:8]]
    vac = VacancyFacts(1, "job", "Koch", 1, cook.uri, asked, kitchen[8:12],
                       {"de": "B1"}, 50.94, 6.96, "Köln", None)

    def people() -> list[CandidateFacts]:
        draw = random.Random(7)
        return [CandidateFacts(
            f"c{i}", 50.9, 6.9, 30,
            {s: [Evidence(draw.choice(("self_declared", "coach_verified")), None,
                          draw.choice((0.8, 0.9, 1.0, 0.6543)))]
             for s in draw.sample(kitchen + list(labels.values())[:200], draw.randint(0, 12))},
            {"de": draw.choice(("A1", "A2", "B1", "B2", "C1"))} if i % 5 else {},
            {}, set(), None) for i in range(40)]

    scorer = Scorer(concepts)
    together = scorer.score_candidates(people(), vac)
    alone = [scorer.score(c, vac) for c in people()]
    assert [s.score for s in together] == [s.score for s in alone]
    assert [s.credits for s in together] == [s.credits for s in alone]
    assert {"language", "exact", "similar", "none"} <= {c.via for s in alone for c in s.credits}
