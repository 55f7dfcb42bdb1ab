"""A deterministic, realistic demo data set in North Rhine-Westphalia (NRW), Germany.

Coaches judge a matching engine by whether its results look like their own caseload, so the
data mimics one: migrants from the main countries of origin writing in their own languages,
an uneven labour market (care, logistics, construction and hospitality dominate), German
job titles, courses from local providers. Everything is drawn from one `random.Random(seed)`
and a fixed reference date, so the same seed always gives the same data. Works on any
taxonomy: labels missing in a language fall back to English, and occupations with fewer
than three essential skills are skipped.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import (
    CandidateIn,
    Consent,
    CourseIn,
    Experience,
    LanguageLevel,
    Location,
    Personal,
    Preferences,
    Qualification,
    SkillClaim,
    VacancyIn,
)
from skills_taxonomy.model import Concept, ConceptKind, LabelType, Taxonomy

# Not today's date: the data must not change from one day to the next.
REFERENCE_DATE = dt.date(2026, 12, 1)
JITTER_DEG = 0.02
MIN_ESSENTIAL = 3
# Full ESCO lists up to ~80 essential skills per occupation; real ads and CVs name fewer.
MAX_AD_SKILLS = 15
MAX_CV_SKILLS = 25

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
_POPULATION = {
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
_CENTRES = [
    ("demo-centre-koeln", "Integration Point Köln", "Köln", 0.4),
    ("demo-centre-dortmund", "Migrationszentrum Dortmund", "Dortmund", 0.3),
    ("demo-centre-essen", "Jobcenter Essen – Team Zuwanderung", "Essen", 0.3),
]
_CATCHMENT_KM = 45.0


@dataclass
class Organisation:
    external_id: str
    name: str
    kind: str  # 'centre' | 'employer'
    town: str = ""


@dataclass
class DemoData:
    centres: list[Organisation]
    employers: list[Organisation]
    candidates: list[tuple[str, CandidateIn]]  # (centre external_id, candidate)
    vacancies: list[tuple[str, VacancyIn]]  # (employer external_id, vacancy)
    courses: list[CourseIn]


# --- labour market -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Sector:
    key: str
    isco: tuple[str, ...]  # ISCO code prefixes of its occupations
    demand: float  # relative number of vacancies
    employers: int
    names: tuple[str, ...]  # {s}: a surname, {r}: a region


_SECTORS = [
    _Sector("care", ("532",), 3.0, 6, (
        "Ambulanter Pflegedienst {s}", "Seniorenzentrum Am Park gGmbH",
        "Pflegeteam {s} GmbH", "Seniorenresidenz {r} GmbH", "Haus Lindenhof Pflege gGmbH",
        "Pflegedienst Lebensfreude {r}")),
    _Sector("childcare", ("531",), 1.0, 2, ("Kita Regenbogen gGmbH", "Kinderhaus {s} e.V.",
                                            "Kita Sonnenblume {r}")),
    _Sector("hospitality", ("512", "513", "9412", "9411"), 2.2, 6, (
        "Hotel {s}", "Brauhaus {s}", "Restaurant Zur Linde", "Gasthof {s}",
        "Catering {s} GmbH", "Hotel {r} am Bahnhof", "Landgasthof {s}")),
    _Sector("cleaning", ("911", "912"), 2.0, 4, (
        "Gebäudereinigung {s} GmbH", "{s} Facility Services GmbH", "Glanz & Sauber {r} GmbH",
        "Industriereinigung {s} GmbH & Co. KG")),
    _Sector("logistics", ("933", "834", "832"), 2.6, 5, (
        "{s} Logistik GmbH", "Spedition {s} GmbH & Co. KG", "{r} Logistik GmbH",
        "Kurierdienst {s}", "Lagerservice {s} GmbH")),
    _Sector("transport", ("833",), 1.2, 2, ("Busreisen {s} GmbH", "Transporte {s} GmbH & Co. KG",
                                           "{r} Nahverkehrsdienste GmbH")),
    _Sector("retail", ("52",), 1.6, 4, (
        "Frischemarkt {s} e.K.", "Getränkemarkt {s}", "Modehaus {s}", "{r} Einkaufsmarkt GmbH",
        "Drogerie {s}")),
    _Sector("agriculture", ("61", "92"), 0.8, 3, (
        "Gärtnerei {s}", "Obsthof {s}", "Hof {s} GbR", "Gemüsebau {s}",
        "Garten- und Landschaftsbau {s} GmbH")),
    _Sector("beauty", ("514",), 0.7, 2, ("Friseursalon {s}", "Haarstudio {s}",
                                        "Barbershop {r}")),
    _Sector("textile", ("753", "815"), 0.4, 2, ("Änderungsschneiderei {s}", "Textilpflege {s}",
                                               "Polsterei und Näherei {s}")),
    _Sector("security", ("541",), 0.9, 2, ("{s} Sicherheitsdienst GmbH",
                                          "Objektschutz {r} GmbH")),
    _Sector("food", ("751",), 0.8, 2, ("Bäckerei {s}", "Backstube {s} GmbH",
                                      "Metzgerei {s}")),
    _Sector("construction", ("711", "712", "713", "931", "8342"), 2.4, 7, (
        "Bauunternehmung {s} GmbH", "{s} Bau GmbH & Co. KG", "Dachdeckerei {s}",
        "Malerbetrieb {s}", "Fliesen {s} GmbH", "Gerüstbau {s}", "Trockenbau {s} GmbH",
        "Tiefbau {r} GmbH", "Holzbau {s}")),
    _Sector("metal", ("721", "722", "7233", "7222", "7212"), 1.4, 4, (
        "Metallbau {s} GmbH", "{s} Maschinenbau GmbH", "Stahlbau {r} GmbH",
        "Präzisionsteile {s} GmbH & Co. KG")),
    _Sector("automotive", ("7231", "7213"), 1.0, 3, ("Autohaus {s} GmbH", "Kfz-Werkstatt {s}",
                                                   "Karosserie- und Lackzentrum {r}")),
    _Sector("building_services", ("741", "7126", "7127", "3115"), 2.2, 5, (
        "Elektro {s} GmbH", "Haustechnik {s} GmbH", "Sanitär und Heizung {s}",
        "{s} Solartechnik GmbH", "Kälte-Klima {r} GmbH", "Elektro {s} & Söhne")),
    _Sector("it", ("35", "25"), 0.6, 1, ("{s} IT-Service GmbH", "Systemhaus {r} GmbH")),
]
# Temporary-work agencies post for every occupation, as they do in Germany.
_STAFFING = _Sector("staffing", (), 0.0, 3, (
    "{s} Personaldienstleistungen GmbH", "{r} Personal GmbH", "Zeitarbeit {s} GmbH"))
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
_REGION_OF = {town: region for region, towns in _REGIONS.items() for town in towns}
_SURNAMES_DE = """Schmitz Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz
    Hoffmann Koch Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger
    Hartmann Lange Schmitt Werner Krause Lehmann Köhler Herrmann Kaiser Peters Jansen
    Hendricks Brinkmann Kötter Terhorst Wessels Pütz Esser Kremer Lindemann Overbeck""".split()


def _sector_of(concept: Concept) -> _Sector | None:
    """The sector whose ISCO prefix matches the occupation's code most closely."""
    code = concept.isco_code.replace(".", "")
    best: _Sector | None = None
    best_len = 0
    for sector in _SECTORS:
        for prefix in sector.isco:
            if code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = sector, len(prefix)
    return best


@dataclass(frozen=True)
class _Occupation:
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


def _occupations(taxonomy: Taxonomy, rng: random.Random) -> list[_Occupation]:
    """Usable occupations, most demanded first, with Zipf-like vacancy weights."""
    scored: list[tuple[float, Concept, str]] = []
    for concept in sorted(taxonomy.of_kind(ConceptKind.OCCUPATION), key=lambda c: c.uri):
        if len(taxonomy.essential_skills(concept.uri)) < MIN_ESSENTIAL:
            continue
        sector = _sector_of(concept)
        if sector is not None:
            demand = sector.demand
        elif concept.isco_code[:1] in ("1", "2", "0"):
            demand = 0.1  # managers, professionals, armed forces: rare in this caseload
        elif concept.isco_code[:1] in ("3", "4"):
            demand = 0.3  # technicians and clerks: need recognised German qualifications
        else:
            demand = 0.5
        scored.append((demand * rng.uniform(0.5, 1.5), concept, sector.key if sector else ""))
    if not scored:
        raise ValueError(f"no occupation with at least {MIN_ESSENTIAL} essential skills")
    scored.sort(key=lambda item: (-item[0], item[1].uri))
    return [
        _Occupation(
            concept=concept,
            essential=tuple(sorted(taxonomy.essential_skills(concept.uri))),
            optional=tuple(sorted(taxonomy.optional_skills(concept.uri))),
            sector=sector,
            weight=1.0 / (rank + 1) ** 0.8,
        )
        for rank, (_, concept, sector) in enumerate(scored)
    ]


# --- helpers -----------------------------------------------------------------------------

def _has_label(concept: Concept, lang: str) -> bool:
    return any(label.lang == lang for label in concept.labels)


def _label(concept: Concept, lang: str, rng: random.Random | None = None) -> str:
    """A label in `lang` (English when there is none); sometimes an alternative one."""
    if not _has_label(concept, lang):
        lang = "en"
    if rng is not None and rng.random() < 0.25:
        alternatives = [lb.text for lb in concept.labels
                        if lb.lang == lang and lb.type is LabelType.ALTERNATIVE]
        if alternatives:
            return rng.choice(alternatives)
    return concept.preferred_label(lang)


def _job_title(concept: Concept) -> str:
    """The German label as a job-ad title stem: ESCO's "Koch/Köchin" becomes "Koch"."""
    title = concept.preferred_label("de").replace("(m/w/d)", "").strip()
    first, slash, second = title.partition("/")
    # Only a masculine/feminine pair is cut, not "Import-/Exportkaufmann".
    if slash and not first.endswith("-") and first[:4].lower() == second.strip()[:4].lower():
        title = first.strip()
    return title or concept.preferred_label("en")


_ADJECTIVAL = ("angestellter", "beauftragter", "bediensteter", "sachverständiger")


def _training_title(title: str) -> str:
    """The apprenticeship phrase: "zum Koch", "zur Reinigungskraft", "zum Angestellten"."""
    words = title.split()
    head = words[0] if len(words) > 1 and words[1] in ("für", "in", "im") else words[-1]
    if head.lower().endswith(("kraft", "hilfe", "frau", "assistenz")):
        return f"zur {title}"
    if head.lower().endswith(_ADJECTIVAL):
        title = title.replace(head, head[:-1] + "n", 1)
    return f"zum {title}"


def _ascii(text: str) -> str:
    """Lower-case ASCII for e-mail addresses and ids: 'Đặng Thị' -> 'dang-thi'."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("ß", "ss")
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"),
                          ("Ü", "Ue")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _location(town: str, rng: random.Random) -> Location:
    lat, lon = _TOWN[town]
    return Location(town=town, lat=round(lat + rng.uniform(-JITTER_DEG, JITTER_DEG), 5),
                    lon=round(lon + rng.uniform(-JITTER_DEG, JITTER_DEG), 5))


def _weighted(rng: random.Random, items: Sequence[str], weights: Sequence[float]) -> str:
    return rng.choices(items, weights=weights)[0]


def _subset(rng: random.Random, items: Sequence[str], k: int) -> list[str]:
    """k items in their original order (reads more naturally than a shuffled list)."""
    k = max(0, min(k, len(items)))
    chosen = set(rng.sample(range(len(items)), k))
    return [item for i, item in enumerate(items) if i in chosen]


def _join(labels: Sequence[str], sep: str = ", ", limit: int = 2_000) -> str:
    """A written list of labels that fits a free-text field."""
    text = ""
    for label in labels:
        longer = f"{text}{sep}{label}" if text else label
        if len(longer) > limit:
            break
        text = longer
    return text


def _in_days(rng: random.Random, lo: int, hi: int) -> dt.date:
    return REFERENCE_DATE + dt.timedelta(days=rng.randint(lo, hi))


# --- organisations -----------------------------------------------------------------------

def _employers(rng: random.Random) -> tuple[list[Organisation], dict[str, list[str]],
                                            dict[str, Location]]:
    """~60 employers: their ids by sector key, and one fixed site each."""
    towns = [name for name, _, _ in TOWNS]
    town_weights = [_POPULATION[name] for name in towns]
    employers: list[Organisation] = []
    by_sector: dict[str, list[str]] = {}
    sites: dict[str, Location] = {}
    used: set[str] = set()
    for sector in [*_SECTORS, _STAFFING]:
        for _ in range(sector.employers):
            town = _weighted(rng, towns, town_weights)
            name = ""
            for _attempt in range(20):
                region = rng.choice((_REGION_OF[town], _REGION_OF[town], town))
                name = rng.choice(sector.names).format(s=rng.choice(_SURNAMES_DE), r=region)
                if name not in used:
                    break
            if name in used:
                name = f"{name} {town}"
            used.add(name)
            ext = f"demo-emp-{len(employers) + 1:03d}"
            employers.append(Organisation(ext, name, "employer", town))
            by_sector.setdefault(sector.key, []).append(ext)
            sites[ext] = _location(town, rng)
    return employers, by_sector, sites


# --- candidates --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Origin:
    country: str
    lang: str  # the language they write in
    share: float
    native: tuple[str, ...]  # mother tongues (one is drawn)
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    family_first: bool = False  # Vietnamese and Chinese order
    middle_male: tuple[str, ...] = ()
    middle_female: tuple[str, ...] = ()
    english: float = 0.25  # chance of also speaking English
    extra: tuple[tuple[str, str, float], ...] = field(default=())  # (lang, level, chance)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ORIGINS = [
    _Origin("Syria", "ar", 0.27, ("ar",),
            _words("Ahmad Mohammad Omar Khaled Yousef Hassan Ali Mahmoud Rami Bashar Samer "
                   "Tarek"),
            _words("Fatima Aisha Rania Layla Hiba Nour Amal Reem Dima Lina Yasmin Salma"),
            _words("Al-Hassan Haddad Khalil Mansour Nasser Darwish Hamdan Al-Ahmad Sabbagh "
                   "Kassem Othman Shami Aziz Al-Khatib"), english=0.3,
            extra=(("ku", "native", 0.1),)),
    _Origin("Ukraine", "uk", 0.25, ("uk",),
            _words("Oleksandr Andrii Dmytro Serhii Mykola Volodymyr Ivan Taras Bohdan Yurii"),
            _words("Olena Iryna Nataliia Oksana Tetiana Kateryna Yuliia Svitlana Anastasiia "
                   "Mariia"),
            _words("Kovalenko Shevchenko Bondarenko Tkachenko Kravchenko Melnyk Boiko "
                   "Kovalchuk Oliinyk Lysenko Marchenko Moroz Savchenko Rudenko"),
            english=0.4, extra=(("ru", "C1", 0.5), ("pl", "A2", 0.05))),
    _Origin("Afghanistan", "fa", 0.14, ("fa",),
            _words("Ahmad Mohammad Ali Hamid Farid Jawad Mustafa Nasir Rahim Sohrab"),
            _words("Zahra Maryam Fatima Shabnam Laila Nargis Parisa Roya Somaya Farzana"),
            _words("Ahmadi Rahimi Karimi Hosseini Noori Sultani Haidari Mohammadi Azizi Safi "
                   "Popal Wardak"), english=0.2, extra=(("ps", "B2", 0.2),)),
    _Origin("Vietnam", "vi", 0.1, ("vi",),
            _words("An Bình Dũng Hùng Long Tuấn Khoa Nam Phúc Quân"),
            _words("Lan Hoa Hương Linh Mai Trang Ngân Thảo Hạnh Vy"),
            _words("Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ"), family_first=True,
            middle_male=_words("Văn Đức Minh Quang Hữu"),
            middle_female=_words("Thị Ngọc Thu Thanh Kim"), english=0.2),
    _Origin("China", "zh", 0.08, ("zh",),
            _words("Wei Jun Hao Lei Jian Tao Ming Qiang Bo Yong"),
            _words("Fang Jing Na Xiuying Yan Mei Ting Xia Li Hui"),
            _words("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou"), family_first=True,
            english=0.3),
    _Origin("Eritrea", "en", 0.09, ("ti",),
            _words("Tesfay Yonas Dawit Habtom Kidane Samuel Berhane Mehari Filmon"),
            _words("Helen Selam Saba Senait Ruth Yohanna Mebrat Luwam Winta"),
            _words("Gebremedhin Tesfamariam Haile Tekle Ghebreyesus Kahsay Weldu Berhe "
                   "Asmerom"), english=1.0, extra=(("ar", "A2", 0.2),)),
    _Origin("Nigeria", "en", 0.07, ("yo", "ig", "ha"),
            _words("Chinedu Emeka Oluwaseun Tunde Ibrahim Ifeanyi Segun Musa Obinna Kelechi"),
            _words("Ngozi Chiamaka Funmilayo Aisha Adaeze Blessing Folake Amina Yetunde "
                   "Chioma"),
            _words("Okafor Adeyemi Okonkwo Balogun Eze Nwosu Abubakar Olawale Obi Adebayo "
                   "Okeke"), english=1.0),
]
_GERMAN_LEVELS = ("A1", "A2", "B1", "B2", "C1")
_GERMAN_WEIGHTS = (0.1, 0.35, 0.33, 0.16, 0.06)
_SEPARATORS = {"ar": "، ", "fa": "، ", "zh": "、"}  # how lists are written in these scripts
_PHONE_PREFIXES = _words("151 152 157 159 160 162 163 170 171 172 173 174 175 176 177 178 179")


def _name(origin: _Origin, rng: random.Random) -> tuple[str, str, str]:
    """(full name, given name, family name) in the order the person writes it."""
    female = rng.random() < 0.45
    given = rng.choice(origin.female if female else origin.male)
    family = rng.choice(origin.surnames)
    middles = origin.middle_female if female else origin.middle_male
    if origin.family_first:
        middle = [rng.choice(middles)] if middles else []
        return " ".join([family, *middle, given]), given, family
    return f"{given} {family}", given, family


def _candidate_town(centre_town: str, rng: random.Random) -> str:
    """A town in the centre's catchment area, larger towns more likely."""
    near = [name for name, lat, lon in TOWNS
            if _km(_TOWN[centre_town], (lat, lon)) <= _CATCHMENT_KM]
    weights = [float(_POPULATION[name]) for name in near]
    weights[near.index(centre_town)] *= 2  # most clients live in the centre's own town
    return _weighted(rng, near, weights)


def _evidence(source: str, occupation: Concept, years: float, qualification: Qualification | None,
              rng: random.Random) -> str | None:
    if rng.random() < 0.6:
        return None
    if source == "coach_verified":
        return rng.choice(["Im Praxistest beim Bildungsträger gezeigt.",
                           "Vom Coach im Betriebspraktikum beobachtet.",
                           "Arbeitsprobe im Erstgespräch vorgelegt."])
    if source == "work_experience":
        return f"{years:g} Jahre Berufserfahrung als {_job_title(occupation)}."
    if source == "qualification" and qualification is not None:
        return f"Abschluss „{qualification.title}“ ({qualification.year}), Zeugnis liegt vor."
    return "Angabe im Erstgespräch."


def _candidate(number: int, centre_town: str, occupations: list[_Occupation],
               weights: list[float], skills: list[str], taxonomy: Taxonomy,
               used_emails: set[str], rng: random.Random) -> CandidateIn:
    origin = _ORIGINS[rng.choices(range(len(_ORIGINS)),
                                  weights=[o.share for o in _ORIGINS])[0]]
    lang = origin.lang
    full, given, family = _name(origin, rng)

    email: str | None = None
    if rng.random() < 0.8:
        local = f"{_ascii(given)}.{_ascii(family)}"
        email, n = f"{local}@example.org", 2
        while email in used_emails:
            email, n = f"{local}{n}@example.org", n + 1
        used_emails.add(email)
    phone = None
    if rng.random() < 0.7:
        phone = f"+49 {rng.choice(_PHONE_PREFIXES)} {rng.randint(1_000_000, 99_999_999)}"

    languages = [LanguageLevel(lang=rng.choice(origin.native), level="native")]
    languages.append(LanguageLevel(lang="de", level=rng.choices(_GERMAN_LEVELS,
                                                                _GERMAN_WEIGHTS)[0]))
    for extra_lang, level, chance in origin.extra:
        if rng.random() < chance and all(lv.lang != extra_lang for lv in languages):
            languages.append(LanguageLevel(lang=extra_lang, level=level))
    if rng.random() < origin.english and all(lv.lang != "en" for lv in languages):
        english = rng.choice(("A2", "B1", "B2")) if origin.english < 1 else rng.choice(
            ("B1", "B2", "C1"))
        languages.append(LanguageLevel(lang="en", level=english))

    target = occupations[rng.choices(range(len(occupations)), weights=weights)[0]]
    qualifications = [Qualification(title=_label(target.concept, lang, rng),
                                    country=origin.country, year=rng.randint(1995, 2024))]
    if rng.random() < 0.35:
        other = occupations[rng.choices(range(len(occupations)), weights=weights)[0]]
        if other.uri != target.uri:
            qualifications.append(Qualification(title=_label(other.concept, lang, rng),
                                                country=origin.country,
                                                year=rng.randint(1995, 2024)))

    experience: list[Experience] = []
    years = 0.0
    for _ in range(rng.choices((0, 1, 2), (0.25, 0.5, 0.25))[0]):
        in_germany = rng.random() < 0.3
        occupation = target if not experience else occupations[
            rng.choices(range(len(occupations)), weights=weights)[0]]
        # Half-years: up to 15 in the country of origin, up to 3 since arriving.
        span = rng.randint(1, 6 if in_germany else 30) / 2
        years = years or span
        title = (_job_title(occupation.concept) if in_germany
                 else _label(occupation.concept, lang, rng))
        experience.append(Experience(title=title, years=span,
                                     occupation=occupation.uri if rng.random() < 0.5 else None))

    # Skills: most of what the target occupation needs, a little extra, a little noise.
    ess = target.essential
    claimed = _subset(rng, ess, min(MAX_CV_SKILLS, round(len(ess) * rng.uniform(0.4, 0.9))))
    claimed += _subset(rng, target.optional, rng.randint(0, min(3, len(target.optional))))
    for _ in range(rng.randint(1, 2)):
        noise = rng.choice(skills)
        if noise not in claimed:
            claimed.append(noise)
    claims: list[SkillClaim] = []
    if rng.random() < 0.5 and len(claimed) >= 3:
        rng.shuffle(claimed)
        n = rng.randint(3, min(6, len(claimed)))
        in_words, claimed = claimed[:n], claimed[n:]
        concepts = [taxonomy.concepts[uri] for uri in in_words]
        sep = _SEPARATORS.get(lang, ", ")
        claims.append(SkillClaim(text=_join([_label(c, lang, rng) for c in concepts], sep),
                                 source="self_declared"))
    sources = ["self_declared", "coach_verified"]
    if experience:
        sources.append("work_experience")
    sources.append("qualification")
    for uri in claimed:
        source = rng.choice(sources)
        claims.append(SkillClaim(
            concept=uri, source=source,
            evidence=_evidence(source, target.concept, years or 1.0, qualifications[0], rng)))

    permit = rng.choices(("full", "restricted", "pending", "none"), (0.45, 0.42, 0.1, 0.03))[0]
    roll = rng.random()
    kinds = (["job", "apprenticeship", "placement"] if roll < 0.7
             else ["job"] if roll < 0.85 else ["apprenticeship", "placement"])
    preferred = [target.uri] if rng.random() < 0.7 else []
    return CandidateIn(
        external_id=f"demo-cand-{number:04d}",
        personal=Personal(name=full, email=email, phone=phone),
        languages=languages,
        location=_location(_candidate_town(centre_town, rng), rng),
        travel_radius_km=rng.choice((10, 15, 20, 25, 30, 40, 50, 60)),
        work_permit=permit,
        qualifications=qualifications,
        skills=claims,
        experience=experience,
        preferences=Preferences(kinds=kinds, occupations=preferred),
        consents=[Consent(employer_id=None)] if rng.random() < 0.2 else [],
        lang=lang,
    )


# --- vacancies ---------------------------------------------------------------------------

_BENEFITS = [  # the first one only for jobs
    "Wir bieten eine unbefristete Stelle, faire Bezahlung nach Tarif und ein herzliches Team.",
    "Eine strukturierte Einarbeitung und Unterstützung beim Deutschlernen sind selbstverständlich.",
    "Wir unterstützen bei Behördengängen und der Anerkennung ausländischer Abschlüsse.",
    "Quereinsteiger und Menschen mit Fluchterfahrung sind ausdrücklich willkommen.",
    "Gute Erreichbarkeit mit Bus und Bahn, Zuschuss zum Deutschlandticket.",
]


def _vacancy(number: int, kind: str, occupation: _Occupation, employer: Organisation,
             site: Location, taxonomy: Taxonomy, rng: random.Random) -> VacancyIn:
    stem = _job_title(occupation.concept)
    if kind == "apprenticeship":
        title = f"Ausbildung {_training_title(stem)} (m/w/d)"
    elif kind == "placement":
        title = (f"Einstiegsqualifizierung {stem} (m/w/d)" if rng.random() < 0.3
                 else f"Praktikum {stem} (m/w/d)")
    else:
        title = f"{stem} (m/w/d)" + rng.choice(("", "", " in Vollzeit", " in Teilzeit",
                                                " – ab sofort", f" in {site.town}"))
    ess = occupation.essential
    share = round(len(ess) * rng.uniform(0.7, 1.0))
    essential = _subset(rng, ess, min(MAX_AD_SKILLS, max(MIN_ESSENTIAL, share)))
    optional = _subset(rng, occupation.optional, rng.randint(0, min(3, len(occupation.optional))))
    tasks = [taxonomy.concepts[u].preferred_label("de") for u in essential]
    essential_text: str | None = None
    if rng.random() < 0.15:
        essential_text, essential = _join(tasks), []

    if kind == "placement":
        german = "A2"
    elif kind == "apprenticeship":
        german = rng.choice(("B1", "B1", "B2"))
    else:
        german = rng.choices(("A2", "B1", "B2"), (0.15, 0.75, 0.1))[0]
    languages = [LanguageLevel(lang="de", level=german)]
    if rng.random() < 0.15:
        languages.append(LanguageLevel(lang="en", level=rng.choice(("A2", "B1"))))

    start = _in_days(rng, 0, 182)
    slots = rng.choices((1, 2, 3, 4, 5), (0.5, 0.25, 0.12, 0.08, 0.05))[0]
    if kind == "placement":
        permit = "pending" if rng.random() < 0.4 else "restricted"
    else:
        permit = "full" if rng.random() < 0.1 else "restricted"
    intro = {
        "job": f"{employer.name} sucht in {site.town} ab dem {start:%d.%m.%Y} Verstärkung "
               f"als {stem} (m/w/d)" + ("." if slots == 1 else f": {slots} Stellen frei."),
        "apprenticeship": f"Wir bilden aus! {employer.name} bietet ab dem {start:%d.%m.%Y} "
                          + ("einen Ausbildungsplatz" if slots == 1
                             else f"{slots} Ausbildungsplätze")
                          + f" {_training_title(stem)} (m/w/d) in {site.town}.",
        "placement": f"Lernen Sie den Beruf {stem} kennen: {employer.name} bietet in "
                     f"{site.town} ein Praktikum über 4 bis 12 Wochen ab dem "
                     f"{start:%d.%m.%Y}.",
    }[kind]
    description = (f"{intro} Ihre Aufgaben: {', '.join(tasks[:3])}. "
                   f"Deutschkenntnisse ab Niveau {german}. "
                   + rng.choice(_BENEFITS if kind == "job" else _BENEFITS[1:]))
    return VacancyIn(
        external_id=f"demo-vac-{number:04d}",
        kind=kind,
        title=title,
        description=description,
        occupation=occupation.uri,
        essential_skills=essential,
        optional_skills=optional,
        essential_skills_text=essential_text,
        languages=languages,
        location=site,
        slots=slots,
        start_date=start,
        is_open=rng.random() >= 0.05,
        min_permit=permit,
        lang="de",
    )


# --- courses -----------------------------------------------------------------------------

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


def _course(number: int, occupation: _Occupation, covered: set[str], taxonomy: Taxonomy,
            rng: random.Random) -> CourseIn:
    # Skills not yet taught by an earlier course first, so the catalogue covers the field.
    ess = list(occupation.essential)
    fresh = [u for u in ess if u not in covered]
    rng.shuffle(fresh)
    rest = [u for u in ess if u in covered]
    rng.shuffle(rest)
    k = min(len(ess), rng.randint(2, 6))
    taught = sorted((fresh + rest)[:k], key=ess.index)
    covered.update(taught)

    online = rng.random() < 0.3
    # Online courses come mostly from online academies, some from local providers.
    fitting = [p for p in _PROVIDERS if not p[2] or occupation.sector in p[2]]
    online_only = online and rng.random() < 0.6
    pool = [p for p in fitting if (p[1] is None) == online_only]
    provider, town, _ = rng.choice(pool or _PROVIDERS[:1])

    lang = rng.choices(("de", "en", "ar", "uk"), (0.75, 0.09, 0.09, 0.07))[0]
    min_level = rng.choice(("A2", "B1")) if lang == "de" else rng.choice(("A1", "A2"))
    stem = _job_title(occupation.concept)
    first = taxonomy.concepts[taught[0]].preferred_label("de")
    title = rng.choice([
        f"Teilqualifizierung {stem} – Modul {rng.randint(1, 5)}", f"Grundlagenkurs {stem}",
        f"Praxisseminar: {first}", f"Zertifikatslehrgang {stem}",
        f"Anpassungsqualifizierung {stem}", f"Kompaktkurs {first}",
        f"Berufsorientierung {stem} mit Fachsprache",
    ]) + _COURSE_SUFFIX[lang]
    skill_names = _join([taxonomy.concepts[u].preferred_label("de") for u in taught])
    skills_text: str | None = None
    if rng.random() < 0.08:
        skills_text, taught = skill_names, []

    funding, _, lo, hi = rng.choices(_FUNDING, [f[1] for f in _FUNDING])[0]
    cost = float(round(rng.uniform(lo, hi), -1)) if hi else 0.0
    starts = sorted({_in_days(rng, 7, 270) for _ in range(rng.randint(1, 4))})
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
        location=None if online or town is None else _location(town, rng),
        cost_eur=cost,
        funding=funding,
        start_dates=starts,
        seats=0 if rng.random() < 0.05 else rng.randint(4, 25),
    )


# --- entry point -------------------------------------------------------------------------

def generate(taxonomy: Taxonomy, candidates: int = 200, vacancies: int = 1000,
             courses: int = 100, seed: int = 7) -> DemoData:
    """The demo data set; the same taxonomy and seed always give the same data."""
    rng = random.Random(seed)
    occupations = _occupations(taxonomy, rng)
    skills = sorted(c.uri for c in taxonomy.of_kind(ConceptKind.SKILL))

    centres = [Organisation(ext, name, "centre", town) for ext, name, town, _ in _CENTRES]
    employers, by_sector, sites = _employers(rng)
    employer_by_id = {e.external_id: e for e in employers}

    # Candidates' occupations follow demand less steeply than vacancies do.
    candidate_weights = [o.weight ** 0.5 for o in occupations]
    used_emails: set[str] = set()
    candidate_list: list[tuple[str, CandidateIn]] = []
    for i in range(candidates):
        ext, _, town, _ = _CENTRES[rng.choices(range(len(_CENTRES)),
                                               weights=[c[3] for c in _CENTRES])[0]]
        candidate_list.append((ext, _candidate(i + 1, town, occupations, candidate_weights,
                                               skills, taxonomy, used_emails, rng)))

    job_weights = [o.weight for o in occupations]
    # Apprenticeships only for trades that have one, unless nothing else is left.
    trade_weights = [0.0 if o.no_apprenticeship else o.weight for o in occupations]
    if not any(trade_weights):
        trade_weights = job_weights
    vacancy_list: list[tuple[str, VacancyIn]] = []
    for i in range(vacancies):
        kind = rng.choices(("job", "apprenticeship", "placement"), (0.7, 0.2, 0.1))[0]
        weights = trade_weights if kind == "apprenticeship" else job_weights
        occupation = occupations[rng.choices(range(len(occupations)), weights=weights)[0]]
        pool = by_sector.get(occupation.sector, [])
        if not pool or (kind == "job" and rng.random() < 0.12):
            pool = by_sector["staffing"] if kind == "job" else [e.external_id
                                                                for e in employers]
        employer_id = rng.choice(pool)
        vacancy_list.append((employer_id, _vacancy(i + 1, kind, occupation,
                                                   employer_by_id[employer_id],
                                                   sites[employer_id], taxonomy, rng)))

    # Most courses cycle through the most demanded occupations; a few are for the rest.
    frequent = occupations[:max(5, courses // 5)]
    covered: set[str] = set()
    course_list: list[CourseIn] = []
    for i in range(courses):
        occupation = (rng.choice(occupations) if rng.random() < 0.15
                      else frequent[i % len(frequent)])
        course_list.append(_course(i + 1, occupation, covered, taxonomy, rng))

    _add_recognition(candidate_list, vacancy_list, course_list, taxonomy, seed)
    return DemoData(centres=centres, employers=employers, candidates=candidate_list,
                    vacancies=vacancy_list, courses=course_list)


# --- recognition -------------------------------------------------------------------------
_QUALIFICATION_TYPES = (("vocational_secondary", 0.45, (2, 3)), ("short_cycle", 0.25, (2, 3)),
                        ("bachelor", 0.15, (4, 4)), ("upper_secondary", 0.15, (3, 3)))
_AUTHORITIES = ("Bezirksregierung Düsseldorf", "Bezirksregierung Münster",
                "IHK FOSA Nürnberg", "Handwerkskammer zu Köln", "Bezirksregierung Köln")


def _add_recognition(candidates: list[tuple[str, CandidateIn]],
                     vacancies: list[tuple[str, VacancyIn]], courses: list[CourseIn],
                     taxonomy: Taxonomy, seed: int) -> None:
    """Recognition facts on top of the data set, from an RNG of their own (so the rest of
    the data does not change with them): qualification types and durations, recognition
    states (none, applied, partial with its compensation measure, full), regulated
    vacancies open to candidates in the process, apprenticeships asking for a school
    certificate, and the compensation courses of the regulated occupations."""
    rng = random.Random(seed * 7919 + 1)
    regulated = RegulationProfile("DE")
    for i, (centre, cand) in enumerate(candidates):
        quals = []
        for q in cand.qualifications:
            qtype, _, (lo, hi) = rng.choices(_QUALIFICATION_TYPES,
                                             [t[1] for t in _QUALIFICATION_TYPES])[0]
            status = rng.choices(("none", "applied", "partial", "full"), (55, 15, 15, 15))[0]
            decided = status in ("partial", "full")
            quals.append(q.model_copy(update={
                "type": qtype, "duration_years": float(rng.randint(lo, hi)), "status": status,
                "decided_on": _in_days(rng, -400, -10) if decided else None,
                "authority": rng.choice(_AUTHORITIES) if status != "none" else None,
                "compensation": rng.choice(("adaptation_course", "knowledge_test"))
                if status == "partial" else None}))
        candidates[i] = (centre, cand.model_copy(update={"qualifications": quals}))
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
    # The last courses of the catalogue become the regulated occupations' compensation
    # measures: an adaptation course and a knowledge-test preparation for each.
    measures = [(uri, measure) for uri in sorted(regulated.occupations)
                if uri in taxonomy.concepts
                for measure in ("adaptation_course", "knowledge_test")]
    for j, (uri, measure) in enumerate(measures[:max(0, len(courses) // 10)]):
        k = len(courses) - 1 - j
        stem = _job_title(taxonomy.concepts[uri])
        title = (f"Anpassungslehrgang {stem}" if measure == "adaptation_course"
                 else f"Vorbereitung Kenntnisprüfung {stem}")
        courses[k] = courses[k].model_copy(update={
            "title": title, "compensation_for": uri, "measure": measure,
            "duration_weeks": float(rng.choice((12, 16, 26) if measure == "adaptation_course"
                                               else (4, 6, 8))),
            "lang": "de", "min_level": "B1",
            "description": f"{title}: Ausgleichsmaßnahme für die Anerkennung eines "
                           "ausländischen Abschlusses (Teilanerkennung)."})


__all__ = ["REFERENCE_DATE", "TOWNS", "DemoData", "Organisation", "generate"]
