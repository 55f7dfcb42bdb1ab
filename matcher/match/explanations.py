"""A match in plain words: what is missing (the gaps a course plan must close), where
recognition stands for a regulated occupation, and a course plan with labels and notes.
Also which courses a candidate can actually take."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from matcher.concepts import Concepts
from matcher.domain import (
    CandidateFacts,
    CourseFacts,
    Evidence,
    VacancyFacts,
    recognised_occupation,
    recognition_skill,
)
from matcher.match.course_plan import Plan, why_not
from matcher.match.scoring import Scored, Scorer
from matcher.recognition.regulation import RegulationProfile


def usable_courses(courses: list[CourseFacts], cand: CandidateFacts, today: dt.date,
                   ) -> list[CourseFacts]:
    """The courses this candidate can take; a compensation measure only when it is the
    measure their partial recognition names."""
    out = []
    for c in courses:
        if why_not(c, cand.languages, cand.lat, cand.lon, cand.radius_km, today):
            continue
        if c.measure and not any(cand.compensation.get(recognised_occupation(s) or "")
                                 == c.measure for s in c.skills):
            continue
        out.append(c)
    return out


def after_courses(cand: CandidateFacts, learned: set[str]) -> CandidateFacts:
    """The candidate as they will be once they have learned these skills."""
    skills = {k: list(v) for k, v in cand.skills.items()}
    for skill in learned:
        if recognised_occupation(skill) is None:
            skills.setdefault(skill, []).append(Evidence("course", "after the plan", 1.0))
    return replace(cand, skills=skills)


class Explainer:
    """Views of gaps, recognition and course plans, labelled in the reader's language."""

    def __init__(self, concepts: Concepts, scorer: Scorer,
                 profile: RegulationProfile) -> None:
        self.concepts = concepts
        self.scorer = scorer
        self.profile = profile

    def gaps(self, cand: CandidateFacts, vac: VacancyFacts, scored: Scored) -> list[str]:
        """What a course plan must close: missing essential skills, and the compensation
        measure when the vacancy's occupation is regulated and only partly recognised."""
        missing = self.scorer.gaps(scored)
        occupation = vac.occupation
        if vac.regulated and occupation and occupation not in cand.recognised and \
                occupation in cand.compensation:
            missing.append(recognition_skill(occupation))
        return missing

    def recognition_view(self, cand: CandidateFacts, vac: VacancyFacts, lang: str,
                         ) -> dict[str, Any] | None:
        if not vac.regulated or not vac.occupation:
            return None
        occupation = vac.occupation
        status = ("full" if occupation in cand.recognised else
                  "partial" if occupation in cand.compensation else
                  "applied" if occupation in cand.recognition_pending else "none")
        concept = self.concepts.taxonomy.concepts.get(occupation)
        return {"regulated": True, "occupation": self.concepts.label(occupation, lang),
                "status": status, "compensation": cand.compensation.get(occupation),
                **({"rules": self.profile.check(concept)} if concept else {})}

    def skill_label(self, skill: str, lang: str) -> str:
        occupation = recognised_occupation(skill)
        if occupation is not None:
            return f"compensation measure for {self.concepts.label(occupation, lang)}"
        return self.concepts.label(skill, lang)

    def plan_view(self, plan: Plan, lang: str, today: dt.date,
                  excluded: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
        view: dict[str, Any] = {
            "complete": plan.complete, "exact": plan.exact, "total_weeks": plan.total_weeks,
            "courses": [{**c.summary(today), "closes": [
                {"skill": s, "label": self.skill_label(s, lang)} for s in plan.covers[c.id]]}
                for c in plan.courses],
            "uncovered": [{"skill": s, "label": self.skill_label(s, lang),
                           **({"courses_not_open_to_you": excluded[s]}
                              if excluded and excluded.get(s) else {})}
                          for s in plan.uncovered],
        }
        if not plan.complete:
            view["note"] = ("no plan closes the whole gap: no available course teaches "
                            f"{len(plan.uncovered)} of the missing skill(s)")
        elif not plan.courses:
            view["note"] = "nothing to close: no essential skill is missing"
        return view
