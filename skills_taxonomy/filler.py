"""Pieces that fill a CV line but name nothing to link: how long someone did something
("5 năm kinh nghiệm", "10 років досвіду", "٤ سنين", "5 Jahre Erfahrung", "工作经验8年"),
and what kind of paper it is, without the trade ("Ustalık Belgesi", "گواهینامه مهارت",
"Chứng chỉ nghề", "Zertifikat").

A CV line gives its trade and then, after a comma or a dash, how long, or the paper:
"thợ hàn, 5 năm kinh nghiệm", "Ustalık Belgesi – Metal Teknolojisi, Kaynakçılık Dalı".
Such a piece names no skill, but its words were spelt like one: "5 năm kinh nghiệm"
linked performing scientific research through "làm thí nghiệm" (doing experiments),
"Ustalık Belgesi" cook through "aşçılık ustalık belgesi" (a cook's master certificate).
A piece made only of numbers and such words is neither linked nor reported as
unrecognised; the trade it qualifies is in a piece of its own.
"""

from __future__ import annotations

from skills_taxonomy.text import fold, words

_TENURE = """
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
# the kind of paper, and its grade, with no trade: a word that names one ("Schweißer",
# "电工") is never among them
_PAPER = """
certificate certificates diploma degree level card licence license qualification award nvq
bachelor master hons bsc msc beng meng ba ma phd dipl ing fh
zertifikat zeugnis diplom abschluss bescheinigung nachweis urkunde staatlich anerkannt
anerkannte anerkannter gesellenbrief gesellenprüfung meisterbrief abschlussprüfung prüfung
ihk hwk
бакалавр магистр магістр диплом диплома свидетельство свидетельства свідоцтво сертификат
сертифікат удостоверение
посвідчення разряд разряда розряд розряду категория категории категорії кваліфікація
квалификация
بكالوريوس ماجستير شهادة الشهادة دبلوم الدبلوم مصدقة إجازة درجة معهد المعهد ثانوية الثانوية
لیسانس فوق گواهینامه گواهی مدرک مهارت دیپلم درجه فنی حرفه ای و
belgesi belge sertifika sertifikası sertifikasi diploma diploması ustalık ustalik kalfalık
kalfalik meb meslek lise lisesi mezunu lisans yüksek önlisans
chứng chỉ bằng giấy sơ cấp trung cao đẳng nghề bậc thợ tốt nghiệp cử nhân thạc sĩ
证 书 资 格 等 级 职 业 技 能 学 士 硕 本 科 大 专
"""
TENURE_WORDS = frozenset(fold(w) for w in _TENURE.split())
PAPER_WORDS = frozenset(fold(w) for w in _PAPER.split())


def is_filler(piece: str) -> bool:
    """Whether the piece is only a length of time (with its number) or only the kind of
    a paper, and nothing else."""
    tokens = [fold(token) for _, _, token in words(piece)]
    if not tokens or not all(t.isdigit() or t in TENURE_WORDS or t in PAPER_WORDS
                             for t in tokens):
        return False
    return any(ch.isdigit() for ch in piece) or any(t in PAPER_WORDS for t in tokens)


__all__ = ["PAPER_WORDS", "TENURE_WORDS", "is_filler"]
