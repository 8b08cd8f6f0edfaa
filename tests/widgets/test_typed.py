"""What a learner types into a dashboard's value box, without a browser.

The values are read the way the box's rule says (exposure_kit/widgets/_typed.py): ``%`` marks a
percent; a bare number is a fraction when it lies in the range as one, else a number of percent;
dollars take commas, ``$`` and k/m. Out of range or not a number: a sentence, the value kept.
"""

from __future__ import annotations

import pytest

import exposure_kit as ek
from exposure_kit import widgets
from exposure_kit.widgets._typed import TypedValueError, read_typed

HEDGE = (0.0, 1.5, ".0%")           # lesson 03's hedge ratio: 0 % to 150 %


@pytest.mark.parametrize("text", ["100", "100%", "100 %", "1", " 100% ", "1.0", "100.0%"])
def test_every_way_of_writing_one_hundred_percent_is_one_hundred_percent(text):
    assert read_typed(text, *HEDGE) == 1.0


@pytest.mark.parametrize("text, meant", [
    ("50%", 0.5), ("75 %", 0.75), ("75", 0.75), ("0.75", 0.75), ("1.2", 1.2), ("120", 1.2),
    ("150%", 1.5), ("0", 0.0), ("0%", 0.0), ("2", 0.02),      # 2 is not a fraction of 0-1.5
])
def test_a_bare_number_is_a_fraction_in_range_else_percent(text, meant):
    assert read_typed(text, *HEDGE) == pytest.approx(meant)


@pytest.mark.parametrize("text", ["200", "200%", "151 %", "-5%", "-0.1"])
def test_out_of_range_says_so_and_names_the_range(text):
    with pytest.raises(TypedValueError, match=r"Hedge ratio: .* is outside the range 0% to 150%"):
        read_typed(text, *HEDGE, name="Hedge ratio")


@pytest.mark.parametrize("text", ["", "abc", "50%%", "0,5", "40,00", "1.2.3", "%"])
def test_text_that_is_not_a_number_is_refused_in_a_sentence(text):
    with pytest.raises(TypedValueError, match="is not a number; type e.g. 75% or 0.75"):
        read_typed(text, *HEDGE, name="Hedge ratio")


@pytest.mark.parametrize("text, meant", [
    ("150000", 150_000), ("150,000", 150_000), ("$150,000", 150_000), ("150k", 150_000),
    ("150 K", 150_000), ("0.3m", 300_000), ("$300k", 300_000), ("1,000,000", 1_000_000)])
def test_dollars_take_commas_dollar_signs_and_k_or_m(text, meant):
    assert read_typed(text, 0, 1_000_000, ",.0f") == pytest.approx(meant)


def test_signs_fractions_of_a_coin_and_the_unicode_minus():
    # lesson 10 asks for a -1.15 BTC perp: the slider's step must not round it to -1.1
    assert read_typed("-1.15", -20, 20, "+.2f") == -1.15
    assert read_typed("−1.15", -20, 20, "+.2f") == -1.15
    # the funding rate per 8 h: traders quote 0.01 % and type 0.01
    assert read_typed("0.01", -0.001, 0.001, ".3%") == pytest.approx(0.0001)
    assert read_typed("0.01%", -0.001, 0.001, ".3%") == pytest.approx(0.0001)
    # a correlation shown as a plain number still takes a percent
    assert read_typed("80%", -1, 1, ".2f") == pytest.approx(0.8)


def test_typing_100_in_lesson_03s_box_hedges_the_whole_holding():
    """$100,000 of BTC held, a short perp of 100 %: $100,000 short, net $0 (by hand)."""
    dash = widgets.HedgeRatioDashboard(spot_notional=100_000, ratio=0.5)
    box = dash.rows["ratio"].children[1]
    for text in ("100", "100%", "100 %", "1"):
        dash.controls["ratio"].value = 0.5
        box.value = text
        assert dash.controls["ratio"].value == 1.0, text
        assert box.value == "100%"
        assert "$100,000" in dash.readout.value and dash.last_error is None


def test_a_refused_value_shows_in_the_dashboard_and_changes_nothing():
    dash = widgets.HedgeRatioDashboard(spot_notional=100_000, ratio=0.5)
    before = dash.readout.value
    box = dash.rows["ratio"].children[1]
    box.value = "200%"
    assert dash.controls["ratio"].value == 0.5 and box.value == "50%"
    assert "outside the range 0% to 150%" in dash.error.value
    assert dash.readout.value == before
    box.value = "75%"                 # the next good value clears the message
    assert dash.error.value == "" and dash.controls["ratio"].value == 0.75


def test_lesson_08s_hedge_takes_minus_1_15_btc_and_the_slider_steps_reach_it():
    dash = widgets.OptionDeltaDashboard(strike=90_000, hedge_coins=10)
    hedge = dash.controls["hedge"]
    assert round(1.15 / hedge.step, 9).is_integer()          # a step of 0.01 BTC or finer
    dash.rows["hedge"].children[1].value = "-1.15"
    assert hedge.value == -1.15 and dash.last_error is None


def test_every_dashboard_slider_has_a_box_and_no_misreading_readout():
    """No slider of a dollar or percent amount keeps ipywidgets' own editable readout."""
    import chart_support as cs
    for lesson, build in cs.lesson_dashboards().items():
        dash = build()
        for name, control in dash.controls.items():
            if getattr(control, "readout_format", None) and name not in dash.rows:
                pytest.fail(f"lesson {lesson}: {name} has no typed-value box")
            if name in dash.rows and hasattr(control, "readout"):   # a slider, not a text box
                assert control.readout is False, (lesson, name)


def test_typed_money_in_lesson_01_gives_the_engines_net():
    dash = widgets.NetGrossDashboard(long=150_000, short=100_000)
    dash.rows["short"].children[1].value = "$300k"
    assert dash.controls["short"].value == 300_000
    assert ek.usd(150_000 - 300_000) in dash.readout.value       # net $-150,000, by hand


def test_a_value_between_steps_goes_to_the_nearest_step_and_says_so():
    """Lesson 09's largest move steps by 5 %: 23 % is set to 25 %, with a sentence."""
    dash = widgets.StressDashboard()
    dash.rows["max_move"].children[1].value = "23%"
    assert dash.controls["max_move"].value == pytest.approx(0.25)
    assert "steps of 5%; it is set to 25%" in dash.last_error
