"""Price history in: Hull's data through read_prices, the sample prices' recipe, every layout read
the same, gaps reported, and what cannot be read whole refused by line and field."""

import io
import json
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek

from worked_data import HULL_FUTURES, HULL_SPOT


# ----- Hull's Table 3.3 through read_prices -------------------------------------------------------
def _hull_csv() -> str:
    # Hull, Options, Futures and Other Derivatives, Table 3.3: 15 monthly changes in the jet fuel
    # price and in the heating oil futures price per gallon (also quoted at
    # solutioninn.com/study-help/questions/...-4764895 with sigma_F 0.0313, sigma_S 0.0263,
    # rho 0.928). Levels are rebuilt from an arbitrary start of $2.000 a gallon, so the changes
    # read back are Hull's to the thousandth.
    jet = np.round(2.0 + np.concatenate([[0.0], np.cumsum(HULL_SPOT)]), 3)
    oil = np.round(2.0 + np.concatenate([[0.0], np.cumsum(HULL_FUTURES)]), 3)
    months = pd.period_range("2023-01", periods=16, freq="M").to_timestamp()
    lines = ["date,jet_fuel,heating_oil"]
    lines += [f"{d.date()},{j:.3f},{o:.3f}" for d, j, o in zip(months, jet, oil)]
    return "\n".join(lines) + "\n"


def test_hulls_minimum_variance_ratio_through_read_prices():
    prices = ek.read_prices(io.StringIO(_hull_csv()))
    assert prices.attrs["frequency"] == "M"
    est = ek.hedge_estimates(prices, "jet_fuel", "heating_oil", method="change",
                             periods_per_year=None)
    # Hull: h* = 0.928 x 0.0263 / 0.0313 = 0.78; from the 15 changes exactly 0.7777 and
    # hedge effectiveness rho^2 = 0.8619.
    assert est.observations == 15
    assert est.hedge_ratio.value == pytest.approx(0.7777, abs=5e-5)
    assert est.effectiveness.value == pytest.approx(0.8619, abs=5e-5)
    assert est.correlation.value == pytest.approx(0.928, abs=5e-4)
    # monthly calendar: annualised with 12 periods a year
    assert est.volatility.value == pytest.approx(0.0263 * np.sqrt(12), abs=2e-4)


def test_sample_prices_follow_their_stated_recipe():
    prices = ek.sample_prices()
    assert prices.equals(ek.sample_prices()) and not prices.equals(ek.sample_prices(seed=1))
    calm = ek.hedge_estimates(prices, "ETH", end="2022-04-30")
    assert calm.volatility.value == pytest.approx(0.85, abs=3 * calm.volatility.standard_error)
    assert calm.reference_volatility.value == pytest.approx(0.65, abs=0.05)
    assert calm.correlation.value == pytest.approx(0.80, abs=3 * calm.correlation.standard_error)
    crash = ek.hedge_estimates(prices, "ETH", window=45, end="2022-06-14")
    assert crash.correlation.value > calm.correlation.value


# ----- reading prices: layouts and bad input ------------------------------------------------------
def test_long_and_json_layouts_read_the_same_prices():
    wide = ek.read_prices(io.StringIO("date,BTC,ETH\n2024-01-01,1,2\n2024-01-02,3,4\n"
                                      "2024-01-03,5,6\n"))
    long = ek.read_prices(io.StringIO("date,symbol,close\n" + "".join(
        f"2024-01-0{d},{a},{v}\n" for d, pairs in ((1, (("BTC", 1), ("ETH", 2))),
                                                   (2, (("BTC", 3), ("ETH", 4))),
                                                   (3, (("BTC", 5), ("ETH", 6))))
        for a, v in pairs)))
    records = [{"date": f"2024-01-0{i + 1}", "BTC": b, "ETH": e}
               for i, (b, e) in enumerate([(1, 2), (3, 4), (5, 6)])]
    from_json = ek.read_prices(io.StringIO(json.dumps({"prices": records})))
    assert wide.equals(long) and wide.equals(from_json)
    epoch = ek.read_prices(io.StringIO("timestamp,btc\n1704067200000,1\n1704153600000,2\n"
                                       "1704240000000,3\n"))
    assert epoch.index.equals(wide.index) and list(epoch.columns) == ["BTC"]


@pytest.mark.parametrize("text, message", [
    ("date,BTC\n2024-01-02,1\n2024-01-01,2\n",
     "line 3, field 'date': 2024-01-01 comes after 2024-01-02 (line 2)"),
    ("date,BTC\n2024-01-01,1\n2024-01-01,2\n",
     "line 3, field 'date': 2024-01-01 appears twice (also on line 2)"),
    ("date,BTC\n2024-01-01,1\n,2\n", "line 3, field 'date': is empty"),
    ("date,BTC\n2024-01-01,1\n2024-13-01,2\n", "line 3, field 'date': '2024-13-01' is not a date"),
    ("date,BTC\n2024-01-01,1\n2024-01-02,0\n", "line 3, field 'BTC': must be a positive price"),
    ("date,BTC\n2024-01-01,1\n2024-01-02,-3\n", "line 3, field 'BTC': must be a positive price"),
    ("date,BTC\n2024-01-01,1\n2024-01-02,n/a\n", "line 3, field 'BTC': 'n/a' is not a number"),
    ("date,BTC\n2024-01-01,1\n2024-01-02,inf\n", "line 3, field 'BTC': must be a finite price"),
    ("date,BTC,ETH\n2024-01-01,1,2\n2024-01-02,3,\n", "line 3, field 'ETH': is empty"),
    ("date,BTC\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n2024-01-05,5\n2024-01-06,6\n",
     "field 'date': no prices for 2024-01-04 in a daily series"),
    ("date,asset,close\n2024-01-01,BTC,1\n2024-01-01,ETH,1\n2024-01-02,BTC,2\n",
     "field 'close': ETH has no close on 2024-01-02"),
    ("date,asset,close\n2024-01-01,BTC,1\n2024-01-01,BTC,2\n",
     "line 3, field 'date': 2024-01-01 appears twice (also on line 2)"),
])
def test_bad_prices_are_refused_by_line_and_field(text, message):
    buffer = io.StringIO(text)
    buffer.name = "closes.csv"
    with pytest.raises(ValueError) as error:
        ek.read_prices(buffer)
    assert message.replace("line 3,", "line 3 of closes.csv,") in str(error.value) \
        or message in str(error.value)
    assert "closes.csv" in str(error.value)


def test_gaps_are_reported_not_filled():
    text = ("date,BTC,ETH\n2024-01-01,1,2\n2024-01-02,2,\n2024-01-03,3,4\n2024-01-05,5,6\n"
            "2024-01-06,6,7\n")
    with pytest.warns(UserWarning, match="gaps kept, not filled"):
        prices = ek.read_prices(io.StringIO(text), gaps="report")
    assert len(prices) == 5                                  # no date added, none dropped
    assert np.isnan(prices.loc["2024-01-02", "ETH"])          # the missing close stays missing
    assert prices.attrs["gaps"] == [{"asset": "all", "date": "2024-01-04"},
                                    {"asset": "ETH", "date": "2024-01-02"}]
    with pytest.raises(ValueError, match="ETH has a gap next to 2024-01-02"):
        ek.hedge_estimates(prices, "ETH", "BTC")


def test_weekday_and_monthly_calendars_are_not_gaps():
    days = pd.bdate_range("2024-01-01", periods=20)
    text = "date,SPY\n" + "".join(f"{d.date()},{100 + i}\n" for i, d in enumerate(days))
    assert ek.read_prices(io.StringIO(text)).attrs["frequency"] == "B"


# ----- read_prices refuses what it cannot read whole ----------------------------------------------
def test_read_prices_refuses_a_line_with_an_extra_field(tmp_path):
    """`2024-01-01,1,000` under `date,BTC` was read as a close of 1.0 (a warning only)."""
    path = tmp_path / "closes.csv"
    path.write_text("date,BTC\n2024-01-01,42000\n2024-01-02,1,000\n2024-01-03,43000\n")
    with pytest.raises(ValueError, match=r"line 3 of .*closes\.csv, field 'fields': the line "
                       r"has 3 fields where the header has 2"):
        ek.read_prices(path)


@pytest.mark.parametrize("text, match", [
    ("date,BTC\nnow,1\n2024-01-02,2\n", r"line 2, field 'date': 'now' is not a date"),
    ("date,BTC\n2024-01-01,1\ntoday,2\n", r"line 3, field 'date': 'today' is not a date"),
    ("date,BTC\n1704067200,1\n1704153600000,2\n1704240000,3\n",
     r"line 3, field 'date': '1704153600000' is epoch milliseconds where line 2 has epoch "
     r"seconds"),
    ("date,BTC\n0001-01-01,1\n0001-01-02,1\n0001-01-03,1\n0001-01-04,1\n9999-12-31,1\n",
     r"the dates run from 0001-01-01 to 9999-12-31: about 3,652,05\d dates of a daily series"),
])
def test_read_prices_refuses_words_mixed_epoch_units_and_vast_spans(text, match):
    """`now`/`today` were read as today's date; mixed seconds and milliseconds gave year 55972
    or a NotImplementedError; a five-line file spanning years 1-9999 built 3.65 million gaps
    (24 s, 1.09 GB) before it was refused."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            ek.read_prices(io.StringIO(text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
