"""Importer for the official ESCO CSV export, label files, and MELO label corpora.

An import runs in two phases: every file is parsed and validated into records first, and
only when all files are clean are the records applied to the taxonomy. A malformed file
therefore raises `TaxonomyImportError` naming the file and line, and nothing is loaded.

Version differences are tolerated: rows that refer to URIs the taxonomy does not know
(a relation to a concept new in another ESCO version, a label for an unknown concept) are
counted per file and reported, not fatal.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skills_taxonomy.errors import TaxonomyImportError
from skills_taxonomy.model import (
    Concept,
    ConceptKind,
    Label,
    LabelType,
    RelationType,
    SkillType,
    Taxonomy,
)

csv.field_size_limit(16 * 1024 * 1024)

_URI = re.compile(r"^(https?://\S+|starter:\S+)$")
_CONCEPT_FILE = re.compile(r"^(skills|occupations|ISCOGroups)_([a-z]{2}(?:-[a-z]+)?)\.csv$")
_LABEL_FILE = re.compile(r"^(skills|occupations)_([a-z]{2})(?:_[A-Za-z0-9]+)*\.csv$")
_MELO_CID = re.compile(r"^C\d+_([a-z]{2,3})_\d+$")
_KIND_BY_FILE = {
    "skills": ConceptKind.SKILL,
    "occupations": ConceptKind.OCCUPATION,
    "ISCOGroups": ConceptKind.ISCO_GROUP,
}
_SKILL_TYPES = {t.value for t in SkillType if t.value}
_UNREGULATED = "regulated-professions/unregulated"


@dataclass
class FileReport:
    path: str
    kind: str
    rows: int = 0
    unknown_uris: int = 0


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def unknown_uris(self) -> int:
        return sum(f.unknown_uris for f in self.files)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": [vars(f) for f in self.files],
            "rows": sum(f.rows for f in self.files),
            "unknown_uris": self.unknown_uris,
        }


# A parsed file: a function that applies its records to a taxonomy, counting unknown URIs.
_Apply = Callable[[Taxonomy, FileReport], None]


def _rows(path: Path, required: Sequence[str], delimiter: str = ",",
          header: bool = True) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) and fail with the file and line on any malformed row."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            text = file.read()
        nul = text.find("\x00")
        if nul >= 0:  # checked once per file: per row it cost seconds of a full import
            raise TaxonomyImportError(
                f"{path}: line {text.count(chr(10), 0, nul) + 1}: contains NUL bytes")
        with io.StringIO(text, newline="") as handle:
            if header:
                reader: Iterator = csv.DictReader(handle, delimiter=delimiter)
                fields = reader.fieldnames or []  # type: ignore[attr-defined]
                missing = [c for c in required if c not in fields]
                if missing:
                    raise TaxonomyImportError(
                        f"{path}: line 1: missing column(s) {', '.join(missing)}; "
                        f"found {', '.join(fields) or 'no header'}"
                    )
            else:
                plain = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE)
                reader = ({k: v for k, v in zip(required, row, strict=False)}
                          | {"__n": str(len(row))} for row in plain)
            end = 1 if header else 0
            for row in reader:
                # a quoted cell may span lines: report the line where the record starts
                line, end = end + 1, (reader.line_num if header else plain.line_num)  # type: ignore
                if header:
                    if None in row or any(row.get(c) is None for c in required):
                        raise TaxonomyImportError(
                            f"{path}: line {line}: expected {len(fields)} fields"
                        )
                elif int(row.pop("__n")) != len(required):
                    raise TaxonomyImportError(
                        f"{path}: line {line}: expected {len(required)} tab-separated fields"
                    )
                yield line, row
    except UnicodeDecodeError as exc:
        raise TaxonomyImportError(f"{path}: not UTF-8 text ({exc.reason} at byte "
                                  f"{exc.start})") from exc
    except csv.Error as exc:
        raise TaxonomyImportError(f"{path}: malformed CSV: {exc}") from exc


def _check_uri(path: Path, line: int, value: str, column: str) -> str:
    value = value.strip()
    if not _URI.match(value):
        raise TaxonomyImportError(
            f"{path}: line {line}: column {column}: {value[:80]!r} is not a concept URI"
        )
    return value


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("\n") if part.strip()]


def _parse_concepts(path: Path, kind: ConceptKind, lang: str) -> _Apply:
    required = ["conceptUri", "preferredLabel"]
    if kind is ConceptKind.ISCO_GROUP:
        required.append("code")
    concepts: list[Concept] = []
    for line, row in _rows(path, required):
        uri = _check_uri(path, line, row["conceptUri"], "conceptUri")
        concept = Concept(uri=uri, kind=kind)
        concept.labels.append(Label(" ".join(row["preferredLabel"].split()), lang,
                                    LabelType.PREFERRED, "esco"))
        for alt in _split(row.get("altLabels")):
            concept.labels.append(Label(alt, lang, LabelType.ALTERNATIVE, "esco"))
        for hidden in _split(row.get("hiddenLabels")):
            concept.labels.append(Label(hidden, lang, LabelType.HIDDEN, "esco"))
        if lang == "en":
            concept.description = (row.get("description") or "").strip()
        skill_type = (row.get("skillType") or "").strip()
        if kind is ConceptKind.SKILL and skill_type in _SKILL_TYPES:
            # v1.0 has a few combined values ("skill/competence knowledge"): left unset.
            concept.skill_type = SkillType(skill_type)
        concept.reuse_level = (row.get("reuseLevel") or "").strip()
        concept.isco_code = (row.get("code") or row.get("iscoGroup") or "").strip()
        note = (row.get("regulatedProfessionNote") or "").strip()
        if kind is ConceptKind.OCCUPATION and note:
            concept.regulated = _UNREGULATED not in note
        concepts.append(concept)

    def apply(taxonomy: Taxonomy, report: FileReport) -> None:
        # The first import of a kind defines the concepts; later ones (other languages,
        # other versions) only add labels and fill gaps, and count URIs they bring anew.
        base = taxonomy.count(kind) > 0 and lang != "en"
        for concept in concepts:
            if base and concept.uri not in taxonomy.concepts:
                report.unknown_uris += 1
                continue
            taxonomy.add(concept)
        report.rows = len(concepts)

    return apply


def _parse_typed_relations(path: Path, source: str, target: str,
                           relate: Callable[[Taxonomy, str, str, RelationType], None],
                           ) -> _Apply:
    """Essential/optional relations between two known concepts (occupation → skill,
    skill → skill); an end unknown to the taxonomy is counted, not fatal."""
    records: list[tuple[str, str, RelationType]] = []
    for line, row in _rows(path, [source, "relationType", target]):
        records.append((_check_uri(path, line, row[source], source),
                        _check_uri(path, line, row[target], target),
                        _relation(path, line, row["relationType"])))

    def apply(taxonomy: Taxonomy, report: FileReport) -> None:
        for a, b, rel in records:
            if a in taxonomy.concepts and b in taxonomy.concepts:
                relate(taxonomy, a, b, rel)
            else:
                report.unknown_uris += 1
        report.rows = len(records)

    return apply


def _relation(path: Path, line: int, value: str) -> RelationType:
    try:
        return RelationType(value.strip())
    except ValueError:
        raise TaxonomyImportError(
            f"{path}: line {line}: relationType {value!r} is not 'essential' or 'optional'"
        ) from None


def _parse_broader(path: Path) -> _Apply:
    records: list[tuple[str, str]] = []
    for line, row in _rows(path, ["conceptUri", "broaderUri"]):
        records.append((_check_uri(path, line, row["conceptUri"], "conceptUri"),
                        _check_uri(path, line, row["broaderUri"], "broaderUri")))

    def apply(taxonomy: Taxonomy, report: FileReport) -> None:
        for narrower, broader in records:
            # Skill groups and ISCO groups are not all concepts of ours; keep the edge when
            # at least the narrower end is known, so the hierarchy stays connected.
            if narrower in taxonomy.concepts or broader in taxonomy.concepts:
                taxonomy.add_broader(narrower, broader)
            else:
                report.unknown_uris += 1
        report.rows = len(records)

    return apply


def _parse_label_file(path: Path, lang: str) -> _Apply:
    """A two-column mapping file: conceptUri, preferredLabel_<lang> (e.g. the BA mapping)."""
    column = f"preferredLabel_{lang}"
    records: list[tuple[str, str, str]] = []
    for line, row in _rows(path, ["conceptUri", column]):
        uri = _check_uri(path, line, row["conceptUri"], "conceptUri")
        if row[column].strip():
            records.append((uri, lang, row[column]))
    return _label_applier(records, LabelType.PREFERRED, f"label-file:{path.stem}")


def _label_applier(records: list[tuple[str, str, str]], type_: LabelType,
                   source: str) -> _Apply:
    """Labels (uri, lang, text) for known concepts; the first label of a language a
    concept lacks becomes its preferred label there."""
    def apply(taxonomy: Taxonomy, report: FileReport) -> None:
        # one call per concept and language, in the file's order
        grouped: dict[tuple[str, str], list[tuple[str, LabelType]]] = {}
        for uri, lang, text in records:
            grouped.setdefault((uri, lang), []).append((text, type_))
        for (uri, lang), labels in grouped.items():
            concept = taxonomy.concepts.get(uri)
            if concept is None:
                report.unknown_uris += len(labels)
                continue
            concept.add_secondary_labels(labels, lang, source)
        report.rows = len(records)

    return apply


def _parse_melo(folder: Path) -> _Apply:
    """MELO `corpus_elements.tsv` + `concept_mapping.tsv`: occupation labels per language."""
    mapping_path = folder / "concept_mapping.tsv"
    corpus_path = folder / "corpus_elements.tsv"
    mapping = {
        row["cid"]: _check_uri(mapping_path, line, row["uri"], "uri")
        for line, row in _rows(mapping_path, ["cid", "uri"], "\t", header=False)
    }
    records: list[tuple[str, str, str]] = []
    for line, row in _rows(corpus_path, ["cid", "label"], "\t", header=False):
        cid = row["cid"]
        match = _MELO_CID.match(cid)
        if match is None:
            raise TaxonomyImportError(
                f"{corpus_path}: line {line}: {cid!r} is not a MELO corpus id like C000001_de_000"
            )
        if cid not in mapping:
            raise TaxonomyImportError(
                f"{corpus_path}: line {line}: {cid} has no row in {mapping_path.name}"
            )
        records.append((mapping[cid], match.group(1), row["label"]))
    return _label_applier(records, LabelType.PREFERRED, "melo")


def _plan(path: Path, named: bool = True) -> list[tuple[int, Path, str, Callable[[], _Apply]]]:
    """Which parser reads which file, in the order that keeps references resolvable.

    Files inside a folder that are not ours (skill collections, hierarchies) are skipped;
    a file named on its own that is not recognised is an error.
    """
    name = path.name
    if path.is_dir():
        if (path / "corpus_elements.tsv").exists() and (path / "concept_mapping.tsv").exists():
            return [(5, path, "melo", lambda: _parse_melo(path))]
        planned = [p for child in sorted(path.iterdir()) if child.is_file()
                   for p in _plan(child, named=False)]
        if not planned:
            raise TaxonomyImportError(f"{path}: no ESCO CSV or MELO files found")
        return planned
    if not path.exists():
        raise TaxonomyImportError(f"{path}: no such file or folder")
    if m := _CONCEPT_FILE.match(name):
        kind, lang = _KIND_BY_FILE[m.group(1)], m.group(2)
        order = {ConceptKind.ISCO_GROUP: 0, ConceptKind.SKILL: 1, ConceptKind.OCCUPATION: 2}
        rank = order[kind] + (0 if lang == "en" else 3)
        return [(rank, path, f"{kind.value}s/{lang}",
                 lambda: _parse_concepts(path, kind, lang))]
    if name.startswith("occupationSkillRelations"):
        return [(6, path, "occupation-skill relations", lambda: _parse_typed_relations(
            path, "occupationUri", "skillUri", Taxonomy.relate_occupation_skill))]
    if name.startswith(("broaderRelationsSkillPillar", "broaderRelationsOccPillar")):
        return [(6, path, "broader relations", lambda: _parse_broader(path))]
    if name.startswith("skillSkillRelations"):
        return [(6, path, "skill-skill relations", lambda: _parse_typed_relations(
            path, "originalSkillUri", "relatedSkillUri", Taxonomy.relate_skills))]
    if m := _LABEL_FILE.match(name):
        lang = m.group(2)
        return [(7, path, f"labels/{lang}", lambda: _parse_label_file(path, lang))]
    if named:
        raise TaxonomyImportError(
            f"{path}: not a recognised ESCO file (skills_<lang>.csv, occupations_<lang>.csv, "
            "ISCOGroups_<lang>.csv, relation files, <kind>_<lang>_*.csv label files) "
            "nor a MELO folder"
        )
    return []


def import_esco(taxonomy: Taxonomy, paths: Sequence[str | Path],
                progress: Callable[[str], None] | None = None) -> ImportReport:
    """Import ESCO folders and files into `taxonomy`, all or nothing."""
    plan = sorted((p for path in paths for p in _plan(Path(path))), key=lambda p: p[0])
    if not plan:
        raise TaxonomyImportError("nothing to import: give ESCO folders or files")
    parsed: list[tuple[Path, str, _Apply]] = []
    for _, path, kind, parse in plan:
        if progress:
            progress(f"reading {path}")
        parsed.append((path, kind, parse()))
    report = ImportReport()
    for path, kind, apply in parsed:
        file_report = FileReport(str(path), kind)
        apply(taxonomy, file_report)
        report.files.append(file_report)
        taxonomy.sources.append(str(path))
    return report

