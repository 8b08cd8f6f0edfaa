"""What a dashboard shows where widgets cannot be drawn, and the names it gives assistive tools.

- Before a lesson is run (or when JupyterLab does not trust the notebook), an output can only be
  drawn from its static forms: the dashboard offers a picture (HTML: title, control values, the
  readout, the chart as a PNG with a text alternative), and a plain-text line that is not the
  widget's Python repr (``VBox(children=...``).
- A chart from `exposure_kit.plots` last in a cell has an HTML form: the same PNG with its
  titles as alternative text (JupyterLab and Voila show the HTML form).
- The hidden script that names slider handles and gives the chart its ``alt`` text is part of
  every dashboard, keyed to that dashboard's chart.
The browser side of both is checked by the learner's-eye sweep (tests/test_sweep.py).
"""

import base64
import json
import re

import pytest

import exposure_kit as ek
from exposure_kit import widgets

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def net_gross(long=150_000.0, short=100_000.0):
    return widgets.NetGrossDashboard(long=long, short=short)


def test_the_picture_shows_the_controls_readout_and_chart_as_they_stand():
    dash = net_gross()
    dash.controls["long"].value = 220_000.0
    bundle = dash._repr_mimebundle_()
    assert WIDGET_VIEW in bundle                       # live where widgets can be drawn
    page = bundle["text/html"]
    assert "Long (BTC perp) $: <b>220,000</b>" in page
    # the readout's net is the engine's, for the values shown: 220,000 - 100,000
    net = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 220_000},
        {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000},
    ]).net_exposure()
    assert net == pytest.approx(120_000.0)
    assert ek.usd(net) in page
    png = re.search(r"src='data:image/png;base64,([^']+)'", page).group(1)
    assert base64.b64decode(png)[:4] == b"\x89PNG"
    assert re.search(r"alt='Chart: [^']+'", page)
    assert "tex2jax_ignore" in page                    # dollar amounts are not maths


def test_the_plain_text_form_is_not_the_widget_repr():
    text = net_gross()._repr_mimebundle_()["text/plain"]
    assert "children=" not in text and "VBox" not in text
    assert text.startswith("Net versus gross")


def test_every_dashboard_names_its_chart_for_assistive_tools():
    dash = net_gross()
    scripts = [child for child in dash.widget.children if hasattr(child, "outputs")]
    assert len(scripts) == 1 and scripts[0].layout.display == "none"
    code = scripts[0].outputs[0]["data"]["application/javascript"]
    key = next(c for c in dash.image._dom_classes if c.startswith("ek-chart-"))
    assert json.dumps(key) in code
    assert "aria-label" in code and ".noUi-handle" in code
    title = dash.figure.axes[0].get_title()
    assert title and json.dumps(f"Chart: {title}") in code
    # a second dashboard gets its own key
    other = next(c for c in net_gross().image._dom_classes if c.startswith("ek-chart-"))
    assert other != key


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
