"""Bulk import files: JSON Lines or CSV → validated records, with one error per bad row.

Nothing is written here. The caller writes the records in one transaction only when the
report is empty, so an import lands whole or not at all.

CSV columns are the JSON fields; lists are `;`-separated (`essential_skills`,
`skills`, `start_dates`), languages are `de:B1;en:A2`, locations are `town`, `lat`, `lon`.
"""

from __future__ import annotations

import csv
import io
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from matcher.errors import ImportRowsError
from matcher.intake import strict_json
from skills_taxonomy.errors import InvalidInputError

T = TypeVar("T", bound=BaseModel)
MAX_ROWS = 50_000
LIST_COLUMNS = {"essential_skills", "optional_skills", "skills", "start_dates"}
LOCATION_COLUMNS = ("town", "lat", "lon")


class UnsupportedFormatError(InvalidInputError):
    """The body's declared media type is not one the route reads (415)."""


def detect_format(content_type: str | None, declared: str | None) -> str:
    if declared:
        if declared not in ("jsonl", "csv"):
            raise InvalidInputError(f"format: expected jsonl or csv, got {declared!r}")
        return declared
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        return "csv"
    if kind in ("application/x-ndjson", "application/jsonl", "application/json-lines",
                "application/x-jsonlines"):
        return "jsonl"
    raise UnsupportedFormatError(
        f"Content-Type {kind or '(none)'!r}: send text/csv or application/x-ndjson "
        "(or add ?format=csv|jsonl)")


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
    """Every row validated; raises ImportRowsError listing each bad row (1-based line)."""
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


__all__ = ["MAX_ROWS", "UnsupportedFormatError", "detect_format", "parse_rows"]
