"""The intake form as data: what was typed (kept to show again), read from a posted form
or from a stored candidate, and turned into the `CandidateIn` the engine saves.

Free text about skills and experience, in any language, is linked live (`/link`); what
the coach confirms becomes claims with source "coach_verified" (a skill, its span as the
evidence, the whole text as the statement) or work experience (an occupation, with the
years the text names next to it); the pieces that linked to nothing are kept as the
person's own words (self-declared text, linked again on write, and flagged in the linking
report). Text that was never checked is kept whole as self-declared text.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from api.pages.i18n import N_
from api.pages.linking import Linked
from api.pages.web import form_list, form_text
from matcher.intake.places import Place, find_places, fold
from matcher.schemas import CandidateIn

MAX_TEXT = 2_000
KINDS = ("job", "apprenticeship", "placement")
_YEAR_WORDS = (r"(?:years?|yrs?|jahren|jahre|jahr|років|роки|рік|року|лет|года|год|yıl|yil"
               r"|năm|年|سنوات|سنين|سنة|أعوام|عام|سال|ans?|años?|anni|anos?|lata|lat)")
_YEARS = re.compile(r"(\d+(?:[.,]\d+)?)\s*\+?\s*" + _YEAR_WORDS, re.IGNORECASE)
# messages for people, by the form field a problem belongs to
FIELD_MESSAGES = {
    "name": N_("Enter the person's name."),
    "email": N_("Enter an email address like name@example.org, or leave it empty."),
    "radius": N_("Enter a distance in km, from 0 to 1000."),
    "permit": N_("Choose the work permit."),
    "q_year": N_("Enter a year such as 2015 (1940 or later), or leave it empty."),
    "x_years": N_("Enter the number of years, e.g. 2 or 0.5 (at most 60)."),
    "lang": N_("Choose a language and the level."),
    "level": N_("Choose a language and the level."),
    "kinds": N_("Choose at least one kind of work."),
    "external_id": N_("Use only letters, digits and - _ . : / @ (at most 100)."),
}


class Invalid(Exception):
    """The form cannot be saved: the fields and what is wrong with them."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class IntakeForm:
    values: dict[str, str] = field(default_factory=dict)
    languages: list[tuple[str, str]] = field(default_factory=list)
    qualifications: list[dict[str, str]] = field(default_factory=list)
    experience: list[dict[str, str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    confirmed: list[str] = field(default_factory=list)  # kind|uri|span
    kept: list[int] = field(default_factory=list)  # claims on file to keep (edit)
    wants_confirmed: bool = True
    places: list[Place] = field(default_factory=list)

    def padded(self) -> IntakeForm:
        """With an empty row after the filled ones (at least three languages, one
        qualification, two jobs), to fill in without JavaScript."""
        self.languages += [("", "")] * max(1, 3 - len(self.languages))
        self.qualifications += [{}] * max(1, 1 - len(self.qualifications))
        self.experience += [{}] * max(1, 2 - len(self.experience))
        return self


def _rows(form: FormData, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    rows, i = [], 0
    while any(f"{prefix}_{n}_{i}" in form for n in names) and i < 50:
        rows.append({n: form_text(form, f"{prefix}_{n}_{i}")[:300] for n in names})
        i += 1
    return rows


def read_form(form: FormData) -> IntakeForm:
    """What the coach posted, as typed."""
    values = {k: form_text(form, k)[:MAX_TEXT if k == "skills_text" else 300] for k in (
        "name", "email", "phone", "address", "external_id", "organisation_id", "town",
        "place", "radius", "permit", "skills_text")}
    langs = [(r["lang"], r["level"]) for r in _rows(form, "l", ("lang", "level"))]
    kept = [int(v) for v in form_list(form, "keep") if v.isdigit()]
    return IntakeForm(values, langs, _rows(form, "q", ("title", "country", "year")),
                      _rows(form, "x", ("title", "years")),
                      [k for k in form_list(form, "kinds") if k in KINDS],
                      form_list(form, "skills_text_confirm"), kept,
                      form_text(form, "wants_confirmed") == "yes")


def from_stored(body: CandidateIn) -> IntakeForm:
    """The form for editing a stored candidate."""
    p = body.personal
    values = {"name": p.name, "email": p.email or "", "phone": p.phone or "",
              "address": p.address or "", "external_id": body.external_id,
              "organisation_id": str(body.organisation_id or ""),
              "town": body.location.town, "radius": f"{body.travel_radius_km:g}",
              "permit": body.work_permit, "skills_text": "", "place": ""}
    return IntakeForm(
        values, [(x.lang, x.level) for x in body.languages],
        [{"title": q.title, "country": q.country or "", "year": str(q.year or "")}
         for q in body.qualifications],
        [{"title": e.title, "years": f"{e.years:g}"} for e in body.experience],
        list(body.preferences.kinds), [], list(range(len(body.skills))), True)


def years_near(text: str, start: int) -> float:
    """The years of work the text names next to an occupation at `start` ("кухар …,
    5 років" → 5): the nearest mention after it, else before it; 0 when none."""
    found = [(m.start(), float(m.group(1).replace(",", "."))) for m in _YEARS.finditer(text)]
    after = [y for at, y in found if at >= start]
    before = [y for at, y in found if at < start]
    years = after[0] if after else before[-1] if before else 0.0
    return min(years, 60.0)


def place_for(form: IntakeForm, stored: CandidateIn | None) -> tuple[dict[str, Any] | None,
                                                                      str | None]:
    """The location the town field names: (location, None), or (None, problem) with
    `form.places` set when the coach must choose among several."""
    town = form.values["town"]
    if stored is not None and town == stored.location.town:
        return stored.location.model_dump(), None
    if not town:
        return None, N_("Enter the town where the person lives.")
    found = find_places(town)
    chosen = form.values.get("place", "")
    for place in found:
        if chosen == place.display:
            return place.location().model_dump(), None
    exact = [p for p in found if fold(p.name) == fold(town)]
    if len(exact) == 1:
        return exact[0].location().model_dump(), None
    form.places = found
    if not found:
        return None, N_("No town of this name was found in Germany. Check the spelling.")
    return None, N_("Several towns match this name: choose one.")


def _confirmed(form: IntakeForm) -> list[tuple[str, str, str, int]]:
    """(kind, concept, span, position) of each confirmed suggestion still in the text."""
    text = form.values["skills_text"]
    out = []
    for value in dict.fromkeys(form.confirmed):
        kind, _, rest = value.partition("|")
        uri, _, span = rest.partition("|")
        at = text.find(span) if span else -1
        if kind in ("skill", "occupation") and uri and at >= 0:
            out.append((kind, uri, span, at))
    return out


def claims_from_text(form: IntakeForm, linked: Linked | None,
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(skill claims, work experience, occupations) from the free text: confirmed skills
    as coach-verified claims, confirmed occupations as experience, the unlinked pieces (or
    the whole text, when nothing was confirmed) as self-declared text."""
    text = form.values["skills_text"]
    if not text:
        return [], [], []
    confirmed = _confirmed(form)
    if not confirmed:
        return [{"text": text, "source": "self_declared"}], [], []
    skills: list[dict[str, Any]] = []
    experience: list[dict[str, Any]] = []
    for kind, uri, span, at in confirmed:
        if kind == "skill":
            skills.append({"concept": uri, "text": text, "source": "coach_verified",
                           "evidence": span})
        else:
            experience.append({"title": span, "years": years_near(text, at),
                               "occupation": uri})
    spans = [span for _, _, span, _ in confirmed]
    for piece in linked.unlinked if linked else []:
        if not piece.strip() or any(span in piece for span in spans):
            continue
        if experience and _YEARS.fullmatch(piece.strip(" .,;")):
            continue  # "5 років": the years of the work experience confirmed
        skills.append({"text": piece, "source": "self_declared"})
    return skills, experience, [e["occupation"] for e in experience]


def new_external_id() -> str:
    return "web-" + secrets.token_hex(4)


__all__ = ["FIELD_MESSAGES", "IntakeForm", "Invalid", "claims_from_text", "from_stored",
           "new_external_id", "place_for", "read_form", "years_near"]
