"""Matching, the thin orchestrator: retrieval in SQL (`matcher.store.retrieval`), the
hard gates and the exact score of every shortlisted pair (`matcher.match.scoring`), the
explanation of each match (`matcher.match.explanations`), course plans and the vacancies
a short plan makes reachable (`matcher.match.course_advice`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psycopg

from matcher.concepts import Concepts
from matcher.domain import KINDS, CandidateFacts, VacancyFacts, recognised_occupation
from matcher.errors import NotFoundError
from matcher.learning.calibration import ScoreCalibration, chance
from matcher.match.course_advice import CourseAdvisor
from matcher.match.course_plan import plan_courses
from matcher.match.explanations import Explainer, after_courses, usable_courses
from matcher.match.scoring import Scored, Scorer, gate, gate_code
from matcher.recognition.regulation import RegulationProfile
from matcher.settings import RELEVANCE_FLOOR
from matcher.store.candidates import load_facts
from matcher.store.courses import load_courses_teaching
from matcher.store.retrieval import (
    CANDIDATE_SOURCES,
    VACANCY_SOURCES,
    box,
    shortlist,
    vacancy_exclusions,
    vacancy_reach,
)
from matcher.store.vacancies import load_vacancy_facts
from skills_taxonomy.errors import InvalidInputError

SHORTLIST = 400  # nearest neighbours by profile vector; a quarter as many by occupation
MATCH_COVERAGE = 0.75  # essential coverage from which a vacancy counts as a match


def vacancy_summary(v: VacancyFacts) -> dict[str, Any]:
    """`free_slots`: the slots no accepted allocation has reserved, so a coach sees a
    place already taken before sending someone to it."""
    return {"id": v.id, "title": v.title, "kind": v.kind, "town": v.town,
            "employer_id": v.employer_id, "occupation": v.occupation, "slots": v.slots,
            "free_slots": max(0, v.slots - v.reserved), "start_date": v.start_date,
            "regulated": v.regulated}


@dataclass
class Match:
    candidate: CandidateFacts
    vacancy: VacancyFacts
    scored: Scored


@dataclass
class MatchList:
    """A candidate's matches above the relevance floor, best first; how many the floor
    cut, per kind; and for a short list, why it is short (`Matcher.why_short`)."""
    matches: list[Match]
    cut: dict[str, int] = field(default_factory=dict)
    reasons: list[dict[str, Any]] | None = None


# Why a vacancy is not in a candidate's list, in the words of a reason.
_EXCLUDED = {
    "kind": "of a kind not asked for (asked: {kinds})",
    "work_permit": "a stronger work permit needed than the candidate's ({permit})",
    "distance": "beyond the travel radius of {radius:g} km",
    "recognition": "a regulated occupation: recognition of a qualification needed",
    "prerequisite": "a prerequisite skill the candidate lacks",
    "qualification_level": "a qualification at a higher EQF level needed",
    "language": "an apprenticeship's language level not met",
    "below_relevance_floor": "below the relevance floor ({floor})",
}


class Matcher:
    def __init__(self, concepts: Concepts, scorer: Scorer, profile: RegulationProfile,
                 ef_search: int = 200, floor: dict[str, dict[str, float]] | None = None,
                 short_list: int = 10, ranked_by: dict[str, str] | None = None,
                 calibration: ScoreCalibration | None = None) -> None:
        self.concepts = concepts
        # which weights rank each kind (`matcher.learning.ranker.apply_ranker`), and the
        # score -> chance of an interview (`matcher.learning.calibration`) when one is set
        self.ranked_by = ranked_by or {kind: "hand-set weights" for kind in KINDS}
        self.calibration = calibration
        self.scorer = scorer
        self.profile = profile
        self.ef_search = ef_search
        self.floor = {kind: {**least, **(floor or {}).get(kind, {})}
                      for kind, least in RELEVANCE_FLOOR.items()}
        self.short_list = short_list
        self.explainer = Explainer(concepts, scorer, profile)
        self.advisor = CourseAdvisor(self.explainer)

    def candidate(self, conn: psycopg.Connection, candidate_id: str) -> CandidateFacts:
        cand = load_facts(conn, [candidate_id]).get(candidate_id)
        if cand is None:
            raise NotFoundError(f"candidate {candidate_id!r} not found")
        return cand

    # --- candidate -> vacancies -------------------------------------------------------------
    def vacancies_for(self, conn: psycopg.Connection, candidate_id: str,
                      kinds: list[str] | None = None, shortlist_size: int = SHORTLIST,
                      strict_recognition: bool = True) -> list[Match]:
        """All shortlisted vacancies the candidate passes the gates of, best first.
        `strict_recognition=False` also admits regulated vacancies whose recognition the
        candidate has applied for (the reachable view plans the compensation measure)."""
        return self._vacancies(conn, candidate_id, kinds, shortlist_size,
                               strict_recognition)[0]

    def _vacancies(self, conn: psycopg.Connection, candidate_id: str,
                   kinds: list[str] | None = None, shortlist_size: int = SHORTLIST,
                   strict_recognition: bool = True,
                   ) -> tuple[list[Match], CandidateFacts, dict[str, Any], Counter[str]]:
        """`vacancies_for`, with the candidate, the retrieval's parameters and how many
        shortlisted vacancies each kind of gate kept out."""
        cand = self.candidate(conn, candidate_id)
        for kind in kinds or []:
            if kind not in KINDS:
                raise InvalidInputError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        wanted = [k for k in (kinds or cand.kinds or list(KINDS))]
        params: dict[str, Any] = {
            **box(cand.lat, cand.lon, cand.radius_km), "radius": cand.radius_km,
            "kinds": wanted, "permit": cand.permit, "k": shortlist_size,
            "skills": list(cand.skills), "vec": cand.vector,
            "recognised": sorted(cand.recognised), "pending": sorted(cand.recognition_pending),
            "relaxed": not strict_recognition,
            "occupations": sorted(set(cand.experience) | cand.qualified)}
        ids = shortlist(conn, VACANCY_SOURCES, params, cand.vector is not None, self.ef_search)
        passing, gated = [], Counter[str]()
        for v in load_vacancy_facts(conn, [int(i) for i in ids]).values():
            reason = gate(cand, v, strict_recognition)
            if reason is None:
                passing.append(v)
            else:
                gated[gate_code(reason)] += 1
        matches = [Match(cand, v, s) for v, s in zip(
            passing, self.scorer.score_all(cand, passing), strict=True)]
        return sorted(matches, key=lambda m: (-m.scored.score, m.vacancy.id)), cand, params, \
            gated

    def matches_for(self, conn: psycopg.Connection, candidate_id: str,
                    kinds: list[str] | None = None, floor: bool = True, why: bool = True,
                    ) -> MatchList:
        """The vacancies to show a candidate: those above the relevance floor (`relevant`;
        all with `floor=False`), best first, with how many the floor cut; a list shorter
        than `short_list` says why (`why_short`), unless `why=False`."""
        found, cand, params, gated = self._vacancies(conn, candidate_id, kinds)
        kept, cut = found, Counter[str]()
        if floor:
            kept = []
            for m in found:
                if self.relevant(m):
                    kept.append(m)
                else:
                    cut[m.vacancy.kind] += 1
        listed = MatchList(kept, dict(cut))
        if why and len(kept) < self.short_list:
            listed.reasons = self.why_short(conn, cand, params, gated, sum(cut.values()))
        return listed

    def relevant(self, m: Match) -> bool:
        """Above the relevance floor of the vacancy's kind (essential coverage and score),
        or in an occupation the candidate worked or qualified in or asked for. A vacancy
        that asks no skill has nothing the floor could measure (its coverage is full by
        default: "(m/w/d)" with no skill stood first in every candidate's list)."""
        v, c = m.vacancy, m.candidate
        if v.occupation and (v.occupation in c.experience or v.occupation in c.qualified
                             or v.occupation in c.wanted):
            return True
        if not v.essential and not v.optional:
            return False
        least = self.floor[v.kind]
        return m.scored.features["essential"] >= least["essential"] and \
            m.scored.score >= least["score"]

    def why_short(self, conn: psycopg.Connection, cand: CandidateFacts,
                  params: dict[str, Any], gated: Counter[str], below_floor: int,
                  ) -> list[dict[str, Any]]:
        """Why a candidate's list is short: per reason, how many open vacancies it kept
        out — each hard filter counted alone in SQL (the vacancies passing every other
        one), then the gates and the relevance floor over the shortlist."""
        counts = vacancy_exclusions(conn, params)
        excluded = {code: counts[code] for code in ("kind", "work_permit", "distance")}
        excluded["recognition"] = counts["recognition"] + gated.pop("recognition", 0)
        excluded.update(gated)
        excluded["below_relevance_floor"] = below_floor
        floors = "; ".join(f"{kind}: essential coverage {least['essential']:g}, score "
                           f"{least['score']:g}" for kind, least in self.floor.items()
                           if kind in params["kinds"])
        words = {"kinds": ", ".join(params["kinds"]), "permit": cand.permit or "none",
                 "radius": cand.radius_km, "floor": floors}
        reasons = [{"reason": code, "count": n, "detail": _EXCLUDED[code].format(**words)
                    + f": {n} open {'vacancy' if n == 1 else 'vacancies'}"}
                   for code, n in excluded.items() if n]
        if not counts["open"]:
            reasons.insert(0, {"reason": "no_open_vacancy", "count": 0,
                               "detail": "no vacancy is open"})
        elif not cand.skills:
            reasons.append({"reason": "no_skills", "count": 0,
                            "detail": "the profile lists no skill yet: coverage is 0 for "
                                      "every vacancy"})
        return reasons

    def ranking(self, kinds: list[str] | tuple[str, ...] | None = None) -> str:
        """Which ranked a list of these kinds (all: every kind): one name, or per kind."""
        names = {kind: self.ranked_by[kind] for kind in (kinds or KINDS)}
        if len(set(names.values())) == 1:
            return next(iter(names.values()))
        return "; ".join(f"{kind}: {name}" for kind, name in names.items())

    def summary(self, v: VacancyFacts, lang: str = "en") -> dict[str, Any]:
        """A vacancy as a list shows it, its occupation's label in the reader's language
        next to the id."""
        return {**vacancy_summary(v), "occupation_label":
                self.concepts.label(v.occupation, lang) if v.occupation else None}

    # --- vacancy -> candidates --------------------------------------------------------------
    def candidates_for(self, conn: psycopg.Connection, vacancy_id: int,
                       organisation_id: int | None = None, shortlist_size: int = SHORTLIST,
                       ) -> list[Match]:
        """Shortlisted candidates for a vacancy (of one centre, when given), best first."""
        vac = load_vacancy_facts(conn, [vacancy_id]).get(vacancy_id)
        if vac is None:
            raise NotFoundError(f"vacancy {vacancy_id} not found")
        permit, reach = vacancy_reach(conn, vacancy_id)
        params: dict[str, Any] = {
            **box(vac.lat, vac.lon, reach), "kind": vac.kind, "permit": permit,
            "org": organisation_id, "k": shortlist_size, "skills": vac.essential + vac.optional,
            "vec": vac.vector, "regulated": vac.regulated, "occupation": vac.occupation,
            "in_process": vac.accepts_in_process}
        ids = shortlist(conn, CANDIDATE_SOURCES, params, vac.vector is not None,
                        self.ef_search)
        passing = [c for c in load_facts(conn, [str(i) for i in ids]).values()
                   if gate(c, vac) is None]
        matches = [Match(c, vac, s) for c, s in zip(
            passing, self.scorer.score_candidates(passing, vac), strict=True)]
        return sorted(matches, key=lambda m: (-m.scored.score, m.candidate.id))

    def is_match(self, m: Match) -> bool:
        """A vacancy is a match when its essential skills are covered well enough and no
        compensation measure is outstanding."""
        v, c = m.vacancy, m.candidate
        outstanding = v.regulated and v.occupation not in c.recognised and not (
            v.accepts_in_process and v.occupation in c.recognition_pending)
        return m.scored.features["essential"] >= MATCH_COVERAGE and not outstanding

    # --- explanations -------------------------------------------------------------------------
    def explain(self, conn: psycopg.Connection, matches: list[Match], lang: str = "en",
                with_evidence: bool = True, with_courses: bool = True,
                today: dt.date | None = None) -> list[dict[str, Any]]:
        """Each match's explanation; `with_courses` adds the plan closing its gaps."""
        today = today or dt.date.today()
        explainer = self.explainer
        gaps = {id(m): explainer.gaps(m.candidate, m.vacancy, m.scored) for m in matches}
        courses = load_courses_teaching(conn, sorted({s for g in gaps.values() for s in g})) \
            if with_courses else []
        out = []
        for m in matches:
            item = self.scorer.explain(m.scored, m.candidate, lang, with_evidence)
            if self.calibration is not None:
                item["interview_chance"] = chance(self.calibration, m.vacancy.kind,
                                                  m.scored.score, region=m.vacancy.town)
            missing = item["missing_essential"]
            assert isinstance(missing, list)
            missing.extend({"skill": s, "label": explainer.skill_label(s, lang),
                            "compensation_measure": True}
                           for s in gaps[id(m)] if recognised_occupation(s))
            recognition = explainer.recognition_view(m.candidate, m.vacancy, lang)
            if recognition:
                item["recognition"] = recognition
            if with_courses:
                usable = usable_courses(courses, m.candidate, today)
                item["course_plan"] = explainer.plan_view(
                    plan_courses(gaps[id(m)], usable), lang, today)
            out.append(item)
        return out

    # --- courses ------------------------------------------------------------------------------
    def course_plan(self, conn: psycopg.Connection, candidate_id: str,
                    vacancy_id: int | None = None, occupation: str | None = None,
                    lang: str = "en", today: dt.date | None = None) -> dict[str, Any]:
        """The shortest plan closing the candidate's gap to a vacancy or an occupation."""
        cand = self.candidate(conn, candidate_id)
        return self.advisor.course_plan(conn, cand, vacancy_id, occupation, lang,
                                        today or dt.date.today())

    def courses_for(self, conn: psycopg.Connection, candidate_id: str, lang: str = "en",
                    today: dt.date | None = None) -> dict[str, Any]:
        """Courses the candidate can take that teach what their target occupations (their
        preferences, else their best matches above the relevance floor) require and they
        lack (`items`); the `targets` with their labels; and for a list shorter than
        `short_list`, the `reasons` it is short."""
        cand = self.candidate(conn, candidate_id)
        targets = list(cand.wanted)
        if not targets:
            top = self.matches_for(conn, candidate_id, why=False).matches[:5]
            targets = list(dict.fromkeys(m.vacancy.occupation for m in top
                                         if m.vacancy.occupation))
        items, reasons = self.advisor.courses_for(conn, cand, targets, lang,
                                                  today or dt.date.today(), self.short_list)
        return {"items": items, "reasons": reasons, "targets": [
            {"id": occ, "label": self.concepts.label(occ, lang)} for occ in targets]}

    def reachable(self, conn: psycopg.Connection, candidate_id: str, max_weeks: float,
                  kinds: list[str] | None = None, lang: str = "en",
                  today: dt.date | None = None) -> list[dict[str, Any]]:
        """Vacancies that are not a match today (essential coverage below MATCH_COVERAGE,
        or a regulated occupation whose recognition is only partial) but become one after
        a course plan of at most `max_weeks`, with the plan; fastest first."""
        today = today or dt.date.today()
        explainer = self.explainer
        found = self.vacancies_for(conn, candidate_id, kinds or ["job"],
                                   strict_recognition=False)
        cand = found[0].candidate if found else self.candidate(conn, candidate_id)
        pending = [m for m in found if not self.is_match(m)]
        gaps = {id(m): explainer.gaps(cand, m.vacancy, m.scored) for m in pending}
        courses = usable_courses(load_courses_teaching(
            conn, sorted({s for g in gaps.values() for s in g})), cand, today)
        out: list[dict[str, Any]] = []
        for m in pending:
            plan = plan_courses(gaps[id(m)], courses)
            if not plan.courses or plan.total_weeks > max_weeks:
                continue
            if any(recognised_occupation(s) for s in plan.uncovered):
                continue  # the occupation stays closed without its compensation measure
            learned = {s for c in plan.courses for s in c.skills}
            scored = self.scorer.score(after_courses(cand, learned), m.vacancy)
            if scored.features["essential"] < MATCH_COVERAGE:
                continue
            out.append({"vacancy": self.summary(m.vacancy, lang),
                        "score_now": m.scored.score, "score_after": scored.score,
                        "essential_now": m.scored.features["essential"],
                        "essential_after": scored.features["essential"],
                        **({"recognition": rec} if (rec := explainer.recognition_view(
                            cand, m.vacancy, lang)) else {}),
                        "course_plan": explainer.plan_view(plan, lang, today)})
        out.sort(key=lambda r: (r["course_plan"]["total_weeks"], -r["score_after"],
                                r["vacancy"]["id"]))
        return out


__all__ = ["MATCH_COVERAGE", "SHORTLIST", "Match", "MatchList", "Matcher", "vacancy_summary"]
