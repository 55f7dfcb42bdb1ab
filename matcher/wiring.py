"""Wiring: which taxonomy, which encoders, which caches — decided once from the settings.

The CLI, the API and the benchmarks call `load_normalizer`.
"""

from __future__ import annotations

from collections.abc import Callable

from matcher.settings import Settings
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.embedding import make_encoder as encoder_named
from skills_taxonomy.esco_import import ImportReport, import_esco
from skills_taxonomy.fusion import RoutedFusion
from skills_taxonomy.model import Taxonomy
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
                      ml_labels=settings.ml_labels, rank_cache=settings.rank_cache)


__all__ = [
    "ESCO_PATHS",
    "current_taxonomy",
    "import_taxonomy",
    "load_normalizer",
    "make_encoder",
    "make_multilingual",
    "normalizer_for",
]
