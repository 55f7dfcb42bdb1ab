"""The recognition procedure's steps in the migrant's own language: every `step` and
`who` text of the shipped procedure files translated into each page language besides
English, no URL or number lost on the way, no translation left over from a step that
is gone, and a malformed translation file refused naming the field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from api.pages.i18n import LANGUAGES
from matcher.recognition.procedure import (
    Procedure,
    data_dir,
    read_procedures,
    step_translations,
    supported_countries,
    translated_step,
)
from skills_taxonomy.errors import InvalidInputError

TRANSLATED = [code for code in LANGUAGES if code != "en"]
NUMBER = re.compile(r"\d+")
URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b")  # berufsanerkennung.at


def shipped_texts() -> set[str]:
    """Every `step` and `who` text of the shipped procedure files."""
    texts: set[str] = set()
    for country in supported_countries():
        found = read_procedures(data_dir() / f"procedure_{country.lower()}.json", country)
        entries: list[Procedure] = [found.general_regulated, found.general_optional,
                                    *found.procedures]
        for step in (s for p in entries for s in p.steps):
            texts.add(step.step)
            if step.who:
                texts.add(step.who)
    return texts


def test_the_shipped_procedures_are_the_three_countries() -> None:
    assert supported_countries() == ["AT", "DE", "NO"]
    assert len(shipped_texts()) >= 100  # 79 steps and 24 who, as written on 2026-11-28


def test_every_step_is_translated_into_every_page_language() -> None:
    missing = [(text, lang) for text in sorted(shipped_texts()) for lang in TRANSLATED
               if not (translated_step(text, lang) or "").strip()]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:3]}"


def test_no_translation_drops_a_url_or_a_number() -> None:
    lost = []
    for text in sorted(shipped_texts()):
        for lang in TRANSLATED:
            translation = translated_step(text, lang) or ""
            numbers = set(NUMBER.findall(text)) - set(NUMBER.findall(translation))
            urls = [u for u in URL.findall(text) if u not in translation]
            if numbers or urls:
                lost.append((lang, text, sorted(numbers), urls))
    assert not lost, lost
    # the check sees what it should: the Austrian portal and a section of the BBiG
    assert any("berufsanerkennung.at" in t for t in shipped_texts())
    assert any("45(2)" in t for t in shipped_texts())


def test_no_stale_translation() -> None:
    stale = sorted(set(step_translations().texts) - shipped_texts())
    assert not stale, f"translated but in no procedure file (changed or removed?): {stale}"


def test_english_and_unknown_texts_have_no_translation() -> None:
    step = "Collect the documents and have them translated by a sworn translator"
    assert "مترجم" in (translated_step(step, "ar") or "")
    assert translated_step(step, "en") is None
    assert translated_step(step, "xx") is None
    assert translated_step("a step no procedure has", "de") is None


def test_dari_says_university_as_in_afghanistan() -> None:
    dari = [translated_step(t, "fa") or "" for t in shipped_texts() if "universit" in t]
    assert dari and all("پوهنتون" in t for t in dari)
    assert not any("دانشگاه" in t for t in dari)


def test_a_malformed_translation_file_is_refused_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "procedure_steps.json").write_text(json.dumps(
        {"note": "", "texts": {"Apply to DSB": {"de": "", "xx": "?"}}}), encoding="utf-8")
    with pytest.raises(InvalidInputError) as refused:
        step_translations(tmp_path)
    message = str(refused.value)
    assert "procedure_steps.json" in message and "texts.Apply to DSB" in message

