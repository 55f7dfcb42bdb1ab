"""Certificates as a person from a country of origin writes them: the country's own
qualification names (from the project's reference table, so type, programme length and EQF
level agree), followed by the field (an occupation, or a university subject) in the
person's language; and the university subjects of people working below their degree."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from matcher.recognition.eqf_table import EqfEntry, project_table
from matcher.recognition.qualification_types import estimate_level
from skills_taxonomy.model import Concept

GENERAL = ("primary", "lower_secondary", "upper_secondary")
# How a field follows the certificate's name, by the language it is written in.
_FIELD_AFTER = {"ar": " - اختصاص {}", "fa": " – رشته {}", "vi": " ngành {}", "zh": "（{}专业）",
                "en": " – {}"}
_FIELD_AFTER_UK = {"vocational_secondary": " за професією {}"}

# University subjects refugees often hold while working below them, with the job they
# held at home: {lang: (subject, job)}; one row a subject.
SUBJECTS: list[dict[str, tuple[str, str]]] = [
    {"en": ("Business Administration", "office administrator"),
     "ar": ("إدارة الأعمال", "موظف إداري"), "uk": ("менеджмент", "офіс-менеджер"),
     "fa": ("مدیریت تجارت", "مدیر دفتر"), "vi": ("quản trị kinh doanh", "nhân viên văn phòng"),
     "zh": ("工商管理", "行政专员")},
    {"en": ("English Language and Literature", "English teacher"),
     "ar": ("الأدب الإنكليزي", "مدرس لغة إنكليزية"),
     "uk": ("англійська філологія", "вчитель англійської мови"),
     "fa": ("ادبیات انگلیسی", "معلم زبان انگلیسی"),
     "vi": ("ngôn ngữ Anh", "giáo viên tiếng Anh"), "zh": ("英语", "英语教师")},
    {"en": ("Civil Engineering", "site engineer"), "ar": ("الهندسة المدنية", "مهندس مدني"),
     "uk": ("будівництво та цивільна інженерія", "інженер-будівельник"),
     "fa": ("انجنیری ساختمان", "انجنیر ساختمان"),
     "vi": ("kỹ thuật xây dựng", "giám sát công trình"), "zh": ("土木工程", "土木工程师")},
    {"en": ("Law", "legal officer"), "ar": ("الحقوق", "محامي"), "uk": ("право", "юрист"),
     "fa": ("حقوق و علوم سیاسی", "حقوقدان"), "vi": ("luật", "chuyên viên pháp lý"),
     "zh": ("法学", "法务专员")},
    {"en": ("Accounting", "accountant"), "ar": ("المحاسبة", "محاسب"),
     "uk": ("облік і оподаткування", "бухгалтер"), "fa": ("حسابداری", "محاسب"),
     "vi": ("kế toán", "kế toán viên"), "zh": ("会计学", "会计")},
    {"en": ("Education", "teacher"), "ar": ("معلم صف", "معلم"), "uk": ("педагогіка", "вчитель"),
     "fa": ("تعلیم و تربیه", "معلم"), "vi": ("sư phạm", "giáo viên"), "zh": ("教育学", "教师")},
    {"en": ("Agriculture", "agricultural extension officer"),
     "ar": ("الهندسة الزراعية", "مهندس زراعي"), "uk": ("агрономія", "агроном"),
     "fa": ("زراعت", "انجنیر زراعت"), "vi": ("nông học", "cán bộ khuyến nông"),
     "zh": ("农学", "农业推广员")},
    {"en": ("Computer Science", "software developer"),
     "ar": ("هندسة المعلوماتية", "مبرمج"), "uk": ("комп'ютерні науки", "програміст"),
     "fa": ("کمپیوتر ساینس", "برنامه‌نویس"), "vi": ("công nghệ thông tin", "lập trình viên"),
     "zh": ("计算机科学与技术", "程序员")},
    {"en": ("Economics", "bank clerk"), "ar": ("الاقتصاد", "موظف في بنك"),
     "uk": ("економіка", "економіст"), "fa": ("اقتصاد", "کارمند بانک"),
     "vi": ("kinh tế", "nhân viên ngân hàng"), "zh": ("经济学", "银行职员")},
]


@dataclass(frozen=True)
class Certificate:
    """One kind of certificate of one country: its name written natively and in English,
    its type, programme length and EQF level."""
    native: str
    english: str
    type: str
    duration: float
    level: int


@cache
def _certificates() -> dict[tuple[str, str], list[Certificate]]:
    """The reference table by (country, type); doctorates, first degrees in medicine and
    engineering diplomas left out (no subject here leads to them)."""
    found: dict[tuple[str, str], list[Certificate]] = {}
    for entry in project_table():
        if entry.type in (None, "doctorate") or any(
                word in entry.qualification for word in ("Medicine", "Engineer")):
            continue
        found.setdefault((entry.country, entry.type), []).append(_certificate(entry))
    return found


def _certificate(entry: EqfEntry) -> Certificate:
    """A table row; its level the higher of the table's and that of its type and length
    (what the engine reads off a title that does not name the certificate)."""
    duration = entry.duration_years or 1.0
    rule = estimate_level(entry.type, duration)
    level = max(entry.eqf_level, rule[0] if rule else 0)
    return Certificate(entry.native_title or entry.qualification, entry.qualification,
                       entry.type or "", duration, level)


def certificate(country: str, qtype: str, rng: random.Random,
                max_level: int = 8) -> Certificate | None:
    """One of the country's certificates of that type at most at `max_level`, or None."""
    fitting = [c for c in _certificates().get((country, qtype), []) if c.level <= max_level]
    return rng.choice(fitting) if fitting else None


def certificate_title(cert: Certificate, lang: str, native: bool, field: str = "",
                      named: bool = True) -> str:
    """The title as written: the certificate's own name (in English when the field has no
    label in the person's language) and the field after it; only the field when not
    `named` (as many write a trade on an intake form)."""
    if field and not named:
        return field
    if not native:
        return f"{cert.english} – {field}" if field else cert.english
    if not field:
        return cert.native
    pattern = (_FIELD_AFTER_UK.get(cert.type, " за спеціальністю {}") if lang == "uk"
               else _FIELD_AFTER.get(lang, " – {}"))
    return cert.native + pattern.format(field)


def field_of(title: str, country: str) -> str:
    """The field a title names after its certificate's name ("" for none), or the whole
    title when it names no certificate: the inverse of `certificate_title`."""
    certs = [c for (land, _), found in _certificates().items() if land == country
             for c in found]
    for name in sorted({n for c in certs for n in (c.native, c.english)}, key=len,
                       reverse=True):
        if title.startswith(name):
            rest = title[len(name):]
            for pattern in (*_FIELD_AFTER.values(), *_FIELD_AFTER_UK.values(),
                            " за спеціальністю {}"):
                before, _, after = pattern.partition("{}")
                if rest.startswith(before) and rest.endswith(after):
                    return rest[len(before):len(rest) - len(after)]
            return rest
    return title


def has_label(concept: Concept, lang: str) -> bool:
    return any(label.lang == lang for label in concept.labels)


def subject(lang: str, rng: random.Random) -> tuple[str, str, str]:
    """A university subject: (subject in `lang`, in English, the job it led to in `lang`);
    English where the subject is not written in `lang`."""
    row = rng.choice(SUBJECTS)
    native, job = row.get(lang, row["en"])
    return native, row["en"][0], job
