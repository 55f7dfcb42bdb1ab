"""An index rebuilt after the taxonomy changed embeds only the labels no build met before,
and gives the others the vectors they had; processes building side by side neither
build the same index twice nor drop each other's vectors."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

import numpy as np

from skills_taxonomy.cache_files import locked
from skills_taxonomy.concept_index import build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.model import ConceptKind, LabelType
from skills_taxonomy.passage_vectors import PassageVectors
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


def test_two_builds_side_by_side_keep_what_each_embedded(tmp_path: Path,
                                                         encoder: Encoder) -> None:
    """Two processes that loaded the store before either saved (two API workers, the
    suite's workers): the second save keeps the first one's vectors."""
    first, second = PassageVectors(encoder, tmp_path), PassageVectors(encoder, tmp_path)
    first.encode(["welding pipes"])
    second.encode(["baking bread"])
    first.save()
    second.save()
    again = PassageVectors(encoder, tmp_path)
    assert again.unseen(["welding pipes", "baking bread"]) == 0
    assert np.array_equal(again.encode(["welding pipes"]), first.encode(["welding pipes"]))


def _hold(path: Path, log: Path, holding: Any) -> None:
    with locked(path):
        holding.set()
        time.sleep(0.3)  # long enough for the other process to ask for the lock
        with log.open("a") as handle:
            handle.write("first done\n")


def test_a_cache_lock_makes_another_process_wait(tmp_path: Path) -> None:
    """While one process builds an index, another that needs it waits instead of
    building it too."""
    cache, log = tmp_path / "index.pkl", tmp_path / "log"
    context = multiprocessing.get_context("spawn")
    holding = context.Event()
    holder = context.Process(target=_hold, args=(cache, log, holding))
    holder.start()
    assert holding.wait(60)
    with locked(cache), log.open("a") as handle:
        handle.write("second\n")
    holder.join(60)
    assert log.read_text().splitlines() == ["first done", "second"]
