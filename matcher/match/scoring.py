"""How well a candidate fits a vacancy: the one place where the score is defined.

    score = Σ weight_f · feature_f / Σ weight_f, every feature in [0, 1]:

    essential   mean credit over the vacancy's essential skills
    optional    mean credit over its optional skills
    aptitude    mean over the essential skills of the best *related or transferable* skill
                the candidate has (vector similarity, from 0 at cosine 0.35 to 1 at 0.8;
                at least the skill's credit)
    semantic    cosine of the candidate's and the vacancy's profile vectors (clipped at 0)
    experience  years in the vacancy's occupation (full credit from 3 years; a qualification
                in it counts as 0.8; the same ISCO unit group earns half)
    language    1 − (CEFR steps missing over all required languages) / 3, floored at 0
    distance    1 − km / the candidate's travel radius

A skill's credit is the confidence of its best evidence when the candidate has it
(coach-verified 1, self-declared 0.8, from a qualification or work experience as
`matcher.recognition` derives it), else partial credit for the closest skill they have:
0.5 for a neighbour in the hierarchy (broader, narrower, sibling), or up to 0.5 by vector
similarity (from 0 at cosine 0.6 to 0.5 at cosine 0.9), times that skill's confidence. A
language skill of ESCO ("German", "write German") is credited from the candidate's stated
level of the language when that gives more (`LANGUAGE_CREDIT`: B1 0.7, C1 1). A
vacancy with no essential skills gives full credit for that feature; one with no optional
skills leaves the optional feature out of the mean (its weight is 0 for that pair).

Weights differ by kind of vacancy (`WEIGHTS`): a job wants coverage; an apprenticeship
teaches the skills, so it weighs aptitude; a placement (learning on the job) ranks by
aptitude even more. Language and distance weigh 0.1 for every kind: at 0.2 each (the first
weights), a nearby apprenticeship in an unrelated trade outranked a job whose essential
skills the candidate half had — the scale benchmark showed it.

Hard gates come before any score (`gate`): prerequisites, minimum EQF level, the language
level of an apprenticeship, and formal recognition for a regulated occupation. `training/`
can fit other weights; `MATCHER_MATCH_WEIGHTS` loads them (JSON: kind -> feature ->
weight; a feature the file leaves out keeps its built-in weight for that kind, and the log
says so, so adding a feature breaks no weights file).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matcher.concepts import Concepts
from matcher.domain import (
    CEFR_LEVELS,
    EVIDENCED,
    CandidateFacts,
    SkillCredit,
    VacancyFacts,
    cefr_rank,
    km_between,
)
from matcher.match.credits import skill_credits
from skills_taxonomy.errors import InvalidInputError

FEATURES = ("essential", "optional", "aptitude", "semantic", "experience", "language",
            "distance")
WEIGHTS: dict[str, dict[str, float]] = {
    "job": {"essential": 0.40, "optional": 0.10, "aptitude": 0.0, "semantic": 0.15,
            "experience": 0.15, "language": 0.10, "distance": 0.10},
    "apprenticeship": {"essential": 0.15, "optional": 0.0, "aptitude": 0.40, "semantic": 0.20,
                       "experience": 0.05, "language": 0.10, "distance": 0.10},
    "placement": {"essential": 0.10, "optional": 0.0, "aptitude": 0.50, "semantic": 0.20,
                  "experience": 0.0, "language": 0.10, "distance": 0.10},
}
APTITUDE_FROM, APTITUDE_FULL = 0.35, 0.8
# EVIDENCED (from matcher.domain): an essential skill credited below it is missing,
# and course plans close it. PARTIAL_CREDIT, SIMILAR_FROM/FULL and LANGUAGE_CREDIT live
# with the credits they define (`matcher.match.credits`).
EXPERIENCE_FULL_YEARS = 3.0
QUALIFICATION_CREDIT = 0.8
LANGUAGE_STEPS = 3.0

log = logging.getLogger(__name__)


def read_weights(path: Path) -> tuple[dict[str, dict[str, float]], dict[str, list[str]]]:
    """The weights in a JSON file (kind -> feature -> weight), and per kind the features
    the file leaves out: those take the built-in weight for that kind (`WEIGHTS`), so a
    file written before a feature was added still loads. Every kind must be given; an
    unknown kind or feature, or a weight that is not a non-negative number, is refused
    with an error naming the file, the kind and the feature."""
    where = f"match weights {path}"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"{where}: cannot read JSON ({exc})") from exc
    if not isinstance(data, dict) or set(data) != set(WEIGHTS):
        raise InvalidInputError(f"{where}: expected one object per kind: {', '.join(WEIGHTS)}"
                                + (f" (found {', '.join(map(str, data))})"
                                   if isinstance(data, dict) else ""))
    weights: dict[str, dict[str, float]] = {}
    defaulted: dict[str, list[str]] = {}
    for kind in WEIGHTS:
        given = data[kind]
        if not isinstance(given, dict):
            raise InvalidInputError(f"{where}: {kind}: expected an object of feature -> "
                                    f"weight, not {type(given).__name__}")
        for feature, weight in given.items():
            if feature not in FEATURES:
                raise InvalidInputError(f"{where}: {kind}: {feature}: unknown feature "
                                        f"(known: {', '.join(FEATURES)})")
            if isinstance(weight, bool) or not isinstance(weight, int | float) \
                    or not math.isfinite(weight):
                raise InvalidInputError(f"{where}: {kind}: {feature}: weight {weight!r} is "
                                        "not a number")
            if weight < 0:
                raise InvalidInputError(f"{where}: {kind}: {feature}: weight {weight!r} is "
                                        "negative")
        missing = [f for f in FEATURES if f not in given]
        if missing:
            defaulted[kind] = missing
        weights[kind] = {f: float(given[f]) if f in given else WEIGHTS[kind][f]
                         for f in FEATURES}
        if sum(weights[kind].values()) <= 0:
            raise InvalidInputError(f"{where}: {kind}: all weights are 0")
    return weights, defaulted


def defaults_note(path: Path, defaulted: dict[str, list[str]]) -> str:
    """What a reader of the log should know about features a weights file leaves out."""
    return f"match weights {path}: built-in weights for features the file does not give: " \
        + "; ".join(f"{kind}: " + ", ".join(f"{f} {WEIGHTS[kind][f]:g}" for f in features)
                    for kind, features in defaulted.items())


def load_weights(path: Path | None) -> dict[str, dict[str, float]]:
    """Weights per kind of vacancy: the built-in ones, or a JSON file of the same shape
    (`read_weights`; features it leaves out take their built-in weight, and the log says
    so)."""
    if path is None:
        return {kind: dict(w) for kind, w in WEIGHTS.items()}
    weights, defaulted = read_weights(path)
    if defaulted:
        log.warning(defaults_note(path, defaulted))
    return weights


@dataclass
class Scored:
    score: float
    features: dict[str, float]
    credits: list[SkillCredit]  # essential first, then optional
    n_essential: int
    language_gap: list[dict[str, str | None]]
    distance_km: float
    kind: str = "job"
    weights: dict[str, float] = field(default_factory=dict)  # as applied to this pair


def _mean(values: list[float]) -> float:
    """The mean; 1.0 for nothing asked (full credit when a vacancy lists no skill)."""
    return sum(values) / len(values) if values else 1.0


def gate(cand: CandidateFacts, vac: VacancyFacts, strict_recognition: bool = True,
         ) -> str | None:
    """None when the candidate may be matched to the vacancy at all; else the reason."""
    for skill in vac.prerequisites:
        if cand.strength(skill) < EVIDENCED:
            return f"prerequisite missing: {skill}"
    if vac.min_eqf is not None and (cand.max_eqf or 0) < vac.min_eqf:
        return f"needs a qualification at EQF {vac.min_eqf} or above"
    if vac.kind == "apprenticeship":
        for lang, level in vac.languages.items():
            if cefr_rank(cand.languages.get(lang)) < cefr_rank(level):
                return f"needs {lang} {level}"
    if vac.regulated and vac.occupation not in cand.recognised:
        pending = vac.occupation in cand.recognition_pending
        if strict_recognition and not (vac.accepts_in_process and pending):
            return "regulated occupation: needs full recognition of a qualification"
        if not strict_recognition and not pending:
            return "regulated occupation: no recognition applied for"
    return None


GATES = {"prerequisite missing": "prerequisite", "needs a qualification": "qualification_level",
         "needs ": "language", "regulated occupation": "recognition"}


def gate_code(reason: str) -> str:
    """What kind of gate a `gate` reason is: prerequisite, qualification_level (EQF),
    language (an apprenticeship's level) or recognition."""
    return next(code for prefix, code in GATES.items() if reason.startswith(prefix))


class Scorer:
    def __init__(self, concepts: Concepts,
                 weights: dict[str, dict[str, float]] | None = None) -> None:
        self.concepts = concepts
        self.weights = weights or {kind: dict(w) for kind, w in WEIGHTS.items()}

    def credits(self, wanted: list[str], cand: CandidateFacts) -> tuple[
            list[SkillCredit], list[float]]:
        """Credit for each wanted skill given the candidate's skills, and each wanted
        skill's best cosine to any of them (what aptitude reads). Memoised per candidate."""
        memo = cand.credit_memo
        if not memo.keys() >= set(wanted):
            self.warm(wanted, [cand])
        return [memo[s][0] for s in wanted], [memo[s][1] for s in wanted]

    def warm(self, wanted: list[str], cands: list[CandidateFacts]) -> None:
        """Fill each candidate's memo with the credits of the wanted skills it lacks: all
        candidates in one matrix product (`matcher.match.credits`)."""
        asked = set(wanted)
        todo = [c for c in cands if not c.credit_memo.keys() >= asked]
        new = [s for s in dict.fromkeys(wanted) if not all(s in c.credit_memo for c in todo)]
        if not new:
            return
        for cand, (credits, cosines) in zip(todo, skill_credits(self.concepts, new, todo),
                                             strict=True):
            memo = cand.credit_memo
            for skill, credit, cosine in zip(new, credits, cosines, strict=True):
                memo.setdefault(skill, (credit, cosine))

    def experience(self, occupation: str | None, cand: CandidateFacts) -> float:
        if not occupation:
            return 0.0
        best = min(1.0, cand.experience.get(occupation, 0.0) / EXPERIENCE_FULL_YEARS)
        if occupation in cand.qualified:
            best = max(best, QUALIFICATION_CREDIT)
        group = self._isco(occupation)
        if group and best < 0.5:
            for other, years in cand.experience.items():
                if other != occupation and self._isco(other) == group:
                    best = max(best, 0.5 * min(1.0, years / EXPERIENCE_FULL_YEARS))
            if any(self._isco(q) == group for q in cand.qualified if q != occupation):
                best = max(best, 0.5 * QUALIFICATION_CREDIT)
        return best

    def _isco(self, occupation: str) -> str:
        concept = self.concepts.taxonomy.concepts.get(occupation)
        return concept.isco_code[:4] if concept and len(concept.isco_code) >= 4 else ""

    @staticmethod
    def language(required: dict[str, str], has: dict[str, str],
                 ) -> tuple[float, list[dict[str, str | None]]]:
        steps, gaps = 0, []
        for lang, level in sorted(required.items()):
            missing = cefr_rank(level) - cefr_rank(has.get(lang))
            if missing > 0:
                steps += missing
                gaps.append({"lang": lang, "required": level, "has": has.get(lang)})
        return max(0.0, 1.0 - steps / LANGUAGE_STEPS), gaps

    def score_all(self, cand: CandidateFacts, vacancies: list[VacancyFacts],
                  ) -> list[Scored]:
        """Score one candidate against many vacancies: the credits of every skill they
        ask for come from one matrix product, then each pair is a few lookups."""
        self.warm([s for v in vacancies for s in v.essential + v.optional], [cand])
        return [self.score(cand, v) for v in vacancies]

    def score_candidates(self, cands: list[CandidateFacts], vac: VacancyFacts,
                         ) -> list[Scored]:
        """Score many candidates against one vacancy: the credits of all of them come
        from one matrix product of the vacancy's skills against every candidate's skills
        stacked (`matcher.match.credits`), then each pair is a few lookups — the same
        score each would get alone."""
        self.warm(vac.essential + vac.optional, cands)
        return [self.score(c, vac) for c in cands]

    def score(self, cand: CandidateFacts, vac: VacancyFacts) -> Scored:
        credits, best_cos = self.credits(vac.essential + vac.optional, cand)
        ess, opt = credits[:len(vac.essential)], credits[len(vac.essential):]
        aptitude = [max(c.credit, min(1.0, max(0.0, (cos - APTITUDE_FROM)
                                                / (APTITUDE_FULL - APTITUDE_FROM))))
                    for c, cos in zip(ess, best_cos[:len(ess)], strict=True)]
        language, gaps = self.language(vac.languages, cand.languages)
        km = km_between(cand.lat, cand.lon, vac.lat, vac.lon)
        semantic = 0.0
        if cand.vector is not None and vac.vector is not None:
            semantic = max(0.0, float(np.dot(cand.vector, vac.vector)))
        features = {
            "essential": _mean([c.credit for c in ess]),
            "optional": _mean([c.credit for c in opt]),
            "aptitude": _mean(aptitude),
            "semantic": semantic,
            "experience": self.experience(vac.occupation, cand),
            "language": language,
            "distance": max(0.0, 1.0 - km / max(cand.radius_km, 1.0)),
        }
        weights = dict(self.weights[vac.kind])
        if not opt:
            weights["optional"] = 0.0  # nothing optional asked: the feature does not apply
        score = sum(weights[f] * features[f] for f in FEATURES) / sum(weights.values())
        return Scored(round(score, 4), {k: round(v, 4) for k, v in features.items()},
                      credits, len(vac.essential), gaps, round(km, 1), vac.kind, weights)

    def explain(self, scored: Scored, cand: CandidateFacts, lang: str = "en",
                with_evidence: bool = True) -> dict[str, object]:
        """The breakdown a coach reads: each feature's value, weight and contribution; the
        matched skills with how the candidate evidences them (`partial` when credited
        through another skill); what essential skills are missing (credited below
        EVIDENCED, with any partial credit — listed there only, not also as matched); the
        language gap; the distance."""
        weights = scored.weights or self.weights[scored.kind]
        total = sum(weights.values())
        breakdown = {f: {"value": scored.features[f], "weight": weights[f],
                         "contribution": round(weights[f] * scored.features[f] / total, 4)}
                     for f in FEATURES}
        matched, missing = [], []
        for i, credit in enumerate(scored.credits):
            essential = i < scored.n_essential
            source: dict[str, object] = {}
            if credit.via != "exact" and credit.matched:
                source = {"candidate_skill": credit.matched,
                          "candidate_skill_label": self.concepts.label(credit.matched, lang)}
            if credit.credit < EVIDENCED and essential:
                # missing, and the course plan closes it; any partial credit is shown here,
                # and the skill is not listed as matched as well
                missing.append({"skill": credit.skill,
                                "label": self.concepts.label(credit.skill, lang),
                                **({"partial_credit": credit.credit, "via": credit.via,
                                    **source} if credit.credit else {})})
                continue
            if credit.credit <= 0:
                continue
            item: dict[str, object] = {
                "skill": credit.skill, "label": self.concepts.label(credit.skill, lang),
                "essential": essential, "credit": credit.credit, "via": credit.via,
                **({"partial": True} if credit.via not in ("exact", "language")
                   or credit.credit < EVIDENCED else {}), **source}
            if credit.via == "language":  # the level the candidate stated
                lang = self.concepts.language_skills[credit.skill]
                item["evidence"] = [{"source": "language", "confidence": credit.credit,
                                     **({"evidence": f"{lang} {cand.languages[lang]}"}
                                        if with_evidence else {})}]
            if credit.matched:
                item["evidence"] = [
                    {"source": e.source, "confidence": round(e.confidence, 4),
                     **({"evidence": e.evidence} if with_evidence else {})}
                    for e in cand.skills.get(credit.matched, [])]
            matched.append(item)
        return {"score": scored.score, "breakdown": breakdown, "matched_skills": matched,
                "missing_essential": missing, "language_gap": scored.language_gap,
                "distance_km": scored.distance_km}

    def gaps(self, scored: Scored) -> list[str]:
        """Essential skills credited below EVIDENCED: what a course plan should close."""
        return [c.skill for c in scored.credits[:scored.n_essential] if c.credit < EVIDENCED]


__all__ = ["CEFR_LEVELS", "EVIDENCED", "FEATURES", "WEIGHTS", "Scored", "Scorer",
           "defaults_note", "gate", "gate_code", "load_weights", "read_weights"]
