"""The processes around the embedded server: a SIGTERM that lets cleanup run (so the
server stops with the API), the handles pgserver keeps for processes that were killed
and can no longer let go, and a long-running process's heap kept out of the cyclic
garbage collector's full passes."""

from __future__ import annotations

import gc
import json
import logging
import signal
import threading
from pathlib import Path

import psutil

log = logging.getLogger(__name__)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit(143), so that `finally` blocks and atexit handlers run
    and stop the embedded server (by default SIGTERM ends Python at once and leaves the
    postmaster running). For the entry points: `python -m api`, the demo, the CLI."""
    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def freeze_startup_heap() -> None:
    """For a process that serves (the API, `matcher worker`), once the engine is loaded:
    what start-up built — taxonomy, label indexes, encoders; 0.5 M objects on the starter
    taxonomy, 1.25 M on full ESCO — lives as long as the process, yet each full pass of
    the cyclic collector walks all of it, holding the GIL for 0.5-2.5 s and stalling every
    request of the process. Frozen, the collector skips it (start-up leaves about a
    hundred unreachable objects, so nothing worth collecting first)."""
    gc.freeze()


def forget_dead_handles(pgdata: Path) -> list[int]:
    """pgserver counts the processes that use an embedded server in
    `<pgdata>/.handle_pids.json` and stops the server when the last one leaves; a process
    killed with -9 never leaves, so no later clean exit would stop it. Drop the ids of
    processes that are gone (or are no Python process: a reused id). Returns them."""
    path = pgdata / ".handle_pids.json"
    if not path.exists():
        return []
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:
        try:
            pids = [int(p) for p in json.loads(path.read_text())]
        except (OSError, ValueError, TypeError):
            pids = []
        alive = [pid for pid in pids if _is_python(pid)]
        if alive != pids:
            path.write_text(json.dumps(alive))
    dead = [pid for pid in pids if pid not in alive]
    if dead:
        log.info("forgot embedded-server handles of ended processes %s", dead)
    return dead


def _is_python(pid: int) -> bool:
    try:
        proc = psutil.Process(pid)
        return (proc.status() != psutil.STATUS_ZOMBIE
                and "python" in " ".join([proc.name(), *proc.cmdline()[:1]]).lower())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
