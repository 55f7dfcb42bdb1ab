"""Whether a pooled connection may be handed out without a round trip.

An idle connection has nothing to read: the server speaks on it only when it ends it (a
backend that exits — a restart, `pg_terminate_backend`, the postmaster killed — closes
the socket, often after an error message) or to notify (NOTICE, a changed parameter).
So a connection whose socket has nothing to read, and that psycopg does not know to be
closed or broken, is handed out as it is; only one with something to read costs the
round trip of `ConnectionPool.check_connection`, which reads what came and fails on a
dead one. That check was run on every checkout before (about 30 µs of wall time and
15 µs of CPU, on each of the 2–3 connections a request took). What it cannot see — a
network path that silently drops packets — a round trip would not have found quickly
either (it waits for the TCP keepalives).
"""

from __future__ import annotations

import select
from collections.abc import Callable

import psycopg
from psycopg_pool import ConnectionPool


def check_if_needed(conn: psycopg.Connection,
                    on_dead: Callable[[], None] | None = None) -> None:
    """The pool's check of a connection before handing it out: raises for a dead one
    (after calling `on_dead`); a round trip only when `needs_check`."""
    if needs_check(conn):
        try:
            ConnectionPool.check_connection(conn)
        except psycopg.Error:
            if on_dead is not None:
                on_dead()
            raise


def needs_check(conn: psycopg.Connection) -> bool:
    """True when the connection must be checked with a round trip before it is used."""
    if conn.closed or conn.broken:
        return True
    try:
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg.Error):
        return True


__all__ = ["check_if_needed", "needs_check"]
