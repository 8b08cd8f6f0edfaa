"""MarginAccount: equity, maintenance, margin ratio and liquidating moves, checked against the
liquidation-price formula, a venue's published example and arithmetic done by hand; the
liquidation-price formula and initial margin on their own."""

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import exposure_kit as ek

NO_RATES = pd.DataFrame({"underlying": ["BTC"], "floor": [0.0]})


def perp(side, quantity, price, entry=None, underlying="BTC", name=None, **extra):
    record = {"underlying": underlying, "kind": "perp", "side": side, "quantity": quantity,
              "price": price, **extra}
    if entry is not None:
        record["entry_price"] = entry
    if name is not None:
        record["name"] = name
    return record


@settings(max_examples=50, deadline=None)
@given(side=st.sampled_from(["long", "short"]), quantity=st.floats(0.01, 100),
       entry=st.floats(100, 100_000), drift=st.floats(-0.05, 0.05),
       leverage=st.floats(2, 50), mmr=st.floats(0.001, 0.02))
def test_isolated_one_position_matches_liquidation_price(side, quantity, entry, drift, leverage,
                                                         mmr):
    price = entry * (1 + drift)
    margin = quantity * entry / leverage
    book = ek.Book.from_records([perp(side, quantity, price, entry)])
    account = ek.MarginAccount(book, margin, mode="isolated", maintenance_margin_rate=mmr)
    expected = ek.liquidation_price(side, quantity, entry, margin, mmr)
    move = account.liquidating_move("BTC")
    if account.is_liquidated():
        assert move == 0.0
    else:
        assert price * (1 + move) == pytest.approx(expected, rel=1e-9)


def test_cross_account_matches_binances_cross_formula():
    # Binance USD-M cross: LP = (WB - TMM1 + UPNL1 + cum - side q EP) / (q mmr - side q).
    # BTC long 1 @ 10,000 (mark 10,000); ETH short 10 entered at 2,000, now 2,100:
    # UPNL1 = -1,000, TMM1 = 0.005 x 21,000 = 105; WB = 5,000.
    book = ek.Book.from_records([perp("long", 1, 10_000, 10_000, name="btc"),
                                 perp("short", 10, 2_100, 2_000, "ETH", name="eth")])
    account = ek.MarginAccount(book, 5_000)
    assert account.equity() == pytest.approx(4_000)
    assert account.maintenance_margin() == pytest.approx(50 + 105)
    assert account.margin_ratio() == pytest.approx(155 / 4_000)
    assert account.distance_to_liquidation() == pytest.approx(3_845)
    lp = ek.liquidation_price("long", 1, 10_000, 5_000, 0.005, other_maintenance=105,
                              other_unrealized_pnl=-1_000)
    # by hand: (5,000 - 105 - 1,000 - 10,000) / (0.005 - 1) = 6,105 / 0.995 = 6,135.68
    assert lp == pytest.approx(6_135.678, abs=1e-3)
    assert 10_000 * (1 + account.liquidating_move("BTC")) == pytest.approx(lp)


def test_a_venues_published_isolated_example():
    # Flipster's margin example: 0.1 BTC long at 30,000 with 10x leverage (300 USDT of isolated
    # margin), maintenance 1 %. At 36,000 the remaining margin is 300 + 600 = 900; at 28,000 it is
    # 100 (not liquidated); at 26,000 it is -100 (liquidated). The venue's example takes the
    # maintenance on the entry value (30); this package, like Binance, uses the mark (28 at 28k).
    book = ek.Book.from_records([perp("long", 0.1, 30_000, 30_000)])
    account = ek.MarginAccount(book, 300, mode="isolated", maintenance_margin_rate=0.01)
    assert account.after({"BTC": 0.2}).equity() == pytest.approx(900)
    at_28k = account.after({"BTC": -2 / 30})
    assert at_28k.equity() == pytest.approx(100)
    assert at_28k.maintenance_margin() == pytest.approx(28)
    assert not at_28k.is_liquidated()
    at_26k = account.after({"BTC": -4 / 30})
    assert at_26k.equity() == pytest.approx(-100)
    assert at_26k.is_liquidated() and at_26k.margin_ratio() == float("inf")


def test_coin_collateral_is_long_exposure_that_brings_liquidation_closer():
    # 2 BTC long perp at 60,000, mmr 0.5 %. With $60k of USD margin: 60k + 120k m = 600 (1 + m)
    # -> m = -59,400 / 119,400 = -0.497487. With 1 BTC of collateral instead, the margin falls
    # with BTC: 60k (1 + m) + 120k m = 600 (1 + m) -> m = -59,400 / 179,400 = -0.331104.
    book = ek.Book.from_records([perp("long", 2, 60_000)])
    usd = ek.MarginAccount(book, 60_000)
    coin = ek.MarginAccount(book, 0, collateral={"BTC": 1})
    assert usd.equity() == coin.equity() == pytest.approx(60_000)
    assert usd.liquidating_move("BTC") == pytest.approx(-59_400 / 119_400)
    assert coin.liquidating_move("BTC") == pytest.approx(-59_400 / 179_400)
    assert coin.book.net_exposure() == pytest.approx(180_000)
    assert "BTC collateral" in coin.book.to_frame()["name"].tolist()


def test_coin_margined_short_hedge_keeps_usd_equity_flat():
    # 1 BTC of collateral and an inverse short of $60,000 face at 60,000: the coin P&L of the
    # short offsets the collateral, so USD equity stays $60,000 whatever BTC does; the face-based
    # maintenance (0.5 % x 60,000 = 300) never catches up, so no BTC move liquidates it.
    book = ek.Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "short",
                                  "quantity": 600, "contract_size": 100, "inverse": True,
                                  "price": 60_000}])
    account = ek.MarginAccount(book, 0, collateral={"BTC": 1})
    for move in (-0.5, 0.0, 1.0, 3.0):
        after = account.after({"BTC": move})
        assert after.equity() == pytest.approx(60_000)
        assert after.maintenance_margin() == pytest.approx(300)
    assert account.liquidating_move("BTC") is None


def test_isolated_mode_liquidates_the_weakest_position_first():
    # Two isolated longs with 1,000 each: BTC 1 @ 10,000 (10x) and ETH 5 @ 2,000 (10x), mmr 0.5 %.
    # Each liquidates at -(1,000 - 50) / (10,000 - 50) = -9.548 %; cross, with 2,000 shared,
    # BTC alone must fall (2,000 - 100) / (10,000 - 50) = 19.10 %.
    book = ek.Book.from_records([perp("long", 1, 10_000, name="btc"),
                                 perp("long", 5, 2_000, underlying="ETH", name="eth")])
    isolated = ek.MarginAccount(book, 2_000, mode="isolated")
    cross = ek.MarginAccount(book, 2_000)
    assert isolated.liquidating_move("BTC") == pytest.approx(-950 / 9_950)
    assert cross.liquidating_move("BTC") == pytest.approx(-1_900 / 9_950)
    assert isolated.distance_to_liquidation() == pytest.approx(950)
    assert isolated.margin_ratio() == pytest.approx(50 / 1_000)
    given = ek.MarginAccount(book, 2_000, mode="isolated", isolated_margin={"btc": 500,
                                                                           "eth": 1_500})
    assert given.liquidating_move("BTC") == pytest.approx(-450 / 9_950)


def test_per_position_rates_and_after_scenarios():
    book = ek.Book.from_records([perp("long", 1, 10_000, mmr=0.01, name="a"),
                                 perp("short", 1, 10_000, name="b")])
    account = ek.MarginAccount(book, 1_000)
    assert account.maintenance_margin() == pytest.approx(100 + 50)
    for scenario in ek.stress_scenarios(account.book):
        after = account.after_scenario(scenario)
        assert after.equity() == pytest.approx(account.equity() + scenario.pnl)
    table = account.stress()
    assert list(table.index) == ["now", "correlation break", "basis widens", "one leg gaps",
                                 "funding turns"]


def test_after_matches_coin_pnl_shock():
    book = ek.Book.from_records([
        perp("long", 2, 50_000, 40_000, name="lin"),
        {"name": "inv", "underlying": "BTC", "kind": "perp", "side": "short", "quantity": 300,
         "contract_size": 100, "inverse": True, "price": 50_000, "entry_price": 45_000},
        {"name": "spot", "underlying": "ETH", "kind": "spot", "side": "long", "quantity": 3,
         "price": 3_000}])
    account = ek.MarginAccount(book, 10_000)
    # unrealised now: linear 2 x 10,000 = 20,000; inverse short 30,000 (1/50k - 1/45k) coin
    # = -0.066667 BTC = -3,333.33 at 50,000; spot 9,000 counts at value.
    assert account.equity() == pytest.approx(10_000 + 20_000 - 3_333.333 + 9_000, abs=1e-3)
    moved = account.after({"BTC": -0.1, "ETH": 0.2})
    shock = ek.shock_pnl(account.book, {"BTC": -0.1, "ETH": 0.2}, inverse="coin_pnl")
    assert moved.equity() == pytest.approx(account.equity() + shock)


@pytest.mark.parametrize("call, field", [
    (lambda b: ek.MarginAccount(b, 1_000, mode="portfolio"), "mode"),
    (lambda b: ek.MarginAccount(b, float("nan")), "wallet_balance"),
    (lambda b: ek.MarginAccount(b, 1_000, maintenance_margin_rate=-0.1),
     "maintenance_margin_rate"),
    (lambda b: ek.MarginAccount(b, 1_000, maintenance_margin_rate=1.5),
     "maintenance_margin_rate"),
    (lambda b: ek.MarginAccount(b, 1_000, collateral={"SOL": 3}), "prices"),
    (lambda b: ek.MarginAccount(b, 1_000, collateral={"BTC": -3}), "collateral"),
    (lambda b: ek.MarginAccount(b, 1_000).liquidating_move("DOGE"), "underlying"),
    (lambda b: ek.MarginAccount(b, 1_000).after({"BTC": -2}), "moves"),
    (lambda b: ek.MarginAccount(b, 1_000, mode="isolated", isolated_margin={"zz": 5}),
     "isolated_margin"),
    (lambda b: ek.MarginAccount(b, 1_000, venue="okx"), "venue"),
    (lambda b: ek.MarginAccount(b, 1_000, brackets=NO_RATES), "rate")])
def test_bad_inputs_raise_value_errors(call, field):
    book = ek.Book.from_records([perp("long", 1, 10_000)])
    with pytest.raises(ValueError, match=field):
        call(book)


def inverse(side, face, price, entry=None, name=None):
    record = {"underlying": "BTC", "kind": "perp", "side": side, "quantity": face / 100,
              "contract_size": 100, "inverse": True, "price": price}
    if entry is not None:
        record["entry_price"] = entry
    if name is not None:
        record["name"] = name
    return record


def test_binance_coin_m_cross_example_with_maintenance_brackets():
    # Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts" (FAQ
    # ceccfcfb4e3a45e3b48b0b1bb1a8ae46) and its calculator, as quoted on dev.binance.vision
    # (topic 6292): wallet 101 BTC, long $10M (100,000 contracts of $100) at 45,000; the tier of
    # a ~300 BTC position has rate 12.5 % and maintenance amount 11.605 BTC; the calculator gives
    # 33,599.40. LP = F (1 + mmr) / (WB + cum + F / EP).
    assert ek.coin_margined_liquidation_price("long", 10_000_000, 45_000, 101, 0.125,
                                              11.605) == pytest.approx(33_599.40, abs=0.05)
    book = ek.Book.from_records([inverse("long", 10_000_000, 45_000, 45_000)])
    account = ek.MarginAccount(book, 0, collateral={"BTC": 101}, brackets="example")
    assert 45_000 * (1 + account.liquidating_move("BTC")) == pytest.approx(33_599.40, abs=0.05)
    # without tiers, one flat 12.5 % and no maintenance amount: 11.25M / 323.22 = 34,805.78
    flat = ek.MarginAccount(book, 0, collateral={"BTC": 101}, maintenance_margin_rate=0.125)
    assert 45_000 * (1 + flat.liquidating_move("BTC")) == pytest.approx(34_805.78, abs=0.05)
    # the sample table rebuilds the FAQ's amount from floors and rates
    table = ek.read_brackets()
    btc = table[table["underlying"] == "BTC"]
    assert ek.maintenance_amounts(btc["floor"], btc["rate"])[6] == pytest.approx(11.605)


def test_coin_margined_isolated_position_with_coin_collateral():
    # Binance's COIN-M formula in isolated mode (TMM = UPNL = 0): $10,000 face long at 10,000
    # with 1 BTC of isolated margin, mmr 0.5 %: LP = 10,000 x 1.005 / (1 + 10,000 / 10,000)
    # = 5,025.
    assert ek.coin_margined_liquidation_price("long", 10_000, 10_000, 1, 0.005) == \
        pytest.approx(5_025)
    book = ek.Book.from_records([inverse("long", 10_000, 10_000, 10_000, name="BTCUSD")])
    account = ek.MarginAccount(book, 0, mode="isolated", isolated_collateral={"BTCUSD": 1})
    assert not account.is_liquidated()
    assert account.margin_ratio() == pytest.approx(50 / 10_000)    # 0.5 % x 10,000 / $10,000
    assert 10_000 * (1 + account.liquidating_move("BTC")) == pytest.approx(5_025)


def test_bybit_and_binance_liquidation_conventions():
    # Bybit, "Liquidation Price (USDT Contract)", example 1: 1 BTC long at 20,000 with 50x
    # leverage (400 USDT), MMR 0.5 %: maintenance on the entry value 100, LP = 20,000 - 300
    # = 19,700. Binance's form charges 0.5 % at the liquidation price: 19,600 / 0.995 = 19,698.49.
    assert ek.liquidation_price("long", 1, 20_000, 400, 0.005, venue="bybit") == \
        pytest.approx(19_700)
    assert ek.liquidation_price("long", 1, 20_000, 400, 0.005) == pytest.approx(19_698.49, abs=0.005)
    book = ek.Book.from_records([perp("long", 1, 20_000, 20_000)])
    bybit = ek.MarginAccount(book, 400, mode="isolated", venue="bybit")
    binance = ek.MarginAccount(book, 400, mode="isolated")
    assert 20_000 * (1 + bybit.liquidating_move("BTC")) == pytest.approx(19_700)
    assert 20_000 * (1 + binance.liquidating_move("BTC")) == pytest.approx(19_698.49, abs=0.005)
    # the page's short formula, LP = entry + (IM - MM) / size: 20,000 + 300 = 20,300
    assert ek.liquidation_price("short", 1, 20_000, 400, 0.005, venue="bybit") == \
        pytest.approx(20_300)


def test_options_in_a_margin_account_follow_deribits_standard_margin():
    # Deribit's standard margin for BTC options (Deribit knowledge base, "Margin" / inverse
    # options, as quoted by TSLab's "Deribit Margin Requirements Calculation"): a long option
    # needs no maintenance; a short call 0.075 + mark (BTC per contract); a short put
    # max(0.075, 0.075 x mark) + mark. BTC at 60,000, 2 BTC of calls marked 0.05 BTC ($3,000)
    # and 1 BTC of puts marked 0.02 BTC ($1,200):
    #   short calls: 2 x (0.075 + 0.05) x 60,000 = 15,000; short put: (0.075 + 0.02) x 60,000
    #   = 5,700; equity = wallet 20,000 - 2 x 3,000 - 1,200 (the marks they owe) = 12,800.
    def option(side, kind, quantity, premium, name):
        return {"name": name, "underlying": "BTC", "kind": "option", "side": side,
                "quantity": quantity, "price": 60_000, "option_type": kind, "premium": premium,
                "delta": 0.4 if kind == "call" else -0.3}
    short = ek.Book.from_records([option("short", "call", 2, 3_000, "c"),
                                  option("short", "put", 1, 1_200, "p")])
    account = ek.MarginAccount(short, 20_000)
    assert account.maintenance_margin() == pytest.approx(15_000 + 5_700)
    assert account.equity() == pytest.approx(12_800)
    # long, the same options need nothing and their marks are equity: 20,000 + 7,200
    long = ek.Book.from_records([option("long", "call", 2, 3_000, "c"),
                                 option("long", "put", 1, 1_200, "p")])
    held = ek.MarginAccount(long, 20_000)
    assert held.maintenance_margin() == 0 and held.equity() == pytest.approx(27_200)


def test_one_account_one_reading_of_inverse_pnl():
    # 1 BTC of collateral and an inverse short of $50,000 face at 50,000: the short's coin P&L
    # cancels the collateral's, so USD equity stays 50,000 (Deribit's "Equity + Delta Total"
    # of such an account is 0); the account's book reads the same: net 0 after -30 % or +50 %.
    book = ek.Book.from_records([inverse("short", 50_000, 50_000, 50_000)])
    account = ek.MarginAccount(book, 0, collateral={"BTC": 1})
    for move in (-0.3, 0.5):
        after = account.after({"BTC": move})
        assert after.equity() == pytest.approx(50_000)
        assert after.book.net_exposure() == pytest.approx(0, abs=1e-6)
        # an account that sweeps the coin P&L to USD reads face: -15,000 / +25,000
        assert after.book.net_exposure(inverse="face") == pytest.approx(50_000 * move)


# ----- the liquidation-price formula ------------------------------------------------------------
def test_isolated_long_liquidation_price():
    # 1 BTC long at 10,000 with 1,000 isolated margin, maintenance rate 0.5 %:
    # P = (1,000 - 10,000) / (0.005 - 1) = 9,045.23. Check: margin 1,000 + (9,045.23 - 10,000)
    # = 45.23 equals maintenance 0.005 x 9,045.23 = 45.23.
    assert ek.liquidation_price("long", 1, 10_000, 1_000, 0.005) == pytest.approx(9_045.23, abs=0.01)


def test_isolated_short_liquidation_price():
    # 2 ETH short at 3,000 with 600 margin, rate 1 %: P = (600 + 6,000) / (0.02 + 2) = 3,267.33.
    # Check: 600 + 2 x (3,000 - 3,267.33) = 65.35 = 0.01 x 2 x 3,267.33.
    assert ek.liquidation_price("short", 2, 3_000, 600, 0.01) == pytest.approx(3_267.33, abs=0.01)


def test_cross_liquidation_price_uses_the_rest_of_the_account():
    # Cross wallet 10,000; 1 BTC long at 50,000, rate 0.5 %; other positions need 500 of
    # maintenance and are 1,000 under water: P = (10,000 - 500 - 1,000 - 50,000) / (0.005 - 1)
    # = 41,708.54. Check: 10,000 - 1,000 + (41,708.54 - 50,000) = 708.54 = 500 + 0.005 x 41,708.54.
    price = ek.liquidation_price("long", 1, 50_000, 10_000, 0.005, other_maintenance=500,
                                 other_unrealized_pnl=-1_000)
    assert price == pytest.approx(41_708.54, abs=0.01)
    isolated = ek.liquidation_price("long", 1, 50_000, 10_000, 0.005)
    assert isolated < price   # the losing rest of the account brings liquidation closer


def test_maintenance_amount_and_fully_covered_long():
    # With a maintenance amount of 50: P = (1,000 + 50 - 10,000) / (0.005 - 1) = 8,994.97.
    assert ek.liquidation_price("long", 1, 10_000, 1_000, 0.005, maintenance_amount=50) == \
        pytest.approx(8_994.97, abs=0.01)
    # A 1x long (margin = full notional) is never liquidated at a positive price.
    assert ek.liquidation_price("long", 1, 10_000, 10_000, 0.005) == 0.0


@pytest.mark.parametrize("kwargs, field", [
    (dict(side="flat"), "side"), (dict(quantity=0), "quantity"), (dict(entry_price=-1), "entry_price"),
    (dict(maintenance_margin_rate=1.5), "maintenance_margin_rate"),
    (dict(wallet_balance="lots"), "wallet_balance"), (dict(quantity=float("inf")), "quantity")])
def test_liquidation_price_rejects_bad_inputs(kwargs, field):
    args = dict(side="long", quantity=1, entry_price=10_000, wallet_balance=1_000,
                maintenance_margin_rate=0.005) | kwargs
    with pytest.raises(ValueError, match=field):
        ek.liquidation_price(**args)


# ----- initial margin from a leverage setting ---------------------------------------------------
def test_initial_margin_is_notional_over_the_leverage_setting():
    # lesson 06's isolated long: 1 BTC at 60,000 with 6,000 posted is a 10x setting
    assert ek.initial_margin(60_000, 10) == pytest.approx(6_000)
    assert ek.initial_margin(-150_000, 20) == pytest.approx(7_500)   # a short: its size
    assert ek.initial_margin(60_000, 1) == pytest.approx(60_000)


@pytest.mark.parametrize("leverage", [0, 0.5, -3, float("nan"), "10x", True])
def test_initial_margin_refuses_a_setting_below_one_naming_it(leverage):
    with pytest.raises(ValueError, match="leverage"):
        ek.initial_margin(60_000, leverage)
