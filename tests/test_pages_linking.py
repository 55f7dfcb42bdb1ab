"""Live linking for the intake and vacancy forms (`POST /link`): suggestions with span and
confidence, unsure guesses for the pieces that linked to nothing, and who may ask."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matcher.engine import Engine
from tests.conftest import World
from tests.test_pages_sign_in import form_csrf, new_code, sign_in


def signed_in(app: FastAPI, engine: Engine, user_id: int) -> tuple[TestClient, str]:
    browser = TestClient(app)
    sign_in(browser, new_code(engine, user_id))
    return browser, form_csrf(browser.get("/sign-in").text)


@pytest.fixture()
def coach(app: FastAPI, engine: Engine, world: World) -> tuple[TestClient, str]:
    return signed_in(app, engine, world.user_ids["coach_a"])


def boxes(html: str) -> list[tuple[str, str, bool]]:
    """(kind, label text, checked) of every suggestion checkbox."""
    found = []
    for match in re.finditer(r'<input type="checkbox"[^>]*value="([a-z]+)\|([^|"]+)\|[^"]*"'
                             r'([^>]*)>\s*<label[^>]*>\s*([^<]+)', html):
        found.append((match.group(1), match.group(4).strip(), "checked" in match.group(3)))
    return found


def test_suggestions_in_the_migrants_languages_are_offered_to_confirm(
        coach: tuple[TestClient, str], world: World) -> None:
    browser, csrf = coach
    answer = browser.post("/link", data={
        "csrf": csrf, "field": "skills_text", "kind": "both",
        "text": "кухар у ресторані; nấu ăn, rửa bát; طهي الأطعمة الشرقية"})
    assert answer.status_code == 200
    found = boxes(answer.text)
    confirmed = {label for kind, label, checked in found if checked}
    assert {"cook", "use cooking techniques"} <= confirmed, found
    assert 'id="skills_text-linked"' in answer.text
    assert "<mark>" in answer.text and "confidence" in answer.text
    # the Arabic piece did not link: it is flagged
    assert "Not recognised" in answer.text and "طهي الأطعمة الشرقية" in answer.text
    alone = browser.post("/link", data={"csrf": csrf, "field": "skills_text", "kind": "skill",
                                        "text": "طهي الأطعمة الشرقية"})
    unsure = [label for kind, label, checked in boxes(alone.text) if not checked]
    assert "use cooking techniques" in unsure, "with unsure guesses to tick"


def test_a_suggestion_names_the_language_it_was_written_in(
        coach: tuple[TestClient, str]) -> None:
    """In that language's own name, also for a language the pages are not in ("norsk",
    not the code "no")."""
    browser, csrf = coach
    answer = browser.post("/link", data={"csrf": csrf, "field": "title", "kind": "occupation",
                                         "text": "jeg har jobbet som sveiser i fem år"})
    assert answer.status_code == 200 and boxes(answer.text), answer.text
    assert " · norsk</span>" in answer.text and " · no</span>" not in answer.text


def test_linking_needs_the_csrf_token_and_a_role_that_writes(
        coach: tuple[TestClient, str], app: FastAPI, engine: Engine, world: World) -> None:
    browser, csrf = coach
    assert browser.post("/link", data={"text": "Koch", "csrf": "x"}).status_code == 403
    bad = browser.post("/link", data={"text": "Koch", "csrf": csrf, "kind": "planet"})
    assert bad.status_code == 422 and "cannot be checked" in bad.text
    migrant, migrant_csrf = signed_in(app, engine, world.user_ids["migrant"])
    assert migrant.post("/link", data={"text": "Koch", "csrf": migrant_csrf}).status_code == 403
    anonymous = TestClient(app).post("/link", data={"text": "Koch"}, follow_redirects=False)
    assert anonymous.status_code == 303


def test_checking_the_text_again_keeps_the_coachs_ticks(coach: tuple[TestClient, str]) -> None:
    browser, csrf = coach
    text = "кухар у ресторані; nấu ăn, rửa bát"
    form = {"csrf": csrf, "skills_text": text, "action": "check", "name": "Test Person",
            "town": "Köln", "permit": "pending", "radius": "30"}
    first = boxes(browser.post("/coach/candidates/new", data=form).text)
    assert all(checked for kind, _, checked in first if kind), first
    kept = [v for v in re.findall(r'name="skills_text_confirm"\s+value="([^"]+)"',
                                  browser.post("/coach/candidates/new", data=form).text)][:1]
    again = browser.post("/coach/candidates/new", data={
        **form, "skills_text_shown": "1", "skills_text_confirm": kept})
    ticks = [checked for _, _, checked in boxes(again.text)]
    assert ticks.count(True) == 1, "only the one suggestion the coach kept is ticked"
