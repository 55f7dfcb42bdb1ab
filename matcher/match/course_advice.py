"""Courses for one candidate: the shortest plan that closes their gap to a vacancy or an
occupation (saying which courses they cannot take, and why), and the courses that teach
what their target occupations require."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import psycopg

from matcher.domain import EVIDENCED, CandidateFacts, VacancyFacts
from matcher.errors import NotFoundError
from matcher.match.course_plan import plan_courses, why_not, why_not_code
from matcher.match.explanations import Explainer, usable_courses
from matcher.store.courses import load_courses_teaching
from matcher.store.vacancies import load_vacancy_facts
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind

# Why a course teaching a skill the candidate lacks is not listed.
_NOT_OPEN = {"no_seats": "no seats left", "language_level": "a higher level of the course "
             "language needed", "distance": "outside the travel radius",
             "no_start_date": "no upcoming start date"}


class CourseAdvisor:
    def __init__(self, explainer: Explainer) -> None:
        self.explainer = explainer
        self.concepts = explainer.concepts

    def target(self, conn: psycopg.Connection, cand: CandidateFacts, vacancy_id: int | None,
               occupation: str | None, lang: str) -> tuple[VacancyFacts, dict[str, Any]]:
        """A vacancy, or an occupation as a vacancy wanting its essential skills near the
        candidate; with how the answer names it."""
        if (vacancy_id is None) == (occupation is None):
            raise InvalidInputError("give exactly one of vacancy_id or occupation")
        if vacancy_id is not None:
            vac = load_vacancy_facts(conn, [vacancy_id]).get(vacancy_id)
            if vac is None:
                raise NotFoundError(f"vacancy {vacancy_id} not found")
            return vac, {"vacancy_id": vac.id, "title": vac.title}
        assert occupation is not None
        self.concepts.check(occupation, ConceptKind.OCCUPATION, "occupation")
        concept = self.concepts.taxonomy.concepts[occupation]
        vac = VacancyFacts(0, "job", "", 0, occupation,
                           self.concepts.essential_skills(occupation), [], {}, cand.lat,
                           cand.lon, cand.town, None,
                           regulated=self.explainer.profile.requires_recognition(concept))
        return vac, {"occupation": occupation, "label": self.concepts.label(occupation, lang)}

    def course_plan(self, conn: psycopg.Connection, cand: CandidateFacts,
                    vacancy_id: int | None, occupation: str | None, lang: str,
                    today: dt.date) -> dict[str, Any]:
        """The shortest plan closing the candidate's gap to a vacancy or an occupation."""
        explainer = self.explainer
        vac, target = self.target(conn, cand, vacancy_id, occupation, lang)
        missing = explainer.gaps(cand, vac, explainer.scorer.score(cand, vac))
        courses = load_courses_teaching(conn, missing)
        usable = usable_courses(courses, cand, today)
        excluded: dict[str, list[dict[str, Any]]] = {}
        for c in courses:
            reason = why_not(c, cand.languages, cand.lat, cand.lon, cand.radius_km, today)
            if c not in usable:
                for s in c.skills & set(missing):
                    excluded.setdefault(s, []).append(
                        {"id": c.id, "title": c.title,
                         "reason": reason or "not the compensation measure named"})
        plan = plan_courses(missing, usable)
        recognition = explainer.recognition_view(cand, vac, lang)
        return {"target": target, "missing_essential": [
                    {"skill": s, "label": explainer.skill_label(s, lang)} for s in missing],
                **({"recognition": recognition} if recognition else {}),
                **explainer.plan_view(plan, lang, today, excluded)}

    def courses_for(self, conn: psycopg.Connection, cand: CandidateFacts,
                    targets: list[str], lang: str, today: dt.date, short_list: int = 0,
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
        """Courses the candidate can take that teach what the target occupations require
        and they lack, most relevant first; for a list shorter than `short_list`, why it
        is short (no target, nothing missing, skills no course teaches, and how many
        courses each `why_not` reason keeps out)."""
        need: dict[str, list[str]] = {}
        for occ in targets:
            for s in self.concepts.essential_skills(occ):
                if cand.strength(s) < EVIDENCED:  # as a match counts it missing
                    need.setdefault(s, []).append(occ)
        out: list[dict[str, Any]] = []
        closed: Counter[str] = Counter()
        teaching = load_courses_teaching(conn, list(need))
        for c in teaching:
            reason = why_not(c, cand.languages, cand.lat, cand.lon, cand.radius_km, today)
            if reason:
                closed[why_not_code(reason)] += 1
                continue
            closes = sorted(c.skills & set(need))
            relevance = len(closes) / max(1, len(need))
            out.append({**c.summary(today), "relevance": round(relevance, 4), "closes": [
                {"skill": s, "label": self.concepts.label(s, lang),
                 "for_occupations": [self.concepts.label(o, lang) for o in need[s]]}
                for s in closes]})
        out.sort(key=lambda c: (-c["relevance"], c["duration_weeks"], c["id"]))
        if len(out) >= short_list:
            return out, None
        reasons: list[dict[str, Any]] = []
        if not targets:
            reasons.append({"reason": "no_target", "count": 0, "detail": (
                "no target occupation: the candidate names none in their preferences and "
                "no vacancy matches them above the relevance floor")})
        elif not need:
            reasons.append({"reason": "nothing_missing", "count": 0, "detail": (
                "the candidate has every essential skill of their target occupations "
                "(with evidence: claimed, or implied by a qualification or experience)")})
        else:
            taught = set().union(*(c.skills for c in teaching))
            untaught = [s for s in need if s not in taught]
            if untaught:
                reasons.append({"reason": "no_course_teaches", "count": len(untaught),
                                "detail": f"{len(untaught)} of the {len(need)} skills the "
                                          "candidate lacks are taught by no course"})
            reasons.extend({"reason": code, "count": n, "detail": f"{_NOT_OPEN[code]}: {n} "
                            f"course{'' if n == 1 else 's'} teaching a skill they lack"}
                           for code, n in closed.items())
        return out, reasons
