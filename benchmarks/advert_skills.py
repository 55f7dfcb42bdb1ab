"""Skills as German job adverts list them ("Inventur", "Staplerschein", "Grundpflege"):
ranked (MRR, accuracy@1) and named as intake stores them (`statements`: right, wrong,
none), on the development set and on the held-out set.

`training/data/german_advert_skills.csv` (50) is a development set;
`benchmarks/data/german_advert_skills_test.csv` (100) is held out: nothing is fitted or
tuned on it. Neither was seen by the writers of the German label file.

    python -m benchmarks.advert_skills --data-dir DIR   # DIR: full ESCO (make import-esco)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.evaluation import read_statement_set
from skills_taxonomy.linking_eval import eval_statements
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
SETS = {"development": ROOT / "training" / "data" / "german_advert_skills.csv",
        "held_out": ROOT / "benchmarks" / "data" / "german_advert_skills_test.csv"}


def named(normalizer: Normalizer, path: Path) -> dict[str, Any]:
    """What `statements` names for each text: a gold skill (right), only others (wrong),
    nothing (none); the wrong ones listed with the words they came from."""
    queries = read_statement_set(path)
    label = {c.uri: c.preferred_label("en") for c in normalizer.taxonomy.concepts.values()}
    statements = normalizer.statements([q.text for q in queries], kinds=(ConceptKind.SKILL,))
    counts = {"right": 0, "wrong": 0, "none": 0}
    wrong = []
    for query, statement in zip(queries, statements, strict=True):
        found = {m.concept for m in statement.mentions}
        verdict = "none" if not found else "right" if found & query.gold else "wrong"
        counts[verdict] += 1
        if verdict == "wrong":
            wrong.append(f"{query.text} -> {', '.join(sorted(label[c] for c in found))}")
    named_total = counts["right"] + counts["wrong"]
    return {**counts, "precision": round(counts["right"] / max(1, named_total), 3),
            "wrong_named": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks" / "results" / "advert_skills.json")
    args = parser.parse_args()
    normalizer = load_normalizer(Settings(data_dir=args.data_dir))
    result = {}
    for name, path in SETS.items():
        ranked = eval_statements(normalizer, [str(path)])[str(path)]["skill/all"]
        result[name] = {"n": ranked["n"], "mrr": ranked["mrr"], "acc@1": ranked["acc@1"],
                        **named(normalizer, path)}
        print(name, {k: v for k, v in result[name].items() if k != "wrong_named"})
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")


if __name__ == "__main__":
    main()
