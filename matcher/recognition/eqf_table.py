"""Reference tables of foreign qualifications and their EQF levels (the Europass export
format): reading them, all or nothing, and looking a title up in them."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz

from matcher.recognition.qualification_types import TYPE_EQF
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.text import fold

PROJECT_TABLE = "project"
TABLE_MATCH = 88  # rapidfuzz token-set ratio needed to take a table row as the same title


@dataclass(frozen=True)
class EqfEntry:
    source: str
    country: str
    qualification: str
    eqf_level: int
    native_title: str | None = None
    type: str | None = None
    duration_years: float | None = None


@dataclass
class TableReport:
    source: str
    rows: int
    skipped_without_level: int


def read_eqf_csv(path: str | Path, source: str | None = None,
                 ) -> tuple[list[EqfEntry], TableReport]:
    """A reference table in the Europass export format (`qualification,country,eqf_level`,
    optionally `native_title,type,duration_years`). All or nothing: a malformed row raises
    an error naming file and line; rows with no level at all are skipped and counted."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise InvalidInputError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from exc
    return parse_eqf_csv(text, source or path.name, str(path))


def parse_eqf_csv(text: str, source: str, path: str = "body",
                  ) -> tuple[list[EqfEntry], TableReport]:
    """The same, from text already read (an upload)."""
    if not source.strip() or len(source) > 200:
        raise InvalidInputError("source: 1 to 200 characters")
    _refuse_nul(text, path)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        entries, skipped = _rows(reader, source, path)
    except csv.Error as exc:  # broken quoting, a field over the csv module's limit
        raise InvalidInputError(f"{path}:{reader.line_num + 1}: not CSV: {exc}") from None
    if not entries:
        raise InvalidInputError(f"{path}: no rows")
    return entries, TableReport(source, len(entries), skipped)


def _refuse_nul(text: str, path: str) -> None:
    """A NUL character (PostgreSQL cannot store it), named by line and column."""
    at = text.find("\x00")
    if at < 0:
        return
    start = text.rfind("\n", 0, at) + 1
    line = text.count("\n", 0, at) + 1
    first = text.split("\n", 1)[0]
    header = next(csv.reader([first.replace("\x00", "")]), [])
    column = len(next(csv.reader([text[start:at]]), [""])) - 1
    name = header[column] if line > 1 and column < len(header) else f"column {column + 1}"
    raise InvalidInputError(f"{path}:{line}: {name} contains a NUL character (\\u0000)")


def _number(text: str) -> float | None:
    """A finite number, or None (not a number, NaN, inf, 1e400)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _rows(reader: csv.DictReader[str], source: str, path: str,
          ) -> tuple[list[EqfEntry], int]:
    missing = {"qualification", "country", "eqf_level"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    entries, skipped = [], 0
    for row in reader:
        line = reader.line_num
        level_text = (row.get("eqf_level") or "").strip()
        title = (row.get("qualification") or "").strip()
        if not level_text and not (row.get("country") or "").strip():
            skipped += 1
            continue
        level = _number(level_text)
        if level is None:
            raise InvalidInputError(f"{path}:{line}: eqf_level {level_text!r} is not a number "
                                    "from 1 to 8")
        if level != int(level) or not 1 <= level <= 8:
            raise InvalidInputError(f"{path}:{line}: eqf_level {level_text!r} is not 1..8")
        if not title:
            raise InvalidInputError(f"{path}:{line}: qualification is empty")
        duration = (row.get("duration_years") or "").strip()
        qtype = (row.get("type") or "").strip() or None
        if qtype is not None and qtype not in TYPE_EQF:
            raise InvalidInputError(f"{path}:{line}: type {qtype!r} is not one of "
                                    f"{', '.join(TYPE_EQF)}")
        years = _number(duration) if duration else None
        if duration and (years is None or not 0 < years <= 15):
            raise InvalidInputError(f"{path}:{line}: duration_years {duration!r} is not a "
                                    "number of years (above 0, at most 15)")
        entries.append(EqfEntry(source, (row.get("country") or "").strip(), title, int(level),
                                (row.get("native_title") or "").strip() or None, qtype, years))
    return entries, skipped


def project_table() -> list[EqfEntry]:
    """The table written by this project for frequent countries of origin."""
    path = resources.files("matcher") / "data" / "recognition" / "origin_qualifications_eqf.csv"
    with resources.as_file(path) as file:
        return read_eqf_csv(file, PROJECT_TABLE)[0]


# Names a country goes by besides the one the tables use (folded: no accents or case).
COUNTRY_ALIASES = {"turkey": "turkiye", "viet nam": "vietnam", "russian federation": "russia",
                   "syrian arab republic": "syria"}


def country_key(name: str | None) -> str:
    """A country as the tables are looked up by: folded, its usual other names mapped to
    one ("Turkey", "Türkiye" → "turkiye")."""
    folded = fold(name or "")
    return COUNTRY_ALIASES.get(folded, folded)


class EqfTable:
    """Lookup of (country, title) in the reference tables: exact, then fuzzy."""

    def __init__(self, entries: list[EqfEntry]) -> None:
        self.entries = entries
        self._by_country: dict[str, list[tuple[str, EqfEntry]]] = {}
        for entry in entries:
            titles = [entry.qualification] + ([entry.native_title] if entry.native_title else [])
            for title in titles:
                self._by_country.setdefault(country_key(entry.country), []).append(
                    (fold(title), entry))

    def lookup(self, country: str | None, title: str,
               ) -> tuple[EqfEntry, float, list[int]] | None:
        """The best-matching row, its match score, and every level the table gives that
        title (a table may list one title at several levels; the lowest is returned)."""
        rows = self._by_country.get(country_key(country), [])
        wanted = fold(title)
        scored = [(100.0 if folded == wanted else fuzz.token_set_ratio(folded, wanted),
                   folded, entry) for folded, entry in rows]
        best = max((s for s in scored if s[0] >= TABLE_MATCH), key=lambda s: s[0],
                   default=None)
        if best is None:
            return None
        same = [e for score, folded, e in scored if folded == best[1] and score == best[0]]
        lowest = min(same, key=lambda e: e.eqf_level)
        return lowest, best[0], sorted({e.eqf_level for e in same})
