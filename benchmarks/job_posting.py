"""Reading and writing schema.org JobPosting (JSON-LD) against JSON Lines, without the
database: how much the JSON-LD format adds to an import before linking and writing.

The vacancies are the demo generator's (`matcher.demo.data`, starter taxonomy, real
towns). Each is made a JobPosting by `job_posting_of` (as `GET /vacancies/export` sends
it), and timed as read by `parse_rows`: the same vacancies as JSON Lines, as a JSON-LD
ItemList with coordinates, and as one with town names and states only (each town looked
up in the gazetteer, `matcher.intake.places`). The export is timed over the same vacancies.

    python -m benchmarks.job_posting [--vacancies 5000] [--runs 5]
        [--out benchmarks/results/job_posting.json]

Reports the median seconds per run and vacancies per second of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from matcher.demo.data import generate
from matcher.intake.files import parse_rows
from matcher.intake.job_posting import job_posting_of
from matcher.intake.places import gazetteer
from matcher.schemas import VacancyIn
from skills_taxonomy.model import Taxonomy
from skills_taxonomy.starter import load_starter

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def as_read(number: int, employer: str, v: VacancyIn, taxonomy: Taxonomy) -> dict[str, Any]:
    """A vacancy as `read_vacancy` returns it (labels in English)."""
    def skills(uris: list[str]) -> list[dict[str, Any]]:
        return [{"skill": u, "label": taxonomy.concepts[u].preferred_label("en"),
                 "evidence": None} for u in uris]

    occupation = taxonomy.concepts.get(v.occupation or "")
    return {
        "id": number, "employer_id": 1, "employer": employer, "external_id": v.external_id,
        "kind": v.kind, "title": v.title, "description": v.description,
        "essential_skills_text": v.essential_skills_text,
        "optional_skills_text": v.optional_skills_text, "town": v.location.town,
        "lat": v.location.lat, "lon": v.location.lon, "slots": v.slots,
        "start_date": v.start_date, "is_open": v.is_open, "min_permit": v.min_permit,
        "regulated": False, "accepts_in_process": v.accepts_in_process, "min_eqf": v.min_eqf,
        "created_at": NOW, "updated_at": NOW,
        "occupation": {"id": occupation.uri, "label": occupation.preferred_label("en")}
        if occupation else None,
        "essential_skills": skills(v.essential_skills),
        "optional_skills": skills(v.optional_skills),
        "languages": [x.model_dump() for x in v.languages],
        "prerequisites": skills(v.prerequisites)}


def timed(runs: int, work: Callable[[], object]) -> float:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vacancies", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/job_posting.json")
    args = parser.parse_args()
    taxonomy = load_starter()
    demo = generate(taxonomy, candidates=0, vacancies=args.vacancies, courses=0, seed=7)
    read = [as_read(i, employer, v, taxonomy)
            for i, (employer, v) in enumerate(demo.vacancies, start=1)]
    jsonl = "\n".join(v.model_dump_json(exclude_none=True) for _, v in demo.vacancies)
    postings = [job_posting_of(r, "https://matcher.example", "en", "DE") for r in read]
    with_geo = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": i, "item": p}
        for i, p in enumerate(postings, start=1)]}
    by_name = json.loads(json.dumps(with_geo))
    for element in by_name["itemListElement"]:  # the demo's towns are all in NRW
        place = element["item"]["jobLocation"]
        place.pop("geo")
        place["address"]["addressRegion"] = "Nordrhein-Westfalen"
    gazetteer("DE")  # loaded once, as the server does at start
    bodies = {"jsonl": (jsonl.encode(), "jsonl"),
              "jsonld_geo": (json.dumps(with_geo).encode(), "jsonld"),
              "jsonld_town_names": (json.dumps(by_name).encode(), "jsonld")}
    n = len(read)
    results: dict[str, Any] = {}
    for name, (body, fmt) in bodies.items():
        assert len(parse_rows(body, fmt, VacancyIn)) == n
        seconds = timed(args.runs, partial(parse_rows, body, fmt, VacancyIn))
        results[f"read_{name}"] = {"seconds": round(seconds, 4),
                                   "per_second": round(n / seconds), "bytes": len(body)}
    seconds = timed(args.runs, lambda: [job_posting_of(r, "https://matcher.example", "en", "DE")
                                        for r in read])
    results["export_job_posting_of"] = {"seconds": round(seconds, 4),
                                        "per_second": round(n / seconds)}
    out = {"vacancies": n, "runs": args.runs, "statistic": "median",
           "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
           "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
