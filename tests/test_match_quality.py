"""The match-quality benchmark's building blocks: metrics on hand-made rankings, the
labelled set built on the starter taxonomy, the TF-IDF baseline. No database, no model."""

from __future__ import annotations

import math
import random

import pytest

from benchmarks.match_quality import (
    build_candidates,
    build_vacancies,
    eligible_occupations,
    label_in,
    misses,
    ndcg_at_k,
    recall_at_k,
    sample_occupations,
    summarise,
    text_languages,
    tfidf_rankings,
)
from skills_taxonomy.model import Taxonomy
from skills_taxonomy.starter import load_starter


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_starter()


def test_ndcg_perfect_empty_and_by_hand() -> None:
    relevant = {"a", "b", "c"}
    assert ndcg_at_k(["a", "b", "c", "x"], relevant) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], relevant) == 0.0
    assert ndcg_at_k(["a"], set()) == 0.0
    # one relevant item, at rank 2: (1 / log2 3) / (1 + 1/log2 3 + 1/2)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(["x", "a"], relevant) == pytest.approx((1 / math.log2(3)) / ideal)
    # only the top k count, and the ideal holds at most k relevant items
    assert ndcg_at_k(["x", "a"], relevant, k=1) == 0.0
    assert ndcg_at_k(["a", "x"], relevant, k=1) == pytest.approx(1.0)
    many = set(range(20))
    assert ndcg_at_k(list(range(10)), many, k=10) == pytest.approx(1.0)
    # a repeated item is counted once
    assert ndcg_at_k(["a", "a"], {"a", "b"}) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_recall_over_min_of_k_and_relevant() -> None:
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}) == pytest.approx(0.5)
    assert recall_at_k(list(range(10)), set(range(20)), k=10) == pytest.approx(1.0)
    assert recall_at_k(list(range(5, 15)), set(range(10)), k=10) == pytest.approx(0.5)
    assert recall_at_k(["a", "b"], {"a", "b", "c"}, k=1) == pytest.approx(1.0)
    assert recall_at_k(["a"], set()) == 0.0


def test_summarise_means() -> None:
    out = summarise([["a", "x"], ["x", "y"]], [{"a"}, {"b"}], k=10)
    assert out == {"n": 2, "ndcg_at_10": 0.5, "recall_at_10": 0.5, "hit_at_1": 0.5}


def test_vacancies_of_their_occupation(taxonomy: Taxonomy) -> None:
    rng = random.Random(0)
    occupations = sample_occupations(taxonomy, 8, rng)
    assert len(occupations) == 8 and set(occupations) <= set(eligible_occupations(taxonomy))
    vacancies = build_vacancies(taxonomy, occupations, 3, rng)
    assert len(vacancies) == 24
    for v in vacancies:
        essential = set(taxonomy.essential_skills(v.occupation))
        assert v.item.occupation == v.occupation and v.item.kind == "job"
        assert set(v.item.essential_skills) <= essential
        assert len(v.item.essential_skills) >= 0.7 * len(essential) - 1
        assert set(v.item.optional_skills) <= set(taxonomy.optional_skills(v.occupation))
        assert v.item.requires_recognition is False
    assert len({(v.item.location.lat, v.item.location.lon) for v in vacancies}) == 1


def test_candidates_of_their_occupation(taxonomy: Taxonomy) -> None:
    rng = random.Random(1)
    occupations = sample_occupations(taxonomy, 10, rng)
    candidates = build_candidates(taxonomy, occupations, 40, rng)
    assert len(candidates) == 40
    assert sum(c.has_experience for c in candidates) == 20
    assert text_languages(taxonomy) == ["de"]  # the starter has German, not es/fr/nl
    for c in candidates:
        assert c.occupation in occupations and c.lang == "de" and c.item.lang == "de"
        essential = set(taxonomy.essential_skills(c.occupation))
        own = set(taxonomy.occupation_skills[c.occupation])
        ids = [s.concept for s in c.item.skills if s.concept]
        texts = [s.text for s in c.item.skills if s.text]
        kept = [u for u in ids if u in essential] + c.free_text_skills
        noise = [u for u in ids if u not in essential]
        assert 0.5 * len(essential) - 1 <= len(kept) <= 0.8 * len(essential) + 1
        assert 1 <= len(noise) <= 3 and not set(noise) & own
        assert set(c.free_text_skills) <= essential
        assert len(texts) == len(c.free_text_skills) == round(len(kept) / 3)
        # free text is the skill's German label
        assert sorted(texts) == sorted(label_in(taxonomy.concepts[u], "de")[0]
                                       for u in c.free_text_skills)
        assert len(c.item.experience) == int(c.has_experience)
        assert c.item.work_permit == "full" and c.item.travel_radius_km == 50
    german = [s.text for c in candidates for s in c.item.skills if s.text]
    english = {taxonomy.concepts[u].preferred_label("en")
               for c in candidates for u in c.free_text_skills}
    assert german and len(set(german) - english) > len(set(german)) // 2


def test_tfidf_ranks_the_matching_text_first() -> None:
    vacancies = ["cook\nprepare vegetables\nuse kitchen knives",
                 "warehouse worker\npick orders\npack goods",
                 "cleaner\nclean floors"]
    ranked = tfidf_rankings(vacancies, ["pack goods, pick orders", "kitchen knives"], k=2)
    assert ranked[0][0] == 1 and ranked[1][0] == 0 and len(ranked[0]) == 2


def test_misses_count_confusions(taxonomy: Taxonomy) -> None:
    rng = random.Random(2)
    occupations = sample_occupations(taxonomy, 3, rng)
    vacancies = build_vacancies(taxonomy, occupations, 2, rng)
    candidates = build_candidates(taxonomy, occupations, 4, rng)
    own = [next(i for i, v in enumerate(vacancies) if v.occupation == c.occupation)
           for c in candidates]
    other = [next(i for i, v in enumerate(vacancies) if v.occupation != c.occupation)
             for c in candidates]
    out = misses(taxonomy, candidates, vacancies, [[own[0]], [other[1]], [other[2]], []])
    assert out["top1_not_relevant"] == 2
    assert sum(item["n"] for item in out["commonest"]) == 2
