"""`make demo`: the API on localhost:8000 over an embedded database with demo data.

Starts the embedded PostgreSQL (in `var/demo` unless `MATCHER_DATA_DIR` says otherwise),
loads the starter taxonomy and the generated North Rhine-Westphalia data set (200
candidates, 1,000 vacancies, 100 courses) on the first run, issues a fresh token and a
one-time sign-in link to the pages for one user of each role, prints them with example
requests, and serves. A second run finds the data and reuses it (tokens and codes are
stored hashed, so each run issues new ones).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psycopg

from api.main import create_app
from api.server import serve
from matcher.demo.data import generate
from matcher.engine import Engine
from matcher.settings import Settings
from matcher.store.auth import create_user, issue_token, upsert_organisation, user_named
from matcher.store.processes import exit_on_sigterm, freeze_startup_heap
from matcher.store.vacancies import open_vacancies
from matcher.store.web_sessions import issue_sign_in_code

DEMO_USERS = (("demo admin", "admin"), ("demo coach", "coach"), ("demo employer", "employer"),
              ("demo migrant", "migrant"))


def demo_loaded(conn: psycopg.Connection) -> bool:
    return user_named(conn, "demo admin", "admin") is not None


def load_demo(engine: Engine, candidates: int = 200, vacancies: int = 1000, courses: int = 100,
              say: Callable[[str], None] = print) -> bool:
    """Load the generated data set unless it is there; returns whether it loaded."""
    with engine.connection() as conn:
        if demo_loaded(conn):
            return False
    data = generate(engine.concepts.taxonomy, candidates, vacancies, courses)
    with engine.connection() as conn:
        org_ids = {o.external_id: upsert_organisation(conn, o.name, o.kind, o.external_id)
                   for o in data.centres + data.employers}
    started = time.perf_counter()
    engine.save_courses(data.courses)
    engine.save_vacancies([v for _, v in data.vacancies],
                          [org_ids[e] for e, _ in data.vacancies])
    say(f"  {len(data.courses)} courses, {len(data.vacancies)} vacancies "
        f"({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    first: str | None = None
    for centre, cand in data.candidates:
        cid, _, _ = engine.save_candidate(cand, org_ids[centre])
        first = first or cid
    say(f"  {len(data.candidates)} candidates ({time.perf_counter() - started:.1f} s)")
    with engine.connection() as conn:
        # the demo employer is the one offering the demo migrant's best match, so that
        # each role's first page and example request show people and places
        best = engine.matcher.matches_for(conn, first, why=False).matches if first else []
        employer = best[0].vacancy.employer_id if best else org_ids[data.vacancies[0][0]]
        create_user(conn, "demo admin", "admin")
        create_user(conn, "demo coach", "coach", org_ids[data.candidates[0][0]])
        create_user(conn, "demo employer", "employer", employer)
        create_user(conn, "demo migrant", "migrant", candidate_id=first)
    return True


def demo_tokens(engine: Engine) -> dict[str, tuple[str, dict[str, object]]]:
    """A fresh token per demo user: role -> (token, facts for the example requests)."""
    out: dict[str, tuple[str, dict[str, object]]] = {}
    with engine.connection() as conn:
        for name, role in DEMO_USERS:
            user = user_named(conn, name, role)
            if user is None:
                continue
            uid, org, candidate = user
            facts: dict[str, object] = {"organisation_id": org, "candidate_id": candidate}
            if role == "employer":
                facts["vacancy_id"] = _example_vacancy(engine, conn, org)
            out[role] = (issue_token(conn, uid, "demo"), facts)
    return out


def _example_vacancy(engine: Engine, conn: psycopg.Connection, org: int | None) -> int | None:
    """The employer's open vacancy with the most candidates (of its first twenty), so
    that the example request shows some; the first one when none has any."""
    vacancies = open_vacancies(conn, org) if org is not None else []
    fits = {v: len(engine.matcher.candidates_for(conn, v)) for v in vacancies}
    return max(vacancies, key=lambda v: (fits[v], -v), default=None)


def demo_sign_in_links(engine: Engine, base: str) -> dict[str, str]:
    """A fresh one-time sign-in link to the pages per demo user (role -> link)."""
    links: dict[str, str] = {}
    valid = dt.timedelta(hours=engine.settings.sign_in_code_hours)
    with engine.connection() as conn:
        for name, role in DEMO_USERS:
            user = user_named(conn, name, role)
            if user is not None:
                code, _ = issue_sign_in_code(conn, user[0], None, valid)
                links[role] = f"{base}/sign-in?code={code}"
    return links


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    exit_on_sigterm()  # SIGTERM, like Ctrl+C, ends through `finally`: the database stops
    settings = Settings()
    if "MATCHER_DATA_DIR" not in os.environ:
        settings = settings.model_copy(update={"data_dir": Path("var/demo")})
    started = time.perf_counter()
    engine = Engine.start(settings, progress=print)
    try:
        print(f"database ready, taxonomy {engine.concepts.version} "
              f"({time.perf_counter() - started:.1f} s)")
        if load_demo(engine):
            print("demo data loaded")
        else:
            print("demo data found in the database; reusing it")
        tokens = demo_tokens(engine)
        base = f"http://{args.host}:{args.port}"
        print(f"\nPages on {base}/ — open one sign-in link per role (each works once):")
        for role, link in demo_sign_in_links(engine, base).items():
            print(f"  {role:<9} {link}")
        print(f"\nAPI on {base} (OpenAPI: {base}/docs). One token per role:")
        for role, (token, _) in tokens.items():
            print(f"  {role:<9} {token}")
        coach, migrant = tokens["coach"][0], tokens["migrant"]
        employer = tokens["employer"]
        cid = migrant[1]["candidate_id"]
        print("\nExample requests:")
        print(f"  # a coach: vacancies for one of their candidates, with reasons and courses\n"
              f"  curl -s -H 'Authorization: Bearer {coach}' "
              f"'{base}/candidates/{cid}/matches?limit=3'")
        print(f"  # an employer: pseudonymised candidates for their vacancy\n"
              f"  curl -s -H 'Authorization: Bearer {employer[0]}' "
              f"'{base}/vacancies/{employer[1]['vacancy_id']}/matches?limit=3'")
        print(f"  # a migrant: their own course suggestions, in their own language\n"
              f"  curl -s -H 'Authorization: Bearer {migrant[0]}' "
              f"'{base}/candidates/{cid}/courses'")
        print(f"  # a coach: what a Ukrainian, Arabic and Vietnamese statement mean\n"
              f"  curl -s -H 'Authorization: Bearer {coach}' -H 'Content-Type: "
              f"application/json' {base}/taxonomy/normalize -d "
              f"'{{\"text\": \"кухар у ресторані; готувати супи та соуси; طبخ الأطعمة "
              f"العربية; nấu ăn, rửa bát\"}}'")
        sys.stdout.flush()
        if args.no_serve:
            return 0
        freeze_startup_heap()  # this process serves from here on
        serve(create_app(engine=engine), args.host, args.port, log_level="info")
        return 0
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
