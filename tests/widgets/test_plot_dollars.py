"""Every money axis and money label of the charts in ``plots`` carries the dollar sign, as
drawn (the tick labels and bar labels read off a rendered figure, not the formatter alone)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit import plots

BOOK = ek.Book.from_records([
    {"name": "BTC perp", "underlying": "BTC", "kind": "perp", "side": "long",
     "notional": 120_000},
    {"name": "ETH future", "underlying": "ETH", "kind": "future", "side": "short",
     "notional": 70_000},
    {"name": "BTC quarterly", "underlying": "BTC", "kind": "future", "side": "short",
     "notional": 20_000}])
HISTORY = pd.DataFrame({"long": [150_000.0, 170_000.0, 160_000.0],
                        "short": [100_000.0, 130_000.0, 140_000.0],
                        "net": [50_000.0, 40_000.0, 20_000.0],
                        "gross": [250_000.0, 300_000.0, 300_000.0]},
                       index=pd.date_range("2024-06-01", periods=3, name="date"))


def drawn(labels) -> list[str]:
    return [t.get_text() for t in labels if t.get_text().strip()]


def money(text: str) -> bool:
    # $120k, -$70k, −$20k (matplotlib's minus), $0
    return text.lstrip("-−").startswith("$")


# chart, then which of its axes hold money: "x", "y", and "texts" for labels on the bars
CHARTS = {
    "exposure_bars": (lambda: plots.exposure_bars(BOOK), ("y", "texts")),
    "waterfall": (lambda: plots.waterfall(BOOK), ("y", "texts")),
    "exposure_by": (lambda: plots.exposure_by(BOOK.by("underlying")), ("x",)),
    "net_vs_hedge_ratio": (lambda: plots.net_vs_hedge_ratio(
        [0, 0.5, 1, 1.5], [100_000, 50_000, 0, -50_000], current=1.0), ("y",)),
    "exposure_path_chart": (lambda: plots.exposure_path_chart(HISTORY.reset_index(drop=True)),
                            ("y",)),
    "delta_curve": (lambda: plots.delta_curve([50_000, 60_000, 70_000], [0.2, 0.55, 0.8],
                                              current=60_000, current_delta=0.55), ("x",)),
    "exposure_history_chart": (lambda: plots.exposure_history_chart(HISTORY), ("y",)),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_money_axes_and_labels_are_in_dollars(name):
    make, parts = CHARTS[name]
    ax = make()
    ax.figure.canvas.draw()
    try:
        for part in parts:
            labels = {"x": lambda: drawn(ax.get_xticklabels()),
                      "y": lambda: drawn(ax.get_yticklabels()),
                      "texts": lambda: drawn(ax.texts)}[part]()
            assert labels, f"{name}: no {part} labels drawn"
            assert all(money(t) for t in labels), f"{name} {part}: {labels}"
    finally:
        plt.close(ax.figure)


def test_the_heatmap_colour_bar_is_in_dollars():
    grid = pd.DataFrame(np.array([[-20_000.0, 0.0], [5_000.0, 30_000.0]]),
                        index=[-0.1, 0.1], columns=[-0.1, 0.1])
    ax = plots.scenario_heatmap(grid)
    ax.figure.canvas.draw()
    colour_bar = ax.figure.axes[-1]
    labels = drawn(colour_bar.get_yticklabels())
    assert labels and all(money(t) for t in labels), labels
    # percent axes stay percent: a price move is not money
    assert all(t.endswith("%") for t in drawn(ax.get_xticklabels()))
    plt.close(ax.figure)
