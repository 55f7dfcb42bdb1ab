"""The employer portal: post vacancies in German or English with live linking, the town
by name, own vacancies (close, reopen), pseudonymised candidates, CSV upload."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.pages.web import PageDep
from matcher.store.vacancies import list_vacancies

router = APIRouter(prefix="/employer", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def vacancies(page: PageDep) -> HTMLResponse:
    page.require("employer", "admin")
    who = page.who
    with page.engine.connection() as conn:
        items, total = list_vacancies(conn, who.organisation_id if who.role == "employer"
                                      else None, None, False, 50, 0)
    return page.render("employer/vacancies.html", items=items, total=total)
