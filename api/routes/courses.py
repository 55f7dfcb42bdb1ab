"""Courses: write one, import many (all or nothing), read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import (
    CurrentUser,
    EngineDep,
    ImportFormat,
    Lang,
    Limit,
    Offset,
    page,
    upserted,
)
from matcher.access import require
from matcher.intake.files import detect_format
from matcher.schemas import CourseIn
from matcher.store.courses import list_courses, read_course

router = APIRouter(prefix="/courses", tags=["courses"])


@router.post("", status_code=status.HTTP_201_CREATED)
def save_course(body: CourseIn, who: CurrentUser, engine: EngineDep, response: Response,
                ) -> dict[str, Any]:
    require(who, "admin", "coach")
    [(cid, created)] = engine.save_courses([body])
    return upserted(response, f"/courses/{cid}", cid, created)


@router.post("/import", status_code=status.HTTP_201_CREATED)
async def import_courses(request: Request, who: CurrentUser, engine: EngineDep,
                         format: ImportFormat = None) -> dict[str, Any]:
    require(who, "admin", "coach")
    fmt = detect_format(request.headers.get("content-type"), format)
    body = await request.body()
    return await run_in_threadpool(engine.import_courses, body, fmt)


@router.get("")
def courses(who: CurrentUser, engine: EngineDep, limit: Limit = 20, offset: Offset = 0,
            ) -> dict[str, Any]:
    with engine.connection() as conn:
        items, total = list_courses(conn, limit, offset)
    return page(items, total, limit, offset)


@router.get("/{course_id}")
def course(course_id: int, who: CurrentUser, engine: EngineDep, lang: Lang = None,
           ) -> dict[str, Any]:
    with engine.connection() as conn:
        return read_course(conn, engine.concepts, course_id, lang or "en")
