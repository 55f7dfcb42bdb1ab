"""The demo candidates: migrants from the main countries of origin (`origins`), named and
writing in their own languages, with German levels, a life course of certificates and jobs
that fit together (`biography`), skill claims each evidenced by what taught it (`claims`),
living near one of the migration centres."""

from __future__ import annotations

import random

from matcher.demo.biography import Life, Pool, draw_life
from matcher.demo.claims import Neighbours, draw_claims
from matcher.demo.common import REFERENCE_DATE, ascii_id
from matcher.demo.market import Occupation, pick
from matcher.demo.origins import Person, draw_languages, draw_person
from matcher.demo.places import CENTRES, candidate_town, location
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import CandidateIn, Consent, Personal, Preferences
from skills_taxonomy.model import ConceptKind, Taxonomy

# How much likelier women than the caseload as a whole aim at a sector's work; drivers and
# machine operators (ISCO 83) are few among them.
_WOMEN = {"care": 2.0, "childcare": 3.0, "cleaning": 1.8, "beauty": 1.8, "textile": 2.0,
          "hospitality": 1.3, "retail": 1.5, "construction": 0.05, "building_services": 0.1,
          "metal": 0.15, "automotive": 0.1, "transport": 0.1, "security": 0.4,
          "logistics": 0.6}
_WOMEN_DRIVING = 0.1


def _women(occupation: Occupation) -> float:
    if occupation.concept.isco_code.startswith("83"):
        return _WOMEN_DRIVING
    return _WOMEN.get(occupation.sector, 1.0)
_PHONE_PREFIXES = tuple("151 152 157 159 160 162 163 170 171 172 173 174 175 176 177 178 "
                        "179".split())


def _personal(person: Person, used_emails: set[str], rng: random.Random) -> Personal:
    """The name, a unique e-mail address (most have one) and a German mobile number
    (many)."""
    email: str | None = None
    if rng.random() < 0.8:
        local = f"{ascii_id(person.given)}.{ascii_id(person.family)}"
        email, n = f"{local}@example.org", 2
        while email in used_emails:
            email, n = f"{local}{n}@example.org", n + 1
        used_emails.add(email)
    phone = None
    if rng.random() < 0.7:
        phone = f"+49 {rng.choice(_PHONE_PREFIXES)} {rng.randint(1_000_000, 99_999_999)}"
    return Personal(name=person.name, email=email, phone=phone)


def _preferences(life: Life, rng: random.Random, showcase: bool = False) -> Preferences:
    """Kinds of post, and the target occupation: always named by those whose past holds
    nothing of it (they came to the centre wanting that work), else most of the time."""
    roll = rng.random()
    kinds = (["job", "apprenticeship", "placement"] if roll < 0.7 or showcase
             else ["job"] if roll < 0.85 else ["apprenticeship", "placement"])
    past = {j.occupation.uri for j in life.jobs if j.occupation} | \
        {h.field.uri for h in life.held if h.field}
    named = life.target.uri not in past or rng.random() < 0.7 or showcase
    return Preferences(kinds=kinds, occupations=[life.target.uri] if named else [])


def _candidate(number: int, centre_town: str, pool: Pool, taxonomy: Taxonomy,
               neighbours: Neighbours, used_emails: set[str], rng: random.Random,
               showcase: Occupation | None = None) -> CandidateIn:
    """One candidate; `showcase`: the occupation of the demo's migrant user, trained and
    experienced in it, who may work and travel far, so the demo opens on their matches."""
    person = draw_person(rng)
    lang = person.origin.lang
    personal = _personal(person, used_emails, rng)
    languages = draw_languages(person, REFERENCE_DATE.year - person.arrival, rng)
    target = pick(pool.occupations, pool.female if person.female else pool.weights, rng)
    target = showcase or target
    life = draw_life(person, target, pool, rng, trained=showcase is not None)
    claims = draw_claims(life, lang, taxonomy, neighbours, rng)
    permit = rng.choices(("full", "restricted", "pending", "none"), person.origin.permits)[0]
    return CandidateIn(
        external_id=f"demo-cand-{number:04d}",
        personal=personal,
        languages=languages,
        location=location(candidate_town(centre_town, rng), rng),
        travel_radius_km=50 if showcase else rng.choice((10, 15, 20, 25, 30, 40, 50, 60)),
        work_permit="full" if showcase else permit,
        qualifications=[h.qualification for h in life.held],
        skills=claims,
        experience=[j.experience for j in life.jobs],
        preferences=_preferences(life, rng, showcase is not None),
        consents=[Consent(employer_id=None)] if rng.random() < 0.2 else [],
        lang=lang,
    )


def draw_candidates(count: int, occupations: list[Occupation], taxonomy: Taxonomy,
                    rng: random.Random) -> list[tuple[str, CandidateIn]]:
    """`count` candidates, each with the external id of the centre that looks after them."""
    langs = frozenset(lb.lang for c in taxonomy.of_kind(ConceptKind.OCCUPATION)
                      for lb in c.labels)
    # Candidates' occupations follow demand less steeply than vacancies do.
    weights = [o.weight ** 0.5 for o in occupations]
    female = [w * _women(o) for w, o in zip(weights, occupations, strict=True)]
    pool = Pool(occupations, weights, female, langs)
    neighbours = Neighbours.of(occupations)
    regulated = RegulationProfile("DE")
    # The first candidate is the demo's migrant user: the most demanded open trade.
    showcase = next((o for o in occupations if not regulated.is_regulated(o.concept)),
                    occupations[0])
    used_emails: set[str] = set()
    found: list[tuple[str, CandidateIn]] = []
    for i in range(count):
        ext, _, town, _ = CENTRES[rng.choices(range(len(CENTRES)),
                                              weights=[c[3] for c in CENTRES])[0]]
        found.append((ext, _candidate(i + 1, town, pool, taxonomy, neighbours, used_emails,
                                      rng, showcase if i == 0 else None)))
    return found
