"""Retrieval in SQL: the records that pass the hard filters of a match (open, kind, work
permit, within travel radius, recognition), shortlisted by profile vector.

The shortlist takes the nearest neighbours of the profile vector — pgvector HNSW with
iterative scan (so filters do not starve it), or an exact ranking when fewer than
EXACT_BELOW records pass the filters — plus the nearest of the vacancies in the
occupations the candidate worked or qualified in. A profile without a vector (no skill
yet) falls back to the records sharing the most skills. Vacancies are shortlisted kind
by kind (the shortlist shared between the kinds asked for), and for apprenticeships and
placements the nearest by distance are a source too. The shortlist sizes and EXACT_BELOW
come from the scale benchmark (BENCHMARKS.md): without the occupation source recall@20
fell from 0.97 to 0.82 at 100,000 vacancies; one shortlist per kind with the distance
source took it from 0.82 to 0.94 at 100,000 and from 0.83 to 0.89 at 1M (three passes
instead of one: the median at 1M rose from 121 to 172 ms); the skill-overlap aggregation,
once a source for every profile, grew with the table and cost more than the recall it
added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

KM_PER_DEGREE = 111.0

# Vacancies passing the hard filters for one candidate (bounding box first, for the index),
# one kind at a time: each kind has its own share of the shortlist, so that placements and
# apprenticeships, whose score leans on aptitude and distance more than on the profile
# vector, are not crowded out of the shortlist by jobs.
_VACANCY_FILTER = """
    v.is_open AND v.kind = %(kind)s::vacancy_kind
    AND v.min_permit <= %(permit)s::work_permit
    AND v.lat BETWEEN %(lat_min)s AND %(lat_max)s AND v.lon BETWEEN %(lon_min)s AND %(lon_max)s
    AND km_between(%(lat)s, %(lon)s, v.lat, v.lon) <= %(radius)s
    AND (NOT v.regulated OR v.occupation_uri = ANY(%(recognised)s)
         OR ((v.accepts_in_process OR %(relaxed)s) AND v.occupation_uri = ANY(%(pending)s)))"""
VACANCIES_BY_VECTOR = f"""
    SELECT v.id FROM vacancy v WHERE {_VACANCY_FILTER}
    ORDER BY v.embedding <=> %(vec)s LIMIT %(k)s"""
# When few vacancies pass the filters, a filtered HNSW scan would walk most of the graph
# before it found k of them: count up to a bound, and below it rank them all exactly
# ("+ 0" keeps the planner off the HNSW index).
VACANCIES_IN_REACH = f"""
    SELECT count(*) FROM (SELECT 1 FROM vacancy v WHERE {_VACANCY_FILTER}
                          LIMIT %(exact_below)s) s"""
VACANCIES_BY_VECTOR_EXACT = f"""
    SELECT v.id FROM vacancy v WHERE {_VACANCY_FILTER}
    ORDER BY (v.embedding <=> %(vec)s) + 0 LIMIT %(k)s"""
EXACT_BELOW = 20_000
VACANCIES_BY_OCCUPATION = f"""
    SELECT v.id FROM vacancy v WHERE v.occupation_uri = ANY(%(occupations)s)
    AND {_VACANCY_FILTER}
    ORDER BY v.embedding <=> %(vec)s LIMIT %(k)s"""
# Apprenticeships and placements teach the skills: their score leans on aptitude and
# distance, so the nearest of them are a source of their own.
VACANCIES_BY_DISTANCE = f"""
    SELECT v.id FROM vacancy v WHERE {_VACANCY_FILTER}
    ORDER BY km_between(%(lat)s, %(lon)s, v.lat, v.lon) LIMIT %(k)s"""
NEAREST_KINDS = ("apprenticeship", "placement")
VACANCIES_BY_SKILLS = f"""
    SELECT s.vacancy_id FROM vacancy_skill s JOIN vacancy v ON v.id = s.vacancy_id
    WHERE s.skill_uri = ANY(%(skills)s) AND {_VACANCY_FILTER}
    GROUP BY s.vacancy_id ORDER BY sum(CASE WHEN s.essential THEN 2 ELSE 1 END) DESC
    LIMIT %(k)s"""

# Why a candidate's list is short: the open vacancies each hard filter alone keeps out
# (they pass every other one), counted in one scan. Run only for a short list.
VACANCY_EXCLUSIONS = """
    SELECT count(*) FILTER (WHERE NOT k AND p AND d AND r) AS kind,
           count(*) FILTER (WHERE k AND NOT p AND d AND r) AS work_permit,
           count(*) FILTER (WHERE k AND p AND NOT d AND r) AS distance,
           count(*) FILTER (WHERE k AND p AND d AND NOT r) AS recognition,
           count(*) FILTER (WHERE k AND p AND d AND r) AS in_reach,
           count(*) AS open
    FROM (SELECT v.kind = ANY(%(kinds)s::vacancy_kind[]) AS k,
                 v.min_permit <= %(permit)s::work_permit AS p,
                 km_between(%(lat)s, %(lon)s, v.lat, v.lon) <= %(radius)s AS d,
                 (NOT v.regulated OR v.occupation_uri = ANY(%(recognised)s)
                  OR ((v.accepts_in_process OR %(relaxed)s)
                      AND v.occupation_uri = ANY(%(pending)s))) AS r
          FROM vacancy v WHERE v.is_open) s"""

# Candidates for one vacancy: the vacancy must lie within *their* travel radius.
_CANDIDATE_FILTER = """
    c.work_permit >= %(permit)s::work_permit
    AND (NOT c.preferences ? 'kinds' OR c.preferences -> 'kinds' ? %(kind)s)
    AND c.lat BETWEEN %(lat_min)s AND %(lat_max)s AND c.lon BETWEEN %(lon_min)s AND %(lon_max)s
    AND km_between(c.lat, c.lon, %(lat)s, %(lon)s) <= c.travel_radius_km
    AND (%(org)s::bigint IS NULL OR c.organisation_id = %(org)s)
    AND (NOT %(regulated)s OR %(occupation)s = ANY(c.recognised)
         OR (%(in_process)s AND %(occupation)s = ANY(c.recognition_pending)))"""
CANDIDATES_BY_VECTOR = f"""
    SELECT c.id FROM candidate c WHERE {_CANDIDATE_FILTER}
    ORDER BY c.embedding <=> %(vec)s LIMIT %(k)s"""
CANDIDATES_IN_REACH = f"""
    SELECT count(*) FROM (SELECT 1 FROM candidate c WHERE {_CANDIDATE_FILTER}
                          LIMIT %(exact_below)s) s"""
CANDIDATES_BY_VECTOR_EXACT = f"""
    SELECT c.id FROM candidate c WHERE {_CANDIDATE_FILTER}
    ORDER BY (c.embedding <=> %(vec)s) + 0 LIMIT %(k)s"""
CANDIDATES_BY_SKILLS = f"""
    SELECT s.candidate_id FROM candidate_skill s JOIN candidate c ON c.id = s.candidate_id
    WHERE s.skill_uri = ANY(%(skills)s) AND {_CANDIDATE_FILTER}
    GROUP BY s.candidate_id ORDER BY count(DISTINCT s.skill_uri) DESC LIMIT %(k)s"""
MAX_RADIUS_KM = 1_000.0


@dataclass(frozen=True)
class Sources:
    """The retrieval queries for one direction of matching."""
    in_reach: str  # how many rows pass the filters, counted up to EXACT_BELOW
    by_vector: str  # HNSW nearest neighbours
    by_vector_exact: str  # every passing row ranked exactly
    by_skills: str  # most shared skills: the fallback for a record without a vector
    by_occupation: str | None = None  # the candidate's own occupations
    per_kind: bool = False  # one pass per kind of vacancy in params["kinds"]


VACANCY_SOURCES = Sources(VACANCIES_IN_REACH, VACANCIES_BY_VECTOR, VACANCIES_BY_VECTOR_EXACT,
                          VACANCIES_BY_SKILLS, VACANCIES_BY_OCCUPATION, per_kind=True)
CANDIDATE_SOURCES = Sources(CANDIDATES_IN_REACH, CANDIDATES_BY_VECTOR,
                            CANDIDATES_BY_VECTOR_EXACT, CANDIDATES_BY_SKILLS)


def box(lat: float, lon: float, km: float) -> dict[str, float]:
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(0.05, float(np.cos(np.radians(lat)))))
    return {"lat": lat, "lon": lon, "lat_min": lat - dlat, "lat_max": lat + dlat,
            "lon_min": lon - dlon, "lon_max": lon + dlon}


def shortlist(conn: psycopg.Connection, sources: Sources, params: dict[str, Any],
              has_vector: bool, ef_search: int) -> list[Any]:
    """The shortlist: the nearest by vector of the records passing the filters, and of
    those in the candidate's own occupations (a quarter as many); for vacancies, kind by
    kind, the `k` shared between the kinds asked for."""
    ids: dict[Any, None] = {}
    passes = [params]
    if sources.per_kind:
        share = max(1, params["k"] // max(1, len(params["kinds"])))
        passes = [{**params, "kind": kind, "k": share} for kind in params["kinds"]]
    with conn.transaction():
        # psycopg prepares a query run five times, and PostgreSQL then plans it once for
        # any parameters: a plan for a small town then served Berlin (10-50x slower)
        conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        # filtered HNSW search keeps scanning until it has k rows passing the filters
        conn.execute("SET LOCAL hnsw.iterative_scan = 'relaxed_order'")
        conn.execute(sql.SQL("SET LOCAL hnsw.ef_search = {}").format(ef_search))
        for one in passes:
            if has_vector:
                ids.update(dict.fromkeys(_nearest(conn, sources, one)))
            elif one["skills"]:
                # without a profile vector, the records sharing the most skills; with one,
                # this aggregation over the skill index costs more than it adds at scale
                ids.update(dict.fromkeys(r[0] for r in conn.execute(sources.by_skills, one)))
    return list(ids)


def _nearest(conn: psycopg.Connection, sources: Sources, params: dict[str, Any],
             ) -> list[Any]:
    """Nearest by vector among the rows passing the filters: ranked exactly when fewer
    than EXACT_BELOW pass, else by the HNSW index; plus those of the candidate's own
    occupations."""
    row = conn.execute(sources.in_reach, {**params, "exact_below": EXACT_BELOW}).fetchone()
    reach = row[0] if row else 0
    if not reach:  # nothing passes the filters: no index to search
        return []
    by_vector = sources.by_vector_exact if reach < EXACT_BELOW else sources.by_vector
    found = [r[0] for r in conn.execute(by_vector, params)]
    if sources.by_occupation and params.get("occupations"):
        found += [r[0] for r in conn.execute(sources.by_occupation,
                                             {**params, "k": max(1, params["k"] // 4)})]
    if sources.per_kind and params["kind"] in NEAREST_KINDS:
        found += [r[0] for r in conn.execute(VACANCIES_BY_DISTANCE,
                                             {**params, "k": max(1, params["k"] // 4)})]
    return found


def vacancy_exclusions(conn: psycopg.Connection, params: dict[str, Any]) -> dict[str, int]:
    """How many open vacancies each hard filter alone keeps from the candidate (kind,
    work_permit, distance, recognition), how many pass them all (in_reach), and how many
    are open."""
    cur = conn.execute(VACANCY_EXCLUSIONS, params)
    row = cur.fetchone()
    assert row is not None and cur.description is not None
    return {col.name: int(n) for col, n in zip(cur.description, row, strict=True)}


def vacancy_reach(conn: psycopg.Connection, vacancy_id: int) -> tuple[str, float]:
    """The vacancy's minimum work permit, and how far candidates may be from it: the
    farthest any candidate travels (capped at MAX_RADIUS_KM) bounds the search box."""
    row = conn.execute(
        "SELECT min_permit::text, (SELECT max(travel_radius_km) FROM candidate)"
        " FROM vacancy WHERE id = %s", (vacancy_id,)).fetchone()
    assert row is not None
    return row[0], min(MAX_RADIUS_KM, row[1] or 0.0)

