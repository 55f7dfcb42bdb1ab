"""Shared fixtures: the real encoder (loaded once), the starter normaliser, and the full
ESCO taxonomy from ../shared/data (read in place; those tests skip where it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.engine import ESCO_PATHS, make_encoder
from matcher.settings import Settings
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.esco_import import import_esco
from skills_taxonomy.model import Taxonomy
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.starter import load_starter

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MATCHER_SHARED_DATA", ROOT.parent / "shared" / "data"))
# Index caches survive between local runs (keyed by taxonomy version and model).
CACHE = ROOT / "var" / "test-cache"

needs_shared = pytest.mark.skipif(not (SHARED / "esco").exists(),
                                  reason=f"ESCO data not found at {SHARED}")


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return make_encoder(Settings())


@pytest.fixture(scope="session")
def starter(encoder: Encoder) -> Normalizer:
    CACHE.mkdir(parents=True, exist_ok=True)
    return Normalizer(load_starter(), encoder, CACHE)


@pytest.fixture(scope="session")
def esco_taxonomy() -> Taxonomy:
    if not (SHARED / "esco").exists():
        pytest.skip(f"ESCO data not found at {SHARED}")
    taxonomy = Taxonomy()
    import_esco(taxonomy, [SHARED / p for p in ESCO_PATHS])
    return taxonomy


@pytest.fixture(scope="session")
def esco(esco_taxonomy: Taxonomy, encoder: Encoder) -> Normalizer:
    CACHE.mkdir(parents=True, exist_ok=True)
    return Normalizer(esco_taxonomy, encoder, CACHE)
