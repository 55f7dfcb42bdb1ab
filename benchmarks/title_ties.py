"""Titles several occupations carry ("Lagerhelfer": warehouse worker and shelf filler in
ESCO's German labels): which occupation a vacancy gets from its title alone, and with the
skills it asks breaking the tie (`matcher.intake.vacancies`).

For every German label of the imported taxonomy that names two or more occupations, one
vacancy per such occupation: the label as its title and, as its skills text, the German
labels of five of that occupation's essential skills that the other occupations of the
label do not list (seeded). The answer is right when the vacancy gets the occupation it
was made from. Synthetic: it measures the tie-break, not how often adverts meet a tie.

    python -m benchmarks.title_ties --data-dir DIR   # DIR: full ESCO (make import-esco)
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from matcher.concepts import Concepts
from matcher.intake.vacancies import prepare_vacancies
from matcher.recognition.regulation import RegulationProfile
from matcher.schemas import VacancyIn
from matcher.settings import Settings
from matcher.wiring import load_normalizer
from skills_taxonomy.model import ConceptKind

ROOT = Path(__file__).resolve().parents[1]
SKILLS = 5


def vacancies(concepts: Concepts, seed: int) -> list[tuple[str, VacancyIn, VacancyIn]]:
    """(the occupation, its vacancy with skills, the same vacancy without) per tie."""
    index = concepts.normalizer.linkers[ConceptKind.OCCUPATION].index
    rng = random.Random(seed)
    out = []
    for entry, (folded, lang) in enumerate(zip(index.entry_folded, index.entry_lang,
                                               strict=True)):
        sharing = sorted(set(index.exact.get(folded, ())))
        if lang != "de" or len(sharing) < 2 or index.entry_concept[entry] != sharing[0]:
            continue  # one vacancy set per shared label
        uris = [index.uris[c] for c in sharing]
        for uri in uris:
            others = {s for o in uris if o != uri for s in concepts.essential_skills(o)}
            own = [s for s in concepts.essential_skills(uri) if s not in others]
            if len(own) < SKILLS:
                continue
            text = ", ".join(concepts.label(s, "de") for s in rng.sample(own, SKILLS))
            base = {"external_id": f"tie-{entry}-{uri[-8:]}", "kind": "job",
                    "title": index.entry_text[entry],
                    "location": {"town": "Leipzig", "lat": 51.34, "lon": 12.37}}
            out.append((uri, VacancyIn.model_validate({**base, "essential_skills_text": text}),
                        VacancyIn.model_validate(base)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path,
                        default=ROOT / "benchmarks" / "results" / "title_ties.json")
    args = parser.parse_args()
    concepts = Concepts(load_normalizer(Settings(data_dir=args.data_dir)))
    cases = vacancies(concepts, args.seed)
    profile = RegulationProfile("DE")
    with_skills = prepare_vacancies(concepts, [v for _, v, _ in cases], profile)
    title_only = prepare_vacancies(concepts, [v for _, _, v in cases], profile)
    result = {"vacancies": len(cases),
              "right_title_only": sum(p.occupation == uri for (uri, _, _), p
                                      in zip(cases, title_only, strict=True)),
              "right_with_skills": sum(p.occupation == uri for (uri, _, _), p
                                       in zip(cases, with_skills, strict=True))}
    print(result)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
