from collections import Counter

from skills_taxonomy.model import ConceptKind, LabelType
from skills_taxonomy.starter import STARTER_LANGUAGES, load_starter


def test_starter_has_the_promised_breadth() -> None:
    taxonomy = load_starter()
    occupations = list(taxonomy.of_kind(ConceptKind.OCCUPATION))
    assert len(occupations) >= 40
    for occ in occupations:
        assert len(taxonomy.essential_skills(occ.uri)) >= 8, occ.uri
        assert taxonomy.optional_skills(occ.uri), occ.uri
        assert occ.isco_code, occ.uri


def test_every_starter_concept_is_multilingual() -> None:
    taxonomy = load_starter()
    for concept in taxonomy.concepts.values():
        langs = concept.languages
        assert {"en", "de"} <= langs, concept.uri
        assert len(langs & {"ar", "uk", "vi", "zh", "no", "lv", "fa"}) >= 4, concept.uri
        preferred = Counter(lb.lang for lb in concept.labels if lb.type is LabelType.PREFERRED)
        assert all(n == 1 for n in preferred.values()), concept.uri
    assert set(STARTER_LANGUAGES) <= set(taxonomy.languages())


def test_starter_covers_the_trades_migrants_enter() -> None:
    taxonomy = load_starter()
    labels = {c.preferred_label("en").casefold() for c in taxonomy.of_kind(ConceptKind.OCCUPATION)}
    for wanted in ("welder", "electrician", "plumber", "cook", "hairdresser", "truck driver",
                   "nursing assistant", "warehouse worker"):
        assert any(wanted in label for label in labels), wanted
