"""Web collection in a real browser (Debian's Chromium) at phone width, with the keyboard only.

A respondent completes the NoMAD survey at 390 CSS pixels without a mouse; another saves half-way and resumes;
the owner then reads the response rate and the answers in the study's dashboard. axe-core (vendored under
tests/vendor, injected through the DevTools protocol so the pages' own policy is untouched) finds no serious or
critical problem on the respondent's pages or the tracking page, and no page scrolls sideways. Screenshots of
the form and of the tracking page at phone width are taken each run; they replace those in docs/img/ only when
``MINDTHEGAP_SCREENSHOTS=docs/img`` asks for it (a test run leaves the checkout as it found it). The
Content-Security-Policy reports no violation on the respondent's pages.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from tests.test_browser import CHROMEDRIVER, CHROMIUM, browser  # noqa: F401 - the browser fixture
from tests.test_browser_security import LISTEN

from collect_fixtures import CONSENT, nomad_answers, small_study
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"),
]

REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
#: where the phone screenshots go: MINDTHEGAP_SCREENSHOTS (e.g. docs/img, to refresh the documentation's), else a
#: temporary folder
SCREENSHOTS = Path(os.environ.get("MINDTHEGAP_SCREENSHOTS") or tempfile.mkdtemp(prefix="mindthegap-shots-"))
WIDTH = 390


def _phone(driver, height: int = 844) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )


def _axe(driver) -> list[str]:
    """Serious and critical axe-core violations on the current page (rule id and first target)."""
    driver.execute_cdp_cmd("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => [v.id, v.impact, v.nodes.length ? v.nodes[0].target.join(' ') : ''])));"
    )
    return [
        f"{rule} ({impact}) at {target}"
        for rule, impact, target in result
        if impact in ("serious", "critical")
    ]


def _no_sideways_scroll(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def _press(driver, *keys) -> None:
    for key in keys:
        driver.switch_to.active_element.send_keys(key)


def _tab_to(driver, css: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``css`` has the focus (the keyboard's way of moving)."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        if driver.execute_script(f"return document.activeElement.matches({css!r})"):
            focused = driver.switch_to.active_element
            outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
            assert outline != "none", f"{css} has no visible focus"
            return
        _press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached {css}")


def _answer_page_by_keyboard(driver, downs: int = 3) -> None:
    """Each question: Tab into its radio group, arrow down to an answer (arrows select in a radio group)."""
    from selenium.webdriver.common.keys import Keys

    names = driver.execute_script(
        "return [...new Set([...document.querySelectorAll('main input[type=radio]')].map(e => e.name))]"
    )
    for name in names:
        _tab_to(driver, f"input[name={name}]")
        _press(driver, *([Keys.ARROW_DOWN] * downs), Keys.SPACE)


def _wait(driver, text: str, seconds: int = 60) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(lambda d: text in d.page_source)


def test_a_respondent_completes_nomad_by_keyboard_at_phone_width_and_the_owner_sees_it(live_server, browser):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    from mindthegap.store.collection import responses
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.evidence import save_all

    save_all(small_study(), {})
    study = StudyRecord.objects.get(slug="pilot")
    survey = create_survey(study, slug="nomad-w1", instrument="nomad", consent_text=CONSENT, wave="w1",
                           title="NoMAD: the new care plans")  # fmt: skip
    tokens = dict(responses.invite(survey))
    for pid in [f"P-{i:03d}" for i in range(18, 38)]:  # 20 others answered already, in both services
        invitation = responses.find_invitation(tokens[pid])
        session = responses.start_personal(invitation)
        responses.save_page(session, {it.id: nomad_answers()[f"q{n}"] for n, it in
                                      enumerate(responses.instrument_of(survey).items, 1)}, 5)  # fmt: skip
        responses.submit(session)
    _phone(browser)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    problems: list[str] = []

    # 1. consent, then every page with the keyboard only
    browser.get(f"{live_server.url}/respond/{tokens['P-001']}/")
    problems += _axe(browser)
    _tab_to(browser, "input#consent")
    _press(browser, Keys.SPACE)
    _tab_to(browser, "button.primary")
    _press(browser, Keys.ENTER)
    _wait(browser, "Page 1 of 5")
    _tab_to(browser, "button.primary")
    _press(browser, Keys.ENTER)  # nothing chosen: the error summary lists each question
    _wait(browser, "There is a problem")
    assert browser.title.startswith("Error:")
    problems += _axe(browser)
    assert _no_sideways_scroll(browser)
    for number in range(1, 6):
        _wait(browser, f"Page {number} of 5")
        assert _no_sideways_scroll(browser), f"page {number} scrolls sideways at {WIDTH}px"
        _answer_page_by_keyboard(browser)
        if number == 2:
            problems += _axe(browser)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            _phone(browser, height)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(SCREENSHOTS / "survey-form-phone.png"))
            _phone(browser)
        _tab_to(browser, "button.primary")
        _press(browser, Keys.ENTER)
    _wait(browser, "Your answers have been sent")
    problems += _axe(browser)
    assert browser.execute_script("return window.__violations") == []  # the Content-Security-Policy held

    # 2. another respondent saves half-way and resumes later in a fresh browser session
    browser.delete_all_cookies()
    link = f"{live_server.url}/respond/{tokens['P-002']}/"
    browser.get(link)
    _tab_to(browser, "input#consent")
    _press(browser, Keys.SPACE)
    _tab_to(browser, "button.primary")
    _press(browser, Keys.ENTER)
    _wait(browser, "Page 1 of 5")
    _answer_page_by_keyboard(browser, downs=5)
    _tab_to(browser, "button[value=save]")
    _press(browser, Keys.ENTER)
    _wait(browser, "Your answers are saved")
    browser.delete_all_cookies()
    browser.get(link)
    _wait(browser, "Page 2 of 5")
    for number in range(2, 6):
        _wait(browser, f"Page {number} of 5")
        _answer_page_by_keyboard(browser)
        _tab_to(browser, "button.primary")
        _press(browser, Keys.ENTER)
    _wait(browser, "Your answers have been sent")
    assert problems == []

    # 3. the owner reads the response rate and sees the answers in the dashboard
    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=owner, role=StudyAccess.Role.OWNER)
    browser.get(f"{live_server.url}/studies/pilot/surveys/nomad-w1/")
    browser.find_element("id", "id_username").send_keys("owner")
    browser.find_element("id", "id_password").send_keys("a-long-passphrase-9")
    browser.find_element("css selector", "button[type=submit]").click()
    _wait(browser, "Responses by service")
    html = browser.page_source
    assert "55%" in html  # 22 of 40 invited have answered
    assert _no_sideways_scroll(browser)
    assert _axe(browser) == []
    height = browser.execute_script("return document.documentElement.scrollHeight")
    _phone(browser, height)
    browser.save_screenshot(str(SCREENSHOTS / "response-tracking-phone.png"))
    _phone(browser)
    browser.get(f"{live_server.url}/studies/pilot/")
    _wait(browser, "Study dashboard", 180)
    assert "NoMAD" in browser.page_source and "Coherence" in browser.page_source
