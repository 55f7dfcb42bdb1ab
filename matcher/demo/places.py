"""Where the demo data happens: 32 NRW towns with their population and coordinates, the
regions employers name themselves after, the migration centres and their catchment, and
jittered locations and great-circle distances."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from matcher.schemas import Location

JITTER_DEG = 0.02

# (town, latitude, longitude): town-hall coordinates of 32 NRW cities.
TOWNS: list[tuple[str, float, float]] = [
    ("Köln", 50.9375, 6.9603), ("Düsseldorf", 51.2277, 6.7735),
    ("Dortmund", 51.5136, 7.4653), ("Essen", 51.4556, 7.0116),
    ("Duisburg", 51.4344, 6.7623), ("Bochum", 51.4818, 7.2162),
    ("Wuppertal", 51.2562, 7.1508), ("Bielefeld", 52.0302, 8.5325),
    ("Bonn", 50.7374, 7.0982), ("Münster", 51.9607, 7.6261),
    ("Gelsenkirchen", 51.5177, 7.0857), ("Mönchengladbach", 51.1805, 6.4428),
    ("Aachen", 50.7753, 6.0839), ("Krefeld", 51.3388, 6.5853),
    ("Oberhausen", 51.4963, 6.8638), ("Hagen", 51.3671, 7.4633),
    ("Hamm", 51.6739, 7.8150), ("Mülheim an der Ruhr", 51.4275, 6.8825),
    ("Leverkusen", 51.0459, 7.0192), ("Solingen", 51.1652, 7.0671),
    ("Herne", 51.5380, 7.2257), ("Neuss", 51.2042, 6.6879),
    ("Paderborn", 51.7189, 8.7575), ("Bottrop", 51.5236, 6.9285),
    ("Recklinghausen", 51.6141, 7.1979), ("Remscheid", 51.1787, 7.1897),
    ("Siegen", 50.8748, 8.0243), ("Gütersloh", 51.9032, 8.3858),
    ("Moers", 51.4516, 6.6408), ("Iserlohn", 51.3759, 7.6963),
    ("Bergisch Gladbach", 50.9918, 7.1366), ("Witten", 51.4437, 7.3353),
]
# Inhabitants in thousands (rounded): where people live and employers sit.
POPULATION = {
    "Köln": 1080, "Düsseldorf": 620, "Dortmund": 590, "Essen": 580, "Duisburg": 500,
    "Bochum": 365, "Wuppertal": 355, "Bielefeld": 335, "Bonn": 330, "Münster": 320,
    "Gelsenkirchen": 260, "Mönchengladbach": 260, "Aachen": 250, "Krefeld": 228,
    "Oberhausen": 210, "Hagen": 189, "Hamm": 180, "Mülheim an der Ruhr": 170,
    "Leverkusen": 164, "Solingen": 160, "Herne": 157, "Neuss": 153, "Paderborn": 152,
    "Bottrop": 117, "Recklinghausen": 110, "Remscheid": 111, "Siegen": 102,
    "Gütersloh": 101, "Moers": 104, "Iserlohn": 92, "Bergisch Gladbach": 112, "Witten": 96,
}
_TOWN = {name: (lat, lon) for name, lat, lon in TOWNS}

# (external id, name, town, share of the candidates)
CENTRES = [
    ("demo-centre-koeln", "Integration Point Köln", "Köln", 0.4),
    ("demo-centre-dortmund", "Migrationszentrum Dortmund", "Dortmund", 0.3),
    ("demo-centre-essen", "Jobcenter Essen – Team Zuwanderung", "Essen", 0.3),
]
_CATCHMENT_KM = 45.0

# The region an employer names itself after, by town (the town's own name also serves).
_REGIONS = {
    "Rheinland": ("Köln", "Bonn", "Leverkusen", "Bergisch Gladbach", "Düsseldorf", "Neuss"),
    "Niederrhein": ("Duisburg", "Krefeld", "Mönchengladbach", "Moers"),
    "Rhein-Ruhr": ("Essen", "Oberhausen", "Mülheim an der Ruhr", "Bottrop"),
    "Ruhr": ("Dortmund", "Bochum", "Gelsenkirchen", "Herne", "Witten", "Recklinghausen"),
    "Bergisches Land": ("Wuppertal", "Solingen", "Remscheid"),
    "Sauerland": ("Hagen", "Iserlohn"),
    "Siegerland": ("Siegen",),
    "Aachener Land": ("Aachen",),
    "Münsterland": ("Münster",),
    "Westfalen": ("Hamm",),
    "Ostwestfalen": ("Bielefeld", "Gütersloh", "Paderborn"),
}
REGION_OF = {town: region for region, towns in _REGIONS.items() for town in towns}


def weighted(rng: random.Random, items: Sequence[str], weights: Sequence[float]) -> str:
    return rng.choices(items, weights=weights)[0]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def location(town: str, rng: random.Random) -> Location:
    lat, lon = _TOWN[town]
    return Location(town=town, lat=round(lat + rng.uniform(-JITTER_DEG, JITTER_DEG), 5),
                    lon=round(lon + rng.uniform(-JITTER_DEG, JITTER_DEG), 5))


def candidate_town(centre_town: str, rng: random.Random) -> str:
    """A town in the centre's catchment area, larger towns more likely."""
    near = [name for name, lat, lon in TOWNS
            if km(_TOWN[centre_town], (lat, lon)) <= _CATCHMENT_KM]
    weights = [float(POPULATION[name]) for name in near]
    weights[near.index(centre_town)] *= 2  # most clients live in the centre's own town
    return weighted(rng, near, weights)
