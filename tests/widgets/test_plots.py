"""Each chart draws the engine's numbers, in the shared colours, with money on the axis."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import exposure_kit as ek
from exposure_kit import plots


def test_exposure_bars_heights_colours_and_money_ticks(guide_layered_book):
    ax = plots.exposure_bars(guide_layered_book)
    # 120,000 long; 90,000 short (drawn down); 30,000 net; 210,000 gross.
    assert [p.get_height() for p in ax.patches] == [120_000, -90_000, 30_000, 210_000]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == \
        [plots.COLORS[k].lower() for k in ("long", "short", "net", "gross")]
    assert ax.yaxis.get_major_formatter()(150_000, 0) == "$150k"
    assert "net" in ax.get_title().lower()


def test_waterfall_runs_from_each_position_to_net(guide_layered_book):
    ax = plots.waterfall(guide_layered_book)
    patches = ax.patches
    assert [p.get_y() for p in patches] == [0, 120_000, 50_000, 0]
    assert [p.get_height() for p in patches] == [120_000, -70_000, -20_000, 30_000]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "net"
    # Each bar is labelled with its step, in the axis' money format; the net bar with 30,000.
    assert [t.get_text() for t in ax.texts] == ["$120k", "-$70k", "-$20k", "$30k"]


def test_exposure_by_column(guide_layered_book):
    table = guide_layered_book.by("underlying")
    ax = plots.exposure_by(table)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [120_000, 0, -20_000, -70_000]      # longs, then shorts drawn left
    assert ax.collections[0].get_offsets()[:, 0].tolist() == [100_000, -70_000]
    assert ax.get_title() == "Exposure by underlying"


def test_net_vs_hedge_ratio_marks_the_current_ratio():
    book = ek.Book([ek.Position("BTC", "BTC", "spot", "long", notional=100_000)])
    ratios = np.linspace(0, 1.5, 4)
    nets = [ek.with_hedge(book, "BTC", r).net_exposure() for r in ratios]
    ax = plots.net_vs_hedge_ratio(ratios, nets, current=0.5)
    # 100,000 held, hedged at 0 %, 50 %, 100 %, 150 %: 100k, 50k, 0, -50k.
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx([100_000, 50_000, 0, -50_000])
    assert list(ax.get_lines()[1].get_ydata()) == pytest.approx([50_000])


def test_scenario_heatmap_shows_the_grid():
    book = ek.Book([ek.Position("BTC", "BTC", "perp", "long", notional=100_000)])
    grid = ek.scenario_grid(book, "BTC", "ETH", [-0.1, 0.0, 0.1])
    ax = plots.scenario_heatmap(grid.pnl)
    # A BTC long of 100,000: -10,000, 0, +10,000 along every row.
    assert ax.images[0].get_array()[0].tolist() == pytest.approx([-10_000, 0, 10_000])
    assert ax.images[0].get_clim() == pytest.approx((-10_000, 10_000))


def test_exposure_path_chart_lines():
    path = pd.DataFrame({"long": [100.0, 90.0], "short": [100.0, 100.0], "net": [0.0, -10.0],
                         "gross": [200.0, 190.0]})
    lines = plots.exposure_path_chart(path).get_lines()
    assert list(lines[1].get_ydata()) == [-100.0, -100.0]     # the short drawn below zero
    assert list(lines[2].get_ydata()) == [0.0, -10.0]


def test_delta_curve():
    spots = np.linspace(40_000, 80_000, 5)
    deltas = ek.black76_delta(spots, 60_000, 0.25, 0.6)
    ax = plots.delta_curve(spots, deltas, current=60_000,
                           current_delta=ek.black76_delta(60_000, 60_000, 0.25, 0.6),
                           strike=60_000)
    assert ax.get_lines()[1].get_ydata()[0] == pytest.approx(0.5596, abs=1e-4)   # N(0.15)


def test_every_chart_saves_as_png(tmp_path, guide_layered_book):
    book = guide_layered_book
    charts = [plots.exposure_bars(book), plots.waterfall(book), plots.exposure_by(book.by("kind"))]
    for i, ax in enumerate(charts):
        ax.figure.savefig(tmp_path / f"{i}.png")
        assert (tmp_path / f"{i}.png").read_bytes()[:4] == b"\x89PNG"


def test_a_chart_last_in_a_notebook_cell_displays_as_png(guide_layered_book):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert plots.show_in_notebook()
        ax = plots.waterfall(guide_layered_book)
        data, _ = shell.display_formatter.format(ax)
        assert data["image/png"].startswith(b"\x89PNG")
        data, _ = shell.display_formatter.format(ax.figure)
        assert data["image/png"].startswith(b"\x89PNG")
    finally:
        InteractiveShell.clear_instance()


def test_every_chart_says_what_it_shows_and_heatmap_views_differ(guide_layered_book):
    book = guide_layered_book
    grid = ek.scenario_grid(book, "BTC", "ETH", np.linspace(-0.2, 0.2, 5))
    path = pd.DataFrame({"long": [1.0, 2.0], "short": [1.0, 1.0], "net": [0.0, 1.0],
                         "gross": [2.0, 3.0]})
    charts = [plots.exposure_bars(book), plots.waterfall(book),
              plots.exposure_by(book.by("kind")),
              plots.net_vs_hedge_ratio([0, 1], [1.0, 0.0], current=0.5),
              plots.scenario_heatmap(grid.pnl), plots.exposure_path_chart(path),
              plots.delta_curve([1, 2], [0.2, 0.8])]
    for ax in charts:          # the title is the chart's text: a reader knows what it shows
        assert len(ax.get_title()) > 10
    # two views of one grid never look the same: P&L and net exposure use different colours
    net = plots.scenario_heatmap(grid.net, label="net exposure")
    assert net.images[0].get_cmap().name != charts[4].images[0].get_cmap().name
