"""Lesson 08's option-delta dashboard: the readout and the chart agree in sign and in words for
long and short calls and puts (a short put is long exposure, a short call short)."""

import math
import re

import pytest

from exposure_kit.widgets import OptionDeltaDashboard


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def black76_call_delta_by_hand(forward, strike, years, vol):
    # Black-76 with r = 0: d1 = (ln(F/K) + vol^2 T / 2) / (vol sqrt T); call delta N(d1)
    d1 = (math.log(forward / strike) + 0.5 * vol ** 2 * years) / (vol * math.sqrt(years))
    return normal_cdf(d1)


# BTC at 60,000, vol 60 %, 3 months: at the money d1 = 0.045 / 0.3 = 0.15, N(0.15) = 0.5596;
# struck at 90,000 d1 = (ln(2/3) + 0.045) / 0.3 = -1.2016, N(-1.2016) = 0.1148.
CASES = [(strike, option_type, side)
         for strike in (60_000, 90_000) for option_type in ("call", "put")
         for side in ("long", "short")]


def readout_text(dash) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", dash.readout.value).split())


@pytest.mark.parametrize("strike, option_type, side", CASES)
def test_readout_and_chart_agree_in_sign_and_words(strike, option_type, side):
    call = black76_call_delta_by_hand(60_000, strike, 0.25, 0.6)
    one_bought = call if option_type == "call" else call - 1
    held = one_bought if side == "long" else -one_bought
    assert call == pytest.approx(0.5596 if strike == 60_000 else 0.1148, abs=5e-4)

    dash = OptionDeltaDashboard(strike=strike, hedge_coins=0, option_type=option_type,
                                side=side)
    text = readout_text(dash)
    # the readout's delta per BTC is the chart's: same sign, same words as its title
    assert f"Delta of the {side} {option_type}s, per BTC {held:+.3f}" in text
    assert f"Black-76 delta of one bought {option_type} {one_bought:+.3f}" in text
    assert dash.marker.get_ydata()[0] == pytest.approx(held, abs=1e-9)
    assert dash.delta_title.get_text() == f"Delta of {side} {option_type}s on 10 BTC"
    # a long call and a short put are long exposure; a long put and a short call short
    long_exposure = (option_type == "call") == (side == "long")
    assert held > 0 if long_exposure else held < 0
    net = text.split("Net, counting delta")[1]
    assert net.split("Delta hedge")[0].strip().endswith(
        "net long" if long_exposure else "net short")
    # 10 BTC of options, so a perp of -10 x delta cancels them: the other way from the options
    hedge = -10 * held
    assert (f"Delta hedge (flat by delta) {hedge:+.2f} BTC perp "
            f"({'long' if hedge > 0 else 'short'})") in text
    dash.figure.clf()


def black76_call_by_hand(forward, strike, years, vol):
    # r = 0: C = F N(d1) - K N(d2), d2 = d1 - vol sqrt T
    d1 = (math.log(forward / strike) + 0.5 * vol ** 2 * years) / (vol * math.sqrt(years))
    return forward * normal_cdf(d1) - strike * normal_cdf(d1 - vol * math.sqrt(years))


@pytest.mark.parametrize("spot", [20_000, 60_000, 120_000])
def test_pnl_for_ten_percent_moves_is_priced_at_the_moved_price(spot):
    # 10 long calls struck at 60,000 (vol 60 %, 3 months) and a 10 BTC perp short: at either end
    # of the price slider a 10 % move leaves the chart's range, and the readout must still price
    # it. At 20,000 the calls are worth next to nothing (C(18,000) and C(22,000) under $1 each),
    # so the P&L is about the perp's: +10 x 2,000 = +$20,000 on the fall, -$20,000 on the rise
    # (the interpolated chart gave $0 on the fall there).
    dash = OptionDeltaDashboard(spot=spot, strike=60_000, hedge_coins=10)
    text = readout_text(dash)
    today = black76_call_by_hand(spot, 60_000, 0.25, 0.6)
    pnl = [10 * (black76_call_by_hand(spot * f, 60_000, 0.25, 0.6) - today) - 10 * (spot * f - spot)
           for f in (0.9, 1.1)]
    shown = text.split("if BTC -10% / +10%")[1].split()[:3]
    assert shown[1] == "/"
    for value, expected in zip((shown[0], shown[2]), pnl):
        assert float(value.replace("$", "").replace(",", "")) == pytest.approx(expected, abs=1)
    if spot == 20_000:
        assert pnl[0] == pytest.approx(20_000, abs=10) and pnl[1] == pytest.approx(-20_000, abs=10)
    dash.figure.clf()
