"""Background jobs kept in PostgreSQL (migration 0010): a queue every API worker shares.

A job is claimed with `FOR UPDATE SKIP LOCKED`, so however many workers poll, each job
runs once; the worker beats (`progress`) while it works, and a job whose beat stopped
(its process died) is queued again by the next worker that looks (`requeue_stale`), up
to MAX_ATTEMPTS. The body of the request waits in `payload` and is dropped when the job
ends: what stays is the answer (`result`) or the error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

MAX_ATTEMPTS = 3
_COLUMNS = ("id, kind, state::text, user_id, total, done, attempts, params, result, error, "
            "created_at, started_at, heartbeat_at, finished_at")


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    state: str
    user_id: int | None
    total: int
    done: int
    attempts: int
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    finished_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        """The job as its owner sees it: state, progress, and the answer when done."""
        out: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "state": self.state, "total": self.total,
            "done": self.done, "progress": round(self.done / self.total, 3) if self.total
            else (1.0 if self.state == "done" else 0.0),
            "created_at": self.created_at.isoformat()}
        if self.started_at:
            out["started_at"] = self.started_at.isoformat()
            end = self.finished_at or self.heartbeat_at or self.started_at
            seconds = (end - self.started_at).total_seconds()
            if self.done and seconds > 0:
                out["rows_per_s"] = round(self.done / seconds, 1)
                if self.state == "running":
                    out["seconds_left"] = round((self.total - self.done) * seconds / self.done)
        if self.finished_at:
            out["finished_at"] = self.finished_at.isoformat()
        if self.result is not None:
            out["result"] = self.result
        if self.error is not None:
            out["error"] = self.error
        return out


def enqueue(conn: psycopg.Connection, kind: str, user_id: int | None, payload: bytes,
            params: dict[str, Any], total: int) -> Job:
    row = conn.execute(
        f"INSERT INTO job (kind, user_id, payload, params, total) VALUES (%s, %s, %s, %s, %s)"
        f" RETURNING {_COLUMNS}", (kind, user_id, payload, Jsonb(params), total)).fetchone()
    assert row is not None
    return Job(*row)


def claim(conn: psycopg.Connection, kinds: list[str]) -> tuple[Job, bytes] | None:
    """The oldest queued job of `kinds`, now running, with its payload; None when none
    waits. Other workers skip the row while this transaction holds it."""
    with conn.transaction():
        row = conn.execute(
            f"""UPDATE job SET state = 'running', started_at = coalesce(started_at, now()),
                       heartbeat_at = now(), attempts = attempts + 1
                WHERE id = (SELECT id FROM job WHERE state = 'queued' AND kind = ANY(%s)
                            ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING {_COLUMNS}, payload""", (kinds,)).fetchone()
    if row is None:
        return None
    return Job(*row[:-1]), bytes(row[-1] or b"")


def progress(conn: psycopg.Connection, job_id: int, done: int) -> None:
    """Rows done so far; also the worker's heartbeat."""
    with conn.transaction():
        conn.execute("UPDATE job SET done = %s, heartbeat_at = now() WHERE id = %s",
                     (done, job_id))


def beat(conn: psycopg.Connection, job_id: int) -> None:
    """The worker is alive and on it (while a long step runs)."""
    with conn.transaction():
        conn.execute("UPDATE job SET heartbeat_at = now() WHERE id = %s AND state = 'running'",
                     (job_id,))


def finish(conn: psycopg.Connection, job_id: int, result: dict[str, Any]) -> None:
    """Done: the answer stays, the payload goes. Runs in the caller's transaction, so a
    job's writes and its end commit together."""
    conn.execute("""UPDATE job SET state = 'done', done = total, result = %s, payload = NULL,
                           finished_at = now(), heartbeat_at = now() WHERE id = %s""",
                 (Jsonb(result), job_id))


def fail(conn: psycopg.Connection, job_id: int, error: dict[str, Any]) -> None:
    with conn.transaction():
        conn.execute("""UPDATE job SET state = 'failed', error = %s, payload = NULL,
                               finished_at = now() WHERE id = %s""", (Jsonb(error), job_id))


def requeue_stale(conn: psycopg.Connection, stale_seconds: float) -> int:
    """Jobs whose worker stopped beating: queued again, or failed after MAX_ATTEMPTS."""
    with conn.transaction():
        cur = conn.execute(
            """UPDATE job SET state = CASE WHEN attempts >= %(max)s THEN 'failed'::job_state
                                           ELSE 'queued'::job_state END,
                      error = CASE WHEN attempts >= %(max)s THEN %(error)s END,
                      finished_at = CASE WHEN attempts >= %(max)s THEN now() END
               WHERE state = 'running'
                 AND heartbeat_at < now() - make_interval(secs => %(stale)s)""",
            {"max": MAX_ATTEMPTS, "stale": stale_seconds,
             "error": Jsonb({"detail": f"the job's worker stopped {MAX_ATTEMPTS} times"})})
        return cur.rowcount


def read_job(conn: psycopg.Connection, job_id: int) -> Job | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM job WHERE id = %s", (job_id,)).fetchone()
    return Job(*row) if row else None


def jobs_of(conn: psycopg.Connection, user_id: int | None, limit: int, offset: int,
            ) -> tuple[int, list[Job]]:
    """A user's jobs, newest first (every job for None: an admin)."""
    where = "WHERE user_id = %(user)s" if user_id is not None else ""
    params = {"user": user_id, "limit": limit, "offset": offset}
    count = conn.execute(f"SELECT count(*) FROM job {where}", params).fetchone()
    rows = conn.execute(f"SELECT {_COLUMNS} FROM job {where} ORDER BY id DESC"
                        " LIMIT %(limit)s OFFSET %(offset)s", params).fetchall()
    return (count[0] if count else 0), [Job(*row) for row in rows]


__all__ = ["Job", "beat", "claim", "enqueue", "fail", "finish", "jobs_of", "progress", "read_job",
           "requeue_stale"]
