"""Each lesson's predictions, driven: the numbers they reveal checked against the guide's worked
examples (worked by hand in the comments); the stored lesson notebooks hold no prediction's answer
under its question."""

from __future__ import annotations

import html
import math
import re
import sys
from pathlib import Path

import nbformat
import pytest

import exposure_kit as ek
from exposure_kit.exercises._quiz import states_numbers
from exposure_kit.widgets import Prediction

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
if str(REPO / "lessons") not in sys.path:
    sys.path.insert(0, str(REPO / "lessons"))
import build  # noqa: E402
import sweep_support as sw  # noqa: E402

PREDICTING = [stem for stem in build.STEMS if not stem.startswith("00")]



# ----- the lessons' predictions, driven ------------------------------------------------------------
def lesson_predictions(stem: str) -> dict[str, Prediction]:
    """Run the lesson's code cells (the JupyterLab build) up to its last prediction; return the
    predictions by name."""
    import matplotlib
    matplotlib.use("Agg")
    cells = [source for kind, source in build.cells_for(stem) if kind == "code"]
    last = max(i for i, source in enumerate(cells) if "Prediction.for_lesson(" in source)
    namespace: dict = {}
    for source in cells[:last + 1]:
        exec(compile(source, stem, "exec"), namespace)  # noqa: S102
    return {k: v for k, v in namespace.items() if isinstance(v, Prediction)}


def reveal_after_a_wrong_guess(prediction: Prediction) -> str:
    assert prediction.shown.children == () and prediction.result.value == ""
    if prediction.options is not None:
        wrong = next(k for k in prediction.options if k != prediction.answer)
        prediction.choose(wrong)
        assert "; it is" in prediction.result.value
    else:
        prediction.choose(str(float(prediction.answer) * 3 + 1_000))
        assert "it is" in prediction.result.value
    return prediction.shown_text()


def test_lesson01_prediction_reveals_the_guides_first_book():
    (p,) = lesson_predictions("01_net_vs_gross").values()
    # the guide's first example: long 150,000, short 100,000
    assert p.answer == "long"
    text = reveal_after_a_wrong_guess(p)
    assert "$50,000 net long" in text and "gross exposure: $250,000" in text


def test_lesson02_prediction_reveals_the_guides_second_book():
    (p,) = lesson_predictions("02_net_formula").values()
    # the guide's second book: 120,000 long, 70,000 + 20,000 short: net 30,000, gross 210,000
    assert p.answer == pytest.approx(30_000)
    text = reveal_after_a_wrong_guess(p)
    assert "short = $90,000" in text and "$30,000 net long" in text and "gross = $210,000" in text


def test_lesson04_prediction_reveals_the_risk_left_at_two_correlations():
    p = lesson_predictions("04_beta_and_correlation")["predict_risk"]
    # 150,000 BTC (vol 60 %) against 100,000 ETH (vol 90 %): variance 90,000^2 + 90,000^2
    # - 2 rho 90,000 x 90,000, so sqrt(3.24e9) = 56,921 at rho 0.8, sqrt(11.34e9) = 106,489 at 0.3;
    # the BTC long alone: 150,000 x 0.6 = 90,000
    assert p.answer == "up"
    text = reveal_after_a_wrong_guess(p)
    assert "one-year risk left $56,921" in text and "one-year risk left $106,489" in text
    assert "risk of the BTC long alone: $90,000" in text


def test_lesson07_prediction_reveals_the_drift():
    found = lesson_predictions("07_drift_after_price_moves")
    # 2 BTC at 50,000 (100,000) against 100,000 of ETH short: BTC -20 % -> 80,000, ETH +10 % ->
    # 110,000 short: 30,000 net short
    lean = found["predict_lean"]
    assert lean.answer == "short"
    assert "$30,000 net short" in reveal_after_a_wrong_guess(lean)


def test_lesson08_prediction_reveals_the_two_readings():
    found = lesson_predictions("08_inverse_contracts")
    # an inverse short of $100,000 face after BTC -20 %: 80,000 - 100,000 = 20,000 net short at
    # face; its profit kept in coin, 100,000 / 40,000 - 100,000 / 50,000 = 0.5 BTC, worth
    # 0.5 x 40,000 = 20,000, makes it flat
    # face - 2 BTC held = 2.5 - 2 = 0.5 BTC: the account that keeps it holds what it hedges
    reading = found["predict_reading"]
    assert reading.answer == "flat"
    text = html.unescape(reveal_after_a_wrong_guess(reading))
    assert "inverse, face reading (coin left out): $20,000 net short" in text
    assert "inverse, coin-P&L reading (held)     : flat ($0 net)" in text
    assert "linear short                         : flat" in text


def test_lesson11_prediction_reveals_the_inverse_carry_drift():
    found = lesson_predictions("11_relative_value_and_funding")
    p = found["predict_flat"]
    # 2 BTC at 50,000 against 1,000 inverse contracts of $100: after -30 %, 70,000 - 100,000
    # at face; an account that keeps the short's coin profit (2 BTC x 0.3 / 0.7 more coin, worth
    # 0.6 x 50,000 = 30,000 at 35,000) is still flat
    assert p.answer == ("flat", "short")
    text = reveal_after_a_wrong_guess(p)
    assert "inverse perp after -30%, coin profit sold for dollars (face reading): $30,000 net short" in text
    assert "inverse perp after -30%, coin profit kept: flat ($0 net)" in text
    assert " linear perp after -30%: flat ($0 net)" in text


def test_lesson03_predictions_reveal_the_hedges_and_the_margin_coin():
    found = lesson_predictions("03_hedging_spot_with_perps")
    # 2 BTC at 50,000 = 100,000 held: a 130 % hedge is a 130,000 short, 30,000 net short
    short = found["predict_short"]
    assert short.answer == 1.3
    text = reveal_after_a_wrong_guess(short)
    assert "$50,000 net long" in text and "flat ($0 net)" in text and "$30,000 net short" in text
    # 0.5 BTC of margin at 50,000 = 25,000 of long nobody hedged
    flat = found["predict_flat"]
    assert flat.answer == "under-hedged"
    text = reveal_after_a_wrong_guess(flat)
    assert "$25,000 net long" in text and "extra short needed: $25,000" in text


def test_lesson06_prediction_reveals_the_moves_that_liquidate():
    (p,) = lesson_predictions("06_leverage_and_margin").values()
    # BTC 8 x 60,000 = 480,000 long, ETH 155 x 3,000 = 465,000 short, 50,000 equity, mmr 1 %:
    # maintenance 0.01 x 945,000 = 9,450. BTC move m: 50,000 + 480,000 m = 0.01 (480,000 (1 + m)
    # + 465,000), so m = -40,550 / 475,200 = -8.5 %; ETH: m = 40,550 / 469,650 = +8.6 %
    assert p.answer == "less"
    text = reveal_after_a_wrong_guess(p)
    assert "maintenance margin: $9,450" in text
    assert "BTC move that liquidates alone: -8.5%" in text
    assert "ETH move that liquidates alone: +8.6%" in text
    assert "gross leverage: 18.9x" in text


def test_lesson09_prediction_reveals_the_loss_of_btc_alone():
    (p,) = lesson_predictions("09_stress_and_false_neutrality").values()
    # BTC perp 2.5 x 60,000 = 150,000 long loses 30,000; the BTC quarterly short
    # 0.8 x 61,500 = 49,200 gains 9,840: -20,160
    assert p.answer == pytest.approx(-20_160)
    text = reveal_after_a_wrong_guess(p)
    assert "-$20,160" in text


def test_lesson10_prediction_reveals_the_delta_of_far_calls():
    (p,) = lesson_predictions("10_options_and_delta").values()
    # d1 = (ln(60/90) + 0.6^2 x 0.25 / 2) / (0.6 x 0.5) = -1.2016; N(d1) = 0.115
    d1 = (math.log(60 / 90) + 0.6 ** 2 * 0.25 / 2) / (0.6 * 0.5)
    delta = 0.5 * (1 + math.erf(d1 / math.sqrt(2)))
    assert p.answer == "short"
    text = reveal_after_a_wrong_guess(p)
    assert f"call delta: {delta:.3f}" in text and "0.115" in text
    # 10 calls x 0.1148 x 60,000 - 10 x 60,000, about 531,000 net short
    assert "net by delta   : $531," in text and "net short" in text


def test_lesson12_prediction_reveals_the_venues_by_gross():
    p = lesson_predictions("12_your_own_book")["predict_venue"]
    text = reveal_after_a_wrong_guess(p)
    venues = ek.sample_book("desk_book").by("venue")
    assert p.answer == venues["gross"].idxmax()
    table = text.split("<pre", 1)[1]
    order = sorted(venues.index, key=lambda v: table.index(f"\n{v} "))
    assert order == list(venues["gross"].sort_values(ascending=False).index)


def test_predictions_with_a_chart_reveal_it_only_on_request():
    band = lesson_predictions("05_hedges_from_price_history")["predict_band"]
    assert band.shown.children == ()
    text = reveal_after_a_wrong_guess(band)
    assert "90-day beta ranged from" in text and "beta over the whole four years" in text
    assert [type(c).__name__ for c in band.shown.children] == ["Image", "HTML"]
    month = lesson_predictions("12_your_own_book")["predict_month"]
    text = reveal_after_a_wrong_guess(month)
    assert "largest net long :" in text and "largest net short:" in text
    assert type(month.shown.children[0]).__name__ == "Image"


# ----- the stored notebooks ---------------------------------------------------------------------------
def widget_tree_values(state: dict, model_id: str) -> list[str]:
    """Every text value in a widget and its children, from a notebook's stored widget state."""
    model = state.get(model_id, {}).get("state", {})
    values = [v for k, v in model.items() if isinstance(v, str) and k in ("value", "description")]
    values += [str(label) for label in model.get("_options_labels", [])]
    for child in model.get("children", []):
        values += widget_tree_values(state, str(child).removeprefix("IPY_MODEL_"))
    return values


def cell_text(cell) -> str:
    """A stored cell as a reader of the notebook sees it: its source and its outputs' text
    (a widget's stored state left out: the predictions' own widgets are checked below)."""
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join("".join(p) if isinstance(p, list) else str(p) for p in parts)


@pytest.mark.parametrize("stem", PREDICTING)
def test_a_predictions_cell_holds_no_answer_and_nothing_above_states_it(stem):
    """The lesson's prediction cell names the question only (the answer lives in the package);
    no cell above it, source or stored output, in JupyterLab or in the app, states its answer;
    nor does the cell right under it."""
    predictions = list(lesson_predictions(stem).values())
    for app in (False, True):
        notebook = (nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4) if not app
                    else build.notebook(stem, app=True))
        cells = notebook.cells
        indices = [i for i, c in enumerate(cells)
                   if c.cell_type == "code" and "Prediction.for_lesson(" in c.source]
        assert len(indices) == len(predictions) >= 1, f"{stem}: a prediction built in the lesson"
        for index, prediction in zip(indices, predictions):
            tells = prediction.tells()
            assert len(tells) >= 2
            source = cells[index].source
            assert "explain=" not in source and "reveal=" not in source and "answer=" not in source
            assert not sw.answer_shown(tells, source), source
            above = "\n".join(cell_text(c) for c in cells[:index])
            if not app:           # the numbers the question is about are on the page above it
                shown = html.unescape(re.sub(r"<[^>]+>", " ", above))
                assert not states_numbers(shown, prediction.given), \
                    f"{stem}: {states_numbers(shown, prediction.given)} not shown above"
            assert not sw.answer_shown(tells, above), \
                f"{stem} ({'app' if app else 'lab'}): above the prediction: " \
                f"{sw.answer_shown(tells, above)}"
            if index + 1 < len(cells):
                under = cell_text(cells[index + 1])
                assert not sw.answer_shown(tells, under), \
                    f"{stem}: the cell under the prediction shows {sw.answer_shown(tells, under)}"


@pytest.mark.parametrize("stem", PREDICTING)
def test_no_stored_output_shows_a_predictions_answer_under_its_question(stem):
    notebook = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    state = notebook.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    predictions = lesson_predictions(stem)
    cells = notebook.cells
    indices = [i for i, c in enumerate(cells)
               if c.cell_type == "code" and "Prediction.for_lesson(" in c.source]
    assert len(indices) == len(predictions) >= 1
    assert not any("**Predict first.**" in c.source and c.cell_type == "markdown"
                   and not any("Prediction.for_lesson(" in d.source for d in cells[i + 1:i + 2])
                   for i, c in enumerate(cells)), "a 'Predict first' without its widget"
    for index, prediction in zip(indices, predictions.values()):
        tells = prediction.tells()
        for output in cells[index].outputs:
            data = output.get("data", {})
            assert set(data) <= {"application/vnd.jupyter.widget-view+json", "text/plain",
                                 "text/html"}, data
            model = data.get("application/vnd.jupyter.widget-view+json", {}).get("model_id")
            # text/html: the still picture shown before the cell is run (question and choices)
            shown = " ".join(widget_tree_values(state, model)) if model else ""
            shown += " " + "".join(data.get("text/html", ""))
            assert "You said" not in shown and "The answer" not in shown
            assert not sw.answer_shown(tells, shown), \
                f"{stem}: the widget's stored state shows {sw.answer_shown(tells, shown)}"


def test_what_a_prediction_holds_back_opens_with_its_answer():
    # lesson 02's dashboard starts on the guide's book (net $30,000): held back until answered
    p = lesson_predictions("02_net_formula")["predict_net"]
    held = p.then(ek.widgets.BookDashboard(ek.sample_book("guide_example_2")))
    note, content = held.widget.children
    # a page that does not draw widgets gets the note only, not the dashboard's numbers
    still = held._repr_mimebundle_()["text/html"]
    assert "answer it there first" in still and "30,000" not in still
    assert content.layout.visibility == "hidden" and "answer" in note.children[0].value
    p.choose("10,000")
    assert content.layout.visibility == "visible" and note.layout.display == "none"
    q = lesson_predictions("02_net_formula")["predict_net"]
    box = q.then(widgets_html("net $30,000")).widget
    box.children[0].children[1].click()            # "Show it now", without answering
    assert box.children[1].layout.visibility == "visible" and not q.revealed


def widgets_html(text):
    import ipywidgets
    return ipywidgets.HTML(text)


def test_tells_name_the_answer_and_not_the_question():
    (p,) = lesson_predictions("01_net_vs_gross").values()
    tells = p.tells()
    # the guide's book: 150,000 - 100,000 = 50,000 net long, net / gross 50 / 250 = 20 %
    assert "$50,000 net long" in tells and "net / gross: 20.0%" in tells
    assert "$150,000" not in tells and not p.revealed and p.shown.children == ()
