"""Hostile but fair input to the loaders and writers: what cannot be read is refused with a
ValueError naming the file, the line and the field; nothing is coerced; a book written out reads
back equal, or the writer refuses and says why."""

from __future__ import annotations

import csv
import io
import json
import resource
import subprocess
import sys

import pytest

from exposure_kit import Book, from_ccxt_positions, read_positions, write_positions

PERP = {"name": "p", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 100.0}
HEADER = "name,underlying,kind,side,notional"


def read_text(text: str, fmt: str | None = None) -> Book:
    return read_positions(io.StringIO(text), format=fmt)


def round_trip(book: Book, fmt: str) -> tuple[Book, str]:
    buffer = io.StringIO()
    write_positions(book, buffer, format=fmt)
    return read_text(buffer.getvalue(), fmt), buffer.getvalue()


def refused(action, *pieces: str) -> str:
    with pytest.raises(ValueError) as caught:
        action()
    message = str(caught.value)
    for piece in pieces:
        assert piece in message, message
    return message


# ----- nothing read as an empty book by mistake ---------------------------------------------------
def test_a_headerless_line_is_refused_not_an_empty_book():
    refused(lambda: read_text("BTC,perp,long,100\n"), "line 1", "'underlying'",
            "'BTC,perp,long,100'")


def test_a_header_without_rows_must_still_be_a_header():
    refused(lambda: read_text("a,b,c\n"), "line 1", "'underlying'")
    refused(lambda: read_text("underlying,kind\n"), "line 1", "'side'")
    assert len(read_text(HEADER + "\n")) == 0          # what an empty book is written as


def test_a_line_with_fewer_fields_than_the_header_is_refused():
    refused(lambda: read_text(HEADER + "\na,BTC,perp,long\n"), "line 2", "4 fields", "has 5")


# ----- nothing coerced ----------------------------------------------------------------------------
def test_a_complex_notional_is_refused():
    refused(lambda: Book.from_records([{**PERP, "notional": 3 + 4j}]), "'notional'", "real")


def test_true_among_numbers_is_refused():
    records = [PERP, {**PERP, "name": "q", "notional": True}]
    refused(lambda: Book.from_records(records), "row 1", "'notional'", "True")
    refused(lambda: read_text(json.dumps(records)), "position 2", "'notional'", "True")


# ----- every value round-trips, or the writer refuses ---------------------------------------------
@pytest.mark.parametrize("value", ["  leading spaces", "trailing  ", "a\rb", "a\r\nb", "x,\"y\"",
                                   "\tTAB", "'quoted'", "''=1"])
def test_text_round_trips_through_csv_exactly(value, tmp_path):
    book = Book.from_records([{**PERP, "desk": value}])
    back, _ = round_trip(book, "csv")
    assert back == book and back.to_frame()["desk"].tolist() == [value]
    path = tmp_path / "book.csv"                         # through a file on disk too
    write_positions(book, path)
    assert read_positions(path).to_frame()["desk"].tolist() == [value]


@pytest.mark.parametrize("first, value, pieces", [
    ("x", "", ["row 1 ('q')", "'' would read back from CSV as a missing value"]),
    ("1.5", "1.5", ["row 0 ('p')", "'1.5' would read back from CSV as 1.5"]),
    (7, 10, ["row 0 ('p')", "7 would read back from CSV as '7'"])])
def test_what_csv_cannot_keep_is_refused_at_write_time_and_json_keeps_it(first, value, pieces):
    book = Book.from_records([{**PERP, "desk": first}, {**PERP, "name": "q", "desk": value}])
    refused(lambda: round_trip(book, "csv"), "'desk'", "JSON", *pieces)
    assert round_trip(book, "json")[0] == book


def test_columns_zero_and_text_zero_are_refused_as_the_same_column():
    refused(lambda: Book.from_records([{**PERP, 0: "a", "0": "b"}]), "'0'", "more than once")


def test_a_column_with_no_value_round_trips_through_json_and_csv():
    book = Book.from_records([{**PERP, "desk": None}, {**PERP, "name": "q", "desk": None}])
    for fmt in ("json", "csv"):
        back, _ = round_trip(book, fmt)
        assert back == book and "desk" in back.to_frame().columns


def test_an_unnamed_column_is_refused_by_csv_and_kept_by_json():
    book = Book.from_records([{**PERP, "": 1.5}])
    refused(lambda: round_trip(book, "csv"), "field ''", "CSV header")
    assert round_trip(book, "json")[0] == book


def test_an_empty_book_round_trips():
    for fmt in ("csv", "json"):
        assert round_trip(Book(), fmt)[0] == Book()


# ----- no formula reaches a spreadsheet -----------------------------------------------------------
@pytest.mark.parametrize("value", ["=1+2", "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
                                   "=HYPERLINK(\"http://x\",\"y\")"])
def test_formula_cells_are_neutralised_and_read_back_equal(value):
    book = Book.from_records([{**PERP, "name": value, "desk": value, value: value}])
    back, text = round_trip(book, "csv")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], text   # each starts with '
    assert sum(c.startswith("'") for c in cells) == 4
    assert back == book


def test_a_negative_number_is_written_as_a_number():
    book = Book.from_records([{**PERP, "pnl": -5.5}])
    _, text = round_trip(book, "csv")
    assert text.splitlines()[1].endswith(",-5.5")


# ----- every error a ValueError naming where ------------------------------------------------------
@pytest.mark.parametrize("text, pieces", [
    (json.dumps([{**PERP, "notional": [1]}]), ["position 1", "'notional'", "[1]"]),
    (json.dumps([{**PERP, "desk": {"a": 1}}]), ["position 1", "'desk'"]),
    (json.dumps([PERP]).replace("100.0", "1" + "0" * 400), ["position 1", "'notional'",
                                                            "too large"]),
    ("[" * 100_000 + "]" * 100_000, ["too deeply"]),
    ('[{"underlying": "BTC", "underlying": "ETH"}]', ["'underlying'", "twice"]),
])
def test_json_values_that_cannot_be_read(text, pieces):
    refused(lambda: read_text(text), *pieces)


def test_not_a_file_at_all():
    refused(lambda: read_positions(None), "'path_or_buffer'", "NoneType")


def test_a_quoted_value_over_several_lines_does_not_shift_the_line():
    text = HEADER + '\n"two\nlines",BTC,perp,long,1\n"three\nline\nname",BTC,perp,sell,1\n'
    refused(lambda: read_text(text), "line 4 ", "'side'", "'sell'")


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "desk.csv"
    path.write_text(HEADER + '\n"a\nb",BTC,perp,long,1\nc,BTC,perp,long,lots\n')
    refused(lambda: read_positions(path), "line 4 of desk.csv", "'notional'", "'lots'")


@pytest.mark.parametrize("positions, options, pieces", [
    (None, {}, ["'positions'", "NoneType"]),
    ([{"symbol": "BTC/USD:BTC-241399-60000-C", "side": "long", "contracts": 1,
       "contractSize": 1}], {}, ["position 1", "'symbol'", "expiry"]),
    ([{"symbol": "BTC/USD:BTC-241227-6..0-C", "side": "long", "contracts": 1,
       "contractSize": 1}], {}, ["position 1", "'symbol'", "strike"]),
    ([], {"as_of": "2024-06-27"}, ["'as_of'", "datetime"]),
    ([], {"underlying_prices": [60_000]}, ["'underlying_prices'", "dict"]),
])
def test_ccxt_inputs_that_cannot_be_read(positions, options, pieces):
    refused(lambda: from_ccxt_positions(positions, **options), *pieces)


def capped_run(*argv: str) -> subprocess.CompletedProcess:
    """Run Python with its memory capped at 1 GiB and 60 s, so a regression that reads without
    end fails this test instead of taking the machine down."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=60,
                          preexec_fn=cap, env={"MPLBACKEND": "Agg", "PATH": ""})


def test_a_file_without_end_is_not_read_without_limit():
    done = capped_run("-c", "import exposure_kit as ek\n"
                            "try:\n    ek.read_positions('/dev/zero')\n"
                            "except ValueError as e:\n    print(e)")
    assert done.returncode == 0 and "NUL" in done.stdout, done.stderr[-300:]
    done = capped_run("-m", "exposure_kit.cli", "report", "/dev/zero")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "NUL" in done.stderr
