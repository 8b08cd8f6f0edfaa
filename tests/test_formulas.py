"""Black-76, hedge ratios, liquidation prices and funding against published or hand-worked cases."""

import math

import numpy as np
import pytest

import exposure_kit as ek


def test_black76_matches_hulls_futures_option_example():
    # Hull, Options, Futures and Other Derivatives: a 4-month European put on a futures price
    # of 20 with strike 20, r = 9 %, vol 25 % is worth 1.12.
    price = ek.black76_price(20, 20, 4 / 12, 0.25, "put", rate=0.09)
    assert price == pytest.approx(1.12, abs=0.005)
    # d1 = 0.5 x 0.25^2 x (1/3) / (0.25 x sqrt(1/3)) = 0.07217; N(-0.07217) = 0.47123;
    # delta = -exp(-0.03) x 0.47123 = -0.45730.
    delta = ek.black76_delta(20, 20, 4 / 12, 0.25, "put", rate=0.09)
    assert delta == pytest.approx(-0.45730, abs=5e-5)


def test_call_put_delta_parity_and_premium_adjustment():
    call = ek.black76_delta(60_000, 70_000, 0.5, 0.7, "call", rate=0.03)
    put = ek.black76_delta(60_000, 70_000, 0.5, 0.7, "put", rate=0.03)
    assert call - put == pytest.approx(math.exp(-0.03 * 0.5))
    # Premium-adjusted (coin-settled, as Deribit reports): at r = 0 a call's N(d1) less its
    # premium in coin, (F N(d1) - K N(d2)) / F, leaves K N(d2) / F. With F 60,000, K 70,000,
    # T 0.5, vol 0.7: d2 = (ln(6/7) - 0.1225) / 0.49497 = -0.558919, N(d2) = 0.288109,
    # so 70,000 x 0.288109 / 60,000 = 0.336127.
    adjusted = ek.black76_delta(60_000, 70_000, 0.5, 0.7, "call", premium_adjusted=True)
    assert adjusted == pytest.approx(0.336127, abs=1e-6)


@pytest.mark.parametrize("field, args", [
    ("volatility", (100, 100, 1.0, 0.0)), ("volatility", (100, 100, 1.0, -0.2)),
    ("years", (100, 100, 0.0, 0.2)), ("strike", (100, -1, 1.0, 0.2)),
    ("forward", (float("nan"), 100, 1.0, 0.2))])
def test_black76_rejects_bad_inputs(field, args):
    with pytest.raises(ValueError, match=field):
        ek.black76_delta(*args)


# Hull, Table 3.3 (jet fuel hedged with heating oil futures): 15 monthly changes.
HULL_FUTURES = [0.021, 0.035, -0.046, 0.001, 0.044, -0.029, -0.026, -0.029, 0.048, -0.006,
                -0.036, -0.011, 0.019, -0.027, 0.029]
HULL_SPOT = [0.029, 0.020, -0.044, 0.008, 0.026, -0.019, -0.010, -0.007, 0.043, 0.011,
             -0.036, -0.018, 0.009, -0.032, 0.023]


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


def test_isolated_long_liquidation_price():
    # 1 BTC long at 10,000 with 1,000 isolated margin, maintenance rate 0.5 %:
    # P = (1,000 - 10,000) / (0.005 - 1) = 9,045.23. Check: margin 1,000 + (9,045.23 - 10,000)
    # = 45.23 equals maintenance 0.005 x 9,045.23 = 45.23.
    assert ek.liquidation_price("long", 1, 10_000, 1_000, 0.005) == pytest.approx(9_045.23, abs=0.01)


def test_isolated_short_liquidation_price():
    # 2 ETH short at 3,000 with 600 margin, rate 1 %: P = (600 + 6,000) / (0.02 + 2) = 3,267.33.
    # Check: 600 + 2 x (3,000 - 3,267.33) = 65.35 = 0.01 x 2 x 3,267.33.
    assert ek.liquidation_price("short", 2, 3_000, 600, 0.01) == pytest.approx(3_267.33, abs=0.01)


def test_cross_liquidation_price_uses_the_rest_of_the_account():
    # Cross wallet 10,000; 1 BTC long at 50,000, rate 0.5 %; other positions need 500 of
    # maintenance and are 1,000 under water: P = (10,000 - 500 - 1,000 - 50,000) / (0.005 - 1)
    # = 41,708.54. Check: 10,000 - 1,000 + (41,708.54 - 50,000) = 708.54 = 500 + 0.005 x 41,708.54.
    price = ek.liquidation_price("long", 1, 50_000, 10_000, 0.005, other_maintenance=500,
                                 other_unrealized_pnl=-1_000)
    assert price == pytest.approx(41_708.54, abs=0.01)
    isolated = ek.liquidation_price("long", 1, 50_000, 10_000, 0.005)
    assert isolated < price   # the losing rest of the account brings liquidation closer


def test_maintenance_amount_and_fully_covered_long():
    # With a maintenance amount of 50: P = (1,000 + 50 - 10,000) / (0.005 - 1) = 8,994.97.
    assert ek.liquidation_price("long", 1, 10_000, 1_000, 0.005, maintenance_amount=50) == \
        pytest.approx(8_994.97, abs=0.01)
    # A 1x long (margin = full notional) is never liquidated at a positive price.
    assert ek.liquidation_price("long", 1, 10_000, 10_000, 0.005) == 0.0


@pytest.mark.parametrize("kwargs, field", [
    (dict(side="flat"), "side"), (dict(quantity=0), "quantity"), (dict(entry_price=-1), "entry_price"),
    (dict(maintenance_margin_rate=1.5), "maintenance_margin_rate"),
    (dict(wallet_balance="lots"), "wallet_balance"), (dict(quantity=float("inf")), "quantity")])
def test_liquidation_price_rejects_bad_inputs(kwargs, field):
    args = dict(side="long", quantity=1, entry_price=10_000, wallet_balance=1_000,
                maintenance_margin_rate=0.005) | kwargs
    with pytest.raises(ValueError, match=field):
        ek.liquidation_price(**args)


def test_funding_paid_and_received():
    # Funding = position value x rate; longs pay shorts when the rate is positive.
    # $10,000 long at +0.01 % pays $1; the same short receives $1.
    assert ek.funding_payment(10_000, 0.0001) == pytest.approx(-1.0)
    assert ek.funding_payment(-10_000, 0.0001) == pytest.approx(1.0)
    # At -0.005 % the long receives 10,000 x 0.00005 = $0.50.
    assert ek.funding_payment(10_000, -0.00005) == pytest.approx(0.5)
    assert ek.funding_payment(np.array([10_000, -20_000]), 0.0001).tolist() == \
        pytest.approx([-1.0, 2.0])
    with pytest.raises(ValueError, match="rate"):
        ek.funding_payment(10_000, float("nan"))
