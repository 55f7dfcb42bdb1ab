"""Regulated professions in one destination country: which occupations need formal
recognition, who decides, and what compensation measures exist."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import Concept


class RegulationProfile:
    """Which occupations need formal recognition before one may work in them, in one
    destination country (`matcher/data/recognition/regulated_<cc>.json`)."""

    def __init__(self, country: str) -> None:
        self.country = country.upper()
        name = f"regulated_{country.lower()}.json"
        path = resources.files("matcher") / "data" / "recognition" / name
        if not path.is_file():
            raise InvalidInputError(f"destination_country: no regulation profile {name}")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.occupations: dict[str, dict[str, Any]] = {
            entry["id"]: entry for entry in data.get("occupations", [])}
        notes = data.get("isco_prefix_notes", {})
        self.isco_prefixes: dict[str, str] = {
            str(p): str(notes.get(p, "")) for p in data.get("regulated_isco_prefixes", [])}

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
