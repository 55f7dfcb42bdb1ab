"""The coach's "Allocate places" in Chromium on the demo data: from the navigation to the
form, every candidate ticked with "All" (the box's script ticks the rows), the proposal
against greedy top-1, in English and in Arabic (right to left), checked with axe-core
and photographed; accepted, one reservation released. The places are freed again at the
end, so the other pages show them as the demo left them."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from matcher.match import lists
from matcher.store import allocations as store
from tests.browser.conftest import Site, axe, click, shot, sign_in, text


def test_allocate_places_for_the_centre(browser: WebDriver, site: Site) -> None:
    sign_in(browser, site, "coach")
    click(browser, "header.top nav a[href='/coach/allocations']")
    assert "Allocate places" in browser.title
    rows = browser.find_elements(By.CSS_SELECTOR, "input[name='cohort']")
    assert len(rows) >= 3 and not any(r.is_selected() for r in rows)
    browser.find_element(By.ID, "all").click()
    assert all(r.is_selected() for r in rows), "'All' ticks every candidate shown"
    assert axe(browser) == []
    shot(browser, "coach-allocate")
    click(browser, "form.allocate button[type='submit']")

    url = browser.current_url
    assert "/coach/allocations/" in url, text(browser)[:800]
    page = text(browser)
    assert "Expected placements" in page and "Everyone to their own top choice" in page
    assert "given a place" in page and "Why:" in page
    assert browser.find_elements(By.CSS_SELECTOR, "li.assignment .place strong")
    assert axe(browser) == []
    shot(browser, "coach-allocation")

    browser.get(url + "?lang=ar")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    assert "توزيع الأماكن" in text(browser) and "التوظيفات المتوقعة" in text(browser)
    assert axe(browser) == []
    shot(browser, "coach-allocation-ar")
    browser.get(url + "?lang=en")

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
