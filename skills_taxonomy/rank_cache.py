"""The rankings of recently linked pieces, kept per process: adverts and CVs repeat their
phrases ("Teamfähigkeit", "Führerschein Klasse B"), a feed many times over."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

from skills_taxonomy.linker import Candidate
from skills_taxonomy.model import ConceptKind


class RankKey(NamedTuple):
    kind: ConceptKind
    text: str
    lang: str | None
    top_k: int
    floor: float
    whole_labels: bool = False  # answered by the whole-label fast path where it could be


class RankCache:
    """The rankings of the last `size` distinct pieces (least recently used go first);
    safe to share between threads. Rankings depend only on the normaliser, which is
    rebuilt when the taxonomy changes, so nothing here goes stale."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[RankKey, list[Candidate]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[RankKey],
                 ) -> dict[RankKey, list[Candidate]]:
        with self._lock:
            found = {k: self._items[k] for k in keys if k in self._items}
            for key in found:
                self._items.move_to_end(key)
        return found

    def put_many(self, items: dict[RankKey, list[Candidate]]) -> None:
        if not self.size:
            return
        with self._lock:
            self._items.update(items)
            for key in items:
                self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
