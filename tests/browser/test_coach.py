"""The coach console in Chromium: intake in Ukrainian with the text linked live, skills
confirmed, the candidate's page with matches, an outcome recorded; then every page of the
console checked with axe-core and photographed."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import Site, axe, click, shot, sign_in, text

TEXT = "кухар у ресторані, готувати супи та соуси, 5 років"
SUGGESTED = "#skills_text-linked input[name='skills_text_confirm']"


def fill(driver: WebDriver, field: str, value: str) -> None:
    element = driver.find_element(By.ID, field)
    element.clear()
    element.send_keys(value)


def choose(driver: WebDriver, field: str, value: str) -> None:
    Select(driver.find_element(By.ID, field)).select_by_value(value)


def test_intake_in_ukrainian_to_an_outcome(browser: WebDriver, site: Site) -> None:
    sign_in(browser, site, "coach")
    assert browser.current_url.endswith("/coach")
    click(browser, "a.button.primary[href='/coach/candidates/new']")
    fill(browser, "name", "Oksana Melnyk")
    choose(browser, "l_lang_0", "uk")
    choose(browser, "l_level_0", "native")
    choose(browser, "l_lang_1", "de")
    choose(browser, "l_level_1", "B1")
    fill(browser, "town", "Köln")
    choose(browser, "permit", "restricted")
    fill(browser, "q_title_0", "Кухар")
    fill(browser, "q_country_0", "Ukraine")
    fill(browser, "skills_text", TEXT)  # htmx links it while she types
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, SUGGESTED))
    boxes = browser.find_elements(By.CSS_SELECTOR, SUGGESTED)
    values = [b.get_attribute("value") or "" for b in boxes]
    assert any(v.startswith("occupation|") and v.endswith("|кухар") for v in values)
    for box in boxes:  # confirm a skill for the soups and sauces too
        value = box.get_attribute("value") or ""
        if value.startswith("skill|") and "супи" in value and not box.is_selected():
            browser.execute_script("arguments[0].click()", box)
            break
    assert axe(browser) == []
    shot(browser, "coach-intake-suggestions")
    click(browser, "button[name='action'][value='save']")

    assert "/coach/candidates/cand_" in browser.current_url, text(browser)[:500]
    page = text(browser)
    assert "Saved." in page and "Linking report" in page and "Oksana Melnyk" in page
    assert "confirmed by a coach" in page.lower() or "from work experience" in page.lower()

    click(browser, "nav.tabs a[href$='/matches']")
    assert "essential skills" in text(browser)
    summary = browser.find_element(By.CSS_SELECTOR, "details.outcome summary")
    summary.click()
    form = summary.find_element(By.XPATH, "..")
    browser.execute_script("arguments[0].click()",
                           form.find_element(By.CSS_SELECTOR, "input[value='interview']"))
    form.find_element(By.NAME, "reason").send_keys("Probetag am Montag")
    click(browser, "details.outcome[open] button[type='submit']")
    assert "Probetag am Montag" in text(browser)
    assert "recorded=" in browser.current_url

    click(browser, "nav.tabs a:first-child")  # the profile
    click(browser, "a.button.danger")
    fill(browser, "confirm_name", "Oksana Melnyk")
    click(browser, "form[action$='/erase'] button[type='submit']")
    assert browser.current_url.endswith("/coach?erased=true")


def _with_a_plan(site: Site) -> tuple[str, int | None]:
    """A candidate of the demo coach's centre (not the demo migrant, whose sign-in the
    other tests use) with a match that a course plan improves (else any of theirs)."""
    org, migrant = site.users["coach"][1], site.users["migrant"][2]
    engine = site.engine
    with engine.connection() as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT c.id FROM candidate c JOIN candidate_qualification q"
            " ON q.candidate_id = c.id WHERE c.organisation_id = %s AND c.id <> %s"
            " ORDER BY c.id", (org, migrant))]
        for cid in dict.fromkeys(ids):
            found = engine.matcher.matches_for(conn, cid, [], True, why=False).matches[:10]
            for m, ex in zip(found, engine.matcher.explain(conn, found), strict=True):
                if ex["course_plan"]["courses"]:
                    return cid, m.vacancy.id
    return ids[0], None


def test_every_coach_page_is_accessible(browser: WebDriver, site: Site) -> None:
    cid, vacancy = _with_a_plan(site)
    sign_in(browser, site, "coach")
    base = f"{site.base}/coach/candidates/{cid}"
    for name, url in (("coach-caseload", f"{site.base}/coach"),
                      ("coach-intake", f"{site.base}/coach/candidates/new"),
                      ("coach-candidate", base),
                      ("coach-matches", base + "/matches"),
                      ("coach-course-plan", base + "/courses"
                       + (f"?vacancy={vacancy}" if vacancy else "")),
                      ("coach-recognition", base + "/recognition"),
                      ("coach-edit", base + "/edit"),
                      ("coach-erase", base + "/erase")):
        browser.get(url)
        assert browser.title and "Something went wrong" not in browser.title, url
        assert axe(browser) == [], url
        shot(browser, name)
    browser.get(base)
    click(browser, "form[action$='/sign-in-card'] button")
    assert "data:image/svg+xml" in (browser.find_element(
        By.CSS_SELECTOR, ".qr img").get_attribute("src") or "")
    assert axe(browser) == []
    shot(browser, "coach-sign-in-card")
    browser.get(f"{site.base}/coach?clang=uk&level=B1")
    assert axe(browser) == []
