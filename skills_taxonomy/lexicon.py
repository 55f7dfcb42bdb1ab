"""A foreign-word → English-word lexicon learned from ESCO's parallel labels
(`training/fit_lexicon.py`), used to give the English encoder a reading of foreign text.

German compounds are split when both halves are known ("Altenpflegehelfer" → "alten" +
"pflegehelfer"), with or without a linking "s".
"""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path
from typing import Any

from skills_taxonomy.text import fold

FORMAT = 1
MIN_PART = 4


class Lexicon:
    def __init__(self, entries: dict[str, list[tuple[str, float]]]) -> None:
        self.entries = entries

    def _word(self, word: str) -> str | None:
        hit = self.entries.get(word)
        if hit:
            return hit[0][0]
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            for left in (head, head[:-1] if head.endswith("s") else None):
                if left and left in self.entries and tail in self.entries:
                    return f"{self.entries[left][0][0]} {self.entries[tail][0][0]}"
        return None

    def translate(self, text: str) -> str | None:
        """An English rendering of `text`, or None when no word is known."""
        words = fold(text).split()
        out, known = [], 0
        for word in words:
            english = self._word(word)
            known += english is not None
            out.append(english or word)
        return " ".join(out) if known else None

    def save(self, path: Path, **meta: Any) -> None:
        data = {"format": FORMAT, **meta, "entries": self.entries}
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        return cls({k: [(e, s) for e, s in v] for k, v in data["entries"].items()})


def lexicon_path() -> Path:
    return Path(str(resources.files("skills_taxonomy") / "artefacts" / "lexicon.json.gz"))


def load_lexicon() -> Lexicon | None:
    path = lexicon_path()
    return Lexicon.load(path) if path.exists() else None
