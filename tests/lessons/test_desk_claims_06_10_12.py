"""Lessons 06, 10 and 12 after a desk's last findings (issue 22, one item of issue 23): each fix
held by a number worked by hand here, or by the text the fix put on the page."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from pathlib import Path

from test_lesson_claims import lesson_source as source, printed

import exposure_kit as ek
from exposure_kit import widgets

REPO = Path(__file__).resolve().parents[2]



def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def call_price(f: float, k: float, t: float, vol: float) -> float:
    """Black-76 call with rates zero (Hull ch. 18): F N(d1) - K N(d2)."""
    d1 = (math.log(f / k) + vol ** 2 * t / 2) / (vol * math.sqrt(t))
    return f * normal_cdf(d1) - k * normal_cdf(d1 - vol * math.sqrt(t))


# ----- lesson 06 ------------------------------------------------------------------------------------
def test_lesson06_how_often_the_liquidating_move_comes_is_computed_not_claimed():
    # the tight book: BTC long 8 x 60,000 = 480,000, ETH short 155 x 3,000 = 465,000, on 50,000;
    # liquidated when 50,000 + 480,000 b - 465,000 e <= 1 % x (480,000 (1 + b) + 465,000 (1 + e)).
    # The lesson's vectorised count must agree with the package's own margin account, window by
    # window, over the one-day and one-week windows of the shipped history.
    tight = ek.Book([ek.Position("BTC perp", "BTC", "perp", "long", quantity=8, price=60_000),
                     ek.Position("ETH perp", "ETH", "perp", "short", quantity=155, price=3_000)])
    account = ek.MarginAccount(tight, 50_000, mode="cross", maintenance_margin_rate=0.01)
    prices = ek.sample_prices()
    out = printed("06_leverage_and_margin")
    for days in (1, 7):
        moves = (prices / prices.shift(days) - 1).dropna()
        by_hand = sum(50_000 + 480_000 * b - 465_000 * e
                      <= 0.01 * (480_000 * (1 + b) + 465_000 * (1 + e))
                      for b, e in moves.itertuples(index=False))
        engine = sum(account.after({"BTC": b, "ETH": e}).is_liquidated()
                     for b, e in moves.itertuples(index=False))
        assert by_hand == engine
        assert f"{days:2}-day windows: {by_hand:4,} of {len(moves):,} end the account" in out
    assert "often enough" not in json.dumps(widgets.Prediction.for_lesson(
        "06", "move", account=account, equity=50_000).tells())


def test_lesson06_venue_mechanics_one_idea_per_cell():
    text = source("06_leverage_and_margin")
    start, end = text.index("## What happens at liquidation"), text.index("Exchanges do not all")
    cells = [c for c in text[start:end].split("+++") if c.strip()]
    # one heading cell and five ideas: the price watched, Binance's mark, a small and a large
    # liquidation, ADL; none of them a wall of text
    assert len(cells) >= 6
    assert all(len(c) < 1_100 for c in cells), [len(c) for c in cells]


# ----- lesson 10 ------------------------------------------------------------------------------------
def test_lesson10_premium_adjusted_delta_worked_for_a_coin_settled_call():
    # F = K = 60,000, T = 0.25, vol 0.6: d1 = 0.09 / 0.3 = 0.15, d2 = -0.15; N(0.15) = 0.559618.
    # Premium = 60,000 (N(0.15) - N(-0.15)) = 60,000 x 0.119235 = 7,154.12, 0.1192 BTC. The
    # premium-adjusted delta N(d1) - premium / F = (K / F) N(d2) = N(-0.15) = 0.4404.
    n = normal_cdf(0.15)
    assert round(n, 4) == 0.5596
    out = printed("10_options_and_delta")
    assert f"premium $7,154, in coin $7,154 / $60,000 = {2 * n - 1:.4f} BTC" in out
    assert f"premium-adjusted: 0.5596 - 0.1192 = {1 - n:.4f}" in out
    assert "the package, counted in coin: 0.4404 BTC; in dollars: $33,577" in out
    assert "Net Transaction Delta" in source("10_options_and_delta")


def test_lesson10_vega_is_named_and_priced():
    # the book's 10 calls, K 90,000, three months: at 60 % and 61 %, by Hull's formula
    low, high = (10 * call_price(60_000, 90_000, 0.25, v) for v in (0.60, 0.61))
    out = printed("10_options_and_delta")
    assert f"the calls at 60%: ${low:,.0f}; at 61%: ${high:,.0f}" in out
    assert f"vega: ${high - low:,.0f} for one point of implied volatility" in out
    # Hull's vega F sqrt(T) N'(d1) for 10 calls, per point: the finite step is within 2 % of it
    d1 = (math.log(60_000 / 90_000) + 0.045) / 0.3
    analytic = 10 * 60_000 * 0.5 * math.exp(-d1 ** 2 / 2) / math.sqrt(2 * math.pi) / 100
    assert abs((high - low) / analytic - 1) < 0.02
    assert "**vega**" in source("10_options_and_delta")


def test_lesson10_price_column_and_hedge_in_both_units():
    text = source("10_options_and_delta")
    assert "'price': 'BTC price'" in text and "not of the option" in text
    # delta N(-1.20155) = 0.11477: 10 BTC x 60,000 x 0.11477 = 68,861 of calls against a 600,000
    # short: buy back 531,139 = 8.85 BTC, leaving 10 - 8.85 = 1.15 BTC short (the dashboard's)
    book = ek.Book([
        ek.Position("BTC calls", "BTC", "option", "long", quantity=10, price=60_000,
                    strike=90_000, years=0.25, volatility=0.6, option_type="call"),
        ek.Position("BTC perp hedge", "BTC", "perp", "short", quantity=10, price=60_000)])
    prediction = widgets.Prediction.for_lesson("10", "delta", book=book)
    prediction.choose("flat")
    shown = prediction.shown_text()
    assert "buy back $531,139 of the perp, 8.85 BTC at $60,000" in shown
    assert "the perp is then 1.15 BTC short (was 10 BTC)" in shown


# ----- lesson 12 ------------------------------------------------------------------------------------
def test_lesson12_option_codes_explained_where_they_first_appear():
    cells = json.loads((REPO / "notebooks" / "12_your_own_book.ipynb").read_text())["cells"]
    first = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and any(
        "-241227-" in "".join(o.get("text", "")) for o in c["outputs"]))
    after = "".join(cells[first + 1]["source"])
    assert "YYMMDD" in after and "241227 is 27 December 2024" in after
    # the same option by venue: Deribit DMMMYY, Binance and OKX YYMMDD (OKX with -USD-)
    for code in ("BTC-27DEC24-58000-C", "BTC-241227-58000-C", "BTC-USD-241227-58000-C"):
        assert code in after
    # the sample's codes carry the row's expiry
    with open(REPO / "exposure_kit" / "data" / "desk_book.csv") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "option":
                assert f"-{row['expiry']}-" in row["name"]


def test_lesson12_spot_shorts_say_how_they_are_held():
    with open(REPO / "exposure_kit" / "data" / "desk_book.csv") as handle:
        shorts = Counter(r["venue"] for r in csv.DictReader(handle)
                         if r["kind"] == "spot" and r["side"] == "short")
    assert shorts["BitMEX"] and shorts["Deribit"]
    text = source("12_your_own_book")
    assert "**spot margin**" in text and "pays interest" in text
    assert "BitMEX and Deribit" in text


def test_lesson12_maintenance_rate_reconciled_with_lesson06():
    import inspect
    assert inspect.signature(ek.report).parameters["maintenance_margin_rate"].default == 0.005
    text = source("12_your_own_book")
    assert "maintenance_margin_rate=0.01" in text and "--rate 0.01" in text
    assert "Lesson 06 rounded it up to 1 %" in text
    out = printed("12_your_own_book")
    low = out.split("maintenance 0.5%: ")[1].split("\n")[0]
    high = out.split("maintenance 1.0%: ")[1].split("\n")[0]
    smallest = [float(line.rsplit(" ", 1)[1].rstrip("%")) for line in (low, high)]
    assert smallest[1] <= smallest[0]            # a higher rate never widens the room


def test_lesson12_venue_prediction_has_figures_to_reason_from():
    # positions per venue, counted from the CSV itself
    with open(REPO / "exposure_kit" / "data" / "desk_book.csv") as handle:
        counts = Counter(r["venue"] for r in csv.DictReader(handle))
    text = source("12_your_own_book")
    before = text[:text.index("Prediction.for_lesson('12', 'venue'")]
    assert "groupby(venue_of)" in before
    out = printed("12_your_own_book")
    for venue, count in counts.items():
        assert f"{venue + ':':9}{count:3} positions; the largest" in out
