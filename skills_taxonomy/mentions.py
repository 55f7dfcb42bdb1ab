"""What linking yields: a mention of a concept in a text (where, which concept, how sure,
by which label), and per text its mentions and the pieces that linked to nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    concept: str
    kind: str
    label: str  # the concept's preferred label in the requested language
    score: float
    method: str  # exact | lexical | semantic | composed (teachers.py)
    matched_label: str
    matched_lang: str
    lang: str | None = None  # the language the text was written in, when it can be told

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def shifted(self, offset: int) -> Mention:
        return replace(self, start=self.start + offset, end=self.end + offset) \
            if offset else self

    def placed(self, piece: str, keep: list[int]) -> Mention:
        """Found in a piece's unframed text (`pieces.unframed`): placed in the piece."""
        start, end = keep[self.start], keep[self.end - 1] + 1
        return replace(self, start=start, end=end, text=piece[start:end])


@dataclass(frozen=True)
class Statement:
    """What one text yielded: its mentions, and the pieces of it that linked to nothing
    (a coach reads those; a human has to look at them)."""

    text: str  # the text as linked (repaired)
    lang: str | None
    mentions: list[Mention]
    unlinked: list[dict[str, object]]  # {"start", "end", "text"} of pieces with no mention
    # the best guesses below the threshold inside unlinked pieces: hints for the person
    # who reviews them (the coach's intake page), never links by themselves
    possible: list[Mention] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "lang": self.lang,
                "mentions": [m.as_dict() for m in self.mentions], "unlinked": self.unlinked}


__all__ = ["Mention", "Statement"]
