"""The NRW demo data set: valid, deterministic, multilingual and plausible.

Uses the starter taxonomy directly: no database, no model.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from matcher.demo.common import job_title
from matcher.demo.data import REFERENCE_DATE, TOWNS, DemoData, generate
from matcher.demo.places import km
from matcher.recognition.eqf_table import EqfTable, project_table
from matcher.recognition.qualification_types import core_title
from matcher.recognition.recogniser import GENERAL_EDUCATION, eqf_level, typical_eqf
from matcher.schemas import (
    CandidateIn,
    CourseIn,
    Experience,
    Location,
    Qualification,
    SkillClaim,
    VacancyIn,
)
from skills_taxonomy.model import ConceptKind, RelationType, Taxonomy
from skills_taxonomy.starter import load_starter
from skills_taxonomy.text import fold
from tests.conftest import needs_shared

ROOT = Path(__file__).resolve().parents[1]
NRW_LAT = (50.3, 52.6)
NRW_LON = (5.8, 9.5)
VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_starter()


@pytest.fixture(scope="module")
def data(taxonomy: Taxonomy) -> DemoData:
    return generate(taxonomy)


def _digest(data: DemoData) -> str:
    payload = {
        "centres": [vars(o) for o in data.centres],
        "employers": [vars(o) for o in data.employers],
        "candidates": [(o, c.model_dump(mode="json")) for o, c in data.candidates],
        "vacancies": [(o, v.model_dump(mode="json")) for o, v in data.vacancies],
        "courses": [c.model_dump(mode="json") for c in data.courses],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _script(text: str) -> str:
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return "arabic"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "cyrillic"
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "han"
    if any(ch in VIETNAMESE for ch in text.lower()):
        return "vietnamese"
    return "latin"


def _locations(data: DemoData) -> list[Location]:
    found = [c.location for _, c in data.candidates] + [v.location for _, v in data.vacancies]
    return found + [c.location for c in data.courses if c.location is not None]


def test_default_counts_and_ids(data: DemoData) -> None:
    assert len(data.centres) == 3
    assert 50 <= len(data.employers) <= 70
    assert (len(data.candidates), len(data.vacancies), len(data.courses)) == (200, 1000, 100)
    for items in ([c.external_id for _, c in data.candidates],
                  [v.external_id for _, v in data.vacancies],
                  [c.external_id for c in data.courses],
                  [o.external_id for o in data.centres + data.employers],
                  [o.name for o in data.employers]):
        assert len(items) == len(set(items))
    assert data.candidates[0][1].external_id == "demo-cand-0001"
    assert data.vacancies[0][1].external_id == "demo-vac-0001"
    assert data.courses[0].external_id == "demo-course-001"
    assert {o.kind for o in data.centres} == {"centre"}
    assert {o.kind for o in data.employers} == {"employer"}
    centres = {o.external_id for o in data.centres}
    employers = {o.external_id for o in data.employers}
    assert {c for c, _ in data.candidates} == centres
    assert {e for e, _ in data.vacancies} <= employers


def test_objects_are_valid_models(data: DemoData) -> None:
    for _, candidate in data.candidates:
        assert CandidateIn.model_validate(candidate.model_dump()) == candidate
    for _, vacancy in data.vacancies:
        assert VacancyIn.model_validate(vacancy.model_dump()) == vacancy
    for course in data.courses:
        assert CourseIn.model_validate(course.model_dump()) == course


def test_vacancy_kinds_titles_and_dates(data: DemoData) -> None:
    kinds = Counter(v.kind for _, v in data.vacancies)
    assert set(kinds) == {"job", "apprenticeship", "placement"}
    assert kinds["job"] > len(data.vacancies) / 2
    assert kinds["apprenticeship"] > kinds["placement"]
    last = REFERENCE_DATE + dt.timedelta(days=183)
    for _, v in data.vacancies:
        assert "(m/w/d)" in v.title and v.lang == "de" and 1 <= v.slots <= 5
        if v.kind == "apprenticeship":
            assert v.title.startswith(("Ausbildung zum ", "Ausbildung zur "))
        if v.kind == "placement":
            assert v.title.startswith(("Praktikum ", "Einstiegsqualifizierung "))
        assert v.start_date is not None and REFERENCE_DATE <= v.start_date <= last
        german = {lv.lang: lv.level for lv in v.languages}["de"]
        assert german == "A2" if v.kind == "placement" else german in ("A2", "B1", "B2")
    assert any(not v.is_open for _, v in data.vacancies)
    assert sum(not v.is_open for _, v in data.vacancies) < len(data.vacancies) * 0.1


def test_labour_market_is_uneven(data: DemoData) -> None:
    counts = Counter(v.occupation for _, v in data.vacancies)
    top = counts.most_common(1)[0][1]
    assert top >= 4 * statistics.median(counts.values())


def test_qualification_titles_in_many_scripts(data: DemoData) -> None:
    scripts = Counter(_script(q.title) for _, c in data.candidates for q in c.qualifications)
    assert {"arabic", "cyrillic", "han", "vietnamese", "latin"} <= set(scripts)
    countries = {q.country for _, c in data.candidates for q in c.qualifications}
    assert {"Syria", "Ukraine", "Vietnam", "China", "Afghanistan"} <= countries


def test_candidates_look_like_a_caseload(data: DemoData) -> None:
    candidates = [c for _, c in data.candidates]
    german = Counter(next(lv.level for lv in c.languages if lv.lang == "de") for c in candidates)
    assert german["A2"] + german["B1"] > len(candidates) / 2
    assert all(any(lv.level == "native" for lv in c.languages) for c in candidates)
    permits = Counter(c.work_permit for c in candidates)
    assert permits["full"] + permits["restricted"] > 0.75 * len(candidates)
    assert permits["pending"] > 0 and permits["none"] > 0
    consents = sum(bool(c.consents) for c in candidates)
    assert 0.1 * len(candidates) < consents < 0.3 * len(candidates)
    emails = [c.personal.email for c in candidates if c.personal.email]
    assert len(emails) == len(set(emails)) > len(candidates) / 2
    assert all(e.isascii() and e.endswith("@example.org") for e in emails)
    assert all(c.personal.phone.startswith("+49 1") for c in candidates if c.personal.phone)
    assert all(10 <= c.travel_radius_km <= 60 for c in candidates)
    assert sum(bool(c.qualifications) for c in candidates) > 0.85 * len(candidates)
    for c in candidates:
        assert len(c.qualifications) <= 2 and len(c.experience) <= 2
        assert all(1975 <= (q.year or 0) <= 2024 for q in c.qualifications)
        assert all(0.5 <= e.years <= 15 for e in c.experience)


def test_free_text_skills_in_the_candidates_language(data: DemoData) -> None:
    texts = [(c.lang, s.text) for _, c in data.candidates for s in c.skills if s.text]
    assert 0.3 * len(data.candidates) < len(texts) < 0.7 * len(data.candidates)
    scripts = {_script(text) for _, text in texts}
    assert {"arabic", "cyrillic", "han"} <= scripts
    for lang, text in texts:
        if lang == "uk":
            assert _script(text) == "cyrillic"
    sources = Counter(s.source for _, c in data.candidates for s in c.skills if s.concept)
    assert len(sources) == 4
    assert any(s.evidence for _, c in data.candidates for s in c.skills)
    worded = [v for _, v in data.vacancies if v.essential_skills_text]
    assert 0.08 * len(data.vacancies) < len(worded) < 0.25 * len(data.vacancies)
    assert all(not v.essential_skills for v in worded)
    assert any(c.skills_text and not c.skills for c in data.courses)


def test_every_concept_id_exists_with_the_right_kind(data: DemoData,
                                                     taxonomy: Taxonomy) -> None:
    def kind(uri: str) -> ConceptKind:
        concept = taxonomy.get(uri)
        assert concept is not None, uri
        return concept.kind

    skill, occupation = ConceptKind.SKILL, ConceptKind.OCCUPATION
    for _, c in data.candidates:
        assert all(kind(s.concept) is skill for s in c.skills if s.concept)
        assert all(kind(e.occupation) is occupation for e in c.experience if e.occupation)
        assert all(kind(o) is occupation for o in c.preferences.occupations)
    for _, v in data.vacancies:
        assert v.occupation is not None and kind(v.occupation) is occupation
        assert set(v.essential_skills) <= set(taxonomy.essential_skills(v.occupation))
        assert set(v.optional_skills) <= set(taxonomy.optional_skills(v.occupation))
        assert v.essential_skills or v.essential_skills_text
    for course in data.courses:
        assert all(kind(s) is skill for s in course.skills)
        assert course.skills or course.skills_text
        assert 0 < len(course.skills) <= 6 or course.skills_text


def test_coordinates_inside_nrw(data: DemoData) -> None:
    towns = {name for name, _, _ in TOWNS}
    assert len(towns) >= 30
    for name, lat, lon in TOWNS:
        assert NRW_LAT[0] <= lat <= NRW_LAT[1] and NRW_LON[0] <= lon <= NRW_LON[1], name
    reference = {name: (lat, lon) for name, lat, lon in TOWNS}
    for loc in _locations(data):
        assert NRW_LAT[0] <= loc.lat <= NRW_LAT[1] and NRW_LON[0] <= loc.lon <= NRW_LON[1]
        lat, lon = reference[loc.town]
        assert abs(loc.lat - lat) <= 0.021 and abs(loc.lon - lon) <= 0.021


def test_courses(data: DemoData, taxonomy: Taxonomy) -> None:
    online = [c for c in data.courses if c.online]
    assert online and all(c.location is None for c in online)
    assert all(c.location is not None for c in data.courses if not c.online)
    assert 0.15 * len(data.courses) < len(online) < 0.45 * len(data.courses)
    langs = Counter(c.lang for c in data.courses)
    assert langs.most_common(1)[0][0] == "de" and len(langs) >= 3
    assert any(c.seats == 0 for c in data.courses)
    for c in data.courses:
        assert 1 <= c.duration_weeks <= 26 and 0 <= c.cost_eur <= 3000 and c.seats <= 25
        assert 1 <= len(c.start_dates) <= 4 and all(d > REFERENCE_DATE for d in c.start_dates)
        assert c.funding in ("Bildungsgutschein", "kostenlos (Jobcenter)", "Arbeitgeber",
                             "Selbstzahler", "BAMF")
        assert c.min_level in (("A2", "B1") if c.lang == "de" else ("A1", "A2"))
    # The courses together teach most of what the most demanded occupations need.
    taught = {s for c in data.courses for s in c.skills}
    frequent = [o for o, _ in Counter(v.occupation for _, v in data.vacancies).most_common(10)]
    needed = {s for o in frequent if o for s in taxonomy.essential_skills(o)}
    assert len(needed & taught) >= 0.7 * len(needed)


def test_same_seed_same_data_other_seed_other_data(taxonomy: Taxonomy,
                                                   data: DemoData) -> None:
    assert generate(taxonomy) == data
    other = generate(taxonomy, seed=8)
    assert other != data
    assert [c for _, c in other.candidates] != [c for _, c in data.candidates]


def test_same_data_in_another_process(data: DemoData) -> None:
    """No dependence on string hashing (set order), which changes between processes."""
    code = ("from matcher.demo.data import generate; from skills_taxonomy.starter import "
            "load_starter; from tests.test_demo_data import _digest; "
            "print(_digest(generate(load_starter())))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    assert out.stdout.strip() == _digest(data)


def test_other_sizes(taxonomy: Taxonomy) -> None:
    small = generate(taxonomy, candidates=3, vacancies=5, courses=2, seed=1)
    assert (len(small.candidates), len(small.vacancies), len(small.courses)) == (3, 5, 2)
    empty = generate(taxonomy, candidates=0, vacancies=0, courses=0)
    assert not (empty.candidates or empty.vacancies or empty.courses)


def test_english_only_taxonomy_with_sparse_occupations(taxonomy: Taxonomy) -> None:
    """Like a partial ESCO import: missing languages fall back to English, and occupations
    with fewer than three essential skills are left out."""
    sparse = copy.deepcopy(taxonomy)
    for concept in sparse.concepts.values():
        concept.labels = [lb for lb in concept.labels if lb.lang == "en"]
    occupations = sorted(c.uri for c in sparse.of_kind(ConceptKind.OCCUPATION))
    thin = occupations[0]
    sparse.occupation_skills[thin] = dict(list(sparse.occupation_skills[thin].items())[:2])
    for uri in occupations[1:]:
        sparse.occupation_skills[uri] = {s: r for s, r in sparse.occupation_skills[uri].items()
                                         if r is RelationType.ESSENTIAL}
    data = generate(sparse, candidates=50, vacancies=200, courses=20)
    assert thin not in {v.occupation for _, v in data.vacancies}
    english = [lb.text for c in sparse.concepts.values() for lb in c.labels]
    titles = [q.title for _, c in data.candidates for q in c.qualifications]
    # English names of the certificates; some keep the native name in brackets.
    assert titles and all(_script(re.sub(r"\(.*?\)", "", title)) == "latin"
                          for title in titles)
    trades = [q.title for _, c in data.candidates for q in c.qualifications
              if q.type in ("vocational_secondary", "short_cycle")]
    assert trades and all(any(title in (lb, f"– {lb}") or title.endswith(f"– {lb}")
                              for lb in english) for title in trades)
    assert all(not v.optional_skills for _, v in data.vacancies)


def test_refuses_a_taxonomy_without_usable_occupations(taxonomy: Taxonomy) -> None:
    skills_only = Taxonomy(concepts={c.uri: c for c in taxonomy.of_kind(ConceptKind.SKILL)})
    with pytest.raises(ValueError, match="essential skills"):
        generate(skills_only)


@needs_shared
@pytest.mark.esco
def test_full_esco(esco_taxonomy: Taxonomy) -> None:
    data = generate(esco_taxonomy, candidates=100, vacancies=300, courses=30)
    for _, v in data.vacancies:
        assert v.occupation in esco_taxonomy.concepts
        assert all(s in esco_taxonomy.concepts for s in v.essential_skills)
    for _, c in data.candidates:
        assert all(s.concept in esco_taxonomy.concepts for s in c.skills if s.concept)


# --- Plausibility as a job coach reads it -------------------------------------------------
# A coach reading a profile expects the qualifications to fit the work history and the
# age, every skill's evidence to come from a job or a qualification that teaches it, and
# name, languages and country of origin to belong together.

LANG_OF_COUNTRY = {"Syria": "ar", "Ukraine": "uk", "Afghanistan": "fa", "Vietnam": "vi",
                   "China": "zh", "Eritrea": "en", "Nigeria": "en"}
NATIVE_OF_COUNTRY = {"Syria": {"ar", "ku"}, "Ukraine": {"uk"}, "Afghanistan": {"fa", "ps"},
                     "Vietnam": {"vi"}, "China": {"zh"}, "Eritrea": {"ti"},
                     "Nigeria": {"yo", "ig", "ha"}}
NIGERIAN_FAMILIES = {
    "yo": {"Adeyemi", "Balogun", "Olawale", "Adebayo", "Ogunleye", "Afolabi"},
    "ig": {"Okafor", "Okonkwo", "Eze", "Nwosu", "Obi", "Okeke", "Nwachukwu"},
    "ha": {"Abubakar", "Bello", "Usman", "Danjuma", "Garba", "Lawal", "Shehu"}}
SCRIPT_OF_LANG = {"ar": "arabic", "fa": "arabic", "uk": "cyrillic", "zh": "han",
                  "vi": "vietnamese", "en": "latin"}
# The EQF levels a qualification type can sit at (duration and country move it a step).
TYPE_LEVELS = {"primary": (1, 1), "lower_secondary": (2, 2), "upper_secondary": (4, 4),
               "vocational_secondary": (2, 4), "short_cycle": (4, 5), "bachelor": (6, 6),
               "master": (7, 7), "doctorate": (8, 8)}
EVIDENCE_JOB = re.compile(r"^(\d+(?:,\d+)?) Jahre? Berufserfahrung als (.+)\.$")
EVIDENCE_QUALIFICATION = re.compile(r"^Abschluss „(.+)“ \((\d{4})\)")
# Words of certificates, not of jobs ("دبلوم مساعد تمريض" is no job title).
CERTIFICATE_WORDS = ("diplom", "certificate", "شهادة", "دبلوم", "گواهینامه", "chứng chỉ",
                     "trung cấp", "证")


class _Occupations:
    """Occupations named by a text: a job title (any label, any language, or the German
    job-ad title) or a qualification's field."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.by_label: dict[str, set[str]] = {}
        for concept in taxonomy.of_kind(ConceptKind.OCCUPATION):
            texts = [lb.text for lb in concept.labels] + [job_title(concept)]
            for text in texts:
                self.by_label.setdefault(fold(text), set()).add(concept.uri)
        self.by_core: dict[str, set[str]] = {}
        for text, uris in self.by_label.items():
            self.by_core.setdefault(core_title(text), set()).update(uris)

    def named(self, title: str) -> set[str]:
        return self.by_label.get(fold(title), set())

    def of_job(self, job: Experience) -> set[str]:
        return {job.occupation} if job.occupation else self.named(job.title)

    def field(self, q: Qualification) -> set[str]:
        """The occupations a qualification's field (the title after its certificate's
        name, generic words such as "major" or "by trade" left out) is a label of."""
        return self.by_core.get(core_title(_title_parts(q)[1]), set())

    def teach(self, occupations: set[str], skill: str) -> bool:
        return any(skill in self.taxonomy.essential_skills(o)
                   or skill in self.taxonomy.optional_skills(o) for o in occupations)

    def isco(self, uri: str) -> str:
        return self.taxonomy.concepts[uri].isco_code


@pytest.fixture(scope="module")
def occupations(taxonomy: Taxonomy) -> _Occupations:
    return _Occupations(taxonomy)


def _taught_by_job(claim: SkillClaim, c: CandidateIn, occ: _Occupations) -> bool:
    jobs = [(e, occ.of_job(e)) for e in c.experience]
    found = EVIDENCE_JOB.match(claim.evidence or "")
    if found:  # "3,5 Jahre Berufserfahrung als Elektriker.": that job, those years
        named = occ.named(found[2])
        years = float(found[1].replace(",", "."))
        jobs = [(e, o) for e, o in jobs if e.years == years and o & named]
    return any(occ.teach(o, claim.concept or "") for _, o in jobs)


def _taught_by_qualification(claim: SkillClaim, c: CandidateIn, occ: _Occupations) -> bool:
    quals = list(c.qualifications)
    found = EVIDENCE_QUALIFICATION.match(claim.evidence or "")
    if found:  # "Abschluss „…“ (2011), Zeugnis liegt vor.": that qualification
        quals = [q for q in quals if q.title == found[1] and q.year == int(found[2])]
    return any(occ.teach(occ.field(q), claim.concept or "") for q in quals)


def _own_occupations(c: CandidateIn, occ: _Occupations) -> set[str]:
    own = set(c.preferences.occupations)
    for job in c.experience:
        own |= occ.of_job(job)
    for q in c.qualifications:
        own |= occ.field(q)
    return own


def _neighbours(own: set[str], occ: _Occupations) -> set[str]:
    """Occupations of the same ISCO minor group (first three digits) as one of `own`."""
    groups = {occ.isco(o)[:3] for o in own}
    return {c.uri for c in occ.taxonomy.of_kind(ConceptKind.OCCUPATION)
            if c.isco_code[:3] in groups}


def _claim_is_taught(claim: SkillClaim, c: CandidateIn, occ: _Occupations) -> bool:
    skill = claim.concept or ""
    if claim.source == "work_experience":
        return _taught_by_job(claim, c, occ)
    if claim.source == "qualification":
        return _taught_by_qualification(claim, c, occ)
    own = _own_occupations(c, occ)
    if claim.source == "coach_verified":
        return occ.teach(own, skill)
    return occ.teach(own | _neighbours(own, occ), skill)


def test_every_skill_is_evidenced_by_what_teaches_it(data: DemoData,
                                                      occupations: _Occupations) -> None:
    """'pack goods' evidenced by '3.5 years as an electrician' reads as nonsense: a skill
    from work experience comes from a job whose occupation has that skill, one from a
    qualification from a qualification in a field that has it, a coach verifies only what
    the person's occupations need, and self-declared extras stay near their trade."""
    wrong = [f"{c.external_id}: {claim.concept} ({claim.source}) {claim.evidence}"
             for _, c in data.candidates for claim in c.skills
             if claim.concept and not _claim_is_taught(claim, c, occupations)]
    assert not wrong, f"{len(wrong)} claims, e.g. {wrong[:5]}"
    sources = Counter(s.source for _, c in data.candidates for s in c.skills if s.concept)
    assert min(sources.values()) > 0.05 * sum(sources.values())


def _title_parts(q: Qualification) -> tuple[str | None, str]:
    """(the type of the country's qualification the title starts with, the rest: its
    field) after the project's table of qualifications in countries of origin."""
    names = sorted(((name, entry.type) for entry in project_table() if entry.country == q.country
                    for name in (entry.native_title, entry.qualification) if name),
                   key=lambda item: -len(item[0]))
    for name, kind in names:
        if q.title.startswith(name):
            return kind, q.title[len(name):].strip(" -–,()（）")
    return None, q.title


def test_qualifications_are_real_ones_at_their_level(data: DemoData,
                                                     occupations: _Occupations) -> None:
    """A bachelor's degree 'dishwasher' at EQF 6 reads as nonsense: every qualification is
    one of its country's (its title says which), its EQF level is that of its type, a
    school certificate names no trade, a vocational or higher one names its field, and no
    qualification sits more than a step above what its trade usually needs."""
    table = EqfTable(project_table())
    for _, c in data.candidates:
        for q in c.qualifications:
            where = f"{c.external_id}: {q.title} ({q.type}, {q.duration_years} years)"
            kind, field = _title_parts(q)  # the certificate's name, or the field alone
            assert kind == q.type or (kind is None and q.type not in GENERAL_EDUCATION), where
            level = eqf_level(q, table, None)["level"]
            low, high = TYPE_LEVELS[q.type]
            assert level is not None and low <= level <= high, where
            trades = occupations.field(q)
            if q.type in GENERAL_EDUCATION:
                assert not field and not trades, where
                assert q.status != "partial", where
                continue
            assert field, where
            for uri in trades:
                usual = typical_eqf(occupations.taxonomy.concepts[uri])
                assert usual is not None and level <= usual + 1, (where, uri)


def test_elementary_workers_with_degrees_work_below_them(data: DemoData,
                                                         occupations: _Occupations) -> None:
    """A kitchen helper with a degree is realistic for a refugee, but then the degree is in
    a field of its own (not 'dishwasher') and the kitchen work short and recent."""
    table = EqfTable(project_table())
    seen = 0
    for _, c in data.candidates:
        jobs = [occupations.of_job(e) for e in c.experience]
        own = set(c.preferences.occupations).union(*jobs)
        if not own or any(not occupations.isco(o).startswith("9") for o in own):
            continue
        for q in c.qualifications:
            level = eqf_level(q, table, None)["level"] or 0
            if level < 6:
                continue
            seen += 1
            where = f"{c.external_id}: {q.title} with {[e.title for e in c.experience]}"
            assert _title_parts(q)[1], where
            assert not occupations.field(q), where
            assert all(e.years <= 3 for e, o in zip(c.experience, jobs, strict=True) if o), where
    assert seen <= 0.1 * len(data.candidates)


def test_work_history_fits_the_qualifications_and_age(data: DemoData) -> None:
    """Nobody has worked longer than since their first certificate, a school certificate
    comes before the vocational or higher qualification built on it (all earned by a
    working-age adult of today), and job titles are jobs, not certificates."""
    for _, c in data.candidates:
        where = c.external_id
        years = [q.year or 0 for q in c.qualifications]
        if years:
            assert sum(e.years for e in c.experience) <= REFERENCE_DATE.year - min(years), where
        general = [q for q in c.qualifications if q.type in GENERAL_EDUCATION]
        higher = [q for q in c.qualifications if q.type not in GENERAL_EDUCATION]
        for school in general:
            for q in higher:
                assert (q.year or 0) - (school.year or 0) >= (q.duration_years or 0) - 1, where
        assert not any(word in e.title.lower() for e in c.experience
                       for word in CERTIFICATE_WORDS), (where, c.experience)


def test_names_languages_and_countries_agree(data: DemoData) -> None:
    """An Arabic speaker from Syria, a Ukrainian speaker from Ukraine, Dari from
    Afghanistan: one country per person, their language and script throughout, a family
    name that belongs to one country only, and a home near the centre looking after them."""
    families: dict[str, set[str]] = {}
    centres = {o.external_id: o.town for o in data.centres}
    towns = {name: (lat, lon) for name, lat, lon in TOWNS}
    for centre, c in data.candidates:
        assert km(towns[centres[centre]], towns[c.location.town]) <= 45, c.external_id
        countries = {q.country for q in c.qualifications}
        assert len(countries) <= 1, c.external_id
        native = {lv.lang for lv in c.languages if lv.level == "native"}
        if not countries:
            continue
        country = countries.pop() or ""
        assert c.lang == LANG_OF_COUNTRY[country], c.external_id
        assert native and native <= NATIVE_OF_COUNTRY[country], (c.external_id, native)
        script = SCRIPT_OF_LANG[c.lang or ""]
        texts = [q.title for q in c.qualifications] + [s.text for s in c.skills if s.text]
        assert all(_script(t) in (script, "latin") for t in texts), c.external_id
        assert all(_script(e.title) in (script, "latin") for e in c.experience)
        words = c.personal.name.split()
        family = words[0] if country in ("Vietnam", "China") else words[-1]
        families.setdefault(family, set()).add(country)
        if country == "Nigeria":  # Yoruba, Igbo and Hausa names go with their languages
            assert family in NIGERIAN_FAMILIES[min(native)], (c.personal.name, native)
    assert all(len(countries) == 1 for countries in families.values()), families
