"""The pages' languages: gettext catalogs (Babel) written by this project, which language a
request is shown in, and locale-aware numbers, dates and distances.

Catalogs live as `.po` files in `api/pages/locale/<lang>/LC_MESSAGES/messages.po` and are
compiled in memory at start (no build step, no binary files in the repository). A string
missing from a catalog is shown in English.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from matcher.recognition.procedure import translated_step
from skills_taxonomy.language import LANGUAGES as DETECTED

LOCALE_DIR = Path(__file__).parent / "locale"
# the nine languages of the pages; Dari is written with the Persian catalog (fa)
LANGUAGES = ("en", "de", "ar", "fa", "uk", "ru", "tr", "vi", "zh")
RIGHT_TO_LEFT = frozenset({"ar", "fa"})
# candidate language codes that read one of the pages' languages
READS_AS = {"prs": "fa", "per": "fa", "ara": "ar", "ukr": "uk", "rus": "ru", "tur": "tr",
            "vie": "vi", "zho": "zh", "deu": "de", "ger": "de", "eng": "en"}
# the name of every language a text can be detected in, in that language: what a
# suggestion says it was written in ("Lagerhelfer" showed "· no" for norsk)
NATIVE_NAMES = {code: Locale.parse(code).get_display_name(code) or code
                for code in (*LANGUAGES, *DETECTED, "no")}  # the detector says no for nb
NATIVE_NAMES["fa"] = "دری / فارسی"


class Term(NamedTuple):
    """A text and the language it is written in (None: unknown)."""

    text: str
    lang: str | None


def step_term(text: str, lang: str) -> Term:
    """A recognition procedure's step (or who takes it) in the reader's language where
    translated, else in English."""
    translated = translated_step(text, lang)
    return Term(translated, lang) if translated else Term(text, "en")


@lru_cache(maxsize=len(LANGUAGES) + 1)
def _language_names(reader: str) -> dict[str, str]:
    return {str(code): str(name) for code, name in Locale.parse(reader).languages.items()}


def language_name(code: str | None, reader: str, first: bool = False) -> str:
    """A language's name in the reader's language (`de` for a Ukrainian: німецька; `prs`:
    Dari), else in English, else its code; `first`: capitalised, to begin a line."""
    if not code:
        return ""
    key = "fa_AF" if code == "prs" else code
    name = _language_names(reader).get(key) or _language_names("en").get(key) or code
    return name[:1].upper() + name[1:] if first else name


def N_(message: str) -> str:
    """Marks a string for the catalogs where it is defined; translated where shown."""
    return message


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of a language (English: none, the strings are English)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def page_language(requested: str | None) -> str | None:
    """A supported page language for a code (`uk`, `prs`, `ar-SY`), or None."""
    if not requested:
        return None
    code = requested.strip().lower().replace("_", "-").split("-")[0]
    code = READS_AS.get(code, code)
    return code if code in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The first supported language of an Accept-Language header, by its q weights."""
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = page_language(tag)
        if lang and q > 0:
            weighted.append((-q, i, lang))
    return min(weighted)[2] if weighted else None


@dataclass(frozen=True)
class Speaker:
    """What a template needs to speak one language: `_`, plurals and formats."""

    lang: str

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RIGHT_TO_LEFT else "ltr"

    def gettext(self, message: str, **values: object) -> Markup:
        """The translation, with `%(name)s` values escaped into it."""
        text = Markup(escape(translations(self.lang).ugettext(message)))
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> Markup:
        text = Markup(escape(translations(self.lang).ungettext(singular, plural, n)))
        return text % {"n": self.number(n), **values}

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, share: float) -> str:
        return self.number(round(100 * share)) + "\u00a0%"

    def km(self, value: float) -> str:
        """A distance that never breaks across lines ("33 km", "33 كم")."""
        text = self.gettext("%(km)s km", km=self.number(value, 0 if value >= 10 else 1))
        return text.replace(" ", "\u00a0")

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        return format_date(value, format="medium", locale=self.lang)
