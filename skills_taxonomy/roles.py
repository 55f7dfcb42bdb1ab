"""Job roles inside sentences about work: "I worked as a cook in a restaurant", "als Koch
gearbeitet", "به عنوان آشپز کار کردم", "aşçı olarak çalıştım", "在餐厅当厨师".

A whole sentence rarely reads like an occupation's label, so its occupation ranks low
("cook" 0.21 for the English sentence above) although the sentence names it plainly. The
words that frame a role ("as a", "als", "به عنوان", "olarak", "当") say where it is; the
role itself is then linked as a title of its own, where an exact label is decisive. The
frames are data (`data/role_frames.json`), one entry per language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from skills_taxonomy.text import Span, fold, segments, words

FRAMES = Path(__file__).parent / "data" / "role_frames.json"
MIN_ATTACHED_REST = 3  # letters left after an attached prefix ("كطباخ" → "طباخ")


@dataclass(frozen=True)
class Frames:
    """One language's frames, as folded token sequences."""

    before: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]
    stop: frozenset[str]
    joins: frozenset[str]
    skip: frozenset[str]
    attached: tuple[str, ...]
    max_words: int
    min_words: int


def _tokens(phrase: str) -> tuple[str, ...]:
    return tuple(fold(token) for _, _, token in words(phrase))


@cache
def load_frames(path: Path = FRAMES) -> dict[str, Frames]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {lang: Frames(
        before=tuple(sorted({_tokens(p) for p in entry["before"]}, key=len, reverse=True)),
        after=tuple(sorted({_tokens(p) for p in entry["after"]}, key=len, reverse=True)),
        stop=frozenset(fold(w) for w in entry["stop"]),
        joins=frozenset(fold(w) for w in entry["joins"]),
        skip=frozenset(fold(w) for w in entry.get("skip", ())),
        attached=tuple(fold(p) for p in entry.get("attached", ())),
        max_words=int(entry["max_words"]), min_words=int(entry.get("min_words", 1)))
        for lang, entry in raw.items() if not lang.startswith("_")}


def role_spans(text: str, lang: str | None) -> list[Span]:
    """Spans of `text` that may name a job role, from the frames of `lang`: each role's
    leading and trailing sub-spans ("qualified plumber" → "qualified", "qualified
    plumber", "plumber"), since the frame does not say where a role's words end."""
    frames = load_frames().get(lang or "")
    if frames is None:
        return []
    found: dict[tuple[int, int], Span] = {}
    for seg_start, seg_end in segments(text):
        tokens = [(seg_start + s, seg_start + e, fold(t))
                  for s, e, t in words(text[seg_start:seg_end])]
        for role in _roles(tokens, frames):
            for span in _sub_spans(text, role, frames):
                found.setdefault((span.start, span.end), span)
    return sorted(found.values(), key=lambda s: (s.start, s.end))


Token = tuple[int, int, str]


def _roles(tokens: list[Token], frames: Frames) -> list[list[Token]]:
    """The token runs framed as roles, split where a join word stands between two. After
    a frame, a word that carries an attached one begins a role too ("عملت في محل ألبسة
    كبائع": I worked in a clothes shop as a seller)."""
    folded = [t for _, _, t in tokens]
    runs: list[list[Token]] = []
    framed = False
    for i in range(len(tokens)):
        before = _marker_at(folded, i, frames.before)
        if before:
            runs.append(_take(tokens, folded, range(i + before, len(tokens)), frames))
            framed = True
        elif framed and _attached(folded[i], frames):
            runs.append(_take(tokens, folded, range(i, len(tokens)), frames))
        if _marker_at(folded, i, frames.after):
            runs.append(_take(tokens, folded, range(i - 1, -1, -1), frames)[::-1])
    roles = []
    for run in runs:
        current: list[Token] = []
        for token in run:
            if token[2] in frames.joins:
                roles.append(current)
                current = []
            else:
                current.append(token)
        roles.append(current)
    return [role for role in roles if role]


def _marker_at(folded: list[str], i: int, markers: tuple[tuple[str, ...], ...]) -> int:
    """The length of the longest marker starting at token `i` (0: none)."""
    return next((len(m) for m in markers if tuple(folded[i:i + len(m)]) == m), 0)


def _take(tokens: list[Token], folded: list[str], order: range, frames: Frames,
          ) -> list[Token]:
    """Tokens in `order` up to the first stop word, number or frame, at most `max_words`
    role words (an article first is left off)."""
    out: list[Token] = []
    for j in order:
        word = folded[j]
        if not out and word in frames.skip:
            continue
        if (word in frames.stop or any(ch.isdigit() for ch in word)
                or _marker_at(folded, j, frames.before)):
            break
        out.append(tokens[j])
        if sum(t[2] not in frames.joins for t in out) >= frames.max_words:
            break
    return out


def _sub_spans(text: str, role: list[Token], frames: Frames) -> list[Span]:
    cuts = [(a, b) for a, b in [(0, j) for j in range(1, len(role) + 1)]
            + [(j, len(role)) for j in range(1, len(role))] if b - a >= frames.min_words]
    spans = []
    for a, b in cuts:
        start, end = role[a][0], role[b - 1][1]
        spans.append(Span(start, end, text[start:end]))
        prefix = _attached(role[a][2], frames)
        if prefix:
            cut = start + len(prefix)
            spans.append(Span(cut, end, text[cut:end]))
    return spans


def _attached(word: str, frames: Frames) -> str:
    """The frame written onto `word` ("كطباخ" → "ك"), or ""."""
    return next((p for p in frames.attached
                 if word.startswith(p) and len(word) - len(p) >= MIN_ATTACHED_REST), "")


__all__ = ["Frames", "load_frames", "role_spans"]
