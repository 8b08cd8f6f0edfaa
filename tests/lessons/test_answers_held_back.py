"""No answer on the page before its question (issue 23, findings 2 and 3 of the learner read).

- After a prediction, until the part of the lesson that the prediction holds back (``.then(``),
  and in any case through the two sections after its own (a screen or so at 1366x768), no cell, in
  source or stored output, in JupyterLab or in the app, states the prediction's answer. Today's
  lessons 06 ("cross: BTC alone liquidates at -8.5%", two sections under "more or less than 10 %?")
  and 08 ("delta hedge $68,861 of perp short" right under "Is the book flat by delta?") failed it.
- No quiz card shows the answer of an earlier question of the same quiz in its text or data
  table: lesson 03's question 4 printed the perp short of $174,000 (question 1's answer), lesson
  08's question 6 the hedge of $117,186 (question 3's and 4's).
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import nbformat
import pytest

from exposure_kit.exercises import _quiz
from exposure_kit.exercises._framework import NumberQuestion

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "lessons") not in sys.path:
    sys.path.insert(0, str(REPO / "lessons"))
import build  # noqa: E402
import sweep_support as sw  # noqa: E402

PREDICTING = [stem for stem in build.STEMS if not stem.startswith("00")]
SECTIONS_WATCHED = 3          # the rest of the prediction's own section and the next two


def cell_text(cell) -> str:
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        data = output.get("data", {})
        parts += ["".join(data.get("text/plain", "")), "".join(data.get("text/html", ""))]
    return html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts)))


def cells_near(cells, index: int) -> list:
    """The cells after ``index`` up to the first held-back part, or to the end of the second
    section after the prediction's own."""
    near, headings = [], 0
    for cell in cells[index + 1:]:
        if cell.cell_type == "code" and ".then(" in cell.source:
            break
        if cell.cell_type == "markdown" and re.search(r"^## ", cell.source, re.M):
            headings += 1
            if headings > SECTIONS_WATCHED - 1:
                break
        near.append(cell)
    return near


@pytest.fixture(scope="module")
def told() -> dict[str, list[dict]]:
    return {}


@pytest.mark.parametrize("stem", PREDICTING)
def test_nothing_near_a_prediction_states_its_answer(stem, told):
    predictions = told.setdefault(stem, sw.lesson_tells(stem))
    for app in (False, True):
        notebook = (nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
                    if not app else build.notebook(stem, app=True))
        indices = [i for i, c in enumerate(notebook.cells)
                   if c.cell_type == "code" and "Prediction.for_lesson(" in c.source]
        assert len(indices) == len(predictions)
        for number, (index, prediction) in enumerate(zip(indices, predictions), 1):
            for cell in cells_near(notebook.cells, index):
                shown = sw.answer_shown(prediction["tells"], cell_text(cell))
                assert not shown, (f"{stem} ({'app' if app else 'lab'}) prediction {number}: "
                                   f"answered below it, before its reveal: {shown} in "
                                   f"{cell.source[:80]!r}")


def test_the_near_window_stops_at_a_held_back_part_or_after_two_sections():
    cell = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    cells = [code("p = Prediction.for_lesson(...)"), cell("text"), cell("## A"), cell("a"),
             cell("## B"), cell("b"), cell("## C"), cell("c")]
    assert [c.source for c in cells_near(cells, 0)] == ["text", "## A", "a", "## B", "b"]
    cells[3] = code("p.then(dashboard)")
    assert [c.source for c in cells_near(cells, 0)] == ["text", "## A"]


def answer_forms(question) -> list[str]:
    """A numeric answer as a card's table or prompt would write it."""
    value = abs(question.expected())
    return [f"{value:,g}", f"{round(value):,}"] if value >= 1_000 else []


@pytest.mark.parametrize("lesson", [f"{n:02d}" for n in range(1, 13)])
def test_no_quiz_card_shows_an_earlier_questions_answer(lesson):
    questions = [card.question for card in _quiz.quiz(lesson).cards]
    for later, question in enumerate(questions):
        shown = html.unescape(re.sub(r"<[^>]+>", " ", _quiz.in_words(question.prompt) + " "
                                     + _quiz.data_html(question)))
        for earlier in questions[:later]:
            if not isinstance(earlier, NumberQuestion):
                continue
            for form in answer_forms(earlier):
                assert not re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])",
                                     shown.replace("$", "")), \
                    f"lesson {lesson}: {question.title!r} shows {form}, the answer to " \
                    f"{earlier.title!r}"
