"""Skills read from job adverts that list none: the description read section by section
(`matcher.intake.advert_text`), against linking the whole description as one text.

`benchmarks/data/advert_descriptions.jsonl` holds eight adverts as job boards write them
(six German, one English, one Norwegian: tasks, profile, wishes, what the employer
offers), each with the ESCO skills (English preferred labels) a person reading it would
list, alternatives included. Written for this benchmark on 2026-11-28, before it was
run; nothing is fitted or tuned on it. Per way: the skills found, how many of them are
among the advert's skills (precision), how many adverts found at least one, the
language requirements read, and the median seconds per advert with the caches emptied.

    python -m benchmarks.advert_descriptions --data-dir DIR   # DIR: full ESCO (make import-esco)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from matcher.intake.vacancies import free_texts
from matcher.schemas import VacancyIn
from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
ADVERTS = ROOT / "benchmarks" / "data" / "advert_descriptions.jsonl"


def _vacancy(advert: dict[str, Any]) -> VacancyIn:
    return VacancyIn.model_validate({
        "external_id": advert["id"], "kind": "job", "title": advert["title"],
        "description": advert["description"],
        "location": {"town": "Leipzig", "lat": 51.34, "lon": 12.37}})


def _texts(advert: dict[str, Any], way: str) -> tuple[list[str], list[str]]:
    """The texts a way links, and the languages it read out of them."""
    if way == "whole_description":
        return [advert["description"]], []
    vacancy, texts = free_texts(_vacancy(advert))
    return [text for _, text, _ in texts], [f"{x.lang}:{x.level}" for x in vacancy.languages]


def measure(normalizer: Normalizer, adverts: list[dict[str, Any]], way: str,
            repeats: int) -> dict[str, Any]:
    index = normalizer.linkers[ConceptKind.SKILL].index
    label = dict(zip(index.uris, index.preferred, strict=True))
    per_advert: dict[str, Any] = {}
    found_total = right_total = answered = 0
    for advert in adverts:
        texts, languages = _texts(advert, way)
        statements = normalizer.statements(texts, kinds=(ConceptKind.SKILL,))
        found = {label[m.concept]: m.text for s in statements for m in s.mentions}
        right = sorted(set(found) & set(advert["gold"]))
        found_total += len(found)
        right_total += len(right)
        answered += bool(right)
        per_advert[advert["id"]] = {"found": len(found), "right": len(right),
                                    "wrong": sorted(f"{k} <- {v!r}" for k, v in found.items()
                                                    if k not in advert["gold"]),
                                    "languages": languages}
    seconds = []
    for _ in range(repeats):
        normalizer.forget_rankings()
        started = time.perf_counter()
        for advert in adverts:
            normalizer.statements(_texts(advert, way)[0], kinds=(ConceptKind.SKILL,))
        seconds.append((time.perf_counter() - started) / len(adverts))
    return {"skills_found": found_total, "right": right_total,
            "precision": round(right_total / max(1, found_total), 3),
            "adverts_with_a_right_skill": answered,
            "seconds_per_advert": round(statistics.median(seconds), 3),
            "adverts": per_advert}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks/results/data")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks/results/advert_descriptions.json")
    args = parser.parse_args()
    normalizer = load_normalizer(Settings(data_dir=args.data_dir))
    adverts = [json.loads(line) for line in ADVERTS.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    report = {way: measure(normalizer, adverts, way, args.repeats)
              for way in ("sections", "whole_description")}
    for way, result in report.items():
        print(way, json.dumps({k: v for k, v in result.items() if k != "adverts"}), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")


if __name__ == "__main__":
    main()
