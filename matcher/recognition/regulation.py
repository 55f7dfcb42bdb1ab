"""Regulated professions in one destination country: which occupations need formal
recognition, who decides, and what compensation measures exist.

A country is one data file, `matcher/data/recognition/regulated_<cc>.json`, in the format
`ProfileFile` defines (validated at load; a malformed file is refused with an error naming
the file and the field), plus a test."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import Concept

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
IscoPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}$")]


def _real_date(value: str) -> str:
    dt.date.fromisoformat(value)  # a ValueError names the impossible date
    return value


IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                    AfterValidator(_real_date)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceRef(_Strict):
    """Where an entry comes from: a public page or law, and the date the entry was
    written from it (re-check after that date; rules and fees change)."""

    title: Text
    url: Url
    as_of: IsoDate


class RegulatedOccupation(_Strict):
    """One occupation that needs formal recognition (or a statutory certificate)."""

    id: Text = Field(description="the occupation's taxonomy id (ESCO URI)")
    label: Text | None = Field(None, description="its name, for the reader of the file")
    scope: Text | None = Field(None, description="e.g. state_title, statutory_certificate")
    regulated_by: Text | None = Field(None, description="e.g. state, federal")
    work_without_recognition: bool = Field(
        False, description="some employment (as a helper) is possible before recognition")
    reason: Text = Field(description="why it is regulated, shown to coaches")
    authority: Text = Field(description="who decides on recognition")
    legal_basis: Text
    compensation_measures: list[Text] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)


class OtherRequirement(_Strict):
    """A statutory certificate for occupations that are not regulated professions."""

    ids: list[Text] = Field(min_length=1)
    requirement: Text
    legal_basis: Text | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class ProfileFile(_Strict):
    """The format of `regulated_<cc>.json`."""

    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    name: Text
    note: str = ""
    regulated_isco_prefixes: list[IscoPrefix] = Field(default_factory=list)
    isco_prefix_notes: dict[IscoPrefix, str] = Field(default_factory=dict)
    occupations: list[RegulatedOccupation] = Field(default_factory=list)
    other_requirements: list[OtherRequirement] = Field(default_factory=list)
    sources: list[SourceRef] = Field(
        default_factory=list, description="for the ISCO prefixes and the note")

    @model_validator(mode="after")
    def _consistent(self) -> ProfileFile:
        ids = [o.id for o in self.occupations]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"occupations: id listed twice: {', '.join(repeated)}")
        prefixes = self.regulated_isco_prefixes
        if len(set(prefixes)) != len(prefixes):
            raise ValueError("regulated_isco_prefixes: a prefix is listed twice")
        stray = sorted(set(self.isco_prefix_notes) - set(prefixes))
        if stray:
            raise ValueError(f"isco_prefix_notes: note for a prefix not in "
                             f"regulated_isco_prefixes: {', '.join(stray)}")
        return self


def _field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            out += " (the key)"
        else:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


M = TypeVar("M", bound=BaseModel)


def read_validated(path: Path, model: type[M], what: str) -> tuple[M, dict[str, Any]]:
    """The JSON file at `path` validated as `model`, with the raw data; InvalidInputError
    naming `what`, the file and the field otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{what} {path}:{exc.lineno}:{exc.colno}: "
                                f"not JSON ({exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{what} {path}: cannot read ({exc})") from exc
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        problems = "; ".join(f"{_field(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InvalidInputError(f"{what} {path}: {problems}") from None


def read_profile(path: Path, country: str | None = None) -> tuple[ProfileFile, dict[str, Any]]:
    """The profile at `path`, validated (and, with `country`, checked to be that
    country's), with the raw data; InvalidInputError naming file and field otherwise."""
    profile, data = read_validated(path, ProfileFile, "regulation profile")
    if country is not None and profile.country != country.upper():
        raise InvalidInputError(f"regulation profile {path}: country: {profile.country!r}, "
                                f"expected {country.upper()!r} (from the file name)")
    return profile, data


class RegulationProfile:
    """Which occupations need formal recognition before one may work in them, in one
    destination country (`matcher/data/recognition/regulated_<cc>.json`, or in
    `directory` when given)."""

    def __init__(self, country: str, directory: Path | None = None) -> None:
        self.country = country.upper()
        name = f"regulated_{country.lower()}.json"
        path = Path(str(directory / name if directory is not None else
                        resources.files("matcher") / "data" / "recognition" / name))
        if not path.is_file():
            raise InvalidInputError(f"destination_country: no regulation profile {name}")
        self.model, data = read_profile(path, self.country)
        # each entry as the file gives it: `check` shows the keys the file states
        self.occupations: dict[str, dict[str, Any]] = {
            entry["id"]: entry for entry in data.get("occupations", [])}
        notes = self.model.isco_prefix_notes
        self.isco_prefixes: dict[str, str] = {
            p: notes.get(p, "") for p in self.model.regulated_isco_prefixes}

    def check(self, occupation: Concept) -> dict[str, Any]:
        entry = self.occupations.get(occupation.uri)
        if entry is None:
            prefix = next((p for p in self.isco_prefixes
                           if occupation.isco_code.startswith(str(p))), None)
            if prefix is not None:
                entry = {"reason": self.isco_prefixes[prefix] or
                         f"ISCO {prefix} occupations are regulated in {self.country}"}
        out: dict[str, Any] = {"country": self.country, "regulated": entry is not None}
        if entry is not None:
            out.update({k: entry[k] for k in ("reason", "authority", "legal_basis",
                                              "compensation_measures",
                                              "work_without_recognition") if k in entry})
            out["source"] = f"profile {self.country}"
        else:
            out["source"] = f"profile {self.country}: not listed"
        if occupation.regulated:
            out["esco_note"] = ("ESCO marks this occupation as regulated in at least one EU "
                                "country; check the destination country's rules")
        return out

    def is_regulated(self, occupation: Concept | None) -> bool:
        return occupation is not None and bool(self.check(occupation)["regulated"])

    def requires_recognition(self, occupation: Concept | None) -> bool:
        """Whether a post in this occupation needs formal recognition: regulated, and not
        one of the protected titles under which unrecognised people may still work (as
        helpers) — for those the vacancy says so itself (`requires_recognition`)."""
        if occupation is None or not self.is_regulated(occupation):
            return False
        entry = self.occupations.get(occupation.uri, {})
        return not entry.get("work_without_recognition", False)
