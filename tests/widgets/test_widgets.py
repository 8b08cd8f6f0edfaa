"""Every dashboard driven from Python: readouts and artists equal the engine's numbers."""

import html
import math
import re

import ipywidgets as widgets
import numpy as np
import pytest

import exposure_kit as ek
from exposure_kit.widgets import (
    BookDashboard,
    BookExplorer,
    CrossHedgeDashboard,
    DriftDashboard,
    FundingBasisDashboard,
    HedgeRatioDashboard,
    LeverageDashboard,
    NetGrossDashboard,
    OptionDeltaDashboard,
    StressDashboard,
)
from exposure_kit.widgets._stress import looks_neutral_book

ALL = [NetGrossDashboard, BookDashboard, HedgeRatioDashboard, CrossHedgeDashboard,
       LeverageDashboard, DriftDashboard, StressDashboard, OptionDeltaDashboard,
       FundingBasisDashboard, lambda: BookExplorer(looks_neutral_book(), equity=50_000)]


def plain(markup: str) -> str:
    """HTML as a reader sees it: tags stripped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).replace("&#x27;", "'")


def text(dash) -> str:
    """The readout as a reader sees it."""
    return plain(dash.readout.value)


def details(dash) -> str:
    """The collapsible panels' text (tables, warnings) as a reader sees it once opened."""
    if dash.details.selected_index is None:
        dash.details.selected_index = 0
    return plain(" ".join(child.value for child in dash.details.children))


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


def test_net_gross_short_tick_explains_its_sign():
    dash = NetGrossDashboard()
    # The short is a size (100,000, positive in the readout) drawn downwards; its tick says so.
    ticks = [t.get_text() for t in dash.ax.get_xticklabels()]
    assert ticks[0] == "long" and ticks[1].startswith("short") and "−" in ticks[1]
    assert ticks[2:] == ["net", "gross"]
    assert "Short exposure $100,000" in text(dash)
    assert dash.bars[1].get_height() == -100_000


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


def test_cross_hedge_lesson_start_with_eth_volatility():
    dash = CrossHedgeDashboard(short_vol=0.90)
    assert dash.values == {"short": 100_000, "correlation": 0.8, "long_vol": 0.6,
                           "short_vol": 0.9}
    # beta = 0.8 x 0.90 / 0.60 = 1.20; beta-adjusted net 150,000 - 1.2 x 100,000 = 30,000.
    # Risk: 150,000 x 0.6 = 100,000 x 0.9 = 90,000 per leg, so 90,000 sqrt(2 - 1.6) = 56,921.
    assert "ETH beta to BTC (rho x ETH vol / BTC vol) 1.20" in text(dash)
    assert "Beta-adjusted net $30,000 net long" in text(dash)
    assert dash.marker.get_ydata()[0] == pytest.approx(90_000 * math.sqrt(0.4))
    assert "$56,921" in text(dash)


def test_cross_hedge_marks_the_beta_neutral_and_minimum_variance_ratios():
    dash = CrossHedgeDashboard(short_vol=0.90)
    # Beta-neutral: 1 / 1.2 = 0.833 dollars of ETH per dollar of BTC (beta-adjusted net zero).
    # Minimum variance: rho sB / sE = 0.8 x 0.6 / 0.9 = 0.533 (Hull, Options, Futures and Other
    # Derivatives, ch. 3: h* = rho sS / sF), leaving sB sqrt(1 - rho^2) = 90,000 x 0.6 = 54,000.
    assert dash.beta_line.get_xdata()[0] == pytest.approx(1 / 1.2)
    assert dash.min_var.get_xdata()[0] == pytest.approx(0.8 * 0.6 / 0.9)
    assert "Beta-neutral ratio (1 / beta) 0.83" in text(dash)
    assert "Minimum-variance ratio (rho x BTC vol / ETH vol) 0.53" in text(dash)
    assert "Least risk left (at minimum variance) $54,000" in text(dash)
    # the curve's lowest point is the minimum-variance ratio
    curve = dash.curve.get_ydata()
    assert dash.curve.get_xdata()[np.argmin(curve)] == pytest.approx(0.533, abs=0.025)
    assert min(curve) == pytest.approx(54_000, rel=0.002)
    # the book's own ratio, 100,000 / 150,000, sits between the two
    assert dash.marker.get_xdata()[0] == pytest.approx(2 / 3)


def test_leverage_and_liquidating_moves():
    dash = LeverageDashboard()
    dash.controls["equity"].value = 25_000
    # 250,000 gross / 25,000 = 10x; 50,000 net / 25,000 = 2x.
    assert "Gross leverage (gross / equity) 10.00x" in text(dash)
    assert "Net leverage (net / equity) 2.00x" in text(dash)
    dash.controls["equity"].value = 50_000
    # 5 % maintenance on 250,000 = 12,500. BTC falls by x until 50,000 + 150,000x =
    # 0.05 (150,000 (1 + x) + 100,000): x = -37,500 / 142,500 = -26.3 %.
    assert "$12,500" in text(dash) and "-26.3%" in text(dash)
    # ETH rises by y until 50,000 - 100,000y = 0.05 (150,000 + 100,000 (1 + y)): y = +35.7 %.
    assert "+35.7%" in text(dash)
    assert "Maintenance rate 5%" in text(dash)


def test_leverage_with_the_lessons_one_percent_maintenance():
    dash = LeverageDashboard(maintenance_margin_rate=0.01)
    assert "Maintenance rate 1%" in text(dash)
    # 1 % of 250,000 gross = 2,500. BTC falls by x until 50,000 + 150,000x =
    # 0.01 (150,000 (1 + x) + 100,000) = 2,500 + 1,500x: x = -47,500 / 148,500 = -32.0 %.
    assert "$2,500" in text(dash) and "-32.0%" in text(dash)
    # ETH rises by y until 50,000 - 100,000y = 2,500 + 1,000y: y = 47,500 / 101,000 = +47.0 %.
    assert "+47.0%" in text(dash)
    assert "Maintenance margin / equity 5.0%" in text(dash)   # 2,500 / 50,000
    # the ladders: liquidation at 60,000 x 0.680 = 40,808 (BTC), 3,000 x 1.470 = 4,411 (ETH)
    btc, eth = dash.ladders["BTC"], dash.ladders["ETH"]
    assert btc[4].get_xdata()[0] == pytest.approx(60_000 * (1 - 47_500 / 148_500))
    assert eth[4].get_xdata()[0] == pytest.approx(3_000 * (1 + 47_500 / 101_000))
    assert btc[6].get_text() == "-32.0%" and eth[6].get_text() == "+47.0%"


def test_leverage_reaches_the_lessons_tight_book_and_its_price_ladder():
    dash = LeverageDashboard(maintenance_margin_rate=0.01)
    assert dash.controls["long"].max >= 480_000 and dash.controls["short"].max >= 465_000
    dash.controls["long"].value = 480_000          # lesson 06: 8 BTC at 60,000
    dash.controls["short"].value = 465_000         # against 155 ETH at 3,000
    # gross 945,000 / 50,000 = 18.9x. BTC falls by x until 50,000 + 480,000x =
    # 0.01 (480,000 (1 + x) + 465,000) = 9,450 + 4,800x: x = -40,550 / 475,200 = -8.53 %.
    assert "18.90x gross" in text(dash) and "-8.5%" in text(dash)
    btc = dash.ladders["BTC"]
    liquidation = 60_000 * (1 - 40_550 / 475_200)
    assert btc[4].get_xdata()[0] == pytest.approx(liquidation)
    assert btc[7].get_text().strip() == f"liquidation ${liquidation:,.0f}"
    # The band runs to where equity is twice the maintenance margin: 50,000 + 480,000x =
    # 0.02 (945,000 + 480,000x): x = -31,100 / 470,400 = -6.61 %, i.e. 56,033.
    band = btc[2]
    left, right = band.get_x(), band.get_x() + band.get_width()
    assert (left, right) == pytest.approx((liquidation, 60_000 * (1 - 31_100 / 470_400)))
    # the ladder's span holds the liquidation price: the axes moved in
    assert btc[0].get_xlim()[0] < liquidation < 60_000 < btc[0].get_xlim()[1]


@pytest.mark.parametrize("equity,long,short,rate", [
    (50_000, 150_000, 100_000, 0.05), (50_000, 480_000, 465_000, 0.01),
    (3_000, 0, 200_000, 0.02), (10_000, 300_000, 0, 0.005), (1_000, 150_000, 150_000, 0.05),
    (500_000, 100_000, 20_000, 0.01)])
def test_ladder_moves_are_the_engines(equity, long, short, rate):
    # the dashboard's closed form against the engine's search, liquidated and no-move cases
    moves = ek.widgets._leverage.liquidating_moves(equity, long, short, rate)
    account = ek.MarginAccount(ek.widgets._leverage.leveraged_book(long, short), equity,
                               maintenance_margin_rate=rate)
    # the readout's maintenance margin and liquidated state are the engine's too
    dash = LeverageDashboard(equity=equity, long=long, short=short, maintenance_margin_rate=rate)
    assert ek.usd(account.maintenance_margin()) in text(dash)
    assert ("liquidated:" in text(dash)) == account.is_liquidated()
    for coin, size in (("BTC", long), ("ETH", short)):
        if not size:
            continue                                # not in the book: nothing to compare
        expected = account.liquidating_move(coin)
        if expected is None:
            assert moves[coin] is None
        else:
            assert moves[coin] == pytest.approx(expected, abs=1e-9)


def test_leverage_says_when_the_account_is_already_liquidated():
    dash = LeverageDashboard()
    dash.controls["short"].value = 150_000
    dash.controls["equity"].value = 1_000
    # 5 % of 300,000 gross = 15,000 of maintenance against 1,000 of equity: liquidated now.
    account = ek.MarginAccount(ek.widgets._leverage.leveraged_book(150_000, 150_000), 1_000,
                               maintenance_margin_rate=0.05)
    assert account.is_liquidated() and account.maintenance_margin() == pytest.approx(15_000)
    headline = re.sub(r"<[^>]+>", " ", dash.readout.value.split("<table")[0]).strip()
    assert headline == "liquidated: equity $1,000 is below the $15,000 maintenance margin"
    assert "BTC move that liquidates already liquidated" in text(dash)
    assert "ETH move that liquidates already liquidated" in text(dash)
    assert "+0.0%" not in text(dash)
    dash.controls["equity"].value = 50_000          # 50,000 > 15,000: moves again
    assert "already liquidated" not in text(dash) and text(dash).strip().startswith("6.00x")


def test_drift_three_views():
    dash = DriftDashboard()
    dash.controls["btc"].value = -0.2
    dash.controls["eth"].value = 0.1
    # 100,000 of BTC falls to 80,000; the 100,000 ETH short rises to 110,000: 30,000 net short.
    assert "$30,000 net short" in text(dash)
    assert dash.bars[2].get_height() == pytest.approx(-30_000)
    dash.controls["hedge"].value = "BTC inverse perp short, face reading"
    assert "$20,000 net short" in text(dash)        # 80,000 against a 100,000 face
    dash.controls["hedge"].value = "BTC inverse perp short, coin-P&L reading"
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
        assert name in details(dash)
    assert dash.details.get_title(1).startswith("Warnings (") and "no warnings" not in details(dash)
    count = len(ek.diagnose(looks_neutral_book(), equity=50_000))
    assert dash.details.get_title(1) == f"Warnings ({count})"


def test_stress_table_shows_each_loss_as_a_share_of_equity():
    dash = StressDashboard()                        # equity 50,000
    table = ek.stress_test(looks_neutral_book())
    # Correlation break: BTC -20 % on 100,800 net long, ETH +20 % on a 100,200 short:
    # -20,160 - 20,040 = -40,200, which is 80 % of 50,000.
    assert table.loc["correlation break", "pnl"] == pytest.approx(-40_200)
    assert "share of equity" in details(dash)
    assert "correlation break -$40,200 -80%" in details(dash)
    assert "one leg gaps -$30,240 -60%" in details(dash)    # 30,240 / 50,000 = 60.5 %
    assert "account gone" not in details(dash)
    dash.controls["equity"].value = 35_000
    # 40,200 / 35,000 = 115 %: more than the account holds; 30,240 / 35,000 = 86 %.
    assert "correlation break -$40,200 account gone (-115%)" in details(dash)
    assert "one leg gaps -$30,240 -86%" in details(dash)


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


def test_option_delta_lesson_start_out_of_the_money_with_a_ten_coin_hedge():
    dash = OptionDeltaDashboard(strike=90_000, hedge_coins=10)
    assert dash.controls["strike"].value == 90_000 and "strike down" in dash.hint
    # d1 = (ln(60/90) + 0.045) / 0.3 = -1.2016; N(-1.2016) = 0.1148 (table). 10 calls carry
    # 600,000 x 0.1148 = 68,900 of delta against the 600,000 perp: about 531,000 net short.
    assert dash.marker.get_ydata()[0] == pytest.approx(0.1148, abs=0.0005)
    assert "Perp hedge -$600,000" in text(dash)
    assert "Net, counting notional flat" in text(dash)
    assert re.search(r"Net, counting delta \$53\d,\d{3} net short", text(dash))
    # The strike down at 30,000: d1 = (ln 2 + 0.045) / 0.3 = 2.46, N = 0.9931: 4,100 short.
    dash.controls["strike"].value = 30_000
    assert re.search(r"Net, counting delta \$4,\d{3} net short", text(dash))


def test_option_delta_last_tick_label_is_inside_the_figure():
    dash = OptionDeltaDashboard(strike=90_000, hedge_coins=10)
    dash.figure.canvas.draw()
    last = dash.ax.get_xticklabels()[-1]
    assert last.get_text() == "$120k"
    renderer = dash.figure.canvas.get_renderer()
    assert last.get_window_extent(renderer).x1 <= dash.figure.bbox.x1


def test_funding_received_and_paid():
    dash = FundingBasisDashboard()
    # A 100,000 short perp at +0.01 % per 8 hours receives 100,000 x 0.0001 = $10.00.
    assert "the short receives $10.00" in text(dash)
    dash.controls["funding_rate"].value = -0.0003   # pays 100,000 x 0.0003 = $30.00
    assert "the short pays $30.00" in text(dash)
    # A year is 3 payments a day x 365 = 1,095: 30 x 1,095 = 32,850, said like the 8 hours.
    assert "Funding per year (3 payments a day x 365) the short pays $32,850" in text(dash)
    dash.controls["funding_rate"].value = 0.0001    # 10 x 1,095 = 10,950
    assert "the short receives $10,950" in text(dash)
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


def test_explorer_warnings_sit_under_the_chart_and_labels_fit():
    dash = BookExplorer(looks_neutral_book(), equity=50_000)
    findings = ek.diagnose(looks_neutral_book(), equity=50_000)
    # the warnings are in a collapsed panel under the dashboard, not between it and the chart
    assert dash.details.children == (dash.findings,) and dash.details.selected_index is None
    assert dash.widget.children[-1] is dash.details
    assert "Warnings" not in text(dash)             # the readout is only the summary
    assert f"{len(findings)} findings" in dash.findings.value
    for finding in findings:
        assert html.escape(finding.message) in dash.findings.value
    for control in dash.controls.values():
        assert control.style.description_width == "140px"
        assert control.layout.width == "410px"
    dash.controls["equity"].value = 0               # no equity: no leverage warning
    assert len(ek.diagnose(looks_neutral_book())) < len(findings)
    assert f"{len(ek.diagnose(looks_neutral_book()))} finding" in dash.findings.value


def test_a_bad_book_is_shown_not_raised():
    dash = BookExplorer([{"underlying": "BTC", "kind": "perp", "side": "sideways",
                          "notional": 1_000}])
    assert "field 'side'" in dash.last_error
    assert "sideways" in dash.error.value
    # without betas the choice is not offered; with BTC's only, ETH's is missing: refused
    assert "beta" not in BookExplorer(looks_neutral_book()).controls["measure"].options
    partial = BookExplorer(looks_neutral_book(), betas={"BTC": 1.0})
    partial.controls["measure"].value = "beta"
    assert "no beta for ETH" in partial.last_error and partial.error.value
    good = BookExplorer(looks_neutral_book())
    good.controls["equity"].value = -5.0             # the engine refuses a negative equity
    assert "equity" in good.last_error and good.error.value
    good.controls["equity"].value = 0.0              # and the error clears
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
    side, chart = dash.widget.children[0].children
    assert "Try this" in side.children[-1].value


def test_nan_readouts_never_appear():
    for make in ALL:
        assert not re.search(r"\bnan\b|n/a", text(make()).lower())


@pytest.mark.parametrize("make", ALL)
def test_controls_and_readout_sit_beside_the_chart(make):
    dash = make()
    row = dash.widget.children[0]
    # one wrapping row: controls and readout on the left, the chart on the right; it stacks
    # only when the page is narrower than both
    assert row.layout.flex_flow == "row wrap"
    side, chart = row.children
    # a slider sits in its row with the box that takes a typed value
    assert dash.readout in side.children and all(
        dash.rows.get(name, c) in side.children[1].children
        for name, c in dash.controls.items())
    # (an amount typed as text, lesson 12's equity, has its box alone: the number stays in
    # the kernel)
    assert all(dash.controls[name] in row.children or "ek-amount-row" in row._dom_classes
               for name, row in dash.rows.items())
    assert chart.children == (dash.image, dash.image_alt) and dash.image.layout.width == "100%"
    # long text is never between the controls and the chart
    for child in dash.widget.children[1:]:
        assert isinstance(child, widgets.Accordion) and child.selected_index is None
    # the chart says what it shows: to screen readers beside the image, and in the PNG's text
    assert len(dash.alt) > 40 and html.escape(dash.alt) in dash.image_alt.value
    assert b"Description" in bytes(dash.image.value[:2_000])


def test_hedge_ratio_guide_line_is_the_hedge_neutral_on_all_btc():
    dash = HedgeRatioDashboard(spot_notional=100_000, ratio=1.0, collateral=25_000)
    # 100,000 held + 25,000 collateral = 125,000 long: the 100,000 short leaves 25,000 net
    # long, and the hedge is neutral at 125,000 / 100,000 = 125 % of the BTC held.
    assert dash.neutral.get_xdata()[0] == pytest.approx(1.25)
    assert "Hedge ratio on all BTC 80.0%" in text(dash)      # 100,000 / 125,000
    assert "Neutral hedge (dashed line) 125% of the BTC held" in text(dash)
    line = dash.line.get_ydata()                              # net at ratios 0 and 150 %
    zero = 0 + (1.5 - 0) * line[0] / (line[0] - line[1])
    assert zero == pytest.approx(1.25)                        # the line crosses zero there
    dash.controls["collateral"].value = 0
    assert dash.neutral.get_xdata()[0] == pytest.approx(1.0)


def test_stress_net_view_has_its_own_colours():
    dash = StressDashboard()
    pnl_map = dash.heatmap.get_cmap().name
    pnl_limits = dash.heatmap.get_clim()
    dash.controls["show"].value = "net exposure"
    assert dash.heatmap.get_cmap().name != pnl_map
    assert dash.heatmap.get_clim() != pnl_limits
    assert "net exposure" in dash.heatmap.colorbar.ax.get_ylabel()


def test_stress_largest_move_changes_the_readout():
    dash = StressDashboard()
    before = text(dash)
    dash.controls["max_move"].value = 0.1
    # the worst cell, BTC -10 %, ETH +10 %: -(100,800 x 0.1) - 100,200 x 0.1 = -20,100
    assert "Worst cell (x) -$20,100" in text(dash) and text(dash) != before
    assert "... at BTC -10%, ETH +10%" in text(dash)


def test_option_puts_short_and_the_delta_hedge():
    dash = OptionDeltaDashboard(strike=60_000, hedge_coins=0)
    dash.controls["option_type"].value = "put"
    # At the money, vol 60 %, 3 months: put delta = N(0.15) - 1 = -0.4404 (table, 0.5596).
    assert dash.marker.get_ydata()[0] == pytest.approx(-0.4404, abs=0.0005)
    assert "Delta of the long puts, per BTC -0.440" in text(dash)
    # A long put is short exposure: 600,000 x -0.4404 = about 264,200 net short.
    assert re.search(r"Net, counting delta \$264,\d{3} net short", text(dash))
    assert "Delta hedge (flat by delta) +4.40 BTC perp (long)" in text(dash)
    dash.controls["side"].value = "short"          # a short put is long exposure
    assert dash.marker.get_ydata()[0] == pytest.approx(0.4404, abs=0.0005)
    dash.controls["hedge"].value = -4.4            # short 4.4 BTC of perp: flat by delta
    assert re.search(r"Net, counting delta \$\d{1,3} net (long|short)", text(dash))
    # Delta-hedged short option: it loses whichever way BTC jumps (it is short gamma), so the
    # hedge has to be re-struck as the price moves.
    pnl = dash.pnl_curve.get_ydata()
    assert pnl[0] < 0 and pnl[-1] < 0 and max(pnl) == pytest.approx(0, abs=200)
    dash.controls["side"].value = "long"
    dash.controls["hedge"].value = 4.4
    pnl = dash.pnl_curve.get_ydata()
    assert pnl[0] > 0 and pnl[-1] > 0             # long gamma: gains both ways
