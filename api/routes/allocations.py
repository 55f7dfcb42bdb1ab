"""Cohort allocation (issue 16): a coach (their centre's candidates) or an admin (any)
proposes who goes where across a cohort; accepting reserves the places, whole or not at
all (409 naming the places filled meanwhile); releasing a reservation gives the place
back. Proposals of another centre answer 404, like ones that do not exist.

Each writes audit rows in its own transaction: a proposal one per cohort member
(`allocation.propose`, in `matcher.allocation.service.save_audited`), accepting one per
reservation made (`allocation.accept`; a 409 writes none), releasing one
(`reservation.release`). The coach's pages call these functions, so they audit alike."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import JSONResponse

from api.deps import Conn, CurrentUser, EngineDep, RateLimited, wake_workers
from api.responses import allocations as a
from api.responses.common import answers
from api.responses.jobs import JobQueued
from matcher.access import require
from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import check_cohort, propose, save_audited
from matcher.errors import NotFoundError
from matcher.jobs import queue_allocation
from matcher.match import lists
from matcher.store import allocations as store
from matcher.store.auth import Principal, audit, audit_each
from matcher.store.candidates import candidate_org

router = APIRouter(tags=["allocations"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _scope(conn: Any, who: Principal, allocation_id: int) -> None:
    require(who, "admin", "coach")
    exists, org = store.proposal_org(conn, allocation_id)
    if not exists or (who.role == "coach" and org != who.organisation_id):
        raise NotFoundError(f"allocation {allocation_id} not found")


def _place_detail(reservation: dict[str, Any]) -> dict[str, Any]:
    """An audit row's detail for a reservation: its id and its vacancy or course."""
    places = {k: reservation[k] for k in ("vacancy_id", "course_id")
              if reservation[k] is not None}
    return {"reservation_id": reservation["id"], **places}


ALLOCATE_ANSWERS = answers(a.Allocation, 403, body=True)
ALLOCATE_ANSWERS["responses"][202] = {
    "model": JobQueued, "description": "Queued as a background job (a cohort of more than "
    "`MATCHER_SYNC_ALLOCATION_CANDIDATES`, or `Prefer: respond-async`): follow it at "
    "`Location`; when done, its result names the proposal (`allocation_id`)"}


@router.post("/allocations", status_code=status.HTTP_201_CREATED, dependencies=[RateLimited],
             **ALLOCATE_ANSWERS)
def allocate(body: AllocationIn, request: Request, who: CurrentUser, engine: EngineDep,
             conn: Conn) -> Any:
    """Propose an allocation of the cohort's candidates to open places (vacancies'
    slots, with `kinds` including `course` also course seats) that maximises the
    expected number of placements under free capacity, hard gates, preferences and any
    fairness shares; each assignment says why, and what greedy matching would give.
    A large cohort (its match lists take about 30 ms a candidate) is checked at once,
    queued and answered 202 with a job to follow (`GET /jobs/{id}`)."""
    require(who, "admin", "coach")
    centre = who.organisation_id if who.role == "coach" else None
    asked = "respond-async" in request.headers.get("prefer", "").lower()
    if asked or len(body.cohort) > engine.settings.sync_allocation_candidates:
        check_cohort(conn, body.cohort, centre)  # a bad cohort is refused before queueing
        job = queue_allocation(engine, who.user_id, centre, body)
        wake_workers(request.app)
        url = f"/jobs/{job.id}"
        headers = {"Location": url, **({"Preference-Applied": "respond-async"} if asked else {})}
        return JSONResponse({**job.as_dict(), "status_url": url}, status_code=202,
                            headers=headers)
    proposal = propose(conn, engine.matcher, body, centre, connect=engine.connection)
    return store.read_proposal(conn, save_audited(conn, proposal, who))


@router.get("/allocations/{allocation_id}", **answers(a.Allocation, 403, 404))
def allocation(allocation_id: Id, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """A proposal, with its reservations once accepted. It names people and their
    places: one `allocation.read` audit row per person in it."""
    _scope(conn, who, allocation_id)
    proposal = store.read_proposal(conn, allocation_id)
    audit_each(conn, who, "allocation.read",
               [item["candidate_id"] for item in proposal["assignments"]],
               allocation_id=allocation_id)
    return proposal


@router.post("/allocations/{allocation_id}/accept", **answers(a.Accepted, 403, 404, 409))
def accept(allocation_id: Id, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """Reserve every assigned place: all of them, or (409, naming the places filled or
    closed meanwhile) none."""
    _scope(conn, who, allocation_id)
    made = store.accept(conn, allocation_id, who.user_id)
    for r in made:
        audit(conn, who, "allocation.accept", r["candidate_id"], **_place_detail(r),
              allocation_id=allocation_id)
    lists.listed_vacancies_changed(conn, [r["vacancy_id"] for r in made if r["vacancy_id"]])
    return {"id": allocation_id, "status": "accepted", "reservations": made}


@router.delete("/reservations/{reservation_id}", **answers(a.Released, 403, 404, 409))
def release(reservation_id: Id, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """Release a reservation: the place is free again."""
    require(who, "admin", "coach")
    cid = store.reservation_candidate(conn, reservation_id)
    if cid is None or (who.role == "coach" and candidate_org(conn, cid) != who.organisation_id):
        raise NotFoundError(f"reservation {reservation_id} not found")
    released = store.release(conn, reservation_id, who.user_id)
    audit(conn, who, "reservation.release", cid, **_place_detail(released),
          allocation_id=released["allocation_id"])
    if released["vacancy_id"]:
        lists.listed_vacancies_changed(conn, [released["vacancy_id"]])
    return released
