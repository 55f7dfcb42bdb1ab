"""The recognition procedure step by step and the destination countries (Germany, Norway,
Austria): pharmacist regulated in each with that country's authority and ordered steps,
cook not regulated (recognition optional, with what it is useful for), the destination
per request against the setting, an unknown country refused naming the supported ones,
the data files valid (every id a known ESCO/starter occupation or skill, every entry
sourced and dated, procedures consistent with the regulation profiles), and the answers
of the API carrying the steps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matcher.engine import Engine
from matcher.recognition.eqf_table import project_table
from matcher.recognition.procedure import (
    Destination,
    ProcedureFile,
    data_dir,
    supported_countries,
)
from matcher.recognition.recogniser import Recogniser
from matcher.recognition.regulation import ProfileFile
from matcher.schemas import QualificationQuery
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import Taxonomy
from tests.conftest import World

PHARMACIST = "http://data.europa.eu/esco/occupation/7c132147-428b-4ea3-87e1-70f7abb691ce"
COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"
NURSING_ASSISTANT = "http://data.europa.eu/esco/occupation/87d0795a-d41f-47ee-979f-0ab7d73836e7"
# who decides on a pharmacist, and a word of the title obtained, per country
PHARMACIST_AUTHORITY = {"DE": ("Apothekerkammer", "Approbation"),
                        "NO": ("Helsedirektoratet", "autorisasjon"),
                        "AT": ("Apothekerkammer", "Berufsberechtigung")}
COUNTRIES = sorted(PHARMACIST_AUTHORITY)


def test_the_three_countries_are_shipped() -> None:
    assert supported_countries() == COUNTRIES


@pytest.mark.parametrize("country", COUNTRIES)
def test_pharmacist_is_regulated_with_the_countrys_authority_and_steps(
        country: str, esco_taxonomy: Taxonomy) -> None:
    where = Destination(country)
    pharmacist = esco_taxonomy.concepts[PHARMACIST]
    assert where.profile.check(pharmacist)["regulated"]
    found = where.procedure(pharmacist)
    authority, title = PHARMACIST_AUTHORITY[country]
    assert found["key"] == "pharmacist" and found["mandatory"] and not found["general"]
    assert found["country"] == country and title in found["obtains"]
    assert any(authority in a["name"] for a in found["authorities"])
    assert [s["n"] for s in found["steps"]] == list(range(1, len(found["steps"]) + 1))
    assert len(found["steps"]) >= 5 and found["documents"] and found["fees"]
    # partial recognition and its measures, as the fields a course carries
    assert len(found["outcomes"]) >= 2 and found["compensation_measures"]
    for measure in found["compensation_measures"]:
        assert measure["course"] == {"compensation_for": PHARMACIST,
                                     "measure": measure["measure"]}
    assert all(s["as_of"] for s in found["sources"])


def test_the_steps_differ_by_country(esco_taxonomy: Taxonomy) -> None:
    pharmacist = esco_taxonomy.concepts[PHARMACIST]
    steps = {c: " ".join(s["step"] for s in Destination(c).procedure(pharmacist)["steps"])
             for c in COUNTRIES}
    assert "Kenntnisprüfung" in steps["DE"] and "Fachsprachprüfung" in steps["DE"]
    assert "B2" in steps["NO"] and "nasjonale fag" in steps["NO"]
    assert "nostrification" in steps["AT"] and "Aspirantenjahr" in steps["AT"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_cook_is_not_regulated_and_recognition_is_optional(
        country: str, esco_taxonomy: Taxonomy) -> None:
    where = Destination(country)
    cook = esco_taxonomy.concepts[COOK]
    assert not where.profile.check(cook)["regulated"]
    found = where.procedure(cook)
    assert found["key"] == "cook" and not found["mandatory"]
    assert found["useful_for"], "an optional recognition says what it is useful for"
    assert "no recognition" in found["steps"][0]["step"] or \
        "needs no" in found["steps"][0]["step"]


def test_an_unlisted_occupation_gets_the_general_procedure(
        esco_taxonomy: Taxonomy) -> None:
    lawyer = esco_taxonomy.concepts[
        "http://data.europa.eu/esco/occupation/974d4eab-fbee-4c52-b16e-73bdd8c25b53"]
    plumber = esco_taxonomy.concepts[
        "http://data.europa.eu/esco/occupation/ed3cf43d-c2c1-4c46-82fc-1375e27e0290"]
    where = Destination("NO")
    assert where.procedure(lawyer)["general"] and where.procedure(lawyer)["mandatory"]
    assert where.procedure(plumber)["key"] == "optional_general"
    assert not where.procedure(plumber)["mandatory"]


def test_the_authority_varies_by_region() -> None:
    shipped = ProcedureFile.model_validate(
        json.loads((data_dir() / "procedure_at.json").read_text(encoding="utf-8")))
    entry = next(p for p in shipped.procedures if p.key == "nursing_assistant")
    regions = {a.region for a in entry.authorities}
    assert "Wien" in regions and None in regions  # Vienna's office, and every other Land


# --- the data files --------------------------------------------------------------------------
def _files(kind: str) -> list[Path]:
    """One file per country (`procedure_steps.json`, the steps' translations, is not one)."""
    return sorted(data_dir().glob(f"{kind}_[a-z][a-z].json"))


def _ids_in(data: Any) -> set[str]:
    """Every ESCO or starter id anywhere in a data file."""
    if isinstance(data, dict):
        return set().union(*(_ids_in(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(_ids_in(v) for v in data)) if data else set()
    if isinstance(data, str) and data.startswith(("http://data.europa.eu/esco/", "starter:")):
        return {data}
    return set()


@pytest.mark.parametrize("path", _files("regulated") + _files("procedure"),
                         ids=lambda p: p.name)
def test_every_id_is_a_known_concept(path: Path, esco_taxonomy: Taxonomy,
                                     engine: Engine) -> None:
    ids = _ids_in(json.loads(path.read_text(encoding="utf-8")))
    known = set(esco_taxonomy.concepts) | set(engine.concepts.taxonomy.concepts)
    assert ids and not ids - known, sorted(ids - known)


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_entry_is_sourced_and_dated(country: str) -> None:
    profile = ProfileFile.model_validate(json.loads(
        (data_dir() / f"regulated_{country.lower()}.json").read_text(encoding="utf-8")))
    procedures = Destination(country).procedures
    assert profile.sources, "the ISCO prefixes and the note name their sources"
    for entry in [*profile.occupations, *profile.other_requirements]:
        assert entry.sources, entry
    for p in [procedures.general_regulated, procedures.general_optional,
              *procedures.procedures]:
        assert p.sources and all(s.as_of and s.url for s in p.sources), p.key


@pytest.mark.parametrize("country", COUNTRIES)
def test_procedures_agree_with_the_regulation_profile(country: str,
                                                      esco_taxonomy: Taxonomy) -> None:
    where = Destination(country)
    for p in where.procedures.procedures:
        for uri in p.occupations:
            regulated = where.profile.is_regulated(esco_taxonomy.concepts[uri])
            assert regulated == p.mandatory, (p.key, uri)
        for prefix in p.isco_prefixes:
            assert (prefix in where.profile.isco_prefixes) == p.mandatory, (p.key, prefix)


def test_a_malformed_procedure_file_names_file_and_field(tmp_path: Path) -> None:
    for name in ("regulated_no.json", "procedure_no.json"):
        (tmp_path / name).write_text((data_dir() / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    data = json.loads((tmp_path / "procedure_no.json").read_text(encoding="utf-8"))
    del data["procedures"][0]["steps"]
    data["procedures"][1]["sources"][0]["as_of"] = "2025-02-30"
    (tmp_path / "procedure_no.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        Destination("NO", tmp_path)
    message = str(raised.value)
    assert "procedure_no.json" in message and "procedures[0].steps: Field required" in message
    assert "procedures[1].sources[0].as_of" in message


# --- per request, the setting, and the API ---------------------------------------------------
def _recognise(client: TestClient, world: World, **body: Any) -> Any:
    return client.post("/recognition/qualification", headers=world.auth("coach_a"),
                       json=body)


def test_the_destination_per_request_and_the_setting(client: TestClient, world: World,
                                                     engine: Engine) -> None:
    assert engine.settings.destination_country == "DE"
    default = _recognise(client, world, title="nursing assistant", country="Syria").json()
    assert default["regulation"]["country"] == "DE" == default["procedure"]["country"]
    norway = _recognise(client, world, title="nursing assistant", country="Syria",
                        destination="no").json()
    assert norway["regulation"]["country"] == "NO" and norway["regulation"]["regulated"]
    assert norway["procedure"]["key"] == "health_personnel"
    assert any("Helsedirektoratet" in a["name"] for a in norway["procedure"]["authorities"])
    # the setting: a recogniser for Norway answers Norway when no destination is asked
    for_norway = Recogniser.fitted(engine.concepts, project_table(), "NO",
                                   engine.recogniser.estimator)
    query = QualificationQuery(title="nursing assistant")
    assert for_norway.recognise(query)["procedure"]["country"] == "NO"
    assert for_norway.recognise(query, destination="AT")["procedure"]["country"] == "AT"


def test_an_unknown_country_is_refused_naming_the_supported_ones(
        client: TestClient, world: World) -> None:
    auth = world.auth("coach_a")
    for response in (
            _recognise(client, world, title="cook", destination="SE"),
            client.get("/recognition/regulated", headers=auth,
                       params={"occupation": COOK, "destination": "Narnia"}),
            client.get(f"/candidates/{world.candidates['olena']}/qualifications",
                       headers=auth, params={"destination": "XX"})):
        assert response.status_code == 422, response.text
        assert "supported: AT, DE, NO" in response.text


def test_the_api_answer_carries_the_steps(client: TestClient, world: World) -> None:
    auth = world.auth("coach_a")
    cook = _recognise(client, world, title="cook", country="Ukraine",
                      destination="AT").json()
    assert cook["reference_occupation"]["id"] == COOK
    assert not cook["regulation"]["regulated"] and not cook["procedure"]["mandatory"]
    steps = cook["procedure"]["steps"]
    assert [s["n"] for s in steps] == [1, 2, 3, 4] and "Gleichhaltung" in steps[2]["step"]
    regulated = client.get("/recognition/regulated", headers=auth, params={
        "occupation": NURSING_ASSISTANT, "destination": "AT"})
    assert regulated.status_code == 200, regulated.text
    answer = regulated.json()
    assert answer["regulated"] and answer["country"] == "AT"
    assert answer["procedure"]["key"] == "nursing_assistant"
    assert [m["course"]["measure"] for m in answer["procedure"]["compensation_measures"]] \
        == ["adaptation_course", "knowledge_test"]
