"""Outcomes a coach records (contacted, interview, placed, rejected), kept for training
together with the score breakdown the pair had when the outcome was recorded."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from api import responses as r
from api.deps import Conn, CurrentUser, EngineDep, Limit, Offset, page
from matcher.access import candidate_scope, require, vacancy_scope
from matcher.schemas import NO_NUL, OutcomeIn
from matcher.store.auth import audit
from matcher.store.candidates import load_facts
from matcher.store.vacancies import load_vacancy_facts

router = APIRouter(prefix="/outcomes", tags=["outcomes"])


@router.post("", status_code=status.HTTP_201_CREATED,
             **r.answers(r.OutcomeRecorded, 403, 404, body=True))
def record(body: OutcomeIn, who: CurrentUser, engine: EngineDep, conn: Conn,
           ) -> dict[str, Any]:
    require(who, "admin", "coach")
    candidate_scope(conn, who, body.candidate_id)
    vacancy_scope(conn, who, body.vacancy_id)
    cand = load_facts(conn, [body.candidate_id])[body.candidate_id]
    vac = load_vacancy_facts(conn, [body.vacancy_id])[body.vacancy_id]
    scored = engine.scorer.score(cand, vac)
    match = {"score": scored.score, "features": scored.features,
             "weights": engine.scorer.weights,
             "credits": [asdict(c) for c in scored.credits]}
    row = conn.execute(
        "INSERT INTO outcome (candidate_id, vacancy_id, status, reason, match, recorded_by)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id, recorded_at",
        (body.candidate_id, body.vacancy_id, body.status, body.reason, Jsonb(match),
         who.user_id)).fetchone()
    assert row is not None
    audit(conn, who, "outcome.record", body.candidate_id, status=body.status)
    return {"id": row[0], **body.model_dump(), "score": scored.score, "recorded_at": row[1]}


@router.get("", **r.answers(r.OutcomePage, 403, 404))
def outcomes(who: CurrentUser, conn: Conn,
             candidate_id: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
             limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
    """Outcomes of one candidate, or of every candidate of the coach's centre."""
    require(who, "admin", "coach")
    if candidate_id is not None:
        candidate_scope(conn, who, candidate_id)
    org = who.organisation_id if who.role == "coach" else None
    where = ("WHERE (%(cid)s::text IS NULL OR o.candidate_id = %(cid)s)"
             " AND (%(org)s::bigint IS NULL OR c.organisation_id = %(org)s)")
    args = {"cid": candidate_id, "org": org, "limit": limit, "offset": offset}
    total = conn.execute("SELECT count(*) FROM outcome o JOIN candidate c"
                         f" ON c.id = o.candidate_id {where}", args).fetchone()
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT o.id, o.candidate_id, o.vacancy_id, o.status::text AS status, o.reason,"
        " o.match -> 'score' AS score, o.recorded_at FROM outcome o JOIN candidate c"
        f" ON c.id = o.candidate_id {where} ORDER BY o.id LIMIT %(limit)s"
        " OFFSET %(offset)s", args).fetchall()
    return page(rows, int(total[0]) if total else 0, limit, offset)
