"""Outcomes a coach records (contacted, interview, placed, rejected), kept for training
together with the score breakdown the pair had when the outcome was recorded."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api import responses as r
from api.deps import Conn, CurrentUser, EngineDep, Limit, Offset, page
from matcher.access import candidate_scope, require, vacancy_scope
from matcher.schemas import NO_NUL, OutcomeIn
from matcher.store.auth import audit, audit_each
from matcher.store.candidates import load_facts
from matcher.store.outcomes import list_outcomes, record_outcome
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
    oid, recorded_at = record_outcome(conn, body, match, who.user_id)
    audit(conn, who, "outcome.record", body.candidate_id, status=body.status)
    return {"id": oid, **body.model_dump(), "score": scored.score, "recorded_at": recorded_at}


@router.get("", **r.answers(r.OutcomePage, 403, 404))
def outcomes(who: CurrentUser, conn: Conn,
             candidate_id: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
             limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
    """Outcomes of one candidate, or of every candidate of the coach's centre."""
    require(who, "admin", "coach")
    if candidate_id is not None:
        candidate_scope(conn, who, candidate_id)
    org = who.organisation_id if who.role == "coach" else None
    items, total = list_outcomes(conn, candidate_id, org, limit, offset)
    # the reasons are personal data: one row per candidate read (the one asked for, or
    # each on the page)
    audit_each(conn, who, "outcome.read", [candidate_id] if candidate_id
               else sorted({i["candidate_id"] for i in items}))
    return page(items, total, limit, offset)
