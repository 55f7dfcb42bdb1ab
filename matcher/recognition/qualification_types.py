"""Qualification types, the words that only say "a qualification", and the EQF level a
type and a duration usually give. The words that name a type (degree and certificate
names in ten languages) are the grammar's, in `qualification_grammar.json`, read by
`grammar.infer_type`: one list, so a type rule and the grammar cannot disagree."""

from __future__ import annotations

import re

from skills_taxonomy.text import fold

# The level a qualification type usually sits at, before its duration adjusts it.
TYPE_EQF = {"primary": 1, "lower_secondary": 2, "vocational_secondary": 3,
            "upper_secondary": 4, "short_cycle": 5, "bachelor": 6, "master": 7,
            "doctorate": 8}

GENERAL_EDUCATION = ("primary", "lower_secondary", "upper_secondary")
TEACHING_REACH = 15  # characters on either side of a school level where teaching is read

# Words for teachers and their training: a school level beside one ("小学教师", "giáo viên
# tiểu học") is what is taught, not what was finished (`grammar`).
TEACHER_WORDS = tuple(fold(w) for w in (
    "teach", "lehrer", "lehramt", "pädagog", "pedagog", "педагог", "вчител", "учител", "معلم",
    "آموزگار", "sư phạm", "giáo viên", "师范", "教师", "老师", "öğretmen", "enseignant",
    "professeur", "instituteur", "دبیری", "bachelor of education", "master of education",
    "faculty of education", "كلية التربية", "eğitim fakültesi",
    "середня освіта"))  # Ukraine's teacher degrees: "014 Середня освіта (Математика)"
# … and with the words for education or teaching as a subject: a teaching occupation suits
# a title that holds one (`Recogniser.suits`).
TEACHING_WORDS = TEACHER_WORDS + tuple(fold(w) for w in (
    "lehr", "تدريس", "آموزش", "education", "enseign"))


def names_teacher(folded: str, apart_from: list[tuple[int, int]]) -> bool:
    """Whether a word for teachers stands outside the spans `apart_from` (the words of a
    field that has no teachers of its own: "Sozialpädagogik" names social work)."""
    return any(not any(start <= m.start() and m.end() <= end for start, end in apart_from)
               for word in TEACHER_WORDS if word in folded
               for m in re.finditer(re.escape(word), folded))


def beside_teaching(folded: str, start: int, end: int) -> bool:
    """Whether a word for teachers stands within a few characters of the span."""
    near = folded[max(0, start - TEACHING_REACH):start] + " " + folded[end:end + TEACHING_REACH]
    return any(word in near for word in TEACHER_WORDS)


# Words that say "a qualification" rather than what it qualifies for; stripped from a
# title before it is linked to an occupation (folded; any language).
GENERIC_WORDS = (
    "diploma", "certificate", "degree", "award", "qualification", "programme", "program",
    "graduate", "graduation", "in", "of", "the", "and", "field", "specialty", "speciality",
    "profession", "major", "course", "level", "national", "state", "vocational", "technical",
    "institute", "college", "school", "university", "secondary", "intermediate", "higher",
    "diplom", "zeugnis", "abschluss", "zum", "zur", "als", "fachrichtung", "ausbildung",
    "berufsausbildung", "staatlich", "anerkannt", "geprüfte", "geprüfter",
    "диплом", "свідоцтво", "атестат", "кваліфікованого", "робітника", "за", "професією",
    "спеціальністю", "спеціальність", "квалифицированного", "рабочего", "по", "профессии",
    "специальности", "молодшого", "спеціаліста", "бакалавра", "магістра",
    "دبلوم", "شهادة", "الشهادة", "المعهد", "معهد", "المتوسط", "الصناعي", "المهني", "الفني",
    "اختصاص", "تخصص", "في", "قسم", "مدرسة", "ثانوية", "کاردانی", "دیپلم", "مدرک", "رشته",
    "گواهینامه", "فنی", "حرفه", "ای", "و", "هنرستان",
    "bằng", "chứng", "chỉ", "trung", "cấp", "cao", "đẳng", "nghề", "ngành", "chuyên", "sơ",
    "证书", "毕业证书", "毕业证", "职业", "技术", "学院", "学校", "专业", "中专", "大专", "技校",
    "资格证", "职业资格",
    "diploması", "belgesi", "sertifikası", "meslek", "lisesi", "bölümü", "alanı", "ustalık",
    "kalfalık",
)
# Several-word phrases of the same kind, removed before the words are split.
GENERIC_PHRASES = ("tốt nghiệp", "chứng chỉ", "sơ cấp", "trung cấp", "cao đẳng",
                   "công nhân kỹ thuật", "berufliche bildung", "fachschule für")
_GENERIC = frozenset(fold(w) for w in GENERIC_WORDS)


def core_title(title: str) -> str:
    """The part of a qualification title that names the trade: "دبلوم المعهد المتوسط
    الصناعي - كهرباء" → "كهرباء". Han script has no spaces: generic words are cut out."""
    text = fold(title)
    for phrase in GENERIC_PHRASES:
        text = text.replace(fold(phrase), " ")
    for word in sorted((w for w in _GENERIC if not w.isascii() and " " not in w),
                       key=len, reverse=True):
        if any("\u4e00" <= ch <= "\u9fff" for ch in word):
            text = text.replace(word, " ")
    kept = [w for w in re.split(r"[\s\-–—,;:/()（）\[\]«»\"']+", text)
            if w and w not in _GENERIC]
    return " ".join(kept)


def estimate_level(qtype: str | None, duration: float | None) -> tuple[int, str] | None:
    """EQF level from type and duration, with the rule that produced it."""
    if qtype is None:
        if duration is None:
            return None
        level = 3 if duration < 2 else 4 if duration < 3 else 5 if duration < 4 else 6
        return level, f"a programme of {duration:g} years of unknown type"
    level = TYPE_EQF[qtype]
    rule = f"a {qtype.replace('_', ' ')} qualification"
    if duration is not None:
        if qtype == "vocational_secondary" and duration >= 3:
            level, rule = 4, rule + f" of {duration:g} years (3 or more: EQF 4)"
        elif qtype == "vocational_secondary" and duration < 1:
            level, rule = 2, rule + f" of {duration:g} years (under one: EQF 2)"
        elif qtype == "short_cycle" and duration < 1.5:
            level, rule = 4, rule + f" of {duration:g} years (under 1.5: EQF 4)"
        else:
            rule += f" of {duration:g} years"
    return level, rule
