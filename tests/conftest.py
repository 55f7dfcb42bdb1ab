"""Shared fixtures: the real encoder (loaded once), the starter normaliser, the full
ESCO taxonomy from ../shared/data (read in place; those tests skip where it is absent),
and for the API tests one engine on an embedded PostgreSQL, its app and a small world of
organisations, users, vacancies, courses and candidates."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.engine import Engine
from matcher.settings import Settings
from matcher.store.auth import create_user, issue_token, upsert_organisation
from matcher.wiring import ESCO_PATHS, make_encoder, make_multilingual
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.esco_import import import_esco
from skills_taxonomy.model import ConceptKind, Taxonomy
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.starter import load_starter

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MATCHER_SHARED_DATA", ROOT.parent / "shared" / "data"))
# Index caches survive between local runs (keyed by taxonomy version and model).
CACHE = ROOT / "var" / "test-cache"

needs_shared = pytest.mark.skipif(not (SHARED / "esco").exists(),
                                  reason=f"ESCO data not found at {SHARED}")


FULL_ESCO = {"esco", "esco_taxonomy"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs the suite on two workers (pytest-xdist, `--dist loadgroup`). The
    tests on full ESCO share one worker, so its index is built once; the browser tests
    share one worker and its browser; every other module stays on one worker, so its
    fixtures start once. pytest-xdist hands the groups out, most tests first."""
    for item in items:
        module = item.nodeid.split("::")[0]
        if FULL_ESCO & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("esco"):
            group = "full-esco"
        else:
            group = "browser" if module.startswith("tests/browser/") else module
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return make_encoder(Settings())


@pytest.fixture(scope="session")
def multilingual_encoder() -> Encoder | None:
    return make_multilingual(Settings())


@pytest.fixture(scope="session")
def starter(encoder: Encoder, multilingual_encoder: Encoder | None) -> Normalizer:
    """The starter taxonomy (with the project's label files) and both encoders: what
    `make demo` and the API run on."""
    CACHE.mkdir(parents=True, exist_ok=True)
    return Normalizer(load_starter(), encoder, CACHE, multilingual=multilingual_encoder)


@pytest.fixture(scope="session")
def esco_taxonomy() -> Taxonomy:
    if not (SHARED / "esco").exists():
        pytest.skip(f"ESCO data not found at {SHARED}")
    taxonomy = Taxonomy()
    import_esco(taxonomy, [SHARED / p for p in ESCO_PATHS])
    return taxonomy


@pytest.fixture(scope="session")
def esco(esco_taxonomy: Taxonomy, encoder: Encoder) -> Normalizer:
    CACHE.mkdir(parents=True, exist_ok=True)
    return Normalizer(esco_taxonomy, encoder, CACHE)


# --- the API against the real embedded PostgreSQL and the real model ------------------------
# One engine, one app and one small world for the whole session; tests that change shared
# records (close, erase, re-post) make their own.

KOELN = {"town": "Köln", "lat": 50.9375, "lon": 6.9603}
BONN = {"town": "Bonn", "lat": 50.7374, "lon": 7.0982}
LEVERKUSEN = {"town": "Leverkusen", "lat": 51.0459, "lon": 7.0192}
BIELEFELD = {"town": "Bielefeld", "lat": 52.0302, "lon": 8.5325}
ROLES = ("admin", "coach_a", "coach_b", "employer_1", "employer_2", "migrant")
UNTHROTTLED: dict[str, Any] = {"auth_failures_per_minute": 1_000_000,
                               "expensive_per_minute": 1_000_000}


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory, starter: Normalizer) -> Iterator[Engine]:
    root = tmp_path_factory.mktemp("api")
    # the suite makes many requests with few tokens: limits no test reaches by accident
    # (tests/test_api_security.py checks the throttles with their own)
    started = Engine.start(Settings(data_dir=root, pgdata=root / "pgdata", **UNTHROTTLED),
                           normalizer=starter)
    try:
        yield started
    finally:
        started.close()  # stops the embedded server


@pytest.fixture(scope="session")
def app(engine: Engine) -> FastAPI:
    return create_app(engine=engine)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def in_days(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


class Vocabulary:
    """Real starter-taxonomy ids, looked up by their English labels."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._by_label = {(c.kind, c.preferred_label("en")): c.uri
                          for c in taxonomy.concepts.values()}

    def occupation(self, label: str) -> str:
        return self._by_label[(ConceptKind.OCCUPATION, label)]

    def skill(self, label: str) -> str:
        return self._by_label[(ConceptKind.SKILL, label)]

    def skills(self, *labels: str) -> list[str]:
        return [self.skill(label) for label in labels]

    def label(self, uri: str, lang: str) -> str:
        return self.taxonomy.concepts[uri].preferred_label(lang)


def candidate_body(external_id: str, name: str, location: dict[str, Any],
                   **fields: Any) -> dict[str, Any]:
    """A valid candidate; `fields` override or add to the defaults."""
    email = ".".join(name.lower().split()) + "@example.org"
    body: dict[str, Any] = {
        "external_id": external_id,
        "personal": {"name": name, "email": email, "phone": "+49 176 5550123"},
        "languages": [{"lang": "de", "level": "B1"}],
        "location": location, "travel_radius_km": 40, "work_permit": "restricted",
    }
    return {**body, **fields}


def vacancy_body(external_id: str, title: str, kind: str, location: dict[str, Any],
                 **fields: Any) -> dict[str, Any]:
    return {"external_id": external_id, "kind": kind, "title": title, "location": location,
            "start_date": in_days(60), **fields}


def course_body(external_id: str, title: str, skills: list[str], **fields: Any,
                ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": external_id, "provider": "VHS Köln", "title": title, "skills": skills,
        "lang": "de", "min_level": "A2", "duration_weeks": 4, "location": KOELN,
        "start_dates": [in_days(30), in_days(120)], "seats": 12,
        "funding": "Bildungsgutschein"}
    return {**body, **fields}


@dataclass
class World:
    """Ids and tokens of the records every API test relies on; tests leave them as they
    found them (what they change, they make themselves)."""

    centre_a: int
    centre_b: int
    employer_1: int
    employer_2: int
    tokens: dict[str, str]
    user_ids: dict[str, int]
    vocab: Vocabulary
    candidates: dict[str, str] = field(default_factory=dict)  # key -> candidate id
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> what was posted
    vacancies: dict[str, int] = field(default_factory=dict)
    courses: dict[str, int] = field(default_factory=dict)

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def secrets_of(self, key: str) -> list[str]:
        """What nobody outside the candidate's scope may see: name, email, external id."""
        body = self.bodies[key]
        return [body["personal"]["name"], body["personal"]["email"], body["external_id"]]


def _post(client: TestClient, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, (path, response.status_code, response.text)
    return response.json()


@pytest.fixture(scope="session")
def world(engine: Engine, client: TestClient) -> World:
    vocab = Vocabulary(engine.concepts.taxonomy)
    tokens: dict[str, str] = {}
    users: dict[str, int] = {}
    with engine.connection() as conn:
        centre_a = upsert_organisation(conn, "Integration Point Köln", "centre", "t-centre-a")
        centre_b = upsert_organisation(conn, "Migrationszentrum Bonn", "centre", "t-centre-b")
        employer_1 = upsert_organisation(conn, "Brauhaus Am Dom GmbH", "employer", "t-emp-1")
        employer_2 = upsert_organisation(conn, "Logistik Rhein GmbH", "employer", "t-emp-2")
        for role, name, kind, org in (
                ("admin", "Ada Admin", "admin", None),
                ("coach_a", "Clara Coach", "coach", centre_a),
                ("coach_b", "Bernd Coach", "coach", centre_b),
                ("employer_1", "Erik Brauhaus", "employer", employer_1),
                ("employer_2", "Emma Logistik", "employer", employer_2)):
            users[role] = create_user(conn, name, kind, org)
            tokens[role] = issue_token(conn, users[role], "tests")
    w = World(centre_a, centre_b, employer_1, employer_2, tokens, users, vocab)

    cook = vocab.occupation("cook")
    warehouse = vocab.occupation("warehouse worker")
    # Vacancies: all three kinds, for both employers, in Köln and Bonn.
    for key, role, body in (
            ("cook_job", "employer_1", vacancy_body(
                "t-koch-1", "Koch (m/w/d)", "job", KOELN, occupation=cook,
                essential_skills=vocab.skills(
                    "use cooking techniques", "prepare vegetables", "use kitchen knives",
                    "apply HACCP", "follow recipes", "portion food", "work in a team",
                    "comply with food safety and hygiene"),
                optional_skills=vocab.skills("food allergies", "work in shifts"),
                languages=[{"lang": "de", "level": "B2"}], slots=2,
                description="Wir suchen einen Koch für unsere Brauhausküche.")),
            ("cook_apprenticeship", "employer_1", vacancy_body(
                "t-koch-azubi", "Ausbildung zum Koch (m/w/d)", "apprenticeship", BONN,
                occupation=cook, languages=[{"lang": "de", "level": "B1"}])),
            ("kitchen_placement", "admin", vacancy_body(
                "t-kueche-praktikum", "Praktikum Küchenhilfe (m/w/d)", "placement", KOELN,
                employer_id=employer_1, occupation=vocab.occupation("kitchen assistant"),
                min_permit="pending", languages=[{"lang": "de", "level": "A2"}])),
            ("warehouse_job", "employer_2", vacancy_body(
                "t-lager-1", "Lagerhelfer (m/w/d)", "job", KOELN, occupation=warehouse,
                essential_skills=vocab.skills(
                    "receive goods", "put away goods", "pick orders", "pack goods",
                    "operate pallet trucks", "load goods for dispatch"),
                optional_skills=vocab.skills("operate a forklift"),
                languages=[{"lang": "de", "level": "A2"}])),
            ("warehouse_apprenticeship", "employer_2", vacancy_body(
                "t-lager-azubi", "Ausbildung Fachlagerist (m/w/d)", "apprenticeship", BONN,
                occupation=warehouse, languages=[{"lang": "de", "level": "B1"}]))):
        w.vacancies[key] = _post(client, "/vacancies", tokens[role], body)["id"]

    # Courses: two short ones that together close the cook job's gaps, a long one that
    # would too, one the candidates cannot take (German C1), one for the warehouse.
    for key, role, body in (
            ("haccp", "coach_a", course_body(
                "t-kurs-haccp", "HACCP und Messerkunde", vocab.skills(
                    "apply HACCP", "use kitchen knives"), duration_weeks=2)),
            ("kitchen", "coach_a", course_body(
                "t-kurs-kueche", "Küchenpraxis kompakt", vocab.skills(
                    "follow recipes", "portion food"), online=True, location=None,
                min_level="A1", funding="kostenlos (Jobcenter)")),
            ("cook_long", "admin", course_body(
                "t-kurs-koch-lang", "Zertifikatslehrgang Koch", vocab.skills(
                    "apply HACCP", "use kitchen knives", "follow recipes", "portion food"),
                duration_weeks=12)),
            ("storage_c1", "admin", course_body(
                "t-kurs-lager-c1", "Lebensmittellagerung für Fortgeschrittene",
                vocab.skills("store food and kitchen supplies"), min_level="C1",
                duration_weeks=3)),
            ("forklift", "coach_a", course_body(
                "t-kurs-stapler", "Staplerschein", vocab.skills(
                    "operate a forklift", "operate pallet trucks"), provider="IHK Köln",
                duration_weeks=1))):
        w.courses[key] = _post(client, "/courses", tokens[role], body)["id"]

    # Candidates: free text in Arabic, Ukrainian and German, plus concept ids.
    for key, role, body in (
            ("amal", "coach_a", candidate_body(
                "t-a-001", "Amal Haddad", KOELN, lang="ar",
                languages=[{"lang": "ar", "level": "native"}, {"lang": "de", "level": "B1"}],
                skills=[{"text": "تحضير الخضروات، استخدام تقنيات الطهي"},
                        {"concept": vocab.skill("comply with food safety and hygiene"),
                         "source": "coach_verified",
                         "evidence": "Im Praxistest beim Bildungsträger gezeigt."},
                        {"concept": vocab.skill("work in a team"),
                         "source": "work_experience"}],
                # a school certificate: no occupation, so the cook's skills stay to prove
                qualifications=[{"title": "الشهادة الثانوية العامة", "country": "Syria",
                                 "year": 2012}],
                # half a year: too little for work experience to evidence the cook's skills
                experience=[{"title": "طباخ في مطعم", "years": 0.5, "occupation": cook}],
                preferences={"kinds": ["job", "apprenticeship", "placement"],
                             "occupations": [cook]})),
            ("olena", "coach_a", candidate_body(
                "t-a-002", "Olena Kovalenko", LEVERKUSEN, lang="uk",
                languages=[{"lang": "uk", "level": "native"}, {"lang": "de", "level": "A2"},
                           {"lang": "en", "level": "B1"}],
                skills=[{"text": "готувати овочі до приготування страв, користуватися "
                                 "кухонними ножами"}],
                experience=[{"title": "Кухар", "years": 2}])),
            ("tesfay", "admin", candidate_body(
                "t-a-003", "Tesfay Haile", BONN, organisation_id=centre_a,
                travel_radius_km=50, work_permit="full",
                languages=[{"lang": "ti", "level": "native"}, {"lang": "en", "level": "C1"},
                           {"lang": "de", "level": "A2"}],
                skills=[{"concept": s, "source": "coach_verified",
                         "evidence": "Vom Coach im Betriebspraktikum beobachtet."}
                        for s in vocab.skills("receive goods", "pick orders", "pack goods",
                                              "operate pallet trucks")],
                consents=[{"employer_id": None}])),
            ("mohammad", "coach_b", candidate_body(
                "t-b-001", "Mohammad Rahimi", BONN, lang="de",
                languages=[{"lang": "fa", "level": "native"}, {"lang": "de", "level": "B1"}],
                skills=[{"text": "Waren kommissionieren, Hubwagen bedienen, Ware verladen"}],
                experience=[{"title": "Lagerhelfer", "years": 3,
                             "occupation": warehouse}]))):
        w.candidates[key] = _post(client, "/candidates", tokens[role], body)["id"]
        w.bodies[key] = body

    response = client.put(f"/candidates/{w.candidates['olena']}/consents",
                          json={"consents": [{"employer_id": employer_1}]},
                          headers=w.auth("coach_a"))
    assert response.status_code == 200, response.text
    migrant = _post(client, "/users", tokens["admin"], {
        "name": "Amal Haddad", "role": "migrant", "candidate_id": w.candidates["amal"]})
    tokens["migrant"], users["migrant"] = migrant["token"], migrant["id"]
    return w


def scalar(engine: Engine, query: str, *args: Any) -> Any:
    """One value read straight from the database, past the API."""
    with engine.connection() as conn:
        row = conn.execute(query, args).fetchone()
    return row[0] if row else None


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route of the app, routers included."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if hasattr(route, "original_router"):  # FastAPI's included router
                context = getattr(route, "include_context", None)
                walk(route.original_router.routes, prefix + getattr(context, "prefix", ""))
            elif hasattr(route, "routes") and not hasattr(route, "methods"):
                walk(route.routes, prefix + getattr(route, "path", ""))
            else:
                found.update((m, prefix + route.path) for m in route.methods - {"HEAD"})

    walk(list(app.routes), "")
    return found
