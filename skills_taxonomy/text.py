"""Text repair, folding and span extraction shared by every index.

`repair` turns pasted text into clean text: Windows-1252 characters mis-decoded as C1
controls, mojibake, HTML entities and tags, zero-width characters and odd spaces.
Labels and queries go through the same `fold`, so casing, diacritics, Arabic vowel marks
and letter variants, Persian/Arabic letter forms, ligatures and full-width forms never
decide a match. Spans are the candidate mentions of a free text: word n-grams for spaced
scripts, character windows for scripts written without spaces (Chinese, Japanese, Thai).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Arabic-script letter variants that people type interchangeably (hamza carriers, alef
# maqsura, ta marbuta, Persian kaf/yeh vs Arabic kaf/yeh, tatweel).
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي",
                              "ئ": "ي", "ة": "ه", "ک": "ك", "ؤ": "و", "ـ": None,
                              "\u200c": None, "\u200d": None})
# A word keeps the "++" or "#" written right after it: "C++" and "C#" are not the letter
# "c" ("Klasse C", "bằng C": a class C driving licence).
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*(?:\+\+|#)?(?![^\W_])", re.UNICODE)
# Persian's verbal prefix (می, نمی: "I do", "I don't") is written joined, after a
# zero-width non-joiner or after a space: "می‌دوزم", "میدوزم", "می دوزم" (I sew) fold alike.
_PERSIAN_PREFIX_WORDS = frozenset({"مي", "نمي"})
_PERSIAN_PREFIX = re.compile(rf"(?<!\S)({'|'.join(sorted(_PERSIAN_PREFIX_WORDS))}) (?=\S)")
# Driving-licence categories typed in the Cyrillic letters that look like the Latin ones
# ("водитель категории С", "посвідчення категорії В, СЕ"); labels write them in Latin.
_CATEGORY_TOKEN = re.compile(r"[авседabcde][авседabcde1]{0,2}")
_CYRILLIC_AS_LATIN = str.maketrans("авсед", "abced")
# Punctuation and list separators that end a candidate mention. A full stop between two
# letters or digits ends nothing: "мед.сестра", "ASP.NET", "3.5"; nor does the one of a
# licence category's abbreviation: "водій кат. С", "Kat. C", "Cat. C".
_CATEGORY_ABBREVIATION = r"(?<![^\W_])(?i:кат|kat|cat)"
_BREAK = re.compile(r"[,;:!?()\[\]{}/|•·▪►✓✔\n\t]|(?<![^\W_])\.|"
                    rf"(?<!{_CATEGORY_ABBREVIATION})\.(?![^\W_])|\s[-–—]\s|[–—]"
                    r"|[、，。；：،؛]")
# Invisible characters that only ever get in the way (the zero-width non-joiner is kept
# between Arabic-script letters, where Persian spelling needs it).
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_STRAY_JOINER = re.compile(r"(?<![\u0600-\u06ff])[\u200c\u200d]|[\u200c\u200d](?![\u0600-\u06ff])")
_TAG = re.compile(r"</?(?:a|b|i|u|p|br|hr|li|ul|ol|dl|dt|dd|div|span|strong|em|small|sub|sup|"
                  r"font|h[1-6]|table|thead|tbody|tr|td|th|section|article|header|footer)"
                  r"(?:\s[^<>]{0,200})?/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def repair(text: str) -> str:
    """Pasted text made clean: what ftfy fixes (C1 controls from Windows-1252, mojibake,
    curly-quote debris), HTML entities and tags, invisible characters, odd spaces."""
    import ftfy

    text = ftfy.fix_text(text, unescape_html=False)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = _STRAY_JOINER.sub("", _INVISIBLE.sub("", text))
    text = _LETTERS.sub(_unmixed, text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return text.strip()


# Latin and Cyrillic letters that look alike. A Ukrainian on a Russian keyboard types the
# Latin "i" for "і" ("водiєм", which linked nothing); pasted text mixes them too ("Повaр").
_LOOKALIKES = "aABcCeEHiIKkMoOpPTxXyY"
_CYRILLIC_LOOKALIKES = "аАВсСеЕНіІКкМоОрРТхХуУ"
_TO_CYRILLIC = str.maketrans(_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LOOKALIKES)
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _unmixed(word: re.Match[str]) -> str:
    """A word of Cyrillic and Latin letters in the script of most of them, where every
    letter of the other script is a lookalike; any other word as it is ("iPhone")."""
    text = word.group()
    latin = sum("a" <= ch.lower() <= "z" for ch in text)
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in text)
    if not latin or not cyrillic or latin == cyrillic:
        return text
    if cyrillic > latin and all(ch in _LOOKALIKES for ch in text if "a" <= ch.lower() <= "z"):
        return text.translate(_TO_CYRILLIC)
    if latin > cyrillic and all(ch in _CYRILLIC_LOOKALIKES for ch in text
                                if "\u0400" <= ch <= "\u04ff"):
        return text.translate(_TO_LATIN)
    return text


_PY_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))")


def unescape_repr(text: str) -> str:
    """Text with the escapes of Python's `repr` (\\u200c, \\xa0, \\U0001f600) turned back
    into their characters: evidence derived from a title was once written with `repr`, so
    rows stored then show a zero-width non-joiner as the six characters `\\u200c`."""
    if "\\" not in text:
        return text
    return _PY_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2) or m.group(3), 16)),
                          text)


_NO_SPACE_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")

# Words that rarely begin or end a skill mention; spans are trimmed of them. English and
# German dominate the evaluation data; the rest covers the languages coaches see most.
STOPWORDS = frozenset(
    """a an the and or of to in on for with at by from as is are be been was were will would
    can could should must may our your their his her its we you they i he she it this that
    these those who which what when where how all any some such very more most other
    also not no nor but if then than so into onto over under about across per via etc
    experience experienced years year knowledge skills skill ability able strong good
    excellent proven working work looking including include includes ideally required
    requirement requirements plus using use within
    und oder der die das den dem des ein eine einer eines einem mit für von zu im in am an auf
    bei aus als ist sind sowie jahre jahren erfahrung kenntnisse ich habe hatte war bin
    gearbeitet
    og eller i på med for av til er som år erfaring
    et ou le la les des du de un une avec pour en au aux
    y o el los las del con para por
    і та або в у на з із для це рік роки років досвід
    и или в на с для лет опыт
    và hoặc của với cho trong năm kinh nghiệm
    و أو في من على مع إلى عن سنوات خبرة
    و یا در از با به برای سال تجربه
    un vai ar par gadi pieredze""".split()
)


# Latin letters with no combining mark to strip, which a keyboard without them replaces by
# their base letters ("biet doc ban ve" for "biết đọc bản vẽ", "kaynakci" for "kaynakçı").
_PLAIN_LETTERS = str.maketrans({"đ": "d", "ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l"})


def plain_letters(folded: str) -> str:
    """A folded text as typed on a keyboard without its language's own letters."""
    return folded.translate(_PLAIN_LETTERS)


def fold(text: str) -> str:
    """Lower-case, strip accents and marks, unify width and spacing: the lexical key."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC_FOLD)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = unicodedata.normalize("NFC", stripped)
    key = " ".join(_WORD.findall(stripped))
    # fold runs on every label and query piece: each pattern only where it can match
    if "مي " in key:
        key = _PERSIAN_PREFIX.sub(r"\1", key)
    if "кат" in key:
        key = " ".join(latin_categories(key.split()))
    return key


def latin_categories(folded_words: list[str]) -> list[str]:
    """Folded words with the licence categories after "категория"/"кат." in Latin
    letters ("категории с се" -> "категории c ce")."""
    if not any("кат" in word for word in folded_words):  # most texts: nothing to read
        return folded_words
    out, after = [], False
    for word in folded_words:
        if after and _CATEGORY_TOKEN.fullmatch(word):
            word = word.translate(_CYRILLIC_AS_LATIN)
        else:
            after = word.startswith("категор") or word == "кат"
        out.append(word)
    return out


@lru_cache(maxsize=65_536)
def marked_key(text: str) -> str | None:
    """A text lower-cased with its accents and tone marks kept, where it has any: the key
    on which two Vietnamese spellings that fold alike are told apart ("phở", "phó")."""
    text = unicodedata.normalize("NFC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    if "đ" not in text and not any(unicodedata.combining(ch) for ch in decomposed):
        return None
    return " ".join(_WORD.findall(text))


def marks_agree(marked: str, label: str) -> float:
    """Of a label's words that a marked text holds once folded, the share it holds with
    their marks too (1.0 where the label has no marks or shares no word)."""
    label_key = marked_key(label)
    if label_key is None:
        return 1.0
    words_marked = set(marked.split())
    folded = {_fold_token(w) for w in words_marked}
    shared = [w for w in label_key.split() if _fold_token(w) in folded]
    return sum(w in words_marked for w in shared) / len(shared) if shared else 1.0


@lru_cache(maxsize=65_536)
def is_unspaced_char(ch: str) -> bool:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return False
    return name.startswith(_NO_SPACE_SCRIPTS)


def has_unspaced_script(text: str) -> bool:
    return any(is_unspaced_char(ch) for ch in text)


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate mention: character offsets into the original text, and its text."""

    start: int
    end: int
    text: str


def segments(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for match in _BREAK.finditer(text):
        if match.start() > pos:
            bounds.append((pos, match.start()))
        pos = match.end()
    if pos < len(text):
        bounds.append((pos, len(text)))
    return bounds


def words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with offsets; a run of unspaced script is one token per character."""
    out: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        token = match.group()
        if has_unspaced_script(token):
            for i, ch in enumerate(token):
                out.append((match.start() + i, match.start() + i + 1, ch))
        else:
            out.append((match.start(), match.end(), token))
    return out


def candidate_spans(text: str, max_words: int = 6, max_chars: int = 12) -> list[Span]:
    """All word n-grams (up to `max_words`) within punctuation-delimited segments.

    N-grams may not start with a stopword, nor be one alone; they may end with one, since
    folded, words of other languages end labels as stopwords ("công nhân may", a sewing
    worker; "nấu ăn", cooking). For unspaced scripts the window is up to `max_chars`
    characters. The result is ordered by start, then by length.
    """
    return [span for span, _ in candidate_keys(text, max_words, max_chars)]


@lru_cache(maxsize=200_000)
def _fold_token(token: str) -> str:
    return fold(token)


def candidate_keys(text: str, max_words: int = 6, max_chars: int = 12,
                   ) -> list[tuple[Span, str]]:
    """`candidate_spans` with each span's folded text, built from its words folded once
    (folding every n-gram anew cost a tenth of a sentence's linking time)."""
    spans: dict[tuple[int, int], tuple[Span, str]] = {}
    for seg_start, seg_end in segments(text):
        found = words(text[seg_start:seg_end])
        folded_words = latin_categories([_fold_token(w) for _, _, w in found])
        toks = [(s + seg_start, e + seg_start, w, f, has_unspaced_script(w))
                for (s, e, w), f in zip(found, folded_words, strict=True)]
        for i, (start, _, _, first, unspaced) in enumerate(toks):
            limit = max_chars if unspaced else max_words
            if not unspaced and first in STOPWORDS:
                continue
            key = ""
            for j in range(i, min(len(toks), i + limit)):
                end, _, folded, last_unspaced = toks[j][1:]
                glue = ("" if j == i or last_unspaced or toks[j - 1][4]
                        or toks[j - 1][3] in _PERSIAN_PREFIX_WORDS else " ")  # as `fold`
                key = f"{key}{glue}{folded}"
                if unspaced and j == i:
                    continue  # single Chinese characters are too ambiguous
                spans[(start, end)] = (Span(start, end, text[start:end]), key)
    return [spans[k] for k in sorted(spans)]


# Arabic clitics written together with the word: conjunctions و/ف, prepositions ب/ل/ك, and
# the article ال ("والطبخ" = "and the cooking"). Stripped only where a stem of at least
# three letters remains.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def arabic_light(key: str) -> str:
    """A folded Arabic-script text with each word's leading clitics removed: a second
    exact-match key, so "والطبخ" finds the label "طبخ"."""
    if not _ARABIC_LETTER.search(key):  # most keys: nothing to strip
        return " ".join(key.split())
    out = []
    for word in key.split():
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix):]
                break
        out.append(word)
    return " ".join(out)


# Persian: the plural suffix (ها, های; after the zero-width non-joiner, which folding drops,
# or as a word of its own) and the infinitive's ن after its past stem (پختن "to cook" →
# پخت "cooking", as labels name the activity). Stripped only where three letters remain.
_PERSIAN_PLURALS = ("هاي", "ها")


def persian_light(key: str, infinitives: bool = True) -> str:
    """A folded Persian text with plurals (and, unless told not to, infinitive endings)
    cut: a further exact-match key, so "پختن غذا" finds the label "پخت غذا" and "ظرف‌ها"
    finds "ظرف"."""
    out = []
    for word in key.split():
        if word in _PERSIAN_PLURALS:
            continue
        for suffix in _PERSIAN_PLURALS:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[:-len(suffix)]
                break
        else:
            if infinitives and len(word) >= 4 and word.endswith(("تن", "دن")):
                word = word[:-1]
        out.append(word)
    return " ".join(out)


def persian_keys(key: str) -> list[str]:
    """Further exact-match keys of a folded Persian text: without plural (and infinitive)
    endings, and for two words also in the other order, as Persian says the same activity
    both ways ("شستن ظرف" washing dishes, "ظرف شستن" dish-washing)."""
    keys = [persian_light(key), persian_light(key, infinitives=False)]
    for two in (key, *keys):
        words = two.split()
        if len(words) == 2:
            keys.append(f"{words[1]} {words[0]}")
    return keys


def transliterate(text: str) -> str:
    """A folded Latin rendering of text in another script ("кухар" → "kukhar"; Chinese as
    toneless pinyin, syllables joined: "焊工" → "hangong")."""
    from anyascii import anyascii

    return fold(anyascii(text).replace("'", ""))


_VOWELS = re.compile(r"[aeiou'\s-]+")
_DOUBLE = re.compile(r"(.)\1+")


def skeleton(latin: str) -> str:
    """Consonants of a Latin text, doubles collapsed ("tabbakh" → "tbkh"): how a word
    written in Arabic script without vowels and a transliteration of it meet."""
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", latin.lower()))
