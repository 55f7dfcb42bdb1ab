"""Fields of study and trades in qualification titles (matcher.recognition.study_fields):
what a title names in ten languages, what it must not be read as, the data file behind
it, and the reference occupation a named field leads to through the API."""

from __future__ import annotations

import csv
import json
from collections import Counter
from importlib import resources
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.recognition.study_fields import StudyFields, shipped_fields, study_fields_data
from skills_taxonomy.text import fold
from tests.conftest import SHARED, World, needs_shared

LANGS = {"en", "de", "fr", "uk", "ru", "tr", "ar", "fa", "vi", "zh"}


@pytest.fixture(scope="module")
def fields() -> StudyFields:
    return shipped_fields()


def named(fields: StudyFields, title: str) -> set[str]:
    return {found.field.id for found in fields.find(title)}


@pytest.mark.parametrize(("title", "field"), [
    ("ليسانس حقوق", "law"),  # Arabic: law (the word also means "rights")
    ("شهادة جامعية في القانون", "law"),
    ("فوق لیسانس حقوق", "law"),  # Persian
    ("магістр права", "law"),
    ("высшее юридическое образование", "law"),
    ("hukuk fakültesi", "law"),
    ("cu nhan luat", "law"),  # Vietnamese typed without its marks
    ("法学本科", "law"),
    ("执业医师资格证书", "medicine"),  # a licensed physician's certificate
    ("Licence en droit", "law"),
    ("经济学硕士", "economics"),
    ("üniversite mezunu, iktisat", "economics"),
    ("Cử nhân kinh tế", "economics"),
    ("دوکتورا در طب", "medicine"),
    ("tıp fakültesi mezunu", "medicine"),
    ("كارشناسی داروسازی", "pharmacy"),
    ("ماجستير صيدلة سريرية", "pharmacy"),
    ("дипломований фахівець з бухобліку", "accounting"),
    ("Bằng trung cấp nghề hàn", "welding"),
    ("електрогазозварник 5 розряду", "welding"),
    ("中专学历，烹饪专业", "cooking"),
    ("دبلوم المعهد المتوسط للكهرباء", "electrical_trade"),  # لل: "for the"
    ("Fachhochschulabschluss Soziale Arbeit", "social_work"),
    # Ukrainian and Russian typed without the keyboard
    ("magistr prava", "law"),
    ("diplom bakalavra, ekonomika", "economics"),
    ("svarshchik 5 razryada", "welding"),
    # engineering specialities, seafaring, rail, guiding, costing
    ("بكالوريوس هندسة البيئة - جامعة بغداد", "environmental_engineering"),
    ("Нефтегазовое дело, бакалавр", "petroleum_engineering"),
    ("Судноводіння", "nautical_science"),
    ("Машинист электровоза", "railway_driving"),
    ("导游证", "tourist_guiding"),
    ("造价工程师", "quantity_surveying"),
    ("Lebensmitteltechnologie (B.Sc.)", "food_processing"),
    # the metal trades, as a German foreman's or a Turkish vocational school's title names them
    ("Geprüfter Industriemeister Fachrichtung Metall (IHK)", "metal_technology"),
    ("Meslek Lisesi Metal Teknolojisi Alanı", "metal_technology"),
    ("دبلوم تشكيل المعادن", "metal_technology"),
    # business administration, the commercial institute
    ("بكالوريوس إدارة أعمال - جامعة حلب", "business_administration"),
    ("شهادة دبلوم معهد متوسط تجاري", "business_administration"),
    ("Диплом магистра, менеджмент организаций", "business_administration"),
    ("İşletme Fakültesi mezunu", "business_administration"),
    ("工商管理本科", "business_administration"),
    # marketing, finance, trade, e-commerce and public administration: degrees common among
    # the people the engine serves, which named no field before
    ("市场营销 本科", "marketing"),
    ("Bachelor of Marketing", "marketing"),
    ("Диплом бакалавра, маркетинг", "marketing"),
    ("Cử nhân tài chính ngân hàng", "finance_banking"),
    ("Диплом специалиста, финансы и кредит", "finance_banking"),
    ("بكالوريوس علوم مالية ومصرفية", "finance_banking"),
    ("国际经济与贸易 学士", "international_trade"),
    ("Dış Ticaret önlisans", "international_trade"),
    ("Kauffrau im E-Commerce", "e_commerce"),
    ("电子商务专业 大专", "e_commerce"),
    ("لیسانس مدیریت دولتی", "public_administration"),
    ("لیسانس اداره و پالیسی عامه، پوهنتون کابل", "public_administration"),
    ("магістр публічного управління", "public_administration"),
])
def test_a_title_names_its_field_in_ten_languages(fields: StudyFields, title: str,
                                                  field: str) -> None:
    assert field in named(fields, title)


def test_the_longest_words_decide(fields: StudyFields) -> None:
    # "electrical" alone is the electrician's trade; in "electrical engineering" it is not
    assert named(fields, "Degree in Electrical Engineering") == {"electrical_engineering"}
    assert named(fields, "Vocational high school, electrical department") == {
        "electrical_trade"}
    assert named(fields, "兽医师") == {"veterinary"}  # not 医师, a physician
    assert named(fields, "Бакалавр, менеджмент персонала") == {"human_resources"}
    # the economics inside "international economics and trade" is the trade degree's
    assert named(fields, "国际经济与贸易") == {"international_trade"}
    assert named(fields, "Cử nhân kế toán tài chính") == {"accounting"}  # not finance
    found = fields.find("Degree in Electrical Engineering")[0]
    assert found.words == "electrical engineering"


def test_a_driving_licence_is_no_law_degree(fields: StudyFields) -> None:
    # "права" is law in "магістр права", a driving licence here
    assert named(fields, "водійські права категорії C") == {"heavy_vehicle_driving"}


@pytest.mark.parametrize("text", [
    "Chứng chỉ tin học văn phòng",  # office computing, not computer science
    "Upper Second Class Honours (2:1)",
    "Bằng cao đẳng",  # "cao" (college) is no drafting
    "Abitur",
    "help magistrate",  # "магістр" transliterated is a word's stem, not any word's prefix
])
def test_words_that_only_look_like_a_field_name_none(fields: StudyFields, text: str) -> None:
    assert named(fields, text) == set()


def test_the_data_file_is_well_formed() -> None:
    data = study_fields_data()
    assert data["format"] == "study-fields/1"
    ids = [f["id"] for f in data["fields"]]
    assert len(ids) == len(set(ids)) >= 90
    coverage: Counter[str] = Counter()
    for entry in data["fields"]:
        assert entry["occupations"], entry["id"]
        assert set(entry["words"]) <= LANGS, entry["id"]
        for lang, words in entry["words"].items():
            coverage[lang] += len(words)
            assert len(words) == len(set(words)), (entry["id"], lang)
            for word in words:
                assert fold(word.replace("*", "")), (entry["id"], lang, word)
                assert not word.startswith("*"), (entry["id"], lang, word)
    assert set(coverage) == LANGS and min(coverage.values()) >= 100, coverage


@needs_shared
def test_every_field_leads_to_known_esco_occupations() -> None:
    path = SHARED / "esco" / "v1.1.1" / "en" / "occupations_en.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        labels = {r["conceptUri"]: " ".join(r["preferredLabel"].split())
                  for r in csv.DictReader(handle)}
    for entry in study_fields_data()["fields"]:
        for occupation in entry["occupations"]:
            assert labels.get(occupation["uri"]) == occupation["label"], entry["id"]
            assert occupation.get("from_eqf") in (None, 5, 6, 7), entry["id"]
            assert occupation.get("teaching", False) in (False, True), entry["id"]


def test_the_data_ships_with_the_package() -> None:
    path = resources.files("matcher") / "data" / "recognition" / "study_fields.json"
    assert json.loads(path.read_text(encoding="utf-8"))["fields"]


# --- through the API (starter taxonomy) -------------------------------------------------------
def recognise(client: TestClient, world: World, **body: Any) -> dict[str, Any]:
    response = client.post("/recognition/qualification", json=body,
                           headers=world.auth("coach_a"))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


@pytest.mark.parametrize(("title", "lang", "occupation", "field"), [
    ("Bằng trung cấp nghề hàn", "vi", "welder", "welding"),  # "hàn" alone linked a shepherd
    ("中专学历，烹饪专业", "zh", "cook", "cooking"),
    ("دبلوم فنون الطهي", "ar", "cook", "cooking"),  # culinary arts
    ("شهادة الإعدادية الصناعية - فرع التمديدات الصحية", "ar", "plumber", "plumbing"),
    ("Gesellenbrief Zimmerer", "de", "carpenter", "carpentry"),  # a Tischler makes furniture
])
def test_a_named_field_leads_to_its_occupation_with_the_evidence(
        client: TestClient, world: World, title: str, lang: str, occupation: str,
        field: str) -> None:
    found = recognise(client, world, title=title, lang=lang)
    assert found["reference_occupation"]["id"] == world.vocab.occupation(occupation)
    assert found["reference_occupation"]["certainty"] == "high"
    assert field in {f["field"] for f in found["fields_of_study"]}
    assert all(f["words"] for f in found["fields_of_study"])


def test_a_field_the_taxonomy_lacks_leaves_the_linking_alone(client: TestClient,
                                                             world: World) -> None:
    # law leads to the lawyer, whom the starter taxonomy does not hold: the field is still
    # reported as evidence, and no occupation outside the taxonomy is offered
    [law] = [f for f in study_fields_data()["fields"] if f["id"] == "law"]
    lawyer = law["occupations"][0]["uri"]
    assert lawyer not in world.vocab.taxonomy.concepts
    found = recognise(client, world, title="ليسانس حقوق", lang="ar")
    assert [f["field"] for f in found["fields_of_study"]] == ["law"]
    assert lawyer not in {o["id"] for o in found["reference_occupations"]}
