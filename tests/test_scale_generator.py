"""The scale benchmark's generator and percentiles, on the starter taxonomy. No database."""

from __future__ import annotations

import random
from collections import Counter

from benchmarks.scale import TOWNS, World, percentiles
from skills_taxonomy.starter import load_starter


def test_vacancies_draw_skills_from_their_occupation_in_real_towns() -> None:
    taxonomy = load_starter()
    world = World(taxonomy, seed=3)
    rng = random.Random(3)
    vacancies = [world.vacancy(i, rng) for i in range(400)]
    towns = {name: (lat, lon) for name, lat, lon, _ in TOWNS}
    for v in vacancies:
        assert v.occupation in world.occupations
        essential = set(taxonomy.essential_skills(v.occupation or ""))
        assert set(v.essential_skills) <= essential and len(v.essential_skills) >= 2
        assert not set(v.optional_skills) & set(v.essential_skills)
        lat, lon = towns[v.location.town]
        assert abs(v.location.lat - lat) <= 0.05 and abs(v.location.lon - lon) <= 0.08
    kinds = Counter(v.kind for v in vacancies)
    assert kinds["job"] > kinds["apprenticeship"] > kinds["placement"] > 0
    # Zipf over occupations: the most frequent is far above the median one
    counts = sorted(Counter(v.occupation for v in vacancies).values(), reverse=True)
    assert counts[0] >= 4 * counts[len(counts) // 2]
    # population-weighted towns: Berlin is the most frequent
    assert Counter(v.location.town for v in vacancies).most_common(1)[0][0] == "Berlin"
    assert len({v.external_id for v in vacancies}) == 400


def test_candidates_hold_most_of_one_occupations_skills() -> None:
    taxonomy = load_starter()
    world = World(taxonomy, seed=5)
    rng = random.Random(5)
    for i in range(100):
        c = world.candidate(i, rng)
        skills = {s.concept for s in c.skills}
        best = max(world.occupations, key=lambda o: len(skills & set(
            taxonomy.essential_skills(o))))
        assert len(skills & set(taxonomy.essential_skills(best))) >= len(skills) - 2
        assert all(e.occupation in world.occupations for e in c.experience)


def test_percentiles_pick_ranks() -> None:
    got = percentiles([float(x) for x in range(1, 101)])
    assert got == {"n": 100, "p50_ms": 50.5, "p95_ms": 95.0, "p99_ms": 99.0}
