"""Job roles framed inside sentences about work ("worked as a cook", "als Koch",
"به عنوان آشپز", "aşçı olarak", "当厨师"): where the frames find them, and that the
occupation is then linked from a sentence and from an experience title."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from skills_taxonomy.model import ConceptKind
from skills_taxonomy.normalize import Normalizer
from skills_taxonomy.pieces import MAX_ROLE_PIECES, role_pieces
from skills_taxonomy.roles import FRAMES, load_frames, role_spans
from skills_taxonomy.text import segments
from tests.test_multilingual import COOK, WELDER

EXPERIENCE = Path(__file__).resolve().parents[1] / "training" / "data" / "experience_statements.csv"


def texts_of(text: str, lang: str) -> list[str]:
    spans = role_spans(text, lang)
    assert all(text[s.start:s.end] == s.text for s in spans)  # offsets into the text
    return [s.text for s in spans]


@pytest.mark.parametrize(("lang", "text", "role"), [
    ("en", "I worked as a cook in a restaurant for 4 years", "cook"),
    ("en", "I'm a qualified plumber looking for work", "plumber"),
    ("de", "Ich habe 3 Jahre als Koch in einem Restaurant gearbeitet", "Koch"),
    ("uk", "досвід роботи в якості водія вантажівки", "водія вантажівки"),
    ("fa", "کار در رستوران به عنوان آشپز", "آشپز"),
    ("tr", "restoranda aşçı olarak çalıştım", "aşçı"),
    ("vi", "tôi làm đầu bếp ở nhà hàng 3 năm", "đầu bếp"),
    ("zh", "在餐厅当厨师三年", "厨师"),
])
def test_the_framed_role_is_found(lang: str, text: str, role: str) -> None:
    assert role in texts_of(text, lang)


def test_a_role_ends_at_stop_words_numbers_and_joins() -> None:
    assert texts_of("I worked as a cook in a restaurant", "en") == ["cook"]
    assert texts_of("Erfahrung als Kellner und Küchenhilfe", "de") == ["Kellner", "Küchenhilfe"]
    assert texts_of("garson olarak 2 yıl çalıştım", "tr") == ["garson"]


def test_an_attached_arabic_as_is_read_both_ways() -> None:
    """"كطباخ" is "as a cook"; "كهربائي" is "electrician" itself: both readings are
    offered, and the linker's scores choose."""
    assert texts_of("عملت كطباخ في مطعم", "ar") == ["كطباخ", "طباخ"]
    assert texts_of("اشتغلت كهربائي في البناء", "ar")[0] == "كهربائي"


def test_after_a_frame_an_attached_as_begins_a_role_anywhere() -> None:
    """"I worked in a clothes shop as a seller": the role comes last, after words that end
    the frame's own run; without a frame a word beginning with ك is no role."""
    assert texts_of("عملت في محل ألبسة كبائع", "ar") == ["كبائع", "بائع"]
    assert texts_of("كان عندي محل كبير", "ar") == []


def test_no_frame_no_role() -> None:
    assert role_spans("Schweißen, Löten und Montage", "de") == []
    assert role_spans("worked in a restaurant", "en") == []
    assert role_spans("as a cook", None) == []  # no language, no frames
    assert role_spans("as a cook", "xx") == []


def test_the_frames_file_is_consistent() -> None:
    raw = json.loads(FRAMES.read_text(encoding="utf-8"))
    frames = load_frames()
    assert set(frames) == {k for k in raw if not k.startswith("_")}
    for lang, entry in frames.items():
        assert entry.before or entry.after, lang
        assert all(all(marker) for marker in entry.before + entry.after), lang
        assert not entry.stop & entry.joins, lang  # a join splits roles, a stop ends them
        assert 1 <= entry.min_words <= entry.max_words, lang


@pytest.mark.parametrize(("text", "uri"), [
    ("I worked as a cook in a restaurant for 4 years", COOK),
    ("Ich habe drei Jahre als Schweißer gearbeitet", WELDER),
    ("به عنوان آشپز در رستوران کار کردم", COOK),
    ("restoranda aşçı olarak çalıştım", COOK),
    ("عملت كطباخ في مطعم", COOK),
    ("在餐厅当厨师三年", COOK),
])
def test_an_experience_sentence_names_its_occupation(starter: Normalizer, text: str,
                                                     uri: str) -> None:
    statement = starter.statements([text], kinds=(ConceptKind.OCCUPATION,))[0]
    mention = next(m for m in statement.mentions if m.concept == uri)
    assert text[mention.start:mention.end] == mention.text
    assert len(mention.text) < len(text)  # the role, not the sentence
    title = starter.link_occupations(text, top_k=1)
    assert [m.concept for m in title] == [uri]
    assert (title[0].start, title[0].end) == (0, len(text))  # a title is named whole


def test_the_experience_set_is_well_formed() -> None:
    with EXPERIENCE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 70
    assert {r["lang"] for r in rows} >= {"en", "de", "uk", "ru", "ar", "fa", "tr", "vi", "zh"}
    assert all(r["kind"] == "occupation" and r["uris"].startswith(
        "http://data.europa.eu/esco/occupation/") for r in rows)


def test_text_made_of_frames_links_a_bounded_number_of_roles(starter: Normalizer) -> None:
    """Hostile or pasted text full of frames ("as a w1, as a w2, …") ranks at most
    MAX_ROLE_PIECES roles per text, and still answers."""
    names = [f"cook{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(200)]  # cookaa…
    text = ", ".join(f"as a {name}" for name in names)
    assert len(role_spans(text, "en")) == 200
    pieces = [(0, s, e) for s, e in segments(text)]
    roles = role_pieces(pieces, [text[s:e] for _, s, e in pieces], ["en"] * len(pieces))
    assert [r[1] for r in roles] == names[:MAX_ROLE_PIECES]
    statement = starter.statements([text], lang="en", kinds=(ConceptKind.OCCUPATION,))[0]
    assert statement.text == text
