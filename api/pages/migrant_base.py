"""What every migrant page shares: the signed-in migrant's own candidate (checked as the
API checks it), and rendering with the helpers the templates use."""

from __future__ import annotations

import re
from typing import Any

import psycopg
from babel import Locale
from babel.numbers import format_currency
from fastapi.responses import HTMLResponse

from api.pages.i18n import language_name
from api.pages.migrant_views import duration
from api.pages.web import Page, PageError
from matcher.access import candidate_scope


def my_candidate(page: Page, conn: psycopg.Connection) -> str:
    """The signed-in migrant's candidate id; another role gets the 403 page."""
    page.require("migrant")
    candidate_id = page.who.candidate_id
    if candidate_id is None:
        raise PageError(404, page._("Your profile was not found. Please ask your coach."))
    candidate_scope(conn, page.who, candidate_id)
    return candidate_id


def render(page: Page, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return page.render(f"migrant/{template}", status=status, language_name=language_name,
                       duration=duration, money=lambda value: money(value, page.lang),
                       **context)


def money(value: float, lang: str) -> str:
    """An amount in euros as the reader's language writes it (no cents when whole)."""
    if not float(value).is_integer():
        return str(format_currency(value, "EUR", locale=lang))
    pattern = re.sub(r"\.0+", "", Locale.parse(lang).currency_formats["standard"].pattern)
    return str(format_currency(value, "EUR", locale=lang, format=pattern, currency_digits=False))
