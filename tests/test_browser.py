"""The web app in a real browser (headless Chromium driven by Selenium), as a quality lead would use it.

Skips where Debian's chromium and chromedriver are not installed (CI installs them).
"""

import shutil

import pytest
from django.contrib.auth import get_user_model

from mindthegap.store.evidence import save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"),
]


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def test_sign_in_and_read_the_dashboard(live_server, browser, demo_study):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def wait_for(text: str) -> None:
        # the dashboard runs every analysis on request; wait for the page rather than racing it
        WebDriverWait(browser, 180).until(lambda d: text in d.page_source)

    save_all(demo_study.study, demo_study.evidence)
    user = get_user_model().objects.create_user("qi.lead", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=StudyRecord.objects.get(slug="northmoor"), user=user)

    browser.get(f"{live_server.url}/studies/northmoor/")
    assert "Sign in" in browser.title
    browser.find_element(By.ID, "id_username").send_keys("qi.lead")
    browser.find_element(By.ID, "id_password").send_keys("wrong password")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for("did not match")

    browser.find_element(By.ID, "id_password").send_keys("a-long-passphrase-9")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for("Study dashboard")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "Northmoor" in heading
    suppressed = browser.find_elements(By.CSS_SELECTOR, "td.suppressed")
    assert suppressed and all(cell.text == "suppressed" for cell in suppressed[:20])
    charts = browser.find_elements(By.CSS_SELECTOR, "figure .chart[role=img]")
    assert charts and all(chart.get_attribute("aria-label") for chart in charts)
    # the data behind a chart opens on request
    browser.find_element(By.CSS_SELECTOR, "figure details summary").click()
    assert browser.find_element(By.CSS_SELECTOR, "figure details table").is_displayed()
    # a viewer reads aggregates: the framework matrix is there, its quotes are not
    assert "aggregates only" in browser.find_element(By.CSS_SELECTOR, "p.meta").text
    # every header cell's rendered text in one round trip (hundreds of cells, one WebDriver call each, took seconds)
    headings = set(
        browser.execute_script("return [...document.querySelectorAll('th')].map(th => th.innerText)")
    )
    assert "Theme" in headings and "Quote" not in headings

    browser.find_element(By.CSS_SELECTOR, "button.link").click()  # sign out
    wait_for("Sign in")
    browser.get(f"{live_server.url}/studies/northmoor/")
    assert "Sign in" in browser.title


def test_an_analyst_accepts_and_rejects_suggestions(live_server, browser, demo_study):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from mindthegap.store.qualitative import models as q

    save_all(demo_study.study, demo_study.evidence)
    study = StudyRecord.objects.get(slug="northmoor")
    sources = list(q.SourceRecord.objects.filter(study=study).exclude(text=None)[:3])
    code = q.CodeRecord.objects.filter(study=study, active=True).first()
    made = [
        q.CodingRecord.objects.create(source=s, code=code, guid=f"B{i}", start=0, end=len(s.text),
                                      coder="auto-coder:npt", status="unreviewed", confidence=0.9 - i / 10)
        for i, s in enumerate(sources)
    ]  # fmt: skip
    user = get_user_model().objects.create_user("analyst", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=user, role=StudyAccess.Role.ANALYST)

    browser.get(f"{live_server.url}/studies/northmoor/suggestions/")
    browser.find_element(By.ID, "id_username").send_keys("analyst")
    browser.find_element(By.ID, "id_password").send_keys("a-long-passphrase-9")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 60).until(lambda d: "3 suggestions awaiting review" in d.page_source)
    row = browser.find_element(By.ID, f"suggestion-{made[0].id}")
    row.find_element(By.CSS_SELECTOR, "button[value=accept]").click()
    WebDriverWait(browser, 60).until(lambda d: f"Suggestion {made[0].id} accepted." in d.page_source)
    browser.find_element(By.ID, f"suggestion-{made[1].id}").find_element(
        By.CSS_SELECTOR, "button[value=reject]"
    ).click()
    WebDriverWait(browser, 60).until(lambda d: "1 suggestion awaiting review" in d.page_source)
    statuses = {
        c.id: (c.status, c.reviewer) for c in q.CodingRecord.objects.filter(id__in=[m.id for m in made])
    }
    assert statuses == {
        made[0].id: ("accepted", "analyst"),
        made[1].id: ("rejected", "analyst"),
        made[2].id: ("unreviewed", ""),
    }
