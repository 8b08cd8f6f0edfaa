"""After a reload, a quiz card in the app shows the answer the learner checked before it (a
reload starts a new kernel; the server knows the learner by the browser's cookie), with its
verdict, and the progress line counts it. Lesson 01 in Chromium, served as `make app` serves it.

Chromium missing: skipped, except under ``CI=true`` (failed).
"""

from __future__ import annotations

import pytest

from exposure_kit.exercises import lesson01 as ex

import browser_support as bs

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

LESSON_01 = bs.REPO / "notebooks" / "01_net_vs_gross.ipynb"


def test_a_reloaded_lesson_shows_the_answers_checked_before(tmp_path):
    from playwright.sync_api import expect

    bs.require_chromium()
    net = f"{ex.q1.expected():,.0f}"       # exercise 01 q1: 220,000 - 180,000 = 40,000
    with bs.voila(LESSON_01, tmp_path) as url, bs.chromium_page(tmp_path, 1366, 768) as page:
        page.goto(url)
        card = page.locator(".ek-quiz-question").first
        card.wait_for(timeout=90_000)
        card.scroll_into_view_if_needed()
        box = card.locator("input[type=text]")
        box.fill(net)
        box.press("Enter")
        expect(card.locator(".ek-quiz-feedback")).to_contain_text("Correct", timeout=30_000)

        page.reload()
        card = page.locator(".ek-quiz-question").first
        card.wait_for(timeout=90_000)
        card.scroll_into_view_if_needed()
        feedback = card.locator(".ek-quiz-feedback")
        expect(feedback).to_contain_text("before the page was reloaded", timeout=30_000)
        expect(feedback).to_contain_text("Correct")
        expect(card.locator("input[type=text]")).to_have_value(net)
        expect(page.locator(".ek-quiz-progress").first).to_contain_text("1 of 4 correct")
        page.screenshot(path=str(tmp_path / "restored.png"))
