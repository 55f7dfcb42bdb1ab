"""The migrant view in Chromium: in Arabic (right to left) see the suggested courses,
grant and withdraw a consent, download the data; and every migrant page in Arabic,
Ukrainian and Vietnamese without serious accessibility violations, with a screenshot
of each (`migrant-<page>-<lang>`)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from matcher.store.auth import create_user, user_named
from matcher.store.web_sessions import issue_sign_in_code
from tests.browser.conftest import Site, axe, click, shot, text

ARABIC = re.compile(r"[\u0600-\u06ff]{3,}")
PAGES = {"home": "/me/home", "skills": "/me/skills", "jobs": "/me/jobs",
         "apprenticeships": "/me/jobs?kind=apprenticeship", "courses": "/me/courses",
         "recognition": "/me/recognition", "data": "/me/data", "delete": "/me/data/delete"}
WALKED = ("ar", "uk", "vi")
LONG = {"skills", "jobs", "apprenticeships", "courses"}  # screenshots of the first screen


@pytest.fixture(scope="module")
def migrant(site: Site) -> int:
    """A migrant user whose candidate has suggested courses and employers to consent to
    (the demo migrant when theirs has): the user id."""
    engine = site.engine
    demo = site.users["migrant"]
    with engine.connection() as conn:
        ids = [demo[2]] + [r[0] for r in conn.execute(
            "SELECT id FROM candidate ORDER BY id LIMIT 60")]
        cid = next(c for c in ids if c and engine.matcher.courses_for(conn, c)["items"]
                   and engine.matcher.matches_for(conn, c, [], why=False).matches)
        if cid == demo[2]:
            return demo[0]
        found = user_named(conn, "browser course taker", "migrant")
        if found is not None and found[2] == cid:
            return found[0]
        return create_user(conn, "browser course taker", "migrant", None, cid)


def sign_in_as(driver: WebDriver, site: Site, user_id: int, lang: str) -> None:
    with site.engine.connection() as conn:
        code, _ = issue_sign_in_code(conn, user_id, None, dt.timedelta(hours=1))
    driver.get(f"{site.base}/sign-in?lang={lang}")
    driver.find_element(By.ID, "code").send_keys(code)
    click(driver, "form[action='/sign-in'] button")


def downloaded(folder: Path, seconds: float = 15) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.glob("*.json") if p.stat().st_size]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no download in {folder}")


def test_in_arabic_courses_then_a_consent_withdrawn_then_the_data_downloaded(
        browser: WebDriver, site: Site, migrant: int, tmp_path: Path) -> None:
    sign_in_as(browser, site, migrant, "ar")
    assert browser.current_url.endswith("/me/home")
    html = browser.find_element(By.TAG_NAME, "html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert ARABIC.search(text(browser)), "the page speaks Arabic"
    click(browser, "a[href='/me/courses']")
    assert browser.find_elements(By.CSS_SELECTOR, ".cards .course"), "courses are suggested"
    assert ARABIC.search(browser.find_element(By.TAG_NAME, "h1").text)

    click(browser, "nav a[href='/me/data']")
    withdraw = "button[value='withdraw']"
    before = len(browser.find_elements(By.CSS_SELECTOR, withdraw))
    employer = browser.find_element(
        By.XPATH, "//ul[contains(@class, 'consents')]/li[.//button[@value='grant']]")
    which = f"#{employer.get_attribute('id')}"
    click(browser, f"{which} button[value='grant']")
    assert browser.find_elements(By.CSS_SELECTOR, "p.note[role='status']")
    assert len(browser.find_elements(By.CSS_SELECTOR, withdraw)) == before + 1
    click(browser, f"{which} {withdraw}")
    assert browser.find_elements(By.CSS_SELECTOR, "p.note[role='status']")
    assert browser.find_elements(By.CSS_SELECTOR, f"{which} button[value='grant']")
    assert len(browser.find_elements(By.CSS_SELECTOR, withdraw)) == before, "withdrawn"
    assert axe(browser) == []

    browser.execute_cdp_cmd("Page.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.find_element(By.CSS_SELECTOR, "a[href='/me/data/download']").click()
    data = json.loads(downloaded(tmp_path).read_text(encoding="utf-8"))
    with site.engine.connection() as conn:
        row = conn.execute("SELECT candidate_id FROM app_user WHERE id = %s",
                           (migrant,)).fetchone()
    assert row is not None and data["id"] == row[0]
    assert len(data["consents"]) == before, "the download shows the consent withdrawn"


@pytest.mark.parametrize("lang", WALKED)
def test_every_migrant_page_is_accessible(browser: WebDriver, site: Site, migrant: int,
                                          lang: str) -> None:
    sign_in_as(browser, site, migrant, lang)
    for name, path in PAGES.items():
        browser.get(site.base + path)
        html = browser.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == lang, path
        assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert axe(browser) == [], path
        if lang != "vi" or name == "home":  # pictures: every page in ar and uk
            shot(browser, f"migrant-{name}-{lang}", full=name not in LONG)
