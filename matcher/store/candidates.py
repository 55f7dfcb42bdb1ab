"""Candidate profiles in PostgreSQL: write (one transaction), read, list, facts for
matching, export, erase.

The profile is pseudonymous (a random id, skills, languages, town, permit); name and
contact live in `candidate_personal`, read only by the candidate's centre, the candidate,
admins, and employers the candidate consented to — and every such read is audited.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from matcher.concepts import Concepts, to_array
from matcher.domain import CandidateFacts, Evidence
from matcher.errors import NotFoundError
from matcher.intake.candidates import PreparedCandidate, new_candidate_id
from matcher.linking_report import LinkingReport
from matcher.schemas import CandidateIn, Consent
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.text import unescape_repr


def write_candidate(conn: psycopg.Connection, prep: PreparedCandidate,
                    organisation_id: int) -> tuple[str, bool]:
    """Insert or replace the candidate with this external id in this organisation;
    returns (id, created). Call inside a transaction."""
    _check_consents(conn, prep.data)
    cid, created = _upsert_profile(conn, new_candidate_id(), prep, organisation_id)
    _replace_details(conn, cid, prep)
    return cid, created


def _check_consents(conn: psycopg.Connection, data: CandidateIn) -> None:
    """Consent can only be given to an organisation that is an employer."""
    for i, consent in enumerate(data.consents):
        if consent.employer_id is not None and conn.execute(
                "SELECT 1 FROM organisation WHERE id = %s AND kind = 'employer'",
                (consent.employer_id,)).fetchone() is None:
            raise InvalidInputError(
                f"consents[{i}].employer_id: {consent.employer_id} is not an employer")


def _upsert_profile(conn: psycopg.Connection, new_id: str, prep: PreparedCandidate,
                    organisation_id: int) -> tuple[str, bool]:
    """The candidate row (what matching filters on) and the personal row; (id, created).

    One statement keyed on (organisation, external id), not a SELECT then an INSERT: two
    requests writing the same new candidate at once both succeed, the second waiting for
    the first's row lock and then replacing it (the SELECT-first version let 22 of 80
    concurrent upserts fail on the unique key)."""
    data = prep.data
    loc = data.location
    recognised, pending, max_eqf = prep.recognition()
    row = conn.execute(
        "INSERT INTO candidate (id, organisation_id, external_id, town, lat, lon,"
        " travel_radius_km, work_permit, preferences, embedding, recognised,"
        " recognition_pending, max_eqf, linking)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (organisation_id, external_id) DO UPDATE SET town = excluded.town,"
        " lat = excluded.lat,"
        " lon = excluded.lon, travel_radius_km = excluded.travel_radius_km,"
        " work_permit = excluded.work_permit, preferences = excluded.preferences,"
        " embedding = excluded.embedding, recognised = excluded.recognised,"
        " recognition_pending = excluded.recognition_pending, max_eqf = excluded.max_eqf,"
        " linking = excluded.linking, updated_at = now() RETURNING id, (xmax = 0)",
        (new_id, organisation_id, data.external_id, loc.town, loc.lat, loc.lon,
         data.travel_radius_km, data.work_permit, Jsonb(data.preferences.model_dump()),
         to_array(prep.embedding), recognised, pending, max_eqf,
         Jsonb(prep.report.as_dict()))).fetchone()
    assert row is not None
    cid, created = str(row[0]), bool(row[1])
    p = data.personal
    conn.execute(
        "INSERT INTO candidate_personal (candidate_id, name, email, phone, address)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (candidate_id) DO UPDATE SET"
        " name = excluded.name, email = excluded.email, phone = excluded.phone,"
        " address = excluded.address", (cid, p.name, p.email, p.phone, p.address))
    return cid, created


def _replace_details(conn: psycopg.Connection, cid: str, prep: PreparedCandidate) -> None:
    """Languages, qualifications, experience, skills and consents, replaced whole."""
    data = prep.data
    for table in ("candidate_language", "candidate_qualification", "candidate_experience",
                  "candidate_skill", "candidate_consent"):
        conn.execute(f"DELETE FROM {table} WHERE candidate_id = %s", (cid,))  # noqa: S608
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO candidate_language VALUES (%s, %s, %s)",
                        [(cid, x.lang, x.level) for x in data.languages])
        cur.executemany(
            "INSERT INTO candidate_qualification (candidate_id, title, country, year,"
            " occupation_uri, link_score, type, duration_years, content, eqf_level, eqf_method,"
            " status, decided_on, authority, compensation)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(cid, q.title, q.country, q.year, r.occupation, r.link_score, q.type,
              q.duration_years, q.content, r.eqf.get("level"), r.eqf.get("method"), q.status,
              q.decided_on, q.authority, q.compensation)
             for q, r in zip(data.qualifications, prep.qualifications, strict=True)])
        cur.executemany(
            "INSERT INTO candidate_experience (candidate_id, title, years, occupation_uri,"
            " link_score) VALUES (%s, %s, %s, %s, %s)",
            [(cid, e.title, e.years, occ, score)
             for e, (occ, score) in zip(data.experience, prep.experience, strict=True)])
        cur.executemany(
            "INSERT INTO candidate_skill (candidate_id, skill_uri, source, evidence, statement,"
            " score, confidence) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(cid, s.uri, s.source, s.evidence, s.statement, s.score, s.confidence)
             for s in prep.skills])
        cur.executemany(
            "INSERT INTO candidate_consent (candidate_id, employer_id) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING", [(cid, c.employer_id) for c in data.consents])


# --- reads ------------------------------------------------------------------------------
DERIVED = ("qualification", "work_experience")  # sources whose evidence `derived_text` cleans


def derived_text(source: str, evidence: str | None) -> str | None:
    """Evidence as clean text: what qualifications and work experience derived was once
    written with Python escapes (`\\u200c`); rows stored then are read back clean."""
    if evidence and source in DERIVED:
        return unescape_repr(evidence)
    return evidence


def candidate_org(conn: psycopg.Connection, candidate_id: str) -> int | None:
    row = conn.execute("SELECT organisation_id FROM candidate WHERE id = %s",
                       (candidate_id,)).fetchone()
    return int(row[0]) if row else None


def _qualification_view(q: dict[str, Any], occupation: dict[str, Any] | None,
                        personal: bool) -> dict[str, Any]:
    """One qualification as read; its title and content (the person's own words) and the
    link score only for those who may see personal data."""
    return {**({"title": q["title"], "content": q["content"]} if personal else {}),
            "country": q["country"], "year": q["year"], "type": q["type"],
            "duration_years": q["duration_years"], "occupation": occupation,
            "eqf_level": q["eqf_level"], "eqf_method": q["eqf_method"],
            "recognition": {"status": q["status"], "decided_on": q["decided_on"],
                            "authority": q["authority"], "compensation": q["compensation"]},
            **({"link_score": q["link_score"]} if personal else {})}


def read_candidate(conn: psycopg.Connection, concepts: Concepts, candidate_id: str,
                   personal: bool, lang: str = "en") -> dict[str, Any]:
    """The profile; `personal` adds name and contact and the person's own words
    (evidence, qualification titles). Without it: what an employer may see."""
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(
        "SELECT id, organisation_id, external_id, town, lat, lon, travel_radius_km,"
        " work_permit::text AS work_permit, preferences, linking, created_at, updated_at"
        " FROM candidate WHERE id = %s", (candidate_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"candidate {candidate_id!r} not found")
    langs = cur.execute("SELECT lang, level::text AS level FROM candidate_language"
                        " WHERE candidate_id = %s ORDER BY lang", (candidate_id,)).fetchall()
    skills = cur.execute(
        "SELECT skill_uri, source::text AS source, evidence, statement, score, confidence"
        " FROM candidate_skill"
        " WHERE candidate_id = %s ORDER BY skill_uri, source", (candidate_id,)).fetchall()
    quals = cur.execute(
        "SELECT title, country, year, occupation_uri, link_score, type, duration_years,"
        " content, eqf_level, eqf_method, status::text AS status, decided_on, authority,"
        " compensation::text AS compensation FROM candidate_qualification"
        " WHERE candidate_id = %s ORDER BY id", (candidate_id,)).fetchall()
    exps = cur.execute(
        "SELECT title, years, occupation_uri, link_score FROM candidate_experience"
        " WHERE candidate_id = %s ORDER BY id", (candidate_id,)).fetchall()

    def occupation(uri: str | None) -> dict[str, Any] | None:
        return {"id": uri, "label": concepts.label(uri, lang)} if uri else None

    out: dict[str, Any] = {
        "id": row["id"], "town": row["town"], "languages": langs,
        "work_permit": row["work_permit"],
        "skills": [{"skill": s["skill_uri"], "label": concepts.label(s["skill_uri"], lang),
                    "source": s["source"], "confidence": round(s["confidence"], 4),
                    **({"evidence": derived_text(s["source"], s["evidence"]),
                        "statement": s["statement"],
                        "score": round(s["score"], 4)}
                       if personal else {})} for s in skills],
        "qualifications": [_qualification_view(q, occupation(q["occupation_uri"]), personal)
                           for q in quals],
        "experience": [{**({"title": e["title"]} if personal else {}), "years": e["years"],
                        "occupation": occupation(e["occupation_uri"])} for e in exps],
        "preferences": row["preferences"],
    }
    if personal:
        person = cur.execute("SELECT name, email, phone, address FROM candidate_personal"
                             " WHERE candidate_id = %s", (candidate_id,)).fetchone()
        consents = cur.execute("SELECT employer_id, granted_at FROM candidate_consent"
                               " WHERE candidate_id = %s ORDER BY granted_at",
                               (candidate_id,)).fetchall()
        out.update({
            "external_id": row["external_id"], "organisation_id": row["organisation_id"],
            "personal": person, "location": {"town": row["town"], "lat": row["lat"],
                                             "lon": row["lon"]},
            "travel_radius_km": row["travel_radius_km"], "consents": consents,
            # what linking made of their words: the warnings a coach must act on
            "linking": row["linking"] or LinkingReport().as_dict(),
            "created_at": row["created_at"], "updated_at": row["updated_at"]})
    return out


def list_candidates(conn: psycopg.Connection, organisation_id: int | None, limit: int,
                    offset: int) -> tuple[list[dict[str, Any]], int]:
    """Candidates of one organisation (None: all), newest first, with names."""
    where, args = ("WHERE c.organisation_id = %s", [organisation_id]) \
        if organisation_id is not None else ("", [])
    total_row = conn.execute(f"SELECT count(*) FROM candidate c {where}", args).fetchone()
    assert total_row is not None
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT c.id, c.external_id, c.organisation_id, p.name, c.town,"
        " c.work_permit::text AS work_permit, c.updated_at FROM candidate c"
        f" JOIN candidate_personal p ON p.candidate_id = c.id {where}"
        " ORDER BY c.updated_at DESC, c.id LIMIT %s OFFSET %s",
        [*args, limit, offset]).fetchall()
    return rows, int(total_row[0])


def consenting(conn: psycopg.Connection, candidate_ids: list[str], employer_id: int,
               ) -> set[str]:
    """Which of these candidates consented to this employer (or to every employer)."""
    rows = conn.execute(
        "SELECT DISTINCT candidate_id FROM candidate_consent WHERE candidate_id = ANY(%s)"
        " AND (employer_id IS NULL OR employer_id = %s)", (candidate_ids, employer_id))
    return {r[0] for r in rows}


def personal_of(conn: psycopg.Connection, candidate_ids: list[str]) -> dict[str, dict]:
    rows = conn.cursor(row_factory=dict_row).execute(
        "SELECT candidate_id, name, email, phone FROM candidate_personal"
        " WHERE candidate_id = ANY(%s)", (candidate_ids,)).fetchall()
    return {r.pop("candidate_id"): r for r in rows}


# What scoring, the gates and the explanations read of candidates: five plain queries, sent
# together in one round trip (`load_facts`). Plain queries over the indexes cost the server
# a third of one query aggregating the same rows into arrays (4.4 against 12.6-15.2 ms
# for 400 candidates at 100,000 vacancies).
FACTS = (
    "SELECT id, lat, lon, travel_radius_km, embedding, organisation_id, town,"
    " work_permit::text, preferences -> 'kinds', preferences -> 'occupations', recognised,"
    " recognition_pending, max_eqf FROM candidate WHERE id = ANY(%s)",
    "SELECT candidate_id, skill_uri, source::text, evidence, confidence"
    " FROM candidate_skill WHERE candidate_id = ANY(%s)",
    "SELECT candidate_id, lang, level::text FROM candidate_language"
    " WHERE candidate_id = ANY(%s)",
    "SELECT candidate_id, occupation_uri, sum(years) FROM candidate_experience"
    " WHERE candidate_id = ANY(%s) AND occupation_uri IS NOT NULL"
    " GROUP BY candidate_id, occupation_uri",
    "SELECT candidate_id, occupation_uri, status::text, compensation::text"
    " FROM candidate_qualification"
    " WHERE candidate_id = ANY(%s) AND occupation_uri IS NOT NULL ORDER BY id")


def load_facts(conn: psycopg.Connection, candidate_ids: list[str]) -> dict[str, CandidateFacts]:
    """What scoring, the gates and the explanations need, for many candidates: the five
    queries of `FACTS` in one round trip (a pipeline). The candidate rows come in binary
    (vectors parse 15x faster than text); the rest as text, so that a `real` confidence of
    0.8 stays 0.8 (ties between related skills are decided on these values)."""
    if not candidate_ids:
        return {}
    args = (candidate_ids,)
    with conn.pipeline():
        cursors = [conn.execute(sql, args, binary=i == 0) for i, sql in enumerate(FACTS)]
        # all rows at once: fetching row by row cost more than building the facts
        people, skills, langs, worked, quals = [cur.fetchall() for cur in cursors]
        facts: dict[str, CandidateFacts] = {}
        for (cid, lat, lon, radius, vector, org, town, permit, kinds, wanted, recognised,
             pending, max_eqf) in people:
            facts[cid] = CandidateFacts(
                id=cid, lat=lat, lon=lon, radius_km=radius, skills={}, languages={},
                experience={}, qualified=set(), vector=to_array(vector), organisation_id=org,
                town=town, permit=permit, kinds=list(kinds or []), wanted=list(wanted or []),
                recognised=set(recognised), recognition_pending=set(pending),
                max_eqf=max_eqf)
        for cid, uri, source, evidence, confidence in skills:
            if evidence and source in DERIVED:
                evidence = unescape_repr(evidence)
            facts[cid].skills.setdefault(uri, []).append(
                Evidence(source, evidence, confidence))
        for cid, lang, level in langs:
            facts[cid].languages[lang] = level
        for cid, occ, years in worked:
            facts[cid].experience[occ] = float(years)
        for cid, occ, status, compensation in quals:
            facts[cid].qualified.add(occ)
            if status == "partial" and compensation:
                facts[cid].compensation[occ] = compensation
    return facts


# --- export and erasure -------------------------------------------------------------------
CANDIDATE_TABLES = ("candidate_personal", "candidate_language", "candidate_qualification",
                    "candidate_experience", "candidate_skill", "candidate_consent",
                    "outcome", "audit_log")


def export_candidate(conn: psycopg.Connection, concepts: Concepts, candidate_id: str,
                     ) -> dict[str, Any]:
    """Everything stored about the candidate, as JSON (the right of access)."""
    out = read_candidate(conn, concepts, candidate_id, personal=True)
    cur = conn.cursor(row_factory=dict_row)
    out["outcomes"] = cur.execute(
        "SELECT vacancy_id, status::text AS status, reason, recorded_at FROM outcome"
        " WHERE candidate_id = %s ORDER BY recorded_at", (candidate_id,)).fetchall()
    out["access_log"] = cur.execute(
        "SELECT at, role::text AS role, action FROM audit_log WHERE candidate_id = %s"
        " ORDER BY at", (candidate_id,)).fetchall()
    return out


def erase_candidate(conn: psycopg.Connection, candidate_id: str) -> dict[str, int]:
    """Delete every row about the candidate (profile, personal data, vectors, outcomes,
    consents, their migrant user and its tokens, and their audit trail); returns the
    number of rows per table. Call inside a transaction."""
    counts = {}
    for table in CANDIDATE_TABLES:
        cur = conn.execute(f"DELETE FROM {table} WHERE candidate_id = %s",  # noqa: S608
                           (candidate_id,))
        counts[table] = cur.rowcount
    users = conn.execute("DELETE FROM app_user WHERE candidate_id = %s", (candidate_id,))
    counts["app_user"] = users.rowcount
    cur = conn.execute("DELETE FROM candidate WHERE id = %s", (candidate_id,))
    if cur.rowcount == 0:
        raise NotFoundError(f"candidate {candidate_id!r} not found")
    counts["candidate"] = cur.rowcount
    return counts


def best_language(conn: psycopg.Connection, candidate_id: str) -> str | None:
    """The language the candidate knows best (the one their pages are shown in)."""
    row = conn.execute("SELECT lang FROM candidate_language WHERE candidate_id = %s"
                       " ORDER BY level DESC, lang LIMIT 1", (candidate_id,)).fetchone()
    return str(row[0]) if row else None


def replace_consents(conn: psycopg.Connection, candidate_id: str,
                     consents: list[Consent]) -> None:
    """The candidate's consents, replaced whole; each must name an employer (or none:
    every employer)."""
    employers = sorted({c.employer_id for c in consents if c.employer_id is not None})
    known = {row[0] for row in conn.execute(
        "SELECT id FROM organisation WHERE kind = 'employer' AND id = ANY(%s)", (employers,))}
    for i, c in enumerate(consents):
        if c.employer_id is not None and c.employer_id not in known:
            raise InvalidInputError(f"consents[{i}].employer_id: {c.employer_id} is not an "
                                    "employer")
    conn.execute("DELETE FROM candidate_consent WHERE candidate_id = %s", (candidate_id,))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO candidate_consent (candidate_id, employer_id)"
                        " VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        [(candidate_id, c.employer_id) for c in consents])


def qualifications_of(conn: psycopg.Connection, candidate_id: str) -> list[dict[str, Any]]:
    """The candidate's qualifications as stored, in the order they were given."""
    return conn.cursor(row_factory=dict_row).execute(
        "SELECT title, country, type, duration_years, eqf_level, content, status::text"
        " AS status, decided_on, authority, compensation::text AS compensation, eqf_method"
        " FROM candidate_qualification WHERE candidate_id = %s ORDER BY id",
        (candidate_id,)).fetchall()
