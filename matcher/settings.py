"""Settings, read from the environment with the prefix MATCHER_ (and from a .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="imported taxonomy and index caches")
    model_path: Path | None = Field(
        None, description="sentence-transformers model folder; default: the packaged MiniLM")
    quantize: bool = Field(True, description="int8 linear layers on CPU (about 3x faster)")
    threshold: float | None = Field(
        None, ge=0.0, le=1.0,
        description="abstain below this linking score; default: the fitted artefact's")

    @property
    def taxonomy_path(self) -> Path:
        return self.data_dir / "taxonomy.pkl"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


@lru_cache
def get_settings() -> Settings:
    return Settings()
