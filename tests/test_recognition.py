"""Recognition through the HTTP API, against the embedded PostgreSQL and the real model:
foreign qualifications (reference occupation, EQF level with its evidence, regulation,
skills and gap), the EQF reference tables, prior learning from work experience and
qualifications, the recognition status and the gates of regulated occupations,
apprenticeships and placements, and what becomes reachable after short courses.

Everything here lives in Dresden, far outside the travel radius of the shared world's
candidates (Köln, Bonn), under its own centre and employer, with external ids `t-rec-`."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher import cli
from matcher.engine import Engine
from matcher.recognition.eqf_table import PROJECT_TABLE
from matcher.store.auth import create_user, issue_token, upsert_organisation
from tests.conftest import (
    SHARED,
    Vocabulary,
    World,
    candidate_body,
    course_body,
    scalar,
    vacancy_body,
)

DRESDEN = {"town": "Dresden", "lat": 51.0504, "lon": 13.7373}
EUROPASS = SHARED / "recognition" / "europass_qualifications_eqf.csv"

UK_WELDER = "диплом кваліфікованого робітника за професією електрозварник"
UK_NURSE = "диплом кваліфікованого робітника за професією молодша медична сестра"
AR_WELDER = "شهادة المعهد المتوسط - لحام"  # intermediate institute diploma - welding


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def detail_of(response: Any, status: int = 422) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def experience(years: float) -> float:
    return 0.9 * (1 - math.exp(-years / 2))


@dataclass
class Rec:
    """This module's own centre, employer, users, vacancies and courses."""

    centre: int
    employer: int
    tokens: dict[str, str]
    vocab: Vocabulary
    vacancies: dict[str, int] = field(default_factory=dict)
    courses: dict[str, int] = field(default_factory=dict)

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def occupation(self, label: str) -> str:
        return self.vocab.occupation(label)

    def skills(self, *labels: str) -> list[str]:
        return self.vocab.skills(*labels)

    def essential(self, occupation: str) -> set[str]:
        return set(self.vocab.taxonomy.essential_skills(self.occupation(occupation)))

    def optional(self, occupation: str) -> set[str]:
        return set(self.vocab.taxonomy.optional_skills(self.occupation(occupation)))


def _created(response: Any) -> int | str:
    return ok(response, 201)["id"]


@pytest.fixture(scope="module")
def rec(engine: Engine, client: TestClient, world: World) -> Rec:
    vocab = world.vocab
    with engine.connection() as conn:
        centre = upsert_organisation(conn, "Anerkennungsberatung Dresden", "centre",
                                     "t-rec-centre")
        employer = upsert_organisation(conn, "Elbe Metall und Pflege GmbH", "employer",
                                       "t-rec-employer")
        tokens = {"admin": world.tokens["admin"]}
        for role, name, kind, org in (("coach", "Rita Rec", "coach", centre),
                                      ("employer", "Egon Rec", "employer", employer)):
            tokens[role] = issue_token(conn, create_user(conn, name, kind, org), "t-rec")
    r = Rec(centre, employer, tokens, vocab)
    welder, nursing = vocab.occupation("welder"), vocab.occupation("nursing assistant")
    for key, body in (
            ("welder_job", vacancy_body("t-rec-schweisser", "Schweißer (m/w/d)", "job",
                                        DRESDEN, occupation=welder)),
            ("nursing_strict", vacancy_body(
                "t-rec-pflegehelfer", "Staatlich anerkannte Pflegehelfer (m/w/d)", "job",
                DRESDEN, occupation=nursing, requires_recognition=True)),
            ("nursing_open", vacancy_body(
                "t-rec-pflegehelfer-anerkennung", "Pflegehelfer in Anerkennung (m/w/d)", "job",
                DRESDEN, occupation=nursing, requires_recognition=True,
                accepts_in_process=True)),
            ("nursing_helper", vacancy_body(
                "t-rec-pflegehilfskraft", "Pflegehilfskraft (m/w/d)", "job", DRESDEN,
                occupation=nursing)),
            ("reach_job", vacancy_body(
                "t-rec-schweisser-wig", "WIG-Schweißer (m/w/d)", "job", DRESDEN,
                occupation=welder, essential_skills=vocab.skills(
                    "arc welding", "MAG welding", "TIG welding", "read technical drawings",
                    "deburr metal")))):
        r.vacancies[key] = int(_created(client.post("/vacancies", json=body,
                                                    headers=r.auth("employer"))))
    for key, body in (
            ("adaptation", course_body(
                "t-rec-anpassungslehrgang", "Anpassungslehrgang Pflegehilfe", [],
                provider="Pflegeschule Dresden", location=DRESDEN, duration_weeks=8,
                compensation_for=nursing, measure="adaptation_course")),
            ("knowledge_test", course_body(
                "t-rec-kenntnispruefung", "Vorbereitung Kenntnisprüfung Pflegehilfe", [],
                provider="Pflegeschule Dresden", location=DRESDEN, duration_weeks=2,
                compensation_for=nursing, measure="knowledge_test")),
            ("tig", course_body(
                "t-rec-kurs-wig", "WIG-Schweißen und Zeichnungslesen", vocab.skills(
                    "TIG welding", "read technical drawings", "deburr metal"),
                provider="SLV Dresden", location=DRESDEN, duration_weeks=3))):
        r.courses[key] = int(_created(client.post("/courses", json=body,
                                                  headers=r.auth("coach"))))
    return r


def add_candidate(client: TestClient, r: Rec, key: str, name: str, **fields: Any) -> str:
    body = candidate_body(f"t-rec-{key}", name, DRESDEN, **fields)
    return str(_created(client.post("/candidates", json=body, headers=r.auth("coach"))))


def matches_of(client: TestClient, r: Rec, cid: str, **params: Any) -> dict[int, dict]:
    page = ok(client.get(f"/candidates/{cid}/matches", params={"limit": 100, **params},
                         headers=r.auth("coach")))
    return {item["vacancy"]["id"]: item for item in page["items"]}


def recognise(client: TestClient, r: Rec, **body: Any) -> dict[str, Any]:
    return ok(client.post("/recognition/qualification", json=body, headers=r.auth("coach")))


# --- 1. one qualification ---------------------------------------------------------------------
TITLES = [
    # title, country, lang, reference occupation, certainty, EQF level, EQF method
    (UK_WELDER, "Ukraine", "uk", "welder", "high", 3, "table"),
    (UK_NURSE, "Ukraine", "uk", "nursing assistant", "high", 3, "table"),
    (AR_WELDER, "Syria", "ar", "welder", "high", 5, "table"),
    ("دبلوم مساعد تمريض", "Iraq", "ar", "nursing assistant", "high", 5, "type_and_duration"),
    ("Chứng chỉ sơ cấp nghề đầu bếp", "Vietnam", "vi", "cook", "high", 2, "table"),
    ("Chứng chỉ thợ hàn", "Vietnam", "vi", "welder", "high", None, None),
    ("Staatlich anerkannter Gesundheits- und Krankenpflegehelfer", "Germany", "de",
     "nursing assistant", "high", None, None),
    ("Welder trade test certificate (grade I)", "Nigeria", "en", "welder", "high", 3,
     "type_and_duration"),
]


@pytest.mark.parametrize(("title", "country", "lang", "occupation", "certainty", "level",
                          "method"), TITLES, ids=[f"{t[2]}-{t[3]}-{t[5]}" for t in TITLES])
def test_qualification_title_reaches_its_reference_occupation(
        client: TestClient, rec: Rec, title: str, country: str, lang: str, occupation: str,
        certainty: str, level: int | None, method: str | None) -> None:
    found = recognise(client, rec, title=title, country=country, lang=lang)
    assert found["title"] == title and found["country"] == country
    assert found["reference_occupation"] == {"id": rec.occupation(occupation),
                                             "certainty": certainty}
    best = found["reference_occupations"][0]
    assert best["id"] == rec.occupation(occupation)
    assert best["label"] == rec.vocab.label(best["id"], lang)  # labels in the asked language
    if method is not None:
        eqf = found["eqf"]
        assert (eqf["level"], eqf["method"]) == (level, method)
        assert eqf["estimated"] is (method != "table")
        if method == "table":
            assert eqf["evidence"]["source"] == PROJECT_TABLE
            assert eqf["evidence"]["country"] == country
    assert found["skills"] and {s["source"] for s in found["skills"]} == {"qualification"}


def test_general_school_certificate_has_a_table_level_but_no_occupation(
        client: TestClient, rec: Rec) -> None:
    found = recognise(client, rec, title="الشهادة الثانوية العامة", country="Syria", lang="ar")
    assert found["eqf"] == {"level": 4, "method": "table", "estimated": False, "evidence": {
        "source": PROJECT_TABLE, "country": "Syria",
        "qualification": "General Secondary Education Certificate",
        "native_title": "الشهادة الثانوية العامة", "match": 1.0}}
    assert "reference_occupation" not in found
    assert "general-education certificate" in found["note"]
    assert not {"regulation", "skills", "gap"} & set(found)


def test_eqf_estimate_given_level_and_their_evidence(client: TestClient, rec: Rec) -> None:
    rule = recognise(client, rec, title="Welding certificate", type="vocational_secondary",
                     duration_years=3)["eqf"]
    assert (rule["level"], rule["method"], rule["estimated"]) == (4, "type_and_duration", True)
    assert rule["evidence"]["type"] == "vocational_secondary"
    assert rule["evidence"]["type_from"] == "given"
    assert "3 or more: EQF 4" in rule["evidence"]["rule"]
    short = recognise(client, rec, title="Welding certificate", type="vocational_secondary",
                      duration_years=0.5)["eqf"]
    assert (short["level"], short["estimated"]) == (2, True)


    given = recognise(client, rec, title=UK_WELDER, country="Ukraine", eqf_level=4)["eqf"]
    assert given == {"level": 4, "method": "given", "estimated": False}


def test_regulation_in_germany(client: TestClient, rec: Rec) -> None:
    nurse = recognise(client, rec, title=UK_NURSE, country="Ukraine", lang="uk")
    rules = nurse["regulation"]
    assert (rules["country"], rules["regulated"], rules["source"]) == ("DE", True, "profile DE")
    assert "state authority" in rules["authority"]
    assert rules["compensation_measures"] == ["adaptation course (Anpassungslehrgang)",
                                              "knowledge test (Kenntnisprüfung)"]
    assert rules["work_without_recognition"] is True and rules["reason"]

    welder = recognise(client, rec, title=UK_WELDER, country="Ukraine", lang="uk")["regulation"]
    assert welder == {"country": "DE", "regulated": False, "source": "profile DE: not listed"}

    same = ok(client.get("/recognition/regulated", params={
        "occupation": rec.occupation("nursing assistant")}, headers=rec.auth("coach")))
    assert same["regulated"] is True and same["authority"] == rules["authority"]


def test_skills_evidenced_and_the_gap(client: TestClient, rec: Rec) -> None:
    found = recognise(client, rec, title=UK_WELDER, country="Ukraine")
    essential = rec.essential("welder")
    assert essential  # the starter taxonomy lists a welder's essential skills
    evidenced = {s["skill"]: s for s in found["skills"]}
    assert essential <= set(evidenced)
    assert all(s["source"] == "qualification" and s["how"] == "implied by the title"
               for s in found["skills"])
    assert found["gap"] == []

    # The transcript says what was covered; the title then says less: the rest is the gap.
    listed = recognise(client, rec, title="Welding certificate", country="Ukraine",
                       content="MAG welding, TIG welding")
    got = {s["skill"]: s for s in listed["skills"]}
    covered = set(rec.skills("MAG welding", "TIG welding"))
    assert covered <= set(got)
    assert {got[s]["how"] for s in covered} == {"listed in the content"}
    gap = {g["skill"] for g in listed["gap"]}
    assert gap == essential - covered
    assert all(g["confidence"] < 0.5 for g in listed["gap"])


def test_qualification_below_the_usual_level_evidences_less(client: TestClient,
                                                             rec: Rec) -> None:
    essential = rec.essential("welder")
    below = recognise(client, rec, title=UK_WELDER, country="Ukraine")  # EQF 3 (table)
    at = recognise(client, rec, title=UK_WELDER, country="Ukraine", eqf_level=4)
    assert below["level_gap"] == {"qualification_eqf": 3, "usual_eqf_for_occupation": 4,
                                  "below": True}
    assert at["level_gap"]["below"] is False
    low = {s["skill"]: s["confidence"] for s in below["skills"] if s["skill"] in essential}
    full = {s["skill"]: s["confidence"] for s in at["skills"] if s["skill"] in essential}
    assert set(low) == set(full) == essential
    assert all(c == 0.75 for c in full.values())
    assert all(c == pytest.approx(0.75 * 0.7) for c in low.values())


@pytest.mark.parametrize(("body", "where"), [
    ({"title": "Welding certificate", "type": "gymnasium"}, "body.type"),
    ({"title": "Welding certificate", "eqf_level": 9}, "body.eqf_level"),
    ({"title": "   "}, "body.title"),
    ({"title": "Welding certificate", "duration_years": -1}, "body.duration_years"),
])
def test_bad_qualification_is_refused_naming_the_field(client: TestClient, rec: Rec,
                                                       body: dict[str, Any],
                                                       where: str) -> None:
    response = client.post("/recognition/qualification", json=body, headers=rec.auth("coach"))
    assert detail_of(response).startswith(where + ":")


# --- 2. EQF reference tables -------------------------------------------------------------------
def table_counts(client: TestClient, r: Rec) -> dict[str, int]:
    page = ok(client.get("/recognition/eqf-tables", headers=r.auth("coach")))
    return {item["source"]: item["rows"] for item in page["items"]}


@pytest.fixture()
def restore_tables(engine: Engine) -> Iterator[None]:
    """Imported tables refit the shared engine's text model: drop what the test added."""
    with engine.connection() as conn:
        before = {row[0] for row in conn.execute("SELECT DISTINCT source FROM eqf_reference")}
    yield
    with engine.connection() as conn:
        added = conn.execute("DELETE FROM eqf_reference WHERE NOT source = ANY(%s)",
                             (sorted(before),)).rowcount
        if added:
            engine.recogniser = engine._recogniser(conn)


@pytest.mark.skipif(not EUROPASS.exists(), reason=f"{EUROPASS} not found")
def test_europass_table_import_and_use(client: TestClient, rec: Rec,
                                       restore_tables: None) -> None:
    craftsman = {"title": "Master craftsman's examination certificate", "country": "Slovenia"}
    before = recognise(client, rec, **craftsman)["eqf"]
    assert before["method"] != "table" and before["estimated"] is True

    data = EUROPASS.read_bytes()
    imported = ok(client.post("/recognition/eqf-tables", params={"source": "europass"},
                              content=data, headers={**rec.auth("admin"),
                                                     "Content-Type": "text/csv"}), 201)
    assert (imported["source"], imported["rows"], imported["skipped_without_level"]) == (
        "europass", 814, 2)
    rows = [row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
            if row["eqf_level"].strip()]
    distinct = {(row["country"].strip(), row["qualification"].strip(),
                 int(float(row["eqf_level"]))) for row in rows}
    counts = table_counts(client, rec)
    # a title repeated at the same level is stored once; at different levels, each level
    assert counts["europass"] == len(distinct)
    assert counts[PROJECT_TABLE] > 0

    after = recognise(client, rec, **craftsman)["eqf"]
    assert (after["level"], after["method"], after["estimated"]) == (4, "table", False)
    assert after["evidence"]["source"] == "europass"
    assert after["evidence"]["qualification"] == craftsman["title"]

    # A malformed file changes nothing, not even the table of the same source.
    bad = ("qualification,country,eqf_level\nMaster degree,Slovenia,7\n"
           "Doctoral degree,Slovenia,nine\n")
    response = client.post("/recognition/eqf-tables", params={"source": "europass"},
                           content=bad, headers={**rec.auth("admin"), "Content-Type": "text/csv"})
    detail = detail_of(response)
    assert detail.startswith("body:3:") and "'nine'" in detail
    assert table_counts(client, rec) == counts
    assert recognise(client, rec, **craftsman)["eqf"] == after


def test_eqf_table_upload_is_checked(client: TestClient, rec: Rec) -> None:
    counts = table_counts(client, rec)
    csv_text = "qualification,country,eqf_level\nt-rec diploma,Probeland,4\n"
    as_json = client.post("/recognition/eqf-tables", params={"source": "t-rec-table"},
                          content=csv_text, headers={**rec.auth("admin"),
                                                     "Content-Type": "application/json"})
    assert "text/csv" in detail_of(as_json, 415)
    for role in ("coach", "employer"):
        refused = client.post("/recognition/eqf-tables", params={"source": "t-rec-table"},
                              content=csv_text, headers={**rec.auth(role),
                                                         "Content-Type": "text/csv"})
        assert refused.status_code == 403, refused.text
    shipped = client.post("/recognition/eqf-tables", params={"source": PROJECT_TABLE},
                          content=csv_text, headers={**rec.auth("admin"),
                                                     "Content-Type": "text/csv"})
    assert detail_of(shipped).startswith("source:")
    latin1 = client.post("/recognition/eqf-tables", params={"source": "t-rec-table"},
                         content="qualification,country,eqf_level\nMeisterprüfung,AT,6\n"
                         .encode("latin-1"), headers={**rec.auth("admin"),
                                                      "Content-Type": "text/csv"})
    assert detail_of(latin1).startswith("body: not UTF-8")
    assert table_counts(client, rec) == counts


def test_cli_eqf_import_of_a_bad_file_is_one_error_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MATCHER_PGDATA", str(tmp_path / "pgdata"))
    bad = tmp_path / "bad.csv"
    bad.write_text("qualification,country,eqf_level\nMaster degree,Slovenia,7\n"
                   "Doctoral degree,Slovenia,nine\n", encoding="utf-8")
    assert cli.main(["eqf", "import", str(bad), "--source", "t-rec-cli"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}:3: eqf_level 'nine'"), err
    assert not (tmp_path / "pgdata").exists()  # refused before a database was started


# --- 3. prior learning -----------------------------------------------------------------------
def test_work_experience_evidences_the_occupations_skills(client: TestClient,
                                                          rec: Rec) -> None:
    welder = rec.occupation("welder")
    essential, optional = rec.essential("welder"), rec.optional("welder")
    five = add_candidate(client, rec, "welder-5y", "Taras Welder", lang="uk",
                         experience=[{"title": "Зварювальник", "years": 5,
                                      "occupation": welder}])
    one = add_candidate(client, rec, "welder-1y", "Ihor Welder", lang="uk",
                        experience=[{"title": "Зварювальник", "years": 1,
                                     "occupation": welder}])

    def derived(cid: str) -> dict[str, float]:
        profile = ok(client.get(f"/candidates/{cid}", headers=rec.auth("coach")))
        return {s["skill"]: s["confidence"] for s in profile["skills"]
                if s["source"] == "work_experience"}

    skills = derived(five)
    assert {s: skills[s] for s in essential} == {
        s: pytest.approx(experience(5), abs=1e-4) for s in essential}
    assert {s: skills[s] for s in optional} == {
        s: pytest.approx(experience(5) / 2, abs=1e-4) for s in optional}
    weak = derived(one)
    assert set(weak) == essential  # half of a weak confidence is not stored at all
    assert all(c == pytest.approx(experience(1), abs=1e-4) for c in weak.values())
    assert experience(1) < 0.5 < experience(5)

    job = rec.vacancies["welder_job"]
    missing = {m["skill"]: m for m in matches_of(client, rec, one)[job]["missing_essential"]}
    assert set(missing) == essential
    assert all(m["partial_credit"] == pytest.approx(experience(1), abs=1e-4)
               for m in missing.values())
    assert matches_of(client, rec, five)[job]["missing_essential"] == []


def test_match_evidence_lists_each_source_and_the_verified_claim_wins(
        client: TestClient, rec: Rec) -> None:
    welder = rec.occupation("welder")
    arc, mag = rec.skills("arc welding", "MAG welding")
    cid = add_candidate(
        client, rec, "welder-verified", "Oksana Welder", lang="uk",
        qualifications=[{"title": UK_WELDER, "country": "Ukraine", "year": 2015}],
        experience=[{"title": "Зварювальниця", "years": 5, "occupation": welder}],
        skills=[{"concept": arc, "source": "coach_verified",
                 "evidence": "Schweißprobe bei der HWK Dresden bestanden"}])
    match = matches_of(client, rec, cid)[rec.vacancies["welder_job"]]
    matched = {m["skill"]: m for m in match["matched_skills"]}

    sources = {e["source"]: e for e in matched[mag]["evidence"]}
    assert set(sources) == {"qualification", "work_experience"}
    assert sources["qualification"]["confidence"] == pytest.approx(0.75 * 0.7)  # EQF 3 < 4
    assert UK_WELDER in sources["qualification"]["evidence"]
    assert sources["work_experience"]["confidence"] == pytest.approx(experience(5), abs=1e-4)
    assert sources["work_experience"]["evidence"] == "5 years as 'Зварювальниця'"
    assert matched[mag]["credit"] == pytest.approx(experience(5), abs=1e-4)  # the best source

    verified = {e["source"]: e["confidence"] for e in matched[arc]["evidence"]}
    assert verified["coach_verified"] == 1.0
    assert set(verified) == {"coach_verified", "qualification", "work_experience"}
    assert (matched[arc]["credit"], matched[arc]["via"]) == (1.0, "exact")


# --- 4. recognition status and regulated occupations -------------------------------------------
def nurse(client: TestClient, r: Rec, key: str, status: str, **qualification: Any) -> str:
    return add_candidate(
        client, r, key, f"Nurse {key}", lang="uk",
        qualifications=[{"title": UK_NURSE, "country": "Ukraine", "year": 2016,
                         "status": status, **qualification}],
        experience=[{"title": "молодша медична сестра", "years": 4,
                     "occupation": r.occupation("nursing assistant")}])


def test_regulated_vacancy_needs_recognition(client: TestClient, rec: Rec) -> None:
    strict, open_ = rec.vacancies["nursing_strict"], rec.vacancies["nursing_open"]
    vacancy = ok(client.get(f"/vacancies/{strict}", headers=rec.auth("employer")))
    assert vacancy["regulated"] is True and vacancy["accepts_in_process"] is False
    assert ok(client.get(f"/vacancies/{rec.vacancies['welder_job']}",
                         headers=rec.auth("employer")))["regulated"] is False

    none = nurse(client, rec, "nurse-none", "none")
    assert not {strict, open_} & set(matches_of(client, rec, none))
    # A protected title under which helpers may work: a post that does not ask for the
    # recognised title is open to everyone.
    helper = rec.vacancies["nursing_helper"]
    assert ok(client.get(f"/vacancies/{helper}", headers=rec.auth("employer")))[
        "regulated"] is False
    assert helper in matches_of(client, rec, none)

    full = nurse(client, rec, "nurse-full", "full", decided_on="2024-03-01",
                 authority="Landesdirektion Sachsen")
    found = matches_of(client, rec, full)
    assert {strict, open_} <= set(found)
    block = found[strict]["recognition"]
    assert (block["regulated"], block["status"], block["compensation"]) == (True, "full", None)
    assert block["occupation"] == "nursing assistant"
    assert block["rules"]["regulated"] is True
    assert "recognition" not in found.get(rec.vacancies["welder_job"], {})

    # The vacancy's own shortlist applies the same gate.
    shortlist = ok(client.get(f"/vacancies/{strict}/matches", params={"limit": 100},
                              headers=rec.auth("employer")))
    shortlisted = {item["candidate"]["id"] for item in shortlist["items"]}
    assert full in shortlisted and none not in shortlisted


def test_partial_recognition_opens_vacancies_in_process_with_its_measure(
        client: TestClient, rec: Rec) -> None:
    strict, open_ = rec.vacancies["nursing_strict"], rec.vacancies["nursing_open"]
    cid = nurse(client, rec, "nurse-partial", "partial", compensation="adaptation_course",
                authority="Landesdirektion Sachsen")
    found = matches_of(client, rec, cid)
    assert strict not in found and open_ in found
    match = found[open_]
    assert match["recognition"]["status"] == "partial"
    assert match["recognition"]["compensation"] == "adaptation_course"
    plan = match["course_plan"]
    ids = {c["id"] for c in plan["courses"]}
    assert rec.courses["adaptation"] in ids
    assert rec.courses["knowledge_test"] not in ids  # shorter, but not the measure named
    course = next(c for c in plan["courses"] if c["id"] == rec.courses["adaptation"])
    assert course["compensation_measure"] == "adaptation_course"
    assert [c["skill"] for c in course["closes"]] == [
        "recognition:" + rec.occupation("nursing assistant")]
    assert course["closes"][0]["label"] == "compensation measure for nursing assistant"
    assert plan["complete"] is True


def test_partial_recognition_without_its_measure_is_refused(client: TestClient, rec: Rec,
                                                            engine: Engine) -> None:
    body = candidate_body("t-rec-nurse-bad", "Nurse Bad", DRESDEN, qualifications=[
        {"title": UK_NURSE, "country": "Ukraine", "status": "partial"}])
    detail = detail_of(client.post("/candidates", json=body, headers=rec.auth("coach")))
    assert detail.startswith("body.qualifications.0:") and "compensation" in detail
    wrong = {**body, "qualifications": [{"title": UK_NURSE, "status": "full",
                                         "compensation": "knowledge_test"}]}
    assert "compensation" in detail_of(client.post("/candidates", json=wrong,
                                                   headers=rec.auth("coach")))
    course = course_body("t-rec-bad-course", "Anpassung", [], location=DRESDEN,
                         compensation_for=rec.occupation("nursing assistant"))
    assert "measure" in detail_of(client.post("/courses", json=course,
                                              headers=rec.auth("coach")))
    assert scalar(engine, "SELECT count(*) FROM candidate WHERE external_id = %s",
                  "t-rec-nurse-bad") == 0


# --- 5. apprenticeships, placements and the other gates ----------------------------------------
def test_apprenticeship_gates_on_language_not_on_skills(client: TestClient, rec: Rec) -> None:
    welder = rec.occupation("welder")
    vid = int(_created(client.post("/vacancies", json=vacancy_body(
        "t-rec-azubi-schweisser", "Ausbildung Schweißer (m/w/d)", "apprenticeship", DRESDEN,
        occupation=welder, languages=[{"lang": "de", "level": "B1"}]),
        headers=rec.auth("employer"))))
    wants = {"preferences": {"occupations": [welder]},
             "skills": [{"concept": rec.skills("wear appropriate protective gear")[0]}]}
    a2 = add_candidate(client, rec, "azubi-a2", "Azubi A2",
                       languages=[{"lang": "de", "level": "A2"}], **wants)
    b1 = add_candidate(client, rec, "azubi-b1", "Azubi B1",
                       languages=[{"lang": "de", "level": "B1"}], **wants)
    assert vid not in matches_of(client, rec, a2)
    assert rec.vacancies["welder_job"] in matches_of(client, rec, a2)  # a job has no such gate
    match = matches_of(client, rec, b1)[vid]
    essential = rec.essential("welder")
    missing = {m["skill"] for m in match["missing_essential"]}
    assert len(missing) >= len(essential) - 1  # lacks nearly every skill, still matched
    weights = {f: b["weight"] for f, b in match["breakdown"].items()}
    assert weights["aptitude"] > weights["essential"]


def test_prerequisite_and_minimum_eqf_exclude(client: TestClient, rec: Rec) -> None:
    welder = rec.occupation("welder")
    mag = rec.skills("MAG welding")[0]
    prereq = int(_created(client.post("/vacancies", json=vacancy_body(
        "t-rec-mag-pflicht", "MAG-Schweißer (m/w/d)", "job", DRESDEN, occupation=welder,
        prerequisites=[mag]), headers=rec.auth("employer"))))
    min_eqf = int(_created(client.post("/vacancies", json=vacancy_body(
        "t-rec-schweissfachmann", "Schweißfachmann (m/w/d)", "job", DRESDEN,
        occupation=welder, min_eqf=5), headers=rec.auth("employer"))))
    assert ok(client.get(f"/vacancies/{min_eqf}", headers=rec.auth("employer")))[
        "min_eqf"] == 5

    lacking = add_candidate(client, rec, "no-mag", "Without MAG", preferences={
        "occupations": [welder]}, skills=[{"concept": rec.skills("TIG welding")[0],
                                           "source": "coach_verified"}])
    having = add_candidate(client, rec, "with-mag", "With MAG", preferences={
        "occupations": [welder]}, skills=[{"concept": mag, "source": "coach_verified"}])
    assert prereq not in matches_of(client, rec, lacking)
    assert prereq in matches_of(client, rec, having)

    eqf3 = add_candidate(client, rec, "eqf3", "Worker Diploma", lang="uk", qualifications=[
        {"title": UK_WELDER, "country": "Ukraine"}])  # EQF 3 (table)
    eqf5 = add_candidate(client, rec, "eqf5", "Institute Diploma", lang="ar", qualifications=[
        {"title": AR_WELDER, "country": "Syria"}])  # EQF 5 (table)
    low, high = matches_of(client, rec, eqf3), matches_of(client, rec, eqf5)
    assert min_eqf not in low and rec.vacancies["welder_job"] in low
    assert min_eqf in high


def test_placement_ranks_by_aptitude(client: TestClient, rec: Rec) -> None:
    welder = rec.occupation("welder")
    vid = int(_created(client.post("/vacancies", json=vacancy_body(
        "t-rec-praktikum-metall", "Praktikum Metallbau (m/w/d)", "placement", DRESDEN,
        occupation=rec.occupation("metalworker")), headers=rec.auth("employer"))))
    cid = add_candidate(client, rec, "placement", "Placement Seeker",
                        preferences={"occupations": [welder]},
                        skills=[{"concept": s} for s in rec.skills("MAG welding",
                                                                   "cut metal")])
    found = matches_of(client, rec, cid)
    weights = {f: b["weight"] for f, b in found[vid]["breakdown"].items()}
    assert max(weights, key=weights.__getitem__) == "aptitude"
    assert all(w < weights["aptitude"] for f, w in weights.items() if f != "aptitude")
    job = {f: b["weight"] for f, b in found[rec.vacancies["welder_job"]]["breakdown"].items()}
    assert max(job, key=job.__getitem__) == "essential"


# --- 6. reachable after short courses ----------------------------------------------------------
def test_reachable_after_a_short_course_plan(client: TestClient, rec: Rec) -> None:
    job = rec.vacancies["reach_job"]
    cid = add_candidate(client, rec, "reach", "Reach Welder", skills=[
        {"concept": s, "source": "coach_verified"} for s in rec.skills("arc welding",
                                                                       "MAG welding")])
    today = matches_of(client, rec, cid)[job]
    assert today["breakdown"]["essential"]["value"] < 0.75

    def reachable(weeks: float) -> dict[int, dict]:
        page = ok(client.get(f"/candidates/{cid}/reachable", params={"max_weeks": weeks},
                             headers=rec.auth("coach")))
        return {item["vacancy"]["id"]: item for item in page["items"]}

    found = reachable(4)
    assert job in found
    item = found[job]
    plan = item["course_plan"]
    assert [c["id"] for c in plan["courses"]] == [rec.courses["tig"]]
    assert plan["total_weeks"] == 3 <= 4 and plan["complete"] is True
    assert item["essential_now"] < 0.75 <= item["essential_after"]
    assert item["score_after"] > item["score_now"]
    assert job not in reachable(2)


def test_reachable_regulated_vacancy_with_partial_recognition(client: TestClient,
                                                              rec: Rec) -> None:
    strict = rec.vacancies["nursing_strict"]
    cid = nurse(client, rec, "nurse-reach", "partial", compensation="adaptation_course")
    page = ok(client.get(f"/candidates/{cid}/reachable", params={"max_weeks": 12},
                         headers=rec.auth("coach")))
    found = {item["vacancy"]["id"]: item for item in page["items"]}
    assert strict in found
    assert rec.vacancies["nursing_open"] not in found  # already a match today
    item = found[strict]
    assert item["recognition"]["status"] == "partial"
    assert [c["id"] for c in item["course_plan"]["courses"]] == [rec.courses["adaptation"]]
    assert item["course_plan"]["total_weeks"] == 8
    shorter = ok(client.get(f"/candidates/{cid}/reachable", params={"max_weeks": 6},
                            headers=rec.auth("coach")))
    assert strict not in {item["vacancy"]["id"] for item in shorter["items"]}


# --- 7. a candidate's qualifications ------------------------------------------------------------
def test_candidate_qualifications_are_recognised(client: TestClient, rec: Rec) -> None:
    nursing = rec.occupation("nursing assistant")
    cid = add_candidate(client, rec, "qualifications", "Olha Qualified", lang="uk",
                        qualifications=[
                            {"title": UK_NURSE, "country": "Ukraine", "status": "partial",
                             "compensation": "knowledge_test", "decided_on": "2024-05-02",
                             "authority": "Landesdirektion Sachsen"},
                            {"title": UK_WELDER, "country": "Ukraine", "eqf_level": 4},
                            {"title": "свідоцтво про повну загальну середню освіту",
                             "country": "Ukraine"}])
    items = ok(client.get(f"/candidates/{cid}/qualifications",
                          headers=rec.auth("coach")))["items"]
    assert [i["title"] for i in items] == [UK_NURSE, UK_WELDER,
                                           "свідоцтво про повну загальну середню освіту"]
    care, weld, school = items

    assert care["reference_occupation"]["id"] == nursing
    assert (care["eqf"]["level"], care["eqf"]["method"]) == (3, "table")
    assert care["regulation"]["regulated"] is True
    assert care["recognition"] == {"status": "partial", "decided_on": "2024-05-02",
                                   "authority": "Landesdirektion Sachsen",
                                   "compensation": "knowledge_test"}

    assert weld["reference_occupation"]["id"] == rec.occupation("welder")
    assert weld["eqf"] == {"level": 4, "method": "given", "estimated": False}
    assert weld["level_gap"]["below"] is False
    assert weld["regulation"]["regulated"] is False
    assert weld["recognition"]["status"] == "none"

    assert "reference_occupation" not in school and school["note"]
    assert (school["eqf"]["level"], school["eqf"]["method"]) == (4, "table")

    profile = ok(client.get(f"/candidates/{cid}", headers=rec.auth("coach")))
    stored = [(q["occupation"] and q["occupation"]["id"], q["eqf_level"], q["eqf_method"],
               q["recognition"]["status"]) for q in profile["qualifications"]]
    assert stored == [(nursing, 3, "table", "partial"),
                      (rec.occupation("welder"), 4, "given", "none"),
                      (None, 4, "table", "none")]
