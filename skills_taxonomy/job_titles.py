"""A job advert's title without its gender markers.

Adverts in most European languages mark that a job is open to everyone: "Schweißer
(m/w/d)", "Boucher (h/f/x)", "Sprzedawca (k/m)", "Verkäufer/in", "Mitarbeiter*innen",
"Infirmier(ère)", "Camarero/a". Linked as they are, the markers are noise that character
n-grams match to unrelated labels ("(m/w/d)" to "M&A analyst" and "M&E officer") and
that push a title's true occupation below the threshold. `strip_gender_markers` removes
them; a title that would be left without a word is kept as it was.
"""

from __future__ import annotations

import re

# one letter for a gender in the markers of European adverts: m(ale/ännlich/ężczyzna),
# w(eiblich), d(ivers), f(emale/emme), h(omme), x, k(obieta/vinne), v(rouw), ž(ena), n(ő)
_LETTER = r"(?:[mwdfhxkvžn]|div\.?|all)"
_LIST = rf"{_LETTER}(?:\s*[/|,]\s*{_LETTER})+"
_MARKERS = re.compile(
    rf"[(\[]\s*(?:{_LIST}|gn\*?|all genders|alle geschlechter)\s*[)\]]"  # (m/w/d), [H/F]
    rf"|(?<![\w/])(?:[mwdfh]\s*/\s*){{2}}[mwdfhx](?![\w/])"  # m/w/d without brackets
    rf"|(?<![\w/])[hf]\s*/\s*[hf](?![\w/])",  # H/F, the French two-letter form
    re.IGNORECASE)
# feminine endings written after the masculine form: Verkäufer/in, Mitarbeiter*innen,
# Lehrer:in, Koch_in; Infirmier(ère), Vendeur(euse), Serveur·euse; Camarero/a
_ENDINGS = re.compile(
    r"(?<=\w)(?:\s?/\s?-?|\*|:|_)in(?:nen)?(?![\w-])"
    r"|(?<=\w)\((?:e|ne|se|euse|rice|ère|trice|a|in|innen)\)"
    r"|(?<=\w)·(?:e|ne|se|euse|rice|ère|trice)(?![\w-])"
    r"|(?<=[a-zà-ÿ]o)/a(?![\w-])",
    re.IGNORECASE)
_SPACES = re.compile(r"\s{2,}")


def strip_gender_markers(title: str) -> str:
    """The title without gender markers and feminine endings, spaces tidied."""
    stripped = _ENDINGS.sub("", _MARKERS.sub(" ", title))
    stripped = _SPACES.sub(" ", stripped).strip(" ,;-–|/")
    return stripped if any(ch.isalpha() for ch in stripped) else title


__all__ = ["strip_gender_markers"]
