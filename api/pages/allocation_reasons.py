"""Why a person was given a place, in the page's language: an assignment's `reason` (a
code and its figures, `matcher.allocation.explain.REASONS`) put into words with the
page's gettext and plural forms. The engine's English `why` stays the fallback for
proposals stored before reasons were kept and for any code this module does not know.

Sentences are built from whole translated sentences, one number each, so that every
language can put the number and its plural form where its grammar wants them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from api.pages.i18n import Speaker


def _place(reason: Mapping[str, Any]) -> Markup:
    """The place's title, isolated so a right-to-left page keeps it whole."""
    return Markup('<bdi class="place-name">{}</bdi>').format(reason.get("place") or "")


def _shares(say: Speaker, shares: Mapping[str, float]) -> Markup:
    parts = [say.gettext("at least %(p)s of each first language", p=say.percent(share))
             if dim == "language" else
             say.gettext("at least %(p)s of each centre", p=say.percent(share))
             for dim, share in sorted(shares.items()) if dim in ("language", "centre")]
    return Markup(", ").join(parts)


def _top_full(say: Speaker, r: Mapping[str, Any]) -> list[Markup]:
    holders, higher = int(r["holders"]), int(r["higher"])
    shares = r.get("shares") or {}
    if higher == holders:
        return [say.ngettext(
            "Their top choice “%(place)s” is full: its %(n)s place went to someone with a "
            "higher fit there.",
            "Their top choice “%(place)s” is full: its %(n)s places went to people with a "
            "higher fit there.", holders, place=_place(r))]
    out = [say.ngettext("Their top choice “%(place)s” is full (%(n)s place).",
                        "Their top choice “%(place)s” is full (%(n)s places).", holders,
                        place=_place(r))]
    if higher:
        out.append(say.ngettext("%(n)s went to someone with a higher fit there.",
                                "%(n)s went to people with a higher fit there.", higher))
    lower = holders - higher
    if shares:
        out.append(say.ngettext(
            "%(n)s went to someone with a lower fit there, for a fair share (%(shares)s) "
            "or because their other places are much worse.",
            "%(n)s went to people with a lower fit there, for a fair share (%(shares)s) "
            "or because their other places are much worse.", lower,
            shares=_shares(say, shares)))
    else:
        out.append(say.ngettext(
            "%(n)s went to someone with a lower fit there whose other places are much "
            "worse.",
            "%(n)s went to people with a lower fit there whose other places are much worse.",
            lower))
    points = round(100 * float(r.get("delta") or 0.0))
    out.append(say.ngettext(
        "Here a placement is %(n)s percentage point less likely for this person.",
        "Here a placement is %(n)s percentage points less likely for this person.", points))
    if not shares:
        out.append(say.gettext("In return, more people of the group are placed."))
    return out


def _unplaced(say: Speaker, r: Mapping[str, Any]) -> list[Markup]:
    places, higher = int(r["places"]), int(r["higher"])
    if higher == places:
        return [say.ngettext(
            "No place: the %(n)s place this person may be given went to someone with a "
            "higher fit there.",
            "No place: all %(n)s places this person may be given went to people with a "
            "higher fit there.", places)]
    out = [say.ngettext("No place: the %(n)s place this person may be given went to "
                        "someone else.",
                        "No place: all %(n)s places this person may be given went to "
                        "others.", places)]
    if higher:
        out.append(say.ngettext("%(n)s to someone with a higher fit there.",
                                "%(n)s to people with a higher fit there.", higher))
    out.append(say.gettext("The others to people with fewer other places."))
    return out


def _sentences(say: Speaker, r: Mapping[str, Any]) -> list[Markup]:
    code = r["code"]
    if code == "top_full":
        return _top_full(say, r)
    if code == "all_taken":
        return _unplaced(say, r)
    if code == "share_blocks":
        return [say.ngettext(
            "No place: %(full)s of the %(n)s place this person may be given is full, and "
            "giving another would break a fair share (%(shares)s).",
            "No place: %(full)s of the %(n)s places this person may be given are full, and "
            "giving another would break a fair share (%(shares)s).", int(r["places"]),
            full=say.number(int(r["full"])), shares=_shares(say, r.get("shares") or {}))]
    if code == "moved_for_share":
        return [say.gettext("Moved from their top choice “%(place)s” so that every group gets "
                            "its fair share (%(shares)s).", place=_place(r),
                            shares=_shares(say, r.get("shares") or {}))]
    if code == "as_likely":
        return [say.gettext("As likely as their top choice “%(place)s”, which stays open for "
                            "others.", place=_place(r))]
    if code == "as_good":
        return [say.gettext("As good for the group as their top choice “%(place)s”.",
                            place=_place(r))]
    return [{
        "top_choice": say.gettext("Their top choice."),
        "no_free_place": say.gettext("No place: nothing in this person's matches has a "
                                     "free place."),
        "no_match": say.gettext("No place: nothing of the kinds asked is among this "
                                "person's matches (requirements they do not meet, or too "
                                "far from their skills)."),
        "excluded_or_full": say.gettext("No place: every place among this person's "
                                        "matches is full or excluded for them."),
        "holds_reservation": say.gettext("Left out: this person holds a reserved place "
                                         "already."),
    }[code]]


def reason_text(say: Speaker, reason: Mapping[str, Any] | None) -> Markup | None:
    """The reason in the page's language; None (show the English `why`) for a proposal
    stored without one, or a reason this page cannot read."""
    if not isinstance(reason, Mapping):
        return None
    try:
        return Markup(" ").join(_sentences(say, reason))
    except (KeyError, TypeError, ValueError):
        return None


__all__ = ["reason_text"]
