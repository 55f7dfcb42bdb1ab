"""The migrant's pages in plain words: the engine's answers (the same the JSON API gives)
turned into what a template shows — each taxonomy label with the language it is really
in, where each skill came from, what a vacancy asks that the person has or would learn,
what a course opens up, and what recognition involves."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import Locale

from api.pages.i18n import Term, step_term
from matcher.concepts import Concepts
from matcher.domain import recognised_occupation
from matcher.match.matcher import Match
from skills_taxonomy.language import detect_language
from skills_taxonomy.model import LabelType

KINDS = ("job", "apprenticeship", "placement")
SHOWN_SKILLS = 6  # per match: the first few, then "and N more"


def label_of(concepts: Concepts, uri: str, lang: str) -> Term:
    """A concept's preferred label in `lang`, else in English, saying which it is."""
    concept = concepts.taxonomy.concepts.get(uri)
    if concept is None:
        return Term(uri, None)
    for wanted in (lang, "en"):
        for label in concept.labels:
            if label.lang == wanted and label.type is LabelType.PREFERRED:
                return Term(label.text, wanted)
    first = concept.labels[0] if concept.labels else None
    return Term(first.text, first.lang) if first else Term(uri, None)


def own_words(text: str | None) -> Term | None:
    """A person's or an organisation's own text, with the language it reads as."""
    return Term(text, detect_language(text)) if text else None


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@lru_cache(maxsize=1)
def _territories() -> dict[str, str]:
    """English country names (as qualifications store them) to territory codes."""
    return {str(name).casefold(): code for code, name in _locale("en").territories.items()
            if code.isalpha()}


def country_name(name: str | None, reader: str) -> Term | None:
    """A country stored by its English name, in the reader's language where known."""
    if not name:
        return None
    code = _territories().get(name.strip().casefold())
    shown = _locale(reader).territories.get(code) if code else None
    return Term(str(shown), reader) if shown else Term(name, "en")


# --- my skills -------------------------------------------------------------------------
@dataclass
class Origin:
    """Where one skill came from: `how` is coach, self, qualification or experience."""

    how: str
    title: Term | None = None
    years: float | None = None
    words: Term | None = None


def _source_record(evidence: str | None, records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The qualification or work experience a derived skill's evidence names (the only
    one when there is one)."""
    for record in records:
        title = record.get("title")
        if title and evidence and title in evidence:
            return record
    return records[0] if len(records) == 1 else None


def origin_of(skill: dict[str, Any], profile: dict[str, Any]) -> Origin:
    source, evidence = skill["source"], skill.get("evidence")
    if source == "coach_verified":
        return Origin("coach", words=own_words(evidence))
    if source == "self_declared":
        return Origin("self", words=own_words(evidence))
    if source == "qualification":
        found = _source_record(evidence, profile.get("qualifications", []))
        return Origin("qualification", title=own_words(found["title"]) if found else None)
    found = _source_record(evidence, profile.get("experience", []))
    return Origin("experience", title=own_words(found.get("title")) if found else None,
                  years=float(found["years"]) if found else None)


def my_skills(profile: dict[str, Any], concepts: Concepts, lang: str) -> list[dict[str, Any]]:
    """Each skill once, with every place it came from; coach-confirmed first in each."""
    order = {"coach_verified": 0, "qualification": 1, "work_experience": 2, "self_declared": 3}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for skill in profile["skills"]:
        grouped.setdefault(skill["skill"], []).append(skill)
    out = [{"term": label_of(concepts, uri, lang),
            "origins": [origin_of(s, profile)
                        for s in sorted(rows, key=lambda s: order.get(s["source"], 9))]}
           for uri, rows in grouped.items()]
    return sorted(out, key=lambda s: s["term"].text.casefold())


def duration(years: float) -> tuple[str, int]:
    """How to say a time worked: whole years, else months (0.5 → 6 months)."""
    if years == int(years):
        return "years", int(years)
    return "months", max(1, round(years * 12))


# --- jobs -------------------------------------------------------------------------------
def _have_and_learn(item: dict[str, Any], concepts: Concepts, lang: str,
                    ) -> tuple[list[Term], list[Term], list[Term]]:
    """What the person already has (fully credited skills, essential first), what they
    would need to learn, and which recognition steps stand between them and the post."""
    matched = sorted(item["matched_skills"], key=lambda s: not s.get("essential"))
    have = [label_of(concepts, s["skill"], lang) for s in matched if not s.get("partial")]
    learn: list[Term] = []
    steps: list[Term] = []
    for s in item["missing_essential"]:
        occupation = recognised_occupation(s["skill"])
        if occupation is not None:
            steps.append(label_of(concepts, occupation, lang))
        else:
            learn.append(label_of(concepts, s["skill"], lang))
    return have, learn, steps


def job_view(m: Match, item: dict[str, Any], concepts: Concepts, lang: str,
             employers: dict[int, str], text_langs: dict[int, str | None]) -> dict[str, Any]:
    """One suggested vacancy, said simply."""
    v = m.vacancy
    have, learn, steps = _have_and_learn(item, concepts, lang)
    gaps = {g["lang"]: g for g in item.get("language_gap") or []}
    languages = [{"lang": code, "needed": level, "has": m.candidate.languages.get(code),
                  "enough": code not in gaps}
                 for code, level in sorted(v.languages.items())]
    plan = item.get("course_plan") or {}
    recognition = item.get("recognition")
    return {
        "id": v.id, "kind": v.kind, "title": Term(v.title, text_langs.get(v.id)),
        "employer": employers.get(v.employer_id, ""), "town": v.town,
        "distance_km": item.get("distance_km"), "start_date": v.start_date,
        "full": v.slots - v.reserved <= 0,
        "have": have[:SHOWN_SKILLS], "have_more": max(0, len(have) - SHOWN_SKILLS),
        "learn": learn[:SHOWN_SKILLS], "learn_more": max(0, len(learn) - SHOWN_SKILLS),
        "steps": steps, "languages": languages,
        "occupation": label_of(concepts, v.occupation, lang) if v.occupation else None,
        "recognition": {"status": recognition["status"],
                        "compensation": recognition.get("compensation")}
        if recognition else None,
        "plan": {"courses": len(plan.get("courses", [])),
                 "weeks": math.ceil(plan.get("total_weeks") or 0),
                 "complete": plan.get("complete", True)} if learn else None,
    }


# --- courses ----------------------------------------------------------------------------
def course_view(item: dict[str, Any], targets: dict[str, str], concepts: Concepts, lang: str,
                vacancies: list[dict[str, Any]]) -> dict[str, Any]:
    """One suggested course: what it teaches that I lack, for which occupations, and the
    suggested vacancies whose gaps it closes."""
    skills = [label_of(concepts, c["skill"], lang) for c in item["closes"]]
    occupations: dict[str, Term] = {}
    for c in item["closes"]:
        for shown in c.get("for_occupations", []):
            uri = targets.get(shown)
            occupations.setdefault(shown, label_of(concepts, uri, lang) if uri
                                   else Term(shown, None))
    taught = {c["skill"] for c in item["closes"]}
    opens = [v for v in vacancies if taught & v["gaps"]]
    return {**item, "title_term": Term(item["title"], item.get("lang")),
            "weeks": max(1, math.ceil(item.get("duration_weeks") or 0)),
            "skills": skills, "occupations": list(occupations.values()),
            "vacancies": opens[:5], "funding_term": own_words(item.get("funding")) or None}


# --- recognition --------------------------------------------------------------------------
def destination_name(code: str, reader: str) -> str:
    """The destination country (a code) in the reader's language."""
    return str(_locale(reader).territories.get(code, code))


def recognition_view(result: dict[str, Any], concepts: Concepts, lang: str,
                     ) -> dict[str, Any]:
    """One qualification's recognition: reference occupation and the field of study that
    led to it, EQF level and how it was found, regulated or not (and whether work without
    recognition is possible), the status, the authority, the compensation measure, what
    remains to learn, and the procedure's steps (in the reader's language where
    translated, else English: marked so, with a note)."""
    reference = result.get("reference_occupation")
    regulation = result.get("regulation") or {}
    eqf = result.get("eqf") or {}
    recognition = result.get("recognition") or {}
    steps = [step_term(s["step"], lang) for s in (result.get("procedure") or {}).get(
        "steps", [])]
    return {
        "title": own_words(result.get("title")),
        "country": country_name(result.get("country"), lang),
        "occupation": label_of(concepts, reference["id"], lang) if reference else None,
        # the field as the title names it, in the person's own words ("حقوق": law)
        "fields": [own_words(f["words"]) for f in result.get("fields_of_study", [])],
        "certainty": reference.get("certainty") if reference else None,
        "eqf": eqf.get("level"), "eqf_estimated": bool(eqf.get("estimated")),
        "regulated": bool(regulation.get("regulated")),
        "without_recognition": regulation.get("work_without_recognition"),
        "rule_authority": Term(regulation["authority"], "en")
        if regulation.get("authority") else None,
        "status": recognition.get("status") or "none",
        "decided_on": recognition.get("decided_on"),
        "authority": own_words(recognition.get("authority")),
        "compensation": recognition.get("compensation"),
        "gap": [label_of(concepts, g["skill"], lang)
                for g in result.get("gap_for_candidate", [])][:10],
        "steps": steps, "steps_in_english": any(s.lang != lang for s in steps),
    }
