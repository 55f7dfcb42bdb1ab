"""Vacancies (jobs, apprenticeship slots, hands-on placements) in PostgreSQL: upserted by
external id in set-based statements through staging tables, inside the caller's
transaction (a bulk import lands whole or not at all); read back; loaded as facts for
matching."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from matcher.concepts import Concepts, to_array
from matcher.domain import VacancyFacts
from matcher.errors import NotFoundError
from matcher.intake.vacancies import PreparedVacancy

CHUNK = 20_000  # vacancies staged at once: their rows stay in the session's temp buffers


def write_vacancies(conn: psycopg.Connection, prepared: list[PreparedVacancy],
                    employer_ids: list[int]) -> list[tuple[int, bool]]:
    """Upsert by (employer, external id); returns (id, created) per record.

    One path for one vacancy and for a national import of a million: the rows are
    streamed with binary COPY into temporary tables and upserted with a few set-based
    statements per chunk (row-by-row inserts managed 2,300 a second). A record repeated in
    the batch is stored as its last occurrence, as if the records were written one by one.
    """
    keys = [(employer, p.data.external_id) for p, employer in zip(prepared, employer_ids,
                                                                   strict=True)]
    last = {key: row for row, key in enumerate(keys)}
    rows = sorted(last.values())
    _open_stage(conn)
    stored: dict[tuple[int, str], tuple[int, bool]] = {}
    for start in range(0, len(rows), CHUNK):
        if start:  # the previous chunk's rows
            conn.execute(f"TRUNCATE {', '.join(_STAGE_TABLES)}")
        chunk = rows[start:start + CHUNK]
        _stage(conn, [prepared[row] for row in chunk], [keys[row] for row in chunk])
        stored.update(_upsert_staged(conn))
    # a repeated record: its first occurrence reports what the upsert did, the rest update
    first: dict[tuple[int, str], int] = {}
    for row, key in enumerate(keys):
        first.setdefault(key, row)
    return [(stored[key][0], stored[key][1] and first[key] == row)
            for row, key in enumerate(keys)]


_STAGE_TABLES = ("stage_vacancy", "stage_vacancy_skill", "stage_vacancy_language",
                 "stage_vacancy_prerequisite", "stage_id")


def _open_stage(conn: psycopg.Connection) -> None:
    """The staging tables, made once per pooled connection and emptied at each commit:
    creating and dropping them with every write made a single vacancy 3.6x slower."""
    conn.execute("""
        SET LOCAL work_mem = '64MB';  -- a chunk's skill rows sorted in memory
        SET LOCAL client_min_messages = warning;  -- no notice for tables that exist
        CREATE TEMP TABLE IF NOT EXISTS stage_vacancy (
            employer_id bigint, external_id text, kind text, title text, description text,
            essential_skills_text text, optional_skills_text text, occupation_uri text,
            town text, lat double precision, lon double precision, slots integer,
            start_date date, is_open boolean, min_permit text, regulated boolean,
            accepts_in_process boolean, min_eqf smallint, embedding vector, linking jsonb)
            ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_vacancy_skill (employer_id bigint,
            external_id text, skill_uri text, essential boolean, evidence text)
            ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_vacancy_language (employer_id bigint,
            external_id text, lang text, level cefr_level) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS stage_vacancy_prerequisite (employer_id bigint,
            external_id text, skill_uri text) ON COMMIT DELETE ROWS;
        -- the ids of the upserted rows, so the child rows join a small table, not `vacancy`
        CREATE TEMP TABLE IF NOT EXISTS stage_id (id bigint, employer_id bigint,
            external_id text, created boolean) ON COMMIT DELETE ROWS""")
    # empty unless this transaction wrote vacancies before: the DELETEs cost nothing then
    conn.execute("; ".join(f"DELETE FROM {table}" for table in _STAGE_TABLES))  # noqa: S608


def _stage(conn: psycopg.Connection, prepared: list[PreparedVacancy],
           keys: list[tuple[int, str]]) -> None:
    with conn.cursor().copy("COPY stage_vacancy FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "text", "text", "text", "text", "text", "text", "text",
                        "text", "float8", "float8", "int4", "date", "bool", "text", "bool",
                        "bool", "int2", "vector", "jsonb"])
        for prep, key in zip(prepared, keys, strict=True):
            v, loc = prep.data, prep.data.location
            copy.write_row((*key, v.kind, v.title, v.description, v.essential_skills_text,
                            v.optional_skills_text, prep.occupation, loc.town, loc.lat,
                            loc.lon, v.slots, v.start_date, v.is_open, v.min_permit,
                            prep.regulated, v.accepts_in_process, v.min_eqf, prep.embedding,
                            Jsonb(prep.report.as_dict())))
    with conn.cursor().copy("COPY stage_vacancy_skill FROM STDIN") as copy:
        for prep, key in zip(prepared, keys, strict=True):
            for uri, essential, evidence in prep.skills:
                copy.write_row((*key, uri, essential, evidence))
    with conn.cursor().copy("COPY stage_vacancy_language FROM STDIN") as copy:
        for prep, key in zip(prepared, keys, strict=True):
            for lang, level in {x.lang: x.level for x in prep.data.languages}.items():
                copy.write_row((*key, lang, level))
    with conn.cursor().copy("COPY stage_vacancy_prerequisite FROM STDIN") as copy:
        for prep, key in zip(prepared, keys, strict=True):
            for uri in dict.fromkeys(prep.data.prerequisites):
                copy.write_row((*key, uri))


def _upsert_staged(conn: psycopg.Connection) -> dict[tuple[int, str], tuple[int, bool]]:
    """Move the staged vacancies into the real tables; (id, created) by key. Separate
    statements, not one string: psycopg prepares each after five runs, saving the plans."""
    conn.execute("""
        WITH upserted AS (
        INSERT INTO vacancy (employer_id, external_id, kind, title, description,
            essential_skills_text, optional_skills_text, occupation_uri, town, lat, lon, slots,
            start_date, is_open, min_permit, regulated, accepts_in_process, min_eqf, embedding,
            linking)
        SELECT employer_id, external_id, kind::vacancy_kind, title, description,
            essential_skills_text, optional_skills_text, occupation_uri, town, lat, lon, slots,
            start_date, is_open, min_permit::work_permit, regulated, accepts_in_process,
            min_eqf, embedding, linking
        FROM stage_vacancy
        ORDER BY employer_id, external_id  -- one lock order: concurrent imports never deadlock
        ON CONFLICT (employer_id, external_id) DO UPDATE SET kind = excluded.kind,
            title = excluded.title, description = excluded.description,
            essential_skills_text = excluded.essential_skills_text,
            optional_skills_text = excluded.optional_skills_text,
            occupation_uri = excluded.occupation_uri, town = excluded.town,
            lat = excluded.lat, lon = excluded.lon, slots = excluded.slots,
            start_date = excluded.start_date, is_open = excluded.is_open,
            min_permit = excluded.min_permit, regulated = excluded.regulated,
            accepts_in_process = excluded.accepts_in_process, min_eqf = excluded.min_eqf,
            embedding = excluded.embedding, linking = excluded.linking, updated_at = now()
        RETURNING id, employer_id, external_id, xmax = 0)
        INSERT INTO stage_id SELECT * FROM upserted""")
    for table, columns in (("vacancy_skill", "skill_uri, essential, evidence"),
                           ("vacancy_language", "lang, level"),
                           ("vacancy_prerequisite", "skill_uri")):
        # the rows are unique per vacancy already; in key order, the primary key appends
        conn.execute(f"DELETE FROM {table} WHERE vacancy_id IN"  # noqa: S608
                     " (SELECT id FROM stage_id WHERE NOT created)")
        conn.execute(f"""INSERT INTO {table} (vacancy_id, {columns})
            SELECT i.id, {columns} FROM stage_{table} t JOIN stage_id i
            USING (employer_id, external_id) ORDER BY 1, 2""")  # noqa: S608
    return {(e, x): (int(i), bool(c)) for i, e, x, c in conn.execute(
        "SELECT id, employer_id, external_id, created FROM stage_id")}


def vacancy_employer(conn: psycopg.Connection, vacancy_id: int) -> int | None:
    row = conn.execute("SELECT employer_id FROM vacancy WHERE id = %s", (vacancy_id,)).fetchone()
    return int(row[0]) if row else None


_VACANCY_COLUMNS = (
    "v.id, v.employer_id, o.name AS employer, v.external_id, v.kind::text AS kind, v.title,"
    " v.description, v.essential_skills_text, v.optional_skills_text, v.occupation_uri,"
    " v.town, v.lat, v.lon, v.slots, v.start_date,"
    " v.is_open, v.min_permit::text AS min_permit, v.regulated, v.accepts_in_process,"
    " v.min_eqf, v.linking, v.created_at, v.updated_at")
# a vacancy with neither an occupation nor a skill cannot be matched to anyone
MATCHABLE = ("(v.occupation_uri IS NOT NULL"
             " OR EXISTS (SELECT 1 FROM vacancy_skill s WHERE s.vacancy_id = v.id))")


def read_vacancy(conn: psycopg.Connection, concepts: Concepts, vacancy_id: int,
                 lang: str = "en") -> dict[str, Any]:
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(f"SELECT {_VACANCY_COLUMNS} FROM vacancy v JOIN organisation o"
                      " ON o.id = v.employer_id WHERE v.id = %s", (vacancy_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"vacancy {vacancy_id} not found")
    skills = cur.execute("SELECT skill_uri, essential, evidence FROM vacancy_skill"
                         " WHERE vacancy_id = %s ORDER BY NOT essential, skill_uri",
                         (vacancy_id,)).fetchall()
    langs = cur.execute("SELECT lang, level::text AS level FROM vacancy_language"
                        " WHERE vacancy_id = %s ORDER BY lang", (vacancy_id,)).fetchall()
    occ = row.pop("occupation_uri")
    row["occupation"] = {"id": occ, "label": concepts.label(occ, lang)} if occ else None
    row["essential_skills"] = [{"skill": s["skill_uri"], "label": concepts.label(
        s["skill_uri"], lang), "evidence": s["evidence"]} for s in skills if s["essential"]]
    row["optional_skills"] = [{"skill": s["skill_uri"], "label": concepts.label(
        s["skill_uri"], lang), "evidence": s["evidence"]} for s in skills if not s["essential"]]
    row["languages"] = langs
    row["prerequisites"] = [{"skill": r["skill_uri"], "label": concepts.label(r["skill_uri"],
                                                                              lang)}
                            for r in cur.execute("SELECT skill_uri FROM vacancy_prerequisite"
                                                 " WHERE vacancy_id = %s ORDER BY skill_uri",
                                                 (vacancy_id,)).fetchall()]
    return row


def list_vacancies(conn: psycopg.Connection, employer_id: int | None, kind: str | None,
                   open_only: bool, limit: int, offset: int,
                   ) -> tuple[list[dict[str, Any]], int]:
    where: list[str] = ["TRUE"]
    args: list[object] = []
    if employer_id is not None:
        where.append("v.employer_id = %s")
        args.append(employer_id)
    if kind is not None:
        where.append("v.kind = %s")
        args.append(kind)
    if open_only:
        where.append("v.is_open")
    clause = " AND ".join(where)
    total = conn.execute(f"SELECT count(*) FROM vacancy v WHERE {clause}", args).fetchone()
    assert total is not None
    rows = conn.cursor(row_factory=dict_row).execute(
        f"SELECT {_VACANCY_COLUMNS}, {MATCHABLE} AS matchable"
        " FROM vacancy v JOIN organisation o ON o.id = v.employer_id"
        f" WHERE {clause} ORDER BY v.id LIMIT %s OFFSET %s", [*args, limit, offset]).fetchall()
    for row in rows:  # a list says which need a look; the vacancy itself says why
        linking = row.pop("linking") or {}
        row["needs_review"] = bool(linking.get("warnings"))
    return rows, int(total[0])


def load_vacancy_facts(conn: psycopg.Connection, ids: list[int]) -> dict[int, VacancyFacts]:
    if not ids:
        return {}
    facts: dict[int, VacancyFacts] = {}
    for r in conn.cursor(row_factory=dict_row).execute(
            "SELECT id, kind::text AS kind, title, employer_id, occupation_uri, lat, lon, town,"
            " embedding, slots, start_date, regulated, accepts_in_process, min_eqf,"
            " (SELECT count(*) FROM reservation r WHERE r.vacancy_id = v.id"
            "  AND r.released_at IS NULL) AS reserved"
            " FROM vacancy v WHERE id = ANY(%s)", (ids,), binary=True):  # vectors: 15x faster
        facts[r["id"]] = VacancyFacts(
            id=r["id"], kind=r["kind"], title=r["title"], employer_id=r["employer_id"],
            occupation=r["occupation_uri"], essential=[], optional=[], languages={},
            lat=r["lat"], lon=r["lon"], town=r["town"], vector=to_array(r["embedding"]),
            slots=r["slots"], reserved=r["reserved"],
            start_date=r["start_date"].isoformat() if r["start_date"] else None,
            regulated=r["regulated"], accepts_in_process=r["accepts_in_process"],
            min_eqf=r["min_eqf"])
    for vid, uri, essential in conn.execute(
            "SELECT vacancy_id, skill_uri, essential FROM vacancy_skill"
            " WHERE vacancy_id = ANY(%s) ORDER BY skill_uri", (ids,)):
        (facts[vid].essential if essential else facts[vid].optional).append(uri)
    for vid, lang, level in conn.execute(
            "SELECT vacancy_id, lang, level::text FROM vacancy_language"
            " WHERE vacancy_id = ANY(%s)", (ids,)):
        facts[vid].languages[lang] = level
    for vid, uri in conn.execute("SELECT vacancy_id, skill_uri FROM vacancy_prerequisite"
                                 " WHERE vacancy_id = ANY(%s)", (ids,)):
        facts[vid].prerequisites.append(uri)
    return facts


def set_open(conn: psycopg.Connection, vacancy_id: int, is_open: bool) -> None:
    """Close a vacancy (it leaves every match list) or open it again."""
    conn.execute("UPDATE vacancy SET is_open = %s, updated_at = now() WHERE id = %s",
                 (is_open, vacancy_id))


def open_vacancies(conn: psycopg.Connection, employer_id: int, limit: int = 20) -> list[int]:
    """The employer's first open vacancies, oldest first."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM vacancy WHERE employer_id = %s AND is_open ORDER BY id LIMIT %s",
        (employer_id, limit))]
