"""Outcomes a coach records (contacted, interview, placed, rejected), kept for training
together with the score breakdown the pair had when the outcome was recorded."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from matcher.schemas import OutcomeIn


def record_outcome(conn: psycopg.Connection, outcome: OutcomeIn, match: dict[str, Any],
                   user_id: int) -> tuple[int, Any]:
    """Store the outcome with the pair's score breakdown; returns (id, recorded_at)."""
    row = conn.execute(
        "INSERT INTO outcome (candidate_id, vacancy_id, status, reason, match, recorded_by)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id, recorded_at",
        (outcome.candidate_id, outcome.vacancy_id, outcome.status, outcome.reason,
         Jsonb(match), user_id)).fetchone()
    assert row is not None
    return int(row[0]), row[1]


def list_outcomes(conn: psycopg.Connection, candidate_id: str | None,
                  organisation_id: int | None, limit: int, offset: int,
                  ) -> tuple[list[dict[str, Any]], int]:
    """Outcomes of one candidate and/or of one centre's candidates, oldest first, and
    how many there are in all."""
    where = ("WHERE (%(cid)s::text IS NULL OR o.candidate_id = %(cid)s)"
             " AND (%(org)s::bigint IS NULL OR c.organisation_id = %(org)s)")
    args = {"cid": candidate_id, "org": organisation_id, "limit": limit, "offset": offset}
    total = conn.execute("SELECT count(*) FROM outcome o JOIN candidate c"
                         f" ON c.id = o.candidate_id {where}", args).fetchone()
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT o.id, o.candidate_id, o.vacancy_id, o.status::text AS status, o.reason,"
        " o.match -> 'score' AS score, o.recorded_at FROM outcome o JOIN candidate c"
        f" ON c.id = o.candidate_id {where} ORDER BY o.id LIMIT %(limit)s"
        " OFFSET %(offset)s", args).fetchall()
    return rows, int(total[0]) if total else 0


def training_outcomes(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every recorded outcome with what a learner needs (`matcher.learning.outcomes`):
    the vacancy's kind, the pair's score features when it was recorded, whether the
    vacancy asks for optional skills (the optional feature's weight is 0 if not), when,
    and the vacancy's town (the region a calibration counts outcomes by)."""
    return conn.cursor(row_factory=dict_row).execute(
        "SELECT o.candidate_id, o.vacancy_id, v.kind::text AS kind, o.status::text AS status,"
        " o.reason, o.match -> 'features' AS features, o.recorded_at, v.town,"
        " EXISTS (SELECT 1 FROM vacancy_skill s WHERE s.vacancy_id = o.vacancy_id"
        "         AND NOT s.essential) AS has_optional"
        " FROM outcome o JOIN vacancy v ON v.id = o.vacancy_id ORDER BY o.id").fetchall()
