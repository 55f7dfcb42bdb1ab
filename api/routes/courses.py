"""Courses: write one, import many (all or nothing), read."""

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
)
from matcher.access import require
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
    when replaced."""
    require(who, "admin", "coach")
    [(cid, created)] = engine.save_courses([body])
    return upserted(response, f"/courses/{cid}", cid, created)


@router.post("/import", status_code=status.HTTP_201_CREATED, openapi_extra=IMPORT_BODY,
             **r.answers(r.Imported, 403, 413))
async def import_courses(request: Request, who: CurrentUser, engine: EngineDep,
                         format: ImportFormat = None) -> dict[str, Any]:
    require(who, "admin", "coach")
    fmt = detect_format(request.headers.get("content-type"), format)
    body = await request.body()
    return await run_in_threadpool(engine.import_courses, body, fmt)


@router.get("", **r.answers(r.CoursePage))
def courses(who: CurrentUser, conn: Conn, limit: Limit = 20, offset: Offset = 0,
            ) -> dict[str, Any]:
    items, total = list_courses(conn, limit, offset)
    return page(items, total, limit, offset)


@router.get("/{course_id}", **r.answers(r.Course, 404))
def course(course_id: int, who: CurrentUser, engine: EngineDep, conn: Conn,
           lang: Lang = None) -> dict[str, Any]:
    return read_course(conn, engine.concepts, course_id, lang or "en")
