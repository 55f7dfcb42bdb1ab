"""The character n-gram TF-IDF of the label index, fitted with numpy.

scikit-learn counts the n-grams of every label in a Python loop: full ESCO's 476,000 skill
entries took 18 s of a cold import on one core (the two kinds together 31 s), the other
core idle. `CharNgramTfidf` is `TfidfVectorizer` with that count done over arrays of
code points instead; everything else (pruning by document frequency, the vocabulary's
order, the weighting) is scikit-learn's own, so the fitted vectoriser and its matrix are
the same, and texts are transformed at query time exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

SEPARATOR = "\x00"  # closes every padded word; never in a label (text with NUL is refused)


class CharNgramTfidf(TfidfVectorizer):
    """`TfidfVectorizer(analyzer="char_wb", ...)` whose fit counts n-grams with numpy."""

    def _count_vocab(self, raw_documents: Iterable[Any], fixed_vocab: bool,
                     ) -> tuple[dict[str, int], Any]:
        docs = list(raw_documents)
        low, high = self.ngram_range
        counted = None
        if (not fixed_vocab and self.analyzer == "char_wb" and not self.lowercase
                and self.strip_accents is None and self.preprocessor is None
                and low <= 3 and all(isinstance(d, str) for d in docs)):
            counted = _count_char_wb(docs, low, high, np.dtype(self.dtype))
        if counted is None:
            return super()._count_vocab(docs, fixed_vocab)
        return counted


def _count_char_wb(docs: list[str], low: int, high: int, dtype: np.dtype,
                   ) -> tuple[dict[str, int], sparse.csr_matrix] | None:
    """The n-grams scikit-learn's `char_wb` analyser reads (every substring of `low` to
    `high` characters of each word padded with a space on both sides; a padded word is at
    least three characters long, so with `low` <= 3 no shorter n-gram occurs), counted per
    document: the n-grams of each distinct word (labels share most of their words),
    multiplied by the words of each document. None when a document holds the separator,
    or too many distinct characters for an n-gram to fit a 64-bit code: the caller counts
    the usual way."""
    words: dict[str, int] = {}
    doc_words = [[words.setdefault(w, len(words)) for w in d.split()] for d in docs]
    if not words or SEPARATOR in "".join(words):
        return None
    text = "".join(f" {w} {SEPARATOR}" for w in words)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    alphabet, ids = np.unique(points, return_inverse=True)
    base = len(alphabet)
    if float(base) ** high >= 2 ** 63:
        return None
    ids = ids.astype(np.int64)
    word_of = np.repeat(np.arange(len(words)), [len(w) + 3 for w in words])
    # separators before each position: a window holds none when the counts agree
    seps = np.concatenate([[0], np.cumsum(points == ord(SEPARATOR))])
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for n in range(low, high + 1):
        starts = np.flatnonzero(seps[n:] == seps[:-n])
        if not len(starts):
            continue
        code = np.zeros(len(starts), dtype=np.int64)
        for k in range(n):
            code = code * base + ids[starts + k]
        grams, column = np.unique(code, return_inverse=True)
        digits = np.stack([(grams // base ** (n - 1 - k)) % base for k in range(n)], axis=1)
        spelled = alphabet[digits].astype(np.uint32).tobytes().decode("utf-32-le")
        offset = len(vocabulary)
        vocabulary.update((spelled[i * n:(i + 1) * n], offset + i) for i in range(len(grams)))
        rows.append(word_of[starts])
        cols.append(column.ravel() + offset)
    row, col = np.concatenate(rows), np.concatenate(cols)
    word_grams = sparse.csr_matrix((np.ones(len(row), dtype=dtype), (row, col)),
                                   shape=(len(words), len(vocabulary)), dtype=dtype)
    flat = np.fromiter((w for ws in doc_words for w in ws), dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum([len(ws) for ws in doc_words])])
    doc_words_matrix = sparse.csr_matrix((np.ones(len(flat), dtype=dtype), flat, indptr),
                                         shape=(len(docs), len(words)), dtype=dtype)
    counts = (doc_words_matrix @ word_grams).tocsr()
    counts.sum_duplicates()
    counts.sort_indices()
    return vocabulary, counts


__all__ = ["CharNgramTfidf"]
