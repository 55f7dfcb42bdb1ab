"""The employer portal in Chromium: a vacancy posted in German with the requirements
linked live and confirmed as skills, the town typed as "koeln", then the pseudonymised
candidates with the why; the CSV upload with its row errors. Every page is checked with
axe-core and photographed."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import Site, axe, click, shot, sign_in, text

TITLE = "Koch / Köchin (m/w/d) für Kantine"
REQUIREMENTS = "Suppen und Soßen kochen, Küche sauber halten, Deutsch B1"


def _boxes(browser: WebDriver, field: str) -> list[str]:
    return [str(b.get_attribute("value")) for b in browser.find_elements(
        By.CSS_SELECTOR, f"input[name='{field}_confirm']")]


def test_an_employer_posts_in_german_and_sees_candidates_with_the_why(
        browser: WebDriver, site: Site) -> None:
    sign_in(browser, site, "employer")
    assert browser.current_url.endswith("/employer")
    assert "My vacancies" in text(browser) and "Close" in text(browser)
    assert axe(browser) == []
    shot(browser, "employer-vacancies")

    click(browser, "a.button.primary[href='/employer/vacancies/new']")
    assert axe(browser) == []
    shot(browser, "employer-new-vacancy")
    browser.find_element(By.ID, "title").send_keys(TITLE)
    browser.find_element(By.ID, "essential_text").send_keys(REQUIREMENTS)
    browser.find_element(By.ID, "town").send_keys("koeln")
    # htmx links while the person types: the suggestions and the town appear in place
    WebDriverWait(browser, 20).until(lambda d: _boxes(d, "essential_text")
                                     and _boxes(d, "title"))
    WebDriverWait(browser, 20).until(
        lambda d: "Köln (Nordrhein-Westfalen)" in d.find_element(By.ID, "town-choices").text)

    click(browser, "button[value='check']")  # the same, without JavaScript
    page = text(browser)
    assert "Küche sauber halten" in page and "Not recognised" in page
    assert browser.find_element(By.CSS_SELECTOR, "#lang_0 option[value='de']").is_selected()
    assert browser.find_element(By.CSS_SELECTOR, "#level_0 option[value='B1']").is_selected()
    assert axe(browser) == []
    shot(browser, "employer-new-vacancy-suggestions")
    guesses = [box for box in browser.find_elements(
        By.CSS_SELECTOR, "input[name='essential_text_confirm']:not(:checked)")
        if "Soßen kochen" in str(box.get_attribute("value"))]
    if guesses:  # the best unsure guess for "Suppen und Soßen kochen", confirmed
        guesses[0].click()

    click(browser, "button[value='post']")
    assert "/employer/vacancies/" in browser.current_url
    page = text(browser)
    assert "Your vacancy is posted" in page and TITLE in page
    assert "Köln" in page and "German B1" in page
    assert "Candidate 1" in page, "candidates without consent are shown by number"
    assert "required skills" in page and "away" in page
    assert axe(browser) == []
    shot(browser, "employer-vacancy")


def test_a_csv_with_bad_rows_shows_every_error_and_saves_nothing(
        browser: WebDriver, site: Site, tmp_path: Path) -> None:
    sign_in(browser, site, "employer")
    before = _count(site)
    browser.get(site.base + "/employer/vacancies/upload")
    assert axe(browser) == []
    bad = tmp_path / "vacancies.csv"
    bad.write_text("external_id,kind,title,languages,town,slots\n"
                   "k-1,job,Koch (m/w/d),de:B1,Köln,2\n"
                   "k-2,gig,Spülkraft (m/w/d),de:A2,Frankfurt,1\n"
                   "k-3,job,Lagerhelfer (m/w/d),de:X1,Kölm,0\n", encoding="utf-8")
    browser.find_element(By.ID, "file").send_keys(str(bad))
    click(browser, "form[enctype] button[type=submit]")
    page = text(browser)
    assert "Nothing was saved" in page
    rows = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in browser.find_elements(By.CSS_SELECTOR, "table.row-errors tbody tr")]
    assert ["3", "kind"] in [r[:2] for r in rows] and ["4", "town"] in [r[:2] for r in rows]
    assert any("Frankfurt am Main (Hessen)" in r[2] for r in rows), rows
    assert axe(browser) == []
    shot(browser, "employer-upload-errors")
    assert _count(site) == before, "nothing was written"


def _count(site: Site) -> int:
    with site.engine.connection() as conn:
        row = conn.execute("SELECT count(*) FROM vacancy WHERE employer_id = %s",
                           (site.users["employer"][1],)).fetchone()
    return int(row[0]) if row else 0
