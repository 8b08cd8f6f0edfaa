"""The instructor's view on the classroom server of `make app`: the token, a new
session, nicknames as text, and two learners in Chromium seen by the instructor within 2 s.

The server is the one `make app` runs (see test_app_server), on lessons 00 and 01; the token is
read off the line the server prints at start, as an instructor would.
"""

from __future__ import annotations

import http.client
import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from test_app_server import app_server, get

import browser_support as bs

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    with app_server(root, APP_PER_CLIENT="0", APP_MAX_KERNELS="8") as (base, log):
        token = re.search(r"/instructor\?token=(\S+)", log.read_text()).group(1)
        yield base, token, root


def post(base: str, path: str, fields: dict, cookie: str = "") -> tuple[int, str, str]:
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("POST", "/" + path, body=urlencode(fields), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
            "Origin": base.rstrip("/")})
        response = connection.getresponse()
        return response.status, response.getheader("Location", ""), response.read().decode()
    finally:
        connection.close()


def xsrf(base: str) -> tuple[str, str]:
    """An _xsrf cookie and its form value, as a browser holds them after opening a page."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request("GET", "/learner")
    response = connection.getresponse()
    response.read()
    cookie = re.search(r"_xsrf=([^;]+)", response.getheader("Set-Cookie")).group(1)
    return f"_xsrf={cookie}", cookie


def test_every_instructor_page_needs_the_printed_token(classroom):
    base, token, _ = classroom
    for path in ("instructor", "instructor?token=nope", "instructor/data",
                 "instructor/answers.csv", "instructor/projector?q=01/q1"):
        status, text = get(base, path)
        assert status == 403 and "instructor's link" in text, path
    status, text = get(base, f"instructor?token={token}")
    assert status == 200 and "The class, session" in text
    status, text = get(base, f"instructor/answers.csv?token={token}")
    assert status == 200 and text.startswith("session,at,learner,nickname,lesson,question")


def test_a_new_session_needs_the_token_and_keeps_the_last(classroom):
    base, token, _ = classroom
    cookie, value = xsrf(base)
    status, _, text = post(base, "instructor/session", {"_xsrf": value}, cookie)
    assert status == 403 and "instructor's link" in text
    status, where, _ = post(base, "instructor/session", {"_xsrf": value, "token": token}, cookie)
    assert status == 302 and "/instructor?token=" in where
    _, page = get(base, f"instructor?token={token}")
    assert re.search(r"The class, session (\d+)", page).group(1) != "1"
    assert "earlier sessions: <a" in page


def _quiz_card(page):
    return page.locator(".ek-quiz-question").first


def test_two_learners_answer_lesson_01_and_the_instructor_sees_both_within_2_s(classroom, chromium):
    base, token, root = classroom
    shots = Path(os.environ.get("EXPOSURE_KIT_SHOTS", root))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(bs.CHROMIUM),
                                             args=bs.CHROMIUM_ARGS, headless=True)
        try:
            view = browser.new_page(viewport={"width": 1366, "height": 768})
            view.goto(f"{base}instructor?token={token}")
            learners = {"Ana <b>bold</b>": "220,000 + 180,000 = 400,000", "Ben": "40,000"}
            pages = []
            for nickname in learners:
                page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
                page.set_default_timeout(90_000)
                page.goto(f"{base}learner")
                page.fill("input[name=nickname]", nickname)
                page.click("button[type=submit]")
                page.goto(f"{base}voila/render/01_net_vs_gross.ipynb")
                _quiz_card(page).wait_for()
                pages.append(page)
            for page, guess in zip(pages, ["hedged: the short", "not hedged: it still leans"]):
                prediction = page.locator(".ek-prediction").first
                prediction.locator("label", has_text=guess).click()
                prediction.get_by_role("button", name="Check my prediction").click()
            for page, typed in zip(pages, ["400,000", "40,000"]):
                card = _quiz_card(page)
                card.locator("input[type=text]").fill(typed)
                card.get_by_role("button", name="Check").click()
            pages[0].locator(".ek-quiz-feedback", has_text="gross exposure").first.wait_for()
            pages[1].locator(".ek-quiz-feedback", has_text="Correct").first.wait_for()
            answered = time.monotonic()
            row = view.locator("tr", has_text="Q1: Net exposure")
            row.filter(has_text="2 of 2").wait_for(timeout=2_000)
            seen = time.monotonic() - answered
            assert seen < 2.0
            assert "1 × that is the gross exposure" in row.inner_text()
            assert view.locator("td", has_text="Ana <b>bold</b>").count() == 1   # text, not HTML
            hedged = view.locator(".card", has_text="Is this book hedged?")
            assert "2 predicted, 1 right" in hedged.inner_text()
            assert view.locator("td b", has_text="bold").count() == 0
            view.screenshot(path=str(shots / "instructor-1366x768.png"))
            view.set_viewport_size({"width": 1280, "height": 720})
            view.screenshot(path=str(shots / "instructor-1280x720.png"))
            projector = browser.new_page(viewport={"width": 1280, "height": 720})
            projector.goto(f"{base}instructor/projector?token={token}&q=01/q1")
            assert "2 of 2 answered" in projector.inner_text("main")
            assert "Ana" not in projector.inner_text("body") and "Ben" not in \
                projector.inner_text("body")
            projector.screenshot(path=str(shots / "projector-1280x720.png"))
            projector.set_viewport_size({"width": 1366, "height": 768})
            projector.screenshot(path=str(shots / "projector-1366x768.png"))
            for page in pages:
                page.close(run_before_unload=True)
        finally:
            browser.close()
