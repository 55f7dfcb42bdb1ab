"""Recognition facts laid over the demo data set: recognition states of the candidates'
qualifications (each decided by the authority for its kind and trade), regulated
vacancies, school certificates for apprenticeships, and the compensation courses of the
regulated occupations. They come from an RNG of their own, so the rest of the data does not
change with them."""

from __future__ import annotations

import random

from matcher.demo.common import in_days, job_title
from matcher.demo.schooling import GENERAL, field_of
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import CandidateIn, CourseIn, Qualification, VacancyIn
from skills_taxonomy.model import Concept, ConceptKind, LabelType, Taxonomy

_SCHOOLS = "Bezirksregierung Düsseldorf"  # foreign school certificates in NRW
_DEGREES = "Zentralstelle für ausländisches Bildungswesen (ZAB)"
_CHAMBERS = ("Handwerkskammer zu Köln", "Handwerkskammer Düsseldorf", "Handwerkskammer Dortmund")
# ISCO prefixes of the crafts (Handwerkskammer), care and childcare, and farming; the rest
# of the trades go to the chambers of commerce' central office.
_CRAFTS = ("71", "7212", "7213", "7214", "7231", "741", "751", "753", "5141", "3115")
_BY_PREFIX = (("532", "Bezirksregierung Münster"), ("531", "Bezirksregierung Köln"),
              ("6", "Landwirtschaftskammer Nordrhein-Westfalen"))
# (status, weight) by kind: a school certificate or degree is evaluated (no compensation
# measures); a vocational qualification can be found partly equivalent.
_STATUS = {"school": (("none", 70), ("applied", 10), ("full", 20)),
           "degree": (("none", 60), ("applied", 15), ("full", 25)),
           "trade": (("none", 55), ("applied", 15), ("partial", 15), ("full", 15))}


def _trades(taxonomy: Taxonomy, langs: set[str]) -> dict[str, Concept]:
    """Occupations by their preferred label in the candidates' languages (a vocational
    title names its trade by that label)."""
    found: dict[str, Concept] = {}
    for concept in sorted(taxonomy.of_kind(ConceptKind.OCCUPATION), key=lambda c: c.uri):
        for lb in concept.labels:
            if lb.type is LabelType.PREFERRED and lb.lang in langs:
                found.setdefault(lb.text, concept)
    return found


def _authority(q: Qualification, trades: dict[str, Concept], rng: random.Random) -> str:
    """Who decides on a vocational qualification: the body for its trade."""
    trade = trades.get(field_of(q.title, q.country or ""))
    code = trade.isco_code.replace(".", "") if trade is not None else ""
    for prefix, authority in _BY_PREFIX:
        if code.startswith(prefix):
            return authority
    return rng.choice(_CHAMBERS) if code.startswith(_CRAFTS) else "IHK FOSA Nürnberg"


def _recognised(q: Qualification, trades: dict[str, Concept],
                rng: random.Random) -> Qualification:
    """A recognition state (none, applied, partial with its compensation measure, full)
    and the authority that fits the kind of qualification."""
    kind = ("school" if q.type in GENERAL else "degree" if q.type in ("bachelor", "master")
            else "trade")
    options = _STATUS[kind]
    status = rng.choices([o[0] for o in options], [o[1] for o in options])[0]
    authority = {"school": _SCHOOLS, "degree": _DEGREES}.get(kind) or \
        _authority(q, trades, rng)
    decided = status in ("partial", "full")
    return q.model_copy(update={
        "status": status, "decided_on": in_days(rng, -400, -10) if decided else None,
        "authority": authority if status != "none" else None,
        "compensation": rng.choice(("adaptation_course", "knowledge_test"))
        if status == "partial" else None})


def _candidates(candidates: list[tuple[str, CandidateIn]], taxonomy: Taxonomy,
                rng: random.Random) -> None:
    """Recognition states of the candidates' qualifications."""
    langs = {"en"} | {c.lang for _, c in candidates if c.lang}
    trades = _trades(taxonomy, langs) if candidates else {}
    for i, (centre, cand) in enumerate(candidates):
        quals = [_recognised(q, trades, rng) for q in cand.qualifications]
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
    _candidates(candidates, taxonomy, rng)
    _vacancies(vacancies, regulated, taxonomy, rng)
    _courses(courses, regulated, taxonomy, rng)
