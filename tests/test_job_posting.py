"""schema.org JobPosting (JSON-LD) in and out (`matcher.intake.job_posting`): postings as
job boards and Google for Jobs feeds write them, read as vacancies (towns by name,
HTML descriptions, language requirements, the document shapes feeds use), bad ones refused
row by row with nothing written, and export → import giving the same vacancy."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.responses.job_postings import JobPosting, JobPostingList
from matcher.engine import Engine
from matcher.errors import ImportRowsError
from matcher.intake.files import UnsupportedFormatError, detect_format, parse_rows
from matcher.intake.html_text import html_to_text, text_to_html
from matcher.intake.job_posting import PostingError, vacancy_from_job_posting
from matcher.schemas import CourseIn, VacancyIn
from tests.conftest import KOELN, World, in_days, scalar, vacancy_body

PACK_GOODS = "http://data.europa.eu/esco/skill/667cbbaf-f377-46d8-8f2d-1f6d8a55d74a"
LD = "application/ld+json"


def german_cook(external_id: str = "koch-2026-07") -> dict[str, Any]:
    """A posting as a German job board sends it: HTML, a town without coordinates."""
    return {
        "@context": "https://schema.org/", "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": "Brauhaus Am Dom",
                       "value": external_id},
        "title": "Koch / Köchin (m/w/d)",
        "description": "<p>Wir suchen Verstärkung für unsere <b>Brauhausküche</b>.</p>"
                       "<h3>Ihre Aufgaben</h3><ul><li>Gemüse &amp; Fleisch vorbereiten</li>"
                       "<li>Speisen nach Rezept zubereiten</li></ul>"
                       "<script>track()</script><p>Wir freuen uns<br>auf Sie!</p>",
        "datePosted": "2026-11-02", "validThrough": in_days(90),
        "employmentType": ["FULL_TIME", "PART_TIME"],
        "hiringOrganization": {"@type": "Organization", "name": "Brauhaus Am Dom GmbH"},
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "streetAddress": "Domplatz 1",
            "addressLocality": "Koeln", "postalCode": "50667", "addressCountry": "DE"}},
        "skills": ["Gemüse vorbereiten", "HACCP anwenden"],
        "qualifications": "Deutsch B1, Erfahrung in der Großküche",
        "responsibilities": "Speisen anrichten",
        "totalJobOpenings": 2, "jobStartDate": in_days(45), "inLanguage": "de-DE"}


def english_placement() -> dict[str, Any]:
    """An English posting with coordinates, ESCO skills as DefinedTerms, expired."""
    return {
        "@context": "https://schema.org", "@type": "JobPosting",
        "identifier": "wh-intern-7", "title": "Warehouse intern",
        "description": "Six weeks in our warehouse.\n\nYou learn how goods move.",
        "validThrough": "2020-01-31T17:00:00+01:00", "employmentType": "INTERN",
        "hiringOrganization": {"@type": "Organization", "name": "Logistik Rhein GmbH"},
        "jobLocation": [{"@type": "Place",
                         "address": {"@type": "PostalAddress", "addressLocality": "Bonn"},
                         "geo": {"@type": "GeoCoordinates", "latitude": "50.7374",
                                 "longitude": 7.0982}}],
        "skills": [{"@type": "DefinedTerm", "@id": PACK_GOODS, "name": "pack goods"},
                   {"@type": "DefinedTerm", "name": "work in a team"}],
        "qualifications": ["German A2", "English B1"],
        "occupationalCategory": "4321", "inLanguage": "en"}


# --- the mapping ---------------------------------------------------------------------------
def test_a_german_posting_with_html_and_a_town_by_name() -> None:
    v = vacancy_from_job_posting(german_cook())
    assert (v["external_id"], v["kind"], v["title"]) == ("koch-2026-07", "job",
                                                         "Koch / Köchin (m/w/d)")
    assert v["description"] == ("Wir suchen Verstärkung für unsere Brauhausküche.\n\n"
                                "Ihre Aufgaben\n\n• Gemüse & Fleisch vorbereiten\n"
                                "• Speisen nach Rezept zubereiten\n\n"
                                "Wir freuen uns\nauf Sie!")
    assert v["location"]["town"] == "Köln"  # the gazetteer's name, and its coordinates
    assert v["location"]["lat"] == pytest.approx(KOELN["lat"], abs=0.05)
    assert v["location"]["lon"] == pytest.approx(KOELN["lon"], abs=0.05)
    # the language requirement leaves the skills text and becomes a language
    assert v["languages"] == [{"lang": "de", "level": "B1"}]
    assert v["essential_skills_text"] == ("Gemüse vorbereiten; HACCP anwenden; "
                                          "Erfahrung in der Großküche")
    assert v["optional_skills_text"] == "Speisen anrichten"
    assert (v["slots"], v["start_date"], v["lang"]) == (2, in_days(45), "de")
    assert "is_open" not in v  # valid for 90 more days
    VacancyIn.model_validate(v)


def test_an_english_placement_with_coordinates_and_esco_terms() -> None:
    v = vacancy_from_job_posting(english_placement())
    assert (v["external_id"], v["kind"], v["is_open"], v["lang"]) == (
        "wh-intern-7", "placement", False, "en")
    assert v["location"] == {"town": "Bonn", "lat": 50.7374, "lon": 7.0982}
    assert v["essential_skills"] == [PACK_GOODS]
    assert v["essential_skills_text"] == "work in a team"
    assert v["languages"] == [{"lang": "de", "level": "A2"}, {"lang": "en", "level": "B1"}]
    assert "occupation" not in v  # an ISCO code is no concept id: the title is linked
    assert v["description"] == "Six weeks in our warehouse.\n\nYou learn how goods move."


def test_the_kind_is_said_not_guessed() -> None:
    posting = {**german_cook(), "title": "Ausbildung zum Koch (m/w/d)",
               "description": "Ausbildung, drei Jahre. Apprenticeship."}
    assert vacancy_from_job_posting(posting)["kind"] == "job"
    assert vacancy_from_job_posting({**posting, "matcher:kind": "apprenticeship"})[
        "kind"] == "apprenticeship"
    assert vacancy_from_job_posting({**posting, "employmentType": "APPRENTICESHIP"})[
        "kind"] == "apprenticeship"
    # the project's extension wins over schema.org: a placement said to be a job is one
    assert vacancy_from_job_posting({**english_placement(), "matcher:kind": "job"})[
        "kind"] == "job"


def test_prefixed_terms_and_a_town_only_as_text() -> None:
    posting = {"@context": {"schema": "https://schema.org/"}, "@type": "schema:JobPosting",
               "schema:identifier": 4711, "schema:title": {"@value": "Lagerhelfer"},
               "https://schema.org/jobLocation": "Frankfurt am Main"}
    v = vacancy_from_job_posting(posting)
    assert (v["external_id"], v["title"], v["location"]["town"]) == (
        "4711", "Lagerhelfer", "Frankfurt am Main")
    assert v["location"]["lat"] == pytest.approx(50.11, abs=0.05)


def test_an_unknown_or_ambiguous_town_names_the_field() -> None:
    posting = german_cook()
    posting["jobLocation"]["address"]["addressLocality"] = "Kölm"
    with pytest.raises(PostingError) as caught:
        vacancy_from_job_posting(posting)
    [(where, message)] = caught.value.problems
    assert where == "jobLocation.address.addressLocality"
    assert "did you mean “Köln" in message
    posting["jobLocation"]["address"]["addressLocality"] = "Halle"
    with pytest.raises(PostingError, match="more than one town"):
        vacancy_from_job_posting(posting)
    posting["jobLocation"]["address"]["addressRegion"] = "Sachsen-Anhalt"  # settles it
    assert vacancy_from_job_posting(posting)["location"]["town"] == "Halle (Saale)"


def test_descriptions_keep_their_paragraphs_both_ways() -> None:
    text = "Wir suchen einen Koch.\n\nSchicht: 6–14 Uhr, Lohn > Tarif & mehr\nab sofort"
    assert text_to_html(text) == ("<p>Wir suchen einen Koch.</p><p>Schicht: 6–14 Uhr, "
                                  "Lohn &gt; Tarif &amp; mehr<br>ab sofort</p>")
    assert html_to_text(text_to_html(text)) == text
    assert html_to_text("<div>a<p>b</p>c</div>") == "a\n\nb\n\nc"
    assert html_to_text("keine  Auszeichnung\r\n\r\n\r\nhier") == "keine  Auszeichnung\n\nhier"


# --- documents -----------------------------------------------------------------------------
def item_list(*postings: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "ItemList",
            "itemListElement": [{"@type": "ListItem", "position": i, "item": p}
                                for i, p in enumerate(postings, start=1)]}


def rows_of(document: Any) -> list[VacancyIn]:
    return parse_rows(json.dumps(document).encode(), "jsonld", VacancyIn)


def test_one_posting_an_array_an_item_list_and_a_graph() -> None:
    assert [v.external_id for v in rows_of(german_cook())] == ["koch-2026-07"]
    both = [german_cook(), english_placement()]
    assert [v.external_id for v in rows_of(both)] == ["koch-2026-07", "wh-intern-7"]
    assert [v.kind for v in rows_of(item_list(*both))] == ["job", "placement"]
    # a graph: the postings refer to their Place and Organization by @id
    cook = german_cook()
    place, cook["jobLocation"] = cook["jobLocation"], {"@id": "#dom"}
    cook["hiringOrganization"] = {"@id": "#brauhaus"}
    graph = {"@context": "https://schema.org", "@graph": [
        {"@id": "#brauhaus", "@type": "Organization", "name": "Brauhaus Am Dom GmbH"},
        {**place, "@id": "#dom"}, cook, english_placement()]}
    rows = rows_of(graph)
    assert [v.external_id for v in rows] == ["koch-2026-07", "wh-intern-7"]
    assert rows[0].location.town == "Köln"


def test_bad_postings_are_named_by_row_and_property() -> None:
    untitled = {k: v for k, v in german_cook("b").items() if k != "title"}
    nowhere = german_cook("c")
    nowhere["jobLocation"]["address"]["addressLocality"] = "Xyzzyhausen"
    broken = {**english_placement(), "jobStartDate": "2026-02-30", "totalJobOpenings": 0,
              "matcher:minPermitt": "full"}
    document = item_list(german_cook("a"), {"@type": "Organization", "name": "Brauhaus"},
                         untitled, nowhere, "Koch", broken, {"title": "Koch"})
    with pytest.raises(ImportRowsError) as caught:
        rows_of(document)
    errors = [(e["row"], e["field"]) for e in caught.value.errors]
    assert errors == [(2, "@type"), (3, "title"), (4, "jobLocation.address.addressLocality"),
                      (5, "@type"), (6, "jobStartDate"), (6, "matcher:minPermitt"),
                      (6, "totalJobOpenings"), (7, "@type")]
    said = {(e["row"], e["field"]): str(e["message"]) for e in caught.value.errors}
    assert "not a JobPosting but Organization" in said[(2, "@type")]
    assert "not a JobPosting but a JSON str" in said[(5, "@type")]
    assert "without @type" in said[(7, "@type")]
    assert "Xyzzyhausen" in said[(4, "jobLocation.address.addressLocality")]


def test_a_document_that_is_no_json_ld_or_holds_nothing() -> None:
    with pytest.raises(ImportRowsError) as caught:
        rows_of({"@context": "https://schema.org", "@type": "JobPosting"})
    assert {e["field"] for e in caught.value.errors} >= {"identifier", "title", "jobLocation"}
    with pytest.raises(ValueError, match="no JobPosting"):
        rows_of([])
    with pytest.raises(ValueError, match="broken JSON"):
        parse_rows(b'{"@type": "JobPosting",', "jsonld", VacancyIn)


def test_the_format_is_for_vacancies_only() -> None:
    assert detect_format("application/ld+json; charset=utf-8", None,
                         ("csv", "jsonl", "jsonld")) == "jsonld"
    with pytest.raises(UnsupportedFormatError, match="text/csv or application/x-ndjson"):
        detect_format(LD, None)  # the course import reads CSV and JSON Lines only
    with pytest.raises(UnsupportedFormatError, match="vacancies only"):
        parse_rows(json.dumps(german_cook()).encode(), "jsonld", CourseIn)


# --- through the API -----------------------------------------------------------------------
def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def post_ld(client: TestClient, world: World, role: str, document: Any) -> Any:
    return client.post("/vacancies/import", content=json.dumps(document).encode(),
                       headers={**world.auth(role), "Content-Type": LD})


def test_import_reads_postings_and_refuses_a_bad_feed_whole(client: TestClient, world: World,
                                                            engine: Engine) -> None:
    cook, intern = german_cook("t-ld-koch"), english_placement()
    intern["identifier"] = {"@type": "PropertyValue", "value": "t-ld-intern"}
    before = scalar(engine, "SELECT count(*) FROM vacancy")
    bad = german_cook("t-ld-bad")
    bad["jobLocation"]["address"]["addressLocality"] = "Xyzzyhausen"
    response = post_ld(client, world, "employer_2", item_list(cook, intern, bad))
    assert response.status_code == 422, response.text
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [
        (3, "jobLocation.address.addressLocality")]
    assert scalar(engine, "SELECT count(*) FROM vacancy") == before  # nothing written

    done = ok(post_ld(client, world, "employer_2", item_list(cook, intern)), 201)
    assert (done["imported"], done["created"]) == (2, 2)
    koch = ok(client.get(f"/vacancies/{done['ids'][0]}", headers=world.auth("employer_2")))
    assert (koch["employer_id"], koch["external_id"], koch["kind"], koch["town"]) == (
        world.employer_2, "t-ld-koch", "job", "Köln")
    assert koch["languages"] == [{"lang": "de", "level": "B1"}]
    assert koch["description"].startswith("Wir suchen Verstärkung")
    assert koch["essential_skills"], "the skills text was linked"
    placement = ok(client.get(f"/vacancies/{done['ids'][1]}",
                              headers=world.auth("employer_2")))
    assert (placement["kind"], placement["is_open"], placement["lat"]) == (
        "placement", False, 50.7374)
    assert PACK_GOODS in {s["skill"] for s in placement["essential_skills"]}
    # an admin names the employer with the project's property
    admin = post_ld(client, world, "admin", german_cook("t-ld-admin"))
    assert response_field(admin) == "employer_id"
    close(client, world, "employer_2", done["ids"][0])


def close(client: TestClient, world: World, role: str, vacancy_id: int) -> None:
    """A vacancy this module opened in Köln closed again: the shared world's match lists,
    which other tests check, stay as they were."""
    ok(client.patch(f"/vacancies/{vacancy_id}", json={"is_open": False},
                    headers=world.auth(role)))


def response_field(response: Any) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["errors"][0]["field"])


def comparable(vacancy: dict[str, Any]) -> dict[str, Any]:
    """A vacancy as read, less what a rewrite changes by itself (times, the linking
    report, the evidence of linked skills)."""
    out = {k: v for k, v in vacancy.items() if k not in ("updated_at", "linking")}
    for name in ("essential_skills", "optional_skills"):
        out[name] = sorted(s["skill"] for s in vacancy[name])
    return out


def test_export_and_import_give_the_same_vacancy(client: TestClient, world: World) -> None:
    vocab, auth = world.vocab, world.auth("employer_2")
    body = vacancy_body(
        "t-ld-round", "Fachkraft für Lagerlogistik", "apprenticeship", KOELN,
        description="Drei Jahre Ausbildung.\n\nBerufsschule in Köln\nund Praxis im Lager.",
        occupation=vocab.occupation("warehouse worker"),
        essential_skills=vocab.skills("receive goods", "pick orders"),
        essential_skills_text="Waren verpacken", optional_skills_text="Gabelstapler fahren",
        prerequisites=vocab.skills("pack goods"),
        languages=[{"lang": "de", "level": "B1"}, {"lang": "ar", "level": "native"}],
        slots=3, min_permit="pending", min_eqf=2, accepts_in_process=True)
    vid = ok(client.post("/vacancies", json=body, headers=auth), 201)["id"]
    ok(client.patch(f"/vacancies/{vid}", json={"is_open": False}, headers=auth))
    before = ok(client.get(f"/vacancies/{vid}", headers=auth))

    response = client.get(f"/vacancies/{vid}/job-posting", params={"lang": "de"},
                          headers=auth)
    posting = ok(response)
    assert response.headers["content-type"].startswith(LD)
    JobPosting.model_validate(posting)  # as documented
    assert (posting["@context"], posting["@type"], posting["title"]) == (
        "https://schema.org", "JobPosting", "Fachkraft für Lagerlogistik")
    assert posting["identifier"]["value"] == "t-ld-round"
    assert posting["url"].endswith(f"/vacancies/{vid}")
    assert posting["jobLocation"]["address"]["addressLocality"] == "Köln"
    assert posting["jobLocation"]["geo"]["latitude"] == KOELN["lat"]
    assert posting["occupationalCategory"]["codeValue"] == vocab.occupation(
        "warehouse worker")
    assert posting["occupationalCategory"]["name"] == vocab.label(
        vocab.occupation("warehouse worker"), "de")
    assert {s["name"] for s in posting["skills"]} >= {
        vocab.label(vocab.skill("receive goods"), "de")}
    assert posting["qualifications"] == ["Arabisch (Muttersprache)", "Deutsch B1"]
    assert posting["description"] == ("<p>Drei Jahre Ausbildung.</p><p>Berufsschule in Köln"
                                      "<br>und Praxis im Lager.</p>")
    assert dt.datetime.fromisoformat(posting["validThrough"]) <= dt.datetime.now(dt.UTC)

    again = ok(post_ld(client, world, "employer_2", posting), 201)
    assert (again["ids"], again["created"], again["updated"]) == ([vid], 0, 1)
    after = ok(client.get(f"/vacancies/{vid}", headers=auth))
    assert comparable(after) == comparable(before)


def test_the_feed_lists_what_the_caller_sees_and_reads_back(client: TestClient,
                                                            world: World) -> None:
    auth = world.auth("employer_1")
    listed = ok(client.get("/vacancies", params={"limit": 100}, headers=auth))
    response = client.get("/vacancies/export", params={"limit": 100}, headers=auth)
    feed = ok(response)
    assert response.headers["content-type"].startswith(LD)
    JobPostingList.model_validate(feed)
    assert (feed["@type"], feed["numberOfItems"]) == ("ItemList", listed["total"])
    items = [e["item"] for e in feed["itemListElement"]]
    assert [e["position"] for e in feed["itemListElement"]] == list(range(1, len(items) + 1))
    assert {p["matcher:employerId"] for p in items} == {world.employer_1}
    assert {p["url"].rsplit("/", 1)[1] for p in items} == {
        str(v["id"]) for v in listed["items"]}
    assert all("@context" not in p and "validThrough" not in p for p in items)
    second = ok(client.get("/vacancies/export", params={"limit": 1, "offset": 1},
                           headers=auth))
    assert second["itemListElement"][0]["position"] == 2
    assert second["itemListElement"][0]["item"] == items[1]

    # a vacancy of the employer's, from a coach's feed, re-imported by the employer
    body = vacancy_body("t-ld-feed", "Beikoch (m/w/d)", "job", KOELN,
                        essential_skills_text="Gemüse vorbereiten, Speisen portionieren",
                        languages=[{"lang": "de", "level": "A2"}])
    vid = ok(client.post("/vacancies", json=body, headers=auth), 201)["id"]
    before = ok(client.get(f"/vacancies/{vid}", headers=auth))
    coach_feed = ok(client.get("/vacancies/export", params={"limit": 100},
                               headers=world.auth("coach_a")))
    [posting] = [e["item"] for e in coach_feed["itemListElement"]
                 if e["item"]["url"].endswith(f"/vacancies/{vid}")]
    assert posting["matcher:essentialSkillsText"] == body["essential_skills_text"]
    rows = item_list(copy.deepcopy(posting))
    assert ok(post_ld(client, world, "employer_1", rows), 201)["ids"] == [vid]
    assert comparable(ok(client.get(f"/vacancies/{vid}", headers=auth))) == \
        comparable(before)
    close(client, world, "employer_1", vid)


def test_a_posting_is_read_as_its_vacancy_is(client: TestClient, world: World) -> None:
    cook = world.vacancies["cook_job"]
    assert client.get(f"/vacancies/{cook}/job-posting",
                      headers=world.auth("employer_2")).status_code == 404
    assert client.get("/vacancies/999999999/job-posting",
                      headers=world.auth("admin")).status_code == 404
    mine = ok(client.get("/vacancies/export", params={"limit": 100},
                         headers=world.auth("employer_2")))
    assert cook not in {int(e["item"]["url"].rsplit("/", 1)[1])
                        for e in mine["itemListElement"]}
