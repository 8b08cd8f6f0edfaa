"""The lessons in a real browser: Debian's Chromium driven by Playwright.

- JupyterLab, lesson 01: Run All, move the long slider with the keyboard, and the readout's net
  exposure becomes the engine's net for the sizes the sliders show.
- Voila, lesson 03 as a classroom app: sweep the hedge-ratio slider from 0 % to 150 % and the
  readout goes from net long, through neutral, to net short.

Chromium missing: skipped, except under ``CI=true`` (failed). A lesson not written yet: skipped.
Each test takes well under 30 s on two cores (the servers start in 2-4 s).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import exposure_kit as ek

import browser_support as bs

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSON_01 = NOTEBOOKS / "01_net_vs_gross.ipynb"
LESSON_03 = NOTEBOOKS / "03_hedging_spot_with_perps.ipynb"


def lesson(path: Path) -> Path:
    bs.require_chromium()
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    return path


def engine_net(long: float, short: float) -> float:
    """Lesson 01's book: a BTC perp long against an ETH future short, in USD."""
    return ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": long},
        {"underlying": "ETH", "kind": "future", "side": "short", "notional": short},
    ]).net_exposure()


def check_net_gross_in_lab(notebook: Path, tmp_path: Path, presses: int = 3) -> dict:
    """Run the notebook in JupyterLab, nudge the long slider, compare the net with the engine."""
    from playwright.sync_api import expect

    started = time.monotonic()
    with bs.jupyterlab(notebook, tmp_path) as url, bs.chromium_page(tmp_path) as page:
        page.goto(url)
        bs.run_all_cells(page)
        long_slider = bs.slider(page, "Long").first
        long_slider.wait_for()
        short_slider = bs.slider(bs.dashboard_of(long_slider), "Short").first
        readout = bs.readout_after(long_slider)
        net_cell = bs.readout_cell(readout, "Net = long")
        before = bs.number(bs.slider_value(long_slider))
        short = bs.number(bs.slider_value(short_slider))
        expect(net_cell).to_have_text(ek.usd(engine_net(before, short)))
        shown = bs.slider_value(long_slider)
        bs.press(long_slider, "ArrowRight", presses)
        expect(bs.typed_box(long_slider)).not_to_have_value(shown)
        # the handle holds the value the last press left; the box may still show a step between
        after = float(long_slider.locator(".noUi-handle").get_attribute("aria-valuenow"))
        expected = ek.usd(engine_net(after, short))
        expect(net_cell).to_have_text(expected)      # waits for the kernel's answer
        shot = tmp_path / "lesson01_lab.png"
        readout.scroll_into_view_if_needed()
        page.screenshot(path=str(shot))
    return {"before": before, "after": after, "short": short, "net": expected,
            "screenshot": shot, "seconds": time.monotonic() - started}


def bias_of(headline: str) -> str:
    text = headline.lower()
    if "flat" in text or "neutral" in text:
        return "neutral"
    return "long" if "net long" in text else "short" if "net short" in text else text


def check_hedge_sweep_in_voila(notebook: Path, tmp_path: Path) -> dict:
    """Open the notebook as a Voila app; step the hedge ratio from its minimum to its maximum."""
    from playwright.sync_api import expect

    started = time.monotonic()
    with bs.voila(notebook, tmp_path) as url, bs.chromium_page(tmp_path) as page:
        page.goto(url)
        # the dashboard is held back until the prediction above it is answered: open it
        page.get_by_role("button", name="Show it now").first.click(timeout=60_000)
        ratio = bs.slider(page, "Hedge ratio").first
        ratio.wait_for(timeout=30_000)
        readout = bs.readout_after(ratio)
        hedge_cell = bs.readout_cell(readout, "Short perp")
        bs.press(ratio, "Home")
        expect(bs.typed_box(ratio)).to_have_value("0%")
        expect(hedge_cell).to_have_text("$0")
        seen, shown = [bias_of(bs.headline(readout))], "0%"
        for _ in range(60):                      # 0 % to 150 % in the slider's steps
            previous = bs.readout_row(readout, "Short perp")
            bs.press(ratio, "ArrowRight")
            value = bs.typed_box(ratio)
            expect(value).not_to_have_value(shown)
            shown = value.input_value().strip()
            expect(hedge_cell).not_to_have_text(previous)   # the kernel has answered
            state = bias_of(bs.headline(readout))
            if state != seen[-1]:
                seen.append(state)
            if bs.number(shown) >= 1.5:
                break
        page.screenshot(path=str(tmp_path / "lesson03_voila.png"))
        text = page.locator("body").inner_text()
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return {"states": seen, "last": shown, "seconds": time.monotonic() - started,
            "text": text, "links": links}


def test_lesson01_in_jupyterlab_net_follows_the_long_slider(tmp_path):
    result = check_net_gross_in_lab(lesson(LESSON_01), tmp_path)
    assert result["after"] > result["before"]
    assert result["screenshot"].stat().st_size > 10_000


def test_lesson03_as_voila_app_hedge_crosses_from_long_to_short(tmp_path):
    result = check_hedge_sweep_in_voila(lesson(LESSON_03), tmp_path)
    assert result["states"] == ["long", "neutral", "short"]
    assert bs.number(result["last"]) == pytest.approx(1.5)
    # served as `make app` serves it: no code on the page, no link to an exercise notebook
    assert "import exposure_kit" not in result["text"] and "with_hedge(" not in result["text"]
    assert not [link for link in result["links"] if "/exercises/" in link]
    assert any(link.endswith("04_beta_and_correlation.ipynb") for link in result["links"])


def test_missing_chromium_skips_but_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(bs, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="no-chromium"):
        bs.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI"):
        bs.require_chromium()
