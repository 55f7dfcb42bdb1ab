"""What the coach console's templates share: taxonomy labels in the reader's language
(English marked as such where the taxonomy has no label in it), language names, the words
for permits, statuses, sources and kinds, and the candidate's tabs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from api.pages.i18n import N_, language_name
from api.pages.web import Page, PageError
from matcher.access import candidate_scope
from matcher.concepts import Concepts
from matcher.store.auth import Principal
from matcher.store.caseload import candidate_heading

# languages offered in the intake form: those of the people the centres work with first
LANGUAGE_CHOICES = ("ar", "fa", "prs", "ps", "ku", "ti", "so", "am", "uk", "ru", "tr", "vi",
                    "zh", "ur", "hi", "bn", "sq", "sr", "ro", "bg", "pl", "fr", "es", "it",
                    "pt", "ka", "hy", "az", "de", "en")
PERMIT_WORDS = {"none": N_("no work permit"), "pending": N_("permit applied for"),
                "restricted": N_("restricted permit"), "full": N_("full permit")}
STATUS_WORDS = {"none": N_("not applied for"), "applied": N_("applied for"),
                "partial": N_("partly recognised"), "full": N_("fully recognised")}
MEASURE_WORDS = {"adaptation_course": N_("adaptation course"),
                 "knowledge_test": N_("knowledge test")}
SOURCE_WORDS = {"coach_verified": N_("confirmed by a coach"),
                "self_declared": N_("said by the person"),
                "qualification": N_("from a qualification"),
                "work_experience": N_("from work experience"), "course": N_("after a course"),
                "language": N_("from the language level they stated")}
KIND_WORDS = {"job": N_("Job"), "apprenticeship": N_("Apprenticeship"),
              "placement": N_("Placement")}
KIND_TABS = (("", N_("All")), ("job", N_("Jobs")), ("apprenticeship", N_("Apprenticeships")),
             ("placement", N_("Placements")))
OUTCOME_WORDS = {"contacted": N_("contacted"), "interview": N_("interview"),
                 "placed": N_("placed"), "rejected": N_("rejected")}
TABS = (("", N_("Profile")), ("/matches", N_("Matches")), ("/courses", N_("Courses")),
        ("/recognition", N_("Recognition")))


@dataclass(frozen=True)
class Labels:
    """Taxonomy labels for one reader."""

    concepts: Concepts
    lang: str

    def __call__(self, uri: str | None) -> Markup:
        """The concept's label, in <span lang="en"> when the taxonomy has none in the
        reader's language (escaped)."""
        if not uri:
            return Markup("")
        concept = self.concepts.taxonomy.concepts.get(uri)
        if concept is None:
            return Markup("<span>%s</span>") % uri
        own = any(label.lang == self.lang for label in concept.labels)
        text = concept.preferred_label(self.lang)
        if own or self.lang == "en":
            return Markup("%s") % text
        return Markup('<span lang="en">%s</span>') % text


def coach_context(page: Page) -> dict[str, Any]:
    """What every coach template gets: labels, language names and the words."""
    return {"label": Labels(page.engine.concepts, page.lang),
            "language_name": lambda code: language_name(code, page.lang),
            "permit_words": PERMIT_WORDS, "status_words": STATUS_WORDS,
            "measure_words": MEASURE_WORDS, "source_words": SOURCE_WORDS,
            "kind_words": KIND_WORDS, "outcome_words": OUTCOME_WORDS}


def said(page: Page, message: str, **values: object) -> Markup:
    """A message translated for the page, safe as HTML (gettext escaped it already)."""
    return Markup(page._(message, **values))  # noqa: S704 - escaped by Speaker.gettext


def coach(page: Page) -> Principal:
    """The signed-in coach or admin (403 page for anyone else)."""
    page.require("coach", "admin")
    return page.who


def candidate_header(page: Page, conn: Any, candidate_id: str) -> dict[str, Any]:
    """Checks the candidate is in the caller's scope (404 page otherwise) and returns
    what the header of each candidate tab shows: name, town, permit, languages."""
    candidate_scope(conn, page.who, candidate_id)
    heading = candidate_heading(conn, candidate_id)
    if heading is None:
        raise PageError(404, page._("This candidate does not exist or is not yours."))
    return heading


def tabs(candidate_id: str, current: str) -> list[dict[str, Any]]:
    base = f"/coach/candidates/{candidate_id}"
    return [{"href": base + suffix, "label": label, "current": suffix == current}
            for suffix, label in TABS]


__all__ = ["KIND_TABS", "KIND_WORDS", "LANGUAGE_CHOICES", "Labels", "candidate_header",
           "coach", "coach_context", "language_name", "said", "tabs"]
