"""The taxonomy: statistics, search, one concept, and normalisation of free text."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api import responses as r
from api.deps import CurrentUser, EngineDep, RateLimited
from matcher.errors import NotFoundError
from skills_taxonomy.model import ConceptKind, LabelType

router = APIRouter(prefix="/taxonomy", tags=["taxonomy"])


class NormalizeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=10_000)
    lang: str | None = Field(None, pattern=r"^[a-z]{2,3}$")


@router.get("", **r.answers(r.TaxonomyStats))
def stats(who: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    return engine.concepts.taxonomy.stats(engine.concepts.version)


@router.get("/search", **r.answers(r.SearchHits))
def search(who: CurrentUser, engine: EngineDep,
           q: str = Query(min_length=1, max_length=200),
           kind: Literal["skill", "occupation"] = "skill",
           lang: str = Query("en", pattern=r"^[a-z]{2,3}$"),
           limit: int = Query(10, ge=1, le=50)) -> dict[str, Any]:
    return {"items": engine.concepts.search(q, ConceptKind(kind), lang, limit)}


@router.get("/concept", **r.answers(r.Concept, 404))
def concept(who: CurrentUser, engine: EngineDep, id: str = Query(min_length=1, max_length=300),
            lang: str = Query("en", pattern=r"^[a-z]{2,3}$")) -> dict[str, Any]:
    found = engine.concepts.taxonomy.concepts.get(id)
    if found is None or found.kind not in (ConceptKind.SKILL, ConceptKind.OCCUPATION):
        raise NotFoundError(f"concept {id!r} not found")
    out: dict[str, Any] = {
        "id": found.uri, "kind": found.kind.value, "label": found.preferred_label(lang),
        "description": found.description,
        "labels": [{"text": lb.text, "lang": lb.lang, "type": lb.type.value}
                   for lb in found.labels if lb.type is not LabelType.HIDDEN]}
    if found.kind is ConceptKind.OCCUPATION:
        out.update({"isco_code": found.isco_code, "regulated": found.regulated,
                    "essential_skills": [{"id": s, "label": engine.concepts.label(s, lang)}
                                         for s in engine.concepts.essential_skills(found.uri)],
                    "optional_skills": [{"id": s, "label": engine.concepts.label(s, lang)}
                                        for s in engine.concepts.optional_skills(found.uri)]})
    return out


@router.post("/normalize", dependencies=[RateLimited],
             **r.answers(r.Normalized, body=True))
def normalize(body: NormalizeIn, who: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    """Skills and occupations in a free text of any language: each mention with its span
    (in `text`, the text as linked after repairing pasted characters), concept, score,
    method and the language it was written in; `unlinked` lists the pieces that linked to
    nothing."""
    return engine.concepts.normalizer.statements([body.text], body.lang)[0].as_dict()
