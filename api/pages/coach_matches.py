"""A candidate's matches (by kind, with filters, each explained in plain words), outcomes
recorded from a match, and the courses tab: the course plan as a timeline, suggested
courses and the vacancies a short plan makes reachable.

The matches are found and explained exactly as `GET /candidates/{id}/matches` does
(`matches_for`, then `explain` for the page shown only); outcomes, courses, plans and
reachable vacancies are the API's own route functions, with their checks and audit rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api.pages.coach_views import KIND_TABS, candidate_header, coach, coach_context, tabs
from api.pages.web import Form, PageDep, PageError, form_text
from api.routes.candidates import course_plan as plan_route
from api.routes.candidates import courses as courses_route
from api.routes.outcomes import record as record_route
from api.routes.recognition import reachable as reachable_route
from matcher.match.matcher import Match
from matcher.schemas import OutcomeIn
from matcher.store.auth import audit
from matcher.store.caseload import organisation_names, outcomes_by_vacancy

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 10
DISTANCES = (5, 10, 25, 50)
KindQuery = Annotated[Literal["", "job", "apprenticeship", "placement"], Query()]


def _passes(m: Match, within: int | None, complete: bool, language: bool,
            gaps: list[str]) -> bool:
    scored = m.scored
    if within is not None and (scored.distance_km or 0) > within:
        return False
    if complete and gaps:
        return False
    return not (language and scored.language_gap)


@router.get("/candidates/{candidate_id}/matches", response_class=HTMLResponse)
def matches(page: PageDep, candidate_id: str, kind: KindQuery = "",  # noqa: PLR0913
            within: Annotated[int | None, Query(ge=1, le=1000)] = None,
            complete: bool = False, language: bool = False,
            p: Annotated[int, Query(ge=1, le=1000)] = 1, recorded: int | None = None,
            ) -> HTMLResponse:
    """Vacancies for the candidate, best first, ten a page, each explained."""
    who = coach(page)
    engine, lang = page.engine, page.lang
    matcher = engine.matcher
    with engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
        listed = matcher.matches_for(conn, candidate_id, [kind] if kind else [], True)
        found = [m for m in listed.matches if _passes(
            m, within, complete, language, engine.scorer.gaps(m.scored))]
        window = found[(p - 1) * PAGE_SIZE:p * PAGE_SIZE]
        explained = matcher.explain(conn, window, lang, with_courses=True)
        audit(conn, who, "candidate.matches", candidate_id)  # the evidence is their words
        employers = organisation_names(conn, [m.vacancy.employer_id for m in window])
        outcomes = outcomes_by_vacancy(conn, candidate_id, [m.vacancy.id for m in window])
    items = [{"vacancy": matcher.summary(m.vacancy, lang), **ex,
              "employer": employers.get(m.vacancy.employer_id, ""),
              "outcome": outcomes.get(m.vacancy.id)}
             for m, ex in zip(window, explained, strict=True)]
    filters = {"kind": kind, "within": within or "", "complete": complete or "",
               "language": language or ""}
    pages = (len(found) + PAGE_SIZE - 1) // PAGE_SIZE
    base = f"/coach/candidates/{candidate_id}/matches?"
    return page.render(
        "coach/matches.html", head=head, tabs=tabs(candidate_id, "/matches"), items=items,
        total=len(found), all_total=len(listed.matches), below_floor=sum(listed.cut.values()),
        reasons=listed.reasons or [], filters=filters, kind_tabs=[
            (k, label, base + urlencode({**_kept(filters), "kind": k})) for k, label in KIND_TABS],
        distances=DISTANCES, page_no=p, pages=pages, recorded=recorded,
        link=lambda n: base + urlencode({**_kept(filters), "p": n}),
        back=page.request.url.path + "?" + page.request.url.query, **coach_context(page))


def _kept(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v not in ("", None, False)}


@router.post("/candidates/{candidate_id}/outcomes", response_class=HTMLResponse)
def record_outcome(page: PageDep, form: Form, candidate_id: str) -> RedirectResponse:
    """An outcome for one match (contacted, interview, placed, rejected with a reason),
    stored with the pair's score breakdown like `POST /outcomes`; back to the matches."""
    who = coach(page)
    try:
        body = OutcomeIn(candidate_id=candidate_id,
                         vacancy_id=int(form_text(form, "vacancy_id") or 0),
                         status=form_text(form, "status"),
                         reason=form_text(form, "reason") or None)
    except (ValidationError, ValueError) as exc:
        raise PageError(422, page._("The outcome could not be recorded: choose what "
                                    "happened (contacted, interview, placed or rejected)."),
                        ) from exc
    with page.engine.connection() as conn:
        record_route(body, who, page.engine, conn)
    back = form_text(form, "back")
    if not back.startswith(f"/coach/candidates/{candidate_id}/matches"):
        back = f"/coach/candidates/{candidate_id}/matches"
    sep = "&" if "?" in back else "?"
    return page.redirect(f"{back}{sep}recorded={body.vacancy_id}#v{body.vacancy_id}")


@router.get("/candidates/{candidate_id}/courses", response_class=HTMLResponse)
def courses(page: PageDep, candidate_id: str,
            vacancy: Annotated[int | None, Query(ge=1)] = None,
            occupation: Annotated[str | None, Query(max_length=300)] = None,
            ) -> HTMLResponse:
    """The course plan towards a vacancy (from a match) or an occupation (default: the
    candidate's first target) as a timeline; suggested courses; reachable vacancies."""
    who = coach(page)
    engine, lang = page.engine, page.lang
    with engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
        suggested = courses_route(candidate_id, who, engine, conn, 10, 0, lang)
        targets = suggested["targets"]
        if vacancy is None and occupation is None and targets:
            occupation = targets[0]["id"]
        if vacancy is not None:
            occupation = None
        plan = plan_route(candidate_id, who, engine, conn, vacancy, occupation, lang) \
            if vacancy is not None or occupation else None
        reachable = reachable_route(candidate_id, who, engine, conn, 12, None, 5, 0, lang)
    return page.render("coach/courses.html", head=head, tabs=tabs(candidate_id, "/courses"),
                       plan=plan, suggested=suggested, targets=targets,
                       occupation=occupation, vacancy=vacancy, reachable=reachable,
                       **coach_context(page))
