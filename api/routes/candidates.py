"""Candidates: write, read (audited), export, erase, consents, matches, courses, plans."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import psycopg
from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api import responses as r
from api.deps import (
    Conn,
    CurrentUser,
    EngineDep,
    Lang,
    Limit,
    Offset,
    RateLimited,
    Tx,
    matches_etag,
    page,
    upserted,
)
from matcher.access import candidate_scope, candidate_write_org, require
from matcher.match import lists
from matcher.schemas import CandidateIn, CandidateRef, Consent
from matcher.store.auth import Principal, audit, audit_each, organisation_kind
from matcher.store.candidates import (
    best_language,
    erase_candidate,
    export_candidate,
    list_candidates,
    read_candidate,
    replace_consents,
)
from skills_taxonomy.errors import InvalidInputError

router = APIRouter(prefix="/candidates", tags=["candidates"])
CandidateId = CandidateRef


class ConsentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    consents: list[Consent] = Field(max_length=100)


def label_lang(conn: psycopg.Connection, who: Principal, lang: str | None) -> str:
    """Labels in the requested language; a migrant by default reads their own."""
    if lang:
        return lang
    if who.role == "migrant" and who.candidate_id:
        best = best_language(conn, who.candidate_id)
        if best:
            return best
    return "en"


@router.post("", status_code=status.HTTP_201_CREATED,
             **r.answers(r.CandidateSaved, 403, body=True, upsert=True))
def save_candidate(body: CandidateIn, who: CurrentUser, engine: EngineDep, tx: Tx,
                   response: Response) -> dict[str, Any]:
    """Create or replace (by external id within the centre) a candidate; free text is
    linked to skills and occupations on write. The answer says what was linked and what
    was not (`linking`: per statement, and warnings a coach must act on). 201 with
    `Location` when created, 200 when replaced."""
    organisation_id = candidate_write_org(who, body.organisation_id)
    with engine.connection() as conn:  # a short read, before the model runs
        if organisation_kind(conn, organisation_id) != "centre":
            raise InvalidInputError(f"organisation_id: {organisation_id} is not a centre")
    # linking first, then the write and its audit row in the request's one transaction
    cid, created, report = engine.save_candidate(body, organisation_id, connect=tx.use)
    audit(tx.conn, who, "candidate.write", cid, created=created)
    return {**upserted(response, f"/candidates/{cid}", cid, created),
            "linking": report.as_dict()}


@router.get("", **r.answers(r.CandidatePage, 403))
def candidates(who: CurrentUser, conn: Conn, limit: Limit = 20, offset: Offset = 0,
               ) -> dict[str, Any]:
    """The candidates of the caller's centre (admins: all), with names."""
    require(who, "admin", "coach")
    org = who.organisation_id if who.role == "coach" else None
    items, total = list_candidates(conn, org, limit, offset)
    audit_each(conn, who, "candidate.list", [item["id"] for item in items])
    return page(items, total, limit, offset)


@router.get("/{candidate_id}", **r.answers(r.CandidateFull, 403, 404))
def candidate(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
              lang: Lang = None) -> dict[str, Any]:
    candidate_scope(conn, who, candidate_id)
    out = read_candidate(conn, engine.concepts, candidate_id, personal=True,
                         lang=label_lang(conn, who, lang))
    audit(conn, who, "candidate.read", candidate_id)
    return out


@router.get("/{candidate_id}/export", **r.answers(r.CandidateExport, 403, 404))
def export(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
           ) -> Response:
    """Everything stored about the candidate, as a JSON download."""
    candidate_scope(conn, who, candidate_id)
    audit(conn, who, "candidate.export", candidate_id)
    data = export_candidate(conn, engine.concepts, candidate_id)
    return Response(json.dumps(data, default=str, ensure_ascii=False, indent=1),
                    media_type="application/json", headers={
                        "Content-Disposition": f'attachment; filename="{candidate_id}.json"'})


@router.delete("/{candidate_id}", **r.answers(r.Erased, 403, 404))
def erase(candidate_id: CandidateId, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """Erase every row about the candidate, vectors and audit trail included. What is kept
    is one audit entry that an erasure happened, without the candidate's id."""
    candidate_scope(conn, who, candidate_id)
    counts = erase_candidate(conn, candidate_id)
    audit(conn, who, "candidate.erase", None, rows=sum(counts.values()))
    return {"erased": candidate_id, "rows": counts}


@router.put("/{candidate_id}/consents", **r.answers(r.ConsentsOut, 403, 404, body=True))
def set_consents(candidate_id: CandidateId, body: ConsentsIn, who: CurrentUser,
                 conn: Conn) -> dict[str, Any]:
    """Replace the candidate's consents (an employer id, or null for every employer)."""
    candidate_scope(conn, who, candidate_id)
    replace_consents(conn, candidate_id, body.consents)
    audit(conn, who, "candidate.consents", candidate_id, consents=len(body.consents))
    return {"candidate_id": candidate_id, "consents": [c.model_dump() for c in body.consents]}


@router.get("/{candidate_id}/matches", dependencies=[RateLimited],
            **r.answers(r.VacancyMatchPage, 403, 404, not_modified=True))
def matches(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
            kind: Annotated[list[Literal["job", "apprenticeship", "placement"]] | None,
                            Query()] = None,
            limit: Limit = 20, offset: Offset = 0, lang: Lang = None,
            courses: bool = True,
            floor: Annotated[bool, Query(description=(
                "false: also list the vacancies below the relevance floor"))] = True,
            if_none_match: Annotated[str | None, Header()] = None,
            ) -> Response:
    """Vacancies for the candidate, best first, each with its score breakdown, matched
    and missing skills, language gap, distance, and the course plan for its gaps. Those
    below the relevance floor of their kind are left out and counted (`below_floor`); a
    short list says why (`reasons`: how many vacancies each filter kept out).

    The list is worked out once and kept: a read answers from the stored list while
    nothing it depends on has changed and it is younger than `MATCHER_MATCH_LIST_MAX_AGE`
    seconds, else computes it (`freshness` says when it was computed and whether it came
    from the stored list). A list past that age that nothing changed is answered while a
    background job computes it again (`freshness.refreshing`); past twice that age a read
    computes it. `ETag` names the window's content: with `If-None-Match` the answer is
    304 without a body while it is unchanged. A 304 is audited as a read (the
    caller shows the candidate's list again)."""
    max_age = engine.settings.match_list_max_age

    def listed_page(read: psycopg.Connection) -> lists.Answer:
        """Reads only: on a read replica when there is one (`Engine.read`)."""
        candidate_scope(read, who, candidate_id)
        variant = lists.Variant.of(list(kind or []), floor, label_lang(read, who, lang),
                                   courses)
        return lists.window(read, engine.matcher, candidate_id, variant, offset, limit,
                            max_age)

    # on a replica, else in the request's one transaction (the token was read in it);
    # what is written, on the primary with the audit row
    answer = engine.read(listed_page, here=conn)
    if answer.computed is not None:
        lists.keep(conn, answer.computed)
    elif answer.aged is not None:  # answered while a job computes it again
        lists.revalidate(conn, candidate_id, answer, max_age)
    audit(conn, who, "candidate.matches", candidate_id)  # the evidence is their words
    headers = {"ETag": answer.etag, "Cache-Control": "private, no-cache"}
    if if_none_match and matches_etag(if_none_match, answer.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


@router.get("/{candidate_id}/courses", **r.answers(r.CourseSuggestionPage, 403, 404))
def courses(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
            limit: Limit = 20, offset: Offset = 0, lang: Lang = None) -> dict[str, Any]:
    """Courses the candidate can take (language level, place, seats, dates) that teach
    skills their target occupations need (`targets`); a short list says why (`reasons`:
    no target, nothing missing, skills no course teaches, courses closed to them)."""
    candidate_scope(conn, who, candidate_id)
    audit(conn, who, "candidate.courses", candidate_id)
    found = engine.matcher.courses_for(conn, candidate_id, label_lang(conn, who, lang))
    items = found["items"]
    body = page(items[offset:offset + limit], len(items), limit, offset)
    body["targets"] = found["targets"]
    if found["reasons"] is not None:
        body["reasons"] = found["reasons"]
    return body


@router.get("/{candidate_id}/course-plan", **r.answers(r.CoursePlanFor, 403, 404))
def course_plan(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
                vacancy_id: Annotated[int | None, Query(ge=1)] = None,
                occupation: Annotated[str | None, Query(max_length=300)] = None,
                lang: Lang = None) -> dict[str, Any]:
    """The courses with the least total duration that close the candidate's gap to a
    vacancy or an occupation; says when no such plan exists."""
    candidate_scope(conn, who, candidate_id)
    audit(conn, who, "candidate.course_plan", candidate_id, vacancy_id=vacancy_id,
          occupation=occupation)
    return engine.matcher.course_plan(conn, candidate_id, vacancy_id, occupation,
                                      label_lang(conn, who, lang))
