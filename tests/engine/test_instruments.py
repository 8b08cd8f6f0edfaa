"""Black-76 prices and deltas against Hull's worked example and hand-worked cases."""

import math

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


def test_black76_theta_and_gamma_worked_by_hand():
    # F = K = 60,000, T = 0.25, vol 0.6, r = 0: d1 = 0.5 x 0.6 x sqrt(0.25) = 0.15,
    # N'(0.15) = exp(-0.01125) / sqrt(2 pi) = 0.394479.
    # gamma = 0.394479 / (60,000 x 0.6 x 0.5) = 2.191550e-5 per BTC per dollar;
    # theta = -60,000 x 0.394479 x 0.6 / (2 x 0.5) = -14,201.2 a year, -38.907 a day (/ 365).
    gamma = ek.black76_gamma(60_000, 60_000, 0.25, 0.6)
    assert gamma == pytest.approx(2.191550e-5, rel=1e-5)
    for option_type in ("call", "put"):              # at r = 0 a call and a put decay alike
        theta = ek.black76_theta(60_000, 60_000, 0.25, 0.6, option_type)
        assert theta == pytest.approx(-14_201.2, abs=0.1)
        assert theta / 365 == pytest.approx(-38.907, abs=0.001)
    # Hull: a delta-neutral book's P&L over a day is theta dt + 0.5 gamma dS^2, so at r = 0 it
    # breaks even when the day's move is vol x F / sqrt(365): 0.6 x 60,000 / 19.1050 = 1,884.33.
    move = math.sqrt(2 * 14_201.2 / 365 / 2.191550e-5)
    assert move == pytest.approx(1_884.33, abs=0.05)


def test_black76_theta_gamma_satisfy_hulls_pde_with_a_rate():
    # Hull's equation for a derivative on a futures price: theta + 0.5 vol^2 F^2 gamma = r f.
    # On his 4-month put (F = K = 20, r = 9 %, vol 25 %, worth 1.12): the decay term is
    # -exp(-0.03) x 20 x N'(0.07217) x 0.25 / (2 sqrt(1/3)) = -0.970446 x 7.95808 x 0.25 / 1.15470
    # = -1.67206, plus r f = 0.09 x 1.12 = 0.1009.
    f = ek.black76_price(20, 20, 4 / 12, 0.25, "put", rate=0.09)
    theta = ek.black76_theta(20, 20, 4 / 12, 0.25, "put", rate=0.09)
    gamma = ek.black76_gamma(20, 20, 4 / 12, 0.25, rate=0.09)
    assert theta + 0.5 * 0.25**2 * 20**2 * gamma == pytest.approx(0.09 * f, rel=1e-9)
    assert theta == pytest.approx(-1.67206 + 0.09 * f, abs=5e-5)
    with pytest.raises(ValueError, match="years"):
        ek.black76_theta(20, 20, 0.0, 0.25)
