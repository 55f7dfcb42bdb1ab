"""Ranking the concepts of one kind for a text: lexical and semantic evidence, fused.

For each query text the linker looks at the whole text and at its phrases (the chunks
between punctuation and stopwords), gathers candidates from its sources — exact alias
hits (with transliterations and Arabic clitics), character n-gram TF-IDF, label-centroid
and description embeddings of the English encoder, and, for text not in English, the
multilingual encoder's label embeddings — and scores every candidate with a small feature
vector. The features are combined by the route's `FusionModel` (fitted in `training/`),
whose output is a probability-like score in [0, 1].
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from threadpoolctl import ThreadpoolController

from skills_taxonomy.concept_index import EXACT_ONLY, PROJECT_LANGUAGES, ConceptIndex
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.exact_match import ExactMatcher
from skills_taxonomy.fusion import FusionModel, RoutedFusion
from skills_taxonomy.language import detect_language, script_of
from skills_taxonomy.lexicon import Lexicon
from skills_taxonomy.phrases import phrases
from skills_taxonomy.text import STOPWORDS, Span, fold, marked_key, marks_agree, skeleton

SHORTLIST = 40
BATCH = 64
LEXICAL_TOP = 200
LEXICAL_WORDS = 8
# numpy's OpenBLAS, limited to one thread for the small products of multilingual batches
_BLAS = ThreadpoolController().select(user_api="blas")


@dataclass
class Candidate:
    concept: int
    score: float
    features: np.ndarray
    span: Span | None  # the phrase whose evidence was strongest
    label_entry: int  # the label that matched best
    route: str = "en"  # which fusion model scored it


def _content_words(words: list[str]) -> list[str]:
    """The words that say which language a text is in: no stopwords, none of two letters."""
    return [w for w in words if len(w) > 2 and w not in STOPWORDS]


class Linker:
    """Ranks the concepts of `index` for query texts."""

    def __init__(self, index: ConceptIndex, encoder: Encoder, fusion: RoutedFusion,
                 lexicon: Lexicon | None = None, multilingual: Encoder | None = None,
                 ) -> None:
        self.index = index
        self.encoder = encoder
        self.fusion = fusion
        self.lexicon = lexicon
        # the multilingual channel needs both the encoder and its label vectors
        self.multilingual = multilingual if (
            multilingual is not None and len(index.ml_entry)
            and index.ml_encoder == multilingual.name) else None
        self.english_words = index.english_words
        # label rows of each concept, for the exact label-level similarity of a shortlist
        order = np.argsort(index.vec_concept, kind="stable")
        self._rows_sorted = order
        # the project's languages' labels are no lexical evidence for English text
        self._english_route = np.array([lang not in PROJECT_LANGUAGES and not lang.endswith(
            "-Latn") for lang in index.entry_lang], dtype=bool)
        self._row_bounds = np.searchsorted(index.vec_concept[order],
                                           np.arange(len(index) + 1))
        self.exact = ExactMatcher(index)
        bounds, entries = self.exact.entry_bounds, self.exact.entries_sorted
        self._first_entry = np.where(bounds[1:] > bounds[:-1],
                                     entries[np.minimum(bounds[:-1], len(entries) - 1)], 0)
        # multilingual label rows grouped by concept, for a max per concept
        ml_order = np.argsort(index.ml_concept, kind="stable")
        self._ml_sorted = ml_order
        self._ml_vectors = index.ml_vectors[ml_order] if len(ml_order) else index.ml_vectors
        self._ml_concepts = index.ml_concept[ml_order]
        self._ml_starts = np.flatnonzero(np.r_[True, np.diff(self._ml_concepts) != 0]) \
            if len(ml_order) else np.zeros(0, np.int64)

    def _label_rows(self, concept: int) -> np.ndarray:
        lo, hi = self._row_bounds[concept], self._row_bounds[concept + 1]
        return self._rows_sorted[lo:hi]

    def route(self, lang: str | None, text: str | None = None) -> str:
        """English text takes the English route, and so does text whose words are mostly
        words of English labels whatever the detector says ("java spring java-ee");
        everything else the multilingual one, and so does text detected as English that
        has no word of an English label at all: the detector's light models take short
        French for English ("découper la viande", 0.73)."""
        if self.multilingual is None:
            return "en"
        words = fold(text).split() if text is not None else []
        if lang == "en":
            return "ml" if self._no_english(words) else "en"
        return "en" if self._mostly_english(words) else "ml"

    def _no_english(self, words: list[str]) -> bool:
        content = _content_words(words)
        return bool(content) and not any(w in self.english_words for w in content)

    def _mostly_english(self, words: list[str]) -> bool:
        """Words of one or two letters do not count: "(m/w/d)" is not English."""
        content = _content_words(words) or words
        return bool(content) and sum(w in self.english_words for w in content) * 2 > len(content)

    def rank(self, texts: Sequence[str], top_k: int = 100,
             langs: Sequence[str | None] | None = None) -> list[list[Candidate]]:
        """Candidates for each text, best first, scores in [0, 1]. `langs` are the texts'
        languages when known (detected otherwise)."""
        if langs is None:
            langs = [detect_language(t) for t in texts]
        results: list[list[Candidate]] = []
        for start in range(0, len(texts), BATCH):
            batch, batch_langs = texts[start:start + BATCH], langs[start:start + BATCH]
            # text for the multilingual route has few rows the English encoder reads: its
            # products are small, and a second BLAS thread only waits for a core the
            # encoders want (uk 75 -> 84 statements/s); English text keeps both threads
            # (its products are large: HOUSE 188 with two, 148 with one)
            small = all(self.route(lang, text) == "ml"
                        for text, lang in zip(batch, batch_langs, strict=True))
            with _BLAS.limit(limits=1) if small else contextlib.nullcontext():
                results += self._rank_batch(batch, batch_langs, top_k)
        return results

    def _ml_similarity(self, texts: Sequence[str], routes: list[str],
                       ) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Per text of the multilingual route: the best cosine per concept of the text's
        multilingual vector to that concept's labels, and which label row gave it."""
        out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(texts)
        wanted = [i for i, r in enumerate(routes) if r == "ml"]
        if not wanted or self.multilingual is None:
            return out
        vectors = self.multilingual.encode([texts[i] for i in wanted], query=True)
        sims = vectors @ self._ml_vectors.T
        n = len(self.index)
        for i, row in zip(wanted, sims, strict=True):
            per_concept = np.full(n, -1.0, dtype=np.float32)
            best_row = np.full(n, -1, dtype=np.int64)
            if len(row):
                per_concept[self._ml_concepts[self._ml_starts]] = np.maximum.reduceat(
                    row, self._ml_starts)
                top = row >= per_concept[self._ml_concepts]  # each concept's best row(s)
                best_row[self._ml_concepts[top]] = self.index.ml_entry[self._ml_sorted[top]]
            out[i] = (per_concept, best_row)
        return out

    def _rank_batch(self, texts: Sequence[str], langs: Sequence[str | None], top_k: int,
                    ) -> list[list[Candidate]]:
        idx = self.index
        routes = [self.route(lang, text) for lang, text in zip(langs, texts, strict=True)]
        spans_per_text = [[s for s in phrases(t) if s.text != t] for t in texts]
        # an English reading of foreign text, as one more query row after the phrases
        readings = [self._reading(t) for t in texts]
        wanted = [r for r in readings if r]
        reading_vecs = self.encoder.encode(wanted, query=True)
        by_text = iter(reading_vecs)
        reading_of = [next(by_text) if r else None for r in readings]
        # The English encoder reads Latin script (German, Turkish, Vietnamese… in part);
        # text in other scripts it reads only through the lexicon's English reading, and
        # encoding it costs more than the multilingual encoder does.
        reads = [route == "en" or script_of(t) in (None, "LATIN")
                 for route, t in zip(routes, texts, strict=True)]
        read = [i for i, ok in enumerate(reads) if ok]
        text_vecs = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        span_vecs = [np.zeros((len(spans), self.encoder.dim), np.float32)
                     for spans in spans_per_text]
        if read:
            vecs, spans_read = self.encoder.encode_with_spans(
                [texts[i] for i in read],
                [[(s.start, s.end) for s in spans_per_text[i]] for i in read])
            text_vecs[read] = vecs
            for i, rows in zip(read, spans_read, strict=True):
                span_vecs[i] = rows
        for i, ok in enumerate(reads):
            if not ok and reading_of[i] is not None:
                text_vecs[i] = reading_of[i]
        qvec = np.concatenate([
            np.vstack([tv[None, :], sv] + ([rv[None, :]] if rv is not None else []))
            for tv, sv, rv in zip(text_vecs, span_vecs, reading_of, strict=True)])
        counts = [1 + len(spans) + bool(r) for spans, r in zip(spans_per_text, readings,
                                                               strict=True)]
        bounds = np.concatenate([[0], np.cumsum(counts)])
        queries = [q for t, spans, r in zip(texts, spans_per_text, readings, strict=True)
                   for q in [t, *(s.text for s in spans), *([r] if r else [])]]
        centroid_sim = _similarity(qvec, idx.centroids)
        desc_sim = _similarity(text_vecs, idx.descriptions)
        # A long text's n-grams are its phrases' n-grams plus noise: the lexical search
        # reads the phrases, and the whole text only when it is short.
        whole_rows = set(bounds[:-1].tolist())
        lexical_queries = [fold(q) if (j not in whole_rows or len(q.split()) <= LEXICAL_WORDS)
                           else "" for j, q in enumerate(queries)]
        lex_entry = (idx.vectorizer.transform(lexical_queries) @ idx.tfidf_t).tocsr()
        ml = self._ml_similarity(texts, routes)
        return [
            self._rank_one(text, spans_per_text[i], qvec[bounds[i]:bounds[i + 1]],
                           centroid_sim[bounds[i]:bounds[i + 1]], desc_sim[i],
                           lex_entry[bounds[i]:bounds[i + 1]], ml[i], routes[i], top_k,
                           langs[i])
            for i, text in enumerate(texts)
        ]

    def _reading(self, text: str) -> str | None:
        """The lexicon's English rendering of a text that is mostly not English."""
        if self.lexicon is None:
            return None
        words = fold(text).split()
        if not words or self._mostly_english(words):
            return None
        reading = self.lexicon.translate(text)
        return reading if reading and reading != " ".join(words) else None

    def _lexical(self, lex_rows, route: str) -> tuple[np.ndarray, np.ndarray]:
        """Best TF-IDF cosine per concept over the text and its phrases, and its label.

        Only the LEXICAL_TOP best labels of each query row count: the long tail of weak
        n-gram overlaps adds nothing but time. English text is not compared with the
        migrants' languages' labels and transliterations: in Latin letters (Turkish,
        Vietnamese, "kukhar") they share n-grams with English words by chance only."""
        idx = self.index
        lex = np.zeros(len(idx), dtype=np.float32)
        best = np.full(len(idx), -1, dtype=np.int64)
        cols, vals = [], []
        for r in range(lex_rows.shape[0]):
            lo, hi = lex_rows.indptr[r], lex_rows.indptr[r + 1]
            data, ind = lex_rows.data[lo:hi], lex_rows.indices[lo:hi]
            if route == "en":
                keep = self._english_route[ind]
                data, ind = data[keep], ind[keep]
            if len(data) > LEXICAL_TOP:
                keep = np.argpartition(-data, LEXICAL_TOP)[:LEXICAL_TOP]
                data, ind = data[keep], ind[keep]
            cols.append(ind)
            vals.append(data)
        if not cols:
            return lex, best
        col, val = np.concatenate(cols), np.concatenate(vals)
        order = np.argsort(val, kind="stable")  # ascending: the last write is the max
        concepts = idx.entry_concept[col[order]]
        lex[concepts] = val[order]
        best[concepts] = col[order]
        return lex, best

    def _rank_one(self, text: str, spans: list[Span], qvec: np.ndarray,
                  centroid_sim: np.ndarray, desc_text: np.ndarray, lex_rows,
                  ml: tuple[np.ndarray, np.ndarray] | None, route: str, top_k: int,
                  lang: str | None = None) -> list[Candidate]:
        idx = self.index
        cent_text = centroid_sim[0]
        cent_phrase = centroid_sim.max(axis=0)
        lex, lex_best = self._lexical(lex_rows, route)
        exact = self.exact.hits(text, lang)
        for c, (_, _, entry) in exact.items():
            if idx.entry_lang[entry] in EXACT_ONLY:  # kept out of the n-gram search, its
                lex[c], lex_best[c] = 1.0, entry     # exact key is the cosine it would have
        shortlist = {*exact}
        sources = [(cent_text, SHORTLIST), (cent_phrase, SHORTLIST),
                   (desc_text, SHORTLIST // 2), (lex, SHORTLIST)]
        if ml is not None:
            sources.append((ml[0], SHORTLIST))
        for scores, size in sources:
            if size < len(scores):
                shortlist.update(np.argpartition(-scores, size)[:size].tolist())
            else:
                shortlist.update(range(len(scores)))
        cands = np.array(sorted(shortlist), dtype=np.int64)
        segments = [self._label_rows(c) for c in cands.tolist()]
        sizes = np.array([len(seg) for seg in segments])
        has = sizes > 0
        label_rows = np.concatenate(segments) if sizes.sum() else np.zeros(0, np.int64)
        sims = _similarity(qvec, idx.label_vectors, label_rows)  # queries x candidate labels
        label_text = np.zeros(len(cands), np.float32)
        label_phrase = np.zeros(len(cands), np.float32)
        best_query = np.zeros(len(cands), np.int64)
        # the label each candidate's fuzzy features compare with: its exact alias, else
        # its best lexical label, else its best English label, else its first label
        in_exact = np.array([c in exact for c in cands.tolist()], dtype=bool)
        best_entry = np.array([exact[c][2] if c in exact else (
            lex_best[c] if lex_best[c] >= 0 else self._first_entry[c]) for c in cands.tolist()],
            dtype=np.int64)
        if has.any():
            safe_starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[has]
            label_text[has] = np.maximum.reduceat(sims[0], safe_starts)[: has.sum()]
            col_max = sims.max(axis=0)
            label_phrase[has] = np.maximum.reduceat(col_max, safe_starts)[: has.sum()]
            seg, q, col = _first_best(sims, col_max, label_phrase, sizes)
            best_query[seg] = q
            c = cands[seg]
            use = ~in_exact[seg] & ((label_phrase[seg] >= lex[c]) | (lex_best[c] < 0))
            best_entry[seg[use]] = idx.vec_entry[label_rows[col[use]]]
        shown_entry = best_entry
        if ml is not None:
            ml_sim = ml[0][cands]
            ml_gap = ml_sim - float(ml[0].max())
            # the multilingual encoder's label names the match when it is the strongest
            # evidence (a weak lexical match); the fuzzy features keep the lexical label
            ml_best = ml[1][cands]
            use = (ml_best >= 0) & (lex[cands] < 0.5) & (ml_gap > -0.01)
            shown_entry = np.where(use, ml_best, best_entry)
        else:
            ml_sim = ml_gap = np.zeros(len(cands), np.float32)
        folded_text = fold(text)
        labels = [idx.entry_folded[e] for e in best_entry.tolist()]
        whole_ratio = process.cdist([folded_text], labels, scorer=fuzz.ratio)[0]
        partial = process.cdist(labels, [folded_text], scorer=fuzz.partial_ratio)[:, 0]
        # a transliteration met through its consonants ("tabbakh" ~ طباخ) is compared so
        for j in np.flatnonzero(in_exact).tolist():
            if idx.entry_lang[best_entry[j]] in ("ar-Latn", "fa-Latn"):
                bones = skeleton(labels[j]), skeleton(folded_text)
                whole_ratio[j] = max(whole_ratio[j], fuzz.ratio(*bones))
                partial[j] = max(partial[j], fuzz.partial_ratio(*bones))
        lexical = lex[cands]
        marked = marked_key(text) if lang == "vi" else None
        if marked is not None:
            self._compare_marked(marked, cands, best_entry, lex_best, whole_ratio, partial,
                                 lexical)
        exact_len = np.array([exact[c][0] if c in exact else 0.0 for c in cands.tolist()],
                             np.float32)
        feats = np.column_stack([
            label_text, label_phrase, cent_text[cands], cent_phrase[cands], desc_text[cands],
            lexical, whole_ratio / 100.0, partial / 100.0, exact_len,
            (exact_len > 0).astype(np.float32), ml_sim, ml_gap,
            idx.common[cands] if len(idx.common) else np.zeros(len(cands), np.float32),
        ]).astype(np.float32)
        model: FusionModel = self.fusion[route]
        scores = model.score(feats)
        # An alias that is the whole text is decisive; otherwise the full model orders.
        whole = np.array([c in exact and exact[c][1].end - exact[c][1].start >= len(text.strip())
                          for c in cands.tolist()], dtype=bool)
        order = np.lexsort((-model.rank_score(feats), ~whole))[:top_k]
        out = []
        for j in order.tolist():
            c = int(cands[j])
            span = exact[c][1] if c in exact else (
                spans[best_query[j] - 1] if 0 < best_query[j] <= len(spans) else None)
            out.append(Candidate(c, float(scores[j]), feats[j], span, int(shown_entry[j]),
                                 route))
        return out

    def _compare_marked(self, marked: str, cands: np.ndarray, best_entry: np.ndarray,
                        lex_best: np.ndarray, whole_ratio: np.ndarray, partial: np.ndarray,
                        lexical: np.ndarray) -> None:
        """Vietnamese written with its marks: a label word that differs in them is another
        word ("phở", the soup, is not the "phó" of "bếp phó", a sous-chef, nor of "phô
        mai", cheese; "may" is to sew, "máy" a machine). The fuzzy features compare the
        marked spellings, and the n-gram cosine (of folded text) counts as far as the
        words it shares with a Vietnamese label agree in their marks."""
        idx = self.index
        for j, (c, e) in enumerate(zip(cands.tolist(), best_entry.tolist(), strict=True)):
            label = marked_key(idx.entry_text[e]) if idx.entry_lang[e] == "vi" else None
            if label is not None:
                whole_ratio[j] = fuzz.ratio(marked, label)
                partial[j] = fuzz.partial_ratio(label, marked)
            e = int(lex_best[c])
            if e >= 0 and idx.entry_lang[e] == "vi":
                lexical[j] *= marks_agree(marked, idx.entry_text[e])


def _similarity(queries: np.ndarray, vectors: np.ndarray,
                rows: np.ndarray | None = None) -> np.ndarray:
    """Cosines of the query rows to `vectors` (or to its `rows`). Rows of zeros (a phrase
    the English encoder did not read) are left zero without being multiplied: text in
    other scripts has few rows the English encoder reads, and the label rows are gathered
    only when one is."""
    live = np.flatnonzero(queries.any(axis=1))
    if len(live) == len(queries):
        return queries @ (vectors if rows is None else vectors[rows]).T
    out = np.zeros((len(queries), len(vectors) if rows is None else len(rows)), np.float32)
    if len(live):
        out[live] = queries[live] @ (vectors if rows is None else vectors[rows]).T
    return out


def _first_best(sims: np.ndarray, col_max: np.ndarray, seg_max: np.ndarray,
                sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each non-empty segment of columns (a candidate's labels, `sizes` wide), the
    query row and column of its best cosine, the first one in row-major order (as
    `argmax` of the segment would find it): segment numbers, rows, columns."""
    seg_of = np.repeat(np.arange(len(sizes)), sizes)
    col_arg = sims.argmax(axis=0)  # the first row reaching each column's max
    cols = np.flatnonzero(col_max == seg_max[seg_of])
    cols = cols[np.lexsort((cols, col_arg[cols], seg_of[cols]))]
    first = np.ones(len(cols), dtype=bool)
    first[1:] = seg_of[cols][1:] != seg_of[cols][:-1]
    cols = cols[first]
    return seg_of[cols], col_arg[cols], cols
