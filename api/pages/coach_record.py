"""The candidate's record: the recognition panel with status updates, export, erasure
behind a confirmation, and a one-time sign-in code for the person themselves.

A status update writes the whole candidate again through `Engine.save_candidate` (what
`POST /candidates` does with the same external id), so recognised occupations, derived
skills and matches follow the new status. Export and erasure are the API's route
functions, with their audit rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.pages.coach_save import save, validation_messages
from api.pages.coach_views import candidate_header, coach, coach_context, said, tabs
from api.pages.i18n import N_, step_term
from api.pages.signin import sign_in_card
from api.pages.web import Form, PageDep, form_text
from api.routes.candidates import erase as erase_route
from api.routes.candidates import export as export_route
from api.routes.recognition import qualifications as qualifications_route
from matcher.schemas import Qualification
from matcher.store.auth import audit, create_user
from matcher.store.candidate_in import stored_candidate_in
from matcher.store.caseload import STATUSES, migrant_user_of

router = APIRouter(include_in_schema=False)


def _recognition_page(page: PageDep, candidate_id: str, status: int = 200,
                      errors: dict[str, str] | None = None, sent: dict[str, str] | None = None,
                      done: bool = False) -> HTMLResponse:
    who = coach(page)
    with page.engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
        found = qualifications_route(candidate_id, who, page.engine, conn, page.lang)
    for item in found["items"]:  # the steps in the coach's language where translated
        if procedure := item.get("procedure"):
            procedure["shown_steps"] = [
                (step_term(s["step"], page.lang), step_term(s["who"], page.lang)
                 if s.get("who") else None) for s in procedure["steps"]]
    country = page.engine.recogniser.profile.country  # the setting's destination
    destination_name = Locale.parse(page.lang).territories.get(country, country)
    return page.render("coach/recognition.html", status=status, head=head,
                       tabs=tabs(candidate_id, "/recognition"), items=found["items"],
                       destination_name=destination_name,
                       statuses=STATUSES, errors=errors or {}, sent=sent or {}, done=done,
                       **coach_context(page))


@router.get("/candidates/{candidate_id}/recognition", response_class=HTMLResponse)
def recognition(page: PageDep, candidate_id: str, saved: bool = False) -> HTMLResponse:
    """Each qualification: reference occupation, EQF level with its evidence, regulated
    or not, recognition status and compensation measure; a form per qualification."""
    return _recognition_page(page, candidate_id, done=saved)


@router.post("/candidates/{candidate_id}/recognition", response_class=HTMLResponse)
def update_recognition(page: PageDep, form: Form, candidate_id: str) -> Response:
    """A new recognition status (with its date, authority and, for a partial one, the
    compensation measure) for one qualification; the candidate is written again."""
    who = coach(page)
    sent = {k: form_text(form, k) for k in ("index", "status", "compensation", "decided_on",
                                            "authority")}
    with page.engine.connection() as conn:
        candidate_header(page, conn, candidate_id)
        body = stored_candidate_in(conn, candidate_id)
    try:
        index = int(sent["index"])
        if not 0 <= index < len(body.qualifications):
            raise ValueError(index)
        old = body.qualifications[index]
        new = Qualification.model_validate({
            **old.model_dump(), "status": sent["status"],
            "compensation": sent["compensation"] or None,
            "decided_on": dt.date.fromisoformat(sent["decided_on"]) if sent["decided_on"]
            else None, "authority": sent["authority"] or None})
    except ValidationError as exc:
        return _recognition_page(page, candidate_id, 422, _status_errors(page, exc), sent)
    except ValueError:
        return _recognition_page(page, candidate_id, 422, {"decided_on": said(page,
            N_("Write the date as year-month-day, e.g. 2025-03-31."))}, sent)
    quals = list(body.qualifications)
    quals[index] = new
    save(page, who, body.model_copy(update={"qualifications": quals}))
    return page.redirect(f"/coach/candidates/{candidate_id}/recognition?saved=true")


def _status_errors(page: PageDep, exc: ValidationError) -> dict[str, str]:
    """The form's fields with what is wrong with them."""
    out: dict[str, str] = {}
    for field, message in validation_messages(exc):
        if "compensation" in message:
            out["compensation"] = said(page, N_("A partial recognition names its compensation "
                                         "measure; only a partial one has it."))
        else:
            out[field.split(".")[-1] or "status"] = message
    return out


@router.get("/candidates/{candidate_id}/export")
def export(page: PageDep, candidate_id: str) -> Response:
    """Everything stored about the candidate, as a JSON download (as the API's export)."""
    who = coach(page)
    with page.engine.connection() as conn:
        response = export_route(candidate_id, who, page.engine, conn)
    page.finish(response)
    return response


@router.get("/candidates/{candidate_id}/erase", response_class=HTMLResponse)
def erase_form(page: PageDep, candidate_id: str) -> HTMLResponse:
    coach(page)
    with page.engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
    return page.render("coach/erase.html", head=head, error=None, **coach_context(page))


@router.post("/candidates/{candidate_id}/erase", response_class=HTMLResponse)
def erase(page: PageDep, form: Form, candidate_id: str) -> Response:
    """Erase every row about the candidate once their name is typed to confirm."""
    who = coach(page)
    with page.engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
        if form_text(form, "confirm_name").casefold() != str(head["name"]).strip().casefold():
            return page.render("coach/erase.html", status=422, head=head, error=said(page,
                N_("The name does not match. Type the person's name exactly as shown to "
                "erase their data.")), **coach_context(page))
        erase_route(candidate_id, who, conn)
    return page.redirect("/coach?erased=true")


@router.post("/candidates/{candidate_id}/sign-in-card", response_class=HTMLResponse)
def sign_in_code(page: PageDep, form: Form, candidate_id: str) -> HTMLResponse:
    """A one-time sign-in code for the person (their migrant user is made on first use),
    with its link and QR code, to print or hand over."""
    who = coach(page)
    with page.engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
        user_id = migrant_user_of(conn, candidate_id)
        if user_id is None:
            user_id = create_user(conn, str(head["name"]), "migrant",
                                  candidate_id=candidate_id)
        audit(conn, who, "candidate.sign_in_code", candidate_id)
    card: dict[str, Any] = sign_in_card(page.engine, page.request, user_id, who.user_id)
    return page.render("coach/card.html", head=head, card=card, **coach_context(page))


__all__ = ["router"]
