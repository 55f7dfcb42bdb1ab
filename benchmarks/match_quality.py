"""Match quality on a labelled set derived from the taxonomy (ESCO by default), our
engine against a bag-of-words TF-IDF baseline in the same run.

The set (fixed seed):

- K occupations sampled from those with at least 5 essential skills; for each, V open
  job vacancies whose essential skills are 70–90 % of the occupation's essential skills
  (at most 100, the schema's limit) and whose optional skills are 2–5 of its optional
  ones (concept ids; the occupation id given). All in one town with the same
  coordinates (distance cannot decide), all asking German B2, none needing formal
  recognition (recognition cannot decide either).
- N candidates, each from one of the K occupations: 50–80 % of its essential skills kept,
  1–3 noise skills from other sampled occupations added, about a third (`--text-share`) of
  the kept skills written as free text in the candidate's language (the preferred label in
  de, es, fr or nl, round robin over those the taxonomy has; English where the skill has
  no label in that language), the rest as concept ids; half of them (chosen at random)
  also give a work-experience title in their language (no occupation id: the engine links
  it). Same town, 50 km radius, full work permit, German B2.
- A vacancy is relevant to a candidate when it is of the candidate's occupation (binary
  relevance; V relevant vacancies per candidate).

Our engine: a fresh embedded PostgreSQL, the vacancies and candidates written through
`Engine.save_vacancies` / `Engine.save_candidate` (free text and titles normalised on
write), ranked with `Matcher.matches_for` (top 10, above the relevance floor, as the match
route lists them). The baseline: scikit-learn
`TfidfVectorizer` (word unigrams, defaults) fitted on the vacancy texts (title + English
labels of their skills), candidates' texts (free text + English labels of their
concept-id skills + experience title) ranked by cosine. Metrics: NDCG@10 and recall@10
(relevant in the top 10 / min(10, relevant)), mean over candidates, overall, per
candidate language and with / without an experience title; timings.

    python -m benchmarks.match_quality [--taxonomy esco|starter] [--occupations 150]
        [--per-occupation 6] [--candidates 300] [--seed 0] [--text-share 0.333]
        [--out benchmarks/results/match_quality.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.engine import Engine
from matcher.schemas import (
    CandidateIn,
    Experience,
    LanguageLevel,
    Location,
    Personal,
    SkillClaim,
    VacancyIn,
)
from matcher.settings import Settings
from matcher.store.auth import upsert_organisation
from matcher.wiring import ESCO_PATHS, make_encoder
from skills_taxonomy.esco_import import import_esco
from skills_taxonomy.model import Concept, ConceptKind, LabelType, Taxonomy
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.starter import load_starter

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SHARED = Path(os.environ.get("MATCHER_SHARED_DATA", ROOT.parent / "shared" / "data"))
CACHE = ROOT / "var" / "test-cache"  # the tests' index cache: the ESCO build is reused

K_AT = 10
MIN_ESSENTIAL = 5
TEXT_LANGUAGES = ("de", "es", "fr", "nl")
TOWN = Location(town="Köln", lat=50.9375, lon=6.9603)
GERMAN_B2 = LanguageLevel(lang="de", level="B2")
VACANCY_ESSENTIAL = (0.7, 0.9)  # share of the occupation's essential skills a vacancy lists
VACANCY_OPTIONAL = (2, 5)  # how many optional skills a vacancy lists (when there are any)
CANDIDATE_KEEP = (0.5, 0.8)  # share of the occupation's essential skills a candidate keeps
NOISE = (1, 3)  # skills from other occupations
EXPERIENCE_YEARS = (1, 2, 3, 5)
MAX_LISTED = 100  # VacancyIn takes at most 100 essential skills (a few ESCO occupations have more)


# --- metrics --------------------------------------------------------------------------------
def _unique(ranking: Sequence[Hashable], k: int) -> list[Hashable]:
    seen: dict[Hashable, None] = {}
    for item in ranking:
        seen.setdefault(item, None)
        if len(seen) == k:
            break
    return list(seen)


def ndcg_at_k(ranking: Sequence[Hashable], relevant: Collection[Hashable],
              k: int = K_AT) -> float:
    """Binary-relevance NDCG@k: DCG of the top k over the DCG of an ideal ranking with
    min(k, |relevant|) relevant items first; 0 when nothing is relevant."""
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    if ideal == 0:
        return 0.0
    gained = sum(1.0 / math.log2(i + 2) for i, item in enumerate(_unique(ranking, k))
                 if item in relevant)
    return gained / ideal


def recall_at_k(ranking: Sequence[Hashable], relevant: Collection[Hashable],
                k: int = K_AT) -> float:
    """Relevant items in the top k over min(k, |relevant|); 0 when nothing is relevant."""
    if not relevant:
        return 0.0
    hits = sum(1 for item in _unique(ranking, k) if item in relevant)
    return hits / min(k, len(relevant))


def summarise(rankings: Sequence[Sequence[Hashable]],
              relevant: Sequence[Collection[Hashable]], k: int = K_AT) -> dict[str, float]:
    """Mean NDCG@k, recall@k and hit@1 over the queries."""
    pairs = list(zip(rankings, relevant, strict=True))
    if not pairs:
        return {"n": 0}
    return {"n": len(pairs),
            f"ndcg_at_{k}": round(statistics.mean(ndcg_at_k(r, g, k) for r, g in pairs), 4),
            f"recall_at_{k}": round(statistics.mean(recall_at_k(r, g, k) for r, g in pairs),
                                    4),
            "hit_at_1": round(statistics.mean(1.0 if r and r[0] in g else 0.0
                                              for r, g in pairs), 4)}


# --- the labelled set -----------------------------------------------------------------------
@dataclass
class SyntheticVacancy:
    item: VacancyIn
    occupation: str
    text: str  # what the TF-IDF baseline reads


@dataclass
class SyntheticCandidate:
    item: CandidateIn
    occupation: str
    lang: str
    text: str  # what the TF-IDF baseline reads
    free_text_skills: list[str]  # the concepts written as free text
    fallback_english: int  # free-text skills without a label in `lang` (written in English)
    has_experience: bool


def eligible_occupations(taxonomy: Taxonomy, min_essential: int = MIN_ESSENTIAL) -> list[str]:
    """Occupations with at least `min_essential` essential skills, sorted by id."""
    return sorted(c.uri for c in taxonomy.of_kind(ConceptKind.OCCUPATION)
                  if len(taxonomy.essential_skills(c.uri)) >= min_essential)


def sample_occupations(taxonomy: Taxonomy, k: int, rng: random.Random) -> list[str]:
    pool = eligible_occupations(taxonomy)
    return sorted(rng.sample(pool, min(k, len(pool))))


def text_languages(taxonomy: Taxonomy) -> list[str]:
    """The languages of de/es/fr/nl in which the taxonomy has skill labels; else English."""
    present = {label.lang for c in taxonomy.of_kind(ConceptKind.SKILL) for label in c.labels}
    return [lang for lang in TEXT_LANGUAGES if lang in present] or ["en"]


def label_in(concept: Concept, lang: str) -> tuple[str, bool]:
    """The preferred label in `lang` (else its first label there), or the English one;
    and whether `lang` had one."""
    in_lang = [lb for lb in concept.labels if lb.lang == lang and lb.type is not LabelType.HIDDEN]
    if in_lang:
        preferred = [lb for lb in in_lang if lb.type is LabelType.PREFERRED]
        return (preferred or in_lang)[0].text, True
    return concept.preferred_label("en"), lang == "en"


def _english(taxonomy: Taxonomy, uris: Sequence[str]) -> list[str]:
    return [taxonomy.concepts[u].preferred_label("en") for u in uris]


def build_vacancies(taxonomy: Taxonomy, occupations: Sequence[str], per_occupation: int,
                    rng: random.Random) -> list[SyntheticVacancy]:
    out = []
    for o, occupation in enumerate(occupations):
        essential = taxonomy.essential_skills(occupation)
        optional = taxonomy.optional_skills(occupation)
        title = taxonomy.concepts[occupation].preferred_label("en")
        for j in range(per_occupation):
            share = rng.uniform(*VACANCY_ESSENTIAL)
            wanted = min(len(essential), MAX_LISTED, max(3, round(share * len(essential))))
            ess = rng.sample(essential, wanted)
            opt = rng.sample(optional, min(len(optional), rng.randint(*VACANCY_OPTIONAL)))
            item = VacancyIn(
                external_id=f"mq-v-{o}-{j}", kind="job", title=title, occupation=occupation,
                essential_skills=ess, optional_skills=opt, languages=[GERMAN_B2],
                location=TOWN, is_open=True, requires_recognition=False)
            text = "\n".join([title, *_english(taxonomy, ess + opt)])
            out.append(SyntheticVacancy(item, occupation, text))
    return out


def build_candidates(taxonomy: Taxonomy, occupations: Sequence[str], n: int,
                     rng: random.Random, languages: Sequence[str] | None = None,
                     text_share: float = 1 / 3) -> list[SyntheticCandidate]:
    langs = list(languages or text_languages(taxonomy))
    with_experience = set(rng.sample(range(n), n // 2))
    out = []
    for i in range(n):
        occupation = rng.choice(occupations)
        lang = langs[i % len(langs)]
        own = set(taxonomy.occupation_skills.get(occupation, {}))
        essential = taxonomy.essential_skills(occupation)
        kept = rng.sample(essential, max(1, round(rng.uniform(*CANDIDATE_KEEP) * len(essential))))
        as_text = set(rng.sample(kept, round(len(kept) * text_share)))
        others = [o for o in occupations if o != occupation]
        noise: list[str] = []
        for _ in range(rng.randint(*NOISE) if others else 0):
            pool = [s for s in taxonomy.essential_skills(rng.choice(others))
                    if s not in own and s not in noise]
            if pool:
                noise.append(rng.choice(pool))
        claims: list[SkillClaim] = []
        words: list[str] = []
        fallback = 0
        for uri in kept:
            if uri in as_text:
                text, found = label_in(taxonomy.concepts[uri], lang)
                fallback += not found
                claims.append(SkillClaim(text=text))
                words.append(text)
            else:
                claims.append(SkillClaim(concept=uri))
                words.append(taxonomy.concepts[uri].preferred_label("en"))
        for uri in noise:
            claims.append(SkillClaim(concept=uri))
            words.append(taxonomy.concepts[uri].preferred_label("en"))
        experience: list[Experience] = []
        if i in with_experience:
            title = label_in(taxonomy.concepts[occupation], lang)[0]
            experience.append(Experience(title=title, years=rng.choice(EXPERIENCE_YEARS)))
            words.append(title)
        item = CandidateIn(
            external_id=f"mq-c-{i}", personal=Personal(name=f"Candidate {i}"),
            languages=[GERMAN_B2], location=TOWN, travel_radius_km=50, work_permit="full",
            skills=claims, experience=experience, lang=lang)
        out.append(SyntheticCandidate(item, occupation, lang, "\n".join(words),
                                      sorted(as_text), fallback, bool(experience)))
    return out


# --- the two methods ------------------------------------------------------------------------
def tfidf_rankings(vacancy_texts: Sequence[str], candidate_texts: Sequence[str],
                   k: int = K_AT) -> list[list[int]]:
    """For each candidate, the indices of the k vacancies of highest cosine (ties: the
    earlier vacancy first)."""
    vectorizer = TfidfVectorizer()
    vacancies = vectorizer.fit_transform(vacancy_texts)
    candidates = vectorizer.transform(candidate_texts)
    sims = np.asarray((candidates @ vacancies.T).todense())  # rows are L2-normalised
    return [[int(j) for j in np.argsort(-row, kind="stable")[:k]] for row in sims]


def load_normalizer(which: str) -> tuple[Normalizer, dict[str, Any]]:
    """The normaliser of the chosen taxonomy, built as the tests build it."""
    started = time.perf_counter()
    if which == "esco":
        taxonomy = Taxonomy()
        import_esco(taxonomy, [SHARED / p for p in ESCO_PATHS])
    else:
        taxonomy = load_starter()
    imported = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    normalizer = Normalizer(taxonomy, make_encoder(Settings()), CACHE)
    return normalizer, {"taxonomy_import_s": round(imported, 1),
                        "normalizer_load_s": round(time.perf_counter() - started - imported, 1)}


def percentiles(ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)}


def run_engine(normalizer: Normalizer, vacancies: Sequence[SyntheticVacancy],
               candidates: Sequence[SyntheticCandidate], timing: dict[str, Any],
               ) -> tuple[list[list[int]], list[int], dict[str, Any]]:
    """Our top-k per candidate (indices into `vacancies`), how many relevant vacancies the
    engine returned at all per candidate, and linking diagnostics."""
    tmp = Path(tempfile.mkdtemp(prefix="match-quality-"))
    started = time.perf_counter()
    engine = Engine.start(Settings(data_dir=tmp, pgdata=tmp / "pgdata"), normalizer=normalizer)
    timing["engine_start_s"] = round(time.perf_counter() - started, 1)
    try:
        with engine.connection() as conn:
            employer = upsert_organisation(conn, "Match Quality GmbH", "employer", "mq-employer")
            centre = upsert_organisation(conn, "Match Quality Centre", "centre", "mq-centre")
        started = time.perf_counter()
        saved = engine.save_vacancies([v.item for v in vacancies], [employer] * len(vacancies))
        timing["save_vacancies_s"] = round(time.perf_counter() - started, 1)
        index_of = {r[0]: i for i, r in enumerate(saved)}
        started = time.perf_counter()
        ids = []
        for n, cand in enumerate(candidates, start=1):
            ids.append(engine.save_candidate(cand.item, centre)[0])
            if n % 50 == 0:
                print(f"  {n} candidates saved ({time.perf_counter() - started:.0f} s)",
                      flush=True)
        elapsed = time.perf_counter() - started
        texts = sum(len(c.free_text_skills) + c.has_experience for c in candidates)
        timing["save_candidates_s"] = round(elapsed, 1)
        timing["save_candidates_texts"] = texts
        timing["save_candidates_texts_per_s"] = round(texts / elapsed, 1)
        rankings: list[list[int]] = []
        returned: list[int] = []
        latencies: list[float] = []
        with engine.connection() as conn:
            for cid, cand in zip(ids, candidates, strict=True):
                started = time.perf_counter()
                matches = engine.matcher.matches_for(conn, cid, why=False).matches
                latencies.append((time.perf_counter() - started) * 1000)
                ranked = [index_of[m.vacancy.id] for m in matches]
                rankings.append(ranked[:K_AT])
                returned.append(sum(1 for i in ranked
                                    if vacancies[i].occupation == cand.occupation))
            timing["rank_total_s"] = round(sum(latencies) / 1000, 1)
            timing["rank_per_candidate"] = percentiles(latencies)
            linked: dict[str, set[str]] = defaultdict(set)
            for cid, uri in conn.execute(
                    "SELECT candidate_id, skill_uri FROM candidate_skill"
                    " WHERE statement IS NOT NULL AND source = 'self_declared'"):
                linked[cid].add(uri)
            titles = dict(conn.execute(
                "SELECT candidate_id, occupation_uri FROM candidate_experience"))
        diagnostics = linking_diagnostics(candidates, ids, linked, titles)
    finally:
        engine.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return rankings, returned, diagnostics


def linking_diagnostics(candidates: Sequence[SyntheticCandidate], ids: Sequence[str],
                        linked: dict[str, set[str]], titles: dict[str, str | None],
                        ) -> dict[str, Any]:
    """How much of the free text the normaliser linked to the intended concept, and how
    many experience titles it linked to the candidate's occupation."""
    by_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # wanted, found, extra
    title_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # titles, right
    for cid, cand in zip(ids, candidates, strict=True):
        wanted, got = set(cand.free_text_skills), linked.get(cid, set())
        counts = by_lang[cand.lang]
        counts[0] += len(wanted)
        counts[1] += len(wanted & got)
        counts[2] += len(got - wanted)
        if cand.has_experience:
            title_hits[cand.lang][0] += 1
            title_hits[cand.lang][1] += titles.get(cid) == cand.occupation
    return {
        "free_text_skills_linked_to_intended_concept": {
            lang: {"skills": w, "linked": f, "share": round(f / w, 4) if w else None,
                   "other_concepts_linked": x} for lang, (w, f, x) in sorted(by_lang.items())},
        "experience_title_linked_to_occupation": {
            lang: {"titles": t, "right": r, "share": round(r / t, 4) if t else None}
            for lang, (t, r) in sorted(title_hits.items())}}


# --- the run --------------------------------------------------------------------------------
def breakdown(candidates: Sequence[SyntheticCandidate], key: str,
              methods: dict[str, list[list[int]]], relevant: list[set[int]],
              ) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, cand in enumerate(candidates):
        groups[str(getattr(cand, key))].append(i)
    return {group: {name: summarise([ranked[i] for i in members],
                                    [relevant[i] for i in members])
                    for name, ranked in methods.items()}
            for group, members in sorted(groups.items())}


def misses(taxonomy: Taxonomy, candidates: Sequence[SyntheticCandidate],
           vacancies: Sequence[SyntheticVacancy], rankings: Sequence[Sequence[int]],
           top: int = 10) -> dict[str, Any]:
    """Candidates whose first vacancy is of another occupation: how many, the commonest
    confusions, and how many of those first vacancies list no optional skills (the scorer
    gives such a vacancy full optional credit; our candidates hold no optional skills)."""
    confusions: dict[tuple[str, str], int] = defaultdict(int)
    no_optional = 0
    for cand, ranked in zip(candidates, rankings, strict=True):
        first = vacancies[ranked[0]] if ranked else None
        if first is None or first.occupation == cand.occupation:
            continue
        confusions[(cand.occupation, first.occupation)] += 1
        no_optional += not first.item.optional_skills
    label = {u: taxonomy.concepts[u].preferred_label("en")
             for pair in confusions for u in pair}
    ordered = sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"top1_not_relevant": sum(confusions.values()),
            "top1_vacancy_lists_no_optional_skills": no_optional,
            "commonest": [{"candidate": label[a], "ranked_first": label[b], "n": n}
                          for (a, b), n in ordered[:top]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--taxonomy", choices=("esco", "starter"),
                        default="esco" if (SHARED / "esco").exists() else "starter")
    parser.add_argument("--occupations", type=int, default=150)
    parser.add_argument("--per-occupation", type=int, default=6)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--text-share", type=float, default=1 / 3,
                        help="share of each candidate's kept skills written as free text"
                             " (1.0: no concept ids at all)")
    parser.add_argument("--out", type=Path, default=RESULTS / "match_quality.json")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    run_started = time.perf_counter()
    load_before = os.getloadavg()[0]
    normalizer, timing = load_normalizer(args.taxonomy)
    taxonomy = normalizer.taxonomy
    rng = random.Random(args.seed)
    occupations = sample_occupations(taxonomy, args.occupations, rng)
    vacancies = build_vacancies(taxonomy, occupations, args.per_occupation, rng)
    candidates = build_candidates(taxonomy, occupations, args.candidates, rng,
                                  text_share=args.text_share)
    print(f"{args.taxonomy}: {len(occupations)} occupations, {len(vacancies)} vacancies, "
          f"{len(candidates)} candidates", flush=True)
    relevant = [{i for i, v in enumerate(vacancies) if v.occupation == c.occupation}
                for c in candidates]

    ours, returned, diagnostics = run_engine(normalizer, vacancies, candidates, timing)
    started = time.perf_counter()
    tfidf = tfidf_rankings([v.text for v in vacancies], [c.text for c in candidates])
    timing["tfidf_fit_and_rank_s"] = round(time.perf_counter() - started, 2)
    timing["total_s"] = round(time.perf_counter() - run_started, 1)

    methods = {"ours": ours, "tfidf": tfidf}
    overall = {name: summarise(ranked, relevant) for name, ranked in methods.items()}
    ndcg = f"ndcg_at_{K_AT}"
    ours_ndcg, tfidf_ndcg = overall["ours"][ndcg], overall["tfidf"][ndcg]
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    # other work on the box slows every timing below
                    "load_average_1min": {"start": round(load_before, 1),
                                          "end": round(os.getloadavg()[0], 1)}},
        "config": {"taxonomy": args.taxonomy, "taxonomy_version": normalizer.version,
                   "occupations": len(occupations), "per_occupation": args.per_occupation,
                   "candidates": len(candidates), "seed": args.seed, "k": K_AT,
                   "candidate_languages": text_languages(taxonomy)},
        "data": {
            "text_share": round(args.text_share, 3),
            "vacancies": len(vacancies),
            "mean_essential_per_vacancy": round(statistics.mean(
                len(v.item.essential_skills) for v in vacancies), 1),
            "mean_optional_per_vacancy": round(statistics.mean(
                len(v.item.optional_skills) for v in vacancies), 1),
            "mean_skill_claims_per_candidate": round(statistics.mean(
                len(c.item.skills) for c in candidates), 1),
            "free_text_skills": sum(len(c.free_text_skills) for c in candidates),
            "free_text_skills_written_in_english": sum(c.fallback_english for c in candidates),
            "candidates_with_experience_title": sum(c.has_experience for c in candidates)},
        "metrics": overall,
        "by_candidate_language": breakdown(candidates, "lang", methods, relevant),
        "by_experience_title": breakdown(candidates, "has_experience", methods, relevant),
        "ours_relevant_returned_at_all": {
            "mean": round(statistics.mean(returned), 2), "min": min(returned),
            "of": args.per_occupation},
        "misses": {name: misses(taxonomy, candidates, vacancies, ranked)
                   for name, ranked in methods.items()},
        "linking": diagnostics,
        "targets": {
            f"{ndcg}_at_least_0.8": {"value": ours_ndcg, "met": ours_ndcg >= 0.8,
                                     "gap": round(max(0.0, 0.8 - ours_ndcg), 4)},
            "at_least_0.1_above_tfidf": {"margin": round(ours_ndcg - tfidf_ndcg, 4),
                                         "met": ours_ndcg - tfidf_ndcg >= 0.1,
                                         "gap": round(max(0.0, 0.1 - (ours_ndcg - tfidf_ndcg)),
                                                      4)}},
        "timing": timing,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
