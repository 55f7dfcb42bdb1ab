"""The grammar of qualification mentions (matcher.recognition.grammar): the level read from
the words of a mention in ten languages, its evidence and confidence, the national
frameworks it combines them with, and the data files behind it."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.recognition.eqf_table import EqfTable, project_table, read_eqf_csv
from matcher.recognition.estimator import EqfLevelEstimator, shipped_estimator
from matcher.recognition.grammar import Grammar, grammar_data, national_frameworks
from matcher.recognition.qualification_types import TYPE_EQF
from matcher.recognition.recogniser import eqf_level
from matcher.schemas import QualificationFields
from skills_taxonomy.text import fold
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "matcher" / "data" / "recognition"
DEV_SET = ROOT / "training" / "data" / "qualification_mentions.csv"
ESCO_OCCUPATIONS = ROOT.parent / "shared" / "data" / "esco" / "v1.1.1" / "en" / "occupations_en.csv"
ORIGIN_COUNTRIES = {"Syria", "Afghanistan", "Ukraine", "Iraq", "Eritrea", "Türkiye", "Vietnam",
                    "China", "Iran", "Russia", "Nigeria", "Somalia"}


@pytest.fixture(scope="module")
def grammar() -> Grammar:
    return Grammar()


Shipped = tuple[EqfTable, EqfLevelEstimator | None]


@pytest.fixture(scope="module")
def shipped() -> Shipped:
    entries = project_table()
    return EqfTable(entries), shipped_estimator(entries)


def level(q: QualificationFields, shipped: Shipped) -> dict[str, Any]:
    table, estimator = shipped
    return eqf_level(q, table, estimator)


# --- the two examples, through eqf_level with the shipped table and text model ---------
def test_ukrainian_cooks_diploma_is_eqf_3_to_4_with_its_evidence(shipped: Shipped) -> None:
    found = level(QualificationFields(title="диплом кухаря 4 розряду", country="Ukraine"),
                  shipped)
    assert found["method"] == "grammar" and found["estimated"] is True
    assert found["level"] == 3
    evidence = found["evidence"]
    assert evidence["range"] == [3, 4]
    assert evidence["words"] == ["4 розряду"]
    assert "worker grade 4" in evidence["rule"] and "розряд" not in evidence["source"]
    assert "Vocational" in evidence["source"]
    assert 0.5 <= found["confidence"] <= 1


def test_syrian_bachelor_of_pharmacy_is_eqf_6(shipped: Shipped) -> None:
    found = level(QualificationFields(title="bachelor of pharmacy", country="Syria"), shipped)
    assert (found["level"], found["method"]) == (6, "type_and_duration")
    evidence = found["evidence"]
    assert evidence["words"] == ["bachelor"] and evidence["type"] == "bachelor"
    assert evidence["framework_row"]["country"] == "Syria"
    assert evidence["framework_row"]["eqf_level"] == 6


# --- one mention per language family -------------------------------------------------------
LANGUAGES = [
    # language, mention, country, level, a word of the evidence
    ("en", "Master's degree in Data Science", None, 7, "master's"),
    ("de", "abgeschlossene Berufsausbildung als Koch", None, 4, "abgeschlossene berufsausbildung"),
    ("fr", "BTS comptabilité et gestion", "France", 5, "bts"),
    ("uk", "диплом молодшого спеціаліста, медична сестра", "Ukraine", 5, "молодшого спеціаліста"),
    ("ru", "среднее специальное образование, медсестра", "Russia", 5, "среднее специальное"),
    ("ar", "بكالوريوس صيدلة من جامعة دمشق", "Syria", 6, "بكالوريوس"),
    ("fa", "فوق دیپلم برق", "Afghanistan", 5, "فوق ديپلم"),
    ("fa-AF", "دیپلوم لیسه", "Afghanistan", 4, "ليسه"),  # Dari: the lycée's diploma
    ("vi", "Bằng tốt nghiệp cao đẳng điều dưỡng", "Vietnam", 5, "cao đang"),
    ("zh", "大专以上学历，会计专业", "China", 5, "大专"),
    ("tr", "Önlisans mezunu (MYO) bilgisayar programcılığı", "Türkiye", 5, "onlisans"),
]


@pytest.mark.parametrize(("lang", "mention", "country", "expected", "word"), LANGUAGES,
                         ids=[row[0] for row in LANGUAGES])
def test_a_mention_in_each_language(grammar: Grammar, lang: str, mention: str,
                                    country: str | None, expected: int, word: str) -> None:
    found = grammar.read(mention, country)
    assert found is not None, mention
    assert found.level == expected, found.evidence()
    assert word in found.words
    evidence = found.evidence()
    assert evidence["rule"] and evidence["source"] and 0 < evidence["confidence"] <= 1


# --- the special grammars --------------------------------------------------------------------
SPECIAL = [
    # mention, country, level, words (the evidence)
    ("слюсар-ремонтник 2 розряду", "Ukraine", 2, ["2 розряду"]),
    ("сварщик 6 разряда, НАКС", "Russia", 4, ["6 разряда"]),
    ("NVQ Level 2 in Professional Cookery", None, 3, ["nvq level 2"]),
    ("NVQ level 3 or similar", None, 4, ["nvq level 3"]),
    ("Level 3 Diploma in Adult Care", None, 4, ["level 3"]),
    ("SCQF level 6 (Highers)", "Scotland", 4, ["scqf level 6"]),
    ("Entry Level 3 functional skills", None, 1, ["entry level 3"]),
    ("minimum HNC level in Mechanical Engineering", None, 5, ["hnc"]),
    ("HND Electrical/Electronic Engineering", None, 5, ["hnd"]),
    ("ACCA / CIMA qualified", None, 7, ["acca"]),
    ("GCSEs grade C or above in Maths and English", None, 3, ["gcses", "grade c"]),
    ("5 GCSEs grades D-G", None, 2, ["gcses", "grades d"]),
    ("Bac+3 en ressources humaines", "France", 6, ["bac+3"]),
    ("MYK 3. seviye mesleki yeterlilik belgesi", "Türkiye", 3, ["3 seviye"]),
    ("Công nhân kỹ thuật bậc 3/7 nghề hàn", "Vietnam", 3, ["bac 3 7"]),
    ("Grade 12 graduate", "Afghanistan", 4, ["grade 12"]),
    ("中式烹调师（中级）", "China", 3, ["中级"]),  # China's skill levels after the worker
    ("焊工三级", "China", 4, ["三级"]),
    ("电工技师二级", None, 5, ["二级"]),
    ("焊工职业资格证书（高级）", "China", 4, ["高级"]),  # after the certificate
    ("中级电工证", "China", 3, ["中级"]),  # or before the worker's title
    ("高级保安员证", "China", 4, ["高级"]),
    ("高级中式烹调师", "China", 4, ["高级"]),  # before a trade's 师 title
    ("中级西式面点师证书", "China", 3, ["中级"]),
    # Germany's commercial trades in one word, and the Fachschule's state-recognised educator
    ("Bankkaufmann (IHK)", "Germany", 4, ["bankkaufmann"]),
    ("Staatlich anerkannte Erzieherin", "Germany", 6, ["staatlich anerkannte erzieherin"]),
    ("高级中学毕业证书", "China", 4, ["高级中学"]),  # senior high school, in full
    # an engineer's professional title, not the worker grade 中级工 inside it
    ("中级工程师职称证书（机械）", "China", 6, ["中级工程师"]),
    # an Afghan institute's diploma is the 14th grade, not the school-leaving diploma
    ("دیپلوم انستیتوت تکنالوژی میخانیکی کابل", "Afghanistan", 5, ["ديپلوم انستيتوت"]),
    ("Свідоцтво про базову загальну середню освіту", "Ukraine", 2, ["базову загальну середню"]),
    ("diplom kukharya 4 rozryadu", "Ukraine", 3, ["4 rozryadu"]),  # typed in Latin letters
    ("bakalavr farmatsiyi", None, 6, ["bakalavr"]),
]


@pytest.mark.parametrize(("mention", "country", "expected", "words"), SPECIAL,
                         ids=[row[0][:30] for row in SPECIAL])
def test_special_grammars(grammar: Grammar, mention: str, country: str | None,
                          expected: int, words: list[str]) -> None:
    found = grammar.read(mention, country)
    assert found is not None, mention
    assert (found.level, found.words) == (expected, words), found.evidence()


def test_durations_adjust_a_vocational_qualification(grammar: Grammar) -> None:
    three = grammar.read("3-year vocational diploma")
    short = grammar.read("تصدیق نامه کورس مسلکی خیاطی ۶ ماه", "Afghanistan")
    two = grammar.read("Ausbildung als Koch (2 Jahre)")
    uk = grammar.read("4 роки навчання у ПТУ")
    assert three is not None and (three.level, three.extra["duration_years"]) == (4, 3.0)
    assert short is not None and (short.level, short.extra["duration_years"]) == (2, 0.5)
    assert two is not None and two.level == 3 and "2 years: EQF 3" in two.rule
    assert uk is not None and (uk.level, uk.extra["duration_years"]) == (4, 4.0)
    only = grammar.read("a programme of 2 years")
    assert only is not None and only.level == 4 and only.confidence < 0.5


def test_an_english_test_grade_is_no_skill_level(grammar: Grammar) -> None:
    reading = grammar.read("大学英语四级证书")  # CET-4, an English test: "四级" is no level
    assert reading is not None and reading.words == ["大学"]
    assert grammar.read("英语四级") is None


def test_qualifiers_are_kept_as_evidence(grammar: Grammar) -> None:
    similar = grammar.read("NVQ level 3 or similar")
    minimum = grammar.read("大专以上学历")
    assert similar is not None and similar.extra["qualifier"] == ["or_similar"]
    assert minimum is not None and minimum.extra["qualifier"] == ["minimum"]
    assert "qualifier" not in (grammar.read("Master's degree") or similar).extra


@pytest.mark.parametrize("mention", ["小学教师资格证", "giáo viên tiểu học",
                                     "Primary school teacher certificate",
                                     "معلم المدرسة الابتدائية", "高中教师资格证",
                                     "高级中学教师资格证"])
def test_a_school_level_beside_teaching_is_what_is_taught(grammar: Grammar,
                                                          mention: str) -> None:
    reading = grammar.read(mention)
    assert reading is None or reading.qtype not in ("primary", "upper_secondary")
    # … while the school itself is still read as finished schooling
    finished = grammar.read(mention.replace("教师资格证", "毕业").replace(
        "teacher ", "").replace("giáo viên ", "bằng ").replace("معلم ", "شهادة "))
    assert finished is not None and finished.qtype in ("primary", "upper_secondary")


def test_alternatives_give_the_lowest_level_asked_for(grammar: Grammar) -> None:
    either = grammar.read("Bachelors or Masters in Computer Science")
    both = grammar.read("Bachelor and Master of Science")
    assert either is not None and either.level == 6 and either.extra["also_read"] == [7]
    assert both is not None and both.level == 7


def test_the_origin_countrys_framework_decides(grammar: Grammar) -> None:
    """The Iraqi 'preparatory' certificate is upper secondary; elsewhere الإعدادية is the
    lower secondary stage."""
    iraq = grammar.read("شهادة الإعدادية - الفرع العلمي", "Iraq")
    syria = grammar.read("شهادة الإعدادية", "Syria")
    assert iraq is not None and iraq.level == 4
    assert iraq.extra["framework_row"]["country"] == "Iraq"
    assert syria is not None and syria.level == 2
    higher = grammar.read("Higher diploma in teaching", "Iraq")
    assert higher is not None and higher.level == 7
    ireland = grammar.read("Higher Diploma in Legal Studies", "Ireland")
    assert ireland is not None and ireland.level == 6


# --- "unknown" only when no word bears on the level -----------------------------------------
@pytest.mark.parametrize("title", ["Schweißer", "Nursing qualification", "welder", "кухар",
                                   "طباخ", "厨师", "aşçı"])
def test_unknown_only_without_level_bearing_words(grammar: Grammar, title: str) -> None:
    assert grammar.read(title) is None
    found = eqf_level(QualificationFields(title=title), EqfTable([]), None)
    assert (found["level"], found["method"]) == (None, "unknown")
    assert "no word of the title bears on the level" in found["evidence"]["rule"]


def test_grammar_answers_before_a_less_sure_text_model(shipped: Shipped) -> None:
    found = level(QualificationFields(title="NVQ level 3 in Professional Cookery"), shipped)
    assert (found["level"], found["method"]) == (4, "grammar")
    assert found["evidence"]["rule"] == "RQF level 3 = EQF 4"


def test_development_set_is_answered_by_the_grammar(grammar: Grammar) -> None:
    """A regression check on the set the grammar was written with (not an independent
    measurement: benchmarks/eqf_levels.py reports the figures)."""
    with DEV_SET.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    readings = [grammar.read(r["mention"], r["country"] or None) for r in rows]
    answered = [(r, g) for r, g in zip(rows, readings, strict=True) if g is not None]
    assert len(answered) >= 0.95 * len(rows)
    right = sum(g.level == int(r["eqf_level"]) for r, g in answered)
    assert right >= 0.9 * len(rows)
    assert all(g.words or "duration_years" in g.extra for _, g in answered)


# --- the data files ----------------------------------------------------------------------------
def test_grammar_data_is_consistent() -> None:
    data = grammar_data()
    assert data["format"] == "qualification-grammar/1"
    for term in data["terms"]:
        assert term["source"] in data["sources"], term
        assert 1 <= term["eqf"] <= 8 and term["type"] in TYPE_EQF, term
        assert 0 < term["confidence"] <= 1 and term["words"], term
        assert all(fold(w.replace("*", "")) for w in term["words"]), term
    for scheme in data["frameworks"]:
        assert scheme["source"] in data["sources"]
        assert all(1 <= level <= 8 for level in scheme["levels"].values())
    languages = {lang for term in data["terms"] for lang in term["lang"].split()}
    assert {"en", "de", "uk", "ru", "ar", "fa", "vi", "zh", "tr", "fr"} <= languages


def test_national_frameworks_are_a_table_with_sources() -> None:
    entries, report = read_eqf_csv(DATA / "national_frameworks_eqf.csv", "national_frameworks")
    assert report.rows == len(entries) == len(national_frameworks())
    assert report.skipped_without_level == 0
    assert {e.country for e in entries} == ORIGIN_COUNTRIES
    with (DATA / "national_frameworks_eqf.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert len(row["source"]) > 20 and row["framework"], row
        assert 1 <= int(row["eqf_level"]) <= 8, row
        assert not row["type"] or row["type"] in TYPE_EQF, row


def test_development_set_is_well_formed() -> None:
    with DEV_SET.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 300
    assert {"en", "de", "uk", "ru", "ar", "fa", "vi", "zh", "tr", "fr"} <= {
        r["lang"] for r in rows}
    assert all(1 <= int(r["eqf_level"]) <= 8 and r["mention"].strip() for r in rows)
    uris = {r["occupation_uri"] for r in rows if r["occupation_uri"]}
    assert len(uris) >= 30
    assert all(re.fullmatch(r"http://data\.europa\.eu/esco/occupation/[0-9a-f-]{36}", u)
               for u in uris)
    if ESCO_OCCUPATIONS.exists():
        with ESCO_OCCUPATIONS.open(encoding="utf-8") as handle:
            known = {r["conceptUri"] for r in csv.DictReader(handle)}
        assert uris <= known


def test_years_of_experience_are_not_a_programmes_length(grammar: Grammar) -> None:
    assert grammar.read("3 years experience as welder") is None
    assert grammar.read("водитель категории С, 2 года стажа") is None
    hnd = grammar.read("5 years' experience, HND")
    assert hnd is not None and hnd.level == 5 and "duration_years" not in hnd.extra


@pytest.mark.parametrize("mention", ["BSc/MSc in Chemistry", "本科或硕士学历",
                                     "бакалавр або магістр", "lisans veya yüksek lisans"])
def test_alternatives_in_any_language(grammar: Grammar, mention: str) -> None:
    found = grammar.read(mention)
    assert found is not None and found.level == 6 and found.extra["also_read"] == [7]


# --- through the API, as a coach sees it -------------------------------------------------------
def test_the_examples_through_the_recognition_route(client: TestClient, world: World) -> None:
    cook = client.post("/recognition/qualification", headers=world.auth("coach_a"), json={
        "title": "диплом кухаря 4 розряду", "country": "Ukraine", "lang": "uk"})
    assert cook.status_code == 200, cook.text
    eqf = cook.json()["eqf"]
    assert (eqf["level"], eqf["method"], eqf["estimated"]) == (3, "grammar", True)
    assert eqf["evidence"]["words"] == ["4 розряду"] and eqf["evidence"]["range"] == [3, 4]
    assert eqf["confidence"] == eqf["evidence"]["confidence"]
    pharmacy = client.post("/recognition/qualification", headers=world.auth("coach_a"), json={
        "title": "bachelor of pharmacy", "country": "Syria", "lang": "en"})
    assert pharmacy.status_code == 200, pharmacy.text
    eqf = pharmacy.json()["eqf"]
    assert (eqf["level"], eqf["method"]) == (6, "type_and_duration")
    assert eqf["evidence"]["framework_row"]["table"] == "national_frameworks"
