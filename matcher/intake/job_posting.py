"""schema.org `JobPosting` in JSON-LD — what job boards and the Google for Jobs feed carry —
read as vacancies (`VacancyIn`) and written from stored ones. A document is one posting,
an array, an `@graph` (nodes a posting refers to by `@id` are put in place) or an
`ItemList` of `ListItem`s (`matcher.intake.json_ld`); each posting is a row, numbered from
1 in document order; anything else there is a row error saying what it is. Properties:

- `identifier` (text or PropertyValue) → external_id; `title`; `description` (HTML made
  text, paragraphs kept; `matcher.intake.html_text`);
- `occupationalCategory` → occupation when it is a concept id (an ESCO URI, as text,
  CategoryCode `codeValue` or `@id`); an ISCO or O*NET code is left out (the title is
  linked instead);
- requirements: `skills`, `qualifications`, `experienceRequirements` → essential skills,
  `responsibilities` (duties, often learnt on the job) → optional skills; each text or a
  list; a DefinedTerm whose `@id` is a concept id is taken as that skill, other terms by
  their name as text; language requirements in them ("Deutsch B1", "German B2",
  `matcher.intake.language_levels`) become `languages` and leave the skills text;
- `employmentType` INTERN (or INTERNSHIP) → kind placement, APPRENTICESHIP (not in
  Google's list; some boards write it) → apprenticeship, else job: a title saying
  "Ausbildung" is not taken as an apprenticeship;
- `jobLocation` (the first Place): `address.addressLocality` is the town; without `geo`
  coordinates (or the Place's own latitude/longitude) it is looked up in the gazetteer
  (`matcher.intake.places`; in `addressRegion`, a German state's name, if given; in
  `addressCountry` if a two-letter code, else DE): an unknown or ambiguous town is an
  error of the row naming the field;
- `totalJobOpenings` → slots; `jobStartDate` → start_date (a text that is no date, like
  "sofort", is left out); `validThrough` in the past → is_open false; `inLanguage` → lang.

Project extension: a property `matcher:<field>` (the `VacancyIn` field in camelCase, e.g.
`matcher:kind`, `matcher:minPermit`, `matcher:optionalSkills`, `matcher:languages` as
["de:B1"], `matcher:employerId`) sets that field and wins over the schema.org properties.
`matcher:` keys are absolute IRIs of their own scheme: JSON-LD processors keep them,
schema.org consumers ignore them. The export writes them for what schema.org cannot say,
so that export → import gives the same vacancy.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import ValidationError

from matcher.intake import json_ld as ld
from matcher.intake.html_text import html_to_text, text_to_html
from matcher.intake.language_levels import take_languages
from matcher.intake.places import Place, place_named
from matcher.schemas import VacancyIn
from skills_taxonomy.errors import InvalidInputError

SCHEMA = "https://schema.org"
EXT = "matcher:"
ESCO = "http://data.europa.eu/esco/"
ESCO_SKILLS = "https://esco.ec.europa.eu/en/classification/skill_main"
ESCO_OCCUPATIONS = "https://esco.ec.europa.eu/en/classification/occupation_main"
_CONCEPT_ID = re.compile(r"^(https?://\S+|[a-z][a-z0-9+.-]*:[^\s/]+/\S+)$")  # not "Koch:in"
ESSENTIAL_FROM = ("skills", "qualifications", "experienceRequirements")
OPTIONAL_FROM = ("responsibilities",)
ID_FIELDS = ("essential_skills", "optional_skills", "prerequisites")
# where each field comes from unless an extension property set it (names the errors)
ORIGIN = {"external_id": "identifier", "kind": "employmentType", "title": "title",
          "description": "description", "occupation": "occupationalCategory",
          "essential_skills": "skills", "essential_skills_text": "skills",
          "optional_skills_text": "responsibilities", "languages": "qualifications",
          "location": "jobLocation", "slots": "totalJobOpenings",
          "start_date": "jobStartDate", "is_open": "validThrough", "lang": "inLanguage"}


class PostingError(InvalidInputError):
    """A JobPosting that cannot be a vacancy: `problems` as (property, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


@dataclass
class PostingRow:
    """What one node of a document made: the VacancyIn fields, the property each came
    from, and the problems (property, message)."""

    data: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=lambda: dict(ORIGIN))
    problems: list[tuple[str, str]] = field(default_factory=list)

    def set(self, name: str, value: Any, source: str) -> None:
        if value is not None:
            self.data[name], self.origin[name] = value, source

    def problem(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def where(self, loc: tuple[int | str, ...]) -> str:
        """The posting's property behind a VacancyIn error location."""
        source = self.origin.get(str(loc[0]), str(loc[0])) if loc else "JobPosting"
        rest = ".".join(str(p) for p in loc[1:])
        return f"{source}.{rest}" if rest and source.startswith(EXT) else source

    def validated(self) -> VacancyIn | None:
        """The vacancy, or None with the problems (validation's too, unless about a
        property that has a problem already: no echo of a missing location) added."""
        if any(f == "@type" for f, _ in self.problems):
            return None
        said = {f.split(".")[0] for f, _ in self.problems}
        try:
            return VacancyIn.model_validate(self.data)
        except ValidationError as exc:
            self.problems += [(where, e["msg"]) for e in exc.errors()
                              if (where := self.where(e["loc"])).split(".")[0] not in said]
            return None


def _concept_id(value: Any) -> str | None:
    """A concept id in a text, DefinedTerm or CategoryCode (`@id`, `codeValue`)."""
    value = ld.one(value)
    text = value.get("@id") or ld.text(value, "codeValue", "termCode") \
        if isinstance(value, dict) else ld.text(value)
    return text if isinstance(text, str) and _CONCEPT_ID.match(text) else None


# --- one posting ---------------------------------------------------------------------------
def vacancy_from_job_posting(doc: dict[str, Any]) -> dict[str, Any]:
    """The `VacancyIn` fields of one JobPosting (not yet validated: `PostingRow.validated`
    does that); raises PostingError naming each property it cannot use."""
    row = read_posting(doc)
    if row.problems:
        raise PostingError(row.problems)
    return row.data


def read_posting(node: Any) -> PostingRow:
    """One node of a document as a vacancy's fields, or the problems of it."""
    row = PostingRow()
    types = ld.types(node)
    if not isinstance(node, dict) or "JobPosting" not in types:
        what = ", ".join(sorted(types)) if types else "an object without @type" \
            if isinstance(node, dict) else f"a JSON {type(node).__name__}"
        row.problem("@type", f"not a JobPosting but {what}")
        return row
    props = ld.props(node)
    row.set("external_id", ld.text(props.get("identifier"), "value", "identifier"),
            "identifier")
    row.set("title", ld.text(props.get("title")), "title")
    description = ld.text(props.get("description"))
    row.set("description", html_to_text(description) if description else None,
            "description")
    row.set("occupation", _concept_id(props.get("occupationalCategory")),
            "occupationalCategory")
    row.set("kind", _kind(props.get("employmentType")), "employmentType")
    _requirements(props, row)
    _location(props.get("jobLocation"), row)
    row.set("slots", ld.one(props.get("totalJobOpenings")), "totalJobOpenings")
    _dates(props, row)
    _language(props.get("inLanguage"), row)
    _extensions(props, row)
    return row


def _kind(value: Any) -> str:
    said = {re.sub(r"[\s-]+", "_", t.upper()) for v in ld.many(value)
            if (t := ld.text(v)) is not None}
    if said & {"INTERN", "INTERNSHIP"}:
        return "placement"
    return "apprenticeship" if "APPRENTICESHIP" in said else "job"


def _requirements(props: dict[str, Any], row: PostingRow) -> None:
    """Skill ids, skill texts and language requirements from the requirement properties."""
    languages: dict[str, str] = {}
    for essential, names in ((True, ESSENTIAL_FROM), (False, OPTIONAL_FROM)):
        ids: list[str] = []
        texts: list[str] = []
        for name in names:
            for item in ld.many(props.get(name)):
                uri = _concept_id(item) if isinstance(item, dict) else None
                text = ld.text(item, "name", "description")
                if uri:
                    ids.append(uri)
                elif text:
                    texts.append(take_languages(text, languages))
        text = "; ".join(t for t in texts if t)
        if essential:
            row.set("essential_skills", ids or None, "skills")
            row.set("essential_skills_text", text or None, "skills")
        else:
            row.set("optional_skills", ids or None, "responsibilities")
            row.set("optional_skills_text", text or None, "responsibilities")
    row.set("languages", [{"lang": k, "level": v} for k, v in languages.items()] or None,
            "qualifications")


def _location(value: Any, row: PostingRow) -> None:
    place = ld.one(value)
    if place is None:
        row.problem("jobLocation", "required: a Place with an address (addressLocality) "
                                   "or geo coordinates")
        return
    props = ld.props(place) if isinstance(place, dict) else {"address": place}
    address = ld.one(props.get("address"))
    fields = ld.props(address) if isinstance(address, dict) else {"addressLocality": address}
    where = "jobLocation.address.addressLocality" if isinstance(address, dict) else \
        "jobLocation.address" if isinstance(place, dict) else "jobLocation"
    town, region = ld.text(fields.get("addressLocality")), ld.text(fields.get("addressRegion"))
    spot = ld.props(geo) if isinstance(geo := ld.one(props.get("geo")), dict) else props
    lat, lon = spot.get("latitude"), spot.get("longitude")
    if town is None:
        row.problem(where, "required: the name of the town where the work is")
    elif lat is not None or lon is not None:
        coordinates = [_number(ld.one(v), f"jobLocation.geo.{n}", row)
                       for n, v in (("latitude", lat), ("longitude", lon))]
        if None not in coordinates:
            row.set("location", {"town": town, "lat": coordinates[0],
                                 "lon": coordinates[1]}, "jobLocation")
    else:  # "Essen" is three towns, "Essen (Nordrhein-Westfalen)" one
        country = _country(fields)
        found = place_named(f"{town} ({region})", country) if region else None
        if not isinstance(found, Place):
            found = place_named(town, country)
        if isinstance(found, str):
            row.problem(where, found)
        else:
            row.set("location", {"town": found.name, "lat": found.lat, "lon": found.lon},
                    "jobLocation")


def _country(address: dict[str, Any]) -> str:
    code = ld.text(address.get("addressCountry"), "identifier", "alternateName", "name")
    return code.upper() if code and re.fullmatch(r"[A-Za-z]{2}", code) else "DE"


def _number(value: Any, where: str, row: PostingRow) -> float | None:
    try:
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    except (TypeError, ValueError):
        row.problem(where, "required with the other coordinate" if value is None
                    else f"expected a number, got {value!r}")
        return None


def _dates(props: dict[str, Any], row: PostingRow) -> None:
    start = ld.text(props.get("jobStartDate"))
    if start and re.match(r"\d{4}-", start):  # a text such as "sofort" says no date
        try:
            row.set("start_date", dt.date.fromisoformat(start[:10]).isoformat(),
                    "jobStartDate")
        except ValueError:
            row.problem("jobStartDate", f"expected a date (YYYY-MM-DD), got {start!r}")
    until = ld.text(props.get("validThrough"))
    if until:
        try:
            end = dt.datetime.fromisoformat(until) if "T" in until or " " in until else \
                dt.datetime.combine(dt.date.fromisoformat(until), dt.time.max)
        except ValueError:
            row.problem("validThrough", f"expected a date or date-time (ISO 8601), "
                                        f"got {until!r}")
            return
        if end.replace(tzinfo=end.tzinfo or dt.UTC) < dt.datetime.now(dt.UTC):
            row.set("is_open", False, "validThrough")


def _language(value: Any, row: PostingRow) -> None:
    text = ld.text(value, "alternateName", "name")
    if text is None:
        return
    code = re.split(r"[-_]", text)[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", code):
        row.set("lang", code, "inLanguage")
    else:
        row.problem("inLanguage", f"expected a language code such as de or de-DE, got "
                                  f"{text!r}")


def _extensions(props: dict[str, Any], row: PostingRow) -> None:
    """`matcher:<camelCase field>` properties: set that VacancyIn field as given."""
    for key, value in props.items():
        if not key.startswith(EXT):
            continue
        name = re.sub(r"(?<!^)([A-Z])", r"_\1", key[len(EXT):]).lower()
        if name not in VacancyIn.model_fields:
            row.problem(key, "not a property of this project's vacancies (matcher:kind, "
                             "matcher:minPermit, matcher:optionalSkills, …)")
        elif name in ID_FIELDS:
            ids = [_concept_id(v) for v in ld.many(value)]
            if None in ids:
                row.problem(key, "expected concept ids, or DefinedTerms whose @id is one")
            else:
                row.set(name, ids, key)
        elif name == "languages":
            row.set(name, [_language_level(v) for v in ld.many(value)], key)
        else:
            row.set(name, ld.one(value) if not isinstance(value, list) else value, key)


def _language_level(value: Any) -> Any:
    """"de:B1" as {"lang": "de", "level": "B1"} (an object passes as it is)."""
    if isinstance(value, str):
        lang, _, level = value.partition(":")
        return {"lang": lang.strip(), "level": level.strip()}
    return value


# --- export --------------------------------------------------------------------------------
def job_posting_of(vacancy: dict[str, Any], base_url: str, lang: str = "en",
                   country: str | None = None) -> dict[str, Any]:
    """A stored vacancy (as `read_vacancy` returns it, labels in `lang`) as a schema.org
    JobPosting; what schema.org cannot say goes in `matcher:` properties, so that importing
    the posting gives the same vacancy."""
    posting: dict[str, Any] = {
        "@context": SCHEMA, "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": vacancy["employer"],
                       "value": vacancy["external_id"] or str(vacancy["id"])},
        "title": vacancy["title"],
        "datePosted": vacancy["created_at"].date().isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": vacancy["employer"]},
        "jobLocation": _place_of(vacancy, country),
        "totalJobOpenings": vacancy["slots"],
        "url": f"{base_url.rstrip('/')}/vacancies/{vacancy['id']}"}
    if vacancy["description"]:
        posting["description"] = text_to_html(vacancy["description"])
    if vacancy["start_date"]:
        posting["jobStartDate"] = vacancy["start_date"].isoformat()
    if not vacancy["is_open"]:  # closed: valid until it was closed
        posting["validThrough"] = vacancy["updated_at"].isoformat()
    if vacancy["kind"] == "placement":
        posting["employmentType"] = "INTERN"
    if vacancy["occupation"]:
        uri = vacancy["occupation"]["id"]
        posting["occupationalCategory"] = {
            "@type": "CategoryCode", "@id": uri, "codeValue": uri,
            "name": vacancy["occupation"]["label"],
            **({"inCodeSet": ESCO_OCCUPATIONS} if uri.startswith(ESCO) else {})}
    posting["skills"] = [_term(s) for s in vacancy["essential_skills"]]
    if vacancy["languages"]:
        posting["qualifications"] = [_language_said(x["lang"], x["level"], lang)
                                     for x in vacancy["languages"]]
    return {**posting, **_extension_of(vacancy)}


def _place_of(vacancy: dict[str, Any], country: str | None) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressLocality": vacancy["town"]}
    if country:
        address["addressCountry"] = country
    place: dict[str, Any] = {"@type": "Place", "address": address}
    if vacancy["lat"] is not None and vacancy["lon"] is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": vacancy["lat"],
                        "longitude": vacancy["lon"]}
    return place


def _term(skill: dict[str, Any]) -> dict[str, Any]:
    uri = skill["skill"]
    return {"@type": "DefinedTerm", "@id": uri, "name": skill["label"],
            **({"inDefinedTermSet": ESCO_SKILLS} if uri.startswith(ESCO) else {})}


def _language_said(code: str, level: str, lang: str) -> str:
    """"German B2", "Deutsch B2", "Arabisch (Muttersprache)": as people write it, and as
    `language_needs` reads it back."""
    try:
        names = Locale.parse(lang).languages
    except (UnknownLocaleError, ValueError):
        lang, names = "en", Locale.parse("en").languages
    native = f"({'Muttersprache' if lang == 'de' else 'native'})"
    return f"{names.get(code, code)} {native if level == 'native' else level}"


def _extension_of(vacancy: dict[str, Any]) -> dict[str, Any]:
    ext: dict[str, Any] = {
        "matcher:kind": vacancy["kind"], "matcher:employerId": vacancy["employer_id"],
        "matcher:minPermit": vacancy["min_permit"],
        "matcher:requiresRecognition": vacancy["regulated"],
        "matcher:acceptsInProcess": vacancy["accepts_in_process"],
        "matcher:languages": [f"{x['lang']}:{x['level']}" for x in vacancy["languages"]]}
    for key, name in (("matcher:optionalSkills", "optional_skills"),
                      ("matcher:prerequisites", "prerequisites")):
        if vacancy[name]:
            ext[key] = [_term(s) for s in vacancy[name]]
    for key, name in (("matcher:essentialSkillsText", "essential_skills_text"),
                      ("matcher:optionalSkillsText", "optional_skills_text"),
                      ("matcher:minEqf", "min_eqf")):
        if vacancy.get(name) is not None:
            ext[key] = vacancy[name]
    return ext


__all__ = ["PostingError", "PostingRow", "job_posting_of", "read_posting",
           "vacancy_from_job_posting"]
