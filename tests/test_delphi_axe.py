"""Delphi round pages (/delphi/<token>/) in a real browser (Debian's Chromium): axe-core, vendored under
tests/vendor and injected through the DevTools protocol, finds no serious or critical violation on any page a
panel member can reach — the rating form with last round's feedback and an edited wording, the form with its
error summary, the saved page, the thank-you page, the "already sent" page, a closed round and an unknown link —
and the pages keep to their Content-Security-Policy. The same pages are checked at phone width (390 CSS pixels)
and none scrolls sideways.
"""

from __future__ import annotations

import pytest
from tests.test_browser import CHROMEDRIVER, CHROMIUM, browser  # noqa: F401 - the browser fixture
from tests.test_browser_collect import _axe, _no_sideways_scroll, _phone, _wait
from tests.test_browser_security import LISTEN
from tests.test_delphi_browser import link_of, study  # noqa: F401 - the two-round Delphi fixtures

from mindthegap.store.delphi import repository as repo

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"),
]


def _check(driver, problems: list[str], page: str) -> None:
    problems += [f"{page}: {p}" for p in _axe(driver)]
    if not _no_sideways_scroll(driver):
        problems.append(f"{page}: scrolls sideways")


def test_delphi_pages_have_no_serious_accessibility_problem(live_server, browser, study, link_of):  # noqa: F811
    from selenium.webdriver.common.by import By

    _phone(browser)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    problems: list[str] = []
    link = f"{live_server.url}{link_of('pr03')}"

    browser.get(link)
    _wait(browser, "Your rating last round: 3")
    assert "Old one." in browser.page_source  # the edited wording and last round's feedback are on the page
    _check(browser, problems, "form")

    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()  # nothing chosen
    _wait(browser, "There is a problem")
    _check(browser, problems, "form with errors")

    browser.find_element(By.CSS_SELECTOR, "label[for=r_s1_7]").click()
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    _wait(browser, "saved")
    _check(browser, problems, "saved")

    browser.get(link)
    _wait(browser, "Your rating last round: 3")
    browser.find_element(By.CSS_SELECTOR, "label[for=r_s2_0]").click()
    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    _wait(browser, "Thank you")
    _check(browser, problems, "thank you")

    browser.get(link)  # sent already
    _wait(browser, "already been sent")
    _check(browser, problems, "already sent")
    assert browser.execute_script("return window.__violations") == []  # the Content-Security-Policy held

    repo.close_round(study, 2)
    browser.get(f"{live_server.url}{link_of('pr04')}")
    _wait(browser, "<h1")
    _check(browser, problems, "closed round")

    browser.get(f"{live_server.url}/delphi/{'A' * 43}/")
    _wait(browser, "<h1")
    _check(browser, problems, "unknown link")

    assert problems == []
