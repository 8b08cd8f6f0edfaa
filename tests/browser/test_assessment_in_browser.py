"""One candidate's assessment in Chromium, start to report, on the classroom server of
`make assessment` (the recipe of `make app` with a seed and a time limit, no lesson in its folder:
the assessment needs no kernel).

The candidate starts, types answers (Enter moves to the next box), hands the paper in once; the
instructor's view lists the paper and its report gives the verdicts, the slip named, the score per
topic, the time and the seed, on one printed A4 page. Screenshots at 1366x768 go to the test's
folder (``assessment-paper.png``, ``assessment-report.png``).
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest

from exposure_kit.exercises import _assessment as a

import browser_support as bs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from test_app_server import app_command  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.timeout(240)]
SEED, CANDIDATE = 2026, "Ana Ruiz"


def _server(root: Path):
    folder = root / "app"
    folder.mkdir()
    env, port = bs.isolated_env(root), bs.free_port()
    command = app_command(folder, port, ASSESSMENT_SEED=str(SEED), ASSESSMENT_MINUTES="30")
    return bs.server(command, root, port, env, bs.REPO), f"http://127.0.0.1:{port}/", port


def _answers() -> dict[int, str]:
    """Four answers worked by hand from the paper's own numbers: net right, the net again where
    the gross is asked (a named slip), the residual volatility as a percent, the gross leverage."""
    p = a.paper(CANDIDATE, SEED)
    book = p.questions[0].question.values
    account = p.questions[6].question.values
    vols = p.questions[4].question.values                                   # lesson 04, q1
    residual = math.sqrt(vols["vol_btc"] ** 2 + vols["vol_eth"] ** 2
                         - 2 * vols["correlation"] * vols["vol_btc"] * vols["vol_eth"])
    net = book["long"] - book["short"]
    return {1: f"${net:,.0f}", 2: f"{net:,.0f}", 5: f"{100 * residual:.3f}%",
            7: f"{(account['long'] + account['short']) / account['equity']:.3f}x"}


def test_a_candidate_takes_the_assessment_and_the_instructor_reads_the_report(tmp_path):
    from playwright.sync_api import expect

    bs.require_chromium()
    answers = _answers()
    running, base, port = _server(tmp_path)
    with running, bs.chromium_page(tmp_path, 1366, 768) as page:
        log = (tmp_path / f"server-{port}.log").read_text()
        token = re.search(r"/instructor\?token=(\S+)", log).group(1)
        assert f"seed {SEED}" in log and "30 minutes" in log

        page.goto(base + "assessment")
        page.get_by_label("Your name or candidate id").fill(CANDIDATE)
        page.get_by_role("button", name="Start the assessment").click()
        expect(page.locator("h1")).to_have_text("Assessment: ana ruiz")
        expect(page.locator("#countdown")).to_have_text(re.compile(r"^(29|30):\d\d$"))
        boxes = page.locator("input.answer")
        expect(boxes).to_have_count(14)
        for number in range(1, 8):                   # Enter: the next box, never a hand-in
            box = boxes.nth(number - 1)
            box.click()
            if number in answers:
                box.type(answers[number])
            box.press("Enter")
            assert page.evaluate("document.activeElement.name") == f"a{number + 1}"
        assert "/assessment/paper" in page.url
        page.locator("#q1").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "assessment-paper.png"))
        page.once("dialog", lambda dialog: dialog.accept())   # ten boxes left empty
        page.get_by_role("button", name="Hand in the paper").click()

        expect(page.locator("h1")).to_have_text("Handed in: ana ruiz")
        expect(page.locator("main")).to_contain_text("3 of 14 right")
        done = page.url
        page.go_back()                                  # the paper again: handed in already
        page.reload()
        assert page.url == done

        page.goto(f"{base}instructor?token={token}")
        listed = page.locator("table").filter(has_text="ana ruiz")
        expect(listed).to_contain_text("3 of 14")
        report = listed.get_by_role("link", name="report").get_attribute("href")
        page.goto(base.rstrip("/") + report)
        main = page.locator("main")
        expect(main).to_contain_text("3 of 14 right")
        expect(main).to_contain_text(f"seed {SEED}")
        expect(main).to_contain_text("that is the net exposure, not the gross")
        expect(main).to_contain_text(f"make assessment SEED={SEED} CANDIDATE='ana ruiz'")
        rows = main.locator("table").locator("tr")
        expect(rows).to_have_count(15)
        verdicts = [rows.nth(i).locator("td").nth(3).inner_text() for i in range(1, 8)]
        assert verdicts == ["correct", "slip", "not answered", "not answered", "correct",
                            "not answered", "correct"]
        page.screenshot(path=str(tmp_path / "assessment-report.png"))
        pdf = page.pdf(format="A4", print_background=True)
        (tmp_path / "assessment-report.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1, "the report is one page"
