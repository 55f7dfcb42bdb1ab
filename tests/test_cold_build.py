"""The shortcuts of a cold index build change nothing that the build produces: the n-gram
TF-IDF counted with numpy is scikit-learn's, and passages embedded a batch per core get
the vectors `encode` gives them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.feature_extraction.text import TfidfVectorizer

from skills_taxonomy import embedding
from skills_taxonomy.char_tfidf import CharNgramTfidf
from skills_taxonomy.embedding import Encoder, TransformerEncoder
from skills_taxonomy.starter import load_starter
from skills_taxonomy.text import fold

ODD = ["", "a", "a b a", "  spaced   out\ttext\n", "готувати супи та соуси", "طبخ الأطعمة",
       "nấu ăn, rửa bát", "在餐馆洗过碗", "c++ / c#", "ab ab ab ab", "x" * 40]


def _labels() -> list[str]:
    taxonomy = load_starter()
    return [fold(label.text) for concept in taxonomy.concepts.values()
            for label in concept.labels] + ODD


@pytest.mark.parametrize("max_df", [1.0, 5, 0.01])
def test_numpy_counts_fit_the_same_tfidf_as_scikit_learn(max_df: float) -> None:
    docs = _labels()
    settings = dict(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                    lowercase=False, dtype=np.float32, max_df=max_df)
    plain, fast = TfidfVectorizer(**settings), CharNgramTfidf(**settings)
    expected, got = plain.fit_transform(docs), fast.fit_transform(docs)
    assert len(fast.vocabulary_) > 1000
    assert fast.vocabulary_ == plain.vocabulary_
    np.testing.assert_array_equal(fast.idf_, plain.idf_)
    assert expected.shape == got.shape and (expected != got).nnz == 0
    queries = ["Suppen kochen", "кухар", "طباخ", "welder MAG/WIG"]
    assert (plain.transform(queries) != fast.transform(queries)).nnz == 0


def test_text_the_numpy_count_cannot_hold_is_counted_the_usual_way() -> None:
    docs = ["cook", "sous\x00chef", "chef de partie"]
    settings = dict(analyzer="char_wb", ngram_range=(2, 4), lowercase=False)
    plain, fast = TfidfVectorizer(**settings), CharNgramTfidf(**settings)
    assert (plain.fit_transform(docs) != fast.fit_transform(docs)).nnz == 0
    assert fast.vocabulary_ == plain.vocabulary_


def test_passages_embedded_a_batch_per_core_keep_their_vectors(
        encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(encoder, TransformerEncoder)
    texts = sorted({label.text for concept in load_starter().concepts.values()
                    for label in concept.labels if label.lang == "en"})[:400]
    texts += [concept.description for concept in load_starter().concepts.values()
              if concept.description][:50]
    assert len(texts) > 3 * encoder.batch_size
    expected = encoder._model.encode(texts, batch_size=encoder.batch_size,
                                     convert_to_numpy=True, normalize_embeddings=True)
    monkeypatch.setattr(embedding, "PARALLEL_PASSAGES", 100)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        got = encoder.encode(texts)
        assert torch.get_num_threads() == 2  # given back after the build
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_array_equal(got, expected)
