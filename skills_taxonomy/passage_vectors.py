"""The vectors of passages (labels, descriptions) an encoder has embedded, kept on disk
beside the index caches, one file per encoder.

An index is rebuilt whenever the taxonomy changes: a re-import, a new project label file,
a new ESCO version. Each rebuild used to embed every label again (full ESCO's ~150,000
English passages take MiniLM two to three minutes on two cores, the multilingual encoder's
labels minutes more), though nearly all were embedded before. Now a rebuild embeds only
the texts no earlier build met. A text's vector is also the same from one build to the
next, instead of depending on the batch it happened to share (the packaged MiniLM scales
its int8 activations per batch).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from skills_taxonomy.cache_files import locked, stamp, write_atomically
from skills_taxonomy.embedding import Encoder

log = logging.getLogger(__name__)


class PassageVectors:
    """An encoder's passage vectors by text, loaded from `cache_dir` and saved back."""

    def __init__(self, encoder: Encoder, cache_dir: Path | None) -> None:
        self.encoder = encoder
        self.path = cache_dir / f"passages-{encoder.name}.pkl" if cache_dir else None
        self._vectors: dict[str, np.ndarray] = {}
        self.embedded = 0  # texts embedded since loading (none: nothing to write back)
        self._stamp: tuple[int, int] | None = None  # the file as loaded
        if self.path is not None:
            self._stamp = stamp(self.path)
            self._vectors = self._read(self.path)

    @staticmethod
    def _read(path: Path) -> dict[str, np.ndarray]:
        if not path.exists():
            return {}
        try:
            with path.open("rb") as handle:
                texts, matrix = pickle.load(handle)
            return dict(zip(texts, matrix, strict=True))
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            log.warning("ignoring unreadable passage vectors %s: %s", path, exc)
            return {}

    def unseen(self, texts: Sequence[str]) -> int:
        """How many distinct texts `encode` would have to embed."""
        return len({t for t in texts if t not in self._vectors})

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text; only texts never met are embedded."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = self.encoder.encode(missing, show_progress=True)
            self._vectors.update(zip(missing, fresh, strict=True))
            self.embedded += len(missing)
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vectors[text]
        return out

    def save(self) -> None:
        """Write the store when this build embedded anything. Another process may have
        written it since it was loaded (two servers, or indexes built side by side): what
        that one embedded is kept, not overwritten."""
        if self.path is None or not self.embedded:
            return
        with locked(self.path):
            if stamp(self.path) != self._stamp:
                for text, vector in self._read(self.path).items():
                    self._vectors.setdefault(text, vector)
            write_atomically(self.path, (list(self._vectors),
                                         np.vstack(list(self._vectors.values()))))
            self._stamp = stamp(self.path)


__all__ = ["PassageVectors"]
