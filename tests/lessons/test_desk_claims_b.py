"""Issue 22, the last desk read of lessons 01, 03, 04, 05, 07 and 08: each fixed claim held
against a number worked by hand (written out beside the assert) or against the page's wording."""

from __future__ import annotations

import numpy as np
import pytest
from test_lesson_claims import answered, lesson_namespace, lesson_source, printed

import exposure_kit as ek


# ----- 07: one beta, a plain label, one y scale -------------------------------------------------
def test_lesson07_names_the_illustrative_and_the_measured_beta():
    history = ek.sample_prices()
    logs = np.log(history / history.shift()).dropna()
    # ETH's beta to BTC over the four years, as covariance / variance of the daily log returns
    beta = np.cov(logs["ETH"], logs["BTC"])[0, 1] / logs["BTC"].var()
    assert round(beta, 2) == 1.06
    # $100,000 of BTC less 1.06 x $100,000 of ETH: about $6,000 net short (not 1.2's $20,000)
    short = 100_000 * beta - 100_000
    out = printed("07_drift_after_price_moves")
    assert (f"at entry, beta-adjusted net (lesson 05's four-year beta of {beta:.2f}): "
            f"{ek.usd(short)} net short") in out
    source = lesson_source("07_drift_after_price_moves")
    assert "moves about 1.2 times" not in source
    assert "a round number chosen to illustrate" in source


def test_lesson07_labels_say_when_the_net_is_measured():
    out = printed("07_drift_after_price_moves")
    assert "carried after a day's trade" not in out and "net after trade" not in out
    assert "rule past $10,000, largest net just after a daily check:" in out
    row = next(line for line in out.splitlines() if line.startswith("rule, just after a daily check"))
    assert row.split()[-1] == "$9,987"          # the history, as replayed in test_lesson_claims


def test_lesson07_gross_under_the_rule_outgrows_the_held_pair():
    history = ek.sample_prices()
    # held at entry dollar sizes: $100,000 x (BTC now / BTC then) + $100,000 x (ETH now / ETH then)
    held = (100_000 * history["BTC"] / history["BTC"].iloc[0]
            + 100_000 * history["ETH"] / history["ETH"].iloc[0]).max()
    out = printed("07_drift_after_price_moves")
    line = next(line for line in out.splitlines() if line.startswith("largest gross over the history"))
    assert line.startswith(f"largest gross over the history: {ek.usd(held)} never rebalanced")
    rule = float(line.split(", ")[1].split()[0].strip("$").replace(",", ""))
    assert rule > held                           # what the prose says: the book grows


def test_lesson07_charts_share_one_y_scale():
    ns = lesson_namespace("07_drift_after_price_moves", "The same pair under the rule")
    replay, draw = ns["replay"], ns["on_same_scale"]
    axes = [draw(ek.plots.exposure_history_chart(h)) for h in (replay.held, replay.exposure)]
    assert axes[0].get_ylim() == axes[1].get_ylim()
    low, high = axes[0].get_ylim()
    for h in (replay.held, replay.exposure):
        assert low <= -h["short"].max() and h["gross"].max() <= high
    assert "same scale" in axes[0].get_ylabel()


# ----- 04: when a cross hedge adds risk -------------------------------------------------------------
def test_lesson04_states_when_the_hedge_adds_risk():
    # variance left sE² + h² sH² - 2 h ρ sE sH exceeds sE² when h > 2 ρ sE / sH.
    # ρ 0.8: 2 x 0.8 x 0.6 / 0.9 = 1.0667; ρ 0.3: 2 x 0.3 x 0.6 / 0.9 = 0.40. At h = 0.40 and
    # ρ 0.3 the variance left is 0.36 + 0.16 x 0.81 - 2 x 0.4 x 0.3 x 0.54 = 0.36: the long's own.
    assert ek.residual_volatility(0.6, 0.9, 0.3, 0.40) == pytest.approx(0.60)
    # the book's 100,000 / 150,000 = 0.6667: 0.36 + 0.4444 x 0.81 - 2 x 0.6667 x 0.162 = 0.504
    assert ek.residual_volatility(0.6, 0.9, 0.3, 2 / 3) ** 2 == pytest.approx(0.504)
    out = printed("04_beta_and_correlation")
    assert "above 2 x 0.5333 = 1.07 dollars of ETH per dollar of BTC" in out
    assert "**twice the minimum-variance ratio**" in lesson_source("04_beta_and_correlation")
    p = lesson_namespace("04_beta_and_correlation", "predict_risk")["predict_risk"]
    shown = answered(p)
    assert "that limit is 0.40 dollars of ETH per dollar of BTC and this book hedges 0.67" in shown
    assert "adds risk" in shown and "never adds risk" in shown


# ----- 05: the points behind the slope --------------------------------------------------------------
def test_lesson05_draws_the_days_behind_beta():
    source = lesson_source("05_hedges_from_price_history")
    drawn = source.index("ek.plots.returns_scatter(prices, 'ETH', 'BTC', window=365)")
    assert source.index("eth_on_btc = ek.hedge_estimates(prices, 'ETH', 'BTC', window=365)") < drawn
    assert drawn < source.index("predict_band = ")


# ----- 08: face values by coin, and what still moves a synthetic dollar -----------------------------
def test_lesson08_face_values_by_coin_and_the_basis_on_a_synthetic_dollar():
    source = lesson_source("08_inverse_contracts")
    assert "10 for a BTC contract on Deribit but 1 for an ETH one" in source
    assert "The **basis**" in source
    # perp marked 0.5 % above a $40,000 spot: 100,000 x (1 / 40,200 - 1 / 50,000) = 0.4876 BTC;
    # (2 + 0.487562) x 40,000 = 99,502.49: $498 short of the entry dollars while the gap is open
    out = printed("08_inverse_contracts")
    assert ("perp marked at $40,200 while spot is $40,000: earned 0.4876 BTC, equity "
            "(2.00 + 0.4876) BTC x $40,000 = $99,502") in out


# ----- 03, 01: basis and funding, and P&L defined at first use --------------------------------------
def test_lesson03_the_short_gains_about_what_the_coins_lose():
    source = lesson_source("03_hedging_spot_with_perps")
    assert "the short gains what the coins lose" not in source
    opening = source[:source.index("predict_short = ")]
    assert "gains about what the coins lose" in opening
    assert "**basis**" in opening and "**funding**" in opening


def test_lesson01_defines_pnl_where_it_is_first_used():
    source = lesson_source("01_net_vs_gross")
    assert source.index("P&L") == source.index("**P&L** (profit and loss)") + 2
