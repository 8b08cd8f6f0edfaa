"""Shock P&L, the scenario grid and the named stresses: worked examples and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import exposure_kit as ek


def test_linear_shock_pnl_by_hand(guide_book):
    # BTC -20 %: the 150k long loses 30k. ETH +10 %: the 100k short loses 10k.
    assert ek.shock_pnl(guide_book, {"BTC": -0.2}) == pytest.approx(-30_000)
    assert ek.shock_pnl(guide_book, {"BTC": -0.2, "ETH": 0.1}) == pytest.approx(-40_000)
    assert ek.shock_pnl(guide_book, {"ETH-FUT": -0.1}, on="name") == pytest.approx(10_000)


def test_inverse_shock_pnl_in_both_conventions():
    # A long inverse perp of $100,000 face, price 50,000, entered at 40,000.
    book = ek.Book.from_records([{"name": "inv", "underlying": "BTC", "kind": "perp",
                                  "side": "long", "quantity": 1_000, "contract_size": 100,
                                  "inverse": True, "price": 50_000, "entry_price": 40_000}])
    # Price falls to 40,000 (-20 %). Coin P&L of the move: 100,000 (1/50,000 - 1/40,000)
    # = 2 - 2.5 = -0.5 BTC, worth -20,000 USD at 40,000: face x move.
    assert ek.shock_pnl(book, {"BTC": -0.2}) == pytest.approx(-20_000)
    # Keeping the coin: P&L since entry is 100,000 (1/40,000 - 1/50,000) = 0.5 BTC = $25,000 at
    # 50,000, and 0 BTC at 40,000, so the move costs $25,000.
    assert ek.shock_pnl(book, {"BTC": -0.2}, inverse="coin_pnl") == pytest.approx(-25_000)


def test_option_shock_pnl_reprices_or_uses_delta(options_book):
    book = options_book
    call = ek.Book.from_frame(book.to_frame().iloc[[3]])
    before = ek.black76_price(50_000, 55_000, 0.25, 0.6, "call")
    after = ek.black76_price(40_000, 55_000, 0.25, 0.6, "call")
    assert ek.shock_pnl(call, {"BTC": -0.2}) == pytest.approx(after - before)
    # a delta given directly: short 5 puts of delta -0.4 on $15,000 of ETH, ETH -10 %:
    # exposure -1 x 15,000 x -0.4 = +6,000, so P&L = 6,000 x -0.1 = -600
    put = ek.Book.from_frame(book.to_frame().iloc[[4]])
    assert ek.shock_pnl(put, {"ETH": -0.1}) == pytest.approx(-600)


def test_shock_exposures_agree_with_the_engine(options_book):
    book = options_book
    moves = {"BTC": -0.3, "ETH": 0.25}
    for options in ({}, {"measure": "delta"}, {"inverse": "coin_pnl"},
                    {"measure": "beta", "betas": {"ETH": 1.3}}, {"denomination": "coin"}):
        fast = ek.shock_exposures(book, moves, **options)
        slow = book.shock(moves).exposures(**options)
        pd.testing.assert_series_equal(fast, slow, rtol=1e-12)


def test_grid_on_the_guide_book_by_hand(guide_book):
    grid = ek.scenario_grid(guide_book, "BTC", "ETH", np.linspace(-0.5, 0.5, 11))
    assert grid.net.shape == (11, 11)
    assert grid.net.index.name == "ETH move" and grid.net.columns.name == "BTC move"
    # BTC -50 %, ETH +50 %: long worth 75k, short worth 150k -> net -75k; P&L -75k - 50k
    assert grid.net.loc[0.5, -0.5] == pytest.approx(-75_000)
    assert grid.pnl.loc[0.5, -0.5] == pytest.approx(-125_000)
    # both +20 %: net 180k - 120k = 60k; P&L +30k - 20k = +10k
    assert grid.net.loc[0.2, 0.2] == pytest.approx(60_000)
    assert grid.pnl.loc[0.2, 0.2] == pytest.approx(10_000)
    long = grid.to_frame()
    assert list(long.columns) == ["x_move", "y_move", "net", "pnl"] and len(long) == 121
    cell = long[(long.x_move.round(6) == -0.5) & (long.y_move.round(6) == 0.5)]
    assert cell["pnl"].item() == pytest.approx(-125_000)


def test_grid_cells_match_shocking_the_book(options_book):
    book = options_book
    moves = np.array([-0.4, 0.0, 0.3])
    grid = ek.scenario_grid(book, "BTC", "ETH", moves, measure="delta")
    for mx in moves:
        for my in moves:
            shock = {"BTC": mx, "ETH": my}
            assert grid.net.loc[my, mx] == pytest.approx(
                book.shock(shock).net_exposure(measure="delta"))
            assert grid.pnl.loc[my, mx] == pytest.approx(ek.shock_pnl(book, shock))


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.floats(1, 1e6), min_size=3, max_size=3),
       sides=st.lists(st.sampled_from(["long", "short"]), min_size=3, max_size=3),
       moves=st.lists(st.floats(-0.9, 2.0), min_size=1, max_size=5))
def test_the_zero_cell_is_the_unshocked_book(sizes, sides, moves):
    book = ek.Book.from_records([
        {"underlying": u, "kind": "perp", "side": s, "notional": n, "quantity": None}
        for u, s, n in zip(["BTC", "ETH", "SOL"], sides, sizes)])
    grid = ek.scenario_grid(book, "BTC", "ETH", sorted({round(m, 4) for m in moves} | {0.0}))
    assert grid.net.loc[0.0, 0.0] == pytest.approx(book.net_exposure())
    assert grid.pnl.loc[0.0, 0.0] == pytest.approx(0.0, abs=1e-9)


def test_stress_scenarios_on_the_guide_book(guide_book):
    results = {s.name: s for s in ek.stress_scenarios(guide_book, equity=50_000)}
    assert list(results) == ["correlation break", "basis widens", "one leg gaps",
                             "funding turns"]
    # BTC (net long) -20 %: -30k; ETH (net short) +20 %: -20k.
    brk = results["correlation break"]
    assert brk.pnl == pytest.approx(-50_000)
    assert brk.before.net == pytest.approx(50_000)
    assert brk.after.net == pytest.approx(120_000 - 120_000, abs=1e-6)
    assert brk.exposures["ETH-FUT"] == pytest.approx(-120_000)
    assert brk.moves == pytest.approx({"BTC-PERP": -0.2, "ETH-FUT": 0.2})
    # no asset is held in two kinds: no basis
    assert results["basis widens"].pnl == 0
    # BTC has the largest gross; it is net long so it gaps down 30 %: -45k
    assert results["one leg gaps"].pnl == pytest.approx(-45_000)
    # the BTC perp long pays 0.1 % x 21 periods on 150k = 3,150; the ETH future pays no funding
    assert results["funding turns"].pnl == pytest.approx(-3_150)
    assert results["funding turns"].cash == pytest.approx(-3_150)
    table = ek.stress_test(guide_book)
    assert table.loc["one leg gaps", "pnl"] == pytest.approx(-45_000)


def test_cash_and_carry_survives_moves_but_not_basis():
    # long $100k spot BTC, short $100k BTC future: flat, so the price stresses do nothing,
    # but the future rising 5 % against spot costs $5,000.
    book = ek.Book.from_records([
        {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 100_000},
        {"name": "fut", "underlying": "BTC", "kind": "future", "side": "short",
         "notional": 100_000}])
    results = {s.name: s for s in ek.stress_scenarios(book, basis=0.05)}
    assert results["correlation break"].pnl == pytest.approx(0)
    assert results["one leg gaps"].pnl == pytest.approx(0)
    assert results["basis widens"].pnl == pytest.approx(-5_000)
    assert results["basis widens"].moves == pytest.approx({"fut": 0.05})
    assert results["basis widens"].after.net == pytest.approx(-5_000)


def test_funding_turns_against_each_assets_net_perp():
    # long 200k BTC perp, short 50k ETH perp: BTC longs pay, ETH shorts pay (rate negative):
    # 0.0005 x (200k + 50k) x 3 = 375
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 200_000},
        {"underlying": "ETH", "kind": "perp", "side": "short", "notional": 50_000}])
    funding = ek.stress_scenarios(book, funding_rate=0.0005, funding_periods=3)[-1]
    assert funding.pnl == pytest.approx(-375)


@pytest.mark.parametrize("call, field", [
    (lambda book: ek.scenario_grid(book, "BTC", "BTC"), "y"),
    (lambda book: ek.scenario_grid(book, moves=[]), "moves"),
    (lambda book: ek.scenario_grid(book, moves=[-1.5, 0.0]), "moves"),
    (lambda book: ek.shock_pnl(book, {"BTC": float("nan")}), "moves"),
    (lambda book: ek.shock_pnl(book, {"DOGE": 0.1}), "moves"),
    (lambda book: ek.stress_scenarios(book, move=-0.2), "move"),
    (lambda book: ek.stress_scenarios(book, funding_periods=-1), "funding_periods")])
def test_bad_inputs_raise_value_errors(call, field, guide_book):
    with pytest.raises(ValueError, match=field):
        call(guide_book)


def test_book_revalue_is_shock_by_position(options_book):
    # revalue(factors) moves each position by its own factor
    book = options_book
    factors = np.array([0.8, 0.8, 1.25, 0.8, 1.25, 1.25])
    assert book.revalue(factors) == book.shock({"BTC": -0.2, "ETH": 0.25})
    with pytest.raises(ValueError, match="factors"):
        book.revalue([1.0, 2.0])
    with pytest.raises(ValueError, match="factors"):
        book.revalue(np.zeros(6))


def test_bad_moves_are_refused():
    GOOD = {"name": "ok", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 1_000.0}
    book = ek.Book.from_records([GOOD])
    for moves in ({"BTC": -1.0}, {"BTC": math.nan}, {"BTC": "down"}, {"XRP": 0.1}):
        with pytest.raises(ValueError, match="moves"):
            book.shock(moves)
