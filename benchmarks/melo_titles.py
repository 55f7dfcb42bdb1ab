"""MELO job titles through the product's own path: `link_occupations` on the imported
taxonomy (full ESCO after `make import-esco`), as a vacancy or experience title is linked.

The MELO protocol (`matcher eval occupations`) ranks each set's own corpus; this asks what
a coach sees instead: the occupation named for the title with abstention (`named`, and how
often it is right: `named_correct`, the issue's "named precision"), and the first five
without abstention (Acc@1, MRR@5). Gold: the ESCO occupations the set's annotations mark
relevant (titles whose gold lies outside the taxonomy are left out). MELO is an
evaluation set here, never used for fitting or tuning.

    python -m benchmarks.melo_titles [--sets deu_q_de_c_de aut_q_de_c_de bel_q_fr_c_fr]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
MELO = ROOT.parent / "shared" / "data" / "eval" / "melo"


def _table(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if line.strip())


def gold_titles(folder: Path, known: set[str]) -> list[tuple[str, set[str]]]:
    """(title, its relevant ESCO occupations) for every query with one in `known`."""
    uri_of = _table(folder / "concept_mapping.tsv")
    gold: dict[str, set[str]] = defaultdict(set)
    with (folder / "annotations.tsv").open(encoding="utf-8") as f:
        for line in f:
            query, _, element, relevant = line.rstrip("\n").split("\t")
            uri = uri_of.get(element, "")
            if relevant == "1" and "/occupation/" in uri and uri in known:
                gold[query].add(uri)
    return [(title, gold[q]) for q, title in _table(folder / "queries.tsv").items() if gold[q]]


def measure(normalizer: Normalizer, titles: list[tuple[str, set[str]]]) -> dict[str, Any]:
    texts = [t for t, _ in titles]
    named = normalizer.link_occupations_batch(texts, top_k=1)
    ranked = normalizer.link_occupations_batch(texts, top_k=5, abstain=False)
    hits = [next((rank for rank, m in enumerate(found, 1) if m.concept in gold), 0)
            for (_, gold), found in zip(titles, ranked, strict=True)]
    right = [found[0].concept in gold for (_, gold), found in zip(titles, named, strict=True)
             if found]
    n = len(titles)
    return {"n": n, "acc@1": round(sum(h == 1 for h in hits) / n, 4),
            "mrr@5": round(sum(1 / h for h in hits if h) / n, 4),
            "named": round(len(right) / n, 4),
            "named_correct": round(sum(right) / max(1, len(right)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+",
                        default=["deu_q_de_c_de", "aut_q_de_c_de", "bel_q_fr_c_fr"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/melo_titles.json")
    args = parser.parse_args()
    without = [name for name in args.sets if not (MELO / name / "annotations.tsv").exists()]
    if without:  # the corpus-only sets (nor, dnk, …) give labels, not queries
        parser.error(f"no MELO queries for {', '.join(without)} under {MELO}")
    normalizer = load_normalizer(Settings())
    known = set(normalizer.taxonomy.concepts)
    report = {}
    for name in args.sets:
        report[name] = measure(normalizer, gold_titles(MELO / name, known))
        print(name, json.dumps(report[name]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
