"""Courses: write one, import many (all or nothing), read. A course belongs to an
organisation (its provider, or the centre that added it): only that organisation's users
and admins change it (`matcher.access.course_write_owner`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api import responses as r
from api.deps import (
    Conn,
    CurrentUser,
    EngineDep,
    ImportFormat,
    Lang,
    Limit,
    Offset,
    import_body,
    page,
    upserted,
    with_etag,
)
from matcher.access import course_write_owner, require
from matcher.intake.files import detect_format
from matcher.schemas import CourseIn
from matcher.store.courses import list_courses, read_course

router = APIRouter(prefix="/courses", tags=["courses"])
IMPORT_BODY = import_body("courses")


@router.post("", status_code=status.HTTP_201_CREATED,
             **r.answers(r.Upserted, 403, body=True, upsert=True))
def save_course(body: CourseIn, who: CurrentUser, engine: EngineDep, response: Response,
                ) -> dict[str, Any]:
    """Create or replace (by external id) a course: 201 with `Location` when created, 200
    when replaced; 403 when another organisation owns it."""
    with engine.connection() as conn:
        owner = course_write_owner(conn, who, body.organisation_id)
    [(cid, created)] = engine.save_courses([body], [owner], admin=who.role == "admin")
    return upserted(response, f"/courses/{cid}", cid, created)


@router.post("/import", status_code=status.HTTP_201_CREATED, openapi_extra=IMPORT_BODY,
             **r.answers(r.Imported, 403, 413, 415))
async def import_courses(request: Request, who: CurrentUser, engine: EngineDep,
                         format: ImportFormat = None) -> dict[str, Any]:
    """Courses from a file, all or nothing; 403 when a row names a course another
    organisation owns."""
    require(who, "admin", "coach")
    fmt = detect_format(request.headers.get("content-type"), format)
    body = await request.body()

    checked: dict[int | None, int | None] = {}

    def owner_of(requested: int | None) -> int | None:
        if requested not in checked:
            with engine.connection() as conn:
                checked[requested] = course_write_owner(conn, who, requested)
        return checked[requested]

    return await run_in_threadpool(engine.import_courses, body, fmt, owner_of,
                                   who.role == "admin")


@router.get("", **r.answers(r.CoursePage, not_modified=True))
def courses(request: Request, who: CurrentUser, engine: EngineDep, limit: Limit = 20,
            offset: Offset = 0) -> Response:
    """Every course, a page at a time. With an `ETag`: asked again with `If-None-Match`,
    an unchanged page answers 304 without a body."""
    items, total = engine.read(  # on a read replica when there is one
        lambda conn: list_courses(conn, limit, offset))
    return with_etag(request, page(items, total, limit, offset))


@router.get("/{course_id}", **r.answers(r.Course, 404))
def course(course_id: int, who: CurrentUser, engine: EngineDep, conn: Conn,
           lang: Lang = None) -> dict[str, Any]:
    return read_course(conn, engine.concepts, course_id, lang or "en")
