"""Every lesson dashboard's chart stays readable at the ends of every control.

Each dashboard, built as its lesson builds it, is put to each end of each control's range (every
corner when it has few sliders) and its chart checked from matplotlib's renderer: no text cut by
the figure's edge, no two texts overlapping, no legend entry for a line off the chart, no arrow
pointing at the chart's edge. ``EK_CHART_DIR=folder`` saves every picture there to look at.

The checks themselves are tested on charts made wrong on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import chart_support as cs

LESSONS = cs.lesson_dashboards()


def _slug(setting: dict) -> str:
    return "_".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in setting.items()).replace(" ", "").replace("/", "")[:90]


@pytest.mark.slow
@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_the_chart_reads_cleanly_at_every_end_of_every_control(lesson):
    build = LESSONS[lesson]
    folder = os.environ.get("EK_CHART_DIR")
    found = []
    dash = build()
    start = dash.values
    for n, setting in enumerate(cs.positions(dash)):
        for name, value in {**start, **setting}.items():
            dash.controls[name].value = value
        problems = cs.chart_problems(dash)
        if dash.last_error:
            problems.append(f"the dashboard refused it: {dash.last_error}")
        found += [f"{setting}: {p}" for p in problems]
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            dash.save(str(Path(folder) / f"{lesson}_{n:02d}_{_slug(setting)}.png"))
    assert not found, "\n".join(found)


# ----- the checks catch what they are meant to ------------------------------------------------
def _figure():
    figure = Figure(figsize=(6.4, 3.6), dpi=80)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def test_a_label_past_the_figures_edge_is_caught():
    figure, ax = _figure()
    ax.set_xlim(0, 1.5)
    ax.annotate("neutral: 150%", (1.5, 0), xycoords=("data", "axes fraction"), xytext=(4, 6),
                textcoords="offset points")
    figure.canvas.draw()
    assert any("cut by the figure's edge" in p for p in cs.text_problems(figure))


def test_two_labels_on_top_of_each_other_are_caught():
    figure, ax = _figure()
    ax.text(0.5, 0.5, "min var 0.67")
    ax.text(0.5, 0.5, "beta-neutral 0.67")
    figure.canvas.draw()
    assert cs.text_problems(figure) == ["'min var 0.67' overlaps 'beta-neutral 0.67'"]


def test_a_legend_entry_for_a_line_off_the_chart_is_caught():
    figure, ax = _figure()
    ax.plot([0, 2], [0, 1], label="risk")
    ax.axvline(2.22, label="beta-neutral")
    ax.set_xlim(0, 2)
    ax.legend()
    figure.canvas.draw()
    assert cs.legend_problems(figure) == ["the legend names 'beta-neutral', which is off the chart"]


def test_an_arrow_to_the_charts_edge_is_caught_and_one_inside_is_not():
    figure, ax = _figure()
    ax.set_xlim(54_000, 66_000)
    ax.annotate("", xy=(54_000, 0.5), xytext=(60_000, 0.5), arrowprops={"arrowstyle": "->"})
    figure.canvas.draw()
    assert cs.arrow_problems(figure)
    figure, ax = _figure()
    ax.set_xlim(54_000, 66_000)
    ax.annotate("", xy=(56_000, 0.5), xytext=(60_000, 0.5), arrowprops={"arrowstyle": "->"})
    figure.canvas.draw()
    assert not cs.arrow_problems(figure)
