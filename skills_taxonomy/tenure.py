"""How long someone did something, said on its own: "5 năm kinh nghiệm", "10 років
досвіду", "٤ سنين", "5 Jahre Erfahrung", "工作经验8年".

A CV line gives its trade and then, after a comma, how long: "thợ hàn, 5 năm kinh
nghiệm". The second piece names no skill, but its words spelt like one: "5 năm kinh
nghiệm" linked performing scientific research through "làm thí nghiệm" (doing
experiments). A piece made only of numbers and the words for time and experience is
neither linked nor reported as unrecognised; the trade it qualifies is in its own piece.
"""

from __future__ import annotations

from skills_taxonomy.text import fold, words

_WORDS = """
year years yr yrs month months experience experienced of more than over plus about
jahr jahre jahren monat monate monaten erfahrung berufserfahrung über mehr als mit ca
рік роки років року місяць місяці місяців досвід досвіду досвідом стаж стажу більше понад
год года лет месяц месяца месяцев опыт опыта опытом стаж стажа более свыше около
سنة سنه سنوات سنين عام أعوام اعوام شهر أشهر اشهر شهور خبرة خبره أكثر اكثر من مدة
سال ماه تجربه سابقه بیش بیشتر از
yıl yil ay deneyim deneyimi tecrübe tecrube tecrübesi fazla üzeri yıllık
năm tháng kinh nghiệm hơn trên
年 月 工 作 经 验 以 上 多 个 余
"""
TENURE_WORDS = frozenset(fold(w) for w in _WORDS.split())


def is_tenure(piece: str) -> bool:
    """Whether the piece says a length of time (it has a number) and nothing else."""
    if not any(ch.isdigit() for ch in piece):
        return False
    return all(token.isdigit() or fold(token) in TENURE_WORDS for _, _, token in words(piece))


__all__ = ["TENURE_WORDS", "is_tenure"]
