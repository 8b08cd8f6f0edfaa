"""The lesson's exercises as an in-page quiz, for the Voila app where nobody can type code.

Built from the same question objects as the exercise notebooks (one source of truth): a number
box or choice buttons, Check, Hint and Worked solution for each question, and a progress line.
Check says exactly what ``question.check()`` says. Questions that need code (a function, a
book) say they are for JupyterLab. Nothing on the page shows an expected value before the
learner answers it correctly or asks for the worked solution; an instructor's copy
(``quiz(lesson, instructor=True)``) adds a switch that shows every worked solution at once.
"""

from __future__ import annotations

import html
import importlib

import ipywidgets as widgets
import mistune

from ._recording import record_quiz
from ..widgets._predict import parse_number
from ._framework import (CORRECT, INCORRECT, NOT_ATTEMPTED, ChoiceQuestion, NumberQuestion,
                         Question, Result, _COLOURS)

__all__ = ["quiz", "Quiz", "QuestionCard"]

_TO_HTML = mistune.create_markdown(plugins=["table"])
_CARD = widgets.Layout(border="1px solid #d0d7e2", padding="6px 12px", margin="8px 0")


def _markdown_html(text: str) -> str:
    # tex2jax_ignore: "$220,000 ... $180,000" is money, not mathematics
    return f"<div class='tex2jax_ignore ek-quiz-prompt'>{_TO_HTML(text)}</div>"


def _result_html(result: Result) -> str:
    return result._repr_html_()


def _lesson_module(lesson):
    """The lesson's exercise module (not through _notebooks: nbformat takes seconds to import,
    and every app page that ends with a quiz would wait for it)."""
    number = int(str(lesson).removeprefix("lesson"))
    return importlib.import_module(f"{__package__}.lesson{number:02d}")


def answerable(question: Question) -> bool:
    """A question a learner can answer in a browser: a number or a choice."""
    return isinstance(question, (NumberQuestion, ChoiceQuestion))


class QuestionCard:
    """One question of the quiz: prompt, input, Check, Hint, Worked solution, feedback."""

    def __init__(self, question: Question, number: int, on_status) -> None:
        self.question = question
        self.status = NOT_ATTEMPTED
        self.hints_shown = 0
        self._on_status = on_status
        heading = widgets.HTML(f"<h3 style='margin:4px 0'>Question {number}: "
                               f"{html.escape(question.title)}</h3>")
        prompt = widgets.HTML(_markdown_html(question.prompt))
        if isinstance(question, ChoiceQuestion):
            self.input = widgets.RadioButtons(
                options=[(f"{key}) {text}", key) for key, text in question.options.items()],
                value=None, layout=widgets.Layout(width="auto"))
        else:
            self.input = widgets.Text(placeholder="your answer, e.g. -1500 or 0.25",
                                      layout=widgets.Layout(width="260px"))
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.hint_button = widgets.Button(description="Hint")
        self.solution_button = widgets.Button(description="Worked solution")
        self.check_button.on_click(lambda _: self.check())
        self.hint_button.on_click(lambda _: self.hint())
        self.solution_button.on_click(lambda _: self.solution())
        self.feedback = widgets.HTML("")
        self.hints = widgets.HTML("")
        self.worked = widgets.HTML("")
        for part, name in ((self.feedback, "feedback"), (self.hints, "hints"),
                           (self.worked, "worked")):
            part.add_class(f"ek-quiz-{name}")
        self.widget = widgets.VBox(
            [heading, prompt, self.input,
             widgets.HBox([self.check_button, self.hint_button, self.solution_button]),
             self.feedback, self.hints, self.worked], layout=_CARD)
        self.widget.add_class("ek-quiz-question")

    def answer(self):
        """The learner's answer as the question's check takes it."""
        if isinstance(self.question, ChoiceQuestion):
            return self.input.value
        return parse_number_as_typed(self.input.value)

    def check(self) -> Result:
        value = self.answer()
        if value is None:
            text = self.input.value if isinstance(self.question, NumberQuestion) else None
            if text and str(text).strip():
                result = Result(INCORRECT, "type a number: digits, a minus sign, a decimal point "
                                           "(commas and a $ are fine), e.g. -1500 or 0.25.")
            else:
                result = Result(NOT_ATTEMPTED, "pick one of the options first."
                                if isinstance(self.question, ChoiceQuestion)
                                else "type your answer in the box first.")
        else:
            result = self.question.check(value)
        self.feedback.value = _result_html(result)
        record_quiz(self.question, "check", self.input.value, result)
        if self.status != CORRECT or result.correct:
            self.status = result.status
        self._on_status()
        return result

    def hint(self) -> Result:
        self.hints_shown = min(self.hints_shown + 1, max(len(self.question.hints), 1))
        result = self.question.hints_upto(self.hints_shown, again="press Hint again")
        self.hints.value = _result_html(result)
        record_quiz(self.question, "hint", self.hints_shown)
        return result

    def solution(self, shown: bool = True, record: bool = True) -> None:
        if not shown:
            self.worked.value = ""
            return
        result = self.question.solution()
        self.worked.value = _result_html(result)
        if record:      # the instructor's "Show all solutions" is not a learner's view
            record_quiz(self.question, "solution")


def parse_number_as_typed(text: str) -> float | None:
    """The number typed, with a percent sign only dropped (so "12.8 %" is 12.8 and the check can
    say it looks like a percentage); None when it is not a number."""
    cleaned = str(text).strip().rstrip("%").strip()
    return parse_number(cleaned) if cleaned else None


class Quiz:
    """The browser-answerable questions of a lesson, with a progress line.

    Parameters
    ----------
    lesson : str or int
        ``"01"``, ``"lesson01"`` or ``1``.
    instructor : bool
        Add the "Show all solutions" switch (the instructor's copy of the app only).
    """

    def __init__(self, lesson, instructor: bool = False) -> None:
        module = _lesson_module(lesson)
        self.lesson = module.__name__.rsplit(".", 1)[-1]
        self.cards: list[QuestionCard] = []
        parts: list[widgets.Widget] = []
        self.progress = widgets.HTML("")
        self.progress.add_class("ek-quiz-progress")
        for question in module.progress.questions.values():
            number = int(question.name[1:])
            if answerable(question):
                card = QuestionCard(question, number, self._update)
                self.cards.append(card)
                parts.append(card.widget)
            else:
                parts.append(widgets.HTML(
                    f"<div class='tex2jax_ignore' style='margin:8px 0;color:#555'><b>Question "
                    f"{number}: {html.escape(question.title)}</b>: you write code for this one, "
                    f"so it is for JupyterLab (exercises/{module.STEM}.ipynb).</div>"))
        self._bottom = widgets.HTML("")   # the same progress line under the last question
        top: list[widgets.Widget] = [self.progress]
        self.switch = None
        if instructor:
            self.switch = widgets.ToggleButton(description="Show all solutions", value=False,
                                               icon="eye", layout=widgets.Layout(width="auto"))
            self.switch.observe(self._on_switch, names="value")
            top.insert(0, self.switch)
        self.widget = widgets.VBox(top + parts + [self._bottom])
        self.widget.add_class("ek-quiz")
        self._update()

    def _on_switch(self, change: dict) -> None:
        # the label says what pressing it will do next
        self.switch.description = "Hide all solutions" if change["new"] else "Show all solutions"
        self.switch.icon = "eye-slash" if change["new"] else "eye"
        self.show_all(change["new"])

    def counts(self) -> dict[str, int]:
        statuses = [card.status for card in self.cards]
        return {s: statuses.count(s) for s in (CORRECT, INCORRECT, NOT_ATTEMPTED)}

    def progress_text(self) -> str:
        n = self.counts()
        return (f"Your progress: {n[CORRECT]} of {len(self.cards)} correct, {n[INCORRECT]} to "
                f"retry, {n[NOT_ATTEMPTED]} not attempted")

    def _update(self) -> None:
        colour = _COLOURS[CORRECT if self.counts()[CORRECT] == len(self.cards) else "info"][0]
        text = (f"<div style='color:{colour};font-weight:bold;margin:4px 0'>"
                f"{html.escape(self.progress_text())}</div>")
        self.progress.value = self._bottom.value = text

    def show_all(self, shown: bool = True) -> None:
        """Show (or hide) every worked solution: the instructor's switch."""
        for card in self.cards:
            card.solution(shown, record=False)

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display(self.widget)


def quiz(lesson, instructor: bool = False) -> Quiz:
    """The lesson's in-page quiz (display it, or let it be a cell's last value).

    Parameters
    ----------
    lesson : str or int
        ``"01"``, ``"lesson01"`` or ``1``.
    instructor : bool, default False
        Add the "Show all solutions" switch; only the instructor's copy of the app does.

    Returns
    -------
    Quiz
        Its ``widget`` is what the page shows; ``cards`` are the browser-answerable questions.

    Examples
    --------
    >>> q = quiz("01")
    >>> [card.question.name for card in q.cards]
    ['q1', 'q2', 'q3', 'q5']
    >>> q.cards[0].input.value = "400,000"
    >>> str(q.cards[0].check())
    'Incorrect: that is the gross exposure (long + short): the short was added, not subtracted.'
    >>> q.progress_text()
    'Your progress: 0 of 4 correct, 1 to retry, 3 not attempted'
    """
    return Quiz(lesson, instructor)
