"""Courses in PostgreSQL: upserted by external id, read, listed, and loaded as facts for
course plans (the courses that teach given skills)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from matcher.concepts import Concepts, to_array
from matcher.domain import CourseFacts, recognised_occupation, recognition_skill
from matcher.errors import ForbiddenError, NotFoundError
from matcher.intake.courses import PreparedCourse


def write_courses(conn: psycopg.Connection, prepared: list[PreparedCourse],
                  owners: list[int | None] | None = None, admin: bool = True,
                  ) -> list[tuple[int, bool]]:
    """Upsert by external id. `owners`: each course's organisation (None: admins only;
    replacing, None keeps the stored owner). Unless `admin`, a stored course is replaced
    only when its owner is the row's: else `ForbiddenError`, checked in the upsert itself
    (two writers at once cannot slip past it)."""
    owners = owners or [None] * len(prepared)
    out: list[tuple[int, bool]] = [(0, False)] * len(prepared)
    # in external-id order (stable: a repeated course ends as its last occurrence), so two
    # imports of overlapping courses at once lock the rows in one order and never deadlock
    for i in sorted(range(len(prepared)), key=lambda i: prepared[i].data.external_id):
        prep = prepared[i]
        c, loc = prep.data, prep.data.location
        row = conn.execute(
            "INSERT INTO course (external_id, provider, title, description, skills_text, lang,"
            " min_level, duration_weeks, online, town, lat, lon, cost_eur, funding,"
            " start_dates, seats, embedding, compensation_for, measure, owner_id) VALUES (%s, %s,"
            " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (external_id) DO UPDATE SET"
            " owner_id = COALESCE(excluded.owner_id, course.owner_id),"
            " compensation_for = excluded.compensation_for, measure = excluded.measure,"
            " provider = excluded.provider, title = excluded.title,"
            " description = excluded.description, skills_text = excluded.skills_text,"
            " lang = excluded.lang, min_level = excluded.min_level,"
            " duration_weeks = excluded.duration_weeks, online = excluded.online,"
            " town = excluded.town, lat = excluded.lat, lon = excluded.lon,"
            " cost_eur = excluded.cost_eur, funding = excluded.funding,"
            " start_dates = excluded.start_dates, seats = excluded.seats,"
            " embedding = excluded.embedding, updated_at = now()"
            " WHERE %s OR course.owner_id = excluded.owner_id RETURNING id, (xmax = 0)",
            (c.external_id, c.provider, c.title, c.description, c.skills_text, c.lang,
             c.min_level,
             c.duration_weeks, c.online, loc.town if loc else None, loc.lat if loc else None,
             loc.lon if loc else None, c.cost_eur, c.funding, c.start_dates, c.seats,
             to_array(prep.embedding), c.compensation_for, c.measure, owners[i],
             admin)).fetchone()
        if row is None:
            raise ForbiddenError(f"external_id: course {c.external_id!r} belongs to another "
                                 "organisation (only its owner or an admin changes it)")
        cid = int(row[0])
        conn.execute("DELETE FROM course_skill WHERE course_id = %s", (cid,))
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO course_skill VALUES (%s, %s, %s)",
                            [(cid, u, ev) for u, ev in prep.skills])
        out[i] = (cid, bool(row[1]))
    return out


_COURSE_COLUMNS = ("id, external_id, provider, title, description, skills_text, lang,"
                   " min_level::text AS min_level, duration_weeks, online, town, lat, lon,"
                   " cost_eur, funding, start_dates, seats, compensation_for,"
                   " measure::text AS measure, owner_id AS organisation_id")


def read_course(conn: psycopg.Connection, concepts: Concepts, course_id: int,
                lang: str = "en") -> dict[str, Any]:
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(f"SELECT {_COURSE_COLUMNS} FROM course WHERE id = %s",
                      (course_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"course {course_id} not found")
    skills = cur.execute("SELECT skill_uri, evidence FROM course_skill WHERE course_id = %s"
                         " ORDER BY skill_uri", (course_id,)).fetchall()
    row["skills"] = [{"skill": s["skill_uri"], "label": concepts.label(s["skill_uri"], lang),
                      "evidence": s["evidence"]} for s in skills]
    return row


def list_courses(conn: psycopg.Connection, limit: int, offset: int,
                 ) -> tuple[list[dict[str, Any]], int]:
    total = conn.execute("SELECT count(*) FROM course").fetchone()
    assert total is not None
    rows = conn.cursor(row_factory=dict_row).execute(
        f"SELECT {_COURSE_COLUMNS} FROM course ORDER BY id LIMIT %s OFFSET %s",
        (limit, offset)).fetchall()
    return rows, int(total[0])


def load_courses_teaching(conn: psycopg.Connection, skills: list[str]) -> list[CourseFacts]:
    """Every course that teaches at least one of these skills, with all its skills; a
    compensation measure teaches the `recognition_skill` of its occupation."""
    if not skills:
        return []
    occupations = [o for o in map(recognised_occupation, skills) if o is not None]
    courses: dict[int, CourseFacts] = {}
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT c.id, c.title, c.provider, c.lang, c.min_level::text AS min_level,"
        " c.duration_weeks, c.online, c.town, c.lat, c.lon, c.cost_eur, c.funding,"
        " c.start_dates, c.seats, c.compensation_for, c.measure::text AS measure FROM course c"
        " WHERE c.compensation_for = ANY(%s) OR EXISTS (SELECT 1 FROM course_skill s"
        " WHERE s.course_id = c.id AND s.skill_uri = ANY(%s))", (occupations, skills))
    for r in rows:
        course = courses[r["id"]] = CourseFacts(
            id=r["id"], title=r["title"], provider=r["provider"], skills=set(),
            lang=r["lang"], min_level=r["min_level"], duration_weeks=r["duration_weeks"],
            online=r["online"], town=r["town"], lat=r["lat"], lon=r["lon"],
            cost_eur=r["cost_eur"], funding=r["funding"], start_dates=list(r["start_dates"]),
            seats=r["seats"], measure=r["measure"])
        if r["compensation_for"]:
            course.skills.add(recognition_skill(r["compensation_for"]))
    for cid, uri in conn.execute("SELECT course_id, skill_uri FROM course_skill"
                                 " WHERE course_id = ANY(%s)", (list(courses),)):
        courses[cid].skills.add(uri)
    return list(courses.values())
