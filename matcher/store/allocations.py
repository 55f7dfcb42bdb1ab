"""Allocations in PostgreSQL (migration 0012): proposals with their assignments, and the
reservations an accepted proposal makes.

Free capacity is a place's slots (vacancy) or seats (course) less its active
reservations. Accepting locks the places' rows first (`FOR NO KEY UPDATE`, vacancies then
courses, each by id, so two accepts never deadlock), then counts what is free: a second
accept of an overlapping proposal waits for the first to commit, then sees its
reservations. Any place short of free capacity, closed meanwhile, or any candidate who
holds a reservation already, fails the accept whole with `ConflictError` naming them,
before anything is written.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from matcher.errors import ConflictError, NotFoundError

ACTIVE = "released_at IS NULL"


def free_vacancies(conn: psycopg.Connection, ids: list[int]) -> dict[int, int]:
    """Open vacancies among `ids` with their free slots (closed ones left out)."""
    rows = conn.execute(
        "SELECT v.id, v.slots - (SELECT count(*) FROM reservation r WHERE r.vacancy_id = v.id"
        f" AND r.{ACTIVE}) FROM vacancy v WHERE v.id = ANY(%s) AND v.is_open",
        (sorted(set(ids)),))
    return {int(vid): int(free) for vid, free in rows}


def free_courses(conn: psycopg.Connection, ids: list[int]) -> dict[int, int]:
    """Courses among `ids` with their free seats."""
    rows = conn.execute(
        "SELECT c.id, c.seats - (SELECT count(*) FROM reservation r WHERE r.course_id = c.id"
        f" AND r.{ACTIVE}) FROM course c WHERE c.id = ANY(%s)", (sorted(set(ids)),))
    return {int(cid): int(free) for cid, free in rows}


def holding(conn: psycopg.Connection, candidate_ids: list[str]) -> dict[str, int]:
    """Candidates among these who hold an active reservation, with its id."""
    rows = conn.execute(f"SELECT candidate_id, id FROM reservation WHERE {ACTIVE}"
                        " AND candidate_id = ANY(%s)", (candidate_ids,))
    return {str(cid): int(rid) for cid, rid in rows}


def cohort_facts(conn: psycopg.Connection, candidate_ids: list[str],
                 ) -> dict[str, tuple[int, str, str]]:
    """Per candidate that exists: organisation id, centre name and first language (the
    one they know best, as `best_language` reads it; "unknown" without any)."""
    rows = conn.execute(
        "SELECT c.id, c.organisation_id, o.name, coalesce((SELECT l.lang FROM"
        " candidate_language l WHERE l.candidate_id = c.id ORDER BY l.level DESC, l.lang"
        " LIMIT 1), 'unknown') FROM candidate c JOIN organisation o"
        " ON o.id = c.organisation_id WHERE c.id = ANY(%s)", (candidate_ids,))
    return {str(cid): (int(org), str(name), str(lang)) for cid, org, name, lang in rows}


def profile_kinds(conn: psycopg.Connection, candidate_ids: list[str]) -> dict[str, list[str]]:
    """The kinds of vacancy each candidate's profile asks for (none: every kind)."""
    rows = conn.execute("SELECT id, preferences->'kinds' FROM candidate WHERE id = ANY(%s)",
                        (candidate_ids,))
    return {str(cid): list(kinds or []) for cid, kinds in rows}


def save_proposal(conn: psycopg.Connection, organisation_id: int | None,
                  proposed_by: int | None, settings: dict[str, Any], summary: dict[str, Any],
                  assignments: list[dict[str, Any]]) -> tuple[int, Any]:
    """Store a proposal and its assignments (one row per cohort member); returns its id
    and when it was created."""
    row = conn.execute(
        "INSERT INTO allocation (organisation_id, proposed_by, settings, summary)"
        " VALUES (%s, %s, %s, %s) RETURNING id, created_at",
        (organisation_id, proposed_by, Jsonb(settings), Jsonb(summary))).fetchone()
    assert row is not None
    aid = int(row[0])
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO allocation_assignment (allocation_id, position, candidate_id,"
            " vacancy_id, course_id, probability, score, detail)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(aid, pos, a["candidate_id"], *_place_ids(a.get("place")), a.get("probability"),
              a.get("score"), Jsonb({k: v for k, v in a.items() if k != "candidate_id"}))
             for pos, a in enumerate(assignments)])
    return aid, row[1]


def _place_ids(place: dict[str, Any] | None) -> tuple[int | None, int | None]:
    if place is None:
        return None, None
    return (place["id"], None) if place["type"] == "vacancy" else (None, place["id"])


def proposal_org(conn: psycopg.Connection, allocation_id: int) -> tuple[bool, int | None]:
    """Whether the proposal exists, and its organisation (None: an admin's)."""
    row = conn.execute("SELECT organisation_id FROM allocation WHERE id = %s",
                       (allocation_id,)).fetchone()
    return (row is not None, row[0] if row else None)


def read_proposal(conn: psycopg.Connection, allocation_id: int) -> dict[str, Any]:
    """A proposal as the API shows it: header, figures, assignments in cohort order (each
    with its reservation, once accepted)."""
    cur = conn.cursor(row_factory=dict_row)
    head = cur.execute(
        "SELECT id, organisation_id, proposed_by, created_at, settings, summary, accepted_at,"
        " accepted_by FROM allocation WHERE id = %s", (allocation_id,)).fetchone()
    if head is None:
        raise NotFoundError(f"allocation {allocation_id} not found")
    rows = cur.execute(
        "SELECT a.candidate_id, a.detail, r.id AS reservation_id, r.released_at"
        " FROM allocation_assignment a LEFT JOIN reservation r ON r.allocation_id ="
        " a.allocation_id AND r.candidate_id = a.candidate_id WHERE a.allocation_id = %s"
        " ORDER BY a.position", (allocation_id,)).fetchall()
    items = []
    for r in rows:
        item = {"candidate_id": r["candidate_id"], **r["detail"]}
        if r["reservation_id"] is not None:
            item["reservation"] = {"id": r["reservation_id"],
                                   "active": r["released_at"] is None}
        items.append(item)
    settings, summary = head.pop("settings"), head.pop("summary")
    return {**head, "status": "accepted" if head["accepted_at"] else "proposed",
            "settings": settings, "summary": summary, "assignments": items}


def _lock_places(conn: psycopg.Connection, table: str, ids: list[int],
                 ) -> dict[int, tuple[int, bool]]:
    """Lock the places' rows (by id) and read their capacity and whether they are open."""
    query = {"vacancy": "SELECT id, slots, is_open FROM vacancy WHERE id = ANY(%s)"
                        " ORDER BY id FOR NO KEY UPDATE",
             "course": "SELECT id, seats, true FROM course WHERE id = ANY(%s)"
                       " ORDER BY id FOR NO KEY UPDATE"}[table]
    return {int(i): (int(cap), bool(is_open))
            for i, cap, is_open in conn.execute(query, (sorted(set(ids)),))}


def _shortfalls(conn: psycopg.Connection, table: str, wanted: dict[int, int],
                titles: dict[int, str]) -> list[str]:
    """What keeps these places (id -> reservations wanted) from being reserved now."""
    locked = _lock_places(conn, table, list(wanted))
    taken: dict[int, int] = dict(conn.execute(
        f"SELECT {table}_id, count(*) FROM reservation WHERE {ACTIVE}"  # noqa: S608
        f" AND {table}_id = ANY(%s) GROUP BY {table}_id", (sorted(wanted),)).fetchall())
    out = []
    for pid, need in sorted(wanted.items()):
        name = f"{table} {pid} {titles.get(pid, '')!r}"
        if pid not in locked or not locked[pid][1]:
            out.append(f"{name} is closed")
            continue
        free = locked[pid][0] - int(taken.get(pid, 0))
        if free < need:
            out.append(f"{name} has {max(free, 0)} free, {need} needed")
    return out


def accept(conn: psycopg.Connection, allocation_id: int, user_id: int | None,
           ) -> list[dict[str, Any]]:
    """Reserve every assigned place of the proposal, or nothing (`ConflictError` naming
    the places filled or closed meanwhile and the candidates already holding a place).
    Returns the reservations made."""
    head = conn.execute("SELECT accepted_at FROM allocation WHERE id = %s FOR UPDATE",
                        (allocation_id,)).fetchone()
    if head is None:
        raise NotFoundError(f"allocation {allocation_id} not found")
    if head[0] is not None:
        raise ConflictError(f"allocation {allocation_id} was accepted already")
    rows = conn.execute(
        "SELECT candidate_id, vacancy_id, course_id, detail->'place'->>'title'"
        " FROM allocation_assignment WHERE allocation_id = %s AND (vacancy_id IS NOT NULL"
        " OR course_id IS NOT NULL) ORDER BY position", (allocation_id,)).fetchall()
    problems: list[str] = []
    for table, column in (("vacancy", 1), ("course", 2)):
        wanted: dict[int, int] = {}
        titles: dict[int, str] = {}
        for r in rows:
            if r[column] is not None:
                wanted[r[column]] = wanted.get(r[column], 0) + 1
                titles[r[column]] = r[3] or ""
        if wanted:
            problems += _shortfalls(conn, table, wanted, titles)
    held = holding(conn, [r[0] for r in rows])
    problems += [f"candidate {cid!r} holds reservation {rid}" for cid, rid in held.items()]
    if problems:
        raise ConflictError(f"allocation {allocation_id} cannot be accepted, nothing was "
                            "reserved: " + "; ".join(problems))
    made = _reserve(conn, allocation_id, rows, user_id)
    conn.execute("UPDATE allocation SET accepted_at = now(), accepted_by = %s WHERE id = %s",
                 (user_id, allocation_id))
    return made


def _reserve(conn: psycopg.Connection, allocation_id: int, rows: list[Any],
             user_id: int | None) -> list[dict[str, Any]]:
    """One reservation per assigned row; a candidate reserved meanwhile by another
    accept (the unique index on active reservations) is a ConflictError."""
    if not rows:
        return []
    made = []
    try:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO reservation (allocation_id, candidate_id, vacancy_id, course_id,"
                " reserved_by) VALUES (%s, %s, %s, %s, %s) RETURNING id",
                [(allocation_id, cid, vid, course, user_id) for cid, vid, course, _ in rows],
                returning=True)
            for cid, vid, course, _ in rows:
                got = cur.fetchone()
                assert got is not None
                made.append({"id": int(got[0]), "candidate_id": cid, "vacancy_id": vid,
                             "course_id": course})
                cur.nextset()
    except psycopg.errors.UniqueViolation as exc:
        raise ConflictError(f"allocation {allocation_id} cannot be accepted, nothing was "
                            "reserved: a candidate of it was given another place "
                            "meanwhile") from exc
    return made


def reservation_candidate(conn: psycopg.Connection, reservation_id: int) -> str | None:
    row = conn.execute("SELECT candidate_id FROM reservation WHERE id = %s",
                       (reservation_id,)).fetchone()
    return str(row[0]) if row else None


def release(conn: psycopg.Connection, reservation_id: int, user_id: int | None,
            ) -> dict[str, Any]:
    """Give the reserved place back; `ConflictError` when it was released already."""
    row = conn.cursor(row_factory=dict_row).execute(
        f"UPDATE reservation SET released_at = now(), released_by = %s WHERE id = %s"
        f" AND {ACTIVE} RETURNING id, allocation_id, candidate_id, vacancy_id, course_id,"
        " reserved_at, released_at", (user_id, reservation_id)).fetchone()
    if row is None:
        if reservation_candidate(conn, reservation_id) is None:
            raise NotFoundError(f"reservation {reservation_id} not found")
        raise ConflictError(f"reservation {reservation_id} was released already")
    return row


__all__ = ["accept", "cohort_facts", "free_courses", "free_vacancies", "holding",
           "profile_kinds", "proposal_org", "read_proposal", "release", "reservation_candidate",
           "save_proposal"]
