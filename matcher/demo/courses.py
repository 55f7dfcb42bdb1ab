"""The demo course catalogue: local and online providers in NRW offering courses that teach
a few skills of an occupation, in German or a migrant language, with funding, cost and
start dates; together the courses cover the most demanded occupations' skills."""

from __future__ import annotations

import random

from matcher.demo.common import in_days, job_title, join
from matcher.demo.market import Occupation
from matcher.demo.places import location
from matcher.schemas import CourseIn
from skills_taxonomy.model import Taxonomy

# (provider, town or None for online-only, sector keys it teaches; empty: any)
_PROVIDERS: list[tuple[str, str | None, tuple[str, ...]]] = [
    ("VHS Köln", "Köln", ()),
    ("VHS Dortmund", "Dortmund", ()),
    ("VHS Essen", "Essen", ()),
    ("Bildungszentrum Ruhr", "Bochum", ()),
    ("IHK-Bildungsinstitut Dortmund", "Dortmund",
     ("logistics", "retail", "metal", "it", "security", "hospitality", "transport")),
    ("Handwerkskammer Düsseldorf Bildungszentrum", "Düsseldorf",
     ("construction", "building_services", "metal", "automotive", "food", "beauty", "textile")),
    ("Berufsbildungszentrum Niederrhein", "Krefeld", ()),
    ("Bildungswerk Bergisches Land", "Wuppertal", ()),
    ("Pflegeschule Westfalen", "Münster", ("care", "childcare")),
    ("Akademie für Pflege und Soziales Rheinland", "Köln", ("care", "childcare")),
    ("Logistik-Akademie Rhein-Ruhr", "Duisburg", ("logistics", "transport")),
    ("Bau-Bildungszentrum Hamm", "Hamm", ("construction", "building_services")),
    ("Bildungsakademie Ostwestfalen", "Bielefeld", ()),
    ("Technikum Aachen Weiterbildung", "Aachen", ("metal", "building_services", "it")),
    ("Gastro-Schule Rheinland", "Bonn", ("hospitality", "food", "cleaning")),
    ("Grüne Berufe Bildungszentrum Münsterland", "Münster", ("agriculture",)),
    ("LernWerk Online-Akademie", None, ()),
    ("Weiterbildung24 online", None, ()),
    ("Deutsch & Beruf digital", None, ()),
]
_COURSE_LANGS = {"de": "Deutsch", "en": "Englisch", "ar": "Arabisch", "uk": "Ukrainisch"}
_COURSE_SUFFIX = {"de": "", "en": " (in englischer Sprache)", "ar": " – Kurs auf Arabisch",
                  "uk": " – Kurs auf Ukrainisch"}
# (funding, weight, lowest cost, highest cost)
_FUNDING = [("Bildungsgutschein", 0.35, 800, 3000), ("kostenlos (Jobcenter)", 0.25, 0, 0),
            ("BAMF", 0.1, 0, 300), ("Arbeitgeber", 0.12, 200, 1500),
            ("Selbstzahler", 0.18, 50, 900)]


def _taught(occupation: Occupation, covered: set[str], rng: random.Random) -> list[str]:
    """2 to 6 essential skills, those no earlier course teaches first, so the catalogue
    covers the field."""
    ess = list(occupation.essential)
    fresh = [u for u in ess if u not in covered]
    rng.shuffle(fresh)
    rest = [u for u in ess if u in covered]
    rng.shuffle(rest)
    k = min(len(ess), rng.randint(2, 6))
    taught = sorted((fresh + rest)[:k], key=ess.index)
    covered.update(taught)
    return taught


def _provider(occupation: Occupation, rng: random.Random) -> tuple[bool, str, str | None]:
    """(online?, provider, its town): online courses come mostly from online academies,
    some from local providers."""
    online = rng.random() < 0.3
    fitting = [p for p in _PROVIDERS if not p[2] or occupation.sector in p[2]]
    online_only = online and rng.random() < 0.6
    pool = [p for p in fitting if (p[1] is None) == online_only]
    provider, town, _ = rng.choice(pool or _PROVIDERS[:1])
    return online, provider, town


def _title(stem: str, first: str, lang: str, rng: random.Random) -> str:
    return rng.choice([
        f"Teilqualifizierung {stem} – Modul {rng.randint(1, 5)}", f"Grundlagenkurs {stem}",
        f"Praxisseminar: {first}", f"Zertifikatslehrgang {stem}",
        f"Anpassungsqualifizierung {stem}", f"Kompaktkurs {first}",
        f"Berufsorientierung {stem} mit Fachsprache",
    ]) + _COURSE_SUFFIX[lang]


def _course(number: int, occupation: Occupation, covered: set[str], taxonomy: Taxonomy,
            rng: random.Random) -> CourseIn:
    taught = _taught(occupation, covered, rng)
    online, provider, town = _provider(occupation, rng)
    lang = rng.choices(("de", "en", "ar", "uk"), (0.75, 0.09, 0.09, 0.07))[0]
    min_level = rng.choice(("A2", "B1")) if lang == "de" else rng.choice(("A1", "A2"))
    first = taxonomy.concepts[taught[0]].preferred_label("de")
    title = _title(job_title(occupation.concept), first, lang, rng)
    skill_names = join([taxonomy.concepts[u].preferred_label("de") for u in taught])
    skills_text: str | None = None
    if rng.random() < 0.08:
        skills_text, taught = skill_names, []

    funding, _, lo, hi = rng.choices(_FUNDING, [f[1] for f in _FUNDING])[0]
    cost = float(round(rng.uniform(lo, hi), -1)) if hi else 0.0
    starts = sorted({in_days(rng, 7, 270) for _ in range(rng.randint(1, 4))})
    return CourseIn(
        external_id=f"demo-course-{number:03d}",
        provider=provider,
        title=title,
        description=(f"Der Kurs vermittelt praxisnah: {skill_names}. Unterrichtssprache "
                     f"{_COURSE_LANGS[lang]}, Einstieg ab Niveau {min_level}. "
                     + ("Online mit Live-Unterricht am Vormittag." if online
                        else f"Präsenzunterricht mit Praxisanteil in {town}.")),
        skills=taught,
        skills_text=skills_text,
        lang=lang,
        min_level=min_level,
        duration_weeks=rng.choice((1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 26)),
        online=online,
        location=None if online or town is None else location(town, rng),
        cost_eur=cost,
        funding=funding,
        start_dates=starts,
        seats=0 if rng.random() < 0.05 else rng.randint(4, 25),
    )


def draw_courses(count: int, occupations: list[Occupation], taxonomy: Taxonomy,
                 rng: random.Random) -> list[CourseIn]:
    """`count` courses: most cycle through the most demanded occupations, a few are for
    the rest."""
    frequent = occupations[:max(5, count // 5)]
    covered: set[str] = set()
    found: list[CourseIn] = []
    for i in range(count):
        occupation = (rng.choice(occupations) if rng.random() < 0.15
                      else frequent[i % len(frequent)])
        found.append(_course(i + 1, occupation, covered, taxonomy, rng))
    return found
