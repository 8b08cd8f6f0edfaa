"""Lesson 01 as a classroom app in a real browser (Chromium + Playwright): the prediction waits
for the learner, and the quiz answers as check() does without showing the expected value early.

Served as `make app` serves it (browser_support.voila). Skipped without Chromium (failed under
``CI=true``), like the other browser tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import exposure_kit as ek
from exposure_kit.exercises import lesson01 as ex

import browser_support as bs

pytestmark = pytest.mark.browser

LESSON_01 = Path(__file__).resolve().parents[2] / "notebooks" / "01_net_vs_gross.ipynb"

# The guide's first book: long 150,000 of BTC perps, short 100,000 of ETH futures.
def test_lesson01_app_prediction_waits_and_quiz_names_the_slip(tmp_path, guide_book):
    from playwright.sync_api import expect

    bs.require_chromium()
    net_line = f"net exposure  : {ek.usd(guide_book.net_exposure())}"
    # exercise 01 q1: long 220,000, short 180,000: net 40,000, gross 400,000
    net, gross = ex.q1.expected(), ex.q2.expected()
    secret_forms = [ek.usd(net), f"{net:,.0f}"]
    with bs.voila(LESSON_01, tmp_path) as url, bs.chromium_page(tmp_path, 1366, 768) as page:
        page.goto(url)
        prediction = page.locator(".ek-prediction").first
        prediction.wait_for(timeout=40_000)
        assert net_line not in page.locator("body").inner_text()
        prediction.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "prediction_before.png"))
        prediction.get_by_text("hedged: the short cancels the long").click()
        prediction.get_by_role("button", name="Check my prediction").click()
        expect(prediction).to_contain_text("You said hedged")
        expect(prediction).to_contain_text(net_line)       # the engine's net for the book
        expect(prediction).to_contain_text(ek.describe_net(guide_book.net_exposure()))

        quiz = page.locator(".ek-quiz").first
        quiz.scroll_into_view_if_needed()
        first = quiz.locator(".ek-quiz-question").first
        body = page.locator("body").inner_text()
        assert not any(form in body for form in secret_forms), "the answer is on the page"
        box = first.locator("input[type=text]")
        box.fill(f"{gross:,.0f}")
        first.get_by_role("button", name="Check").click()
        expect(first).to_contain_text("that is the gross exposure (long + short)")
        assert not any(form in page.locator("body").inner_text() for form in secret_forms)
        first.get_by_role("button", name="Hint").click()
        expect(first).to_contain_text("Hint 1/")
        assert not any(form in page.locator("body").inner_text() for form in secret_forms)
        box.fill(f"{net:,.0f}")
        first.get_by_role("button", name="Check").click()
        expect(first.locator(".ek-quiz-feedback")).to_contain_text("Correct")
        expect(quiz.locator(".ek-quiz-progress").first).to_contain_text("1 of 4 correct")
        page.screenshot(path=str(tmp_path / "quiz_after.png"))
        # learners' copy: no switch for the solutions
        assert page.get_by_role("button", name="Show all solutions").count() == 0
