"""Who may read and write what. One place, called by every route before it acts.

- admin: everything.
- coach: the candidates of their own centre (read, write, match, export, erase, outcomes);
  every vacancy and course (read); the courses their centre owns (write: new ones become
  the centre's; a course another organisation owns, or one without an owner, answers 403).
- employer: their organisation's vacancies (read, write, match); in matches, candidates
  pseudonymised unless the candidate consented to them; courses (read).
- migrant: their own profile, matches, courses and course plans; export and erasure of
  their own data; consents.

A record outside the caller's scope answers 404, exactly like one that does not exist,
so ids leak nothing; a route the role may never use answers 403.
"""

from __future__ import annotations

import psycopg

from matcher.errors import ForbiddenError, NotFoundError
from matcher.store.auth import Principal, organisation_kind
from matcher.store.candidates import candidate_org
from matcher.store.vacancies import vacancy_employer
from skills_taxonomy.errors import InvalidInputError


def require(who: Principal, *roles: str) -> None:
    if who.role not in roles:
        raise ForbiddenError(f"a {who.role} may not do this (allowed: {', '.join(roles)})")


def candidate_scope(conn: psycopg.Connection, who: Principal, candidate_id: str) -> None:
    """Raise unless the caller may see this candidate's full profile."""
    require(who, "admin", "coach", "migrant")
    org = candidate_org(conn, candidate_id)
    visible = org is not None and (
        who.role == "admin"
        or (who.role == "coach" and org == who.organisation_id)
        or (who.role == "migrant" and who.candidate_id == candidate_id))
    if not visible:
        raise NotFoundError(f"candidate {candidate_id!r} not found")


def candidate_write_org(who: Principal, requested: int | None) -> int:
    """The centre a candidate written by this caller belongs to."""
    require(who, "admin", "coach")
    if who.role == "coach":
        if requested not in (None, who.organisation_id):
            raise ForbiddenError("organisation_id: a coach writes candidates of their own centre")
        assert who.organisation_id is not None
        return who.organisation_id
    if requested is None:
        raise InvalidInputError("organisation_id: required when an admin writes a candidate")
    return requested


def vacancy_scope(conn: psycopg.Connection, who: Principal, vacancy_id: int,
                  write: bool = False) -> int:
    """Raise unless the caller may read (or write) this vacancy; returns its employer."""
    employer = vacancy_employer(conn, vacancy_id)
    if employer is None or (who.role == "employer" and employer != who.organisation_id):
        raise NotFoundError(f"vacancy {vacancy_id} not found")
    if write:
        require(who, "admin", "employer")
    return employer


def vacancy_write_employer(who: Principal, requested: int | None, field: str = "employer_id",
                           ) -> int:
    require(who, "admin", "employer")
    if who.role == "employer":
        if requested not in (None, who.organisation_id):
            raise ForbiddenError(f"{field}: an employer writes only its own vacancies")
        assert who.organisation_id is not None
        return who.organisation_id
    if requested is None:
        raise InvalidInputError(f"{field}: required when an admin writes a vacancy")
    return requested


def course_write_owner(conn: psycopg.Connection, who: Principal, requested: int | None,
                       ) -> int | None:
    """The organisation that owns a course written by this caller: a coach's centre, or
    for an admin the provider or centre named (None: admins only). Whether the caller may
    replace a stored course is checked in the upsert (`store.courses.write_courses`)."""
    require(who, "admin", "coach")
    if who.role == "coach":
        if requested not in (None, who.organisation_id):
            raise ForbiddenError("organisation_id: a coach writes courses of their own centre")
        return who.organisation_id
    if requested is not None and organisation_kind(conn, requested) not in ("provider",
                                                                             "centre"):
        raise InvalidInputError(f"organisation_id: {requested} is not a provider or a centre")
    return requested


__all__ = ["candidate_scope", "candidate_write_org", "course_write_owner", "require",
           "vacancy_scope", "vacancy_write_employer"]
