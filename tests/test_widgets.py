"""Every dashboard driven from Python: readouts and artists equal the engine's numbers."""

import math
import re

import ipywidgets as widgets
import numpy as np
import pytest

import exposure_kit as ek
from exposure_kit.widgets import (BookDashboard, BookExplorer, CrossHedgeDashboard, DriftDashboard,
                                  FundingBasisDashboard, HedgeRatioDashboard, LeverageDashboard,
                                  NetGrossDashboard, OptionDeltaDashboard, StressDashboard)
from exposure_kit.widgets._stress import looks_neutral_book

ALL = [NetGrossDashboard, BookDashboard, HedgeRatioDashboard, CrossHedgeDashboard,
       LeverageDashboard, DriftDashboard, StressDashboard, OptionDeltaDashboard,
       FundingBasisDashboard, lambda: BookExplorer(looks_neutral_book(), equity=50_000)]


def text(dash) -> str:
    """The readout as a reader sees it: tags stripped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dash.readout.value)).replace("&#x27;", "'")


def test_net_gross_bars_and_readout_follow_the_sliders():
    dash = NetGrossDashboard()
    # The guide: 150,000 long, 100,000 short: 50,000 net long, 250,000 gross.
    assert "$50,000 net long" in text(dash) and "$250,000" in text(dash)
    dash.controls["long"].value = 200_000
    dash.controls["short"].value = 50_000
    # 200,000 - 50,000 = 150,000 net; 250,000 gross; net/gross 60 %.
    assert [bar.get_height() for bar in dash.bars] == [200_000, -50_000, 150_000, 250_000]
    assert "$150,000 net long" in text(dash) and "60.0%" in text(dash)
    dash.controls["short"].value = 260_000
    assert "$60,000 net short" in text(dash) and "Bias short" in text(dash)
    assert dash.image.value[:4] == b"\x89PNG"


def test_net_gross_from_book():
    book = ek.Book([ek.Position("a", "SOL", "perp", "long", notional=40_000),
                    ek.Position("b", "SOL", "spot", "short", notional=10_000)])
    dash = NetGrossDashboard.from_book(book)
    assert dash.controls["long"].value == 40_000 and "$30,000 net long" in text(dash)


def test_book_dashboard_waterfall_ends_at_net():
    dash = BookDashboard()
    # The guide's three positions: 120,000 - (70,000 + 20,000) = 30,000 net long.
    assert "$30,000 net long" in text(dash)
    assert dash.bars[-1].get_height() == pytest.approx(30_000)
    # The ETH short starts where the BTC long ends and steps down by 70,000.
    assert dash.bars[1].get_y() == pytest.approx(120_000)
    assert dash.bars[1].get_height() == pytest.approx(-70_000)
    dash.controls["size 2"].value = 0
    assert "$50,000 net long" in text(dash)
    dash.controls["side 1"].value = "long"          # 120,000 + 70,000 = 190,000
    assert "$190,000 net long" in text(dash)
    assert dash.bars[-1].get_height() == pytest.approx(190_000)


def test_hedge_ratio_crosses_from_long_to_short():
    dash = HedgeRatioDashboard()                    # 100,000 of BTC, half hedged
    assert "$50,000 net long: under-hedged" in text(dash)
    dash.controls["ratio"].value = 1.0
    assert "flat ($0 net): neutral" in text(dash)
    dash.controls["ratio"].value = 1.2              # short 120,000 against 100,000
    assert "$20,000 net short: over-hedged" in text(dash)
    assert dash.marker.get_ydata()[0] == pytest.approx(-20_000)
    # 30,000 of BTC collateral is long exposure the hedge ignored: 130,000 - 120,000.
    dash.controls["collateral"].value = 30_000
    assert "$10,000 net long" in text(dash)
    assert list(dash.line.get_ydata()) == pytest.approx([130_000, -20_000])


def test_cross_hedge_risk():
    dash = CrossHedgeDashboard()
    dash.controls["correlation"].value = 0.0
    # Uncorrelated: sqrt((150,000 x 0.6)^2 + (100,000 x 0.75)^2) = 117,154.
    assert dash.marker.get_ydata()[0] == pytest.approx(117_154, abs=1)
    assert "$117,154" in text(dash)
    dash.controls["short"].value = 150_000
    dash.controls["short_vol"].value = 0.6
    dash.controls["correlation"].value = 1.0        # identical legs: nothing left
    assert dash.marker.get_ydata()[0] == pytest.approx(0, abs=1e-6)
    assert "flat" in text(dash)


def test_leverage_and_liquidating_moves():
    dash = LeverageDashboard()
    dash.controls["equity"].value = 25_000
    # 250,000 gross / 25,000 = 10x; 50,000 net / 25,000 = 2x.
    assert [bar.get_height() for bar in dash.bars] == pytest.approx([10.0, 2.0])
    dash.controls["equity"].value = 50_000
    # 5 % maintenance on 250,000 = 12,500. BTC falls by x until 50,000 + 150,000x =
    # 0.05 (150,000 (1 + x) + 100,000): x = -37,500 / 142,500 = -26.3 %.
    assert "$12,500" in text(dash) and "-26.3%" in text(dash)
    # ETH rises by y until 50,000 - 100,000y = 0.05 (150,000 + 100,000 (1 + y)): y = +35.7 %.
    assert "+35.7%" in text(dash)


def test_drift_three_views():
    dash = DriftDashboard()
    dash.controls["btc"].value = -0.2
    dash.controls["eth"].value = 0.1
    # 100,000 of BTC falls to 80,000; the 100,000 ETH short rises to 110,000: 30,000 net short.
    assert "$30,000 net short" in text(dash)
    assert dash.bars[2].get_height() == pytest.approx(-30_000)
    dash.controls["hedge"].value = "BTC inverse perp short, P&L swept to USD"
    assert "$20,000 net short" in text(dash)        # 80,000 against a 100,000 face
    dash.controls["hedge"].value = "BTC inverse perp short, P&L kept in BTC"
    assert "flat" in text(dash)                     # 2 BTC against 100,000 / 50,000 = 2 BTC
    path = ek.exposure_path(ek.widgets._drift.drift_book("inverse"),
                            ek.price_paths(ek.widgets._drift.START, ek.widgets._drift.VOLS,
                                           correlation=0.8, steps=180, seed=1),
                            inverse="coin_pnl")
    assert dash.net_line.get_ydata() == pytest.approx(path["net"].to_numpy(), abs=1e-6)


def test_stress_heatmap_is_the_engine_grid():
    dash = StressDashboard()
    dash.controls["show"].value = "net exposure"
    moves = np.round(np.linspace(-0.3, 0.3, 13), 6)
    grid = ek.scenario_grid(looks_neutral_book(), "BTC", "ETH", moves)
    assert np.allclose(dash.ax.images[0].get_array(), grid.net.to_numpy())
    for name in ek.stress_test(looks_neutral_book()).index:
        assert name in text(dash)
    assert "Warnings" in text(dash) and "no warnings" not in text(dash)


def test_option_delta_exposure():
    dash = OptionDeltaDashboard()
    # At the money, vol 60 %, 3 months: d1 = 0.15, N(0.15) = 0.5596 (table). 10 calls on BTC at
    # 60,000: 600,000 notional, 335,772 of delta; less the 300,000 perp: 35,772 net long.
    assert "0.560" in text(dash) and "$600,000" in text(dash)
    assert "$335,77" in text(dash) and "$35,77" in text(dash)
    dash.controls["strike"].value = 120_000
    # Strike at twice spot: d1 = (ln 0.5 + 0.045) / 0.3 = -2.16, N(-2.16) = 0.0154 (table).
    assert dash.marker.get_ydata()[0] == pytest.approx(0.0154, abs=0.0005)
    assert "net short" in text(dash).split("Net, counting delta")[1]


def test_funding_received_and_paid():
    dash = FundingBasisDashboard()
    # A 100,000 short perp at +0.01 % per 8 hours receives 100,000 x 0.0001 = $10.00.
    assert "the short receives $10.00" in text(dash)
    dash.controls["funding_rate"].value = -0.0003   # pays 100,000 x 0.0003 = $30.00
    assert "the short pays $30.00" in text(dash)
    dash.controls["leg"].value = "inverse"
    dash.controls["btc_move"].value = -0.3          # 70,000 spot against a 100,000 face
    assert "$30,000 net short" in text(dash)


def test_explorer_groups_and_measures():
    dash = BookExplorer(looks_neutral_book(), equity=50_000)
    table = looks_neutral_book().by("kind")
    dash.controls["group"].value = "kind"
    widths = sorted(p.get_width() for p in dash.ax.patches)
    assert widths == sorted([*table["long"], *(-table["short"])])
    assert "Gross leverage" in text(dash)


def test_a_bad_book_is_shown_not_raised():
    dash = BookExplorer([{"underlying": "BTC", "kind": "perp", "side": "sideways",
                          "notional": 1_000}])
    assert "field 'side'" in dash.last_error
    assert "sideways" in dash.error.value
    good = BookExplorer(looks_neutral_book())
    good.controls["measure"].value = "beta"          # no betas for ETH: the engine refuses
    assert "beta" in good.last_error and good.error.value
    good.controls["measure"].value = "notional"      # and the error clears
    assert good.last_error is None and good.error.value == ""


@pytest.mark.parametrize("make", ALL)
def test_every_control_at_its_limits(make):
    dash = make()
    for name, control in dash.controls.items():
        if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)):
            for value in (control.min, control.max):
                control.value = value
                assert dash.last_error is None, (name, value, dash.last_error)
                assert dash.readout.value
        elif hasattr(control, "options"):
            for option in control.options:
                control.value = option
                assert dash.last_error is None or "beta" in dash.last_error, (name, option)
    assert dash.image.value[:4] == b"\x89PNG"


@pytest.mark.parametrize("make", ALL)
def test_figure_is_built_once(make):
    dash = make()
    figure, axes = dash.figure, list(dash.figure.axes)
    for control in dash.controls.values():
        if isinstance(control, widgets.FloatSlider):
            control.value = (control.min + control.max) / 2
    assert dash.figure is figure and dash.figure.axes[:len(axes)] == axes
    assert isinstance(dash.widget, widgets.VBox)
    assert "Try this" in dash.widget.children[-1].value


def test_nan_readouts_never_appear():
    for make in ALL:
        assert not re.search(r"\bnan\b|n/a", text(make()).lower())
