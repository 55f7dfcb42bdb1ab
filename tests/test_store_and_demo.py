"""The store (embedded server start/stop, migrations, persisted taxonomy), the demo loader,
the course planner and the scoring rules."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient

from api.demo import demo_tokens, load_demo
from api.main import create_app
from matcher.domain import CandidateFacts, CourseFacts, Evidence
from matcher.engine import Engine
from matcher.errors import DatabaseError
from matcher.match.course_plan import EXACT_MAX_SKILLS, plan_courses, why_not
from matcher.match.scoring import FEATURES, WEIGHTS, Scorer, load_weights
from matcher.settings import Settings
from matcher.store.database import Database
from matcher.store.schema import align_vector_dimension, apply_migrations, migrations
from matcher.store.taxonomy import persist_taxonomy
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from tests.conftest import World


def test_vector_columns_take_the_encoders_dimension(tmp_path: Path, engine: Engine,
                                                    world: World) -> None:
    """An empty database takes another encoder's dimension; one holding profile vectors
    refuses, naming both dimensions, and stays as it was (the world gives the session
    database its profiles)."""
    with Database(Settings(data_dir=tmp_path, pgdata=tmp_path / "pg")) as db, \
            db.connection() as conn:
        assert align_vector_dimension(conn, 1024) is True
        dims = conn.execute("SELECT attrelid::regclass::text, atttypmod FROM pg_attribute"
                            " WHERE attname = 'embedding' AND attrelid::regclass::text IN"
                            " ('concept', 'candidate', 'vacancy', 'course')").fetchall()
        assert sorted(dims) == [(t, 1024) for t in ("candidate", "concept", "course",
                                                     "vacancy")]
        conn.execute("INSERT INTO concept (uri, kind, label_en, embedding) VALUES"
                     " ('x:1', 'skill', 'x', %s)", ("[" + ",".join(["0.1"] * 1024) + "]",))
        assert align_vector_dimension(conn, 1024) is False  # nothing to do
    with engine.connection() as conn, pytest.raises(DatabaseError, match="of 384 dimensions"):
        align_vector_dimension(conn, 512)
    with engine.connection() as conn:
        row = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid ="
                           " 'candidate'::regclass AND attname = 'embedding'").fetchone()
        assert row == (384,)


def test_embedded_server_starts_keeps_data_and_stops(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, pgdata=tmp_path / "pg")
    db = Database(settings).open()
    with db.connection() as conn:
        conn.execute("INSERT INTO organisation (name, kind) VALUES ('Kept', 'centre')")
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()
        postmaster = psutil.Process(pid[0]).parent() if pid else None
    db.close()
    assert postmaster is not None
    assert not postmaster.is_running() or postmaster.status() == psutil.STATUS_ZOMBIE
    with Database(settings) as again, again.connection() as conn:
        assert conn.execute("SELECT name FROM organisation").fetchall() == [("Kept",)]
        assert [r[0] for r in conn.execute("SELECT name FROM schema_migration")] == [
            name for _, name, _ in migrations()]


def test_embedded_server_takes_its_shared_buffers_setting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, pgdata=tmp_path / "pg", pg_shared_buffers="48MB")
    for _ in range(2):  # set once (a restart), kept on the next start
        with Database(settings) as db, db.connection() as conn:
            assert conn.execute("SHOW shared_buffers").fetchone() == ("48MB",)
    with pytest.raises(ValueError, match="pg_shared_buffers"):
        Settings(pg_shared_buffers="lots")


def test_migrations_apply_once(engine: Engine) -> None:
    with engine.connection() as conn:
        assert apply_migrations(conn) == []
    assert [n for n, _, _ in migrations()] == sorted({n for n, _, _ in migrations()})


def test_every_foreign_key_has_an_index(engine: Engine) -> None:
    """Deleting a parent row looks its children up by the referencing columns: without an
    index that is a scan of the child table per deleted row (a new taxonomy deletes
    ~17,000 concepts; the cascade timed out and the API did not start)."""
    with engine.connection() as conn:
        unindexed = conn.execute(
            "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c"
            " WHERE c.contype = 'f' AND NOT EXISTS ("
            "  SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid"
            "   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey"
            "   AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)"
            " ORDER BY 1, 2").fetchall()
    assert unindexed == []


def test_taxonomy_is_persisted_with_its_version(engine: Engine) -> None:
    taxonomy = engine.concepts.taxonomy
    with engine.connection() as conn:
        version = conn.execute("SELECT version FROM taxonomy_version WHERE is_current").fetchone()
        counts = dict(conn.execute("SELECT kind, count(*) FROM concept GROUP BY kind").fetchall())
        no_vector = conn.execute("SELECT count(*) FROM concept WHERE embedding IS NULL").fetchone()
        labels = conn.execute("SELECT count(DISTINCT lang) FROM concept_label").fetchone()
        relations = conn.execute("SELECT count(*) FROM occupation_skill").fetchone()
        assert persist_taxonomy(conn, engine.concepts) is False  # same version: nothing rewritten
    # the version of the taxonomy and of the encoder that made the stored vectors
    assert version == (f"{engine.concepts.version}:{engine.concepts.normalizer.encoder.name}",)
    assert counts == {"skill": taxonomy.count(ConceptKind.SKILL),
                      "occupation": taxonomy.count(ConceptKind.OCCUPATION)}
    assert no_vector == (0,)
    assert labels and labels[0] >= 8
    assert relations and relations[0] == sum(len(s) for s in taxonomy.occupation_skills.values())


def test_workers_starting_together_write_the_taxonomy_once(tmp_path: Path,
                                                          engine: Engine) -> None:
    """Two workers starting at once on a new database (`python -m api --workers 2`): one
    writes the taxonomy, the other waits for it and finds it written; neither fails."""
    barrier = threading.Barrier(2)
    with Database(Settings(data_dir=tmp_path, pgdata=tmp_path / "pg")) as db:
        def start(_: int) -> bool:
            with db.connection() as conn:
                barrier.wait(timeout=30)
                return persist_taxonomy(conn, engine.concepts)

        with ThreadPoolExecutor(2) as pool:
            wrote = sorted(pool.map(start, range(2)))
        with db.connection() as conn:
            concepts = conn.execute("SELECT count(*) FROM concept").fetchone()
            versions = conn.execute("SELECT count(*) FROM taxonomy_version").fetchone()
    assert wrote == [False, True]
    taxonomy = engine.concepts.taxonomy
    assert concepts == (taxonomy.count(ConceptKind.SKILL)
                        + taxonomy.count(ConceptKind.OCCUPATION),)
    assert versions == (1,)


def test_demo_loads_once_and_issues_a_token_per_role(tmp_path: Path, starter: Normalizer,
                                                     ) -> None:
    """In a database of its own, so the demo records stay out of the shared one."""
    settings = Settings(data_dir=tmp_path, pgdata=tmp_path / "pg")
    engine = Engine.start(settings, normalizer=starter)
    try:
        _check_demo(engine)
    finally:
        engine.close()


def _check_demo(engine: Engine) -> None:
    assert load_demo(engine, candidates=12, vacancies=40, courses=8, say=lambda _: None)
    assert not load_demo(engine, candidates=12, vacancies=40, courses=8, say=lambda _: None)
    with engine.connection() as conn:
        demo_vacancies = conn.execute(
            "SELECT count(*) FROM vacancy WHERE external_id LIKE 'demo-vac-%'").fetchone()
    assert demo_vacancies == (40,)
    tokens = demo_tokens(engine)
    assert set(tokens) == {"admin", "coach", "employer", "migrant"}
    with TestClient(create_app(engine=engine)) as client:
        for role, (token, _) in tokens.items():
            me = client.get("/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200 and me.json()["role"] == role
        migrant_token, facts = tokens["migrant"]
        matches = client.get(f"/candidates/{facts['candidate_id']}/matches",
                             headers={"Authorization": f"Bearer {migrant_token}"})
        # the employer's example vacancy (printed by `make demo`) has candidates to show
        employer_token, facts = tokens["employer"]
        fitting = client.get(f"/vacancies/{facts['vacancy_id']}/matches",
                             headers={"Authorization": f"Bearer {employer_token}"})
    assert matches.status_code == 200 and matches.json()["total"] > 0
    assert fitting.status_code == 200 and fitting.json()["total"] > 0


def _course(cid: int, skills: set[str], weeks: float, **kw: object) -> CourseFacts:
    fields: dict = {"lang": "de", "min_level": "A2", "online": True, "town": None, "lat": None,
                    "lon": None, "cost_eur": 0.0, "funding": "", "start_dates": [], "seats": 5}
    fields.update(kw)
    return CourseFacts(cid, f"course {cid}", "provider", skills, duration_weeks=weeks, **fields)


def test_course_plan_is_the_shortest_cover() -> None:
    courses = [_course(1, {"a", "b", "c"}, 10), _course(2, {"a", "b"}, 3),
               _course(3, {"c"}, 2), _course(4, {"d"}, 1)]
    plan = plan_courses(["a", "b", "c"], courses)
    assert plan.complete and plan.exact
    assert sorted(c.id for c in plan.courses) == [2, 3] and plan.total_weeks == 5
    partial = plan_courses(["a", "z"], courses)
    assert not partial.complete and partial.uncovered == ["z"]
    assert [c.id for c in partial.courses] == [2]


def test_course_plan_goes_greedy_beyond_the_exact_limit() -> None:
    skills = [f"s{i}" for i in range(EXACT_MAX_SKILLS + 2)]
    courses = [_course(i, {s}, 1) for i, s in enumerate(skills)] + [
        _course(99, set(skills[:4]), 2)]
    plan = plan_courses(skills, courses)
    assert plan.complete and not plan.exact
    assert {s for c in plan.courses for s in c.skills} >= set(skills)


def test_courses_a_person_cannot_take_are_excluded_with_the_reason() -> None:
    today = dt.date(2026, 12, 1)
    far = _course(1, {"a"}, 1, online=False, lat=52.52, lon=13.40, town="Berlin")
    assert why_not(far, {"de": "B1"}, 50.94, 6.96, 30, today) == "outside the travel radius"
    assert why_not(_course(2, {"a"}, 1, min_level="B2"), {"de": "B1"}, 0, 0, 30, today) \
        == "needs de B2"
    assert why_not(_course(3, {"a"}, 1, seats=0), {"de": "C1"}, 0, 0, 30, today) == \
        "no seats left"
    past = _course(4, {"a"}, 1, start_dates=[dt.date(2026, 1, 1)])
    assert why_not(past, {"de": "C1"}, 0, 0, 30, today) == "no upcoming start date"
    assert why_not(_course(5, {"a"}, 1), {"de": "A2"}, 0, 0, 30, today) is None


def test_skill_credit_exact_related_and_similar(engine: Engine) -> None:
    taxonomy = engine.concepts.taxonomy
    scorer = Scorer(engine.concepts)
    child, parents = next((c, p) for c, p in taxonomy.broader.items()
                          if taxonomy.concepts[c].kind is ConceptKind.SKILL and p)
    parent = sorted(parents)[0]
    cand = CandidateFacts("c", 0, 0, 10, {child: [Evidence("self_declared", "my words", 0.8),
                                                 Evidence("coach_verified", None, 1.0)]},
                          {}, {}, set(), None)
    (exact, related), _ = scorer.credits([child, parent], cand)
    assert (exact.credit, exact.via) == (1.0, "exact")  # the strongest evidence counts
    assert related.via in ("related", "similar") and 0 < related.credit <= 0.5
    weakly = CandidateFacts("w", 0, 0, 10, {child: [Evidence("work_experience", "1 year", 0.35)]},
                            {}, {}, set(), None)
    (weak, _), _ = scorer.credits([child, parent], weakly)
    assert (weak.credit, weak.via) == (0.35, "exact")
    empty = CandidateFacts("e", 0, 0, 10, {}, {}, {}, set(), None)
    unrelated = scorer.credits([child], empty)[0][0]
    assert (unrelated.credit, unrelated.via) == (0.0, "none")


def test_language_gap_counts_cefr_steps() -> None:
    value, gaps = Scorer.language({"de": "B2", "en": "A2"}, {"de": "A2", "en": "C1"})
    assert value == pytest.approx(1 - 2 / 3)
    assert gaps == [{"lang": "de", "required": "B2", "has": "A2"}]
    assert Scorer.language({"de": "C1"}, {})[0] == 0.0


def test_match_weights_file_is_checked(tmp_path: Path) -> None:
    good = tmp_path / "w.json"
    only_coverage = {f: 0 for f in FEATURES} | {"essential": 1}
    good.write_text(json.dumps({kind: only_coverage for kind in WEIGHTS}))
    assert load_weights(good)["placement"]["essential"] == 1.0
    bad = tmp_path / "bad.json"  # features left out: tests/test_match_weights.py
    bad.write_text(json.dumps({"job": only_coverage}))
    with pytest.raises(InvalidInputError, match="one object per kind"):
        load_weights(bad)
