"""Which language a piece of text is written in.

The script decides most of it: Han characters are Chinese; Arabic script is Arabic or
Persian (Dari included); Cyrillic is Ukrainian, Russian or Bulgarian; Latin letters are one
of the languages below. Within a script, `lingua-language-detector` (Apache-2.0, offline
models in the package) decides among the few languages that script allows. Its models load
lazily per script: the full models for short Arabic and Cyrillic texts (they need them:
"кухар" vs "повар"), the light trigram models for longer ones and for the many
Latin-script languages (a full Latin load costs ~3 s of start-up, and the full models
take ~0.1 s for a long text). Text too short to tell, or a transliteration without any hint
("kukhar"), gives `None` rather than a guess.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection
from functools import cache, lru_cache
from typing import Any

SCRIPT_LANGUAGES = {
    "ARABIC": ("ar", "fa"),
    "CYRILLIC": ("uk", "ru", "bg"),
    "LATIN": ("en", "de", "tr", "vi", "fr", "es", "nl", "it", "pt", "pl", "ro", "cs", "hr",
              "hu", "sv", "nb", "lv", "lt", "so", "sq"),
}
SINGLE_SCRIPT = {"CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko",
                 "GREEK": "el", "ETHIOPIC": "ti", "HEBREW": "he", "GEORGIAN": "ka",
                 "ARMENIAN": "hy", "THAI": "th"}
LANGUAGES = tuple(sorted({c for codes in SCRIPT_LANGUAGES.values() for c in codes}
                         | set(SINGLE_SCRIPT.values())))
MIN_LETTERS = 3
MIN_CONFIDENCE = 0.35
# Letters only one of the script's languages uses: they decide at once (the full models
# take ~2 ms a text). Persian keyboards type ی and ک, Arabic ones ي and ك.
TELLING_LETTERS = {
    "ARABIC": (("fa", set("پچژگیک")), ("ar", set("ةيكى"))),
    "CYRILLIC": (("uk", set("іїєґ")), ("ru", set("ыэё"))),
    "LATIN": (("vi", set("ơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")),
              ("tr", set("ığİ"))),  # not ş: Romanian writes it too
}


@cache
def _char_script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0]


def scripts_of(text: str) -> Counter[str]:
    """How many of the text's letters each script holds."""
    return Counter(map(_char_script, filter(str.isalpha, text)))


def letter_count(text: str) -> int:
    return sum(map(str.isalpha, text))


def script_of(text: str) -> str | None:
    """The script most of the text's letters are written in."""
    scripts = scripts_of(text)
    return scripts.most_common(1)[0][0] if scripts else None


LONG_TEXT = 40  # letters from which the light trigram models tell languages apart well


@cache
def _detector(script: str, full: bool) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                 for code in SCRIPT_LANGUAGES[script]]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if full:  # loaded at once (~0.5 s): lazily, each new n-gram order stalled a text
        return builder.with_preloaded_language_models().build()
    return builder.with_low_accuracy_mode().build()


@lru_cache(maxsize=20_000)
def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it cannot be told."""
    scripts = scripts_of(text)
    if not scripts:
        return None
    script = scripts.most_common(1)[0][0]
    if script in SINGLE_SCRIPT:
        return SINGLE_SCRIPT[script]
    letters = sum(scripts.values())
    if script not in SCRIPT_LANGUAGES or letters < MIN_LETTERS:
        return None
    chars = Counter(text.lower())
    counts = [(sum(chars[ch] for ch in telling), lang)
              for lang, telling in TELLING_LETTERS[script]]
    best = max(counts)
    if best[0] and sum(n == best[0] for n, _ in counts) == 1:
        return best[1]
    full = script != "LATIN" and letters < LONG_TEXT  # short Cyrillic/Arabic: full models
    values = _detector(script, full).compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return _code(values[0].language.iso_code_639_1.name)


def _code(iso: str) -> str:
    """The project's code for an ISO 639-1 code: Norwegian Bokmål is "no", as labels say."""
    code = iso.lower()
    return "no" if code == "nb" else code


def likeliest(text: str, among: Collection[str]) -> str | None:
    """Of the languages `among` (codes), the one the detector finds likeliest for `text`;
    None where the text's script allows none of them. For a short text that is a label
    in a few languages only: "Koch" is German, though it reads Dutch on its own."""
    script = script_of(text)
    if script not in SCRIPT_LANGUAGES:
        return None
    allowed = [_code(code) for code in SCRIPT_LANGUAGES[script] if _code(code) in among]
    if len(allowed) <= 1:
        return allowed[0] if allowed else None
    values = _detector(script, script != "LATIN").compute_language_confidence_values(text)
    ranked = [_code(v.language.iso_code_639_1.name) for v in values]
    return next((code for code in ranked if code in among), None)


def warm_up() -> None:
    """Load every script's models now (about a second) rather than at the first text that
    needs them: a server does this at start."""
    # words long enough that every n-gram order's models load
    for script, sample in (("ARABIC", "مهندس كهربائي محترف في البناء والتشييد"),
                           ("CYRILLIC", "электромонтажник профессиональный"),
                           ("LATIN", "professional electrician")):
        for full in (script != "LATIN", False):
            _detector(script, full).compute_language_confidence_values(sample)


__all__ = ["LANGUAGES", "detect_language", "letter_count", "likeliest", "script_of",
           "scripts_of", "warm_up"]
