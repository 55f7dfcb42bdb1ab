"""The migrant's own pages, in their language: skills and where each came from, suggested
jobs, apprenticeships, placements and courses, recognition, consents, their data.

Every page calls the engine and store functions the JSON API calls for the same answer
(`api/routes/candidates.py`, `api/routes/recognition.py`), after the same scope check
(`candidate_scope`) and with the same audit rows. `migrant_data.py` holds the pages of
consents, download and deletion; `migrant_views.py` turns answers into plain words."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.pages import migrant_data
from api.pages.migrant_base import my_candidate, render
from api.pages.migrant_views import (
    KINDS,
    Term,
    course_view,
    destination_name,
    job_view,
    label_of,
    my_skills,
    recognition_view,
)
from api.pages.web import HOME, Page, PageDep
from matcher.store.auth import audit
from matcher.store.candidates import read_candidate
from matcher.store.shown_names import organisation_names, vacancy_languages

router = APIRouter(prefix="/me", include_in_schema=False)
MATCHES_SHOWN = 10


@router.get("/", response_class=HTMLResponse)
def my_root(page: PageDep) -> RedirectResponse:
    return page.redirect(HOME["migrant"])


@router.get("/home", response_class=HTMLResponse)
def my_page(page: PageDep) -> HTMLResponse:
    with page.engine.connection() as conn:
        cid = my_candidate(page, conn)
        profile = read_candidate(conn, page.engine.concepts, cid, personal=True,
                                 lang=page.lang)
        audit(conn, page.who, "candidate.read", cid)
    skills = {s["skill"] for s in profile["skills"]}
    statuses = [q["recognition"]["status"] or "none" for q in profile["qualifications"]]
    return render(page, "home.html", profile=profile, name=(profile.get("personal") or {})
                  .get("name") or page.who.name, skill_count=len(skills),
                  statuses=statuses, consents=len(profile.get("consents") or []))


@router.get("/skills", response_class=HTMLResponse)
def skills_page(page: PageDep) -> HTMLResponse:
    engine = page.engine
    with engine.connection() as conn:
        cid = my_candidate(page, conn)
        profile = read_candidate(conn, engine.concepts, cid, personal=True, lang=page.lang)
        audit(conn, page.who, "candidate.read", cid)
    return render(page, "skills.html", skills=my_skills(profile, engine.concepts, page.lang),
                  languages=profile["languages"])


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(page: PageDep, kind: str = "job") -> HTMLResponse:
    """The best suggested vacancies of one kind (top ten), as the API's matches answer
    lists them, each said simply."""
    kind = kind if kind in KINDS else "job"
    engine, lang = page.engine, page.lang
    matcher = engine.matcher
    with engine.connection() as conn:
        cid = my_candidate(page, conn)
        listed = matcher.matches_for(conn, cid, [kind])
        window = listed.matches[:MATCHES_SHOWN]
        explained = matcher.explain(conn, window, lang, with_courses=True)
        audit(conn, page.who, "candidate.matches", cid)
        ids = [m.vacancy.id for m in window]
        employers = organisation_names(conn, [m.vacancy.employer_id for m in window])
        text_langs = vacancy_languages(conn, ids)
    jobs = [job_view(m, ex, engine.concepts, lang, employers, text_langs)
            for m, ex in zip(window, explained, strict=True)]
    reasons = [r["reason"] for r in listed.reasons or [] if r["count"] or
               r["reason"] in ("no_open_vacancy", "no_skills")]
    return render(page, "jobs.html", kind=kind, kinds=KINDS, jobs=jobs,
                  total=len(listed.matches), reasons=reasons)


def _gaps_of_matches(page: Page, conn: psycopg.Connection, cid: str,
                     ) -> list[dict[str, Any]]:
    """The suggested vacancies (all kinds, best first) with the skills each lacks: what
    a course's skills are checked against to say which vacancies it opens up."""
    matcher = page.engine.matcher
    top = matcher.matches_for(conn, cid, [], why=False).matches[:20]
    langs = vacancy_languages(conn, [m.vacancy.id for m in top])
    return [{"id": m.vacancy.id, "kind": m.vacancy.kind,
             "title": Term(m.vacancy.title, langs.get(m.vacancy.id)),
             "gaps": set(matcher.explainer.gaps(m.candidate, m.vacancy, m.scored))}
            for m in top]


@router.get("/courses", response_class=HTMLResponse)
def courses_page(page: PageDep) -> HTMLResponse:
    """Courses I can take that teach what my target occupations need, with what each
    opens up; as the API's courses answer, with the vacancies whose gaps they close."""
    engine, lang = page.engine, page.lang
    with engine.connection() as conn:
        cid = my_candidate(page, conn)
        audit(conn, page.who, "candidate.courses", cid)
        found = engine.matcher.courses_for(conn, cid, lang)
        vacancies = _gaps_of_matches(page, conn, cid) if found["items"] else []
    targets = {t["label"]: t["id"] for t in found["targets"]}
    courses = [course_view(item, targets, engine.concepts, lang, vacancies)
               for item in found["items"][:20]]
    return render(page, "courses.html", courses=courses, total=len(found["items"]),
                  targets=[label_of(engine.concepts, t["id"], lang) for t in found["targets"]],
                  reasons=[r["reason"] for r in found["reasons"] or []])


@router.get("/recognition", response_class=HTMLResponse)
def recognition_page(page: PageDep) -> HTMLResponse:
    """What recognition of each of my qualifications involves, as the API's
    qualifications answer says it."""
    engine, lang = page.engine, page.lang
    with engine.connection() as conn:
        cid = my_candidate(page, conn)
        audit(conn, page.who, "candidate.qualifications", cid)
        found = engine.recognise_qualifications(conn, cid, lang)
    items = [recognition_view(result, engine.concepts, lang) for result in found]
    return render(page, "recognition.html", items=items,
                  destination=destination_name(engine.recogniser.profile.country, lang))


router.include_router(migrant_data.router)
