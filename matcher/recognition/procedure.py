"""The recognition procedure step by step, per destination country: for an occupation,
who decides (by region where that varies), the documents usually needed, the typical
duration and fees, whether recognition is mandatory (a regulated profession) or optional,
the possible outcomes (partial recognition included), the compensation measures, and
the ordered steps — each entry with its public sources and the date it was written.

A country is `matcher/data/recognition/procedure_<cc>.json` (the format `ProcedureFile`
defines, validated at load like the regulation profile) beside `regulated_<cc>.json`.
An occupation gets the entry that lists its id, else the one with the longest ISCO
prefix of its code, else the country's general procedure for a regulated or an
unregulated occupation. Compensation measures name the `measure` a course carries
(`CourseIn.measure`, with `compensation_for` the occupation): such courses are what the
course plan includes once a partial recognition names that measure. The steps' texts are
written in English; `procedure_steps.json` translates them into the page languages
(`translated_step`)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from matcher.recognition.regulation import (
    IscoPrefix,
    RegulationProfile,
    SourceRef,
    Text,
    Url,
    _Strict,
    read_validated,
)
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import Concept

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
COURSE_MEASURES = ("adaptation_course", "knowledge_test")  # what a course can be (schemas)


def data_dir() -> Path:
    return Path(str(resources.files("matcher") / "data" / "recognition"))


def supported_countries(directory: Path | None = None) -> list[str]:
    """The destination countries with both a regulation profile and a procedure file."""
    folder = directory or data_dir()
    found = {p.stem.removeprefix("procedure_").upper()
             for p in folder.glob("procedure_[a-z][a-z].json")}
    return sorted(c for c in found if (folder / f"regulated_{c.lower()}.json").is_file())


class Authority(_Strict):
    name: Text
    decides: Text = Field(description="what it decides or does in the procedure")
    region: Text | None = Field(None, description="a region/Land; none: the whole country "
                                                  "or every region not listed")
    url: Url | None = None


class Step(_Strict):
    step: Text
    who: Text | None = Field(None, description="who acts: the person, an authority, …")


class Measure(_Strict):
    """A compensation measure a partial recognition may require."""

    name: Text
    measure: Literal["adaptation_course", "knowledge_test"] = Field(
        description="as a course carries it (CourseIn.measure): an adaptation period or "
                    "course, or a test (aptitude, knowledge or professional test)")
    description: Text


class Requirement(_Strict):
    """Something else the procedure requires (a language level, a course, a check)."""

    name: Text
    skill: Text | None = Field(None, description="an ESCO skill a course for it teaches")


class Procedure(_Strict):
    key: Key
    label: Text
    occupations: list[Text] = Field(default_factory=list, description="ESCO occupation URIs")
    isco_prefixes: list[IscoPrefix] = Field(default_factory=list)
    mandatory: bool = Field(description="true: a regulated profession, recognition is "
                                        "needed to work in it; false: optional")
    obtains: Text = Field(description="what the person receives at the end")
    authorities: list[Authority] = Field(min_length=1)
    documents: list[Text] = Field(min_length=1)
    duration: Text
    fees: Text
    steps: list[Step] = Field(min_length=2)
    outcomes: list[Text] = Field(min_length=1)
    compensation_measures: list[Measure] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    useful_for: list[Text] = Field(default_factory=list,
                                   description="why an optional recognition helps")
    sources: list[SourceRef] = Field(min_length=1)


class ProcedureFile(_Strict):
    """The format of `procedure_<cc>.json`."""

    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    name: Text
    note: str = ""
    general_regulated: Procedure
    general_optional: Procedure
    procedures: list[Procedure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ProcedureFile:
        for field, entry, mandatory in (("general_regulated", self.general_regulated, True),
                                        ("general_optional", self.general_optional, False)):
            if entry.occupations or entry.isco_prefixes:
                raise ValueError(f"{field}: covers every other occupation, lists none")
            if entry.mandatory is not mandatory:
                raise ValueError(f"{field}.mandatory: must be {str(mandatory).lower()}")
        keys = [p.key for p in self.procedures]
        ids = [i for p in self.procedures for i in p.occupations]
        prefixes = [i for p in self.procedures for i in p.isco_prefixes]
        for what, values in (("key", keys), ("occupation", ids), ("ISCO prefix", prefixes)):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"procedures: {what} listed twice: {', '.join(twice)}")
        bare = [p.key for p in self.procedures if not p.occupations and not p.isco_prefixes]
        if bare:
            raise ValueError(f"procedures: {', '.join(bare)}: lists no occupation or prefix")
        return self


def read_procedures(path: Path, country: str) -> ProcedureFile:
    found, _ = read_validated(path, ProcedureFile, "recognition procedure")
    if found.country != country.upper():
        raise InvalidInputError(f"recognition procedure {path}: country: {found.country!r}, "
                                f"expected {country.upper()!r} (from the file name)")
    return found


class Destination:
    """One destination country: its regulated professions and its procedures."""

    def __init__(self, country: str, directory: Path | None = None,
                 profile: RegulationProfile | None = None) -> None:
        self.country = country.upper()
        self.profile = profile or RegulationProfile(self.country, directory)
        path = (directory or data_dir()) / f"procedure_{self.country.lower()}.json"
        if not path.is_file():
            raise InvalidInputError(f"destination: no recognition procedure {path.name}")
        self.procedures = read_procedures(path, self.country)
        self.name = self.procedures.name

    def entry(self, occupation: Concept, regulated: bool) -> tuple[Procedure, bool]:
        """The procedure for this occupation, and whether it is the general one."""
        for p in self.procedures.procedures:
            if occupation.uri in p.occupations:
                return p, False
        code = occupation.isco_code or ""
        best = max(((len(prefix), p) for p in self.procedures.procedures
                    for prefix in p.isco_prefixes if code.startswith(prefix)),
                   key=lambda lp: lp[0], default=None)
        if best is not None:
            return best[1], False
        general = self.procedures.general_regulated if regulated else \
            self.procedures.general_optional
        return general, True

    def procedure(self, occupation: Concept, regulated: bool | None = None,
                  ) -> dict[str, Any]:
        """What recognition involves for this occupation here, as the answer shows it."""
        if regulated is None:
            regulated = self.profile.is_regulated(occupation)
        p, general = self.entry(occupation, regulated)
        out = p.model_dump(exclude={"occupations", "isco_prefixes", "steps",
                                    "compensation_measures"}, exclude_none=True)
        out.update({
            "country": self.country, "destination": self.name, "occupation": occupation.uri,
            "general": general,
            "steps": [{"n": i, **s.model_dump(exclude_none=True)}
                      for i, s in enumerate(p.steps, start=1)],
            "compensation_measures": [
                {**m.model_dump(), "course": {"compensation_for": occupation.uri,
                                              "measure": m.measure}}
                for m in p.compensation_measures]})
        return out


@cache
def _shipped(country: str) -> Destination:
    return Destination(country)


StepLanguage = Annotated[str, StringConstraints(pattern=r"^(de|ar|fa|uk|ru|tr|vi|zh)$")]


class StepTranslations(_Strict):
    """The format of `procedure_steps.json`: each English `step` and `who` text of the
    procedure files with its translations, so a migrant reads the steps in the language
    of the pages rather than in English."""

    note: str = ""
    texts: dict[Text, dict[StepLanguage, Text]]


@cache
def step_translations(directory: Path | None = None) -> StepTranslations:
    """The shipped translations of the steps (validated at load like the procedures)."""
    path = (directory or data_dir()) / "procedure_steps.json"
    return read_validated(path, StepTranslations, "procedure step translations")[0]


def translated_step(text: str, lang: str) -> str | None:
    """A step's `step` or `who` text (the English the procedure file writes) in `lang`;
    None when not translated (English included): the page then shows the English."""
    return step_translations().texts.get(text, {}).get(lang)


def check_destination(country: str) -> str:
    """The country code ("no" -> "NO") when a shipped destination; else a ValueError
    (an InvalidInputError, so a 422 wherever it is raised) naming the supported ones."""
    code = country.strip().upper()
    supported = supported_countries()
    if code not in supported:
        raise InvalidInputError(f"destination: {country!r} is not supported; supported: "
                                f"{', '.join(supported)}")
    return code


def destination_of(country: str, default: Destination | None = None) -> Destination:
    """The shipped destination `country` ("DE", "no", …); `default` when it is that
    country. An unsupported one is refused naming the supported ones."""
    code = country.strip().upper()
    if default is not None and code == default.country:
        return default
    return _shipped(check_destination(code))


__all__ = ["COURSE_MEASURES", "Destination", "check_destination", "ProcedureFile", "destination_of",
           "read_procedures", "StepTranslations", "step_translations", "supported_countries",
           "translated_step"]
