"""What every page route shares: the signed-in person (from the session cookie), the
language the page speaks, CSRF checks on forms, and rendering a template.

Pages call the same engine and store functions as the JSON API, with the same roles and
scopes (`matcher/access.py`); a page only turns their answers into HTML. Errors on a page
are pages too (`error.html`), never JSON; a missing or expired session leads to sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from api.deps import EngineDep
from api.pages.i18n import (
    LANGUAGES,
    N_,
    NATIVE_NAMES,
    Speaker,
    from_accept_language,
    page_language,
)
from matcher.engine import Engine
from matcher.store.auth import Principal
from matcher.store.candidates import best_language
from matcher.store.web_sessions import PageSession, session_for

SESSION_COOKIE = "matcher_session"
LANG_COOKIE = "matcher_lang"
SIGN_IN_COOKIE = "matcher_sign_in"  # the CSRF value of the sign-in form, before a session
# the migrant's start page is /me/home: /me alone is the JSON API's "who am I"
HOME = {"admin": "/coach", "coach": "/coach", "employer": "/employer", "migrant": "/me/home"}
_COACH_NAV = [("/coach", N_("Caseload")), ("/coach/candidates/new", N_("New candidate")),
              ("/coach/allocations", N_("Allocate places"))]
NAV: dict[str, list[tuple[str, str]]] = {
    "admin": _COACH_NAV, "coach": _COACH_NAV,
    "employer": [("/employer", N_("My vacancies")),
                 ("/employer/vacancies/new", N_("Post a vacancy")),
                 ("/employer/vacancies/upload", N_("Upload a CSV file"))],
    "migrant": [("/me/home", N_("My page")), ("/me/jobs", N_("Jobs")),
                ("/me/courses", N_("Courses")), ("/me/recognition", N_("Recognition")),
                ("/me/data", N_("My data"))],
}
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.autoescape = True
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True


class SignInRequired(Exception):
    """No live session: the page answers with a redirect to sign-in, then back."""

    def __init__(self, back: str, expired: bool = False) -> None:
        super().__init__(back)
        self.back, self.expired = back, expired


class PageError(Exception):
    """A page that cannot be shown, with the status and a message for the person."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def secure(request: Request, engine: Engine) -> bool:
    setting = engine.settings.secure_cookies
    return request.url.scheme == "https" if setting is None else setting


@dataclass
class Page:
    """One page request: who asks, in which language, and how to answer."""

    request: Request
    engine: Engine
    session: PageSession | None
    speaker: Speaker
    lang_chosen: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def who(self) -> Principal:
        if self.session is None:
            raise SignInRequired(self.request.url.path)
        return self.session.who

    @property
    def lang(self) -> str:
        return self.speaker.lang

    def require(self, *roles: str) -> None:
        """A page only these roles may open (403 page otherwise)."""
        if self.who.role not in roles:
            raise PageError(403, self._("This page is not for your role."))

    def _(self, message: str, **values: object) -> str:
        return str(self.speaker.gettext(message, **values))

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        speaker = self.speaker
        response = TEMPLATES.TemplateResponse(self.request, template, status_code=status,
                                              context={
            "who": self.session.who if self.session else None,
            "csrf": self.session.csrf if self.session else self.extra.get("csrf", ""),
            "lang": speaker.lang, "dir": speaker.dir, "_": speaker.gettext,
            "ngettext": speaker.ngettext, "say": speaker, "languages": LANGUAGES,
            "native_names": NATIVE_NAMES, "path": self.request.url.path,
            "home": HOME.get(self.session.who.role, "/") if self.session else "/",
            "nav": NAV.get(self.session.who.role, []) if self.session else [],
            **context})
        self.finish(response)
        return response

    def redirect(self, url: str) -> RedirectResponse:
        response = RedirectResponse(url, status_code=303)
        self.finish(response)
        return response

    def finish(self, response: Response) -> None:
        """Headers every page answer carries: the chosen language, no caching of
        personal pages, no framing, no sniffing."""
        if self.lang_chosen:
            response.set_cookie(LANG_COOKIE, self.lang, max_age=365 * 86400, samesite="lax",
                                secure=secure(self.request, self.engine), httponly=True)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self';"
            " script-src 'self'; frame-ancestors 'none'; form-action 'self'")


def _language(request: Request, engine: Engine, who: Principal | None) -> tuple[str, bool]:
    """The page language: `?lang=` (remembered), the remembered choice, a migrant's own
    best language, the browser's, English."""
    asked = page_language(request.query_params.get("lang"))
    if asked:
        return asked, True
    remembered = page_language(request.cookies.get(LANG_COOKIE))
    if remembered:
        return remembered, False
    if who is not None and who.role == "migrant" and who.candidate_id:
        with engine.connection() as conn:
            own = page_language(best_language(conn, who.candidate_id))
        if own:
            return own, False
    return from_accept_language(request.headers.get("accept-language")) or "en", False


def _session(request: Request, engine: Engine) -> PageSession | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    with engine.connection() as conn:
        return session_for(conn, secret)


def optional_page(request: Request, engine: EngineDep) -> Page:
    """A page anyone may see (sign-in): the session when there is one."""
    session = _session(request, engine)
    lang, chosen = _language(request, engine, session.who if session else None)
    return Page(request, engine, session, Speaker(lang), chosen)


def signed_in_page(request: Request, engine: EngineDep) -> Page:
    """A page for a signed-in person; without a live session, sign-in first."""
    page = optional_page(request, engine)
    if page.session is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(back, expired=SESSION_COOKIE in request.cookies)
    return page


async def checked_form(request: Request, page: Annotated[Page, Depends(signed_in_page)],
                       ) -> FormData:
    """The posted form, refused (403) unless it carries the session's CSRF token (as the
    `csrf` field, or the X-CSRF-Token header htmx sends)."""
    form = await request.form()
    sent = form.get("csrf") or request.headers.get("x-csrf-token") or ""
    assert page.session is not None
    if not isinstance(sent, str) or not secrets.compare_digest(sent, page.session.csrf):
        raise PageError(403, page._("This form has expired or did not come from this site. "
                                    "Go back, reload the page and try again."))
    return form


PageDep = Annotated[Page, Depends(signed_in_page)]
OptionalPage = Annotated[Page, Depends(optional_page)]
Form = Annotated[FormData, Depends(checked_form)]


def form_text(form: FormData, name: str, default: str = "") -> str:
    """A text field of a form (a file field or a missing one: the default)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def form_list(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def sign_in_redirect(exc: SignInRequired) -> RedirectResponse:
    query = f"?next={quote(exc.back, safe='/')}" + ("&expired=1" if exc.expired else "")
    response = RedirectResponse("/sign-in" + query, status_code=303)
    if exc.expired:
        response.delete_cookie(SESSION_COOKIE)
    return response


def error_page(request: Request, engine: Engine, status: int, message: str) -> HTMLResponse:
    """An error as a page in the reader's language, with a way back."""
    try:
        page = optional_page(request, engine)
    except Exception:  # noqa: BLE001 - the database may be what failed: no session then
        lang = from_accept_language(request.headers.get("accept-language")) or "en"
        page = Page(request, engine, None, Speaker(lang))
    response = page.render("error.html", status=status, status_code=status, message=message)
    if status == 503:
        response.headers["Retry-After"] = "2"
    return response


def is_page(path: str) -> bool:
    """Whether a path belongs to the pages (its errors are pages, not JSON)."""
    return path == "/" or (path != "/me" and path.split("/")[1] in PAGE_ROOTS)


PAGE_ROOTS = frozenset({"sign-in", "sign-out", "coach", "employer", "me", "static", "link"})
