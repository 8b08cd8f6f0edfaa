"""Dollar amounts typed as traders write them (issue 23, learner read finding 8): lesson 12's
equity box read "1.7M" as 1.7 (gross leverage 9,085,365.83x) and answered "-5" with
"field 'equity': must be positive". Every money box takes k, m and bn; refusals are sentences."""

from __future__ import annotations

import pytest

import exposure_kit as ek
from exposure_kit.widgets import BookExplorer
from exposure_kit.widgets._typed import TypedValueError, read_amount, read_typed


@pytest.mark.parametrize("text, meant", [
    ("1.7M", 1_700_000.0), ("1.7m", 1_700_000.0), ("2,000,000", 2_000_000.0),
    ("$2,000,000", 2_000_000.0), ("250k", 250_000.0), ("1.5bn", 1_500_000_000.0),
    ("2B", 2_000_000_000.0), ("0", 0.0), ("", 0.0)])
def test_an_amount_takes_separators_and_k_m_bn(text, meant):
    assert read_amount(text) == meant


def test_every_money_box_takes_bn_too():
    assert read_typed("0.3bn", 0, 1e9, ",.0f") == 300_000_000.0


@pytest.mark.parametrize("text, words", [
    ("-5", "cannot be negative"), ("1.7 million", "not an amount in dollars"),
    ("2,00,000", "not an amount in dollars")])
def test_a_refused_amount_is_a_sentence_without_field_names(text, words):
    with pytest.raises(TypedValueError) as refused:
        read_amount(text)
    assert words in str(refused.value) and "field" not in str(refused.value)
    assert "The value was not changed." in str(refused.value)


def guide_book():
    return ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
        {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000}])


def test_lesson_10s_equity_box_reads_millions_and_refuses_a_negative():
    dash = BookExplorer(guide_book(), equity=1_000_000)
    box = dash.rows["equity"].children[0]
    assert box.value == "1,000,000" and box.description.startswith("Equity")
    box.value = "0.25M"
    # gross 250,000 / equity 250,000 = 1.00x; net 50,000 / 250,000 = 0.20x
    assert dash.controls["equity"].value == 250_000
    assert "1.00x" in dash.readout.value and "0.20x" in dash.readout.value
    assert box.value == "250,000"
    box.value = "-5"
    assert "cannot be negative" in dash.last_error and "field" not in dash.error.value
    assert dash.controls["equity"].value == 250_000 and box.value == "250,000"
    box.value = "1.7M"
    # 250,000 / 1,700,000 = 0.147x gross
    assert "0.15x" in dash.readout.value and dash.last_error is None
