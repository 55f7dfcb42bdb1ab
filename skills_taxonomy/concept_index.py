"""The label index (lexical) and the concept vector indexes of one kind of concept.

Built once per taxonomy version and encoders, then cached on disk, so a restart with the
full ESCO taxonomy loads in seconds instead of re-embedding 150,000 labels; a rebuild
(the taxonomy changed) embeds only the labels no earlier build met (`passage_vectors`).

- Lexical: every label in every language, folded (`text.fold`): an exact-match dictionary
  for aliases (with Arabic clitics stripped as a second key), Latin transliterations of
  Cyrillic, Arabic-script and Chinese labels ("kukhar", and the consonant skeleton "tbkh"
  that "tabbakh" also reduces to; toneless pinyin "hangong"), and a character n-gram
  TF-IDF matrix that absorbs typos, inflection and compound words in any script.
- Semantic, English channel: embeddings of the labels in the languages the main encoder
  understands, a centroid per concept (fast first-stage retrieval), and an embedding of
  each concept's description.
- Semantic, multilingual channel (optional): embeddings by a multilingual encoder of the
  labels chosen by `MlLabels` (by default every concept's English preferred label, and
  the occupations' labels in the project's languages). Text in any language is compared
  with them, across languages.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from skills_taxonomy.cache_files import locked, write_atomically
from skills_taxonomy.char_tfidf import CharNgramTfidf
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.ml_labels import MlLabels
from skills_taxonomy.model import ConceptKind, LabelType, Taxonomy
from skills_taxonomy.passage_vectors import PassageVectors
from skills_taxonomy.text import (
    arabic_light,
    fold,
    is_unspaced_char,
    plain_letters,
    skeleton,
    transliterate,
)

log = logging.getLogger(__name__)
CACHE_FORMAT = 16  # 16: Chinese labels in pinyin, exact keys only (13-15: trials of it)
DESCRIPTION_CHARS = 240
# n-grams in more than this share of labels are dropped: they carry little evidence, and
# their long posting lists were a third of a sentence's linking time (0.02 → 0.002 took
# English linking from ~100 to ~250 sentences/s at the same MRR; BENCHMARKS.md)
MAX_DF = 0.002
MAX_DF_FLOOR = 200  # a small taxonomy (the starter) keeps n-grams found in this many labels
# The languages of the project's own label files: their occupation labels are embedded by
# the multilingual encoder too.
PROJECT_LANGUAGES = ("ar", "uk", "ru", "tr", "fa", "vi", "zh")
TRANSLITERATED = {"uk", "ru", "bg", "ar", "fa", "zh"}
# transliterations that are exact keys only, of plain-letter text (see exact_match.py)
EXACT_ONLY = {"zh-Latn"}


@dataclass
class ConceptIndex:
    kind: ConceptKind
    uris: list[str]
    preferred: list[str]  # English (or first) preferred label per concept
    entry_concept: np.ndarray  # concept index per label entry
    entry_text: list[str]
    entry_folded: list[str]
    entry_lang: list[str]
    exact: dict[str, tuple[int, ...]]  # folded label -> concept indices
    vectorizer: TfidfVectorizer
    # n-grams x entries (the transpose of the L2-normalised entry rows): what a query's
    # n-gram vector is multiplied with; stored so, it costs no conversion at start-up
    tfidf_t: sparse.csr_matrix
    vec_entry: np.ndarray  # entry index of each embedded label
    label_vectors: np.ndarray  # embedded labels x dim
    centroids: np.ndarray  # concepts x dim
    descriptions: np.ndarray  # concepts x dim (zeros where no description)
    skeletons: dict[str, tuple[int, ...]] = field(default_factory=dict)  # -> entries
    # concepts the project itself names (starter taxonomy, label files): the occupations
    # migrants most often enter or train for and their essential skills
    common: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    english_words: frozenset[str] = frozenset()  # words of the English labels
    ml_entry: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    ml_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    ml_encoder: str = ""

    def __len__(self) -> int:
        return len(self.uris)

    @property
    def vec_concept(self) -> np.ndarray:
        return self.entry_concept[self.vec_entry]

    @property
    def ml_concept(self) -> np.ndarray:
        return self.entry_concept[self.ml_entry]


def _entries(taxonomy: Taxonomy, kind: ConceptKind) -> tuple[list[str], list[str], list[
        tuple[int, str, str, bool]], list[str], list[bool]]:
    """Concepts in URI order, their label entries (concept, text, lang, preferred), their
    descriptions, and whether the project names them itself."""
    uris, preferred, entries, descriptions, common = [], [], [], [], []
    for i, concept in enumerate(sorted(taxonomy.of_kind(kind), key=lambda c: c.uri)):
        uris.append(concept.uri)
        common.append(any(lb.source.startswith("project:") for lb in concept.labels))
        preferred.append(concept.preferred_label("en"))
        descriptions.append(concept.description[:DESCRIPTION_CHARS])
        seen: set[tuple[str, str]] = set()
        for label in sorted(concept.labels, key=lambda lb: lb.type is not LabelType.PREFERRED):
            if (label.type is LabelType.HIDDEN and len(label.text) < 4
                    and not any(map(is_unspaced_char, label.text))):
                continue  # short hidden labels are often misspellings
            key = (label.lang, fold(label.text))
            if key[1] and key not in seen:
                seen.add(key)
                entries.append((i, label.text, label.lang,
                                label.type is LabelType.PREFERRED))
    return uris, preferred, entries, descriptions, common


def _transliterations(entries: list[tuple[int, str, str, bool]],
                      ) -> list[tuple[int, str, str, bool]]:
    """Latin renderings of Cyrillic, Arabic-script and Chinese labels, as lexical entries
    of their own ("кухар" → "kukhar", "焊工" → "hangong"): people without the keyboard
    write them so."""
    out = []
    for concept, text, lang, _ in entries:
        if lang in TRANSLITERATED:
            latin = transliterate(text)
            if latin and latin != fold(text):
                out.append((concept, latin, f"{lang}-Latn", False))
    return out


def _ml_rows(entries: list[tuple[int, str, str, bool]], kind: ConceptKind,
             languages: Sequence[str], mode: MlLabels) -> list[int]:
    rows = []
    for i, (_, _, lang, is_preferred) in enumerate(entries):
        if lang.endswith("-Latn"):
            continue
        if mode is MlLabels.ALL:
            keep = lang in languages
        else:
            keep = (lang == "en" and (is_preferred or (mode is MlLabels.OCCUPATIONS
                                                       and kind is ConceptKind.OCCUPATION))
                    or (kind is ConceptKind.OCCUPATION and is_preferred
                        and lang in PROJECT_LANGUAGES))
        if keep:
            rows.append(i)
    return rows


def build_index(taxonomy: Taxonomy, kind: ConceptKind, encoder: Encoder,
                embed_languages: Sequence[str] = ("en",),
                progress: Callable[[str], None] | None = None,
                multilingual: Encoder | None = None,
                ml_labels: MlLabels = MlLabels.PREFERRED,
                cache_dir: Path | None = None) -> ConceptIndex:
    """Build the index; passages embedded by an earlier build into `cache_dir` are not
    embedded again."""
    passages = PassageVectors(encoder, cache_dir)
    uris, preferred, entries, descriptions, common = _entries(taxonomy, kind)
    entries += _transliterations(entries)
    entry_concept = np.array([e[0] for e in entries], dtype=np.int32)
    entry_text = [e[1] for e in entries]
    entry_lang = [e[2] for e in entries]
    folded = [fold(t) for t in entry_text]
    exact_lists: dict[str, set[int]] = {}
    skeleton_lists: dict[str, set[int]] = {}
    for row, (ci, key, lang) in enumerate(zip(entry_concept.tolist(), folded, entry_lang,
                                              strict=True)):
        exact_lists.setdefault(key, set()).add(ci)
        exact_lists.setdefault(plain_letters(key), set()).add(ci)
        if lang in ("ar", "fa"):
            light = arabic_light(key)
            if light != key:
                exact_lists.setdefault(light, set()).add(ci)
        elif lang in ("ar-Latn", "fa-Latn"):
            bones = skeleton(key)
            if len(bones) >= 3:
                skeleton_lists.setdefault(bones, set()).add(row)
    # tuples, not arrays: 300,000 small arrays take seconds to unpickle, tuples a tenth
    exact = {k: tuple(sorted(v)) for k, v in exact_lists.items()}
    skeletons = {k: tuple(sorted(v)) for k, v in skeleton_lists.items()}
    # Pinyin is matched exactly only: its syllables are Vietnamese, Turkish and English
    # n-grams too ("sushi" is 素食, vegetarian food). Its rows stay empty, and it is left out
    # of the fit, so the other labels' n-gram weights are as without it.
    searched = np.flatnonzero([lang not in EXACT_ONLY for lang in entry_lang])
    # n-grams found in more than MAX_DF of labels carry little evidence and make the
    # sparse products slow; dropping them keeps lexical search in the millisecond range.
    vectorizer = CharNgramTfidf(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                lowercase=False, dtype=np.float32,
                                max_df=max(int(MAX_DF * len(searched)), MAX_DF_FLOOR))
    # a taxonomy may hold no concept of this kind (an import of occupations only)
    fitted = vectorizer.fit_transform([folded[i] for i in searched] or ["-"]).tocsr()
    placed = sparse.csr_matrix((np.ones(len(searched), np.float32),
                                (searched, np.arange(len(searched)))),
                               shape=(len(folded), fitted.shape[0]))
    tfidf_t = (placed @ fitted).T.tocsr()
    vec_entry = np.array([i for i, lang in enumerate(entry_lang) if lang in embed_languages]
                         or [i for i, lang in enumerate(entry_lang)
                             if not lang.endswith("-Latn")], dtype=np.int32)
    label_texts = [entry_text[i] for i in vec_entry]
    if progress:
        progress(_embedding(passages, label_texts, f"{kind.value} labels"))
    label_vectors = passages.encode(label_texts)
    centroids = np.zeros((len(uris), encoder.dim), dtype=np.float32)
    np.add.at(centroids, entry_concept[vec_entry], label_vectors)
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
    with_description = [i for i, d in enumerate(descriptions) if d]
    description_texts = [descriptions[i] for i in with_description]
    if progress:
        progress(_embedding(passages, description_texts, f"{kind.value} descriptions"))
    desc = np.zeros((len(uris), encoder.dim), dtype=np.float32)
    if with_description:
        desc[with_description] = passages.encode(description_texts)
    index = ConceptIndex(kind, uris, preferred, entry_concept, entry_text, folded, entry_lang,
                         exact, vectorizer, tfidf_t, vec_entry, label_vectors, centroids, desc,
                         skeletons, np.array(common, dtype=bool),
                         frozenset(w for f, lang in zip(folded, entry_lang, strict=True)
                                   if lang == "en" for w in f.split()))
    if multilingual is not None:
        rows = _ml_rows(entries, kind, embed_languages, ml_labels)
        ml_texts = [entry_text[i] for i in rows]
        ml_passages = PassageVectors(multilingual, cache_dir)
        if progress:
            progress(_embedding(ml_passages, ml_texts,
                                f"{kind.value} labels with {multilingual.name}"))
        index.ml_entry = np.array(rows, dtype=np.int32)
        index.ml_vectors = ml_passages.encode(ml_texts)
        index.ml_encoder = multilingual.name
        ml_passages.save()
    passages.save()
    return index


def _embedding(passages: PassageVectors, texts: list[str], what: str) -> str:
    """The progress line of one embedding step: how much of it is new."""
    unseen = passages.unseen(texts)
    if unseen == len(set(texts)):
        return f"embedding {len(texts)} {what}"
    if not unseen:
        return f"{len(texts)} {what}, all embedded before"
    return f"embedding {unseen} of {len(texts)} {what} (the others embedded before)"


def load_or_build_index(taxonomy: Taxonomy, kind: ConceptKind, encoder: Encoder,
                        cache_dir: Path | None, embed_languages: Sequence[str] = ("en",),
                        version: str | None = None,
                        progress: Callable[[str], None] | None = None,
                        multilingual: Encoder | None = None,
                        ml_labels: MlLabels = MlLabels.PREFERRED) -> ConceptIndex:
    """The index from `cache_dir` when one exists for this taxonomy version and these
    encoders."""
    version = version or taxonomy.version
    ml = f"-{multilingual.name}-{ml_labels.value}" if multilingual else ""
    key = (f"{kind.value}-{version}-{encoder.name}{ml}-{'_'.join(embed_languages)}"
           f"-v{CACHE_FORMAT}")

    def build() -> ConceptIndex:
        started = time.perf_counter()
        index = build_index(taxonomy, kind, encoder, embed_languages, progress, multilingual,
                            ml_labels, cache_dir)
        log.info("built %s index in %.1f s", kind.value, time.perf_counter() - started)
        return index

    if cache_dir is None:
        return build()
    path = cache_dir / f"{key}.pkl"
    cached = _read_index(path)
    if cached is not None:
        return cached
    with locked(path):  # a process starting beside this one waits, then reads it
        cached = _read_index(path)
        if cached is None:
            cached = build()
            write_atomically(path, cached)
    return cached


def _read_index(path: Path) -> ConceptIndex | None:
    if not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            index: ConceptIndex = pickle.load(handle)
        return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        log.warning("ignoring unreadable index cache %s: %s", path, exc)
        return None
