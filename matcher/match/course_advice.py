"""Courses for one candidate: the shortest plan that closes their gap to a vacancy or an
occupation (saying which courses they cannot take, and why), and the courses that teach
what their target occupations require."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from matcher.domain import CandidateFacts, VacancyFacts
from matcher.errors import NotFoundError
from matcher.match.course_plan import plan_courses, why_not
from matcher.match.explanations import Explainer, usable_courses
from matcher.store.courses import load_courses_teaching
from matcher.store.vacancies import load_vacancy_facts
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind


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
                    targets: list[str], lang: str, today: dt.date) -> list[dict[str, Any]]:
        """Courses the candidate can take that teach what the target occupations require
        and they lack, most relevant first."""
        need: dict[str, list[str]] = {}
        for occ in targets:
            for s in self.concepts.essential_skills(occ):
                if s not in cand.skills:
                    need.setdefault(s, []).append(occ)
        out: list[dict[str, Any]] = []
        for c in load_courses_teaching(conn, list(need)):
            if why_not(c, cand.languages, cand.lat, cand.lon, cand.radius_km, today):
                continue
            closes = sorted(c.skills & set(need))
            relevance = len(closes) / max(1, len(need))
            out.append({**c.summary(today), "relevance": round(relevance, 4), "closes": [
                {"skill": s, "label": self.concepts.label(s, lang),
                 "for_occupations": [self.concepts.label(o, lang) for o in need[s]]}
                for s in closes]})
        out.sort(key=lambda c: (-c["relevance"], c["duration_weeks"], c["id"]))
        return out
