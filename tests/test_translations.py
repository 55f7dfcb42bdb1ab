"""The pages' catalogs: each parses and compiles; every string the pages use (extracted
here, in memory, the way `make translations` extracts it) is translated in every
language, with the same `%(name)s` placeholders as the English text and the plural
forms the language needs. A new string without translations fails this test: run
`make translations` and translate it in each `api/pages/locale/<lang>/LC_MESSAGES/messages.po`."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from api.pages.i18n import LANGUAGES, LOCALE_DIR

PAGES = LOCALE_DIR.parent
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every message the pages mark (`_`, `ngettext`, `N_`, templates), with where."""
    with (PAGES / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, line, message, _, _ in extract_from_dir(
            str(PAGES), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}):
        key = message if isinstance(message, str) else tuple(message)
        if key:
            found.setdefault(key, []).append(f"{filename}:{line}")
    return found


@cache
def catalog(lang: str) -> Catalog:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_pages_mark_strings() -> None:
    assert len(extracted()) > 100
    assert "Sign in" in extracted()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalog_parses_and_compiles(lang: str) -> None:
    found = catalog(lang)
    assert str(found.locale) == lang
    buffer = io.BytesIO()
    write_mo(buffer, found, use_fuzzy=False)
    assert buffer.tell() > 0
    if found.num_plurals > 1:
        assert found.plural_forms.startswith(f"nplurals={found.num_plurals};")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated(lang: str) -> None:
    found = catalog(lang)
    missing = []
    for key, where in sorted(extracted().items(), key=lambda kv: str(kv[0])):
        message = found.get(key[0] if isinstance(key, tuple) else key)
        if message is None or message.fuzzy or not _translated(message):
            missing.append(f"{key!r} ({where[0]})")
    assert not missing, f"{lang}: {len(missing)} strings not translated " \
                        f"(run `make translations`, then translate them):\n" + \
                        "\n".join(missing[:40])


def forms(message: Message) -> list[str]:
    """A message's translation: one text, or its plural forms."""
    string = message.string
    if isinstance(string, str):
        return [string]
    return [str(form) for form in string or ()]


def english(message: Message) -> set[str]:
    """The placeholders of the English text (singular and plural together)."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    return set().union(*(names(str(i)) for i in ids))


def _translated(message: Message) -> bool:
    found = forms(message)
    return bool(found) and all(form.strip() for form in found)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_and_plural_forms_match(lang: str) -> None:
    found = catalog(lang)
    wrong = []
    for message in found:
        if not message.id or not _translated(message):
            continue
        wanted, texts = english(message), forms(message)
        if not message.pluralizable:
            if names(texts[0]) != wanted:
                wrong.append(f"{message.id!r} -> {texts[0]!r}")
            continue
        if len(texts) != found.num_plurals:
            wrong.append(f"{message.id!r}: {len(texts)} forms, {found.num_plurals} needed")
        for form in texts:
            # a form for exactly one (or two) may say the number in words, without %(n)s
            if not names(form) <= wanted or not (wanted - {"n"}) <= names(form):
                wrong.append(f"{message.id!r} -> {form!r}")
    assert not wrong, f"{lang}: placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_format_like_the_english(lang: str) -> None:
    """A stray `%` in a translation would break the page that shows it."""
    broken = []
    for message in catalog(lang):
        if not message.id or not _translated(message):
            continue
        wanted = english(message)
        if not wanted and not message.pluralizable:
            continue  # shown without values: `%` is not applied
        values = {name: "x" for name in wanted | {"n"}}
        for form in forms(message):
            try:
                form % values
            except (ValueError, TypeError, KeyError) as exc:
                broken.append(f"{form!r}: {exc}")
    assert not broken, f"{lang}:\n" + "\n".join(broken)


def test_no_stale_locale_folders() -> None:
    folders = {p.name for p in LOCALE_DIR.iterdir() if p.is_dir()}
    assert folders == set(TRANSLATED), folders
    assert all(Path(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").exists()
               for lang in TRANSLATED)
