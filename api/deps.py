"""Dependencies shared by the routes: the engine, the authenticated caller, the request's
transaction, pagination.

One request, one transaction: `Tx` (and `Conn`, its connection) is opened the first time a
route uses it and committed when the route has returned, before the answer is sent, or
rolled back when the route raises, so a write and its audit row are stored together or
not at all. It opens lazily so that a route can link free text (the model runs for a
while) before it takes a connection from the pool.

Authentication reads the token in that same transaction when the route takes `Conn` (its
connection is taken before it runs anyway): one pooled connection and one transaction
for the token, the scope check, the read and the audit row. A route that takes `Tx` (it
may link text first) or no connection (it reads on a replica, or not at all) has the
token read on a short connection of its own, so that nothing is held while it works.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import Annotated, Any, Literal

import psycopg
from fastapi import Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic_core import to_json

from api.limits import client_address, throttle
from matcher.engine import Engine
from matcher.store.auth import (
    Principal,
    TokenExpiredError,
    TokenLifetime,
    authenticate,
    hash_token,
)

_bearer = HTTPBearer(auto_error=False, description="a token from `matcher users add` or the demo")


async def get_engine(request: Request) -> Engine:
    """Async, as `rate_limited`: FastAPI runs a sync dependency in its threadpool, and the
    hop there and back costs more than what these do."""
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


class Transaction:
    """The request's unit of work: one pooled connection, one transaction, opened on
    first use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._opened: AbstractContextManager[psycopg.Connection] | None = None
        self._conn: psycopg.Connection | None = None

    @property
    def conn(self) -> psycopg.Connection:
        if self._conn is None:
            self._opened = self._engine.connection()
            self._conn = self._opened.__enter__()
        return self._conn

    def use(self) -> AbstractContextManager[psycopg.Connection]:
        """The connection as a context manager that leaves committing to the request (for
        engine methods that take a `connect`)."""
        return nullcontext(self.conn)

    def end(self, exc: BaseException | None) -> None:
        """Commit (no error) or roll back, and give the connection back to the pool."""
        opened, self._opened, self._conn = self._opened, None, None
        if opened is not None:
            tb: TracebackType | None = exc.__traceback__ if exc else None
            opened.__exit__(type(exc) if exc else None, exc, tb)


def transaction(engine: EngineDep) -> Iterator[Transaction]:
    tx = Transaction(engine)
    try:
        yield tx
    except BaseException as exc:
        tx.end(exc)
        raise
    tx.end(None)


def connection(tx: Annotated[Transaction, Depends(transaction, scope="function")],
               ) -> psycopg.Connection:
    return tx.conn


# scope="function": committed when the route returns, before the answer goes out, so a
# failed commit is an error answer, not a success that did not happen.
Tx = Annotated[Transaction, Depends(transaction, scope="function")]
Conn = Annotated[psycopg.Connection, Depends(connection, scope="function")]


def takes_connection(request: Request) -> bool:
    """Whether the request's route takes `Conn`: its transaction is open before it runs."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    return dependant is not None and any(
        d.call is connection for d in dependant.dependencies)


def current_user(request: Request, engine: EngineDep, tx: Tx, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The token's user, read in the request's transaction when the route takes `Conn`,
    else on a short connection. An address with too many failed tokens in the last minute
    gets 429 before its token is looked at (`api/limits.py`); an expired token 401 saying
    so."""
    unauthorised = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "missing bearer token (Authorization: Bearer <token>)",
                            headers=unauthorised)
    limiter, address = throttle(request), client_address(request)
    limiter.check_address(address)
    lifetime = TokenLifetime(engine.settings.token_days, engine.settings.migrant_token_days)
    try:
        with tx.use() if takes_connection(request) else engine.connection() as conn:
            who = authenticate(conn, credentials.credentials, lifetime)
    except TokenExpiredError as exc:
        days = lifetime.for_role(str(exc)).days
        raise HTTPException(401, f"token expired (a {exc} token is valid for {days} days);"
                                 " ask for a new one", headers=unauthorised) from exc
    if who is None:
        limiter.failed(address)
        raise HTTPException(401, "invalid or revoked token", headers=unauthorised)
    return who


CurrentUser = Annotated[Principal, Depends(current_user)]


async def rate_limited(request: Request, who: CurrentUser, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """For the expensive routes: counts the request against its token's limit (429 past
    it)."""
    assert credentials is not None  # current_user has refused a request without one
    throttle(request).spend(hash_token(credentials.credentials)[:32])


RateLimited = Depends(rate_limited)

Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Lang = Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$",
                                   description="language of the labels; default: en, or the "
                                               "migrant's own language")]


ImportFormat = Annotated[Literal["jsonl", "csv"] | None,
                         Query(description="default: from the Content-Type")]


def import_body(what: str) -> dict[str, Any]:
    """The OpenAPI request body of a bulk import (the route reads the raw bytes)."""
    text = {"schema": {"type": "string"}}
    return {"requestBody": {"required": True, "description": (
        f"the {what}: JSON Lines (one record per line) or CSV with a header row; the format "
        "from the Content-Type or `?format=`"), "content": {
            "application/x-ndjson": text, "text/csv": text}}}


def matches_etag(if_none_match: str, etag: str) -> bool:
    """`If-None-Match` against an ETag, compared weakly (RFC 9110 13.1.2)."""
    def bare(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    return any(t.strip() == "*" or bare(t) == bare(etag) for t in if_none_match.split(","))


def with_etag(request: Request, body: dict[str, Any]) -> Response:
    """A list sent with a weak ETag of its content (`Cache-Control: private, no-cache`:
    a client keeps it and asks again with `If-None-Match`), or 304 without a body while
    the content is unchanged. Saves the bytes, not the query."""
    payload = to_json(body)
    etag = 'W/"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    asked = request.headers.get("if-none-match")
    if asked and matches_etag(asked, etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(payload, media_type="application/json", headers=headers)


def wake_workers(app: Any) -> None:
    """Tell this process's job workers that a job was just queued (others poll)."""
    for worker in getattr(app.state, "job_workers", []):
        worker.wake()


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def upserted(response: Response, location: str, rid: object, created: bool,
             ) -> dict[str, Any]:
    """The answer to an upsert: 201 with Location when created, 200 when replaced."""
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = location
    return {"id": rid, "created": created}



class _Serialised(JSONResponse):
    """JSON written by pydantic-core (datetimes and all), as a response model would."""

    def render(self, content: Any) -> bytes:
        return to_json(content)


def as_sent(body: dict[str, Any]) -> JSONResponse:
    """A large body sent as the engine made it, not validated again against the route's
    response model: the model documents it, and the test suite checks every route's
    answers against it (schemathesis). A page of 20 explained matches costs about 1.2 ms
    to validate — 10 % of the match route (BENCHMARKS.md, matching)."""
    return _Serialised(body)


__all__ = ["Conn", "CurrentUser", "EngineDep", "ImportFormat", "Lang", "Limit", "Offset",
           "RateLimited", "Transaction", "Tx", "as_sent", "current_user", "get_engine",
           "import_body", "matches_etag", "page", "takes_connection", "upserted",
           "wake_workers", "with_etag"]
