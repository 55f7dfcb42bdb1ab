"""Where the demo candidates come from: the main countries of origin, the peoples within them
(a mother tongue and the names that go with it), the years people arrived, the language
they write in, and their names and languages as drawn for one person."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from matcher.schemas import LanguageLevel


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Group:
    """A people within a country: its mother tongue, given and family names, and the
    other languages its members often speak: (lang, levels, chance)."""
    share: float
    native: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    extra: tuple[tuple[str, tuple[str, ...], float], ...] = field(default=())
    middle_male: tuple[str, ...] = ()
    middle_female: tuple[str, ...] = ()


@dataclass(frozen=True)
class Origin:
    country: str  # as the project's qualification table spells it
    lang: str  # the language they write in (schooling, certificates)
    share: float
    groups: tuple[Group, ...]
    arrivals: tuple[tuple[int, int, float], ...]  # (first year, last year, weight)
    english: float = 0.25  # chance of also speaking English
    family_first: bool = False  # Vietnamese and Chinese order
    # < 1: fewer finished schools and degrees (conflict, poverty); > 1: more graduates.
    schooled: float = 1.0
    universal_school: bool = False  # everyone finished at least lower secondary school
    # Work permit (full, restricted, pending, none): protection status differs by country.
    permits: tuple[float, float, float, float] = (0.45, 0.42, 0.1, 0.03)


_SYRIA = Origin("Syria", "ar", 0.27, (
    Group(0.85, "ar",
          _words("Ahmad Mohammad Omar Khaled Yousef Hassan Ali Mahmoud Rami Bashar Samer Tarek"),
          _words("Fatima Aisha Rania Layla Hiba Nour Amal Reem Dima Lina Yasmin Salma"),
          _words("Al-Hassan Haddad Khalil Mansour Nasser Darwish Hamdan Al-Ahmad Sabbagh "
                 "Kassem Othman Shami Aziz Al-Khatib")),
    # Syrian Kurds went to Arabic-language schools: they write Arabic.
    Group(0.15, "ku", _words("Azad Baran Shiar Rezan Dilovan Serhat Rojhat Welat"),
          _words("Rojda Dilan Berfin Zozan Nesrin Ronahi Hevin Sozdar"),
          _words("Hamo Sheikho Osso Kalo Bakr Hesso Temo Xelil"),
          extra=(("ar", ("B2", "C1"), 1.0),)),
), arrivals=((2014, 2016, 0.7), (2017, 2023, 0.3)), english=0.3,
    permits=(0.7, 0.25, 0.04, 0.01))

_UKRAINE = Origin("Ukraine", "uk", 0.25, (
    Group(1.0, "uk",
          _words("Oleksandr Andrii Dmytro Serhii Mykola Volodymyr Ivan Taras Bohdan Yurii"),
          _words("Olena Iryna Nataliia Oksana Tetiana Kateryna Yuliia Svitlana Anastasiia "
                 "Mariia"),
          _words("Kovalenko Shevchenko Bondarenko Tkachenko Kravchenko Melnyk Boiko "
                 "Kovalchuk Oliinyk Lysenko Marchenko Moroz Savchenko Rudenko"),
          extra=(("ru", ("C1",), 0.5), ("pl", ("A2",), 0.05))),
), arrivals=((2022, 2022, 0.6), (2023, 2024, 0.4)), english=0.4, schooled=1.8,
    universal_school=True,
    permits=(0.9, 0.08, 0.02, 0.0))

_AFGHANISTAN = Origin("Afghanistan", "fa", 0.14, (
    Group(0.7, "fa", _words("Ahmad Mohammad Ali Hamid Farid Jawad Mustafa Nasir Rahim Sohrab"),
          _words("Zahra Maryam Fatima Shabnam Laila Nargis Parisa Roya Somaya Farzana"),
          _words("Ahmadi Rahimi Karimi Hosseini Noori Sultani Haidari Mohammadi Azizi Safi "
                 "Rezaei Jafari"), extra=(("ps", ("B1",), 0.1),)),
    # Pashto speakers: Dari is the country's common written language.
    Group(0.3, "ps", _words("Zalmai Naqibullah Rahmatullah Hayatullah Mirwais Wahid "
                            "Asadullah Sardar"),
          _words("Malalai Palwasha Zarghona Nazo Gulalai Spogmai Shabana Mina"),
          _words("Popal Wardak Stanekzai Yousafzai Durrani Mohmand Niazi Ahmadzai"),
          extra=(("fa", ("B2", "C1"), 1.0),)),
), arrivals=((2015, 2016, 0.5), (2017, 2020, 0.15), (2021, 2024, 0.35)), english=0.2,
    schooled=0.6, permits=(0.35, 0.4, 0.2, 0.05))

_VIETNAM = Origin("Vietnam", "vi", 0.1, (
    Group(1.0, "vi", _words("An Bình Dũng Hùng Long Tuấn Khoa Nam Phúc Quân"),
          _words("Lan Hoa Hương Linh Mai Trang Ngân Thảo Hạnh Vy"),
          _words("Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ"),
          middle_male=_words("Văn Đức Minh Quang Hữu"),
          middle_female=_words("Thị Ngọc Thu Thanh Kim")),
), arrivals=((2012, 2024, 1.0),), english=0.2, family_first=True, universal_school=True,
    permits=(0.2, 0.7, 0.05, 0.05))

_CHINA = Origin("China", "zh", 0.08, (
    Group(1.0, "zh", _words("Wei Jun Hao Lei Jian Tao Ming Qiang Bo Yong"),
          _words("Fang Jing Na Xiuying Yan Mei Ting Xia Li Hui"),
          _words("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou")),
), arrivals=((2014, 2024, 1.0),), english=0.3, family_first=True, universal_school=True,
    permits=(0.2, 0.75, 0.05, 0.0))

_ERITREA = Origin("Eritrea", "en", 0.09, (
    # Secondary schools teach in English; Tigrinya has no labels in the taxonomy.
    Group(1.0, "ti", _words("Tesfay Yonas Dawit Habtom Kidane Samuel Berhane Mehari Filmon"),
          _words("Helen Selam Saba Senait Ruth Yohanna Mebrat Luwam Winta"),
          _words("Gebremedhin Tesfamariam Haile Tekle Ghebreyesus Kahsay Weldu Berhe "
                 "Asmerom"), extra=(("ar", ("A2",), 0.2),)),
), arrivals=((2014, 2016, 0.6), (2017, 2023, 0.4)), english=1.0, schooled=0.8,
    permits=(0.55, 0.3, 0.13, 0.02))

_NIGERIA = Origin("Nigeria", "en", 0.07, (
    Group(0.4, "yo", _words("Oluwaseun Tunde Segun Babatunde Adewale Kayode Femi"),
          _words("Funmilayo Folake Yetunde Bukola Titilayo Omolara"),
          _words("Adeyemi Balogun Olawale Adebayo Ogunleye Afolabi")),
    Group(0.35, "ig", _words("Chinedu Emeka Ifeanyi Obinna Kelechi Chukwuemeka Nnamdi"),
          _words("Ngozi Chiamaka Adaeze Chioma Nneka Ifeoma"),
          _words("Okafor Okonkwo Eze Nwosu Obi Okeke Nwachukwu")),
    Group(0.25, "ha", _words("Ibrahim Musa Abdullahi Suleiman Aminu Yusuf"),
          _words("Aisha Amina Hauwa Zainab Hadiza Maryam"),
          _words("Abubakar Bello Usman Danjuma Garba Lawal Shehu")),
), arrivals=((2015, 2024, 1.0),), english=1.0,
    permits=(0.15, 0.45, 0.25, 0.15))

ORIGINS = (_SYRIA, _UKRAINE, _AFGHANISTAN, _VIETNAM, _CHINA, _ERITREA, _NIGERIA)
_GERMAN_LEVELS = ("A1", "A2", "B1", "B2", "C1")
_GERMAN_WEIGHTS = (0.1, 0.35, 0.33, 0.16, 0.06)


@dataclass(frozen=True)
class Person:
    """Who one candidate is: origin, people, name, and when they came."""
    origin: Origin
    group: Group
    female: bool
    name: str  # in the order they write it
    given: str
    family: str
    arrival: int  # year


def draw_person(rng: random.Random) -> Person:
    origin = ORIGINS[rng.choices(range(len(ORIGINS)), weights=[o.share for o in ORIGINS])[0]]
    group = origin.groups[rng.choices(range(len(origin.groups)),
                                      weights=[g.share for g in origin.groups])[0]]
    female = rng.random() < 0.45
    given = rng.choice(group.female if female else group.male)
    family = rng.choice(group.surnames)
    name = f"{given} {family}"
    if origin.family_first:
        middles = group.middle_female if female else group.middle_male
        name = " ".join([family, *([rng.choice(middles)] if middles else []), given])
    first, last, _ = origin.arrivals[rng.choices(range(len(origin.arrivals)),
                                                 weights=[a[2] for a in origin.arrivals])[0]]
    return Person(origin, group, female, name, given, family, rng.randint(first, last))


def draw_languages(person: Person, years_here: int, rng: random.Random) -> list[LanguageLevel]:
    """The mother tongue, German (better after longer here), the people's usual other
    languages and sometimes English."""
    languages = [LanguageLevel(lang=person.group.native, level="native")]
    german = rng.choices(range(len(_GERMAN_LEVELS)), _GERMAN_WEIGHTS)[0]
    if years_here >= 6 and rng.random() < 0.3:
        german += 1
    elif years_here <= 2 and rng.random() < 0.3:
        german -= 1
    german = min(max(german, 0), len(_GERMAN_LEVELS) - 1)
    languages.append(LanguageLevel(lang="de", level=_GERMAN_LEVELS[german]))
    for lang, levels, chance in person.group.extra:
        if rng.random() < chance and all(lv.lang != lang for lv in languages):
            languages.append(LanguageLevel(lang=lang, level=rng.choice(levels)))
    english = person.origin.english
    if rng.random() < english and all(lv.lang != "en" for lv in languages):
        level = rng.choice(("A2", "B1", "B2") if english < 1 else ("B1", "B2", "C1"))
        languages.append(LanguageLevel(lang="en", level=level))
    return languages
