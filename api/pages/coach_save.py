"""Writing a candidate from a page, exactly as `POST /candidates` does: the centre the
caller may write to, checked to be a centre; linking first, then the write and its audit
row in one transaction."""

from __future__ import annotations

from pydantic import ValidationError

from api.deps import Transaction
from api.pages.web import Page
from matcher.access import candidate_write_org
from matcher.linking_report import LinkingReport
from matcher.schemas import CandidateIn
from matcher.store.auth import Principal, audit, organisation_kind
from skills_taxonomy.errors import InvalidInputError


def save(page: Page, who: Principal, body: CandidateIn) -> tuple[str, bool, LinkingReport]:
    """Create or replace the candidate; returns (id, created, linking report). Raises
    InvalidInputError (a field and its problem) for what the engine refuses."""
    engine = page.engine
    organisation_id = candidate_write_org(who, body.organisation_id)
    with engine.connection() as conn:  # a short read, before the model runs
        if organisation_kind(conn, organisation_id) != "centre":
            raise InvalidInputError(f"organisation_id: {organisation_id} is not a centre")
    tx = Transaction(engine)
    try:
        cid, created, report = engine.save_candidate(body, organisation_id, connect=tx.use)
        audit(tx.conn, who, "candidate.write", cid, created=created)
    except BaseException as exc:
        tx.end(exc)
        raise
    tx.end(None)
    return cid, created, report


def validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(field path as `a.0.b`, message) for each problem pydantic found."""
    out = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        out.append((where, message))
    return out


__all__ = ["save", "validation_messages"]
