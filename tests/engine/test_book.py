"""Book: worked examples for the exposure engine, each computed independently in its comment;
the properties every book has whatever its positions (hypothesis); refused options and equity."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import exposure_kit as ek


def test_guide_first_example(guide_book):
    # The guide: long $150,000 of BTC perpetuals, short $100,000 of ETH futures.
    book = guide_book
    assert book.long_exposure() == 150_000
    assert book.short_exposure() == 100_000
    # 150,000 - 100,000 = 50,000 net long; 150,000 + 100,000 = 250,000 gross.
    assert book.net_exposure() == 50_000
    assert book.gross_exposure() == 250_000
    assert book.net_to_gross() == pytest.approx(0.2)  # 50k / 250k
    assert book.exposures().to_dict() == {"BTC-PERP": 150_000, "ETH-FUT": -100_000}


def test_guide_second_example_three_positions():
    # The guide: long BTC perps $120,000; short ETH futures $70,000; short BTC quarterly $20,000.
    # Net = 120,000 - (70,000 + 20,000) = 30,000 net long.
    book = ek.Book([
        ek.Position("BTC-PERP", "BTC", "perp", "long", notional=120_000),
        ek.Position("ETH-FUT", "ETH", "future", "short", notional=70_000),
        ek.Position("BTC-QUARTERLY", "BTC", "future", "short", notional=20_000),
    ])
    assert book.net_exposure() == 30_000
    assert book.short_exposure() == 90_000
    assert book.gross_exposure() == 210_000
    table = book.by("underlying")
    # BTC: 120,000 long against 20,000 short = 100,000 net; ETH: 70,000 short.
    assert table.loc["BTC"].tolist() == [120_000, 20_000, 100_000, 140_000]
    assert table.loc["ETH"].tolist() == [0, 70_000, -70_000, 70_000]
    assert table["net"].sum() == book.net_exposure()


def test_summary_with_equity(guide_book):
    # 250,000 gross on 50,000 equity is 5x gross leverage; 50,000 net is 1x net leverage.
    summary = guide_book.summary(equity=50_000)
    assert (summary.long, summary.short, summary.net, summary.gross) == (150_000, 100_000,
                                                                        50_000, 250_000)
    assert summary.gross_leverage == pytest.approx(5.0)
    assert summary.net_leverage == pytest.approx(1.0)
    assert summary.bias == "long"
    assert summary.net_to_gross == pytest.approx(0.2)


def test_bias_short_and_neutral():
    short_book = ek.Book([ek.Position("a", "BTC", "spot", "long", notional=100_000),
                          ek.Position("b", "BTC", "perp", "short", notional=130_000)])
    assert short_book.summary().bias == "short"          # 30k net short of 230k gross
    flat = ek.Book([ek.Position("a", "BTC", "spot", "long", notional=100_000),
                    ek.Position("b", "BTC", "perp", "short", notional=98_000)])
    assert flat.summary().bias == "neutral"              # 2k of 198k gross is within 5 %
    assert flat.summary(neutral_band=0.0).bias == "long"
    assert flat.summary().gross_leverage is None


def test_linear_positions_priced_by_quantity():
    # 0.5 BTC of a USDT-margined perp at $60,000: 0.5 x 60,000 = $30,000.
    # 25 contracts of an ETH swap worth 0.1 ETH each at $3,000: 25 x 0.1 x 3,000 = $7,500 short.
    book = ek.Book.from_records([
        {"name": "BTCUSDT", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 0.5,
         "price": 60_000},
        {"name": "ETH-USDT-SWAP", "underlying": "ETH", "kind": "perp", "side": "short",
         "quantity": 25, "contract_size": 0.1, "price": 3_000},
    ])
    assert book.exposures().tolist() == pytest.approx([30_000, -7_500])
    assert book.exposures(denomination="coin").tolist() == pytest.approx([0.5, -2.5])
    # After a 10 % fall in BTC the BTC leg is worth 27,000; ETH is unchanged.
    moved = book.shock({"BTC": -0.10})
    assert moved.exposures().tolist() == pytest.approx([27_000, -7_500])


def test_inverse_contract_usd_and_coin_exposure_before_and_after_a_move():
    # 1,000 inverse BTCUSD contracts of $100 face: $100,000 short, whatever the price.
    # At $50,000 that is 100,000 / 50,000 = 2 BTC; at $40,000 it is 100,000 / 40,000 = 2.5 BTC.
    book = ek.Book.from_records([
        {"name": "BTCUSD_PERP", "underlying": "BTC", "kind": "perp", "side": "short",
         "quantity": 1_000, "contract_size": 100, "inverse": True, "price": 50_000,
         "entry_price": 50_000}])
    assert book.net_exposure() == -100_000
    assert book.net_exposure(denomination="coin") == pytest.approx(-2.0)
    after = book.shock({"BTC": -0.20})
    assert after.net_exposure() == -100_000
    assert after.net_exposure(denomination="coin") == pytest.approx(-2.5)
    # An account that keeps the coin PnL: coin exposure stays face / entry = 2 BTC, worth
    # 2 x 40,000 = $80,000 after the fall.
    assert after.net_exposure(inverse="coin_pnl", denomination="coin") == pytest.approx(-2.0)
    assert after.net_exposure(inverse="coin_pnl") == pytest.approx(-80_000)


def test_spot_hedged_with_inverse_short_stays_hedged_only_in_the_coin_pnl_view():
    # 2 BTC at $50,000 hedged by a $100,000 inverse short. BTC falls 20 % to $40,000.
    # Face view: 80,000 long - 100,000 short = 20,000 net short. Coin-PnL view: 80,000 - 80,000 = 0.
    book = ek.Book.from_records([
        {"name": "BTC", "underlying": "BTC", "kind": "spot", "side": "long", "quantity": 2,
         "price": 50_000},
        {"name": "BTCUSD_PERP", "underlying": "BTC", "kind": "perp", "side": "short",
         "quantity": 1_000, "contract_size": 100, "inverse": True, "price": 50_000,
         "entry_price": 50_000}]).shock({"BTC": -0.20})
    assert book.net_exposure() == pytest.approx(-20_000)
    assert book.net_exposure(inverse="coin_pnl") == pytest.approx(0.0, abs=1e-9)


def test_coin_collateral_counts_as_long():
    # 1.5 BTC posted as margin at $40,000 is $60,000 of long BTC exposure.
    book = ek.Book.from_records([
        {"name": "margin", "underlying": "BTC", "kind": "collateral", "side": "long",
         "quantity": 1.5, "price": 40_000},
        {"name": "hedge", "underlying": "BTC", "kind": "perp", "side": "short", "notional": 60_000}])
    assert book.long_exposure() == 60_000
    assert book.net_exposure() == 0


def test_option_delta_exposure():
    # 10 BTC of at-the-money calls, F = K = 60,000, vol 60 %, 3 months, r = 0.
    # d1 = (0 + 0.5 x 0.36 x 0.25) / (0.6 x 0.5) = 0.15; N(0.15) = 0.55962 (normal table).
    # Notional 10 x 60,000 = 600,000; delta exposure 0.55962 x 600,000 = 335,772.
    book = ek.Book.from_records([
        {"name": "BTC-C", "underlying": "BTC", "kind": "option", "side": "long", "quantity": 10,
         "price": 60_000, "strike": 60_000, "years": 0.25, "volatility": 0.6,
         "option_type": "call"}])
    assert book.net_exposure(measure="notional") == 600_000
    assert book.net_exposure(measure="delta") == pytest.approx(335_772, abs=4)
    assert book.net_exposure() == pytest.approx(335_772, abs=4)     # headline figures: delta
    # A short put with a given delta of -0.3 on 5 ETH at 3,000: -1 x -0.3 x 15,000 = +4,500 long.
    put = ek.Book.from_records([
        {"name": "ETH-P", "underlying": "ETH", "kind": "option", "side": "short", "quantity": 5,
         "price": 3_000, "option_type": "put", "delta": -0.3}])
    assert put.net_exposure(measure="delta") == pytest.approx(4_500)
    # at face a short put still counts in the direction it moves: long, never short
    assert put.net_exposure(measure="notional") == 15_000


def test_a_long_put_is_short_exposure_in_every_headline_figure():
    # Hull (Options, Futures and Other Derivatives, ch. 19): a put's delta is N(d1) - 1 < 0, so a
    # long put gains as the underlying falls. 100 ETH of puts, F = K = 3,000, vol 50 %, 1 year:
    # d1 = 0.5 x 0.25 / 0.5 = 0.25, N(0.25) = 0.59871 (normal table), delta = -0.40129;
    # exposure -0.40129 x 300,000 = -120,387.
    puts = ek.Book.from_records([
        {"name": "ETH-P", "underlying": "ETH", "kind": "option", "side": "long", "quantity": 100,
         "price": 3_000, "strike": 3_000, "years": 1.0, "volatility": 0.5, "option_type": "put"}])
    s = puts.summary(equity=100_000)
    assert s.net == pytest.approx(-120_387, abs=2) and s.long == 0 and s.bias == "short"
    assert puts.by("underlying").loc["ETH", "net"] == pytest.approx(-120_387, abs=2)
    assert puts.net_exposure(measure="notional") == -300_000
    assert puts.by("underlying", measure="notional").loc["ETH", "short"] == 300_000
    assert ek.hedge_notional(puts) == pytest.approx(120_387, abs=2)    # buy to hedge a long put


def test_coin_totals_never_add_different_coins():
    # 1 BTC long and 10 ETH short are not "-9 coins" of anything
    book = ek.Book.from_records([
        {"name": "b", "underlying": "BTC", "kind": "spot", "side": "long", "quantity": 1,
         "price": 60_000, "venue": "X"},
        {"name": "e", "underlying": "ETH", "kind": "spot", "side": "short", "quantity": 10,
         "price": 3_000, "venue": "X"}])
    with pytest.raises(ek.PositionError, match="denomination"):
        book.by("venue", denomination="coin")
    with pytest.raises(ek.PositionError, match="denomination"):
        ek.scenario_grid(book, "BTC", "ETH", [0.0], denomination="coin")
    with pytest.raises(ek.PositionError, match="denomination"):
        book.net_exposure(denomination="coin")
    per_coin = book.by("underlying", denomination="coin")["net"]
    assert per_coin.to_dict() == {"BTC": 1.0, "ETH": -10.0}


def test_beta_measure(guide_book):
    # The guide's BTC long against an ETH short, with ETH's beta to BTC at 1.3:
    # 150,000 - 1.3 x 100,000 = 20,000 beta-adjusted net long.
    book = guide_book
    assert book.net_exposure(measure="beta", betas={"ETH": 1.3}) == pytest.approx(20_000)
    with pytest.raises(ek.PositionError, match="beta"):
        book.net_exposure(measure="beta")      # no beta for ETH
    per_position = ek.Book.from_records([
        {"underlying": "SOL", "kind": "perp", "side": "long", "notional": 10_000, "beta": 1.8}])
    assert per_position.net_exposure(measure="beta") == pytest.approx(18_000)


def test_shock_by_name_moves_one_instrument():
    # A future 2 % above spot after basis widens; spot unchanged: 100,000 long vs 102,000 short.
    book = ek.Book([ek.Position("spot", "BTC", "spot", "long", quantity=2, price=50_000),
                    ek.Position("fut", "BTC", "future", "short", quantity=2, price=50_000)])
    assert book.shock({"fut": 0.02}, on="name").net_exposure() == pytest.approx(-2_000)
    with pytest.raises(ek.PositionError, match="moves"):
        book.shock({"DOGE": 0.1})


def test_extra_columns_kept_and_round_trip():
    frame = pd.DataFrame({
        "name": ["a", "b"], "underlying": ["BTC", "ETH"], "kind": ["perp", "spot"],
        "side": ["long", "short"], "notional": [1_000.0, None], "quantity": [None, 2.0],
        "price": [None, 2_000.0], "venue": ["Binance", "OKX"], "account": ["001", "002"]})
    book = ek.Book.from_frame(frame)
    out = book.to_frame()
    assert list(out.columns) == list(frame.columns)
    assert out["account"].tolist() == ["001", "002"]
    assert ek.Book.from_frame(out) == book
    assert book.by("venue")["net"].to_dict() == {"Binance": 1_000, "OKX": -4_000}
    assert ek.Book(book.positions) == book


def test_missing_group_values_form_their_own_group():
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 5.0, "venue": "X"},
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 7.0}])
    table = book.by("venue")
    assert table["gross"].sum() == 12.0 and len(table) == 2


def test_empty_book():
    book = ek.Book([])
    assert (book.net_exposure(), book.gross_exposure(), book.net_to_gross()) == (0.0, 0.0, 0.0)
    assert book.summary().bias == "neutral"


def test_adding_books(guide_book):
    total = guide_book + ek.Book([ek.Position("h", "BTC", "perp", "short",
                                                         notional=50_000)])
    assert total.net_exposure() == 0 and len(total) == 3


def test_coin_settled_options_are_premium_adjusted_only_in_coin():
    # Black-76 at F = K = 100, T = 1, vol 20 %, r = 0 (Hull's textbook case): d1 = 0.1,
    # N(0.1) = 0.539828 (normal table), price 100 (N(0.1) - N(-0.1)) = 7.9656. In a USD book an
    # option settled in its underlying's coin (Deribit) is worth that USD price all the same, so
    # it counts at the plain delta 0.539828. Counted in coin, its premium is coin already, and
    # the delta is premium-adjusted: 0.539828 - 7.9656 / 100 = 0.460172 (with a mark of 8.50,
    # 0.539828 - 0.085), Deribit's "Net Transaction Delta".
    def call(**extra):
        return ek.Book.from_records([{"name": "c", "underlying": "BTC", "kind": "option",
                                      "side": "long", "quantity": 10, "price": 100.0,
                                      "strike": 100.0, "years": 1.0, "volatility": 0.2,
                                      "option_type": "call", **extra}])
    assert call().net_exposure() == pytest.approx(10 * 100 * 0.539828, abs=1e-3)
    assert call(settle="USDC").net_exposure() == pytest.approx(539.828, abs=1e-3)
    assert call(settle="BTC").net_exposure() == pytest.approx(539.828, abs=1e-3)
    assert call(settle="USDC").exposures(denomination="coin").iloc[0] == pytest.approx(
        10 * 0.539828, abs=1e-5)
    assert call(settle="BTC").exposures(denomination="coin").iloc[0] == pytest.approx(
        10 * 0.460172, abs=1e-5)
    marked = call(settle="BTC", premium=8.5)
    assert marked.net_exposure() == pytest.approx(539.828, abs=1e-3)
    assert marked.exposures(denomination="coin").iloc[0] == pytest.approx(
        10 * (0.539828 - 0.085), abs=1e-5)
    # the same at a moved price, without building a book: shock_exposures agrees with shock
    moved = marked.shock({"BTC": 0.1})
    assert ek.shock_exposures(marked, {"BTC": 0.1}).iloc[0] == pytest.approx(
        moved.net_exposure(), rel=1e-12)
    assert moved.to_frame()["premium"].iat[0] > 8.5        # the mark rose with the price


# ----- properties every book must have, whatever its positions (hypothesis) ---------------------
SIZES = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)


PRICES = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


UNDERLYINGS = st.sampled_from(["BTC", "ETH", "SOL"])


SIDES = st.sampled_from(["long", "short"])


@st.composite
def positions(draw):
    """A record of any kind the engine knows, sized by notional or by quantity and price."""
    kind = draw(st.sampled_from(["spot", "perp", "future", "option", "collateral"]))
    side = "long" if kind == "collateral" else draw(SIDES)
    record = {"underlying": draw(UNDERLYINGS), "kind": kind, "side": side,
              "price": draw(PRICES), "beta": draw(st.floats(0.1, 3.0))}
    if kind in ("perp", "future") and draw(st.booleans()):
        record.update(inverse=True, contract_size=draw(st.sampled_from([10.0, 100.0])),
                      quantity=draw(SIZES), entry_price=draw(PRICES))
    elif draw(st.booleans()):
        record.update(quantity=draw(SIZES), contract_size=draw(st.sampled_from([1.0, 0.1, 0.01])))
    else:
        record["notional"] = draw(SIZES)
    if kind == "option":
        record.update(option_type=draw(st.sampled_from(["call", "put"])),
                      strike=draw(PRICES), years=draw(st.floats(0.01, 2.0)),
                      volatility=draw(st.floats(0.05, 2.0)))
    return record


BOOKS = st.lists(positions(), min_size=0, max_size=12)


MEASURES = st.sampled_from([{}, {"measure": "delta"}, {"measure": "beta"},
                            {"inverse": "coin_pnl"}])


def close_to(gross):
    """Absolute tolerance for sums that differ only by the order of float additions."""
    return 1e-12 * gross + 1e-6


def book_of(records):
    return ek.Book.from_records(records)


@given(BOOKS, MEASURES)
def test_net_is_long_minus_short_and_gross_bounds_net(records, options):
    book = book_of(records)
    long, short = book.long_exposure(**options), book.short_exposure(**options)
    assert long >= 0 and short >= 0
    assert book.net_exposure(**options) == pytest.approx(long - short)
    assert book.gross_exposure(**options) >= abs(book.net_exposure(**options)) - 1e-6
    assert book.exposures(**options).sum() == pytest.approx(long - short, rel=1e-9, abs=1e-6)


@given(BOOKS, MEASURES, st.randoms(use_true_random=False))
def test_order_does_not_matter(records, options, rnd):
    shuffled = list(records)
    rnd.shuffle(shuffled)
    a, b = book_of(records), book_of(shuffled)
    assert a.net_exposure(**options) == pytest.approx(b.net_exposure(**options),
                                                      abs=close_to(a.gross_exposure(**options)))
    assert a.gross_exposure(**options) == pytest.approx(b.gross_exposure(**options), rel=1e-12)


def split(record, fraction):
    """Two records that together hold what ``record`` holds."""
    size_field = "quantity" if "quantity" in record else "notional"
    first, second = dict(record), dict(record)
    first[size_field] = record[size_field] * fraction
    second[size_field] = record[size_field] - first[size_field]
    return [first, second]


@given(BOOKS.filter(len), st.floats(0.0, 1.0), MEASURES, st.data())
def test_splitting_a_position_changes_nothing(records, fraction, options, data):
    i = data.draw(st.integers(0, len(records) - 1))
    pieces = records[:i] + split(records[i], fraction) + records[i + 1:]
    whole, parts = book_of(records), book_of(pieces)
    for method in ("long_exposure", "short_exposure", "net_exposure", "gross_exposure"):
        assert getattr(parts, method)(**options) == pytest.approx(
            getattr(whole, method)(**options), rel=1e-9, abs=1e-6)


@given(BOOKS, st.floats(0.0, 100.0), MEASURES)
def test_scaling_every_size_scales_every_exposure(records, k, options):
    scaled = []
    for record in records:
        field = "quantity" if "quantity" in record else "notional"
        scaled.append(record | {field: record[field] * k})
    a, b = book_of(records), book_of(scaled)
    np.testing.assert_allclose(b.exposures(**options).to_numpy(),
                               k * a.exposures(**options).to_numpy(), rtol=1e-9, atol=1e-6)


@given(BOOKS.map(lambda rs: [r for r in rs if r["kind"] != "collateral"]), MEASURES)
def test_a_book_plus_its_mirror_nets_to_zero(records, options):
    mirror = [r | {"side": "short" if r["side"] == "long" else "long"} for r in records]
    both = book_of(records + mirror)
    # the tolerance scales with the gross in the same reading: the coin P&L of an inverse contract
    # entered far from today's price can dwarf its face
    gross = both.gross_exposure(**options)
    assert both.net_exposure(**options) == pytest.approx(0.0, abs=close_to(gross))
    assert both.gross_exposure(**options) == pytest.approx(
        2 * book_of(records).gross_exposure(**options), rel=1e-9, abs=1e-6)


@given(BOOKS)
@settings(max_examples=50)
def test_by_group_sums_to_the_book(records):
    book = book_of(records)
    table = book.by("underlying")
    tolerance = close_to(book.gross_exposure())
    assert table["net"].sum() == pytest.approx(book.net_exposure(), abs=tolerance)
    assert table["long"].sum() == pytest.approx(book.long_exposure(), abs=tolerance)


@given(BOOKS)
@settings(max_examples=50)
def test_written_out_and_read_back_is_equal(records):
    book = book_of(records)
    assert ek.Book.from_frame(book.to_frame()) == book
    if len(book):  # an empty frame's records carry no column names to rebuild from
        assert ek.Book.from_frame(pd.DataFrame(book.to_frame().to_dict("records"))) == book


# ----- refusals of the measures' options and of the equity ------------------------------------
GOOD = {"name": "ok", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 1_000.0}


@pytest.mark.parametrize("equity", [0, -10_000, math.nan, math.inf, "fifty"])
def test_non_positive_or_non_numeric_equity(equity):
    book = ek.Book.from_records([GOOD])
    with pytest.raises(ValueError, match="equity"):
        book.summary(equity=equity)


@pytest.mark.parametrize("options, field", [
    ({"measure": "vega"}, "measure"), ({"denomination": "eur"}, "denomination"),
    ({"inverse": "both"}, "inverse")])
def test_unknown_measure_options(options, field):
    with pytest.raises(ValueError, match=field):
        ek.Book.from_records([GOOD]).net_exposure(**options)


def test_coin_sum_over_several_underlyings_is_refused():
    book = ek.Book.from_records([GOOD | {"price": 50_000.0},
                                 GOOD | {"underlying": "ETH", "price": 3_000.0}])
    with pytest.raises(ValueError, match="denomination"):
        book.net_exposure(denomination="coin")
    assert book.by("underlying", denomination="coin")["net"].tolist() == pytest.approx(
        [1_000 / 50_000, 1_000 / 3_000])


def test_coin_view_needs_a_price():
    with pytest.raises(ek.PositionError, match="row 0.*price"):
        ek.Book.from_records([GOOD]).exposures(denomination="coin")
