"""Candidate ids out of the access log.

A candidate id in a URL (`/candidates/cand_5f1c0a9e2b7d/matches`, `?candidate_id=...`) is
a pseudonym of a person: the access log keeps, instead, a keyed hash of it
(`cand~` and 12 hex digits, HMAC-SHA-256 with `MATCHER_LOG_KEY`, or a key made anew each
time the process starts). The same id gives the same hash under one key, so an operator
can still follow one person's requests through a log; without the key the hash leads
back to no id, and erasing the candidate leaves nothing in the log to erase.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from typing import Any

CANDIDATE_ID = re.compile(r"cand_[0-9A-Za-z_-]+")
ACCESS_LOGGER = "uvicorn.access"


class PseudonymFilter(logging.Filter):
    """Replaces candidate ids in a log record's message and arguments by keyed hashes."""

    def __init__(self, key: bytes) -> None:
        super().__init__()
        self._key = key

    def pseudonym(self, candidate_id: str) -> str:
        digest = hmac.new(self._key, candidate_id.encode(), hashlib.sha256).hexdigest()
        return "cand~" + digest[:12]

    def scrub(self, value: Any) -> Any:
        if isinstance(value, str) and "cand_" in value:
            return CANDIDATE_ID.sub(lambda m: self.pseudonym(m.group()), value)
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self.scrub(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self.scrub(v) for k, v in record.args.items()}
        return True


def pseudonymise_access_log(key: str | None = None) -> PseudonymFilter:
    """Install the filter on uvicorn's access logger (once; a later call changes the
    key) and return it."""
    logger = logging.getLogger(ACCESS_LOGGER)
    secret = key.encode() if key else secrets.token_bytes(32)
    for existing in logger.filters:
        if isinstance(existing, PseudonymFilter):
            if key:
                existing._key = secret
            return existing
    installed = PseudonymFilter(secret)
    logger.addFilter(installed)
    return installed


__all__ = ["CANDIDATE_ID", "PseudonymFilter", "pseudonymise_access_log"]
