"""Dependencies shared by the routes: the engine, the authenticated caller, pagination."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from matcher.engine import Engine
from matcher.store.auth import Principal, authenticate

_bearer = HTTPBearer(auto_error=False, description="a token from `matcher users add` or the demo")


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def current_user(engine: EngineDep, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    unauthorised = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "missing bearer token (Authorization: Bearer <token>)",
                            headers=unauthorised)
    with engine.connection() as conn:
        who = authenticate(conn, credentials.credentials)
    if who is None:
        raise HTTPException(401, "invalid or revoked token", headers=unauthorised)
    return who


CurrentUser = Annotated[Principal, Depends(current_user)]
Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Lang = Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$",
                                   description="language of the labels; default: en, or the "
                                               "migrant's own language")]


ImportFormat = Annotated[Literal["jsonl", "csv"] | None,
                         Query(description="default: from the Content-Type")]


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def upserted(response: Response, location: str, rid: object, created: bool,
             ) -> dict[str, Any]:
    """The answer to an upsert: 201 with Location when created, 200 when replaced."""
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = location
    return {"id": rid, "created": created}


__all__ = ["CurrentUser", "EngineDep", "ImportFormat", "Lang", "Limit", "Offset",
           "current_user", "get_engine", "page", "upserted"]
