"""Candidate intake and editing: personal data, languages with their level, the town by
name, travel radius, work permit, qualifications, work experience, and free text in any
language linked live, each suggestion to confirm or reject (see `coach_form.py`).

"Check the text" (no JavaScript) shows the page again with the suggestions; "Save"
writes through `Engine.save_candidate` as `POST /candidates` does (`coach_save.py`) and
leads to the candidate's page with the linking report. A form that cannot be saved comes
back (422) with each problem next to its field, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.pages.coach_form import (
    FIELD_MESSAGES,
    IntakeForm,
    Invalid,
    claims_from_text,
    from_stored,
    new_external_id,
    place_for,
    read_form,
)
from api.pages.coach_save import save, validation_messages
from api.pages.coach_views import LANGUAGE_CHOICES, candidate_header, coach, coach_context, said
from api.pages.i18n import N_
from api.pages.linking import Linked, linked_text
from api.pages.web import Form, Page, PageDep, form_list, form_text
from matcher.schemas import CandidateIn
from matcher.store.auth import list_organisations
from matcher.store.candidate_in import stored_candidate_in
from matcher.store.caseload import CEFR, PERMITS, external_id_taken
from skills_taxonomy.errors import InvalidInputError

router = APIRouter(include_in_schema=False)
_TOP: dict[str, str | dict[str, str]] = {
    "personal": {"name": "name", "email": "email", "phone": "phone", "address": "address"},
    "location": "town", "travel_radius_km": "radius", "work_permit": "permit",
    "external_id": "external_id", "organisation_id": "organisation_id",
    "skills": "skills_text", "preferences": "kinds", "consents": "form"}
_ROWS = {"languages": ("l", {"lang": "lang", "level": "level"}),
         "qualifications": ("q", {"title": "title", "country": "country", "year": "year"}),
         "experience": ("x", {"title": "title", "years": "years"})}


def _field(path: str, rows: dict[str, list[int]]) -> str:
    """The form field a problem at `path` (`languages.1.level`, `personal.email`,
    `experience[2].title`) belongs to."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    head = parts[0]
    if head in _ROWS and len(parts) > 1 and parts[1].isdigit():
        prefix, names = _ROWS[head]
        index = int(parts[1])
        if index >= len(rows[head]):  # experience confirmed in the free text
            return "skills_text"
        name = names.get(parts[2] if len(parts) > 2 else "", next(iter(names.values())))
        return f"{prefix}_{name}_{rows[head][index]}"
    top = _TOP.get(head, "form")
    if isinstance(top, dict):
        return top.get(parts[1] if len(parts) > 1 else "", "name")
    return str(top)


def _message(page: Page, field: str, fallback: str) -> str:
    key = field.rsplit("_", 1)[0] if field[-1:].isdigit() else field
    key = {"l_lang": "lang", "l_level": "level", "q_year": "q_year",
           "x_years": "x_years"}.get(key, key)
    return said(page, FIELD_MESSAGES[key]) if key in FIELD_MESSAGES else fallback


def _rows_of(form: IntakeForm, page: Page, errors: dict[str, str]) -> dict[str, Any]:
    """Languages, qualifications and experience from the filled rows, with the form row
    each item came from (for the messages)."""
    rows: dict[str, list[int]] = {"languages": [], "qualifications": [], "experience": []}
    languages, quals, exps = [], [], []
    for i, (code, level) in enumerate(form.languages):
        if code and level:
            languages.append({"lang": code, "level": level})
            rows["languages"].append(i)
        elif code or level:
            errors[f"l_lang_{i}"] = said(page, FIELD_MESSAGES["lang"])
    for i, q in enumerate(form.qualifications):
        if q.get("title"):
            quals.append({"title": q["title"], "country": q.get("country") or None,
                          "year": q.get("year") or None})
            rows["qualifications"].append(i)
        elif q.get("country") or q.get("year"):
            errors[f"q_title_{i}"] = said(page, N_("Enter the title of the qualification."))
    for i, x in enumerate(form.experience):
        if x.get("title"):
            exps.append({"title": x["title"], "years": x.get("years") or 0})
            rows["experience"].append(i)
        elif x.get("years"):
            errors[f"x_title_{i}"] = said(page, N_("Enter what the person worked as."))
    return {"rows": rows, "languages": languages, "qualifications": quals,
            "experience": exps}


def _merge_stored(parts: dict[str, Any], stored: CandidateIn) -> None:
    """On an edit: each qualification keeps what the form does not show (recognition,
    type, content) by its row; a job whose title is unchanged keeps its occupation."""
    for q, i in zip(parts["qualifications"], parts["rows"]["qualifications"], strict=True):
        if i < len(stored.qualifications):
            q.update({**stored.qualifications[i].model_dump(), **q})
    for x, i in zip(parts["experience"], parts["rows"]["experience"], strict=True):
        if i < len(stored.experience) and stored.experience[i].title == x["title"]:
            x["occupation"] = stored.experience[i].occupation


def build(page: Page, form: IntakeForm, stored: CandidateIn | None,
          linked: Linked | None) -> CandidateIn:
    """The candidate the form describes; Invalid with every problem otherwise."""
    errors: dict[str, str] = {}
    location, problem = place_for(form, stored)
    if problem:
        errors["town"] = said(page, problem)
    parts = _rows_of(form, page, errors)
    if stored is not None:
        _merge_stored(parts, stored)
    skills, experience, occupations = claims_from_text(form, linked)
    kept = [stored.skills[i].model_dump(exclude_none=True) for i in form.kept
            if stored is not None and i < len(stored.skills)]
    wanted = list(stored.preferences.occupations) if stored else []
    wanted += [o for o in occupations if form.wants_confirmed and o not in wanted]
    if not form.kinds:
        errors["kinds"] = said(page, FIELD_MESSAGES["kinds"])
    v = form.values
    data = {"external_id": stored.external_id if stored else v["external_id"] or
            new_external_id(),
            "organisation_id": stored.organisation_id if stored else
            (int(v["organisation_id"]) if v["organisation_id"].isdigit() else None),
            "personal": {"name": v["name"], "email": v["email"] or None,
                         "phone": v["phone"] or None, "address": v["address"] or None},
            "languages": parts["languages"],
            "location": location or {"town": "?", "lat": 0, "lon": 0},  # its error is set
            "travel_radius_km": v["radius"] or 30, "work_permit": v["permit"],
            "qualifications": parts["qualifications"], "skills": kept + skills,
            "experience": parts["experience"] + experience,
            "preferences": {"kinds": form.kinds, "occupations": wanted},
            "consents": [c.model_dump() for c in stored.consents] if stored else []}
    try:
        body = CandidateIn.model_validate(data)
    except ValidationError as exc:
        for path, message in validation_messages(exc):
            name = _field(path, parts["rows"])
            errors.setdefault(name, _message(page, name, message))
    if errors:
        raise Invalid(errors)
    return body


def _render(page: Page, form: IntakeForm, stored: CandidateIn | None,
            candidate_id: str | None, linked: Linked | None, errors: dict[str, str],
            status: int = 200, ticked: set[str] | None = None) -> HTMLResponse:
    who = page.who
    head: dict[str, Any] | None = None
    centres: list[dict[str, Any]] = []
    with page.engine.connection() as conn:
        if candidate_id is not None:
            head = candidate_header(page, conn, candidate_id)
        elif who.role == "admin":
            centres, _ = list_organisations(conn, "centre", 200, 0)
    return page.render(
        "coach/intake.html", status=status, form=form.padded(), stored=stored, head=head,
        centres=centres, linked=linked, ticked=ticked, errors=errors, cefr=CEFR,
        permits=PERMITS,
        languages_offered=LANGUAGE_CHOICES, kinds=("job", "apprenticeship", "placement"),
        action=f"/coach/candidates/{candidate_id}/edit" if candidate_id
        else "/coach/candidates/new", **coach_context(page))


def _submit(page: Page, form_data: Any, stored: CandidateIn | None,
            candidate_id: str | None) -> Response:
    who = coach(page)
    form = read_form(form_data)
    text = form.values["skills_text"]
    linked = linked_text(page.engine, text, "both", page.lang) if text else None
    # suggestions shown before: keep the person's ticks (else every suggestion is ticked)
    ticked = {v.split("|")[1] for v in form_list(form_data, "skills_text_confirm")
              if v.count("|") >= 2} if form_text(form_data, "skills_text_shown") else None
    if form_text(form_data, "action") != "save":  # "check the text"
        place_for(form, stored)
        return _render(page, form, stored, candidate_id, linked, {}, ticked=ticked)
    try:
        body = build(page, form, stored, linked)
        if stored is None and form.values["external_id"]:
            with page.engine.connection() as conn:
                org = body.organisation_id or who.organisation_id
                if org is not None and external_id_taken(conn, org, body.external_id):
                    raise Invalid({"external_id": said(page,
                        N_("This case number is already used at your centre."))})
        cid, _, _ = save(page, who, body)
    except Invalid as exc:
        return _render(page, form, stored, candidate_id, linked, exc.errors, 422, ticked)
    except InvalidInputError as exc:
        where, _, message = str(exc).partition(": ")
        rows: dict[str, list[int]] = {"languages": [], "qualifications": [],
                                      "experience": []}
        return _render(page, form, stored, candidate_id, linked,
                       {_field(where, rows): message or str(exc)}, 422, ticked)
    return page.redirect(f"/coach/candidates/{cid}?saved=true")


@router.get("/candidates/new", response_class=HTMLResponse)
def intake(page: PageDep) -> HTMLResponse:
    coach(page)
    return _render(page, IntakeForm(values={"permit": "pending", "radius": "30"}), None,
                   None, None, {})


@router.post("/candidates/new", response_class=HTMLResponse)
def intake_post(page: PageDep, form: Form) -> Response:
    return _submit(page, form, None, None)


@router.get("/candidates/{candidate_id}/edit", response_class=HTMLResponse)
def edit(page: PageDep, candidate_id: str) -> HTMLResponse:
    coach(page)
    with page.engine.connection() as conn:
        candidate_header(page, conn, candidate_id)
        stored = stored_candidate_in(conn, candidate_id)
    return _render(page, from_stored(stored), stored, candidate_id, None, {})


@router.post("/candidates/{candidate_id}/edit", response_class=HTMLResponse)
def edit_post(page: PageDep, form: Form, candidate_id: str) -> Response:
    coach(page)
    with page.engine.connection() as conn:
        candidate_header(page, conn, candidate_id)
        stored = stored_candidate_in(conn, candidate_id)
    return _submit(page, form, stored, candidate_id)
