"""The project's own labels, merged by URI into whatever taxonomy is loaded.

Two sources, both written by this project:
- the starter taxonomy (`data/starter/*.json`): 55 occupations and 303 skills with labels
  in eight languages; its concepts that ESCO lacks (`starter:` ids) come along with their
  relations;
- the label files (`data/labels/<lang>.tsv`): occupations migrants most often enter or
  train for and their essential skills, named in the migrants' languages the way people
  say them — preferred term, everyday phrasings and qualification titles, and the
  inflected forms found inside sentences (matched, never shown).

A full ESCO import replaces the starter taxonomy; without this merge the Arabic, Ukrainian,
Vietnamese, Chinese and Dari labels would vanish exactly when the engine gets serious.

Label file format (UTF-8, tab-separated, `#` comment lines):
    concept  english  preferred  alternatives  forms
`concept` is the ESCO URI without `http://data.europa.eu/esco/` (`skill/…`, `occupation/…`);
`english` is the ESCO preferred label, for reviewers; `alternatives` and `forms` are lists
separated by `|`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from skills_taxonomy.errors import TaxonomyImportError
from skills_taxonomy.model import ConceptKind, LabelType, Taxonomy

ESCO_PREFIX = "http://data.europa.eu/esco/"
LABELS_SOURCE = "project:labels"
_CONCEPT = re.compile(r"^(skill|occupation)/[0-9a-f-]{36}$")
_LANG_FILE = re.compile(r"^([a-z]{2,3})\.tsv$")


@dataclass(frozen=True)
class LabelRow:
    uri: str
    kind: ConceptKind
    lang: str
    english: str
    preferred: str
    alternatives: tuple[str, ...]
    forms: tuple[str, ...]
    line: int

    def labels(self) -> list[tuple[str, LabelType]]:
        return ([(self.preferred, LabelType.PREFERRED)]
                + [(t, LabelType.ALTERNATIVE) for t in self.alternatives]
                + [(t, LabelType.HIDDEN) for t in self.forms])


@dataclass
class MergeReport:
    concepts: int = 0  # concepts that received labels
    labels: int = 0  # labels added
    unknown_uris: int = 0  # rows for concepts the taxonomy does not hold
    per_language: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"concepts": self.concepts, "labels": self.labels,
                "unknown_uris": self.unknown_uris, "per_language": self.per_language}


def label_files() -> list[Path]:
    folder = resources.files("skills_taxonomy") / "data" / "labels"
    return sorted(Path(str(p)) for p in folder.iterdir() if _LANG_FILE.match(p.name))


def _cells(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


def read_label_file(path: Path) -> list[LabelRow]:
    """Every row of one label file; a malformed row fails with the file and line."""
    match = _LANG_FILE.match(path.name)
    if match is None:
        raise TaxonomyImportError(f"{path}: a label file is named <language code>.tsv")
    lang = match.group(1)
    rows: list[LabelRow] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise TaxonomyImportError(f"{path}: not UTF-8 text ({exc.reason})") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5:
            raise TaxonomyImportError(f"{path}: line {n}: expected 5 tab-separated fields "
                                      f"(concept, english, preferred, alternatives, forms), "
                                      f"found {len(cells)}")
        concept, english, preferred, alternatives, forms = (c.strip() for c in cells)
        if not _CONCEPT.match(concept):
            raise TaxonomyImportError(f"{path}: line {n}: {concept[:60]!r} is not an ESCO "
                                      "concept path like skill/<uuid> or occupation/<uuid>")
        if not preferred:
            raise TaxonomyImportError(f"{path}: line {n}: {concept}: no preferred label")
        if concept in seen:
            raise TaxonomyImportError(f"{path}: line {n}: {concept} repeats line "
                                      f"{seen[concept]}")
        seen[concept] = n
        kind = ConceptKind.SKILL if concept.startswith("skill/") else ConceptKind.OCCUPATION
        rows.append(LabelRow(ESCO_PREFIX + concept, kind, lang, english, preferred,
                             _cells(alternatives), _cells(forms), n))
    return rows


def apply_label_files(taxonomy: Taxonomy, paths: list[Path] | None = None) -> MergeReport:
    """Add the label files' labels to the concepts the taxonomy holds (all files are
    read before anything is added: a malformed file changes nothing)."""
    files = label_files() if paths is None else paths
    parsed = [read_label_file(p) for p in files]
    report = MergeReport()
    for path, rows in zip(files, parsed, strict=True):
        for row in rows:
            concept = taxonomy.concepts.get(row.uri)
            if concept is None or concept.kind is not row.kind:
                report.unknown_uris += 1
                continue
            added = concept.add_secondary_labels(row.labels(), row.lang, LABELS_SOURCE)
            report.concepts += added > 0
            report.labels += added
            report.per_language[row.lang] = report.per_language.get(row.lang, 0) + added
        taxonomy.sources.append(f"project:labels/{path.name}")
    return report


def merge_starter(taxonomy: Taxonomy, starter: Taxonomy) -> MergeReport:
    """The starter taxonomy's labels for the concepts `taxonomy` holds, and the starter's
    own concepts (`starter:` ids) with their labels and relations."""
    report = MergeReport()
    for uri, concept in starter.concepts.items():
        target = taxonomy.concepts.get(uri)
        if target is None and not uri.startswith("starter:"):
            report.unknown_uris += 1
            continue
        if target is None:
            taxonomy.add(concept)
            added = list(concept.labels)
        else:
            added = [lb for lb in concept.labels
                     if target.add_secondary_label(lb.text, lb.lang, lb.type, lb.source)]
        report.concepts += bool(added)
        report.labels += len(added)
        for lb in added:
            report.per_language[lb.lang] = report.per_language.get(lb.lang, 0) + 1
    # relations that involve a starter-only concept (ESCO's own profiles stay as they are)
    for occupation, skills in starter.occupation_skills.items():
        for skill, rel in skills.items():
            if ((occupation.startswith("starter:") or skill.startswith("starter:"))
                    and occupation in taxonomy.concepts and skill in taxonomy.concepts):
                taxonomy.relate_occupation_skill(occupation, skill, rel)
    for narrower, parents in starter.broader.items():
        for parent in parents:
            if narrower.startswith("starter:") and parent in taxonomy.concepts:
                taxonomy.add_broader(narrower, parent)
    taxonomy.sources.append("project:starter")
    return report


# How each language names a language as a skill, unambiguously: "німецька мова", not
# "німецька" ("німецька компанія" is a German company), "اللغة الألمانية", not "الألمانية".
LANGUAGE_FORMS = {"uk": "{} мова", "ru": "{} язык", "ar": "اللغة {}", "fa": "زبان {}",
                  "tr": "{}", "vi": "{}", "zh": "{}"}


@cache
def language_codes() -> dict[str, str]:
    """The code of each language by its English name ("German" → "de"), from CLDR: what
    ESCO's language skills are named."""
    from babel import Locale

    return {name: code for code, name in Locale.parse("en").languages.items()}


def inflected_language_names(lang: str, name: str) -> list[str]:
    """A language's name as CVs inflect it ("знание английского языка", "владею немецким
    языком", "володію англійською мовою"): the cases of Russian adjectives in -ий/-ый/-ой
    with "язык" and of Ukrainian adjectives in -а with "мова"; none for other names."""
    if lang == "ru" and name[-2:] in ("ий", "ый", "ой"):
        stem, instrumental = name[:-2], "им" if name.endswith("ий") else "ым"
        return [f"{stem}ого языка", f"{stem}ому языку", f"{stem}{instrumental} языком",
                f"{stem}ом языке"]
    if lang == "uk" and name.endswith("а") and " " not in name:
        stem = name[:-1]
        return [f"{stem}ої мови", f"{stem}ій мові", f"{stem}у мову", f"{stem}ою мовою"]
    return []


def add_language_names(taxonomy: Taxonomy) -> MergeReport:
    """The language skills ("German", "Arabic"…) named in the migrants' languages, from
    the CLDR names Babel ships (in Russian and Ukrainian also inflected): ESCO names them
    in five languages only, so "німецька мова B1" or "Almanca" in a CV linked to nothing."""
    from babel import Locale

    code_of = language_codes()
    names = {lang: Locale.parse(lang).languages for lang in LANGUAGE_FORMS}
    report = MergeReport()
    for concept in taxonomy.of_kind(ConceptKind.SKILL):
        code = code_of.get(concept.preferred_label("en"))
        if code is None:
            continue
        added = 0
        for lang, form in LANGUAGE_FORMS.items():
            name = names[lang].get(code)
            if not name:
                continue
            for text, type_ in [(form.format(name), LabelType.PREFERRED),
                                *((t, LabelType.HIDDEN)
                                  for t in inflected_language_names(lang, name))]:
                if concept.add_secondary_label(text, lang, type_, "cldr:languages"):
                    added += 1
                    report.per_language[lang] = report.per_language.get(lang, 0) + 1
        report.concepts += added > 0
        report.labels += added
    taxonomy.sources.append("cldr:languages")
    return report


def merge_project_labels(taxonomy: Taxonomy) -> dict[str, object]:
    """The merges (starter, label files, language names) into an imported taxonomy."""
    from skills_taxonomy.starter import load_starter

    starter = merge_starter(taxonomy, load_starter(with_labels=False))
    labels = apply_label_files(taxonomy)
    languages = add_language_names(taxonomy)
    return {"starter": starter.as_dict(), "label_files": labels.as_dict(),
            "language_names": languages.as_dict()}


__all__ = ["LABELS_SOURCE", "LabelRow", "MergeReport", "add_language_names",
           "apply_label_files", "inflected_language_names", "label_files", "language_codes",
           "merge_project_labels", "merge_starter", "read_label_file"]
