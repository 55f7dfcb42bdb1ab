"""The demo vacancies: jobs, apprenticeships and placements posted by the demo employers
(staffing agencies for any occupation), with German titles and ad texts, a share of the
occupation's skills, German levels, start dates and slots."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from matcher.demo.common import (
    MAX_AD_SKILLS,
    MIN_ESSENTIAL,
    in_days,
    job_title,
    join,
    subset,
    training_title,
)
from matcher.demo.employers import Organisation
from matcher.demo.market import Occupation, pick
from matcher.schemas import LanguageLevel, Location, VacancyIn
from skills_taxonomy.model import Taxonomy

_BENEFITS = [  # the first one only for jobs
    "Wir bieten eine unbefristete Stelle, faire Bezahlung nach Tarif und ein herzliches Team.",
    "Eine strukturierte Einarbeitung und Unterstützung beim Deutschlernen sind selbstverständlich.",
    "Wir unterstützen bei Behördengängen und der Anerkennung ausländischer Abschlüsse.",
    "Quereinsteiger und Menschen mit Fluchterfahrung sind ausdrücklich willkommen.",
    "Gute Erreichbarkeit mit Bus und Bahn, Zuschuss zum Deutschlandticket.",
]


@dataclass(frozen=True)
class _AdSkills:
    essential: list[str]
    optional: list[str]
    essential_text: str | None
    tasks: list[str]  # German labels of the essential skills drawn


def _title(kind: str, stem: str, site: Location, rng: random.Random) -> str:
    if kind == "apprenticeship":
        return f"Ausbildung {training_title(stem)} (m/w/d)"
    if kind == "placement":
        return (f"Einstiegsqualifizierung {stem} (m/w/d)" if rng.random() < 0.3
                else f"Praktikum {stem} (m/w/d)")
    return f"{stem} (m/w/d)" + rng.choice(("", "", " in Vollzeit", " in Teilzeit",
                                           " – ab sofort", f" in {site.town}"))


def _ad_skills(occupation: Occupation, taxonomy: Taxonomy, rng: random.Random) -> _AdSkills:
    """Most essential skills, a few optional ones; sometimes the essentials as free text."""
    ess = occupation.essential
    share = round(len(ess) * rng.uniform(0.7, 1.0))
    essential = subset(rng, ess, min(MAX_AD_SKILLS, max(MIN_ESSENTIAL, share)))
    optional = subset(rng, occupation.optional, rng.randint(0, min(3, len(occupation.optional))))
    tasks = [taxonomy.concepts[u].preferred_label("de") for u in essential]
    essential_text: str | None = None
    if rng.random() < 0.15:
        essential_text, essential = join(tasks), []
    return _AdSkills(essential, optional, essential_text, tasks)


def _languages(kind: str, rng: random.Random) -> tuple[str, list[LanguageLevel]]:
    """German at a level that suits the kind of post (and that level); sometimes English
    as well."""
    if kind == "placement":
        german = "A2"
    elif kind == "apprenticeship":
        german = rng.choice(("B1", "B1", "B2"))
    else:
        german = rng.choices(("A2", "B1", "B2"), (0.15, 0.75, 0.1))[0]
    languages = [LanguageLevel(lang="de", level=german)]
    if rng.random() < 0.15:
        languages.append(LanguageLevel(lang="en", level=rng.choice(("A2", "B1"))))
    return german, languages


def _description(kind: str, stem: str, employer: Organisation, site: Location,
                 start: dt.date, slots: int, tasks: list[str], german: str,
                 rng: random.Random) -> str:
    """The ad text: an introduction by kind, the first tasks, German level, a benefit."""
    intro = {
        "job": f"{employer.name} sucht in {site.town} ab dem {start:%d.%m.%Y} Verstärkung "
               f"als {stem} (m/w/d)" + ("." if slots == 1 else f": {slots} Stellen frei."),
        "apprenticeship": f"Wir bilden aus! {employer.name} bietet ab dem {start:%d.%m.%Y} "
                          + ("einen Ausbildungsplatz" if slots == 1
                             else f"{slots} Ausbildungsplätze")
                          + f" {training_title(stem)} (m/w/d) in {site.town}.",
        "placement": f"Lernen Sie den Beruf {stem} kennen: {employer.name} bietet in "
                     f"{site.town} ein Praktikum über 4 bis 12 Wochen ab dem "
                     f"{start:%d.%m.%Y}.",
    }[kind]
    return (f"{intro} Ihre Aufgaben: {', '.join(tasks[:3])}. "
            f"Deutschkenntnisse ab Niveau {german}. "
            + rng.choice(_BENEFITS if kind == "job" else _BENEFITS[1:]))


def _vacancy(number: int, kind: str, occupation: Occupation, employer: Organisation,
             site: Location, taxonomy: Taxonomy, rng: random.Random) -> VacancyIn:
    stem = job_title(occupation.concept)
    title = _title(kind, stem, site, rng)
    skills = _ad_skills(occupation, taxonomy, rng)
    german, languages = _languages(kind, rng)
    start = in_days(rng, 0, 182)
    slots = rng.choices((1, 2, 3, 4, 5), (0.5, 0.25, 0.12, 0.08, 0.05))[0]
    if kind == "placement":
        permit = "pending" if rng.random() < 0.4 else "restricted"
    else:
        permit = "full" if rng.random() < 0.1 else "restricted"
    description = _description(kind, stem, employer, site, start, slots,
                               skills.tasks, german, rng)
    return VacancyIn(
        external_id=f"demo-vac-{number:04d}",
        kind=kind,
        title=title,
        description=description,
        occupation=occupation.uri,
        essential_skills=skills.essential,
        optional_skills=skills.optional,
        essential_skills_text=skills.essential_text,
        languages=languages,
        location=site,
        slots=slots,
        start_date=start,
        is_open=rng.random() >= 0.05,
        min_permit=permit,
        lang="de",
    )


def draw_vacancies(count: int, occupations: list[Occupation], employers: list[Organisation],
                   by_sector: dict[str, list[str]], sites: dict[str, Location],
                   taxonomy: Taxonomy, rng: random.Random) -> list[tuple[str, VacancyIn]]:
    """`count` vacancies, each with the external id of the employer that posts it."""
    employer_by_id = {e.external_id: e for e in employers}
    job_weights = [o.weight for o in occupations]
    # Apprenticeships only for trades that have one, unless nothing else is left.
    trade_weights = [0.0 if o.no_apprenticeship else o.weight for o in occupations]
    if not any(trade_weights):
        trade_weights = job_weights
    found: list[tuple[str, VacancyIn]] = []
    for i in range(count):
        kind = rng.choices(("job", "apprenticeship", "placement"), (0.7, 0.2, 0.1))[0]
        weights = trade_weights if kind == "apprenticeship" else job_weights
        occupation = pick(occupations, weights, rng)
        pool = by_sector.get(occupation.sector, [])
        if not pool or (kind == "job" and rng.random() < 0.12):
            pool = by_sector["staffing"] if kind == "job" else [e.external_id
                                                                for e in employers]
        employer_id = rng.choice(pool)
        found.append((employer_id, _vacancy(i + 1, kind, occupation,
                                            employer_by_id[employer_id],
                                            sites[employer_id], taxonomy, rng)))
    return found
