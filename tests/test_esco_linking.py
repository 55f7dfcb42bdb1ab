"""Linking against the full ESCO taxonomy (real model, real data): regression guards well
below the figures in BENCHMARKS.md, so noise does not fail them but a broken component does."""

from __future__ import annotations

from pathlib import Path

from skills_taxonomy.evaluation import read_statement_set
from skills_taxonomy.linking_eval import eval_skills
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.starter import load_starter
from tests.conftest import SHARED, needs_shared

WELDER = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"


@needs_shared
def test_skill_linking_quality_on_tech_validation(esco: Normalizer) -> None:
    path = str(SHARED / "eval/decorte/tech_validation_annotations.csv")
    metrics = eval_skills(esco, [path])[path]
    assert metrics["n"] == 75
    assert metrics["mrr"] >= 0.6
    assert metrics["rp@10"] >= 0.6


@needs_shared
def test_occupation_titles_in_several_languages(esco: Normalizer) -> None:
    for title in ("Schweißer", "soldador", "soudeur", "welder", "Schweisser"):
        top = esco.link_occupations(title, top_k=3, abstain=False)
        assert WELDER in [m.concept for m in top], title


@needs_shared
def test_english_sentence_mentions(esco: Normalizer) -> None:
    mentions = esco.normalize("Experience with JavaScript and Java, and you can "
                              "operate a forklift.")
    labels = {m.label for m in mentions}
    assert "JavaScript" in labels
    assert "Java (computer programming)" in labels


@needs_shared
def test_an_advert_title_names_its_job_among_markers_and_details(esco: Normalizer) -> None:
    """"(m/w/d)" is not matched to "M&A analyst", "MIG/MAG" does not hide the welder, and
    a label further into a title ("Developer") is not taken for the job."""
    top = esco.link_occupations("Schweißer (m/w/d) MIG/MAG", top_k=1)
    assert [m.concept for m in top] == [WELDER]
    ranked = esco.link_occupations("Lagerhelfer (m/w/d)", top_k=5, abstain=False)
    assert not any("acquisitions" in m.label for m in ranked)
    named = esco.link_occupations("Junior Frontend Developer", top_k=1)
    assert not any("property" in m.label for m in named)


@needs_shared
def test_development_sets_name_concepts_of_their_kind(esco: Normalizer) -> None:
    """ESCO's, or the starter taxonomy's own (`starter:`, merged into every import)."""
    root = Path(__file__).resolve().parents[1] / "training" / "data"
    starter = load_starter()
    for name in ("multilingual_dev.csv", "german_advert_skills.csv"):
        rows = read_statement_set(root / name)
        assert rows, name
        for row in rows:
            for uri in row.gold:
                taxonomy = starter if uri.startswith("starter:") else esco.taxonomy
                concept = taxonomy.concepts.get(uri)
                assert concept is not None and concept.kind.value == row.kind, (name, row.text)


@needs_shared
def test_three_capitals_are_an_abbreviation_not_the_word(esco: Normalizer) -> None:
    """"WIG" in "MAG/WIG" is tungsten inert gas welding, not wigs; "PET" and "ICE" name no
    pet and no ice. A label that writes the capitals too still links ("SAP ...")."""
    [statement] = esco.statements(["Schweißer MAG/WIG, PET, ICE"])
    assert WELDER in {m.concept for m in statement.mentions}
    assert not {m.text for m in statement.mentions} & {"WIG", "PET", "ICE"}
    [sap] = esco.statements(["SAP"])
    assert sap.mentions and all(m.label.startswith("SAP") for m in sap.mentions)
