"""How well a candidate fits a vacancy: the one place where the score is defined.

    score = Σ weight_f · feature_f / Σ weight_f, every feature in [0, 1]:

    essential   mean credit over the vacancy's essential skills
    optional    mean credit over its optional skills
    semantic    cosine of the candidate's and the vacancy's profile vectors (clipped at 0)
    experience  years in the vacancy's occupation (full credit from 3 years; a qualification
                in it counts as 0.8; the same ISCO unit group earns half)
    language    1 − (CEFR steps missing over all required languages) / 3, floored at 0
    distance    1 − km / the candidate's travel radius

A skill's credit is 1 when the candidate has it, else partial credit for the closest skill
they have: 0.5 for a neighbour in the hierarchy (broader, narrower, sibling), or up to
0.5 by vector similarity (from 0 at cosine 0.6 to 0.5 at cosine 0.9). A vacancy with no
essential (optional) skills gives full credit for that feature.

The weights are defaults; `training/` can fit others and `MATCHER_MATCH_WEIGHTS` loads
them (a JSON object with these six keys).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matcher.concepts import Concepts
from matcher.profiles import CEFR_LEVELS, cefr_rank
from skills_taxonomy.errors import InvalidInputError

FEATURES = ("essential", "optional", "semantic", "experience", "language", "distance")
DEFAULT_WEIGHTS: dict[str, float] = {
    "essential": 0.40, "optional": 0.10, "semantic": 0.15,
    "experience": 0.15, "language": 0.10, "distance": 0.10,
}
PARTIAL_CREDIT = 0.5
SIMILAR_FROM, SIMILAR_FULL = 0.6, 0.9
EXPERIENCE_FULL_YEARS = 3.0
QUALIFICATION_CREDIT = 0.8
LANGUAGE_STEPS = 3.0


def load_weights(path: Path | None) -> dict[str, float]:
    if path is None:
        return dict(DEFAULT_WEIGHTS)
    try:
        weights = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"match weights {path}: cannot read JSON ({exc})") from exc
    if not isinstance(weights, dict) or set(weights) != set(FEATURES) or not all(
            isinstance(w, int | float) and w >= 0 for w in weights.values()):
        raise InvalidInputError(
            f"match weights {path}: expected non-negative numbers for exactly {FEATURES}")
    if sum(weights.values()) <= 0:
        raise InvalidInputError(f"match weights {path}: all weights are 0")
    return {k: float(v) for k, v in weights.items()}


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, the same formula as the SQL function km_between."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Evidence:
    source: str
    evidence: str | None


@dataclass
class CandidateFacts:
    id: str
    lat: float
    lon: float
    radius_km: float
    skills: dict[str, list[Evidence]]
    languages: dict[str, str]
    experience: dict[str, float]  # occupation uri -> years
    qualified: set[str]  # occupation uris of their qualifications
    vector: np.ndarray | None
    organisation_id: int = 0
    town: str = ""
    permit: str = ""
    kinds: list[str] = field(default_factory=list)


@dataclass
class VacancyFacts:
    id: int
    kind: str
    title: str
    employer_id: int
    occupation: str | None
    essential: list[str]
    optional: list[str]
    languages: dict[str, str]
    lat: float
    lon: float
    town: str
    vector: np.ndarray | None
    slots: int = 1
    start_date: str | None = None


@dataclass
class SkillCredit:
    skill: str
    credit: float
    via: str  # exact | related | similar | none
    matched: str | None  # the candidate's skill that earned the credit


@dataclass
class Scored:
    score: float
    features: dict[str, float]
    credits: list[SkillCredit]  # essential first, then optional
    n_essential: int
    language_gap: list[dict[str, str | None]]
    distance_km: float


class Scorer:
    def __init__(self, concepts: Concepts, weights: dict[str, float] | None = None) -> None:
        self.concepts = concepts
        self.weights = dict(weights or DEFAULT_WEIGHTS)

    def credits(self, wanted: list[str], have: dict[str, list[Evidence]]) -> list[SkillCredit]:
        """Credit for each wanted skill given the skills a candidate has."""
        owned = list(have)
        sims = self.concepts.matrix(wanted) @ self.concepts.matrix(owned).T if owned else None
        out = []
        for i, skill in enumerate(wanted):
            if skill in have:
                out.append(SkillCredit(skill, 1.0, "exact", skill))
                continue
            best = SkillCredit(skill, 0.0, "none", None)
            near = self.concepts.related(skill)
            for mine in owned:
                if mine in near:
                    best = SkillCredit(skill, PARTIAL_CREDIT, "related", mine)
                    break
            if sims is not None:
                j = int(np.argmax(sims[i]))
                credit = PARTIAL_CREDIT * min(1.0, max(0.0, (float(sims[i, j]) - SIMILAR_FROM)
                                                       / (SIMILAR_FULL - SIMILAR_FROM)))
                if credit > best.credit:
                    best = SkillCredit(skill, round(credit, 3), "similar", owned[j])
            out.append(best)
        return out

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

    def score(self, cand: CandidateFacts, vac: VacancyFacts) -> Scored:
        credits = self.credits(vac.essential + vac.optional, cand.skills)
        ess, opt = credits[:len(vac.essential)], credits[len(vac.essential):]
        language, gaps = self.language(vac.languages, cand.languages)
        km = km_between(cand.lat, cand.lon, vac.lat, vac.lon)
        semantic = 0.0
        if cand.vector is not None and vac.vector is not None:
            semantic = max(0.0, float(np.dot(cand.vector, vac.vector)))
        features = {
            "essential": float(np.mean([c.credit for c in ess])) if ess else 1.0,
            "optional": float(np.mean([c.credit for c in opt])) if opt else 1.0,
            "semantic": semantic,
            "experience": self.experience(vac.occupation, cand),
            "language": language,
            "distance": max(0.0, 1.0 - km / max(cand.radius_km, 1.0)),
        }
        total = sum(self.weights.values())
        score = sum(self.weights[f] * features[f] for f in FEATURES) / total
        return Scored(round(score, 4), {k: round(v, 4) for k, v in features.items()},
                      credits, len(vac.essential), gaps, round(km, 1))

    def explain(self, scored: Scored, cand: CandidateFacts, lang: str = "en",
                with_evidence: bool = True) -> dict[str, object]:
        """The breakdown a coach reads: each feature's value, weight and contribution; the
        matched skills with how the candidate evidences them; what essential skills are
        missing; the language gap; the distance."""
        total = sum(self.weights.values())
        breakdown = {f: {"value": scored.features[f], "weight": self.weights[f],
                         "contribution": round(self.weights[f] * scored.features[f] / total, 4)}
                     for f in FEATURES}
        matched, missing = [], []
        for i, credit in enumerate(scored.credits):
            essential = i < scored.n_essential
            if credit.credit <= 0:
                if essential:
                    missing.append({"skill": credit.skill,
                                    "label": self.concepts.label(credit.skill, lang)})
                continue
            item: dict[str, object] = {
                "skill": credit.skill, "label": self.concepts.label(credit.skill, lang),
                "essential": essential, "credit": credit.credit, "via": credit.via}
            if credit.via != "exact" and credit.matched:
                item["candidate_skill"] = credit.matched
                item["candidate_skill_label"] = self.concepts.label(credit.matched, lang)
            if credit.matched:
                item["evidence"] = [
                    {"source": e.source, **({"evidence": e.evidence} if with_evidence else {})}
                    for e in cand.skills.get(credit.matched, [])]
            matched.append(item)
        return {"score": scored.score, "breakdown": breakdown, "matched_skills": matched,
                "missing_essential": missing, "language_gap": scored.language_gap,
                "distance_km": scored.distance_km}

    def gaps(self, scored: Scored) -> list[str]:
        """Essential skills without full credit: what a course plan should close."""
        return [c.skill for c in scored.credits[:scored.n_essential] if c.credit < 1.0]


__all__ = ["CEFR_LEVELS", "DEFAULT_WEIGHTS", "FEATURES", "CandidateFacts", "Evidence",
           "Scored", "Scorer", "SkillCredit", "VacancyFacts", "km_between", "load_weights"]
