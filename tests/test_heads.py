"""The occupation a line begins with ("сварщик ручной дуговой сварки", "طباخ شرقي بمطعم
بدمشق"): found, linked with its exact label's confidence, kept beside the skill the
whole line names, and left alone where the whole line names another occupation."""

from __future__ import annotations

import numpy as np
import pytest

from skills_taxonomy.fusion import FEATURES
from skills_taxonomy.heads import both_stand, head_of, head_pieces, occupations_named
from skills_taxonomy.linker import Candidate
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.phrases import phrases
from skills_taxonomy.text import fold
from tests.test_multilingual import COOK, WELDER

OCCUPATION = ConceptKind.OCCUPATION


def labels(*names: str):
    return lambda text, lang: fold(text) in {fold(n) for n in names}


def test_the_longest_label_at_the_start_and_never_the_whole() -> None:
    is_label = labels("машинист", "машинист экскаватора", "экскаватора")
    head = head_of("машинист экскаватора 6 разряда", "ru", is_label)
    assert head is not None and (head.start, head.end, head.text) == (
        0, 20, "машинист экскаватора")
    assert head_of("машинист экскаватора", "ru", is_label).text == "машинист"
    assert head_of("машинист", "ru", is_label) is None  # a whole label is the piece itself
    assert head_of("работал машинистом", "ru", is_label) is None  # only at the start


def test_the_parts_of_a_hyphenated_word_are_words() -> None:
    """"парикмахер-универсал" (an all-round hairdresser), "Перукар-модельєр"."""
    head = head_of("парикмахер-универсал", "ru", labels("парикмахер"))
    assert head is not None and (head.start, head.end) == (0, 10)
    assert head_of("Перукар-модельєр", "uk", labels("перукар")).text == "Перукар"
    assert head_of("парикмахер-универсал", "ru", labels("универсал")) is None


def test_where_words_are_syllables_a_head_has_two() -> None:
    """Vietnamese "Cao" (high) begins "Cao đẳng" (college): one syllable says nothing."""
    assert head_of("Cao đẳng Điều dưỡng", "vi", labels("cao")) is None
    assert head_of("đầu bếp nhà hàng", "vi", labels("đầu bếp")).text == "đầu bếp"


@pytest.mark.parametrize(("text", "head", "uri"), [
    ("сварщик ручной дуговой сварки", "сварщик", WELDER),
    ("طباخ شرقي بمطعم بدمشق ٧ سنين", "طباخ", COOK),
    ("آشپز غذاهای ایرانی درجه ۱", "آشپز", COOK),
    ("кухарка в шкільній їдальні", "кухарка", COOK),
])
def test_a_line_that_begins_with_an_occupation_names_it(starter: Normalizer, text: str,
                                                         head: str, uri: str) -> None:
    [statement] = starter.statements([text])
    [mention] = [m for m in statement.mentions if m.kind == OCCUPATION.value]
    assert (mention.concept, mention.text, mention.start) == (uri, head, 0)
    assert mention.method == "exact" and mention.score >= 0.7


def test_the_head_stands_inside_the_skill_of_the_whole_line(starter: Normalizer) -> None:
    text = "сварщик ручной дуговой сварки"
    [statement] = starter.statements([text])
    kinds = {m.kind: (m.start, m.end) for m in statement.mentions}
    assert kinds == {"occupation": (0, 7), "skill": (0, len(text))}
    assert statement.unlinked == []


def test_where_the_whole_names_another_occupation_the_head_is_left(
        starter: Normalizer) -> None:
    text = "кухар дитячого садка"
    linkers = starter.linkers
    own = starter.rank([text], OCCUPATION, top_k=5)
    assert head_pieces(linkers, starter.threshold_for, [(0, 0, len(text))], [text], ["uk"],
                       own) == [((0, 0, 5), "кухар", "uk")]
    # the same line, had it ranked kitchen assistant above the threshold as a whole
    other = starter.rank(["помічник кухаря в ресторані"], OCCUPATION, top_k=5)
    assert other[0][0].score >= starter.threshold_for(OCCUPATION, other[0][0].route)
    assert head_pieces(linkers, starter.threshold_for, [(0, 0, len(text))], [text], ["uk"],
                       other) == []


def test_a_label_that_is_a_skill_too_is_no_head(starter: Normalizer) -> None:
    """"garsonluk" (waitering) is a label of waiter and of the skill of serving: an
    activity, the skill's to name."""
    hits = starter.linkers[OCCUPATION].exact.hits("garsonluk", "tr")
    assert any(span.text == "garsonluk" for _, span, _ in hits.values())
    assert occupations_named(starter.linkers, "garsonluk", "tr") == set()


def test_mentions_of_one_kind_never_overlap() -> None:
    head, line = (0, 7, "occupation", True), (0, 29, "skill", False)
    assert both_stand(head, line) and both_stand(line, head)
    assert not both_stand((0, 7, "occupation", False), line)  # only a head nests
    assert not both_stand(head, (0, 29, "occupation", False))  # of another kind
    assert not both_stand((0, 7, "skill", False), (5, 12, "skill", False))
    assert both_stand((0, 7, "skill", False), (8, 12, "skill", False))


def test_two_kinds_that_share_words_both_stand() -> None:
    """"Tôi có bằng lái C": "có bằng lái" (has a licence) is the skill of driving,
    "bằng lái C" (a class C licence) the occupation of a truck driver; neither span holds
    the other, so each reads words of its own and both are facts."""
    skill, occupation = (4, 15, "skill", False), (7, 17, "occupation", False)
    assert both_stand(skill, occupation) and both_stand(occupation, skill)
    assert not both_stand((4, 17, "skill", False), occupation)  # one holds the other


def test_a_licence_class_in_a_sentence_names_the_driver_and_the_driving(
        starter: Normalizer) -> None:
    [mentions] = starter.normalize_batch(["Tôi có bằng lái C"], lang="en")
    named = {(m.kind, m.text) for m in mentions}
    assert ("occupation", "bằng lái C") in named
    assert any(kind == "skill" for kind, _ in named)


def test_a_number_alone_is_no_phrase() -> None:
    """"2" of "2 Jahre als Lagerarbeiter" named forklift operator as a mention's span."""
    assert [p.text for p in phrases("2 Jahre als Lagerarbeiter")] == ["Lagerarbeiter"]
    assert [p.text for p in phrases("Class 1 HGV, 2018")] == ["Class 1 HGV"]


def test_arabic_and_the_written_onto_a_word_ends_a_phrase() -> None:
    """"تنظيف المكاتب والفنادق" (cleaning offices and hotels) is read as "تنظيف المكاتب"
    and "الفنادق", as it is when "و" stands alone; "والدي" (my father) is one word."""
    assert [p.text for p in phrases("تنظيف المكاتب والفنادق")] == [
        "تنظيف المكاتب", "تنظيف المكاتب والفنادق", "الفنادق"]
    assert [p.text for p in phrases("والدي")] == ["والدي"]


def test_german_sentence_words_are_no_part_of_a_phrase() -> None:
    assert [p.text for p in phrases("Ich habe in der Pflege gearbeitet")] == ["Pflege"]


def test_a_look_alike_of_the_whole_leaves_the_head(starter: Normalizer) -> None:
    """"перукар-універсал" (an all-round hairdresser) read like "токар-універсал" (an
    all-round lathe operator): a whole named through a label in the piece's own language
    that lacks the head is a look-alike, and the head stands; named through a label in
    another language (the multilingual encoder's English one), the whole knows better."""
    index = starter.linkers[OCCUPATION].index
    welder = index.uris.index(WELDER)
    entries = list(zip(index.entry_concept.tolist(), index.entry_lang, strict=True))
    own, english = (entries.index((welder, lang)) for lang in ("uk", "en"))
    text = "кухар-універсал"
    features = np.zeros(len(FEATURES), np.float32)

    def heads(entry: int) -> list:
        whole = [[Candidate(welder, 0.9, features, None, entry, "ml")]]
        return head_pieces(starter.linkers, starter.threshold_for, [(0, 0, len(text))],
                           [text], ["uk"], whole)

    assert heads(own) == [((0, 0, 5), "кухар", "uk")]
    assert heads(english) == []
