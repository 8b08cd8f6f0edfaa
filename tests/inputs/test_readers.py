"""The one input layer: every file reader refuses the same bad files the same way, every refusal
is an ``InputError``, and the numbers read are the ones worked out by hand below."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit import _readers
from exposure_kit.cli import main

POSITIONS = "name,underlying,kind,side,notional\nBTC-PERP,BTC,perp,long,150000\n"
SNAPSHOTS = "date,name,underlying,kind,side,notional\n2024-06-01,a,BTC,perp,long,10\n"

# Each reader: how to call it on a path, a good CSV, its number column, and a good JSON record
# (a dict) with that number column in it.
READERS = {
    "positions": (ek.read_positions, POSITIONS, "notional",
                  {"name": "p", "underlying": "BTC", "kind": "perp", "side": "long",
                   "notional": 150000}),
    "prices": (ek.read_prices, "date,BTC\n2024-01-01,42000\n", "BTC",
               {"date": "2024-01-01", "BTC": 42000}),
    "brackets": (ek.read_brackets, "underlying,floor,rate\nBTC,0,0.004\n", "floor",
                 {"underlying": "BTC", "floor": 0, "rate": 0.004}),
    "snapshots": (ek.exposure_history, SNAPSHOTS, "notional",
                  {"date": "2024-06-01", "underlying": "BTC", "kind": "perp", "side": "long",
                   "notional": 10}),
    "equity": (ek.read_account_equity, "account,equity\n001,900000\n", "equity",
               {"account": "001", "equity": 900000}),
    "rates": (ek.read_funding_rates, "underlying,rate\nBTC,0.0001\n", "rate",
              {"underlying": "BTC", "rate": 0.0001}),
}
NAMES = sorted(READERS)


def refusal(reader: str, path) -> ek.PositionError:
    with pytest.raises(ek.InputError) as caught:
        READERS[reader][0](path)
    assert isinstance(caught.value, ek.PositionError) and isinstance(caught.value, ValueError)
    return caught.value


def write(tmp_path, name: str, data: str | bytes):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize("reader", NAMES)
def test_each_reader_takes_its_good_file(tmp_path, reader):
    """The bad files below differ from these by one thing only."""
    call, text, _, record = READERS[reader]
    assert call(write(tmp_path, "good.csv", text)) is not None
    assert call(write(tmp_path, "good.json", json.dumps([record]))) is not None


# ----- the same bad file, refused the same way by every reader ------------------------------------
@pytest.mark.parametrize("reader", NAMES)
def test_a_nul_byte_is_refused_at_its_offset(tmp_path, reader):
    text = READERS[reader][1]
    error = refusal(reader, write(tmp_path, "bin.csv", text.encode() + b"\0rest"))
    assert (error.field, error.problem) == (
        "file", f"has a NUL character at offset {len(text)}: it is not a text file")
    assert str(error).startswith("bin.csv: ")


@pytest.mark.parametrize("reader", NAMES)
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, reader, monkeypatch):
    text = READERS[reader][1]
    monkeypatch.setattr(_readers, "MAX_BYTES", len(text) - 1)
    error = refusal(reader, write(tmp_path, "big.csv", text))
    assert (error.field, error.problem) == ("file", f"is larger than {len(text) - 1} bytes: "
                                            "not read")


@pytest.mark.parametrize("reader", NAMES)
def test_a_key_named_twice_in_json_is_refused(tmp_path, reader):
    call, _, column, record = READERS[reader]
    body = json.dumps([record])
    twice = body.replace(f'"{column}":', f'"{column}": 1, "{column}":', 1)
    error = refusal(reader, write(tmp_path, "twice.json", twice))
    assert (error.field, error.problem) == (column, f"an object names {column!r} twice")


@pytest.mark.parametrize("reader", NAMES)
def test_a_column_named_twice_in_a_csv_header_is_refused(tmp_path, reader):
    text = READERS[reader][1]
    header, rest = text.split("\n", 1)
    first = header.split(",")[0]
    doubled = f"{header},{first}\n" + "".join(f"{line},{line.split(',')[0]}\n"
                                              for line in rest.splitlines())
    error = refusal(reader, write(tmp_path, "twice.csv", doubled))
    assert (error.field, error.row, error.problem) == (
        first, 1, "the header names this column more than once")


@pytest.mark.parametrize("reader", NAMES)
def test_a_separator_that_is_not_comma_semicolon_or_tab_is_named(tmp_path, reader):
    piped = READERS[reader][1].replace(",", "|")
    error = refusal(reader, write(tmp_path, "piped.csv", piped))
    assert error.field == "file" and "the header is separated by '|'" in error.problem


@pytest.mark.parametrize("reader", NAMES)
def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path, reader):
    text = READERS[reader][1]
    latin = (text + text.split("\n")[1] + "\n").encode() + "# café\n".encode("latin-1")
    error = refusal(reader, write(tmp_path, "latin.csv", latin))
    assert error.field == "file" and error.problem.startswith("is not UTF-8 text")
    assert error.problem.endswith(f"line {text.count(chr(10)) + 2})")


@pytest.mark.parametrize("reader", NAMES)
def test_text_in_a_number_column_names_the_line_and_field(tmp_path, reader):
    """Line 3, after a good line 2: brackets' `floor` was a raw TypeError before."""
    call, text, column, _ = READERS[reader]
    header, good = text.splitlines()
    cells = good.split(",")
    cells[header.split(",").index(column)] = "lots"
    if reader == "prices":
        cells[0] = "2024-01-02"
    error = refusal(reader, write(tmp_path, "text.csv", f"{text}{','.join(cells)}\n"))
    assert (error.row, error.field) == (3, column) and "'lots'" in error.problem
    assert str(error).startswith(f"line 3 of text.csv, field '{column}'") or \
        str(error).startswith("line 3 of text.csv (")           # positions add the name


@pytest.mark.parametrize("reader", NAMES)
def test_true_in_a_json_number_field_is_refused(tmp_path, reader):
    call, _, column, record = READERS[reader]
    second = dict(record)
    second[column] = True
    if reader == "prices":
        second["date"] = "2024-01-02"
    if reader in ("equity", "rates"):
        second[next(iter(record))] = "other"
    error = refusal(reader, write(tmp_path, "bool.json", json.dumps([record, second])))
    assert (error.row, error.field) == (2, column) and "True" in error.problem


# ----- the table reader itself ----------------------------------------------------------------------
def test_blank_lines_and_comments_keep_the_lines_true():
    """pandas skipped the blank line, so a price file's error named line 3 for line 4."""
    with pytest.raises(ek.InputError, match="line 4, field 'BTC': 'lots' is not a number"):
        ek.read_prices(io.StringIO("date,BTC\n2024-01-01,1\n\n2024-01-02,lots\n"))
    table = _readers.table_from_text("# tiers\nunderlying,floor,rate\n\nBTC,0,0.004\n", None,
                                     "tiers", comments=True)
    assert table.rows() == [(4, {"underlying": "BTC", "floor": "0", "rate": "0.004"})]


def test_semicolons_and_decimal_commas_read_in_every_table():
    """A European spreadsheet's equity file: 900.000,5 is nine hundred thousand and a half."""
    assert ek.read_account_equity(io.StringIO("account;equity\n001;900.000,5\n")) == \
        {"001": 900_000.5}
    tiers = ek.read_brackets(io.StringIO("underlying;floor;rate\nETH;0;0,005\nETH;250000;0,01\n"))
    # cum of the second tier: 250,000 x (0.01 - 0.005) + 0 = 1,250
    assert tiers["maintenance_amount"].tolist() == [0.0, 1250.0]


def test_a_bracket_file_with_comments_gives_binances_worked_maintenance(tmp_path):
    """Binance COIN-M BTCUSD brackets; its worked example holds 300 BTC in the 12.5 % tier
    with a maintenance amount of 11.605 BTC: 300 x 0.125 - 11.605 = 25.895 BTC."""
    rows = [(0, 0.004), (5, 0.005), (10, 0.01), (20, 0.025), (50, 0.05), (100, 0.10),
            (200, 0.125)]
    text = "# BTC, coin-margined\nunderlying,unit,floor,rate\n" + "".join(
        f"BTC,coin,{floor},{rate}\n" for floor, rate in rows)
    table = ek.read_brackets(write(tmp_path, "tiers.csv", text))
    assert table["maintenance_amount"].iloc[-1] == pytest.approx(11.605, abs=1e-9)
    assert float(ek.bracket_maintenance(table, "BTC", 300.0)) == pytest.approx(25.895, abs=1e-9)


def test_a_bracket_frame_with_text_or_bools_is_refused_by_row():
    with pytest.raises(ek.InputError, match=r"row 1, field 'floor': must be a number, got 'x'"):
        ek.read_brackets(pd.DataFrame({"underlying": ["BTC", "BTC"], "floor": [0, "x"],
                                       "rate": [0.004, 0.005]}))
    with pytest.raises(ek.InputError, match=r"row 0, field 'rate': must be a number, got True"):
        ek.read_brackets(pd.DataFrame({"underlying": ["BTC"], "floor": [0], "rate": [True]}))
    with pytest.raises(ek.InputError, match=r"line 2 of tiers, field 'rate': must be a rate in"):
        ek.read_brackets(_named(io.StringIO("underlying,floor,rate\nBTC,0,1.5\n"), "tiers"))


def _named(buffer: io.StringIO, name: str) -> io.StringIO:
    buffer.name = name
    return buffer


def test_snapshots_are_read_and_parsed_once(tmp_path, monkeypatch):
    """The file was read twice and parsed twice (once as a book, once more for its lines)."""
    from exposure_kit import _io
    calls = []
    real = _io.read_text
    monkeypatch.setattr(_io, "read_text", lambda source: calls.append(source) or real(source))
    text = SNAPSHOTS + "\n2024-06-02,a,BTC,perp,short,4\n"
    history = ek.exposure_history(write(tmp_path, "snaps.csv", text))
    assert len(calls) == 1
    assert history["net"].tolist() == [10.0, -4.0]
    with pytest.raises(ek.InputError, match="line 4 of snaps.csv, field 'date': 'June'"):
        ek.exposure_history(write(tmp_path, "snaps.csv", text.replace("2024-06-02", "June")))


# ----- one except for every public entry point --------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: ek.read_positions(io.StringIO("underlying,kind,side,notional\nBTC,perp,buy,5\n")),
    lambda: ek.read_prices(io.StringIO("date,BTC\n2024-01-01,-5\n")),
    lambda: ek.read_brackets(io.StringIO("underlying,floor,rate\nBTC,lots,0.004\n")),
    lambda: ek.exposure_history(io.StringIO("date,underlying,kind,side,notional\n")),
    lambda: ek.read_account_equity(io.StringIO("account,equity\n001,-1\n")),
    lambda: ek.read_funding_rates(io.StringIO('{"BTC": NaN}')),
    lambda: ek.checked_number("equity", True),
    lambda: ek.checked_integer("window", 3, minimum=4),
    lambda: ek.checked_fraction("rate", 1.0),
    lambda: ek.Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
                                   "notional": math.inf}]),
    lambda: ek.from_ccxt_positions([{"symbol": "BTC/USDT:USDT", "side": "long",
                                     "contracts": -1, "contractSize": 1, "markPrice": 1}]),
    lambda: ek.sample_prices().pipe(ek.hedge_estimates, "ETH", window=True),
])
def test_one_except_catches_every_refusal(call):
    with pytest.raises(ek.InputError):
        call()


def test_input_error_is_public_and_position_error_keeps_its_form():
    assert "InputError" in ek.__all__ and issubclass(ek.InputError, ValueError)
    assert issubclass(ek.PositionError, ek.InputError)
    error = ek.PositionError("side", "'buy' is not one of long, short", row=3,
                             row_label="line", source="desk.csv")
    assert (error.row, error.field) == (3, "side")
    assert str(error) == "line 3 of desk.csv, field 'side': 'buy' is not one of long, short"


@pytest.mark.parametrize("value, checks, problem", [
    (True, {}, "must be a number, got True"),
    ("5", {}, "must be a number, got '5'"),
    (math.nan, {}, "must be finite, got nan"),
    (-math.inf, {}, "must be finite, got -inf"),
    (10 ** 400, {}, "must be finite"),
    (0, {"positive": True}, "must be positive, got 0"),
    (-0.5, {"non_negative": True}, "must not be negative, got -0.5"),
])
def test_checked_number_refuses(value, checks, problem):
    with pytest.raises(ek.PositionError) as caught:
        ek.checked_number("x", value, **checks)
    assert caught.value.field == "x" and caught.value.problem.startswith(problem)


def test_the_checked_variants_by_hand():
    assert ek.checked_number("equity", 50_000, positive=True) == 50_000.0
    assert ek.checked_integer("window", 30, minimum=4) == 30
    assert ek.checked_fraction("rate", 0.005) == 0.005
    assert ek.checked_fraction("share", 1, below_one=False) == 1.0
    assert ek.number_from_text("equity", " 1e3 ", positive=True) == 1000.0
    for bad in (True, 30.0, "30"):
        with pytest.raises(ek.InputError, match="must be a whole number"):
            ek.checked_integer("window", bad)


@pytest.mark.parametrize("argv, message", [
    (["--equity", "true"], "expected a number, got 'true'"),
    (["--equity", "nan"], "must be a positive number, got 'nan'"),
    (["--beta", "ETH=inf", "--measure", "beta"], "expected ASSET=BETA"),
])
def test_the_command_line_checks_numbers_the_same_way(capsys, tmp_path, argv, message):
    desk = write(tmp_path, "desk.csv", POSITIONS)
    assert main(["report", str(desk), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_an_exchanges_true_is_not_a_price_of_one():
    """float(True) is 1.0: an option's underlying was priced at $1 from `index_price: true`."""
    from datetime import datetime, timezone
    option = {"symbol": "BTC/USD:BTC-241227-60000-P", "side": "short", "contracts": 1,
              "contractSize": 1, "markPrice": 0.05, "info": {"index_price": True}}
    with pytest.raises(ek.InputError, match="position 1.*'underlying_prices'.*BTC"):
        ek.from_ccxt_positions([option], as_of=datetime(2024, 6, 27, 8, tzinfo=timezone.utc),
                               volatility=0.6)


@pytest.mark.parametrize("written, day", [
    ("241227", "2024-12-27"), (20241227, "2024-12-27"), ("2024-12-27", "2024-12-27"),
    ("27dec24", "2024-12-27"), ("27DEC2024", "2024-12-27"), (241227.0, "2024-12-27"),
    ("", None), (None, None), (math.nan, None),
])
def test_an_expiry_is_read_in_every_way_a_desk_writes_it(written, day):
    from exposure_kit._periods import expiry_date
    found = expiry_date(written)
    assert (found.isoformat() if found else None) == day


def test_an_expiry_that_is_no_date_is_refused():
    from exposure_kit._periods import expiry_date
    with pytest.raises(ek.InputError, match=r"'31JUN24' is not a date \(YYMMDD, YYYY-MM-DD"):
        expiry_date("31JUN24")                       # June has 30 days
    with pytest.raises(ek.InputError, match="must be a number|is not a date"):
        expiry_date(True)
