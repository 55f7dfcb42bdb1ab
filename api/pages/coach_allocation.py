"""The coach's "Allocate places" pages (issue 16): choose a cohort from the caseload, with
each person's own wishes (the kinds of place they want) and, for an admin, a least share
per centre; see the proposal (who goes where, why in the page's language, what greedy
top-1 would have given, who is left without a place, the figures against greedy);
exclude a place for one person and propose again (every other setting kept); accept it
(every place reserved, or none: a 409 page naming the places filled meanwhile) and
release a reservation.

A page only turns answers into HTML: the proposal is made by the functions
`POST /allocations` calls (`check_cohort`, `propose`, `queue_allocation` for a cohort
larger than `MATCHER_SYNC_ALLOCATION_CANDIDATES`, followed on a progress page), and read,
accepted and released by the API's own route functions, with their scopes (a coach:
their centre's candidates and proposals; an admin: any). The form is read in
`coach_allocation_form`, the reasons put into words in `allocation_reasons`.
"""

from __future__ import annotations

from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from api.deps import wake_workers
from api.limits import throttle
from api.pages.allocation_reasons import reason_text
from api.pages.coach_allocation_form import (
    KINDS,
    SHARES,
    Asked,
    FormProblem,
    can_repeat,
    excluded,
    read_form,
    request_again,
    request_of,
)
from api.pages.coach_views import KIND_WORDS, coach, coach_context
from api.pages.i18n import N_
from api.pages.web import Form, Page, PageDep, PageError, form_list, form_text
from api.routes.allocations import Id
from api.routes.allocations import accept as accept_route
from api.routes.allocations import allocation as allocation_route
from api.routes.allocations import release as release_route
from matcher.allocation.schemas import MAX_COHORT, AllocationIn
from matcher.allocation.service import CALIBRATED, check_cohort, propose, save_audited
from matcher.errors import ConflictError, NotFoundError
from matcher.jobs import ALLOCATION, queue_allocation
from matcher.store import allocation_views as views
from matcher.store import allocations as store
from matcher.store.auth import Principal, audit_each
from matcher.store.caseload import CaseloadFilter, search_caseload
from matcher.store.jobs import read_job
from skills_taxonomy.errors import InvalidInputError

router = APIRouter(prefix="/coach", include_in_schema=False)
RECENT = 10  # proposals listed on the form page
PLACE_WORDS = {**KIND_WORDS, "course": N_("Course")}


def _context(page: Page) -> dict[str, Any]:
    return {**coach_context(page), "place_words": PLACE_WORDS}


def _centre(who: Principal) -> int | None:
    return who.organisation_id if who.role == "coach" else None


def _render_form(page: Page, status: int = 200, problem: str | None = None,
                 asked: Asked | None = None) -> HTMLResponse:
    """The cohort form: the centre's candidates (an admin's: all), filtered by name, each
    with the kinds of place their profile asks for (what "as in their profile" means)."""
    who = coach(page)
    asked = asked or Asked()
    with page.engine.connection() as conn:
        items, total = search_caseload(conn, _centre(who), CaseloadFilter(name=asked.q),
                                       MAX_COHORT, 0)
        ids = [str(item["id"]) for item in items]
        audit_each(conn, who, "candidate.list", ids)
        profile = store.profile_kinds(conn, ids)
        recent = views.recent_proposals(conn, _centre(who), RECENT)
    return page.render("coach/allocation_new.html", status=status, problem=problem,
                       items=items, total=total, q=asked.q, chosen=set(asked.cohort),
                       kinds=asked.kinds, share=asked.share, centre_share=asked.centre_share,
                       wishes=asked.wishes, profile=profile, all_kinds=KINDS,
                       shares=SHARES, recent=recent, **_context(page))


@router.get("/allocations", response_class=HTMLResponse)
def allocation_form(page: PageDep, q: Annotated[str, Query(max_length=100)] = "",
                    ) -> HTMLResponse:
    """Choose the cohort, their wishes and the kinds of place; the latest proposals."""
    return _render_form(page, asked=Asked(q=q.strip()))


def _cohort(page: Page, form: FormData, q: str) -> list[str]:
    """The ticked candidates, or every one the filter shows when "all" is ticked."""
    if form_text(form, "all") != "1":
        return list(dict.fromkeys(form_list(form, "cohort")))
    with page.engine.connection() as conn:
        items, _ = search_caseload(conn, _centre(page.who), CaseloadFilter(name=q),
                                   MAX_COHORT, 0)
    return [str(item["id"]) for item in items]


def _make(page: Page, who: Principal, body: AllocationIn) -> RedirectResponse:
    """Propose (or queue, for a large cohort) and go to the proposal (or its progress).
    Raises InvalidInputError for a candidate not of the centre or a share no one meets."""
    engine = page.engine
    with engine.connection() as conn:
        if len(body.cohort) > engine.settings.sync_allocation_candidates:
            check_cohort(conn, body.cohort, _centre(who))
            job = queue_allocation(engine, who.user_id, _centre(who), body)
            wake_workers(page.request.app)
            return page.redirect(f"/coach/allocations/jobs/{job.id}")
        proposal = propose(conn, engine.matcher, body, _centre(who),
                           connect=engine.connection)
        aid = save_audited(conn, proposal, who)  # with its audit rows, as the API's
    return page.redirect(f"/coach/allocations/{aid}")


def _spend(page: Page, who: Principal) -> None:
    """A proposal counts against the account's allowance of expensive requests, as
    `POST /allocations` does against its token's (429 page past it)."""
    throttle(page.request).spend(f"user:{who.user_id}",
                                 "too many allocation proposals from this account")


@router.post("/allocations", response_model=None)
def allocate(page: PageDep, form: Form) -> HTMLResponse | RedirectResponse:
    """Make the proposal (or queue it, for a large cohort) and show it."""
    who = coach(page)
    _spend(page, who)
    q = form_text(form, "q")
    asked = read_form(form, _cohort(page, form, q))
    try:
        return _make(page, who, request_of(page, who, asked))
    except FormProblem as exc:
        return _render_form(page, exc.status, str(exc), asked)
    except InvalidInputError as exc:  # a candidate not of the centre, a share no one meets
        return _render_form(page, 422, page._("The allocation could not be made: %(why)s",
                                              why=str(exc)), asked)


@router.post("/allocations/{allocation_id}/again", response_model=None)
def again(page: PageDep, form: Form, allocation_id: Id) -> HTMLResponse | RedirectResponse:
    """Propose again for the same people with every setting of this proposal; with
    `candidate` and `place`, that place kept from that person ("she won't go to that
    employer"), everyone else as before. Problems are shown on this proposal's page."""
    who = coach(page)
    _spend(page, who)
    with page.engine.connection() as conn:
        proposal = _proposal(page, who, conn, allocation_id)
    try:
        return _make(page, who, request_again(page, proposal,
                                              excluded(page, form, proposal)))
    except FormProblem as exc:
        return _show(page, allocation_id, exc.status, problem=str(exc))
    except InvalidInputError as exc:
        return _show(page, allocation_id, 422, problem=page._(
            "The allocation could not be made: %(why)s", why=str(exc)))


@router.get("/allocations/jobs/{job_id}", response_model=None)
def allocation_job(page: PageDep, job_id: Id) -> HTMLResponse | RedirectResponse:
    """A queued cohort: its progress (the page refreshes itself), then the proposal."""
    who = coach(page)
    with page.engine.connection() as conn:
        job = read_job(conn, job_id)
    if job is None or job.kind != ALLOCATION or (
            who.role != "admin" and job.user_id != who.user_id):
        raise PageError(404, page._("This allocation does not exist or is not yours."))
    if job.state == "done" and job.result is not None:
        return page.redirect(f"/coach/allocations/{job.result['allocation_id']}")
    problem = None
    if job.state == "failed":
        problem = page._("The allocation failed and nothing was saved: %(why)s",
                         why=(job.error or {}).get("detail", ""))
    return page.render("coach/allocation_job.html", status=422 if problem else 200,
                       job=job, problem=problem, **_context(page))


def _place(place: dict[str, Any] | None, facts: dict[tuple[str, int], dict[str, Any]],
           ) -> dict[str, Any] | None:
    return None if place is None else {
        **place, **facts.get((place["type"], place["id"]), {"by": "", "town": None,
                                                            "online": False, "free": None})}


def _view(page: Page, conn: Any, proposal: dict[str, Any]) -> dict[str, Any]:
    """The proposal as the page shows it: each assignment with the person's name and
    the places' employer or provider and town; placed and unplaced apart."""
    rows = proposal["assignments"]
    places = [p for a in rows for p in (a.get("place"), (a.get("greedy") or {}).get("place"))
              if p is not None]
    facts = views.place_facts(conn, [p["id"] for p in places if p["type"] == "vacancy"],
                              [p["id"] for p in places if p["type"] == "course"])
    names = views.people(conn, [a["candidate_id"] for a in rows])
    audit_each(conn, page.who, "candidate.list", names)
    items = []
    for a in rows:
        greedy = a.get("greedy")
        items.append({**a, **names.get(a["candidate_id"], {"name": None, "town": None}),
                      "place": _place(a.get("place"), facts),
                      "greedy": greedy and {**greedy, "place": _place(greedy["place"], facts)},
                      "reason_text": reason_text(page.speaker, a.get("reason"))})
    summary = proposal["summary"]
    return {"proposal": proposal, "summary": summary,
            # those moved from their own top choice first: what a coach checks
            "placed": sorted((i for i in items if i["place"] is not None),
                             key=lambda i: i["rank"] == 1),
            "unplaced": [i for i in items if i["place"] is None],
            "calibrated": summary.get("probability_source") == CALIBRATED,
            "repeat": proposal["status"] == "proposed" and can_repeat(proposal),
            "reserved": sum(1 for i in items if (i.get("reservation") or {}).get("active"))}


def _conflict(view: dict[str, Any]) -> dict[str, Any]:
    """What keeps a proposal from being accepted now: its places short of free capacity
    or closed (as counted on the page), and its people holding a place already."""
    wanted: dict[tuple[str, int], list[Any]] = {}
    for item in view["placed"]:
        place = item["place"]
        wanted.setdefault((place["type"], place["id"]), [place, 0])[1] += 1
    short = [{**place, "needed": n} for place, n in wanted.values()
             if place["free"] is None or place["free"] < n]
    return {"short": short}


def _proposal(page: Page, who: Principal, conn: psycopg.Connection,
              allocation_id: int) -> dict[str, Any]:
    """The proposal as `GET /allocations/{id}` answers it (audited as a read); 404 page
    for another centre's, as for one that does not exist."""
    try:
        return allocation_route(allocation_id, who, conn)
    except NotFoundError as exc:
        raise PageError(404, page._("This allocation does not exist or is not yours.")
                        ) from exc


def _show(page: Page, allocation_id: int, status: int = 200, **extra: Any) -> HTMLResponse:
    who = coach(page)
    with page.engine.connection() as conn:
        view = _view(page, conn, _proposal(page, who, conn, allocation_id))
        if "conflict" in extra:
            held = store.holding(conn, [i["candidate_id"] for i in view["placed"]])
            extra["conflict"] = {**_conflict(view), "held": [
                i for i in view["placed"] if i["candidate_id"] in held]}
    return page.render("coach/allocation.html", status=status, **view, **extra,
                       **_context(page))


@router.get("/allocations/{allocation_id}", response_class=HTMLResponse)
def allocation(page: PageDep, allocation_id: Id, accepted: bool = False,
               released: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
               ) -> HTMLResponse:
    """The proposal: totals against greedy, each person's place and why, those left
    without one; once accepted, the reservations with a way to release each."""
    return _show(page, allocation_id, accepted=accepted, released=released)


@router.post("/allocations/{allocation_id}/accept", response_model=None)
def accept(page: PageDep, form: Form, allocation_id: Id) -> HTMLResponse | RedirectResponse:
    """Reserve every assigned place, or none: a 409 page naming what was filled."""
    who = coach(page)
    try:
        with page.engine.connection() as conn:
            accept_route(allocation_id, who, conn)
    except NotFoundError as exc:
        raise PageError(404, page._("This allocation does not exist or is not yours."),
                        ) from exc
    except ConflictError as exc:
        return _show(page, allocation_id, 409, conflict=True, detail=str(exc))
    return page.redirect(f"/coach/allocations/{allocation_id}?accepted=true")


@router.post("/reservations/{reservation_id}/release", response_model=None)
def release(page: PageDep, form: Form, reservation_id: Id) -> RedirectResponse:
    """Give a reserved place back; then the proposal it came from."""
    who = coach(page)
    try:
        with page.engine.connection() as conn:
            allocation_id = views.reservation_allocation(conn, reservation_id)
            release_route(reservation_id, who, conn)
    except NotFoundError as exc:
        raise PageError(404, page._("This reservation does not exist or is not yours."),
                        ) from exc
    except ConflictError as exc:
        raise PageError(409, page._("This reservation was released already."),
                        ) from exc
    back = f"/coach/allocations/{allocation_id}" if allocation_id else "/coach/allocations"
    return page.redirect(f"{back}?released={reservation_id}")
