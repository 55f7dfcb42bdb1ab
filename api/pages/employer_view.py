"""What the employer pages show, in plain words: taxonomy labels in the reader's language
(English marked as such where the taxonomy has no other), language names, work permits,
and a matching candidate — pseudonymised unless they consented — with why they match."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from api.pages.i18n import N_, language_name
from api.pages.web import Page
from matcher.engine import Engine
from matcher.intake.language_levels import CODES
from skills_taxonomy.model import LabelType

KINDS = {"job": N_("Job"), "apprenticeship": N_("Apprenticeship"),
         "placement": N_("Placement")}
PERMITS = {"none": N_("No work permit yet"), "pending": N_("Work permit applied for"),
           "restricted": N_("Work permit with restrictions"),
           "full": N_("Full work permit")}
RECOGNITION = {"applied": N_("recognition applied for"),
               "partial": N_("partly recognised"), "full": N_("fully recognised")}
LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
PER_PAGE = 10  # candidates shown per page of a vacancy


def employer_page(page: Page) -> None:
    """Employers and admins only (others: 403)."""
    page.require("employer", "admin")


def page_number(raw: str | None) -> int:
    """`?p=` as a page number from 1 (anything else: 1)."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


@dataclass(frozen=True)
class Label:
    """A label and the language it is written in (English when the taxonomy has no
    label in the reader's language: the page marks it with `lang`)."""

    text: str
    lang: str


def label(engine: Engine, uri: str | None, lang: str) -> Label | None:
    if not uri:
        return None
    concept = engine.concepts.taxonomy.concepts.get(uri)
    if concept is None:
        return Label(uri, "en")
    own = any(lb.lang == lang and lb.type is LabelType.PREFERRED for lb in concept.labels)
    return Label(concept.preferred_label(lang), lang if own else "en")


@lru_cache(maxsize=16)
def language_names(lang: str) -> dict[str, str]:
    """Language code → its name in the reader's language, sorted by name."""
    names = {code: language_name(code, lang) for code in CODES}
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def level_name(level: str | None) -> str:
    return N_("native speaker") if level == "native" else level or N_("none")


def why(engine: Engine, explained: dict[str, Any], lang: str) -> dict[str, Any]:
    """A match's explanation as the page says it: matched essential and optional skills,
    what is missing, the language gap, the distance, recognition."""
    matched = explained.get("matched_skills", [])
    missing = explained.get("missing_essential", [])
    essential = [m for m in matched if m.get("essential")]
    return {
        "score": float(explained.get("score", 0)),
        "essential": [(label(engine, m["skill"], lang), bool(m.get("partial")))
                      for m in essential],
        "optional": [(label(engine, m["skill"], lang), bool(m.get("partial")))
                     for m in matched if not m.get("essential")],
        "missing": [label(engine, m["skill"], lang) for m in missing
                    if not m.get("compensation_measure")],
        "essential_total": len(essential) + len(missing),
        "languages": [{"name": language_name(str(g["lang"]), lang),
                       "required": g.get("required"), "has": g.get("has")}
                      for g in explained.get("language_gap", [])],
        "distance_km": explained.get("distance_km"),
        "recognition": explained.get("recognition"),
        "needs_recognition": any(m.get("compensation_measure") for m in missing),
    }


def candidate_view(engine: Engine, profile: dict[str, Any], lang: str) -> dict[str, Any]:
    """What an employer may see of a candidate: town, languages, permit, experience,
    qualifications (no name or contact, no own words)."""
    return {
        "town": profile.get("town"),
        "languages": [(language_name(x["lang"], lang), x["level"])
                      for x in profile.get("languages", [])],
        "permit": PERMITS.get(profile.get("work_permit") or "", ""),
        "experience": [(label(engine, (e.get("occupation") or {}).get("id"), lang),
                        e.get("years")) for e in profile.get("experience", [])],
        "qualifications": [(label(engine, (q.get("occupation") or {}).get("id"), lang),
                            q.get("eqf_level"),
                            RECOGNITION.get((q.get("recognition") or {}).get("status") or ""))
                           for q in profile.get("qualifications", [])],
    }
