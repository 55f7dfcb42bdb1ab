"""The database schema: the numbered migrations in `matcher/store/migrations`, each applied
once, in order, in its own transaction, under an advisory lock so two processes starting
together do not race; and the vector columns' dimension, which follows the encoder."""

from __future__ import annotations

import logging
import re
from importlib import resources

import psycopg
from psycopg import sql

from matcher.errors import DatabaseError

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_ID = 7_310_221  # advisory lock key for migrations


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration shipped in the package, in order."""
    found = []
    for entry in resources.files("matcher.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def apply_migrations(conn: psycopg.Connection) -> list[str]:
    """Apply the migrations this database has not seen; returns their file names."""
    applied: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute("""CREATE TABLE IF NOT EXISTS schema_migration (
                            number integer PRIMARY KEY, name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())""")
        done = {row[0] for row in conn.execute("SELECT number FROM schema_migration")}
        for number, name, sql in migrations():
            if number in done:
                continue
            log.info("applying migration %s", name)
            conn.execute(sql.encode())
            conn.execute("INSERT INTO schema_migration (number, name) VALUES (%s, %s)",
                         (number, name))
            applied.append(name)
    return applied


# Every vector column and the HNSW indexes on them: their dimension is the main encoder's.
_VECTOR_COLUMNS = (("concept", None), ("candidate", "candidate_embedding_idx"),
                   ("vacancy", "vacancy_embedding_idx"), ("course", None))


def align_vector_dimension(conn: psycopg.Connection, dim: int) -> bool:
    """Give the vector columns the encoder's dimension (the schema starts at 384, the
    packaged MiniLM's). Only while no profile holds a vector: vectors of another encoder
    cannot be compared with the new one's, so a database with profiles is refused with an
    error that says so. Returns whether it changed anything."""
    row = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'candidate'::regclass"
                       " AND attname = 'embedding'").fetchone()
    if row is None or row[0] == dim:
        return False
    with conn.transaction():
        stored = conn.execute(
            "SELECT (SELECT count(*) FROM candidate WHERE embedding IS NOT NULL)"
            " + (SELECT count(*) FROM vacancy WHERE embedding IS NOT NULL)"
            " + (SELECT count(*) FROM course WHERE embedding IS NOT NULL)").fetchone()
        if stored and stored[0]:
            raise DatabaseError(
                f"the database holds {stored[0]} profile vectors of {row[0]} dimensions, but "
                f"the configured encoder makes {dim}: use the encoder they were made with "
                "(MATCHER_MODEL_PATH) or a new database (MATCHER_PGDATA / "
                "MATCHER_DATABASE_URL) and load the profiles again")
        for table, index in _VECTOR_COLUMNS:
            if index:
                conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(index)))
            conn.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN embedding TYPE vector({})"
                                 " USING NULL").format(sql.Identifier(table), sql.Literal(dim)))
            if index:
                conn.execute(sql.SQL("CREATE INDEX {} ON {} USING hnsw (embedding"
                                     " vector_cosine_ops)").format(sql.Identifier(index),
                                                                  sql.Identifier(table)))
    return True
