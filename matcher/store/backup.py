"""`matcher backup PATH` and `matcher restore PATH`: the whole database in one file.

A backup is `pg_dump --format=custom` of the database the settings name: the embedded
server's (with the `pg_dump` shipped inside the pgserver package, the same version as the
server) or an external one (`MATCHER_DATABASE_URL`, with the `pg_dump` on PATH when there
is one, else the packaged one). It is written beside PATH and renamed when complete, so a
failed backup leaves no partial file.

A restore replaces everything in the database with the backup, in one transaction: the
schema `public` is set aside with its extensions moved out of it (pgvector keeps its type,
so open connections keep working), the backup's objects and rows are created, the old
schema is dropped; any error rolls all of it back. Migrations newer than the backup are
then applied. Stop the API first: its requests would wait for, or fail on, the restore.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from matcher.errors import DatabaseError
from matcher.store.database import Database
from matcher.store.schema import apply_migrations
from skills_taxonomy.errors import InvalidInputError

_SET_ASIDE = "matcher_replaced"
# run before the backup's script, in the same transaction
_CLEAR = f"""
ALTER SCHEMA public RENAME TO {_SET_ASIDE};
CREATE SCHEMA public;
GRANT USAGE ON SCHEMA public TO PUBLIC;
DO $$ DECLARE ext text; BEGIN
  FOR ext IN SELECT extname FROM pg_extension
             WHERE extnamespace = '{_SET_ASIDE}'::regnamespace LOOP
    EXECUTE format('ALTER EXTENSION %I SET SCHEMA public', ext);
  END LOOP;
END $$;
DROP SCHEMA {_SET_ASIDE} CASCADE;
"""


def _binary(name: str, external: bool) -> str:
    spec = importlib.util.find_spec("pgserver")
    packaged = None
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin" / name
        packaged = str(candidate) if candidate.exists() else None
    found = shutil.which(name) if external or packaged is None else None
    if found or packaged:
        return str(found or packaged)
    raise DatabaseError(f"{name} not found: install the PostgreSQL client tools")


def _target(url: str) -> tuple[str, dict[str, str]]:
    """The connection string without its password (which goes to the environment, not to
    the command line that `ps` shows) and the environment for the tools."""
    params: dict[str, Any] = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def _failure(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return (errors or lines or ["no message"])[0]


def table_digests(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    """Every table of the schema: (rows, md5 of its rows in a fixed order)."""
    tables = [row[0] for row in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname")]
    out: dict[str, tuple[int, str]] = {}
    for table in tables:
        row = conn.execute(sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            " FROM {} t").format(sql.Identifier(table))).fetchone()
        assert row is not None
        out[table] = (int(row[0]), str(row[1]))
    return out


def _counts(db: Database) -> dict[str, int]:
    with db.connection() as conn:
        return {table: rows for table, (rows, _) in table_digests(conn).items()}


def backup(db: Database, path: Path) -> dict[str, Any]:
    """Dump the database to `path`; returns what it holds."""
    path = path.expanduser()
    if path.is_dir():
        raise InvalidInputError(f"{path}: is a folder; give the backup's file name")
    if not path.parent.is_dir():
        raise InvalidInputError(f"{path.parent}: no such folder")
    dsn, env = _target(db.url)
    partial = path.with_name(path.name + ".partial")
    result = subprocess.run(
        [_binary("pg_dump", not db.embedded), "--format=custom", "--no-owner",
         "--no-privileges", "--file", str(partial), "--dbname", dsn],
        env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"backup failed: {_failure(result.stderr)}")
    os.replace(partial, path)
    counts = _counts(db)
    return {"backup": str(path), "bytes": path.stat().st_size, "tables": len(counts),
            "rows": counts}


def restore(db: Database, path: Path) -> dict[str, Any]:
    """Replace the database's contents with the backup in `path` (all or nothing)."""
    path = path.expanduser()
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    external = not db.embedded
    pg_restore = _binary("pg_restore", external)
    listing = subprocess.run([pg_restore, "--list", str(path)], capture_output=True,
                             text=True, check=False)
    if listing.returncode != 0:
        raise InvalidInputError(f"{path}: not a backup made by `matcher backup` "
                                f"({_failure(listing.stderr)})")
    entries = listing.stdout.splitlines()
    if not any(" TABLE public schema_migration " in line for line in entries):
        raise InvalidInputError(f"{path}: not a backup of this application's database "
                                "(it has no schema_migration table)")
    dsn, env = _target(db.url)
    with tempfile.TemporaryDirectory(prefix="matcher-restore-") as tmp:
        # everything but the extensions: they stay where they are
        toc = Path(tmp) / "toc"
        toc.write_text("\n".join(line for line in entries if " EXTENSION " not in line) + "\n")
        script = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", "--use-list", str(toc), "--file",
             "-", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            applied = subprocess.run(
                [_binary("psql", external), "-X", "-q", "--single-transaction", "-v",
                 "ON_ERROR_STOP=1", "-c", _CLEAR, "-f", "-", "--dbname", dsn],
                stdin=script.stdout, env=env, capture_output=True, text=True, check=False)
        finally:
            if script.stdout is not None:
                script.stdout.close()
            _, script_errors = script.communicate()
    if script.returncode != 0:
        raise DatabaseError(f"restore failed, nothing changed: "
                            f"{_failure(script_errors.decode(errors='replace'))}")
    if applied.returncode != 0:
        raise DatabaseError(f"restore failed, nothing changed: {_failure(applied.stderr)}")
    with psycopg.connect(db.url, autocommit=True) as conn:
        newer = apply_migrations(conn)
    if db.pool is not None:
        db.pool.check()
    counts = _counts(db)
    return {"restored": str(path), "tables": len(counts), "rows": counts,
            "migrations_applied": newer}


__all__ = ["backup", "restore", "table_digests"]
