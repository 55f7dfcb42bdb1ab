"""The demo labour market: sectors (ISCO prefixes, relative demand, employer-name patterns)
and the usable occupations of a taxonomy, most demanded first, with Zipf-like weights."""

from __future__ import annotations

import random
from dataclasses import dataclass

from matcher.demo.common import MIN_ESSENTIAL
from skills_taxonomy.model import Concept, ConceptKind, Taxonomy


@dataclass(frozen=True)
class Sector:
    key: str
    isco: tuple[str, ...]  # ISCO code prefixes of its occupations
    demand: float  # relative number of vacancies
    employers: int
    names: tuple[str, ...]  # {s}: a surname, {r}: a region


SECTORS = [
    Sector("care", ("532",), 3.0, 6, (
        "Ambulanter Pflegedienst {s}", "Seniorenzentrum Am Park gGmbH",
        "Pflegeteam {s} GmbH", "Seniorenresidenz {r} GmbH", "Haus Lindenhof Pflege gGmbH",
        "Pflegedienst Lebensfreude {r}")),
    Sector("childcare", ("531",), 1.0, 2, ("Kita Regenbogen gGmbH", "Kinderhaus {s} e.V.",
                                           "Kita Sonnenblume {r}")),
    Sector("hospitality", ("512", "513", "9412", "9411"), 2.2, 6, (
        "Hotel {s}", "Brauhaus {s}", "Restaurant Zur Linde", "Gasthof {s}",
        "Catering {s} GmbH", "Hotel {r} am Bahnhof", "Landgasthof {s}")),
    Sector("cleaning", ("911", "912"), 2.0, 4, (
        "Gebäudereinigung {s} GmbH", "{s} Facility Services GmbH", "Glanz & Sauber {r} GmbH",
        "Industriereinigung {s} GmbH & Co. KG")),
    Sector("logistics", ("933", "834", "832"), 2.6, 5, (
        "{s} Logistik GmbH", "Spedition {s} GmbH & Co. KG", "{r} Logistik GmbH",
        "Kurierdienst {s}", "Lagerservice {s} GmbH")),
    Sector("transport", ("833",), 1.2, 2, ("Busreisen {s} GmbH", "Transporte {s} GmbH & Co. KG",
                                          "{r} Nahverkehrsdienste GmbH")),
    Sector("retail", ("52",), 1.6, 4, (
        "Frischemarkt {s} e.K.", "Getränkemarkt {s}", "Modehaus {s}", "{r} Einkaufsmarkt GmbH",
        "Drogerie {s}")),
    Sector("agriculture", ("61", "92"), 0.8, 3, (
        "Gärtnerei {s}", "Obsthof {s}", "Hof {s} GbR", "Gemüsebau {s}",
        "Garten- und Landschaftsbau {s} GmbH")),
    Sector("beauty", ("514",), 0.7, 2, ("Friseursalon {s}", "Haarstudio {s}",
                                       "Barbershop {r}")),
    Sector("textile", ("753", "815"), 0.4, 2, ("Änderungsschneiderei {s}", "Textilpflege {s}",
                                              "Polsterei und Näherei {s}")),
    Sector("security", ("541",), 0.9, 2, ("{s} Sicherheitsdienst GmbH",
                                         "Objektschutz {r} GmbH")),
    Sector("food", ("751",), 0.8, 2, ("Bäckerei {s}", "Backstube {s} GmbH",
                                     "Metzgerei {s}")),
    Sector("construction", ("711", "712", "713", "931", "8342"), 2.4, 7, (
        "Bauunternehmung {s} GmbH", "{s} Bau GmbH & Co. KG", "Dachdeckerei {s}",
        "Malerbetrieb {s}", "Fliesen {s} GmbH", "Gerüstbau {s}", "Trockenbau {s} GmbH",
        "Tiefbau {r} GmbH", "Holzbau {s}")),
    Sector("metal", ("721", "722", "7233", "7222", "7212"), 1.4, 4, (
        "Metallbau {s} GmbH", "{s} Maschinenbau GmbH", "Stahlbau {r} GmbH",
        "Präzisionsteile {s} GmbH & Co. KG")),
    Sector("automotive", ("7231", "7213"), 1.0, 3, ("Autohaus {s} GmbH", "Kfz-Werkstatt {s}",
                                                  "Karosserie- und Lackzentrum {r}")),
    Sector("building_services", ("741", "7126", "7127", "3115"), 2.2, 5, (
        "Elektro {s} GmbH", "Haustechnik {s} GmbH", "Sanitär und Heizung {s}",
        "{s} Solartechnik GmbH", "Kälte-Klima {r} GmbH", "Elektro {s} & Söhne")),
    Sector("it", ("35", "25"), 0.6, 1, ("{s} IT-Service GmbH", "Systemhaus {r} GmbH")),
]
# Temporary-work agencies post for every occupation, as they do in Germany.
STAFFING = Sector("staffing", (), 0.0, 3, (
    "{s} Personaldienstleistungen GmbH", "{r} Personal GmbH", "Zeitarbeit {s} GmbH"))


def _sector_of(concept: Concept) -> Sector | None:
    """The sector whose ISCO prefix matches the occupation's code most closely."""
    code = concept.isco_code.replace(".", "")
    best: Sector | None = None
    best_len = 0
    for sector in SECTORS:
        for prefix in sector.isco:
            if code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = sector, len(prefix)
    return best


@dataclass(frozen=True)
class Occupation:
    concept: Concept
    essential: tuple[str, ...]
    optional: tuple[str, ...]
    sector: str
    weight: float  # share of vacancies: a few occupations dominate, as in a real market

    @property
    def uri(self) -> str:
        return self.concept.uri

    @property
    def no_apprenticeship(self) -> bool:
        """Elementary work (ISCO 9) and forklift driving (8344) are learnt on the job;
        managers and professionals (1, 2) and armed forces (0) study instead."""
        return self.concept.isco_code.startswith(("0", "1", "2", "9", "8344"))


def _demand(concept: Concept, sector: Sector | None) -> float:
    """Relative vacancy demand of an occupation, before the random spread."""
    if sector is not None:
        return sector.demand
    if concept.isco_code[:1] in ("1", "2", "0"):
        return 0.1  # managers, professionals, armed forces: rare in this caseload
    if concept.isco_code[:1] in ("3", "4"):
        return 0.3  # technicians and clerks: need recognised German qualifications
    return 0.5


def usable_occupations(taxonomy: Taxonomy, rng: random.Random) -> list[Occupation]:
    """Usable occupations, most demanded first, with Zipf-like vacancy weights."""
    scored: list[tuple[float, Concept, str]] = []
    for concept in sorted(taxonomy.of_kind(ConceptKind.OCCUPATION), key=lambda c: c.uri):
        if len(taxonomy.essential_skills(concept.uri)) < MIN_ESSENTIAL:
            continue
        sector = _sector_of(concept)
        demand = _demand(concept, sector)
        scored.append((demand * rng.uniform(0.5, 1.5), concept, sector.key if sector else ""))
    if not scored:
        raise ValueError(f"no occupation with at least {MIN_ESSENTIAL} essential skills")
    scored.sort(key=lambda item: (-item[0], item[1].uri))
    return [
        Occupation(
            concept=concept,
            essential=tuple(sorted(taxonomy.essential_skills(concept.uri))),
            optional=tuple(sorted(taxonomy.optional_skills(concept.uri))),
            sector=sector,
            weight=1.0 / (rank + 1) ** 0.8,
        )
        for rank, (_, concept, sector) in enumerate(scored)
    ]


def pick(pool: list[Occupation], weights: list[float], rng: random.Random) -> Occupation:
    """One occupation drawn by weight."""
    return pool[rng.choices(range(len(pool)), weights=weights)[0]]
