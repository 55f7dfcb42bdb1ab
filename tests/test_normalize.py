"""Normalisation on the starter taxonomy: languages, scripts, noisy input, abstention."""

from __future__ import annotations

import numpy as np
import pytest

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.job_titles import named_inside
from skills_taxonomy.linker import _first_best, _similarity
from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.whole_label import whole_label

WELDER = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"


def _concepts(normalizer: Normalizer, text: str) -> dict[str, str]:
    return {m.concept: m.label for m in normalizer.normalize(text)}


@pytest.mark.parametrize(("lang", "text"), [
    ("de", "Schweißer"),
    ("uk", "зварювальник"),
    ("vi", "thợ hàn"),
    ("zh", "焊工"),
    ("no", "sveiser"),
    ("ar", "لحام"),
    ("en", "welder"),
])
def test_welder_in_seven_languages_and_four_scripts(starter: Normalizer, lang: str,
                                                   text: str) -> None:
    assert WELDER in _concepts(starter, text)
    top = starter.link_occupations(text, top_k=1)
    assert top and top[0].concept == WELDER


@pytest.mark.parametrize("title", ["Schweißer (m/w/d) MIG/MAG", "焊工 国家职业资格四级（中级工）",
                                   "Сварщик ручной дуговой сварки, 5 разряда"])
def test_a_title_that_names_its_job_among_other_words_names_it(starter: Normalizer,
                                                                 title: str) -> None:
    """Advert and qualification titles carry markers, grades and details around the job
    ("MIG/MAG", "5 разряда"): the job's label opening the title is named."""
    top = starter.link_occupations(title, top_k=1)
    assert [m.concept for m in top] == [WELDER]


@pytest.mark.parametrize(("title", "label"), [
    ("Mitarbeiter Küche (m/w/d)", "kitchen assistant"),
    ("Mitarbeiter Lager (m/w/d) – Vollzeit", "warehouse worker"),
    ("Anlagenmechaniker SHK (m/w/d) – ab sofort", "plumber"),
])
def test_german_advert_titles_name_their_job(starter: Normalizer, title: str,
                                             label: str) -> None:
    """Titles German adverts use that ESCO's German labels lack (`data/labels/de.tsv`)."""
    top = starter.link_occupations(title, top_k=1)
    assert [m.label for m in top] == [label]


def test_a_label_inside_a_title_is_not_named_from_further_in(starter: Normalizer) -> None:
    """"Schweißer" opens no segment here: the title is about something else."""
    linker = starter.linkers[ConceptKind.OCCUPATION]
    assert named_inside(linker, "Kurs für angehende Schweißer in Köln", "de") is None
    found = named_inside(linker, "Schweißer in Köln", "de")
    assert found is not None and linker.index.uris[found.concept] == WELDER


def test_mentions_carry_span_score_method_and_matched_label(starter: Normalizer) -> None:
    text = "Erfahrung: MAG-Schweißen und Gabelstapler fahren"
    mentions = starter.normalize(text, lang="de")
    mag = next(m for m in mentions if m.label.startswith("MAG"))
    assert text[mag.start:mag.end] == mag.text == "MAG-Schweißen"
    assert mag.method == "exact"
    assert mag.matched_lang == "de"
    assert 0.0 <= mag.score <= 1.0
    assert mag.kind == "skill"


def test_sentence_with_several_skills(starter: Normalizer) -> None:
    text = "I can drive a forklift, pick orders in a warehouse and operate a cash register"
    mentions = starter.normalize(text)
    assert {"operate a forklift", "operate a cash register"} <= {m.label for m in mentions}
    for m in mentions:
        assert text[m.start:m.end] == m.text == m.text.strip()


def test_typos_casing_and_missing_diacritics(starter: Normalizer) -> None:
    for variant in ("SCHWEISSER", "schweisser", "Schweiser", "weldr"):
        top = starter.link_occupations(variant, top_k=1, abstain=False)
        assert top[0].concept == WELDER, variant


@pytest.mark.parametrize(("typed", "label"), [
    ("tho dien", "electrician"),  # thợ điện: đ is a letter of its own, not d with a mark
    ("vardiyali calismak", "work in shifts"),  # vardiyalı çalışmak: ı likewise
])
def test_own_letters_typed_on_a_keyboard_without_them(starter: Normalizer, typed: str,
                                                      label: str) -> None:
    found = starter.normalize(typed)
    assert [(m.label, m.method) for m in found] == [(label, "exact")]


def test_a_piece_of_two_letters_links_only_to_a_label_it_is(starter: Normalizer) -> None:
    """Spelling, meaning and a transliteration's consonants say nothing about "DR", "IR"
    or "BN" (they linked to fit doors, cook and bricklayer), nor about a licence's class
    ("CE"); "sy" is Norwegian for sew, "Führerschein" a German label of drive vehicles."""
    found = starter.normalize("Führerschein C/CE; DR, IR, BN, BI; sy")
    assert [(m.text, m.label) for m in found] == [("Führerschein", "drive vehicles"),
                                                  ("sy", "sew pieces of fabric")]


def test_headings_of_a_pasted_cv_are_neither_linked_nor_unrecognised(
        starter: Normalizer) -> None:
    """"Kỹ năng" (skills) linked "support children's development"; "Sprachen" and
    "Ihre Aufgaben" were reported for a coach to resolve. List marks are not kept."""
    [found] = starter.statements(["Kỹ năng: nấu ăn\nSprachen: Deutsch (Muttersprache)\n"
                                  "Ihre Aufgaben:\n- Kasse bedienen"])
    assert [(m.text, m.label) for m in found.mentions] == [
        ("nấu ăn", "use cooking techniques"), ("Kasse bedienen", "operate a cash register")]
    assert [u["text"] for u in found.unlinked] == ["Deutsch"]
    assert not found.possible or {m.text for m in found.possible} == {"Deutsch"}
    [languages] = starter.statements(["Мови: українська (рідна), німецька (вільно)"])
    pieces = [u["text"] for u in languages.unlinked] + [m.text for m in languages.mentions]
    assert not {"рідна", "вільно"} & set(pieces), pieces


def test_the_years_of_a_cv_line_are_not_part_of_what_it_names(starter: Normalizer) -> None:
    """"2018–2022 кухар" was the piece "2022 кухар"; "ISO 9001" keeps its number."""
    [found] = starter.statements(["2018–2022 Gabelstapler fahren\n2015–2018 qwxz blorp"
                                  "\nISO 9001"])
    assert [m.text for m in found.mentions] == ["Gabelstapler fahren"]
    assert [u["text"] for u in found.unlinked] == ["qwxz blorp", "ISO 9001"]


def test_mixed_languages_in_one_text(starter: Normalizer) -> None:
    found = _concepts(starter, "sveiser, електрик, 厨师")
    labels = {label.casefold() for label in found.values()}
    assert WELDER in found
    assert "electrician" in labels
    assert "cook" in labels


def test_abstains_on_text_without_skills(starter: Normalizer) -> None:
    assert starter.normalize("The weather was nice on Tuesday.") == []
    assert starter.normalize("qwxz blorp vrmm") == []


def test_batch_form_matches_single_calls(starter: Normalizer) -> None:
    texts = ["sveiser", "I can operate a cash register"]
    assert starter.normalize_batch(texts) == [starter.normalize(t) for t in texts]


@pytest.mark.parametrize(("bad", "message"), [
    ("", "text is empty"),
    ("   \n", "text is empty"),
    ("x" * 1_000_000, "1,000,000 characters; the limit is"),
    ("\x00\x01\x02binary\x03\x04" * 10, "NUL characters: binary data"),
    ("\x01\x02\x03\x04\x05\x06 PK \x07\x08\x0e\x0f\x10\x11" * 20, "looks like binary data"),
    ("\ufffd" * 40 + "ab", "looks like binary data"),
])
def test_bad_input_gets_a_clear_error(starter: Normalizer, bad: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        starter.normalize(bad)


def test_batch_with_one_bad_text_is_rejected_whole(starter: Normalizer) -> None:
    with pytest.raises(InvalidInputError, match=r"texts\[1\] is empty"):
        starter.normalize_batch(["welder", ""])


def test_non_string_input(starter: Normalizer) -> None:
    with pytest.raises(InvalidInputError, match="must be a string, got int"):
        starter.normalize(42)  # type: ignore[arg-type]


# --- the whole-label fast path and the linker's vectorised scoring -----------------------

WHOLE_LABELS = [("de", "Schweißer"), ("uk", "зварювальник"), ("zh", "焊工"), ("ar", "لحام"),
                ("en", "welder"), ("de", "Gabelstapler fahren"), ("en", "operate a forklift")]


def _statement_concepts(normalizer: Normalizer, texts: list[str], fast: bool,
                        ) -> list[list[tuple[str, int, int]]]:
    before, normalizer.whole_labels = normalizer.whole_labels, fast
    normalizer.forget_rankings()
    try:
        return [[(m.concept, m.start, m.end) for m in s.mentions]
                for s in normalizer.statements(texts)]
    finally:
        normalizer.whole_labels = before
        normalizer.forget_rankings()


@pytest.mark.parametrize(("lang", "text"), WHOLE_LABELS)
def test_whole_label_answers_what_the_full_linker_ranks_first(starter: Normalizer, lang: str,
                                                              text: str) -> None:
    for kind in (ConceptKind.SKILL, ConceptKind.OCCUPATION):
        linker = starter.linkers[kind]
        fast = whole_label(linker, text, lang)
        if fast is None:
            continue
        full = linker.rank([text], top_k=5, langs=[lang])[0]
        assert fast.concept == full[0].concept, (kind, text)
        assert starter.threshold_for(kind, fast.route) <= fast.score <= 1.0
        assert fast.span is not None and (fast.span.start, fast.span.end) == (0, len(text))
    found = {kind for kind in ConceptKind if kind in starter.linkers
             and whole_label(starter.linkers[kind], text, lang) is not None}
    assert found, f"{text!r} is a label of the starter taxonomy"


def test_whole_labels_link_the_same_concepts_with_or_without_the_fast_path(
        starter: Normalizer) -> None:
    texts = [text for _, text in WHOLE_LABELS] + [
        "Schweißer, Gabelstapler fahren; зварювальник", "焊工、厨师"]
    assert _statement_concepts(starter, texts, True) == _statement_concepts(starter, texts,
                                                                            False)
    top = starter.link_occupations_batch(["Schweißer", "зварювальник"], top_k=1)
    assert [m[0].concept for m in top] == [WELDER, WELDER]
    assert all(m[0].method == "exact" for m in top)


@pytest.mark.parametrize("text", ["Erfahrung als Schweißer", "Schweißer gesucht",
                                  "qwxz blorp", "welding and forklifts"])
def test_text_that_is_more_than_a_label_takes_the_full_path(starter: Normalizer,
                                                            text: str) -> None:
    for linker in starter.linkers.values():
        assert whole_label(linker, text, None) is None


def test_first_best_is_the_first_maximum_of_each_segment_in_row_major_order() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        sizes = rng.integers(0, 5, size=rng.integers(1, 8))
        sims = rng.choice([0.0, 0.5, 0.9], size=(rng.integers(1, 5), int(sizes.sum())))
        sims = sims.astype(np.float32)  # few values: ties everywhere
        col_max = sims.max(axis=0) if sims.size else np.zeros(0, np.float32)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        seg_max = np.array([sims[:, s:s + n].max() if n else 0.0
                            for s, n in zip(starts, sizes, strict=True)], np.float32)
        seg, rows, cols = _first_best(sims, col_max, seg_max, sizes)
        expected = [(j, *divmod(int(sims[:, s:s + n].argmax()), int(n)))
                    for j, (s, n) in enumerate(zip(starts, sizes, strict=True)) if n]
        assert [(int(j), int(q), int(c - starts[j])) for j, q, c in
                zip(seg, rows, cols, strict=True)] == expected


def test_similarity_leaves_unread_rows_zero_and_reads_the_rest() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(30, 8)).astype(np.float32)
    queries = rng.normal(size=(4, 8)).astype(np.float32)
    queries[[1, 3]] = 0.0
    rows = np.array([5, 2, 29, 2])
    got = _similarity(queries, vectors, rows)
    assert np.allclose(got, queries @ vectors[rows].T, atol=1e-6)
    assert not got[[1, 3]].any()
    assert np.allclose(_similarity(queries, vectors), queries @ vectors.T, atol=1e-6)
    assert _similarity(np.zeros((2, 8), np.float32), vectors).shape == (2, 30)


def test_a_ranking_of_several_occupations_is_never_cut_to_the_whole_label(
        starter: Normalizer) -> None:
    before, starter.whole_labels = starter.whole_labels, True
    try:
        ranked = starter.link_occupations("Schweißer", top_k=5, abstain=False)
        assert len(ranked) == 5 and ranked[0].concept == WELDER
        assert starter.link_occupations("Schweißer", top_k=1)[0].concept == WELDER
    finally:
        starter.whole_labels = before
