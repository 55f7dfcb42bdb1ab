"""Matching in two stages: retrieval in SQL, then exact scoring of the shortlist.

Retrieval applies the hard filters (open, kind, work permit, within the candidate's travel
radius) and shortlists the nearest neighbours of the profile vector — pgvector HNSW with
iterative scan (so filters do not starve it), or an exact ranking when fewer than
EXACT_BELOW records pass the filters — plus the nearest of the vacancies in the
occupations the candidate worked or qualified in. A profile without a vector (no skill
yet) falls back to the records sharing the most skills. `matcher.match.scoring` then scores
every shortlisted pair exactly; each match carries its breakdown, explanation and the
course plan for its gaps. The shortlist sizes and EXACT_BELOW come from the scale
benchmark (BENCHMARKS.md): without the occupation source recall@20 fell from 0.97 to 0.82
at 100,000 vacancies; the skill-overlap aggregation, once a source for every profile,
grew with the table and cost more than the recall it added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

from matcher.concepts import Concepts
from matcher.domain import (
    KINDS,
    CandidateFacts,
    CourseFacts,
    Evidence,
    VacancyFacts,
    recognised_occupation,
    recognition_skill,
)
from matcher.errors import NotFoundError
from matcher.match.course_plan import Plan, plan_courses, why_not
from matcher.match.scoring import Scored, Scorer, gate
from matcher.recognition.regulation import RegulationProfile
from matcher.store.candidates import load_facts
from matcher.store.courses import load_courses_teaching
from matcher.store.vacancies import load_vacancy_facts
from skills_taxonomy.errors import InvalidInputError
from skills_taxonomy.model import ConceptKind

SHORTLIST = 400  # nearest neighbours by profile vector; a quarter as many by occupation
MATCH_COVERAGE = 0.75  # essential coverage from which a vacancy counts as a match
KM_PER_DEGREE = 111.0

# Vacancies passing the hard filters for one candidate (bounding box first, for the index).
_VACANCY_FILTER = """
    v.is_open AND v.kind = ANY(%(kinds)s::vacancy_kind[])
    AND v.min_permit <= %(permit)s::work_permit
    AND v.lat BETWEEN %(lat_min)s AND %(lat_max)s AND v.lon BETWEEN %(lon_min)s AND %(lon_max)s
    AND km_between(%(lat)s, %(lon)s, v.lat, v.lon) <= %(radius)s
    AND (NOT v.regulated OR v.occupation_uri = ANY(%(recognised)s)
         OR ((v.accepts_in_process OR %(relaxed)s) AND v.occupation_uri = ANY(%(pending)s)))"""
VACANCIES_BY_VECTOR = f"""
    SELECT v.id FROM vacancy v WHERE {_VACANCY_FILTER}
    ORDER BY v.embedding <=> %(vec)s LIMIT %(k)s"""
# When few vacancies pass the filters, a filtered HNSW scan would walk most of the graph
# before it found k of them: count up to a bound, and below it rank them all exactly
# ("+ 0" keeps the planner off the HNSW index).
VACANCIES_IN_REACH = f"""
    SELECT count(*) FROM (SELECT 1 FROM vacancy v WHERE {_VACANCY_FILTER}
                          LIMIT %(exact_below)s) s"""
VACANCIES_BY_VECTOR_EXACT = f"""
    SELECT v.id FROM vacancy v WHERE {_VACANCY_FILTER}
    ORDER BY (v.embedding <=> %(vec)s) + 0 LIMIT %(k)s"""
EXACT_BELOW = 20_000
VACANCIES_BY_OCCUPATION = f"""
    SELECT v.id FROM vacancy v WHERE v.occupation_uri = ANY(%(occupations)s)
    AND {_VACANCY_FILTER}
    ORDER BY v.embedding <=> %(vec)s LIMIT %(k)s"""
VACANCIES_BY_SKILLS = f"""
    SELECT s.vacancy_id FROM vacancy_skill s JOIN vacancy v ON v.id = s.vacancy_id
    WHERE s.skill_uri = ANY(%(skills)s) AND {_VACANCY_FILTER}
    GROUP BY s.vacancy_id ORDER BY sum(CASE WHEN s.essential THEN 2 ELSE 1 END) DESC
    LIMIT %(k)s"""

# Candidates for one vacancy: the vacancy must lie within *their* travel radius.
_CANDIDATE_FILTER = """
    c.work_permit >= %(permit)s::work_permit
    AND (NOT c.preferences ? 'kinds' OR c.preferences -> 'kinds' ? %(kind)s)
    AND c.lat BETWEEN %(lat_min)s AND %(lat_max)s AND c.lon BETWEEN %(lon_min)s AND %(lon_max)s
    AND km_between(c.lat, c.lon, %(lat)s, %(lon)s) <= c.travel_radius_km
    AND (%(org)s::bigint IS NULL OR c.organisation_id = %(org)s)
    AND (NOT %(regulated)s OR %(occupation)s = ANY(c.recognised)
         OR (%(in_process)s AND %(occupation)s = ANY(c.recognition_pending)))"""
CANDIDATES_BY_VECTOR = f"""
    SELECT c.id FROM candidate c WHERE {_CANDIDATE_FILTER}
    ORDER BY c.embedding <=> %(vec)s LIMIT %(k)s"""
CANDIDATES_IN_REACH = f"""
    SELECT count(*) FROM (SELECT 1 FROM candidate c WHERE {_CANDIDATE_FILTER}
                          LIMIT %(exact_below)s) s"""
CANDIDATES_BY_VECTOR_EXACT = f"""
    SELECT c.id FROM candidate c WHERE {_CANDIDATE_FILTER}
    ORDER BY (c.embedding <=> %(vec)s) + 0 LIMIT %(k)s"""
CANDIDATES_BY_SKILLS = f"""
    SELECT s.candidate_id FROM candidate_skill s JOIN candidate c ON c.id = s.candidate_id
    WHERE s.skill_uri = ANY(%(skills)s) AND {_CANDIDATE_FILTER}
    GROUP BY s.candidate_id ORDER BY count(DISTINCT s.skill_uri) DESC LIMIT %(k)s"""
MAX_RADIUS_KM = 1_000.0


@dataclass(frozen=True)
class Sources:
    """The retrieval queries for one direction of matching."""
    in_reach: str  # how many rows pass the filters, counted up to EXACT_BELOW
    by_vector: str  # HNSW nearest neighbours
    by_vector_exact: str  # every passing row ranked exactly
    by_skills: str  # most shared skills: the fallback for a record without a vector
    by_occupation: str | None = None  # the candidate's own occupations


VACANCY_SOURCES = Sources(VACANCIES_IN_REACH, VACANCIES_BY_VECTOR, VACANCIES_BY_VECTOR_EXACT,
                          VACANCIES_BY_SKILLS, VACANCIES_BY_OCCUPATION)
CANDIDATE_SOURCES = Sources(CANDIDATES_IN_REACH, CANDIDATES_BY_VECTOR,
                            CANDIDATES_BY_VECTOR_EXACT, CANDIDATES_BY_SKILLS)


def _box(lat: float, lon: float, km: float) -> dict[str, float]:
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(0.05, float(np.cos(np.radians(lat)))))
    return {"lat": lat, "lon": lon, "lat_min": lat - dlat, "lat_max": lat + dlat,
            "lon_min": lon - dlon, "lon_max": lon + dlon}


def vacancy_summary(v: VacancyFacts) -> dict[str, Any]:
    return {"id": v.id, "title": v.title, "kind": v.kind, "town": v.town,
            "employer_id": v.employer_id, "occupation": v.occupation, "slots": v.slots,
            "start_date": v.start_date, "regulated": v.regulated}


@dataclass
class Match:
    candidate: CandidateFacts
    vacancy: VacancyFacts
    scored: Scored


class Matcher:
    def __init__(self, concepts: Concepts, scorer: Scorer, profile: RegulationProfile,
                 ef_search: int = 200) -> None:
        self.concepts = concepts
        self.scorer = scorer
        self.profile = profile
        self.ef_search = ef_search

    def candidate(self, conn: psycopg.Connection, candidate_id: str) -> CandidateFacts:
        cand = load_facts(conn, [candidate_id]).get(candidate_id)
        if cand is None:
            raise NotFoundError(f"candidate {candidate_id!r} not found")
        return cand

    # --- candidate -> vacancies -------------------------------------------------------------
    def vacancies_for(self, conn: psycopg.Connection, candidate_id: str,
                      kinds: list[str] | None = None, shortlist: int = SHORTLIST,
                      strict_recognition: bool = True) -> list[Match]:
        """All shortlisted vacancies the candidate passes the gates of, best first.
        `strict_recognition=False` also admits regulated vacancies whose recognition the
        candidate has applied for (the reachable view plans the compensation measure)."""
        cand = self.candidate(conn, candidate_id)
        for kind in kinds or []:
            if kind not in KINDS:
                raise InvalidInputError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        wanted = [k for k in (kinds or cand.kinds or list(KINDS))]
        params: dict[str, Any] = {
            **_box(cand.lat, cand.lon, cand.radius_km), "radius": cand.radius_km,
            "kinds": wanted, "permit": cand.permit, "k": shortlist,
            "skills": list(cand.skills), "vec": cand.vector,
            "recognised": sorted(cand.recognised), "pending": sorted(cand.recognition_pending),
            "relaxed": not strict_recognition,
            "occupations": sorted(set(cand.experience) | cand.qualified)}
        ids = self._retrieve(conn, VACANCY_SOURCES, params, cand.vector is not None)
        passing = [v for v in load_vacancy_facts(conn, [int(i) for i in ids]).values()
                   if gate(cand, v, strict_recognition) is None]
        matches = [Match(cand, v, s) for v, s in zip(
            passing, self.scorer.score_all(cand, passing), strict=True)]
        return sorted(matches, key=lambda m: (-m.scored.score, m.vacancy.id))

    # --- vacancy -> candidates --------------------------------------------------------------
    def candidates_for(self, conn: psycopg.Connection, vacancy_id: int,
                       organisation_id: int | None = None, shortlist: int = SHORTLIST,
                       ) -> list[Match]:
        """Shortlisted candidates for a vacancy (of one centre, when given), best first."""
        vac = load_vacancy_facts(conn, [vacancy_id]).get(vacancy_id)
        if vac is None:
            raise NotFoundError(f"vacancy {vacancy_id} not found")
        row = conn.execute(
            "SELECT min_permit::text, (SELECT max(travel_radius_km) FROM candidate)"
            " FROM vacancy WHERE id = %s", (vacancy_id,)).fetchone()
        assert row is not None
        # the farthest any candidate travels bounds the box (index on the radius)
        reach = min(MAX_RADIUS_KM, row[1] or 0.0)
        params: dict[str, Any] = {
            **_box(vac.lat, vac.lon, reach), "kind": vac.kind, "permit": row[0],
            "org": organisation_id, "k": shortlist, "skills": vac.essential + vac.optional,
            "vec": vac.vector, "regulated": vac.regulated, "occupation": vac.occupation,
            "in_process": vac.accepts_in_process}
        ids = self._retrieve(conn, CANDIDATE_SOURCES, params, vac.vector is not None)
        candidates = load_facts(conn, [str(i) for i in ids])
        matches = [Match(c, vac, self.scorer.score(c, vac)) for c in candidates.values()
                   if gate(c, vac) is None]
        return sorted(matches, key=lambda m: (-m.scored.score, m.candidate.id))

    def _retrieve(self, conn: psycopg.Connection, sources: Sources, params: dict[str, Any],
                  has_vector: bool) -> list[Any]:
        """The shortlist: the nearest by vector of the records passing the filters, and of
        those in the candidate's own occupations (a quarter as many)."""
        ids: dict[Any, None] = {}
        with conn.transaction():
            # psycopg prepares a query run five times, and PostgreSQL then plans it once for
            # any parameters: a plan for a small town then served Berlin (10-50x slower)
            conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            # filtered HNSW search keeps scanning until it has k rows passing the filters
            conn.execute("SET LOCAL hnsw.iterative_scan = 'relaxed_order'")
            conn.execute(sql.SQL("SET LOCAL hnsw.ef_search = {}").format(self.ef_search))
            if has_vector:
                row = conn.execute(sources.in_reach,
                                   {**params, "exact_below": EXACT_BELOW}).fetchone()
                reach = row[0] if row else 0
                if reach:  # else nothing passes the filters: no index to search
                    by_vector = sources.by_vector_exact if reach < EXACT_BELOW else \
                        sources.by_vector
                    ids.update(dict.fromkeys(r[0] for r in conn.execute(by_vector, params)))
                    if sources.by_occupation and params.get("occupations"):
                        ids.update(dict.fromkeys(r[0] for r in conn.execute(
                            sources.by_occupation, {**params, "k": params["k"] // 4})))
            if not has_vector and params["skills"]:
                # without a profile vector, the records sharing the most skills; with one,
                # this aggregation over the skill index costs more than it adds at scale
                ids.update(dict.fromkeys(r[0] for r in conn.execute(sources.by_skills,
                                                                    params)))
        return list(ids)

    # --- explanations and course plans ----------------------------------------------------------
    def explain(self, conn: psycopg.Connection, matches: list[Match], lang: str = "en",
                with_evidence: bool = True, with_courses: bool = True,
                today: dt.date | None = None) -> list[dict[str, Any]]:
        """Each match's explanation; `with_courses` adds the plan closing its gaps."""
        today = today or dt.date.today()
        gaps = {id(m): self.gaps(m.candidate, m.vacancy, m.scored) for m in matches}
        courses = load_courses_teaching(conn, sorted({s for g in gaps.values() for s in g})) \
            if with_courses else []
        out = []
        for m in matches:
            item = self.scorer.explain(m.scored, m.candidate, lang, with_evidence)
            recognition = self.recognition_view(m.candidate, m.vacancy, lang)
            if recognition:
                item["recognition"] = recognition
            if with_courses:
                usable = self.usable(courses, m.candidate, today)
                item["course_plan"] = self.plan_view(plan_courses(gaps[id(m)], usable), lang,
                                                     today)
            out.append(item)
        return out

    def gaps(self, cand: CandidateFacts, vac: VacancyFacts, scored: Scored) -> list[str]:
        """What a course plan must close: missing essential skills, and the compensation
        measure when the vacancy's occupation is regulated and only partly recognised."""
        missing = self.scorer.gaps(scored)
        occupation = vac.occupation
        if vac.regulated and occupation and occupation not in cand.recognised and \
                occupation in cand.compensation:
            missing.append(recognition_skill(occupation))
        return missing

    @staticmethod
    def usable(courses: list[CourseFacts], cand: CandidateFacts, today: dt.date,
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

    def course_plan(self, conn: psycopg.Connection, candidate_id: str,
                    vacancy_id: int | None = None, occupation: str | None = None,
                    lang: str = "en", today: dt.date | None = None) -> dict[str, Any]:
        """The shortest plan closing the candidate's gap to a vacancy or an occupation."""
        today = today or dt.date.today()
        cand = self.candidate(conn, candidate_id)
        if (vacancy_id is None) == (occupation is None):
            raise InvalidInputError("give exactly one of vacancy_id or occupation")
        if vacancy_id is not None:
            vac = load_vacancy_facts(conn, [vacancy_id]).get(vacancy_id)
            if vac is None:
                raise NotFoundError(f"vacancy {vacancy_id} not found")
            target: dict[str, Any] = {"vacancy_id": vac.id, "title": vac.title}
        else:
            assert occupation is not None
            self.concepts.check(occupation, ConceptKind.OCCUPATION, "occupation")
            concept = self.concepts.taxonomy.concepts[occupation]
            vac = VacancyFacts(0, "job", "", 0, occupation,
                               self.concepts.essential_skills(occupation), [], {}, cand.lat,
                               cand.lon, cand.town, None,
                               regulated=self.profile.requires_recognition(concept))
            target = {"occupation": occupation, "label": self.concepts.label(occupation, lang)}
        missing = self.gaps(cand, vac, self.scorer.score(cand, vac))
        courses = load_courses_teaching(conn, missing)
        usable = self.usable(courses, cand, today)
        excluded: dict[str, list[dict[str, Any]]] = {}
        for c in courses:
            reason = why_not(c, cand.languages, cand.lat, cand.lon, cand.radius_km, today)
            if c not in usable:
                for s in c.skills & set(missing):
                    excluded.setdefault(s, []).append(
                        {"id": c.id, "title": c.title,
                         "reason": reason or "not the compensation measure named"})
        plan = plan_courses(missing, usable)
        recognition = self.recognition_view(cand, vac, lang)
        return {"target": target, "missing_essential": [
                    {"skill": s, "label": self.skill_label(s, lang)} for s in missing],
                **({"recognition": recognition} if recognition else {}),
                **self.plan_view(plan, lang, today, excluded)}

    # --- what becomes reachable after a short course plan ---------------------------------------
    def reachable(self, conn: psycopg.Connection, candidate_id: str, max_weeks: float,
                  kinds: list[str] | None = None, lang: str = "en",
                  today: dt.date | None = None) -> list[dict[str, Any]]:
        """Vacancies that are not a match today (essential coverage below MATCH_COVERAGE,
        or a regulated occupation whose recognition is only partial) but become one after
        a course plan of at most `max_weeks`, with the plan; fastest first."""
        today = today or dt.date.today()
        found = self.vacancies_for(conn, candidate_id, kinds or ["job"],
                                   strict_recognition=False)
        cand = found[0].candidate if found else self.candidate(conn, candidate_id)
        pending = [m for m in found if not self.is_match(m)]
        gaps = {id(m): self.gaps(cand, m.vacancy, m.scored) for m in pending}
        courses = self.usable(load_courses_teaching(
            conn, sorted({s for g in gaps.values() for s in g})), cand, today)
        out: list[dict[str, Any]] = []
        for m in pending:
            plan = plan_courses(gaps[id(m)], courses)
            if not plan.courses or plan.total_weeks > max_weeks:
                continue
            learned = {s for c in plan.courses for s in c.skills}
            if any(recognised_occupation(s) for s in plan.uncovered):
                continue  # the occupation stays closed without its compensation measure
            after = self._after_courses(cand, learned)
            scored = self.scorer.score(after, m.vacancy)
            if scored.features["essential"] < MATCH_COVERAGE:
                continue
            out.append({"vacancy": vacancy_summary(m.vacancy),
                        "score_now": m.scored.score, "score_after": scored.score,
                        "essential_now": m.scored.features["essential"],
                        "essential_after": scored.features["essential"],
                        **({"recognition": rec} if (rec := self.recognition_view(
                            cand, m.vacancy, lang)) else {}),
                        "course_plan": self.plan_view(plan, lang, today)})
        out.sort(key=lambda r: (r["course_plan"]["total_weeks"], -r["score_after"],
                                r["vacancy"]["id"]))
        return out

    def is_match(self, m: Match) -> bool:
        """A vacancy is a match when its essential skills are covered well enough and no
        compensation measure is outstanding."""
        v, c = m.vacancy, m.candidate
        outstanding = v.regulated and v.occupation not in c.recognised and not (
            v.accepts_in_process and v.occupation in c.recognition_pending)
        return m.scored.features["essential"] >= MATCH_COVERAGE and not outstanding

    @staticmethod
    def _after_courses(cand: CandidateFacts, learned: set[str]) -> CandidateFacts:
        skills = {k: list(v) for k, v in cand.skills.items()}
        for skill in learned:
            if recognised_occupation(skill) is None:
                skills.setdefault(skill, []).append(Evidence("course", "after the plan", 1.0))
        return replace(cand, skills=skills)

    # --- candidate -> courses -----------------------------------------------------------------
    def courses_for(self, conn: psycopg.Connection, candidate_id: str, lang: str = "en",
                    today: dt.date | None = None) -> list[dict[str, Any]]:
        """Courses the candidate can take that teach what their target occupations (their
        preferences, else their best-matching vacancies) require and they lack."""
        today = today or dt.date.today()
        cand = load_facts(conn, [candidate_id]).get(candidate_id)
        if cand is None:
            raise NotFoundError(f"candidate {candidate_id!r} not found")
        prefs = conn.execute("SELECT preferences FROM candidate WHERE id = %s",
                             (candidate_id,)).fetchone()
        targets = list((prefs[0] if prefs else {}).get("occupations", []))
        if not targets:
            top = self.vacancies_for(conn, candidate_id)[:5]
            targets = list(dict.fromkeys(m.vacancy.occupation for m in top
                                         if m.vacancy.occupation))
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


__all__ = ["MATCH_COVERAGE", "SHORTLIST", "Match", "Matcher", "vacancy_summary"]
