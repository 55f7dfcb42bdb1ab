"""A demo candidate's life course: the schooling and training their work aims at (school
certificates, a vocational, college or university qualification in a field), the age they
finished it, the year they came to Germany, and the jobs they held before and since. The
years agree with each other: certificates before arrival, work after school, no more years
of work than years since the first certificate.

Who works below their qualification (a graduate in a kitchen) holds a degree in a subject
of its own, and the elementary job is short and recent."""

from __future__ import annotations

import random
from dataclasses import dataclass

from matcher.demo.common import REFERENCE_DATE, job_label, job_title
from matcher.demo.market import Occupation
from matcher.demo.origins import Origin, Person
from matcher.demo.schooling import (
    GENERAL,
    Certificate,
    certificate,
    certificate_title,
    has_label,
    subject,
)
from matcher.recognition.recogniser import typical_eqf
from matcher.schemas import Experience, Qualification

# What people aiming at an occupation usually hold, by its ISCO major group. "related": a
# vocational qualification in a skilled trade of the same sector (a cook in a kitchen
# helper's job); "degree": a university subject of its own (working below it).
_TIERS: dict[str, dict[str, float]] = {
    "9": {"none": 8, "primary": 6, "lower_secondary": 28, "upper_secondary": 32,
          "related": 18, "degree": 8},
    "5": {"none": 3, "primary": 2, "lower_secondary": 14, "upper_secondary": 24,
          "vocational_secondary": 47, "degree": 10},
    "7": {"none": 2, "lower_secondary": 10, "upper_secondary": 14,
          "vocational_secondary": 52, "short_cycle": 17, "degree": 5},
    "3": {"upper_secondary": 10, "vocational_secondary": 25, "short_cycle": 40,
          "bachelor": 25},
    "2": {"short_cycle": 10, "bachelor": 70, "master": 20},
}
_TIER_OF_MAJOR = {"0": "2", "1": "2", "2": "2", "3": "3", "4": "3", "5": "5", "6": "5",
                  "7": "7", "8": "5", "9": "9"}
# Crafts with a technical college programme (electrical, mechanical, building services).
_COLLEGE_TRADES = ("72", "74", "7126", "7127")
_LITTLE_SCHOOLING = ("none", "primary", "lower_secondary")
_HIGHER = ("short_cycle", "bachelor", "master", "degree")
_FINISH_AGE = {"primary": 12, "lower_secondary": 15, "upper_secondary": 18}
_MAX_YEARS_HERE_IN_TARGET = 6.0
_MAX_BELOW_DEGREE = 3.0  # a graduate's elementary job: short and recent
# Share of trade qualifications written with the certificate's full name ("диплом
# кваліфікованого робітника за професією кухар"); the rest name only the trade ("кухар"),
# their type and length recorded beside it. Long unique titles cost the engine's linker
# most of a candidate's load time.
_CERTIFICATE_NAMED = 0.25
# Share of trade and university graduates who also list the school certificate before it.
_SCHOOL_LISTED = 0.3
# Share of jobs whose occupation the coach picked from the list (the rest are linked from
# their title when the candidate is loaded).
_OCCUPATION_PICKED = 0.6


@dataclass(frozen=True)
class Held:
    """A qualification and the occupation it trains for (None: school, a subject)."""
    qualification: Qualification
    field: Occupation | None


@dataclass(frozen=True)
class Job:
    experience: Experience
    occupation: Occupation | None  # None: a profession outside the taxonomy's pool


@dataclass(frozen=True)
class Life:
    target: Occupation
    held: list[Held]  # the highest first
    jobs: list[Job]  # the latest first
    below_degree: bool  # a graduate aiming at work below their degree


@dataclass(frozen=True)
class Pool:
    """What every candidate is drawn from."""
    occupations: list[Occupation]
    weights: list[float]
    female: list[float]  # the weights for women: fewer in construction, more in care
    native_langs: frozenset[str]  # languages the taxonomy has labels in


def _tier(target: Occupation, origin: Origin, rng: random.Random) -> str:
    code = target.concept.isco_code.replace(".", "")
    weights = dict(_TIERS[_TIER_OF_MAJOR.get(code[:1], "5")])
    if code.startswith("7") and not code.startswith(_COLLEGE_TRADES):
        weights.pop("short_cycle", None)  # no college teaches bricklaying
    for tier in weights:  # less schooling where schools were closed or far
        if tier in _LITTLE_SCHOOLING:
            unschooled = origin.universal_school and tier != "lower_secondary"
            weights[tier] = 0.0 if unschooled else weights[tier] / origin.schooled
        elif tier in _HIGHER:
            weights[tier] *= origin.schooled
    return rng.choices(list(weights), list(weights.values()))[0]


def _half_years(rng: random.Random, most: float) -> float:
    """Half a year up to `most` (at least half a year)."""
    return rng.randint(1, max(1, int(most * 2))) / 2


def _related(target: Occupation, pool: Pool) -> list[Occupation]:
    """Skilled trades of the target's sector that someone in its elementary job may have
    learnt (a cook for a kitchen helper, a forklift driver for a warehouse worker)."""
    return [o for o in pool.occupations if target.sector and o.sector == target.sector
            and o.concept.isco_code[:1] in "345678"]


@dataclass(frozen=True)
class _Plan:
    """The education a life is built on, before its years are known."""
    main: Certificate | None
    field: Occupation | None
    subject: tuple[str, str, str] | None  # (native, English, job at home)
    school: Certificate | None  # the school certificate before it, if any


def _plan(tier: str, person: Person, target: Occupation, pool: Pool,
          rng: random.Random) -> _Plan:
    country, lang = person.origin.country, person.origin.lang
    if tier == "none":
        return _Plan(None, None, None, None)
    if tier in GENERAL:
        return _Plan(certificate(country, tier, rng), None, None, None)
    field: Occupation | None = target
    if tier == "related":
        related = _related(target, pool)
        field = rng.choice(related) if related else None
    elif tier == "degree":
        field = None
    qtype = {"related": "vocational_secondary", "degree": "bachelor"}.get(tier, tier)
    usual = typical_eqf(field.concept) if field is not None else None
    main = certificate(country, qtype, rng, max_level=usual + 1 if usual else 8)
    if main is None or (tier == "related" and field is None):
        return _Plan(certificate(country, "upper_secondary", rng), None, None, None)
    school_type = "lower_secondary" if qtype == "vocational_secondary" and \
        rng.random() < 0.5 else "upper_secondary"
    school = certificate(country, school_type, rng) if rng.random() < _SCHOOL_LISTED else None
    return _Plan(main, field, subject(lang, rng) if tier == "degree" else None, school)


def _finish_ages(plan: _Plan, rng: random.Random) -> tuple[int, int]:
    """(age at the school certificate, age at the last qualification)."""
    if plan.main is None:
        return 16, 16
    if plan.main.type in GENERAL:
        age = _FINISH_AGE[plan.main.type] + rng.randint(0, 1)
        return age, age
    school_age = 15 if plan.school and plan.school.type == "lower_secondary" else 18
    school_age += rng.randint(0, 1)
    extra = 2 if plan.main.type == "master" else 0  # a bachelor's first
    return school_age, school_age + round(plan.main.duration) + extra + rng.randint(0, 2)


def _held(plan: _Plan, person: Person, pool: Pool, years: tuple[int, int],
          rng: random.Random) -> list[Held]:
    country, lang = person.origin.country, person.origin.lang
    native = lang in pool.native_langs
    found: list[Held] = []
    if plan.main is not None:
        field_text = ""
        if plan.field is not None:
            native = has_label(plan.field.concept, lang)
            field_text = plan.field.concept.preferred_label(lang if native else "en")
        elif plan.subject is not None:
            field_text = plan.subject[0] if native else plan.subject[1]
        # A subject alone ("Education") would read as a school certificate's name.
        named = plan.subject is not None or rng.random() < _CERTIFICATE_NAMED
        title = certificate_title(plan.main, lang, native, field_text, named)
        found.append(Held(Qualification(title=title, country=country, year=years[1],
                                        type=plan.main.type,
                                        duration_years=plan.main.duration), plan.field))
    if plan.school is not None:
        title = certificate_title(plan.school, lang, lang in pool.native_langs)
        found.append(Held(Qualification(title=title, country=country, year=years[0],
                                        type=plan.school.type,
                                        duration_years=plan.school.duration), None))
    return found


def _job(occupation: Occupation, years: float, lang: str | None, rng: random.Random) -> Job:
    """A job at home (titled in `lang`) or in Germany (`lang` None: the German title)."""
    title = job_title(occupation.concept) if lang is None else \
        job_label(occupation.concept, lang, rng)
    uri = occupation.uri if rng.random() < _OCCUPATION_PICKED else None
    return Job(Experience(title=title, years=years, occupation=uri), occupation)


def _home_occupation(plan: _Plan, target: Occupation, female: bool, pool: Pool,
                     rng: random.Random) -> Occupation:
    """The trade learnt, else the target or another job open to the unqualified (what
    women and men there usually do: the divide is starker than in Germany)."""
    if plan.field is not None:
        return plan.field
    if rng.random() < 0.6:
        return target
    weights = [f * f / w for f, w in zip(pool.female, pool.weights, strict=True)] \
        if female else pool.weights
    open_to_all = [(o, w) for o, w in zip(pool.occupations, weights, strict=True)
                   if o.concept.isco_code[:1] in "5689" and o.uri != target.uri]
    if not open_to_all:
        return target
    return rng.choices([o for o, _ in open_to_all], [w for _, w in open_to_all])[0]


def _jobs(plan: _Plan, person: Person, target: Occupation, home_years: int, pool: Pool,
          rng: random.Random, always: bool = False) -> list[Job]:
    """A job in Germany (in the target) and one at home, each only sometimes."""
    here = REFERENCE_DATE.year - person.arrival
    jobs: list[Job] = []
    below = plan.subject is not None
    if (always or rng.random() < (0.75 if below else 0.4)) and here >= 1:
        most = min(here - 0.5, _MAX_BELOW_DEGREE if below else _MAX_YEARS_HERE_IN_TARGET)
        jobs.append(_job(target, _half_years(rng, most), None, rng))
    if (always or rng.random() < (0.5 if below else 0.6)) and home_years >= 1:
        years = _half_years(rng, min(home_years, 15))
        if plan.subject is not None:
            jobs.append(Job(Experience(title=plan.subject[2], years=years), None))
        else:
            occupation = _home_occupation(plan, target, person.female, pool, rng)
            jobs.append(_job(occupation, years, person.origin.lang, rng))
    return jobs


def draw_life(person: Person, target: Occupation, pool: Pool, rng: random.Random,
              trained: bool = False) -> Life:
    """Education, the years it took, and the jobs since: certificates earned before
    arrival, work only after school."""
    tier = _tier(target, person.origin, rng)
    if trained:  # a vocational qualification in the target and jobs in it
        tier = "related" if target.concept.isco_code.startswith("9") else "vocational_secondary"
    plan = _plan(tier, person, target, pool, rng)
    school_age, finish_age = _finish_ages(plan, rng)
    age_at_arrival = max(round(rng.triangular(18, 48, 27)), finish_age)
    birth = person.arrival - age_at_arrival
    held = _held(plan, person, pool, (birth + school_age, birth + finish_age), rng)
    jobs = _jobs(plan, person, target, age_at_arrival - finish_age, pool, rng, trained)
    return Life(target, held, jobs, plan.subject is not None)
