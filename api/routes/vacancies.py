"""Vacancies: write one, import many (all or nothing), read, close, and match candidates."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import psycopg
from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

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
    as_sent,
    import_body,
    page,
    upserted,
    wake_workers,
    with_etag,
)
from matcher.access import require, vacancy_scope, vacancy_write_employer
from matcher.intake.files import detect_format
from matcher.jobs import links_text, queue_vacancy_import
from matcher.schemas import VacancyIn
from matcher.store.auth import audit
from matcher.store.vacancies import list_vacancies, read_vacancy

router = APIRouter(prefix="/vacancies", tags=["vacancies"])
IMPORT_BODY = import_body("vacancies")
# and schema.org JobPosting documents (matcher.intake.job_posting)
IMPORT_BODY["requestBody"]["content"]["application/ld+json"] = {"schema": {"type": "string"}}
VACANCY_FORMATS = ("csv", "jsonl", "jsonld")
VacancyFormat = Annotated[Literal["jsonl", "csv", "jsonld"] | None,
                          Query(description="default: from the Content-Type")]


class VacancyPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    is_open: bool


@router.post("", status_code=status.HTTP_201_CREATED,
             **r.answers(r.VacancySaved, 403, body=True, upsert=True))
def save_vacancy(body: VacancyIn, who: CurrentUser, engine: EngineDep,
                 response: Response) -> dict[str, Any]:
    """Create or replace (by external id within the employer) a vacancy. Skills come from
    ids and/or free text; with neither, from the occupation's essential and optional
    skills. The answer says what was linked and what was not (`linking`). 201 with
    `Location` when created, 200 when replaced."""
    employer = vacancy_write_employer(who, body.employer_id)
    [(vid, created, report)] = engine.save_vacancies([body], [employer])
    return {**upserted(response, f"/vacancies/{vid}", vid, created),
            "linking": report.as_dict()}


IMPORT_ANSWERS = r.answers(r.VacanciesImported, 403, 413, 415)
IMPORT_ANSWERS["responses"][202] = {
    "model": r.JobQueued, "description": "Queued as a background job (many rows to link, or "
    "`Prefer: respond-async`): follow it at `Location`; nothing is written until it is done"}


@router.post("/import", status_code=status.HTTP_201_CREATED, openapi_extra=IMPORT_BODY,
             **IMPORT_ANSWERS)
async def import_vacancies(request: Request, who: CurrentUser, engine: EngineDep,
                           format: VacancyFormat = None) -> Any:
    """JSON Lines, CSV, or JSON-LD (`application/ld+json`: schema.org JobPostings, one,
    an array, an `@graph` or an `ItemList`, as `GET /vacancies/export` sends them); every
    row is checked first and nothing is written unless all rows are valid (422 with one
    error per bad row). Rows that need linking (free-text skills, or a title without an
    occupation) are slow: with more of them than
    `MATCHER_SYNC_LINK_ROWS`, or with `Prefer: respond-async`, the import is checked,
    queued and answered 202 with a job to follow (`GET /jobs/{id}`)."""
    require(who, "admin", "employer")
    fmt = detect_format(request.headers.get("content-type"), format, VACANCY_FORMATS)
    body = await request.body()
    items, employers = await run_in_threadpool(
        engine.check_vacancy_import, body, fmt,
        lambda requested: vacancy_write_employer(who, requested))
    to_link = sum(links_text(item) for item in items)
    asked = "respond-async" in request.headers.get("prefer", "").lower()
    if asked or to_link > engine.settings.sync_link_rows:
        job = await run_in_threadpool(queue_vacancy_import, engine, who.user_id, body, fmt,
                                      employers)
        wake_workers(request.app)
        url = f"/jobs/{job.id}"
        headers = {"Location": url, **({"Preference-Applied": "respond-async"} if asked else {})}
        return JSONResponse({**job.as_dict(), "status_url": url}, status_code=202,
                            headers=headers)
    return await run_in_threadpool(engine.import_vacancies, items, employers)


@router.get("", **r.answers(r.VacancyPage, not_modified=True))
def vacancies(request: Request, who: CurrentUser, engine: EngineDep, limit: Limit = 20,
              offset: Offset = 0,
              kind: Literal["job", "apprenticeship", "placement"] | None = None,
              open_only: bool = Query(True, alias="open"), lang: Lang = None,
              ) -> Response:
    """Employers list their own vacancies; everyone else all of them. Each occupation id
    comes with its label (`occupation_label`, in `lang`). With an `ETag`: asked again with
    `If-None-Match`, an unchanged page answers 304 without a body."""
    employer = who.organisation_id if who.role == "employer" else None
    items, total = engine.read(  # on a read replica when there is one
        lambda conn: list_vacancies(conn, employer, kind, open_only, limit, offset))
    for item in items:
        uri = item.get("occupation_uri")
        item["occupation_label"] = engine.concepts.label(uri, lang or "en") if uri else None
    return with_etag(request, page(items, total, limit, offset))


@router.get("/{vacancy_id}", **r.answers(r.Vacancy, 404))
def vacancy(vacancy_id: int, who: CurrentUser, engine: EngineDep, conn: Conn,
            lang: Lang = None) -> dict[str, Any]:
    vacancy_scope(conn, who, vacancy_id)
    return read_vacancy(conn, engine.concepts, vacancy_id, lang or "en")


@router.patch("/{vacancy_id}", **r.answers(r.VacancyState, 403, 404, body=True))
def update_vacancy(vacancy_id: int, body: VacancyPatch, who: CurrentUser,
                   engine: EngineDep, conn: Conn) -> dict[str, Any]:
    """Close a vacancy (it leaves every match list at once) or open it again."""
    vacancy_scope(conn, who, vacancy_id, write=True)
    engine.set_vacancy_open(conn, vacancy_id, body.is_open)
    return {"id": vacancy_id, "is_open": body.is_open}


@router.get("/{vacancy_id}/matches", dependencies=[RateLimited],
            **r.answers(r.CandidateMatchPage, 403, 404))
def matches(vacancy_id: int, who: CurrentUser, engine: EngineDep, tx: Tx,
            limit: Limit = 20, offset: Offset = 0, lang: Lang = None) -> JSONResponse:
    """Candidates for a vacancy, best first. Employers see pseudonymised profiles (skills,
    languages, region; no name, contact or the person's own words) unless the candidate
    consented to them; coaches see the candidates of their centre."""
    require(who, "admin", "coach", "employer")
    audited: list[str] = []  # whose names were read: audited on the primary

    def listed(conn: psycopg.Connection) -> tuple[list[dict[str, Any]], int, str | None]:
        audited.clear()  # a read the replica could not answer runs again on the primary
        employer = vacancy_scope(conn, who, vacancy_id)
        return engine.vacancy_candidates(conn, who, vacancy_id, employer, offset, limit,
                                         lang or "en", audited)

    items, total, ranked_by = engine.read(listed)  # on a read replica when there is one
    for cid in audited:
        audit(tx.conn, who, "candidate.match_read", cid, vacancy_id=vacancy_id)
    return as_sent({**page(items, total, limit, offset), "ranked_by": ranked_by})
