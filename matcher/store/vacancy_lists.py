"""An employer's vacancies as a list to manage: newest first, open, closed or all, one
page at a time, with whether linking left something to look at."""

from __future__ import annotations

from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row

from matcher.store.vacancies import MATCHABLE

Shown = Literal["all", "open", "closed"]


def employer_vacancies(conn: psycopg.Connection, employer_id: int | None, shown: Shown,
                       limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of an employer's vacancies (every employer's: None), newest first, and
    how many there are in all."""
    where, args = ["TRUE"], []
    if employer_id is not None:
        where.append("v.employer_id = %s")
        args.append(employer_id)
    if shown != "all":
        where.append("v.is_open" if shown == "open" else "NOT v.is_open")
    clause = " AND ".join(where)
    total = conn.execute(f"SELECT count(*) FROM vacancy v WHERE {clause}",  # noqa: S608
                         args).fetchone()
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT v.id, v.employer_id, o.name AS employer, v.kind::text AS kind, v.title,"
        " v.occupation_uri, v.town, v.slots, v.start_date, v.is_open,"
        " coalesce(jsonb_array_length(v.linking -> 'warnings'), 0) > 0 AS needs_review,"
        f" {MATCHABLE} AS matchable"
        " FROM vacancy v JOIN organisation o ON o.id = v.employer_id"
        f" WHERE {clause} ORDER BY v.id DESC LIMIT %s OFFSET %s",  # noqa: S608
        [*args, limit, offset]).fetchall()
    return rows, int(total[0]) if total else 0


def employers(conn: psycopg.Connection) -> list[tuple[int, str]]:
    """Every employer (id, name), by name: whom an admin may post for."""
    return [(int(i), str(n)) for i, n in conn.execute(
        "SELECT id, name FROM organisation WHERE kind = 'employer' ORDER BY name, id")]


__all__ = ["Shown", "employer_vacancies", "employers"]
