"""Recognition: a foreign qualification's reference occupation, EQF level, regulation and
skill gap; the EQF reference tables; and what becomes reachable after short courses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import run_in_threadpool

from api import responses as r
from api.deps import Conn, CurrentUser, EngineDep, Lang, Limit, Offset, page
from api.routes.candidates import CandidateId, label_lang
from matcher.access import candidate_scope, require
from matcher.intake import strict_json
from matcher.intake.files import UnsupportedFormatError
from matcher.recognition.eqf_table import parse_eqf_csv
from matcher.schemas import QualificationQuery
from matcher.store.auth import audit
from skills_taxonomy.model import ConceptKind

router = APIRouter(tags=["recognition"])
DestinationParam = Annotated[str | None, Query(
    max_length=40, description="the destination country whose regulation and recognition "
    "procedure apply (DE, NO, AT); default: MATCHER_DESTINATION_COUNTRY")]
EQF_BODY = {"requestBody": {"required": True, "description": (
    "CSV with a header row: `qualification,country,eqf_level`, optionally "
    "`native_title,type,duration_years`"), "content": {
        "text/csv": {"schema": {"type": "string"}}}}}


@router.post("/recognition/qualification", **r.answers(r.Recognised, body=True))
def recognise(body: QualificationQuery, who: CurrentUser, engine: EngineDep,
              ) -> dict[str, Any]:
    """Reference occupation(s) with confidence, EQF level with its evidence (table row, or
    an estimate flagged as such), whether the occupation is regulated in the destination
    country (`destination`, else the setting's) with the recognition procedure step by
    step, the skills the qualification evidences and the gap to the occupation."""
    return engine.recogniser.recognise(body, body.lang, body.years_practice,
                                       body.destination)


@router.get("/recognition/regulated", **r.answers(r.Regulated))
def regulated(who: CurrentUser, engine: EngineDep,
              occupation: Annotated[str, Query(min_length=1, max_length=300)],
              destination: DestinationParam = None) -> dict[str, Any]:
    """Whether the occupation is regulated in the destination country, and what
    recognition involves there (`procedure`: authority, documents, duration, fees,
    outcomes, compensation measures and the steps in order), regulated or not."""
    where = engine.recogniser.destination(destination)
    engine.concepts.check(occupation, ConceptKind.OCCUPATION, "occupation")
    concept = engine.concepts.taxonomy.concepts[occupation]
    rules = where.profile.check(concept)
    return {"occupation": occupation, "label": concept.preferred_label("en"), **rules,
            "procedure": where.procedure(concept, rules["regulated"])}


@router.get("/recognition/eqf-tables", **r.answers(r.EqfTables))
def eqf_tables(who: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for entry in engine.recogniser.table.entries:
        counts[entry.source] = counts.get(entry.source, 0) + 1
    return {"items": [{"source": s, "rows": n} for s, n in sorted(counts.items())]}


@router.post("/recognition/eqf-tables", status_code=status.HTTP_201_CREATED,
             openapi_extra=EQF_BODY, **r.answers(r.EqfTableImported, 403, 413, 415))
async def import_eqf_table(request: Request, who: CurrentUser, engine: EngineDep,
                           source: Annotated[str, Query(min_length=1, max_length=200,
                                                        pattern=r"^[\w.@:-]+$")],
                           ) -> dict[str, Any]:
    """A CSV in the Europass format (`qualification,country,eqf_level`, optionally
    `native_title,type,duration_years`); replaces an earlier table of the same source.
    All or nothing: a bad row refuses the whole file, naming its line."""
    require(who, "admin")
    kind = (request.headers.get("content-type") or "").split(";")[0].strip()
    if kind not in ("text/csv", "application/csv"):
        raise UnsupportedFormatError(f"Content-Type {kind or '(none)'!r}: send text/csv")
    entries, report = parse_eqf_csv(strict_json.decode(await request.body()), source)
    return await run_in_threadpool(engine.save_eqf_table, entries, report)


@router.get("/candidates/{candidate_id}/reachable", **r.answers(r.ReachablePage, 403, 404))
def reachable(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
              max_weeks: Annotated[float, Query(gt=0, le=260)] = 12,
              kind: Annotated[list[Literal["job", "apprenticeship", "placement"]] | None,
                              Query()] = None,
              limit: Limit = 20, offset: Offset = 0, lang: Lang = None) -> dict[str, Any]:
    """Vacancies that are not a match today but become one after a course plan of at most
    `max_weeks` (compensation measures for a partial recognition included), with the plan."""
    candidate_scope(conn, who, candidate_id)
    audit(conn, who, "candidate.reachable", candidate_id)
    found = engine.matcher.reachable(conn, candidate_id, max_weeks, list(kind or []),
                                     label_lang(conn, who, lang))
    return page(found[offset:offset + limit], len(found), limit, offset)


@router.get("/candidates/{candidate_id}/qualifications",
            **r.answers(r.CandidateQualifications, 403, 404))
def qualifications(candidate_id: CandidateId, who: CurrentUser, engine: EngineDep, conn: Conn,
                   lang: Lang = None, destination: DestinationParam = None,
                   ) -> dict[str, Any]:
    """Each of the candidate's qualifications recognised: occupation, EQF, regulation
    and the recognition procedure (for `destination`, else the setting's country),
    recognition status, and the gap left after everything else the candidate evidences."""
    engine.recogniser.destination(destination)  # an unknown country: 422 before any read
    candidate_scope(conn, who, candidate_id)
    audit(conn, who, "candidate.qualifications", candidate_id)  # titles in their own words
    items = engine.recognise_qualifications(conn, candidate_id, label_lang(conn, who, lang),
                                            destination)
    return {"items": items}
