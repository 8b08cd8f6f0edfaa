"""The names charts and controls give assistive tools (screen readers, axe-core).

- A chart from `exposure_kit.plots` last in a cell has an HTML form: the same PNG with its
  titles as alternative text (JupyterLab and Voila show the HTML form).
- The hidden script that names slider handles and gives the chart its ``alt`` text is part of
  every dashboard, keyed to that dashboard's chart.
The browser side is checked by the learner's-eye sweep (tests/lessons/test_sweep.py).
"""

import base64
import json
import re

import exposure_kit as ek
from exposure_kit import widgets


def net_gross(long=150_000.0, short=100_000.0):
    return widgets.NetGrossDashboard(long=long, short=short)


def test_every_dashboard_names_its_chart_for_assistive_tools():
    dash = net_gross()
    side = dash.widget.children[0].children[0]          # the controls' column, beside the chart
    scripts = [child for child in side.children if hasattr(child, "outputs")]
    assert len(scripts) == 1 and scripts[0].layout.display == "none"
    code = scripts[0].outputs[0]["data"]["application/javascript"]
    key = next(c for c in dash.image._dom_classes if c.startswith("ek-chart-"))
    assert json.dumps(key) in code
    assert "aria-label" in code and ".noUi-handle" in code
    # JupyterLab's command-mode shortcuts leave keys pressed on a widget control to the control
    assert "data-lm-suppress-shortcuts" in code
    assert len(dash.alt) > 40 and json.dumps(dash.alt) in code   # the dashboard's own alt text
    # a second dashboard gets its own key
    other = next(c for c in net_gross().image._dom_classes if c.startswith("ek-chart-"))
    assert other != key


def test_the_chart_box_is_no_scroll_region_a_keyboard_cannot_reach():
    # a widget box scrolls by default; the chart's box, a pixel taller than its picture,
    # was one (axe-core: scrollable-region-focusable, serious) in JupyterLab
    dash = net_gross()
    chart = dash.widget.children[0].children[1]
    assert dash.image in chart.children
    assert chart.layout.overflow == "visible"


def test_a_chart_last_in_a_cell_also_shows_as_html_with_a_text_alternative():
    from IPython.core.interactiveshell import InteractiveShell

    from exposure_kit import plots

    shell = InteractiveShell.instance()
    try:
        assert plots.show_in_notebook()
        ax = plots.waterfall(ek.sample_book("guide_example_1"))
        data, _ = shell.display_formatter.format(ax)
        page = data["text/html"]
        assert f"alt='Chart: {ax.get_title()}'" in page
        png = re.search(r"base64,([^']+)'", page).group(1)
        assert base64.b64decode(png) == data["image/png"]       # the same picture
    finally:
        InteractiveShell.clear_instance()


def test_a_prediction_not_yet_drawn_shows_its_question_not_its_repr():
    p = widgets.Prediction("Is this book hedged?", {"hedged": "hedged", "long": "leans long"},
                           answer="long", reveal=lambda: "net $50,000 long")
    bundle = p._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle     # live where it can be
    assert "Is this book hedged?" in bundle["text/html"]
    assert "<li>leans long</li>" in bundle["text/html"]
    assert "VBox" not in bundle["text/plain"] and "children=" not in bundle["text/plain"]
