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
    """The set linked with the fast path off, then on."""
    out: dict[str, Any] = {"texts": len(texts)}
    named: dict[bool, list[set[str]]] = {}
    taken = [0]
    original = normalize_module.whole_label

    def counted(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        taken[0] += found is not None
        return found

    normalize_module.whole_label = counted
    try:
        for on in (False, True):
            normalizer.whole_labels = on
            _cold(normalizer)
            started = time.perf_counter()
            named[on] = link(normalizer, texts)
            seconds = time.perf_counter() - started
            hit = sum(bool(n & g) for n, g in zip(named[on], gold, strict=True))
            recalled = sum(len(n & g) for n, g in zip(named[on], gold, strict=True))
            out["on" if on else "off"] = {
                "gold_named": round(hit / len(texts), 4),
                "gold_recall": round(recalled / max(1, sum(map(len, gold))), 4),
                "named_not_gold": sum(len(n - g) for n, g in zip(named[on], gold, strict=True)),
                "seconds": round(seconds, 2)}
    finally:
        normalize_module.whole_label = original
    out["pieces_on_fast_path"] = taken[0]
    differ = [i for i, (a, b) in enumerate(zip(named[False], named[True], strict=True))
              if a != b]
    out["texts_answered_differently"] = len(differ)
    out["examples"] = [{"text": texts[i], "off": sorted(named[False][i] - named[True][i]),
                        "on": sorted(named[True][i] - named[False][i]),
                        "gold": sorted(gold[i])} for i in differ[:8]]
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
        report["sets"][name] = compare(normalizer, link, texts, gold)
        summary = {k: v for k, v in report["sets"][name].items() if k != "examples"}
        print(name, json.dumps(summary), flush=True)
    report["load_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
