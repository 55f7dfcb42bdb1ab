"""Bodies of the background-job routes (`/jobs`, and the 202 of an import)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.responses.common import Out, Page


class Job(Out):
    id: int
    kind: str = Field(description="what the job does, e.g. vacancy_import")
    state: str = Field(description="queued, running, done or failed")
    total: int = Field(description="rows to do")
    done: int = Field(description="rows done so far")
    progress: float = Field(description="done / total, 0 to 1")
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    rows_per_s: float | None = None
    seconds_left: int | None = Field(None, description="an estimate while running")
    result: dict[str, Any] | None = Field(
        None, description="when done: the import's answer, as the synchronous import gives it")
    error: dict[str, Any] | None = Field(
        None, description="when failed: `detail`, and `errors` per bad row; nothing written")


class JobQueued(Job):
    status_url: str = Field(description="where to follow the job (also in Location)")


class JobPage(Page):
    items: list[Job]
