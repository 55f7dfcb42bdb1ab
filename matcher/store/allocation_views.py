"""What the coach's allocation pages show beside a proposal (`matcher.store.allocations`):
where each place is and whose it is, the cohort members' names, and a centre's recent
proposals. Reads only; the proposal's own figures and reservations come from
`read_proposal`."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row


def place_facts(conn: psycopg.Connection, vacancy_ids: list[int], course_ids: list[int],
                ) -> dict[tuple[str, int], dict[str, Any]]:
    """Per place ("vacancy" or "course", id): the employer or provider, the town (None for
    an online course), whether it is online, and its free capacity now (None: closed)."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for vid, org, town, free, is_open in conn.execute(
            "SELECT v.id, o.name, v.town, v.slots - (SELECT count(*) FROM reservation r"
            " WHERE r.vacancy_id = v.id AND r.released_at IS NULL), v.is_open FROM vacancy v"
            " JOIN organisation o ON o.id = v.employer_id WHERE v.id = ANY(%s)",
            (sorted(set(vacancy_ids)),)):
        out[("vacancy", int(vid))] = {"by": org, "town": town, "online": False,
                                      "free": int(free) if is_open else None}
    for cid, provider, town, online, free in conn.execute(
            "SELECT c.id, c.provider, c.town, c.online, c.seats - (SELECT count(*) FROM"
            " reservation r WHERE r.course_id = c.id AND r.released_at IS NULL) FROM course c"
            " WHERE c.id = ANY(%s)", (sorted(set(course_ids)),)):
        out[("course", int(cid))] = {"by": provider, "town": town, "online": bool(online),
                                     "free": int(free)}
    return out


def people(conn: psycopg.Connection, candidate_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Name and town of each candidate that still exists (the caller audits the read)."""
    rows = conn.execute(
        "SELECT c.id, p.name, c.town FROM candidate c JOIN candidate_personal p"
        " ON p.candidate_id = c.id WHERE c.id = ANY(%s)", (candidate_ids,))
    return {str(cid): {"name": name, "town": town} for cid, name, town in rows}


def recent_proposals(conn: psycopg.Connection, organisation_id: int | None, limit: int,
                     ) -> list[dict[str, Any]]:
    """The centre's latest proposals (None: every centre's, an admin's), newest first:
    when, accepted or not, cohort size, people placed, active reservations."""
    return conn.cursor(row_factory=dict_row).execute(
        "SELECT a.id, a.created_at, a.accepted_at,"
        " (SELECT count(*) FROM allocation_assignment s WHERE s.allocation_id = a.id)"
        "   AS cohort,"
        " (SELECT count(*) FROM allocation_assignment s WHERE s.allocation_id = a.id"
        "   AND (s.vacancy_id IS NOT NULL OR s.course_id IS NOT NULL)) AS placed,"
        " (SELECT count(*) FROM reservation r WHERE r.allocation_id = a.id"
        "   AND r.released_at IS NULL) AS reserved"
        " FROM allocation a WHERE %(org)s::bigint IS NULL OR a.organisation_id = %(org)s"
        " ORDER BY a.created_at DESC, a.id DESC LIMIT %(limit)s",
        {"org": organisation_id, "limit": limit}).fetchall()


def reservation_allocation(conn: psycopg.Connection, reservation_id: int) -> int | None:
    """The proposal a reservation was made by (None: none, or no such reservation)."""
    row = conn.execute("SELECT allocation_id FROM reservation WHERE id = %s",
                       (reservation_id,)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


__all__ = ["people", "place_facts", "recent_proposals", "reservation_allocation"]
