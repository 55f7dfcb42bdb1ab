"""The fast path for a piece of text that is, as a whole, a label of exactly one concept.

Feeds and CVs are mostly lists of such pieces ("Teamfähigkeit", "зварювальник"). The full
linker embeds each with both encoders and scores a shortlist of ~150 concepts; for these
pieces the answer is already known from the exact alias: the fusion's lexical model alone
scores it (the spelling evidence of a whole-label match: TF-IDF, fuzzy ratios, alias
length), as it does for any alias match the encoders cannot read. Taken only where that
score clears the route's threshold and no other concept has the same label; everything
else goes the full way. `benchmarks.fast_path` measures what it changes.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from skills_taxonomy.exact_match import hit_strength
from skills_taxonomy.fusion import FEATURES
from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.text import Span, fold

_LEXICAL = FEATURES.index("tfidf_char")
_RATIO = FEATURES.index("fuzz_ratio")
_PARTIAL = FEATURES.index("fuzz_partial")
_LENGTH = FEATURES.index("exact_length")
_HIT = FEATURES.index("exact_hit")
_COMMON = FEATURES.index("common")


def whole_label(linker: Linker, text: str, lang: str | None, threshold: float | None = None,
                alone: bool = True) -> Candidate | None:
    """The one concept `text` is a label of, scored without the encoders; None when the
    text is not exactly one concept's label, or (`alone`) a part of it is another's, or
    the lexical score is below `threshold` (the route's fitted one unless given)."""
    hits = linker.exact.hits(text, lang)
    size = len(text.strip())
    whole = [(c, hit) for c, hit in hits.items() if hit[1].end - hit[1].start >= size]
    if len(whole) != 1 or (alone and len(hits) != 1):
        return None
    concept, (strength, span, entry) = whole[0]
    cand = _scored(linker, concept, entry, fold(text), strength, linker.route(lang, text), span)
    if cand.score < (linker.fusion[cand.route].threshold_ if threshold is None else threshold):
        return None
    return cand


def as_written(linker: Linker, concept: int, entry: int) -> Candidate:
    """The candidate of a text that is exactly the concept's label `entry` (an English
    one: the route is English), scored as `whole_label` scores a whole-label piece: what
    a statement gets for a concept it names by other means than a label (`teachers`)."""
    index = linker.index
    label = index.entry_folded[entry]
    return _scored(linker, concept, entry, label, hit_strength(label), "en",
                   Span(0, len(label), label))


def _scored(linker: Linker, concept: int, entry: int, folded: str, strength: float,
            route: str, span: Span) -> Candidate:
    """The fusion's lexical model on the spelling evidence of an exact hit."""
    index = linker.index
    label = index.entry_folded[entry]
    features = np.zeros(len(FEATURES), np.float32)
    features[_LEXICAL] = _tfidf_cosine(index.vectorizer, folded, label)
    features[_RATIO] = fuzz.ratio(folded, label) / 100.0
    features[_PARTIAL] = fuzz.partial_ratio(label, folded) / 100.0
    features[_LENGTH] = strength
    features[_HIT] = 1.0
    if len(index.common):
        features[_COMMON] = float(index.common[concept])
    score = float(linker.fusion[route].lexical_score(features[None, :])[0])
    return Candidate(concept, score, features, span, entry, route)


def _tfidf_cosine(vectorizer: TfidfVectorizer, text: str, label: str) -> float:
    """The character n-gram TF-IDF cosine of two folded texts: 1 for the same text with
    n-grams the index keeps (most whole-label hits; no vectors built), else computed."""
    if text == label:
        vocabulary = vectorizer.vocabulary_
        return float(any(gram in vocabulary for gram in vectorizer.build_analyzer()(text)))
    rows = vectorizer.transform([text, label])
    return float(rows[0].multiply(rows[1]).sum())
