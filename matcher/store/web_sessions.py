"""Sign-in codes and page sessions: how a person gets from a code on paper to the pages.

An admin or a coach issues a one-time code for a user (a migrant gets theirs printed,
with a QR code of the sign-in link). Redeeming it once opens a session; the browser
holds the session's secret in a cookie. Codes and sessions are stored only as SHA-256
hashes, like API tokens. Codes are short enough to type (40 bits, in letters that are
hard to confuse), so they are single-use, expire, and failed attempts are throttled per
address (`api/limits.py`). Each session carries a CSRF token that every form sends back.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import psycopg

from matcher.store.auth import USER_COLUMNS, Principal, hash_token, principal_of

# no 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or typed from paper without doubt
CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 9  # 25**9 ≈ 2**41.8


@dataclass(frozen=True)
class PageSession:
    who: Principal
    csrf: str
    expires_at: dt.datetime


def normalise_code(code: str) -> str:
    """The code as issued: upper case, without the spaces and dashes people type."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_sign_in_code(conn: psycopg.Connection, user_id: int, issued_by: int | None,
                       valid: dt.timedelta) -> tuple[str, dt.datetime]:
    """A new one-time code for the user, shown as XXX-XXX-XXX; earlier unused codes of
    the user stop working (a reprinted letter replaces the lost one)."""
    code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
    conn.execute("UPDATE sign_in_code SET used_at = now()"
                 " WHERE user_id = %s AND used_at IS NULL", (user_id,))
    row = conn.execute(
        "INSERT INTO sign_in_code (code_hash, user_id, issued_by, expires_at)"
        " VALUES (%s, %s, %s, now() + %s) RETURNING expires_at",
        (hash_token(code), user_id, issued_by, valid)).fetchone()
    assert row is not None
    return "-".join(code[i:i + 3] for i in range(0, CODE_LENGTH, 3)), row[0]


def redeem_sign_in_code(conn: psycopg.Connection, code: str) -> int | None:
    """The user whose unused, unexpired code this is, marking it used; None otherwise."""
    row = conn.execute(
        "UPDATE sign_in_code SET used_at = now() WHERE code_hash = %s AND used_at IS NULL"
        " AND expires_at > now() RETURNING user_id",
        (hash_token(normalise_code(code)),)).fetchone()
    return int(row[0]) if row else None


def open_session(conn: psycopg.Connection, user_id: int, valid: dt.timedelta) -> str:
    """A new session for the user; returns the secret the cookie carries."""
    secret = secrets.token_urlsafe(32)
    conn.execute("INSERT INTO web_session (session_hash, user_id, csrf, expires_at)"
                 " VALUES (%s, %s, %s, now() + %s)",
                 (hash_token(secret), user_id, secrets.token_urlsafe(24), valid))
    return secret


def session_for(conn: psycopg.Connection, secret: str) -> PageSession | None:
    """The live session of a cookie's secret, with its user; None when unknown, ended or
    expired."""
    row = conn.execute(
        f"SELECT {USER_COLUMNS}, s.csrf, s.expires_at"
        " FROM web_session s JOIN app_user u ON u.id = s.user_id"
        " WHERE s.session_hash = %s AND s.expires_at > now()",
        (hash_token(secret),)).fetchone()
    if row is None:
        return None
    return PageSession(principal_of(row), row[5], row[6])


def end_session(conn: psycopg.Connection, secret: str) -> None:
    conn.execute("DELETE FROM web_session WHERE session_hash = %s OR expires_at < now()",
                 (hash_token(secret),))


def migrant_user_of(conn: psycopg.Connection, candidate_id: str) -> int | None:
    row = conn.execute("SELECT id FROM app_user WHERE role = 'migrant' AND candidate_id = %s"
                       " ORDER BY id LIMIT 1", (candidate_id,)).fetchone()
    return int(row[0]) if row else None


def user_principal(conn: psycopg.Connection, user_id: int) -> Principal | None:
    row = conn.execute(f"SELECT {USER_COLUMNS} FROM app_user u WHERE u.id = %s",
                       (user_id,)).fetchone()
    return principal_of(row) if row else None
