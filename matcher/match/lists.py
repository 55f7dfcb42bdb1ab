"""A candidate's match list worked out once, not per request (issue 15).

A read answers from the stored list (`matcher.store.match_lists`) while it is fresh, and
otherwise computes the whole list — retrieval, gates, scores and every entry's
explanation — answers from it and stores it: a first read, or one after a change, costs
what a read always cost, the next ones an indexed look-up.

Changes keep the stored lists honest in the writer's transaction, and a background job
(`MATCH_REFRESH`, run by `matcher.jobs.JobWorker`) computes them again so that the next
read finds them fresh:
- a candidate written: their lists are stale at once (`candidate.updated_at`); a refresh
  is queued;
- a vacancy written, closed or reopened: the lists holding it are stale at once; so are
  those of the candidates it now fits (`Matcher.candidates_for`), found in the write's
  transaction for up to SYNC_FITS vacancies, and for a bulk import by the one job it
  queues (until that job has run, at most MATCHER_MATCH_LIST_MAX_AGE, a list may lack a
  vacancy the import added);
- courses written: every list is stale (the course plans).
- the engine started ranking otherwise (other weights, learned or hand-set, another
  relevance floor or score calibration): every list is stale (`rank_with`).
What no change tracks (course dates passing, the counts of a short list's reasons, a
candidate the vacancy's shortlist did not reach) is bounded by the max age: a list past it
that no change made stale is still answered (`freshness.refreshing`) while the first such
read queues its refresh (`revalidate`), so aging alone never makes a read compute; past
twice the max age a read computes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import psycopg
from pydantic_core import to_json

from matcher.errors import NotFoundError
from matcher.match.matcher import Matcher
from matcher.store import jobs
from matcher.store import match_lists as store

MATCH_REFRESH = "match_refresh"
SYNC_FITS = 10  # a write of up to this many vacancies finds the candidates they fit at once
FITS_CHUNK = 50  # vacancies a refresh job examines between two heartbeats
Connect = Callable[[], AbstractContextManager[psycopg.Connection]]


@dataclass(frozen=True)
class Variant:
    """Which list: the kinds asked (none: the candidate's own), the relevance floor on or
    off, the labels' language, with or without course plans."""
    kinds: tuple[str, ...]
    floor: bool
    lang: str
    courses: bool

    @classmethod
    def of(cls, kinds: list[str] | None, floor: bool, lang: str, courses: bool) -> Variant:
        return cls(tuple(sorted(set(kinds or []))), floor, lang, courses)

    @property
    def key(self) -> str:
        return f"{','.join(self.kinds) or '*'}|{int(self.floor)}|{self.lang}|{int(self.courses)}"

    @classmethod
    def parse(cls, key: str) -> Variant:
        kinds, floor, lang, courses = key.split("|")
        return cls(tuple(k for k in kinds.split(",") if k != "*"), floor == "1", lang,
                   courses == "1")


@dataclass(frozen=True)
class Computed:
    """A list just computed: each entry's vacancy, score and item (JSON text)."""
    candidate_id: str
    variant: Variant
    source: store.Source
    entries: list[tuple[int, float, str]]
    extra: str
    digest: str


@dataclass(frozen=True)
class Answer:
    """One window of a list as sent (JSON bytes), its ETag, the list to store when it was
    computed for this read, and when the stored list answered was computed if it is aged
    (to `revalidate`)."""
    body: bytes
    etag: str
    computed: Computed | None
    variant: Variant
    aged: dt.datetime | None = None


def compute(conn: psycopg.Connection, matcher: Matcher, candidate_id: str,
            variant: Variant) -> Computed:
    """The whole list, every entry explained. What it is computed from is read first."""
    src = store.source(conn, candidate_id)
    if src is None:
        raise NotFoundError(f"candidate {candidate_id!r} not found")
    listed = matcher.matches_for(conn, candidate_id, list(variant.kinds), variant.floor)
    explained = matcher.explain(conn, listed.matches, variant.lang,
                                with_courses=variant.courses)
    entries = [(m.vacancy.id, m.scored.score, to_json(
        {"vacancy": matcher.summary(m.vacancy, variant.lang), **ex}).decode())
        for m, ex in zip(listed.matches, explained, strict=True)]
    extra: dict[str, Any] = {"below_floor": {
        "count": sum(listed.cut.values()), "by_kind": listed.cut,
        "floor": matcher.floor if variant.floor else None},
        "ranked_by": matcher.ranking(variant.kinds)}
    if listed.reasons is not None:
        extra["reasons"] = listed.reasons
    extra_json = to_json(extra).decode()
    digest = hashlib.sha256("\n".join([extra_json, *(e[2] for e in entries)]).encode())
    return Computed(candidate_id, variant, src, entries, extra_json, digest.hexdigest()[:32])


def ranking(matcher: Matcher) -> str:
    """A fingerprint of how `matcher` ranks and explains a list besides the data: the weights
    per kind and which ranked them, the relevance floor, the score calibration."""
    calibration = matcher.calibration
    spec = {"weights": matcher.scorer.weights, "ranked_by": matcher.ranked_by,
            "floor": matcher.floor, "calibration": calibration.meta if calibration else None}
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def rank_with(conn: psycopg.Connection, matcher: Matcher) -> bool:
    """Lists computed from now on are ranked by `matcher`: when that differs from how the
    stored ones were, they are all stale. True when it differed."""
    return store.rank_with(conn, ranking(matcher))


def window(conn: psycopg.Connection, matcher: Matcher, candidate_id: str, variant: Variant,
           offset: int, limit: int, max_age_s: float) -> Answer:
    """A window of the candidate's list: stored when fresh or only aged (then
    `revalidate` it, on the primary), else computed (store it with `keep`, on the
    primary)."""
    if max_age_s > 0:
        hit = store.fresh(conn, candidate_id, variant.key, max_age_s, offset, limit)
        if hit is not None:
            body = _body(hit.window, hit.total, offset, limit, hit.extra, {
                "computed_at": hit.computed_at, "age_s": round(max(hit.age_s, 0.0), 3),
                "from_store": True, "refreshing": hit.aged})
            return Answer(body, etag(hit.digest, variant, offset, limit), None, variant,
                          hit.computed_at if hit.aged else None)
    made = compute(conn, matcher, candidate_id, variant)
    items = ",".join(item for _, _, item in made.entries[offset:offset + limit])
    age = (_clock(conn) - made.source.at).total_seconds()
    body = _body(items, len(made.entries), offset, limit, made.extra, {
        "computed_at": made.source.at, "age_s": round(max(age, 0.0), 3),
        "from_store": False, "refreshing": False})
    return Answer(body, etag(made.digest, variant, offset, limit), made, variant)


def revalidate(conn: psycopg.Connection, candidate_id: str, answer: Answer,
               max_age_s: float) -> bool:
    """After an aged list was answered: queue its refresh, once per aged list (the first
    reader's transaction does). Whether this call queued it."""
    key = answer.variant.key
    if answer.aged is None or not store.claim_refresh(conn, candidate_id, key, answer.aged,
                                                      max_age_s):
        return False
    _queue(conn, [], [], aged=[(candidate_id, key)])
    return True


def keep(conn: psycopg.Connection, made: Computed) -> bool:
    """Store a computed list (unless a newer one is stored); whether it was."""
    return store.store(conn, made.candidate_id, made.variant.key, made.source, made.entries,
                       made.extra, made.digest)


def etag(digest: str, variant: Variant, offset: int, limit: int) -> str:
    """A weak ETag: the list's content and the window (the body's freshness fields change
    with every read; what they describe does not)."""
    tag = hashlib.sha256(f"{digest}|{variant.key}|{offset}|{limit}".encode()).hexdigest()
    return f'W/"{tag[:32]}"'


def _body(items: str, total: int, offset: int, limit: int, extra: str,
          freshness: dict[str, Any]) -> bytes:
    """The answer as JSON: the stored items and extra spliced in, never parsed again."""
    head = f'{{"items":[{items}],"total":{total},"limit":{limit},"offset":{offset},'
    return (head + extra[1:-1] + ',"freshness":' + to_json(freshness).decode() + "}").encode()


def _clock(conn: psycopg.Connection) -> Any:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


# --- changes --------------------------------------------------------------------------------
def candidate_written(conn: psycopg.Connection, candidate_id: str) -> None:
    """In the write's transaction: the lists are stale already (the profile's
    `updated_at`); queue their refresh when any is in use."""
    if store.with_lists(conn, [candidate_id]):
        _queue(conn, [candidate_id], [])


def vacancies_written(conn: psycopg.Connection, matcher: Matcher, vacancy_ids: list[int],
                      is_open: bool = True) -> None:
    """In the write's transaction: the lists holding these vacancies are stale, and for
    an open vacancy those of the candidates it fits — found here for a few vacancies,
    by the refresh job for more."""
    if not is_open:
        listed_vacancies_changed(conn, vacancy_ids)
        return
    if not vacancy_ids or not store.any_lists(conn):
        return
    held = store.holders(conn, vacancy_ids)
    store.touch(conn, held)
    if len(vacancy_ids) > SYNC_FITS:
        _queue(conn, held, vacancy_ids)
        return
    fits = fitting(conn, matcher, vacancy_ids)
    store.touch(conn, fits)
    in_use = store.with_lists(conn, sorted(set(held) | set(fits)))
    if in_use:
        _queue(conn, in_use, [])


def listed_vacancies_changed(conn: psycopg.Connection, vacancy_ids: list[int]) -> None:
    """In the write's transaction: the lists holding these vacancies are stale (a vacancy
    closed, or its free slots changed by a reservation made or released), and refreshed."""
    if vacancy_ids and store.any_lists(conn):
        held = store.holders(conn, vacancy_ids)
        store.touch(conn, held)
        if held:
            _queue(conn, held, [])


def courses_written(conn: psycopg.Connection) -> None:
    """Course plans may change in any list: every list is stale (read again on demand)."""
    store.touch_all(conn)


def fitting(conn: psycopg.Connection, matcher: Matcher, vacancy_ids: list[int]) -> list[str]:
    """The candidates these vacancies are shortlisted for and pass the gates of."""
    return sorted({m.candidate.id for vid in vacancy_ids
                   for m in matcher.candidates_for(conn, vid)})


def _queue(conn: psycopg.Connection, candidates: list[str], vacancies: list[int],
           aged: list[tuple[str, str]] | None = None) -> None:
    params: dict[str, Any] = {"candidates": sorted(candidates), "vacancies": vacancies}
    if aged:
        params["aged"] = [list(a) for a in aged]
    jobs.enqueue(conn, MATCH_REFRESH, None, b"", params,
                 len(candidates) + len(vacancies) + len(aged or []))


# --- the refresh job ------------------------------------------------------------------------
def refresh(connect: Connect, matcher: Matcher, params: dict[str, Any],
            beat: Callable[[int], None]) -> dict[str, int]:
    """Find the candidates a bulk write's vacancies fit (their lists are stale from then
    on), then compute again every stale list in use of those and the given candidates,
    one candidate per transaction; `beat` is told how many vacancies and candidates are
    done. Returns the counts for the job's answer."""
    vacancies: list[int] = params.get("vacancies", [])
    candidates = set(params.get("candidates", []))
    aged: dict[str, set[str]] = {}
    for cid, key in params.get("aged", []):  # lists past the max age, read meanwhile
        aged.setdefault(cid, set()).add(key)
    candidates.update(aged)
    done = 0
    for start in range(0, len(vacancies), FITS_CHUNK):
        chunk = vacancies[start:start + FITS_CHUNK]
        with connect() as conn:
            in_use = store.with_lists(conn, fitting(conn, matcher, chunk))
            store.touch(conn, in_use)
        candidates.update(in_use)
        done += len(chunk)
        beat(done)
    lists = 0
    for cid in sorted(candidates):
        with connect() as conn:
            for key in sorted(set(store.variants_to_refresh(conn, cid)) | aged.get(cid, set())):
                try:
                    made = compute(conn, matcher, cid, Variant.parse(key))
                except NotFoundError:  # erased meanwhile: nothing to refresh
                    break
                lists += keep(conn, made)
        done += 1
        beat(done)
    return {"vacancies": len(vacancies), "candidates": len(candidates), "lists": lists}


__all__ = ["MATCH_REFRESH", "Answer", "Computed", "Variant", "candidate_written", "compute",
           "courses_written", "etag", "fitting", "keep", "listed_vacancies_changed", "rank_with",
           "ranking", "refresh", "revalidate", "vacancies_written", "window"]
