"""Measure every lesson dashboard at 1366x768 in headless Chromium: height in the Voila app and
in JupyterLab, and a screenshot of each in the app. A script, not a test (run it by hand):

    .venv/bin/python tests/support/measure_dashboards.py [LESSON ...] [--out DIR] [--no-lab]

It prints one line per lesson and page: the dashboard's height in CSS pixels (the box holding
controls, readout, chart and the collapsed panels) and whether it fits 700 px. It reuses the
browser tests' helpers (servers in their own process group, Debian's Chromium, isolated state).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser_support as bs  # noqa: E402

LESSONS = ["01_net_vs_gross", "02_net_formula", "03_hedging_spot_with_perps",
           "04_beta_and_correlation", "05_hedges_from_price_history", "06_leverage_and_margin",
           "07_drift_after_price_moves", "08_inverse_contracts", "09_stress_and_false_neutrality",
           "10_options_and_delta",
           "11_relative_value_and_funding", "12_your_own_book"]
LIMIT = 700
DASHBOARD = ".ek-dashboard"


def measure(page, shot: Path | None) -> tuple[float, float]:
    """Height and width of the page's (first) dashboard; a screenshot with it scrolled to the
    top of the window when ``shot`` is given."""
    held = page.locator(".ek-held-back button")    # held back until a prediction is answered
    if held.count():
        held.first.wait_for(timeout=90_000)
        held.first.click()
    box = page.locator(DASHBOARD).first
    box.wait_for(state="visible", timeout=90_000)
    page.locator(f"{DASHBOARD} img.widget-image, {DASHBOARD} .widget-image").first.wait_for(
        timeout=30_000)
    page.wait_for_timeout(800)                 # fonts and the first PNG settle
    box.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    size = box.bounding_box()
    if shot is not None:
        page.screenshot(path=str(shot))
    return size["height"], size["width"]


def app(name: str, root: Path, out: Path) -> tuple[float, float]:
    notebook = bs.REPO / "notebooks" / f"{name}.ipynb"
    with bs.voila(notebook, root) as url, bs.chromium_page(root, 1366, 768) as page:
        page.goto(url, timeout=90_000)
        return measure(page, out / f"{name}-app.png")


def lab(name: str, root: Path, out: Path) -> tuple[float, float]:
    notebook = bs.REPO / "notebooks" / f"{name}.ipynb"
    with bs.jupyterlab(notebook, root) as url, bs.chromium_page(root, 1366, 768) as page:
        page.goto(url, timeout=90_000)
        bs.run_all_cells(page)
        return measure(page, out / f"{name}-lab.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers or names; all by default")
    parser.add_argument("--out", default="build/dashboard-shots", help="screenshot folder")
    parser.add_argument("--no-lab", action="store_true", help="the app only")
    args = parser.parse_args()
    chosen = [n for n in LESSONS if not args.lessons or any(n.startswith(a)
                                                            for a in args.lessons)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"{'lesson':<34} {'page':<5} {'height':>7} {'width':>7}  fits {LIMIT} px")
    for name in chosen:
        for where, run in (("app", app), ("lab", lab)):
            if where == "lab" and args.no_lab:
                continue
            with tempfile.TemporaryDirectory() as folder:
                try:
                    height, width = run(name, Path(folder), out)
                except Exception as exc:          # report and go on with the others
                    print(f"{name:<34} {where:<5} failed: {type(exc).__name__}: {exc}"[:300])
                    continue
            print(f"{name:<34} {where:<5} {height:>7.0f} {width:>7.0f}  "
                  f"{'yes' if height <= LIMIT else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
