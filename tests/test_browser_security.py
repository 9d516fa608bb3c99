"""The Content-Security-Policy in a real browser: Chromium reports no violation on any page a person uses.

A violation would mean a stylesheet, a chart's styling or a script was blocked. Skips where Debian's chromium
and chromedriver are not installed (CI installs them).
"""

import pytest
from django.contrib.auth import get_user_model
from tests.test_browser import CHROMEDRIVER, CHROMIUM, browser  # noqa: F401 - the browser fixture

from mindthegap.store.evidence import save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"),
]

# Injected through the DevTools protocol, so the page's own policy does not apply to it.
LISTEN = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
)


def test_no_page_breaks_the_content_security_policy(live_server, browser, demo_study):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    save_all(demo_study.study, demo_study.evidence)
    user = get_user_model().objects.create_user("qi.lead", password="a-long-passphrase-9", is_staff=True)
    StudyAccess.objects.create(study=StudyRecord.objects.get(slug="northmoor"), user=user)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})

    browser.get(f"{live_server.url}/accounts/login/?next=/studies/northmoor/")
    browser.find_element(By.ID, "id_username").send_keys("qi.lead")
    browser.find_element(By.ID, "id_password").send_keys("a-long-passphrase-9")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 180).until(lambda d: "Study dashboard" in d.page_source)
    assert browser.execute_script("return window.__violations") == []
    # the stylesheets loaded: the top bar is laid out by web/mindthegap.css, the page by report/report.css
    topbar = browser.find_element(By.CSS_SELECTOR, ".topbar")
    assert topbar.value_of_css_property("display") == "flex"
    # the charts kept their own styling (style attributes are allowed, inline script is not)
    fill = browser.execute_script(
        "const p = document.querySelector('figure .chart svg [style*=fill]');"
        "return p ? getComputedStyle(p).fill : null;"
    )
    assert fill and fill != "rgb(0, 0, 0)"

    browser.get(f"{live_server.url}/admin/")
    WebDriverWait(browser, 60).until(lambda d: "Site administration" in d.page_source)
    assert browser.execute_script("return window.__violations") == []
