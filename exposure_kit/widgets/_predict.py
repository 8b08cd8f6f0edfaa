"""A prediction that waits for the learner: guess first, then see the answer.

The widget holds the answer and what shows it (a number, a table, a chart) and draws nothing of
it until the learner presses a button; so a notebook stored executed, and a Voila page, carry the
question and the choices only. A sentence then compares the guess with the answer.
"""

from __future__ import annotations

import html
import io
import math
import numbers
import re
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from ..exercises._recording import record_prediction, restore_prediction
from ._accessibility import chart_description, naming_outputs
from ._typed import after_edits, answer_on_enter

__all__ = ["Prediction", "HeldBack", "parse_number"]


def parse_number(text: str) -> float | None:
    """A number typed in a box: ``"40,000"``, ``"$40k"``, ``"-12.5 %"`` (as -0.125), or None.

    Examples
    --------
    >>> parse_number("$40,000"), parse_number("-12.5 %"), parse_number("150k"), parse_number("x")
    (40000.0, -0.125, 150000.0, None)
    """
    cleaned = str(text).strip().replace(",", "").replace("$", "").replace(" ", "").replace("_", "")
    scale = 1.0
    if cleaned.endswith("%"):
        cleaned, scale = cleaned[:-1], 0.01
    elif cleaned[-1:].lower() in ("k", "m"):
        cleaned, scale = cleaned[:-1], 1_000.0 if cleaned[-1].lower() == "k" else 1_000_000.0
    try:
        value = float(cleaned) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _as_widget(item: Any) -> widgets.Widget:
    """What answers the prediction, as a widget: text (HTML), a number, a table or a chart."""
    if isinstance(item, widgets.Widget):
        return item
    if isinstance(item, Figure) or hasattr(item, "savefig"):
        buffer = io.BytesIO()
        item.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        import matplotlib.pyplot as plt
        plt.close(item)
        image = widgets.Image(value=buffer.getvalue(), format="png",
                              layout=widgets.Layout(max_width="720px"))
        # its text alternative, given by the prediction's hidden script when it is shown
        image.ek_names = naming_outputs(image, chart_description(item, "the answer's chart"))
        return image
    if isinstance(item, pd.DataFrame):
        return widgets.HTML(item.to_html(index=False, escape=True))
    if hasattr(item, "to_html"):                      # a pandas Styler
        return widgets.HTML(item.to_html())
    return widgets.HTML(f"<div class='tex2jax_ignore'>{item}</div>")


class Prediction:
    """A question the learner answers before the lesson shows the answer.

    Parameters
    ----------
    prompt : str
        The question (plain text; a short one: the lesson's prose sets it up).
    options : mapping or sequence of str, optional
        The choices (key -> label, or labels); without them the learner types a number.
    answer : str or float
        The right option's key (or label), or the number.
    reveal : callable
        Called only when the learner acts; returns what answers the question (text, a number,
        a DataFrame, a matplotlib Figure, or a list of them).
    explain : str or callable, optional
        A sentence saying why, shown after the comparison.
    describe : callable, optional
        Formats a number for the comparison (default: thousands separators).
    close : float
        For a number: a guess within this fraction of the answer counts as right.
    gives_away : sequence of str, optional
        Sentences that answer the question, which the lesson must not show before the learner
        has answered (the lessons' tests look for them, with the revealed lines and the
        explanation: see :meth:`tells`).

    Examples
    --------
    >>> p = Prediction("Net long or short?", {"long": "net long", "short": "net short"},
    ...                answer="long", reveal=lambda: "Net = $150,000 - $100,000 = $50,000")
    >>> p.result.value
    ''
    >>> p.choose("short")
    >>> "You said net short" in p.result.value and "$50,000" in p.shown_text()
    True
    """

    def __init__(self, prompt: str, options: Mapping[str, str] | Sequence[str] | None = None, *,
                 answer: Any, reveal: Callable[[], Any],
                 explain: str | Callable[[Any], str] = "",
                 describe: Callable[[float], str] | None = None, close: float = 0.1,
                 gives_away: Sequence[str] = ()) -> None:
        if options is not None and not isinstance(options, Mapping):
            options = {label: label for label in options}
        self.options = dict(options) if options is not None else None
        if self.options is not None and answer not in self.options:
            answer = next((k for k, v in self.options.items() if v == answer), answer)
            if answer not in self.options:
                raise ValueError(f"answer {answer!r} is not one of the options")
        self.answer = answer
        self._reveal, self._explain = reveal, explain
        self._describe = describe or (lambda v: f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}")
        self.close = close
        self.gives_away = tuple(gives_away)
        self.lesson, self.name = "", ""
        self.given: list[str] = []           # the numbers the question is about (see tells)
        self._held: list[Callable[[], None]] = []
        self.guess: Any = None
        self.revealed = False
        self.prompt = widgets.HTML(f"<b>Your prediction.</b> {html.escape(prompt)}")
        if self.options is not None:
            self.input = widgets.RadioButtons(options=[(v, k) for k, v in self.options.items()],
                                              value=None, layout=widgets.Layout(width="auto"))
        else:
            self.input = widgets.Text(placeholder="type a number, then Enter",
                                      continuous_update=False,
                                      layout=widgets.Layout(width="200px"))
        self.check_button = widgets.Button(description="Check my prediction",
                                           button_style="primary",
                                           layout=widgets.Layout(width="auto"))
        self.show_button = widgets.Button(description="Just show me",
                                          layout=widgets.Layout(width="auto"))
        self.result = widgets.HTML("")
        self.shown = widgets.VBox([])
        # hidden: the script that gives a revealed chart its text alternative
        self._names = widgets.Output(layout=widgets.Layout(display="none"))
        if self.options is None:          # Enter checks; a click waits for the typed text
            answer_on_enter(self.input, self._on_check)
            self.check_button.on_click(lambda _: after_edits(self._on_check, self.input))
        else:
            self.check_button.on_click(lambda _: self._on_check())
        self.show_button.on_click(lambda _: self.show())
        self.widget = widgets.VBox(
            [self.prompt, self.input,
             widgets.HBox([self.check_button, self.show_button, self._names]),
             self.result, self.shown],
            layout=widgets.Layout(border="1px solid #c8d3e6", padding="6px 10px",
                                  margin="6px 0"))
        self.widget.add_class("ek-prediction")
        restore_prediction(self)      # self-study in JupyterLab: the guess made before a restart

    @classmethod
    def for_lesson(cls, lesson: str | int, name: str, **data: Any) -> "Prediction":
        """A lesson's own prediction: its question, choices, answer and explanation live in the
        package (``exposure_kit.widgets._lesson_predictions``), so the lesson's code cell shows
        none of them; ``data`` are the lesson's objects the question is about.

        Examples
        --------
        >>> import exposure_kit as ek
        >>> p = Prediction.for_lesson("01", "hedged", book=ek.sample_book("guide_example_1"))
        >>> p.prompt.value
        '<b>Your prediction.</b> Is this book hedged?'
        """
        from ._lesson_predictions import lesson_prediction
        return lesson_prediction(lesson, name, **data)

    def then(self, *items: Any) -> "HeldBack":
        """Hold back something further down the lesson that states this prediction's answer
        (a dashboard that starts on the question's book): it shows once the learner has
        answered, pressed *Just show me*, or pressed its own *Show it now*.

        Parameters
        ----------
        *items : widget or dashboard
            What to hold back (a dashboard's ``widget`` is used).

        Returns
        -------
        HeldBack
            Its ``widget``: a note with its button, then the items, hidden until the answer
            is out.

        Examples
        --------
        >>> p = Prediction("Long or short?", ["long", "short"], answer="long", reveal=lambda: "")
        >>> note, content = p.then(widgets.HTML("net: $50,000 net long")).widget.children
        >>> content.layout.visibility
        'hidden'
        >>> p.choose("short")
        >>> content.layout.visibility, note.layout.display
        ('visible', 'none')
        """
        # Hidden, its room kept, so what follows stays where it would be (off the question's
        # screen when the lesson placed it there); the note fills that room, framed, its words
        # in the middle, so the room reads as the place the dashboard opens, not a blank.
        content = widgets.VBox([getattr(item, "widget", item) for item in items],
                               layout=widgets.Layout(
                                   visibility="visible" if self.revealed else "hidden",
                                   grid_area="1 / 1 / 2 / 2"))
        show = widgets.Button(description="Show it now", layout=widgets.Layout(width="auto"))
        note = widgets.HBox(
            [widgets.HTML(f"<i>{HeldBack.NOTE}, or</i>"), show],
            layout=widgets.Layout(display="none" if self.revealed else "flex",
                                  grid_area="1 / 1 / 2 / 2", align_items="center",
                                  justify_content="center", min_height="72px",
                                  border="1px dashed #9fb0cc", padding="0 12px"))
        note.add_class("ek-held-back")

        def open_(_=None) -> None:
            content.layout.visibility, note.layout.display = "visible", "none"

        show.on_click(open_)
        self._held.append(open_)
        # one grid cell for both: the note lies over the hidden content, as tall as it
        return HeldBack(widgets.GridBox([note, content], layout=widgets.Layout(
            grid_template_columns="minmax(0, 1fr)", grid_template_rows="auto")))

    # ----- what the learner does ------------------------------------------------------------------
    def choose(self, value: Any) -> None:
        """Give a guess (an option's key, or a number or its text) and check it."""
        if self.options is not None:
            self.input.value = value
        else:
            self.input.value = str(value)
        self._on_check()

    def _on_check(self) -> None:
        guess = self._read_guess()
        if guess is None:
            self.result.value = ("<span style='color:#8a6d00'>Make your prediction first "
                                 f"({'pick an option' if self.options else 'type a number'}), "
                                 "or press <i>Just show me</i>.</span>")
            return
        self.guess = guess
        self._show(self.comparison(guess))

    def show(self) -> None:
        """Show the answer without a guess."""
        self._show(f"The answer: {self.answer_text()}." + self._why())

    # ----- what the widget says -------------------------------------------------------------------
    def _read_guess(self) -> Any:
        if self.options is not None:
            return self.input.value
        return parse_number(self.input.value) if str(self.input.value).strip() else None

    def answer_text(self) -> str:
        """The answer as the learner reads it: the right choice's words, or the number
        formatted (``$30,000``)."""
        if self.options is not None:
            return self.options[self.answer]
        return self._describe(float(self.answer))

    def _why(self) -> str:
        text = self._explain(self.guess) if callable(self._explain) else self._explain
        return f" {text}" if text else ""

    def is_right(self, guess: Any) -> bool:
        if self.options is not None:
            return guess == self.answer
        answer = float(self.answer)
        return abs(guess - answer) <= self.close * abs(answer) if answer else abs(guess) < 1e-9

    def comparison(self, guess: Any) -> str:
        """The sentence that compares the guess with the answer."""
        said = self.options[guess] if self.options is not None else self._describe(guess)
        if self.is_right(guess):
            verdict = f"You said {said}: right, it is {self.answer_text()}."
        elif self.options is not None:
            verdict = f"You said {said}; it is {self.answer_text()}."
        else:
            verdict = f"You said {said}; it is {self.answer_text()}, {self._how_far(guess)}."
        return verdict + self._why()

    def _how_far(self, guess: float) -> str:
        """The answer's size against the guess, in words (a loss is not 'too high')."""
        answer = float(self.answer)
        if guess == 0 or answer == 0 or (guess > 0) != (answer > 0):
            return "the other way from your guess"
        ratio = answer / guess
        if ratio > 1:
            return f"{ratio:.1f} times the size you expected"
        return f"about {ratio:.0%} of the size you expected"

    def _show(self, sentence: str) -> None:
        right = self.guess is not None and self.is_right(self.guess)
        colour = "#1b7f3b" if right else "#1f4e8c"
        self.result.value = (f"<div class='tex2jax_ignore' style='border-left:4px solid {colour};"
                             f"padding:4px 8px;margin:4px 0'>{html.escape(sentence)}</div>")
        record_prediction(self)
        if not self.revealed:
            items = self._reveal()
            items = items if isinstance(items, (list, tuple)) else [items]
            self.shown.children = [_as_widget(self._plain(i)) for i in items if i is not None]
            self._names.outputs = tuple(output for child in self.shown.children
                                        for output in getattr(child, "ek_names", ()))
            self.revealed = True
            for open_ in self._held:
                open_()

    @staticmethod
    def _plain(item: Any) -> Any:
        if isinstance(item, numbers.Real) and not isinstance(item, bool):
            return html.escape(f"{item:,}")
        if isinstance(item, str) and "\n" in item:
            return (f"<pre style='margin:4px 0;font-family:monospace;line-height:1.35'>"
                    f"{html.escape(item)}</pre>")
        if isinstance(item, str):
            return html.escape(item)
        return item

    def shown_text(self) -> str:
        """The text of what the widget shows now (for tests): result and revealed items."""
        parts = [self.result.value]
        parts += [getattr(child, "value", "") for child in self.shown.children
                  if isinstance(getattr(child, "value", ""), str)]
        return "\n".join(parts)

    def tells(self) -> list[str]:
        """What gives this prediction's answer away, as text a page must not show before the
        learner acts: the revealed lines (their values), the explanation's sentences and
        :attr:`gives_away`. Computed without revealing anything."""
        import matplotlib.pyplot as plt

        items = self._reveal()
        items = items if isinstance(items, (list, tuple)) else [items]
        found: list[str] = list(self.gives_away)
        if self.options is None:
            found.append(self.answer_text())
        for item in items:
            if isinstance(item, (str, numbers.Real)):      # tables and charts are the data
                for line in str(item).splitlines():
                    value = line.split(":", 1)[-1].strip()
                    # a number with its meaning ("$25,000 net long"), or a signed percent;
                    # not a table's header, nor "flat ($0 net)", which could be any book
                    if len(value) > 6 and re.search(r"\d", value) and value != "flat ($0 net)" \
                            and re.search(r"[a-z]{3,}|[+-]\d+(\.\d+)?%", value):
                        found.append(value)
            elif hasattr(item, "savefig"):
                plt.close(item)
        why = self._explain(None) if callable(self._explain) else self._explain
        found += [s.strip() for s in re.split(r"(?<=[.:;])\s+", why) if len(s.strip()) > 25]
        # the choices are on the page with the question: a phrase of theirs tells nothing
        labels = " | ".join(self.options.values()).lower() if self.options else ""
        return list(dict.fromkeys(" ".join(t.split()) for t in found
                                  if t.strip() and " ".join(t.split()).lower() not in labels))

    def still_picture(self) -> str:
        """HTML for a page that will not draw the widget (JupyterLab on a notebook it has not
        signed, before the cell is run): the question and its choices, instead of the widget's
        text ``VBox(children=...``."""
        choices = "".join(f"<li>{html.escape(v)}</li>" for v in (self.options or {}).values())
        return (f"<div class='ek-prediction-still mathjax_ignore tex2jax_ignore' "
                f"style='border:1px solid #c8d3e6;padding:6px 10px;margin:6px 0'>"
                f"{self.prompt.value}<ul>{choices}</ul>"
                f"<i>Run the cell (or Run &gt; Run All Cells) to answer here.</i></div>")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.still_picture()
        bundle["text/plain"] = "Your prediction (run the cell to answer)"
        return bundle

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display(self._repr_mimebundle_(), raw=True)


class HeldBack:
    """What a prediction holds back (see :meth:`Prediction.then`): shown as its ``widget``; a
    page that will not draw widgets shows the note alone, never what is held back."""

    NOTE = ("What opens here shows the answer to the prediction above: answer it there "
            "first")

    def __init__(self, widget: widgets.Box) -> None:
        self.widget = widget

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = (f"<div class='ek-still ek-held-back tex2jax_ignore' "
                               f"style='margin:6px 0'><i>{self.NOTE} (run the cells to use "
                               f"it).</i></div>")
        bundle["text/plain"] = "Held back until the prediction above is answered"
        return bundle

    def _ipython_display_(self) -> None:
        from IPython.display import display
        display(self._repr_mimebundle_(), raw=True)
