"""Sign-in to the pages: one-time codes, the session cookie, CSRF, sign-out, expiry, and
errors shown as pages (not JSON). The browser tests (`tests/browser/`) walk the same
flows in Chromium; these check the HTTP contract itself."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.limits import Throttle
from api.main import create_app
from matcher.engine import Engine
from matcher.store.web_sessions import issue_sign_in_code
from tests.conftest import World


def new_code(engine: Engine, user_id: int, hours: float = 1) -> str:
    with engine.connection() as conn:
        code, _ = issue_sign_in_code(conn, user_id, None, dt.timedelta(hours=hours))
    return code


def form_csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the form carries a CSRF value"
    return found.group(1)


def sign_in(client: TestClient, code: str, next_path: str = "") -> tuple[int, str]:
    form = client.get("/sign-in", params={"code": code})
    answer = client.post("/sign-in", data={"code": code, "csrf": form_csrf(form.text),
                                           "next": next_path}, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", "")


@pytest.fixture()
def browser(app: FastAPI) -> TestClient:
    """A client with its own cookie jar, like a second browser."""
    return TestClient(app)


def test_a_code_signs_in_once_and_leads_to_the_roles_start_page(
        engine: Engine, world: World, browser: TestClient) -> None:
    code = new_code(engine, world.user_ids["coach_a"])
    status, where = sign_in(browser, code.lower().replace("-", " "))  # as typed from paper
    assert (status, where) == (303, "/coach")
    cookie = browser.cookies.get("matcher_session")
    assert cookie, "the session lives in a cookie"
    header = next(v for k, v in browser.get("/sign-in").headers.multi_items()
                  if k == "set-cookie" and v.startswith("matcher_sign_in"))
    assert "httponly" in header.lower() and "samesite=lax" in header.lower()
    assert browser.get("/", follow_redirects=False).headers["location"] == "/coach"
    other = TestClient(browser.app)
    assert sign_in(other, code)[0] == 401, "a code works only once"


def test_session_cookie_flags(engine: Engine, world: World, browser: TestClient) -> None:
    code = new_code(engine, world.user_ids["employer_1"])
    form = browser.get("/sign-in")
    answer = browser.post("/sign-in", data={"code": code, "csrf": form_csrf(form.text)},
                          follow_redirects=False)
    set_cookie = answer.headers["set-cookie"].lower()
    assert "matcher_session=" in set_cookie
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert answer.headers["location"] == "/employer"


def test_wrong_expired_and_forged_sign_ins_are_refused_with_a_page(
        engine: Engine, world: World, browser: TestClient) -> None:
    status, _ = sign_in(browser, "AAA-AAA-AAA")
    assert status == 401
    expired = new_code(engine, world.user_ids["coach_a"], hours=-1)
    assert sign_in(browser, expired)[0] == 401
    forged = browser.post("/sign-in", data={"code": new_code(engine, world.user_ids["coach_a"]),
                                            "csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    assert forged.headers["content-type"].startswith("text/html")
    assert "expired" in forged.text


def test_a_page_without_a_session_leads_to_sign_in_and_back(browser: TestClient) -> None:
    answer = browser.get("/coach?q=x", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/coach%3Fq%3Dx"
    stale = TestClient(browser.app, cookies={"matcher_session": "gone"})
    answer = stale.get("/coach", follow_redirects=False)
    assert answer.headers["location"].endswith("&expired=1")


def test_sign_out_needs_the_csrf_token_and_ends_the_session(
        engine: Engine, world: World, browser: TestClient) -> None:
    sign_in(browser, new_code(engine, world.user_ids["coach_a"]))
    secret = browser.cookies["matcher_session"]
    refused = browser.post("/sign-out", data={"csrf": "nope"}, follow_redirects=False)
    assert refused.status_code == 403
    page = browser.get("/sign-in")  # any page shows the session's CSRF token in the header
    answer = browser.post("/sign-out", data={"csrf": form_csrf(page.text)},
                          follow_redirects=False)
    assert answer.status_code == 303
    again = TestClient(browser.app, cookies={"matcher_session": secret})
    assert again.get("/coach", follow_redirects=False).status_code == 303


def test_errors_on_pages_are_pages_in_the_readers_language(browser: TestClient) -> None:
    answer = browser.get("/coach/nothing-here", headers={"Accept-Language": "de"})
    assert answer.status_code in (303, 404)
    answer = browser.get("/me/../../etc", follow_redirects=False)
    assert answer.status_code in (303, 404)
    page = browser.get("/sign-in?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert browser.cookies.get("matcher_lang") == "ar"


def test_api_errors_stay_json(client: TestClient) -> None:
    answer = client.get("/candidates/none")
    assert answer.status_code == 401 and answer.json()["detail"]


def test_cli_issues_a_sign_in_link_that_works_once(engine: Engine, world: World,
                                                   browser: TestClient) -> None:
    env = {**os.environ, "MATCHER_DATABASE_URL": engine.db.url}
    done = subprocess.run([sys.executable, "-m", "matcher.cli", "users", "sign-in-code",
                           str(world.user_ids["employer_2"]), "--base-url", "https://jobs.example"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    assert issued["link"] == f"https://jobs.example/sign-in?code={issued['code']}"
    assert sign_in(browser, issued["code"]) == (303, "/employer")
    bad = subprocess.run([sys.executable, "-m", "matcher.cli", "users", "sign-in-code",
                          "999999"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "999999" in bad.stderr


def test_too_many_wrong_codes_from_one_address_are_throttled(engine: Engine) -> None:
    app = create_app(engine=engine)
    app.state.throttle = Throttle(auth_failures_per_minute=3, expensive_per_minute=5)
    with TestClient(app) as guesser:
        statuses = [sign_in(guesser, f"AAA-AAA-AA{i}")[0] for i in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        refused = sign_in(guesser, "AAA-AAA-AAA")
        assert refused[0] == 429


def test_the_session_cookie_is_secure_over_https(engine: Engine, world: World,
                                                 app: FastAPI) -> None:
    secure_browser = TestClient(app, base_url="https://testserver")
    form = secure_browser.get("/sign-in")
    answer = secure_browser.post("/sign-in", data={
        "code": new_code(engine, world.user_ids["coach_b"]), "csrf": form_csrf(form.text)},
        follow_redirects=False)
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()
