"""What an advert's description asks for, when the employer listed no skills.

Job boards and schema.org `JobPosting` feeds carry the requirements only inside the
description ("Ihre Aufgaben: … Ihr Profil: … Wir bieten: …"); an employer pasting their
advert does the same. The description is read section by section: tasks, profile and
requirements are what the job asks for; "nice to have" parts (a section, or a line saying
"wünschenswert", "von Vorteil", "ønskelig") are optional; what the employer offers, who
they are and how to apply are not requirements and are left out ("Mitarbeiterrabatt",
"flexible Arbeitszeiten" are no skills), and so are the qualifications asked for
("abgeschlossene Ausbildung als Koch"), which the occupation and the recognition of a
candidate's qualifications answer, not skills. Text before the first heading is the
advert's opening: read when no section says what the job asks ("Wir suchen eine
Küchenhilfe zum Spülen und Vorbereiten. Wir bieten: …"), left out when one does ("Zur
Verstärkung unseres Küchenteams suchen wir eine Küchenhilfe." had linked instruct kitchen
personnel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.intake.html_text import html_to_text
from matcher.recognition.grammar import infer_type
from skills_taxonomy.section_headings import is_heading
from skills_taxonomy.text import fold


def _spaced(*words: str) -> tuple[str, ...]:
    """Words folded, with a space each side: looked for as whole words (`_says`)."""
    return tuple(f" {fold(w)} " for w in words)


# Words that make a heading one of what the employer offers or of who they are.
_OFFER = _spaced(
    "wir bieten", "bieten wir", "bieten ihnen", "bieten dir", "unser angebot", "vorteile",
    "benefits", "über uns", "wer wir sind", "unternehmen", "kontakt", "ansprechpartner",
    "bewerbung", "bewirb dich", "interesse", "gehalt", "vergütung", "we offer", "our offer",
    "perks", "about us", "who we are", "company", "contact", "apply", "application",
    "salary", "vi tilbyr", "tilbyr vi", "om oss", "om bedriften", "kontaktperson", "søknad",
    "lønn", "nous offrons", "avantages", "qui sommes nous", "postuler", "entreprise",
)
# Words that make a heading or a line a wish rather than a requirement.
_WISH = (
    "wünschenswert", "wünschenswerte", "von vorteil", "idealerweise", "nice to have",
    "desirable", "preferred", "a plus", "an advantage", "ideally", "ønskelig", "ønskelige",
    "en fordel", "souhaité", "souhaitée", "un plus", "optional",
)
# experience in something, or a licence to do it, is no qualification asked for
_NOT_QUALIFICATION = _spaced(
    "erfahrung", "berufserfahrung", "experience", "erfaring", "arbeidserfaring", "expérience",
    "licence", "license", "licences", "licenses", "führerschein", "permis")
_WISH_WORDS = _spaced(*_WISH)
_MARKS = " \t-–—*•·+>#_|"
_MAX_HEADING_WORDS = 6
OPENING_CHARS = 300
# a wish's own words are no skill ("Erfahrung im Verkauf wünschenswert" linked nothing)
_WISH_SAID = re.compile(r"\b(?:ist |sind |is |are |would be |wäre |waere )?(?:"
                        + "|".join(map(re.escape, _WISH)) + r")\b[.!]?", re.IGNORECASE)
# a sentence ends before a capital that starts no language level ("Deutsch mind. A2")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜÅÆØ](?![12]\b))")
_INLINE_HEADING = re.compile(r"^([^:]{2,60}):\s*(\S.*)$")


@dataclass(frozen=True)
class AdvertRequirements:
    essential: str  # the lines that say what the job asks for, one per line
    optional: str  # the lines that say what would be welcome


def _says(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text holds one of `words` (`_spaced`) as whole words."""
    key = f" {fold(text)} "
    return any(word in key for word in words)


def _kind_of_heading(heading: str) -> str:
    """"offer", "wish" or "ask" for a heading's words."""
    if _says(heading, _OFFER):
        return "offer"
    return "wish" if _says(heading, _WISH_WORDS) else "ask"


def _heading(line: str) -> tuple[str, str] | None:
    """(heading, the rest of the line) when the line opens a section: a known heading, a
    short line ending in a colon, or "Wir bieten: Rabatt, …" with the section's first
    content after the colon."""
    if is_heading(line) or (line.endswith(":")
                            and len(line[:-1].split()) <= _MAX_HEADING_WORDS):
        return line.rstrip(":"), ""
    inline = _INLINE_HEADING.match(line)
    if inline and (is_heading(inline[1]) or _kind_of_heading(inline[1]) == "offer"):
        return inline[1], inline[2]
    return None


def requirements(description: str) -> AdvertRequirements:
    """The description's requirement lines, essential and optional."""
    opening_lines: list[str] = []  # before the first heading
    essential: list[str] = []
    optional: list[str] = []
    section = "opening"
    asks = False  # whether a section says what the job asks
    for raw in html_to_text(description).splitlines():
        line = raw.strip(_MARKS)
        if not line:
            continue
        opened = _heading(line)
        if opened is not None:
            if section == "opening":
                opening_lines, essential = essential, []
            section = _kind_of_heading(opened[0])
            asks = asks or section != "offer"
            line = opened[1]
            if not line:
                continue
        if section == "offer":
            continue
        for sentence in _SENTENCE_END.split(line) if _says(line, _WISH_WORDS) else [line]:
            wish = section == "wish" or _says(sentence, _WISH_WORDS)
            if _asks_qualification(sentence):
                continue
            if wish:
                optional.append(_WISH_SAID.sub(" ", sentence).strip(" ,;:()"))
            else:
                essential.append(sentence)
    if not asks:
        essential = opening_lines + essential
    return AdvertRequirements("\n".join(essential), "\n".join(optional))


def opening(description: str) -> str:
    """The description's first lines that are no heading, at most OPENING_CHARS: where an
    advert says which job it offers ("Für unsere Küche suchen wir einen Spüler")."""
    lines = [line for raw in html_to_text(description).splitlines()
             if (line := raw.strip(_MARKS)) and _heading(line) is None]
    return "\n".join(lines)[:OPENING_CHARS]


def _asks_qualification(sentence: str) -> bool:
    """A qualification asked for ("abgeschlossene Ausbildung als Koch", "Degree in
    Electrical Engineering") is no skill: linked as one, "abgeschlossene" gave review
    completed contracts. Experience in something ("Erfahrung in der Ausbildung von
    Lehrlingen") and a licence ("forklift licence") are not qualifications."""
    return infer_type(sentence) is not None and not _says(sentence, _NOT_QUALIFICATION)


__all__ = ["AdvertRequirements", "opening", "requirements"]
