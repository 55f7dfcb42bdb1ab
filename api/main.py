"""The FastAPI application: `create_app()`; OpenAPI at /docs.

The lifespan starts the engine once (database, migrations, taxonomy, model) unless one
is passed in (the tests share one). Errors map to HTTP in one place: the engine's error
classes, request validation (the message names the field), and oversized bodies (413).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import input as http_input
from api import pages
from api import responses as r
from api.logs import pseudonymise_access_log
from api.pages.web import error_page, is_page
from api.routes import (
    admin,
    allocations,
    candidates,
    courses,
    job_postings,
    jobs,
    outcomes,
    recognition,
    taxonomy,
    vacancies,
)
from matcher.engine import Engine
from matcher.errors import (
    ConflictError,
    DatabaseError,
    ForbiddenError,
    ImportRowsError,
    NotFoundError,
)
from matcher.intake.files import UnsupportedFormatError
from matcher.intake.places import warm_in_background
from matcher.jobs import JobWorker
from matcher.settings import Settings
from matcher.store.processes import freeze_startup_heap
from skills_taxonomy.errors import InvalidInputError, MatcherError

STATUS: list[tuple[type[Exception], int]] = [
    (NotFoundError, 404), (ForbiddenError, 403), (ConflictError, 409),
    (UnsupportedFormatError, 415), (InvalidInputError, 422), (DatabaseError, 503),
    (MatcherError, 500)]


class BodyLimit:
    """Refuse request bodies over the limit with 413, whether they announce their length
    or stream in chunks, before any route reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response: Response = JSONResponse(status_code=413,
                                          content={"detail": _too_large(self.max_bytes)})
        if is_page(scope["path"]):
            request = Request(scope)
            response = error_page(request, request.app.state.engine, 413,
                                  _too_large(self.max_bytes))
        await response(scope, receive, send)


def _too_large(max_bytes: int) -> str:
    return (f"body: larger than the limit of {max_bytes:,} bytes "
            "(split a bulk import into several files)")


class _TooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing re-raises it as it is (it turns any
    other error while reading a JSON body into 400) and it answers 413 wherever it is
    raised; `BodyLimit` still catches it should it arrive there."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _too_large(max_bytes))


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def allowed_methods(app: FastAPI, path: str, literal_only: bool = False) -> list[str]:
    """The methods the OpenAPI document lists for a requested path: those of a literal
    path (`/courses/import`) before those of a path with parameters (`/courses/{id}`)."""
    literal: set[str] = set()
    templated: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            found = literal if "{" not in template else templated
            found.update(method.upper() for method in operations)
    return sorted(literal if literal or literal_only else templated)


def _not_allowed(allow: list[str]) -> JSONResponse:
    return JSONResponse(status_code=405, content={"detail": "Method Not Allowed"},
                        headers={"Allow": ", ".join(allow)})


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or (engine.settings if engine else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app.state.engine = engine or Engine.start(settings)
        if owned:  # this process serves: keep what start-up built out of full GC passes
            freeze_startup_heap()
        warm_in_background(settings.destination_country)  # towns by name, for the pages
        app.state.job_workers = [JobWorker(app.state.engine).start()
                                 for _ in range(settings.job_workers)]
        try:
            yield
        finally:
            for worker in app.state.job_workers:
                worker.stop()
            if owned:
                app.state.engine.close()

    app = FastAPI(title="Skills matcher", version="0.1.0", lifespan=lifespan, description=(
        "Skills-first matching of migrants and refugees with jobs, apprenticeships, "
        "placements and courses. Authenticate with `Authorization: Bearer <token>`."))
    for router in (taxonomy.router, candidates.router, recognition.router,
                   job_postings.router, vacancies.router,
                   courses.router, outcomes.router, jobs.router, admin.router,
                   allocations.router):
        app.include_router(router)

    _error_handlers(app)
    _health_routes(app)
    pages.install(app)  # the pages for people: /, /sign-in, /coach, /employer, /me
    http_input.install(app)  # 431 for a large head; 415, 400, 422 for JSON bodies
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    pseudonymise_access_log(settings.log_key)  # no candidate id in the access log
    return app


def _error_handlers(app: FastAPI) -> None:
    """Every error as `{"detail": ...}` with the status its class maps to (503 with
    Retry-After), 405 with every allowed method, 422 naming the fields."""
    @app.exception_handler(MatcherError)
    async def engine_error(request: Request, exc: Exception) -> Response:
        code = next(status for cls, status in STATUS if isinstance(exc, cls))
        if is_page(request.url.path):
            return error_page(request, app.state.engine, code, str(exc))
        content: dict[str, Any] = {"detail": str(exc)}
        if isinstance(exc, ImportRowsError):
            content["errors"] = exc.errors
        headers = {"Retry-After": str(getattr(exc, "retry_after", 2))} if code == 503 else None
        return JSONResponse(status_code=code, content=content, headers=headers)

    @app.exception_handler(psycopg.OperationalError)
    async def database_away(request: Request, exc: Exception) -> Response:
        # a connection used outside `Database.connection()`, which raises DatabaseError
        if is_page(request.url.path):
            return error_page(request, app.state.engine, 503,
                              "the database is unavailable; try again shortly")
        return JSONResponse(status_code=503, headers={"Retry-After": "2"}, content={
            "detail": "the database is unavailable; try again shortly"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # Allow: every method of the path, not one route's
            return _not_allowed(allowed_methods(app, request.url.path))
        if is_page(request.url.path):
            page = error_page(request, app.state.engine, exc.status_code, str(exc.detail))
            page.headers.update(exc.headers or {})
            return page
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # `GET /courses/import` reached `GET /courses/{course_id}`: the path names the
        # import, which only takes POST
        literal = allowed_methods(app, request.url.path, literal_only=True)
        if literal and request.method not in literal:
            return _not_allowed(literal)
        errors = [{"field": _field(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        if is_page(request.url.path):
            return error_page(request, app.state.engine, 422, "; ".join(
                f"{e['field']}: {e['message']}" for e in errors[:5]))
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return JSONResponse(status_code=422, content={"detail": detail, "errors": errors})


def _health_routes(app: FastAPI) -> None:
    """`/health` (liveness) and `/ready` (the database answers, migrations applied)."""
    @app.get("/health", tags=["health"], response_model=r.Health)
    def health() -> dict[str, str]:
        """Liveness: 200 while the process answers (whether the database does: `/ready`)."""
        engine_now: Engine = app.state.engine
        return {"status": "ok", "taxonomy": engine_now.concepts.version,
                "database": "available" if engine_now.db.available() else "unavailable"}

    @app.get("/ready", tags=["health"], response_model=r.Ready,
             responses={503: {"model": r.Ready, "description": "The database is away or "
                              "lacks a migration; Retry-After says when to ask again"}})
    def ready() -> Any:
        """Readiness: 200 when the database answers and holds every migration of this
        code, else 503 with Retry-After."""
        ok, why, migration = app.state.engine.db.ready()
        if ok:
            return {"status": "ready", "migration": migration}
        return JSONResponse(status_code=503, headers={"Retry-After": "2"}, content={
            "status": "unavailable", "migration": migration, "detail": why})
