"""An index rebuilt after the taxonomy changed embeds only the labels no build met before,
and gives the others the vectors they had."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skills_taxonomy.concept_index import build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.model import ConceptKind, LabelType
from skills_taxonomy.starter import load_starter


class CountingEncoder(Encoder):
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self, inner: Encoder) -> None:
        super().__init__()
        self.inner = inner
        self.dim = inner.dim
        self.texts: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def _encode(self, texts: list[str], query: bool, show_progress: bool) -> np.ndarray:
        self.texts += texts
        return self.inner.encode(texts, query=query)


def test_a_rebuilt_index_embeds_only_new_labels(tmp_path: Path, encoder: Encoder) -> None:
    taxonomy = load_starter()
    counting = CountingEncoder(encoder)
    first = build_index(taxonomy, ConceptKind.OCCUPATION, counting, cache_dir=tmp_path)
    assert len(counting.texts) == len(set(counting.texts)) > 100  # each text once
    assert list(tmp_path.glob("passages-*.pkl"))

    cook = next(c for c in taxonomy.of_kind(ConceptKind.OCCUPATION)
                if c.preferred_label("en") == "cook")
    assert cook.add_label("line cook in a canteen", "en", LabelType.ALTERNATIVE)
    counting.texts.clear()
    second = build_index(taxonomy, ConceptKind.OCCUPATION, counting, cache_dir=tmp_path)
    assert counting.texts == ["line cook in a canteen"]
    old = dict(zip((first.entry_text[i] for i in first.vec_entry), first.label_vectors,
                   strict=True))
    for i, vector in zip(second.vec_entry, second.label_vectors, strict=True):
        text = second.entry_text[i]
        if text in old:
            assert np.array_equal(vector, old[text])
    new_row = [second.entry_text[i] for i in second.vec_entry].index("line cook in a canteen")
    alone = encoder.encode(["line cook in a canteen"])[0]  # its row holds its own vector
    assert float(second.label_vectors[new_row] @ alone) > 0.95
    assert np.array_equal(first.descriptions, second.descriptions)

    counting.texts.clear()
    build_index(taxonomy, ConceptKind.OCCUPATION, counting)  # no cache folder: all again
    assert len(counting.texts) > 100
