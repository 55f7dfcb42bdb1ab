"""How the API is served: uvicorn with the h11 protocol, a bounded request head, and an
answer instead of a dropped connection when the head is over that bound.

uvicorn answers any request h11 cannot parse with a bare 400 and closes the socket at
once; when the client is still sending (a 1 MB header), the unread bytes make the kernel
reset the connection and the client sees no answer at all. Here a head over the limit is
answered with 431 and a JSON `detail`, then the server stops writing, reads and drops
what the client still sends (a bounded amount, for a bounded time) and closes only then,
so the answer arrives. A head over the limit that arrived whole is measured by
`api.input.HeadLimit`, with the same answer.
"""

from __future__ import annotations

import json
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.input import MAX_HEAD_BYTES, head_too_large

LINGER_BYTES = 8 * 1024 * 1024  # read and dropped after a refused head, at most
LINGER_SECONDS = 5.0


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol; a request head over `MAX_HEAD_BYTES` gets 431, not 400
    and a reset."""

    _lingering = False
    _dropped = 0

    def data_received(self, data: bytes) -> None:
        if self._lingering:  # after the 431: drop, up to a bound
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self.transport.close()
            return
        super().data_received(data)

    def eof_received(self) -> None:
        if self._lingering:
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        buffered, _ = self.conn.trailing_data
        if self.conn.their_state is not h11.ERROR or len(buffered) <= MAX_HEAD_BYTES:
            super().send_400_response(msg)
            return
        body = json.dumps({"detail": head_too_large()}).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode())]
        for event in (h11.Response(status_code=431, headers=headers,
                                   reason=b"Request Header Fields Too Large"),
                      h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self._lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration the API runs with (`python -m api` and the tests that
    need a real server)."""
    return uvicorn.Config(app, host=host, port=port, http=BoundedH11Protocol,
                          h11_max_incomplete_event_size=MAX_HEAD_BYTES, **options)


__all__ = ["BoundedH11Protocol", "config"]
