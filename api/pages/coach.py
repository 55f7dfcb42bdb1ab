"""The coach console: caseload, intake with live linking, candidate pages with matches,
course plans, recognition and outcomes. Admins see every centre's candidates."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.pages.web import PageDep
from matcher.store.candidates import list_candidates

router = APIRouter(prefix="/coach", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def caseload(page: PageDep) -> HTMLResponse:
    page.require("coach", "admin")
    who = page.who
    with page.engine.connection() as conn:
        items, total = list_candidates(conn, who.organisation_id if who.role == "coach"
                                       else None, 50, 0)
    return page.render("coach/caseload.html", items=items, total=total)
