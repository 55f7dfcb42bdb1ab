"""Bodies of the organisation, user, taxonomy and health routes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from api.responses.common import Labelled, Number, Out, Page


class Organisation(Out):
    id: int
    name: str
    kind: str
    external_id: str | None


class OrganisationPage(Page):
    items: list[Organisation]


class UserCreated(Out):
    id: int
    name: str
    role: str
    organisation_id: int | None
    candidate_id: str | None
    token: str = Field(description="shown once")


class TokenIssued(Out):
    user_id: int
    token: str = Field(description="shown once")


class TokenInfo(Out):
    id: int
    prefix: str | None = Field(description="the token's first characters (null for tokens "
                                           "issued before prefixes were kept); never the "
                                           "secret")
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    state: str = Field(description="active, expired or revoked")


class TokenList(Out):
    user_id: int
    items: list[TokenInfo]


class TokenRevoked(Out):
    user_id: int
    token_id: int
    revoked: bool = Field(description="false: it was revoked already")


class Me(Out):
    user_id: int
    name: str
    role: str
    organisation_id: int | None
    candidate_id: str | None


# --- taxonomy ----------------------------------------------------------------------------------
class TaxonomyStats(Out):
    version: str
    sources: list[str]
    skills: int
    occupations: int


class SearchHit(Labelled):
    kind: str
    score: Number


class SearchHits(Out):
    items: list[SearchHit]


class ConceptLabel(Out):
    text: str
    lang: str
    type: str


class Concept(Out):
    id: str
    kind: str
    label: str
    description: str | None
    labels: list[ConceptLabel]
    isco_code: str | None = None
    regulated: bool | None = None
    essential_skills: list[Labelled] | None = None
    optional_skills: list[Labelled] | None = None


class Mention(Out):
    start: int
    end: int
    text: str
    concept: str
    kind: str
    label: str
    score: Number
    method: str
    lang: str | None = None


class Span(Out):
    start: int
    end: int
    text: str


class Normalized(Out):
    text: str
    lang: str | None
    mentions: list[Mention]
    unlinked: list[Span]


class Health(Out):
    status: str
    taxonomy: str
    database: str = Field("available", description="available or unavailable (the "
                                                   "process answers either way: liveness)")


class Ready(Out):
    status: str = Field(description="ready, or unavailable (with 503)")
    migration: int | None = Field(description="the last migration the database holds")
    detail: str | None = Field(None, description="why it is not ready")
