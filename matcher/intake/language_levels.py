"""Language requirements written as words ("Deutsch B1", "gute Englischkenntnisse (A2)",
"German at level B2", "Arabisch Muttersprache"): found in an employer's free text and
turned into language codes with CEFR levels, so that a requirement like "Deutsch B1" is
not left over as text that links to no skill.

Language names come from the CLDR data Babel ships (German, English and Norwegian names:
the destinations' languages, "norsk B2"), for the
languages people in this project speak and employers ask for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

from matcher.intake.places import fold

# the languages looked for: those of the pages, of the migrants, and of the trades
CODES = ("de", "en", "fr", "es", "it", "pt", "nl", "pl", "ro", "bg", "hr", "sr", "bs", "sq",
         "el", "hu", "cs", "sk", "ru", "uk", "tr", "ar", "fa", "ps", "ku", "ti", "so", "am",
         "zh", "vi", "ur", "hi", "ta", "no")
EXTRA_NAMES = {"farsi": "fa", "dari": "fa", "persisch": "fa", "kurmandschi": "ku",
               "kurmanji": "ku", "tigrinisch": "ti", "paschtu": "ps"}
LEVEL = re.compile(r"\b([ABC][12])\b|\b(muttersprach\w*|native|mother tongue)", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
NEAR = 3  # words around a level where its language's name may stand
# Words that say how well, before a language ("gute Deutschkenntnisse (B1)", "fluent
# English C1"): part of the requirement, not a skill left to link ("Gute" → gutters).
QUALIFIERS = frozenset("""
gut gute guter gutes guten sehr sicher sichere sicheren fliessend fliessende fliessenden
verhandlungssicher verhandlungssichere verhandlungssicheren solide soliden grundlegende
erste ausreichende ausgezeichnete hervorragende mindestens min
good very fluent basic excellent strong solid working business proficient at least
god gode godt meget svært flytende minst
""".split())


@dataclass(frozen=True)
class LanguageNeed:
    lang: str
    level: str  # A1 … C2 or native
    start: int  # the span of the text that said so
    end: int


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Folded language name → code, longest first (so "Englisch" is not read as "Engl")."""
    names = dict(EXTRA_NAMES)
    for locale in ("de", "en", "nb"):
        known = Locale.parse(locale).languages
        for code in CODES:
            name = known.get(code)
            if name and len(name) >= 4:
                names.setdefault(fold(name), code)
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def _language_at(words: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """The first word that is (or starts with: "Deutschkenntnisse") a language name."""
    for start, end, word in words:
        key = fold(word)
        for name, code in _names().items():
            if key.startswith(name):
                return code, start, end
    return None


def language_needs(text: str) -> list[LanguageNeed]:
    """Every "<language> <level>" (either order, up to three words apart) in the text,
    once per language (the first said)."""
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    found: dict[str, LanguageNeed] = {}
    for match in LEVEL.finditer(text):
        level = match.group(1).upper() if match.group(1) else "native"
        before = [w for w in words if w[1] <= match.start()][-NEAR:]
        after = [w for w in words if w[0] >= match.end()][:NEAR]
        hit = _language_at(list(reversed(before))) or _language_at(after)
        if hit is None:
            continue
        code, start, end = hit
        start = min(start, match.start())
        for w_start, _, word in reversed([w for w in words if w[1] <= start]):
            if fold(word) not in QUALIFIERS:
                break
            start = w_start
        found.setdefault(code, LanguageNeed(code, level, start,
                                            max(end, match.end())))
    return list(found.values())


def take_languages(text: str, found: dict[str, str]) -> str:
    """The text with its language requirements ("Deutsch B1") taken out into `found`
    (language -> level; a language already there keeps its level)."""
    needs = language_needs(text)
    for need in reversed(needs):
        found.setdefault(need.lang, need.level)
        text = text[:need.start] + " " + text[need.end:]
    return re.sub(r"\s+", " ", text).strip(" ,;:/-–()") if needs else text


__all__ = ["LanguageNeed", "language_needs", "take_languages"]
