"""What the HTTP layer refuses before a route runs, each with a 4xx whose `detail` says
why: a request head over the limit (431), and for the routes that read a JSON body a
wrong Content-Type (415), bytes that are not UTF-8 (400), and JSON that Python would read
but the engine cannot use — NaN, Infinity, deep nesting, NUL characters, lone surrogates
(422, `matcher.intake.strict_json`).

The bulk imports and the EQF upload read their own formats (JSON Lines, CSV) and check
them the same way in `matcher.intake.files` and `matcher.recognition.eqf_table`.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.intake import strict_json
from skills_taxonomy.errors import InvalidInputError

MAX_HEAD_BYTES = 32 * 1024  # the request line and headers together
JSON_TYPES = ("application/json",)


def _refuse(status: int, detail: str, **headers: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail},
                        headers=headers or None)


def head_too_large() -> str:
    return (f"request head: the request line and headers are larger than the limit of "
            f"{MAX_HEAD_BYTES:,} bytes")


class HeadLimit:
    """431 for a request whose head is over `MAX_HEAD_BYTES`. The server refuses a head it
    cannot buffer (`api.server`); one that arrived whole is measured here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = (len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
                    + sum(len(k) + len(v) + 4 for k, v in scope["headers"]))
            if size > MAX_HEAD_BYTES:
                await _refuse(431, head_too_large())(scope, receive, send)
                return
        await self.app(scope, receive, send)


class JsonBodies:
    """For each route whose OpenAPI request body is JSON only: the Content-Type must be
    JSON (else 415 naming it), the body UTF-8 (else 400 naming byte and line) and strict
    JSON (else 422 naming the problem and where). The body is read here once, within the
    body limit of the middleware outside this one, and passed on as it came."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app, self.api = app, api
        self._routes: list[tuple[re.Pattern[str], str, bool]] | None = None

    def _takes_json(self, method: str, path: str) -> bool:
        if self._routes is None:  # literal paths first: /courses/import before /courses/{id}
            routes = []
            for template, operations in self.api.openapi()["paths"].items():
                pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
                for verb, operation in operations.items():
                    content = operation.get("requestBody", {}).get("content", {})
                    routes.append((pattern, verb.upper(), bool(content) and
                                   set(content) <= set(JSON_TYPES), "{" in template))
            self._routes = [(p, v, j) for p, v, j, _ in sorted(routes, key=lambda r: r[3])]
        for pattern, verb, json_only in self._routes:
            if verb == method and pattern.fullmatch(path):
                return json_only
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH")
                or not self._takes_json(scope["method"], scope["path"])):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if headers.get(b"content-length", b"").strip() in (b"", b"0") \
                and b"transfer-encoding" not in headers:  # no body: the route says if needed
            await self.app(scope, receive, send)
            return
        declared = headers.get(b"content-type", b"").decode("latin-1")
        kind = declared.split(";")[0].strip().lower()
        if kind not in JSON_TYPES and not kind.endswith("+json"):
            await _refuse(415, f"Content-Type {declared.strip()[:100] or '(none)'!r}: this "
                               f"route reads {', '.join(JSON_TYPES)}",
                          Accept=", ".join(JSON_TYPES))(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            if body.strip():
                strict_json.loads(strict_json.decode(body))
        except strict_json.NotUtf8Error as exc:
            await _refuse(400, str(exc))(scope, receive, send)
            return
        except InvalidInputError as exc:
            await _refuse(422, str(exc))(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def install(app: FastAPI) -> None:
    """Add both, inside the body limit (call before adding it: the last added runs first)."""
    app.add_middleware(JsonBodies, api=app)
    app.add_middleware(HeadLimit)


__all__ = ["MAX_HEAD_BYTES", "HeadLimit", "JsonBodies", "head_too_large", "install"]
