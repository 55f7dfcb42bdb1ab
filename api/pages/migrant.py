"""The migrant's own pages, in their language: skills and where each came from, suggested
jobs, apprenticeships, placements and courses, recognition, consents, their data."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.pages.web import PageDep
from matcher.store.candidates import read_candidate

router = APIRouter(prefix="/me", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def my_page(page: PageDep) -> HTMLResponse:
    page.require("migrant")
    candidate_id = page.who.candidate_id
    assert candidate_id is not None
    with page.engine.connection() as conn:
        profile = read_candidate(conn, page.engine.concepts, candidate_id, personal=True,
                                 lang=page.lang)
    return page.render("migrant/home.html", profile=profile)
