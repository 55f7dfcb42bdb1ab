"""Throttling, with the `limits` package (moving windows kept in process memory):

- failed authentication per client address: after `MATCHER_AUTH_FAILURES_PER_MINUTE`
  unknown or revoked tokens within a minute, every request from that address answers 429
  with `Retry-After` (seconds until its oldest failure leaves the window), a valid token
  included, so guessing costs a minute per few guesses;
- the expensive routes (`/taxonomy/normalize` and the two match routes) per token:
  `MATCHER_EXPENSIVE_PER_MINUTE` requests within a minute, then 429 with `Retry-After`.

The client address is the connection's peer (behind a reverse proxy, run uvicorn with
`--proxy-headers` so that it is the client's). The counts live in each worker process:
with N workers, an address may fail up to N times the limit before each worker refuses.
"""

from __future__ import annotations

import math
import threading
import time

from fastapi import HTTPException, Request
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from matcher.settings import Settings


class Throttle:
    def __init__(self, auth_failures_per_minute: int, expensive_per_minute: int) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self.auth_failures = RateLimitItemPerMinute(auth_failures_per_minute)
        self.expensive = RateLimitItemPerMinute(expensive_per_minute)

    @classmethod
    def from_settings(cls, settings: Settings) -> Throttle:
        return cls(settings.auth_failures_per_minute, settings.expensive_per_minute)

    def check_address(self, address: str) -> None:
        """429 while the address has used up its failed authentications."""
        if not self._limiter.test(self.auth_failures, "auth", address):
            self._refuse(self.auth_failures, ("auth", address),
                         "too many failed authentications from this address")

    def failed(self, address: str) -> None:
        """Count one failed authentication of the address."""
        self._limiter.hit(self.auth_failures, "auth", address)

    def spend(self, token_key: str) -> None:
        """Count one request of this token to an expensive route; 429 past the limit."""
        if not self._limiter.hit(self.expensive, "expensive", token_key):
            self._refuse(self.expensive, ("expensive", token_key),
                         "too many requests to the expensive routes with this token")

    def _refuse(self, item: RateLimitItem, keys: tuple[str, ...], what: str) -> None:
        reset = self._limiter.get_window_stats(item, *keys).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise HTTPException(429, f"{what} (at most {item.amount} a minute); retry in "
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


__all__ = ["Throttle", "client_address", "throttle"]
