"""Loading a desk's positions: CSV, JSON, ccxt's unified positions, the sample books."""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import exposure_kit as ek
from exposure_kit import PositionError, from_ccxt_positions, read_positions, write_positions
from exposure_kit._io import write_file_atomically

import make_desk_book

HEADER = "name,underlying,kind,side,quantity,price,contract_size,inverse,account\n"


def csv_book(text: str):
    return read_positions(io.StringIO(text))


def write_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----- samples ------------------------------------------------------------------------------------
def test_guide_examples_give_the_guides_numbers():
    first, second = ek.sample_book("guide_example_1"), ek.sample_book("guide_example_2")
    # $150,000 long BTC perps against $100,000 short ETH futures: $50,000 net, $250,000 gross
    assert (first.net_exposure(), first.gross_exposure()) == (50_000.0, 250_000.0)
    # 120,000 long - (70,000 + 20,000) short = 30,000 net long
    assert (second.long_exposure(), second.short_exposure(), second.net_exposure()) == \
        (120_000.0, 90_000.0, 30_000.0)


def desk_rows() -> list[dict[str, str]]:
    with open(ek.sample_path("desk_book"), newline="") as handle:
        return list(csv.DictReader(handle))


def hand_exposure(row: dict[str, str]) -> float:
    """One row's signed USD notional from the definitions, without the engine: linear and spot
    quantity x coin per contract x price; inverse quantity x USD face per contract; a put
    signed the other way (a long put is short the underlying)."""
    quantity, size = float(row["quantity"]), float(row["contract_size"])
    usd = quantity * size if row["inverse"] == "True" else quantity * size * float(row["price"])
    sign = 1 if row["side"] == "long" else -1
    return sign * (-usd if row.get("option_type") == "put" else usd)


def test_desk_book_is_desk_like():
    book = ek.sample_book("desk_book")
    frame = book.to_frame()
    assert len(book) == 217        # 200 drawn, then a collateral row per coin-margined pool
    assert set(frame["venue"]) >= {"Binance", "OKX", "Bybit", "Deribit", "BitMEX"}
    assert frame["inverse"].sum() > 20 and (~frame["inverse"]).sum() > 100
    assert 3 <= (frame["kind"] == "option").sum() <= 10
    assert set(frame["kind"]) == {"spot", "perp", "future", "option", "collateral"}
    assert frame["account"].isin(["001", "002", "017"]).all()   # leading zeros kept
    # BitMEX and Deribit list inverse contracts for BTC and ETH only
    inverse_there = frame["inverse"] & frame["venue"].isin(["BitMEX", "Deribit"])
    assert set(frame.loc[inverse_there, "underlying"]) == {"BTC", "ETH"}


def test_desk_book_exposures_match_the_definitions():
    rows = desk_rows()
    book = ek.sample_book("desk_book")
    hand = [hand_exposure(r) for r in rows]
    assert book.exposures("notional").tolist() == pytest.approx(hand, abs=1e-6)
    assert book.net_exposure(measure="notional") == pytest.approx(sum(hand), abs=0.005)
    # line 2 of the file, by hand: SOL linear perp short 440 x 1 SOL x $148.26 = $65,234.40
    assert rows[0]["name"] == "Binance 001 SOL-USDT PERP #001"
    assert book.exposures().iloc[0] == pytest.approx(-65_234.40, abs=1e-9)
    # line 4: BitMEX lists inverse contracts for BTC and ETH only, so its SOL perp is linear:
    # long 70 x 1 SOL x $148.20 = $10,374.00
    assert rows[2]["name"] == "BitMEX 001 SOL-USDT PERP #003"
    assert book.exposures().iloc[2] == pytest.approx(10_374.0, abs=1e-9)
    # line 11: BTC inverse perp short 903 contracts x $100 face = -$90,300, whatever the price
    assert rows[9]["name"] == "BitMEX 001 BTC-INV PERP #010"
    assert book.exposures().iloc[9] == pytest.approx(-90_300.0)


def test_desk_book_is_what_its_seeded_script_makes():
    assert ek.sample_path("desk_book").read_text() == make_desk_book.desk_book_csv()
    accounts = ek.sample_path("desk_book").with_name("desk_accounts.csv")
    assert accounts.read_text() == make_desk_book.desk_accounts_csv()


def test_desk_equity_is_per_margin_pool_by_its_rule():
    # One row per margin pool: Binance, BitMEX and Deribit margin coin-margined contracts in a
    # wallet per coin apart from the USD one; a Bybit (unified) or OKX account here is one pool.
    book = ek.sample_book("desk_book")
    frame = book.to_frame()
    equity = ek.sample_equity("desk_book")
    assert set(equity) == set(ek.margin_pools(book))
    assert {"Bybit 001", "Deribit 001 USD-margined", "Deribit 001 BTC-margined"} <= set(equity)
    # Deribit 001's USD pool: its linear contracts, spot and options (no BTC collateral: that
    # sits in its BTC pool); equity = what they hold + 20 % of their face (or twice the
    # maintenance less what they hold, if more), rounded up to $10,000.
    deribit = ((frame["venue"] == "Deribit") & (frame["account"] == "001")).to_numpy()
    usd = deribit & ~frame["inverse"].to_numpy() & (frame["kind"] != "collateral").to_numpy()
    part = book.part(usd)
    derivative = frame.loc[usd, "kind"].isin(["perp", "future", "option"]).to_numpy()
    face = float(np.abs(part.exposures("notional").to_numpy()[derivative]).sum())
    account = ek.MarginAccount(part, 0.0)
    need = max(0.2 * face, 2 * account.maintenance_margin() - account.equity())
    wallet = -(-need // 10_000) * 10_000
    assert wallet >= need > wallet - 10_000
    assert equity["Deribit 001 USD-margined"] == pytest.approx(wallet + account.equity(), abs=0.5)
    # its BTC pool holds its wallet in BTC, as a collateral row of whole tenths of a BTC: the
    # pool's equity is what its rows hold, and the collateral is at least 20 % of the face
    btc = deribit & (frame["underlying"] == "BTC").to_numpy() & (
        frame["inverse"].to_numpy() | (frame["kind"] == "collateral").to_numpy())
    rows = frame[btc]
    collateral = rows[rows["kind"] == "collateral"]
    assert len(collateral) == 1 and collateral["name"].iloc[0].endswith("#212")
    coin = float(collateral["quantity"].iloc[0])
    assert round(coin * 10) == pytest.approx(coin * 10)
    inverse_face = float((rows["quantity"] * rows["contract_size"])[rows["inverse"]].sum())
    assert coin * float(collateral["price"].iloc[0]) >= 0.2 * inverse_face
    pool = ek.MarginAccount(book.part(btc), 0.0)
    assert equity["Deribit 001 BTC-margined"] == pytest.approx(pool.equity(), abs=0.5)
    # every pool then holds at least twice its maintenance (margin ratio under 50 %)
    accounts, _ = ek.account_risk(book, equity)
    assert (accounts["margin_ratio"] < 0.5).all()


def test_unknown_sample_is_named():
    with pytest.raises(PositionError, match="desk_book"):
        ek.sample_path("nope")


# ----- CSV ----------------------------------------------------------------------------------------
def test_csv_linear_and_inverse_by_hand():
    book = csv_book(HEADER +
                    "lin,BTC,perp,long,1500,60000,0.001,false,001\n"      # 1500 x 0.001 x 60,000
                    "inv,BTC,perp,short,900,60000,100,true,002\n")        # 900 x $100 face
    assert book.exposures().tolist() == [90_000.0, -90_000.0]
    assert book.exposures(denomination="coin").tolist() == [1.5, -1.5]   # 90,000 / 60,000
    assert book.to_frame()["account"].tolist() == ["001", "002"]


def test_extra_columns_stay_text_and_blank_lines_are_not_positions():
    book = csv_book("underlying,kind,side,notional,account,desk\n\nBTC,spot,long,10,007,NA\n")
    frame = book.to_frame()
    assert frame["account"].tolist() == ["007"] and frame["desk"].tolist() == ["NA"]


@pytest.mark.parametrize("text, pieces", [
    ("underlying,kind,notional\nBTC,perp,5\n", ["'side'", "column is missing"]),
    (HEADER + "a,BTC,perp,long,1,5,1,false,1\nb,BTC,perp,sell,1,5,1,false,1\n",
     ["line 3", "'b'", "'side'", "'sell' is not one of long, short"]),
    (HEADER + "a,BTC,perp,long,1,5,1,false,1\nb,BTC,perp,long,two,5,1,false,1\n",
     ["line 3", "'quantity'", "must be a number, got 'two'"]),
    (HEADER + "a,BTC,perp,long,1,5$,1,false,1\n", ["line 2", "'price'", "'5$'"]),
    ("", ["is empty"]),
    ("  \n\n", ["is empty"]),
    ("name,underlying,kind,side,side,notional\na,BTC,perp,long,short,5\n",
     ["line 1", "'side'", "more than once"]),
    ("name,,kind\n", ["line 1", "column 2", "no name"]),
    (HEADER + "a,BTC,perp,long,1,5,1,false,1,surplus\n", ["line 2", "10 fields", "has 9"]),
    (HEADER + "a,BTC,perp,long,1,5,1,false,1\nb,BTC,perp,long,1,5,1,false,1,x\n",
     ["line 3", "10 fields"]),
    (HEADER + "a,BTC,perp,long,1,5,1,maybe,1\n", ["line 2", "'inverse'", "'maybe'"]),
    (HEADER + "a,BTC,perp,long,-1,5,1,false,1\n", ["line 2", "'quantity'", "negative"]),
])
def test_malformed_csv_names_the_line_and_field(text, pieces):
    with pytest.raises(PositionError) as caught:
        csv_book(text)
    for piece in pieces:
        assert piece in str(caught.value)


def test_errors_name_the_file(tmp_path):
    path = write_file(tmp_path, "desk.csv", HEADER + "a,BTC,perp,short,1,0,1,false,1\n")
    with pytest.raises(PositionError, match=r"^line 2 of desk\.csv \('a'\), field 'price'"):
        read_positions(path)
    with pytest.raises(PositionError, match="no such file"):
        read_positions(tmp_path / "absent.csv")
    with pytest.raises(PositionError, match="suffix"):
        write_positions(ek.sample_book("guide_example_1"), tmp_path / "book.xlsx")


def test_a_binary_file_is_refused_by_name(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe")
    with pytest.raises(PositionError, match="not UTF-8"):
        read_positions(path)


def test_header_only_is_an_empty_book():
    assert len(csv_book("name,underlying,kind,side,notional\n")) == 0


# ----- JSON ---------------------------------------------------------------------------------------
RECORDS = [{"name": "BTC perpetual", "underlying": "BTC", "kind": "perp", "side": "long",
            "notional": 150000},
           {"name": "ETH future", "underlying": "ETH", "kind": "future", "side": "short",
            "notional": 100000}]


@pytest.mark.parametrize("data", [RECORDS, {"positions": RECORDS}])
def test_json_list_or_positions_object(tmp_path, data):
    book = read_positions(write_file(tmp_path, "b.json", json.dumps(data)))
    assert book.net_exposure() == 50_000.0
    assert book == ek.sample_book("guide_example_1")


@pytest.mark.parametrize("text, pieces", [
    (json.dumps([RECORDS[0], {**RECORDS[1], "side": "sell"}]), ["position 2", "'side'"]),
    (json.dumps([RECORDS[0], {**RECORDS[1], "notional": "lots"}]),
     ["position 2", "'notional'", "'lots'"]),
    (json.dumps({"rows": RECORDS}), ["list of positions"]),
    (json.dumps([RECORDS[0], 5]), ["position 2", "object"]),
    ("[{\"side\": }]", ["not valid JSON", "line 1"]),
    ("", ["is empty"]),
])
def test_malformed_json(tmp_path, text, pieces):
    with pytest.raises(PositionError) as caught:
        read_positions(write_file(tmp_path, "b.json", text))
    for piece in pieces:
        assert piece in str(caught.value)


# ----- round trips --------------------------------------------------------------------------------
@pytest.mark.parametrize("sample", ek.SAMPLES)
@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_samples_round_trip(tmp_path, sample, suffix):
    book = ek.sample_book(sample)
    path = tmp_path / f"out.{suffix}"
    write_positions(book, path)
    again = read_positions(path)
    assert again == book
    assert again.net_exposure() == book.net_exposure()


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=12).filter(lambda s: s.strip() == s and s)
sizes = st.floats(min_value=0.0, max_value=1e9, allow_nan=False)
record = st.fixed_dictionaries({
    "name": names, "underlying": st.sampled_from(["BTC", "ETH", "SOL"]),
    "kind": st.sampled_from(["spot", "perp", "future"]),
    "side": st.sampled_from(["long", "short"]),
    "quantity": sizes, "price": st.floats(min_value=1e-6, max_value=1e7),
    "contract_size": st.floats(min_value=1e-6, max_value=1e3),
    "account": st.text("0123456789", min_size=1, max_size=4),
    "venue": names,
})


@settings(max_examples=40, deadline=None)
@given(st.lists(record, min_size=1, max_size=6), st.sampled_from(["csv", "json"]))
def test_any_book_reads_back_equal(records, fmt):
    book = ek.Book.from_records(records)
    buffer = io.StringIO()
    write_positions(book, buffer, format=fmt)
    buffer.seek(0)
    assert read_positions(buffer, format=fmt) == book


# ----- ccxt ---------------------------------------------------------------------------------------
LINEAR = {"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1500, "contractSize": 0.001,
          "markPrice": 60_000.0, "entryPrice": 58_000.0, "notional": 90_000.0}
# Coin-margined: 900 contracts of $100 face; this exchange reports the notional in BTC.
INVERSE = {"symbol": "BTC/USD:BTC", "side": "short", "contracts": 900, "contractSize": 100,
           "markPrice": 60_000.0, "entryPrice": 62_000.0, "notional": 1.5}


def test_ccxt_linear_and_inverse_by_hand():
    book = from_ccxt_positions([LINEAR, INVERSE], venue="Binance")
    # linear: 1500 x 0.001 BTC x $60,000 = $90,000; inverse: 900 x $100 = $90,000 short
    assert book.exposures().tolist() == [90_000.0, -90_000.0]
    assert book.net_exposure() == 0.0
    # the coin-PnL view of the inverse short: $90,000 / $62,000 entry = 1.4516 BTC, at $60,000
    assert book.exposures(inverse="coin_pnl").iloc[1] == pytest.approx(-90_000 / 62_000 * 60_000)
    frame = book.to_frame()
    assert frame["inverse"].tolist() == [False, True]
    assert frame["exchange_notional"].tolist() == [90_000.0, 1.5]   # kept, not trusted
    assert frame["settle"].tolist() == ["USDT", "BTC"]
    assert frame["venue"].tolist() == ["Binance", "Binance"]


def test_ccxt_market_type_flags_win_over_the_symbol():
    book = from_ccxt_positions([{**INVERSE, "symbol": "BTC/USD:USD", "inverse": True}])
    assert book.exposures().tolist() == [-90_000.0]


def test_ccxt_futures_and_options():
    as_of = datetime(2024, 6, 27, 8, tzinfo=timezone.utc)
    book = from_ccxt_positions([
        {"symbol": "ETH/USDT:USDT-241227", "side": "short", "contracts": 20, "contractSize": 0.1,
         "markPrice": 3_000.0, "entryPrice": 3_100.0},
        # an option's markPrice is its own price (here in BTC, as Deribit quotes), not BTC's
        {"symbol": "BTC/USD:BTC-241227-60000-C", "side": "long", "contracts": 2,
         "contractSize": 1, "markPrice": 0.1235, "entryPrice": None}],
        as_of=as_of, volatility={"BTC": 0.6}, underlying_prices={"BTC": 60_000.0})
    frame = book.to_frame()
    assert frame["kind"].tolist() == ["future", "option"]
    assert frame["expiry"].tolist() == ["241227", "241227"]
    # 27 Jun to 27 Dec 2024 at 08:00 UTC: 183 days
    assert frame["years"].iloc[1] == pytest.approx(183 / 365)
    assert (frame["strike"].iloc[1], frame["option_type"].iloc[1]) == (60_000.0, "call")
    assert (frame["price"].iloc[1], frame["mark_price"].iloc[1]) == (60_000.0, 0.1235)
    assert not frame["inverse"].iloc[1]          # options count in coin, whatever they settle in
    # future: 20 x 0.1 ETH x $3,000 = $6,000 short; option: 2 BTC x $60,000 at notional
    assert book.exposures("notional").tolist() == [-6_000.0, 120_000.0]
    # at the money, F = K: d1 = 0.6 x sqrt(183/365) / 2 = 0.212422, N(d1) = 0.584111 (erf by
    # hand). Settled in BTC, it is worth its USD price all the same: in USD it counts at the plain
    # delta; counted in coin, at the delta less its mark of 0.1235 BTC, the "Net Transaction
    # Delta" Deribit sums into "Delta Total": 0.584111 - 0.1235 = 0.460611 a BTC.
    assert frame["premium"].iloc[1] == pytest.approx(0.1235 * 60_000)
    assert book.exposures("delta").iloc[1] == pytest.approx(120_000.0 * 0.584111, abs=0.5)
    assert book.exposures("delta", denomination="coin").iloc[1] == pytest.approx(
        2 * 0.460611, abs=1e-5)


def test_ccxt_deribit_positions_from_info_size():
    # ccxt leaves contracts empty for Deribit; its raw position's size (negative when short,
    # direction "buy"/"sell") is in Deribit's amount units (Deribit API v2 schema "amount":
    # "For perpetual and inverse futures the amount is in USD units. For options and linear
    # futures it is the underlying base currency coin.").
    as_of = datetime(2024, 6, 27, 8, tzinfo=timezone.utc)
    book = from_ccxt_positions([
        {"symbol": "BTC/USD:BTC", "side": "short", "contracts": None, "contractSize": 10,
         "markPrice": 60_000.0, "info": {"size": -50_000, "direction": "sell"}},
        {"symbol": "BTC/USD:BTC-241227-60000-P", "side": None, "contracts": None,
         "contractSize": 1, "markPrice": 0.05,
         "info": {"size": 2.5, "direction": "buy", "underlying_price": 61_000.0,
                  "index_price": 60_000.0}}], as_of=as_of, volatility=0.6)
    frame = book.to_frame()
    assert book.exposures("notional").tolist() == [-50_000.0, -2.5 * 61_000]
    assert frame["side"].tolist() == ["short", "long"] and bool(frame["inverse"].iloc[0])
    assert frame["price_source"].iloc[1] == "forward"           # the forward, not the index
    assert frame["premium"].iloc[1] == pytest.approx(0.05 * 61_000)


def test_ccxt_option_underlying_price_from_deribit_info_or_refused():
    option = {"symbol": "BTC/USD:BTC-241227-60000-P", "side": "short", "contracts": 1,
              "contractSize": 1, "markPrice": 0.05, "info": {"index_price": 58_000.0}}
    kwargs = dict(as_of=datetime(2024, 6, 27, 8, tzinfo=timezone.utc), volatility=0.6)
    book = from_ccxt_positions([option], **kwargs)
    # 1 BTC at the index; a short put gains as BTC rises, so it counts long
    assert book.exposures("notional").tolist() == [58_000.0]
    assert book.to_frame()["price_source"].tolist() == ["index"]
    with pytest.raises(PositionError, match="position 1.*'underlying_prices'.*BTC"):
        from_ccxt_positions([{**option, "info": {}}], **kwargs)


@pytest.mark.parametrize("change, pieces", [
    ({"contractSize": None}, ["position 2", "'contractSize'", "missing"]),
    ({"contracts": -900, "side": "long"}, ["position 2", "'contracts'", "negative", "'long'"]),
    ({"side": "both"}, ["position 2", "'side'", "'both'"]),
    ({"symbol": "BTCUSDT"}, ["position 2", "'symbol'", "BTCUSDT"]),
    ({"markPrice": "n/a", "symbol": "BTC/USDT:USDT"}, ["position 2", "'markPrice'", "'n/a'"]),
])
def test_ccxt_errors_name_the_position_and_the_ccxt_field(change, pieces):
    with pytest.raises(PositionError) as caught:
        from_ccxt_positions([LINEAR, {**INVERSE, **change}])
    for piece in pieces:
        assert piece in str(caught.value)


def test_ccxt_option_without_volatility_is_refused():
    with pytest.raises(PositionError, match="position 1.*'years'"):
        from_ccxt_positions([{"symbol": "BTC/USD:BTC-241227-60000-P", "side": "long",
                              "contracts": 1, "contractSize": 1, "markPrice": 0.05}],
                            underlying_prices={"BTC": 60_000.0})


# ----- the diagnostics on a loaded book -----------------------------------------------------------
def test_basis_finding_names_instruments_without_stray_spaces():
    findings = ek.diagnose(ek.sample_book("desk_book"), basis_share=0.01)
    basis = [f.message for f in findings if f.code == "basis-offset"]
    assert basis and all(" ," not in m and " )" not in m for m in basis)


def test_float_extra_columns_and_ccxt_books_read_back_equal_from_csv():
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "quantity": 1.0, "price": 60_000.0,
         "mmr": 0.005, "account": "001"},
        {"underlying": "ETH", "kind": "perp", "side": "short", "notional": 5_000.0,
         "mmr": 1e-05, "account": "12"}])
    ccxt_book = from_ccxt_positions([LINEAR, INVERSE])         # exchange_notional is a float
    for original in (book, ccxt_book):
        buffer = io.StringIO()
        write_positions(original, buffer, format="csv")
        buffer.seek(0)
        back = read_positions(buffer, format="csv")
        assert back == original
    assert back.to_frame()["exchange_notional"].tolist() == [90_000.0, 1.5]


# ----- ccxt for real: recorded raw responses parsed by ccxt itself, offline -----------------------
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ccxt"


def ccxt_parsed(name: str) -> list[dict]:
    """The fixture's raw exchange payloads through ccxt's own parser (no network: the markets
    are set from the fixture, nothing is loaded)."""
    ccxt = pytest.importorskip("ccxt")
    data = json.loads((FIXTURES / name).read_text())
    exchange = getattr(ccxt, data["exchange"])()
    exchange.set_markets(data["markets"])
    return [getattr(exchange, data["parser"])(raw) for raw in data["raw"]]


def test_ccxt_binance_usdm_and_coinm_match_hand_figures():
    # USDS-M WLDUSDT: 5 contracts x 1 WLD x 2.3956 mark = $11.978 long (Binance's notional)
    usdm = from_ccxt_positions(ccxt_parsed("binance_usdm.json"), venue="Binance")
    assert usdm.exposures().tolist() == [pytest.approx(11.978)]
    # COIN-M BTCUSD_PERP: 2 contracts x $100 = $200 of face, long; in coin 200 / 38,103.055 =
    # 0.00524892 BTC, Binance's own notionalValue
    coinm = from_ccxt_positions(ccxt_parsed("binance_coinm.json"), venue="Binance")
    assert coinm.exposures().tolist() == [pytest.approx(200.0)]
    assert coinm.exposures(denomination="coin").tolist() == [pytest.approx(0.00524892, abs=5e-9)]


def test_ccxt_deribit_reads_its_raw_usd_size_and_a_short_as_size_and_side():
    # BTC-PERPETUAL size 40 is $40 of face (Deribit sizes inverse contracts in USD): ccxt 4.5
    # puts 40 in contracts beside the market's $10 contractSize, which multiplied gives $400.
    # In coin: 40 / 109,266.97 = 3.66076e-4 BTC, Deribit's own size_currency.
    parsed = ccxt_parsed("deribit.json")
    assert (parsed[0]["contracts"], parsed[0]["contractSize"]) == (40.0, 10.0)
    book = from_ccxt_positions(parsed, venue="Deribit")
    assert book.exposures().tolist() == [pytest.approx(40.0), pytest.approx(-40.0), 0.0]
    assert book.exposures(denomination="coin").iloc[0] == pytest.approx(3.66076e-4, rel=1e-5)
    assert book.to_frame()["side"].tolist()[:2] == ["long", "short"]
    assert len(book.flat) == 1 and book.refused.empty          # the flat one is listed, kept


def test_ccxt_flat_positions_are_kept_at_zero_and_listed():
    bybit = from_ccxt_positions(ccxt_parsed("bybit_linear.json"), venue="Bybit",
                                underlying_prices={"ETH": 1_200.0})
    # 0.10 ETH x 1,200 = $120 long (the recorded payload has no markPrice: the price given);
    # the flat line (size "0", side "") is there at zero
    assert bybit.exposures().tolist() == [pytest.approx(120.0), 0.0]
    assert bybit.flat == ["ETH/USDT:USDT"]
    okx = from_ccxt_positions(ccxt_parsed("okx_flat.json"), venue="OKX")
    assert okx.exposures().tolist() == [0.0] and okx.flat == ["ETH/USD:ETH"]


def test_ccxt_hyperliquid_matches_its_position_value():
    # szi 0.2259 ETH x 2,213.9 = $500.12001, Hyperliquid's positionValue
    book = from_ccxt_positions(ccxt_parsed("hyperliquid.json"), venue="Hyperliquid")
    assert book.exposures().tolist() == [pytest.approx(500.12001)]


def test_ccxt_a_missing_mark_price_is_given_or_refused_for_that_position_only():
    # Binance's account endpoint: a short of 849 WLD with no markPrice
    positions = ccxt_parsed("binance_usdm.json") + ccxt_parsed("binance_usdm_account.json")
    with pytest.raises(PositionError, match=r"position 2.*markPrice.*WLD"):
        from_ccxt_positions(positions)
    partial = from_ccxt_positions(positions, on_error="report")
    assert partial.exposures().tolist() == [pytest.approx(11.978)]
    assert partial.refused["position"].tolist() == [2]
    assert "underlying_prices" in partial.refused["problem"].iloc[0]
    # with the price given: -849 x 2.3468 = -1,992.4332 (Binance's notional: -1,992.46)
    priced = from_ccxt_positions(positions, underlying_prices={"WLD": 2.3468})
    assert priced.exposures().tolist() == [pytest.approx(11.978), pytest.approx(-1_992.4332)]


def test_ccxt_bybit_inverse_matches_its_position_value():
    # Bybit's published inverse example: short 300 BTCUSD contracts of $1 each, $300 of face.
    # In coin at the mark: 300 / 28,224.50 = 0.01062906 BTC (ccxt's notional); in the coin-P&L
    # reading, at entry: 300 / 27,464.50441675 = 0.01092319 BTC, Bybit's own positionValue.
    book = from_ccxt_positions(ccxt_parsed("bybit_inverse.json"), venue="Bybit")
    assert book.exposures().tolist() == [pytest.approx(-300.0)]
    assert book.exposures(denomination="coin").tolist() == [pytest.approx(-300 / 28_224.50)]
    assert book.exposures(inverse="coin_pnl", denomination="coin").tolist() == [
        pytest.approx(-0.01092319, abs=5e-9)]
    assert book.to_frame()["inverse"].tolist() == [True]
    # its margin pool: Bybit's unified account 2.0 margins inverse contracts with the rest,
    # one pool; on Binance the same position would sit in a BTC-margined wallet of its own
    with_account = book.to_frame().assign(account="1")
    assert ek.margin_pools(ek.Book.from_frame(with_account)).tolist() == ["Bybit 1"]
    assert ek.margin_pools(ek.Book.from_frame(with_account.assign(venue="Binance"))
                           ).tolist() == ["Binance 1 BTC-margined"]


def test_ccxt_okx_swap_matches_its_notional_usd():
    # OKX XRP-USDT-SWAP long pos 3 contracts x 100 XRP (ctVal) x 0.5451 markPx = $163.53;
    # OKX's notionalUsd 163.5333 (valued a hair differently); imr 54.51 = 163.53 / lever 3
    book = from_ccxt_positions(ccxt_parsed("okx_swap.json"), venue="OKX")
    assert book.exposures().tolist() == [pytest.approx(163.53)]
    assert book.exposures().iloc[0] == pytest.approx(163.53327059999998, abs=0.01)
    assert book.exposures().iloc[0] / 3 == pytest.approx(54.51)


def _black76_call(forward: float, strike: float, years: float, vol: float) -> tuple[float, float]:
    """The call's price and delta N(d1), from the formula (not the package)."""
    n = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    d1 = (math.log(forward / strike) + 0.5 * vol * vol * years) / (vol * math.sqrt(years))
    return forward * n(d1) - strike * n(d1 - vol * math.sqrt(years)), n(d1)


def test_ccxt_deribit_option_delta_matches_deribits_own():
    # Long 1 ETH-9JAN22-3200-C at 2022-01-08 09:28:46.185 UTC, 81,073.815 s before its expiry
    # (08:00 UTC), T = 81,073.815 / (365 x 86,400) years; ETH index 3,220.99. Its mark,
    # 0.016574 ETH = $53.3847, is a Black-76 price at the volatility solved for below (about
    # 64.8 %), where N(d1) is 0.5853: Deribit's own delta is 0.5848 (its forward differs a hair
    # from the index). USD delta exposure: 0.5853 x 1 ETH x 3,220.99 = $1,885.3 long; in coin
    # the premium-adjusted 0.5853 - 0.016574 = 0.5687 ETH (Deribit's Net Transaction Delta).
    as_of = datetime(2022, 1, 8, 9, 28, 46, 185_000, tzinfo=timezone.utc)
    years = 81_073.815 / (365 * 86_400)
    premium = 0.016574 * 3_220.99
    low, high = 0.05, 3.0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if _black76_call(3_220.99, 3_200, years, mid)[0] < premium \
            else (low, mid)
    vol = (low + high) / 2
    delta = _black76_call(3_220.99, 3_200, years, vol)[1]
    assert vol == pytest.approx(0.648, abs=0.001) and delta == pytest.approx(0.5848, abs=0.001)
    book = from_ccxt_positions(ccxt_parsed("deribit_option.json"), venue="Deribit",
                               as_of=as_of, volatility=vol)
    frame = book.to_frame()
    assert frame["years"].iloc[0] == pytest.approx(years)
    assert frame["premium"].iloc[0] == pytest.approx(premium)
    assert frame["venue_delta"].iloc[0] == 0.5848
    assert book.exposures().iloc[0] == pytest.approx(delta * 3_220.99, rel=1e-6)
    assert book.exposures().iloc[0] == pytest.approx(0.5848 * 3_220.99, abs=2.0)
    assert book.exposures("notional").iloc[0] == pytest.approx(3_220.99)
    assert book.exposures(denomination="coin").iloc[0] == pytest.approx(delta - 0.016574,
                                                                        rel=1e-6)


# ----- atomic writes ------------------------------------------------------------------------------
def _disk_full(*_):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_the_old_file_whole(tmp_path, monkeypatch):
    """A good report overwritten on a full disk became a truncated page; `write_positions` left
    a `book.csv` that no longer read. Now the old file stays, with no temporary beside it."""
    book = ek.sample_book("guide_example_1")
    target = tmp_path / "book.csv"
    ek.write_positions(book, target)
    before = target.read_bytes()
    page = tmp_path / "page.html"
    page.write_text("<p>the good page</p>")
    monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(ValueError, match="No space left"):
        ek.write_positions(ek.sample_book("guide_example_2"), target)
    with pytest.raises(ValueError, match="No space left"):
        ek.report(book).save(page)
    assert target.read_bytes() == before and ek.read_positions(target) == book
    assert page.read_text() == "<p>the good page</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv", "page.html"]


def test_atomic_write_keeps_the_files_permissions(tmp_path):
    target = tmp_path / "book.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_file_atomically(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640
