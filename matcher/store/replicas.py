"""Read replicas: streaming standbys of the primary that serve the heavy read-only routes.

Each replica has its own pool. A monitor thread asks every replica, once a second, how
far behind the primary it is; a replica that does not answer, or lags more than
`MATCHER_REPLICA_MAX_LAG_SECONDS`, is skipped (reads go to the primary) until it is fresh
again. Lag is `now() - pg_last_xact_replay_timestamp()`, except that a replica which has
replayed all it received from a streaming primary counts as fresh: on an idle primary that
timestamp grows old although nothing is missing. A failed connection to a replica during
a request marks it stale at once, without waiting for the monitor.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # how often the monitor asks each replica for its lag
TAKE_TIMEOUT = 1.0  # most seconds a read waits for a replica's connection, then the primary

# in_recovery, caught_up, lag in seconds (NULL: nothing replayed yet), streaming
LAG_QUERY = """
    SELECT pg_is_in_recovery(),
           coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),
           extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8,
           coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false)"""


def server_name(url: str) -> str:
    """host:port/database of a URL, without user or password: what the log names."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


@dataclass(frozen=True)
class Freshness:
    """What the monitor last found: whether reads may go there, and why not."""

    fresh: bool
    lag: float | None  # seconds behind the primary; 0.0 when caught up
    why: str = ""


def judge(row: tuple[Any, ...] | None, max_lag: float) -> Freshness:
    """The monitor's verdict on one answer to `LAG_QUERY`."""
    if row is None:
        return Freshness(False, None, "no answer")
    in_recovery, caught_up, lag, streaming = row
    if not in_recovery:
        return Freshness(True, 0.0)  # a primary (or a promoted standby): nothing to miss
    if caught_up and streaming:
        return Freshness(True, 0.0)
    if lag is None:
        return Freshness(False, None, "nothing replayed yet")
    if lag > max_lag:
        paused = "" if streaming else ", not streaming"
        return Freshness(False, lag, f"{lag:.1f} s behind (limit {max_lag:g} s{paused})")
    return Freshness(True, lag)


class Replica:
    """One read replica: its pool and its last known freshness."""

    def __init__(self, url: str, pool_size: int, connect_args: dict[str, Any],
                 configure: Callable[[psycopg.Connection], None]) -> None:
        self.url = url
        self.name = server_name(url)
        self.served = 0  # reads this replica answered (a statistic: no lock)
        self._connect_args = connect_args
        self._probe: psycopg.Connection | None = None
        self.state = Freshness(False, None, "not checked yet")
        self.pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, kwargs=connect_args, configure=configure,
            check=ConnectionPool.check_connection, timeout=TAKE_TIMEOUT,
            reconnect_timeout=2.0, reconnect_failed=lambda pool: self.mark_stale(
                "cannot connect"), open=False)

    def open(self) -> None:
        self.pool.open(wait=False)  # a replica down at start must not stop the primary

    def mark_stale(self, why: str) -> None:
        if self.state.fresh:
            log.warning("read replica %s skipped: %s; reads go to the primary", self.name, why)
        self.state = Freshness(False, None, why)

    def check(self, max_lag: float) -> None:
        """Ask the replica for its lag on a connection kept for that (made anew when it
        broke) and log each change between fresh and stale."""
        try:
            if self._probe is None or self._probe.closed or self._probe.broken:
                self._probe = psycopg.connect(self.url, autocommit=True, **self._connect_args)
            verdict = judge(self._probe.execute(LAG_QUERY).fetchone(), max_lag)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()
            verdict = Freshness(False, None, first[0] if first else type(exc).__name__)
            self.close_probe()
        if verdict.fresh and not self.state.fresh:
            log.warning("read replica %s in use (%.1f s behind)", self.name, verdict.lag or 0)
        elif not verdict.fresh and self.state.fresh:
            log.warning("read replica %s skipped: %s; reads go to the primary", self.name,
                        verdict.why)
        self.state = verdict

    def close_probe(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            probe.close()

    def close(self) -> None:
        self.close_probe()
        self.pool.close()


class Replicas:
    """The configured replicas, their monitor, and the choice of one for a read."""

    def __init__(self, urls: list[str], max_lag: float, pool_size: int,
                 connect_args: dict[str, Any],
                 configure: Callable[[psycopg.Connection], None]) -> None:
        self.max_lag = max_lag
        self.all = [Replica(url, pool_size, connect_args, configure) for url in urls]
        self._turn = itertools.count()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._monitor: threading.Thread | None = None

    def open(self) -> None:
        for replica in self.all:
            replica.open()
            replica.check(self.max_lag)  # the first reads already know which to use
        self._stop.clear()
        self._monitor = threading.Thread(target=self._watch, name="replica-monitor",
                                         daemon=True)
        self._monitor.start()

    def suspect(self) -> None:
        """A read could not get a replica's connection in time: check them all now."""
        self._wake.set()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(CHECK_SECONDS)
            self._wake.clear()
            for replica in self.all:
                if not self._stop.is_set():
                    replica.check(self.max_lag)

    def choose(self) -> Replica | None:
        """The next fresh replica, round robin; None when none is fresh."""
        fresh = [r for r in self.all if r.state.fresh]
        if not fresh:
            return None
        return fresh[next(self._turn) % len(fresh)]

    def status(self) -> list[dict[str, Any]]:
        return [{"server": r.name, "fresh": r.state.fresh, "lag_seconds": r.state.lag,
                 "why": r.state.why, "reads": r.served} for r in self.all]

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._monitor is not None:
            self._monitor.join(timeout=10)
            self._monitor = None
        for replica in self.all:
            replica.close()


__all__ = ["Freshness", "Replica", "Replicas", "judge", "server_name"]
