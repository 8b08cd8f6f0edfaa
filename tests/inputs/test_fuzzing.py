"""Random bytes, random CSV and random JSON fed to ``read_positions`` and to the command line:
the only outcomes allowed are a clear ``PositionError`` (a ValueError naming where)
or a book that reads back equal from what it is written as; never an empty book from lines that
hold values, never another exception, never a traceback from the command line."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from exposure_kit import Book, PositionError, read_positions, write_positions
from exposure_kit.cli import main

FAST = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# text a desk (or someone testing the loader) might put in a cell
tricky = st.text(st.sampled_from(list("ab 1.-+=@'\",\r\n\t;é") + ["\u00a0", "\ufeff"]),
                 max_size=8)
number_text = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                        st.integers(-10**20, 10**20).map(str), st.just("1e400"), st.just(""))
def mostly(valid: list[str], other) -> st.SearchStrategy:
    """A valid value three times in four, something else otherwise."""
    good = st.sampled_from(valid)
    return st.one_of(good, good, good, other)


# a file that should load: valid values, and free text only where any text is allowed
CLEAN = {"underlying": st.sampled_from(["BTC", "ETH", " sol "]),
         "kind": st.sampled_from(["perp", "spot", "future", "PERP"]),
         "side": st.sampled_from(["long", "short", " Short"]),
         "notional": st.sampled_from(["100", "2.5e4", "0", "1e-3"]),
         "name": tricky.filter(str.strip), "venue": tricky, "account": tricky,
         "mmr": st.sampled_from(["0.005", "1e-05", ""]), "inverse": st.sampled_from(["", "false"])}


CELLS = {
    "underlying": mostly(["BTC", "ETH", " sol "], tricky),
    "kind": mostly(["perp", "spot", "future", "collateral", "PERP"], tricky),
    "side": mostly(["long", "short", " Short"], tricky),
    "notional": mostly(["100", "2.5e4", "0", "1e-3"], number_text | tricky),
    "name": tricky,
    "venue": tricky,
    "account": mostly(["001", "17"], tricky),
    "mmr": mostly(["0.005", "1e-05"], number_text),
    "inverse": st.sampled_from(["", "true", "false", "maybe"]),
}


# the same without quotes, commas or line breaks in any value: most desks' files
plain_text = st.text(st.sampled_from(list("ab 01.-+=@'\t;")), max_size=6)
PLAIN = {**CLEAN, "name": plain_text.filter(str.strip), "venue": plain_text,
         "account": plain_text}


@st.composite
def csv_texts(draw) -> str:
    columns = draw(st.lists(st.sampled_from(list(CELLS)), min_size=1, max_size=7, unique=True))
    if draw(st.integers(0, 3)):   # most files name the three required columns
        columns = list(dict.fromkeys(["underlying", "kind", "side", "notional", *columns]))
    cells = draw(st.sampled_from([CLEAN, PLAIN, CELLS]))
    rows = draw(st.lists(st.tuples(*(cells[c] for c in columns)), min_size=1, max_size=4))
    buffer = io.StringIO()
    # "\r\n": a lone \r in a value is quoted too; plain "\n" with minimal quoting is what most
    # files look like (and may break a value with \r in it, which must then be refused)
    ending, quoting = draw(st.sampled_from([("\n", csv.QUOTE_ALL), ("\r\n", csv.QUOTE_MINIMAL),
                                            ("\n", csv.QUOTE_MINIMAL)]))
    writer = csv.writer(buffer, lineterminator=ending, quoting=quoting)
    if draw(st.integers(0, 7)):   # now and then the header line is left out
        writer.writerow(columns)
    for row in rows:
        cut = draw(st.integers(0, 15))   # now and then a field too few or too many
        writer.writerow(list(row)[:-1] if cut == 1 else [*row, "surplus"] if cut == 2 else
                        list(row))
    if draw(st.integers(0, 3)) == 0:
        buffer.write(draw(st.sampled_from(["\n", ",,,\n", "\"open quote\n", "a,\"b\"c\n"])))
    return buffer.getvalue()


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**400),
                         st.floats(), tricky, st.sampled_from(["BTC", "perp", "long", "short"]))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(tricky, inner, max_size=3)), max_leaves=6)


@st.composite
def json_texts(draw) -> str:
    def record():
        fixed = {"underlying": st.sampled_from(["BTC", "ETH"]) | json_values,
                 "kind": st.sampled_from(["perp", "spot"]) | json_values,
                 "side": st.sampled_from(["long", "short"]) | json_values,
                 "notional": st.floats(0, 1e9) | json_values}
        extra = st.dictionaries(st.sampled_from(["name", "venue", "mmr", "", "0"]), json_values,
                                max_size=3)
        return st.builds(lambda a, b: {**b, **a}, st.fixed_dictionaries(fixed), extra)
    records = draw(st.lists(record(), max_size=4))
    shape = draw(st.sampled_from(["list", "object", "other"]))
    data = records if shape == "list" else {"positions": records} if shape == "object" else \
        draw(json_values)
    return json.dumps(data)


def check_outcome(data: str | bytes, fmt: str) -> None:
    buffer = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    try:
        book = read_positions(buffer, format=fmt)
    except PositionError as error:
        assert isinstance(error, ValueError) and str(error)
        return
    if len(book) == 0 and fmt == "csv":
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert not any(any(f.strip() for f in row) for row in rows[1:]), text
    if len(book) == 0 and fmt == "json":
        loaded = json.loads(data)
        assert (loaded.get("positions") if isinstance(loaded, dict) else loaded) == []
    for out in ("csv", "json"):
        written = io.StringIO()
        try:
            write_positions(book, written, format=out)
        except PositionError:
            assert out != fmt, f"a book read from {fmt} must write back as {fmt}"
            continue
        assert read_positions(io.StringIO(written.getvalue()), format=out) == book


def check_cli(data: str | bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"book{suffix}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["report", str(path), "--format", "json"])
    if status == 0:
        json.loads(out.getvalue())                       # valid JSON: never NaN
        assert err.getvalue() == ""
    else:
        assert status == 2 and out.getvalue() == ""
        assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("exposure-kit: ")


@FAST
@given(st.binary(max_size=200), st.sampled_from(["csv", "json"]))
def test_random_bytes(data, fmt):
    check_outcome(data, fmt)
    check_cli(data, "." + fmt)


def outcome(text: str):
    try:
        return read_positions(io.StringIO(text), format="csv")
    except PositionError as error:
        return str(error)


@FAST
@given(csv_texts())
def test_random_csv(text):
    check_outcome(text, "csv")
    check_cli(text, ".csv")
    if '"' not in text and "\r" not in text and text.strip():
        # a file without quotes is split line by line, the fast way; quoting the first header
        # name sends the same file through the csv module's reader: the outcome must not change
        first, sep, rest = text.partition(",") if "," in text.split("\n")[0] else \
            text.partition("\n")
        assert outcome(text) == outcome(f'"{first}"{sep}{rest}')


@FAST
@given(json_texts())
def test_random_json(text):
    check_outcome(text, "json")
    check_cli(text, ".json")


def test_the_generators_reach_books_as_well_as_errors():
    """The fuzzing is worth something only if some random files load: count both outcomes."""
    loaded = refused = 0

    @settings(max_examples=80, deadline=None, derandomize=True)
    @given(csv_texts())
    def count(text):
        nonlocal loaded, refused
        try:
            loaded += len(read_positions(io.StringIO(text), format="csv")) > 0
        except PositionError:
            refused += 1
    count()
    assert loaded >= 5 and refused >= 20, (loaded, refused)


def test_an_empty_book_needs_no_values():
    assert Book() == read_positions(io.StringIO("name,underlying,kind,side,notional\n\n,,,,\n"))
