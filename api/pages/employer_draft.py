"""A vacancy form as sent, checked: the free text linked (the person confirms each skill
and the occupation), "Deutsch B1" read as a language requirement, the town found by name,
every field checked with a message beside it. Only confirmed concepts become the
vacancy's skills; the unconfirmed text is not sent. Nothing here writes."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.pages.employer_view import KINDS, LEVELS, PERMITS
from api.pages.i18n import N_
from api.pages.linking import Linked, linked_text
from api.pages.web import Page, form_list, form_text
from matcher.intake.advert_text import requirements
from matcher.intake.language_levels import LanguageNeed, language_needs
from matcher.intake.places import Lookup, Place, look_up
from matcher.schemas import VacancyIn
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind

# the free-text fields, what they are linked to, and the most characters each takes
TEXTS = {"title": ("occupation", 300), "essential_text": ("skill", 2_000),
         "optional_text": ("skill", 2_000)}
MAX_LANGUAGES = 10
LANG_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass
class Draft:
    """The form's fields as typed (strings), so that a form with errors comes back as
    the person left it."""

    external_id: str = field(default_factory=lambda: f"web-{secrets.token_hex(8)}")
    kind: str = "job"
    title: str = ""
    description: str = ""
    essential_text: str = ""
    optional_text: str = ""
    languages: list[tuple[str, str]] = field(default_factory=list)
    town: str = ""
    town_pick: str = ""
    slots: str = "1"
    start_date: str = ""
    min_permit: str = "restricted"
    employer_id: str = ""
    confirmed: dict[str, list[str]] = field(default_factory=dict)  # field → box values
    reviewed: dict[str, str] = field(default_factory=dict)  # field → text seen checked

    def language_rows(self) -> list[tuple[str, str]]:
        """The rows the form shows: those filled in and at least one empty."""
        rows = list(self.languages)
        return rows + [("", "")] * max(1, 3 - len(rows)) if len(rows) < MAX_LANGUAGES \
            else rows


def read_draft(form: FormData) -> Draft:
    rows = []
    for i in range(MAX_LANGUAGES):
        lang, level = form_text(form, f"lang_{i}"), form_text(form, f"level_{i}")
        if lang or level:
            rows.append((lang, level))
    return Draft(
        external_id=form_text(form, "external_id") or Draft().external_id,
        kind=form_text(form, "kind", "job"), title=form_text(form, "title"),
        description=form_text(form, "description"),
        essential_text=form_text(form, "essential_text"),
        optional_text=form_text(form, "optional_text"), languages=rows,
        town=form_text(form, "town"), town_pick=form_text(form, "town_pick"),
        slots=form_text(form, "slots", "1"), start_date=form_text(form, "start_date"),
        min_permit=form_text(form, "min_permit", "restricted"),
        employer_id=form_text(form, "employer_id"),
        confirmed={f: form_list(form, f"{f}_confirm") for f in TEXTS},
        reviewed={f: form_text(form, f"{f}_reviewed") for f in TEXTS})


@dataclass
class Checked:
    """What the check found: messages by field, the linked text, the town."""

    errors: dict[str, str] = field(default_factory=dict)
    linked: dict[str, Linked] = field(default_factory=dict)
    town: Lookup | None = None
    place: Place | None = None
    needs: list[LanguageNeed] = field(default_factory=list)
    occupation: str | None = None
    essential: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)  # fields whose suggestions wait
    ticked: dict[str, set[str]] = field(default_factory=dict)  # field → concepts kept


def read_description(draft: Draft) -> bool:
    """With both skills fields empty, the tasks and requirements of a pasted advert
    (`advert_text.requirements`) are copied into them, to be linked and confirmed like
    typed text: the vacancy gets only the skills the employer keeps. Whether it did."""
    if draft.essential_text or draft.optional_text or not draft.description:
        return False
    asked = requirements(draft.description)
    draft.essential_text = _lines_within(asked.essential, TEXTS["essential_text"][1])
    draft.optional_text = _lines_within(asked.optional, TEXTS["optional_text"][1])
    return bool(draft.essential_text or draft.optional_text)


def _lines_within(text: str, most: int) -> str:
    """The first whole lines of `text` that fit in `most` characters."""
    kept: list[str] = []
    for line in text.splitlines():
        if sum(len(k) + 1 for k in kept) + len(line) > most:
            break
        kept.append(line)
    return "\n".join(kept)


def town_of(draft: Draft) -> tuple[Lookup | None, Place | None]:
    """The town typed and, when settled, its place: the one town of that name, or the
    one picked from the list the name gave."""
    if not draft.town:
        return None, None
    found = look_up(draft.town)
    if draft.town_pick:
        for place in found.exact + found.close:
            if place.display == draft.town_pick:
                return found, place
    return found, found.place


def _confirmed(page: Page, values: list[str], kind: ConceptKind) -> list[str] | None:
    """The concept ids of the ticked boxes (`kind|uri|span`), in order, once each; None
    when one is not a concept of that kind (a forged or stale form)."""
    out: list[str] = []
    for value in values:
        uri = value.split("|")[1] if value.count("|") >= 2 else ""
        concept = page.engine.concepts.taxonomy.concepts.get(uri)
        if concept is None or concept.kind is not kind:
            return None
        if uri not in out:
            out.append(uri)
    return out


def _linked(page: Page, text: str, kind: str, needs: list[LanguageNeed]) -> Linked:
    """The text linked, its language requirements left out ("Deutsch B1" is a language,
    not a skill to guess at); shown as typed."""
    blanked = text
    for need in needs:
        blanked = blanked[:need.start] + " " * (need.end - need.start) + blanked[need.end:]
    linked = linked_text(page.engine, blanked, kind, page.lang)
    if blanked != text and linked.text and blanked.startswith(linked.text):
        linked = replace(linked, text=text)  # same offsets: the language shows, unmarked
    return linked


def check(page: Page, draft: Draft, admin_employers: list[int] | None) -> Checked:
    """Every field checked; the free text linked as the person sees it."""
    result = Checked()
    for name, (kind, most) in TEXTS.items():
        text = getattr(draft, name)
        needs = language_needs(text) if kind == "skill" else []
        result.needs += [n for n in needs if n.lang not in {m.lang for m in result.needs}]
        if text and len(text) <= most:
            try:
                result.linked[name] = _linked(page, text, kind, needs)
            except InvalidInputError as exc:
                result.errors[name] = str(exc)
    _title_by_skills(page, result)
    result.town, result.place = town_of(draft)
    _check_fields(page, draft, result, admin_employers)
    _check_concepts(page, draft, result)
    return result


def _title_by_skills(page: Page, result: Checked) -> None:
    """A title that is a label of several occupations ("Lagerhelfer": warehouse worker
    and shelf filler) suggests the one the skills suggested below ask most, as the
    vacancy written through the API takes it."""
    title = result.linked.get("title")
    if title is None or not title.suggestions or title.suggestions[0].method != "exact":
        return
    asked = {s.concept for name in ("essential_text", "optional_text")
             if (linked := result.linked.get(name)) for s in linked.suggestions}
    first = title.suggestions[0]
    best = page.engine.concepts.most_asked(first.concept, first.span, asked)
    if best != first.concept:
        chosen = replace(first, concept=best, label=page.engine.concepts.label(best, page.lang))
        result.linked["title"] = replace(title, suggestions=[chosen, *title.suggestions[1:]])


def _check_fields(page: Page, draft: Draft, result: Checked,
                  admin_employers: list[int] | None) -> None:
    errors, _ = result.errors, page._
    if admin_employers is not None and not (draft.employer_id.isdigit() and int(
            draft.employer_id) in admin_employers):
        errors["employer_id"] = _("Choose the employer this vacancy is for.")
    if draft.kind not in KINDS:
        errors["kind"] = _("Choose job, apprenticeship or placement.")
    if not draft.title:
        errors["title"] = _("Write a title, for example “Koch / Köchin (m/w/d)”.")
    for name, (_kind, most) in TEXTS.items():
        if len(getattr(draft, name)) > most:
            errors[name] = _("At most %(n)s characters.", n=most)
    if len(draft.description) > 10_000:
        errors["description"] = _("At most %(n)s characters.", n=10_000)
    _check_town(page, draft, result)
    if not (draft.slots.isdigit() and 1 <= int(draft.slots) <= 10_000):
        errors["slots"] = _("Write a whole number from 1 to 10,000.")
    if draft.start_date:
        try:
            if dt.date.fromisoformat(draft.start_date) < dt.date.today():
                errors["start_date"] = _("The start date is in the past.")
        except ValueError:
            errors["start_date"] = _("Write the date as year-month-day, e.g. 2026-09-01.")
    if draft.min_permit not in PERMITS:
        errors["min_permit"] = _("Choose the work permit the person needs at least.")
    for lang, level in draft.languages:
        if not LANG_CODE.match(lang) or level not in LEVELS:
            errors["languages"] = _("Choose a language and its level in every row you use.")


def _check_town(page: Page, draft: Draft, result: Checked) -> None:
    found, _ = result.town, page._
    if result.place is not None:
        return
    if found is None:
        result.errors["town"] = _("Write the town where the work is.")
    elif found.exact:
        result.errors["town"] = _("Several towns have this name: pick one.")
    elif found.close:
        result.errors["town"] = _("We do not know this town. Did you mean one of these?")
    else:
        result.errors["town"] = _("We do not know this town. Check the spelling.")


def _check_concepts(page: Page, draft: Draft, result: Checked) -> None:
    """The ticked suggestions: one occupation at most, skills that exist; a text with
    suggestions nobody has seen yet waits for a look."""
    stale = N_("A suggestion is not known any more: check the text again.")
    occupations = _confirmed(page, draft.confirmed["title"], ConceptKind.OCCUPATION)
    if occupations is None:
        result.errors["title"] = page._(stale)
    elif len(occupations) > 1:
        result.errors["title"] = page._("Keep one occupation only.")
    else:
        result.occupation = occupations[0] if occupations else None
    for name in ("essential_text", "optional_text"):
        skills = _confirmed(page, draft.confirmed[name], ConceptKind.SKILL)
        if skills is None:
            result.errors[name] = page._(stale)
            continue
        if name == "essential_text":
            result.essential = skills
        else:
            result.optional = [s for s in skills if s not in result.essential]
        linked = result.linked.get(name)
        text = getattr(draft, name)
        if linked and (linked.suggestions or getattr(linked, "possible", [])) and not skills \
                and draft.reviewed.get(name) != text:
            result.to_review.append(name)


def languages_of(draft: Draft, needs: list[LanguageNeed]) -> list[tuple[str, str]]:
    """The language rows, with those the text asks for ("Deutsch B1") added."""
    rows = list(draft.languages)
    given = {lang for lang, _ in rows}
    rows += [(n.lang, n.level) for n in needs if n.lang not in given]
    return rows[:MAX_LANGUAGES]


def vacancy_in(draft: Draft, result: Checked) -> VacancyIn | dict[str, str]:
    """The vacancy to save, or messages by field where the schema refuses a value."""
    assert result.place is not None
    data: dict[str, Any] = {
        "external_id": draft.external_id, "kind": draft.kind, "title": draft.title,
        "description": draft.description, "read_description": False,
        "occupation": result.occupation,
        "essential_skills": result.essential, "optional_skills": result.optional,
        "languages": [{"lang": lang, "level": level} for lang, level in
                      dict(languages_of(draft, result.needs)).items()],
        "location": result.place.location(), "slots": int(draft.slots),
        "start_date": draft.start_date or None, "min_permit": draft.min_permit}
    try:
        return VacancyIn.model_validate(data)
    except ValidationError as exc:
        return {str(e["loc"][0]) if e["loc"] else "form": e["msg"] for e in exc.errors()}
