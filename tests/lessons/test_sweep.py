"""The learner's-eye sweep: every page a learner can open, looked at in a real browser.

Every lesson (JupyterLab, Run All Cells), every exercise notebook (JupyterLab, as stored) and every
app page (Voila, served by the recipe of `make app`, front page included) at 1366x768, in one
JupyterLab, one Voila and one Chromium. A page fails, naming the cell, on typeset maths in prose,
``NaN``/``nan``/``None``/``inf`` in an output, a widget's repr instead of the widget, a traceback,
a dashboard's error line, a request to any other host, or a page wider than the window; every
lesson in the app also fails on axe-core's serious or critical accessibility violations.
Every lesson, in JupyterLab after Run All and in the app, fails when a prediction's answer (what
its reveal states, its explanation, the sentences it names as giving it away) is on the page
above it or below it within one screen (768 px from its top). Every app page fails on Python in
its text (backticks, calls, keyword arguments, snake_case names, "In code"), read with every hint
and worked solution of its quiz opened, and on a quiz card that does not show its data.

Screenshots (one per page, full length), and the dashboards' heights (``dashboard_heights.json``)
are written under the test's temporary folder; a failure names its page's screenshot.

Chromium missing: skipped, except under ``CI=true`` (failed). The whole sweep takes a few minutes
on two cores; its time and page count are printed.
"""

from __future__ import annotations

import json

import pytest

import browser_support as bs
import sweep_support as sw

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1200)]

LAB_PAGES = [sw.page_name("lab", p) for p in sw.lab_pages()]
APP_PAGES = [sw.page_name("app", p) for p in sw.app_pages()]
MAX_DASHBOARD_HEIGHT = 700      # px: a dashboard fits a 1366x768 laptop screen


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, request):
    bs.require_chromium()
    result = sw.run_sweep(tmp_path_factory.mktemp("sweep"))
    problems = sum(len(page.problems) for page in result.pages.values())
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nlearner's-eye sweep: {len(result.pages)} pages in {result.seconds:.0f} s, "
              f"{problems} problem(s); screenshots in "
              f"{next(iter(result.pages.values())).screenshot.parent}")
    return result


def check(sweep, name: str) -> None:
    page = sweep.pages[name]
    if page.problems:
        pytest.fail(page.report(), pytrace=False)
    assert page.screenshot.exists()


@pytest.mark.parametrize("name", LAB_PAGES)
def test_in_jupyterlab_the_page_reads_cleanly(sweep, name):
    check(sweep, name)


@pytest.mark.parametrize("name", APP_PAGES)
def test_in_the_app_the_page_reads_cleanly(sweep, name):
    check(sweep, name)


def test_every_lesson_shows_its_dashboards_in_both_places(sweep):
    """The heights list is only worth reading if every dashboard was found."""
    for stem in (p.stem for p in sorted((bs.REPO / "notebooks").glob("*.ipynb"))):
        stored = sw.dashboards_stored(bs.REPO / "notebooks" / f"{stem}.ipynb")
        for kind, path in (("lab", f"notebooks/{stem}.ipynb"),
                           ("app", f"voila/render/{stem}.ipynb")):
            page = sweep.pages[sw.page_name(kind, path)]
            assert len(page.heights) == stored, page.report()


def test_every_dashboard_fits_on_one_screen(sweep, capsys):
    heights = json.loads(sweep.heights_file.read_text())
    with capsys.disabled():
        print(f"\ndashboard heights (px), also in {sweep.heights_file}:")
        for h in heights:
            print(f"  {h['height']:5d}  {h['page']} cell {h['cell']}: {h['title']}")
    too_tall = [h for h in heights if h["height"] > MAX_DASHBOARD_HEIGHT]
    assert heights and not too_tall, "\n".join(
        f"{h['page']} cell {h['cell']} ({h['title']}): {h['height']} px" for h in too_tall)


# ----- the rules themselves, on made-up cells (no browser) ------------------------------------
def cell(**fields):
    base = {"number": 4, "markdown": False, "prose": "", "maths": [], "outputs": [],
            "errors": [], "dashboards": []}
    return {**base, **fields}


def test_dollar_amounts_typeset_as_maths_are_caught_and_real_formulas_are_not():
    prose = cell(markdown=True, prose="long 220,000ofBTC", maths=["220,000ofBTC"])
    assert sw.cell_problems(prose, r"long \$220,000 of BTC and short \$180,000")
    formula = cell(markdown=True, prose="net = L - S", maths=["N=L−S"])
    assert not sw.cell_problems(formula, "the net is $N = L - S$ in dollars")
    assert not sw.cell_problems(cell(markdown=True, maths=["x"]), "$$x$$")


def test_non_numbers_reprs_and_tracebacks_in_outputs_are_caught():
    def out(text, mime="text/plain"):
        return cell(outputs=[{"mime": mime, "text": text}])

    assert "'NaN'" in sw.cell_problems(out("BTC perp  NaN  long"))[0]
    assert sw.cell_problems(out("ratio: inf"))
    assert sw.cell_problems(out("hedge: None"))
    assert "raw widget" in sw.cell_problems(out('VBox(children=(HTML(value="<h4'))[0]
    assert sw.cell_problems(out("KeyError: 'x'", "application/vnd.jupyter.stderr"))
    assert sw.cell_problems(cell(errors=["notional must be positive"]))
    assert "failed to draw" in sw.cell_problems(cell(broken=1))[0]
    for fine in ("information is $1,000", "Nonetheless", "nanoseconds", "$150,000 net long"):
        assert not sw.cell_problems(out(fine)), fine


def test_only_requests_that_leave_the_machine_are_foreign():
    assert sw.foreign("https://cdn.jsdelivr.net/npm/x.css")
    assert not sw.foreign("http://127.0.0.1:8866/voila/static/x.js")
    assert not sw.foreign("ws://localhost:1/api/kernels/k/channels")
    assert not sw.foreign("data:image/png;base64,AAAA")


def test_code_in_text_is_caught_and_plain_words_are_not():
    for code in ("`x`", "uses ek.report here", "the net_exposure() call", "venue='binance'",
                 "MarginAccount(..., brackets=...)", "In code:\nanswer = 3", "its contract_size"):
        assert sw.code_in(code), code
    for words in ("net = long - short", "a 10 % move (BTC -20 %)", "Hint 2/3", "1.5x leverage",
                  "Binance's rule: maintenance at the liquidation price", "e.g. -1500 or 0.25"):
        assert not sw.code_in(words), words


def test_an_answer_above_a_prediction_or_on_its_screen_is_caught():
    tells = [{"tells": ["$50,000 net long", "The short cancels only its own size."],
              "given": ["150,000", "100,000"]}]
    assert sw.prediction_problems([{"before": "net exposure  :  $50,000 net long", "below": ""}],
                                  tells)
    assert "same screen" in sw.prediction_problems(
        [{"before": "", "below": "the short   cancels only its own size."}], tells)[0]
    assert not sw.prediction_problems([{"before": "long $150,000, short $100,000",
                                        "below": "Try it"}], tells)
    assert "not on the page" in sw.prediction_problems(
        [{"before": "long $150,000", "below": ""}], tells)[0]
    assert sw.prediction_problems([], tells)          # a prediction missing from the page
