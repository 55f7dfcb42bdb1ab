"""A grammar of qualification mentions: the EQF level read from the words of a mention
("NVQ level 3 or similar", "диплом кухаря 4 розряду", "بكالوريوس صيدلة", "大专以上学历"),
with the words that decided it, the rule or framework row behind it, and a confidence.

Why a grammar and not only the text model: a level is said by a few words (a degree
name, a framework level, a worker's grade, a duration) whatever the trade, and a bag of
words fitted on a few hundred table rows cannot learn "4 розряду" or "GCSE grade C".

The words live in `matcher/data/recognition/qualification_grammar.json` (degree and
certificate names in en, de, fr, uk, ru, ar, fa/dari, vi, zh, tr with their level,
type, confidence and source); the national frameworks of the main countries of origin
in `national_frameworks_eqf.csv` (read by the same reader as the Europass table).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from matcher.recognition.eqf_table import EqfEntry, country_key, project_table, read_eqf_csv
from matcher.recognition.grammar_patterns import (
    ALTERNATIVES,
    BAC_PLUS,
    CN_GRADE_READING,
    CN_GRADES,
    CN_SKILL_LEVEL,
    DURATION,
    DURATION_WORDS,
    ENTRY_LEVEL,
    EXPERIENCE,
    GCSE_GRADE,
    GRADE,
    LEVEL,
    MONTHS,
    NUMBER_WORDS,
    ROMAN,
    SCHOOL_YEAR,
    UK,
    UK_SIGNS,
    probe_of,
    with_latin,
    word_pattern,
)
from matcher.recognition.qualification_types import GENERAL_EDUCATION, beside_teaching
from skills_taxonomy.text import fold

FRAMEWORKS_TABLE = "national_frameworks"


@dataclass(frozen=True)
class Term:
    word: str
    eqf: int
    qtype: str
    confidence: float
    source: str
    pattern: re.Pattern[str]
    probe: str  # a literal the folded text must hold for the pattern to match
    # the level of the work it leads to, where that lies below its own: a Meister or a
    # 高级技师 is EQF 6 and leads to a trade, not to a graduate profession
    work_eqf: int | None = None


@dataclass
class Reading:
    """What the grammar read: a level (with its plausible range), a confidence, and the
    evidence: the words that decided it, the rule and its source."""

    level: int
    confidence: float
    rule: str
    kind: str  # "type" (a degree or certificate name) or "level" (a number, a body)
    words: list[str]
    source: str
    qtype: str | None = None
    low: int | None = None
    high: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {"words": self.words, "rule": self.rule, "source": self.source,
                               "confidence": round(self.confidence, 3)}
        if self.qtype:
            out["type"] = self.qtype
        if self.low is not None and self.high is not None and self.low != self.high:
            out["range"] = [self.low, self.high]
        return {**out, **self.extra}


@lru_cache(maxsize=1)
def grammar_data() -> dict[str, Any]:
    path = resources.files("matcher") / "data" / "recognition" / "qualification_grammar.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def national_frameworks() -> list[EqfEntry]:
    """The frameworks of the main countries of origin, as reference-table rows."""
    path = resources.files("matcher") / "data" / "recognition" / "national_frameworks_eqf.csv"
    with resources.as_file(path) as file:
        return read_eqf_csv(file, FRAMEWORKS_TABLE)[0]


class Grammar:
    """Reads the EQF level of one qualification mention; `read` returns None only when
    no word of the mention bears on the level."""

    def __init__(self, data: dict[str, Any] | None = None,
                 frameworks: list[EqfEntry] | None = None) -> None:
        data = data or grammar_data()
        self.sources: dict[str, str] = data["sources"]
        self.terms = [Term(word, t["eqf"], t["type"], t["confidence"], t["source"],
                           word_pattern(word), probe_of(word), t.get("work_eqf"))
                      for t in data["terms"] for word in with_latin(t["words"])]
        self.schemes = {name: scheme for scheme in data["frameworks"]
                        for name in [scheme["id"], *scheme["words"]]}
        self.qualifiers = {kind: [word_pattern(w) for w in words]
                           for kind, words in data["qualifiers"].items()}
        if frameworks is None:
            frameworks = national_frameworks() + project_table()
        self.by_country: dict[tuple[str, str], list[EqfEntry]] = {}
        self.by_country_all: dict[str, list[EqfEntry]] = {}
        for row in frameworks:
            self.by_country_all.setdefault(country_key(row.country), []).append(row)
            if row.type:
                self.by_country.setdefault((country_key(row.country), row.type), []).append(row)
        self.framework_levels: dict[str, dict[int, EqfEntry]] = {}
        for row in frameworks:
            number = re.search(r"level (\d+)", fold(row.qualification))
            if number and "framework" in fold(row.qualification):
                self.framework_levels.setdefault(country_key(row.country), {})[
                    int(number.group(1))] = row

    # --- the readings ---------------------------------------------------------------------
    def read(self, text: str, country: str | None = None,
             duration: float | None = None) -> Reading | None:
        folded = fold(text)
        raw = text.casefold()
        bac = self._bac(raw)
        terms = [r for r in self._terms(folded, raw) if not (bac and r.words == ["bac"])]
        found = (self._levels(folded, country) + self._grades(folded) + bac
                 + self._school_years(folded) + terms)
        years = duration if duration is not None else self.duration(folded)
        if not found:
            if years is None:
                return None
            level = 3 if years < 2 else 4 if years < 3 else 5 if years < 4 else 6
            reading = Reading(level, 0.35, f"a programme of {years:g} years of unknown type",
                              "type", [], "project")
        else:
            reading = self._choose(found, raw)
            self._national(reading, country)
            self._duration(reading, years)
        if years is not None:
            reading.extra["duration_years"] = years
        qualifiers = [kind for kind, patterns in self.qualifiers.items()
                      if any(p.search(folded) for p in patterns)]
        if qualifiers:
            reading.extra["qualifier"] = qualifiers
        reading.source = self.sources.get(reading.source, reading.source)
        return reading

    def qualification_type(self, text: str) -> str | None:
        """The qualification type the mention's degree or certificate words name (the
        surest, as `read` chooses), or None: `infer_type` for the rest of the engine."""
        found = self._terms(fold(text), text.casefold())
        return self._choose(found, text.casefold()).qtype if found else None

    def work_level(self, text: str) -> int | None:
        """The level of the work the mention's qualification leads to, where its words say
        it lies below the qualification's own level (`Term.work_eqf`); else None."""
        levels = [t.work_eqf for _, _, t in self._hits(fold(text)) if t.work_eqf is not None]
        return min(levels, default=None)

    def _choose(self, found: list[Reading], raw: str) -> Reading:
        """The surest reading; of equally sure ones, the lowest where the mention lists
        alternatives ("HNC or degree", "BSc/MSc": the minimum asked), else the highest."""
        best = max(r.confidence for r in found)
        close = [r for r in found if r.confidence >= best - 1e-9]
        if len({r.level for r in close}) > 1:
            alternatives = bool(ALTERNATIVES.search(raw))
            chosen = (min if alternatives else max)(close, key=lambda r: (r.level, r.confidence))
            chosen.extra["also_read"] = sorted({r.level for r in close} - {chosen.level})
            chosen.extra["of_several"] = "the lowest of alternatives" if alternatives else \
                "the highest named"
            return chosen
        return max(close, key=lambda r: r.confidence)

    def _hits(self, folded: str) -> list[tuple[int, int, Term]]:
        """The terms the text holds, the longest words first; words inside them drop."""
        hits: list[tuple[int, int, Term]] = []
        for term in self.terms:
            if term.probe not in folded:
                continue
            for m in term.pattern.finditer(folded):
                hits.append((m.start(), m.end(), term))
        hits.sort(key=lambda h: (-(h[1] - h[0]), -h[2].confidence))
        kept: list[tuple[int, int, Term]] = []
        for start, end, term in hits:
            if not any(s <= start and end <= e for s, e, _ in kept):
                kept.append((start, end, term))
        return kept

    def _terms(self, folded: str, raw: str) -> list[Reading]:
        out = []
        for start, end, term in self._hits(folded):
            if term.qtype in GENERAL_EDUCATION and beside_teaching(folded, start, end):
                continue  # "小学教师": a primary-school teacher, not primary school finished
            reading = Reading(term.eqf, term.confidence, f"'{term.word}' names a "
                              f"{term.qtype.replace('_', ' ')} qualification (EQF {term.eqf})",
                              "type", [folded[start:end]], term.source, term.qtype)
            if term.word in ("gcse", "gcses", "gcse's", "o level", "o levels"):
                self._gcse(reading, raw)
            out.append(reading)
        return out

    def _gcse(self, reading: Reading, raw: str) -> None:
        """GCSE grades 9-4 (A*-C) are RQF 2 (EQF 3); grades 3-1 (D-G) RQF 1 (EQF 2)."""
        m = GCSE_GRADE.search(raw)
        if m is None:
            reading.extra["grade"] = "none given: read as grades 9-4 (A*-C), RQF 2"
            return
        grade = m.group("g") or ""
        passed = m.group("r") is not None or grade[:1] in "abc" or grade in "456789"
        reading.level = 3 if passed else 2
        reading.kind, reading.confidence = "level", 0.85
        reading.words.append(m.group(0).strip())
        reading.rule = (f"GCSE {m.group(0).strip()}: RQF level "
                        f"{2 if passed else 1} = EQF {reading.level}")

    def _levels(self, folded: str, country: str | None) -> list[Reading]:
        out = []
        for m in ENTRY_LEVEL.finditer(folded):
            out.append(Reading(1, 0.9, "RQF entry level = EQF 1", "level", [m.group(0)], "uk"))
        folded = ENTRY_LEVEL.sub(" ", folded)
        for m in LEVEL.finditer(folded):
            name = m.group("name") or m.group("name2")
            text = m.group("n") or m.group("n2")
            number = ROMAN.get(text) if text in ROMAN else int(text) if text.isdigit() else None
            if number is None:
                continue
            found = self._scheme_level(name, number, folded, country)
            if found is not None:
                level, confidence, rule, source, row = found
                reading = Reading(level, confidence, rule, "level", [m.group(0)], source)
                if row is not None:
                    reading.extra["framework_row"] = _row(row)
                out.append(reading)
        return out

    def _scheme_level(self, name: str, number: int, folded: str, country: str | None,
                      ) -> tuple[int, float, str, str, EqfEntry | None] | None:
        """(EQF level, confidence, rule, source, national row) of "<framework> level N"."""
        where = country_key(country)
        scheme = self.schemes.get(name)
        if scheme is None:  # a bare "level N": the country's framework, the UK's, or EQF
            rows = self.framework_levels.get(where, {})
            if number in rows:
                row = rows[number]
                return (row.eqf_level, 0.85, f"level {number} of {row.qualification}",
                        FRAMEWORKS_TABLE, row)
            if where in UK or (not where and (UK_SIGNS.search(folded) or folded.isascii())):
                scheme = self.schemes["rqf"]
            elif where == "scotland":
                scheme = self.schemes["scqf"]
            else:
                scheme = self.schemes["eqf"]
                if 1 <= number <= 8:
                    return (number, 0.8, f"level {number}, read as the EQF level (most "
                            "national frameworks follow the EQF's eight levels)", "eqf", None)
                return None
        level = scheme["levels"].get(str(number))
        if level is None:
            return None
        return (level, 0.9, f"{scheme['id'].upper()} level {number} = EQF {level}",
                scheme["source"], None)

    def _grades(self, folded: str) -> list[Reading]:
        """Worker grades (розряд/разряд) of Ukraine and Russia: 1-2 EQF 2, 3-4 EQF 3-4 (the
        usual grades of a vocational school's graduate), 5-6 EQF 4, 7-8 EQF 4-5; China's
        skill levels as its worker titles are read (初级工 and 中级工 3, 高级工 4, 技师 5,
        高级技师 6)."""
        out = []
        for m in GRADE.finditer(folded):
            grade = int(m.group("n") or m.group("n2") or m.group("n3"))
            if not 1 <= grade <= 8:
                continue
            low, high = {1: (2, 2), 2: (2, 2), 3: (3, 3), 4: (3, 4), 5: (4, 4),
                         6: (4, 4)}.get(grade, (4, 5))
            out.append(Reading(low, 0.85, f"worker grade {grade}: EQF {low}"
                               + (f"-{high}" if high != low else ""), "level",
                               [m.group(0)], "ua", "vocational_secondary", low, high))
        for m in CN_SKILL_LEVEL.finditer(folded):
            grade = CN_GRADES[m.group("n") or m.group("w") or m.group("w2")]
            title, level, qtype = CN_GRADE_READING[grade]
            out.append(Reading(level, 0.8, f"China's vocational skill level {grade} ({title}):"
                               f" EQF {level}", "level", [m.group(0).strip()], "cn", qtype))
        return out

    def _bac(self, raw: str) -> list[Reading]:
        out = []
        for m in BAC_PLUS.finditer(raw):
            years = int(m.group(1))
            level = 4 if years < 2 else 5 if years == 2 else 6 if years < 5 else 7 \
                if years < 8 else 8
            out.append(Reading(level, 0.85, f"bac+{years}: {years} years after the "
                               f"baccalauréat (EQF {level})", "level", [m.group(0)], "fr"))
        return out

    def _school_years(self, folded: str) -> list[Reading]:
        out = []
        for m in SCHOOL_YEAR.finditer(folded):
            grade = int(m.group("n") or m.group("n2"))
            if not 4 <= grade <= 14:
                continue
            level = 1 if grade <= 6 else 2 if grade <= 10 else 4 if grade <= 13 else 5
            out.append(Reading(level, 0.75, f"school year {grade} completed (EQF {level})",
                               "level", [m.group(0)], "isced"))
        return out

    @staticmethod
    def duration(folded: str) -> float | None:
        """Programme length in years said in the mention ("3-year", "4 роки", "سنتين")."""
        for word, years in DURATION_WORDS.items():
            if word in folded:
                return years
        m = next((m for m in DURATION.finditer(folded)
                  if not EXPERIENCE.match(folded[m.end():])), None)
        if m is None:
            months = MONTHS.search(folded)
            return round(int(months.group(1)) / 12, 2) if months else None
        text = m.group(1)
        value = NUMBER_WORDS.get(text)
        years = float(value) if value is not None else float(text.replace(",", "."))
        return years if 0 < years <= 15 else None

    # --- country and duration ---------------------------------------------------------
    def _national(self, reading: Reading, country: str | None) -> None:
        """The origin country's framework decides the level of a type it names: a row of
        that country whose title holds the words read ("الإعدادية" in Iraq is upper
        secondary), else all of its rows of the type when they agree (not vocational
        certificates, whose length varies too much)."""
        if reading.kind != "type" or not reading.qtype or not country:
            return
        where = country_key(country)
        said = re.compile(r"(?<!\w)" + re.escape(reading.words[0]) + r"(?!\w)")
        named = [row for row in self.by_country_all.get(where, [])
                 if said.search(fold(row.qualification)) or said.search(fold(
                     row.native_title or ""))]
        typed = [] if reading.qtype == "vocational_secondary" else self.by_country.get(
            (where, reading.qtype), [])
        choices = [[row for row in named if row.type == reading.qtype], named, typed]
        rows = next((c for c in choices if c and len({r.eqf_level for r in c}) == 1), [])
        if not rows:
            return
        level = rows[0].eqf_level
        reading.extra["framework_row"] = _row(rows[0])
        if level != reading.level:
            reading.rule += f"; in {rows[0].country} EQF {level} ({rows[0].qualification})"
            reading.level = level
        reading.confidence = max(reading.confidence, 0.8)

    @staticmethod
    def _duration(reading: Reading, years: float | None) -> None:
        if years is None or reading.kind != "type":
            return
        if reading.qtype == "vocational_secondary":
            level = 4 if years >= 3 else 2 if years < 1 else reading.level
            if reading.source == "de" and years < 3:  # a two-year apprenticeship: DQR 3
                level = min(level, 3)
        elif reading.qtype == "short_cycle" and years < 1.5:
            level = 4
        else:
            return
        if level != reading.level:
            reading.rule += f"; {years:g} years: EQF {level}"
            reading.level = level


def _row(row: EqfEntry) -> dict[str, Any]:
    return {"table": row.source, "country": row.country, "qualification": row.qualification,
            "eqf_level": row.eqf_level}


@lru_cache(maxsize=1)
def shipped_grammar() -> Grammar:
    return Grammar()


def infer_type(title: str) -> str | None:
    """The qualification type a title names, read with the grammar's words: the one list
    of degree and certificate keywords is `qualification_grammar.json`."""
    return shipped_grammar().qualification_type(title)

