"""The demo employers: about 60 firms across the sectors plus staffing agencies, each with a
German name (surname or region pattern), a town weighted by population and one fixed site."""

from __future__ import annotations

import random
from dataclasses import dataclass

from matcher.demo.market import SECTORS, STAFFING, Sector
from matcher.demo.places import POPULATION, REGION_OF, TOWNS, location, weighted
from matcher.schemas import Location


@dataclass
class Organisation:
    external_id: str
    name: str
    kind: str  # 'centre' | 'employer'
    town: str = ""


_SURNAMES_DE = """Schmitz Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz
    Hoffmann Koch Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger
    Hartmann Lange Schmitt Werner Krause Lehmann Köhler Herrmann Kaiser Peters Jansen
    Hendricks Brinkmann Kötter Terhorst Wessels Pütz Esser Kremer Lindemann Overbeck""".split()


def _name(sector: Sector, town: str, used: set[str], rng: random.Random) -> str:
    """An employer name not given yet (the town appended when 20 draws all clash)."""
    name = ""
    for _attempt in range(20):
        region = rng.choice((REGION_OF[town], REGION_OF[town], town))
        name = rng.choice(sector.names).format(s=rng.choice(_SURNAMES_DE), r=region)
        if name not in used:
            break
    if name in used:
        name = f"{name} {town}"
    used.add(name)
    return name


def draw_employers(rng: random.Random) -> tuple[list[Organisation], dict[str, list[str]],
                                                dict[str, Location]]:
    """~60 employers: their ids by sector key, and one fixed site each."""
    towns = [name for name, _, _ in TOWNS]
    town_weights = [POPULATION[name] for name in towns]
    found: list[Organisation] = []
    by_sector: dict[str, list[str]] = {}
    sites: dict[str, Location] = {}
    used: set[str] = set()
    for sector in [*SECTORS, STAFFING]:
        for _ in range(sector.employers):
            town = weighted(rng, towns, town_weights)
            name = _name(sector, town, used, rng)
            ext = f"demo-emp-{len(found) + 1:03d}"
            found.append(Organisation(ext, name, "employer", town))
            by_sector.setdefault(sector.key, []).append(ext)
            sites[ext] = location(town, rng)
    return found, by_sector, sites
