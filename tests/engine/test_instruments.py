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
