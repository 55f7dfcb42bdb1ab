"""Bulk loading of structured candidates (concept ids, no free text) at national scale.

A national employment service registers hundreds of thousands of job seekers whose skills
are already ESCO ids. Linking is then not needed, and row-by-row inserts are the cost: this
path computes the profile vectors in sparse products, streams the rows with binary COPY,
and inserts them with set-based statements, in the caller's transaction, so a load lands
whole or not at all. Vacancies need no separate path: `Engine.save_vacancies` writes any
batch this way. Candidates with free text go through `Engine.save_candidate`.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg.types.json import Jsonb

from matcher.concepts import Concepts
from matcher.domain import CLAIM_CONFIDENCE
from matcher.intake.candidates import OCCUPATION_WEIGHT, SKILL_WEIGHT, new_candidate_id
from matcher.schemas import CandidateIn
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind

CHUNK = 20_000  # candidates per COPY round (bounds the memory of the staged rows)


def load_candidates(conn: psycopg.Connection, concepts: Concepts,
                    items: Sequence[CandidateIn], organisation_ids: Sequence[int]) -> int:
    """Insert structured candidates (concept-id skills, experience with occupation ids);
    existing (organisation, external id) pairs are refused — use `save_candidate` to
    change one."""
    _check(concepts, items)
    ids = [new_candidate_id() for _ in items]
    for start in range(0, len(items), CHUNK):
        chunk = list(zip(ids[start:start + CHUNK], items[start:start + CHUNK], strict=True))
        _copy_profiles(conn, concepts, chunk, organisation_ids[start:start + CHUNK])
        _copy_details(conn, chunk)
    return len(items)


def _check(concepts: Concepts, items: Sequence[CandidateIn]) -> None:
    """Structured only: every skill and occupation a known concept id of its kind."""
    for row, c in enumerate(items):
        if any(s.text and not s.concept for s in c.skills):
            raise InvalidInputError(f"[{row}].skills: free text goes through save_candidate")
        concepts.check_all([s.concept for s in c.skills if s.concept], ConceptKind.SKILL,
                           f"[{row}].skills")
        concepts.check_all([e.occupation for e in c.experience if e.occupation],
                           ConceptKind.OCCUPATION, f"[{row}].experience")


def _copy_profiles(conn: psycopg.Connection, concepts: Concepts,
                   chunk: list[tuple[str, CandidateIn]], organisation_ids: Sequence[int],
                   ) -> None:
    """The candidate rows with their profile vectors (through a staging table, so the
    typed columns are cast in one set-based insert), and the personal rows."""
    vectors = concepts.profile_vectors([
        [(s.concept, SKILL_WEIGHT) for s in c.skills if s.concept]
        + [(e.occupation, OCCUPATION_WEIGHT) for e in c.experience if e.occupation]
        for _, c in chunk])
    conn.execute("""CREATE TEMP TABLE IF NOT EXISTS stage_candidate (
        id text, organisation_id bigint, external_id text, town text,
        lat double precision, lon double precision, travel_radius_km double precision,
        work_permit text, preferences jsonb, embedding vector) ON COMMIT DROP""")
    with conn.cursor().copy("COPY stage_candidate FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["text", "int8", "text", "text", "float8", "float8", "float8",
                        "text", "jsonb", "vector"])
        for (cid, c), org, vec in zip(chunk, organisation_ids, vectors, strict=False):
            loc = c.location
            copy.write_row((cid, org, c.external_id, loc.town, loc.lat, loc.lon,
                            c.travel_radius_km, c.work_permit,
                            Jsonb(c.preferences.model_dump()), vec))
    conn.execute("""INSERT INTO candidate (id, organisation_id, external_id, town, lat,
        lon, travel_radius_km, work_permit, preferences, embedding)
        SELECT id, organisation_id, external_id, town, lat, lon, travel_radius_km,
            work_permit::work_permit, preferences, embedding FROM stage_candidate""")
    conn.execute("TRUNCATE stage_candidate")
    with conn.cursor().copy("COPY candidate_personal (candidate_id, name, email)"
                            " FROM STDIN") as copy:
        for cid, c in chunk:
            copy.write_row((cid, c.personal.name, c.personal.email))


def _copy_details(conn: psycopg.Connection, chunk: list[tuple[str, CandidateIn]]) -> None:
    """Skills (one row per concept and source), languages and experience."""
    with conn.cursor().copy("COPY candidate_skill (candidate_id, skill_uri, source,"
                            " evidence, confidence) FROM STDIN") as copy:
        for cid, c in chunk:
            seen: set[tuple[str, str]] = set()
            for s in c.skills:
                if s.concept and (s.concept, s.source) not in seen:
                    seen.add((s.concept, s.source))
                    copy.write_row((cid, s.concept, s.source, s.evidence,
                                    CLAIM_CONFIDENCE[s.source]))
    with conn.cursor().copy("COPY candidate_language (candidate_id, lang, level)"
                            " FROM STDIN") as copy:
        for cid, c in chunk:
            for x in c.languages:
                copy.write_row((cid, x.lang, x.level))
    with conn.cursor().copy("COPY candidate_experience (candidate_id, title, years,"
                            " occupation_uri) FROM STDIN") as copy:
        for cid, c in chunk:
            for e in c.experience:
                copy.write_row((cid, e.title, e.years, e.occupation))


__all__ = ["load_candidates"]
