"""Linking benchmark: skills (Decorte validation), the project's multilingual
development set per language, occupations (every MELO set with queries) and reference
occupations of qualification titles in nine languages, our normaliser and the peer's
method in the same run, plus index build, warm-start times and linking speed per language
on full ESCO with the project's labels and the multilingual encoder.

    python -m benchmarks.linking [--skip-peer] [--out benchmarks/results/linking.json]

Needs ../shared/data. Uses its own data folder (benchmarks/results/data) so the cold
index build is really cold: the first run imports full ESCO (English v1.1.1, German,
Spanish, French and Dutch labels, MELO occupation labels), merges the project's own
labels and builds the indexes. Speeds are medians of runs with the encoders' query caches
emptied before each run, so no text is served from a cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.recognition import occupation_benchmark
from matcher.settings import Settings
from matcher.wiring import ESCO_PATHS, load_normalizer
from skills_taxonomy.evaluation import read_statement_set
from skills_taxonomy.linking_eval import eval_occupations, eval_skills, eval_statements
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
SKILL_SETS = [DATA / "eval/decorte/tech_validation_annotations.csv",
              DATA / "eval/decorte/house_validation_annotations.csv"]
DEV_SET = ROOT / "training" / "data" / "multilingual_dev.csv"


def melo_sets() -> list[Path]:
    return sorted(p for p in (DATA / "eval/melo").iterdir() if (p / "queries.tsv").exists())


def import_paths() -> list[str]:
    melo_labels = [str(p) for p in sorted((DATA / "eval/melo").iterdir())
                   if (p / "corpus_elements.tsv").exists()]
    return [str(DATA / p) for p in ESCO_PATHS] + melo_labels


def cli(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "matcher.cli", *args], env=env, check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout


def _cold(normalizer: Normalizer) -> None:
    """Empty the encoders' query caches and the piece rankings: every text of the next
    run is encoded and ranked."""
    normalizer.forget_rankings()
    for encoder in (normalizer.encoder, normalizer.multilingual):
        if encoder is not None:
            encoder.clear_cache()


def speed_per_language(normalizer: Normalizer, repeats: int) -> dict[str, float]:
    """Skill statements linked per second (whole statements ranked, as `eval skills`
    does), per language of the development set, median of `repeats` cold runs."""
    rows = [q for q in read_statement_set(DEV_SET) if q.kind == "skill"]
    out = {}
    for lang in sorted({q.lang for q in rows}):
        texts = [q.text for q in rows if q.lang == lang]
        runs = []
        for _ in range(repeats):
            _cold(normalizer)
            started = time.perf_counter()
            normalizer.rank(texts, ConceptKind.SKILL, top_k=100)
            runs.append(len(texts) / (time.perf_counter() - started))
        out[lang] = round(statistics.median(runs), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS / "linking.json")
    args = parser.parse_args()
    data_dir = RESULTS / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "MATCHER_DATA_DIR": str(data_dir)}
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform()}}

    # cold: import + first index build (no cache); warm: a new process, cache present
    import_s, out = cli("taxonomy", "import", *import_paths(), env=env)
    report["import_and_first_index_build_s"] = round(import_s, 1)
    report["import_only_s"] = json.loads(out)["import_seconds"]
    warm = [cli("taxonomy", "stats", env=env)[0] for _ in range(args.repeats)]
    starts = [cli("normalize", "welder", env=env)[0] for _ in range(args.repeats)]
    report["warm_start_s"] = {"stats_median": round(statistics.median(warm), 2),
                              "first_answer_median": round(statistics.median(starts), 2)}

    settings = Settings(data_dir=data_dir)
    normalizer = load_normalizer(settings)
    skill_runs = []
    for _ in range(args.repeats):
        _cold(normalizer)
        skill_runs.append(eval_skills(normalizer, [str(p) for p in SKILL_SETS]))
    report["skills"] = {}
    for path in skill_runs[0]:  # quality is deterministic; speed is the median of runs
        runs = [r[path] for r in skill_runs]
        report["skills"][path] = {**runs[0],
                                  "per_s": statistics.median(r["per_s"] for r in runs)}
    _cold(normalizer)
    report["development_set"] = eval_statements(normalizer, [str(DEV_SET)])[str(DEV_SET)]
    report["skill_statements_per_s"] = speed_per_language(normalizer, args.repeats)
    report["reference_occupation"] = occupation_benchmark(normalizer)
    report["occupations"] = eval_occupations(settings.cache_dir, normalizer.encoder,
                                             [str(p) for p in melo_sets()],
                                             multilingual=normalizer.multilingual)
    if not args.skip_peer:
        from benchmarks.peer_baseline import run as run_peer

        report["peer_esco_skill_extractor"] = run_peer()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
