"""A coach's caseload: candidates searched by name and filtered by language (with level),
town, work permit, recognition status and occupation (worked as, or looking for), one
page at a time, with what a list row shows: languages, occupations, recognition statuses
and whether linking left something for a person to review.

Plain parameterised SQL. The caller scopes it to a centre (a coach's own; None for an
admin) and writes the audit rows (`candidate.list`), like the API's list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
PERMITS = ("none", "pending", "restricted", "full")
STATUSES = ("none", "applied", "partial", "full")


@dataclass(frozen=True)
class CaseloadFilter:
    """What a coach searches for; empty strings mean "any"."""

    name: str = ""
    lang: str = ""
    level: str = ""  # at least this CEFR level in `lang` (needs `lang`)
    town: str = ""
    permit: str = ""
    recognition: str = ""  # a qualification with this status
    occupation: str = ""  # worked as (experience) or looking for (preferences)
    needs_review: bool = False

    def cleaned(self) -> CaseloadFilter:
        """The filter with unknown levels, permits and statuses dropped."""
        return CaseloadFilter(
            self.name.strip()[:100], self.lang.strip().lower()[:3],
            self.level if self.level in CEFR else "", self.town.strip()[:100],
            self.permit if self.permit in PERMITS else "",
            self.recognition if self.recognition in STATUSES else "",
            self.occupation.strip()[:300], self.needs_review)

    @property
    def active(self) -> bool:
        return any((self.name, self.lang, self.level, self.town, self.permit,
                    self.recognition, self.occupation, self.needs_review))


_WHERE = """
    (%(org)s::bigint IS NULL OR c.organisation_id = %(org)s)
    AND (%(name)s = '' OR p.name ILIKE '%%' || %(name)s || '%%')
    AND (%(town)s = '' OR lower(c.town) = lower(%(town)s))
    AND (%(permit)s = '' OR c.work_permit::text = %(permit)s)
    AND (%(lang)s = '' OR EXISTS (
        SELECT 1 FROM candidate_language l WHERE l.candidate_id = c.id AND l.lang = %(lang)s
        AND (%(level)s = '' OR l.level >= %(level)s::cefr_level)))
    AND (%(recognition)s = '' OR EXISTS (
        SELECT 1 FROM candidate_qualification q WHERE q.candidate_id = c.id
        AND q.status::text = %(recognition)s))
    AND (%(occupation)s = '' OR c.preferences -> 'occupations' ? %(occupation)s
         OR EXISTS (SELECT 1 FROM candidate_experience e WHERE e.candidate_id = c.id
                    AND e.occupation_uri = %(occupation)s))
    AND (NOT %(review)s OR coalesce((c.linking ->> 'needs_review')::boolean, false))
"""

_ROWS = f"""
SELECT c.id, c.external_id, p.name, c.town, c.work_permit::text AS work_permit,
       c.updated_at, coalesce((c.linking ->> 'needs_review')::boolean, false) AS needs_review,
       coalesce((SELECT array_agg(l.lang || ' ' || l.level::text ORDER BY l.level DESC, l.lang)
                 FROM candidate_language l WHERE l.candidate_id = c.id), '{{}}') AS languages,
       coalesce((SELECT array_agg(DISTINCT e.occupation_uri) FROM candidate_experience e
                 WHERE e.candidate_id = c.id AND e.occupation_uri IS NOT NULL), '{{}}')
           AS worked_as,
       coalesce(c.preferences -> 'occupations', '[]'::jsonb) AS looking_for,
       coalesce((SELECT array_agg(q.status::text ORDER BY q.id) FROM candidate_qualification q
                 WHERE q.candidate_id = c.id), '{{}}') AS recognition,
       count(*) OVER () AS total
FROM candidate c JOIN candidate_personal p ON p.candidate_id = c.id
WHERE {_WHERE}
ORDER BY c.updated_at DESC, c.id
LIMIT %(limit)s OFFSET %(offset)s
"""


def search_caseload(conn: psycopg.Connection, organisation_id: int | None,
                    wanted: CaseloadFilter, limit: int, offset: int,
                    ) -> tuple[list[dict[str, Any]], int]:
    """One page of the centre's candidates (None: every centre) that pass the filter,
    last changed first, and how many pass in all."""
    f = wanted.cleaned()
    like = f.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    args = {"org": organisation_id, "name": like, "town": f.town, "permit": f.permit,
            "lang": f.lang, "level": f.level, "recognition": f.recognition,
            "occupation": f.occupation, "review": f.needs_review, "limit": limit,
            "offset": offset}
    rows = conn.cursor(row_factory=dict_row).execute(_ROWS, args).fetchall()
    if not rows and offset:
        count = conn.execute(
            "SELECT count(*) FROM candidate c JOIN candidate_personal p"
            f" ON p.candidate_id = c.id WHERE {_WHERE}", args).fetchone()
        return [], int(count[0]) if count else 0
    total = int(rows[0].pop("total")) if rows else 0
    for row in rows[1:]:
        row.pop("total")
    return rows, total


def caseload_choices(conn: psycopg.Connection, organisation_id: int | None,
                     ) -> dict[str, list[str]]:
    """What the filters offer: the towns, languages and occupations (worked as or looking
    for) that occur in the centre's caseload."""
    args = {"org": organisation_id}
    scope = "(%(org)s::bigint IS NULL OR c.organisation_id = %(org)s)"
    towns = conn.execute(f"SELECT DISTINCT c.town FROM candidate c WHERE {scope}"
                         " ORDER BY 1", args).fetchall()
    langs = conn.execute(
        "SELECT l.lang FROM candidate_language l JOIN candidate c ON c.id = l.candidate_id"
        f" WHERE {scope} GROUP BY l.lang ORDER BY count(*) DESC, l.lang", args).fetchall()
    occupations = conn.execute(
        "SELECT e.occupation_uri FROM candidate_experience e JOIN candidate c"
        f" ON c.id = e.candidate_id WHERE {scope} AND e.occupation_uri IS NOT NULL"
        " UNION SELECT jsonb_array_elements_text(c.preferences -> 'occupations')"
        f" FROM candidate c WHERE {scope}", args).fetchall()
    return {"towns": [r[0] for r in towns], "languages": [r[0] for r in langs],
            "occupations": [r[0] for r in occupations]}


def candidate_heading(conn: psycopg.Connection, candidate_id: str) -> dict[str, Any] | None:
    """What the top of each page about a candidate shows: name, town, permit."""
    return conn.cursor(row_factory=dict_row).execute(
        "SELECT c.id, p.name, c.town, c.work_permit::text AS permit FROM candidate c"
        " JOIN candidate_personal p ON p.candidate_id = c.id WHERE c.id = %s",
        (candidate_id,)).fetchone()


def external_id_taken(conn: psycopg.Connection, organisation_id: int, external_id: str,
                      ) -> bool:
    """Whether the centre already has a candidate under this case number."""
    return conn.execute("SELECT 1 FROM candidate WHERE organisation_id = %s"
                        " AND external_id = %s", (organisation_id, external_id)).fetchone() \
        is not None


def migrant_user_of(conn: psycopg.Connection, candidate_id: str) -> int | None:
    """The candidate's own (migrant) user, if they have one."""
    row = conn.execute("SELECT id FROM app_user WHERE candidate_id = %s AND role = 'migrant'"
                       " ORDER BY id LIMIT 1", (candidate_id,)).fetchone()
    return int(row[0]) if row else None


def organisation_names(conn: psycopg.Connection, ids: list[int]) -> dict[int, str]:
    """Names of organisations (employers in a match list), by id."""
    rows = conn.execute("SELECT id, name FROM organisation WHERE id = ANY(%s)",
                        (sorted(set(ids)),)).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}


def outcomes_by_vacancy(conn: psycopg.Connection, candidate_id: str, vacancy_ids: list[int],
                        ) -> dict[int, dict[str, Any]]:
    """The latest outcome recorded for the candidate with each of these vacancies."""
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT DISTINCT ON (vacancy_id) vacancy_id, status::text AS status, reason,"
        " recorded_at FROM outcome WHERE candidate_id = %s AND vacancy_id = ANY(%s)"
        " ORDER BY vacancy_id, id DESC", (candidate_id, vacancy_ids)).fetchall()
    return {int(r["vacancy_id"]): r for r in rows}


__all__ = ["CEFR", "PERMITS", "STATUSES", "CaseloadFilter", "candidate_heading",
           "caseload_choices", "external_id_taken",
           "migrant_user_of", "organisation_names", "outcomes_by_vacancy", "search_caseload"]
