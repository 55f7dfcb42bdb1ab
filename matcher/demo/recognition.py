"""Recognition facts laid over the demo data set: qualification types and recognition
states of the candidates, regulated vacancies, school certificates for apprenticeships, and
the compensation courses of the regulated occupations. They come from an RNG of their own,
so the rest of the data does not change with them."""

from __future__ import annotations

import random

from matcher.demo.common import in_days, job_title
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import CandidateIn, CourseIn, VacancyIn
from skills_taxonomy.model import Taxonomy

_QUALIFICATION_TYPES = (("vocational_secondary", 0.45, (2, 3)), ("short_cycle", 0.25, (2, 3)),
                        ("bachelor", 0.15, (4, 4)), ("upper_secondary", 0.15, (3, 3)))
_AUTHORITIES = ("Bezirksregierung Düsseldorf", "Bezirksregierung Münster",
                "IHK FOSA Nürnberg", "Handwerkskammer zu Köln", "Bezirksregierung Köln")


def _candidates(candidates: list[tuple[str, CandidateIn]], rng: random.Random) -> None:
    """Qualification types and durations, and recognition states (none, applied, partial
    with its compensation measure, full)."""
    for i, (centre, cand) in enumerate(candidates):
        quals = []
        for q in cand.qualifications:
            qtype, _, (lo, hi) = rng.choices(_QUALIFICATION_TYPES,
                                             [t[1] for t in _QUALIFICATION_TYPES])[0]
            status = rng.choices(("none", "applied", "partial", "full"), (55, 15, 15, 15))[0]
            decided = status in ("partial", "full")
            quals.append(q.model_copy(update={
                "type": qtype, "duration_years": float(rng.randint(lo, hi)), "status": status,
                "decided_on": in_days(rng, -400, -10) if decided else None,
                "authority": rng.choice(_AUTHORITIES) if status != "none" else None,
                "compensation": rng.choice(("adaptation_course", "knowledge_test"))
                if status == "partial" else None}))
        candidates[i] = (centre, cand.model_copy(update={"qualifications": quals}))


def _vacancies(vacancies: list[tuple[str, VacancyIn]], regulated: RegulationProfile,
               taxonomy: Taxonomy, rng: random.Random) -> None:
    """Regulated vacancies open to candidates in the process; apprenticeships asking for a
    school certificate."""
    for i, (employer, vac) in enumerate(vacancies):
        concept = taxonomy.concepts.get(vac.occupation or "")
        update: dict[str, object] = {}
        if concept is not None and regulated.is_regulated(concept):
            # Some posts ask for the protected title even where helpers may work.
            update["requires_recognition"] = regulated.requires_recognition(concept) or \
                rng.random() < 0.3
            update["accepts_in_process"] = rng.random() < 0.5
        if vac.kind == "apprenticeship" and rng.random() < 0.5:
            update["min_eqf"] = 2  # a school-leaving certificate
        if update:
            vacancies[i] = (employer, vac.model_copy(update=update))


def _courses(courses: list[CourseIn], regulated: RegulationProfile, taxonomy: Taxonomy,
             rng: random.Random) -> None:
    """The last courses of the catalogue become the regulated occupations' compensation
    measures: an adaptation course and a knowledge-test preparation for each."""
    measures = [(uri, measure) for uri in sorted(regulated.occupations)
                if uri in taxonomy.concepts
                for measure in ("adaptation_course", "knowledge_test")]
    for j, (uri, measure) in enumerate(measures[:max(0, len(courses) // 10)]):
        k = len(courses) - 1 - j
        stem = job_title(taxonomy.concepts[uri])
        title = (f"Anpassungslehrgang {stem}" if measure == "adaptation_course"
                 else f"Vorbereitung Kenntnisprüfung {stem}")
        courses[k] = courses[k].model_copy(update={
            "title": title, "compensation_for": uri, "measure": measure,
            "duration_weeks": float(rng.choice((12, 16, 26) if measure == "adaptation_course"
                                               else (4, 6, 8))),
            "lang": "de", "min_level": "B1",
            "description": f"{title}: Ausgleichsmaßnahme für die Anerkennung eines "
                           "ausländischen Abschlusses (Teilanerkennung)."})


def add_recognition(candidates: list[tuple[str, CandidateIn]],
                    vacancies: list[tuple[str, VacancyIn]], courses: list[CourseIn],
                    taxonomy: Taxonomy, seed: int) -> None:
    """Recognition facts on top of the data set (changed in place), from an RNG of their
    own seeded from `seed`."""
    rng = random.Random(seed * 7919 + 1)
    regulated = RegulationProfile("DE")
    _candidates(candidates, rng)
    _vacancies(vacancies, regulated, taxonomy, rng)
    _courses(courses, regulated, taxonomy, rng)
