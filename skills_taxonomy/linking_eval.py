"""Linking measured on the labelled benchmark sets: skills (Decorte), statements in the
migrants' languages (`lang,kind,text,uris`) and occupations (MELO, each set ranking its
own corpus). Used by `matcher eval`, the benchmarks and the tests; the readers and metrics
are in `skills_taxonomy.evaluation`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from skills_taxonomy.concept_index import load_or_build_index
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.evaluation import (
    OccupationSet,
    evaluate_occupation_ranking,
    evaluate_skill_ranking,
    evaluate_statements,
    read_occupation_set,
    read_skill_set,
    read_statement_set,
)
from skills_taxonomy.fusion import RoutedFusion, load_fusion
from skills_taxonomy.job_titles import bare_title
from skills_taxonomy.lexicon import load_lexicon
from skills_taxonomy.linker import Linker
from skills_taxonomy.ml_labels import MlLabels
from skills_taxonomy.model import Concept, ConceptKind, LabelType, Taxonomy
from skills_taxonomy.normalize import Normalizer

Progress = Callable[[str], None]


def eval_skills(normalizer: Normalizer, files: list[str]) -> dict[str, dict]:
    """Decorte-format files: rank all skills of the taxonomy for each sentence."""
    index = normalizer.linkers[ConceptKind.SKILL].index
    label_to_uri: dict[str, str] = {}
    for uri in index.uris:
        concept = normalizer.taxonomy.concepts[uri]
        for label in concept.labels:
            if label.lang == "en" and label.type is LabelType.PREFERRED:
                label_to_uri.setdefault(label.text.casefold(), uri)

    def rank(texts: list[str]) -> list[list[str]]:
        return [[index.uris[c.concept] for c in cands]
                for cands in normalizer.rank(texts, ConceptKind.SKILL, top_k=100)]

    return {path: evaluate_skill_ranking(rank, read_skill_set(path), label_to_uri)
            for path in files}


def eval_statements(normalizer: Normalizer, files: list[str]) -> dict[str, dict]:
    """Statement sets (`lang,kind,text,uris`): skills and occupations ranked for each
    statement, MRR and accuracy@1 per language. The language is detected, as in use."""

    def rank(texts: list[str], langs: list[str], kind: str) -> list[list[str]]:
        linker = normalizer.linkers[ConceptKind(kind)]
        return [[linker.index.uris[c.concept] for c in cands]
                for cands in normalizer.rank(texts, ConceptKind(kind), top_k=100)]

    return {path: evaluate_statements(rank, read_statement_set(path)) for path in files}


def corpus_taxonomy(data: OccupationSet) -> Taxonomy:
    """The MELO protocol ranks the set's own corpus: its concepts with its labels only."""
    taxonomy = Taxonomy()
    for uri, lang, label in data.corpus:
        concept = taxonomy.concepts.get(uri) or taxonomy.add(
            Concept(uri=uri, kind=ConceptKind.OCCUPATION))
        has_preferred = any(lb.lang == lang for lb in concept.labels)
        concept.add_label(label, lang,
                          LabelType.ALTERNATIVE if has_preferred else LabelType.PREFERRED)
    return taxonomy


def eval_occupations(cache_dir: Path | None, encoder: Encoder, folders: list[str],
                     progress: Progress | None = None, multilingual: Encoder | None = None,
                     fusion: RoutedFusion | None = None) -> dict[str, dict]:
    """MELO-format folders: each set's own corpus, all of its labels embedded by both
    encoders (the protocol ranks the set's corpus, not our taxonomy)."""
    fusion = fusion or load_fusion(ConceptKind.OCCUPATION.value)
    lexicon = load_lexicon()
    results = {}
    for folder in folders:
        data = read_occupation_set(folder)
        taxonomy = corpus_taxonomy(data)
        digest = hashlib.sha256(repr(data.corpus).encode()).hexdigest()[:16]
        languages = sorted({lang for _, lang, _ in data.corpus})
        index = load_or_build_index(taxonomy, ConceptKind.OCCUPATION, encoder,
                                    cache_dir, embed_languages=languages,
                                    version=f"melo-{Path(folder).name}-{digest}",
                                    progress=progress, multilingual=multilingual,
                                    ml_labels=MlLabels.ALL)
        linker = Linker(index, encoder, fusion, lexicon, multilingual)

        def rank(texts: list[str], linker: Linker = linker) -> list[list[str]]:
            titles = [bare_title(t) for t in texts]  # as the product links titles
            return [[linker.index.uris[c.concept] for c in cands]
                    for cands in linker.rank(titles, top_k=100)]

        results[folder] = evaluate_occupation_ranking(rank, data)
    return results
