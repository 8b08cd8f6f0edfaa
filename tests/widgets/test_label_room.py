"""Lesson 01's bar chart keeps the short bar's label inside the axes, off the tick labels
(learner read finding 10: at long = short = 150k, "-$150k" sat on the "short" tick label)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from exposure_kit import widgets  # noqa: E402


def test_the_short_label_stays_inside_the_axes_at_every_short():
    dash = widgets.NetGrossDashboard(long=150_000, short=100_000)
    for short in (150_000, 200_000, 300_000):
        dash.controls["short"].value = short
        dash.figure.canvas.draw()
        renderer = dash.figure.canvas.get_renderer()
        label = dash.labels[1]                              # the short's bar
        assert label.get_text() == f"-${short // 1000}k"
        inside = dash.ax.get_window_extent(renderer)
        assert label.get_window_extent(renderer).y0 >= inside.y0, short
