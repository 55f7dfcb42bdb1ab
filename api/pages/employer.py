"""The employer portal: own vacancies (close, reopen), a vacancy with its matching
candidates — pseudonymised unless they consented to this employer — and why each
matches; posting a vacancy (`employer_form.py`) and a CSV of many (`employer_upload.py`).

Employers see their own organisation's vacancies; admins may act for any employer.
Every call is the JSON API's: `vacancy_scope` before reading or writing a vacancy,
`Engine.set_vacancy_open` to close or reopen, `candidates_for` + `explain` for the candidates.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.pages import employer_form, employer_upload
from api.pages.employer_view import (
    KINDS,
    PER_PAGE,
    PERMITS,
    candidate_view,
    employer_page,
    label,
    page_number,
    why,
)
from api.pages.i18n import language_name
from api.pages.web import Form, Page, PageDep, form_text
from matcher.access import vacancy_scope
from matcher.store.vacancies import read_vacancy
from matcher.store.vacancy_lists import Shown, employer_vacancies

router = APIRouter(prefix="/employer", include_in_schema=False)
LIST_SIZE = 20
SHOWN: dict[str, Shown] = {"all": "all", "open": "open", "closed": "closed"}
# first the literal paths (/vacancies/new, /vacancies/upload), then /vacancies/{id}
router.include_router(employer_form.router)
router.include_router(employer_upload.router)

@router.get("", response_class=HTMLResponse)
def vacancies(page: PageDep, show: str = "all", p: str | None = None) -> HTMLResponse:
    employer_page(page)
    who, number = page.who, page_number(p)
    shown = SHOWN.get(show, "all")
    with page.engine.connection() as conn:
        items, total = employer_vacancies(
            conn, who.organisation_id if who.role == "employer" else None, shown,
            LIST_SIZE, (number - 1) * LIST_SIZE)
    for item in items:
        item["occupation"] = label(page.engine, item.pop("occupation_uri"), page.lang)
    pages = max(1, -(-total // LIST_SIZE))
    return page.render("employer/vacancies.html", items=items, total=total, show=shown,
                       number=number, pages=pages, kinds=KINDS,
                       admin=who.role == "admin")


@router.post("/vacancies/{vacancy_id}/state", response_class=HTMLResponse)
def open_or_close(vacancy_id: int, page: PageDep, form: Form) -> RedirectResponse:
    """Close a vacancy (it leaves every match list) or open it again: the API's PATCH."""
    employer_page(page)
    is_open = form_text(form, "open") == "1"
    with page.engine.connection() as conn:
        vacancy_scope(conn, page.who, vacancy_id, write=True)
        page.engine.set_vacancy_open(conn, vacancy_id, is_open)
    back = form_text(form, "back")
    safe = back if back.startswith("/employer") and "//" not in back else "/employer"
    return page.redirect(safe)


@router.get("/vacancies/{vacancy_id}", response_class=HTMLResponse)
def vacancy(vacancy_id: int, page: PageDep, p: str | None = None,
            posted: bool = False) -> HTMLResponse:
    """The vacancy and its candidates, best first, ten a page (as `GET
    /vacancies/{id}/matches`: pseudonymised unless consented to this employer)."""
    employer_page(page)
    who, lang, engine = page.who, page.lang, page.engine
    number = page_number(p)
    with engine.connection() as conn:
        employer = vacancy_scope(conn, who, vacancy_id)
        details = read_vacancy(conn, engine.concepts, vacancy_id, lang)
        start = (number - 1) * PER_PAGE
        found, total, _ = engine.vacancy_candidates(conn, who, vacancy_id, employer, start,
                                                 PER_PAGE, lang)
        candidates = []
        for rank, item in enumerate(found, start + 1):
            profile = item.pop("candidate")
            candidates.append({"rank": rank, "person": profile.get("personal"),
                               **candidate_view(engine, profile, lang),
                               "why": why(engine, item, lang)})
    pages = max(1, -(-total // PER_PAGE))
    return page.render("employer/vacancy.html", v=_details(page, details),
                       candidates=candidates, total=total, number=number, pages=pages,
                       posted=posted)


def _details(page: Page, row: dict[str, Any]) -> dict[str, Any]:
    """The vacancy as the page shows it: labels in the reader's language (marked where
    English), the skills read from the employer's own words apart, with those words (to
    check them), language names, the permit in words, what linking asks to look at."""
    engine, lang = page.engine, page.lang
    occupation = row.get("occupation") or {}

    def shown(skills: list[dict[str, Any]], read: bool) -> list[tuple[Any, str | None]]:
        """Labels and the employer's words: those read from them, or the others."""
        return [(label(engine, s["skill"], lang), s["evidence"]) for s in skills
                if bool(s["evidence"]) is read]

    return {
        **row, "kind_name": KINDS.get(row["kind"], row["kind"]),
        "permit": PERMITS.get(row["min_permit"], row["min_permit"]),
        "occupation_label": label(engine, occupation.get("id"), lang),
        "essential": shown(row["essential_skills"], read=False),
        "essential_read": shown(row["essential_skills"], read=True),
        "optional": shown(row["optional_skills"], read=False),
        "optional_read": shown(row["optional_skills"], read=True),
        "language_needs": [(language_name(x["lang"], lang), x["level"])
                           for x in row["languages"]],
        "warnings": (row.get("linking") or {}).get("warnings", []),
    }


