"""The coding workspace in a real browser (headless Chromium driven by Selenium).

Two coders code the same transcript, which has emoji before the words they code (so UTF-16 and code-point
offsets differ); the comparison shows their disagreement, they resolve it and record the agreed version; the
stored spans are exactly the selected text (Python's ``str`` slicing is the reference), and the REFI-QDA
export of the result re-imports through the existing importer with the same codings. A second test opens a
20,000-word transcript with 1,000 codings and prints how long the page took to become usable (recorded in
docs/benchmarks.md; no timed assertion). Skips where Debian's chromium and chromedriver are not installed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from tests.test_browser import CHROMEDRIVER, CHROMIUM, browser  # noqa: F401 - the browser fixture
from tests.test_browser_security import LISTEN
from tests.test_coding_workspace import make_study

from mindthegap.store.coding import double
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyAccess

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"),
]
PASSWORD = "a-long-passphrase-9"
TRANSCRIPT = (
    "Interviewer: How did the new rota land? 😀\n"
    "[00:01:05] Sam: Honestly 👩🏽‍⚕️ it felt rushed, but the team pulled together 🇬🇧.\n"
    "Interviewer: And the training?\n"
    "Sam: Useful — we used the training 📚 the next week."
)
SCREENSHOT = os.environ.get("MINDTHEGAP_SCREENSHOT")  # e.g. docs/img/coding-workspace.png

SELECT = """
const [word, nth] = arguments;
const paras = [...document.querySelectorAll('#text p.turn')];
let seen = 0;
for (const p of paras) {
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    let at = node.data.indexOf(word);
    while (at >= 0) {
      if (seen++ === nth) {
        const r = document.createRange();
        r.setStart(node, at); r.setEnd(node, at + word.length);
        const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
        document.getElementById('text').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        return window.getSelection().toString();
      }
      at = node.data.indexOf(word, at + 1);
    }
  }
}
return null;
"""


def _sign_in(driver, url: str, name: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(url)
    driver.find_element(By.ID, "id_username").send_keys(name)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "body[data-workspace-ready]"))


def _code(driver, word: str, how, nth: int = 0) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    assert driver.execute_script(SELECT, word, nth) == word
    before = driver.execute_script("return MTGWorkspace.codings().length")
    how()
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return MTGWorkspace.codings().length") > before
    )


def test_two_coders_disagree_resolve_and_the_result_round_trips(live_server, browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    study = make_study("browse")
    q.SourceRecord.objects.create(study=study, guid="T1", name="Ward interview", kind="transcript",
                                  text=TRANSCRIPT, participant="P-0001", level="local_frontline")  # fmt: skip
    theme = q.CodeRecord.objects.create(study=study, guid="C0", name="Implementation")
    q.CodeRecord.objects.create(study=study, guid="C1", name="Workload", parent=theme,
                                description="Pressure of time and staffing")  # fmt: skip
    q.CodeRecord.objects.create(study=study, guid="C2", name="Training", parent=theme)
    for name in ("alex", "bea"):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        StudyAccess.objects.create(study=study, user=user, role=StudyAccess.Role.ANALYST)
    made = double.assign(study, "Pilot", ["alex", "bea"], sources=["T1"], by="test")
    suggestion = q.CodingRecord.objects.create(
        source=q.SourceRecord.objects.get(guid="T1"), code=theme, guid="M1", start=0, end=len(TRANSCRIPT),
        coder="auto-coder:pilot", status="unreviewed", confidence=0.83,
    )  # fmt: skip
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    page = f"{live_server.url}/studies/browse/coding/source/T1/"

    # alex: "it felt rushed" (after two emoji) as Workload by clicking the tree; "training" by searching
    _sign_in(browser, page, "alex")
    _code(
        browser,
        "it felt rushed",
        lambda: browser.find_element(By.CSS_SELECTOR, "#tree button[data-code=C1]").click(),
    )

    def search() -> None:
        box = browser.find_element(By.ID, "code-search")
        box.send_keys("train")
        box.send_keys(Keys.ENTER)

    _code(browser, "training", search, nth=1)
    assert "Coded “Training”" in browser.find_element(By.ID, "status").text
    # margin marks: one per coded line, coloured, named
    marks = browser.find_elements(By.CSS_SELECTOR, "#text .gutter .mark")
    assert len(marks) == 2 and marks[0].get_attribute("title") == "Workload · alex"
    assert browser.execute_script("return window.__violations") == []  # the CSP allowed everything it needed
    if SCREENSHOT:
        marks[0].click()
        browser.save_screenshot(SCREENSHOT)
    browser.find_element(By.ID, "finish").click()
    WebDriverWait(browser, 30).until(lambda d: "Waiting for the others" in d.page_source)

    # bea: only "felt rushed" as Workload, with the recently-used key after first using the tree
    _sign_in(browser, page, "bea")
    assert browser.find_elements(By.CSS_SELECTOR, "#text .gutter .mark") == []  # blind to alex
    # the auto-coder's suggestion is shown in place with its confidence and accepted with one key
    assert "confidence 0.83" in browser.find_element(By.ID, f"suggestion-{suggestion.id}").text
    browser.find_element(By.TAG_NAME, "body").send_keys("a")
    WebDriverWait(browser, 30).until(lambda d: "Suggestion accepted" in d.find_element(By.ID, "status").text)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reviewer) == ("accepted", "bea")
    _code(
        browser,
        "felt rushed",
        lambda: browser.find_element(By.CSS_SELECTOR, "#tree button[data-code=C1]").click(),
    )
    browser.find_element(By.ID, "finish").click()
    WebDriverWait(browser, 30).until(
        lambda d: "Compare coding" in d.title or "Disagreements" in d.page_source
    )
    items = browser.find_elements(By.CSS_SELECTOR, "#disagreements li")
    assert len(items) == 1 and "Training" in items[0].text and "not by bea" in items[0].text
    kappa = {r.find_element(By.TAG_NAME, "th").text: r.find_element(By.CSS_SELECTOR, ".kappa").text
             for r in browser.find_elements(By.CSS_SELECTOR, "#agreement-table tbody tr")}  # fmt: skip
    assert kappa["Training"] == "0.00" and kappa["Workload"] == "1.00"
    items[0].find_element(By.CSS_SELECTOR, "button[value=adopt]").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "no-disagreements"))
    kappa = {r.find_element(By.TAG_NAME, "th").text: r.find_element(By.CSS_SELECTOR, ".kappa").text
             for r in browser.find_elements(By.CSS_SELECTOR, "#agreement-table tbody tr")}  # fmt: skip
    assert kappa["Training"] == "1.00"
    browser.find_element(By.ID, "record-agreed").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "agreed"))
    assert browser.execute_script("return window.__violations") == []

    spans = {
        (c.coder, c.code.guid): TRANSCRIPT[c.start : c.end] for c in q.CodingRecord.objects.exclude(guid="M1")
    }
    assert spans == {
        ("alex", "C1"): "it felt rushed", ("alex", "C2"): "training", ("bea", "C1"): "felt rushed",
        ("bea", "C2"): "training", ("agreed", "C1"): "it felt rushed", ("agreed", "C2"): "training",
    }  # fmt: skip
    assert made.agreed.count() == 1

    # the REFI-QDA export re-imports through the existing importer with the same codings
    from mindthegap.io.refiqda import read_project
    from mindthegap.io.refiqda_export import write_project
    from mindthegap.store.qualitative.repository import load_project

    path = write_project(load_project(study), tmp_path / "coded.qdpx")
    back = read_project(path)

    def key(project):
        names = {c.guid: c.name for c in project.codebook.codes.values()}
        texts = {s.guid: s.text for s in project.sources}
        return sorted((c.coder, names[c.code], texts[c.source][c.start : c.end], c.start, c.end)
                      for c in project.codings)  # fmt: skip

    assert key(back) == key(load_project(study)) and len(back.codings) == 7  # with the accepted suggestion


def test_a_long_transcript_opens_quickly(live_server, browser):  # noqa: F811
    """20,000 words in 2,000 turns with 1,000 codings: prints the time to a usable page (no assertion on it)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    study = make_study("long")
    turn = "Interviewer: " + " ".join(["words"] * 4) + " 😀 " + " ".join(["more"] * 4) + "\n"
    text = turn * 2000  # 20,000 words and 2,000 emoji
    source = q.SourceRecord.objects.create(study=study, guid="L1", name="Long", text=text)
    codes = [q.CodeRecord.objects.create(study=study, guid=f"K{i}", name=f"Code {i}") for i in range(20)]
    step = len(turn)
    q.CodingRecord.objects.bulk_create([
        q.CodingRecord(source=source, code=codes[i % 20], guid=f"G{i}", start=i * 2 * step + 13,
                       end=i * 2 * step + 13 + 20, coder="alex")
        for i in range(1000)
    ])  # fmt: skip
    user = get_user_model().objects.create_user("alex", password=PASSWORD)
    StudyAccess.objects.create(study=study, user=user, role=StudyAccess.Role.ANALYST)
    page = f"{live_server.url}/studies/long/coding/source/L1/"
    _sign_in(browser, page, "alex")
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        browser.get(page)
        WebDriverWait(browser, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "body[data-workspace-ready]")
        )
        wall = time.perf_counter() - started
        nav = browser.execute_script(
            "const t = performance.getEntriesByType('navigation')[0];"
            "return {response: t.responseEnd - t.startTime, ready: t.domContentLoadedEventEnd - t.startTime};"
        )
        timings.append({"wall_s": round(wall, 3), **{k: round(v / 1000, 3) for k, v in nav.items()}})
    assert len(browser.find_elements(By.CSS_SELECTOR, "#text .gutter .mark")) == 1000
    print(json.dumps({"benchmark": "coding workspace page (browser)", "words": 20000, "codings": 1000,
                      "runs": timings}))  # fmt: skip
    Path(os.environ.get("MINDTHEGAP_BROWSER_TIMINGS", os.devnull)).write_text(json.dumps(timings))
