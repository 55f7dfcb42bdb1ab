"""Normalisation on the starter taxonomy: languages, scripts, noisy input, abstention."""

from __future__ import annotations

import pytest

from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.normalize import Normalizer

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
