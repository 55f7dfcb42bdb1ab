"""A vacancy CSV as employers write it, made into the CSV the importer reads
(`matcher.intake.files`): towns by name instead of coordinates, and the semicolons or tabs
a German spreadsheet separates its columns with.

A row with a `town` and no `lat`/`lon` gets the coordinates of that town from the
gazetteer (`matcher.intake.places`); a town that is unknown, or names several places, is
an error of that row, with the names to write instead. Rows are numbered as a spreadsheet
numbers them (the header is row 1), also in the errors the importer finds later
(`CsvVacancies.row_of`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from matcher.errors import ImportRowsError
from matcher.intake import strict_json
from matcher.intake.files import parse_rows
from matcher.intake.places import place_named
from matcher.schemas import VacancyIn
from skills_taxonomy.errors import InvalidInputError

EXAMPLE_COLUMNS = ("external_id", "kind", "title", "description", "essential_skills_text",
                   "optional_skills_text", "languages", "town", "slots", "start_date",
                   "min_permit")


class _Lines:
    """What a csv writer writes, and how many lines so far."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.count = 0

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.count += text.count("\n")
        return len(text)


@dataclass(frozen=True)
class CsvVacancies:
    body: bytes  # comma-separated, UTF-8, with lat and lon: what `import_vacancies` reads
    rows: list[int]  # per record (0-based), its row in the file as sent

    def row_of(self, record: int) -> int:
        """The file's row of a record numbered from 1 (as the importer's errors are)."""
        return self.rows[record - 1] if 0 < record <= len(self.rows) else record


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _placed(row: dict[str, str], line: int) -> dict[str, object] | None:
    """Coordinates for a row's town (the row changed in place); an error when unknown."""
    town = (row.get("town") or "").strip()
    if not town or (row.get("lat") or "").strip() or (row.get("lon") or "").strip():
        return None
    place = place_named(town)
    if isinstance(place, str):
        return {"row": line, "field": "town", "message": place}
    row.update(town=place.name, lat=f"{place.lat:.5f}", lon=f"{place.lon:.5f}")
    return None


def read_vacancy_csv(body: bytes) -> CsvVacancies:
    """The file with towns placed and commas between columns, checked row by row (the
    checks that need no database: shapes, values, towns). Raises ImportRowsError naming
    each bad row as the file numbers it; InvalidInputError for a file that is not CSV."""
    text = strict_json.decode(body)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text),
                            strict=True)
    try:
        fields = list(reader.fieldnames or [])
        # a record's row is the line it starts on (a cell may hold line breaks)
        records = [(row, reader.line_num - sum(str(v).count("\n") for v in row.values()))
                   for row in reader]
    except csv.Error as exc:
        raise InvalidInputError(f"CSV line {reader.line_num + 1}: {exc}") from exc
    if not records:
        raise InvalidInputError("the file has no rows")
    if "town" in fields:
        fields += [f for f in ("lat", "lon") if f not in fields]
    errors = [e for row, line in records if (e := _placed(row, line)) is not None]
    lines = _Lines()
    writer = csv.DictWriter(lines, fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    original: dict[int, int] = {}  # the rewritten file's row of a record → the sent one's
    for row, line in records:
        writer.writerow({k: v for k, v in row.items() if k is not None})
        original[lines.count] = line
    body = "".join(lines.parts).encode("utf-8")
    try:
        parse_rows(body, "csv", VacancyIn)
    except ImportRowsError as exc:
        unplaced = {e["row"] for e in errors}  # their missing coordinates go unsaid
        for e in exc.errors:
            at = original.get(int(str(e["row"])), e["row"])
            if not (at in unplaced and str(e["field"]).startswith("location")):
                errors.append({**e, "row": at})
    if errors:
        raise ImportRowsError(sorted(errors, key=lambda e: int(str(e["row"]))))
    return CsvVacancies(body, [line for _, line in records])


def example_csv(today: dt.date | None = None) -> str:
    """Two vacancies in the columns the upload reads."""
    start = (today or dt.date.today()) + dt.timedelta(days=60)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXAMPLE_COLUMNS)
    writer.writerow(["koch-2025-01", "job", "Koch / Köchin (m/w/d)",
                     "Frühschicht in der Betriebskantine", "Gemüse vorbereiten; HACCP anwenden",
                     "Geschirr spülen", "de:B1", "Köln", "2", start.replace(day=1).isoformat(),
                     "restricted"])
    writer.writerow(["lager-azubi-01", "apprenticeship", "Fachkraft für Lagerlogistik",
                     "Ausbildung, drei Jahre", "Ware einlagern; Gabelstapler fahren", "",
                     "de:A2", "Frankfurt am Main", "1", "", "pending"])
    return out.getvalue()


__all__ = ["EXAMPLE_COLUMNS", "CsvVacancies", "example_csv", "read_vacancy_csv"]
