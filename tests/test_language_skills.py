"""ESCO's language skills are met by the languages a candidate states: "gute
Deutschkenntnisse" in an advert links to the skill "German", and a candidate with German
B1 has it (full ESCO's concepts; the scorer alone, no database)."""

from __future__ import annotations

import pytest

from matcher.concepts import Concepts
from matcher.domain import EVIDENCED, CandidateFacts, Evidence, VacancyFacts
from matcher.match.scoring import Scorer
from skills_taxonomy.normalize import Normalizer


@pytest.fixture(scope="module")
def concepts(esco: Normalizer) -> Concepts:
    return Concepts(esco)


def skill(concepts: Concepts, label: str) -> str:
    return next(uri for uri, c in concepts.taxonomy.concepts.items()
                if c.kind.value == "skill" and c.preferred_label("en") == label)


def test_language_skills_are_known_by_their_language(concepts: Concepts) -> None:
    found = concepts.language_skills
    for label, code in (("German", "de"), ("write German", "de"),
                        ("understand spoken Arabic", "ar"), ("interact verbally in Persian",
                                                              "fa")):
        assert found[skill(concepts, label)] == code
    assert skill(concepts, "cook sauce products") not in found


@pytest.mark.parametrize(("level", "evidenced"), [("B1", True), ("C1", True), ("A1", False),
                                                  (None, False)])
def test_a_stated_level_credits_the_language_skill(concepts: Concepts, level: str | None,
                                                   evidenced: bool) -> None:
    german, cooking = skill(concepts, "German"), skill(concepts, "use cooking techniques")
    cand = CandidateFacts("c", 50.9, 6.9, 30, {cooking: [Evidence("self_declared", "", 0.8)]},
                          {"de": level} if level else {}, {}, set(), None)
    vac = VacancyFacts(1, "job", "Koch", 1, None, [german, cooking], [], {}, 50.9, 6.9,
                       "Köln", None)
    scorer = Scorer(concepts)
    scored = scorer.score(cand, vac)
    credit = next(c for c in scored.credits if c.skill == german)
    assert (credit.credit >= EVIDENCED) is evidenced
    explained = scorer.explain(scored, cand)
    missing = {m["skill"] for m in explained["missing_essential"]}  # type: ignore[union-attr]
    assert (german in missing) is not evidenced
    if evidenced:
        [item] = [m for m in explained["matched_skills"]  # type: ignore[union-attr]
                  if m["skill"] == german]
        assert item["via"] == "language" and "partial" not in item
        assert item["evidence"] == [{"source": "language", "confidence": credit.credit,
                                     "evidence": f"de {level}"}]
