"""The coach's "Allocate places" in Chromium on the demo data: from the navigation to the
form, every candidate ticked with "All" (the box's script ticks the rows), one person's
wish (the kinds of place they want: the summary says what is ticked), the proposal
against greedy top-1 with each reason in the page's language, one place excluded for
its person and proposed again, in English and in Arabic (right to left), checked with
axe-core and photographed; accepted, one reservation released. The places are freed
again at the end, so the other pages show them as the demo left them."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from matcher.match import lists
from matcher.store import allocations as store
from tests.browser.conftest import Site, axe, click, shot, sign_in, text


def _reasons_in_view(browser: WebDriver, name: str) -> None:
    """A screenshot of the people given a place (each reason, the person's wishes and
    the exclude button), the window scrolled to them."""
    browser.execute_script("document.getElementById('placed-h').scrollIntoView()")
    shot(browser, name, full=False)


def test_allocate_places_for_the_centre(browser: WebDriver, site: Site) -> None:
    sign_in(browser, site, "coach")
    click(browser, "header.top nav a[href='/coach/allocations']")
    assert "Allocate places" in browser.title
    rows = browser.find_elements(By.CSS_SELECTOR, "input[name='cohort']")
    assert len(rows) >= 3 and not any(r.is_selected() for r in rows)
    browser.find_element(By.ID, "all").click()
    assert all(r.is_selected() for r in rows), "'All' ticks every candidate shown"
    # the first person wants a job only: the row's summary says so
    wish = browser.find_element(By.CSS_SELECTOR, "ul.cohort details.wish")
    wish.find_element(By.TAG_NAME, "summary").click()
    wish.find_element(By.CSS_SELECTOR, "input[value$=':job'] + label").click()
    assert wish.find_element(By.CSS_SELECTOR, ".wish-now").text == "Job"
    assert browser.find_element(By.ID, "all").is_selected()
    assert axe(browser) == []
    shot(browser, "coach-allocate")
    click(browser, "form.allocate button[type='submit']")

    url = browser.current_url
    assert "/coach/allocations/" in url, text(browser)[:800]
    page = text(browser)
    assert "Expected placements" in page and "Everyone to their own top choice" in page
    assert "given a place" in page and "Why:" in page and "Wants: Job" in page
    assert not browser.find_elements(By.CSS_SELECTOR, ".why-line [lang='en']"), \
        "every reason is in the page's language"
    assert browser.find_elements(By.CSS_SELECTOR, "li.assignment .place strong")
    assert axe(browser) == []
    shot(browser, "coach-allocation")
    _reasons_in_view(browser, "coach-allocation-why")

    # "she won't go to that employer": the first place excluded for its person
    card = browser.find_element(By.CSS_SELECTOR, "li.assignment:has(form.exclude)")
    person = card.get_attribute("id")
    before = card.find_element(By.CSS_SELECTOR, ".place").text
    click(browser, f"li#{person} form.exclude button")
    again = browser.current_url
    assert again != url and "/coach/allocations/" in again, text(browser)[:800]
    card = browser.find_element(By.ID, person)
    assert "1 place excluded for this person" in card.text
    assert before not in [p.text for p in card.find_elements(By.CSS_SELECTOR, ".place")]
    assert axe(browser) == []

    browser.get(again + "?lang=ar")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    assert "توزيع الأماكن" in text(browser) and "التوظيفات المتوقعة" in text(browser)
    assert "السبب:" in text(browser) and "مستبعد لهذا الشخص" in text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, ".why-line [lang='en']")
    assert axe(browser) == []
    shot(browser, "coach-allocation-ar")
    _reasons_in_view(browser, "coach-allocation-why-ar")
    browser.get(again + "?lang=en")

    try:
        click(browser, "form.accept button[type='submit']")
        assert "places reserved." in text(browser) or "place reserved." in text(browser)
        held = browser.find_elements(By.CSS_SELECTOR, "form[action$='/release'] button")
        assert held
        click(browser, "form[action$='/release'] button")
        assert "the place is free again" in text(browser)
        assert len(browser.find_elements(By.CSS_SELECTOR,
                                         "form[action$='/release'] button")) == len(held) - 1
    finally:  # as DELETE /reservations/{id} does: the lists holding the places go stale
        with site.engine.connection() as conn:
            for (rid,) in conn.execute("SELECT id FROM reservation"
                                       " WHERE released_at IS NULL").fetchall():
                released = store.release(conn, rid, None)
                if released["vacancy_id"]:
                    lists.listed_vacancies_changed(conn, [released["vacancy_id"]])
