"""Which input is a person's text: what `check_text` repairs, and what it refuses with a
message that names the problem (too long, empty, binary data)."""

from __future__ import annotations

import unicodedata

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.text import repair

MAX_TEXT_CHARS = 10_000
BINARY_SHARE = 0.05  # above this share of control or replacement characters: not text

_LAYOUT = str.maketrans("", "", "\n\r\t")


def _unreadable(ch: str) -> bool:
    """A character no person types: C0 controls, surrogates, private-use and unassigned
    code points, the replacement character. (C1 controls are Windows-1252 debris that
    `repair` turns back into what was meant.)"""
    if ch in "\n\r\t" or "\x80" <= ch <= "\x9f":
        return False
    return unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"} or ch == "\ufffd"


def check_text(text: object, what: str = "text") -> str:
    """The text made fit to link (`text.repair`: Windows-1252 debris, mojibake, HTML
    entities, invisible characters); refuses what cannot be a person's text, with a
    message that names the problem."""
    if not isinstance(text, str):
        raise InvalidInputError(f"{what} must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"{what} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
            "(split long documents into paragraphs)"
        )
    if "\x00" in text:
        raise InvalidInputError(f"{what} contains NUL characters: binary data, not text")
    if not text.strip():
        raise InvalidInputError(f"{what} is empty")
    # printable once tabs and line breaks are gone, and no replacement character: nothing
    # unreadable (the check per character costs more than linking a short phrase does)
    clean = "\ufffd" not in text and text.translate(_LAYOUT).isprintable()
    bad = 0 if clean else sum(map(_unreadable, text))
    if bad > max(2, len(text) * BINARY_SHARE):
        raise InvalidInputError(
            f"{what} looks like binary data, not text ({bad} of {len(text)} characters "
            "are control or undecodable characters)")
    if bad:
        text = "".join(" " if _unreadable(ch) else ch for ch in text)
    repaired = repair(text)
    if not repaired.strip():
        raise InvalidInputError(f"{what} has no readable characters")
    return repaired


__all__ = ["BINARY_SHARE", "MAX_TEXT_CHARS", "check_text"]
