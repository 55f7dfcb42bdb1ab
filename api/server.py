"""How the API is served: uvicorn on uvloop with the httptools protocol, a bounded request
head, and an answer instead of a dropped connection when the head is over that bound.

httptools and uvloop, not h11 and asyncio's own loop: under 32 clients they cut the API's
CPU per request by a third (BENCHMARKS.md, "The HTTP server"). httptools buffers a head
of any size; here the bytes of a head still incomplete are counted, and a head over
`MAX_HEAD_BYTES` is answered with 431 and a JSON `detail`. The server then stops
writing, reads and drops what the client still sends (a bounded amount, for a bounded
time) and closes only then, so the answer arrives instead of a reset. A head over the
limit that arrived whole (in one read) is measured by `api.input.HeadLimit`, with the
same answer.
"""

from __future__ import annotations

import json
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from api.input import MAX_HEAD_BYTES, head_too_large

LINGER_BYTES = 8 * 1024 * 1024  # read and dropped after a refused head, at most
LINGER_SECONDS = 5.0


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol; a request head over `MAX_HEAD_BYTES` gets 431, not
    unbounded buffering."""

    _lingering = False
    _dropped = 0
    _in_head = True  # from a connection's start or a message's end to the next headers' end
    _head_bytes = 0
    _ended = False  # a message ended during the current read

    def data_received(self, data: bytes) -> None:
        if self._lingering:  # after the 431: drop, up to a bound
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self.transport.close()
            return
        self._ended = False
        super().data_received(data)
        # A read that ended a message may hold the start of the next head: at most one
        # read (a bounded size) goes uncounted.
        if self._in_head and not self._ended and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse_head()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._ended = True, True

    def eof_received(self) -> None:
        if self._lingering:
            self.transport.close()

    def _refuse_head(self) -> None:
        body = json.dumps({"detail": head_too_large()}).encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        self._lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration the API runs with (`python -m api` and the tests that
    need a real server)."""
    return uvicorn.Config(app, host=host, port=port, http=BoundedHttpToolsProtocol,
                          loop="uvloop", **options)


def serve(app: Any, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """Serve until stopped. With several workers, `app` must be an import string (each
    worker process imports it) and the workers share one listening socket."""
    conf = config(app, host, port, workers=workers, **options)
    if workers <= 1:
        uvicorn.Server(conf).run()
    else:
        Multiprocess(conf, sockets=[conf.bind_socket()]).run()


__all__ = ["BoundedHttpToolsProtocol", "config", "serve"]
