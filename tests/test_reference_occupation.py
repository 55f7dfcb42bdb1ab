"""A qualification's reference occupation suits its level and its subject: a bachelor of
pharmacy makes a pharmacist, not a pharmacy technician (usually a level below) nor a
pharmacy lecturer (who teaches). Full ESCO's occupations and ISCO codes."""

from __future__ import annotations

import pytest

from matcher.concepts import Concepts
from matcher.recognition.eqf_table import EqfTable, project_table
from matcher.recognition.recogniser import Recogniser
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import QualificationFields
from skills_taxonomy.normalize import Normalizer


@pytest.fixture(scope="module")
def recogniser(esco: Normalizer) -> Recogniser:
    return Recogniser(Concepts(esco), EqfTable(project_table()), RegulationProfile("DE"))


def test_an_occupation_suits_the_qualifications_level_and_subject(
        recogniser: Recogniser) -> None:
    taxonomy = recogniser.concepts.taxonomy
    by_label = {c.preferred_label("en"): uri for uri, c in taxonomy.concepts.items()}
    pharmacist, technician, lecturer = (by_label[name] for name in (
        "pharmacist", "pharmacy technician", "pharmacy lecturer"))
    assert recogniser.suits(pharmacist, 6, teaching=False) == 1.0
    assert recogniser.suits(technician, 6, teaching=False) < 1.0  # usually EQF 5
    assert recogniser.suits(technician, 5, teaching=False) == 1.0
    assert recogniser.suits(lecturer, 6, teaching=False) < 1.0  # teaches; not said
    assert recogniser.suits(lecturer, 6, teaching=True) == 1.0
    assert recogniser.suits(pharmacist, None, teaching=False) == 1.0  # level unknown



@pytest.mark.parametrize(("title", "occupation"), [
    # the trade: not private chef, specialist pharmacist, accounting analyst (each a few
    # per cent ahead of the trade by its link alone)
    ("Koch mit Gesellenprüfung", "cook"),
    ("abgeschlossenes Studium der Pharmazie (Staatsexamen)", "pharmacist"),
    ("Doctorat en pharmacie", "pharmacist"),
    ("Bachelors degre in accounting", "accountant"),
    # the specialisation, named
    ("Certificate for hairdresser assistants", "hairdresser assistant"),
    ("Fachapotheker für klinische Pharmazie", "specialist pharmacist"),
])
def test_a_qualification_names_the_trade_unless_it_names_a_specialisation(
        recogniser: Recogniser, title: str, occupation: str) -> None:
    """ESCO files private chef under chef and specialist pharmacist under pharmacist: a
    qualification in the trade is the trade, unless its title names the specialisation."""
    level = recogniser.eqf(QualificationFields(title=title))["level"]
    best = recogniser.occupations(title, None, level=level)[0][0]
    assert recogniser.concepts.label(best) == occupation


@pytest.mark.parametrize(("title", "occupation"), [
    # a teacher and a subject: the subject's teacher, not the subject's scientist
    ("معلم رياضيات", "mathematics teacher at secondary school"),
    ("tarih öğretmenliği", "history teacher secondary school"),
    ("Lehrerin für Biologie", "biology teacher secondary school"),
    ("Cử nhân sư phạm Hóa học", "chemistry teacher secondary school"),
    ("高中物理教师资格证", "physics teacher secondary school"),
    ("Диплом магістра, 014 Середня освіта (Математика)",  # Ukraine's teacher degree
     "mathematics teacher at secondary school"),
    # the subject alone, a master craftsman ("معلم"), social pedagogy: no school teacher
    ("ليسانس رياضيات", "mathematician"),
    ("معلم حلويات", "pastry chef"),
    ("Diplom Sozialpädagogik", "social worker"),
])
def test_a_teacher_of_a_subject_is_that_subjects_teacher(
        recogniser: Recogniser, title: str, occupation: str) -> None:
    level = recogniser.eqf(QualificationFields(title=title))["level"]
    best = recogniser.occupations(title, None, level=level)[0][0]
    assert recogniser.concepts.label(best) == occupation

