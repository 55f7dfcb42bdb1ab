"""One qualification recognised: reference occupation, EQF level with its evidence,
regulation in the destination country, the skills it evidences and the gap; and the
confidence prior learning (qualifications, years of practice) gives a skill."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from matcher.concepts import Concepts
from matcher.domain import EVIDENCED
from matcher.recognition.eqf_table import EqfEntry, EqfTable
from matcher.recognition.estimator import EqfLevelEstimator, training_rows
from matcher.recognition.grammar import Grammar, Reading, infer_type, shipped_grammar
from matcher.recognition.procedure import Destination, destination_of
from matcher.recognition.qualification_types import (
    GENERAL_EDUCATION,
    TEACHING_WORDS,
    core_title,
    estimate_level,
    names_teacher,
)
from matcher.recognition.regulation import RegulationProfile
from matcher.recognition.study_fields import NamedField, StudyFields, shipped_fields
from matcher.schemas import QualificationFields
from skills_taxonomy.model import Concept
from skills_taxonomy.text import fold

# The text model answers before the type rules when it is at least this sure (chosen by
# cross-validation inside the training split of the benchmark; see BENCHMARKS.md).
MODEL_FIRST = 0.5
MODEL_LAST = 0.3  # below this the model's guess is not worth showing


QUALIFICATION_CONFIDENCE = 0.75  # a qualification's title implies its occupation's skills
CONTENT_CONFIDENCE = 0.9  # a subject listed on the transcript
OPTIONAL_FACTOR = 0.5
BELOW_LEVEL_FACTOR = 0.7  # the qualification sits below the occupation's usual level
EXPERIENCE_YEARS_SCALE = 2.0  # confidence 1 - exp(-years / 2): 0.39 at 1 y, 0.78 at 3 y
EXPERIENCE_MAX = 0.9
LOW_MARGIN = 1.2  # a sub-threshold best occupation is taken when this far above the next
LOW_FLOOR = 0.5  # … and at least this share of the threshold (not a guess among many)
# A qualification's reference occupation suits its level and its subject (`suits`); the two
# factors were chosen on the development set's occupation statements (Acc@1 0.713 -> 0.724
# over title and core; BENCHMARKS.md has the held-out titles).
LEVEL_PENALTY = 0.2  # per EQF level between the qualification and the occupation's usual one
TEACHING_FACTOR = 0.6  # a teaching occupation (ISCO 23) for a title that does not name teaching
# An occupation ESCO files under another that is also a candidate (industrial cook under
# cook, specialist nurse under nurse) gives way to it unless its link is clearly stronger:
# a qualification names a trade, rarely one of its specialisations. Chosen on the
# development set's 479 occupation statements and mentions (Acc@1 0.612 -> 0.633).
SPECIALISATION_FACTOR = 0.8
SUITS_DEPTH = 10  # occupations weighed before the best `top_k` are kept
# A field of study or trade the title names ("ليسانس حقوق": law) gives its occupations the
# best score of the title's links (at least the threshold), and puts them before what
# linking the title alone finds (a field's later occupations a little behind its first).
# Chosen on the development set's qualification mentions
# (training/data/qualification_mentions.csv); BENCHMARKS.md has the figures.
FIELD_FACTOR = 1.5
FIELD_ORDER = 0.95

# The EQF level an occupation usually needs, from its ISCO-08 major group (skill level).
ISCO_TYPICAL_EQF = {"1": 6, "2": 6, "3": 5, "4": 4, "5": 3, "6": 3, "7": 4, "8": 3, "9": 2,
                    "0": 4}


def school_certificate(title: str) -> bool:
    """A certificate of general education (Abitur, "دیپلوم لیسه", 高中毕业证): it names
    no occupation, and none is to be chosen for it."""
    return infer_type(title) in GENERAL_EDUCATION


def typical_eqf(occupation: Concept) -> int | None:
    return ISCO_TYPICAL_EQF.get(occupation.isco_code[:1]) if occupation.isco_code else None


def experience_confidence(years: float) -> float:
    return round(EXPERIENCE_MAX * (1 - math.exp(-years / EXPERIENCE_YEARS_SCALE)), 4)


def eqf_level(q: QualificationFields, table: EqfTable, estimator: EqfLevelEstimator | None,
              model_first: float = MODEL_FIRST, grammar: Grammar | None = None,
              ) -> dict[str, Any]:
    """The EQF level with the evidence for it; `method` says where it came from: the given
    level, a reference-table row, the grammar (a framework level, a worker's grade, a
    professional body: `grammar`; a degree or certificate name with its duration and the
    origin country's framework: `type_and_duration`), the text model (when at least
    `model_first` sure and surer than the grammar), the text model alone (at least
    `MODEL_LAST` sure), or duration. "unknown" only when no word bears on the level."""
    if q.eqf_level is not None:
        return {"level": q.eqf_level, "method": "given", "estimated": False}
    hit = table.lookup(q.country, q.title)
    if hit is not None:
        return _table_answer(*hit)
    if q.type:
        return _given_type(q.type, q.duration_years)
    reading = (grammar or shipped_grammar()).read(q.title, q.country, q.duration_years)
    if estimator is not None:
        proba = estimator.predict_proba([q.title])[0]
        best = int(np.argmax(proba))
        sure = float(proba[best])
        if (sure >= model_first and (reading is None or sure > reading.confidence)) or (
                reading is None and sure >= MODEL_LAST):
            return {"level": int(estimator.classes_[best]), "method": "text_model",
                    "estimated": True, "confidence": round(sure, 3),
                    "evidence": {"probability": round(sure, 3)}}
    if reading is not None:
        return _grammar_answer(reading)
    return {"level": None, "method": "unknown", "estimated": True,
            "evidence": {"rule": "no table entry, and no word of the title bears on the "
                         "level (no degree, certificate, framework level, grade or duration)"}}


def _table_answer(entry: EqfEntry, score: float, levels: list[int]) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "source": entry.source, "country": entry.country,
        "qualification": entry.qualification, "native_title": entry.native_title,
        "match": round(score / 100, 3)}
    if len(levels) > 1:
        evidence["levels_in_table"] = levels
        evidence["note"] = "the table lists this title at several levels; the lowest"
    return {"level": entry.eqf_level, "method": "table", "estimated": False,
            "evidence": evidence}


def _given_type(qtype: str, years: float | None) -> dict[str, Any]:
    """The type as given, adjusted by the duration (the type and duration rules)."""
    level, rule = estimate_level(qtype, years) or (None, "")
    return {"level": level, "method": "type_and_duration", "estimated": True,
            "evidence": {"type": qtype, "type_from": "given", "duration_years": years,
                         "rule": rule}}


def _grammar_answer(reading: Reading) -> dict[str, Any]:
    evidence = reading.evidence()
    if reading.kind == "type" and reading.qtype:
        evidence = {"type": reading.qtype, "type_from": "title",
                    "duration_years": evidence.pop("duration_years", None), **evidence}
        method = "type_and_duration"
    else:
        method = "grammar" if reading.words else "duration"
    return {"level": reading.level, "method": method, "estimated": True,
            "confidence": round(reading.confidence, 3), "evidence": evidence}


class Recogniser:
    def __init__(self, concepts: Concepts, table: EqfTable, profile: RegulationProfile,
                 estimator: EqfLevelEstimator | None = None,
                 model_first: float = MODEL_FIRST, fields: StudyFields | None = None) -> None:
        self.concepts = concepts
        self.fields = fields or shipped_fields()
        self.table = table
        self.profile = profile
        self.estimator = estimator
        self.model_first = model_first
        self._home: Destination | None = None

    @classmethod
    def fitted(cls, concepts: Concepts, entries: list[EqfEntry], country: str,
               estimator: EqfLevelEstimator | None = None) -> Recogniser:
        """A recogniser over these table rows, its text model fitted on them, or
        `estimator` when given (the shipped one, fitted on the same rows)."""
        if estimator is None:
            titles, levels = training_rows(entries)
            if len(set(levels)) >= 2:
                estimator = EqfLevelEstimator().fit(titles, levels)
        return cls(concepts, EqfTable(entries), RegulationProfile(country), estimator)

    def destination(self, country: str | None = None) -> Destination:
        """The destination country asked for (refused naming the supported ones when
        there is none such), else the setting's, whose profile is `self.profile`."""
        if self._home is None:
            self._home = Destination(self.profile.country, profile=self.profile)
        return destination_of(country or self.profile.country, self._home)

    def eqf(self, q: QualificationFields) -> dict[str, Any]:
        """The level with the evidence for it; `method` says where it came from."""
        return eqf_level(q, self.table, self.estimator, self.model_first)

    def occupations(self, title: str, lang: str | None, top_k: int = 3,
                    level: int | None = None) -> list[tuple[str, float]]:
        """Occupations for the whole title, for its core (generic qualification words
        removed) and for the fields of study it names, each with its best score, ordered
        by that score weighed by how well the occupation suits a qualification of EQF
        `level` (`suits`), by whether a named field leads to it, and by whether it is a
        specialisation of another candidate. The scores stay the linking scores (a named
        field's occupations as high as the best of them, at least the threshold): how sure
        the link is does not change with the order."""
        best: dict[str, float] = {}
        exact: dict[str, str] = {}  # occupation -> the label it was found by, as written
        core = core_title(title)
        for text in dict.fromkeys([title] + ([core] if core and core != fold(title) else [])):
            for m in self.concepts.normalizer.link_occupations(
                    text, lang, top_k=max(top_k, SUITS_DEPTH), abstain=False):
                best[m.concept] = max(best.get(m.concept, 0.0), m.score)
                if m.method == "exact" and m.matched_label:
                    exact.setdefault(m.concept, fold(m.matched_label))
        work = shipped_grammar().work_level(title)
        if work is not None and level is not None:
            level = min(level, work)  # a Meister electrician is an electrician
        found = self.fields.find(title)
        teacher = names_teacher(fold(title), [(f.start, f.end) for f in found
                                              if not f.field.has_teachers])
        from_field = self._field_occupations(found, level, teacher)
        named = self._specialisations_named(from_field, exact)
        if from_field:
            floor = max([self.concepts.occupation_threshold(title), *best.values()])
            for uri in from_field:  # as sure as of any link, and trusted
                best[uri] = max(best.get(uri, 0.0), floor)
        teaching = any(word in fold(title) for word in TEACHING_WORDS)
        above = self.concepts.taxonomy.above
        specialised = {uri for uri in best if above(uri) & best.keys()} - named
        return sorted(best.items(), key=lambda kv: -kv[1] * self.suits(kv[0], level, teaching)
                      * (SPECIALISATION_FACTOR if kv[0] in specialised else 1.0)
                      * from_field.get(kv[0], (1.0, ""))[0])[:top_k]

    def _field_occupations(self, found: tuple[NamedField, ...], level: int | None,
                           teacher: bool) -> dict[str, tuple[float, str]]:
        """The occupations the title's fields lead to (those in this taxonomy, and those
        a field names only from an EQF level when the title is at it), each with the
        factor its place in the field's list gives it and the words that named it. Where
        the title names a teacher, a field's teachers lead and its other occupations come
        after them ("معلم رياضيات": a mathematics teacher, not a mathematician); a field
        with no teachers stands ("معلم" is also a master craftsman: "معلم حلويات")."""
        known = self.concepts.taxonomy.concepts
        out: dict[str, tuple[float, str]] = {}
        for field in found:
            usable = [lead for lead in field.field.occupations if lead.uri in known and (
                lead.from_eqf is None or (level is not None and level >= lead.from_eqf))]
            taught = teacher and any(lead.teaching for lead in usable)
            leads = [lead.uri for lead in usable if lead.teaching == taught]
            for i, uri in enumerate(leads):
                factor = FIELD_FACTOR * FIELD_ORDER ** i
                if factor > out.get(uri, (0.0, ""))[0]:
                    out[uri] = (factor, field.words)
            for lead in usable if taught else ():
                out.setdefault(lead.uri, (TEACHING_FACTOR, field.words))
        return out

    def _specialisations_named(self, from_field: dict[str, tuple[float, str]],
                               exact: dict[str, str]) -> set[str]:
        """A specialisation the title names by a label of its own ("Fachapotheker für
        klinische Pharmazie": specialist pharmacist, filed under pharmacist) stands in for
        its field's occupation, with no specialisation's discount; not one found by the
        field's words or by a label the field's occupation shares ("berber", "електрик").
        Returns those that stand in."""
        taxonomy = self.concepts.taxonomy
        named: set[str] = set()
        for uri, label in exact.items():
            for field_uri in taxonomy.above(uri) & from_field.keys():
                shared = {fold(lb.text) for lb in taxonomy.concepts[field_uri].labels}
                if uri not in from_field and label not in shared \
                        and label not in from_field[field_uri][1]:
                    from_field[uri] = from_field.pop(field_uri)
                    named.add(uri)
        return named

    def suits(self, occupation: str, level: int | None, teaching: bool) -> float:
        """How well an occupation suits a qualification: less the further its usual EQF
        level lies from the qualification's (a bachelor of pharmacy makes a pharmacist, not
        a pharmacy technician), and less for a teaching occupation when the title does not
        name teaching (nor a pharmacy lecturer)."""
        concept = self.concepts.taxonomy.concepts[occupation]
        factor = 1.0
        usual = typical_eqf(concept)
        if level is not None and usual is not None:
            factor *= max(0.0, 1.0 - LEVEL_PENALTY * abs(usual - level))
        if concept.isco_code.startswith("23") and not teaching:
            factor *= TEACHING_FACTOR
        return factor

    def certainty(self, ranked: list[tuple[str, float]], title: str) -> str | None:
        """"high" when the best occupation for `title` passes the linking threshold;
        "low" when it stands clearly above the next one (LOW_MARGIN times its score);
        else None."""
        if not ranked:
            return None
        threshold = self.concepts.occupation_threshold(title)
        if ranked[0][1] >= threshold:
            return "high"
        if school_certificate(title):
            return None  # no guess at an occupation
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

    def recognise(self, q: QualificationFields, lang: str | None = None,
                  years_practice: float = 0.0, destination: str | None = None,
                  ) -> dict[str, Any]:
        """All of it for one qualification; regulation and the recognition procedure for
        `destination` (a country code), else for the setting's country."""
        label_lang = lang or "en"
        where = self.destination(destination)
        eqf = self.eqf(q)
        ranked = self.occupations(q.title, lang, level=eqf["level"])
        content_skills: dict[str, float] = {}
        if q.content:
            for link in self.concepts.link_skills([q.content])[0]:
                content_skills[link.uri] = max(content_skills.get(link.uri, 0.0), link.score)
        out: dict[str, Any] = {
            "title": q.title, "country": q.country, "eqf": eqf,
            "reference_occupations": [
                {"id": uri, "label": self.concepts.label(uri, label_lang),
                 "confidence": round(score, 4)} for uri, score in ranked]}
        fields = self.fields.find(q.title)
        if fields:  # what the title says it studied: the evidence for a field's occupation
            out["fields_of_study"] = [{"field": f.field.id, "words": f.words} for f in fields]
        certainty = self.certainty(ranked, q.title)
        if certainty is None:
            out["note"] = ("no occupation matches this title clearly (a general-education "
                           "certificate, or a title to state more precisely)")
            return out
        occupation = ranked[0][0]
        out["reference_occupation"] = {"id": occupation, "certainty": certainty}
        concept = self.concepts.taxonomy.concepts[occupation]
        typical = typical_eqf(concept)
        out["regulation"] = where.profile.check(concept)
        out["procedure"] = where.procedure(concept, out["regulation"]["regulated"])
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
