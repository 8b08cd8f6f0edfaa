"""Price history in, estimates from it, a book replayed over it, exposure over time from snapshots:
against a textbook's data, numpy on the same returns, and a replay worked by hand."""

import io
import json

import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek
from test_formulas import HULL_FUTURES, HULL_SPOT


# ----- Hull's Table 3.3 through read_prices --------------------------------------------------
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


# ----- beta, correlation and their standard errors against numpy -----------------------------
def test_estimates_match_numpy_on_the_same_returns():
    prices = ek.sample_prices()
    est = ek.hedge_estimates(prices, "ETH", "BTC", window=250)
    returns = np.log(prices.to_numpy()[-251:])
    eth, btc = np.diff(returns[:, 1]), np.diff(returns[:, 0])
    slope, intercept = np.polyfit(btc, eth, 1)
    assert est.beta.value == pytest.approx(slope, rel=1e-10)
    assert est.correlation.value == pytest.approx(np.corrcoef(eth, btc)[0, 1], rel=1e-12)
    assert est.effectiveness.value == pytest.approx(np.corrcoef(eth, btc)[0, 1] ** 2, rel=1e-12)
    assert est.volatility.value == pytest.approx(np.std(eth, ddof=1) * np.sqrt(365), rel=1e-12)
    # the slope's standard error as least squares gives it: (X'X)^-1 s^2 with s^2 over n - 2
    design = np.column_stack([np.ones_like(btc), btc])
    residual = eth - design @ np.array([intercept, slope])
    cov = np.linalg.inv(design.T @ design) * (residual @ residual) / (len(eth) - 2)
    assert est.beta.standard_error == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-8)
    n, r = 250, est.correlation.value
    assert est.correlation.standard_error == pytest.approx((1 - r * r) / np.sqrt(n - 3))
    assert str(est.start.date()) == str(prices.index[-251].date())


def test_rolling_estimates_equal_one_window_estimates():
    prices = ek.sample_prices()
    rolling = ek.rolling_hedge_estimates(prices, "ETH", window=60)
    for day in ("2021-06-30", "2022-05-31", "2024-12-31"):
        one = ek.hedge_estimates(prices, "ETH", window=60, end=day)
        assert rolling.loc[day, "beta"] == pytest.approx(one.beta.value, rel=1e-12)
        assert rolling.loc[day, "beta_se"] == pytest.approx(one.beta.standard_error, rel=1e-12)


def test_sample_prices_follow_their_stated_recipe():
    prices = ek.sample_prices()
    assert prices.equals(ek.sample_prices()) and not prices.equals(ek.sample_prices(seed=1))
    calm = ek.hedge_estimates(prices, "ETH", end="2022-04-30")
    assert calm.volatility.value == pytest.approx(0.85, abs=3 * calm.volatility.standard_error)
    assert calm.reference_volatility.value == pytest.approx(0.65, abs=0.05)
    assert calm.correlation.value == pytest.approx(0.80, abs=3 * calm.correlation.standard_error)
    crash = ek.hedge_estimates(prices, "ETH", window=45, end="2022-06-14")
    assert crash.correlation.value > calm.correlation.value


# ----- reading prices: layouts and bad input -------------------------------------------------
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


# ----- replay ---------------------------------------------------------------------------------
def _five_days():
    return pd.DataFrame({"BTC": [100.0, 110.0, 121.0, 108.9, 98.01], "ETH": 5.0},
                        index=pd.date_range("2024-03-01", periods=5, name="date"))


def _spot_and_inverse():
    return ek.Book.from_records([
        {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long",
         "quantity": 100, "price": 100.0},
        {"name": "inverse", "underlying": "BTC", "kind": "perp", "side": "short",
         "quantity": 100, "contract_size": 100, "inverse": True, "price": 100.0}])


def test_replay_worked_by_hand_over_five_days():
    # 100 BTC of spot at $100 ($10,000) against an inverse short of 100 contracts x $100 face.
    # BTC closes 100, 110, 121, 108.9, 98.01 (+10 %, +10 %, -10 %, -10 %). Rule: trade a linear
    # BTC perp back to net 0 whenever |net| > $1,500; each trade costs 10 bp of its notional.
    #
    # day  spot    inverse  net before  trade                        hedge after  net after
    #  0   10,000  -10,000       0      -                                 0            0
    #  1   11,000  -10,000   1,000      - (1,000 <= 1,500)                0        1,000
    #  2   12,100  -10,000   2,100      sell 2,100 at 121, cost 2.10  -2,100           0
    #  3   10,890  -10,000     890      - (hedge now -2,100 x 108.9/121 = -1,890;
    #                                      net 890 - 1,890 = -1,000)   -1,890      -1,000
    #  4    9,801  -10,000    -199      hedge -1,890 x 0.9 = -1,701; net -1,900 > 1,500:
    #                                   buy 1,900, cost 1.90              199            0
    #
    # Day's P&L = yesterday's exposure x today's return, position by position (the inverse
    # short's coin P&L swept to USD each close, so its exposure stays its -$10,000 face):
    #  day 1: 0 x 10 %                       = 0
    #  day 2: 1,000 x 10 %                   = 100, less 2.10 cost            = 97.90
    #  day 3: 0 x -10 % (spot -1,210, inverse +1,000, hedge +210)           = 0
    #  day 4: -1,000 x -10 % = 100 (spot -1,089, inverse +1,000, hedge +189), less 1.90 = 98.10
    # Hedge ratio, short over long after trades: 1, 10,000/11,000, 12,100/12,100,
    # 11,890/10,890, 10,000/(9,801 + 199).
    result = ek.replay_book(_spot_and_inverse(), _five_days(), threshold=1_500, cost=0.001)
    e = result.exposure
    assert e["net"].round(6).tolist() == [0.0, 1000.0, 0.0, -1000.0, 0.0]
    assert e["hedge"].round(6).tolist() == [0.0, 0.0, -2100.0, -1890.0, 199.0]
    assert e["long"].round(6).tolist() == [10000.0, 11000.0, 12100.0, 10890.0, 10000.0]
    assert e["pnl"].round(6).tolist() == [0.0, 0.0, 97.9, 0.0, 98.1]
    assert e["cumulative_pnl"].iloc[-1] == pytest.approx(196.0)
    assert e["hedge_ratio"].tolist() == pytest.approx([1.0, 10 / 11, 1.0, 11890 / 10890, 1.0])
    assert result.trades["date"].dt.strftime("%m-%d").tolist() == ["03-03", "03-05"]
    assert result.trades["notional"].tolist() == pytest.approx([-2100.0, 1900.0])
    assert result.trades["cost"].tolist() == pytest.approx([2.1, 1.9])
    assert result.count == 2 and result.total_cost == pytest.approx(4.0)
    # Held without trades: net 0, 1,000, 2,100, 890, -199; P&L 0, 0, 100, -210, -89.
    assert result.held["net"].round(6).tolist() == [0.0, 1000.0, 2100.0, 890.0, -199.0]
    assert result.held["pnl"].round(6).tolist() == [0.0, 0.0, 100.0, -210.0, -89.0]


def test_replay_every_n_days_and_hold_quantity():
    # every=2 trades on days 0, 2, 4 only: day 2 sells 2,100 (as above); day 4: hedge -1,701,
    # net -1,900, buy 1,900. Same trades, here because of the calendar not the threshold.
    result = ek.replay_book(_spot_and_inverse(), _five_days(), every=2)
    assert result.trades["notional"].tolist() == pytest.approx([-2100.0, 1900.0])
    # hold="quantity": 100 BTC entered at the book's own $100 meets the first close of $200:
    # spot $20,000 against the inverse's unchanged $10,000 face.
    prices = _five_days() * 2
    held = ek.replay_book(_spot_and_inverse(), prices, hold="quantity")
    assert held.exposure["net"].iloc[0] == pytest.approx(10_000.0)


def test_replay_of_an_option_reprices_it_every_day():
    book = ek.Book.from_records([
        {"name": "call", "underlying": "BTC", "kind": "option", "side": "long", "quantity": 1,
         "price": 100.0, "strike": 100.0, "years": 0.5, "volatility": 0.6,
         "option_type": "call"}])
    prices = _five_days()
    result = ek.replay_book(book, prices, measure="delta")
    deltas = [ek.black76_delta(p, 100.0, 0.5, 0.6, "call") for p in prices["BTC"]]
    assert result.exposure["net"].tolist() == pytest.approx(
        [d * p for d, p in zip(deltas, prices["BTC"])])
    values = [ek.black76_price(p, 100.0, 0.5, 0.6, "call") for p in prices["BTC"]]
    assert result.exposure["cumulative_pnl"].tolist() == pytest.approx(
        [v - values[0] for v in values])
    # with a spot row beside it (the option's P&L picked out of a mixed book): 1 BTC of spot
    # makes the price change, the call its change in Black-76 value
    mixed = ek.Book.from_records([{"name": "spot", "underlying": "BTC", "kind": "spot",
                                   "side": "long", "quantity": 1, "price": 100.0}]) + book
    pnl = ek.replay_book(mixed, prices).exposure["cumulative_pnl"]
    assert pnl.tolist() == pytest.approx(
        [(p - 100.0) + v - values[0] for p, v in zip(prices["BTC"], values)])


def test_replay_names_an_asset_the_prices_lack():
    book = _spot_and_inverse() + ek.Book.from_records([
        {"name": "sol", "underlying": "SOL", "kind": "perp", "side": "long", "notional": 5.0}])
    with pytest.raises(ValueError, match="no column for SOL, which the book needs"):
        ek.replay_book(book, _five_days())
    with pytest.raises(ValueError, match="no column for XRP"):
        ek.replay_book(_spot_and_inverse(), _five_days(), every=1, hedge_underlying="XRP")
    gappy = _five_days()
    gappy.iloc[2, 0] = np.nan
    with pytest.raises(ValueError, match="date 2024-03-03, field 'BTC'"):
        ek.replay_book(_spot_and_inverse(), gappy)


# ----- exposure history from snapshots ---------------------------------------------------------
SNAPSHOTS = """date,name,underlying,kind,side,notional,venue,equity
2024-06-02,a,BTC,perp,long,150000,Binance,50000
2024-06-01,a,BTC,perp,long,150000,Binance,50000
2024-06-01,b,ETH,future,short,100000,OKX,50000
2024-06-02,b,ETH,future,short,130000,OKX,50000
2024-06-02,c,ETH,spot,long,20000,Binance,50000
"""


def test_exposure_history_by_date_and_venue():
    history = ek.exposure_history(io.StringIO(SNAPSHOTS), equity="equity")
    # June 1: long 150,000, short 100,000: net 50,000, gross 250,000, 5x on 50,000 of equity.
    # June 2: long 170,000, short 130,000: net 40,000, gross 300,000, 6x.
    assert [str(d.date()) for d in history.index] == ["2024-06-01", "2024-06-02"]
    assert history["net"].tolist() == [50_000.0, 40_000.0]
    assert history["gross"].tolist() == [250_000.0, 300_000.0]
    assert history["net_to_gross"].tolist() == pytest.approx([0.2, 40 / 300])
    assert history["gross_leverage"].tolist() == [5.0, 6.0]
    assert history["positions"].sum() == 5                        # nothing dropped
    venues = ek.exposure_history(io.StringIO(SNAPSHOTS), by="venue")
    assert venues.loc[("2024-06-02", "Binance"), "net"] == 170_000.0
    assert venues.loc[("2024-06-02", "OKX"), "net"] == -130_000.0


def test_exposure_history_equals_a_book_per_date():
    book = ek.sample_book("desk_book").to_frame()
    frames = [book.assign(date=f"2024-06-{d:02d}") for d in (1, 2, 3)]
    frames[1] = frames[1].iloc[:150]
    history = ek.exposure_history(pd.concat(frames, ignore_index=True), by="venue",
                                  measure="delta")
    for day, frame in zip(("2024-06-01", "2024-06-02", "2024-06-03"), frames):
        expected = ek.Book.from_frame(frame).by("venue", measure="delta")
        got = history.loc[day]
        assert got[["long", "short", "net", "gross"]].to_numpy() == pytest.approx(
            expected.to_numpy())


@pytest.mark.parametrize("text, message", [
    (SNAPSHOTS.replace("2024-06-01,b", "yesterday,b"), "line 4, field 'date': 'yesterday'"),
    (SNAPSHOTS.replace("2024-06-01,b", ",b"), "line 4, field 'date': is empty"),
    (SNAPSHOTS.replace("short,130000", "sell,130000"), "line 5 ('b'), field 'side'"),
    (SNAPSHOTS.replace("spot,long,20000,Binance,50000", "spot,long,20000,Binance,49000"),
     "field 'equity': differs between positions of 2024-06-02"),
])
def test_bad_snapshots_are_refused_by_line(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ek.exposure_history(io.StringIO(text), equity="equity")


def test_snapshots_need_a_date_column():
    with pytest.raises(ValueError, match="field 'day': no such column"):
        ek.exposure_history(io.StringIO(SNAPSHOTS), date_column="day")


# ----- the shipped snapshots and the command line -----------------------------------------------
def test_shipped_snapshots_are_what_their_recipe_makes():
    import make_desk_snapshots

    path = ek.sample_path("desk_snapshots")
    assert path.read_text() == make_desk_snapshots.desk_snapshots_csv()
    history = ek.exposure_history(path, equity="equity")
    assert len(history) == 30 and (history["positions"] == 9).all()


def test_cli_history_table_json_and_html(capsys, tmp_path):
    from exposure_kit.cli import main

    path = tmp_path / "snaps.csv"
    path.write_text(SNAPSHOTS)
    assert main(["history", str(path), "--equity", "equity"]) == 0
    text = capsys.readouterr().out
    assert "2024-06-01" in text and "$250,000" in text and "5.00x" in text
    assert main(["history", str(path), "--by", "venue", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {(r["date"], r["venue"]): r["net"] for r in rows}[("2024-06-02", "OKX")] == -130_000
    assert main(["history", str(path), "--format", "html", "--chart",
                 str(tmp_path / "h.png")]) == 0
    assert "<table" in capsys.readouterr().out and (tmp_path / "h.png").stat().st_size > 0
    path.write_text(SNAPSHOTS.replace("2024-06-01,b", "someday,b"))
    assert main(["history", str(path)]) == 2
    assert "line 4 of snaps.csv, field 'date'" in capsys.readouterr().err


def test_history_guide_examples_run(tmp_path, monkeypatch):
    import re
    import shutil
    from pathlib import Path

    root = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())
    section = (root / "docs" / "history.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    ek.sample_prices().to_csv("closes.csv")
    shutil.copy(ek.sample_path("desk_snapshots"), "snapshots.csv")
    book = ek.Book.from_records([
        {"underlying": "ETH", "kind": "spot", "side": "long", "notional": 1_000_000},
        {"underlying": "BTC", "kind": "perp", "side": "short", "notional": 1_000_000}])
    space = {"ek": ek, "book": book}
    for code in blocks:
        exec(compile(code, "docs/history.md", "exec"), space)
    assert space["replay"].count > 0 and len(space["history"]) > 30


def test_json_snapshots_name_the_position():
    records = [{"date": "2024-06-01", "underlying": "BTC", "kind": "perp", "side": "long",
                "notional": 150_000},
               {"date": "2024-06-01", "underlying": "ETH", "kind": "perp", "side": "short",
                "notional": 100_000}]
    history = ek.exposure_history(io.StringIO(json.dumps(records)))
    assert history["net"].tolist() == [50_000.0]
    records[1]["date"] = "June"
    with pytest.raises(ValueError, match="position 2, field 'date': 'June' is not a date"):
        ek.exposure_history(io.StringIO(json.dumps(records)))
