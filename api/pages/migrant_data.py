"""My data: my consents (grant or withdraw per employer), a download of everything
stored about me, and deleting my account — the same store calls as the API's consents,
export and erasure routes, with the same audit rows. Changes are POSTed forms with the
session's CSRF token; deleting asks first and then signs me out."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.pages.i18n import Term
from api.pages.migrant_base import my_candidate, render
from api.pages.web import SESSION_COOKIE, Form, OptionalPage, PageDep, PageError, form_text
from matcher.schemas import Consent
from matcher.store.auth import audit
from matcher.store.candidates import (
    erase_candidate,
    export_candidate,
    read_candidate,
    replace_consents,
)
from matcher.store.shown_names import organisation_names, vacancy_languages

router = APIRouter(include_in_schema=False)
OFFERED_FROM = 20  # the best suggestions whose employers are offered a consent


def _employers(page: PageDep, conn: psycopg.Connection, cid: str,
               granted: dict[int | None, Any]) -> list[dict[str, Any]]:
    """The employers to offer: those of my best suggested vacancies, then any other I
    granted; each with its suggested vacancies and whether (since when) I consented."""
    top = page.engine.matcher.matches_for(conn, cid, [], why=False).matches[:OFFERED_FROM]
    langs = vacancy_languages(conn, [m.vacancy.id for m in top])
    offers: dict[int, list[Term]] = {}
    for m in top:
        offers.setdefault(m.vacancy.employer_id, []).append(
            Term(m.vacancy.title, langs.get(m.vacancy.id)))
    ids = list(offers) + [e for e in granted if e is not None and e not in offers]
    names = organisation_names(conn, ids)
    return [{"id": e, "name": names.get(e, str(e)), "vacancies": offers.get(e, [])[:3],
             "granted": e in granted, "since": granted.get(e)} for e in ids]


@router.get("/data", response_class=HTMLResponse)
def data_page(page: PageDep, done: str = "") -> HTMLResponse:
    with page.engine.connection() as conn:
        cid = my_candidate(page, conn)
        profile = read_candidate(conn, page.engine.concepts, cid, personal=True,
                                 lang=page.lang)
        audit(conn, page.who, "candidate.read", cid)
        granted = {c["employer_id"]: c["granted_at"] for c in profile["consents"]}
        employers = _employers(page, conn, cid, granted)
    return render(page, "data.html", employers=employers, everyone=None in granted,
                  everyone_since=granted.get(None),
                  done=done if done in ("granted", "withdrawn") else "")


@router.post("/data/consents", response_class=HTMLResponse)
def change_consent(page: PageDep, form: Form) -> RedirectResponse:
    """Grant or withdraw my consent for one employer (`all`: the consent for every
    employer); the others stay as they are."""
    action, which = form_text(form, "action"), form_text(form, "employer")
    if action not in ("grant", "withdraw") or not (which == "all" or which.isdigit()):
        raise PageError(422, page._("Please choose an employer and grant or withdraw."))
    employer = None if which == "all" else int(which)
    with page.engine.connection() as conn:
        cid = my_candidate(page, conn)
        current = [c["employer_id"] for c in read_candidate(
            conn, page.engine.concepts, cid, personal=True)["consents"]]
        wanted = [e for e in current if e != employer] + \
            ([employer] if action == "grant" else [])
        replace_consents(conn, cid, [Consent(employer_id=e) for e in wanted])
        audit(conn, page.who, "candidate.consents", cid, consents=len(wanted))
    done = "granted" if action == "grant" else "withdrawn"
    return page.redirect(f"/me/data?done={done}#consents")


@router.get("/data/download")
def download(page: PageDep) -> Response:
    """Everything stored about me, as the API's export gives it, as a file."""
    with page.engine.connection() as conn:
        cid = my_candidate(page, conn)
        audit(conn, page.who, "candidate.export", cid)
        data = export_candidate(conn, page.engine.concepts, cid)
    response = Response(json.dumps(data, default=str, ensure_ascii=False, indent=1),
                        media_type="application/json", headers={
                            "Content-Disposition": f'attachment; filename="my-data-{cid}.json"'})
    page.finish(response)
    return response


@router.get("/data/delete", response_class=HTMLResponse)
def delete_form(page: PageDep) -> HTMLResponse:
    with page.engine.connection() as conn:
        my_candidate(page, conn)
    return render(page, "delete.html")


@router.post("/data/delete", response_class=HTMLResponse)
def delete_account(page: PageDep, form: Form) -> RedirectResponse:
    """Erase every row about me, as the API's erasure does; my sessions go with my user,
    and the answer signs this browser out."""
    if form_text(form, "confirm") != "yes":
        return page.redirect("/me/data/delete")
    with page.engine.connection() as conn:
        cid = my_candidate(page, conn)
        counts = erase_candidate(conn, cid)
        audit(conn, page.who, "candidate.erase", None, rows=sum(counts.values()))
    response = page.redirect(f"/me/goodbye?lang={page.lang}")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/goodbye", response_class=HTMLResponse)
def goodbye(page: OptionalPage) -> Response:
    if page.session is not None:
        return page.redirect("/")
    return render(page, "goodbye.html")
