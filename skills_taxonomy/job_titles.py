"""What a job or qualification title says besides the job, and the job it names.

Adverts in most European languages mark that a job is open to everyone: "Schweißer
(m/w/d)", "Boucher (h/f/x)", "Sprzedawca (k/m)", "Manager [M/F/D]". Linked as they are,
the markers are noise that character n-grams match to unrelated labels ("(m/w/d)" to "M&A
analyst" and "M&E officer") and that push a title's true occupation below the
threshold. So do the terms of employment
adverts add ("Vollzeit", "ab sofort", "full-time", "CDI", "heltid"). `bare_title` removes
both; a title that would be left without a word is kept as it was. `named_inside` finds
the job a title names among other words ("Schweißer MIG/MAG", "Повар 4 разряда").
"""

from __future__ import annotations

import re

from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.text import segments, words
from skills_taxonomy.whole_label import whole_label

# one letter for a gender in the markers of European adverts: m(ale/ännlich/ężczyzna),
# w(eiblich), d(ivers), f(emale/emme), h(omme), x, k(obieta/vinne), v(rouw), ž(ena), n(ő)
_LETTER = r"(?:[mwdfhxkvžn]\.?|div\.?|all)"
_LIST = rf"{_LETTER}(?:\s*[/|,]\s*{_LETTER})+"
_MARKERS = re.compile(
    rf"[(\[]\s*(?:{_LIST}|gn\*?|all genders|alle geschlechter)\s*[)\]]"  # (m/w/d), [H/F]
    rf"|(?<![\w/])(?:[mwdfh]\s*/\s*){{2}}[mwdfhx](?![\w/])"  # m/w/d without brackets
    rf"|(?<![\w/])[hf]\s*/\s*[hf](?![\w/])",  # H/F, the French two-letter form
    re.IGNORECASE)
# terms of employment, hours and urgency, as whole words (longest first); not those that
# also name a job ("permanent make-up artist", "temporary works designer", "urgent care")
_TERMS = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted((
    "in vollzeit", "in teilzeit", "vollzeit oder teilzeit", "voll- oder teilzeit",
    "vollzeit", "teilzeit", "minijob", "auf minijob-basis", "befristet", "unbefristet",
    "ab sofort", "dringend gesucht", "gesucht", "in festanstellung", "festanstellung",
    "schichtarbeit", "im schichtdienst", "schichtdienst", "nachtschicht",
    "full-time", "full time", "part-time", "part time", "immediate start", "cdi", "cdd",
    "temps plein", "temps partiel", "fulltime", "parttime", "voltijds",
    "deeltijds", "heltid", "deltid", "fast stilling", "vikariat", "pełny etat",
    "jornada completa", "media jornada", "tempo pieno", "tempo integral"),
    key=len, reverse=True))) + r")(?![\w-])", re.IGNORECASE)
# what is left between the words once the noise is gone: doubled separators, spaces
_SEPARATORS = re.compile(r"(?:\s*[-–—|/,;:]){2,}\s*")
_SPACES = re.compile(r"\s{2,}")


def strip_gender_markers(title: str) -> str:
    """The title without gender markers, spaces tidied. Feminine forms stay ("Verkäufer/in",
    "Infirmier(ère)"): ESCO's labels carry them ("Verkäufer/Verkäuferin"), and without
    them a bare word ("Einzieher") was named more often and more often wrongly (MELO
    `aut_q_de_c_de` through `link_occupations`: 38 more titles named, 6 of them right)."""
    return _tidy(_MARKERS.sub(" ", title), title)


def bare_title(title: str) -> str:
    """The title without gender markers and terms of employment."""
    return _tidy(_TERMS.sub(" ", _MARKERS.sub(" ", title)), title)


def _tidy(stripped: str, title: str) -> str:
    stripped = _SPACES.sub(" ", _SEPARATORS.sub(" – ", stripped)).strip(" ,;:!-–—|/")
    return stripped if any(ch.isalpha() for ch in stripped) else title


def named_inside(linker: Linker, title: str, lang: str | None,
                 threshold: float | None = None) -> Candidate | None:
    """The occupation a title names among other words ("Schweißer MIG/MAG",
    "Повар 4 разряда, лицей №7"): its longest exact label in `linker` (the occupations')
    that opens one of the title's segments, where that one span names one occupation that
    is sure as a title of its own (`whole_label`). Only at a segment's start: further in,
    a label is often a modifier or a part ("Frontend Developer", 木工 in 土木工程)."""
    tokens = words(title)
    openers = {next((at for at, _, _ in tokens if at >= start), -1)
               for start, _ in segments(title)}
    spans = {(hit[1].start, hit[1].end) for hit in linker.exact.hits(title, lang).values()
             if hit[1].start in openers}
    if not spans:
        return None
    longest = max(end - start for start, end in spans)
    at = [(start, end) for start, end in spans if end - start == longest]
    if len(at) != 1:  # two labels as long as each other: the title names two jobs
        return None
    start, end = at[0]
    return whole_label(linker, title[start:end], lang, threshold)


__all__ = ["bare_title", "named_inside", "strip_gender_markers"]
