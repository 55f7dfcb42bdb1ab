"""Recognition of foreign qualifications and of prior learning.

For a qualification (title in any language, country, type, duration, content) it answers
what a recognition adviser asks first:

- the reference occupation(s), linked from the title, with confidence;
- an EQF level with its evidence: the given level; else a country → qualification row of
  a reference table (the Europass export format; the project ships its own table for
  frequent countries of origin, `matcher/data/recognition/`); else an *estimate* from the
  qualification type and duration (the type read off the title in ten languages when not
  given); else a text model fitted on the reference tables (`EqfLevelEstimator`);
- whether the occupation is regulated in the destination country (a per-country profile,
  Germany first, then ESCO's regulated-profession note), so needs formal recognition;
- the skills the qualification evidences (source `qualification`) and the gap to the
  reference occupation.

Prior learning: work experience (title + years → occupation → its skills, with a
confidence that grows with the years) and qualifications both become candidate skills
with their source, so every match says how each matched skill is evidenced.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.utils.validation import check_is_fitted

from matcher.concepts import Concepts
from matcher.profiles import QualificationFacts
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import Concept
from skills_taxonomy.text import fold

PROJECT_TABLE = "project"
# The text model answers before the type rules when it is at least this sure (chosen by
# cross-validation inside the training split of the benchmark; see BENCHMARKS.md).
MODEL_FIRST = 0.5
MODEL_LAST = 0.3  # below this the model's guess is not worth showing
TABLE_MATCH = 88  # rapidfuzz token-set ratio needed to take a table row as the same title

# The level a qualification type usually sits at, before its duration adjusts it.
TYPE_EQF = {"primary": 1, "lower_secondary": 2, "vocational_secondary": 3,
            "upper_secondary": 4, "short_cycle": 5, "bachelor": 6, "master": 7,
            "doctorate": 8}
# Keywords that name a qualification type, most specific first (folded, any language).
TYPE_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    # Phrases holding a higher type's keyword ("спеціаліст", "master") that name a lower one.
    ("short_cycle", ("молодшого спеціаліста", "молодший спеціаліст", "младшего специалиста",
                     "младший специалист", "master craftsman", "master craftsperson")),
    ("doctorate", ("doctor", "doctorate", "phd", "ph.d", "doktor", "promotion", "кандидат наук",
                   "доктор наук", "доктор філософії", "دكتوراه", "دکتری", "دکترا", "tiến sĩ",
                   "博士", "doktora")),
    ("master", ("master", "magister", "магістр", "магистр", "спеціаліст", "специалист",
                "ماجستير", "كارشناسی ارشد", "کارشناسی ارشد", "thạc sĩ", "硕士", "yüksek lisans",
                "msc", "m.sc", "mba")),
    ("bachelor", ("bachelor", "бакалавр", "بكالوريوس", "ليسانس", "کارشناسی", "cử nhân",
                  "kỹ sư", "学士", "本科", "lisans", "licence", "bsc", "b.sc", "diplom-ingenieur",
                  "engineer degree", "university degree")),
    ("short_cycle", ("institute diploma", "معهد", "دبلوم", "associate", "junior specialist",
                     "молодший спеціаліст", "молодшого спеціаліста", "технікум", "техникум",
                     "коледж", "колледж", "cao đẳng", "大专", "专科", "ön lisans", "hnd",
                     "higher national", "کاردانی", "فوق دیپلم", "short-cycle", "fachschule",
                     "meister", "techniker")),
    ("vocational_secondary", ("vocational", "qualified worker", "кваліфікованого робітника",
                              "квалифицированного рабочего", "профтехучилище", "مهني",
                              "صناعي", "فني", "trung cấp", "sơ cấp", "职业", "技校", "中专",
                              "meslek lisesi", "fenni", "فنی و حرفه", "هنرستان", "trade test",
                              "ausbildung", "berufsausbildung", "apprenticeship", "certificate iii",
                              "certificate ii")),
    ("upper_secondary", ("secondary school", "high school", "baccalaureate", "abitur",
                         "الثانوية", "ثانوية", "دیپلم", "повна загальна середня",
                         "атестат", "trung học phổ thông", "高中", "lise", "waec", "ssce")),
    ("lower_secondary", ("lower secondary", "preparatory", "الإعدادية", "اعدادية",
                         "базова середня", "trung học cơ sở", "初中", "ortaokul")),
    ("primary", ("primary", "elementary", "الابتدائية", "ابتدایی", "початкова", "tiểu học",
                 "小学", "ilkokul")),
]


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


def infer_type(title: str) -> str | None:
    """The qualification type a title names, or None."""
    folded = fold(title)
    for qtype, words in TYPE_KEYWORDS:
        for word in words:
            # Arabic writes the article al- ("ال") onto the word: الماجستير, البكالوريوس
            if re.search(r"(?<!\w)(?:ال)?" + re.escape(fold(word)), folded):
                return qtype
    return None


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


# --- reference tables ------------------------------------------------------------------------
@dataclass(frozen=True)
class EqfEntry:
    source: str
    country: str
    qualification: str
    eqf_level: int
    native_title: str | None = None
    type: str | None = None
    duration_years: float | None = None


@dataclass
class TableReport:
    source: str
    rows: int
    skipped_without_level: int


def read_eqf_csv(path: str | Path, source: str | None = None,
                 ) -> tuple[list[EqfEntry], TableReport]:
    """A reference table in the Europass export format (`qualification,country,eqf_level`,
    optionally `native_title,type,duration_years`). All or nothing: a malformed row raises
    an error naming file and line; rows with no level at all are skipped and counted."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise InvalidInputError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from exc
    return parse_eqf_csv(text, source or path.name, str(path))


def parse_eqf_csv(text: str, source: str, path: str = "body",
                  ) -> tuple[list[EqfEntry], TableReport]:
    """The same, from text already read (an upload)."""
    if not source.strip() or len(source) > 200:
        raise InvalidInputError("source: 1 to 200 characters")
    reader = csv.DictReader(text.splitlines())
    missing = {"qualification", "country", "eqf_level"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidInputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    entries, skipped = [], 0
    for row in reader:
        line = reader.line_num
        level_text = (row.get("eqf_level") or "").strip()
        title = (row.get("qualification") or "").strip()
        if not level_text and not (row.get("country") or "").strip():
            skipped += 1
            continue
        try:
            level = float(level_text)
        except ValueError:
            raise InvalidInputError(f"{path}:{line}: eqf_level {level_text!r} is not a number "
                                    "from 1 to 8") from None
        if level != int(level) or not 1 <= level <= 8:
            raise InvalidInputError(f"{path}:{line}: eqf_level {level_text!r} is not 1..8")
        if not title:
            raise InvalidInputError(f"{path}:{line}: qualification is empty")
        duration = (row.get("duration_years") or "").strip()
        qtype = (row.get("type") or "").strip() or None
        if qtype is not None and qtype not in TYPE_EQF:
            raise InvalidInputError(f"{path}:{line}: type {qtype!r} is not one of "
                                    f"{', '.join(TYPE_EQF)}")
        try:
            years = float(duration) if duration else None
        except ValueError:
            raise InvalidInputError(f"{path}:{line}: duration_years {duration!r} is not a "
                                    "number") from None
        entries.append(EqfEntry(source, (row.get("country") or "").strip(), title, int(level),
                                (row.get("native_title") or "").strip() or None, qtype, years))
    if not entries:
        raise InvalidInputError(f"{path}: no rows")
    return entries, TableReport(source, len(entries), skipped)


def project_table() -> list[EqfEntry]:
    """The table written by this project for frequent countries of origin."""
    path = resources.files("matcher") / "data" / "recognition" / "origin_qualifications_eqf.csv"
    with resources.as_file(path) as file:
        return read_eqf_csv(file, PROJECT_TABLE)[0]


def _country(name: str | None) -> str:
    folded = fold(name or "")
    return {"turkey": "türkiye", "turkiye": "türkiye"}.get(folded, folded)


class EqfTable:
    """Lookup of (country, title) in the reference tables: exact, then fuzzy."""

    def __init__(self, entries: list[EqfEntry]) -> None:
        self.entries = entries
        self._by_country: dict[str, list[tuple[str, EqfEntry]]] = {}
        for entry in entries:
            titles = [entry.qualification] + ([entry.native_title] if entry.native_title else [])
            for title in titles:
                self._by_country.setdefault(_country(entry.country), []).append(
                    (fold(title), entry))

    def lookup(self, country: str | None, title: str,
               ) -> tuple[EqfEntry, float, list[int]] | None:
        """The best-matching row, its match score, and every level the table gives that
        title (a table may list one title at several levels; the lowest is returned)."""
        rows = self._by_country.get(_country(country), [])
        wanted = fold(title)
        scored = [(100.0 if folded == wanted else fuzz.token_set_ratio(folded, wanted),
                   folded, entry) for folded, entry in rows]
        best = max((s for s in scored if s[0] >= TABLE_MATCH), key=lambda s: s[0],
                   default=None)
        if best is None:
            return None
        same = [e for score, folded, e in scored if folded == best[1] and score == best[0]]
        lowest = min(same, key=lambda e: e.eqf_level)
        return lowest, best[0], sorted({e.eqf_level for e in same})


# --- the learned estimator ------------------------------------------------------------------
class EqfLevelEstimator(BaseEstimator, ClassifierMixin):
    """EQF level from a qualification's title (word and character n-grams, multinomial
    logistic regression). Fitted on reference tables; used only when neither the table nor
    the type rules can answer."""

    def __init__(self, C: float = 4.0) -> None:
        self.C = C

    def fit(self, titles: list[str], levels: list[int]) -> EqfLevelEstimator:
        if len(titles) != len(levels) or len(set(levels)) < 2:
            raise InvalidInputError("EqfLevelEstimator needs titles with at least two levels")
        self.pipeline_ = make_pipeline(
            FeatureUnion([
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                          sublinear_tf=True, min_df=2))]),
            LogisticRegression(C=self.C, max_iter=3000))
        self.pipeline_.fit([fold(t) for t in titles], levels)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, titles: list[str]) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return np.asarray(self.pipeline_.predict_proba([fold(t) for t in titles]))

    def predict(self, titles: list[str]) -> np.ndarray:
        proba = self.predict_proba(titles)  # first: unfitted raises NotFittedError
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])


# --- regulated professions --------------------------------------------------------------------
class RegulationProfile:
    """Which occupations need formal recognition before one may work in them, in one
    destination country (`matcher/data/recognition/regulated_<cc>.json`)."""

    def __init__(self, country: str) -> None:
        self.country = country.upper()
        name = f"regulated_{country.lower()}.json"
        path = resources.files("matcher") / "data" / "recognition" / name
        if not path.is_file():
            raise InvalidInputError(f"destination_country: no regulation profile {name}")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.occupations: dict[str, dict[str, Any]] = {
            entry["id"]: entry for entry in data.get("occupations", [])}
        notes = data.get("isco_prefix_notes", {})
        self.isco_prefixes: dict[str, str] = {
            str(p): str(notes.get(p, "")) for p in data.get("regulated_isco_prefixes", [])}

    def check(self, occupation: Concept) -> dict[str, Any]:
        entry = self.occupations.get(occupation.uri)
        if entry is None:
            prefix = next((p for p in self.isco_prefixes
                           if occupation.isco_code.startswith(str(p))), None)
            if prefix is not None:
                entry = {"reason": self.isco_prefixes[prefix] or
                         f"ISCO {prefix} occupations are regulated in {self.country}"}
        out: dict[str, Any] = {"country": self.country, "regulated": entry is not None}
        if entry is not None:
            out.update({k: entry[k] for k in ("reason", "authority", "legal_basis",
                                              "compensation_measures",
                                              "work_without_recognition") if k in entry})
            out["source"] = f"profile {self.country}"
        else:
            out["source"] = f"profile {self.country}: not listed"
        if occupation.regulated:
            out["esco_note"] = ("ESCO marks this occupation as regulated in at least one EU "
                                "country; check the destination country's rules")
        return out

    def is_regulated(self, occupation: Concept | None) -> bool:
        return occupation is not None and bool(self.check(occupation)["regulated"])

    def requires_recognition(self, occupation: Concept | None) -> bool:
        """Whether a post in this occupation needs formal recognition: regulated, and not
        one of the protected titles under which unrecognised people may still work (as
        helpers) — for those the vacancy says so itself (`requires_recognition`)."""
        if occupation is None or not self.is_regulated(occupation):
            return False
        entry = self.occupations.get(occupation.uri, {})
        return not entry.get("work_without_recognition", False)


# --- prior learning ----------------------------------------------------------------------------
QUALIFICATION_CONFIDENCE = 0.75  # a qualification's title implies its occupation's skills
CONTENT_CONFIDENCE = 0.9  # a subject listed on the transcript
OPTIONAL_FACTOR = 0.5
BELOW_LEVEL_FACTOR = 0.7  # the qualification sits below the occupation's usual level
EXPERIENCE_YEARS_SCALE = 2.0  # confidence 1 - exp(-years / 2): 0.39 at 1 y, 0.78 at 3 y
EXPERIENCE_MAX = 0.9
EVIDENCED = 0.5  # below this a skill counts as missing
GENERAL_EDUCATION = ("primary", "lower_secondary", "upper_secondary")
LOW_MARGIN = 1.2  # a sub-threshold best occupation is taken when this far above the next
LOW_FLOOR = 0.5  # … and at least this share of the threshold (not a guess among many)
CLAIM_CONFIDENCE = {"coach_verified": 1.0, "qualification": 0.9, "work_experience": 0.9,
                    "self_declared": 0.8}

# The EQF level an occupation usually needs, from its ISCO-08 major group (skill level).
ISCO_TYPICAL_EQF = {"1": 6, "2": 6, "3": 5, "4": 4, "5": 3, "6": 3, "7": 4, "8": 3, "9": 2,
                    "0": 4}


def typical_eqf(occupation: Concept) -> int | None:
    return ISCO_TYPICAL_EQF.get(occupation.isco_code[:1]) if occupation.isco_code else None


def experience_confidence(years: float) -> float:
    return round(EXPERIENCE_MAX * (1 - math.exp(-years / EXPERIENCE_YEARS_SCALE)), 4)


def eqf_level(q: QualificationFacts, table: EqfTable, estimator: EqfLevelEstimator | None,
              model_first: float = MODEL_FIRST) -> dict[str, Any]:
    """The EQF level with the evidence for it; `method` says where it came from: the given
    level, a reference-table row, the text model (when at least `model_first` sure), the
    type and duration rules, the text model (at least `MODEL_LAST` sure), or duration."""
    if q.eqf_level is not None:
        return {"level": q.eqf_level, "method": "given", "estimated": False}
    hit = table.lookup(q.country, q.title)
    if hit is not None:
        entry, score, levels = hit
        evidence: dict[str, Any] = {
            "source": entry.source, "country": entry.country,
            "qualification": entry.qualification, "native_title": entry.native_title,
            "match": round(score / 100, 3)}
        if len(levels) > 1:
            evidence["levels_in_table"] = levels
            evidence["note"] = "the table lists this title at several levels; the lowest"
        return {"level": entry.eqf_level, "method": "table", "estimated": False,
                "evidence": evidence}
    qtype = q.type or infer_type(q.title)
    rule = estimate_level(qtype, q.duration_years) if qtype else None
    if estimator is not None:
        proba = estimator.predict_proba([q.title])[0]
        best = int(np.argmax(proba))
        if proba[best] >= model_first or (rule is None and proba[best] >= MODEL_LAST):
            return {"level": int(estimator.classes_[best]), "method": "text_model",
                    "estimated": True, "evidence": {"probability": round(float(
                        proba[best]), 3)}}
    if rule is not None:
        return {"level": rule[0], "method": "type_and_duration", "estimated": True,
                "evidence": {"type": qtype, "type_from": "given" if q.type else "title",
                             "duration_years": q.duration_years, "rule": rule[1]}}
    rule = estimate_level(None, q.duration_years)
    if rule is not None:
        return {"level": rule[0], "method": "duration", "estimated": True,
                "evidence": {"rule": rule[1]}}
    return {"level": None, "method": "unknown", "estimated": True,
            "evidence": {"rule": "no table entry, type or duration to go on"}}


class Recogniser:
    def __init__(self, concepts: Concepts, table: EqfTable, profile: RegulationProfile,
                 estimator: EqfLevelEstimator | None = None,
                 model_first: float = MODEL_FIRST) -> None:
        self.concepts = concepts
        self.table = table
        self.profile = profile
        self.estimator = estimator
        self.model_first = model_first

    @classmethod
    def fitted(cls, concepts: Concepts, entries: list[EqfEntry], country: str) -> Recogniser:
        """A recogniser over these table rows, its text model fitted on them."""
        estimator = None
        if len({e.eqf_level for e in entries}) >= 2:
            titles = [e.qualification for e in entries] + [
                e.native_title for e in entries if e.native_title]
            levels = [e.eqf_level for e in entries] + [
                e.eqf_level for e in entries if e.native_title]
            estimator = EqfLevelEstimator().fit(titles, levels)
        return cls(concepts, EqfTable(entries), RegulationProfile(country), estimator)

    def eqf(self, q: QualificationFacts) -> dict[str, Any]:
        """The level with the evidence for it; `method` says where it came from."""
        return eqf_level(q, self.table, self.estimator, self.model_first)

    def occupations(self, title: str, lang: str | None, top_k: int = 3,
                    ) -> list[tuple[str, float]]:
        """Occupations for the whole title and for its core (generic qualification words
        removed); each occupation keeps its better score."""
        best: dict[str, float] = {}
        core = core_title(title)
        for text in dict.fromkeys([title] + ([core] if core and core != fold(title) else [])):
            for m in self.concepts.normalizer.link_occupations(text, lang, top_k=top_k,
                                                               abstain=False):
                best[m.concept] = max(best.get(m.concept, 0.0), m.score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:top_k]

    def certainty(self, ranked: list[tuple[str, float]], title: str) -> str | None:
        """"high" when the best occupation for `title` passes the linking threshold;
        "low" when it stands clearly above the next one (LOW_MARGIN times its score);
        else None."""
        if not ranked:
            return None
        threshold = self.concepts.occupation_threshold(title)
        if ranked[0][1] >= threshold:
            return "high"
        if infer_type(title) in GENERAL_EDUCATION:
            return None  # a school certificate: no guess at an occupation
        if ranked[0][1] >= LOW_FLOOR * threshold and (
                len(ranked) == 1 or ranked[0][1] >= LOW_MARGIN * ranked[1][1]):
            return "low"
        return None

    def evidenced_skills(self, occupation: str, level: int | None, content_skills: dict[
            str, float], years_practice: float = 0.0) -> dict[str, tuple[float, str]]:
        """skill -> (confidence, how): what the qualification (and practice) evidences."""
        concept = self.concepts.taxonomy.concepts[occupation]
        typical = typical_eqf(concept)
        base = QUALIFICATION_CONFIDENCE
        if level is not None and typical is not None and level < typical:
            base *= BELOW_LEVEL_FACTOR
        if content_skills:
            base *= 0.5  # the transcript says what was covered; the title says less
        practice = experience_confidence(years_practice) if years_practice else 0.0
        out: dict[str, tuple[float, str]] = {}
        for skills, factor in ((self.concepts.essential_skills(occupation), 1.0),
                               (self.concepts.optional_skills(occupation), OPTIONAL_FACTOR)):
            for skill in skills:
                implied = base * factor
                combined = 1 - (1 - implied) * (1 - practice * factor)
                how = "implied by the title" + (" and years of practice" if practice else "")
                out.setdefault(skill, (round(combined, 4), how))
        for skill, score in content_skills.items():
            if out.get(skill, (0.0, ""))[0] < CONTENT_CONFIDENCE * score:
                out[skill] = (round(CONTENT_CONFIDENCE * score, 4), "listed in the content")
        return out

    def recognise(self, q: QualificationFacts, lang: str | None = None,
                  years_practice: float = 0.0) -> dict[str, Any]:
        label_lang = lang or "en"
        eqf = self.eqf(q)
        ranked = self.occupations(q.title, lang)
        content_skills: dict[str, float] = {}
        if q.content:
            for link in self.concepts.link_skills([q.content])[0]:
                content_skills[link.uri] = max(content_skills.get(link.uri, 0.0), link.score)
        out: dict[str, Any] = {
            "title": q.title, "country": q.country, "eqf": eqf,
            "reference_occupations": [
                {"id": uri, "label": self.concepts.label(uri, label_lang),
                 "confidence": round(score, 4)} for uri, score in ranked]}
        certainty = self.certainty(ranked, q.title)
        if certainty is None:
            out["note"] = ("no occupation matches this title clearly (a general-education "
                           "certificate, or a title to state more precisely)")
            return out
        occupation = ranked[0][0]
        out["reference_occupation"] = {"id": occupation, "certainty": certainty}
        concept = self.concepts.taxonomy.concepts[occupation]
        typical = typical_eqf(concept)
        out["regulation"] = self.profile.check(concept)
        out["level_gap"] = {"qualification_eqf": eqf["level"], "usual_eqf_for_occupation":
                            typical, "below": bool(eqf["level"] and typical
                                                   and eqf["level"] < typical)}
        evidenced = self.evidenced_skills(occupation, eqf["level"], content_skills,
                                          years_practice)
        out["skills"] = [{"skill": s, "label": self.concepts.label(s, label_lang),
                          "source": "qualification", "confidence": c, "how": how}
                         for s, (c, how) in sorted(evidenced.items(), key=lambda x: -x[1][0])
                         if c >= EVIDENCED]
        out["gap"] = [{"skill": s, "label": self.concepts.label(s, label_lang),
                       "confidence": evidenced.get(s, (0.0, ""))[0]}
                      for s in self.concepts.essential_skills(occupation)
                      if evidenced.get(s, (0.0, ""))[0] < EVIDENCED]
        return out


__all__ = ["CLAIM_CONFIDENCE", "EVIDENCED", "PROJECT_TABLE", "EqfEntry", "EqfLevelEstimator",
           "EqfTable", "Recogniser", "RegulationProfile", "TableReport", "eqf_level",
           "core_title", "estimate_level",
           "experience_confidence", "infer_type", "parse_eqf_csv", "project_table",
           "read_eqf_csv", "typical_eqf"]
