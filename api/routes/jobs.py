"""Background jobs: follow an import that was answered 202 (state, progress, answer)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import responses as r
from api.deps import Conn, CurrentUser, Limit, Offset, page
from matcher.errors import NotFoundError
from matcher.store.jobs import jobs_of, read_job

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("", **r.answers(r.JobPage))
def jobs(who: CurrentUser, conn: Conn, limit: Limit = 20, offset: Offset = 0,
         ) -> dict[str, Any]:
    """The caller's jobs, newest first (an admin sees everyone's)."""
    total, found = jobs_of(conn, None if who.role == "admin" else who.user_id, limit, offset)
    return page([job.as_dict() for job in found], total, limit, offset)


@router.get("/{job_id}", **r.answers(r.Job, 404))
def job(job_id: int, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """One job: its state and progress; when done, the import's answer; when failed, why
    (nothing of it was written). Only its owner and admins see it."""
    found = read_job(conn, job_id)
    if found is None or (who.role != "admin" and found.user_id != who.user_id):
        raise NotFoundError(f"job {job_id} not found")
    return found.as_dict()
