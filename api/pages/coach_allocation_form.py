"""What the coach's "Allocate places" form asks, read into the API's request body
(`AllocationIn`): the cohort, the kinds of place, the least share per first language
(and, for an admin, per centre), and each person's own wishes (the kinds they want;
none ticked: as in their profile). And a stored proposal turned back into a request:
"exclude this place for this person and propose again" keeps every other setting.

Whatever is wrong is a `FormProblem` in the reader's language, with its status; nothing
is proposed then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.pages.web import Page, form_list, form_text
from matcher.allocation.problem import TOP_K
from matcher.allocation.schemas import AllocationIn
from matcher.store.auth import Principal

KINDS = ("job", "apprenticeship", "placement", "course")
SHARES = ("0.25", "0.5", "0.75", "1")  # least share of each group placed
DEFAULT_KINDS = ["job", "apprenticeship", "placement"]
EXCLUDED = {"vacancy": "exclude_vacancies", "course": "exclude_courses"}


class FormProblem(Exception):
    """What is wrong with the allocation form, in the reader's language."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Asked:
    """The form as sent (shown again, as it was, when something is wrong)."""
    q: str = ""
    cohort: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=lambda: list(DEFAULT_KINDS))
    share: str = ""
    centre_share: str = ""
    wishes: dict[str, list[str]] = field(default_factory=dict)  # candidate -> kinds


def read_form(form: FormData, cohort: list[str]) -> Asked:
    """The fields of the form; each wish is a `wish` value "<candidate id>:<kind>"."""
    wishes: dict[str, list[str]] = {}
    for value in form_list(form, "wish"):
        cid, _, kind = value.rpartition(":")
        if kind not in wishes.setdefault(cid, []):
            wishes[cid].append(kind)
    return Asked(form_text(form, "q"), cohort, form_list(form, "kinds"),
                 form_text(form, "language_share"), form_text(form, "centre_share"), wishes)


def _share(page: Page, value: str) -> float | None:
    if not value:
        return None
    if value not in SHARES:
        raise FormProblem(page._("Choose a share from the list."))
    return float(value)


def _preferences(page: Page, asked: Asked) -> list[dict[str, Any]]:
    """One preference per cohort member with a wish (a wish for someone not chosen is
    dropped: the row was unticked); a kind not offered, or not among the kinds of
    place chosen for the whole allocation, is refused."""
    members = set(asked.cohort)
    out = []
    for cid, wanted in asked.wishes.items():
        if any(k not in KINDS for k in wanted):
            raise FormProblem(page._("Choose the kinds of place a person wants from the "
                                     "list."))
        if cid not in members:
            continue
        outside = [k for k in wanted if k not in asked.kinds]
        if outside:
            raise FormProblem(page._(
                "A person wants a kind of place that is not chosen under “Which places”: "
                "tick it there, or change the wish."))
        out.append({"candidate_id": cid, "kinds": wanted})
    return out


def request_of(page: Page, who: Principal, asked: Asked) -> AllocationIn:
    """The API's request body from the form."""
    if not asked.cohort:
        raise FormProblem(page._("Choose at least one candidate."))
    if not asked.kinds or any(k not in KINDS for k in asked.kinds):
        raise FormProblem(page._("Choose at least one kind of place."))
    if asked.centre_share and who.role != "admin":
        raise FormProblem(page._("Only an administrator can ask for a share per centre: a "
                                 "coach allocates the people of their own centre."), 403)
    shares = {"language": _share(page, asked.share),
              "centre": _share(page, asked.centre_share)}
    return _valid(page, cohort=asked.cohort, kinds=asked.kinds,
                  preferences=_preferences(page, asked),
                  fairness={d: s for d, s in shares.items() if s is not None})


def _valid(page: Page, **body: Any) -> AllocationIn:
    try:
        return AllocationIn(**body)
    except ValidationError as exc:
        detail = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise FormProblem(page._("The allocation could not be made: %(why)s",
                                 why=detail)) from exc


def excluded(page: Page, form: FormData, proposal: dict[str, Any],
             ) -> tuple[str, str, int] | None:
    """The person and the place (`candidate`, `place` "vacancy:<id>" or "course:<id>") to
    keep apart in the next proposal: the place must be the one this proposal gives that
    person. None: nothing excluded (propose again as it was)."""
    cid, place = form_text(form, "candidate"), form_text(form, "place")
    if not cid and not place:
        return None
    table, _, pid = place.partition(":")
    for item in proposal["assignments"]:
        given = item.get("place") or {}
        if item["candidate_id"] == cid and given.get("type") == table and \
                str(given.get("id")) == pid:
            return cid, table, int(pid)
    raise FormProblem(page._("This place is not in the proposal for this person."))


def can_repeat(proposal: dict[str, Any]) -> bool:
    """Whether this page can propose again with every setting of the proposal: not when
    it was limited to named places (the API's `vacancy_ids`, `course_ids`: only their
    number is kept), or when its wishes were not kept with it (before they were)."""
    settings = proposal["settings"]
    kept = sum(1 for a in proposal["assignments"] if a.get("preference"))
    return not (settings.get("vacancy_ids") or settings.get("course_ids")) and \
        kept >= int(settings.get("preferences") or 0)


def request_again(page: Page, proposal: dict[str, Any],
                  exclude: tuple[str, str, int] | None) -> AllocationIn:
    """The request that made the proposal (its people, kinds, shares, wishes), with the
    place excluded for the person."""
    if not can_repeat(proposal):
        raise FormProblem(page._("This proposal cannot be repeated here (it was limited to "
                                 "chosen places, or made before wishes were kept): make a "
                                 "new one on the form."))
    settings = proposal["settings"]
    wishes = {a["candidate_id"]: {**a["preference"]} for a in proposal["assignments"]
              if a.get("preference")}
    if exclude is not None:
        cid, table, pid = exclude
        wish = wishes.setdefault(cid, {"kinds": None})
        wish[EXCLUDED[table]] = [*dict.fromkeys([*wish.get(EXCLUDED[table], []), pid])]
    return _valid(page, cohort=[a["candidate_id"] for a in proposal["assignments"]],
                  kinds=settings["kinds"], top_k=settings.get("top_k", TOP_K),
                  fairness=settings.get("fairness") or {},
                  preferences=[{"candidate_id": c, **w} for c, w in wishes.items()])


__all__ = ["KINDS", "SHARES", "Asked", "FormProblem", "can_repeat", "excluded", "read_form",
           "request_again", "request_of"]
