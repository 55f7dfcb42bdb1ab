"""Bodies of the JSON-LD routes: a vacancy as a schema.org JobPosting, and a page of them as
an ItemList (`matcher.intake.job_posting` makes them). They are sent as
`application/ld+json`; the errors of those routes stay `application/json`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import Field

from api.responses.common import Out, answers


class JsonLdResponse(JSONResponse):
    media_type = "application/ld+json"


def ld_answers(model: Any, *codes: int) -> dict[str, Any]:
    """`answers()` for a route that sends JSON-LD: the body documented as
    `application/ld+json`, each error as the `application/json` it is sent as."""
    kwargs = answers(model, *codes)
    for response in kwargs["responses"].values():
        error = response.pop("model")
        response["content"] = {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{error.__name__}"}}}
    return {**kwargs, "response_class": JsonLdResponse}


class Node(Out):
    type: str = Field(alias="@type")


class PropertyValue(Node):
    name: str
    value: str


class Organization(Node):
    name: str


class PostalAddress(Node):
    addressLocality: str | None
    addressCountry: str | None = None


class GeoCoordinates(Node):
    latitude: float
    longitude: float


class Place(Node):
    address: PostalAddress
    geo: GeoCoordinates | None = None


class DefinedTerm(Node):
    id: str = Field(alias="@id", description="the concept id (an ESCO URI)")
    name: str = Field(description="its label in the language asked for")
    inDefinedTermSet: str | None = None


class CategoryCode(Node):
    id: str = Field(alias="@id")
    codeValue: str = Field(description="the occupation's concept id (an ESCO URI)")
    name: str
    inCodeSet: str | None = None


class JobPosting(Node):
    """A vacancy as schema.org JobPosting. The `matcher:` properties carry what schema.org
    cannot say, so that importing the posting gives the same vacancy."""

    context: str | None = Field(None, alias="@context",
                                description="https://schema.org (not inside an ItemList)")
    identifier: PropertyValue = Field(description="value: the vacancy's external id")
    title: str
    description: str | None = Field(None, description="HTML: paragraphs and line breaks")
    datePosted: dt.date
    validThrough: dt.datetime | None = Field(None, description="a closed vacancy: when")
    employmentType: str | None = Field(None, description="INTERN for a placement")
    hiringOrganization: Organization
    jobLocation: Place
    occupationalCategory: CategoryCode | None = None
    skills: list[DefinedTerm] = Field(description="the essential skills")
    qualifications: list[str] | None = Field(None, description="language requirements, "
                                                                "e.g. \"German B2\"")
    totalJobOpenings: int
    jobStartDate: dt.date | None = None
    url: str
    kind: Literal["job", "apprenticeship", "placement"] = Field(alias="matcher:kind")
    employer_id: int = Field(alias="matcher:employerId")
    min_permit: str = Field(alias="matcher:minPermit")
    requires_recognition: bool = Field(alias="matcher:requiresRecognition")
    accepts_in_process: bool = Field(alias="matcher:acceptsInProcess")
    languages: list[str] = Field(alias="matcher:languages", description='e.g. ["de:B2"]')
    optional_skills: list[DefinedTerm] | None = Field(None, alias="matcher:optionalSkills")
    prerequisites: list[DefinedTerm] | None = Field(None, alias="matcher:prerequisites")
    essential_skills_text: str | None = Field(None, alias="matcher:essentialSkillsText")
    optional_skills_text: str | None = Field(None, alias="matcher:optionalSkillsText")
    min_eqf: int | None = Field(None, alias="matcher:minEqf")


class ListItem(Node):
    position: int = Field(description="from 1 over all pages (offset + place on the page)")
    item: JobPosting


class JobPostingList(Node):
    context: str = Field(alias="@context")
    numberOfItems: int = Field(description="all the vacancies listed, over all pages")
    itemListElement: list[ListItem]
