"""Statements typed on a keyboard without the language's own letters.

Migrants in Germany often type Turkish, Vietnamese or Norwegian on a German keyboard:
"kaynakci" for "kaynakçı", "biet doc ban ve" for "biết đọc bản vẽ". This ranks the
development set's statements as written and with every mark and own letter replaced by
its base letter, and reports the MRR of each (full rankings, `Normalizer.rank`).

    python -m benchmarks.typed_plain [--data-dir DIR] [--langs vi tr de]
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path

from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.evaluation import read_statement_set
from skills_taxonomy.model import ConceptKind

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "training" / "data" / "multilingual_dev.csv"
OWN_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ø": "o", "Ø": "O", "æ": "ae",
                             "Æ": "Ae", "ł": "l", "Ł": "L"})


def typed_plain(text: str) -> str:
    """The text without marks and own letters, case kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(OWN_LETTERS))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks/results/data")
    parser.add_argument("--langs", nargs="+", default=["vi", "tr", "de"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/typed_plain.json")
    args = parser.parse_args()
    normalizer = load_normalizer(Settings(data_dir=args.data_dir))
    queries = read_statement_set(DEV_SET)
    report: dict[str, dict[str, float]] = {}
    for kind in (ConceptKind.SKILL, ConceptKind.OCCUPATION):
        uris = normalizer.linkers[kind].index.uris
        for lang in args.langs:
            rows = [q for q in queries if q.kind == kind.value and q.lang == lang]
            if not rows:
                continue
            mrr = {}
            for way, form in (("as_written", str), ("typed_plain", typed_plain)):
                ranked = normalizer.rank([form(q.text) for q in rows], kind, top_k=20)
                mrr[way] = round(sum(
                    next((1 / (i + 1) for i, c in enumerate(cands) if uris[c.concept] in q.gold),
                         0.0) for q, cands in zip(rows, ranked, strict=True)) / len(rows), 4)
            report[f"{kind.value}/{lang}"] = {"n": len(rows), **mrr}
            print(kind.value, lang, json.dumps(report[f"{kind.value}/{lang}"]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
