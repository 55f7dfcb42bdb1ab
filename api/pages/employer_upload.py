"""Many vacancies at once from a CSV file: all or nothing, as `POST /vacancies/import`
(`engine.import_vacancies`). Towns by name (`matcher.intake.vacancy_csv`); a file with
bad rows writes nothing and comes back as a table of its errors (row, column, message),
rows numbered as a spreadsheet numbers them. An example file shows the columns. A file
with more free text to link than `MATCHER_SYNC_LINK_ROWS` rows is checked at once and
then imported by a background job; its page shows the progress, refreshing itself, and
then the same answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import wake_workers
from api.pages.employer_view import employer_page
from api.pages.web import Form, Page, PageDep, PageError, form_text
from matcher.access import vacancy_write_employer
from matcher.engine import Engine
from matcher.errors import ForbiddenError, ImportRowsError
from matcher.intake.vacancy_csv import EXAMPLE_COLUMNS, example_csv, read_vacancy_csv
from matcher.jobs import VACANCY_IMPORT, links_text, queue_vacancy_import
from matcher.store.auth import Principal
from matcher.store.jobs import Job, read_job
from matcher.store.vacancy_lists import employers
from skills_taxonomy.errors import InvalidInputError

router = APIRouter(include_in_schema=False)
MAX_FILE_BYTES = 20 * 1024 * 1024
SHOWN_ERRORS = 200  # rows of errors listed (the rest are counted)


def column(field: object) -> str | None:
    """The file's column an error is about ("languages.0.level" → languages,
    "location.lat" → lat)."""
    if not field:
        return None
    parts = str(field).split(".")
    return parts[1] if parts[0] == "location" and len(parts) > 1 else parts[0]


def render_upload(page: Page, status: int = 200, **context: Any) -> HTMLResponse:
    choices = None
    if page.who.role == "admin":
        with page.engine.connection() as conn:
            choices = employers(conn)
    values: dict[str, Any] = {"errors": None, "problem": None, "summary": None, "job": None,
                              "employers": choices, "columns": EXAMPLE_COLUMNS,
                              "shown_errors": SHOWN_ERRORS, **context}
    return page.render("employer/upload.html", status=status, **values)


@router.get("/vacancies/upload", response_class=HTMLResponse)
def upload_form(page: PageDep) -> HTMLResponse:
    employer_page(page)
    return render_upload(page)


@router.get("/vacancies/example.csv")
def example(page: PageDep) -> Response:
    employer_page(page)
    return Response(example_csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="vacancies-example.csv"',
        "Cache-Control": "no-store"})


def _import(engine: Engine, who: Principal, body: bytes, employer: int | None,
            ) -> dict[str, Any] | Job:
    """The file checked and imported, or queued when it has much free text to link:
    ImportRowsError (rows as in the file) or InvalidInputError (a file that is not CSV)
    when anything is wrong."""
    sent = read_vacancy_csv(body)

    def employer_of(asked: int | None) -> int:
        try:
            return vacancy_write_employer(who, employer if who.role == "admin" else asked)
        except ForbiddenError as exc:  # another employer's id in the file: that row's error
            raise InvalidInputError(str(exc)) from exc

    try:
        items, employers_of_rows = engine.check_vacancy_import(sent.body, "csv", employer_of)
        if sum(links_text(item) for item in items) > engine.settings.sync_link_rows:
            return queue_vacancy_import(engine, who.user_id, sent.body, "csv",
                                        employers_of_rows, sent.rows)
        summary = engine.import_vacancies(items, employers_of_rows)
    except ImportRowsError as exc:
        raise ImportRowsError([{**e, "row": sent.row_of(int(str(e["row"])))}
                               for e in exc.errors]) from exc
    except InvalidInputError as exc:  # a one-row file: its one error, without a row
        field, _, message = str(exc).partition(": ")
        raise ImportRowsError([{"row": sent.row_of(1), "field": field,
                                "message": message or str(exc)}]) from exc
    return in_file_rows(summary, sent.rows)


def in_file_rows(summary: dict[str, Any], rows: list[int]) -> dict[str, Any]:
    """The import's answer with each warning's row numbered as in the file."""
    return {**summary, "warnings": [
        {**w, "row": rows[w["row"] - 1] if 0 < w["row"] <= len(rows) else w["row"]}
        for w in summary.get("warnings", [])]}


@router.post("/vacancies/upload", response_model=None)
async def upload(page: PageDep, form: Form) -> HTMLResponse | RedirectResponse:
    employer_page(page)
    file = form.get("file")
    employer = form_text(form, "employer_id")
    if page.who.role == "admin" and not employer.isdigit():
        return render_upload(page, 422, problem=page._(
            "Choose the employer these vacancies are for."))
    if not isinstance(file, UploadFile) or not file.filename:
        return render_upload(page, 422, problem=page._("Choose a CSV file to upload."))
    body = await file.read(MAX_FILE_BYTES + 1)
    if len(body) > MAX_FILE_BYTES:
        return render_upload(page, 413, problem=page._(
            "The file is larger than 20 MB. Split it into several files."))
    try:
        summary = await run_in_threadpool(_import, page.engine, page.who, body,
                                          int(employer) if employer.isdigit() else None)
        if isinstance(summary, Job):
            wake_workers(page.request.app)
            return RedirectResponse(f"/employer/vacancies/upload/{summary.id}", 303)
    except ImportRowsError as exc:
        return render_upload(page, 422, filename=file.filename, errors=[
            {**e, "field": column(e.get("field"))} for e in exc.errors])
    except InvalidInputError as exc:
        return render_upload(page, 422, filename=file.filename, problem=page._(
            "This file cannot be read: %(why)s. Save it as “CSV UTF-8” and try again.",
            why=str(exc)))
    return render_upload(page, summary=summary, filename=file.filename)


@router.get("/vacancies/upload/{job_id}", response_class=HTMLResponse)
def uploaded(page: PageDep, job_id: int) -> HTMLResponse:
    """A queued upload: its progress (the page refreshes itself), then its answer."""
    employer_page(page)
    with page.engine.connection() as conn:
        job = read_job(conn, job_id)
    if job is None or job.kind != VACANCY_IMPORT or (
            page.who.role != "admin" and job.user_id != page.who.user_id):
        raise PageError(404, page._("This upload does not exist or is not yours."))
    if job.state == "done" and job.result is not None:
        return render_upload(page, summary=in_file_rows(job.result, job.params.get("rows", [])))
    if job.state == "failed":
        detail = (job.error or {}).get("detail", "")
        return render_upload(page, 422, problem=page._(
            "The upload failed and nothing was saved: %(why)s", why=detail))
    return render_upload(page, job={"done": job.done, "total": job.total})
