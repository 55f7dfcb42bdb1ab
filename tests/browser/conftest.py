"""Browser tests: headless Chromium (Debian's `chromium` and `chromium-driver`, installed
by `make browser`, which `make test` runs) driven by selenium, against a real server
over loopback with the generated demo data set on its own embedded PostgreSQL.

Each test signs in the way a person does: a one-time code typed into the sign-in form.
`shot()` saves a screenshot of every page it is given: to `docs/screenshots/` when
`MATCHER_SCREENSHOTS` names that folder (`make screenshots`), else to a temporary folder.
`axe()` runs axe-core (vendored, `vendor/axe.min.js`) in the page and returns the
serious and critical WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from api.demo import DEMO_USERS, load_demo
from api.main import create_app
from matcher.engine import Engine
from matcher.settings import Settings
from matcher.store.auth import user_named
from matcher.store.web_sessions import issue_sign_in_code
from skills_taxonomy.normalize import Normalizer
from tests.conftest import UNTHROTTLED
from tests.live import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
HERE = Path(__file__).resolve().parents[2]
COMMITTED_HEIGHT = 1280

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium and chromedriver are missing: run `make browser`")
    pytest.skip("Chromium not installed (make browser)", allow_module_level=True)


@dataclass
class Site:
    """The served demo: its address, its engine, and the demo users' ids by role."""

    base: str
    engine: Engine
    users: dict[str, tuple[int, int | None, str | None]]  # role -> (id, organisation, cand)

    def code(self, role: str, hours: float = 2) -> str:
        with self.engine.connection() as conn:
            code, _ = issue_sign_in_code(conn, self.users[role][0], None,
                                         dt.timedelta(hours=hours))
        return code


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, starter: Normalizer) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("pages")
    engine = Engine.start(Settings(data_dir=root, pgdata=root / "pgdata", **UNTHROTTLED),
                          normalizer=starter)
    try:
        load_demo(engine, candidates=60, vacancies=300, courses=40, say=lambda _: None)
        with engine.connection() as conn:
            users = {role: found for name, role in DEMO_USERS
                     if (found := user_named(conn, name, role)) is not None}
        with live_server(create_app(engine=engine)) as base:
            yield Site(base, engine, users)
    finally:
        engine.close()


def _chrome() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=412,915", "--force-device-scale-factor=1", "--lang=en"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="session")
def chrome() -> Iterator[WebDriver]:
    driver = _chrome()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture()
def browser(chrome: WebDriver, site: Site) -> WebDriver:
    """The session's Chromium with no cookies: every test starts signed out."""
    chrome.get(site.base + "/sign-in")
    chrome.delete_all_cookies()
    return chrome


def sign_in(driver: WebDriver, site: Site, role: str, lang: str | None = None) -> None:
    """Sign in as the demo user of a role by typing a fresh one-time code."""
    driver.get(site.base + "/sign-in" + (f"?lang={lang}" if lang else ""))
    driver.find_element(By.ID, "code").send_keys(site.code(role))
    click(driver, "form[action='/sign-in'] button")


def _gone(old: WebElement) -> Callable[[WebDriver], bool]:
    """Whether the page `old` belongs to has been replaced. Chromium sometimes answers
    for a node of a page being torn down with "Node with given id does not belong to the
    document" instead of a stale-element error: that means gone too."""
    def check(_: WebDriver) -> bool:
        try:
            old.is_enabled()
        except (StaleElementReferenceException, WebDriverException):
            return True
        return False
    return check


def click(driver: WebDriver, css: str) -> None:
    """Click (a link or a submit button) and wait until the next page has loaded."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(driver, 20).until(_gone(old))
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def shot(driver: WebDriver, name: str, full: bool = True) -> Path:
    """A PNG of the page as a person sees it at phone width (the whole page). For the
    README (`MATCHER_SCREENSHOTS` set) the top 1,280 pixels in 16 colours, so that the
    committed pictures stay small."""
    committed = os.environ.get("MATCHER_SCREENSHOTS")
    folder = Path(committed or HERE / "var" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if full:
        # the window's height includes the browser's own bars (add them, else the page's
        # end is cut off), and a taller window can lay the page out taller: measure again
        for _ in range(3):
            height, bars, inner = driver.execute_script(
                "return [document.documentElement.scrollHeight,"
                " window.outerHeight - window.innerHeight, window.innerHeight]")
            wanted = min(max(int(height), 600), 4000)
            if wanted == inner:
                break
            driver.set_window_size(412, wanted + int(bars or 0))
        driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))
    driver.set_window_size(412, 915)
    if committed:
        with Image.open(path) as picture:
            top = picture.convert("RGB").crop((0, 0, picture.width,
                                               min(picture.height, COMMITTED_HEIGHT)))
        top.quantize(colors=16, dither=Image.Dither.NONE).save(path, optimize=True)
    return path


def axe(driver: WebDriver) -> list[dict[str, Any]]:
    """Serious and critical violations of WCAG 2.1 A and AA rules on the current page."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa']}}).then(r => done(r.violations)).catch(e => done([{id: 'axe-error',"
        " impact: 'critical', help: String(e), nodes: []}]));")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
            for v in result if v.get("impact") in ("serious", "critical")]


def text(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)
