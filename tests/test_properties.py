"""Properties every book must have, whatever its positions (hypothesis)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_kit as ek

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
    assert both.net_exposure(**options) == pytest.approx(0.0, abs=close_to(both.gross_exposure()))
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
