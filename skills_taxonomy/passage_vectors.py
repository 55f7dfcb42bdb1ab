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
import os
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from skills_taxonomy.embedding import Encoder

log = logging.getLogger(__name__)


class PassageVectors:
    """An encoder's passage vectors by text, loaded from `cache_dir` and saved back."""

    def __init__(self, encoder: Encoder, cache_dir: Path | None) -> None:
        self.encoder = encoder
        self.path = cache_dir / f"passages-{encoder.name}.pkl" if cache_dir else None
        self._vectors: dict[str, np.ndarray] = {}
        self.embedded = 0  # texts embedded since loading (none: nothing to write back)
        if self.path is not None and self.path.exists():
            try:
                with self.path.open("rb") as handle:
                    texts, matrix = pickle.load(handle)
                self._vectors = dict(zip(texts, matrix, strict=True))
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
                log.warning("ignoring unreadable passage vectors %s: %s", self.path, exc)

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
        """Write the store when this build embedded anything (atomically: a crash or a
        second process never leaves half a file)."""
        if self.path is None or not self.embedded:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump((list(self._vectors), np.vstack(list(self._vectors.values()))),
                        handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)


__all__ = ["PassageVectors"]
