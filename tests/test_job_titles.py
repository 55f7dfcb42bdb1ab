"""Gender markers in job advert titles: removed before the title is linked."""

from __future__ import annotations

import pytest

from matcher.engine import Engine
from matcher.intake.candidates import prepare_candidate
from matcher.intake.vacancies import prepare_vacancies
from matcher.schemas import CandidateIn, VacancyIn
from skills_taxonomy.job_titles import bare_title, strip_gender_markers
from skills_taxonomy.model import ConceptKind


@pytest.mark.parametrize(("title", "bare"), [
    ("Schweißer (m/w/d) MIG/MAG", "Schweißer MIG/MAG"),
    ("Elektriker (w/m/div.)", "Elektriker"),
    ("Ordinationshilfe (m./w.)", "Ordinationshilfe"),
    ("Koch m/w/d", "Koch"),
    ("Pflegekraft (gn*)", "Pflegekraft"),
    ("Sales Manager (m/f/d) - Berlin", "Sales Manager - Berlin"),
    ("Manager [M/F/D]", "Manager"),
    ("Boucher (h/f/x)", "Boucher"),
    ("Vendeur H/F", "Vendeur"),
    ("Sprzedawca (k/m)", "Sprzedawca"),
    ("Prodavač (m/ž)", "Prodavač"),
    ("Verkäufer/in (m/w/d)", "Verkäufer/in"),
])
def test_gender_markers_are_removed(title: str, bare: str) -> None:
    assert strip_gender_markers(title) == bare


@pytest.mark.parametrize("title", [
    "Berufskraftfahrer (C/CE)", "Input/Output Engineer", "B/W photographer",
    "TV/AV Techniker", "Ärztin/Arzt", "Verkäuferin", "Koch / Köchin", "(m/w/d)",
    # feminine forms stay: ESCO's labels carry them ("Verkäufer/Verkäuferin")
    "Verkäufer/in", "Mitarbeiter*innen Küche", "Infirmier(ère)", "Camarero/a",
])
def test_what_is_not_a_marker_is_kept(title: str) -> None:
    assert strip_gender_markers(title) == title


@pytest.mark.parametrize(("title", "bare"), [
    ("Anlagenmechaniker SHK (m/w/d) – Vollzeit", "Anlagenmechaniker SHK"),
    ("Koch (m/w/d) – Vollzeit – Berlin", "Koch – Berlin"),
    ("Staplerfahrer (m/w/d) in Vollzeit", "Staplerfahrer"),
    ("Kfz-Mechatroniker (m/w/d) gesucht!", "Kfz-Mechatroniker"),
    ("Servicekraft Gastronomie (m/w/d) ab sofort", "Servicekraft Gastronomie"),
    ("Vendeur H/F - CDI", "Vendeur"),
    ("Welder - full time, immediate start", "Welder"),
    ("Sykepleier, heltid", "Sykepleier"),
])
def test_terms_of_employment_are_removed(title: str, bare: str) -> None:
    assert bare_title(title) == bare


@pytest.mark.parametrize("title", [
    "Permanent make-up artist", "Temporary works designer", "Urgent care nurse",
    "Teilzeitkraft Verkauf", "Vollzeit",
])
def test_words_that_also_name_a_job_are_kept(title: str) -> None:
    assert bare_title(title) == title


def test_a_title_two_occupations_carry_takes_the_one_the_skills_ask(engine: Engine) -> None:
    """"抹灰工" is a label of concrete worker and of plasterer ("Lagerhelfer", in full
    ESCO, of warehouse worker and of shelf filler): the skills asked or claimed choose,
    for a vacancy's title and for a work experience's."""
    concepts = engine.concepts
    by_label = {concepts.label(c.uri): c.uri
                for c in concepts.taxonomy.of_kind(ConceptKind.OCCUPATION)}
    pair = [by_label["concrete worker"], by_label["plasterer"]]
    [title] = concepts.link_titles(["抹灰工"])
    assert title is not None and sorted(
        concepts.sharing_label(title.concept, title.matched_label)) == sorted(pair)
    where = {"town": "Köln", "lat": 50.94, "lon": 6.96}
    for wanted, other in (pair, pair[::-1]):
        own = [s for s in concepts.essential_skills(wanted)
               if s not in concepts.essential_skills(other)][:3]
        vacancy = VacancyIn.model_validate({
            "external_id": "t-title-tie", "kind": "job", "title": "抹灰工",
            "essential_skills": own, "location": where})
        [prepared] = prepare_vacancies(concepts, [vacancy], engine.recogniser.profile)
        assert prepared.occupation == wanted
        person = CandidateIn.model_validate({
            "external_id": "t-title-tie", "personal": {"name": "Test"}, "location": where,
            "work_permit": "full",
            "experience": [{"title": "抹灰工", "years": 3}],
            "skills": [{"concept": uri} for uri in own]})
        assert prepare_candidate(concepts, engine.recogniser, person).experience[0][0] == wanted
