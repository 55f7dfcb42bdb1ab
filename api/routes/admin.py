"""Organisations, users and tokens; `/me`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api import responses as r
from api.deps import Conn, CurrentUser, EngineDep, Limit, Offset, page
from matcher.access import candidate_scope, require
from matcher.errors import ForbiddenError, NotFoundError
from matcher.schemas import refuse_nul
from matcher.store.auth import (
    Principal,
    TokenLifetime,
    create_user,
    issue_token,
    list_tokens,
    revoke_tokens,
    token_exists,
    upsert_organisation,
    user_exists,
)
from matcher.store.auth import list_organisations as store_organisations

router = APIRouter(tags=["organisations and users"])


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=300)
    kind: Literal["centre", "employer", "provider"]
    external_id: str | None = Field(None, min_length=1, max_length=100)

    _no_nul = field_validator("*", mode="before")(refuse_nul)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=300)
    role: Literal["admin", "coach", "employer", "migrant"]
    organisation_id: int | None = None
    candidate_id: str | None = Field(None, max_length=100)

    _no_nul = field_validator("*", mode="before")(refuse_nul)


@router.post("/organisations", status_code=status.HTTP_201_CREATED,
             **r.answers(r.Organisation, 403, body=True))
def add_organisation(body: OrganisationIn, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    require(who, "admin")
    oid = upsert_organisation(conn, body.name, body.kind, body.external_id)
    return {"id": oid, **body.model_dump()}


@router.get("/organisations", **r.answers(r.OrganisationPage, 403))
def list_organisations(who: CurrentUser, conn: Conn, limit: Limit = 20,
                       offset: Offset = 0, kind: Literal["centre", "employer", "provider"]
                       | None = None) -> dict[str, Any]:
    """Admins see all; coaches see the employers (to record a candidate's consent)."""
    require(who, "admin", "coach")
    if who.role == "coach" and kind not in (None, "employer"):
        return page([], 0, limit, offset)
    wanted = "employer" if who.role == "coach" else kind
    return page(*store_organisations(conn, wanted, limit, offset), limit, offset)


@router.post("/users", status_code=status.HTTP_201_CREATED,
             **r.answers(r.UserCreated, 403, 404, body=True))
def add_user(body: UserIn, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    """A user and its first token (shown once). Coaches may add the migrant user of one
    of their own candidates; everything else is for admins."""
    if who.role == "coach" and body.role == "migrant" and body.candidate_id:
        candidate_scope(conn, who, body.candidate_id)
    else:
        require(who, "admin")
    uid = create_user(conn, body.name, body.role, body.organisation_id, body.candidate_id)
    token = issue_token(conn, uid, "created with the user")
    return {"id": uid, **body.model_dump(), "token": token}


@router.post("/users/{user_id}/tokens", status_code=status.HTTP_201_CREATED,
             **r.answers(r.TokenIssued, 403, 404))
def add_token(user_id: int, who: CurrentUser, conn: Conn) -> dict[str, Any]:
    require(who, "admin")
    if not user_exists(conn, user_id):
        raise NotFoundError(f"user {user_id} not found")
    return {"user_id": user_id, "token": issue_token(conn, user_id, "issued by an admin")}


RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _own_or_admin(who: Principal, conn: Conn, user_id: int) -> None:
    """Admins manage every user's tokens; everyone else only their own."""
    if who.role != "admin" and who.user_id != user_id:
        raise ForbiddenError(f"a {who.role} manages only their own tokens")
    if not user_exists(conn, user_id):
        raise NotFoundError(f"user {user_id} not found")


@router.get("/users/{user_id}/tokens", **r.answers(r.TokenList, 403, 404))
def tokens(user_id: RowId, who: CurrentUser, engine: EngineDep, conn: Conn) -> dict[str, Any]:
    """The user's tokens, newest first: id, first characters (never the secret), label,
    when issued, when they expire, whether revoked. Admins, or the user themself."""
    _own_or_admin(who, conn, user_id)
    lifetime = TokenLifetime(engine.settings.token_days, engine.settings.migrant_token_days)
    return {"user_id": user_id, "items": list_tokens(conn, user_id, lifetime)}


@router.delete("/users/{user_id}/tokens/{token_id}", **r.answers(r.TokenRevoked, 403, 404))
def revoke_token(user_id: RowId, token_id: RowId, who: CurrentUser, conn: Conn,
                 ) -> dict[str, Any]:
    """Revoke one token (at once: the next request with it answers 401). Admins, or the
    user themself."""
    _own_or_admin(who, conn, user_id)
    if not token_exists(conn, user_id, token_id):
        raise NotFoundError(f"token {token_id} of user {user_id} not found")
    revoked = revoke_tokens(conn, user_id, token_id) == 1
    return {"user_id": user_id, "token_id": token_id, "revoked": revoked}


@router.get("/me", **r.answers(r.Me))
def me(who: CurrentUser) -> dict[str, Any]:
    return {"user_id": who.user_id, "name": who.name, "role": who.role,
            "organisation_id": who.organisation_id, "candidate_id": who.candidate_id}
