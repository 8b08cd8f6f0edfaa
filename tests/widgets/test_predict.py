"""Predictions that wait for the learner: a prediction shows nothing of its answer until the
learner acts; then it compares the guess with the answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit.widgets import Prediction

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
if str(REPO / "lessons") not in sys.path:
    sys.path.insert(0, str(REPO / "lessons"))
import build  # noqa: E402

PREDICTING = [stem for stem in build.STEMS if not stem.startswith("00")]



# ----- the widget -----------------------------------------------------------------------------------
def hedged_or_not() -> Prediction:
    # long 150,000 and short 100,000: net 50,000 long
    return Prediction("Hedged?", {"yes": "hedged", "long": "net long", "short": "net short"},
                      answer="long", reveal=lambda: "net: $50,000 net long",
                      explain="The short covers only its own size.")


def test_a_prediction_shows_nothing_of_its_answer_before_the_learner_acts():
    p = hedged_or_not()
    assert p.result.value == "" and p.shown.children == () and not p.revealed
    p._on_check()                        # pressed without a choice: asked to choose first
    assert "Make your prediction first" in p.result.value and not p.revealed


def test_a_wrong_guess_gets_the_answer_and_a_comparison():
    p = hedged_or_not()
    p.choose("yes")
    assert "You said hedged; it is net long." in p.result.value
    assert "The short covers only its own size." in p.result.value
    assert "$50,000 net long" in p.shown_text()


def test_a_right_guess_is_told_so_and_just_show_me_needs_no_guess():
    p = hedged_or_not()
    p.choose("long")
    assert "You said net long: right" in p.result.value
    q = hedged_or_not()
    q.show()
    assert "The answer: net long." in q.result.value and "$50,000" in q.shown_text()


def test_a_number_prediction_says_how_far_off_the_guess_is():
    # BTC 150,000 long falling 20 %: -30,000
    p = Prediction("P&L?", answer=-30_000, describe=ek.usd, close=0.25, reveal=lambda: "-$30,000")
    p.choose("-10,000")
    assert "You said -$10,000; it is -$30,000, 3.0 times the size you expected." in p.result.value
    p.choose("60000")
    assert "the other way from your guess" in p.result.value
    p.choose("-60,000")
    assert "about 50% of the size you expected" in p.result.value
    p.choose("-28k")
    assert "right" in p.result.value
    with pytest.raises(ValueError):
        Prediction("?", ["a", "b"], answer="c", reveal=lambda: "")


def test_a_chart_or_a_table_is_revealed_as_an_image_or_html():
    import matplotlib.pyplot as plt

    def chart():
        fig, ax = plt.subplots()
        ax.bar(["net"], [50_000])
        return [pd.DataFrame({"net": [50_000]}), fig]

    p = Prediction("?", ["a", "b"], answer="a", reveal=chart)
    p.show()
    kinds = [type(child).__name__ for child in p.shown.children]
    assert kinds == ["HTML", "Image"] and len(p.shown.children[1].value) > 1_000
