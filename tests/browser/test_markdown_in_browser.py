"""Dollar amounts in prose render as text, not as typeset maths, on the page a learner sees.

Exercise 01 states "long $220,000 of BTC perpetuals and short $180,000 of ETH futures": opened
in JupyterLab (not run) and served by Voila, its markdown cells hold no MathJax output
(``mjx-container``) and show both amounts as written. A formula cell added to the copy proves the
page does typeset real maths, so the check can fail. A markdown source escaped as ``\\$`` (the
earlier fix) fails this test: markdown eats the backslash before MathJax reads the text.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

import browser_support as bs

pytestmark = pytest.mark.browser

EXERCISE_01 = Path(__file__).resolve().parents[2] / "exercises" / "01_net_vs_gross.ipynb"
AMOUNTS = "long $220,000 of BTC perpetuals and short $180,000 of ETH futures"
FORMULA = "A formula, typeset on purpose: $x^2 + y$"
MARKDOWN = ".jp-MarkdownCell .jp-RenderedMarkdown"
READ = """(selector) => Array.from(document.querySelectorAll(selector)).map(cell => ({
    text: cell.innerText.replace(/\\s+/g, ' '),
    maths: cell.querySelectorAll('mjx-container').length}))"""


def with_formula(tmp_path: Path) -> Path:
    """A copy of exercise 01 with a last markdown cell that is real maths."""
    bs.require_chromium()
    notebook = nbformat.read(EXERCISE_01, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell(FORMULA, id="formula"))
    folder = tmp_path / "source"
    folder.mkdir()
    nbformat.write(notebook, folder / EXERCISE_01.name)
    return folder / EXERCISE_01.name


def assert_amounts_are_text(page, shot: Path) -> None:
    page.locator(MARKDOWN).filter(has_text="A formula").locator("mjx-container").first.wait_for()
    time.sleep(1)                      # MathJax typesets the cells one after the other
    page.screenshot(path=str(shot))
    cells = page.evaluate(READ, MARKDOWN)
    typeset = [c["text"][:80] for c in cells if c["maths"] and not c["text"].startswith("A formula")]
    assert not typeset, f"dollar amounts typeset as maths (screenshot {shot}): {typeset}"
    assert any(AMOUNTS in c["text"] for c in cells), f"amounts not shown as written ({shot})"
    assert [c["maths"] for c in cells if c["text"].startswith("A formula")] == [1]


def test_dollars_are_text_in_jupyterlab(tmp_path):
    notebook = with_formula(tmp_path)
    with bs.jupyterlab(notebook, tmp_path) as url, bs.chromium_page(tmp_path, 1366, 768) as page:
        page.goto(url)
        assert_amounts_are_text(page, tmp_path / "jupyterlab.png")


def test_dollars_are_text_in_voila(tmp_path):
    notebook = with_formula(tmp_path)
    env, port = bs.isolated_env(tmp_path), bs.free_port()
    command = [str(bs.BIN / "voila"), notebook.name, "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", *bs.app_options()]
    with bs.server(command, tmp_path, port, env, notebook.parent), \
            bs.chromium_page(tmp_path, 1366, 768) as page:
        page.goto(f"http://127.0.0.1:{port}/", timeout=90_000)
        assert_amounts_are_text(page, tmp_path / "voila.png")
