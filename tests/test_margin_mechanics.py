"""Initial margin from a leverage setting and funding arithmetic, against worked numbers.

Binance's funding rule (Binance, "Introduction to Binance Futures Funding Rates", checked
2026-12): rate = premium index + clamp(interest - premium index, -0.05 %, +0.05 %), interest
0.01 % per 8-hour period, paid at 00:00, 08:00 and 16:00 UTC on most USD(T)-margined perps.
"""

import pytest

import exposure_kit as ek


def test_initial_margin_is_notional_over_the_leverage_setting():
    # lesson 05's isolated long: 1 BTC at 60,000 with 6,000 posted is a 10x setting
    assert ek.initial_margin(60_000, 10) == pytest.approx(6_000)
    assert ek.initial_margin(-150_000, 20) == pytest.approx(7_500)   # a short: its size
    assert ek.initial_margin(60_000, 1) == pytest.approx(60_000)


@pytest.mark.parametrize("leverage", [0, 0.5, -3, float("nan"), "10x", True])
def test_initial_margin_refuses_a_setting_below_one_naming_it(leverage):
    with pytest.raises(ValueError, match="leverage"):
        ek.initial_margin(60_000, leverage)


@pytest.mark.parametrize("premium, expected", [
    (0.0003, 0.0001),     # interest - premium = -0.0002, inside the clamp: rate = interest
    (0.0, 0.0001),        # perp at the index: the interest rate alone
    (0.0020, 0.0015),     # -0.0019 clamped to -0.0005: 0.0020 - 0.0005
    (-0.0010, -0.0005),   # +0.0011 clamped to +0.0005: -0.0010 + 0.0005
])
def test_funding_rate_follows_binances_clamp(premium, expected):
    assert ek.funding_rate(premium) == pytest.approx(expected, abs=1e-12)


def test_funding_per_year_counts_the_periods():
    # 0.01 % x 3 a day x 365 days = 10.95 %; hourly funding at the same rate: x 8
    assert ek.annualised_funding(0.0001) == pytest.approx(0.1095)
    assert ek.annualised_funding(0.0001, interval_hours=1) == pytest.approx(0.876)
    assert ek.annualised_funding(0.0001, interval_hours=4) == pytest.approx(0.219)
    with pytest.raises(ValueError, match="interval_hours"):
        ek.annualised_funding(0.0001, interval_hours=0)
