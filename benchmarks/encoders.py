"""Which encoder for which text: every candidate encoder alone, and each multilingual
encoder inside the fusion, on the same sets, side by side.

- **Alone**: rank by the best cosine of the text to a concept's labels, nothing else —
  the project's multilingual development set and the Decorte validation sets against
  ESCO's English preferred skill labels; the qualification titles
  (`benchmarks/data/qualification_titles.csv`) and the development set's occupation
  statements against ESCO's English preferred occupation labels; MELO sets against all
  labels of their own corpus (the protocol).
- **Inside the fusion** (multilingual channel `none`, `e5`, `use`): the full engine on
  full ESCO (with the project's labels), its multilingual route fitted for that encoder
  on the development set (5-fold cross-fitted figures reported), then the qualification
  titles and the MELO sets.

    python -m benchmarks.encoders [--encoders minilm e5 use] [--channels none e5 use]
        [--melo deu_q_de_c_de deu_q_de_c_en bgr_q_bg_c_bg rou_q_ro_c_ro]

Needs `make import-esco` first (the fusion part runs on the imported taxonomy). Label
vectors are cached under `var/bench-cache`; a cold run takes about an hour on two cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.linking import DATA, RESULTS, ROOT
from benchmarks.recognition import TITLES, occupation_benchmark
from matcher.settings import Settings
from matcher.wiring import current_taxonomy, load_normalizer, make_encoder
from skills_taxonomy.embedding import Encoder
from skills_taxonomy.embedding import make_encoder as encoder_named
from skills_taxonomy.evaluation import (
    read_occupation_set,
    read_skill_set,
    read_statement_set,
    reciprocal_rank,
)
from skills_taxonomy.linking_eval import eval_occupations
from skills_taxonomy.model import ConceptKind, Taxonomy
from training.fit_fusion import DEV_SET, SKILL_SETS, fit_occupations, fit_skills

CACHE = ROOT / "var" / "bench-cache"
TARGET_MELO = ("deu_q_de_c_de", "deu_q_de_c_en", "bgr_q_bg_c_bg", "rou_q_ro_c_ro")


def _vectors(encoder: Encoder, texts: Sequence[str], key: str) -> np.ndarray:
    """Passage vectors of `texts`, cached on disk by encoder and key."""
    path = CACHE / f"{encoder.name}-{key}.npy"
    if path.exists():
        return np.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    vectors = encoder.encode(list(texts))
    np.save(path, vectors)
    return vectors


class CosineRanker:
    """Concepts ranked by the best cosine of a query to any of their labels."""

    def __init__(self, encoder: Encoder, uris: list[str], labels: list[str], key: str) -> None:
        self.encoder = encoder
        self.concepts = sorted(set(uris))
        position = {u: i for i, u in enumerate(self.concepts)}
        self.column = np.array([position[u] for u in uris])
        self.order = np.argsort(self.column, kind="stable")
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.column[self.order]) != 0])
        self.vectors = _vectors(encoder, labels, key)[self.order]

    def rank(self, texts: Sequence[str], top_k: int = 100) -> list[list[str]]:
        out = []
        queries = self.encoder.encode(list(texts), query=True)
        for start in range(0, len(queries), 256):
            sims = queries[start:start + 256] @ self.vectors.T
            best = np.maximum.reduceat(sims, self.starts, axis=1)
            for row in best:
                top = np.argpartition(-row, min(top_k, len(row) - 1))[:top_k]
                out.append([self.concepts[i] for i in top[np.argsort(-row[top])]])
        return out


def _english_preferred(taxonomy: Taxonomy, kind: ConceptKind) -> tuple[list[str], list[str]]:
    concepts = sorted((c for c in taxonomy.of_kind(kind) if c.uri.startswith("http")),
                      key=lambda c: c.uri)
    return [c.uri for c in concepts], [c.preferred_label("en") for c in concepts]


def _scores(rankings: list[list[str]], gold: list[set[str]], groups: list[str],
            ) -> dict[str, dict[str, float]]:
    per: dict[str, list[tuple[float, float]]] = {}
    for ranking, wanted, group in zip(rankings, gold, groups, strict=True):
        rr = reciprocal_rank(ranking, wanted)
        for g in dict.fromkeys((group, "all")):  # a group named "all" counts once
            per.setdefault(g, []).append((rr, float(rr == 1.0)))
    return {g: {"mrr": round(float(np.mean([v[0] for v in vs])), 4),
                "acc@1": round(float(np.mean([v[1] for v in vs])), 4), "n": len(vs)}
            for g, vs in sorted(per.items())}


def alone(encoder: Encoder, taxonomy: Taxonomy, melo: Sequence[str]) -> dict[str, object]:
    skills = CosineRanker(encoder, *_english_preferred(taxonomy, ConceptKind.SKILL),
                          "esco-skills-en-preferred")
    occupations = CosineRanker(encoder, *_english_preferred(taxonomy, ConceptKind.OCCUPATION),
                               "esco-occupations-en-preferred")
    out: dict[str, object] = {}
    dev = read_statement_set(DEV_SET)
    for kind, ranker in (("skill", skills), ("occupation", occupations)):
        rows = [q for q in dev if q.kind == kind]
        started = time.perf_counter()
        ranked = ranker.rank([q.text for q in rows])
        out[f"dev_{kind}"] = {**_scores(ranked, [q.gold for q in rows],
                                        [q.lang for q in rows]),
                              "per_s": round(len(rows) / (time.perf_counter() - started), 1)}
    with TITLES.open(encoding="utf-8") as handle:
        titles = list(csv.DictReader(handle))
    out["qualification_titles"] = _scores(occupations.rank([r["title"] for r in titles]),
                                          [{r["occupation_id"]} for r in titles],
                                          [r["lang"] for r in titles])
    label_of = {u: label.casefold() for u, label in zip(*_english_preferred(
        taxonomy, ConceptKind.SKILL), strict=True)}
    uri_of = {label: u for u, label in label_of.items()}
    for name, path in SKILL_SETS.items():
        queries = read_skill_set(path)
        gold = [{uri_of.get(lb.casefold(), f"unmapped:{lb}") for lb in q.gold_labels}
                for q in queries]
        out[f"decorte_{name}"] = _scores(skills.rank([q.sentence for q in queries]), gold,
                                         ["en"] * len(queries))["all"]
    for name in melo:
        data = read_occupation_set(DATA / "eval/melo" / name)
        ranker = CosineRanker(encoder, [u for u, _, _ in data.corpus],
                              [label for _, _, label in data.corpus], f"melo-{name}")
        rankings = ranker.rank([t for _, t in data.queries])
        out[f"melo_{name}"] = _scores(rankings, [data.gold[q] for q, _ in data.queries],
                                      ["all"] * len(rankings))["all"]
    return out


def in_fusion(channel: str, melo: Sequence[str]) -> dict[str, object]:
    """The engine with this multilingual channel, its multilingual route fitted anew."""
    settings = Settings(multilingual_encoder=channel)
    normalizer = load_normalizer(settings)
    out: dict[str, object] = {}
    if normalizer.multilingual is not None:
        skill_fusion, skill_report = fit_skills(normalizer, 1500, 13)
        occupation_fusion, occupation_report = fit_occupations(normalizer, 3000, 13)
        for kind, fusion in (("skill", skill_fusion), ("occupation", occupation_fusion)):
            normalizer.linkers[ConceptKind(kind)].fusion = fusion
        out["dev_skill_cross_fitted_mrr"] = skill_report["multilingual"]["dev_cross_fitted_mrr"]
        out["dev_occupation_cross_fitted_mrr"] = \
            occupation_report["multilingual"]["dev_cross_fitted_mrr"]
    titles: dict[str, Any] = occupation_benchmark(normalizer)
    out["qualification_titles"] = {method: {lang: {k: v[k] for k in ("acc@1", "mrr", "n")}
                                            for lang, v in result.items()}
                                   for method, result in titles.items()}
    if melo:
        fusion = normalizer.linkers[ConceptKind.OCCUPATION].fusion
        results = eval_occupations(settings.cache_dir, normalizer.encoder,
                                   [str(DATA / "eval/melo" / name) for name in melo],
                                   multilingual=normalizer.multilingual, fusion=fusion)
        out.update({f"melo_{Path(k).name}": v for k, v in results.items()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoders", nargs="*", default=["minilm", "e5", "use"])
    parser.add_argument("--channels", nargs="*", default=["none", "e5", "use"])
    parser.add_argument("--melo", nargs="*", default=list(TARGET_MELO))
    parser.add_argument("--out", type=Path, default=RESULTS / "encoders.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    settings = Settings()
    taxonomy, _ = current_taxonomy(settings)
    report: dict[str, object] = {"machine": {"cpus": os.cpu_count(),
                                             "python": platform.python_version()}}
    alone_report: dict[str, object] = {}
    for name in args.encoders:
        encoder = make_encoder(settings) if name == "minilm" else encoder_named(name)
        alone_report[name] = alone(encoder, taxonomy, args.melo)
        print(json.dumps({name: alone_report[name]}, ensure_ascii=False), flush=True)
    report["alone"] = alone_report
    fusion_report: dict[str, object] = {}
    for channel in args.channels:
        fusion_report[channel] = in_fusion(channel, args.melo)
        print(json.dumps({channel: fusion_report[channel]}, ensure_ascii=False), flush=True)
    report["in_fusion"] = fusion_report
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
