"""Free-text adverts at feed speed: a national feed of vacancies whose title and skills
are words, linked and written end to end on full ESCO with the product's normaliser
(English MiniLM and multilingual-e5-small).

The adverts come from the scale benchmark's labour market (`benchmarks.scale.World`:
Zipf-weighted occupations, German towns): a German title (the occupation's German
label, no occupation id) and the essential and optional skills written out in German
(their German labels), a third of them inside a phrase as adverts word them ("gute
Kenntnisse in …", "… wünschenswert"). Adverts of a common occupation repeat phrases, as
real feeds do; the share of distinct phrases is reported.

Two ways are timed on the same adverts, each in a fresh database:
- `save_vacancies`: `Engine.save_vacancies` per import call of `--batch` adverts, the
  synchronous path (an earlier version of the code has the same call: run this script
  with `--ways save_vacancies` and PYTHONPATH set to that version's checkout);
- `job`: the same import calls queued as background jobs (`POST /vacancies/import`
  answered 202) and run by the API's job worker in this process, from queueing to done.

    python -m benchmarks.feed --adverts 2000 --batch 500 --data-dir benchmarks/results/data

`--whole-labels both` times each way with the whole-label fast path off, then on.

`--data-dir` holds the imported taxonomy and its index cache (`make import-esco`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.scale import World
from matcher.engine import Engine
from matcher.schemas import VacancyIn
from matcher.settings import Settings
from matcher.store.auth import upsert_organisation
from matcher.store.processes import freeze_startup_heap
from matcher.wiring import current_taxonomy
from skills_taxonomy.language import detect_language

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PHRASES = ("gute Kenntnisse in {}", "{} wünschenswert", "Erfahrung: {}",
           "sicher in {}", "{} (von Vorteil)")


def advert(world: World, i: int, rng: random.Random) -> VacancyIn:
    """One advert as a feed sends it: words only."""
    return worded_advert(world, world.vacancy(i, rng), i, rng)


def worded_advert(world: World, vacancy: VacancyIn, i: int, rng: random.Random) -> VacancyIn:
    """`vacancy` (with its concepts) as a feed words it."""

    def worded(uris: list[str]) -> str:
        out = []
        for uri in uris:
            label = world.label(uri, "de")
            out.append(rng.choice(PHRASES).format(label) if rng.random() < 1 / 3 else label)
        return ", ".join(out)[:2000]

    return vacancy.model_copy(update={
        "external_id": f"feed-{i:07d}", "occupation": None, "essential_skills": [],
        "optional_skills": [], "title": world.label(str(vacancy.occupation), "de")[:300],
        "essential_skills_text": worded(vacancy.essential_skills),
        "optional_skills_text": worded(vacancy.optional_skills) or None, "lang": "de"})


def phrase_share(adverts: list[VacancyIn]) -> dict[str, Any]:
    pieces = [p.strip() for a in adverts
              for text in (a.essential_skills_text, a.optional_skills_text) if text
              for p in text.split(",") if p.strip()]
    titles = [a.title for a in adverts]
    return {"phrases": len(pieces), "distinct_phrases": len(set(pieces)),
            "titles": len(titles), "distinct_titles": len(set(titles))}


def fresh_engine(taxonomy_dir: Path) -> tuple[Engine, Path]:
    """An engine on a new database, over the imported taxonomy in `taxonomy_dir`."""
    tmp = Path(tempfile.mkdtemp(prefix="feed-"))
    for name in ("taxonomy.pkl", "cache"):
        (tmp / name).symlink_to((taxonomy_dir / name).resolve())
    settings = Settings(data_dir=tmp, pgdata=tmp / "pgdata")
    current_taxonomy(settings)  # fail early without an imported taxonomy
    engine = Engine.start(settings)
    freeze_startup_heap()  # as the API and the worker do once their engine is loaded
    return engine, tmp


def run(taxonomy_dir: Path, adverts: list[VacancyIn], batch: int, way: str,
        whole_labels: bool = True) -> dict[str, Any]:
    engine, tmp = fresh_engine(taxonomy_dir)
    engine.concepts.normalizer.whole_labels = whole_labels
    detect_language.cache_clear()  # each run detects its pieces' languages, as a new process
    try:
        with engine.connection() as conn:
            employers = [upsert_organisation(conn, f"Employer {i}", "employer", f"feed-e-{i}")
                         for i in range(50)]
        owners = [employers[i % len(employers)] for i in range(len(adverts))]
        engine.concepts.normalizer.statements(["Warmlaufen: Teamfähigkeit"])  # first-use costs
        started = time.perf_counter()
        calls = []  # seconds per import call: the rate once the feed's phrases repeat
        for start in range(0, len(adverts), batch):
            rows, who = adverts[start:start + batch], owners[start:start + batch]
            call_started = time.perf_counter()
            if way == "job":
                _as_job(engine, rows, who)
            else:
                engine.save_vacancies(rows, who)
            calls.append(round(time.perf_counter() - call_started, 2))
        seconds = time.perf_counter() - started
        last = calls[-max(1, len(calls) // 4):]
        with engine.connection() as conn:
            row = conn.execute("SELECT count(*), count(occupation_uri) FROM vacancy").fetchone()
        assert row is not None and row[0] == len(adverts), row
        return {"way": way, "whole_labels": whole_labels, "adverts": len(adverts),
                "seconds": round(seconds, 1), "load": round(os.getloadavg()[0], 2),
                "adverts_per_s": round(len(adverts) / seconds, 1),
                "last_quarter_adverts_per_s": round(
                    (len(adverts) - batch * (len(calls) - len(last))) / sum(last), 1),
                "seconds_per_call": calls, "with_occupation": row[1]}
    finally:
        engine.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _as_job(engine: Engine, rows: list[VacancyIn], owners: list[int]) -> None:
    """Queued as the import route queues it, run as the API's worker runs it."""
    from matcher.jobs import JobWorker, queue_vacancy_import

    body = "\n".join(r.model_dump_json(exclude_none=True) for r in rows).encode()
    owner = iter(owners)
    _, employers = engine.check_vacancy_import(body, "jsonl", lambda _asked: next(owner))
    queue_vacancy_import(engine, None, body, "jsonl", employers)
    assert JobWorker(engine).run_once()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adverts", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500, help="adverts per import call")
    parser.add_argument("--data-dir", type=Path, default=RESULTS / "data",
                        help="the imported full-ESCO taxonomy and its index cache")
    parser.add_argument("--ways", nargs="+", default=["save_vacancies", "job"],
                        choices=["save_vacancies", "job"])
    parser.add_argument("--whole-labels", choices=["on", "off", "both"], default="on",
                        help="the whole-label fast path (both: off, then on, per way)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=RESULTS / "feed.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    taxonomy, _ = current_taxonomy(Settings(data_dir=args.data_dir))
    world = World(taxonomy, args.seed)
    rng = random.Random(args.seed)
    adverts = [advert(world, i, rng) for i in range(args.adverts)]
    report: dict[str, Any] = {"cpus": os.cpu_count(), "batch": args.batch,
                              **phrase_share(adverts), "runs": []}
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.whole_labels]
    for way in args.ways:
        for whole_labels in modes:
            report["runs"].append(run(args.data_dir, adverts, args.batch, way, whole_labels))
            print(json.dumps(report["runs"][-1]), flush=True)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
