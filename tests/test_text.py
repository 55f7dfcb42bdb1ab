from skills_taxonomy.text import (
    candidate_keys,
    candidate_spans,
    fold,
    has_unspaced_script,
    marked_key,
    marks_agree,
    plain_letters,
    segments,
)


def test_fold_removes_case_diacritics_and_marks() -> None:
    assert fold("Schweißer") == fold("SCHWEISSER")
    assert fold("Élagueur") == "elagueur"
    assert fold("لحّام") == fold("لحام")  # Arabic shadda
    assert fold("ＭＡＧ　Schweißen") == "mag schweissen"  # full-width forms
    assert fold("C++, C#") == "c++ c#" and fold("Klasse C") == "klasse c"


def test_persian_verbal_prefix_folds_joined_however_it_is_typed() -> None:
    """"می‌دوزم" (I sew) is typed with the zero-width non-joiner, without it, or with a
    space; labels hold the first two, people write all three."""
    assert fold("لباس می دوزم") == fold("لباس می\u200cدوزم") == fold("لباس میدوزم")
    assert fold("خیاطی نمی کنم") == fold("خیاطی نمی\u200cکنم")
    assert fold("مي") == "مي" and fold("ماء مي") == "ماء مي"  # a word of its own stays


def test_spans_inside_a_sentence_fold_the_prefix_as_a_whole_text_does() -> None:
    """The exact look-up keys a sentence's word spans: "در رستوران ظرف می شستم" (in a
    restaurant I washed dishes) must offer the key of the label "ظرف می‌شستم"."""
    keys = {key for _, key in candidate_keys("در رستوران ظرف می شستم")}
    assert fold("ظرف می\u200cشستم") in keys
    assert fold("می شستم") in keys


def test_licence_categories_typed_in_cyrillic_fold_to_latin() -> None:
    """"водитель категории С" is typed with the Cyrillic С; the labels write "C"."""
    assert fold("водитель категории С") == fold("водитель категории C")
    assert fold("посвідчення водія категорії В, СЕ") == fold("посвідчення водія категорії B, CE")
    assert fold("работа с клиентами") == "работа с клиентами"  # the preposition stays
    keys = {key for _, key in candidate_keys("водитель категории С, стаж 10 лет")}
    assert fold("водитель категории C") in keys


def test_plain_letters_are_what_a_keyboard_without_them_types() -> None:
    assert plain_letters(fold("biết đọc bản vẽ")) == fold("biet doc ban ve")
    assert plain_letters(fold("kaynakçı")) == fold("KAYNAKCI") == "kaynakci"
    assert plain_letters(fold("sjåfør")) == "sjafor"
    assert plain_letters(fold("lærer")) == "laerer"


def test_fold_keeps_words_of_any_script() -> None:
    assert fold("зварювальник, 3 роки!") == "зварювальник 3 роки"
    assert fold("thợ hàn") == "tho han"
    assert fold("焊工") == "焊工"


def test_candidate_spans_respect_punctuation_and_stopwords() -> None:
    texts = {s.text for s in candidate_spans("welding and plumbing, driving")}
    assert {"welding", "plumbing", "driving", "welding and plumbing"} <= texts
    assert not any(t.startswith("and") for t in texts) and "and" not in texts
    assert "plumbing, driving" not in texts


def test_a_candidate_span_may_end_with_a_folded_stopword() -> None:
    """Folded, Vietnamese "may" (to sew) and "ăn" (to eat) are English stopwords, and end
    labels: "công nhân may" (a sewing worker), "nấu ăn" (cooking)."""
    texts = {s.text for s in candidate_spans("làm công nhân may ở xưởng, nấu ăn")}
    assert {"làm công nhân may", "công nhân may", "nấu ăn"} <= texts
    assert "may" not in texts and "ăn" not in texts  # a stopword alone is no span


def test_candidate_spans_of_unspaced_script_are_character_windows() -> None:
    spans = candidate_spans("我是焊工")
    assert has_unspaced_script("焊工")
    assert "焊工" in {s.text for s in spans}
    assert all(len(s.text) >= 2 for s in spans)


def test_spans_keep_offsets_into_the_original_text() -> None:
    text = "Erfahrung: MAG-Schweißen; Gabelstapler"
    for span in candidate_spans(text):
        assert text[span.start:span.end] == span.text


def test_a_full_stop_between_letters_ends_no_segment() -> None:
    """"ASP.NET" split into "ASP" and "NET" linked maintaining nets, "Vue.js" visual
    flight rules; a sentence's full stop still ends it."""
    def cut(text: str) -> list[str]:
        return [text[a:b].strip() for a, b in segments(text)]
    assert cut("ASP.NET, Vue.js") == ["ASP.NET", "Vue.js"]
    assert cut("мед.сестра, 3.5 Jahre") == ["мед.сестра", "3.5 Jahre"]
    assert cut("Koch. Kellner.") == ["Koch", "Kellner"]
    assert cut("z.B. Pflege") == ["z.B", "Pflege"]
    # a licence category's abbreviation keeps its class: "водій кат" alone read a road
    # roller operator
    assert cut("водій кат. С, Е") == ["водій кат. С", "Е"]
    assert cut("Führerschein Kat. C") == ["Führerschein Kat. C"]
    assert cut("Plakat. Далі") == ["Plakat", "Далі"]  # "kat" only as a word of its own


def test_the_marked_key_keeps_what_folding_loses() -> None:
    """"phở" (the soup) and "phó" (deputy, of "bếp phó", a sous-chef) fold alike; their
    marked keys differ, and plain letters ("pho bo") have none."""
    assert fold("phở") == fold("phó")
    assert marked_key("Phở  bò") == "phở bò" and marked_key("phó") == "phó"
    assert marked_key("pho bo") is None
    assert marked_key("đi") == "đi"  # đ is a letter of its own, no mark


def test_marks_agree_counts_the_shared_words_spelled_alike() -> None:
    """"nấu phở" (cooking phở) shares "nau" and "pho" with "nấu món với phô mai" (cooking
    with cheese) once folded, but only "nấu" as written."""
    assert marks_agree("nấu phở", "nấu món với phô mai") == 0.5
    assert marks_agree("may quần áo", "may quần áo") == 1.0
    assert marks_agree("nấu phở", "cook") == 1.0  # no marks: nothing to tell
    assert marks_agree("nấu phở", "rửa bát") == 1.0  # no shared word
