"""Free text linked live, for the coach's intake and the employer's vacancy form: each
suggestion with its span, its concept in the reader's language and its confidence, to
confirm (checked) or reject (unchecked); the pieces that linked to nothing are flagged.

`POST /link` answers an HTML fragment (htmx swaps it in under the text field while the
person types). Without JavaScript the forms post a "check the text" button and render the
same fragment (`linked_text()`) in the whole page. Linking is the same call as
`POST /taxonomy/normalize`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from api.pages.i18n import N_
from api.pages.web import Form, PageDep, form_text
from matcher.engine import Engine
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Mention

router = APIRouter(include_in_schema=False)
KINDS = {"skill": (ConceptKind.SKILL,), "occupation": (ConceptKind.OCCUPATION,),
         "both": (ConceptKind.SKILL, ConceptKind.OCCUPATION)}
MAX_LIVE_CHARS = 4_000


@dataclass(frozen=True)
class Suggestion:
    concept: str
    kind: str
    label: str
    span: str
    start: int
    end: int
    score: float
    lang: str | None
    method: str

    @property
    def confidence(self) -> str:
        """high / medium / low, for people; the number is shown beside it."""
        return N_("high") if self.score >= 0.7 else N_("medium") if self.score >= 0.4 \
            else N_("low")


@dataclass(frozen=True)
class Linked:
    text: str
    lang: str | None
    suggestions: list[Suggestion]
    unlinked: list[str]
    possible: list[Suggestion]  # guesses below the threshold for the unlinked pieces

    def marked(self) -> Markup:
        """The text with each suggestion's span in <mark> and each unlinked piece in
        <span class="unlinked">, escaped."""
        cuts = sorted({(s.start, s.end, "mark") for s in self.suggestions})
        out, at = [], 0
        for start, end, _ in cuts:
            if start < at:
                continue
            out.append(escape(self.text[at:start]))
            out.append(Markup("<mark>%s</mark>") % self.text[start:end])
            at = end
        out.append(escape(self.text[at:]))
        return Markup("").join(out)


def linked_text(engine: Engine, text: str, kind: str, lang: str) -> Linked:
    """The suggestions for one text (labels in `lang`), strongest first per concept."""
    text = text[:MAX_LIVE_CHARS]
    if not text.strip():
        return Linked("", None, [], [], [])
    [statement] = engine.concepts.normalizer.statements([text], lang, kinds=KINDS[kind])
    linked = _by_concept(statement.mentions, set())
    possible = _by_concept(statement.possible, {s.concept for s in linked})
    unlinked = [str(piece["text"]) for piece in statement.unlinked]
    return Linked(statement.text, statement.lang, sorted(linked, key=lambda s: s.start),
                  unlinked, possible)


def _by_concept(mentions: list[Mention], taken: set[str]) -> list[Suggestion]:
    """One suggestion per concept (its strongest mention), leaving out those taken."""
    seen: dict[str, Suggestion] = {}
    for m in sorted(mentions, key=lambda m: -m.score):
        if m.concept not in taken:
            seen.setdefault(m.concept, Suggestion(m.concept, m.kind, m.label, m.text, m.start,
                                                  m.end, m.score, m.lang, m.method))
    return list(seen.values())


@router.post("/link", response_class=HTMLResponse)
def link(page: PageDep, form: Form) -> HTMLResponse:
    """The suggestions for a text field, as a fragment: `text` (or the field's own
    value, as htmx sends it), `field` (its name; the checkboxes get `<field>_confirm`),
    `kind` (skill, occupation or both)."""
    page.require("admin", "coach", "employer")
    kind = form_text(form, "kind", "both")
    field = form_text(form, "field", "skills")
    if kind not in KINDS or not field.isidentifier():
        return page.render("_linked.html", status=422, linked=None, field="x",
                           error=page._("This field cannot be checked."))
    # htmx posts the field under its own name (`text` when sent on purpose)
    text = form_text(form, "text") or form_text(form, field)
    context: dict[str, Any] = {"linked": linked_text(page.engine, text, kind, page.lang),
                               "field": field, "error": None}
    return page.render("_linked.html", **context)
