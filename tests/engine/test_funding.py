"""Funding arithmetic: payments, Binance's rate rule and its yearly figure, against worked numbers.

Binance's funding rule (Binance, "Introduction to Binance Futures Funding Rates", checked
2026-12): rate = premium index + clamp(interest - premium index, -0.05 %, +0.05 %), interest
0.01 % per 8-hour period, paid at 00:00, 08:00 and 16:00 UTC on most USD(T)-margined perps.
"""

import numpy as np
import pytest

import exposure_kit as ek


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
