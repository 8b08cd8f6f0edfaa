"""Dashboards refuse what they cannot show: a constructor argument that is
not a valid number is a ValueError naming it, nothing out of range is clamped silently, and NaN
in a control is an error line, never a number computed as if it were something else."""

from __future__ import annotations

import math

import pytest

from exposure_kit import sample_book
from exposure_kit.widgets import (
    BookDashboard,
    BookExplorer,
    CrossHedgeDashboard,
    DriftDashboard,
    FundingBasisDashboard,
    HedgeRatioDashboard,
    LeverageDashboard,
    NetGrossDashboard,
    OptionDeltaDashboard,
    StressDashboard,
)
from exposure_kit.widgets._base import fraction_slider, money_slider

NOT_NUMBERS = [None, "lots", math.nan, math.inf, True, [1.0]]
# one size-like argument per dashboard, and a value its control does not offer
ARGUMENTS = [
    (NetGrossDashboard, "long", -1.0),
    (NetGrossDashboard, "short", -5.0),
    (HedgeRatioDashboard, "ratio", 2.0),
    (HedgeRatioDashboard, "collateral", 150_000.0),      # more than the 100,000 spot
    (HedgeRatioDashboard, "spot_notional", -100.0),
    (CrossHedgeDashboard, "correlation", 1.5),
    (CrossHedgeDashboard, "long_vol", 0.0),
    (LeverageDashboard, "equity", -1.0),
    (LeverageDashboard, "maintenance_margin_rate", 1.5),
    (DriftDashboard, "btc", 0.9),
    (StressDashboard, "equity", 1_000_000.0),
    (OptionDeltaDashboard, "spot", 10.0),
    (OptionDeltaDashboard, "years", 0.0),
    (OptionDeltaDashboard, "coins", -10.0),
    (FundingBasisDashboard, "funding_rate", 0.05),
    (FundingBasisDashboard, "notional", 0.0),
]


@pytest.mark.parametrize("cls, argument, _", ARGUMENTS)
@pytest.mark.parametrize("value", NOT_NUMBERS, ids=repr)
def test_an_argument_that_is_not_a_number_is_named(cls, argument, _, value):
    with pytest.raises(ValueError, match=f"'{argument}'"):
        cls(**{argument: value})


@pytest.mark.parametrize("cls, argument, value", ARGUMENTS)
def test_an_argument_out_of_range_is_refused_not_clamped(cls, argument, value):
    with pytest.raises(ValueError, match=f"'{argument}'.*{value!r}"):
        cls(**{argument: value})


def test_negative_equity_is_not_shown_as_1000():
    with pytest.raises(ValueError, match="'equity': must be at least 1,000, got -1.0"):
        LeverageDashboard(equity=-1.0)
    dash = LeverageDashboard(equity=25_000)           # in range: used as given
    # gross $150,000 + $100,000 = $250,000 on $25,000 of equity: 10x
    assert dash.controls["equity"].value == 25_000 and "10.00x gross" in dash.readout.value


@pytest.mark.parametrize("cls, argument, value", [
    (DriftDashboard, "hedge", "a hedge that does not exist"),
    (DriftDashboard, "seed", 2.5),
    (FundingBasisDashboard, "leg", "sideways"),
    (BookExplorer, "equity", -5.0),
])
def test_choices_and_whole_numbers(cls, argument, value):
    extra = {"book": sample_book("guide_example_1")} if cls is BookExplorer else {}
    with pytest.raises(ValueError, match=f"'{argument}'"):
        cls(**extra, **{argument: value})


def test_a_slider_never_clamps_its_starting_value():
    with pytest.raises(ValueError, match="outside the slider's range"):
        money_slider("Equity $", -1.0, 100_000, minimum=1_000)
    with pytest.raises(ValueError, match="outside the slider's range"):
        fraction_slider("Hedge ratio", 2.0, 0.0, 1.5)


def test_nan_collateral_is_an_error_line_not_zero():
    dash = HedgeRatioDashboard(collateral=20_000)
    before = dash.readout.value
    dash.controls["collateral"].value = math.nan
    assert dash.last_error and "'collateral'" in dash.last_error and "nan" in dash.last_error
    assert "collateral" in dash.error.value
    assert dash.readout.value == before                  # nothing computed from the NaN
    dash.controls["collateral"].value = 10_000.0
    assert dash.last_error is None and dash.error.value == ""


def test_nan_typed_into_the_explorer_equity_is_an_error_line():
    dash = BookExplorer(sample_book("guide_example_1"), equity=50_000)
    dash.controls["equity"].value = math.nan
    assert dash.last_error and "'equity'" in dash.last_error


@pytest.mark.parametrize("cls", [BookDashboard, StressDashboard, BookExplorer])
def test_a_book_argument_that_is_not_a_book_is_named(cls):
    with pytest.raises(ValueError, match="'book'.*got int"):
        cls(book=5)


def test_the_explorer_needs_a_book_and_a_missing_file_is_named():
    with pytest.raises(ValueError, match="'book'.*got NoneType"):
        BookExplorer(book=None)
    with pytest.raises(ValueError, match="no such file"):
        BookDashboard(book="no-such-book.csv")
