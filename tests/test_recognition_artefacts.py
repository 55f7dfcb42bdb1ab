"""The shipped recognition data: the EQF text model fitted in training/ and loaded from
its versioned artefact (the same predictions as a fresh fit; a stale or unreproducible
artefact refused, saying how to refit), and the regulation profiles as a validated model
(every shipped profile validates; a malformed one is refused naming file and field)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from matcher.engine import Engine
from matcher.recognition.eqf_table import EqfEntry, project_table
from matcher.recognition.estimator import (
    ARTEFACT_FORMAT,
    EqfLevelEstimator,
    StaleArtefactError,
    artefact_path,
    shipped_estimator,
    training_rows,
)
from matcher.recognition.recogniser import Recogniser
from matcher.recognition.regulation import ProfileFile, RegulationProfile, read_profile
from skills_taxonomy.errors import InvalidInputError, NotFittedError
from skills_taxonomy.model import Concept, ConceptKind
from training import fit_eqf_estimator

ROOT = Path(__file__).resolve().parents[1]
RECOGNITION = ROOT / "matcher" / "data" / "recognition"
TITLES = ROOT / "benchmarks" / "data" / "qualification_titles.csv"
TOY = [("bachelor of arts in history", 6), ("bachelor of science in physics", 6),
       ("master of arts in history", 7), ("master of science in physics", 7),
       ("secondary school leaving certificate", 4), ("upper secondary school certificate", 4)]


@pytest.fixture(scope="module")
def fresh() -> EqfLevelEstimator:
    """What the server fitted at every start before the artefact."""
    return EqfLevelEstimator().fit(*training_rows(project_table()))


# --- the EQF estimator artefact -----------------------------------------------------------------
def test_shipped_artefact_predicts_as_a_fresh_fit(fresh: EqfLevelEstimator) -> None:
    shipped = shipped_estimator(project_table())
    assert shipped is not None
    with TITLES.open(encoding="utf-8") as f:
        unseen = [row["title"] for row in csv.DictReader(f)]
    titles = unseen + training_rows(project_table())[0] + ["", "Diplom", "1234"]
    assert list(shipped.classes_) == list(fresh.classes_)
    assert np.allclose(shipped.predict_proba(titles), fresh.predict_proba(titles),
                       rtol=0, atol=1e-6)  # exact on the machine that fitted it
    assert list(shipped.predict(titles)) == list(fresh.predict(titles))


def test_artefact_is_versioned_json_with_its_provenance() -> None:
    data = json.loads(artefact_path().read_text(encoding="utf-8"))
    assert data["format"] == ARTEFACT_FORMAT
    assert data["tables"] == ["project"]
    assert data["training_rows"] == len(training_rows(project_table())[0])
    assert data["sklearn_version"] and data["params"] == EqfLevelEstimator().spec()


def test_fitting_script_writes_an_artefact_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "eqf.json"
    report = fit_eqf_estimator.fit(out)
    assert report["rows"] == len(training_rows(project_table())[0])
    loaded = shipped_estimator(project_table(), out)
    shipped = shipped_estimator(project_table())
    assert loaded is not None and shipped is not None
    titles = ["Bachelor of Science in Chemistry", "диплом бакалавра", "Meisterbrief"]
    # equal but for the last bits, which the BLAS threads of the moment may change (the
    # whole suite once refitted it with differences below the eighth decimal)
    assert np.allclose(loaded.predict_proba(titles), shipped.predict_proba(titles),
                       rtol=0, atol=1e-9)
    assert list(loaded.predict(titles)) == list(shipped.predict(titles))


def test_toy_round_trip(tmp_path: Path) -> None:
    titles, levels = (list(x) for x in zip(*TOY, strict=True))
    fitted = EqfLevelEstimator().fit(titles, levels)
    path = tmp_path / "toy.json"
    fitted.save(path, titles, levels)
    loaded = EqfLevelEstimator.load(path, titles, levels)
    tests = ["Master of Science in Chemistry", "school certificate"]
    assert np.array_equal(loaded.predict_proba(tests), fitted.predict_proba(tests))
    assert loaded.get_params() == fitted.get_params()


def test_artefact_fitted_on_other_rows_is_stale(tmp_path: Path) -> None:
    entries = project_table()
    changed = entries[:-1] + [EqfEntry("project", entries[-1].country,
                                       entries[-1].qualification, 1 + entries[-1].eqf_level % 8)]
    with pytest.raises(StaleArtefactError) as raised:
        shipped_estimator(changed)
    message = str(raised.value)
    assert str(artefact_path()) in message and "fitted on other rows" in message
    assert "python -m training.fit_eqf_estimator" in message
    assert isinstance(raised.value, NotFittedError)


def _tampered(tmp_path: Path, change: Any) -> Path:
    data = json.loads(artefact_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "eqf_estimator.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d.update(format="eqf-estimator/0"), "format 'eqf-estimator/0'"),
    (lambda d: d["params"].update(C=1.0), "other hyper-parameters"),
    (lambda d: d["intercept"].__setitem__(0, d["intercept"][0] + 5.0), "does not reproduce"),
    (lambda d: d["vectorizers"]["words"]["idf"].pop(), "malformed"),
    (lambda d: d["coef"].pop(), "malformed"),
    (lambda d: d.pop("checks"), "no reference predictions"),
])
def test_mismatched_artefact_names_the_file_and_how_to_refit(
        tmp_path: Path, change: Any, expected: str) -> None:
    path = _tampered(tmp_path, change)
    with pytest.raises(StaleArtefactError) as raised:
        shipped_estimator(project_table(), path)
    assert str(path) in str(raised.value) and expected in str(raised.value)
    assert "python -m training.fit_eqf_estimator" in str(raised.value)


def test_missing_or_unreadable_artefact(tmp_path: Path) -> None:
    with pytest.raises(StaleArtefactError, match="no EQF estimator artefact at"):
        shipped_estimator(project_table(), tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(StaleArtefactError, match="cannot read JSON"):
        shipped_estimator(project_table(), tmp_path / "bad.json")


def test_one_level_needs_no_model() -> None:
    assert shipped_estimator([EqfEntry("t", "X", "Bachelor", 6)]) is None


class _Rows:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def execute(self, *_: Any) -> list[tuple[Any, ...]]:
        return self.rows


def test_engine_loads_the_artefact_and_refits_only_with_imported_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fits: list[int] = []

    def counting_fit(self: EqfLevelEstimator, titles: list[str],
                     levels: list[int]) -> EqfLevelEstimator:
        fits.append(len(titles))  # what it would be fitted on (not fitted: the test is fast)
        return self

    monkeypatch.setattr(EqfLevelEstimator, "fit", counting_fit)
    engine = SimpleNamespace(concepts=None, settings=SimpleNamespace(destination_country="DE"))
    recogniser = Engine._recogniser(engine, _Rows([]))  # type: ignore[arg-type]
    assert fits == [] and recogniser.estimator is not None
    imported = [("europass", "Slovenia", "Magister znanosti", 7, None, None, None)]
    recogniser = Engine._recogniser(engine, _Rows(imported))  # type: ignore[arg-type]
    assert fits == [len(training_rows(project_table())[0]) + 1]
    assert recogniser.table.entries[-1].source == "europass"


def test_recogniser_takes_a_given_estimator() -> None:
    titles, levels = (list(x) for x in zip(*TOY, strict=True))
    given = EqfLevelEstimator().fit(titles, levels)
    entries = [EqfEntry("toy", "X", t, level) for t, level in TOY]
    assert Recogniser.fitted(None, entries, "DE", given).estimator is given  # type: ignore[arg-type]


# --- regulation profiles --------------------------------------------------------------------
SHIPPED = sorted(RECOGNITION.glob("regulated_*.json"))


def test_germany_is_shipped() -> None:
    assert RECOGNITION / "regulated_de.json" in SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_profile_validates(path: Path) -> None:
    country = path.stem.removeprefix("regulated_")
    profile, raw = read_profile(path, country)
    assert isinstance(profile, ProfileFile) and profile.country == country.upper()
    assert len(profile.occupations) == len(raw["occupations"])
    loaded = RegulationProfile(country)
    assert set(loaded.occupations) == {o.id for o in profile.occupations}
    assert list(loaded.isco_prefixes) == profile.regulated_isco_prefixes


def test_germany_profile_reads_as_before() -> None:
    profile = RegulationProfile("DE")
    assert len(profile.occupations) == 6 and len(profile.isco_prefixes) == 27
    assert profile.model.name == "Germany"
    truck = next(o for o in profile.model.occupations if o.label == "truck driver")
    assert truck.scope == "statutory_certificate" and not truck.work_without_recognition
    assert all(o.compensation_measures or o.scope == "statutory_certificate"
               for o in profile.model.occupations)


def _de() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECOGNITION / "regulated_de.json").read_text("utf-8"))
    return data


def _refused(tmp_path: Path, data: Any, country: str = "de") -> str:
    path = tmp_path / f"regulated_{country}.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidInputError) as raised:
        RegulationProfile(country, tmp_path)
    message = str(raised.value)
    assert message.startswith(f"regulation profile {path}")
    return message


def _edit(change: Any) -> dict[str, Any]:
    data = _de()
    change(data)
    return data


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["occupations"][2].pop("authority"),
     "occupations[2].authority: Field required"),
    (lambda d: d["occupations"][0].update(work_without_recognition="yes"),
     "occupations[0].work_without_recognition: Input should be a valid boolean"),
    (lambda d: d["occupations"][1].update(compensation_measures="adaptation course"),
     "occupations[1].compensation_measures: Input should be a valid list"),
    (lambda d: d["occupations"][3].update(legal_bases="typo"),
     "occupations[3].legal_bases: Extra inputs are not permitted"),
    (lambda d: d["occupations"][0].update(reason="  "), "occupations[0].reason: String"),
    (lambda d: d["regulated_isco_prefixes"].append("22x1"), "regulated_isco_prefixes[27]"),
    (lambda d: d["regulated_isco_prefixes"].append(2211), "regulated_isco_prefixes[27]"),
    (lambda d: d["isco_prefix_notes"].update({"9999": "x"}),
     "isco_prefix_notes: note for a prefix not in regulated_isco_prefixes: 9999"),
    (lambda d: d["occupations"].append(d["occupations"][0]), "occupations: id listed twice"),
    (lambda d: d["other_requirements"][0].update(ids=[]), "other_requirements[0].ids"),
    (lambda d: d.update(country="Germany"), "country: String should match pattern"),
    (lambda d: d.pop("name"), "name: Field required"),
])
def test_malformed_profile_names_file_and_field(tmp_path: Path, change: Any,
                                                field: str) -> None:
    assert field in _refused(tmp_path, _edit(change))


def test_profile_of_another_country_under_this_name(tmp_path: Path) -> None:
    message = _refused(tmp_path, _de(), "at")
    assert "country: 'DE', expected 'AT'" in message


def test_profile_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    assert ":2:10: not JSON" in _refused(tmp_path, '{"country": "DE",\n "name": }')
    assert "(top level): Input should be a valid dictionary" in _refused(tmp_path, "[]")


def test_a_second_country_is_a_data_file(tmp_path: Path) -> None:
    nurse = "http://example.org/occupation/nurse"
    (tmp_path / "regulated_at.json").write_text(json.dumps({
        "country": "AT", "name": "Austria",
        "regulated_isco_prefixes": ["2221"],
        "occupations": [{"id": nurse, "reason": "Gesundheits- und Krankenpflegegesetz",
                         "authority": "Bundesministerium", "legal_basis": "GuKG",
                         "compensation_measures": ["Ergänzungsausbildung"]}]}),
        encoding="utf-8")
    profile = RegulationProfile("at", tmp_path)
    listed = Concept(nurse, ConceptKind.OCCUPATION, isco_code="2221.1")
    ruled = profile.check(listed)
    assert ruled["regulated"] and ruled["country"] == "AT"
    assert ruled["compensation_measures"] == ["Ergänzungsausbildung"]
    assert "work_without_recognition" not in ruled  # only what the file states
    assert profile.requires_recognition(listed)
    other = Concept("http://example.org/occupation/doctor", ConceptKind.OCCUPATION,
                    isco_code="2221.2")
    assert profile.check(other)["reason"] == "ISCO 2221 occupations are regulated in AT"
