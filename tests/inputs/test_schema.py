"""Every bad input of DESIGN.md gets a ValueError naming the row and the field."""

import math

import pandas as pd
import pytest

import exposure_kit as ek

GOOD = {"name": "ok", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 1_000.0}
OPTION = {"name": "opt", "underlying": "BTC", "kind": "option", "side": "long", "quantity": 1.0,
          "price": 60_000.0, "strike": 60_000.0, "years": 0.25, "volatility": 0.6,
          "option_type": "call"}


def bad_book(**changes):
    """A two-row book whose second row (row 1) carries the bad value."""
    row = {key: value for key, value in (GOOD | changes).items() if value is not ...}
    return ek.Book.from_records([GOOD, row | {"name": "bad"}])


def bad_option(**changes):
    row = {key: value for key, value in (OPTION | changes).items() if value is not ...}
    return ek.Book.from_records([GOOD, row | {"name": "bad"}])


CASES = {
    "unknown side": (lambda: bad_book(side="sideways"), "side"),
    "unknown kind": (lambda: bad_book(kind="swaption"), "kind"),
    "negative notional": (lambda: bad_book(notional=-5.0), "notional"),
    "negative quantity": (lambda: bad_book(notional=..., quantity=-1.0, price=10.0), "quantity"),
    "NaN notional and no quantity": (lambda: bad_book(notional=math.nan), "notional"),
    "NaN price for a quantity": (lambda: bad_book(notional=..., quantity=1.0, price=math.nan),
                                 "price"),
    "infinite notional": (lambda: bad_book(notional=math.inf), "notional"),
    "infinite price": (lambda: bad_book(price=-math.inf), "price"),
    "missing price": (lambda: bad_book(notional=..., quantity=2.0), "price"),
    "zero price": (lambda: bad_book(notional=..., quantity=2.0, price=0.0), "price"),
    "negative price": (lambda: bad_book(notional=..., quantity=2.0, price=-3.0), "price"),
    "text for a number": (lambda: bad_book(notional="a lot"), "notional"),
    "text for a price": (lambda: bad_book(notional=..., quantity=1.0, price="n/a"), "price"),
    "missing underlying": (lambda: bad_book(underlying=None), "underlying"),
    "number for underlying": (lambda: bad_book(underlying=7), "underlying"),
    "inverse without face": (lambda: bad_book(notional=..., quantity=10.0, inverse=True,
                                              price=50_000.0), "contract_size"),
    "inverse flag not a flag": (lambda: bad_book(inverse="maybe"), "inverse"),
    "short collateral": (lambda: bad_book(kind="collateral", side="short"), "side"),
    "inverse option": (lambda: bad_option(inverse=True, contract_size=1.0), "inverse"),
    "notional disagrees with quantity": (lambda: bad_book(quantity=1.0, price=2_000.0), "notional"),
    "option without time": (lambda: bad_option(years=...), "years"),
    "option without volatility": (lambda: bad_option(volatility=...), "volatility"),
    "option with zero volatility": (lambda: bad_option(volatility=0.0), "volatility"),
    "option without type": (lambda: bad_option(option_type=...), "option_type"),
    "option of unknown type": (lambda: bad_option(option_type="straddle"), "option_type"),
    "option without strike": (lambda: bad_option(strike=...), "strike"),
    "option without price": (lambda: bad_option(price=...), "price"),
    "delta outside [-1, 1]": (lambda: bad_option(delta=1.5), "delta"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_position_names_row_and_field(case):
    build, field = CASES[case]
    with pytest.raises(ek.PositionError) as info:
        build()
    assert isinstance(info.value, ValueError)
    assert info.value.field == field
    assert info.value.row == 1
    assert f"field {field!r}" in str(info.value)
    assert "row 1 ('bad')" in str(info.value)


def test_missing_and_duplicated_columns():
    with pytest.raises(ValueError, match="'side'.*missing"):
        ek.Book.from_frame(pd.DataFrame({"underlying": ["BTC"], "kind": ["perp"],
                                         "notional": [1.0]}))
    frame = pd.DataFrame([["BTC", "perp", "long", 1.0, 2.0]],
                         columns=["underlying", "kind", "side", "notional", "notional"])
    with pytest.raises(ValueError, match="notional.*more than once"):
        ek.Book.from_frame(frame)


def test_rows_are_named_by_the_frame_index():
    frame = pd.DataFrame([GOOD, GOOD | {"side": "up"}], index=[2, 3])
    with pytest.raises(ek.PositionError, match="row 3") as info:
        ek.Book.from_frame(frame)
    assert info.value.row == 3
