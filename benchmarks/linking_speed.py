"""Skill linking speed per language, the code now against the code of an earlier commit
in the same process, on the same index and encoders, runs alternating.

The 210 skill statements of the development set (30 per language) and the Decorte
validation sentences (English) are ranked by `Normalizer.rank` with every cache emptied
before each run (the encoders' query caches and the piece rankings), so every text is
encoded and ranked; the median of `--repeats` runs is reported. Linking a statement
costs one multilingual-e5 pass and the scoring around it; on two shared cores the
machine's load moves a figure far more than a code change does, so the two ways are
timed in turns and their ratio is the trustworthy figure. With `--baseline` the script
also says whether the two ways rank the same concepts with the same scores.

    python -m benchmarks.linking_speed --baseline e269bde [--repeats 3] [--profile]

`--data-dir` holds an imported full-ESCO taxonomy and its index cache (`make import-esco`).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.evaluation import read_skill_set, read_statement_set
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEV_SET = ROOT / "training" / "data" / "multilingual_dev.csv"
DECORTE = ROOT.parent / "shared" / "data" / "eval" / "decorte"
BASELINE_PACKAGE = "baseline_taxonomy"


def text_sets() -> dict[str, list[str]]:
    """The development set's skill statements per language, and the Decorte sentences."""
    rows = [q for q in read_statement_set(DEV_SET) if q.kind == "skill"]
    sets = {lang: [q.text for q in rows if q.lang == lang]
            for lang in sorted({q.lang for q in rows})}
    for name in ("tech", "house"):
        path = DECORTE / f"{name}_validation_annotations.csv"
        if path.exists():
            sets[f"en-{name}"] = [q.sentence for q in read_skill_set(path)]
    return sets


def baseline_linkers(normalizer: Normalizer, commit: str) -> dict[ConceptKind, Any]:
    """Linkers of the `skills_taxonomy` package at `commit`, over this normaliser's
    indexes and encoders (the package is unpacked under another name, so both load)."""
    folder = Path(tempfile.mkdtemp(prefix="baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "skills_taxonomy"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    package = folder / BASELINE_PACKAGE
    (folder / "skills_taxonomy").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(path.read_text(encoding="utf-8").replace(
            "skills_taxonomy", BASELINE_PACKAGE), encoding="utf-8")
    sys.path.insert(0, str(folder))
    module = importlib.import_module(f"{BASELINE_PACKAGE}.linker")
    out = {}
    for kind, linker in normalizer.linkers.items():
        old = module.Linker(linker.index, linker.encoder, linker.fusion, linker.lexicon,
                            linker.multilingual)
        old.english_words = linker.english_words
        out[kind] = old
    return out


def cold(normalizer: Normalizer) -> None:
    normalizer.forget_rankings()
    for encoder in (normalizer.encoder, normalizer.multilingual):
        if encoder is not None:
            encoder.clear_cache()


def rankings(normalizer: Normalizer, texts: list[str]) -> list[list[tuple[int, float]]]:
    return [[(c.concept, c.score) for c in cands]
            for cands in normalizer.rank(texts, ConceptKind.SKILL, top_k=100)]


def same(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """The same concepts in the same order, scores equal to 1e-6 (a product of fewer rows
    may take another BLAS kernel: the last bits of a float32 cosine differ)."""
    return [c for c, _ in a] == [c for c, _ in b] and all(
        abs(x - y) <= 1e-6 for (_, x), (_, y) in zip(a, b, strict=True))


def measure(normalizer: Normalizer, ways: dict[str, dict[ConceptKind, Any]],
            sets: dict[str, list[str]], repeats: int) -> dict[str, dict[str, float]]:
    """Statements per second per set and way (median of `repeats` cold runs, the ways
    in turns)."""
    out: dict[str, dict[str, float]] = {}
    for name, texts in sets.items():
        runs: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(repeats):
            for way, linkers in ways.items():
                normalizer.linkers = linkers
                cold(normalizer)
                started = time.perf_counter()
                normalizer.rank(texts, ConceptKind.SKILL, top_k=100)
                runs[way].append(len(texts) / (time.perf_counter() - started))
        out[name] = {way: round(statistics.median(r), 1) for way, r in runs.items()}
        print(name, json.dumps(out[name]), f"load {os.getloadavg()[0]:.2f}", flush=True)
    return out


def differences(normalizer: Normalizer, ways: dict[str, dict[ConceptKind, Any]],
                sets: dict[str, list[str]]) -> dict[str, int]:
    """Per set: texts whose top 100 (concepts, order, scores) differ between ways."""
    ranked: dict[str, dict[str, list[list[tuple[int, float]]]]] = {}
    for way, linkers in ways.items():
        normalizer.linkers = linkers
        cold(normalizer)
        ranked[way] = {name: rankings(normalizer, texts) for name, texts in sets.items()}
    first, *others = ways
    return {name: sum(any(not same(a, ranked[o][name][i]) for o in others)
                      for i, a in enumerate(ranked[first][name])) for name in sets}


def profile(normalizer: Normalizer, sets: dict[str, list[str]], lines: int) -> None:
    texts = [t for name, ts in sets.items() if not name.startswith("en") for t in ts]
    cold(normalizer)
    profiler = cProfile.Profile()
    profiler.runcall(normalizer.rank, texts, ConceptKind.SKILL, 100)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=RESULTS / "data")
    parser.add_argument("--baseline", help="a commit whose skills_taxonomy to compare with")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sets", nargs="*", help="only these sets (ar … zh, en-tech, en-house)")
    parser.add_argument("--profile", action="store_true", help="cProfile the non-English sets")
    parser.add_argument("--out", type=Path, default=RESULTS / "linking_speed.json")
    args = parser.parse_args()
    normalizer = load_normalizer(Settings(data_dir=args.data_dir))
    sets = {k: v for k, v in text_sets().items() if not args.sets or k in args.sets}
    ways = {"now": dict(normalizer.linkers)}
    if args.baseline:
        ways = {"baseline": baseline_linkers(normalizer, args.baseline), **ways}
    for linkers in ways.values():  # first-use costs (language models, thread pools)
        normalizer.linkers = linkers
        normalizer.rank([t for ts in sets.values() for t in ts[:3]], ConceptKind.SKILL)
    if args.profile:
        normalizer.linkers = ways["now"]
        profile(normalizer, sets, 40)
        return
    report: dict[str, Any] = {"cpus": os.cpu_count(), "baseline": args.baseline,
                              "load_before": os.getloadavg()}
    if args.baseline:
        report["texts_ranked_differently"] = differences(normalizer, ways, sets)
        print("ranked differently:", json.dumps(report["texts_ranked_differently"]),
              flush=True)
    report["statements_per_s"] = measure(normalizer, ways, sets, args.repeats)
    report["load_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
