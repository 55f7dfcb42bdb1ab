"""Bulk loading of structured records (concept ids, no free text) at national scale.

A national employment service sends hundreds of thousands of vacancies whose skills are
already ESCO ids. Linking is then not needed, and row-by-row inserts are the cost: this
path computes every profile vector in one matrix product, streams the rows with binary
COPY into temporary tables, and upserts them into the real tables with a few set-based
statements — one transaction, so a load lands whole or not at all. Records with free
text go through `Engine.save_vacancies` / `save_candidate` instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import numpy as np
import psycopg
from psycopg.types.json import Jsonb
from scipy import sparse

from matcher.candidates import OCCUPATION_WEIGHT as CANDIDATE_OCCUPATION_WEIGHT
from matcher.candidates import SKILL_WEIGHT
from matcher.concepts import Concepts
from matcher.profiles import CandidateIn, VacancyIn
from matcher.recognition import CLAIM_CONFIDENCE, RegulationProfile
from matcher.vacancies import ESSENTIAL_WEIGHT, OCCUPATION_WEIGHT, OPTIONAL_WEIGHT
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind

CHUNK = 20_000  # rows per matrix product (bounds memory: CHUNK x 384 floats)


def _vectors(concepts: Concepts, weights: list[list[tuple[str, float]]]) -> np.ndarray:
    """Unit profile vectors for many records: sparse weights x concept vectors."""
    rows, cols, vals = [], [], []
    for i, pairs in enumerate(weights):
        for uri, weight in pairs:
            col = concepts.row(uri)
            if col is not None:
                rows.append(i)
                cols.append(col)
                vals.append(weight)
    matrix = sparse.csr_matrix((vals, (rows, cols)),
                               shape=(len(weights), concepts.vectors.shape[0]),
                               dtype=np.float32)
    out = np.asarray(matrix @ concepts.vectors, dtype=np.float32)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def _check_ids(concepts: Concepts, uris: Sequence[str], kind: ConceptKind, field: str,
               row: int) -> None:
    for uri in uris:
        if concepts.kind_of(uri) is not kind:
            raise InvalidInputError(f"[{row}].{field}: unknown {kind.value} id {uri!r}")


def load_vacancies(conn: psycopg.Connection, concepts: Concepts, profile: RegulationProfile,
                   items: Sequence[VacancyIn], employer_ids: Sequence[int]) -> int:
    """Upsert structured vacancies (by employer and external id); returns how many.
    Skills come from the ids, or from the occupation when none are given."""
    if len(items) != len(employer_ids):
        raise InvalidInputError("one employer id per vacancy")
    for row, v in enumerate(items):
        if v.essential_skills_text or v.optional_skills_text:
            raise InvalidInputError(f"[{row}]: free text goes through the normalising import")
        _check_ids(concepts, v.essential_skills + v.optional_skills + v.prerequisites,
                   ConceptKind.SKILL, "skills", row)
        if v.occupation is None:
            raise InvalidInputError(f"[{row}].occupation: required for a structured load")
        _check_ids(concepts, [v.occupation], ConceptKind.OCCUPATION, "occupation", row)
    conn.execute("""CREATE TEMP TABLE stage_vacancy (
        employer_id bigint, external_id text, kind text, title text,
        description text, occupation_uri text, town text, lat double precision,
        lon double precision, slots integer, start_date date, is_open boolean,
        min_permit text, regulated boolean, accepts_in_process boolean,
        min_eqf smallint, embedding vector(384)) ON COMMIT DROP""")
    conn.execute("""CREATE TEMP TABLE stage_vacancy_skill (
        employer_id bigint, external_id text, skill_uri text, essential boolean)
        ON COMMIT DROP""")
    conn.execute("""CREATE TEMP TABLE stage_vacancy_language (
        employer_id bigint, external_id text, lang text, level cefr_level) ON COMMIT DROP""")
    conn.execute("""CREATE TEMP TABLE stage_vacancy_prerequisite (
        employer_id bigint, external_id text, skill_uri text) ON COMMIT DROP""")
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        skills = []
        weights = []
        for v in chunk:
            essential = v.essential_skills or ([] if v.optional_skills else
                                               concepts.essential_skills(v.occupation or ""))
            optional = v.optional_skills if v.essential_skills or v.optional_skills else \
                concepts.optional_skills(v.occupation or "")
            essential = list(dict.fromkeys(essential))
            wanted = set(essential)
            skills.append((essential, [s for s in dict.fromkeys(optional) if s not in wanted]))
            weights.append([(s, ESSENTIAL_WEIGHT) for s in essential]
                           + [(s, OPTIONAL_WEIGHT) for s in optional]
                           + [(v.occupation or "", OCCUPATION_WEIGHT)])
        vectors = _vectors(concepts, weights)
        with conn.cursor().copy(
                "COPY stage_vacancy FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "text", "text", "text", "text", "text", "text",
                            "float8", "float8", "int4", "date", "bool", "text",
                            "bool", "bool", "int2", "vector"])
            for v, employer, vec in zip(chunk, employer_ids[start:start + CHUNK], vectors,
                                        strict=True):
                concept = concepts.taxonomy.concepts.get(v.occupation or "")
                regulated = v.requires_recognition if v.requires_recognition is not None \
                    else profile.requires_recognition(concept)
                loc = v.location
                copy.write_row((employer, v.external_id, v.kind, v.title, v.description,
                                v.occupation, loc.town, loc.lat, loc.lon, v.slots,
                                v.start_date, v.is_open, v.min_permit, regulated,
                                v.accepts_in_process, v.min_eqf, vec))
        with conn.cursor().copy("COPY stage_vacancy_skill FROM STDIN") as copy:
            for v, employer, (essential, optional) in zip(
                    chunk, employer_ids[start:start + CHUNK], skills, strict=True):
                for s in essential:
                    copy.write_row((employer, v.external_id, s, True))
                for s in optional:
                    copy.write_row((employer, v.external_id, s, False))
        with conn.cursor().copy("COPY stage_vacancy_language FROM STDIN") as copy:
            for v, employer in zip(chunk, employer_ids[start:start + CHUNK], strict=True):
                for lang, level in {x.lang: x.level for x in v.languages}.items():
                    copy.write_row((employer, v.external_id, lang, level))
        with conn.cursor().copy("COPY stage_vacancy_prerequisite FROM STDIN") as copy:
            for v, employer in zip(chunk, employer_ids[start:start + CHUNK], strict=True):
                for s in dict.fromkeys(v.prerequisites):
                    copy.write_row((employer, v.external_id, s))
    unknown = conn.execute(
        "SELECT DISTINCT s.employer_id FROM stage_vacancy s LEFT JOIN organisation o"
        " ON o.id = s.employer_id AND o.kind = 'employer' WHERE o.id IS NULL LIMIT 5").fetchall()
    if unknown:
        raise InvalidInputError(f"employer_id: {', '.join(str(r[0]) for r in unknown)} "
                                "is not an employer")
    # the ids of the upserted rows, so the child rows join a small table, not `vacancy`
    conn.execute("CREATE TEMP TABLE stage_id (id bigint, employer_id bigint,"
                 " external_id text) ON COMMIT DROP")
    conn.execute("""
        WITH upserted AS (
        INSERT INTO vacancy (employer_id, external_id, kind, title, description,
            occupation_uri, town, lat, lon, slots, start_date, is_open, min_permit, regulated,
            accepts_in_process, min_eqf, embedding)
        SELECT employer_id, external_id, kind::vacancy_kind, title, description,
            occupation_uri, town, lat, lon, slots, start_date, is_open,
            min_permit::work_permit, regulated, accepts_in_process, min_eqf, embedding
        FROM stage_vacancy
        ON CONFLICT (employer_id, external_id) DO UPDATE SET kind = excluded.kind,
            title = excluded.title, description = excluded.description,
            occupation_uri = excluded.occupation_uri, town = excluded.town,
            lat = excluded.lat, lon = excluded.lon, slots = excluded.slots,
            start_date = excluded.start_date, is_open = excluded.is_open,
            min_permit = excluded.min_permit, regulated = excluded.regulated,
            accepts_in_process = excluded.accepts_in_process, min_eqf = excluded.min_eqf,
            embedding = excluded.embedding, updated_at = now()
        RETURNING id, employer_id, external_id)
        INSERT INTO stage_id SELECT * FROM upserted""")
    for table, columns in (("vacancy_skill", "skill_uri, essential"),
                           ("vacancy_language", "lang, level"),
                           ("vacancy_prerequisite", "skill_uri")):
        # the rows are unique per vacancy already; in key order, the primary key appends
        conn.execute(f"DELETE FROM {table} WHERE vacancy_id IN"  # noqa: S608
                     " (SELECT id FROM stage_id)")
        conn.execute(f"""INSERT INTO {table} (vacancy_id, {columns})
            SELECT i.id, {columns} FROM stage_{table} t JOIN stage_id i
            USING (employer_id, external_id) ORDER BY 1, 2""")  # noqa: S608
    return len(items)


def load_candidates(conn: psycopg.Connection, concepts: Concepts,
                    items: Sequence[CandidateIn], organisation_ids: Sequence[int]) -> int:
    """Insert structured candidates (concept-id skills, experience with occupation ids);
    existing (organisation, external id) pairs are refused — use `save_candidate` to
    change one."""
    for row, c in enumerate(items):
        if any(s.text and not s.concept for s in c.skills):
            raise InvalidInputError(f"[{row}].skills: free text goes through save_candidate")
        _check_ids(concepts, [s.concept for s in c.skills if s.concept], ConceptKind.SKILL,
                   "skills", row)
        _check_ids(concepts, [e.occupation for e in c.experience if e.occupation],
                   ConceptKind.OCCUPATION, "experience", row)
    ids = [f"cand_{secrets.token_hex(6)}" for _ in items]
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        vectors = _vectors(concepts, [
            [(s.concept, SKILL_WEIGHT) for s in c.skills if s.concept]
            + [(e.occupation, CANDIDATE_OCCUPATION_WEIGHT) for e in c.experience
               if e.occupation] for c in chunk])
        conn.execute("""CREATE TEMP TABLE IF NOT EXISTS stage_candidate (
            id text, organisation_id bigint, external_id text, town text,
            lat double precision, lon double precision, travel_radius_km double precision,
            work_permit text, preferences jsonb, embedding vector(384)) ON COMMIT DROP""")
        with conn.cursor().copy("COPY stage_candidate FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["text", "int8", "text", "text", "float8", "float8", "float8",
                            "text", "jsonb", "vector"])
            for cid, c, org, vec in zip(ids[start:], chunk, organisation_ids[start:],
                                        vectors, strict=False):
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
            for cid, c in zip(ids[start:], chunk, strict=False):
                copy.write_row((cid, c.personal.name, c.personal.email))
        with conn.cursor().copy("COPY candidate_skill (candidate_id, skill_uri, source,"
                                " evidence, confidence) FROM STDIN") as copy:
            for cid, c in zip(ids[start:], chunk, strict=False):
                seen: set[tuple[str, str]] = set()
                for s in c.skills:
                    if s.concept and (s.concept, s.source) not in seen:
                        seen.add((s.concept, s.source))
                        copy.write_row((cid, s.concept, s.source, s.evidence,
                                        CLAIM_CONFIDENCE[s.source]))
        with conn.cursor().copy("COPY candidate_language (candidate_id, lang, level)"
                                " FROM STDIN") as copy:
            for cid, c in zip(ids[start:], chunk, strict=False):
                for x in c.languages:
                    copy.write_row((cid, x.lang, x.level))
        with conn.cursor().copy("COPY candidate_experience (candidate_id, title, years,"
                                " occupation_uri) FROM STDIN") as copy:
            for cid, c in zip(ids[start:], chunk, strict=False):
                for e in c.experience:
                    copy.write_row((cid, e.title, e.years, e.occupation))
    return len(items)


__all__ = ["load_candidates", "load_vacancies"]
