"""The running engine: store, taxonomy, scorer and matcher, started once.

`Engine.start` opens the database (embedded or external, migrations applied), loads the
normaliser for the current taxonomy and persists that taxonomy when the database holds
another version. The API opens one in its lifespan; the demo and the CLI do the same.

Writes that normalise text do the slow linking first and only then take a connection
and write in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from matcher.concepts import Concepts
from matcher.domain import EVIDENCED
from matcher.errors import ImportRowsError, RowError
from matcher.intake.candidates import prepare_candidate
from matcher.intake.courses import check_course, prepare_courses
from matcher.intake.files import parse_rows
from matcher.intake.vacancies import PreparedVacancy, check_vacancy, prepare_vacancies
from matcher.learning.calibration import ScoreCalibration, load_calibration
from matcher.learning.ranker import apply_ranker, load_ranker
from matcher.linking_report import LinkingReport
from matcher.match import lists
from matcher.match.matcher import Matcher
from matcher.match.scoring import Scorer, load_weights
from matcher.recognition.eqf_table import (
    PROJECT_TABLE,
    EqfEntry,
    TableReport,
    project_table,
    read_eqf_csv,
)
from matcher.recognition.estimator import shipped_estimator
from matcher.recognition.recogniser import Recogniser
from matcher.schemas import CandidateIn, CourseIn, QualificationQuery, VacancyIn
from matcher.settings import Settings
from matcher.store.auth import Principal, audit
from matcher.store.candidates import (
    consenting,
    personal_of,
    qualifications_of,
    read_candidate,
    write_candidate,
)
from matcher.store.courses import write_courses
from matcher.store.database import Database
from matcher.store.taxonomy import persist_taxonomy
from matcher.store.vacancies import set_open, write_vacancies
from matcher.wiring import load_normalizer
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.normalize import Normalizer

Progress = Callable[[str], None]
Connect = Callable[[], AbstractContextManager[psycopg.Connection]]
T = TypeVar("T")
Saved = list[tuple[int, bool, LinkingReport]]  # per record: id, created, linking report
log = logging.getLogger(__name__)
LINK_CHUNK = 200  # rows linked between two progress reports of an import


class Engine:
    def __init__(self, settings: Settings, db: Database, concepts: Concepts,
                 weights: dict[str, dict[str, float]] | None = None,
                 ranked_by: dict[str, str] | None = None,
                 calibration: ScoreCalibration | None = None) -> None:
        self.settings = settings
        self.db = db
        self.concepts = concepts
        self.scorer = Scorer(concepts, weights)
        with db.connection() as conn:
            self.recogniser = self._recogniser(conn)
            self.matcher = Matcher(concepts, self.scorer, self.recogniser.profile,
                                   settings.hnsw_ef_search, settings.relevance_floor,
                                   settings.short_list, ranked_by,
                                   calibration.for_weights(self.scorer.weights)
                                   if calibration else None)
            if lists.rank_with(conn, self.matcher):  # stored lists were ranked otherwise
                log.info("match lists: ranked otherwise than the stored ones, all stale")

    # --- recognition --------------------------------------------------------------------------
    def _recogniser(self, conn: psycopg.Connection) -> Recogniser:
        """The project's table plus every imported one. The text model: the shipped
        artefact (fitted on the project's table in training/) while nothing is imported,
        else fitted here on all the rows."""
        imported = [EqfEntry(*row) for row in conn.execute(
            "SELECT source, country, qualification, eqf_level, native_title, type,"
            " duration_years FROM eqf_reference ORDER BY id")]
        entries = project_table() + imported
        return Recogniser.fitted(self.concepts, entries, self.settings.destination_country,
                                 None if imported else shipped_estimator(entries))

    def import_eqf_table(self, path: str | Path, source: str | None = None) -> dict[str, Any]:
        """Import (or replace, by source name) a country → qualification → EQF table."""
        return self.save_eqf_table(*read_eqf_csv(path, source))

    def save_eqf_table(self, entries: list[EqfEntry], report: TableReport) -> dict[str, Any]:
        if report.source == PROJECT_TABLE:
            raise InvalidInputError(f"source: {PROJECT_TABLE!r} is the shipped table's name")
        with self.connection() as conn:
            conn.execute("DELETE FROM eqf_reference WHERE source = %s", (report.source,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO eqf_reference (source, country, qualification, eqf_level,"
                    " native_title, type, duration_years) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    [(e.source, e.country, e.qualification, e.eqf_level, e.native_title,
                      e.type, e.duration_years) for e in entries])
            self.recogniser = self._recogniser(conn)
        return {"source": report.source, "rows": report.rows,
                "skipped_without_level": report.skipped_without_level,
                "table_rows_in_use": len(self.recogniser.table.entries)}

    def vacancy_candidates(self, conn: psycopg.Connection, who: Principal, vacancy_id: int,
                           employer: int, offset: int, limit: int, lang: str,
                           audited: list[str] | None = None,
                           ) -> tuple[list[dict[str, Any]], int, str | None]:
        """A window of the candidates for a vacancy, best first, explained, how many there
        are, and which ranked them (None for none). Coaches see their centre's; an
        employer sees pseudonymised profiles (no name, contact or the person's own words)
        unless the candidate consented to them. Every read of a name is audited: on
        `conn`, or, given `audited` (`conn` is read only, e.g. a replica's), listed there
        for the caller to audit on the primary."""
        scope = who.organisation_id if who.role == "coach" else None
        found = self.matcher.candidates_for(conn, vacancy_id, scope)
        window = found[offset:offset + limit]
        ids = [m.candidate.id for m in window]
        named = set(ids) if who.role != "employer" else consenting(conn, ids, employer)
        explained = self.matcher.explain(conn, window, lang, with_courses=False,
                                         with_evidence=who.role != "employer")
        people = personal_of(conn, sorted(named))
        items = []
        for m, ex in zip(window, explained, strict=True):
            cid = m.candidate.id
            item: dict[str, Any] = {"candidate": read_candidate(
                conn, self.concepts, cid, personal=False, lang=lang), **ex}
            if cid in named:
                item["candidate"]["personal"] = people.get(cid)
                if audited is None:
                    audit(conn, who, "candidate.match_read", cid, vacancy_id=vacancy_id)
                else:
                    audited.append(cid)
            items.append(item)
        return items, len(found), self.matcher.ranking([found[0].vacancy.kind]) if found \
            else None

    def recognise_qualifications(self, conn: psycopg.Connection, candidate_id: str,
                                 lang: str, destination: str | None = None,
                                 ) -> list[dict[str, Any]]:
        """Each stored qualification of a candidate recognised (occupation, EQF,
        regulation), with its recognition status, and the gap left after everything else
        the candidate evidences: what the API and the pages show."""
        cand = self.matcher.candidate(conn, candidate_id)
        items = []
        for row in qualifications_of(conn, candidate_id):
            query = QualificationQuery(
                title=row["title"], country=row["country"], type=row["type"],
                duration_years=row["duration_years"], content=row["content"],
                eqf_level=row["eqf_level"] if row["eqf_method"] == "given" else None)
            result = self.recogniser.recognise(query, lang, destination=destination)
            result["recognition"] = {k: row[k] for k in ("status", "decided_on", "authority",
                                                         "compensation")}
            result["gap_for_candidate"] = [g for g in result.get("gap", [])
                                           if cand.strength(str(g["skill"])) < EVIDENCED]
            items.append(result)
        return items

    @classmethod
    def start(cls, settings: Settings, normalizer: Normalizer | None = None,
              progress: Progress | None = None) -> Engine:
        # fail before starting anything; learned weights only where they won (the log
        # says where the artefact's comparison does not apply)
        weights, ranked_by, notes = apply_ranker(
            load_weights(settings.match_weights),
            load_ranker(settings.match_ranker) if settings.match_ranker else None)
        for note in notes:
            log.warning(f"match ranker {settings.match_ranker}: {note}")
        calibration = load_calibration(settings.score_calibration)
        normalizer = normalizer or load_normalizer(settings, progress=progress)
        db = Database(settings).open()
        try:
            concepts = Concepts(normalizer)
            with db.connection() as conn:
                if persist_taxonomy(conn, concepts) and progress:
                    progress(f"taxonomy {concepts.version} stored in the database")
            return cls(settings, db, concepts, weights, ranked_by, calibration)
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """One transaction: committed when the block ends, rolled back on an error."""
        with self.db.connection() as conn:
            yield conn

    def read(self, work: Callable[[psycopg.Connection], T],
             here: psycopg.Connection | None = None) -> T:
        """`work` (reads only) on a read replica when one is fresh, else on the primary
        (`Database.read`; in `here`, the caller's transaction, when given): for the heavy
        read paths, match lists and lists."""
        return self.db.read(work, here)

    # --- writes -------------------------------------------------------------------------------
    def save_candidate(self, data: CandidateIn, organisation_id: int,
                       connect: Connect | None = None) -> tuple[str, bool, LinkingReport]:
        """Link and recognise (no connection held), then write; returns (id, created, what
        linking made of it). `connect` gives the connection to write on: by default a
        transaction of its own; the API passes the request's, so that the write and its
        audit row commit together."""
        prepared = prepare_candidate(self.concepts, self.recogniser, data)
        with (connect or self.connection)() as conn:
            cid, created = write_candidate(conn, prepared, organisation_id)
            lists.candidate_written(conn, cid)
        return cid, created, prepared.report

    def save_vacancies(self, items: list[VacancyIn], employer_ids: list[int]) -> Saved:
        """Check, link and write; any bad record → ImportRowsError and nothing written.
        Returns (id, created, what linking made of it) per record."""
        self._check_rows(items, check_vacancy)
        return self._link_and_write(items, employer_ids)

    def _link_and_write(self, items: list[VacancyIn], employer_ids: list[int],
                        progress: Callable[[int], None] | None = None,
                        then: Callable[[psycopg.Connection, Saved], None] | None = None,
                        ) -> Saved:
        """Checked vacancies linked by LINK_CHUNK rows (telling `progress` how many are
        done) and written in one transaction, in which `then` runs too (a job marks
        itself done with its writes)."""
        prepared: list[PreparedVacancy] = []
        for start in range(0, len(items), LINK_CHUNK):
            prepared += prepare_vacancies(self.concepts, items[start:start + LINK_CHUNK],
                                          self.recogniser.profile)
            if progress:
                progress(len(prepared))
        with self.connection() as conn:
            self._check_employers(conn, employer_ids)
            written = write_vacancies(conn, prepared, employer_ids)
            lists.vacancies_written(conn, self.matcher, [vid for vid, _ in written])
            saved = [(vid, created, prep.report)
                     for (vid, created), prep in zip(written, prepared, strict=True)]
            if then:
                then(conn, saved)
        return saved

    def set_vacancy_open(self, conn: psycopg.Connection, vacancy_id: int,
                         is_open: bool) -> None:
        """Close a vacancy (it leaves every match list) or open it again."""
        set_open(conn, vacancy_id, is_open)
        lists.vacancies_written(conn, self.matcher, [vacancy_id], is_open)

    def save_courses(self, items: list[CourseIn], owners: list[int | None] | None = None,
                     admin: bool = True) -> list[tuple[int, bool]]:
        """Courses upserted, each owned by its `owners` entry; unless `admin`, one that
        another organisation owns is refused (`write_courses`)."""
        self._check_rows(items, check_course)
        try:
            prepared = prepare_courses(self.concepts, items)
        except RowError as exc:
            raise ImportRowsError([{"row": exc.row + 1, "field": exc.field,
                                    "message": exc.detail}]) from exc
        with self.connection() as conn:
            saved = write_courses(conn, prepared, owners, admin)
            lists.courses_written(conn)
            return saved

    def check_vacancy_import(self, body: bytes, fmt: str,
                             employer_of: Callable[[int | None], int],
                             ) -> tuple[list[VacancyIn], list[int]]:
        """A bulk file of vacancies parsed and checked, nothing linked yet (fast, so a bad
        file is refused at once, before any job is queued): the rows and the employer of
        each. `employer_of` maps a row's employer_id to the one the caller may write
        (raising for a forbidden one)."""
        items = parse_rows(body, fmt, VacancyIn)
        employers = []
        errors: list[dict[str, object]] = []
        for row, item in enumerate(items, start=1):
            try:
                employers.append(employer_of(item.employer_id))
            except InvalidInputError as exc:
                errors.append({"row": row, "field": "employer_id", "message": str(exc)})
        if errors:
            raise ImportRowsError(errors)
        self._check_rows(items, check_vacancy)
        return items, employers

    def import_vacancies(self, items: list[VacancyIn], employers: list[int],
                         progress: Callable[[int], None] | None = None,
                         then: Callable[[psycopg.Connection, dict[str, Any]], None] | None = None,
                         ) -> dict[str, Any]:
        """Checked rows (`check_vacancy_import`) linked and written whole; returns the
        import's answer, which `then` also gets inside the write's transaction."""
        def answer(saved: Saved) -> dict[str, Any]:
            return _summary([(vid, created) for vid, created, _ in saved],
                            [report for _, _, report in saved])

        def finish(conn: psycopg.Connection, saved: Saved) -> None:
            if then is not None:
                then(conn, answer(saved))

        return answer(self._link_and_write(items, employers, progress, finish))

    def import_courses(self, body: bytes, fmt: str,
                       owner_of: Callable[[int | None], int | None] | None = None,
                       admin: bool = True) -> dict[str, Any]:
        """A bulk file of courses; `owner_of` maps each row's organisation_id to the owner
        the caller may write (raising for a forbidden one)."""
        items = parse_rows(body, fmt, CourseIn)
        errors: list[dict[str, object]] = []
        owners: list[int | None] = []
        for row, item in enumerate(items, start=1):
            try:
                owners.append(owner_of(item.organisation_id) if owner_of
                              else item.organisation_id)
            except InvalidInputError as exc:
                errors.append({"row": row, "field": "organisation_id", "message": str(exc)})
        if errors:
            raise ImportRowsError(errors)
        return _summary(self.save_courses(items, owners, admin))

    def _check_rows(self, items: list[Any], check: Callable[[Concepts, Any], None]) -> None:
        errors: list[dict[str, object]] = []
        for row, item in enumerate(items, start=1):
            try:
                check(self.concepts, item)
            except InvalidInputError as exc:
                field, _, message = str(exc).partition(": ")
                errors.append({"row": row, "field": field, "message": message})
        if errors:
            if len(items) == 1:
                raise InvalidInputError(f"{errors[0]['field']}: {errors[0]['message']}")
            raise ImportRowsError(errors)

    @staticmethod
    def _check_employers(conn: psycopg.Connection, employer_ids: list[int]) -> None:
        known = {r[0] for r in conn.execute(
            "SELECT id FROM organisation WHERE kind = 'employer' AND id = ANY(%s)",
            (sorted(set(employer_ids)),))}
        errors: list[dict[str, object]] = [
            {"row": row, "field": "employer_id", "message": f"{e} is not an employer"}
            for row, e in enumerate(employer_ids, start=1) if e not in known]
        if errors:
            if len(employer_ids) == 1:
                raise InvalidInputError(f"employer_id: {employer_ids[0]} is not an employer")
            raise ImportRowsError(errors)


MAX_REPORTED = 1_000  # rows whose warnings an import answer lists (the rest: counted)


def _summary(results: list[tuple[int, bool]],
             reports: list[LinkingReport] | None = None) -> dict[str, Any]:
    """An import's answer; with `reports`, which rows a human should look at, and why."""
    created = sum(1 for _, new in results if new)
    out: dict[str, Any] = {"imported": len(results), "created": created,
                           "updated": len(results) - created, "ids": [i for i, _ in results]}
    if reports is not None:
        flagged = [{"row": row, "id": vid, "warnings": report.warnings}
                   for row, ((vid, _), report) in enumerate(zip(results, reports, strict=True),
                                                            start=1) if report.warnings]
        out["needs_review"] = len(flagged)
        out["warnings"] = flagged[:MAX_REPORTED]
    return out


__all__ = ["Engine"]
