"""Occupations named in sentences about work, with and without the role frames
(`skills_taxonomy.roles`), on the current taxonomy (full ESCO after `make import-esco`).

Two paths, as the product uses them: the occupation mentions of `statements` (a coach's
free text) and the best occupation of `link_occupations` with abstention (an experience
or qualification title). Per language: the share of statements where the gold occupation
is named, the share where any occupation is named, and the wrong ones named. Sets:
`training/data/experience_statements.csv` (written for the frames: a development set) and
the occupation rows of `training/data/multilingual_dev.csv` (titles, mostly unframed: it
shows what the frames cost where there are none).

Also every row of both sets read once with both kinds, as intake reads text ("both
kinds": per kind of row, rows whose gold is named and wrong mentions of that kind).

    python -m benchmarks.roles [--out benchmarks/results/roles.json]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy import normalize
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
SETS = (ROOT / "training/data/experience_statements.csv",
        ROOT / "training/data/multilingual_dev.csv")


def measure(normalizer: Normalizer, path: Path) -> dict[str, dict[str, dict[str, float]]]:
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == "occupation"]
    texts = [r["text"] for r in rows]
    golds = [set(r["uris"].split(";")) for r in rows]
    normalizer.forget_rankings()
    mentioned = [[m.concept for m in s.mentions] for s in normalizer.statements(
        texts, kinds=(ConceptKind.OCCUPATION,))]
    titled = [[m.concept for m in found]
              for found in normalizer.link_occupations_batch(texts, top_k=1)]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, named in (("statements", mentioned), ("titles", titled)):
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for row, gold, found in zip(rows, golds, named, strict=True):
            for lang in (row["lang"], "all"):
                c = counts[lang]
                c[0] += 1
                c[1] += bool(gold & set(found))
                c[2] += bool(found)
                c[3] += sum(uri not in gold for uri in found)
        out[name] = {lang: {"n": n, "gold_named": round(hit / n, 3),
                            "any_named": round(any_ / n, 3), "wrong_named": wrong}
                     for lang, (n, hit, any_, wrong) in sorted(counts.items())}
    return out


def both_kinds(normalizer: Normalizer) -> dict[str, dict[str, int]]:
    """Every row of both sets read once by `statements` with both kinds, as intake reads
    a coach's text: per kind of row, the rows whose gold concept is named among the
    mentions of that kind, and the mentions of that kind that are not gold (the skill
    rows' gold lists are partial: a wrong skill may be a right one unlisted)."""
    rows = []
    for path in SETS:
        with path.open(encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    normalizer.forget_rankings()
    statements = normalizer.statements([r["text"] for r in rows])
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"rows": 0, "right": 0, "wrong": 0})
    for row, statement in zip(rows, statements, strict=True):
        gold = set(row["uris"].split(";"))
        found = [m.concept for m in statement.mentions if m.kind == row["kind"]]
        counts = out[row["kind"]]
        counts["rows"] += 1
        counts["right"] += bool(gold & set(found))
        counts["wrong"] += sum(uri not in gold for uri in found)
    return dict(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/roles.json")
    args = parser.parse_args()
    normalizer = load_normalizer(Settings())
    results: dict[str, dict] = {}
    with_frames = normalize.role_spans
    for way, spans in (("with frames", with_frames), ("without frames", lambda t, lang: [])):
        normalize.role_spans = spans  # the comparison switches the frames off here only
        results[way] = {p.name: measure(normalizer, p) for p in SETS}
    normalize.role_spans = with_frames
    results["both kinds"] = both_kinds(normalizer)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    for kind, counts in results["both kinds"].items():
        print(f"both kinds      {kind:28} rows {counts['rows']} right {counts['right']} "
              f"wrong {counts['wrong']}")
    for way, sets in results.items():
        if way == "both kinds":
            continue
        for name, paths in sets.items():
            for path_name, langs in paths.items():
                a = langs["all"]
                print(f"{way:15} {name:28} {path_name:10} gold {a['gold_named']:.3f} "
                      f"any {a['any_named']:.3f} wrong {a['wrong_named']}")


if __name__ == "__main__":
    main()
