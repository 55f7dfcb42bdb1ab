"""Bulk import files: JSON Lines or CSV → validated records, with one error per bad row;
for vacancies also schema.org JobPosting documents in JSON-LD (`matcher.intake.job_posting`).

Nothing is written here. The caller writes the records in one transaction only when the
report is empty, so an import lands whole or not at all.

CSV columns are the JSON fields; lists are `;`-separated (`essential_skills`,
`skills`, `start_dates`), languages are `de:B1;en:A2`, locations are `town`, `lat`, `lon`.
"""

from __future__ import annotations

import csv
import io
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError

from matcher.errors import ImportRowsError
from matcher.intake import json_ld, strict_json
from matcher.intake.job_posting import read_posting
from matcher.schemas import VacancyIn
from skills_taxonomy.errors import InvalidInputError

T = TypeVar("T", bound=BaseModel)
MAX_ROWS = 50_000
LIST_COLUMNS = {"essential_skills", "optional_skills", "skills", "start_dates"}
LOCATION_COLUMNS = ("town", "lat", "lon")


class UnsupportedFormatError(InvalidInputError):
    """The body's declared media type is not one the route reads (415)."""


MEDIA_TYPES = {
    "csv": ("text/csv", "application/csv"),
    "jsonl": ("application/x-ndjson", "application/jsonl", "application/json-lines",
              "application/x-jsonlines"),
    "jsonld": ("application/ld+json",),  # schema.org JobPosting: vacancies only
}


def detect_format(content_type: str | None, declared: str | None,
                  formats: tuple[str, ...] = ("csv", "jsonl")) -> str:
    """The format of an import: `?format=` if given, else from the Content-Type; only
    `formats` are read (the vacancy import adds "jsonld")."""
    if declared:
        if declared not in formats:
            raise InvalidInputError(f"format: expected {' or '.join(formats)}, "
                                    f"got {declared!r}")
        return declared
    kind = (content_type or "").split(";")[0].strip().lower()
    for fmt in formats:
        if kind in MEDIA_TYPES[fmt]:
            return fmt
    raise UnsupportedFormatError(
        f"Content-Type {kind or '(none)'!r}: send "
        f"{' or '.join(MEDIA_TYPES[f][0] for f in formats)} "
        f"(or add ?format={'|'.join(formats)})")


def _csv_record(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        if key in LIST_COLUMNS:
            record[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key == "languages":
            langs = []
            for item in value.split(";"):
                lang, _, level = item.strip().partition(":")
                langs.append({"lang": lang.strip(), "level": level.strip()})
            record[key] = langs
        elif key in LOCATION_COLUMNS:
            record.setdefault("location", {})[key] = value
        elif key in ("online", "is_open"):
            record[key] = value.strip().lower() in ("1", "true", "yes", "y")
        else:
            record[key] = value
    return record


def parse_rows(body: bytes, fmt: str, model: type[T]) -> list[T]:
    """Every row validated; raises ImportRowsError listing each bad row (1-based line;
    for JSON-LD, the posting's place in the document)."""
    if fmt == "jsonld":
        if model is not VacancyIn:
            raise UnsupportedFormatError("JSON-LD (schema.org JobPosting) is read for "
                                         "vacancies only")
        return cast(list[T], _job_postings(body))
    text = strict_json.decode(body)
    raw: list[tuple[int, Any]] = []
    errors: list[dict[str, object]] = []
    if fmt == "jsonl":
        # split at line feeds only: a JSON string may hold U+2028, which splitlines() splits
        for line_no, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                raw.append((line_no, strict_json.loads(line, f"line {line_no}")))
            except strict_json.JsonError as exc:
                errors.append({"row": line_no, "field": exc.field, "message": exc.problem})
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        try:
            for row in reader:
                raw.append((reader.line_num, _csv_record(row)))
        except csv.Error as exc:  # broken quoting: the record starting on the next line
            raise InvalidInputError(f"CSV line {reader.line_num + 1}: {exc}") from exc
    if len(raw) > MAX_ROWS:
        raise InvalidInputError(f"{len(raw)} rows; the limit is {MAX_ROWS} per import")
    if not raw and not errors:
        raise InvalidInputError("the file has no rows")
    records: list[T] = []
    for line_no, data in raw:
        try:
            records.append(model.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors():
                errors.append({"row": line_no,
                               "field": ".".join(str(p) for p in err["loc"]) or None,
                               "message": err["msg"]})
    if errors:
        raise ImportRowsError(sorted(errors, key=lambda e: int(e["row"])))  # type: ignore[call-overload]
    return records


def _job_postings(body: bytes) -> list[VacancyIn]:
    """A JSON-LD document of schema.org JobPostings as vacancies; each posting is a row,
    numbered from 1 in document order, its errors named by the posting's property."""
    rows = [read_posting(node) for node in json_ld.nodes(strict_json.loads(
        strict_json.decode(body)))]
    if not rows:
        raise InvalidInputError("the document holds no JobPosting")
    if len(rows) > MAX_ROWS:
        raise InvalidInputError(f"{len(rows)} postings; the limit is {MAX_ROWS} per import")
    records = [row.validated() for row in rows]
    errors: list[dict[str, object]] = [
        {"row": number, "field": field, "message": message}
        for number, row in enumerate(rows, start=1) for field, message in row.problems]
    if errors:
        raise ImportRowsError(errors)
    return [record for record in records if record is not None]


__all__ = ["MAX_ROWS", "MEDIA_TYPES", "UnsupportedFormatError", "detect_format", "parse_rows"]
