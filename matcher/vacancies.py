"""Vacancies (jobs, apprenticeship slots, hands-on placements) and courses: normalised on
write, upserted by external id, read back, loaded as facts for matching.

`prepare_*` checks concept ids and links free text for many records at once (the slow,
database-free part); `write_*` stores prepared records inside the caller's transaction, so
a bulk import lands whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from matcher.concepts import Concepts, linked, to_array
from matcher.course_plan import CourseFacts
from matcher.errors import NotFoundError
from matcher.linking import LinkingReport
from matcher.profiles import CourseIn, VacancyIn
from matcher.recognition import RegulationProfile
from matcher.scoring import VacancyFacts
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind

ESSENTIAL_WEIGHT, OPTIONAL_WEIGHT, OCCUPATION_WEIGHT = 2.0, 1.0, 3.0


class RowError(InvalidInputError):
    """A record of a batch cannot be prepared; names its position and field."""

    def __init__(self, row: int, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.row, self.field, self.detail = row, field, message


@dataclass
class PreparedVacancy:
    data: VacancyIn
    occupation: str | None
    skills: list[tuple[str, bool, str | None]]  # uri, essential, evidence text
    skills_from_occupation: bool
    embedding: np.ndarray | None
    regulated: bool = False
    report: LinkingReport = field(default_factory=LinkingReport)


@dataclass
class PreparedCourse:
    data: CourseIn
    skills: list[tuple[str, str | None]]
    embedding: list[float] | None


def check_vacancy(concepts: Concepts, v: VacancyIn) -> None:
    """Raises InvalidInputError naming the field of the first unknown concept id."""
    if v.occupation:
        concepts.check(v.occupation, ConceptKind.OCCUPATION, "occupation")
    concepts.check_all(v.essential_skills, ConceptKind.SKILL, "essential_skills")
    concepts.check_all(v.optional_skills, ConceptKind.SKILL, "optional_skills")
    concepts.check_all(v.prerequisites, ConceptKind.SKILL, "prerequisites")


def check_course(concepts: Concepts, c: CourseIn) -> None:
    concepts.check_all(c.skills, ConceptKind.SKILL, "skills")
    if c.compensation_for:
        concepts.check(c.compensation_for, ConceptKind.OCCUPATION, "compensation_for")


def recognition_skill(occupation: str) -> str:
    """The pseudo-skill a compensation measure teaches: what a course plan must cover when
    a regulated occupation's recognition is partial."""
    return f"recognition:{occupation}"


def prepare_vacancies(concepts: Concepts, items: list[VacancyIn],
                      profile: RegulationProfile) -> list[PreparedVacancy]:
    """Link the free text of already checked vacancies (`check_vacancy`)."""
    texts: list[tuple[int, bool, str]] = [
        (row, essential, text) for row, v in enumerate(items)
        for essential, text in ((True, v.essential_skills_text), (False, v.optional_skills_text))
        if text and text.strip()]
    statements = concepts.skill_statements([t for _, _, t in texts])
    reports = [LinkingReport() for _ in items]
    from_text: dict[tuple[int, bool], list[tuple[str, str]]] = {}
    for (row, essential, _), statement in zip(texts, statements, strict=True):
        where = "essential_skills_text" if essential else "optional_skills_text"
        reports[row].statement(where, statement)
        from_text.setdefault((row, essential), []).extend(
            (f.uri, f.evidence) for f in linked(statement))
    untitled = [row for row, v in enumerate(items) if not v.occupation]
    titles = concepts.link_titles([items[r].title for r in untitled])
    occupations = {row: (m.concept if m else None) for row, m in zip(untitled, titles,
                                                                      strict=True)}
    for row, m in zip(untitled, titles, strict=True):
        reports[row].title("title", items[row].title, m)
    out = []
    weights = []
    for row, v in enumerate(items):
        occupation = v.occupation or occupations.get(row)
        skills: dict[str, tuple[str, bool, str | None]] = {}
        for essential, ids in ((True, v.essential_skills), (False, v.optional_skills)):
            for uri in ids:
                if uri not in skills:
                    skills[uri] = (uri, essential, None)
            for uri, evidence in from_text.get((row, essential), []):
                if uri not in skills:
                    skills[uri] = (uri, essential, evidence)
        from_occupation = not skills and occupation is not None
        if from_occupation and (v.essential_skills_text or v.optional_skills_text):
            reports[row].warn("no skill was recognised in the skills text: the vacancy "
                              "takes its occupation's usual skills; check them")
        elif not skills and occupation is None:
            reports[row].warn("neither a skill nor an occupation was recognised: this "
                              "vacancy cannot be matched until its skills are chosen")
        if from_occupation:
            assert occupation is not None
            for uri in concepts.essential_skills(occupation):
                skills[uri] = (uri, True, None)
            for uri in concepts.optional_skills(occupation):
                skills.setdefault(uri, (uri, False, None))
        weighted = [(u, ESSENTIAL_WEIGHT if e else OPTIONAL_WEIGHT) for u, e, _ in
                    skills.values()]
        if occupation:
            weighted.append((occupation, OCCUPATION_WEIGHT))
        regulated = v.requires_recognition if v.requires_recognition is not None else \
            profile.requires_recognition(concepts.taxonomy.concepts.get(occupation or ""))
        weights.append(weighted)
        out.append(PreparedVacancy(v, occupation, list(skills.values()), from_occupation,
                                   None, regulated, reports[row]))
    for prep, vector in zip(out, concepts.profile_vectors(weights), strict=True):
        prep.embedding = vector
    return out


def _vec(values: list[float] | None) -> np.ndarray | None:
    return None if values is None else np.asarray(values, dtype=np.float32)


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
        f"SELECT {_VACANCY_COLUMNS} FROM vacancy v JOIN organisation o ON o.id = v.employer_id"
        f" WHERE {clause} ORDER BY v.id LIMIT %s OFFSET %s", [*args, limit, offset]).fetchall()
    for row in rows:  # a list says which need a look; the vacancy itself says why
        linking = row.pop("linking") or {}
        row["needs_review"] = bool(linking.get("warnings"))
    return rows, int(total[0])


def load_vacancy_facts(conn: psycopg.Connection, ids: list[int]) -> dict[int, VacancyFacts]:
    if not ids:
        return {}
    facts: dict[int, VacancyFacts] = {}
    for r in conn.execute(
            "SELECT id, kind::text, title, employer_id, occupation_uri, lat, lon, town,"
            " embedding, slots, start_date, regulated, accepts_in_process, min_eqf"
            " FROM vacancy WHERE id = ANY(%s)", (ids,), binary=True):  # vectors: 15x faster
        facts[r[0]] = VacancyFacts(
            id=r[0], kind=r[1], title=r[2], employer_id=r[3], occupation=r[4], essential=[],
            optional=[], languages={}, lat=r[5], lon=r[6], town=r[7],
            vector=to_array(r[8]), slots=r[9],
            start_date=r[10].isoformat() if r[10] else None, regulated=r[11],
            accepts_in_process=r[12], min_eqf=r[13])
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


# --- courses --------------------------------------------------------------------------------
def prepare_courses(concepts: Concepts, items: list[CourseIn]) -> list[PreparedCourse]:
    """Link the skills text of already checked courses; a course left with no skill is
    refused (InvalidInputError naming its row)."""
    texts = [(row, c.skills_text) for row, c in enumerate(items)
             if c.skills_text and c.skills_text.strip()]
    linked = dict(zip([r for r, _ in texts],
                      concepts.link_skills([t for _, t in texts if t]), strict=True))
    out = []
    for row, c in enumerate(items):
        skills: dict[str, str | None] = dict.fromkeys(c.skills)
        for found in linked.get(row, []):
            skills.setdefault(found.uri, found.evidence)
        if not skills and not c.compensation_for:
            raise RowError(row, "skills_text", f"no skill recognised in {c.skills_text!r}; "
                           "give skill ids instead")
        out.append(PreparedCourse(c, list(skills.items()),
                                  concepts.profile_vector((u, 1.0) for u in skills)))
    return out


def write_courses(conn: psycopg.Connection, prepared: list[PreparedCourse],
                  ) -> list[tuple[int, bool]]:
    out = []
    for prep in prepared:
        c, loc = prep.data, prep.data.location
        row = conn.execute(
            "INSERT INTO course (external_id, provider, title, description, skills_text, lang,"
            " min_level, duration_weeks, online, town, lat, lon, cost_eur, funding,"
            " start_dates, seats, embedding, compensation_for, measure) VALUES (%s, %s, %s, %s,"
            " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (external_id) DO UPDATE SET"
            " compensation_for = excluded.compensation_for, measure = excluded.measure,"
            " provider = excluded.provider, title = excluded.title,"
            " description = excluded.description, skills_text = excluded.skills_text,"
            " lang = excluded.lang, min_level = excluded.min_level,"
            " duration_weeks = excluded.duration_weeks, online = excluded.online,"
            " town = excluded.town, lat = excluded.lat, lon = excluded.lon,"
            " cost_eur = excluded.cost_eur, funding = excluded.funding,"
            " start_dates = excluded.start_dates, seats = excluded.seats,"
            " embedding = excluded.embedding, updated_at = now() RETURNING id, (xmax = 0)",
            (c.external_id, c.provider, c.title, c.description, c.skills_text, c.lang,
             c.min_level,
             c.duration_weeks, c.online, loc.town if loc else None, loc.lat if loc else None,
             loc.lon if loc else None, c.cost_eur, c.funding, c.start_dates, c.seats,
             _vec(prep.embedding), c.compensation_for, c.measure)).fetchone()
        assert row is not None
        cid = int(row[0])
        conn.execute("DELETE FROM course_skill WHERE course_id = %s", (cid,))
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO course_skill VALUES (%s, %s, %s)",
                            [(cid, u, ev) for u, ev in prep.skills])
        out.append((cid, bool(row[1])))
    return out


_COURSE_COLUMNS = ("id, external_id, provider, title, description, skills_text, lang,"
                   " min_level::text AS min_level, duration_weeks, online, town, lat, lon,"
                   " cost_eur, funding, start_dates, seats, compensation_for,"
                   " measure::text AS measure")


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
    occupations = [s.removeprefix("recognition:") for s in skills
                   if s.startswith("recognition:")]
    courses: dict[int, CourseFacts] = {}
    for r in conn.execute(
            "SELECT c.id, c.title, c.provider, c.lang, c.min_level::text, c.duration_weeks,"
            " c.online, c.town, c.lat, c.lon, c.cost_eur, c.funding, c.start_dates, c.seats,"
            " c.compensation_for, c.measure::text FROM course c"
            " WHERE c.compensation_for = ANY(%s) OR EXISTS (SELECT 1 FROM course_skill s"
            " WHERE s.course_id = c.id AND s.skill_uri = ANY(%s))", (occupations, skills)):
        courses[r[0]] = CourseFacts(r[0], r[1], r[2], set(), r[3], r[4], r[5], r[6], r[7],
                                    r[8], r[9], r[10], r[11], list(r[12]), r[13],
                                    measure=r[15])
        if r[14]:
            courses[r[0]].skills.add(recognition_skill(r[14]))
    for cid, uri in conn.execute("SELECT course_id, skill_uri FROM course_skill"
                                 " WHERE course_id = ANY(%s)", (list(courses),)):
        courses[cid].skills.add(uri)
    return list(courses.values())


__all__ = ["PreparedCourse", "PreparedVacancy", "RowError", "check_course", "check_vacancy",
           "recognition_skill", "list_courses", "list_vacancies",
           "load_courses_teaching", "load_vacancy_facts", "prepare_courses",
           "prepare_vacancies", "read_course", "read_vacancy", "vacancy_employer",
           "write_courses", "write_vacancies"]
