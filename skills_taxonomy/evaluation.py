"""Readers and metrics for the labelled linking benchmarks.

- Skill linking (Decorte et al.): a CSV of `sentence,span,sub_span,label`; the gold set of a
  sentence is every label of its rows except `LABEL NOT PRESENT` and `UNDERSPECIFIED`.
  Metrics per sentence over the ranking of all skills: reciprocal rank of the first gold
  skill, and R-Precision@K = |gold in top K| / min(K, |gold|).
- Occupation linking (MELO): `queries.tsv`, `corpus_elements.tsv`, `concept_mapping.tsv`,
  `annotations.tsv`; metrics over ESCO concepts: MRR and accuracy at 1.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skills_taxonomy.errors import InvalidInputError

EXCLUDED_LABELS = frozenset({"LABEL NOT PRESENT", "UNDERSPECIFIED"})
_MELO_LANGS = re.compile(r"_c_([a-z_]+)$")


@dataclass
class SkillQuery:
    sentence: str
    gold_labels: list[str]


def read_skill_set(path: str | Path) -> list[SkillQuery]:
    """Sentences with their gold ESCO preferred labels, in file order."""
    path = Path(path)
    gold: dict[str, list[str]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"sentence", "label"} - set(reader.fieldnames or [])
            if missing:
                raise InvalidInputError(
                    f"{path}: line 1: missing column(s) {', '.join(sorted(missing))}"
                )
            for row in reader:
                sentence, label = row["sentence"], (row["label"] or "").strip()
                if sentence is None:
                    raise InvalidInputError(f"{path}: line {reader.line_num}: no sentence")
                labels = gold.setdefault(sentence, [])
                if label and label not in EXCLUDED_LABELS and label not in labels:
                    labels.append(label)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError(f"{path}: not a readable UTF-8 CSV file: {exc}") from None
    return [SkillQuery(s, labels) for s, labels in gold.items() if labels]


@dataclass
class OccupationSet:
    """One MELO set: queries, their gold concept URIs, and the candidate labels."""

    name: str
    queries: list[tuple[str, str]]
    gold: dict[str, set[str]]
    corpus: list[tuple[str, str, str]] = field(default_factory=list)  # (uri, lang, label)


def _tsv(path: Path, width: int) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for line_no, row in enumerate(csv.reader(handle, delimiter="\t",
                                                     quoting=csv.QUOTE_NONE), start=1):
                if len(row) != width:
                    raise InvalidInputError(
                        f"{path}: line {line_no}: expected {width} tab-separated fields, "
                        f"found {len(row)}"
                    )
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text: {exc.reason}") from None
    return rows


def _corpus(folder: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    mapping = dict(_tsv(folder / "concept_mapping.tsv", 2))
    corpus = []
    for cid, label in _tsv(folder / "corpus_elements.tsv", 2):
        if cid not in mapping:
            raise InvalidInputError(f"{folder}: corpus id {cid} has no concept mapping")
        corpus.append((mapping[cid], cid.split("_")[1], label))
    return mapping, corpus


def read_occupation_set(folder: str | Path) -> OccupationSet:
    """Read a MELO set. A set without its own corpus (the multilingual USA set) takes the
    corpora of its sibling sets in the languages its name lists (`..._c_de_en_es`)."""
    folder = Path(folder)
    if not (folder / "queries.tsv").exists() or not (folder / "annotations.tsv").exists():
        raise InvalidInputError(
            f"{folder}: not a MELO set with queries (needs queries.tsv and annotations.tsv)"
        )
    if (folder / "corpus_elements.tsv").exists():
        mapping, corpus = _corpus(folder)
    else:
        match = _MELO_LANGS.search(folder.name)
        langs = set(match.group(1).split("_")) if match else set()
        mapping, corpus = {}, []
        for sibling in sorted(folder.parent.iterdir()):
            if sibling == folder or not (sibling / "corpus_elements.tsv").exists():
                continue
            sib_map, sib_corpus = _corpus(sibling)
            for (uri, lang, label), cid in zip(sib_corpus, sib_map, strict=False):
                if lang in langs and cid not in mapping:
                    mapping[cid] = uri
                    corpus.append((uri, lang, label))
        if not corpus:
            raise InvalidInputError(f"{folder}: no corpus_elements.tsv here or in sibling sets")
    queries = [(qid, text) for qid, text in _tsv(folder / "queries.tsv", 2)]
    gold: dict[str, set[str]] = {}
    for qid, _, cid, rel in _tsv(folder / "annotations.tsv", 4):
        if rel.strip() != "0" and cid in mapping:
            gold.setdefault(qid, set()).add(mapping[cid])
    return OccupationSet(folder.name, [q for q in queries if q[0] in gold], gold,
                         _dedupe(corpus))


def _dedupe(corpus: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for item in corpus:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def reciprocal_rank(ranking: Sequence[str], gold: set[str]) -> float:
    for i, uri in enumerate(ranking, start=1):
        if uri in gold:
            return 1.0 / i
    return 0.0


def r_precision_at(ranking: Sequence[str], gold: set[str], k: int) -> float:
    hits = sum(1 for uri in ranking[:k] if uri in gold)
    return hits / min(k, len(gold)) if gold else 0.0


def evaluate_skill_ranking(rank: Callable[[list[str]], list[list[str]]],
                           queries: list[SkillQuery], label_to_uri: dict[str, str],
                           ) -> dict[str, float | int]:
    """MRR and RP@5/@10 of `rank` (texts -> ranked URIs) over sentences with gold labels.

    Gold labels missing from the taxonomy stay in the gold set as unreachable, so a
    taxonomy that lacks them is penalised, not flattered."""
    started = time.perf_counter()
    rankings = rank([q.sentence for q in queries])
    elapsed = time.perf_counter() - started
    rr, rp5, rp10, unmapped = [], [], [], 0
    for query, ranking in zip(queries, rankings, strict=True):
        gold = set()
        for label in query.gold_labels:
            uri = label_to_uri.get(label.casefold())
            if uri is None:
                unmapped += 1
                uri = f"unmapped:{label}"
            gold.add(uri)
        rr.append(reciprocal_rank(ranking, gold))
        rp5.append(r_precision_at(ranking, gold, 5))
        rp10.append(r_precision_at(ranking, gold, 10))
    n = len(queries)
    return {
        "mrr": round(sum(rr) / n, 4) if n else 0.0,
        "rp@5": round(sum(rp5) / n, 4) if n else 0.0,
        "rp@10": round(sum(rp10) / n, 4) if n else 0.0,
        "n": n,
        "unmapped_gold_labels": unmapped,
        "per_s": round(n / elapsed, 1) if elapsed > 0 else 0.0,
    }


def evaluate_occupation_ranking(rank: Callable[[list[str]], list[list[str]]],
                                data: OccupationSet) -> dict[str, float | int]:
    """MRR and accuracy@1 over the set's queries, ranking ESCO concepts."""
    started = time.perf_counter()
    rankings = rank([text for _, text in data.queries])
    elapsed = time.perf_counter() - started
    rr, acc = [], []
    for (qid, _), ranking in zip(data.queries, rankings, strict=True):
        gold = data.gold[qid]
        rr.append(reciprocal_rank(ranking, gold))
        acc.append(1.0 if ranking and ranking[0] in gold else 0.0)
    n = len(data.queries)
    return {
        "mrr": round(sum(rr) / n, 4) if n else 0.0,
        "acc@1": round(sum(acc) / n, 4) if n else 0.0,
        "n": n,
        "per_s": round(n / elapsed, 1) if elapsed > 0 else 0.0,
    }


@dataclass
class StatementQuery:
    lang: str
    kind: str  # skill | occupation
    text: str
    gold: set[str]


def read_statement_set(path: str | Path) -> list[StatementQuery]:
    """A CSV of `lang,kind,text,uris[,note]` rows: statements in any language with the
    ESCO concepts (`;`-separated URIs) they mention (the project's multilingual set)."""
    path = Path(path)
    rows: list[StatementQuery] = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"lang", "kind", "text", "uris"} - set(reader.fieldnames or [])
            if missing:
                raise InvalidInputError(
                    f"{path}: line 1: missing column(s) {', '.join(sorted(missing))}")
            for row in reader:
                gold = {u.strip() for u in (row["uris"] or "").split(";") if u.strip()}
                if row["kind"] not in ("skill", "occupation") or not gold or not row["text"]:
                    raise InvalidInputError(
                        f"{path}: line {reader.line_num}: needs kind skill|occupation, a text "
                        "and at least one URI")
                rows.append(StatementQuery(row["lang"], row["kind"], row["text"], gold))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInputError(f"{path}: not a readable UTF-8 CSV file: {exc}") from None
    return rows


def evaluate_statements(rank: Callable[[list[str], list[str], str], list[list[str]]],
                        queries: list[StatementQuery]) -> dict[str, dict[str, float | int]]:
    """MRR and accuracy@1 per kind and language (and over all languages) of `rank`
    (texts, languages, kind -> ranked URIs)."""
    out: dict[str, dict[str, float | int]] = {}
    for kind in ("skill", "occupation"):
        subset = [q for q in queries if q.kind == kind]
        if not subset:
            continue
        started = time.perf_counter()
        rankings = rank([q.text for q in subset], [q.lang for q in subset], kind)
        elapsed = time.perf_counter() - started
        per_lang: dict[str, list[tuple[float, float]]] = {}
        for q, ranking in zip(subset, rankings, strict=True):
            rr = reciprocal_rank(ranking, q.gold)
            for lang in (q.lang, "all"):
                per_lang.setdefault(lang, []).append((rr, float(rr == 1.0)))
        for lang, values in sorted(per_lang.items()):
            out[f"{kind}/{lang}"] = {
                "mrr": round(sum(v[0] for v in values) / len(values), 4),
                "acc@1": round(sum(v[1] for v in values) / len(values), 4),
                "n": len(values)}
        out[f"{kind}/all"]["per_s"] = round(len(subset) / elapsed, 1) if elapsed else 0.0
    return out
