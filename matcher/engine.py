"""Wiring: which taxonomy, which encoders, which caches — decided once from the settings.

The CLI, the API and the benchmarks call `load_normalizer`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from matcher.settings import Settings
from skills_taxonomy.concept_index import MlLabels, load_or_build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.embedding import make_encoder as encoder_named
from skills_taxonomy.esco_import import ImportReport, import_esco
from skills_taxonomy.evaluation import (
    OccupationSet,
    evaluate_occupation_ranking,
    evaluate_skill_ranking,
    evaluate_statements,
    read_occupation_set,
    read_skill_set,
    read_statement_set,
)
from skills_taxonomy.fusion import RoutedFusion, load_fusion
from skills_taxonomy.lexicon import load_lexicon
from skills_taxonomy.linker import Linker
from skills_taxonomy.model import Concept, ConceptKind, LabelType, Taxonomy
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.project_labels import merge_project_labels
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
                    progress: Progress | None = None,
                    ) -> tuple[Taxonomy, str, ImportReport, dict[str, object]]:
    """Import ESCO files into a new taxonomy (or into the current one with `add`), merge
    the project's own labels into it by URI, and store it; returns it with its version,
    the import report and the merge report. Nothing is stored when any file is
    malformed."""
    taxonomy = current_taxonomy(settings)[0] if add else Taxonomy()
    report = import_esco(taxonomy, paths, progress)
    merged = merge_project_labels(taxonomy)
    version = save_taxonomy(taxonomy, settings.taxonomy_path)
    return taxonomy, version, report, merged


def make_encoder(settings: Settings) -> Encoder:
    """The main encoder: the packaged MiniLM unless `MATCHER_MODEL_PATH` names a folder."""
    return encoder_named(settings.model_path, quantize=settings.quantize)


def make_multilingual(settings: Settings) -> Encoder | None:
    """The encoder for text not in English (`MATCHER_MULTILINGUAL_ENCODER`), or None."""
    if settings.multilingual_encoder == "none":
        return None
    return encoder_named(settings.multilingual_encoder, quantize=settings.quantize)


def load_normalizer(settings: Settings, encoder: Encoder | None = None,
                    progress: Progress | None = None,
                    fusion: dict[str, RoutedFusion] | None = None,
                    multilingual: Encoder | None = None) -> Normalizer:
    """The normaliser over the current taxonomy; `fusion` overrides the shipped artefacts
    (fitting uses it to start from the prior weights)."""
    taxonomy, version = current_taxonomy(settings)
    return normalizer_for(settings, taxonomy, version, encoder, progress, fusion,
                          multilingual)


def normalizer_for(settings: Settings, taxonomy: Taxonomy, version: str,
                   encoder: Encoder | None = None, progress: Progress | None = None,
                   fusion: dict[str, RoutedFusion] | None = None,
                   multilingual: Encoder | None = None) -> Normalizer:
    """The normaliser over a taxonomy already in memory (right after an import)."""
    return Normalizer(taxonomy, encoder or make_encoder(settings), settings.cache_dir,
                      settings.threshold, fusion=fusion, version=version, progress=progress,
                      multilingual=multilingual or make_multilingual(settings),
                      ml_labels=settings.ml_labels)


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


def eval_statements(normalizer: Normalizer, files: list[str]) -> dict[str, dict]:
    """Statement sets (`lang,kind,text,uris`): skills and occupations ranked for each
    statement, MRR and accuracy@1 per language. The language is detected, as in use."""

    def rank(texts: list[str], langs: list[str], kind: str) -> list[list[str]]:
        linker = normalizer.linkers[ConceptKind(kind)]
        return [[linker.index.uris[c.concept] for c in cands]
                for cands in normalizer.rank(texts, ConceptKind(kind), top_k=100)]

    return {path: evaluate_statements(rank, read_statement_set(path)) for path in files}


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
                     progress: Progress | None = None, multilingual: Encoder | None = None,
                     fusion: RoutedFusion | None = None) -> dict[str, dict]:
    """MELO-format folders: each set's own corpus, all of its labels embedded by both
    encoders (the protocol ranks the set's corpus, not our taxonomy)."""
    fusion = fusion or load_fusion(ConceptKind.OCCUPATION.value)
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
                                    progress=progress, multilingual=multilingual,
                                    ml_labels=MlLabels.ALL)
        linker = Linker(index, encoder, fusion, lexicon, multilingual)

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
    "eval_statements",
    "import_taxonomy",
    "load_normalizer",
    "make_encoder",
    "make_multilingual",
    "normalizer_for",
]
