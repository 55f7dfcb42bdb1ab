"""The patterns of the qualification grammar that read numbers and small words in code
rather than from the word lists: framework levels, worker grades, school years, GCSE
grades, "bac+N", durations in years and months, alternatives ("or", "/", "或"); and how a
data word of the lists becomes a pattern (`word_pattern`)."""

from __future__ import annotations

import re

from skills_taxonomy.text import fold, transliterate

UK = frozenset({"united kingdom", "uk", "england", "wales", "northern ireland", "great britain",
                "gb"})
# Words that put a bare "level N" in the UK's RQF (Ofqual's naming of qualifications).
UK_SIGNS = re.compile(r"(?<!\w)(?:nvq|svq|qcf|rqf|btec|city (?:and )?guilds|gcse|aat|cipd|"
                      r"ofqual|level \d+ (?:extended |subsidiary )?(?:diploma|certificate|award)"
                      r"(?: in)?|level \d+ in)(?!\w)")
ALTERNATIVES = re.compile(r"(?<!\w)(?:or|oder|або|или|او|أو|یا|يا|hoac|hoặc|veya|ya da|ou)"
                          r"(?!\w)|/|或")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "half": 0.5,
                 "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "один": 1, "одна": 1,
                 "два": 2, "дві": 2, "три": 3, "чотири": 4, "четыре": 4, "пять": 5,
                 "п'ять": 5, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "bir": 1, "iki": 2,
                 "uc": 3, "dort": 4, "bes": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                 "五": 5}
_NUM = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
DURATION = re.compile(
    r"(?<![\w.])" + _NUM + r"(?:\s*-\s*|\s+)?(?:年|(?:years?|yrs?|yr|jahre?n?|jahrig\w*|"
    r"рок\w*|рік|років|год\w*|лет|سنة|سنوات|سال|nam|yil\w*|yıl\w*|ans?|annees?)"
    r"(?![^\W\d]))")
MONTHS = re.compile(r"(?<![\w.])(\d+)\s*(?:months?|monate?n?|місяц\w*|месяц\w*|شهر|اشهر|"
                    r"أشهر|ماه|thang|个月|ay)(?![^\W\d])")
DURATION_WORDS = {"سنتين": 2.0, "سنتان": 2.0, "عامين": 2.0}
LEVEL = re.compile(
    r"(?<![^\W\d_])(?P<name>rqf|nvq|svq|qcf|cqfw|scqf|eqf|eqr|dqr|nqr|nqf|tyc|level|niveau|"
    r"seviye|рівень|рівня|уровень|уровня|trinh đo)\s*(?:level\s*|квалификации\s*|"
    r"кваліфікації\s*|нрк\s*)?[-:]?\s*"
    r"(?P<n>\d{1,2}|[ivx]{1,4})(?![^\W_])"
    r"|(?<!\w)(?P<n2>\d)(?:st|nd|rd|th)?\s+(?P<name2>level|seviye|рівень|уровень)(?!\w)")
GRADE = re.compile(r"(?<!\w)(?P<n>\d)(?:\s*-\s*(?P<m>\d))?\s*(?:-?(?:го|й|ого|ий|та|ти|go|ho)\s*)?"
                   r"(?:кваліфікаційн\w*\s*|квалификационн\w*\s*)?(?:розряд|разряд|rozr[iy]ad|razr[iy]ad)\w*"
                   r"|(?<!\w)(?:розряд|разряд|rozr[iy]ad|razr[iy]ad)\w*\s*(?P<n2>\d)"
                   r"|(?<!\w)bac\s*(?P<n3>[1-7])\s*7(?!\w)")
# China's vocational skill levels after the worker's title or its certificate: "烹调师三级",
# "电工四级", "美发师（中级）", "焊工职业资格证书（高级）" (五级/初级, 四级/中级, 三级/高级,
# 二级 技师, 一级 高级技师), or before a worker's title: "中级电工证", "高级保安员证",
# "高级中式烹调师" (the trades' 师 titles only); not "英语四级", "高级中学" (senior high
# school), "高级工程师" or "高级教师" (professional titles).
CN_TRADE_MASTERS = "烹调|面点|西点|厨|美发|美容|化妆|育婴|保育|营养|茶艺|调酒|咖啡|按摩"
CN_SKILL_LEVEL = re.compile(r"(?<=[师工员证书])\s*(?:(?P<n>[一二三四五12345])\s*级"
                            r"|(?P<w>初级|中级|高级)(?!工|技师|中))"
                            r"|(?P<w2>初级|中级|高级)(?=(?:[\u4e00-\u9fff]{1,4}(?:工(?!程)|员)"
                            rf"|[\u4e00-\u9fff]{{0,3}}(?:{CN_TRADE_MASTERS})师)"
                            r"(?:证|资格|\s|$))")
CN_GRADES = {"五": 5, "四": 4, "三": 3, "二": 2, "一": 1, "5": 5, "4": 4, "3": 3, "2": 2,
             "1": 1, "初级": 5, "中级": 4, "高级": 3}
# grade -> (its worker title, EQF level, type), as the grammar's words read those titles
CN_GRADE_READING = {5: ("初级工", 3, "vocational_secondary"),
                    4: ("中级工", 3, "vocational_secondary"),
                    3: ("高级工", 4, "vocational_secondary"),
                    2: ("技师", 5, "short_cycle"), 1: ("高级技师", 6, "bachelor")}
SCHOOL_YEAR = re.compile(r"(?<!\w)(?:grade|class|klasse|клас\w*|класс\w*|صنف|الصف|lop|lớp)\s*"
                         r"(?P<n>\d{1,2})(?!\w)|(?<!\w)(?P<n2>\d{1,2})\s*(?:th|st|nd|rd)?\s*"
                         r"(?:grade|клас\w*|класс\w*|پاس)(?!\w)")
GCSE_GRADE = re.compile(r"(?:grades?|at)\s*(?P<g>a\*|[a-g]|[1-9])(?![a-z0-9])|"
                        r"(?P<r>a\*?\s*(?:-|–|to)\s*c|9\s*(?:-|–|to)\s*4|4\s*(?:-|–|to)\s*9)")
BAC_PLUS = re.compile(r"bac\s*\+\s*(\d)")
ENTRY_LEVEL = re.compile(r"(?<!\w)entry level\s*[1-3]?(?!\w)")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
# Years of work ("2 года стажа", "5 years' experience") are not a programme's length.
EXPERIENCE = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:experience|erfahrung|berufserfahrung|стаж\w*|"
                        r"досвід\w*|опыт\w*|خبرة|سابقه|تجربه|kinh nghiem|经验|deneyim\w*|"
                        r"experience\w*)")


def word_pattern(word: str) -> re.Pattern[str]:
    """A data word as a regex over folded text: tokens in order, "*" a word ending ("~" a
    transliterated Slavic one, `with_latin`), CJK without word boundaries, Arabic script
    with its article, prepositions and conjunctions in front."""
    parts = []
    for token in word.split():
        core = fold(token.rstrip("*~"))
        ending = r"\w*" if token.endswith("*") else LATIN_SLAVIC_ENDING \
            if token.endswith("~") else ""
        parts.append(r"[^\s]+" if not core else re.escape(core) + ending)
    body = r"\s+".join(parts)
    folded = fold(word.replace("*", "").replace("~", ""))
    if any("\u4e00" <= ch <= "\u9fff" for ch in folded):
        return re.compile(body)
    # و/ف (and), then ب/ل/ك (with, for, as) and the article; ل before the article: لل
    front = (r"(?:و|ف)?(?:لل|(?:ب|ل|ك)?(?:ال)?)"
             if any("\u0600" <= ch <= "\u06ff" for ch in folded) else "")
    return re.compile(r"(?<![^\W_])" + front + body + r"(?![^\W_])")


# The endings a transliterated Ukrainian or Russian stem takes in titles ("bakalavra",
# "ekonomiky", "kukharya"), for a stem written "~": not any ending, so that a stem is no
# prefix of other Latin words ("magistr*" would read "magistrate", "institut*" "institute").
LATIN_SLAVIC_ENDING = (r"(?:a|u|y|i|o|om|ov|iv|ya|yu|iya|ii|yi|iy|yy|oho|ogo|omu|oi|oyi|ykh"
                       r"|ikh)?")


def with_latin(words: list[str]) -> list[str]:
    """The words, and each Cyrillic one as people write it without the keyboard
    ("бакалавр*" → "bakalavr~", read "bakalavr", "bakalavra", …; "магістр права" →
    "magistr prava")."""
    out = list(words)
    for word in words:
        if any("\u0400" <= ch <= "\u04ff" for ch in word):
            latin = " ".join(transliterate(t.rstrip("*")) + ("~" if t.endswith("*") else "")
                             for t in word.split())
            if latin.replace("~", "").strip() and latin not in out:
                out.append(latin)
    return out


def probe_of(word: str) -> str:
    """The longest literal of a data word: a cheap `in` test before its regex."""
    return max((fold(t.rstrip("*~")) for t in word.split()), key=len, default="")
