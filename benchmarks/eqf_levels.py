"""EQF levels of qualification mentions, per method (grammar, table, text model, combined)
and per language.

Methods: `before` (the chain as it was before the grammar: table, text model, type
keywords), `grammar` alone, `table` (the project table plus, for Europass, the other
countries' rows), `text_model` alone, `combined` (`eqf_level`, as the engine answers).

1. The Europass table (../shared/data/recognition), held out by country: 5 folds grouped
   by country (as `benchmarks/recognition.py`), so every test country is unseen by the
   table and the text model (fitted on the other countries' rows plus the project table).
   Its misses (`misses`): the combined answer's wrong rows by reason (no answer, one
   level off, further) and by whose level it was (grammar, text model), per country.
2. The project's development set of qualification mentions
   (training/data/qualification_mentions.csv), 5-fold cross-validated: the text model is
   fitted on the project table plus the other folds. The grammar is hand-written and was
   tuned while writing the set, so its figure on the set is not an independent one.
3. A sealed set (benchmarks/data/qualification_mentions_sealed.csv): 65 mentions written
   by the project after the grammar was written and measured once before any change
   (the text model fitted on the project table and the whole development set). Same
   author as the grammar, so not independent either, but never tuned on.
4. Held-out mentions, when a file is given (`--mentions PATH`, CSV with `mention` and
   `eqf_level`, optional `lang` and `country`): never used for fitting or tuning.

Accuracy and within-one are over all rows (an unanswered row counts as wrong);
`answered` is the share of rows with a level.

    python -m benchmarks.eqf_levels [--mentions PATH] [--out benchmarks/results/eqf_levels.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from sklearn.model_selection import GroupKFold, StratifiedKFold

from matcher.recognition.eqf_table import EqfEntry, EqfTable, project_table, read_eqf_csv
from matcher.recognition.estimator import EqfLevelEstimator, shipped_estimator, training_rows
from matcher.recognition.grammar import Grammar
from matcher.recognition.qualification_types import estimate_level
from matcher.recognition.recogniser import MODEL_FIRST, MODEL_LAST, eqf_level
from matcher.schemas import QualificationFields
from skills_taxonomy.text import fold

ROOT = Path(__file__).resolve().parents[1]
EUROPASS = ROOT.parent / "shared" / "data" / "recognition" / "europass_qualifications_eqf.csv"
DEV_SET = ROOT / "training" / "data" / "qualification_mentions.csv"
SEALED = ROOT / "benchmarks" / "data" / "qualification_mentions_sealed.csv"
RESULTS = ROOT / "benchmarks" / "results"
METHODS = ("before", "grammar", "table", "text_model", "combined")
Row = tuple[str, str | None, int, str]  # mention, country, level, group (language/country)


def scores(pred: Sequence[int | None], gold: Sequence[int]) -> dict[str, float]:
    n = len(gold)
    answered = [(p, g) for p, g in zip(pred, gold, strict=True) if p is not None]
    return {"n": n, "answered": round(len(answered) / max(1, n), 4),
            "accuracy": round(sum(p == g for p, g in answered) / max(1, n), 4),
            "within_one": round(sum(abs(p - g) <= 1 for p, g in answered) / max(1, n), 4)}


# The type keywords of the chain before the grammar, frozen here so that the "before" rows
# (and `benchmarks.recognition`'s type rules) measure that chain, as the figures beside
# today's always did. The engine no longer has this list: it reads the types with the
# grammar's words (`matcher.recognition.grammar.infer_type`).
BEFORE_TYPE_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    # Phrases holding a higher type's keyword ("спеціаліст", "master") that name a lower one.
    ("short_cycle", ("молодшого спеціаліста", "молодший спеціаліст", "младшего специалиста",
                     "младший специалист", "master craftsman", "master craftsperson")),
    ("doctorate", ("doctor", "doctorate", "phd", "ph.d", "doktor", "promotion", "кандидат наук",
                   "доктор наук", "доктор філософії", "دكتوراه", "دکتری", "دکترا", "tiến sĩ",
                   "博士", "doktora")),
    ("master", ("master", "magister", "магістр", "магистр", "спеціаліст", "специалист",
                "ماجستير", "كارشناسی ارشد", "کارشناسی ارشد", "thạc sĩ", "硕士", "yüksek lisans",
                "msc", "m.sc", "mba")),
    ("bachelor", ("bachelor", "бакалавр", "بكالوريوس", "ليسانس", "کارشناسی", "cử nhân",
                  "kỹ sư", "学士", "本科", "lisans", "licence", "bsc", "b.sc", "diplom-ingenieur",
                  "engineer degree", "university degree")),
    ("short_cycle", ("institute diploma", "معهد", "دبلوم", "associate", "junior specialist",
                     "молодший спеціаліст", "молодшого спеціаліста", "технікум", "техникум",
                     "коледж", "колледж", "cao đẳng", "大专", "专科", "ön lisans", "hnd",
                     "higher national", "کاردانی", "فوق دیپلم", "short-cycle", "fachschule",
                     "meister", "techniker")),
    ("vocational_secondary", ("vocational", "qualified worker", "кваліфікованого робітника",
                              "квалифицированного рабочего", "профтехучилище", "مهني",
                              "صناعي", "فني", "trung cấp", "sơ cấp", "职业", "技校", "中专",
                              "meslek lisesi", "fenni", "فنی و حرفه", "هنرستان", "trade test",
                              "ausbildung", "berufsausbildung", "apprenticeship", "certificate iii",
                              "certificate ii")),
    ("upper_secondary", ("secondary school", "high school", "baccalaureate", "abitur",
                         "الثانوية", "ثانوية", "دیپلم", "повна загальна середня",
                         "атестат", "trung học phổ thông", "高中", "lise", "waec", "ssce")),
    ("lower_secondary", ("lower secondary", "preparatory", "الإعدادية", "اعدادية",
                         "базова середня", "trung học cơ sở", "初中", "ortaokul")),
    ("primary", ("primary", "elementary", "الابتدائية", "ابتدایی", "початкова", "tiểu học",
                 "小学", "ilkokul")),
]


def before_type(title: str) -> str | None:
    """The type the keyword rules before the grammar read off a title (first keyword in
    the list's order, a prefix match on folded text), or None."""
    folded = fold(title)
    for qtype, words in BEFORE_TYPE_KEYWORDS:
        for word in words:
            # Arabic writes the article al- ("ال") onto the word: الماجستير, البكالوريوس
            if re.search(r"(?<!\w)(?:ال)?" + re.escape(fold(word)), folded):
                return qtype
    return None


def before(q: QualificationFields, table: EqfTable, model: EqfLevelEstimator) -> int | None:
    """The chain as it was before the grammar (for "today's figures" on the same rows):
    table, text model when at least MODEL_FIRST sure, type keywords and duration, text
    model when at least MODEL_LAST sure."""
    hit = table.lookup(q.country, q.title)
    if hit is not None:
        return hit[0].eqf_level
    qtype = before_type(q.title)
    rule = estimate_level(qtype, None) if qtype else None
    proba = model.predict_proba([q.title])[0]
    best = int(proba.argmax())
    if proba[best] >= MODEL_FIRST or (rule is None and proba[best] >= MODEL_LAST):
        return int(model.classes_[best])
    return rule[0] if rule else None


def predict(test: list[Row], fit_titles: list[str], fit_levels: list[int],
            table_rows: list[EqfEntry], grammar: Grammar) -> dict[str, list[int | None]]:
    """Each method's level for each test row."""
    model = EqfLevelEstimator().fit(fit_titles, fit_levels)
    table = EqfTable(table_rows)
    out: dict[str, list[int | None]] = defaultdict(list)
    for text, country, _, _ in test:
        reading = grammar.read(text, country)
        out["grammar"].append(reading.level if reading else None)
        hit = table.lookup(country, text)
        out["table"].append(hit[0].eqf_level if hit else None)
        out["text_model"].append(int(model.predict([text])[0]))
        q = QualificationFields(title=text[:300], country=country)
        out["before"].append(before(q, table, model))
        out["combined"].append(eqf_level(q, table, model, MODEL_FIRST, grammar)["level"])
    return out


def summarise(rows: list[Row], preds: dict[str, list[int | None]]) -> dict[str, object]:
    gold = [r[2] for r in rows]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[row[3]].append(i)
    return {
        "all": {m: scores(preds[m], gold) for m in METHODS},
        "per_group": {g: {m: scores([preds[m][i] for i in idx], [gold[i] for i in idx])
                          for m in ("before", "grammar", "text_model", "combined")}
                      for g, idx in sorted(groups.items())}}


def cross_validate(rows: list[Row], folds: list[tuple[list[int], list[int]]],
                   extra_fit: Callable[[list[Row]], tuple[list[str], list[int]]],
                   table_rows: Callable[[list[Row]], list[EqfEntry]],
                   ) -> dict[str, list[int | None]]:
    grammar = Grammar()
    preds: dict[str, list[int | None]] = {m: [None] * len(rows) for m in METHODS}
    for fit_idx, test_idx in folds:
        fit = [rows[i] for i in fit_idx]
        titles, levels = extra_fit(fit)
        found = predict([rows[i] for i in test_idx], titles, levels, table_rows(fit), grammar)
        for m in METHODS:
            for i, level in zip(test_idx, found[m], strict=True):
                preds[m][i] = level
    return preds


def project_fit(fit: list[Row]) -> tuple[list[str], list[int]]:
    titles, levels = training_rows(project_table())
    return titles + [r[0] for r in fit], levels + [r[2] for r in fit]


def europass() -> dict[str, object]:
    entries, _ = read_eqf_csv(EUROPASS)
    rows: list[Row] = [(e.qualification, e.country, e.eqf_level, e.country) for e in entries]
    groups = [e.country for e in entries]
    folds = [(list(a), list(b)) for a, b in GroupKFold(n_splits=5).split(
        rows, [r[2] for r in rows], groups)]
    by_title = {(e.qualification, e.country): e for e in entries}

    def table(fit: list[Row]) -> list[EqfEntry]:
        return [by_title[(r[0], r[1] or "")] for r in fit] + project_table()

    preds = cross_validate(rows, folds, project_fit, table)
    out = summarise(rows, preds)
    return {"rows": len(rows), "split": "GroupKFold(5) by country", **out,
            "misses": misses(rows, preds)}


def misses(rows: list[Row], preds: dict[str, list[int | None]]) -> dict[str, object]:
    """The combined answer's misses by reason (no answer, one level off, further) and by
    whose level it was (the grammar's, the text model's, both), per group and row."""
    reasons: dict[str, int] = defaultdict(int)
    by_group: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    listed = []
    for i, (text, country, gold, group) in enumerate(rows):
        level, said, model = (preds[m][i] for m in ("combined", "grammar", "text_model"))
        by_group[group]["rows"] += 1
        if level == gold:
            continue
        reason = "no answer" if level is None else "one level off" if abs(
            level - gold) == 1 else "two or more off"
        if level is not None:
            reason += ": " + ("grammar and text model" if level == said == model else
                              "grammar" if level == said else
                              "text model" if level == model else "other")
        reasons[reason] += 1
        by_group[group][reason] += 1
        listed.append({"mention": text, "country": country, "eqf_level": gold,
                       "answer": level, "grammar": said, "text_model": model})
    return {"by_reason": dict(sorted(reasons.items())),
            "by_group": {g: dict(c) for g, c in sorted(by_group.items())}, "rows": listed}


def read_mentions(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        return [(r["mention"], r.get("country") or None, int(r["eqf_level"]),
                 r.get("lang") or "?") for r in csv.DictReader(handle)]


def dev_set() -> dict[str, object]:
    rows = read_mentions(DEV_SET)
    folds = [(list(a), list(b)) for a, b in StratifiedKFold(5, shuffle=True, random_state=0)
             .split(rows, [r[3] for r in rows])]
    preds = cross_validate(rows, folds, project_fit, lambda fit: project_table())
    return {"rows": len(rows), "split": "StratifiedKFold(5) by language, seed 0",
            **summarise(rows, preds)}


def held_out(path: Path) -> dict[str, object]:
    rows = read_mentions(path)
    titles, levels = training_rows(project_table())
    dev = read_mentions(DEV_SET)
    found = predict(rows, titles + [r[0] for r in dev], levels + [r[2] for r in dev],
                    project_table(), Grammar())
    return {"rows": len(rows), "file": str(path), **summarise(rows, found)}


def as_shipped() -> dict[str, object]:
    """The engine as it ships (the project table, the shipped text model artefact), before
    the grammar and now, on the development and sealed sets; `uk_style` are the English
    mentions with no country (UK adverts, as in the issue's held-out data)."""
    table, model = EqfTable(project_table()), shipped_estimator(project_table())
    assert model is not None
    out: dict[str, object] = {}
    for name, path in (("dev_set", DEV_SET), ("sealed", SEALED)):
        rows = read_mentions(path)
        qs = [QualificationFields(title=r[0][:300], country=r[1]) for r in rows]
        found = {"before": [before(q, table, model) for q in qs],
                 "now": [eqf_level(q, table, model)["level"] for q in qs]}
        uk = [i for i, r in enumerate(rows) if r[3] == "en" and not r[1]]
        out[name] = {method: {"all": scores(pred, [r[2] for r in rows]),
                              "uk_style": scores([pred[i] for i in uk],
                                                 [rows[i][2] for i in uk])}
                     for method, pred in found.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=Path, help="held-out mentions (CSV)")
    parser.add_argument("--out", type=Path, default=RESULTS / "eqf_levels.json")
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "europass_by_country": europass(), "dev_set_cv": dev_set(),
        "sealed_mentions": held_out(SEALED), "as_shipped": as_shipped()}
    if args.mentions:
        results["held_out_mentions"] = held_out(args.mentions)
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
