"""A stored lesson opened in JupyterLab, before it is run, shows its dashboard as a picture, and
running the cells makes it live (Debian's Chromium, 1366x768).

JupyterLab treats a notebook it did not sign as untrusted and will not draw widgets from it: the
dashboard's output would print ``VBox(children=(HTML(value=...`` until run. The stored output
also holds a still picture (HTML with the chart embedded), which JupyterLab draws instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import browser_support as bs

pytestmark = pytest.mark.browser

LESSON_01 = Path(__file__).resolve().parents[2] / "notebooks" / "01_net_vs_gross.ipynb"


def test_dashboard_is_a_picture_before_running_and_live_after(tmp_path):
    bs.require_chromium()
    with bs.jupyterlab(LESSON_01, tmp_path) as url, \
            bs.chromium_page(tmp_path, 1366, 768) as page:
        page.goto(url)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=30_000)
        output = page.locator(".jp-OutputArea-output").filter(has_text="Net versus gross").first
        output.wait_for()                   # the dashboard's stored output, however it is drawn
        output.scroll_into_view_if_needed()
        shot = tmp_path / "before-running.png"
        page.screenshot(path=str(shot))
        assert "VBox(children" not in page.locator(".jp-Notebook").inner_text(), \
            f"the dashboard is shown as widget text (screenshot {shot})"
        still = page.locator(".jp-OutputArea .ek-still")
        assert still.count() == 1, f"no picture of the dashboard (screenshot {shot})"
        assert still.first.locator("img").evaluate("img => img.naturalWidth") > 0, shot
        assert page.locator(".jp-OutputArea .widget-slider").count() == 0, shot

        bs.run_all_cells(page)
        long_slider = bs.slider(page, "Long").first
        long_slider.wait_for(timeout=30_000)
        shot = tmp_path / "after-running.png"
        page.screenshot(path=str(shot))
        assert page.locator(".jp-OutputArea .ek-still").count() == 0, shot
        # lesson 01 starts its dashboard on a book that leans short: long $50,000, short $100,000
        assert bs.slider_value(long_slider) == "50,000", shot
