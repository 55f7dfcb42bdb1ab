"""Organisations, users, bearer tokens, and the audit log.

Tokens are 256-bit random strings shown once; only their SHA-256 is stored (a fast hash
is enough for secrets this long — there is nothing to brute-force). Roles: `admin`
(everything), `coach` (the candidates of their centre), `employer` (their organisation's
vacancies and, in matches, pseudonymised candidates), `migrant` (their own profile).

A token expires a number of days after it was issued, counted when it is presented, so a
changed setting applies to every token (`MATCHER_TOKEN_DAYS`, shorter for migrants'
tokens: `MATCHER_MIGRANT_TOKEN_DAYS`); a listing shows a token's id and its first
characters (`prefix`), never the secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from skills_taxonomy.errors import InvalidInputError

ROLES = ("admin", "coach", "employer", "migrant")
ORG_KIND_FOR_ROLE = {"coach": "centre", "employer": "employer"}
TOKEN_PREFIX = "mt_"
SHOWN_PREFIX = len(TOKEN_PREFIX) + 6  # what a listing shows of a token: 36 of 256 bits


class TokenExpiredError(Exception):
    """A token that was valid but is older than its role's lifetime."""


@dataclass(frozen=True)
class TokenLifetime:
    """Days a token stays valid after it was issued: migrants' tokens, everyone else's."""

    days: int = 90
    migrant_days: int = 14

    def for_role(self, role: str) -> dt.timedelta:
        return dt.timedelta(days=self.migrant_days if role == "migrant" else self.days)


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: str
    organisation_id: int | None
    candidate_id: str | None


USER_COLUMNS = "u.id, u.name, u.role::text, u.organisation_id, u.candidate_id"


def principal_of(row: Any) -> Principal:
    """The Principal of a row that starts with USER_COLUMNS."""
    return Principal(int(row[0]), row[1], str(row[2]), row[3], row[4])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def upsert_organisation(conn: psycopg.Connection, name: str, kind: str,
                        external_id: str | None = None) -> int:
    if kind not in ("centre", "employer", "provider"):
        raise InvalidInputError(f"kind: expected centre, employer or provider, got {kind!r}")
    if not name.strip():
        raise InvalidInputError("name: is empty")
    if external_id is None:
        row = conn.execute("INSERT INTO organisation (name, kind) VALUES (%s, %s) RETURNING id",
                           (name, kind)).fetchone()
    else:
        row = conn.execute(
            "INSERT INTO organisation (external_id, name, kind) VALUES (%s, %s, %s)"
            " ON CONFLICT (external_id) DO UPDATE SET name = excluded.name RETURNING id, kind",
            (external_id, name, kind)).fetchone()
        assert row is not None
        if row[1] != kind:
            raise InvalidInputError(
                f"external_id: organisation {external_id!r} exists as a {row[1]}, not a {kind}")
    assert row is not None
    return int(row[0])


def organisation_kind(conn: psycopg.Connection, organisation_id: int) -> str | None:
    row = conn.execute("SELECT kind FROM organisation WHERE id = %s",
                       (organisation_id,)).fetchone()
    return row[0] if row else None


def create_user(conn: psycopg.Connection, name: str, role: str,
                organisation_id: int | None = None, candidate_id: str | None = None) -> int:
    """A user, checked against its role: coaches belong to a centre, employers to an
    employer, a migrant user is one candidate."""
    if role not in ROLES:
        raise InvalidInputError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    wanted = ORG_KIND_FOR_ROLE.get(role)
    if wanted:
        if organisation_id is None:
            raise InvalidInputError(f"organisation_id: a {role} belongs to a {wanted}")
        if organisation_kind(conn, organisation_id) != wanted:
            raise InvalidInputError(
                f"organisation_id: {organisation_id} is not an existing {wanted}")
    elif organisation_id is not None:
        raise InvalidInputError(f"organisation_id: a {role} belongs to no organisation")
    if role == "migrant":
        if candidate_id is None or conn.execute(
                "SELECT 1 FROM candidate WHERE id = %s", (candidate_id,)).fetchone() is None:
            raise InvalidInputError(f"candidate_id: {candidate_id!r} is not a candidate")
    elif candidate_id is not None:
        raise InvalidInputError(f"candidate_id: only a migrant user has one, not a {role}")
    row = conn.execute(
        "INSERT INTO app_user (name, role, organisation_id, candidate_id)"
        " VALUES (%s, %s, %s, %s) RETURNING id",
        (name, role, organisation_id, candidate_id)).fetchone()
    assert row is not None
    return int(row[0])


def issue_token(conn: psycopg.Connection, user_id: int, label: str = "") -> str:
    """A new bearer token for the user; the caller shows it once, the database keeps
    only its hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute("INSERT INTO api_token (token_hash, user_id, label, prefix)"
                 " VALUES (%s, %s, %s, %s)",
                 (hash_token(token), user_id, label, token[:SHOWN_PREFIX]))
    return token


def authenticate(conn: psycopg.Connection, token: str,
                 lifetime: TokenLifetime | None = None) -> Principal | None:
    """The token's user; None for an unknown or revoked token; `TokenExpiredError` for one
    older than its role's lifetime."""
    row = conn.execute(
        f"SELECT {USER_COLUMNS}, now() - t.created_at"
        " FROM api_token t JOIN app_user u ON u.id = t.user_id"
        " WHERE t.token_hash = %s AND t.revoked_at IS NULL",
        (hash_token(token),)).fetchone()
    if row is None:
        return None
    role = str(row[2])
    if row[5] > (lifetime or TokenLifetime()).for_role(role):
        raise TokenExpiredError(role)
    return principal_of(row)


def revoke_tokens(conn: psycopg.Connection, user_id: int, token_id: int | None = None,
                  ) -> int:
    """Revoke one token of the user (by id) or all of them; returns how many were live."""
    cur = conn.execute("UPDATE api_token SET revoked_at = now()"
                       " WHERE user_id = %s AND revoked_at IS NULL"
                       " AND (%s::bigint IS NULL OR id = %s)", (user_id, token_id, token_id))
    return cur.rowcount


def token_exists(conn: psycopg.Connection, user_id: int, token_id: int) -> bool:
    return conn.execute("SELECT 1 FROM api_token WHERE user_id = %s AND id = %s",
                        (user_id, token_id)).fetchone() is not None


def list_tokens(conn: psycopg.Connection, user_id: int,
                lifetime: TokenLifetime | None = None) -> list[dict[str, Any]]:
    """The user's tokens, newest first: id, prefix (never the secret), label, when issued,
    when it expires or expired, when revoked, and its state."""
    role = conn.execute("SELECT role::text FROM app_user WHERE id = %s", (user_id,)).fetchone()
    if role is None:
        return []
    span = (lifetime or TokenLifetime()).for_role(role[0])
    rows = conn.execute(
        "SELECT id, prefix, label, created_at, created_at + %s, revoked_at,"
        " created_at + %s < now() FROM api_token WHERE user_id = %s ORDER BY id DESC",
        (span, span, user_id)).fetchall()
    return [{"id": int(r[0]), "prefix": r[1] or None, "label": r[2], "created_at": r[3],
             "expires_at": r[4], "revoked_at": r[5],
             "state": "revoked" if r[5] else "expired" if r[6] else "active"} for r in rows]


def audit(conn: psycopg.Connection, who: Principal | None, action: str,
          candidate_id: str | None = None, **detail: Any) -> None:
    """One row per read or change of a candidate's personal data (and per erasure). A
    migrant's own user id is personal data too: a row written by a migrant keeps it only
    while it names their candidate (erasure deletes those rows); one without a candidate
    (the erasure entry) keeps the role alone."""
    anonymous = who is not None and who.role == "migrant" and candidate_id is None
    conn.execute(
        "INSERT INTO audit_log (user_id, role, action, candidate_id, detail)"
        " VALUES (%s, %s, %s, %s, %s)",
        (who.user_id if who and not anonymous else None, who.role if who else None, action,
         candidate_id, Jsonb(detail)))



def audit_each(conn: psycopg.Connection, who: Principal | None, action: str,
               candidate_ids: Iterable[str], **detail: Any) -> None:
    """`audit` for each candidate of a list read or changed, sent in one batch: no round
    trip per row for a caseload page or a cohort of thousands."""
    with conn.pipeline():
        for candidate_id in candidate_ids:
            audit(conn, who, action, candidate_id, **detail)

def list_organisations(conn: psycopg.Connection, kind: str | None, limit: int, offset: int,
                       ) -> tuple[list[dict[str, Any]], int]:
    """Organisations (of one kind, when given) by id, and how many there are."""
    total = conn.execute("SELECT count(*) FROM organisation WHERE %s::text IS NULL"
                         " OR kind = %s", (kind, kind)).fetchone()
    rows = conn.execute(
        "SELECT id, name, kind, external_id FROM organisation WHERE %s::text IS NULL"
        " OR kind = %s ORDER BY id LIMIT %s OFFSET %s", (kind, kind, limit, offset))
    items = [{"id": row[0], "name": row[1], "kind": row[2], "external_id": row[3]}
             for row in rows]
    return items, int(total[0]) if total else 0


def user_exists(conn: psycopg.Connection, user_id: int) -> bool:
    return conn.execute("SELECT 1 FROM app_user WHERE id = %s", (user_id,)).fetchone() \
        is not None


def user_named(conn: psycopg.Connection, name: str, role: str,
               ) -> tuple[int, int | None, str | None] | None:
    """The first user with this name and role: (id, organisation, candidate)."""
    row = conn.execute("SELECT id, organisation_id, candidate_id FROM app_user"
                       " WHERE name = %s AND role = %s ORDER BY id LIMIT 1",
                       (name, role)).fetchone()
    return (int(row[0]), row[1], row[2]) if row else None


__all__ = ["ROLES", "Principal", "TokenExpiredError", "TokenLifetime", "audit", "audit_each",
           "authenticate", "create_user", "hash_token", "issue_token", "list_tokens",
           "organisation_kind", "revoke_tokens", "token_exists", "upsert_organisation"]
