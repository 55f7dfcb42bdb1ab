"""Recognition without a database: qualification types read off titles in many
languages, the EQF rules for type and duration, the reference-table reader, the text
model's scikit-learn manners, and the destination country's regulation profile."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matcher.recognition.eqf_table import EqfEntry, EqfTable, project_table, read_eqf_csv
from matcher.recognition.estimator import EqfLevelEstimator
from matcher.recognition.grammar import Grammar, grammar_data, infer_type
from matcher.recognition.qualification_types import estimate_level
from matcher.recognition.recogniser import eqf_level, experience_confidence
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import QualificationFields
from skills_taxonomy.errors import InvalidInputError

NURSING_ASSISTANT = "http://data.europa.eu/esco/occupation/87d0795a-d41f-47ee-979f-0ab7d73836e7"


# --- the qualification type a title names ----------------------------------------------------
TITLES = {
    # English, German
    "Bachelor of Science in Nursing": "bachelor",
    "Master of Business Administration": "master",
    "Doctor of Philosophy (PhD) in Chemistry": "doctorate",
    "Berufsausbildung zum Koch": "vocational_secondary",
    # DQR 6 (EQF 6), as the grammar reads it; the keyword list before it said short cycle
    "Meisterbrief im Elektrotechniker-Handwerk": "bachelor",
    "Master craftsman's examination certificate": "short_cycle",  # not a master's degree
    "Primary school certificate": "primary",
    # Arabic: the article al- is written onto the word
    "شهادة البكالوريوس في الهندسة المدنية": "bachelor",
    "شهادة الماجستير": "master",
    "شهادة الدكتوراه في الكيمياء": "doctorate",
    "الشهادة الثانوية العامة": "upper_secondary",
    "دبلوم المعهد التقني - تمريض": "short_cycle",
    "شهادة الدراسة الإعدادية": "lower_secondary",
    # Ukrainian: a junior specialist is short cycle, a specialist a master
    "диплом бакалавра": "bachelor",
    "диплом молодшого спеціаліста за спеціальністю сестринська справа": "short_cycle",
    "диплом спеціаліста": "master",
    "диплом кваліфікованого робітника за професією електрозварник": "vocational_secondary",
    # Vietnamese, Chinese, Farsi, Turkish
    "Bằng thạc sĩ quản trị kinh doanh": "master",
    "Bằng tốt nghiệp trung cấp nghề hàn": "vocational_secondary",
    "硕士学位证书": "master",
    "本科毕业证书": "bachelor",
    "专科毕业证书": "short_cycle",
    "دکترای تخصصی": "doctorate",
    "Yüksek lisans diploması": "master",
    "Meslek lisesi diploması": "vocational_secondary",
}


@pytest.mark.parametrize("title", sorted(TITLES))
def test_infer_type_reads_the_type_off_a_title(title: str) -> None:
    assert infer_type(title) == TITLES[title]


@pytest.mark.parametrize("title", ["Schweißer", "Certificate of attendance", "كهرباء"])
def test_infer_type_abstains_without_a_type_word(title: str) -> None:
    assert infer_type(title) is None


def test_infer_type_reads_each_grammar_word_as_the_grammar_types_it() -> None:
    """One list of type words: every degree or certificate word of the grammar's data,
    alone, is read as the type its term gives (so the two can never disagree)."""
    wrong = [(word, term["type"], infer_type(word.replace("*", "")))
             for term in grammar_data()["terms"] for word in term["words"]
             if infer_type(word.replace("*", "")) != term["type"]]
    assert not wrong
    assert sum(len(term["words"]) for term in grammar_data()["terms"]) > 500


# --- the EQF level from type and duration -----------------------------------------------------
@pytest.mark.parametrize(("qtype", "years", "level"), [
    ("primary", None, 1), ("lower_secondary", None, 2), ("upper_secondary", None, 4),
    ("vocational_secondary", None, 3), ("vocational_secondary", 2, 3),
    ("vocational_secondary", 3, 4), ("vocational_secondary", 0.5, 2),
    ("short_cycle", 2, 5), ("short_cycle", 1, 4), ("bachelor", 4, 6), ("master", 2, 7),
    ("doctorate", None, 8),
    (None, 1.5, 3), (None, 2, 4), (None, 3.5, 5), (None, 4, 6)])
def test_estimate_level_rules(qtype: str | None, years: float | None, level: int) -> None:
    found = estimate_level(qtype, years)
    assert found is not None and found[0] == level
    rule = found[1]
    if qtype is None:
        assert "unknown type" in rule
    else:
        assert qtype.replace("_", " ") in rule
    if years is not None:
        assert f"{years:g} years" in rule


def test_estimate_level_needs_a_type_or_a_duration() -> None:
    assert estimate_level(None, None) is None


def test_experience_confidence_grows_with_the_years() -> None:
    assert experience_confidence(5) == pytest.approx(0.9 * (1 - math.exp(-2.5)), abs=1e-4)
    assert experience_confidence(1) < 0.5 < experience_confidence(3) < experience_confidence(10)
    assert experience_confidence(60) <= 0.9


# --- the reference tables ------------------------------------------------------------------------
def write(tmp_path: Path, text: str | bytes, name: str = "table.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_read_eqf_csv_in_the_europass_format(tmp_path: Path) -> None:
    path = write(tmp_path, "qualification,country,eqf_level\n"
                           "Master degree,Slovenia,7.0\n"
                           "Professional bachelor diploma,Slovenia,6.0\n"
                           "An unnamed row,,\n")
    entries, report = read_eqf_csv(path)
    assert [(e.qualification, e.country, e.eqf_level) for e in entries] == [
        ("Master degree", "Slovenia", 7), ("Professional bachelor diploma", "Slovenia", 6)]
    assert (report.source, report.rows, report.skipped_without_level) == ("table.csv", 2, 1)
    assert {e.source for e in entries} == {"table.csv"}


@pytest.mark.parametrize(("text", "where", "what"), [
    ("qualification,country\nMaster degree,Slovenia\n", "table.csv", "missing column"),
    ("qualification,country,eqf_level\nMaster degree,Slovenia,7\nDoctorate,Slovenia,nine\n",
     "table.csv:3", "'nine'"),
    ("qualification,country,eqf_level\nA,Slovenia,7\nB,Slovenia,9\n", "table.csv:3", "'9'"),
    ("qualification,country,eqf_level\nA,Slovenia,6.5\n", "table.csv:2", "'6.5'"),
    ("qualification,country,eqf_level\n,Slovenia,6\n", "table.csv:2", "qualification is empty"),
    ("qualification,country,eqf_level,type\nA,Syria,4,gymnasium\n", "table.csv:2",
     "'gymnasium'"),
    ("qualification,country,eqf_level\n", "table.csv", "no rows"),
])
def test_read_eqf_csv_names_file_and_line(tmp_path: Path, text: str, where: str,
                                          what: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        read_eqf_csv(write(tmp_path, text))
    message = str(raised.value)
    assert message.startswith(str(tmp_path / where) + ":"), message
    assert what in message


def test_read_eqf_csv_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    latin1 = "qualification,country,eqf_level\nA,Austria,4\nMeisterprüfung,Österreich,6\n"
    with pytest.raises(InvalidInputError) as raised:
        read_eqf_csv(write(tmp_path, latin1.encode("latin-1")))
    assert str(raised.value).startswith(f"{tmp_path / 'table.csv'}:3: not UTF-8"), raised.value


def test_project_table_covers_the_countries_of_origin() -> None:
    entries = project_table()
    countries = {e.country for e in entries}
    assert {"Syria", "Afghanistan", "Ukraine", "Iraq", "Eritrea", "Türkiye", "Vietnam",
            "China", "Nigeria", "Iran", "Somalia", "Russia"} <= countries
    assert all(1 <= e.eqf_level <= 8 and e.type and e.native_title for e in entries)
    syria = {e.native_title: e.eqf_level for e in entries if e.country == "Syria"}
    assert syria["الشهادة الثانوية العامة"] == 4


def test_table_lookup_by_native_title_and_fuzzy_title() -> None:
    table = EqfTable(project_table())
    hit = table.lookup("Ukraine", "Диплом кваліфікованого робітника за професією кухар")
    assert hit is not None
    entry, score, levels = hit
    assert (entry.qualification, entry.eqf_level, levels) == ("Qualified worker diploma", 3, [3])
    assert score >= 88
    assert table.lookup("Turkey", "Lisans Diploması") is not None  # Türkiye, however spelled
    assert table.lookup("Ukraine", "Bachelor of Arts in History") is None
    assert table.lookup("Atlantis", "Bachelor's diploma") is None


def test_a_title_listed_at_several_levels_gives_the_lowest_and_says_so() -> None:
    rows = [EqfEntry("t", "Ireland", "Professional Award", level) for level in (6, 4, 5)]
    table = EqfTable(rows + [EqfEntry("t", "Ireland", "Higher Certificate", 6)])
    entry, _, levels = table.lookup("Ireland", "Professional Award") or (None, 0, [])
    assert entry is not None and entry.eqf_level == 4 and levels == [4, 5, 6]
    found = eqf_level(QualificationFields(title="Professional Award", country="Ireland"), table,
                      None)
    assert found["level"] == 4 and found["evidence"]["levels_in_table"] == [4, 5, 6]


def test_eqf_level_order_given_then_table_then_rules() -> None:
    table = EqfTable(project_table())
    title = "الشهادة الثانوية العامة"
    given = eqf_level(QualificationFields(title=title, country="Syria", eqf_level=5), table, None)
    assert given == {"level": 5, "method": "given", "estimated": False}
    found = eqf_level(QualificationFields(title=title, country="Syria"), table, None)
    assert (found["level"], found["method"], found["estimated"]) == (4, "table", False)
    assert found["evidence"]["source"] == "project"
    rule = eqf_level(QualificationFields(title=title, country="Egypt"), table, None)
    assert (rule["level"], rule["method"], rule["estimated"]) == (4, "type_and_duration", True)
    assert rule["evidence"]["type_from"] == "title"
    nothing = eqf_level(QualificationFields(title="Schweißer"), table, None)
    assert (nothing["level"], nothing["method"], nothing["estimated"]) == (None, "unknown",
                                                                           True)


# --- the text model ---------------------------------------------------------------------------
TOY = [("bachelor of arts in history", 6), ("bachelor of science in physics", 6),
       ("bachelor of engineering", 6), ("bachelor degree in economics", 6),
       ("master of arts in history", 7), ("master of science in physics", 7),
       ("master of engineering", 7), ("master degree in economics", 7),
       ("secondary school leaving certificate", 4), ("upper secondary school certificate", 4),
       ("general secondary education certificate", 4), ("secondary school diploma", 4)]


def test_estimator_follows_scikit_learn_conventions() -> None:
    estimator = EqfLevelEstimator(C=2.0)
    assert estimator.get_params() == {"C": 2.0}
    assert estimator.set_params(C=3.0) is estimator and estimator.C == 3.0
    with pytest.raises(NotFittedError):
        estimator.predict(["bachelor of arts"])
    titles, levels = zip(*TOY, strict=True)
    fitted = estimator.fit(list(titles), list(levels))
    assert fitted is estimator
    assert list(fitted.classes_) == [4, 6, 7]
    copy = clone(fitted)
    assert copy.get_params() == {"C": 3.0} and not hasattr(copy, "pipeline_")
    with pytest.raises(NotFittedError):
        copy.predict(["bachelor of arts"])


def test_estimator_learns_a_toy_set() -> None:
    titles, levels = zip(*TOY, strict=True)
    estimator = EqfLevelEstimator().fit(list(titles), list(levels))
    tests = ["Bachelor of Science in Chemistry", "Master of Science in Chemistry",
             "Secondary School Certificate"]
    assert list(estimator.predict(tests)) == [6, 7, 4]
    proba = estimator.predict_proba(tests)
    assert proba.shape == (3, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert estimator.score(tests, [6, 7, 4]) == 1.0


def test_estimator_needs_two_levels() -> None:
    with pytest.raises(InvalidInputError, match="two levels"):
        EqfLevelEstimator().fit(["bachelor of arts", "bachelor of science"], [6, 6])


def test_text_model_answers_when_no_table_row_and_no_type() -> None:
    titles, levels = zip(*TOY, strict=True)
    estimator = EqfLevelEstimator().fit(list(titles), list(levels))
    table = EqfTable([EqfEntry("toy", "Slovenia", "Master degree", 7)])
    no_words = Grammar({**grammar_data(), "terms": []}, frameworks=[])  # reads no type
    found = eqf_level(QualificationFields(title="Bachelor of Science in Chemistry"), table,
                      estimator, grammar=no_words)
    assert (found["level"], found["method"], found["estimated"]) == (6, "text_model", True)
    assert 0.5 <= found["evidence"]["probability"] <= 1.0


# --- regulated professions --------------------------------------------------------------------
def test_regulation_profile_for_germany() -> None:
    profile = RegulationProfile("DE")
    assert profile.country == "DE"
    nursing = profile.occupations[NURSING_ASSISTANT]
    assert nursing["label"] == "nursing assistant"
    assert nursing["compensation_measures"]
    assert "2221" in profile.isco_prefixes and "5321" not in profile.isco_prefixes
    assert RegulationProfile("de").country == "DE"


def test_unknown_destination_country_names_the_setting() -> None:
    with pytest.raises(InvalidInputError) as raised:
        RegulationProfile("XX")
    assert str(raised.value).startswith("destination_country:")
    assert "regulated_xx.json" in str(raised.value)
