"""What every demo generator shares: the fixed reference date, the skill-list limits,
labels and German job titles from the taxonomy, and small seeded draws (subsets, dates)."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Sequence

from skills_taxonomy.model import Concept, LabelType

# Not today's date: the data must not change from one day to the next.
REFERENCE_DATE = dt.date(2026, 12, 1)
MIN_ESSENTIAL = 3
# Full ESCO lists up to ~80 essential skills per occupation; real ads and CVs name fewer.
MAX_AD_SKILLS = 15
MAX_CV_SKILLS = 25


def _has_label(concept: Concept, lang: str) -> bool:
    return any(label.lang == lang for label in concept.labels)


def label(concept: Concept, lang: str, rng: random.Random | None = None) -> str:
    """A label in `lang` (English when there is none); sometimes an alternative one."""
    if not _has_label(concept, lang):
        lang = "en"
    if rng is not None and rng.random() < 0.25:
        alternatives = [lb.text for lb in concept.labels
                        if lb.lang == lang and lb.type is LabelType.ALTERNATIVE]
        if alternatives:
            return rng.choice(alternatives)
    return concept.preferred_label(lang)


# Alternative labels that name a certificate rather than a job ("دبلوم مساعد تمريض").
_CERTIFICATE_WORDS = ("شهادة", "دبلوم", "دیپلم", "گواهینامه", "chứng chỉ", "trung cấp", "证",
                      "diploma", "certificate", "диплом", "свідоцтво")


def job_label(concept: Concept, lang: str, rng: random.Random) -> str:
    """A job title as the person writes it: a label in `lang` (English when there is
    none), sometimes an alternative one, never one that names a certificate."""
    if not _has_label(concept, lang):
        lang = "en"
    if rng.random() < 0.25:
        alternatives = [lb.text for lb in concept.labels
                        if lb.lang == lang and lb.type is LabelType.ALTERNATIVE
                        and not any(w in lb.text.lower() for w in _CERTIFICATE_WORDS)]
        if alternatives:
            return rng.choice(alternatives)
    return concept.preferred_label(lang)


def job_title(concept: Concept) -> str:
    """The German label as a job-ad title stem: ESCO's "Koch/Köchin" becomes "Koch"."""
    title = concept.preferred_label("de").replace("(m/w/d)", "").strip()
    first, slash, second = title.partition("/")
    # Only a masculine/feminine pair is cut, not "Import-/Exportkaufmann".
    if slash and not first.endswith("-") and first[:4].lower() == second.strip()[:4].lower():
        title = first.strip()
    return title or concept.preferred_label("en")


_ADJECTIVAL = ("angestellter", "beauftragter", "bediensteter", "sachverständiger")


def training_title(title: str) -> str:
    """The apprenticeship phrase: "zum Koch", "zur Reinigungskraft", "zum Angestellten"."""
    words = title.split()
    head = words[0] if len(words) > 1 and words[1] in ("für", "in", "im") else words[-1]
    if head.lower().endswith(("kraft", "hilfe", "frau", "assistenz")):
        return f"zur {title}"
    if head.lower().endswith(_ADJECTIVAL):
        title = title.replace(head, head[:-1] + "n", 1)
    return f"zum {title}"


def ascii_id(text: str) -> str:
    """Lower-case ASCII for e-mail addresses and ids: 'Đặng Thị' -> 'dang-thi'."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("ß", "ss")
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"),
                          ("Ü", "Ue")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def subset(rng: random.Random, items: Sequence[str], k: int) -> list[str]:
    """k items in their original order (reads more naturally than a shuffled list)."""
    k = max(0, min(k, len(items)))
    chosen = set(rng.sample(range(len(items)), k))
    return [item for i, item in enumerate(items) if i in chosen]


def join(labels: Sequence[str], sep: str = ", ", limit: int = 2_000) -> str:
    """A written list of labels that fits a free-text field."""
    text = ""
    for item in labels:
        longer = f"{text}{sep}{item}" if text else item
        if len(longer) > limit:
            break
        text = longer
    return text


def in_days(rng: random.Random, lo: int, hi: int) -> dt.date:
    return REFERENCE_DATE + dt.timedelta(days=rng.randint(lo, hi))
