"""The headings of a CV or an advert ("Sprachen:", "Kỹ năng", "المهارات", "Ihre
Aufgaben:"), and the level words of its language lines ("українська (рідна)"):
structure, not content. Pasted whole, they become pieces of their own, and
the linker found something in them ("Muttersprache" fingerspelling, "Kỹ năng" make-up
techniques, "Aufgaben" manage schedule of tasks) that went into a person's profile as a
skill they claimed. A piece that is only a heading is neither linked nor reported as
unrecognised.
"""

from __future__ import annotations

from skills_taxonomy.text import fold

_HEADINGS = """
skills|key skills|skill set|competences|competencies|experience|work experience
professional experience|employment history|work history|education
qualifications|certificates|languages|language skills|mother tongue|native language
profile|summary|personal details|personal information|contact|contact details
references|hobbies|interests|other|additional information
tasks|your tasks|duties|responsibilities|requirements|your profile|what we offer|we offer
benefits|about us|the role|about the role|job description
fähigkeiten|kenntnisse|kompetenzen|fachkenntnisse|sprachen|sprachkenntnisse
fremdsprachen|muttersprache|erstsprache|berufserfahrung|erfahrung|werdegang
beruflicher werdegang|lebenslauf|ausbildung|schulbildung|bildung|bildungsweg
qualifikationen|zertifikate|persönliche daten|kontakt|kontaktdaten
hobbys|interessen|sonstiges|profil
aufgaben|ihre aufgaben|deine aufgaben|tätigkeiten|ihre tätigkeiten|ihr profil|dein profil
anforderungen|voraussetzungen|wir bieten|das bieten wir|was wir bieten|unser angebot
über uns|stellenbeschreibung|das bringst du mit|das bringen sie mit|was du mitbringst
was sie mitbringen|was dich erwartet|was sie erwarten|was wir erwarten|deine vorteile
ihre vorteile|wünschenswert|von vorteil
arbeidsoppgaver|kvalifikasjoner|ønskelige kvalifikasjoner|personlige egenskaper|vi tilbyr
om oss|om stillingen|ferdigheter|arbeidserfaring|utdanning|språk
missions|vos missions|profil recherché|nous offrons|avantages
навички|досвід|досвід роботи|освіта|мови|знання мов|рідна мова|особисті дані|контакти
кваліфікація|навыки|опыт|опыт работы|образование|языки|знание языков|родной язык
личные данные|контакты|квалификация
مهارات|المهارات|الخبرة|الخبرات|الخبرة العملية|الخبرات العملية|التعليم|المؤهلات|اللغات
اللغة الأم|معلومات شخصية|مهارت‌ها|مهارت ها|مهارتها|تجربه|تجربه کاری|سوابق کاری|تحصیلات
زبان‌ها|زبان ها|زبانها|زبان مادری|معلومات شخصی
beceriler|yetenekler|deneyim|iş deneyimi|eğitim|diller|yabancı diller|ana dil|anadil
kişisel bilgiler|iletişim
kỹ năng|kinh nghiệm|kinh nghiệm làm việc|học vấn|trình độ học vấn|ngoại ngữ|ngôn ngữ
thông tin cá nhân|liên hệ
技能|专业技能|工作经验|工作经历|教育背景|学历|语言|语言能力|个人信息|联系方式
native|native speaker|fluent|muttersprachlich|fließend|рідна|родной|родная|вільно|свободно
"""
HEADINGS = frozenset(fold(h) for line in _HEADINGS.splitlines() for h in line.split("|")
                     if h.strip())


# every piece of a feed is asked: a long one is no heading, and is not folded to say so
# (twice the longest heading: marks and spaces that folding removes)
_MOST_CHARS = 2 * max(map(len, HEADINGS))


def is_heading(piece: str) -> bool:
    """Whether the piece is a section heading and nothing else."""
    return len(piece) <= _MOST_CHARS and fold(piece) in HEADINGS


__all__ = ["HEADINGS", "is_heading"]
