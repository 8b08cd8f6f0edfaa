"""A book replayed over a price history: worked by hand over five days, rebalanced every n days,
an option repriced each day, and an asset the prices lack named."""


import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek


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


def _replay_inputs():
    book = ek.Book.from_records([{"name": "BTC spot", "underlying": "BTC", "kind": "spot",
                                  "side": "long", "notional": 100_000}])
    prices = pd.DataFrame({"BTC": [100.0, 110.0, 90.0, 120.0]},
                          index=pd.date_range("2024-01-01", periods=4, name="date"))
    return book, prices


def test_replay_takes_a_start_with_a_time_zone_and_refuses_disordered_dates():
    """`start=` with a time zone raised TypeError; dates descending or repeated were replayed
    without complaint."""
    book, prices = _replay_inputs()
    replay = ek.replay_book(book, prices, start="2024-01-02T00:00:00+00:00")
    # held from 2024-01-02 (close 110): 100,000 USD of BTC is worth 100,000 x 120 / 110 at the end
    assert str(replay.exposure.index[0].date()) == "2024-01-02"
    assert replay.exposure["net"].iloc[-1] == pytest.approx(100_000 * 120 / 110)
    with pytest.raises(ValueError, match="2024-01-03 comes after 2024-01-04"):
        ek.replay_book(book, prices.iloc[::-1])
    with pytest.raises(ValueError, match="2024-01-02 appears twice"):
        ek.replay_book(book, pd.concat([prices.iloc[:2], prices.iloc[1:]]))


def test_replay_costs_that_overflow_are_refused():
    book, prices = _replay_inputs()
    with pytest.raises(ValueError, match="field 'cost': the replay's totals overflow"):
        ek.replay_book(book, prices, cost=1e308, threshold=1.0)
