"""Cohort allocation (issue 16): a coach (their centre's candidates) or an admin (any)
proposes who goes where across a cohort; accepting reserves the places, whole or not at
all (409 naming the places filled meanwhile); releasing a reservation gives the place
back. Proposals of another centre answer 404, like ones that do not exist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from api.deps import Conn, CurrentUser, EngineDep, RateLimited
from api.responses import allocations as a
from api.responses.common import answers
from matcher.access import require
from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import propose
from matcher.errors import NotFoundError
from matcher.store import allocations as store
from matcher.store.auth import Principal
from matcher.store.candidates import candidate_org

router = APIRouter(tags=["allocations"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _scope(conn: Any, who: Principal, allocation_id: int) -> None:
    require(who, "admin", "coach")
    exists, org = store.proposal_org(conn, allocation_id)
    if not exists or (who.role == "coach" and org != who.organisation_id):
        raise NotFoundError(f"allocation {allocation_id} not found")


@router.post("/allocations", status_code=status.HTTP_201_CREATED, dependencies=[RateLimited],
             **answers(a.Allocation, 403, body=True))
def allocate(body: AllocationIn, who: CurrentUser, engine: EngineDep, conn: Conn,
             ) -> dict[str, Any]:
    """Propose an allocation of the cohort's candidates to open places (vacancies'
    slots, with `kinds` including `course` also course seats) that maximises the
    expected number of placements under free capacity, hard gates, preferences and any
    fairness shares; each assignment says why, and what greedy matching would give."""
    require(who, "admin", "coach")
    proposal = propose(conn, engine.matcher, body,
                       who.organisation_id if who.role == "coach" else None,
                       connect=engine.connection)
    aid, _ = store.save_proposal(conn, proposal.organisation_id, who.user_id,
                                 proposal.settings, proposal.summary, proposal.assignments)
    return store.read_proposal(conn, aid)


@router.get("/allocations/{allocation_id}", **answers(a.Allocation, 403, 404))
def allocation(allocation_id: Id, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """A proposal, with its reservations once accepted."""
    _scope(conn, who, allocation_id)
    return store.read_proposal(conn, allocation_id)


@router.post("/allocations/{allocation_id}/accept", **answers(a.Accepted, 403, 404, 409))
def accept(allocation_id: Id, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """Reserve every assigned place: all of them, or (409, naming the places filled or
    closed meanwhile) none."""
    _scope(conn, who, allocation_id)
    made = store.accept(conn, allocation_id, who.user_id)
    return {"id": allocation_id, "status": "accepted", "reservations": made}


@router.delete("/reservations/{reservation_id}", **answers(a.Released, 403, 404, 409))
def release(reservation_id: Id, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """Release a reservation: the place is free again."""
    require(who, "admin", "coach")
    cid = store.reservation_candidate(conn, reservation_id)
    if cid is None or (who.role == "coach" and candidate_org(conn, cid) != who.organisation_id):
        raise NotFoundError(f"reservation {reservation_id} not found")
    return store.release(conn, reservation_id, who.user_id)
