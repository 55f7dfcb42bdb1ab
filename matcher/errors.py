"""Errors of the matching engine, on top of the taxonomy's hierarchy; the API maps each
class to one HTTP status in one handler."""

from __future__ import annotations

from skills_taxonomy.errors import InvalidInputError, MatcherError


class NotFoundError(MatcherError):
    """The resource does not exist, or the caller may not know that it does (404)."""


class ForbiddenError(MatcherError):
    """The caller's role may not do this at all (403)."""


class ConflictError(MatcherError):
    """The request clashes with what is stored (409)."""


class ImportRowsError(InvalidInputError):
    """A bulk import with bad rows: nothing was written; one entry per bad row."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__(f"{len(errors)} row(s) are invalid; nothing was imported")
        self.errors = errors



class DatabaseError(MatcherError):
    """The store cannot be reached or prepared."""


class DatabaseUnavailableError(DatabaseError):
    """The database is away for now (down, restarting, too slow): try again in
    `retry_after` seconds (503 with Retry-After)."""

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RowError(InvalidInputError):
    """A record of a batch cannot be prepared; names its position and field."""

    def __init__(self, row: int, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.row, self.field, self.detail = row, field, message


__all__ = ["ConflictError", "DatabaseError", "DatabaseUnavailableError", "ForbiddenError",
           "ImportRowsError", "InvalidInputError", "MatcherError", "NotFoundError", "RowError"]
