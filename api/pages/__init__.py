"""The pages for people: sign-in, the coach console, the employer portal, the migrant
view. Server-rendered (Jinja2), usable without JavaScript; htmx, vendored, adds live
linking and partial updates. See `web.py` for what every page shares."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.pages import coach, coach_allocation, employer, linking, migrant, signin
from api.pages.web import PageError, SignInRequired, error_page, is_page, sign_in_redirect

STATIC = Path(__file__).parent / "static"


class CachedStatic(StaticFiles):
    """Static files with a day of browser caching (they change only with a release)."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


class PageGzip:
    """Pages and their static files gzip-compressed for browsers that accept it (a slow
    connection reads a quarter of the bytes); the JSON API is left as it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.gzip = app, GZipMiddleware(app, minimum_size=1000)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.gzip if scope["type"] == "http" and is_page(scope["path"]) else self.app
        await chosen(scope, receive, send)


def install(app: FastAPI) -> None:
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    app.add_middleware(PageGzip)
    for router in (signin.router, linking.router, coach.router, coach_allocation.router,
                   employer.router, migrant.router):
        app.include_router(router)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired) -> Response:
        return sign_in_redirect(exc)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return error_page(request, request.app.state.engine, exc.status, exc.message)
