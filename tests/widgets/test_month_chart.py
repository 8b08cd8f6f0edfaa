"""Lesson 12's month reveal draws net / gross on its own percent scale (learner read finding 6:
on the gross's $10M scale the net's swing to -7.6 % looked flat)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from exposure_kit import plots  # noqa: E402


def test_the_days_outside_the_band_are_marked_and_in_view():
    # net / gross of +2 %, -4.9 %, -6 %, +7.5 %: the last two lie outside a 5 % band
    history = pd.DataFrame({"net_to_gross": [0.02, -0.049, -0.06, 0.075]},
                           index=pd.date_range("2022-05-01", periods=4, name="date"))
    ax = plots.net_to_gross_chart(history, band=0.05)
    line, outside = ax.get_lines()[:2]
    assert list(line.get_ydata()) == [2.0, -4.9, -6.0, 7.5]          # in percent
    assert list(outside.get_ydata()) == [-6.0, 7.5]
    bottom, top = ax.get_ylim()
    assert bottom < -7.5 and top > 7.5 and top - bottom < 25          # a percent scale
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["neutral band (±5%)", "net / gross", "outside the band"]
    ax.figure.canvas.draw()
    assert any("May" in t.get_text() for t in ax.get_xticklabels())    # the month is named
