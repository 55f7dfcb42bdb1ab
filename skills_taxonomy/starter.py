"""The starter taxonomy shipped in the package, written by this project.

Occupations migrants commonly enter or train for, with their essential and optional skills
and labels in English, German, Arabic, Ukrainian, Vietnamese, Chinese, Norwegian and
Dari/Farsi. It lets the demo and the tests run without the full ESCO download.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from skills_taxonomy.errors import TaxonomyImportError
from skills_taxonomy.model import (
    Concept,
    ConceptKind,
    LabelType,
    RelationType,
    SkillType,
    Taxonomy,
)

STARTER_LANGUAGES = ("en", "de", "ar", "uk", "vi", "zh", "no", "fa")
STARTER_SOURCE = "project:starter"


def starter_files() -> list[Path]:
    folder = resources.files("skills_taxonomy") / "data" / "starter"
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".json"))


def _concept(raw: dict[str, Any], kind: ConceptKind, where: str) -> Concept:
    try:
        uri, labels = raw["id"], raw["labels"]
    except KeyError as exc:
        raise TaxonomyImportError(f"{where}: missing field {exc.args[0]!r}") from None
    if not isinstance(labels, dict) or not labels.get("en"):
        raise TaxonomyImportError(f"{where}: {uri}: needs labels with at least one 'en' label")
    concept = Concept(uri=uri, kind=kind, description=raw.get("description", ""))
    for lang, texts in labels.items():
        for i, text in enumerate(texts):
            concept.add_label(text, lang, LabelType.PREFERRED if i == 0
                              else LabelType.ALTERNATIVE, STARTER_SOURCE)
    if kind is ConceptKind.SKILL:
        concept.skill_type = SkillType(raw.get("skill_type", ""))
        concept.reuse_level = raw.get("reuse_level", "")
    else:
        concept.isco_code = str(raw.get("isco_code", ""))
        concept.regulated = bool(raw.get("regulated", False))
    return concept


def load_starter(paths: list[Path] | None = None, with_labels: bool = True) -> Taxonomy:
    """Load and merge the starter files; references must resolve within them. With
    `with_labels`, the project's label files add their labels for the starter's concepts
    (`project_labels`)."""
    taxonomy = Taxonomy()
    relations: list[tuple[str, str, RelationType, str]] = []
    broader: list[tuple[str, str, str]] = []
    for path in paths or starter_files():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TaxonomyImportError(f"{path}: not valid UTF-8 JSON: {exc}") from None
        for i, raw in enumerate(data.get("skills", [])):
            skill = taxonomy.add(_concept(raw, ConceptKind.SKILL, f"{path}: skills[{i}]"))
            broader += [(skill.uri, b, str(path)) for b in raw.get("broader", [])]
        for i, raw in enumerate(data.get("occupations", [])):
            where = f"{path}: occupations[{i}]"
            occ = taxonomy.add(_concept(raw, ConceptKind.OCCUPATION, where))
            for key, rel in (("essential_skills", RelationType.ESSENTIAL),
                             ("optional_skills", RelationType.OPTIONAL)):
                relations += [(occ.uri, s, rel, where) for s in raw.get(key, [])]
        taxonomy.sources.append(f"starter:{path.name}")
    for occ_id, skill_id, rel, where in relations:
        if skill_id not in taxonomy.concepts:
            raise TaxonomyImportError(f"{where}: unknown skill id {skill_id!r}")
        taxonomy.relate_occupation_skill(occ_id, skill_id, rel)
    for narrower, parent, where in broader:
        if parent not in taxonomy.concepts:
            raise TaxonomyImportError(f"{where}: unknown broader skill id {parent!r}")
        taxonomy.add_broader(narrower, parent)
    if with_labels:
        from skills_taxonomy.project_labels import apply_label_files

        apply_label_files(taxonomy)
    return taxonomy
