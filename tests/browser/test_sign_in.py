"""Signing in and out in Chromium, and what a person without a session meets."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.conftest import Site, axe, click, shot, sign_in, text


def test_sign_in_page_in_arabic_is_right_to_left_and_accessible(
        browser: WebDriver, site: Site) -> None:
    browser.get(site.base + "/sign-in?lang=ar")
    html = browser.find_element(By.TAG_NAME, "html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert axe(browser) == []
    shot(browser, "sign-in-ar")


def test_a_coach_signs_in_with_a_code_and_out_again(browser: WebDriver, site: Site) -> None:
    browser.get(site.base + "/sign-in")
    assert axe(browser) == []
    shot(browser, "sign-in")
    sign_in(browser, site, "coach")
    assert browser.current_url.endswith("/coach")
    click(browser, "form.signout button")
    assert "/sign-in" in browser.current_url
    browser.get(site.base + "/coach")
    assert "/sign-in" in browser.current_url, "signed out: the console asks for a code"


def test_a_wrong_code_says_so(browser: WebDriver, site: Site) -> None:
    browser.get(site.base + "/sign-in")
    browser.find_element(By.ID, "code").send_keys("AAA-AAA-AAA")
    click(browser, "form[action='/sign-in'] button")
    assert "wrong, used or expired" in text(browser)
    assert axe(browser) == []


def test_an_expired_session_asks_to_sign_in_again(browser: WebDriver, site: Site) -> None:
    sign_in(browser, site, "employer")
    with site.engine.connection() as conn:
        conn.execute("UPDATE web_session SET expires_at = now() - interval '1 minute'"
                     " WHERE user_id = %s", (site.users["employer"][0],))
    browser.get(site.base + "/employer")
    assert "/sign-in" in browser.current_url
    assert "session has ended" in text(browser)
    sign_in(browser, site, "employer")
    assert browser.current_url.endswith("/employer")
