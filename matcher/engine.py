"""Wiring: which taxonomy, which encoder, which caches — decided once from the settings.

The CLI and (later) the API call `load_normalizer`; nothing else reads settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from matcher.settings import Settings
from skills_taxonomy.concept_index import load_or_build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.esco_import import ImportReport, import_esco
from skills_taxonomy.evaluation import (
    OccupationSet,
    evaluate_occupation_ranking,
    evaluate_skill_ranking,
    read_occupation_set,
    read_skill_set,
)
from skills_taxonomy.fusion import FusionModel, load_fusion
from skills_taxonomy.lexicon import load_lexicon
from skills_taxonomy.linker import Linker
from skills_taxonomy.model import Concept, ConceptKind, LabelType, Taxonomy
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.starter import load_starter
from skills_taxonomy.store import load_taxonomy, save_taxonomy

Progress = Callable[[str], None]
# The ESCO folders of ../shared/data that make the full multilingual taxonomy (relative
# paths; `make import-esco` adds the MELO occupation labels of 20+ languages).
ESCO_PATHS = ["esco/v1.1.1/en", "esco/v1.2/de", "esco/v1.2/es", "esco/v1.0/es", "esco/v1.0/fr",
              "esco/labels"]


def current_taxonomy(settings: Settings) -> tuple[Taxonomy, str]:
    """The imported taxonomy when there is one, else the starter taxonomy."""
    if settings.taxonomy_path.exists():
        return load_taxonomy(settings.taxonomy_path)
    taxonomy = load_starter()
    return taxonomy, taxonomy.version


def import_taxonomy(settings: Settings, paths: list[str], add: bool,
                    progress: Progress | None = None) -> tuple[Taxonomy, str, ImportReport]:
    """Import ESCO files into a new taxonomy (or into the current one with `add`) and
    store it; returns it with its version. Nothing is stored when any file is malformed."""
    taxonomy = current_taxonomy(settings)[0] if add else Taxonomy()
    report = import_esco(taxonomy, paths, progress)
    version = save_taxonomy(taxonomy, settings.taxonomy_path)
    return taxonomy, version, report


def make_encoder(settings: Settings) -> Encoder:
    return Encoder(settings.model_path, quantize=settings.quantize)


def load_normalizer(settings: Settings, encoder: Encoder | None = None,
                    progress: Progress | None = None,
                    fusion: dict[str, FusionModel] | None = None) -> Normalizer:
    """The normaliser over the current taxonomy; `fusion` overrides the shipped artefacts
    (fitting uses it to start from the prior weights)."""
    taxonomy, version = current_taxonomy(settings)
    return normalizer_for(settings, taxonomy, version, encoder, progress, fusion)


def normalizer_for(settings: Settings, taxonomy: Taxonomy, version: str,
                   encoder: Encoder | None = None, progress: Progress | None = None,
                   fusion: dict[str, FusionModel] | None = None) -> Normalizer:
    """The normaliser over a taxonomy already in memory (right after an import)."""
    return Normalizer(taxonomy, encoder or make_encoder(settings), settings.cache_dir,
                      settings.threshold, fusion=fusion, version=version, progress=progress)


def eval_skills(normalizer: Normalizer, files: list[str]) -> dict[str, dict]:
    """Decorte-format files: rank all skills of the taxonomy for each sentence."""
    index = normalizer.linkers[ConceptKind.SKILL].index
    label_to_uri: dict[str, str] = {}
    for uri in index.uris:
        concept = normalizer.taxonomy.concepts[uri]
        for label in concept.labels:
            if label.lang == "en" and label.type is LabelType.PREFERRED:
                label_to_uri.setdefault(label.text.casefold(), uri)

    def rank(texts: list[str]) -> list[list[str]]:
        return [[index.uris[c.concept] for c in cands]
                for cands in normalizer.rank(texts, ConceptKind.SKILL, top_k=100)]

    return {path: evaluate_skill_ranking(rank, read_skill_set(path), label_to_uri)
            for path in files}


def corpus_taxonomy(data: OccupationSet) -> Taxonomy:
    """The MELO protocol ranks the set's own corpus: its concepts with its labels only."""
    taxonomy = Taxonomy()
    for uri, lang, label in data.corpus:
        concept = taxonomy.concepts.get(uri) or taxonomy.add(
            Concept(uri=uri, kind=ConceptKind.OCCUPATION))
        has_preferred = any(lb.lang == lang for lb in concept.labels)
        concept.add_label(label, lang,
                          LabelType.ALTERNATIVE if has_preferred else LabelType.PREFERRED)
    return taxonomy


def eval_occupations(settings: Settings, encoder: Encoder, folders: list[str],
                     progress: Progress | None = None) -> dict[str, dict]:
    fusion = load_fusion(ConceptKind.OCCUPATION.value)
    lexicon = load_lexicon()
    results = {}
    for folder in folders:
        data = read_occupation_set(folder)
        taxonomy = corpus_taxonomy(data)
        digest = hashlib.sha256(repr(data.corpus).encode()).hexdigest()[:16]
        languages = sorted({lang for _, lang, _ in data.corpus})
        index = load_or_build_index(taxonomy, ConceptKind.OCCUPATION, encoder,
                                    settings.cache_dir, embed_languages=languages,
                                    version=f"melo-{Path(folder).name}-{digest}",
                                    progress=progress)
        linker = Linker(index, encoder, fusion, lexicon)

        def rank(texts: list[str], linker: Linker = linker) -> list[list[str]]:
            return [[linker.index.uris[c.concept] for c in cands]
                    for cands in linker.rank(texts, top_k=100)]

        results[folder] = evaluate_occupation_ranking(rank, data)
    return results


__all__ = [
    "ESCO_PATHS",
    "corpus_taxonomy",
    "current_taxonomy",
    "eval_occupations",
    "eval_skills",
    "import_taxonomy",
    "load_normalizer",
    "make_encoder",
    "normalizer_for",
]
