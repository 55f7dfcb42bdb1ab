"""Vacancies as schema.org JobPosting (JSON-LD), for job boards and the Google for Jobs
feed: one vacancy, or a page of the caller's visible open vacancies as an ItemList. The
same documents are read back by `POST /vacancies/import` with `application/ld+json`.

This router is included before the vacancies router: `/vacancies/export` would otherwise
be taken for `/vacancies/{vacancy_id}`.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request

from api import responses as r
from api.deps import Conn, CurrentUser, EngineDep, Lang, Limit, Offset
from api.responses.job_postings import JsonLdResponse
from matcher.access import vacancy_scope
from matcher.intake.job_posting import SCHEMA, job_posting_of
from matcher.store.vacancies import list_vacancies, read_vacancy

router = APIRouter(prefix="/vacancies", tags=["vacancies"])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/export", **r.ld_answers(r.JobPostingList))
def export(request: Request, who: CurrentUser, conn: Conn, engine: EngineDep,
           limit: Limit = 20, offset: Offset = 0,
           kind: Literal["job", "apprenticeship", "placement"] | None = None,
           lang: Lang = None) -> JsonLdResponse:
    """The open vacancies the caller sees (employers: their own; everyone else: all) as a
    schema.org ItemList of JobPostings, paged like `GET /vacancies`; labels in `lang`.
    Importing the list (`POST /vacancies/import`) gives the same vacancies."""
    lang = lang or "en"
    employer = who.organisation_id if who.role == "employer" else None
    items, total = list_vacancies(conn, employer, kind, True, limit, offset)
    country = engine.settings.destination_country
    elements = []
    for position, item in enumerate(items, start=offset + 1):
        posting = job_posting_of(read_vacancy(conn, engine.concepts, item["id"], lang),
                                 _base(request), lang, country)
        posting.pop("@context")
        elements.append({"@type": "ListItem", "position": position, "item": posting})
    return JsonLdResponse({"@context": SCHEMA, "@type": "ItemList", "numberOfItems": total,
                           "itemListElement": elements})


@router.get("/{vacancy_id}/job-posting", **r.ld_answers(r.JobPosting, 404))
def job_posting(vacancy_id: int, request: Request, who: CurrentUser, conn: Conn,
                engine: EngineDep, lang: Lang = None) -> JsonLdResponse:
    """One vacancy as a schema.org JobPosting (JSON-LD), open or closed (`validThrough`:
    when it was closed); who may read the vacancy may read this."""
    vacancy_scope(conn, who, vacancy_id)
    lang = lang or "en"
    return JsonLdResponse(job_posting_of(read_vacancy(conn, engine.concepts, vacancy_id, lang),
                                         _base(request), lang,
                                         engine.settings.destination_country))
