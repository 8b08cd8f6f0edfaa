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
import io
import numbers
import re
import threading
import time
from typing import Any

import ipywidgets as widgets
import mistune

from ..widgets._predict import parse_number
from ..widgets._typed import after_edits, answer_on_enter
from ._framework import (
    _COLOURS,
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    ChoiceQuestion,
    NumberQuestion,
    Question,
    Result,
)
from ._recording import earlier_checks, record_quiz, recording

#: Seconds a quiz waits for its kernel to be handed to a learner before it stops looking for
#: the learner's earlier answers (a warm kernel may wait in the pool longer: it then starts clean).
RESTORE_WAIT = 900.0


def lesson_number_of(lesson: str) -> str:
    """``"01"`` for ``"lesson01"``."""
    return f"{int(lesson.removeprefix('lesson')):02d}"

__all__ = ["quiz", "Quiz", "QuestionCard"]

_TO_HTML = mistune.create_markdown(plugins=["table"])
_CARD = widgets.Layout(border="1px solid #d0d7e2", padding="6px 12px", margin="8px 0")


def _markdown_html(text: str) -> str:
    # tex2jax_ignore: "$220,000 ... $180,000" is money, not mathematics
    return f"<div class='tex2jax_ignore ek-quiz-prompt'>{_TO_HTML(text)}</div>"


def _result_html(result: Result) -> str:
    return Result(result.status, in_words(result.message), result.title)._repr_html_()


# ----- the question as a browser shows it: words, not code ------------------------------------
# Code a JupyterLab learner types, said in words for someone who cannot (the app).
_SAID_IN_WORDS = [
    (r"Run `ek\.diagnose\([^`]*\)` on the desk's book and read its findings with the tables "
     r"above\.", "Read the diagnostics' findings on the desk's book, under its positions."),
    (r"Run `ek\.diagnose\([^`]*\)`\.", "Read the diagnostics' findings below."),
    (r"Load the CSV export below into a book\.", "The desk's CSV export is below, as a table."),
    (r"`ek\.diagnose\([^`]*\)`", "the diagnostics"),
    (r"`book\.by\(\\?[\"']underlying\\?[\"']\)`", "the table by coin"),
    (r"`book\.by\(\\?[\"']venue\\?[\"']\)`", "the table by venue"),
    (r", the way `short_exposure\(\)` reports it", " (a size, as the short exposure is reported)"),
    (r"`(\w+)_exposure\(\)`", r"the \1 exposure"),
    (r" \(`inverse=\"face\"`\)", ""),
    (r"\(`inverse=\"face\"`: ", "("),
    (r"\(venue=\"binance\", the default\)", "(Binance's rule, the package's default)"),
]
_NAMES = {"name": "position", "underlying": "coin", "notional": "notional (USD)",
          "contract_size": "contract size", "entry_price": "entry price",
          "option_type": "type", "vol": "volatility", "years": "years to expiry",
          "forward": "forward price", "wallet_balance": "wallet balance",
          "maintenance_margin_rate": "maintenance margin rate", "rate": "funding rate per 8 h",
          "vol_btc": "BTC volatility", "vol_eth": "ETH volatility", "premium": "premium (USD)"}


def _word(identifier: str) -> str:
    """A column or variable name as words: ``contract_size`` -> "contract size",
    ``book_a`` -> "Book A"."""
    if identifier in _NAMES:
        return _NAMES[identifier]
    parts = identifier.removeprefix("ek.").rstrip("()").split("_")
    return " ".join(p.upper() if len(p) == 1 else p for p in parts)


def in_words(text: str) -> str:
    """A hint, a message or a prompt with its code said in words (for the app, where nobody
    types code): known calls by what they give, other backticked names as plain words.

    Examples
    --------
    >>> in_words("An inverse contract's `contract_size` is its USD face.")
    "An inverse contract's contract size is its USD face."
    >>> in_words('Run `ek.diagnose(book)` and read `book.by("underlying")`.')
    'Run the diagnostics and read the table by coin.'
    """
    for pattern, words in _SAID_IN_WORDS:
        text = re.sub(pattern, words, text)
    text = re.sub(r"`([^`]*)`", lambda m: _word(m.group(1)) if re.fullmatch(
        r"[\w.]+(\(\))?", m.group(1)) else m.group(1), text)
    return re.sub(r"\b[a-z]+_[a-z_]+\b", lambda m: _word(m.group(0)), text)


def _setup_values(question: Question) -> dict[str, Any]:
    """The question's data, from its setup code (what the notebook's data cell defines)."""
    if not question.setup:
        return {}
    import exposure_kit as ek
    namespace: dict[str, Any] = {"ek": ek}
    exec(question.setup, namespace)  # noqa: S102  (the package's own question data)
    return {k: v for k, v in namespace.items() if not k.startswith("_") and k != "ek"}


def data_tables(question: Question) -> list[tuple[str, Any]]:
    """The question's data as (caption, DataFrame): records, a position, a CSV export, and the
    loose numbers (volatilities, a rate) in one small table."""
    import pandas as pd

    tables, loose = [], {}
    for name, value in _setup_values(question).items():
        caption = "" if name in ("records", "csv", "position", "option") else _word(name)
        if isinstance(value, str) and "\n" in value and "," in value:
            tables.append((caption, pd.read_csv(io.StringIO(value))))
        elif isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            tables.append((caption, pd.DataFrame(value)))
        elif isinstance(value, dict) and value and all(
                isinstance(v, (str, numbers.Real)) for v in value.values()):
            tables.append((caption, pd.DataFrame([value])))
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            loose[name] = value
    if loose:
        tables.append(("", pd.DataFrame([loose])))
    return tables


def _cell(value: Any) -> str:
    if type(value).__name__ in ("bool", "bool_"):     # Python's or numpy's: words, not True
        return "yes" if value else "no"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Real):
        return "" if value != value else f"{value:,g}"
    return str(value)


def data_numbers(question: Question) -> list[str]:
    """The numbers of the question's data a learner needs, as the card writes them (round
    ones: a 16-digit fraction of a year is stated another way in the prompt)."""
    found = []
    for _, table in data_tables(question):
        for value in table.to_numpy().ravel():
            if isinstance(value, numbers.Real) and not isinstance(value, bool) and \
                    value == value and len(f"{value:g}".replace(".", "").replace("-", "").lstrip("0")) <= 6:
                found.append(_cell(value))
    return list(dict.fromkeys(found))


def _number_forms(text: str) -> str:
    return text.replace("$", "").replace("\u202f", " ")


def states_numbers(text: str, numbers_: list[str]) -> list[str]:
    """Which of ``numbers_`` the text does not state (a fraction may be given as a percent)."""
    shown = _number_forms(text)
    missing = []
    for number in numbers_:
        value = float(number.replace(",", ""))
        forms = {number, f"{value:g}", f"{value * 100:,g} %", f"{value * 100:,g}%"}
        if not any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", shown) for f in forms):
            missing.append(number)
    return missing


def data_html(question: Question) -> str:
    """The question's data as small tables, when its prompt does not already state every
    number of it; the diagnostics' findings when the question asks to read them."""
    parts = []
    if states_numbers(question.prompt, data_numbers(question)):
        for caption, table in data_tables(question):
            table = table.rename(columns=_word)
            head = "".join(f"<th style='padding:2px 10px;text-align:left'>{html.escape(c)}</th>"
                           for c in table.columns)
            rows = "".join("<tr>" + "".join(
                f"<td style='padding:2px 10px'>{html.escape(_cell(v))}</td>" for v in row)
                + "</tr>" for row in table.itertuples(index=False))
            title = f"<div><b>{html.escape(caption)}</b></div>" if caption else ""
            parts.append(f"{title}<table class='ek-quiz-data'><thead><tr>{head}</tr></thead>"
                         f"<tbody>{rows}</tbody></table>")
    if "diagnose(" in question.prompt:
        from .._diagnostics import diagnose
        values = _setup_values(question)
        findings = diagnose(values["book"], equity=values.get("equity"))
        items = "".join(f"<li>{html.escape(f.message)}</li>" for f in findings)
        parts.append(f"<div><b>What the diagnostics find on this book:</b></div><ul>{items}</ul>")
    if not parts:
        return ""
    return ("<div class='tex2jax_ignore ek-quiz-given' style='margin:4px 0'>"
            "<div style='color:#555'>The data:</div>" + "".join(parts) + "</div>")


def worked_in_words(question: Question) -> Result:
    """The worked solution without its code (the code is for JupyterLab)."""
    text = question.working or "the exercise notebook in JupyterLab shows how to work this out."
    return Result("solution", in_words(text), title="Worked solution")


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
        self.mastered = False           # right at the first check of numbers not yet solved
        self._unseen = True             # this variant not yet checked nor solved
        self._wrong_here = False        # a wrong answer on this variant
        heading = widgets.HTML(f"<h3 style='margin:4px 0'>Question {number}: "
                               f"{html.escape(question.title)}</h3>")
        self.prompt = prompt = widgets.HTML(self._prompt_html())
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
        if isinstance(self.input, widgets.Text):     # Enter checks; a click waits for the text
            answer_on_enter(self.input, self.check)
            self.check_button.on_click(lambda _: after_edits(self.check, self.input))
        else:
            self.check_button.on_click(lambda _: self.check())
        self.hint_button.on_click(lambda _: self.hint())
        self.solution_button.on_click(lambda _: self.solution())
        self.another_button = widgets.Button(
            description="Try another", icon="refresh",
            tooltip="the same question with new numbers", layout=widgets.Layout(display="none"))
        self.another_button.add_class("ek-quiz-another")
        self.another_button.on_click(lambda _: self.another())
        self.feedback = widgets.HTML("")
        self.hints = widgets.HTML("")
        self.worked = widgets.HTML("")
        for part, name in ((self.feedback, "feedback"), (self.hints, "hints"),
                           (self.worked, "worked")):
            part.add_class(f"ek-quiz-{name}")
        self.widget = widgets.VBox(
            [heading, prompt, self.input,
             widgets.HBox([self.check_button, self.hint_button, self.solution_button,
                           self.another_button]),
             self.feedback, self.hints, self.worked], layout=_CARD)
        self.widget.add_class("ek-quiz-question")

    def answer(self):
        """The learner's answer as the question's check takes it: "12.75x" is 12.75, and where
        the question asks for a fraction, "86.2%" is 0.862 (the sign says it is a percent)."""
        if isinstance(self.question, ChoiceQuestion):
            return self.input.value
        text = str(self.input.value).strip()
        if getattr(self.question, "percent", False) and text.endswith("%"):
            number = parse_number_as_typed(text)
            return None if number is None else number / 100
        return parse_number_as_typed(text)

    def check(self, record: bool = True, lead: str = "") -> Result:
        """Check the answer in the box, show the verdict (after ``lead``, HTML) and record it
        (not when ``record`` is False: a restored answer was recorded when it was given)."""
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
        if record:      # first: a learner who sees the verdict and reloads finds it kept
            record_quiz(self.question, "check", self.input.value, result)
        self.feedback.value = lead + _result_html(result)
        if result.status != NOT_ATTEMPTED:          # progress counts the latest answer
            self.status = result.status
            self._wrong_here = self._wrong_here or result.status == INCORRECT
            if self._unseen:
                self.mastered = self.mastered or result.status == CORRECT
                self._unseen = False
        self._show_another()
        self._on_status()
        return result

    def restore(self, answer: str) -> None:
        """Put back the answer this learner checked before the page was reloaded, with its
        verdict as the card gave it then."""
        if isinstance(self.question, ChoiceQuestion) and answer not in self.question.options:
            return
        self.input.value = answer
        self.check(record=False, lead="<div class='ek-quiz-restored' style='color:#555;"
                                      "font-size:0.9em'>Your answer from before the page was "
                                      "reloaded:</div>")

    def hint(self) -> Result:
        self.hints_shown = min(self.hints_shown + 1, max(len(self.question.hints), 1))
        result = self.question.hints_upto(self.hints_shown, again="press Hint again")
        self.hints.value = _result_html(result)
        record_quiz(self.question, "hint", self.hints_shown)
        result = Result(result.status, in_words(result.message), result.title)
        return result

    def solution(self, shown: bool = True, record: bool = True) -> None:
        if not shown:
            self.worked.value = ""
            return
        self.question.solution()                      # counted as a solution seen
        self.worked.value = _result_html(worked_in_words(self.question))
        if record:      # the instructor's "Show all solutions" is not a learner's view
            record_quiz(self.question, "solution")
            self._unseen = False
            self._show_another()

    def _prompt_html(self) -> str:
        seed = (f"<div class='ek-quiz-seed' style='color:#555;font-size:90%'>New numbers "
                f"(seed {self.question.seed})</div>" if self.question.seed else "")
        return seed + _markdown_html(in_words(self.question.prompt)) + data_html(self.question)

    def _show_another(self) -> None:
        """"Try another" appears after a wrong answer or a worked solution, on a question whose
        numbers can be drawn."""
        wanted = self.question.drawable and (self._wrong_here or bool(self.worked.value))
        self.another_button.layout.display = "" if wanted else "none"

    def another(self, seed: int | None = None) -> None:
        """The same question with new numbers: prompt, data and answer box start afresh; the
        store records the new seed (an event of kind "another" whose answer is the seed)."""
        self.question.another(seed, notebook=False)
        self.prompt.value = self._prompt_html()
        self.input.value = None if isinstance(self.question, ChoiceQuestion) else ""
        self.feedback.value = self.hints.value = self.worked.value = ""
        self.hints_shown = 0
        self._unseen, self._wrong_here = True, False
        record_quiz(self.question, "another", self.question.seed)
        self._show_another()
        self._on_status()


def parse_number_as_typed(text: str) -> float | None:
    """The number typed, with a percent sign only dropped (so "12.8 %" is 12.8 and the check can
    say it looks like a percentage); None when it is not a number."""
    cleaned = str(text).strip().rstrip("%").strip()
    if cleaned[-1:] in ("x", "X", "×"):           # a leverage as traders write it: 12.75x
        cleaned = cleaned[:-1].strip()
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
                    f"{number}: {html.escape(in_words(question.title))}</b>: a question where "
                    f"you write code, so it cannot be answered on this page and is not in its "
                    f"count; it is in the JupyterLab exercises (exercises/{module.STEM}.ipynb)."
                    f"</div>"))
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
        # the app: a reload starts a new kernel; the learner's answers come back (at once when
        # the kernel is already handed out, else once it is: a warm kernel runs the lesson first)
        if recording() and not self.restore_earlier():
            threading.Thread(target=self._restore_when_handed, daemon=True).start()

    def restore_earlier(self) -> bool:
        """Put back this learner's latest answer to each question, checked before the page
        was reloaded (the app only); False while the kernel is not yet handed to a learner."""
        earlier = earlier_checks(lesson_number_of(self.lesson))
        if earlier is None:
            return False
        for card in self.cards:
            if card.question.name in earlier and card.status == NOT_ATTEMPTED:
                card.restore(earlier[card.question.name][0])
        self._update()
        return True

    def _restore_when_handed(self, wait: float = RESTORE_WAIT, every: float = 1.0) -> None:
        deadline = time.monotonic() + wait
        while not self.restore_earlier() and time.monotonic() < deadline:
            time.sleep(every)

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
        mastered = sum(card.mastered for card in self.cards)
        return (f"Your progress: {n[CORRECT]} of {len(self.cards)} correct, {n[INCORRECT]} to "
                f"retry, {n[NOT_ATTEMPTED]} not attempted; {mastered} mastered (right first "
                f"time on numbers not yet solved)")

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
    >>> q.progress_text().split("; ")[0]
    'Your progress: 0 of 4 correct, 1 to retry, 3 not attempted'
    """
    return Quiz(lesson, instructor)
