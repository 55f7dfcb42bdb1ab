"""A teacher named with the level or the subject taught ("معلمة رياضيات بمدرسة ابتدائية",
"giáo viên tiếng Anh tiểu học", "Lehrerin für Mathematik"): the ESCO teacher of that
level and subject, composed from the words; nothing from a bare word for teacher, nor for
a teaching assistant."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills_taxonomy.embedding import Encoder
from skills_taxonomy.model import Concept, ConceptKind, Label, LabelType, Taxonomy
from skills_taxonomy.normalize import Normalizer
from tests.conftest import needs_shared

ESCO = "http://data.europa.eu/esco/"
# the occupations as ESCO names them, and subjects labelled as the label files do
OCCUPATIONS = {
    "primary school teacher": {}, "early years teacher": {}, "secondary school teacher": {},
    "language school teacher": {}, "mathematics teacher at secondary school": {},
    "literature teacher at secondary school": {},
    "modern languages teacher secondary school": {},
    "early years teaching assistant": {"tr": "yardımcı öğretmen"},
}
SKILLS = {
    "mathematics": {"ar": "رياضيات", "de": "Mathematik", "tr": "matematik"},
    "Arabic": {"ar": "اللغة العربية"},
    "English": {"ar": "اللغة الإنجليزية", "tr": "İngilizce", "vi": "tiếng Anh"},
}


def _concept(kind: ConceptKind, label: str, others: dict[str, str]) -> Concept:
    uri = f"{ESCO}{'occupation' if kind is ConceptKind.OCCUPATION else 'skill'}/{label}"
    return Concept(uri, kind, [Label(label, "en", LabelType.PREFERRED, "esco"),
                               *(Label(text, lang, LabelType.ALTERNATIVE, "project:labels")
                                 for lang, text in others.items())])


@pytest.fixture(scope="module")
def school(encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Normalizer:
    taxonomy = Taxonomy()
    for label, others in OCCUPATIONS.items():
        taxonomy.add(_concept(ConceptKind.OCCUPATION, label, others))
    for label, others in SKILLS.items():
        taxonomy.add(_concept(ConceptKind.SKILL, label, others))
    return Normalizer(taxonomy, encoder, tmp_path_factory.mktemp("school"))


def composed(normalizer: Normalizer, text: str) -> list[tuple[str, str]]:
    [statement] = normalizer.statements([text])
    return [(m.label, m.text) for m in statement.mentions if m.method == "composed"]


@pytest.mark.parametrize(("text", "occupation", "word"), [
    # the level decides, wherever in the text it is said
    ("معلمة رياضيات بمدرسة ابتدائية", "primary school teacher", "معلمة"),
    ("giáo viên tiếng Anh tiểu học", "primary school teacher", "giáo viên"),
    ("вчителька, 15 років стажу, початкові класи", "primary school teacher", "вчителька"),
    ("Воспитатель детского сада", "early years teacher", "Воспитатель"),
    ("小学语文老师", "primary school teacher", "老师"),
    ("giáo viên ở trung tâm ngoại ngữ", "language school teacher", "giáo viên"),
    # at a secondary school, or where no level is said, the subject
    ("Lehrerin für Mathematik am Gymnasium", "mathematics teacher at secondary school",
     "Lehrerin"),
    ("matematik öğretmeni", "mathematics teacher at secondary school", "öğretmeni"),
    ("مدرس في ثانوية", "secondary school teacher", "مدرس"),
    # a language: the teacher's own is taught as literature, another as a modern language
    ("معلم اللغة العربية", "literature teacher at secondary school", "معلم"),
    ("معلم اللغة الإنجليزية", "modern languages teacher secondary school", "معلم"),
    ("İngilizce öğretmeni", "modern languages teacher secondary school", "öğretmeni"),
])
def test_the_teacher_of_a_level_or_a_subject(school: Normalizer, text: str, occupation: str,
                                             word: str) -> None:
    assert composed(school, text) == [(occupation, word)]


def test_the_subject_stays_a_skill_beside_the_teacher(school: Normalizer) -> None:
    [statement] = school.statements(["Lehrerin für Mathematik"])
    found = {(m.kind, m.label, m.text, m.method) for m in statement.mentions}
    assert found == {("occupation", "mathematics teacher at secondary school", "Lehrerin",
                      "composed"), ("skill", "mathematics", "Mathematik", "exact")}
    assert statement.unlinked == []


@pytest.mark.parametrize("text", [
    "معلم", "Lehrerin", "giáo viên",  # a teacher of what, where?
    "anaokulunda yardımcı öğretmen",  # a teaching assistant
    "Mathematik und Englisch",  # subjects without a teacher
])
def test_nothing_is_composed_from_too_little(school: Normalizer, text: str) -> None:
    assert composed(school, text) == []


def test_a_title_names_the_composed_teacher_first(school: Normalizer) -> None:
    [best] = school.link_occupations("Lehrer (m/w/d) für Mathematik", top_k=1)
    assert (best.label, best.method) == ("mathematics teacher at secondary school",
                                         "composed")


def test_a_taxonomy_without_teachers_composes_nothing(starter: Normalizer) -> None:
    assert composed(starter, "giáo viên tiểu học, dạy toán") == []


@needs_shared
@pytest.mark.parametrize(("text", "occupation"), [
    ("معلمة في مدرسة ابتدائية", "primary school teacher"),
    ("вчителька початкових класів у середній школі", "primary school teacher"),
    ("giáo viên mầm non", "early years teacher"),
    ("ilkokulda öğretmen olarak çalıştım", "primary school teacher"),
    ("教师，高中，物理", "secondary school teacher"),
])
def test_teachers_on_full_esco(esco: Normalizer, text: str, occupation: str) -> None:
    [statement] = esco.statements([text])
    assert occupation in {m.label for m in statement.mentions if m.kind == "occupation"}


def test_the_grammar_is_well_formed() -> None:
    """Every level names an occupation ESCO has, and each pattern compiles."""
    from skills_taxonomy.teachers import GRAMMAR, load_grammar

    grammar = load_grammar(Path(GRAMMAR))
    assert [level for level, _ in grammar.levels] == [
        "early years teacher", "primary school teacher", "vocational teacher",
        "language school teacher", "secondary school teacher"]
    assert grammar.teacher.search("Lehrerin") and not grammar.teacher.search("Lehrling")
    assert not grammar.teacher.search("Fahrlehrer")  # a driving instructor's own label
