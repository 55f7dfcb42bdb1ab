"""Sign-in with a one-time code or link, sign-out, and `/`, which sends each person to
their own start page.

A link (`/sign-in?code=…`) only fills in the form: the code is spent by the POST, so a
mail scanner or a link preview that opens the link does not use it up. The sign-in form
is protected against cross-site posting by a value in a cookie of its own that the form
repeats (there is no session yet to hold a CSRF token).
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import quote

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.limits import client_address, throttle
from api.pages.web import (
    HOME,
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Form,
    OptionalPage,
    PageDep,
    form_text,
    secure,
)
from matcher.engine import Engine
from matcher.store.auth import audit
from matcher.store.web_sessions import (
    end_session,
    issue_sign_in_code,
    open_session,
    redeem_sign_in_code,
    user_principal,
)

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None, role: str) -> str:
    """Where to go after sign-in: a path of this site, else the role's start page."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not target.startswith("/sign-"):
        return target
    return HOME.get(role, "/")


@router.get("/", response_class=HTMLResponse)
def home(page: OptionalPage) -> Response:
    if page.session is None:
        return page.redirect("/sign-in")
    return page.redirect(HOME.get(page.session.who.role, "/sign-in"))


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(page: OptionalPage, code: str = "", next: str = "",  # noqa: A002
                 expired: bool = False, signed_out: bool = False) -> Response:
    token = secrets.token_urlsafe(24)
    page.extra["csrf"] = token
    response = page.render("sign_in.html", code=code[:40], next=next[:500], expired=expired,
                           signed_out=signed_out, error=None)
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=3600, httponly=True, samesite="lax",
                        secure=secure(page.request, page.engine), path="/sign-in")
    return response


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, page: OptionalPage) -> Response:
    form = await request.form()
    code, target = form_text(form, "code")[:40], form_text(form, "next")[:500]
    sent, expected = form_text(form, "csrf"), request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        page.extra["csrf"] = expected
        return page.render("sign_in.html", status=403, code=code, next=target, expired=False,
                           signed_out=False, error=page._(
                               "This form has expired. Reload the page and try again."))
    limiter, address = throttle(request), client_address(request)
    limiter.check_address(address)  # 429 after too many wrong codes from one address
    engine = page.engine
    with engine.connection() as conn:
        user_id = redeem_sign_in_code(conn, code) if code else None
        who = user_principal(conn, user_id) if user_id is not None else None
        if who is None:
            limiter.failed(address)
            page.extra["csrf"] = expected
            return page.render("sign_in.html", status=401, code=code, next=target,
                               expired=False, signed_out=False, error=page._(
                                   "This code is wrong, used or expired. Check it, or ask "
                                   "your coach for a new one."))
        secret = open_session(conn, who.user_id,
                              dt.timedelta(hours=engine.settings.session_hours))
        audit(conn, who, "session.open", who.candidate_id)
    response = page.redirect(safe_next(target, who.role))
    response.set_cookie(SESSION_COOKIE, secret, max_age=engine.settings.session_hours * 3600,
                        httponly=True, samesite="lax", secure=secure(request, engine))
    response.delete_cookie(SIGN_IN_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out", response_class=HTMLResponse)
def sign_out(page: PageDep, form: Form) -> RedirectResponse:
    with page.engine.connection() as conn:
        end_session(conn, page.request.cookies.get(SESSION_COOKIE, ""))
    response = page.redirect("/sign-in?signed_out=1")
    response.delete_cookie(SESSION_COOKIE)
    return response


def sign_in_card(engine: Engine, request: Request, user_id: int, issued_by: int,
                 ) -> dict[str, str]:
    """A new one-time code for a user, with its link and the link as a QR code (an SVG
    data URI), to print or hand over."""
    valid = dt.timedelta(hours=engine.settings.sign_in_code_hours)
    with engine.connection() as conn:
        code, expires = issue_sign_in_code(conn, user_id, issued_by, valid)
    link = f"{str(request.base_url).rstrip('/')}/sign-in?code={quote(code)}"
    svg = segno.make(link, error="m").svg_data_uri(scale=4, border=2)
    return {"code": code, "link": link, "qr": svg, "expires": expires.isoformat()}
