"""Price paths, exposure drift along them and rebalancing: by hand, properties, bad input."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import exposure_kit as ek

FALL = pd.DataFrame({"BTC": [60_000.0, 54_000.0, 48_000.0]})


def test_price_paths_shape_seed_and_start():
    paths = ek.price_paths({"btc": 60_000, "ETH": 3_000}, {"BTC": 0.6, "ETH": 0.8}, 0.7,
                           steps=30, seed=3)
    assert list(paths.columns) == ["BTC", "ETH"] and paths.index.name == "step"
    assert paths.shape == (31, 2)
    assert paths.iloc[0].tolist() == [60_000, 3_000]
    again = ek.price_paths({"btc": 60_000, "ETH": 3_000}, {"BTC": 0.6, "ETH": 0.8}, 0.7,
                           steps=30, seed=3)
    pd.testing.assert_frame_equal(paths, again)
    other = ek.price_paths({"btc": 60_000, "ETH": 3_000}, 0.6, 0.7, steps=30, seed=4)
    assert not np.allclose(paths.to_numpy(), other.to_numpy())


def test_zero_volatility_grows_at_the_drift():
    # with no volatility, S_t = S_0 exp(mu t dt): 100 x exp(0.365 x 10 / 365) = 100 e^0.01
    paths = ek.price_paths({"BTC": 100.0}, 0.0, steps=10, drift=0.365, dt=1 / 365)
    assert paths["BTC"].iloc[-1] == pytest.approx(100 * np.exp(0.01))


def test_paths_have_the_asked_volatility_and_correlation():
    vols = {"BTC": 0.6, "ETH": 0.9, "SOL": 1.2}
    corr = pd.DataFrame([[1, 0.8, 0.5], [0.8, 1, 0.6], [0.5, 0.6, 1]],
                        index=["BTC", "ETH", "SOL"], columns=["BTC", "ETH", "SOL"])
    paths = ek.price_paths({"BTC": 1.0, "ETH": 1.0, "SOL": 1.0}, vols, corr, steps=40_000,
                           seed=11)
    returns = np.log(paths).diff().dropna()
    # daily std = vol x sqrt(1/365); with 40,000 draws the sample is within about 1 %
    assert returns.std().to_numpy() == pytest.approx(np.array([0.6, 0.9, 1.2]) / np.sqrt(365),
                                                     rel=0.02)
    assert returns.corr().to_numpy() == pytest.approx(corr.to_numpy(), abs=0.02)


def test_perfect_correlation_is_allowed():
    paths = ek.price_paths({"BTC": 1.0, "ETH": 1.0}, 0.5, correlation=1.0, steps=20)
    assert paths["BTC"].to_numpy() == pytest.approx(paths["ETH"].to_numpy())


def test_linear_inverse_and_coin_pnl_hedges_drift_as_lesson_six_says(hedged_pair,
                                                                     inverse_hedged_pair):
    # Linear: both legs are 1 BTC, so the book stays flat as BTC falls.
    assert ek.exposure_path(hedged_pair, FALL)["net"].tolist() == \
        pytest.approx([0, 0, 0], abs=1e-9)
    inverse = inverse_hedged_pair
    # Face view (coin P&L swept to USD): the hedge stays $60,000, the holding falls to 48,000,
    # so the book is 12,000 net short at the end.
    face = ek.exposure_path(inverse, FALL)
    assert face["net"].tolist() == pytest.approx([0, -6_000, -12_000])
    assert face["gross"].tolist() == pytest.approx([120_000, 114_000, 108_000])
    # Keeping the coin P&L: the hedge is 1 BTC of coin exposure, still flat.
    kept = ek.exposure_path(inverse, FALL, inverse="coin_pnl")
    assert kept["net"].tolist() == pytest.approx([0, 0, 0], abs=1e-9)


def test_coin_collateral_counts_as_long_along_the_path():
    # 2 BTC of collateral and a $120k linear short: flat at 60,000; at 48,000 the collateral is
    # 96k, the short 96k: still flat; without counting the collateral the book would look 96k short.
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "collateral", "side": "long", "quantity": 2,
         "price": 60_000},
        {"underlying": "BTC", "kind": "perp", "side": "short", "quantity": 2, "price": 60_000}])
    path = ek.exposure_path(book, FALL)
    assert path["long"].tolist() == pytest.approx([120_000, 108_000, 96_000])
    assert path["net"].tolist() == pytest.approx([0, 0, 0], abs=1e-9)


def test_exposure_path_agrees_with_shocking_the_book_and_prices_by_name():
    book = ek.Book.from_records([
        {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 100_000,
         "price": 50_000},
        {"name": "fut", "underlying": "BTC", "kind": "future", "side": "short",
         "notional": 100_000, "price": 51_000},
        {"name": "call", "underlying": "ETH", "kind": "option", "side": "long", "quantity": 10,
         "price": 3_000, "strike": 3_200, "years": 0.5, "volatility": 0.8, "option_type": "call"}])
    paths = pd.DataFrame({"BTC": [50_000.0, 45_000.0], "fut": [51_000.0, 47_430.0],
                          "ETH": [3_000.0, 3_600.0]})
    got = ek.exposure_path(book, paths, measure="delta")
    # the future follows its own column (-7 %), the spot BTC's (-10 %): basis widened by 3 points
    expected = book.shock({"spot": -0.1, "fut": -0.07, "call": 0.2}, on="name")
    assert got["net"].iloc[1] == pytest.approx(expected.net_exposure(measure="delta"))
    assert got["gross"].iloc[1] == pytest.approx(expected.gross_exposure(measure="delta"))


def test_rebalancing_an_inverse_hedge_by_hand():
    # spot 1 unit at 100 against an inverse short of $100 face; price 100 -> 80 -> 64.
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "spot", "side": "long", "quantity": 1, "price": 100},
        {"underlying": "BTC", "kind": "perp", "side": "short", "quantity": 1, "contract_size": 100,
         "inverse": True, "price": 100}])
    paths = pd.DataFrame({"BTC": [100.0, 80.0, 64.0]})
    held = ek.exposure_path(book, paths)
    assert held["net"].tolist() == pytest.approx([0, -20, -36])
    # every step: at step 1 the book is 20 short: buy $20. At step 2 spot is 64, the inverse -100,
    # the hedge bought at 80 is worth 16: net -20 again, buy $20 more.
    every = ek.rebalance_path(book, paths, every=1)
    assert every.count == 2
    assert every.trades["step"].tolist() == [1, 2]
    assert every.trades["notional"].tolist() == pytest.approx([20, 20])
    assert every.exposure["net"].tolist() == pytest.approx([0, 0, 0], abs=1e-9)
    assert every.hedge.tolist() == pytest.approx([0, 20, 36])
    # with a $25 threshold the first drift (20) is tolerated; at step 2 (36) buy $36
    lazy = ek.rebalance_path(book, paths, threshold=25)
    assert lazy.count == 1
    assert lazy.trades["notional"].tolist() == pytest.approx([36])
    assert lazy.exposure["net"].tolist() == pytest.approx([0, -20, 0], abs=1e-9)
    pd.testing.assert_frame_equal(lazy.held, held)


def test_rebalance_to_a_target_through_beta():
    # $100k of ETH (beta 1.5) kept at +$30k beta-adjusted with a BTC hedge at step 0:
    # ETH beta exposure 150k, so the hedge is -120k of BTC.
    book = ek.Book.from_records([{"underlying": "ETH", "kind": "spot", "side": "long",
                                  "notional": 100_000}])
    paths = pd.DataFrame({"ETH": [1.0, 1.1], "BTC": [1.0, 1.0]})
    result = ek.rebalance_path(book, paths, 30_000, every=5, hedge_underlying="BTC",
                               measure="beta", betas={"ETH": 1.5})
    assert result.trades["notional"].tolist() == pytest.approx([-120_000])
    assert result.exposure["net"].tolist() == pytest.approx([30_000, 45_000])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.floats(100, 20_000),
       every=st.one_of(st.none(), st.integers(1, 7)), face=st.floats(10_000, 200_000))
def test_rebalancing_never_leaves_net_past_the_threshold(seed, threshold, every, face):
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "spot", "side": "long", "quantity": 1, "price": 60_000},
        {"underlying": "BTC", "kind": "perp", "side": "short", "notional": face, "inverse": True},
        {"underlying": "ETH", "kind": "perp", "side": "short", "notional": 30_000}])
    paths = ek.price_paths({"BTC": 60_000, "ETH": 3_000}, 0.8, 0.6, steps=60, seed=seed)
    result = ek.rebalance_path(book, paths, every=every, threshold=threshold)
    net = result.exposure["net"]
    checked = net.index if every is None else net.index[::every]
    assert (net.loc[checked].abs() <= threshold + 1e-6).all()
    assert net.loc[result.trades["step"]].abs().max() <= 1e-6 if result.count else True


@pytest.mark.parametrize("call, field", [
    (lambda _: ek.price_paths({"BTC": 1.0}, {"BTC": -0.1}), "vols"),
    (lambda _: ek.price_paths({"BTC": 1.0, "ETH": 1.0}, 0.5, correlation=1.5), "correlation"),
    (lambda _: ek.price_paths({"BTC": 1.0, "ETH": 1.0}, 0.5, correlation=-1.01), "correlation"),
    (lambda _: ek.price_paths({"A": 1.0, "B": 1.0, "C": 1.0}, 0.5,
                            correlation=[[1, .9, -.9], [.9, 1, .9], [-.9, .9, 1]]),
     "correlation"),
    (lambda _: ek.price_paths({}, 0.5), "start_prices"),
    (lambda _: ek.price_paths({"BTC": 1.0}, 0.5, steps=0), "steps"),
    (lambda _: ek.price_paths({"BTC": -1.0}, 0.5), "start_prices"),
    (lambda book: ek.exposure_path(book, pd.DataFrame()), "paths"),
    (lambda book: ek.exposure_path(book, pd.DataFrame({"ETH": [1.0]})), "paths"),
    (lambda book: ek.exposure_path(book, pd.DataFrame({"BTC": [1.0, -2.0]})),
     "paths"),
    (lambda book: ek.rebalance_path(book, FALL), "every"),
    (lambda book: ek.rebalance_path(book, FALL, threshold=-5), "threshold"),
    (lambda book: ek.rebalance_path(book, FALL, every=0), "every"),
    (lambda book: ek.rebalance_path(book, FALL, every=1, hedge_underlying="ETH"),
     "paths")])
def test_bad_inputs_raise_value_errors(call, field, hedged_pair):
    with pytest.raises(ValueError, match=field):
        call(hedged_pair)
