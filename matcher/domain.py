"""The domain's shared vocabulary: the closed sets of values (CEFR levels, permits, kinds
of vacancy, evidence sources, outcomes), how sure each source is, and the facts about a
candidate, a vacancy and a course that scoring, matching and course plans read.

These are plain data, loaded from the store and read by `matcher.match`; nothing here
touches the database or the taxonomy.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
PERMITS = ("none", "pending", "restricted", "full")  # in order: each meets the ones before
KINDS = ("job", "apprenticeship", "placement")
SOURCES = ("self_declared", "coach_verified", "qualification", "work_experience")
OUTCOMES = ("contacted", "interview", "placed", "rejected")

# How strongly each source evidences a skill; a skill credited below EVIDENCED counts as
# missing, and course plans close it.
CLAIM_CONFIDENCE = {"coach_verified": 1.0, "qualification": 0.9, "work_experience": 0.9,
                    "self_declared": 0.8}
EVIDENCED = 0.5
# Formal recognition of an occupation, as one more "skill" a vacancy may require and a
# compensation measure may teach.
RECOGNITION_PREFIX = "recognition:"


def recognition_skill(occupation: str) -> str:
    """The pseudo-skill "formal recognition as <occupation>"."""
    return RECOGNITION_PREFIX + occupation


def recognised_occupation(skill: str) -> str | None:
    """The occupation of a recognition pseudo-skill, or None for a real skill."""
    return skill.removeprefix(RECOGNITION_PREFIX) if skill.startswith(RECOGNITION_PREFIX) \
        else None


def cefr_rank(level: str | None) -> int:
    """0 for no knowledge, 1 (A1) … 6 (C2), 7 (native)."""
    return CEFR_LEVELS.index(level) + 1 if level in CEFR_LEVELS else 0


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, the same formula as the SQL function km_between."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Evidence:
    source: str
    evidence: str | None
    confidence: float = 1.0


@dataclass
class CandidateFacts:
    id: str
    lat: float
    lon: float
    radius_km: float
    skills: dict[str, list[Evidence]]
    languages: dict[str, str]
    experience: dict[str, float]  # occupation uri -> years
    qualified: set[str]  # occupation uris of their qualifications
    vector: np.ndarray | None
    organisation_id: int = 0
    town: str = ""
    permit: str = ""
    kinds: list[str] = field(default_factory=list)
    wanted: list[str] = field(default_factory=list)  # occupations named in their preferences
    recognised: set[str] = field(default_factory=set)  # occupations, full recognition
    recognition_pending: set[str] = field(default_factory=set)  # applied or partial
    compensation: dict[str, str] = field(default_factory=dict)  # occupation -> measure
    max_eqf: int | None = None
    # Per-request memo: a wanted skill's credit depends only on the skill and this
    # candidate, and the same skills recur across the vacancies of a shortlist.
    credit_memo: dict[str, tuple[SkillCredit, float]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def strength(self, skill: str) -> float:
        return max((e.confidence for e in self.skills.get(skill, [])), default=0.0)


@dataclass
class VacancyFacts:
    id: int
    kind: str
    title: str
    employer_id: int
    occupation: str | None
    essential: list[str]
    optional: list[str]
    languages: dict[str, str]
    lat: float
    lon: float
    town: str
    vector: np.ndarray | None
    slots: int = 1
    reserved: int = 0  # slots held by active reservations (cohort allocation)
    start_date: str | None = None
    regulated: bool = False
    accepts_in_process: bool = False
    prerequisites: list[str] = field(default_factory=list)
    min_eqf: int | None = None


@dataclass
class SkillCredit:
    skill: str
    credit: float
    via: str  # exact | related | similar | none
    matched: str | None  # the candidate's skill that earned the credit


@dataclass
class CourseFacts:
    id: int
    title: str
    provider: str
    skills: set[str]
    lang: str
    min_level: str
    duration_weeks: float
    online: bool
    town: str | None
    lat: float | None
    lon: float | None
    cost_eur: float
    funding: str
    start_dates: list[dt.date]
    seats: int
    measure: str | None = None  # a compensation measure: adaptation_course | knowledge_test

    def next_start(self, today: dt.date) -> dt.date | None:
        upcoming = [d for d in self.start_dates if d >= today]
        return min(upcoming) if upcoming else None

    def summary(self, today: dt.date) -> dict[str, object]:
        start = self.next_start(today)
        return {"id": self.id, "title": self.title, "provider": self.provider,
                **({"compensation_measure": self.measure} if self.measure else {}),
                "lang": self.lang, "min_level": self.min_level,
                "duration_weeks": self.duration_weeks, "online": self.online,
                "town": self.town, "cost_eur": self.cost_eur, "funding": self.funding,
                "next_start": start.isoformat() if start else None, "seats": self.seats}
