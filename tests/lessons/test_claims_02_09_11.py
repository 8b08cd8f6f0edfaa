"""Lessons 02, 09 and 11 after a desk's read (issue 22): each printed claim against a hand
computation written out beside it, and the wording a desk flagged kept out."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_lesson_claims import lesson_source as source, printed

from exposure_kit.exercises import lesson02, lesson09

REPO = Path(__file__).resolve().parents[2]


def cells(stem: str) -> list[dict]:
    return json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text())["cells"]


# ----- lesson 02 -------------------------------------------------------------------------------
def test_lesson02_per_asset_table_comes_after_the_held_back_dashboard():
    # BTC net $100,000 and ETH net -$70,000 add up to the prediction's answer ($30,000): the
    # table must not sit between the question and its reveal
    code = ["".join(c["source"]) for c in cells("02_net_formula") if c["cell_type"] == "code"]
    asked = next(i for i, s in enumerate(code) if "Prediction.for_lesson" in s)
    held = next(i for i, s in enumerate(code) if "predict_net.then(" in s)
    table = next(i for i, s in enumerate(code) if "book.by('underlying')" in s)
    assert asked < held < table


def test_lesson02_flipping_a_side_moves_the_net_twice_its_size():
    # guide book: BTC 120,000 long, BTC 20,000 short, ETH 70,000 short: net 30,000;
    # ETH flipped to long: 120,000 + 70,000 - 20,000 = 170,000, a change of 140,000 = 2 x 70,000
    out = printed("02_net_formula")
    assert "the flip changes the net by $140,000 = 2 x $70,000" in out
    assert "$170,000" not in out          # the net after the flip, 30,000 + 140,000, would tell


def test_lesson02_layered_book_states_its_shares():
    # perp 1.5 x 60,000 = 90,000 against 2 x 60,000 = 120,000 held: 75 %;
    # net 105,000 / 120,000 = 87.5 %, printed 88 %
    assert ("the perp hedges 75% of the BTC held; the whole book's net is 88% of the BTC held"
            in printed("02_net_formula"))
    assert "nearly as net long as the BTC" not in source("02_net_formula")


def test_exercise02_q6_keys_on_the_5_percent_band():
    # long 2.5 x 64,000 + 300 x 150 = 205,000; short 20 x 3,100 + 0.8 x 64,500 = 113,600
    # net 91,400 / gross 318,600 = 28.7 % (printed 29 %): outside +-5 %, positive, so it leans long: (b)
    assert "5 %" in lesson02.q6.prompt and "5 %" in lesson02.q6.hints[1]
    assert lesson02.q6.check("b").correct
    assert not lesson02.q6.check("a").correct and not lesson02.q6.check("c").correct
    assert "29%" in lesson02.q6.working


# ----- lesson 09 -------------------------------------------------------------------------------
def test_lesson09_cross_account_liquidating_moves():
    # equity 50,000; maintenance 1 % of the gross: 0.01 x (150,000 + 100,200 + 49,200) = 2,994
    # BTC alone falls m: 50,000 - 100,800 m = 0.01 x (199,200 (1 - m) + 100,200)
    #   = 2,994 - 1,992 m, so m = 47,006 / 98,808 = 0.4757: -47.6 %
    # both, m each way: 50,000 - (100,800 + 100,200) m = 2,994 - 1,992 m + 1,002 m,
    #   so m = 47,006 / 200,010 = 0.23502: the first 0.1 % step past it is 23.6 %
    out = printed("09_stress_and_false_neutrality")
    assert "BTC fall that liquidates on its own: -47.6%" in out
    assert "both at once, the same size each way: BTC -23.6% with ETH +23.6%" in out


def test_lesson09_short_leg_loss_is_a_multiple_of_its_margin():
    # the worst loss printed over 500,000 / 10 = 50,000 of initial margin
    line = next(t for t in printed("09_stress_and_false_neutrality").splitlines()
                if t.startswith("worst loss of the future short alone"))
    loss, times = re.search(r"-\$([\d,]+) = ([\d.]+) times", line).groups()
    assert "($50,000)" in line
    assert round(float(loss.replace(",", "")) / 50_000, 1) == float(times)


def held_back_texts(stem: str) -> str:
    """The text of the notebook's widgets as saved (what a prediction holds back, for one)."""
    notebook = json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text())
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return "\n".join(model["state"]["value"] for model in state.values()
                     if isinstance(model["state"].get("value"), str))


def test_lesson09_funding_stress_has_a_yardstick():
    # 0.001 x 3 x 365 = 1.095 (110 %); 0.0001 x 3 x 365 = 0.1095 (11 %)
    assert ("(funding of 0.100 % per 8h is 110% a year; the usual 0.01 % is 11%)"
            in held_back_texts("09_stress_and_false_neutrality"))


def test_lesson09_stress_table_waits_for_the_prediction():
    # "one leg gaps" moves BTC alone by -30 % (-$30,240): scaled to -20 % it is the prediction's
    # answer, so the table is held back by the prediction, not printed under it
    code = ["".join(c["source"]) for c in cells("09_stress_and_false_neutrality")
            if c["cell_type"] == "code"]
    table = next(s for s in code if "ek.stress_test(book)" in s)
    assert "predict_loss.then(" in table and "print(" not in table
    assert "one leg gaps       -$30,240" in held_back_texts("09_stress_and_false_neutrality")


def test_lesson09_and_exercise_say_liquidation_not_margin_call():
    # crypto venues liquidate at maintenance with no time to pay in; Hull's futures broker
    # calls for margin and waits
    text = source("09_stress_and_false_neutrality")
    assert "There is no margin call" not in text and "gives no time to pay in" in text
    assert "margin call" not in lesson09.q2.working
    assert "Overnight" not in lesson09.q3.prompt and "days" not in lesson09.q4.prompt


# ----- lesson 11 -------------------------------------------------------------------------------
def test_lesson11_carry_rally_against_three_weeks_of_btc():
    # 0.60 x sqrt(21 / 365) = 0.60 x 0.23986 = 0.14392: 14.4 %;
    # the short is liquidated at 110,000 / 2.01 = 54,726.37, +9.4527 %: 0.0945 / 0.1439 = 0.66
    out = printed("11_relative_value_and_funding")
    assert "BTC's three-week standard deviation: 14.4%; that rally is 0.66 of them" in out
    assert "rallies that far within a few weeks often" not in source("11_relative_value_and_funding")


def test_lesson11_funding_zero_at_minus_five_bp_and_perp_basis_pays_the_short():
    out = printed("11_relative_value_and_funding")
    # premium -0.05 %: 0.01 % + 0.05 % = 0.06 % clamped to 0.05 %: -0.05 % + 0.05 % = 0
    assert "premium index -0.05%: funding +0.000% per 8h" in out
    # the perp 0.2 % above spot on a 100,000 short: -200; funding 0.2 % + clamp(0.01 % - 0.2 %)
    # = 0.2 % - 0.05 % = 0.15 % of 100,000 = 150 received each 8 hours
    assert "basis widens 0.2%: -$200" in out
    assert "funding at that premium: +0.150% per 8h, the short receives $150.00 each period" in out


def test_lesson11_nothing_under_the_prediction_says_the_reading_decides():
    text = source("11_relative_value_and_funding")
    asked = text.index("Prediction.for_lesson('11'")
    assert "Say which account you run" not in text
    assert "reading" not in text[asked:text.index("## Key points")]
