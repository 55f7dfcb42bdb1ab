"""The coach console: caseload, intake with live linking, candidate pages with matches,
course plans, recognition and outcomes. Admins see every centre's candidates.

Pages for one candidate check `candidate_scope` first (another centre's candidate: the
404 page, as in the API); employers and migrants get the 403 page. Every read of personal
data writes the audit row the API writes for it. The tabs of a candidate live in
`coach_matches.py` (matches, outcomes, courses), `coach_record.py` (recognition, export,
erasure, sign-in card) and `coach_intake.py` (new and edit).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.pages import coach_intake, coach_matches, coach_record
from api.pages.coach_views import LANGUAGE_CHOICES, candidate_header, coach, coach_context, tabs
from api.pages.web import PageDep
from matcher.store.auth import audit, audit_each
from matcher.store.candidates import read_candidate
from matcher.store.caseload import (
    CEFR,
    PERMITS,
    STATUSES,
    CaseloadFilter,
    caseload_choices,
    search_caseload,
)
from matcher.store.outcomes import list_outcomes

router = APIRouter(prefix="/coach", include_in_schema=False)
router.include_router(coach_intake.router)  # /candidates/new before /candidates/{id}
PAGE_SIZE = 20
Text = Annotated[str, Query(max_length=300)]


@router.get("", response_class=HTMLResponse)
def caseload(page: PageDep, q: Text = "", clang: Text = "", level: Text = "",
             town: Text = "", permit: Text = "", recognition: Text = "",
             occupation: Text = "", review: bool = False,
             p: Annotated[int, Query(ge=1, le=10_000)] = 1, erased: bool = False,
             ) -> HTMLResponse:
    """The centre's candidates (an admin's: all), searched and filtered, 20 a page; htmx
    swaps only the list (`#results`) as filters change."""
    who = coach(page)
    org = who.organisation_id if who.role == "coach" else None
    # `lang` is the page's language; the filter's language is `clang`
    wanted = CaseloadFilter(q, clang, level, town, permit, recognition, occupation,
                            review).cleaned()
    with page.engine.connection() as conn:
        items, total = search_caseload(conn, org, wanted, PAGE_SIZE, (p - 1) * PAGE_SIZE)
        audit_each(conn, who, "candidate.list", [item["id"] for item in items])
        choices = caseload_choices(conn, org)
    labels = coach_context(page)["label"]
    occupations = sorted(((uri, str(labels(uri).striptags())) for uri in
                          choices["occupations"]), key=lambda o: o[1].casefold())
    query = page.request.url.query
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    return page.render("coach/caseload.html", items=items, total=total, wanted=wanted,
                       choices=choices, occupations=occupations, cefr=CEFR, permits=PERMITS,
                       statuses=STATUSES, page_no=p, pages=pages, erased=erased,
                       link=lambda n: _page_link(query, n), **coach_context(page))


def _page_link(query: str, n: int) -> str:
    """The caseload's address with the same filters, on page `n`."""
    kept = [(k, v) for k, v in parse_qsl(query) if k not in ("p", "erased")]
    return "/coach?" + urlencode([*kept, ("p", str(n))])


@router.get("/candidates/{candidate_id}", response_class=HTMLResponse)
def candidate(page: PageDep, candidate_id: str, saved: bool = False) -> HTMLResponse:
    """The profile: skills with their source and evidence, languages, qualifications,
    experience, what linking made of the free text, outcomes; and the actions."""
    who = coach(page)
    with page.engine.connection() as conn:
        head = candidate_header(page, conn, candidate_id)
        profile = read_candidate(conn, page.engine.concepts, candidate_id, personal=True,
                                 lang=page.lang)
        audit(conn, who, "candidate.read", candidate_id)
        outcomes, _ = list_outcomes(conn, candidate_id, None, 20, 0)
        if outcomes:
            audit(conn, who, "outcome.read", candidate_id)
    return page.render("coach/candidate.html", head=head, c=profile,
                       skills=_by_source(profile["skills"]), outcomes=outcomes, saved=saved,
                       tabs=tabs(candidate_id, ""), languages_offered=LANGUAGE_CHOICES,
                       **coach_context(page))


def _by_source(skills: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Skills grouped by where they came from, claims first."""
    order = ("coach_verified", "self_declared", "qualification", "work_experience")
    groups: dict[str, list[dict[str, Any]]] = {source: [] for source in order}
    for skill in skills:
        groups.setdefault(skill["source"], []).append(skill)
    return [(source, sorted(items, key=lambda s: str(s["label"]).casefold()))
            for source, items in groups.items() if items]


for part in (coach_matches.router, coach_record.router):
    router.include_router(part)
