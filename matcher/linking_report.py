"""What linking made of a record's free text, said out loud.

A profile written in a language the engine reads badly used to come back `201` with no
skills and no occupation, and nobody was told. A `LinkingReport` travels with every
candidate and vacancy write: per statement (the field it came from, its language, the
concepts found, the pieces that linked to nothing) and warnings a coach or an employer
must see. It is stored with the record and shown when the record is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skills_taxonomy.language import detect_language
from skills_taxonomy.normalize import Mention, Statement

# A title's occupation found by spelling or meaning below this score is a guess: on the
# development titles 16 of 26 were right ("Mitarbeiter (m/w/d)" → warehouse worker,
# "Aushilfe gesucht" → kitchen porter), against 222 of 254 found by an exact label.
WEAK_TITLE = 0.3


@dataclass
class LinkingReport:
    statements: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def statement(self, where: str, statement: Statement, what: str = "skill",
                  quiet: bool = False, occupations: dict[str, str] | None = None,
                  qualification: str | None = None) -> None:
        """A free-text field and what linking found in it; warns when nothing, or only
        part of it, linked (unless `quiet`: prose such as an advert's description is
        mostly words that name no skill). `occupations` names the occupation an unlinked
        piece is the name of ("водій навантажувача": forklift operator), and
        `qualification` the field of study of a text that reads as a qualification
        ("خريج كلية الحقوق": law), so the warning can say where it belongs."""
        self.statements.append({
            "field": where, "text": statement.text, "lang": statement.lang,
            "linked": [_linked(m) for m in statement.mentions],
            "unlinked": [u["text"] for u in statement.unlinked]})
        if quiet:
            return
        lang = f" ({statement.lang})" if statement.lang else ""
        unlinked = [str(u["text"]) for u in statement.unlinked]
        named = {p: o for p, o in (occupations or {}).items() if p in unlinked}
        for piece, occupation in named.items():
            self.warnings.append(
                f"{where}: {_quote(piece)}{lang} names the occupation {_quote(occupation)}, "
                f"not a {what}; enter it as work experience, with its years, so that the "
                f"occupation's {what}s count")
        if qualification:
            self.warnings.append(
                f"{where}: {_quote(statement.text)}{lang} reads as a qualification "
                f"({qualification}); enter it under qualifications, with its country, so "
                "that it is recognised (reference occupation, EQF level, regulation)")
        other = [piece for piece in unlinked if piece not in named]
        if qualification and not statement.mentions:
            return
        if not statement.mentions and not named:
            self.warnings.append(f"{where}: nothing in {_quote(statement.text)}{lang} was "
                                 f"recognised as a {what}; a coach should pick the {what}s "
                                 "it means")
        elif other:
            pieces = ", ".join(map(_quote, other))
            self.warnings.append(f"{where}: {pieces}{lang} was not recognised; a coach "
                                 "should check it")

    def title(self, where: str, text: str, found: Mention | str | None,
              what: str = "occupation", expected: bool = True) -> None:
        """A title linked (or not) to an occupation; one that names none is worth a
        coach's look only where one is `expected` (not for a school certificate)."""
        uri = found.concept if isinstance(found, Mention) else found
        self.statements.append({"field": where, "text": text, "lang": detect_language(text),
                                "linked": [{"concept": uri}] if uri else [],
                                "unlinked": [] if uri or not expected else [text]})
        if not uri and expected:
            self.warnings.append(f"{where}: no {what} was recognised in {_quote(text)}; a "
                                 f"coach should choose the {what}")
        elif isinstance(found, Mention) and found.method != "exact" \
                and found.score < WEAK_TITLE:
            self.warnings.append(f"{where}: {_quote(text)} was taken for the {what} "
                                 f"{_quote(found.label)} on weak evidence; check it")

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def needs_review(self) -> bool:
        return bool(self.warnings)

    def as_dict(self) -> dict[str, Any]:
        return {"needs_review": self.needs_review, "warnings": self.warnings,
                "statements": self.statements}


def _linked(m: Mention) -> dict[str, Any]:
    return {"concept": m.concept, "label": m.label, "text": m.text, "score": m.score,
            "method": m.method}


def _quote(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


__all__ = ["LinkingReport"]
