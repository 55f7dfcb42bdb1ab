"""Scale benchmark: vacancies and candidates at national scale over full ESCO and the towns
of Germany, in a fresh embedded PostgreSQL.

For each size in `--sizes` (vacancies; candidates are a fifth of the largest size, loaded
once) it loads the vacancies up to that size, rebuilds the vector indexes, and measures:
ingestion rate (structured records and, once, free-text records, both through
`Engine.save_vacancies`, the path of the API's import), index build time, latency of
candidate → top-20 vacancies and of vacancy → top-20 candidates (p50/p95/p99), recall@20
of the retrieval stage against exact scoring of every row passing the filters, database
size, and the process's peak memory. A PNG shows how latency grows with the number of vacancies.

    python -m benchmarks.scale [--sizes 10000 100000 1000000] [--queries 200]
        [--recall-queries 20] [--out benchmarks/results/scale.json]

Needs ../shared/data (full ESCO) and `pip install -e '.[bench]'` (matplotlib) for the
plot.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matcher.engine import Engine
from matcher.match.scoring import gate
from matcher.schemas import CandidateIn, VacancyIn
from matcher.settings import Settings
from matcher.store.candidate_bulk import load_candidates
from matcher.store.candidates import load_facts
from matcher.store.retrieval import CANDIDATES_BY_VECTOR_EXACT, box, vacancy_reach
from matcher.store.vacancies import load_vacancy_facts
from matcher.wiring import ESCO_PATHS, make_encoder
from skills_taxonomy.esco_import import import_esco
from skills_taxonomy.model import ConceptKind, LabelType, Taxonomy
from skills_taxonomy.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"

# The 80 largest towns of Germany: name, latitude, longitude, population in thousands.
TOWNS: list[tuple[str, float, float, int]] = [
    ("Berlin", 52.520, 13.405, 3700), ("Hamburg", 53.551, 9.993, 1900),
    ("München", 48.137, 11.575, 1500), ("Köln", 50.938, 6.960, 1080),
    ("Frankfurt am Main", 50.110, 8.682, 760), ("Stuttgart", 48.776, 9.183, 630),
    ("Düsseldorf", 51.228, 6.774, 620), ("Leipzig", 51.340, 12.375, 600),
    ("Dortmund", 51.514, 7.465, 590), ("Essen", 51.456, 7.012, 580),
    ("Bremen", 53.079, 8.802, 570), ("Dresden", 51.050, 13.738, 560),
    ("Hannover", 52.376, 9.732, 540), ("Nürnberg", 49.452, 11.077, 520),
    ("Duisburg", 51.434, 6.762, 500), ("Bochum", 51.482, 7.216, 365),
    ("Wuppertal", 51.256, 7.151, 355), ("Bielefeld", 52.030, 8.533, 335),
    ("Bonn", 50.737, 7.098, 330), ("Münster", 51.961, 7.626, 315),
    ("Mannheim", 49.488, 8.466, 310), ("Karlsruhe", 49.007, 8.404, 305),
    ("Augsburg", 48.371, 10.898, 300), ("Wiesbaden", 50.078, 8.240, 280),
    ("Mönchengladbach", 51.181, 6.443, 260), ("Gelsenkirchen", 51.518, 7.086, 260),
    ("Aachen", 50.775, 6.084, 250), ("Braunschweig", 52.269, 10.521, 250),
    ("Kiel", 54.323, 10.123, 245), ("Chemnitz", 50.828, 12.921, 245),
    ("Halle (Saale)", 51.483, 11.970, 240), ("Magdeburg", 52.121, 11.628, 237),
    ("Freiburg im Breisgau", 47.999, 7.842, 230), ("Krefeld", 51.339, 6.585, 227),
    ("Mainz", 49.993, 8.247, 218), ("Lübeck", 53.866, 10.686, 216),
    ("Erfurt", 50.978, 11.029, 213), ("Oberhausen", 51.496, 6.864, 210),
    ("Rostock", 54.092, 12.099, 209), ("Kassel", 51.313, 9.480, 201),
    ("Hagen", 51.367, 7.463, 188), ("Potsdam", 52.391, 13.065, 182),
    ("Saarbrücken", 49.240, 6.997, 180), ("Hamm", 51.674, 7.815, 180),
    ("Ludwigshafen", 49.477, 8.445, 172), ("Mülheim an der Ruhr", 51.428, 6.883, 170),
    ("Oldenburg", 53.144, 8.214, 169), ("Osnabrück", 52.279, 8.047, 165),
    ("Leverkusen", 51.046, 6.984, 163), ("Darmstadt", 49.873, 8.651, 160),
    ("Heidelberg", 49.398, 8.672, 160), ("Solingen", 51.165, 7.067, 159),
    ("Herne", 51.537, 7.201, 156), ("Neuss", 51.204, 6.688, 153),
    ("Regensburg", 49.013, 12.102, 153), ("Paderborn", 51.719, 8.758, 151),
    ("Ingolstadt", 48.766, 11.426, 138), ("Offenbach am Main", 50.096, 8.776, 130),
    ("Fürth", 49.477, 10.989, 128), ("Würzburg", 49.792, 9.953, 127),
    ("Ulm", 48.401, 9.988, 126), ("Heilbronn", 49.142, 9.219, 126),
    ("Pforzheim", 48.892, 8.694, 125), ("Wolfsburg", 52.423, 10.787, 124),
    ("Göttingen", 51.541, 9.916, 118), ("Bottrop", 51.525, 6.923, 117),
    ("Reutlingen", 48.491, 9.204, 116), ("Koblenz", 50.356, 7.594, 114),
    ("Bremerhaven", 53.540, 8.580, 113), ("Erlangen", 49.590, 11.004, 112),
    ("Recklinghausen", 51.614, 7.198, 111), ("Bergisch Gladbach", 50.992, 7.136, 111),
    ("Remscheid", 51.179, 7.190, 111), ("Jena", 50.927, 11.589, 110),
    ("Trier", 49.750, 6.637, 110), ("Salzgitter", 52.154, 10.333, 104),
    ("Moers", 51.452, 6.640, 104), ("Siegen", 50.875, 8.024, 102),
    ("Gütersloh", 51.903, 8.386, 101), ("Hildesheim", 52.151, 9.951, 101),
]
FOREIGN_TITLE_LANGS = ("es", "fr", "nl")


class World:
    """Occupations (Zipf-weighted, as in a real labour market), skills and towns."""

    def __init__(self, taxonomy: Taxonomy, seed: int) -> None:
        rng = random.Random(seed)
        self.taxonomy = taxonomy
        occupations = sorted(c.uri for c in taxonomy.of_kind(ConceptKind.OCCUPATION)
                             if len(taxonomy.essential_skills(c.uri)) >= 3)
        rng.shuffle(occupations)
        self.occupations = occupations
        self.weights = [1 / (rank + 1) ** 1.1 for rank in range(len(occupations))]
        self.skills = sorted(c.uri for c in taxonomy.of_kind(ConceptKind.SKILL))
        self.town_weights = [t[3] for t in TOWNS]

    def label(self, uri: str, lang: str) -> str:
        for label in self.taxonomy.concepts[uri].labels:
            if label.lang == lang and label.type is LabelType.PREFERRED:
                return label.text
        return self.taxonomy.concepts[uri].preferred_label("en")

    def place(self, rng: random.Random) -> dict[str, object]:
        name, lat, lon, _ = rng.choices(TOWNS, self.town_weights)[0]
        return {"town": name, "lat": lat + rng.uniform(-0.05, 0.05),
                "lon": lon + rng.uniform(-0.08, 0.08)}

    def vacancy(self, i: int, rng: random.Random) -> VacancyIn:
        occupation = rng.choices(self.occupations, self.weights)[0]
        essential = self.taxonomy.essential_skills(occupation)
        optional = self.taxonomy.optional_skills(occupation)
        keep = rng.sample(essential, max(2, min(20, round(len(essential)
                                                         * rng.uniform(0.6, 1.0)))))
        extra = rng.sample(optional, min(len(optional), rng.randint(0, 4)))
        if rng.random() < 0.1:
            extra.append(rng.choice(self.skills))  # noise: a skill from elsewhere
        kind = rng.choices(("job", "apprenticeship", "placement"), (0.7, 0.2, 0.1))[0]
        lang = rng.choice(FOREIGN_TITLE_LANGS) if rng.random() < 0.05 else "de"
        level = {"job": "B1", "apprenticeship": "B1", "placement": "A2"}[kind]
        return VacancyIn.model_validate({
            "external_id": f"scale-vac-{i:07d}", "kind": kind,
            "title": self.label(occupation, lang)[:300], "occupation": occupation,
            "essential_skills": keep,
            "optional_skills": [s for s in dict.fromkeys(extra) if s not in keep],
            "languages": [{"lang": "de", "level": level}], "location": self.place(rng),
            "slots": rng.randint(1, 5)})

    def candidate(self, i: int, rng: random.Random) -> CandidateIn:
        occupation = rng.choices(self.occupations, [w ** 0.5 for w in self.weights])[0]
        essential = self.taxonomy.essential_skills(occupation)
        keep = rng.sample(essential, max(1, round(len(essential) * rng.uniform(0.4, 0.9))))
        keep += rng.sample(self.skills, rng.randint(0, 2))
        source = ("self_declared", "coach_verified", "work_experience")
        return CandidateIn.model_validate({
            "external_id": f"scale-cand-{i:07d}",
            "personal": {"name": f"Candidate {i}", "email": f"c{i}@example.org"},
            "languages": [{"lang": "de", "level": rng.choice(("A2", "B1", "B2", "C1"))}],
            "location": self.place(rng), "travel_radius_km": rng.choice((10, 20, 30, 50)),
            "work_permit": rng.choices(("full", "restricted", "pending"), (60, 35, 5))[0],
            "skills": [{"concept": s, "source": rng.choice(source)}
                       for s in dict.fromkeys(keep)],
            "experience": [{"title": self.label(occupation, "de")[:300],
                            "years": rng.randint(1, 10), "occupation": occupation}]
            if rng.random() < 0.6 else []})


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)], 2)

    return {"n": len(ms), "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": at(0.95), "p99_ms": at(0.99)}


def timed(fn: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


EXACT_PASSING = """
    SELECT v.id FROM vacancy v, candidate c WHERE c.id = %s AND v.is_open
      AND v.kind::text IN (SELECT jsonb_array_elements_text(c.preferences->'kinds'))
      AND v.min_permit <= c.work_permit
      AND km_between(c.lat, c.lon, v.lat, v.lon) <= c.travel_radius_km"""


def scalar(engine: Engine, sql: str) -> int:
    with engine.connection() as conn:
        row = conn.execute(sql).fetchone()
    return int(row[0]) if row else 0


def rebuild_indexes(engine: Engine) -> float:
    """Drop and build the HNSW indexes (the load runs without them); seconds."""
    started = time.perf_counter()
    with engine.connection() as conn:
        conn.execute("SET maintenance_work_mem = '4GB'")  # the 1M-row graph fits in memory
        conn.execute("CREATE INDEX IF NOT EXISTS vacancy_embedding_idx ON vacancy"
                     " USING hnsw (embedding vector_cosine_ops)")
        conn.execute("CREATE INDEX IF NOT EXISTS candidate_embedding_idx ON candidate"
                     " USING hnsw (embedding vector_cosine_ops)")
    with engine.connection() as conn:
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")  # as after any bulk load: index-only scans need it
        conn.autocommit = False
    return time.perf_counter() - started


def drop_indexes(engine: Engine) -> None:
    with engine.connection() as conn:
        conn.execute("DROP INDEX IF EXISTS vacancy_embedding_idx")
        conn.execute("DROP INDEX IF EXISTS candidate_embedding_idx")


def measure(engine: Engine, queries: int, recall_queries: int, seed: int,
            ) -> dict[str, object]:
    rng = random.Random(seed)
    matcher = engine.matcher
    with engine.connection() as conn:
        cands = [r[0] for r in conn.execute(
            "SELECT id FROM candidate TABLESAMPLE BERNOULLI (5) REPEATABLE (1) LIMIT %s",
            (queries,))]
        vacs = [r[0] for r in conn.execute(
            "SELECT id FROM vacancy TABLESAMPLE SYSTEM (1) REPEATABLE (1) WHERE is_open"
            " LIMIT %s", (queries,))]
        c2v = [timed(lambda c: matcher.vacancies_for(conn, c)[:20], c) for c in cands]
        v2c = [timed(lambda v: matcher.candidates_for(conn, v)[:20], v) for v in vacs]
        recalls = []
        for cid in rng.sample(cands, min(recall_queries, len(cands))):
            top = {m.vacancy.id for m in matcher.vacancies_for(conn, cid)[:20]}
            passing = [r[0] for r in conn.execute(EXACT_PASSING, (cid,))]
            cand = load_facts(conn, [cid])[cid]
            scored = []
            for start in range(0, len(passing), 5000):
                gated = [v for v in load_vacancy_facts(conn, passing[start:start + 5000])
                         .values() if gate(cand, v) is None]
                scored += [(-s.score, v.id) for v, s in zip(
                    gated, engine.scorer.score_all(cand, gated), strict=True)]
            exact = [vid for _, vid in sorted(scored)[:20]]
            if exact:
                recalls.append(len(top & set(exact)) / len(exact))
        v2c_recalls = [r for r in (candidate_recall(engine, conn, vid) for vid in rng.sample(
            vacs, min(recall_queries, len(vacs)))) if r is not None]
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return {"candidate_to_top20_vacancies": percentiles(c2v),
            "candidate_to_vacancies_phases_ms": profile_phases(
                engine, matcher.vacancies_for, cands[:50]),
            "vacancy_to_candidates_phases_ms": profile_phases(
                engine, matcher.candidates_for, vacs[:50]),
            "vacancy_to_top20_candidates": percentiles(v2c),
            "recall_at_20": summary(recalls),
            "vacancy_to_candidates_recall_at_20": summary(v2c_recalls),
            "database_mb": round((size[0] if size else 0) / 2**20, 1)}


def summary(recalls: list[float]) -> dict[str, object]:
    return {"n": len(recalls), "mean": round(statistics.mean(recalls), 4) if recalls else None,
            "min": round(min(recalls), 4) if recalls else None}


def candidate_recall(engine: Engine, conn: Any, vacancy_id: int) -> float | None:
    """Recall@20 of vacancy → candidates against exact scoring of every candidate passing
    the hard filters of retrieval (its exact query, unlimited) and the gates; None when
    none passes. The filters' parameters are those `Matcher.candidates_for` builds."""
    top = {m.candidate.id for m in engine.matcher.candidates_for(conn, vacancy_id)[:20]}
    vac = load_vacancy_facts(conn, [vacancy_id])[vacancy_id]
    permit, reach = vacancy_reach(conn, vacancy_id)
    params = {**box(vac.lat, vac.lon, reach), "kind": vac.kind, "permit": permit, "org": None,
              "k": None, "skills": vac.essential + vac.optional, "vec": vac.vector,
              "regulated": vac.regulated, "occupation": vac.occupation,
              "in_process": vac.accepts_in_process}  # LIMIT NULL: every passing row
    passing = [str(r[0]) for r in conn.execute(CANDIDATES_BY_VECTOR_EXACT, params)]
    scored = []
    for start in range(0, len(passing), 5000):
        for c in load_facts(conn, passing[start:start + 5000]).values():
            if gate(c, vac) is None:
                scored.append((-engine.scorer.score(c, vac).score, c.id))
    exact = [cid for _, cid in sorted(scored)[:20]]
    return len(top & set(exact)) / len(exact) if exact else None


# function name in the profile -> phase of a request
PHASES = {"load_facts": "candidate facts (SQL)", "shortlist": "retrieval (SQL)",
          "load_vacancy_facts": "vacancy facts (SQL)", "gate": "gates", "score": "scoring",
          "score_all": "scoring", "score_candidates": "scoring"}
# (score_all and score_candidates call score: the largest of them counts)


def profile_phases(engine: Engine, request: Callable[[Any, Any], object],
                   ids: list[Any]) -> dict[str, float]:
    """Where a matching request spends its time: milliseconds per request in each phase
    (a separate cProfile pass, so the timed runs carry no profiler overhead)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    with engine.connection() as conn:
        started = time.perf_counter()
        profiler.enable()
        for i in ids:
            request(conn, i)
        profiler.disable()
        total = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    out = {"total (profiled)": round(total * 1000 / len(ids), 2)}
    for (path, _, name), (_, _, _, cumulative, _) in stats.items():
        if name in PHASES and path.endswith((".py",)) and "/matcher/" in path:
            key = PHASES[name]
            ms = cumulative * 1000 / len(ids)
            out[key] = round(max(out.get(key, 0.0), ms) if key == "scoring"
                             else out.get(key, 0.0) + ms, 2)
    return out


def plot(steps: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [float(s["vacancies"]) for s in steps]  # type: ignore[arg-type]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label in (("candidate_to_top20_vacancies", "candidate → top-20 vacancies"),
                       ("vacancy_to_top20_candidates", "vacancy → top-20 candidates")):
        for q, style in (("p50_ms", "-o"), ("p95_ms", "--o")):
            values = [float(s[key][q]) for s in steps]  # type: ignore[index]
            ax.plot(sizes, values, style, label=f"{label} {q[:3]}")
    ax.set_xscale("log")
    ax.set_xlabel("open vacancies")
    ax.set_ylabel("latency (ms)")
    ax.set_title("Match latency by number of vacancies (2 cores)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--candidates", type=int, default=None,
                        help="default: a fifth of the largest size")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--recall-queries", type=int, default=20)
    parser.add_argument("--import-batch", type=int, default=100_000,
                        help="vacancies per import call (each lands whole or not at all),"
                             " as a national feed arrives in parts")
    parser.add_argument("--free-text", type=int, default=1000,
                        help="free-text vacancies to time the normalising path")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the database lives (default: a fresh temporary folder)")
    parser.add_argument("--shared-buffers", default="4GB",
                        help="of the embedded server: the HNSW index (1.8 GB at 1M) and the"
                             " vacancy rows should fit")
    parser.add_argument("--ef-search", type=int, default=Settings().hnsw_ef_search,
                        help="HNSW candidate list (MATCHER_HNSW_EF_SEARCH)")
    parser.add_argument("--measure-only", action="store_true",
                        help="load nothing: measure the database in --data-dir as it is")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() once the engine has started, before measuring: the"
                             " collector then no longer walks the taxonomy's objects (a full"
                             " collection paused a request for 0.5-0.9 s at 100,000)")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    taxonomy = Taxonomy()
    import_esco(taxonomy, [SHARED / p for p in ESCO_PATHS])
    normalizer = Normalizer(taxonomy, make_encoder(Settings()), ROOT / "var" / "test-cache")
    tmp = args.data_dir or Path(tempfile.mkdtemp(prefix="scale-"))
    engine = Engine.start(Settings(data_dir=tmp, pgdata=tmp / "pgdata", pool_size=4,
                                   db_statement_timeout=0,  # index builds take minutes
                                   pg_shared_buffers=args.shared_buffers,
                                   hnsw_ef_search=args.ef_search),
                          normalizer=normalizer)
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    world = World(taxonomy, args.seed)
    rng = random.Random(args.seed)
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "postgres": "embedded 18.6 + pgvector 0.8.1",
                    "shared_buffers": args.shared_buffers, "hnsw_ef_search": args.ef_search,
                    "gc_freeze": args.gc_freeze, "load_average": os.getloadavg(),
                    "import_batch": args.import_batch},
        "taxonomy": {"occupations": len(world.occupations), "skills": len(world.skills)},
        "steps": []}
    steps: list[dict[str, object]] = results["steps"]  # type: ignore[assignment]
    try:
        if args.measure_only:
            # a process holding what the API process holds (taxonomy, normaliser, pool)
            measured = {"vacancies": scalar(engine, "SELECT count(*) FROM vacancy"),
                        **measure(engine, args.queries, args.recall_queries, args.seed),
                        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF)
                                             .ru_maxrss / 1024, 1),
                        "load_average_after": os.getloadavg()}
            print(json.dumps(measured), flush=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps({**results, "measure_only": measured}, indent=1)
                                + "\n")
            return
        from matcher.store.auth import upsert_organisation

        with engine.connection() as conn:
            employers = [upsert_organisation(conn, f"Employer {i}", "employer", f"scale-e-{i}")
                         for i in range(500)]
            centres = [upsert_organisation(conn, f"Centre {i}", "centre", f"scale-c-{i}")
                       for i in range(20)]
        drop_indexes(engine)
        n_cand = args.candidates or max(args.sizes) // 5
        started = time.perf_counter()
        people = [world.candidate(i, rng) for i in range(n_cand)]
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with engine.connection() as conn:
            load_candidates(conn, engine.concepts, people,
                            [rng.choice(centres) for _ in people])
        cand_seconds = time.perf_counter() - started
        results["candidates"] = {"n": n_cand, "generate_s": round(generated, 1),
                                 "load_s": round(cand_seconds, 1),
                                 "per_s": round(n_cand / cand_seconds)}
        del people
        loaded = 0
        for size in sorted(args.sizes):
            drop_indexes(engine)
            generated = load_s = 0.0
            for start in range(loaded, size, args.import_batch):
                started = time.perf_counter()
                batch = [world.vacancy(i, rng) for i in range(start, min(size, start +
                                                                         args.import_batch))]
                owners = [rng.choice(employers) for _ in batch]
                generated += time.perf_counter() - started
                started = time.perf_counter()
                engine.save_vacancies(batch, owners)
                load_s += time.perf_counter() - started
            build_s = rebuild_indexes(engine)
            step: dict[str, object] = {
                "vacancies": size, "loaded_now": size - loaded,
                "generate_s": round(generated, 1), "load_s": round(load_s, 1),
                "ingest_per_s": round((size - loaded) / load_s),
                "index_build_s": round(build_s, 1)}
            loaded = size
            step.update(measure(engine, args.queries, args.recall_queries, args.seed))
            step["peak_rss_mb"] = round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
            steps.append(step)
            print(json.dumps(step), flush=True)
        if args.free_text:
            texts = [world.vacancy(10_000_000 + i, rng) for i in range(args.free_text)]
            texted = [v.model_copy(update={
                "external_id": f"scale-text-{i}", "essential_skills": [],
                "essential_skills_text": ", ".join(world.label(s, "de")
                                                   for s in v.essential_skills)[:2000]})
                for i, v in enumerate(texts)]
            started = time.perf_counter()
            engine.save_vacancies(texted, [rng.choice(employers) for _ in texted])
            seconds = time.perf_counter() - started
            results["free_text_ingest"] = {"n": len(texted), "seconds": round(seconds, 1),
                                           "per_s": round(len(texted) / seconds, 1)}
    finally:
        engine.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    if len(steps) > 1:
        plot(steps, args.out.with_suffix(".png"))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
