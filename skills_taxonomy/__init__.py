"""The shared vocabulary: ESCO concepts, multilingual labels, indexes and normalisation.

A pure library: no database, no web. `Normalizer` is the entry point for linking text.
"""

from skills_taxonomy.embedding import Encoder
from skills_taxonomy.errors import (
    InvalidInputError,
    MatcherError,
    NotFittedError,
    TaxonomyImportError,
)
from skills_taxonomy.esco_import import ImportReport, import_esco
from skills_taxonomy.model import (
    Concept,
    ConceptKind,
    Label,
    LabelType,
    RelationType,
    SkillType,
    Taxonomy,
)
from skills_taxonomy.normalize import Mention, Normalizer, check_text
from skills_taxonomy.starter import load_starter

__all__ = [
    "Concept",
    "ConceptKind",
    "Encoder",
    "ImportReport",
    "InvalidInputError",
    "Label",
    "LabelType",
    "MatcherError",
    "Mention",
    "Normalizer",
    "NotFittedError",
    "RelationType",
    "SkillType",
    "Taxonomy",
    "TaxonomyImportError",
    "check_text",
    "import_esco",
    "load_starter",
]
