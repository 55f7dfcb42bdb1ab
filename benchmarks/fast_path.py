"""What the whole-label fast path (`skills_taxonomy.whole_label`) changes: the concepts
named with it and without it, on every labelled set the product links free text of.

Per set, the normaliser links the texts twice, the fast path off and on, every cache
emptied before each: how many pieces took the fast path, how many texts were answered
differently, and against the gold concepts the share of texts where a gold concept is
named, the share of gold concepts named and the concepts named that are not gold.
Sets: the development set's skill and occupation statements, the experience
statements, the Decorte TECH and HOUSE validation sentences (their gold labels are
English preferred labels), the qualification titles (`link_occupations`), and a feed of
German adverts (`benchmarks.feed`: the skills and title each advert was worded from).

    python -m benchmarks.fast_path [--adverts 600] [--data-dir benchmarks/results/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import skills_taxonomy.normalize as normalize_module
from benchmarks.feed import worded_advert
from benchmarks.scale import World
from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.evaluation import read_skill_set
from skills_taxonomy.linker import Candidate, Linker
from skills_taxonomy.model import ConceptKind, LabelType
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DECORTE = ROOT.parent / "shared" / "data" / "eval" / "decorte"
Gold = list[set[str]]
Link = Callable[[Normalizer, list[str]], list[set[str]]]


def statement_sets(path: Path) -> dict[str, tuple[list[str], Gold]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {kind: ([r["text"] for r in rows if r["kind"] == kind],
                   [set(r["uris"].split(";")) for r in rows if r["kind"] == kind])
            for kind in ("skill", "occupation")}


def decorte(normalizer: Normalizer, name: str) -> tuple[list[str], Gold]:
    index = normalizer.linkers[ConceptKind.SKILL].index
    uri_of: dict[str, str] = {}
    for uri in index.uris:
        for label in normalizer.taxonomy.concepts[uri].labels:
            if label.lang == "en" and label.type is LabelType.PREFERRED:
                uri_of.setdefault(label.text.casefold(), uri)
    queries = read_skill_set(DECORTE / f"{name}_validation_annotations.csv")
    return ([q.sentence for q in queries],
            [{uri_of[g.casefold()] for g in q.gold_labels if g.casefold() in uri_of}
             for q in queries])


def feed(normalizer: Normalizer, adverts: int, seed: int) -> dict[str, tuple[list[str], Gold]]:
    world, rng = World(normalizer.taxonomy, seed), random.Random(seed)
    texts, skills, titles, occupations = [], [], [], []
    for i in range(adverts):
        vacancy = world.vacancy(i, rng)
        worded = worded_advert(world, vacancy, i, rng)
        gold = set(vacancy.essential_skills) | set(vacancy.optional_skills)
        texts += [t for t in (worded.essential_skills_text, worded.optional_skills_text) if t]
        skills += [gold] * ((worded.essential_skills_text is not None)
                            + (worded.optional_skills_text is not None))
        titles.append(worded.title)
        occupations.append({str(vacancy.occupation)})
    return {"skills": (texts, skills), "titles": (titles, occupations)}


def mentions(kind: ConceptKind) -> Link:
    def link(normalizer: Normalizer, texts: list[str]) -> list[set[str]]:
        return [{m.concept for m in s.mentions}
                for s in normalizer.statements(texts, kinds=(kind,))]
    return link


def titles(normalizer: Normalizer, texts: list[str]) -> list[set[str]]:
    return [{m.concept for m in found}
            for found in normalizer.link_occupations_batch(texts, top_k=1)]


def compare(normalizer: Normalizer, link: Link, texts: list[str], gold: Gold,
            ) -> dict[str, Any]:
    """The set linked with the fast path off, then on; and each piece that took the fast
    path linked alone the full way, so that what differs there is the fast path's doing
    (in a batch, MiniLM's int8 activations are scaled per batch: a text's vector moves
    with its companions, so batches without the fast pieces differ a little elsewhere)."""
    out: dict[str, Any] = {"texts": len(texts)}
    named: dict[bool, list[set[str]]] = {}
    fast: dict[tuple[int, str, str | None], Candidate] = {}
    original = normalize_module.whole_label

    def counted(linker: Linker, text: str, lang: str | None, threshold: float | None = None,
                alone: bool = True) -> Candidate | None:
        found = original(linker, text, lang, threshold, alone)
        if found is not None:
            fast[(id(linker), text, lang)] = found
        return found

    normalize_module.whole_label = counted
    try:
        for on in (False, True):
            normalizer.whole_labels = on
            _cold(normalizer)
            started = time.perf_counter()
            named[on] = link(normalizer, texts)
            out["on" if on else "off"] = {**_gold_figures(named[on], gold),
                                          "seconds": round(time.perf_counter() - started, 2)}
        # the noise floor: the fast path off, the texts in reverse order (other batches)
        normalizer.whole_labels = False
        _cold(normalizer)
        shuffled = link(normalizer, texts[::-1])[::-1]
        out["off, texts in reverse order"] = _gold_figures(shuffled, gold)
        out["texts_answered_differently_by_order_alone"] = sum(
            a != b for a, b in zip(named[False], shuffled, strict=True))
    finally:
        normalize_module.whole_label = original
        normalizer.whole_labels = False
    differ = [i for i, (a, b) in enumerate(zip(named[False], named[True], strict=True))
              if a != b]
    out["texts_answered_differently"] = len(differ)
    out["pieces_on_fast_path"] = len(fast)
    out["fast_pieces_answered_differently_alone"] = pieces = _pieces_alone(normalizer, fast)
    out["examples"] = pieces[:10] + [
        {"text": texts[i], "off": sorted(named[False][i] - named[True][i]),
         "on": sorted(named[True][i] - named[False][i]), "gold": sorted(gold[i])}
        for i in differ[:8]]
    return out


def _gold_figures(named: list[set[str]], gold: Gold) -> dict[str, float]:
    pairs = list(zip(named, gold, strict=True))
    return {"gold_named": round(sum(bool(n & g) for n, g in pairs) / len(pairs), 4),
            "gold_recall": round(sum(len(n & g) for n, g in pairs)
                                 / max(1, sum(len(g) for _, g in pairs)), 4),
            "named_not_gold": sum(len(n - g) for n, g in pairs)}


def _pieces_alone(normalizer: Normalizer, fast: dict[tuple[int, str, str | None], Candidate],
                  ) -> list[dict[str, Any]]:
    """Fast-path pieces whose full-way answer, the piece linked alone, is another: the
    best candidate above the threshold (what a piece's mention is)."""
    linkers = {id(linker): linker for linker in normalizer.linkers.values()}
    out = []
    for (which, text, lang), cand in fast.items():
        linker = linkers[which]
        full = [c for c in linker.rank([text], top_k=30, langs=[lang])[0]
                if c.score >= linker.fusion[c.route].threshold_]
        best = max(full, key=lambda c: c.score) if full else None
        if best is None or best.concept != cand.concept:
            uris = linker.index.uris
            out.append({"piece": text, "kind": linker.index.kind.value,
                        "fast": uris[cand.concept],
                        "full": uris[best.concept] if best else None})
    return out


def _cold(normalizer: Normalizer) -> None:
    normalizer.forget_rankings()
    for encoder in (normalizer.encoder, normalizer.multilingual):
        if encoder is not None:
            encoder.clear_cache()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=RESULTS / "data")
    parser.add_argument("--adverts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sets", nargs="*", help="only the sets whose name has one of these")
    parser.add_argument("--out", type=Path, default=RESULTS / "fast_path.json")
    args = parser.parse_args()
    normalizer = load_normalizer(Settings(data_dir=args.data_dir))
    dev = statement_sets(ROOT / "training/data/multilingual_dev.csv")
    experience = statement_sets(ROOT / "training/data/experience_statements.csv")
    with (ROOT / "benchmarks/data/qualification_titles.csv").open(encoding="utf-8") as f:
        qualifications = list(csv.DictReader(f))
    adverts = feed(normalizer, args.adverts, args.seed)
    sets: dict[str, tuple[Link, list[str], Gold]] = {
        "development set, skill statements": (mentions(ConceptKind.SKILL), *dev["skill"]),
        "development set, occupation statements": (mentions(ConceptKind.OCCUPATION),
                                                   *dev["occupation"]),
        "development set, occupation statements as titles": (titles, *dev["occupation"]),
        "experience statements": (mentions(ConceptKind.OCCUPATION), *experience["occupation"]),
        "experience statements as titles": (titles, *experience["occupation"]),
        "qualification titles": (titles, [r["title"] for r in qualifications],
                                 [{r["occupation_id"]} for r in qualifications]),
        "Decorte TECH validation": (mentions(ConceptKind.SKILL), *decorte(normalizer, "tech")),
        "Decorte HOUSE validation": (mentions(ConceptKind.SKILL),
                                     *decorte(normalizer, "house")),
        f"feed of {args.adverts} adverts, skills": (mentions(ConceptKind.SKILL),
                                                    *adverts["skills"]),
        f"feed of {args.adverts} adverts, titles": (titles, *adverts["titles"]),
    }
    normalizer.statements(["Warmlaufen: Teamfähigkeit, кухар"])  # first-use costs
    report: dict[str, Any] = {"load_before": os.getloadavg(), "sets": {}}
    for name, (link, texts, gold) in sets.items():
        if args.sets and not any(part in name for part in args.sets):
            continue
        report["sets"][name] = compare(normalizer, link, texts, gold)
        summary = {k: v for k, v in report["sets"][name].items() if k != "examples"}
        summary["fast_pieces_answered_differently_alone"] = len(
            summary["fast_pieces_answered_differently_alone"])
        print(name, json.dumps(summary), flush=True)
        report["load_after"] = os.getloadavg()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
