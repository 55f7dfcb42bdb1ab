"""Throttling, in moving windows of one minute kept in process memory:

- failed authentication per client address: after `MATCHER_AUTH_FAILURES_PER_MINUTE`
  unknown or revoked tokens within a minute, every request from that address answers 429
  with `Retry-After` (seconds until its oldest failure leaves the window), a valid token
  included, so guessing costs a minute per few guesses;
- the expensive routes (`/taxonomy/normalize` and the two match routes) per token:
  `MATCHER_EXPENSIVE_PER_MINUTE` requests within a minute, then 429 with `Retry-After`.

The client address is the connection's peer (behind a reverse proxy, run uvicorn with
`--proxy-headers` so that it is the client's). The counts live in each worker process:
with N workers, an address may fail up to N times the limit before each worker refuses.

A window is the times of its key's hits within the last minute, oldest first: a hit drops
the times that left the window and appends its own, so it costs the same however full
the window is. (The `limits` package's memory storage, used before, started a timer
thread on most hits and copied the whole window on each expiry pass: about 50 µs of CPU
a hit at one hit every 3 ms, against 4 µs now.)
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import HTTPException, Request

from matcher.settings import Settings

WINDOW_SECONDS = 60.0
SWEEP_EVERY = 1024  # hits between two passes that forget keys with nothing in the window


@dataclass(frozen=True)
class Allowance:
    """At most `amount` hits of one key within the window."""
    amount: int


class MovingWindows:
    """Per key, the times of its hits within the last `seconds` (thread-safe)."""

    def __init__(self, seconds: float = WINDOW_SECONDS) -> None:
        self.seconds = seconds
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()
        self._since_sweep = 0

    def __len__(self) -> int:
        """Keys held (those with nothing in the window are forgotten now and then)."""
        return len(self._hits)

    def _current(self, key: tuple[str, str], now: float) -> deque[float] | None:
        times = self._hits.get(key)
        if times is not None:
            while times and times[0] <= now - self.seconds:
                times.popleft()
        return times

    def test(self, allowance: Allowance, key: tuple[str, str]) -> bool:
        """Whether one more hit would be allowed (counts nothing)."""
        with self._lock:
            times = self._current(key, time.monotonic())
            return times is None or len(times) < allowance.amount

    def hit(self, allowance: Allowance, key: tuple[str, str]) -> bool:
        """Count one hit unless the window is full; whether it was counted."""
        now = time.monotonic()
        with self._lock:
            self._since_sweep += 1
            if self._since_sweep >= SWEEP_EVERY:
                self._sweep(now)
            times = self._current(key, now)
            if times is None:
                times = self._hits[key] = deque()
            if len(times) >= allowance.amount:
                return False
            times.append(now)
            return True

    def retry_after(self, key: tuple[str, str]) -> int:
        """Whole seconds until the oldest hit of the key leaves the window (at least 1)."""
        now = time.monotonic()
        with self._lock:
            times = self._current(key, now)
            oldest = times[0] if times else now
        return max(1, math.ceil(oldest + self.seconds - now))

    def _sweep(self, now: float) -> None:
        self._since_sweep = 0
        for key in list(self._hits):
            if not self._current(key, now):
                del self._hits[key]


class Throttle:
    def __init__(self, auth_failures_per_minute: int, expensive_per_minute: int) -> None:
        self._windows = MovingWindows()
        self.auth_failures = Allowance(auth_failures_per_minute)
        self.expensive = Allowance(expensive_per_minute)

    @classmethod
    def from_settings(cls, settings: Settings) -> Throttle:
        return cls(settings.auth_failures_per_minute, settings.expensive_per_minute)

    def check_address(self, address: str) -> None:
        """429 while the address has used up its failed authentications."""
        if not self._windows.test(self.auth_failures, ("auth", address)):
            self._refuse(self.auth_failures, ("auth", address),
                         "too many failed authentications from this address")

    def failed(self, address: str) -> None:
        """Count one failed authentication of the address."""
        self._windows.hit(self.auth_failures, ("auth", address))

    def spend(self, key: str,
              what: str = "too many requests to the expensive routes with this token",
              ) -> None:
        """Count one expensive request of this token (or, for a page, this account);
        429 saying `what` past the limit."""
        if not self._windows.hit(self.expensive, ("expensive", key)):
            self._refuse(self.expensive, ("expensive", key), what)

    def _refuse(self, allowance: Allowance, key: tuple[str, str], what: str) -> None:
        wait = self._windows.retry_after(key)
        raise HTTPException(429, f"{what} (at most {allowance.amount} a minute); retry in "
                                 f"{wait} s", headers={"Retry-After": str(wait)})


def throttle(request: Request) -> Throttle:
    """The app's throttle, made on first use from the engine's settings (a test may set
    `app.state.throttle` to its own)."""
    state = request.app.state
    found: Throttle | None = getattr(state, "throttle", None)
    if found is None:
        with _MAKING:
            found = getattr(state, "throttle", None)
            if found is None:
                found = state.throttle = Throttle.from_settings(state.engine.settings)
    return found


_MAKING = threading.Lock()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


__all__ = ["Allowance", "MovingWindows", "Throttle", "client_address", "throttle"]
