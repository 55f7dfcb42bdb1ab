"""The demo candidates: migrants from the main countries of origin, named and writing in
their own languages, with German levels, qualifications, work experience and skill claims
(some as free text in their script), living near one of the migration centres."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from matcher.demo.common import MAX_CV_SKILLS, ascii_id, job_title, join, label, subset
from matcher.demo.market import Occupation, pick
from matcher.demo.places import CENTRES, candidate_town, location
from matcher.schemas import (
    CandidateIn,
    Consent,
    Experience,
    LanguageLevel,
    Personal,
    Preferences,
    Qualification,
    SkillClaim,
)
from skills_taxonomy.model import Concept, ConceptKind, Taxonomy


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


@dataclass(frozen=True)
class _Pool:
    """What every candidate is drawn from."""
    occupations: list[Occupation]
    weights: list[float]
    skills: list[str]
    taxonomy: Taxonomy


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


def _personal(origin: _Origin, used_emails: set[str], rng: random.Random) -> Personal:
    """Name, a unique e-mail address (most have one) and a German mobile number (many)."""
    full, given, family = _name(origin, rng)
    email: str | None = None
    if rng.random() < 0.8:
        local = f"{ascii_id(given)}.{ascii_id(family)}"
        email, n = f"{local}@example.org", 2
        while email in used_emails:
            email, n = f"{local}{n}@example.org", n + 1
        used_emails.add(email)
    phone = None
    if rng.random() < 0.7:
        phone = f"+49 {rng.choice(_PHONE_PREFIXES)} {rng.randint(1_000_000, 99_999_999)}"
    return Personal(name=full, email=email, phone=phone)


def _languages(origin: _Origin, rng: random.Random) -> list[LanguageLevel]:
    """A mother tongue, German at some level, and the origin's usual other languages."""
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
    return languages


def _qualifications(target: Occupation, origin: _Origin, pool: _Pool,
                    rng: random.Random) -> list[Qualification]:
    """A qualification in the target occupation, sometimes a second one, titled in the
    candidate's language."""
    lang = origin.lang
    qualifications = [Qualification(title=label(target.concept, lang, rng),
                                    country=origin.country, year=rng.randint(1995, 2024))]
    if rng.random() < 0.35:
        other = pick(pool.occupations, pool.weights, rng)
        if other.uri != target.uri:
            qualifications.append(Qualification(title=label(other.concept, lang, rng),
                                                country=origin.country,
                                                year=rng.randint(1995, 2024)))
    return qualifications


def _experience(target: Occupation, lang: str, pool: _Pool,
                rng: random.Random) -> tuple[list[Experience], float]:
    """Up to two jobs, the first in the target occupation; and the first job's years."""
    experience: list[Experience] = []
    years = 0.0
    for _ in range(rng.choices((0, 1, 2), (0.25, 0.5, 0.25))[0]):
        in_germany = rng.random() < 0.3
        occupation = target if not experience else pick(pool.occupations, pool.weights, rng)
        # Half-years: up to 15 in the country of origin, up to 3 since arriving.
        span = rng.randint(1, 6 if in_germany else 30) / 2
        years = years or span
        title = (job_title(occupation.concept) if in_germany
                 else label(occupation.concept, lang, rng))
        experience.append(Experience(title=title, years=span,
                                     occupation=occupation.uri if rng.random() < 0.5 else None))
    return experience, years


def _evidence(source: str, occupation: Concept, years: float, qualification: Qualification | None,
              rng: random.Random) -> str | None:
    if rng.random() < 0.6:
        return None
    if source == "coach_verified":
        return rng.choice(["Im Praxistest beim Bildungsträger gezeigt.",
                           "Vom Coach im Betriebspraktikum beobachtet.",
                           "Arbeitsprobe im Erstgespräch vorgelegt."])
    if source == "work_experience":
        return f"{years:g} Jahre Berufserfahrung als {job_title(occupation)}."
    if source == "qualification" and qualification is not None:
        return f"Abschluss „{qualification.title}“ ({qualification.year}), Zeugnis liegt vor."
    return "Angabe im Erstgespräch."


def _claimed(target: Occupation, skills: list[str], rng: random.Random) -> list[str]:
    """Most of what the target occupation needs, a little extra, a little noise."""
    ess = target.essential
    claimed = subset(rng, ess, min(MAX_CV_SKILLS, round(len(ess) * rng.uniform(0.4, 0.9))))
    claimed += subset(rng, target.optional, rng.randint(0, min(3, len(target.optional))))
    for _ in range(rng.randint(1, 2)):
        noise = rng.choice(skills)
        if noise not in claimed:
            claimed.append(noise)
    return claimed


def _claims(target: Occupation, lang: str, experience: list[Experience], years: float,
            qualifications: list[Qualification], pool: _Pool,
            rng: random.Random) -> list[SkillClaim]:
    """Skill claims: half the time a few as free text in the candidate's language, the
    rest as concepts with a source and sometimes evidence."""
    claimed = _claimed(target, pool.skills, rng)
    claims: list[SkillClaim] = []
    if rng.random() < 0.5 and len(claimed) >= 3:
        rng.shuffle(claimed)
        n = rng.randint(3, min(6, len(claimed)))
        in_words, claimed = claimed[:n], claimed[n:]
        concepts = [pool.taxonomy.concepts[uri] for uri in in_words]
        sep = _SEPARATORS.get(lang, ", ")
        claims.append(SkillClaim(text=join([label(c, lang, rng) for c in concepts], sep),
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
    return claims


def _preferences(target: Occupation, rng: random.Random) -> Preferences:
    roll = rng.random()
    kinds = (["job", "apprenticeship", "placement"] if roll < 0.7
             else ["job"] if roll < 0.85 else ["apprenticeship", "placement"])
    preferred = [target.uri] if rng.random() < 0.7 else []
    return Preferences(kinds=kinds, occupations=preferred)


def _candidate(number: int, centre_town: str, pool: _Pool, used_emails: set[str],
               rng: random.Random) -> CandidateIn:
    origin = _ORIGINS[rng.choices(range(len(_ORIGINS)),
                                  weights=[o.share for o in _ORIGINS])[0]]
    lang = origin.lang
    personal = _personal(origin, used_emails, rng)
    languages = _languages(origin, rng)
    target = pick(pool.occupations, pool.weights, rng)
    qualifications = _qualifications(target, origin, pool, rng)
    experience, years = _experience(target, lang, pool, rng)
    claims = _claims(target, lang, experience, years, qualifications, pool, rng)
    permit = rng.choices(("full", "restricted", "pending", "none"), (0.45, 0.42, 0.1, 0.03))[0]
    preferences = _preferences(target, rng)
    return CandidateIn(
        external_id=f"demo-cand-{number:04d}",
        personal=personal,
        languages=languages,
        location=location(candidate_town(centre_town, rng), rng),
        travel_radius_km=rng.choice((10, 15, 20, 25, 30, 40, 50, 60)),
        work_permit=permit,
        qualifications=qualifications,
        skills=claims,
        experience=experience,
        preferences=preferences,
        consents=[Consent(employer_id=None)] if rng.random() < 0.2 else [],
        lang=lang,
    )


def draw_candidates(count: int, occupations: list[Occupation], taxonomy: Taxonomy,
                    rng: random.Random) -> list[tuple[str, CandidateIn]]:
    """`count` candidates, each with the external id of the centre that looks after them."""
    skills = sorted(c.uri for c in taxonomy.of_kind(ConceptKind.SKILL))
    # Candidates' occupations follow demand less steeply than vacancies do.
    pool = _Pool(occupations, [o.weight ** 0.5 for o in occupations], skills, taxonomy)
    used_emails: set[str] = set()
    found: list[tuple[str, CandidateIn]] = []
    for i in range(count):
        ext, _, town, _ = CENTRES[rng.choices(range(len(CENTRES)),
                                              weights=[c[3] for c in CENTRES])[0]]
        found.append((ext, _candidate(i + 1, town, pool, used_emails, rng)))
    return found
