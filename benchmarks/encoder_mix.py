"""Probe: the two multilingual encoders together on the German MELO sets. Each concept's
best cosine to the query under e5 and under USE, mixed as w·e5 + (1 − w)·USE, MRR per w.
It reads the test sets themselves, so it says how far a mix could go, not what to ship
(BENCHMARKS.md, issues 16 and 17 round). Label vectors come from `benchmarks.encoders`'
cache (`var/bench-cache`).

    python -m benchmarks.encoder_mix [--out benchmarks/results/encoder_mix.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from benchmarks.encoders import CosineRanker
from benchmarks.linking import DATA, RESULTS
from skills_taxonomy.embedding import make_encoder
from skills_taxonomy.evaluation import read_occupation_set, reciprocal_rank

SETS = ("deu_q_de_c_en", "deu_q_de_c_de")
MIX = (0.0, 0.3, 0.5, 0.7, 1.0)


def mixed(name: str) -> dict[str, float]:
    data = read_occupation_set(DATA / "eval/melo" / name)
    uris, labels = [u for u, _, _ in data.corpus], [lb for _, _, lb in data.corpus]
    texts = [t for _, t in data.queries]
    best = []
    for encoder in (make_encoder("e5"), make_encoder("use")):
        ranker = CosineRanker(encoder, uris, labels, f"melo-{name}")
        queries = encoder.encode(texts, query=True)
        best.append(np.maximum.reduceat(queries @ ranker.vectors.T, ranker.starts, axis=1))
    gold = [data.gold[q] for q, _ in data.queries]
    out = {}
    for w in MIX:
        score = w * best[0] + (1 - w) * best[1]
        out[f"w_e5={w}"] = round(float(np.mean([
            reciprocal_rank([ranker.concepts[i] for i in np.argsort(-row)[:100]], wanted)
            for row, wanted in zip(score, gold, strict=True)])), 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "encoder_mix.json")
    args = parser.parse_args()
    results = {name: mixed(name) for name in SETS}
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
