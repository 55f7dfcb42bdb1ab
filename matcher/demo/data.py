"""A deterministic, realistic demo data set in North Rhine-Westphalia (NRW), Germany: the
entry point that draws it all from one seed.

Coaches judge a matching engine by whether its results look like their own caseload, so the
data mimics one: migrants from the main countries of origin writing in their own languages,
an uneven labour market (care, logistics, construction and hospitality dominate), German
job titles, courses from local providers. Everything is drawn from one `random.Random(seed)`
and a fixed reference date, so the same seed always gives the same data. Works on any
taxonomy: labels missing in a language fall back to English, and occupations with fewer
than three essential skills are skipped.

The pieces live beside this module: `places` (towns, centres, locations), `market`
(sectors, occupations), `employers`, `people` (candidates: `origins` for names and
languages, `schooling` and `biography` for certificates and jobs that fit together and
with their age, `claims` for skills evidenced by what taught them), `vacancies`,
`courses` and `recognition`; `common` holds what they share.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from matcher.demo.common import REFERENCE_DATE
from matcher.demo.courses import draw_courses
from matcher.demo.employers import Organisation, draw_employers
from matcher.demo.market import usable_occupations
from matcher.demo.people import draw_candidates
from matcher.demo.places import CENTRES, TOWNS
from matcher.demo.recognition import add_recognition
from matcher.demo.vacancies import draw_vacancies
from matcher.schemas import CandidateIn, CourseIn, VacancyIn
from skills_taxonomy.model import Taxonomy


@dataclass
class DemoData:
    centres: list[Organisation]
    employers: list[Organisation]
    candidates: list[tuple[str, CandidateIn]]  # (centre external_id, candidate)
    vacancies: list[tuple[str, VacancyIn]]  # (employer external_id, vacancy)
    courses: list[CourseIn]


def generate(taxonomy: Taxonomy, candidates: int = 200, vacancies: int = 1000,
             courses: int = 100, seed: int = 7) -> DemoData:
    """The demo data set; the same taxonomy and seed always give the same data."""
    rng = random.Random(seed)
    occupations = usable_occupations(taxonomy, rng)
    centres = [Organisation(ext, name, "centre", town) for ext, name, town, _ in CENTRES]
    employers, by_sector, sites = draw_employers(rng)
    candidate_list = draw_candidates(candidates, occupations, taxonomy, rng)
    vacancy_list = draw_vacancies(vacancies, occupations, employers, by_sector, sites,
                                  taxonomy, rng)
    course_list = draw_courses(courses, occupations, taxonomy, rng)
    add_recognition(candidate_list, vacancy_list, course_list, taxonomy, seed)
    return DemoData(centres=centres, employers=employers, candidates=candidate_list,
                    vacancies=vacancy_list, courses=course_list)


__all__ = ["REFERENCE_DATE", "TOWNS", "DemoData", "Organisation", "generate"]
