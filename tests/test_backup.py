"""`matcher backup` / `matcher restore` as a user runs them (a subprocess on the same
embedded server): a round trip gives back every table, row for row; a bad file changes
nothing and says why in one `error:` line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.engine import Engine
from matcher.schemas import CandidateIn, CourseIn
from matcher.settings import Settings
from matcher.store.auth import create_user, issue_token, upsert_organisation
from matcher.store.backup import table_digests
from skills_taxonomy.normalize import Normalizer
from tests.conftest import KOELN, Vocabulary, candidate_body, course_body


@pytest.fixture()
def filled(tmp_path: Path, starter: Normalizer) -> Iterator[Engine]:
    """An engine of its own on the starter taxonomy, with a few records of every kind."""
    engine = Engine.start(Settings(data_dir=tmp_path, pgdata=tmp_path / "pgdata"),
                          normalizer=starter)
    try:
        with engine.connection() as conn:
            centre = upsert_organisation(conn, "Backup Centre", "centre", "bk-centre")
            issue_token(conn, create_user(conn, "backup coach", "coach", centre), "test")
        welding = Vocabulary(starter.taxonomy).skill("MAG welding")
        engine.save_courses([CourseIn.model_validate(course_body(
            "bk-course-1", "Schweißen Grundkurs", [welding]))])
        engine.save_candidate(CandidateIn.model_validate(candidate_body(
            "bk-cand-1", "Bea Backup", KOELN, skills=[
                {"text": "Schweißer, MAG-Schweißen, 5 Jahre"}, {"concept": welding}])),
            centre)
        yield engine
    finally:
        engine.close()


def matcher_cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MATCHER_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "matcher.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def digests(engine: Engine) -> dict[str, tuple[int, str]]:
    with engine.connection() as conn:
        return table_digests(conn)


def test_backup_and_restore_give_back_every_table(filled: Engine, tmp_path: Path) -> None:
    before = digests(filled)
    assert before["candidate"][0] == 1 and before["concept"][0] > 100
    dump = tmp_path / "matcher.dump"
    made = matcher_cli(["backup", str(dump)], tmp_path)
    assert made.returncode == 0, made.stderr
    assert dump.stat().st_size > 0 and not (tmp_path / "matcher.dump.partial").exists()

    with filled.connection() as conn:  # changes after the backup, all to be undone
        conn.execute("DELETE FROM candidate")
        conn.execute("UPDATE course SET seats = 0")
        upsert_organisation(conn, "Later Centre", "centre", "bk-later")
        conn.execute("CREATE TABLE stray (x int)")
    assert digests(filled) != before

    restored = matcher_cli(["restore", str(dump)], tmp_path)
    assert restored.returncode == 0, restored.stderr
    after = digests(filled)  # on the engine's pooled connections, opened before
    assert after == before, {t: (before.get(t), after.get(t)) for t in before.keys()
                             | after.keys() if before.get(t) != after.get(t)}


def test_a_bad_backup_file_changes_nothing(filled: Engine, tmp_path: Path) -> None:
    before = digests(filled)
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"PGDMP not really a dump")
    for path, says in ((junk, "not a backup"), (tmp_path / "missing.dump", "no such file")):
        result = matcher_cli(["restore", str(path)], tmp_path)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and says in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    result = matcher_cli(["backup", str(tmp_path / "no" / "such" / "folder.dump")], tmp_path)
    assert result.returncode == 2 and "no such folder" in result.stderr
    assert digests(filled) == before
