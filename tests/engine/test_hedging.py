"""Hedge sizing, hedge ratios and residual risk: worked examples, properties and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import exposure_kit as ek

from worked_data import HULL_FUTURES, HULL_SPOT


def test_hedge_notional_to_zero_and_to_a_target(spot_book):
    # $100k long BTC: sell $100k to be flat; to keep $25k long, sell $75k.
    book = spot_book
    assert ek.hedge_notional(book) == pytest.approx(-100_000)
    assert ek.hedge_notional(book, "btc", target=25_000) == pytest.approx(-75_000)
    # a net short book is hedged by buying: -$40k net wants +$40k
    short = ek.Book.from_records([{"underlying": "ETH", "kind": "perp", "side": "short",
                                   "notional": 40_000}])
    assert ek.hedge_notional(short) == pytest.approx(40_000)


def test_hedge_notional_of_one_underlying_leaves_the_others_alone():
    # the guide's three positions: BTC perps +120k, ETH futures -70k, BTC quarterly -20k.
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 120_000},
        {"underlying": "ETH", "kind": "future", "side": "short", "notional": 70_000},
        {"underlying": "BTC", "kind": "future", "side": "short", "notional": 20_000}])
    assert ek.hedge_notional(book, "BTC") == pytest.approx(-100_000)   # BTC net 120 - 20
    assert ek.hedge_notional(book, "ETH") == pytest.approx(70_000)
    assert ek.hedge_notional(book) == pytest.approx(-30_000)           # the guide's 30k net long


def test_cross_hedge_through_beta():
    # $200k of SOL with beta 1.5 to BTC is $300k of BTC-equivalent risk; hedging it with an
    # instrument of beta 1.0 (BTC) takes $300k short; with ETH at beta 1.2 it takes 300/1.2 = 250k.
    book = ek.Book.from_records([{"underlying": "SOL", "kind": "spot", "side": "long",
                                  "notional": 200_000}])
    betas = {"SOL": 1.5, "ETH": 1.2}
    assert ek.hedge_notional(book, measure="beta", betas=betas) == pytest.approx(-300_000)
    assert ek.hedge_notional(book, measure="beta", betas=betas, hedge_beta=1.2) == \
        pytest.approx(-250_000)
    with pytest.raises(ValueError, match="hedge_beta"):
        ek.hedge_notional(book, hedge_beta=1.2)


def test_hedge_contracts_linear_and_inverse():
    # 3 BTC at $50,000 = $150k. Linear contracts of 0.01 BTC at $50,000 are $500 each: 300.
    # Inverse contracts of $100 face: 1,500.
    book = ek.Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
                                  "quantity": 3, "price": 50_000}])
    assert ek.hedge_contracts(book, 0.01) == pytest.approx(-300)
    assert ek.hedge_contracts(book, 100, inverse=True) == pytest.approx(-1_500)
    assert ek.hedge_contracts(book, 0.01, price=60_000) == pytest.approx(-250)


def test_hedge_contracts_cross_hedge_is_priced_in_the_hedging_asset():
    # Hull's cross hedge (Options, Futures and Other Derivatives, 3.4): contracts = h* x Q_A / Q_F.
    # 40 ETH at $3,000 = $120,000 with beta 1.2 to BTC needs $144,000 of BTC; a 0.001 BTC contract
    # at $60,000 is $60 of BTC, so -144,000 / 60 = -2,400 contracts (not -48,000 at ETH's price).
    eth = ek.Book.from_records([{"underlying": "ETH", "kind": "spot", "side": "long",
                                 "quantity": 40, "price": 3_000}])
    options = {"measure": "beta", "betas": {"ETH": 1.2}}
    assert ek.hedge_contracts(eth, 0.001, 60_000, **options) == pytest.approx(-2_400)
    with pytest.raises(ek.PositionError, match="no price for BTC"):
        ek.hedge_contracts(eth, 0.001, **options)       # refused, not priced at ETH's 3,000
    with_btc = eth + ek.Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
                                            "quantity": 0.0, "price": 60_000}])
    assert ek.hedge_contracts(with_btc, 0.001, underlying="ETH", **options) == \
        pytest.approx(-2_400)
    # a same-asset hedge in 0.001 ETH contracts: 40 ETH are 40,000 of them
    assert ek.hedge_contracts(with_btc, 0.001, underlying="ETH") == pytest.approx(-40_000)


def test_hedge_ratio_and_status_name_the_three_cases():
    def book_with(short):
        return ek.Book.from_records([
            {"underlying": "BTC", "kind": "spot", "side": "long", "notional": 100_000},
            {"underlying": "BTC", "kind": "perp", "side": "short", "notional": short}])
    assert ek.hedge_ratio(book_with(50_000), "BTC") == pytest.approx(0.5)
    assert ek.hedge_status(ek.hedge_ratio(book_with(50_000), "BTC")) == "under-hedged"
    assert ek.hedge_status(ek.hedge_ratio(book_with(100_000), "BTC")) == "neutral"
    assert ek.hedge_status(ek.hedge_ratio(book_with(130_000), "BTC")) == "over-hedged"
    assert ek.hedge_status(0.97, tolerance=0.05) == "neutral"


def test_collateral_counts_on_the_long_side_of_the_hedge_ratio():
    # A coin-margined trader holds 1 BTC ($60k) as collateral and shorts $60k of perps to
    # "hedge" a $60k spot holding: longs are 120k, so the ratio is 0.5, not 1.
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "spot", "side": "long", "notional": 60_000},
        {"underlying": "BTC", "kind": "collateral", "side": "long", "notional": 60_000},
        {"underlying": "BTC", "kind": "perp", "side": "short", "notional": 60_000}])
    assert ek.hedge_ratio(book, "BTC") == pytest.approx(0.5)


def test_with_hedge_adds_a_short_sized_by_the_ratio(spot_book):
    book = spot_book
    for ratio, net in ((0.0, 100_000), (0.5, 50_000), (1.0, 0.0), (1.5, -50_000)):
        hedged = ek.with_hedge(book, "BTC", ratio)
        assert len(hedged) == 2
        assert hedged.net_exposure() == pytest.approx(net)
    hedged = ek.with_hedge(book, "BTC", 0.8, name="h", kind="future")
    row = hedged.to_frame().iloc[1]
    assert (row["name"], row["kind"], row["side"], row["price"]) == ("h", "future", "short", 60_000)


@settings(max_examples=60, deadline=None)
@given(long=st.floats(1, 1e7), short=st.floats(0, 1e7), other=st.floats(0, 1e7),
       target=st.floats(-1e6, 1e6))
def test_a_book_hedged_by_hedge_notional_has_the_target_net(long, short, other, target):
    book = ek.Book.from_records([
        {"name": "a", "underlying": "BTC", "kind": "spot", "side": "long", "notional": long},
        {"name": "b", "underlying": "BTC", "kind": "perp", "side": "short", "notional": short},
        {"name": "c", "underlying": "ETH", "kind": "perp", "side": "long", "notional": other}])
    hedge = ek.hedge_notional(book, "BTC", target)
    hedged = book + ek.Book.from_records([{"name": "h", "underlying": "BTC", "kind": "perp",
                                           "side": "long" if hedge > 0 else "short",
                                           "notional": abs(hedge)}])
    table = hedged.by("underlying")
    assert table.loc["BTC", "net"] == pytest.approx(target, abs=1e-6 * (long + short + 1))
    assert table.loc["ETH", "net"] == pytest.approx(other)


def test_residual_volatility_worked_examples():
    # perfect hedge: same vol, correlation 1, ratio 1 -> nothing left
    assert ek.residual_volatility(0.6, 0.6, 1.0) == pytest.approx(0.0, abs=1e-12)
    # uncorrelated hedge adds its own risk: sqrt(0.6^2 + 0.8^2) = 1.0
    assert ek.residual_volatility(0.6, 0.8, 0.0) == pytest.approx(1.0)
    # no hedge: the exposure's own vol
    assert ek.residual_volatility(0.6, 0.8, 0.5, hedge_ratio=0.0) == pytest.approx(0.6)
    # BTC 60 %, ETH 80 %, rho 0.8: 0.36 + 0.64 - 0.768 = 0.232 -> 0.48166
    assert ek.residual_volatility(0.6, 0.8, 0.8) == pytest.approx(math.sqrt(0.232))
    assert ek.residual_risk_usd(150_000, 0.6, 0.8, 0.8) == pytest.approx(150_000 * 0.48166, rel=1e-4)
    # the min-variance ratio rho sE/sH = 0.6 leaves sE sqrt(1 - rho^2) = 0.6 x 0.6 = 0.36
    h = ek.optimal_hedge_ratio(0.6, 0.8, 0.8)
    assert h == pytest.approx(0.6)
    assert ek.residual_volatility(0.6, 0.8, 0.8, h) == pytest.approx(0.36)


@settings(max_examples=60, deadline=None)
@given(se=st.floats(0.01, 3), sh=st.floats(0.01, 3), rho=st.floats(-1, 1), h=st.floats(-2, 3))
def test_the_optimal_ratio_leaves_the_least_residual(se, sh, rho, h):
    best = ek.residual_volatility(se, sh, rho, ek.optimal_hedge_ratio(se, sh, rho))
    assert best <= ek.residual_volatility(se, sh, rho, h) + 1e-9


@pytest.mark.parametrize("args, field", [
    ((-0.1, 0.5, 0.5), "exposure_vol"), ((0.5, -0.2, 0.5), "hedge_vol"),
    ((0.5, 0.5, 1.2), "correlation"), ((0.5, 0.5, -1.01), "correlation"),
    ((0.5, float("nan"), 0.5), "hedge_vol")])
def test_residual_volatility_rejects_bad_inputs(args, field):
    with pytest.raises(ValueError, match=field):
        ek.residual_volatility(*args)


def test_hedging_functions_reject_bad_inputs(spot_book):
    book = spot_book
    with pytest.raises(ValueError, match="underlying"):
        ek.hedge_notional(book, "DOGE")
    with pytest.raises(ValueError, match="contract_size"):
        ek.hedge_contracts(book, 0)
    with pytest.raises(ValueError, match="target"):
        ek.hedge_notional(book, target=float("inf"))
    with pytest.raises(ValueError, match="ratio"):
        ek.hedge_status(-0.5)
    short_only = ek.Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "short",
                                        "notional": 1.0}])
    with pytest.raises(ValueError, match="no long exposure"):
        ek.hedge_ratio(short_only, "BTC")


# ----- Hull's minimum-variance hedge ratio --------------------------------------------------------
def test_min_variance_hedge_ratio_on_hulls_data():
    # Hull reports sigma_F = 0.0313, sigma_S = 0.0263, rho = 0.928, so h* = 0.928 x 0.0263 / 0.0313
    # = 0.78 and the hedge removes rho^2 = 86.1 % of the variance.
    assert np.std(HULL_FUTURES, ddof=1) == pytest.approx(0.0313, abs=5e-5)
    assert np.std(HULL_SPOT, ddof=1) == pytest.approx(0.0263, abs=5e-5)
    assert ek.min_variance_hedge_ratio(HULL_SPOT, HULL_FUTURES) == pytest.approx(0.78, abs=0.005)
    assert ek.hedge_effectiveness(HULL_SPOT, HULL_FUTURES) == pytest.approx(0.928**2, abs=0.002)


def test_hedge_ratio_rejects_bad_series():
    with pytest.raises(ValueError, match="hedge_changes"):
        ek.min_variance_hedge_ratio([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="hedge_changes"):
        ek.min_variance_hedge_ratio([1, 2, 3], [1, 1, 1])
    with pytest.raises(ValueError, match="spot_changes"):
        ek.hedge_effectiveness([1, float("nan"), 3], [1, 2, 3])
