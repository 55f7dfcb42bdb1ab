"""A stored candidate as the `CandidateIn` that writes it again: what the coach console
starts from to edit a profile or to change a qualification's recognition status, then
saves with `Engine.save_candidate` like any other write (same checks, same linking, same
derived skills).

What was derived on write (skills from qualifications and work experience, occupations
linked from titles) is not sent back but derived again. Claims keep their source and
evidence; free text that was linked on write (self-declared text) is sent as text again,
so its linking report and warnings stay; a confirmed claim keeps its concept.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg.rows import dict_row

from matcher.domain import CLAIM_CONFIDENCE
from matcher.errors import NotFoundError
from matcher.schemas import CandidateIn

CLAIMED = ("self_declared", "coach_verified")  # only ever claimed, never derived
_LINKED_TEXT = re.compile(r"skills\[\d+\]\.text")


def _claimed(row: dict[str, Any]) -> bool:
    """Whether a skill row was claimed (sent in the profile) rather than derived from a
    qualification or work experience on write. A claim of a derived source (a concept
    sent with source "qualification") is stored at that source's claim confidence with a
    linking score of 1; a derived row with those very numbers is derived the same again,
    so sending it as a claim changes nothing."""
    if row["source"] in CLAIMED:
        return True
    return row["score"] >= 1 and round(row["confidence"], 4) == CLAIM_CONFIDENCE[row["source"]]


def _skills(rows: list[dict[str, Any]], report: dict[str, Any]) -> list[dict[str, Any]]:
    """Claims: each free text that was linked on write (its statement in the linking
    report) as text again, with the source it was claimed with; every other claim as its
    concept, with its source, evidence and the text it was confirmed from."""
    texts: dict[str, str] = {}
    for statement in report.get("statements", []):
        if _LINKED_TEXT.fullmatch(str(statement.get("field", ""))):
            texts.setdefault(str(statement["text"]), "self_declared")
    rows = [r for r in rows if _claimed(r)]
    for row in rows:
        if row["statement"] in texts:
            texts[row["statement"]] = row["source"]
    out: list[dict[str, Any]] = [{"text": text, "source": source}
                                 for text, source in texts.items()]
    for row in rows:
        if row["statement"] not in texts:
            out.append({"concept": row["skill_uri"], "source": row["source"],
                        **({"evidence": row["evidence"]} if row["evidence"] else {}),
                        **({"text": row["statement"]} if row["statement"] else {})})
    return out


def _qualifications(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"title": q["title"], "country": q["country"], "year": q["year"],
             "type": q["type"], "duration_years": q["duration_years"],
             "content": q["content"],
             "eqf_level": q["eqf_level"] if q["eqf_method"] == "given" else None,
             "status": q["status"], "decided_on": q["decided_on"],
             "authority": q["authority"], "compensation": q["compensation"]} for q in rows]


def _experience(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Work experience; an occupation that was given (not linked from the title, which
    would score below 1) is sent again, a linked one is linked again."""
    return [{"title": e["title"], "years": e["years"],
             "occupation": e["occupation_uri"] if e["occupation_uri"] and (
                 e["link_score"] is None or e["link_score"] >= 1) else None} for e in rows]


def stored_candidate_in(conn: psycopg.Connection, candidate_id: str) -> CandidateIn:
    """The candidate as stored, as the body that would write it (NotFoundError if gone)."""
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(
        "SELECT c.organisation_id, c.external_id, c.town, c.lat, c.lon, c.travel_radius_km,"
        " c.work_permit::text AS work_permit, c.preferences, c.linking, p.name, p.email, p.phone,"
        " p.address FROM candidate c JOIN candidate_personal p ON p.candidate_id = c.id"
        " WHERE c.id = %s", (candidate_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"candidate {candidate_id!r} not found")
    args = (candidate_id,)
    languages = cur.execute("SELECT lang, level::text AS level FROM candidate_language"
                            " WHERE candidate_id = %s ORDER BY lang", args).fetchall()
    skills = cur.execute(
        "SELECT skill_uri, source::text AS source, evidence, statement, score, confidence"
        " FROM candidate_skill WHERE candidate_id = %s ORDER BY skill_uri, source", args,
    ).fetchall()
    quals = cur.execute(
        "SELECT title, country, year, type, duration_years, content, eqf_level, eqf_method,"
        " status::text AS status, decided_on, authority, compensation::text AS compensation"
        " FROM candidate_qualification WHERE candidate_id = %s ORDER BY id", args).fetchall()
    exps = cur.execute("SELECT title, years, occupation_uri, link_score"
                       " FROM candidate_experience WHERE candidate_id = %s ORDER BY id",
                       args).fetchall()
    consents = cur.execute("SELECT DISTINCT employer_id FROM candidate_consent"
                           " WHERE candidate_id = %s", args).fetchall()
    prefs = row["preferences"] or {}
    return CandidateIn.model_validate({
        "external_id": row["external_id"], "organisation_id": row["organisation_id"],
        "personal": {k: row[k] for k in ("name", "email", "phone", "address")},
        "languages": languages,
        "location": {"town": row["town"], "lat": row["lat"], "lon": row["lon"]},
        "travel_radius_km": row["travel_radius_km"], "work_permit": row["work_permit"],
        "qualifications": _qualifications(quals), "skills": _skills(skills, row["linking"] or {}),
        "experience": _experience(exps),
        "preferences": {k: prefs[k] for k in ("kinds", "occupations") if k in prefs},
        "consents": [{"employer_id": c["employer_id"]} for c in consents]})


__all__ = ["stored_candidate_in"]
