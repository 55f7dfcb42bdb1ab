"""Stored match lists (migration 0011): a candidate's ranked, explained list per variant,
read back as an indexed look-up while it is fresh.

Fresh means: computed from the candidate's current profile (`candidate.updated_at`),
after the last vacancy change that concerns them (`match_list_state.version`) and the
last change that concerns everyone (`match_list_epoch.n`), and younger than the caller's
max age. `source` reads those three *before* a list is computed; the list keeps them, so
a change committed meanwhile leaves it stale. Items are JSON text, sent as stored.

A list past the max age that no change made stale is still answered, marked `aged`, for
as long again (`REVALIDATE` times the max age in all): the reader queues its refresh
once (`claim_refresh`) and a background job computes it, so aging alone never makes a
read compute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg

IN_USE = dt.timedelta(hours=1)  # lists computed this recently are refreshed on a change
KEPT = dt.timedelta(days=1)  # lists not computed for this long are dropped by a refresh
REVALIDATE = 2.0  # an unchanged list is answered (aged) up to this many max ages old


@dataclass(frozen=True)
class Source:
    """What a list is computed from, read before computing it."""
    updated_at: dt.datetime  # the candidate's
    version: int  # vacancy changes concerning the candidate
    epoch: int  # changes concerning every list
    at: dt.datetime  # when it was read: the list's `computed_at`


@dataclass(frozen=True)
class Stored:
    """A fresh stored list's header and one window of its items (JSON text, joined)."""
    computed_at: dt.datetime
    age_s: float
    total: int
    extra: str  # JSON object text: below_floor, reasons
    digest: str
    window: str  # the window's items, comma-separated JSON
    aged: bool  # past the max age: answered while a job computes it again


def source(conn: psycopg.Connection, candidate_id: str) -> Source | None:
    """The candidate's current source of lists; None when there is no such candidate."""
    row = conn.execute(
        "SELECT c.updated_at, coalesce(s.version, 0), e.n, clock_timestamp()"
        " FROM candidate c LEFT JOIN match_list_state s ON s.candidate_id = c.id"
        " CROSS JOIN match_list_epoch e WHERE c.id = %s", (candidate_id,)).fetchone()
    return Source(*row) if row else None


def fresh(conn: psycopg.Connection, candidate_id: str, variant: str, max_age_s: float,
          offset: int, limit: int) -> Stored | None:
    """The stored list when no change made it stale and it is younger than `REVALIDATE`
    max ages (`aged` past one), with the items of one window; else None. One query."""
    row = conn.execute(
        """SELECT l.computed_at, extract(epoch FROM clock_timestamp() - l.computed_at),
                  l.total, l.extra::text, l.digest,
                  (SELECT string_agg(i.item::text, ',' ORDER BY i.rank)
                     FROM match_list_entry i
                    WHERE i.list_id = l.id AND i.rank >= %(offset)s
                      AND i.rank < %(offset)s + %(limit)s)
             FROM match_list l JOIN candidate c ON c.id = l.candidate_id
             LEFT JOIN match_list_state s ON s.candidate_id = l.candidate_id
             CROSS JOIN match_list_epoch e
            WHERE l.candidate_id = %(cid)s AND l.variant = %(variant)s
              AND l.candidate_updated_at = c.updated_at
              AND l.version = coalesce(s.version, 0) AND l.epoch = e.n
              AND l.computed_at > clock_timestamp() - make_interval(secs => %(served)s)""",
        {"cid": candidate_id, "variant": variant, "served": max_age_s * REVALIDATE,
         "offset": offset, "limit": limit}).fetchone()
    if row is None:
        return None
    age = float(row[1])
    return Stored(row[0], age, row[2], row[3], row[4], row[5] or "", age >= max_age_s)


def claim_refresh(conn: psycopg.Connection, candidate_id: str, variant: str,
                  computed_at: dt.datetime, max_age_s: float) -> bool:
    """Whether this read is the one to queue the refresh of an aged list: the first since
    it was computed (or since a claim older than the max age, whose job did not come)."""
    return bool(conn.execute(
        """UPDATE match_list SET refresh_queued_at = clock_timestamp()
            WHERE candidate_id = %s AND variant = %s AND computed_at = %s
              AND (refresh_queued_at IS NULL OR refresh_queued_at < computed_at
                   OR refresh_queued_at < clock_timestamp() - make_interval(secs => %s))""",
        (candidate_id, variant, computed_at, max_age_s)).rowcount)


def store(conn: psycopg.Connection, candidate_id: str, variant: str, src: Source,
          entries: list[tuple[int, float, str]], extra: str, digest: str) -> bool:
    """Keep a computed list (entries: vacancy id, score, item JSON; best first) unless a
    newer one is stored already; whether it was kept. An erased candidate's list is not
    kept (their row is gone: the foreign key refuses it, and only this is undone)."""
    try:
        with conn.transaction():  # a savepoint inside the caller's transaction
            row = conn.execute(
                """INSERT INTO match_list (candidate_id, variant, candidate_updated_at,
                          version, epoch, computed_at, total, extra, digest)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (candidate_id, variant) DO UPDATE SET
                          candidate_updated_at = excluded.candidate_updated_at,
                          version = excluded.version, epoch = excluded.epoch,
                          computed_at = excluded.computed_at, total = excluded.total,
                          extra = excluded.extra, digest = excluded.digest
                    WHERE match_list.computed_at < excluded.computed_at
                   RETURNING id""",
                (candidate_id, variant, src.updated_at, src.version, src.epoch, src.at,
                 len(entries), extra, digest)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM match_list_entry WHERE list_id = %s", (row[0],))
            with conn.cursor().copy(
                    "COPY match_list_entry (list_id, rank, vacancy_id, score, item)"
                    " FROM STDIN") as copy:
                for rank, (vacancy_id, score, item) in enumerate(entries):
                    copy.write_row((row[0], rank, vacancy_id, score, item))
    except psycopg.errors.ForeignKeyViolation:
        return False
    return True


# --- what a change makes stale ------------------------------------------------------------
def touch(conn: psycopg.Connection, candidate_ids: list[str]) -> None:
    """The candidates' lists are stale from the commit of this transaction on."""
    if candidate_ids:
        conn.execute(
            "INSERT INTO match_list_state (candidate_id, version)"
            " SELECT id, 1 FROM candidate WHERE id = ANY(%s) ORDER BY id"
            " ON CONFLICT (candidate_id) DO UPDATE"
            " SET version = match_list_state.version + 1", (sorted(set(candidate_ids)),))


def touch_all(conn: psycopg.Connection) -> None:
    """Every stored list is stale from the commit of this transaction on."""
    conn.execute("UPDATE match_list_epoch SET n = n + 1")


def rank_with(conn: psycopg.Connection, ranking: str) -> bool:
    """Record the ranking (a fingerprint) the lists are computed with from now on; when it
    differs from the last one, every stored list is stale. True when it differed."""
    changed = conn.execute("UPDATE match_list_epoch SET n = n + 1, ranking = %s"
                           " WHERE ranking <> %s", (ranking, ranking)).rowcount
    return bool(changed)


def holders(conn: psycopg.Connection, vacancy_ids: list[int]) -> list[str]:
    """Candidates with a stored list holding any of these vacancies."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT l.candidate_id FROM match_list_entry i"
        " JOIN match_list l ON l.id = i.list_id WHERE i.vacancy_id = ANY(%s)",
        (vacancy_ids,))]


def any_lists(conn: psycopg.Connection) -> bool:
    """Whether any list is in use (none: a write has nothing to make stale)."""
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM match_list WHERE computed_at > now() - %s)",
                       (IN_USE,)).fetchone()
    return bool(row and row[0])


def with_lists(conn: psycopg.Connection, candidate_ids: list[str]) -> list[str]:
    """Which of these candidates have a list in use."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT candidate_id FROM match_list WHERE candidate_id = ANY(%s)"
        " AND computed_at > now() - %s ORDER BY candidate_id", (candidate_ids, IN_USE))]


def variants_to_refresh(conn: psycopg.Connection, candidate_id: str) -> list[str]:
    """The candidate's lists in use that a change has made stale (their variants); lists
    long unused are dropped instead (a read computes them again)."""
    conn.execute("DELETE FROM match_list WHERE candidate_id = %s AND computed_at < now() - %s",
                 (candidate_id, KEPT))
    return [r[0] for r in conn.execute(
        """SELECT l.variant FROM match_list l JOIN candidate c ON c.id = l.candidate_id
             LEFT JOIN match_list_state s ON s.candidate_id = l.candidate_id
             CROSS JOIN match_list_epoch e
            WHERE l.candidate_id = %s AND l.computed_at > now() - %s
              AND (l.candidate_updated_at <> c.updated_at
                   OR l.version <> coalesce(s.version, 0) OR l.epoch <> e.n)
            ORDER BY l.variant""", (candidate_id, IN_USE))]


__all__ = ["Source", "Stored", "any_lists", "claim_refresh", "fresh", "holders", "rank_with",
           "source", "store", "touch", "touch_all", "variants_to_refresh", "with_lists"]
