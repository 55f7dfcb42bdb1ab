"""The importer on the real ESCO export in ../shared/data, and on malformed input."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from skills_taxonomy.errors import TaxonomyImportError
from skills_taxonomy.esco_import import import_esco
from skills_taxonomy.model import ConceptKind, LabelType, RelationType, Taxonomy
from tests.conftest import SHARED, needs_shared

WELDER = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"


@needs_shared
def test_full_english_export_counts(esco_taxonomy: Taxonomy) -> None:
    stats = esco_taxonomy.stats()
    assert stats["skills"] == 13_896
    assert stats["occupations"] == 3_007
    assert stats["isco_groups"] == 619
    # 123,855 rows (64,946 essential); a pair listed as both counts once, as essential
    with (SHARED / "esco/v1.1.1/en/occupationSkillRelations.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 123_855
    known = esco_taxonomy.concepts
    pairs = [(r["occupationUri"], r["skillUri"], r["relationType"]) for r in rows
             if r["occupationUri"] in known and r["skillUri"] in known]
    essential = {(o, s) for o, s, rel in pairs if rel == "essential"}
    every = {(o, s) for o, s, _ in pairs}
    assert stats["essential_relations"] == len(essential)
    assert stats["occupation_skill_relations"] == len(every)
    assert stats["skill_skill_relations"] == 5_899


@needs_shared
def test_occupation_fields_and_labels_in_other_languages(esco_taxonomy: Taxonomy) -> None:
    welder = esco_taxonomy.concepts[WELDER]
    assert welder.isco_code.startswith("7212")
    assert welder.regulated is False
    assert welder.preferred_label("en") == "welder"
    assert any(lb.lang == "de" and "Schweißer" in lb.text for lb in welder.labels)
    assert any(lb.lang == "es" for lb in welder.labels)
    assert any(lb.lang == "fr" for lb in welder.labels)
    skills = esco_taxonomy.essential_skills(WELDER)
    assert len(skills) >= 8
    assert all(esco_taxonomy.concepts[s].kind is ConceptKind.SKILL for s in skills)
    regulated = [c for c in esco_taxonomy.of_kind(ConceptKind.OCCUPATION) if c.regulated]
    assert len(regulated) >= 10


def test_above_walks_the_whole_hierarchy_once() -> None:
    """Every broader concept, theirs too, each once, even where the hierarchy loops."""
    taxonomy = Taxonomy()
    for narrower, broader in (("nurse specialist", "nurse"), ("nurse", "health worker"),
                              ("health worker", "nurse"), ("nurse specialist", "specialist")):
        taxonomy.add_broader(narrower, broader)
    assert taxonomy.above("nurse specialist") == {"nurse", "health worker", "specialist"}
    assert taxonomy.above("health worker") == {"nurse", "health worker"}
    assert taxonomy.above("welder") == set()


@needs_shared
def test_label_files_add_german_and_dutch_skill_labels(esco_taxonomy: Taxonomy) -> None:
    langs = esco_taxonomy.languages(ConceptKind.SKILL)
    assert langs["de"] >= 12_000
    assert langs["nl"] >= 5_000
    skill = esco_taxonomy.concepts[
        "http://data.europa.eu/esco/skill/00735755-adc6-4ea0-b034-b8caff339c9f"]
    assert skill.preferred_label("nl") == "warmtepompen installeren"


@needs_shared
def test_versions_differences_are_counted_not_fatal(tmp_path: Path) -> None:
    taxonomy = Taxonomy()
    report = import_esco(taxonomy, [SHARED / "esco/v1.1.1/en/skills_en.csv",
                                    SHARED / "esco/v1.0/es/skills_es.csv"])
    spanish = next(f for f in report.files if f.path.endswith("skills_es.csv"))
    assert spanish.rows == 13_485
    assert spanish.unknown_uris > 0  # v1.0 URIs that v1.1.1 dropped
    assert taxonomy.count(ConceptKind.SKILL) == 13_896


@needs_shared
def test_melo_folder_adds_occupation_labels(tmp_path: Path) -> None:
    taxonomy = Taxonomy()
    import_esco(taxonomy, [SHARED / "esco/v1.1.1/en/occupations_en.csv",
                           SHARED / "eval/melo/lva_q_lv_c_lv"])
    assert taxonomy.languages(ConceptKind.OCCUPATION).get("lv", 0) > 1_000


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


GOOD_SKILLS = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\n"
    "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a,skill/competence,"
    "cross-sector,weld metal,\"join metal\nfuse metal\",Joins metal parts.\n"
)


def test_malformed_row_names_file_and_line_and_loads_nothing(tmp_path: Path) -> None:
    good = _write(tmp_path / "a" / "skills_en.csv", GOOD_SKILLS)
    bad = _write(tmp_path / "b" / "occupationSkillRelations.csv",
                 "occupationUri,relationType,skillType,skillUri\n"
                 "http://data.europa.eu/esco/occupation/x,essential,skill,"
                 "http://data.europa.eu/esco/skill/a\n"
                 "http://data.europa.eu/esco/occupation/x,sometimes,skill,"
                 "http://data.europa.eu/esco/skill/a\n")
    taxonomy = Taxonomy()
    with pytest.raises(TaxonomyImportError, match=r"occupationSkillRelations.csv: line 3: "
                                                  r"relationType 'sometimes'"):
        import_esco(taxonomy, [good, bad])
    assert taxonomy.concepts == {}  # all or nothing


def test_missing_column_and_short_row_are_reported(tmp_path: Path) -> None:
    no_uri = _write(tmp_path / "skills_en.csv", "preferredLabel,altLabels\nweld,\n")
    with pytest.raises(TaxonomyImportError, match=r"line 1: missing column\(s\) conceptUri"):
        import_esco(Taxonomy(), [no_uri])
    bad_uri = _write(tmp_path / "x" / "skills_en.csv",
                     GOOD_SKILLS.replace("http://data.europa.eu/esco/skill/a", "not a uri"))
    with pytest.raises(TaxonomyImportError, match=r"line 2: column conceptUri"):
        import_esco(Taxonomy(), [bad_uri])


def test_binary_junk_is_rejected(tmp_path: Path) -> None:
    junk = _write(tmp_path / "skills_en.csv", b"\x89PNG\r\n\x1a\n\x00\xff\xfe" * 100)
    with pytest.raises(TaxonomyImportError, match=r"skills_en.csv: not UTF-8"):
        import_esco(Taxonomy(), [junk])


def test_unknown_file_and_missing_path_are_reported(tmp_path: Path) -> None:
    other = _write(tmp_path / "notes.csv", "a,b\n1,2\n")
    with pytest.raises(TaxonomyImportError, match="not a recognised ESCO file"):
        import_esco(Taxonomy(), [other])
    with pytest.raises(TaxonomyImportError, match="no such file or folder"):
        import_esco(Taxonomy(), [tmp_path / "missing"])


def test_small_export_with_relations(tmp_path: Path) -> None:
    folder = tmp_path / "esco"
    _write(folder / "skills_en.csv", GOOD_SKILLS)
    _write(folder / "occupations_en.csv",
           "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,"
           "regulatedProfessionNote,code\n"
           "Occupation,http://data.europa.eu/esco/occupation/x,7212,welder,welding operator,"
           "http://data.europa.eu/esco/regulated-professions/unregulated,7212.1\n")
    _write(folder / "occupationSkillRelations.csv",
           "occupationUri,relationType,skillType,skillUri\n"
           "http://data.europa.eu/esco/occupation/x,essential,skill,"
           "http://data.europa.eu/esco/skill/a\n"
           "http://data.europa.eu/esco/occupation/new,essential,skill,"
           "http://data.europa.eu/esco/skill/a\n")
    taxonomy = Taxonomy()
    report = import_esco(taxonomy, [folder])
    assert report.unknown_uris == 1
    assert taxonomy.occupation_skills["http://data.europa.eu/esco/occupation/x"] == {
        "http://data.europa.eu/esco/skill/a": RelationType.ESSENTIAL}
    skill = taxonomy.concepts["http://data.europa.eu/esco/skill/a"]
    assert [lb.type for lb in skill.labels] == [LabelType.PREFERRED, LabelType.ALTERNATIVE,
                                                LabelType.ALTERNATIVE]
    assert taxonomy.concepts["http://data.europa.eu/esco/occupation/x"].regulated is False
    shutil.rmtree(folder)
