"""`make demo`: normalise what coaches typically receive, in eight languages.

Runs on the current taxonomy: the starter taxonomy shipped in the package unless a full
ESCO import was made (`make import-esco`). The first run builds and caches the indexes.
"""

from __future__ import annotations

import sys
import time

from matcher.engine import load_normalizer
from matcher.settings import Settings

EXAMPLES: list[tuple[str, str]] = [
    ("de", "Schweißer, 5 Jahre MAG-Schweißen, Staplerschein"),
    ("uk", "зварювальник, досвід 3 роки"),
    ("vi", "thợ hàn, sửa chữa ô tô"),
    ("zh", "焊工，电工"),
    ("no", "sveiser og rørlegger"),
    ("ar", "لحام، خبرة في تركيب الأنابيب"),
    ("fa", "آشپز، نظافت آشپزخانه"),
    ("en", "Worked as a care assistant: helped elderly residents with personal hygiene, "
           "served meals and documented care."),
    ("en", "I can drive a forklift, pick orders in a warehouse and operate a cash register"),
    ("de", "Altenpflegehelferin mit Erfahrung in der Grundpflege"),
]
TITLES = ["Kfz-Mechatroniker", "електрик", "đầu bếp", "Friseurin", "truck driver"]


def main() -> int:
    settings = Settings()
    started = time.perf_counter()
    normalizer = load_normalizer(settings, progress=lambda m: print(m, file=sys.stderr))
    stats = normalizer.taxonomy.stats(normalizer.version)
    print(f"taxonomy: {stats['occupations']} occupations, {stats['skills']} skills, "
          f"languages {', '.join(stats['labels_per_language'])} "  # type: ignore[arg-type]
          f"(ready in {time.perf_counter() - started:.1f} s)\n")
    texts = [text for _, text in EXAMPLES]
    started = time.perf_counter()
    results = normalizer.normalize_batch(texts)
    elapsed = time.perf_counter() - started
    for (lang, text), mentions in zip(EXAMPLES, results, strict=True):
        print(f"[{lang}] {text}")
        if not mentions:
            print("    (nothing above the threshold: abstained)")
        for m in mentions:
            print(f"    {m.score:.2f} {m.kind:<10} {m.text!r} -> {m.label} "
                  f"[{m.method}: {m.matched_label!r} ({m.matched_lang})]")
    print(f"\nnormalised {len(texts)} texts in {elapsed:.2f} s\n")
    print("job and qualification titles -> reference occupations:")
    for title in TITLES:
        ranked = normalizer.link_occupations(title, lang="en", top_k=3, abstain=False)
        shown = "; ".join(f"{m.label} ({m.score:.2f})" for m in ranked)
        print(f"    {title!r}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
