"""Background work: imports and allocations too slow for a request, done by a worker
beside the API.

`queue_vacancy_import` checks a file at once (a bad row is refused before anything is
queued) and queues it; a `JobWorker` thread — one in each API process, or a separate
`matcher worker` — claims queued jobs from PostgreSQL (`matcher.store.jobs`), links
them chunk by chunk with progress, and writes them whole: the vacancies and the job's
"done" commit in one transaction, so an import still lands whole or not at all, however
many workers run and whichever of them dies. `match_refresh` jobs, queued by writes,
compute again the stored match lists those writes made stale (`matcher.match.lists`);
`allocation` jobs allocate a large cohort (`matcher.allocation`) and store the proposal
with the job's end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from matcher.allocation.schemas import AllocationIn
from matcher.allocation.service import propose, save_audited
from matcher.engine import Engine
from matcher.errors import ImportRowsError, MatcherError
from matcher.intake.vacancies import reads_description
from matcher.match import lists
from matcher.schemas import VacancyIn
from matcher.store import jobs as store
from matcher.store.auth import Principal
from skills_taxonomy.errors import InvalidInputError

log = logging.getLogger(__name__)

VACANCY_IMPORT = "vacancy_import"
ALLOCATION = "allocation"
POLL_SECONDS = 1.0  # how often an idle worker looks for queued jobs


def links_text(item: VacancyIn) -> bool:
    """Whether a row needs the slow linking: free-text skills, a description read for
    its skills (`reads_description`), or a title to link."""
    return bool(item.essential_skills_text or item.optional_skills_text
                or not item.occupation or reads_description(item))


def queue_vacancy_import(engine: Engine, user_id: int | None, body: bytes, fmt: str,
                         employers: list[int], rows: list[int] | None = None) -> store.Job:
    """A file already checked (`Engine.check_vacancy_import`) queued for a worker, with
    the employer each row was checked against; `rows`: each row's number as the sender's
    file numbers it (a spreadsheet's), for the answer's warnings."""
    params: dict[str, Any] = {"format": fmt, "employers": employers}
    if rows is not None:
        params["rows"] = rows
    with engine.connection() as conn:
        return store.enqueue(conn, VACANCY_IMPORT, user_id, body, params, len(employers))


def run_vacancy_import(engine: Engine, job: store.Job, payload: bytes) -> None:
    """Parse, link (reporting progress) and write; the write and the job's end commit
    together."""
    items = engine.check_vacancy_import(payload, job.params["format"],
                                        _employers(job.params["employers"]))[0]

    def beat(done: int) -> None:
        with engine.connection() as conn:
            store.progress(conn, job.id, done)

    def done(conn: psycopg.Connection, answer: dict[str, Any]) -> None:
        store.finish(conn, job.id, answer)

    engine.import_vacancies(items, job.params["employers"], beat, done)


def _employers(employers: list[int]) -> Callable[[int | None], int]:
    """Each row's employer as checked when the job was queued."""
    rows = iter(employers)
    return lambda _asked: next(rows)


def run_match_refresh(engine: Engine, job: store.Job, _payload: bytes) -> None:
    """Compute again the stale match lists of a write (`matcher.match.lists`)."""
    def beat(done: int) -> None:
        with engine.connection() as conn:
            store.progress(conn, job.id, min(done, job.total))

    answer = lists.refresh(engine.connection, engine.matcher, job.params, beat)
    with engine.connection() as conn:
        store.finish(conn, job.id, answer)


def queue_allocation(engine: Engine, user_id: int, organisation_id: int | None,
                     request: AllocationIn) -> store.Job:
    """A cohort (already checked: its candidates exist and are the coach's) queued for a
    worker; `organisation_id`: the coach's centre, None for an admin."""
    with engine.connection() as conn:
        return store.enqueue(conn, ALLOCATION, user_id, request.model_dump_json().encode(),
                             {"organisation_id": organisation_id}, len(request.cohort))


def requester(job: store.Job) -> Principal | None:
    """Who queued an allocation, for its audit rows, from what the job stores: its user,
    and the centre `queue_allocation` was given (a coach's; None only for an admin)."""
    if job.user_id is None:
        return None
    centre = job.params.get("organisation_id")
    return Principal(job.user_id, "", "admin" if centre is None else "coach", centre, None)


def run_allocation(engine: Engine, job: store.Job, payload: bytes) -> None:
    """Allocate, store and audit the proposal as the user who queued it; the proposal,
    its audit rows and the job's end commit together."""
    request = AllocationIn.model_validate_json(payload)
    with engine.connection() as conn:
        proposal = propose(conn, engine.matcher, request, job.params["organisation_id"],
                           connect=engine.connection)
        aid = save_audited(conn, proposal, requester(job))
        store.finish(conn, job.id, {"allocation_id": aid, "url": f"/allocations/{aid}",
                                    "summary": proposal.summary})


HANDLERS: dict[str, Callable[[Engine, store.Job, bytes], None]] = {
    VACANCY_IMPORT: run_vacancy_import, lists.MATCH_REFRESH: run_match_refresh,
    ALLOCATION: run_allocation}


class JobWorker:
    """Claims and runs queued jobs in a daemon thread until `stop`."""

    def __init__(self, engine: Engine, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        # a running job without a beat this long lost its worker; beat four times as often
        self.stale_seconds = engine.settings.job_stale_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> JobWorker:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="job-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Look for work now (a job was just queued in this process)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set() and self.engine.db.pool is not None:  # open
            try:
                busy = self.run_once()
            except MatcherError as exc:  # the database is away: try again later
                log.warning("job worker: %s", exc)
                busy = False
            if not busy:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def run_once(self) -> bool:
        """Run one queued job, if any; whether there was one."""
        with self.engine.connection() as conn:
            store.requeue_stale(conn, self.stale_seconds)
            claimed = store.claim(conn, list(HANDLERS))
        if claimed is None:
            return False
        job, payload = claimed
        log.info("job %s (%s): %s rows", job.id, job.kind, job.total)
        done = threading.Event()
        beating = threading.Thread(target=self._beat, args=(job.id, done), daemon=True,
                                   name=f"job-{job.id}-heartbeat")
        beating.start()
        try:
            HANDLERS[job.kind](self.engine, job, payload)
        except ImportRowsError as exc:
            self._fail(job, {"detail": "rows are invalid; nothing was imported",
                             "errors": exc.errors})
        except (InvalidInputError, MatcherError) as exc:
            self._fail(job, {"detail": str(exc)})
        except Exception as exc:  # a bug must not kill the worker; the job says so
            log.exception("job %s failed", job.id)
            self._fail(job, {"detail": f"internal error ({type(exc).__name__}); "
                                       "nothing was imported"})
        finally:
            done.set()
            beating.join()
        return True

    def _beat(self, job_id: int, done: threading.Event) -> None:
        """Beat while the job runs, however long one of its steps takes."""
        while not done.wait(self.stale_seconds / 4):
            try:
                with self.engine.connection() as conn:
                    store.beat(conn, job_id)
            except MatcherError as exc:
                log.warning("job %s: no heartbeat: %s", job_id, exc)

    def _fail(self, job: store.Job, error: dict[str, Any]) -> None:
        with self.engine.connection() as conn:
            store.fail(conn, job.id, error)


__all__ = ["ALLOCATION", "VACANCY_IMPORT", "JobWorker", "links_text", "queue_allocation",
           "queue_vacancy_import", "run_allocation", "run_match_refresh", "run_vacancy_import"]
