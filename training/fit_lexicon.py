"""Fit the cross-lingual word lexicon from ESCO's parallel labels.

Every concept carries labels in several languages. A foreign word and an English word
that keep appearing on the same concepts are likely translations: the lexicon keeps, for
each foreign word, the English words with the highest Dice coefficient over concepts.
The linker uses it to add an English rendering of a foreign query, which the English
encoder can read ("Schweißer" → "welder").

Data: the taxonomy imported from ../shared/data (labels only; no evaluation queries).
    python -m training.fit_lexicon
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from matcher.settings import Settings
from matcher.wiring import current_taxonomy
from skills_taxonomy.lexicon import Lexicon, lexicon_path
from skills_taxonomy.model import LabelType, Taxonomy
from skills_taxonomy.text import STOPWORDS, fold

MIN_PAIRS = 2
MIN_DICE = 0.15
TOP = 2


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


def fit_lexicon(taxonomy: Taxonomy) -> Lexicon:
    """Per language: Dice over concepts between its words and the English words."""
    docs: dict[str, tuple[list[str], list[str]]] = {}
    for concept in taxonomy.concepts.values():
        labels = [lb for lb in concept.labels if lb.type is not LabelType.HIDDEN]
        english = " ".join(fold(lb.text) for lb in labels if lb.lang == "en")
        if not english:
            continue
        for lang in {lb.lang for lb in labels} - {"en"}:
            foreign, englishes = docs.setdefault(lang, ([], []))
            foreign.append(" ".join(fold(lb.text) for lb in labels if lb.lang == lang))
            englishes.append(english)
    entries: dict[str, list[tuple[str, float]]] = {}
    for foreign_docs, english_docs in docs.values():
        if len(foreign_docs) < 50:
            continue
        for word, chosen in _dice(foreign_docs, english_docs).items():
            if word not in entries or chosen[0][1] > entries[word][0][1]:
                entries[word] = chosen
    return Lexicon(entries)


def _dice(foreign_docs: list[str], english_docs: list[str]) -> dict[str, list[tuple[str, float]]]:
    fv = CountVectorizer(binary=True, analyzer=_words, min_df=MIN_PAIRS)
    ev = CountVectorizer(binary=True, analyzer=_words, min_df=MIN_PAIRS)
    F = fv.fit_transform(foreign_docs).tocsc()
    E = ev.fit_transform(english_docs).tocsc()
    co = (F.T @ E).tocsr()  # foreign word x English word: concepts they share
    nf = np.asarray(F.sum(axis=0)).ravel()
    ne = np.asarray(E.sum(axis=0)).ravel()
    f_words, e_words = fv.get_feature_names_out(), ev.get_feature_names_out()
    entries: dict[str, list[tuple[str, float]]] = {}
    for i in range(co.shape[0]):
        lo, hi = co.indptr[i], co.indptr[i + 1]
        cols, counts = co.indices[lo:hi], co.data[lo:hi]
        keep = counts >= MIN_PAIRS
        cols, counts = cols[keep], counts[keep]
        if not len(cols):
            continue
        dice = 2 * counts / (nf[i] + ne[cols])
        best = np.argsort(-dice)[:TOP]
        chosen = [(str(e_words[cols[j]]), round(float(dice[j]), 3)) for j in best
                  if dice[j] >= MIN_DICE]
        if chosen and str(f_words[i]) != chosen[0][0]:
            entries[str(f_words[i])] = chosen
    return entries


def main() -> None:
    taxonomy, version = current_taxonomy(Settings())
    lexicon = fit_lexicon(taxonomy)
    lexicon.save(lexicon_path(), taxonomy=version, fitted=str(dt.date.today()),
                 min_pairs=MIN_PAIRS, min_dice=MIN_DICE)
    sample = {w: lexicon.entries[w] for w in ("schweisser", "koch", "soldador", "elektriker",
                                             "metinacs") if w in lexicon.entries}
    print(json.dumps({"entries": len(lexicon.entries), "sample": sample}, ensure_ascii=False))


if __name__ == "__main__":
    main()
