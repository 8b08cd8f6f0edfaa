"""`make hub` end to end (issue 27): ten learners log in to JupyterHub with the class code and a
nickname, each gets their own classroom server, opens lesson 01 live and answers its first quiz
question; the instructor, logged in with the instructor's code, sees all ten in the class's
store (PostgreSQL, started by the test) through the hub's instructor service.

Ten learners are ten Playwright contexts in one Debian Chromium (separate cookies, one browser
process). The hub, its proxy, every learner's server and kernel, and PostgreSQL are stopped at
the end, pass or fail (hub_support). About 2 to 3 minutes on two shared cores (load average 4
to 12).

Lesson 01's first quiz question asks the net exposure of a two-leg book: long $220,000 of BTC
perpetuals, short $180,000 of ETH futures. Net exposure is 220,000 - 180,000 = 40,000 (the right
answer); adding the legs, 220,000 + 180,000 = 400,000, is the gross exposure (the slip the check
names).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import hub_support as hs
import pytest

import browser_support as bs

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.timeout(900)]

LEARNERS = [f"learner{n:02d}" for n in range(1, 11)]
NET = "40,000"      # 220,000 - 180,000
GROSS = "400,000"   # 220,000 + 180,000: the slip


@pytest.fixture(scope="module")
def hub():
    bs.require_chromium()
    with hs.running_hub() as running:
        yield running


def test_ten_learners_answer_and_the_instructor_sees_all_ten(hub, tmp_path):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(bs.CHROMIUM),
                                             args=bs.CHROMIUM_ARGS, headless=True)
        try:
            pages = {name: browser.new_context(viewport={"width": 1366, "height": 768})
                     .new_page() for name in LEARNERS}
            # all ten sign in together, as a class does; each page waits in turn (one
            # Playwright thread), while the hub spawns the servers side by side
            first = pages[LEARNERS[0]]
            first.goto(hub.url + "hub/login")
            assert "Class code" in first.inner_text("form")
            first.screenshot(path=str(tmp_path / "hub-login-1366x768.png"))
            for name, page in pages.items():
                hs.log_in(page, hub, name, hub.class_code)
            for name, page in pages.items():
                hs.open_lesson_01(page, hub, name)
            first.screenshot(path=str(tmp_path / "hub-lesson-01-1366x768.png"))
            for k, (name, page) in enumerate(pages.items()):
                typed, verdict = (GROSS, "gross exposure") if k < 3 else (NET, "Correct")
                hs.answer_q1(page, typed, verdict)
            live = time.monotonic() - started

            instructor = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            hs.log_in(instructor, hub, "teacher", hub.instructor_code)
            instructor.wait_for_url("**/user/teacher/**", timeout=240_000)
            instructor.goto(f"{hub.url}services/class/instructor?token={hub.instructor_token}")
            row = instructor.locator("tr", has_text="Q1: Net exposure")
            row.filter(has_text="10 of 10").wait_for(timeout=30_000)
            # 3 slips of 10 answers: 7 right at the first try, 70 %
            assert "3 × that is the gross exposure" in row.inner_text()
            assert "70%" in row.inner_text()
            table = instructor.inner_text("body")
            assert all(name in table for name in LEARNERS)
            instructor.screenshot(path=str(tmp_path / "hub-instructor-1366x768.png"))

            # a learner is not an admin: the instructor's service refuses them, token or not
            learner = pages[LEARNERS[0]]
            refused = learner.goto(f"{hub.url}services/class/instructor?token="
                                   f"{hub.instructor_token}")
            assert refused.status == 403
            # nor may they open another learner's server
            other = learner.goto(f"{hub.url}user/{LEARNERS[1]}/")
            assert other.status == 403
        finally:
            browser.close()
    print(f"\n10 learners live and answered in {live:.0f} s; whole test "
          f"{time.monotonic() - started:.0f} s")


def test_a_wrong_class_code_or_a_taken_nickname_is_refused(hub):
    def login(name: str, code: str) -> str:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(hub.url + "hub/login").read().decode()
        xsrf = page.split('name="_xsrf" value="')[1].split('"')[0]
        body = f"username={name}&password={code}&_xsrf={xsrf}".encode()
        try:
            return opener.open(hub.url + "hub/login", body).geturl()
        except urllib.error.HTTPError as refused:
            return f"{refused.code}"

    assert login("newcomer", "not-the-code") == "403"
    assert login("new comer!", hub.class_code) == "403"          # not a nickname
    assert login("teacher", hub.instructor_code) != "403"        # an instructor: an admin
    assert login("teacher", hub.class_code) == "403"             # an admin's name
    assert login("newcomer", hub.class_code) != "403"
    # another browser (no claim cookie) cannot take the nickname while it is in use
    assert login("newcomer", hub.class_code) == "403"
