"""Posting a vacancy: the form, "check the text" (suggestions to confirm, the town to
pick, languages read off the text), and the post itself — `engine.save_vacancies`, as
`POST /vacancies` does. Bad input comes back as the form with a message at each field
(422) and writes nothing. With JavaScript, htmx links the text while the person types
(`POST /link`) and finds the town (`GET /employer/towns`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.pages.employer_draft import (
    Checked,
    Draft,
    check,
    languages_of,
    read_description,
    read_draft,
    town_of,
    vacancy_in,
)
from api.pages.employer_view import (
    KINDS,
    LEVELS,
    PERMITS,
    employer_page,
    language_names,
)
from api.pages.i18n import language_name
from api.pages.web import Form, Page, PageDep
from matcher.access import vacancy_write_employer
from matcher.store.vacancy_lists import employers
from skills_taxonomy.errors import InvalidInputError

router = APIRouter(include_in_schema=False)
FIELD_OF = {"location": "town", "essential_skills": "essential_text",
            "optional_skills": "optional_text", "occupation": "title",
            "external_id": "form", "employer_id": "employer_id"}


def _employer_choices(page: Page) -> list[tuple[int, str]] | None:
    """Admins choose whom they post for; employers post for their own organisation."""
    if page.who.role != "admin":
        return None
    with page.engine.connection() as conn:
        return employers(conn)


def render_form(page: Page, draft: Draft, result: Checked | None = None, status: int = 200,
                note: str | None = None) -> HTMLResponse:
    choices = _employer_choices(page)
    return page.render(
        "employer/vacancy_form.html", status=status, draft=draft, note=note,
        errors=result.errors if result else {}, linked=result.linked if result else {},
        ticked=result.ticked if result else {},
        town=result.town if result else None, place=result.place if result else None,
        needs=[(language_name(n.lang, page.lang), n.level) for n in result.needs]
        if result else [],
        kinds=KINDS, permits=PERMITS, levels=LEVELS, language_options=language_names(
            page.lang), employers=choices, checked=result is not None)


@router.get("/vacancies/new", response_class=HTMLResponse)
def new_vacancy(page: PageDep) -> HTMLResponse:
    employer_page(page)
    return render_form(page, Draft())


@router.post("/vacancies/new", response_class=HTMLResponse)
def post_vacancy(page: PageDep, form: Form) -> Response:
    """`action=check`: the form again with what the text and the town were read as;
    `action=post`: saved and on to the vacancy, or the form with its errors (422)."""
    employer_page(page)
    draft = read_draft(form)
    copied = read_description(draft)
    choices = _employer_choices(page)
    result = check(page, draft, [i for i, _ in choices] if choices is not None else None)
    # what the person kept stays kept when the form comes back (else the defaults)
    result.ticked = {name: {v.split("|")[1] for v in values if v.count("|") >= 2}
                     for name, values in draft.confirmed.items()
                     if values or draft.reviewed.get(name) == getattr(draft, name)}
    draft.reviewed = {name: getattr(draft, name) for name in result.linked}
    if copied:
        draft.languages = languages_of(draft, result.needs)
        return render_form(page, draft, result, note=page._(
            "The tasks and requirements of your description were copied into the skills "
            "fields and read as the skills below. Keep the right ones, then post the "
            "vacancy."))
    if form.get("action") != "post":
        draft.languages = languages_of(draft, result.needs)
        return render_form(page, draft, result, note=page._(
            "Check what was recognised: keep the right suggestions, then post the vacancy."))
    if result.errors:
        return render_form(page, draft, result, status=422)
    if result.to_review:
        draft.languages = languages_of(draft, result.needs)
        return render_form(page, draft, result, note=page._(
            "Your text was read as the skills below. Keep the right ones, then post "
            "the vacancy again."))
    return _save(page, draft, result)


def _save(page: Page, draft: Draft, result: Checked) -> Response:
    vacancy = vacancy_in(draft, result)
    if isinstance(vacancy, dict):
        result.errors.update({FIELD_OF.get(f, f): m for f, m in vacancy.items()})
        return render_form(page, draft, result, status=422)
    requested = int(draft.employer_id) if page.who.role == "admin" else None
    employer = vacancy_write_employer(page.who, requested)
    try:
        [(vacancy_id, _, _)] = page.engine.save_vacancies([vacancy], [employer])
    except InvalidInputError as exc:
        where, _, message = str(exc).partition(": ")
        result.errors[FIELD_OF.get(where, "form")] = message or str(exc)
        return render_form(page, draft, result, status=422)
    return page.redirect(f"/employer/vacancies/{vacancy_id}?posted=1")


@router.get("/towns", response_class=HTMLResponse)
def towns(page: PageDep, town: str = "", town_pick: str = "") -> HTMLResponse:
    """The towns a typed name may mean, as the form's town part (htmx swaps it in)."""
    employer_page(page)
    draft = Draft(town=town.strip()[:200], town_pick=town_pick)
    found, place = town_of(draft)
    context: dict[str, Any] = {"draft": draft, "town": found, "place": place, "errors": {}}
    return page.render("employer/_towns.html", **context)
