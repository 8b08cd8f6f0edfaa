"""Questions that check a learner's answer, give hints one at a time and name common mistakes.

Shaped like Kaggle's learntools: a question is an object with ``check(answer)``, ``hint()`` and
``solution()``. A check takes the answer as an argument (it never reads the notebook's globals),
never shows the expected value, and names a mistake it recognises. Every outcome is a
:class:`Result`, which Jupyter shows as a coloured box and a terminal as one line of text.
"""

from __future__ import annotations

import copy
import ctypes
import decimal
import html
import inspect
import math
import numbers
import re
import secrets
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _selfstudy
from .._book import Book, ExposureSummary, Position
from .._markdown import NO_MATHS

__all__ = ["____", "Placeholder", "Result", "Mistake", "Question", "NumberQuestion",
           "ChoiceQuestion", "FunctionQuestion", "BookQuestion", "Requirement", "Progress",
           "CORRECT", "INCORRECT", "NOT_ATTEMPTED", "drawable"]

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"
_COLOURS = {CORRECT: ("#1b7f3b", "#e8f6ec"), INCORRECT: ("#b3261e", "#fdecea"),
            NOT_ATTEMPTED: ("#8a6d00", "#fff8e1"), "info": ("#1f4e8c", "#eaf1fb")}


class Placeholder:
    """The blank a learner replaces with an answer; a check that gets it says "not attempted"."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False

    # A half-written expression such as ``long - ____`` stays a blank instead of raising, so the
    # check can still say "not attempted". numpy defers to these methods (``__array_ufunc__``).
    __array_ufunc__ = None

    def _blank(self, *_: Any) -> "Placeholder":
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _blank
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _blank
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _blank


____ = Placeholder()


_MISSING = object()


def _is_blank(value: Any) -> bool:
    return value is ____ or isinstance(value, Placeholder)


# ----- what a learner sees -----------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    """The outcome of a check, a hint or a solution: a status and a message.

    ``str(result)`` is the plain-text line (``"Correct"``, ``"Incorrect: ..."``,
    ``"Not attempted"``); Jupyter shows it coloured through ``_repr_html_``.
    """

    status: str
    message: str = ""
    title: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def _heading(self) -> str:
        if self.title:
            return self.title
        return {CORRECT: "Correct", INCORRECT: "Incorrect",
                NOT_ATTEMPTED: "Not attempted"}.get(self.status, "")

    def __str__(self) -> str:
        heading = self._heading()
        return f"{heading}: {self.message}" if self.message else heading

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, background = _COLOURS.get(self.status, _COLOURS["info"])
        body = html.escape(self.message).replace("\n", "<br>")
        if self.status == "solution":
            body = (f"<pre style='margin:4px 0 0 0;font-family:monospace;line-height:1.35'>"
                    f"{html.escape(self.message)}</pre>")
        elif self.status == "another" and "\n\nIts data" in self.message:
            prompt, _, data = self.message.partition("\n\nIts data")
            head, _, code = data.partition(":\n")
            code, _, note = code.partition("\n\n")
            prompt = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(prompt))
            body = (f"{prompt}<br>Its data{html.escape(head)}:"
                    f"<pre style='margin:4px 0;font-family:monospace;line-height:1.35'>"
                    f"{html.escape(code)}</pre>{html.escape(note)}")
        text = f"<b>{html.escape(self._heading())}</b>" + (f": {body}" if self.message else "")
        # MathJax must not read "$30,000 ... $50,000" as mathematics
        return (f"<div class='{NO_MATHS}' style='border-left:4px solid {colour};background:{background};"
                f"color:{colour};padding:6px 10px;margin:4px 0;font-family:sans-serif'>"
                f"{text}</div>")


@dataclass(frozen=True)
class Mistake:
    """A wrong answer a question recognises, and what to tell the learner about it.

    Parameters
    ----------
    match : value or callable
        For a number or choice question: the wrong value (compared with the question's
        tolerance) or a predicate ``match(answer) -> bool``. For a function question: a wrong
        implementation; the learner's function is recognised when it agrees with it on every
        test case. For a book question: a predicate on the learner's :class:`~exposure_kit.Book`.
    message : str
        Names the mistake. It must not contain the expected value.
    example : optional
        An answer that makes this mistake, for tests; by default ``match`` itself when it is a
        value (or, in a function question, the wrong implementation).
    """

    match: Any
    message: str
    example: Any = None

    def sample(self) -> Any:
        """An answer that makes this mistake."""
        return self.match if self.example is None else self.example


def _predicate(match: Any) -> bool:
    return callable(match) and not isinstance(match, (int, float, str, np.number))


class Question:
    """One question: ``check(answer)``, ``hint()`` (one more each call) and ``solution()``.

    Parameters
    ----------
    title : str
        A few words, shown as the notebook's heading for the question.
    prompt : str
        The question, with its numbers (markdown).
    hints : sequence of str
        Given one more at each call of :meth:`hint`.
    solution : str
        Python code that computes the answer; :meth:`solution` shows it after the working, and
        the solutions notebooks put it in the answer cell. It assigns ``answer`` (or defines the
        function the question asks for).
    working : str, optional
        The arithmetic with the question's own numbers, ending on the answer (written from
        numbers the package computes); :meth:`solution` shows it first.
    mistakes : sequence of Mistake
    setup : str, optional
        Code the notebook runs before the answer cell (the question's data).
    blank : str, optional
        The answer cell's first lines, with ``____`` where the learner writes.
    """

    kind = "question"
    default_blank = "answer = ____   # your answer here"

    def __init__(self, title: str, prompt: str, *, hints: Sequence[str], solution: str,
                 mistakes: Sequence[Mistake] = (), setup: str = "", blank: str = "",
                 working: str = "") -> None:
        self.title = title
        self.working = working.strip()
        self.prompt = prompt
        self.hints = list(hints)
        self.solution_code = solution.strip()
        self.mistakes = list(mistakes)
        self.setup = setup.strip()
        self.blank = (blank or self.default_blank).strip()
        self.name = ""
        self.progress: Progress | None = None
        self._hints_shown = 0

    # ----- the learner's side --------------------------------------------------------------------
    time_limit = 3.0
    """Seconds a check may take with the learner's answer before it stops with a verdict."""

    def check(self, answer: Any = _MISSING) -> Result:
        """Check ``answer``: Correct, Incorrect (naming the mistake when recognised) or Not
        attempted. Never raises on a wrong type, never runs longer than :attr:`time_limit`
        (an answer that does not finish gets a verdict saying so) and never shows the expected
        value."""
        if answer is _MISSING:   # the check never looks for the answer in the notebook's globals
            return Result(NOT_ATTEMPTED, f"pass your answer in the brackets: "
                                         f"ex.{self.name or 'qN'}.check({self.answer_name}).")
        try:
            result = _within(self.time_limit, lambda: self._check(answer))
        except _TooSlow:
            what = "your function" if self.kind == "function" else "checking your answer"
            result = Result(INCORRECT, f"{what} did not finish within {self.time_limit:g} "
                                       "seconds. Look for a loop that never ends (a `while` whose "
                                       "condition stays true) or a function that calls itself.")
        except BaseException as error:  # an answer's SystemExit or KeyboardInterrupt included
            result = Result(INCORRECT, "the answer could not be checked: "
                                       f"{_plain_error(error)} Look at its type and shape.")
        if self.progress is not None:
            self.progress.record(self.name, result.status)
        return result

    def hint(self) -> Result:
        """The hints so far, one more at each call."""
        self._hints_shown = min(self._hints_shown + 1, len(self.hints))
        return self.hints_upto(self._hints_shown, again="call hint() again")

    def hints_upto(self, count: int, again: str = "ask again") -> Result:
        """The first ``count`` hints, numbered, and how many are left."""
        if not self.hints:
            return Result("hint", "no hint for this one: try the solution.", title="Hint")
        count = max(1, min(count, len(self.hints)))
        lines = [f"{i}. {text}" for i, text in enumerate(self.hints[:count], 1)]
        more = len(self.hints) - count
        if more:
            lines.append(f"({more} more: {again})")
        return Result("hint", "\n".join(lines), title=f"Hint {count}/{len(self.hints)}")

    def solution_text(self) -> str:
        """The worked solution: the arithmetic with the question's numbers, then the code."""
        if not self.working:
            return self.solution_code
        return f"{self.working}\n\nIn code:\n{self.solution_code}"

    def solution(self) -> Result:
        """The worked solution: the arithmetic with the question's numbers, then the code."""
        if self.progress is not None:
            self.progress.record_solution(self.name)
        return Result("solution", self.solution_text(), title="Worked solution")

    # ----- what each kind defines ----------------------------------------------------------------
    def _check(self, answer: Any) -> Result:
        raise NotImplementedError

    def expected(self) -> Any:
        """The expected answer (for tests and instructors; never shown by a check)."""
        raise NotImplementedError

    def solution_answer(self) -> Any:
        """The answer the stored solution code produces, run in the question's setup."""
        namespace: dict[str, Any] = {"____": ____}
        exec("import numpy as np\nimport pandas as pd\nimport exposure_kit as ek\n"  # noqa: S102
             + self.setup + "\n" + self.solution_code, namespace)
        return namespace[self.answer_name]

    answer_name = "answer"

    # ----- drawn numbers (see :func:`drawable`) ----------------------------------------------------
    seed = 0
    """The seed the question's numbers were drawn from; 0 for the fixed numbers."""
    limits: tuple[float, float] | None = None
    """Where a drawn question's expected value must lie (its own limits, for the tests)."""
    _recipe: tuple[Callable[..., "Question"], Callable[[np.random.Generator], dict],
                   Callable[..., Any] | None] | None = None

    @property
    def drawable(self) -> bool:
        """Whether the question can be asked again with other numbers."""
        return self._recipe is not None

    @property
    def values(self) -> dict[str, Any]:
        """The numbers this variant was built from (its defaults for seed 0)."""
        return dict(getattr(self, "_values", {}))

    def variant(self, seed: int) -> "Question":
        """The same question with its numbers drawn from ``seed``: a new question object.

        The same seed always gives the same numbers; seed 0 gives the fixed numbers the
        exercise notebook shows. A set of ``(question, seed)`` pairs is enough to rebuild a
        paper of questions exactly.

        Parameters
        ----------
        seed : int
            A non-negative integer (``numpy.random.default_rng(seed)`` draws the numbers).

        Returns
        -------
        Question
            Its prompt, setup, expected value, worked solution and named slips all follow the
            drawn numbers.

        Examples
        --------
        >>> from exposure_kit.exercises import lesson01 as ex
        >>> ex.q1.variant(0).expected() == ex.q1.expected()
        True
        >>> ex.q1.variant(7).expected() == ex.q1.variant(7).expected()
        True
        """
        if self._recipe is None:
            raise ValueError(f"question {self.name or self.title!r} has fixed numbers: it "
                             "cannot be drawn")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        return _build_variant(self._recipe, int(seed), self.name)

    def another(self, seed: int | None = None, notebook: bool = True) -> Result:
        """Ask this question again with new numbers (a fresh seed unless one is given).

        The question itself changes: ``check``, ``hint`` and ``solution`` follow the new
        numbers. In a notebook the question's data (``book``, ``records``, ...) is set again in
        the notebook with the new numbers (``notebook=False``: left alone, as the app's quiz
        does). Returns the new prompt and its data, to read.

        Examples
        --------
        >>> from exposure_kit.exercises import lesson09 as ex
        >>> ex.q1.another(seed=4).title
        'New numbers (seed 4)'
        >>> ex.q1.seed, ex.q1.another(seed=0) and ex.q1.seed
        (4, 0)
        """
        fresh = self.variant(_fresh_seed() if seed is None else seed)
        keep = {"name": self.name, "progress": self.progress}
        self.__dict__.update(fresh.__dict__)
        self.__dict__.update(keep)
        self._hints_shown = 0
        if self.progress is not None:
            self.progress.record_variant(self.name, self.seed)
        where = _set_data_in_notebook(self.setup) if notebook else ""
        data = f"\n\nIts data, as code{where}:\n{self.setup}" if self.setup else ""
        return Result("another", f"{self.prompt}{data}{self._sharing_note()}",
                      title=f"New numbers (seed {self.seed})")

    def _sharing_note(self) -> str:
        """Which other questions of the lesson read the names this question's data sets."""
        names = _assigned(self.setup)
        others = [name for name, q in (self.progress.questions.items() if self.progress else ())
                  if name != self.name and names & _assigned(q.setup)]
        if not others:
            return ""
        listed = ", ".join(sorted(names & set().union(*(
            _assigned(self.progress.questions[n].setup) for n in others))))
        return (f"\n\n{', '.join(others)} read the same names ({listed}) with their own "
                "numbers: run their data cell again before you answer them.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name or ''}: {self.title}>"


def _build_variant(recipe, seed: int, name: str) -> Question:
    build, draw, numbers = recipe
    values = {k: p.default for k, p in inspect.signature(numbers or build).parameters.items()
              if p.default is not inspect.Parameter.empty}
    if seed:
        values.update(draw(np.random.default_rng(seed)))
    question = build(**values)
    question._recipe, question.seed, question.name = recipe, seed, name
    question._values = values
    return question


def drawable(build: Callable[..., Question],
             draw: Callable[[np.random.Generator], dict[str, Any]],
             numbers: Callable[..., Any] | None = None) -> Question:
    """A question whose numbers can be drawn afresh from a seed.

    Parameters
    ----------
    build : callable
        Builds the question from its numbers, given as keyword arguments whose defaults are
        the fixed numbers (seed 0). Prompt, setup, expected value, worked solution and
        mistakes are all computed from the arguments.
    draw : callable
        ``draw(rng) -> dict`` of those keyword arguments, drawn with ``rng`` (a
        ``numpy.random.Generator``) from ranges that keep the question meaningful.
    numbers : callable, optional
        For a ``build`` that takes ``**values``: a function whose keyword arguments and their
        defaults are the question's numbers (the data's own builder, say). By default the
        numbers are ``build``'s own keyword arguments.

    Returns
    -------
    Question
        The question with its fixed numbers (seed 0); ``variant(seed)`` and ``another()``
        draw others.

    Examples
    --------
    >>> def build(long=200, short=150):
    ...     return NumberQuestion("Net", f"Long {long}, short {short}: net?", long - short,
    ...                           hints=[], solution="answer = 0")
    >>> q = drawable(build, lambda rng: {"long": int(rng.integers(300, 400))})
    >>> q.expected(), q.variant(3).expected() == q.variant(3).expected()
    (50.0, True)
    >>> def records(long=200, short=150):
    ...     return [long, -short]
    >>> def build_net(**values):
    ...     return NumberQuestion("Net", "Net?", sum(records(**values)), hints=[],
    ...                           solution="answer = 0")
    >>> drawable(build_net, lambda rng: {"short": 120}, numbers=records).variant(1).expected()
    80.0
    """
    return _build_variant((build, draw, numbers), 0, "")


def _assigned(setup: str) -> set[str]:
    """The names a question's data code assigns at the start of a line."""
    return set(re.findall(r"^(\w+)\s*=", setup or "", flags=re.MULTILINE))


def _fresh_seed() -> int:
    """A new seed for "try another": short enough to read out and type back (1 to 999,999)."""
    return secrets.randbelow(999_999) + 1


def _set_data_in_notebook(setup: str) -> str:
    """Run a question's data code in the notebook's namespace (in a kernel); say so."""
    if not setup:
        return ""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None or not hasattr(shell, "user_ns"):
        return ""
    import exposure_kit as ek
    shell.user_ns.setdefault("ek", ek)
    exec(setup, shell.user_ns)  # noqa: S102  (the package's own question data)
    return " (already set in this notebook: use the names below)"


# ----- a time limit on the learner's code ----------------------------------------------------------
class _TooSlow(BaseException):
    """Raised inside an answer that runs past its question's time limit."""


def _within(seconds: float, action: Callable[[], Any]) -> Any:
    """``action()``, or :class:`_TooSlow` once it has run ``seconds``.

    A cell in Jupyter runs on the kernel's main thread, where a timer signal interrupts the
    learner's loop; on any other thread the action runs in a helper thread, which is asked to stop
    (between two Python instructions) when the time is up."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _within_by_signal(seconds, action)
    return _within_by_thread(seconds, action)


def _within_by_signal(seconds: float, action: Callable[[], Any]) -> Any:
    def stop(_signum, _frame):
        raise _TooSlow
    previous = signal.signal(signal.SIGALRM, stop)
    # repeated every 0.1 s after the first: an answer that swallows one interruption gets another
    started = time.monotonic()
    delay, interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        return action()
    finally:   # whoever had the timer before (pytest-timeout, say) gets it back
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if delay:
            left = delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), interval)


def _within_by_thread(seconds: float, action: Callable[[], Any]) -> Any:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error
    worker = threading.Thread(target=run, name="exposure-kit check", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident),
                                                   ctypes.py_object(_TooSlow))
        raise _TooSlow
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# ----- numbers -------------------------------------------------------------------------------------
def _thousands_tuple(answer: Any) -> int | None:
    """The number meant by ``40,000`` typed as Python code, which makes the tuple ``(40, 0)``;
    None for anything else. Each part after the first must fit in three digits."""
    if not (isinstance(answer, tuple) and len(answer) >= 2 and
            all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in answer)):
        return None
    head, *rest = answer
    if not all(0 <= p <= 999 for p in rest):
        return None
    sign = -1 if head < 0 else 1
    return sign * int(str(abs(head)) + "".join(f"{p:03d}" for p in rest))


def _as_number(answer: Any) -> tuple[float | None, str]:
    """The answer as a float, or None and a friendly message saying what was wrong."""
    if isinstance(answer, (bool, np.bool_)):
        return None, "the answer should be a number, not True or False."
    if isinstance(answer, (numbers.Real, np.integer, np.floating, decimal.Decimal)):
        value = float(answer)
        if not math.isfinite(value):
            return None, f"the answer should be a finite number, you gave {answer!r}."
        return value, ""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        return _as_number(answer.reshape(-1)[0])
    if isinstance(answer, str):
        try:
            float(answer.replace(",", "").replace("_", ""))
            return None, ("the answer is text (in quotes): write the number itself, "
                          "without the quotes.")
        except ValueError:
            return None, "the answer should be a number, you gave the text " \
                         f"{answer[:40]!r}."
    if answer is None:
        return None, ("the answer is None: did you print a number instead of assigning it, or "
                      "call a function that returns nothing?")
    if isinstance(answer, Book):
        return None, ("the answer is a whole book: ask it for the number, e.g. "
                      "book.net_exposure() or book.gross_exposure().")
    if isinstance(answer, ExposureSummary):
        return None, ("the answer is a whole summary: take the field the question asks for, "
                      "e.g. .net, .gross or .gross_leverage.")
    if isinstance(answer, (pd.Series, pd.DataFrame)):
        return None, (f"the answer should be one number, you gave a {type(answer).__name__}. "
                      "Pick the single value with .loc[row, column] (or .iloc[0]).")
    meant = _thousands_tuple(answer)
    if meant is not None:
        return None, (f"Python read the comma as two separate numbers: drop the comma and write "
                      f"{meant} (or {meant:_}).")
    if isinstance(answer, (list, tuple, set, dict, np.ndarray)):
        return None, (f"the answer should be one number, you gave a {type(answer).__name__}. "
                      "Add it up or pick the single value the question asks for.")
    return None, f"the answer should be a number, you gave a {type(answer).__name__}."


_NEARLY = 0.01   # within 1 % but outside the tolerance: a rounding slip, said as such

# The slips every number question recognises from what it declares (see NumberQuestion).
PERCENT_FOR_FRACTION = ("that looks like a percentage: give it as a plain number, the "
                        "percentage divided by 100 (25 % is 0.25).")
FRACTION_FOR_PERCENT = ("that looks like a fraction: the question asks for a percentage, the "
                        "fraction times 100 (0.25 is 25 %).")
IN_THOUSANDS = ("that looks like the figure in thousands: write the whole number of dollars, "
                "every digit, not a count of thousands.")
FORGOT_EQUITY = ("that is the exposure itself: leverage divides the exposure by the equity.")
FORGOT_QUANTITY = ("that is for a single coin or contract: multiply by the quantity held.")
FORGOT_CONTRACT_SIZE = ("that leaves out the contract size: each contract is worth its size "
                        "times the price, not one coin.")
COIN_FOR_USD = ("that is an amount of coin: the question asks for USD (coin x price).")
USD_FOR_COIN = ("that is an amount in USD: the question asks for coin (USD / price).")
FACE_FOR_COIN = ("that is the inverse contract's USD face: its value in coin is the face "
                 "divided by the price.")
ROUNDED_TOO_FAR = ("that is the answer rounded too far: keep more decimals (round only at the "
                   "end, if at all).")


class NumberQuestion(Question):
    """A numeric answer, accepted within ``abs_tol`` or ``rel_tol`` of the expected value.

    Besides the question's own mistakes it recognises the slips its keywords declare, a
    flipped sign, an answer rounded too far, and one within 1 % of the expected value but
    outside the tolerance ("close", said with a word on rounding).

    Parameters
    ----------
    percent : bool
        The answer is a fraction or a multiple (a ratio, a move, a leverage): the same in
        percent (x 100) is named as such.
    unit : {"usd", "coin", "percent", ""}
        What the answer is counted in. With ``price``: coin given for USD, or USD for coin;
        ``"percent"``: a fraction given for a percentage.
    equity, quantity, contract_size, price, face : float, optional
        Name the slip of forgetting to divide by the equity, to multiply by the quantity or the
        contract size, of the wrong unit (USD / coin at ``price``), and of giving an inverse
        contract's USD ``face`` where its coin value was asked.
    """

    kind = "number"

    def __init__(self, title: str, prompt: str, expected: float, *, abs_tol: float = 0.01,
                 rel_tol: float = 1e-4, percent: bool = False, unit: str = "",
                 equity: float | None = None, quantity: float | None = None,
                 contract_size: float | None = None, price: float | None = None,
                 face: float | None = None, **kwargs: Any) -> None:
        super().__init__(title, prompt, **kwargs)
        self._expected = float(expected)
        self.abs_tol = abs_tol
        self.rel_tol = rel_tol
        self.percent = percent
        self.unit = unit
        self.equity, self.quantity, self.contract_size = equity, quantity, contract_size
        self.price, self.face = price, face

    def expected(self) -> float:
        return self._expected

    def tolerance(self) -> float:
        return max(self.abs_tol, self.rel_tol * abs(self._expected))

    def _close(self, value: float, target: float) -> bool:
        return abs(value - target) <= max(self.abs_tol, self.rel_tol * abs(target))

    def _near(self, value: float, target: float) -> bool:
        """Within the tolerance or 1 % of ``target``: how a slip is recognised."""
        return self._close(value, target) or abs(value - target) <= _NEARLY * abs(target)

    def slips(self) -> list[tuple[float, str]]:
        """The generic slips this question recognises: (an answer making it, the message)."""
        e = self._expected
        candidates = []
        if self.percent:
            candidates.append((100 * e, PERCENT_FOR_FRACTION))
        if self.unit == "percent":
            candidates.append((e / 100, FRACTION_FOR_PERCENT))
        if self.equity:
            candidates.append((e * self.equity, FORGOT_EQUITY))
        if self.quantity and self.quantity != 1:
            candidates.append((e / self.quantity, FORGOT_QUANTITY))
        if self.contract_size and self.contract_size != 1:
            candidates.append((e / self.contract_size, FORGOT_CONTRACT_SIZE))
        if self.face is not None:
            candidates.append((math.copysign(self.face, e), FACE_FOR_COIN))
        if self.price and self.unit == "usd":
            candidates.append((e / self.price, COIN_FOR_USD))
        if self.price and self.unit == "coin" and self.face is None:
            candidates.append((e * self.price, USD_FOR_COIN))
        if abs(e) >= 10_000:
            candidates.append((e / 1_000, IN_THOUSANDS))
        return [(v, m) for v, m in candidates if not self._near(v, e) and not self._declared(v)]

    def _declared(self, value: float) -> bool:
        """The question names this answer with a mistake of its own."""
        return any(m.match(value) if _predicate(m.match) else self._close(value, float(m.match))
                   for m in self.mistakes)

    def _precision_advice(self) -> str:
        """How precise an answer must be, in words (rounding only at the end)."""
        tolerance = self.tolerance()
        if tolerance >= 1:
            return "keep full precision, and round only at the end."
        places = max(0, math.ceil(-math.log10(2 * tolerance) - 1e-9))
        return (f"give at least {places} decimal{'s' if places != 1 else ''}, and round only "
                f"at the end.")

    def _rounded_too_far(self, value: float) -> bool:
        e = self._expected
        return any(round(e, places) == value and not self._close(round(e, places), e)
                   for places in range(-3, 4))

    def _check(self, answer: Any) -> Result:
        if _is_blank(answer):
            return Result(NOT_ATTEMPTED, "replace ____ with your answer.")
        value, problem = _as_number(answer)
        if value is None:
            return Result(INCORRECT, problem)
        if self._close(value, self._expected):
            return Result(CORRECT)
        for mistake in self.mistakes:
            hit = mistake.match(value) if _predicate(mistake.match) else \
                self._close(value, float(mistake.match))
            if hit:
                return Result(INCORRECT, mistake.message)
        for target, message in self.slips():
            if self._near(value, target):
                return Result(INCORRECT, message)
        if self._expected != 0 and self._near(value, -self._expected):
            return Result(INCORRECT, "the size looks right but the sign is flipped: long "
                                     "exposure is positive, short negative.")
        if abs(value - self._expected) <= _NEARLY * abs(self._expected):
            return Result(INCORRECT, f"close, but not within the tolerance of "
                                     f"+/-{self.tolerance():.4g} (it is within 1 %): "
                                     f"{self._precision_advice()}")
        if self._rounded_too_far(value):
            return Result(INCORRECT, ROUNDED_TOO_FAR)
        return Result(INCORRECT, "not the expected value. Try a hint for a nudge.")


# ----- choices -------------------------------------------------------------------------------------
class ChoiceQuestion(Question):
    """Pick one of several options, given by its key (``"a"``, ``"b"``, ...).

    ``mistakes`` maps a wrong option's key to the reason it is wrong.
    """

    kind = "choice"
    default_blank = 'answer = ____   # one of the letters, e.g. "a"'

    def __init__(self, title: str, prompt: str, options: Mapping[str, str], expected: str, *,
                 mistakes: Mapping[str, str] | Sequence[Mistake] = (), **kwargs: Any) -> None:
        if isinstance(mistakes, Mapping):
            mistakes = [Mistake(key, text) for key, text in mistakes.items()]
        super().__init__(title, prompt, mistakes=mistakes, **kwargs)
        self.options = {str(k).lower(): v for k, v in options.items()}
        if expected not in self.options:
            raise ValueError(f"expected {expected!r} is not an option")
        self._expected = expected

    def expected(self) -> str:
        return self._expected

    def options_markdown(self) -> str:
        return "\n".join(f"- **{key}**: {text}" for key, text in self.options.items())

    def _check(self, answer: Any) -> Result:
        if _is_blank(answer):
            return Result(NOT_ATTEMPTED, "replace ____ with the letter of your choice.")
        keys = ", ".join(f'"{k}"' for k in self.options)
        if not isinstance(answer, str):
            return Result(INCORRECT, f"give the letter of an option as text in quotes, one of "
                                     f"{keys}; you gave a {type(answer).__name__}.")
        key = answer.strip().strip(".)").lower()
        if key not in self.options:
            if len(key) >= 3 and any(key in text.lower() for text in self.options.values()):
                return Result(INCORRECT, f"write the letter of the option you choose ({keys}), "
                                         "not its words.")
            return Result(INCORRECT, f"{answer[:40]!r} is not an option; choose one of {keys}.")
        if key == self._expected:
            return Result(CORRECT)
        for mistake in self.mistakes:
            hit = mistake.match(key) if _predicate(mistake.match) else mistake.match == key
            if hit:
                return Result(INCORRECT, mistake.message)
        return Result(INCORRECT, "not that one. Try a hint for a nudge.")


# ----- functions the learner writes --------------------------------------------------------------
def _same(a: Any, b: Any, abs_tol: float, rel_tol: float) -> bool:
    if isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list, np.ndarray)) and len(a) == len(b)
                and all(_same(x, y, abs_tol, rel_tol) for x, y in zip(a, b)))
    if isinstance(b, str):
        return a == b
    value, problem = _as_number(a)
    if value is None:
        return False
    return abs(value - float(b)) <= max(abs_tol, rel_tol * abs(float(b)))


def _is_percent_of(got: Any, expected: Any) -> bool:
    """Whether ``got`` is ``expected`` times 100 (10.0 returned for 0.10)."""
    try:
        got, expected = float(got), float(expected)
    except (TypeError, ValueError):
        return False
    return expected != 0 and math.isclose(got, 100 * expected, rel_tol=1e-6, abs_tol=1e-12)


def _plain_error(error: BaseException) -> str:
    """What an error in a learner's code means, as a sentence instead of a traceback."""
    kind = type(error).__name__
    if isinstance(error, ZeroDivisionError):
        return "it divided by zero. Check what the divisor is for this case."
    if isinstance(error, NameError):
        return (f"it uses a name Python does not know ({error}). Check the spelling, or define "
                "it inside the function.")
    if isinstance(error, (KeyError, IndexError)):
        return (f"it looked up {error} and that is not there ({kind}). Check the keys or "
                "positions of what it reads.")
    if isinstance(error, TypeError):
        return f"it mixed up kinds of values ({error}). Check what each line works on."
    return f"it raised an error ({kind}: {error})."


def _call_text(name: str, args: tuple) -> str:
    return f"{name}({', '.join(repr(a) for a in args)})"


class FunctionQuestion(Question):
    """A short function the learner writes, checked on test cases (edge cases included).

    Parameters
    ----------
    function_name : str
        The name the learner's function has in the notebook.
    reference : callable
        The right implementation (built on :mod:`exposure_kit`), giving the expected results.
    cases : sequence of tuple
        Arguments of each test case.
    mistakes : sequence of Mistake
        Each ``match`` is a wrong implementation; a learner's function that agrees with it on
        every case is named by its message.
    """

    kind = "function"

    def __init__(self, title: str, prompt: str, function_name: str, reference: Callable,
                 cases: Sequence[tuple], *, abs_tol: float = 1e-6, rel_tol: float = 1e-9,
                 signature: str = "", **kwargs: Any) -> None:
        blank = kwargs.pop("blank", "") or (f"def {function_name}({signature}):\n"
                                           f"    return ____   # your code here")
        super().__init__(title, prompt, blank=blank, **kwargs)
        self.function_name = function_name
        self.answer_name = function_name
        self.reference = reference
        self.cases = [tuple(c) for c in cases]
        self.abs_tol, self.rel_tol = abs_tol, rel_tol

    def expected(self) -> Callable:
        return self.reference

    def _agrees(self, function: Callable, other: Callable) -> bool:
        try:
            return all(_same(function(*copy.deepcopy(args)), other(*args), self.abs_tol,
                             self.rel_tol)
                       for args in self.cases)
        except _TooSlow:
            raise
        except BaseException:
            return False

    def _check(self, answer: Any) -> Result:
        if _is_blank(answer):
            return Result(NOT_ATTEMPTED, f"write the function {self.function_name} and pass it "
                                         "in (its name, without brackets).")
        if not callable(answer):
            return Result(INCORRECT, f"pass the function itself, e.g. "
                                     f"check({self.function_name}); you gave a "
                                     f"{type(answer).__name__}.")
        failed = None
        for args in self.cases:
            try:   # a copy of the arguments: a function that changes its list spoils no case
                got = answer(*copy.deepcopy(args))
            except _TooSlow:
                raise
            except BaseException as error:   # SystemExit and KeyboardInterrupt are verdicts too
                if "Placeholder" in str(error):
                    return Result(NOT_ATTEMPTED, "the function still uses ____: write its body.")
                where = traceback.extract_tb(error.__traceback__)[-1].lineno
                return Result(INCORRECT, f"{_call_text(self.function_name, args)} stopped on "
                                         f"line {where} of your function: "
                                         f"{_plain_error(error)}")
            if _is_blank(got) or (isinstance(got, tuple) and any(_is_blank(g) for g in got)):
                return Result(NOT_ATTEMPTED, "the function still returns ____: write its body.")
            if got is None:
                return Result(INCORRECT, f"{_call_text(self.function_name, args)} returned "
                                         "None: end the function with `return ...` (printing "
                                         "a value does not return it).")
            if not _same(got, self.reference(*args), self.abs_tol, self.rel_tol):
                failed = (args, got)
                break
        if failed is None:
            return Result(CORRECT)
        for mistake in self.mistakes:
            if self._agrees(answer, mistake.match):
                return Result(INCORRECT, mistake.message)
        args, got = failed
        if _is_percent_of(got, self.reference(*args)):
            return Result(INCORRECT, f"{_call_text(self.function_name, args)} returned "
                                     f"{got!r}, which looks like a percent: return a fraction "
                                     "(0.10 for 10 %), not the percent.")
        return Result(INCORRECT, f"{_call_text(self.function_name, args)} returned {got!r}, "
                                 "which is not right. Try that case by hand.")


# ----- books the learner builds ------------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    """Something the learner's book must satisfy: ``measure(book)`` close to ``target``, or a
    predicate ``test(book)``; ``message`` says what is missing when it fails."""

    message: str
    measure: Callable[[Book], float] | None = None
    target: float = 0.0
    tolerance: float = 0.01
    test: Callable[[Book], bool] | None = None

    def holds(self, book: Book) -> bool:
        if self.test is not None:
            return bool(self.test(book))
        return abs(float(self.measure(book)) - self.target) <= self.tolerance


def _as_book(answer: Any) -> tuple[Book | None, str]:
    if isinstance(answer, Book):
        return answer, ""
    try:
        if isinstance(answer, pd.DataFrame):
            return Book.from_frame(answer), ""
        if isinstance(answer, (Mapping, Position)):   # a single position
            answer = [answer]
        if isinstance(answer, (list, tuple)) and answer and \
                all(isinstance(r, (Mapping, Position, Book)) for r in answer):
            if any(_is_blank(v) for r in answer if isinstance(r, Mapping) for v in r.values()):
                return None, "blank"
            if not any(isinstance(r, Book) for r in answer):   # rows numbered as given
                return Book(answer), ""
            pieces = [r if isinstance(r, Book) else Book([r]) for r in answer]
            return sum(pieces[1:], pieces[0]), ""
    except ValueError as error:  # PositionError names the row and field
        return None, f"the book does not load: {error}"
    return None, (f"give a Book (ek.Book.from_records(...)) or a list of position dicts (and "
                  f"books); you gave a {type(answer).__name__}.")


class BookQuestion(Question):
    """A book the learner builds, checked on its exposures.

    Parameters
    ----------
    requirements : sequence of Requirement
        All must hold for the answer to be correct; the first that fails is reported.
    solution_book : callable, optional
        Not needed: the stored solution code builds the book.
    """

    kind = "book"

    def __init__(self, title: str, prompt: str, requirements: Sequence[Requirement],
                 **kwargs: Any) -> None:
        super().__init__(title, prompt, **kwargs)
        self.requirements = list(requirements)

    def expected(self) -> list[Requirement]:
        return self.requirements

    def _check(self, answer: Any) -> Result:
        if _is_blank(answer) or (isinstance(answer, (list, tuple))
                                 and any(_is_blank(a) for a in answer)):
            return Result(NOT_ATTEMPTED, "replace ____ with your book.")
        book, problem = _as_book(answer)
        if problem == "blank":
            return Result(NOT_ATTEMPTED, "some fields are still ____.")
        if book is None:
            return Result(INCORRECT, problem)
        if all(r.holds(book) for r in self.requirements):
            return Result(CORRECT)
        for mistake in self.mistakes:
            try:
                hit = mistake.match(book)
            except Exception:
                hit = False
            if hit:
                return Result(INCORRECT, mistake.message)
        failing = next(r for r in self.requirements if not r.holds(book))
        return Result(INCORRECT, failing.message)


# ----- progress over a notebook ------------------------------------------------------------------
class Progress:
    """Which questions of a lesson are done. Show it (``ex.progress`` or ``ex.progress()``)."""

    def __init__(self, lesson: str, questions: Iterable[Question] = ()) -> None:
        self.lesson = lesson
        self.questions: dict[str, Question] = {}
        self.status: dict[str, str] = {}
        self.solution_seen: set[str] = set()
        self.seeds: dict[str, int] = {}       # the seed of the variant each question now shows
        self.mastered: set[str] = set()       # right at the first check of a variant
        self._unseen: set[str] = set()        # variants not yet checked nor solved
        for question in questions:
            self.add(question)

    def add(self, question: Question) -> None:
        self.questions[question.name] = question
        self.status.setdefault(question.name, NOT_ATTEMPTED)
        self.seeds.setdefault(question.name, question.seed)
        self._unseen.add(question.name)
        question.progress = self

    def record(self, name: str, status: str) -> None:
        if status != NOT_ATTEMPTED and name in self._unseen:   # the variant's first check
            self._unseen.discard(name)
            if status == CORRECT:
                self.mastered.add(name)
                _selfstudy.remember_mastery(self.lesson, name)
        if self.status.get(name) != CORRECT or status == CORRECT:
            self.status[name] = status
        _selfstudy.remember(self.lesson, name, self.status[name], name in self.solution_seen)

    def record_solution(self, name: str) -> None:
        self._unseen.discard(name)
        self.solution_seen.add(name)
        _selfstudy.remember(self.lesson, name, self.status[name], True)

    def record_variant(self, name: str, seed: int) -> None:
        """The question now shows the numbers of ``seed``: a fresh variant to master."""
        self.seeds[name] = seed
        self._unseen.add(name)

    def reset(self) -> "Progress":
        """Start the lesson afresh: every question not attempted, the remembered place (and the
        lesson notebook's predictions) forgotten."""
        for name in self.status:
            self.status[name] = NOT_ATTEMPTED
        self.solution_seen.clear()
        self.mastered.clear()
        self._unseen = set(self.status)
        _selfstudy.forget(self.lesson)
        return self

    def __call__(self) -> "Progress":
        return self

    def counts(self) -> dict[str, int]:
        values = list(self.status.values())
        return {s: values.count(s) for s in (CORRECT, INCORRECT, NOT_ATTEMPTED)}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"question": name, "title": q.title, "status": self.status[name],
                              "solution seen": name in self.solution_seen,
                              "mastered": name in self.mastered, "seed": self.seeds[name]}
                             for name, q in self.questions.items()]).set_index("question")

    def _headline(self) -> str:
        n = self.counts()
        return (f"{self.lesson}: {n[CORRECT]} of {len(self.questions)} correct, "
                f"{n[INCORRECT]} to retry, {n[NOT_ATTEMPTED]} not attempted; "
                f"{len(self.mastered)} mastered (right first time on numbers not yet solved)")

    def __repr__(self) -> str:
        lines = [self._headline()]
        for name, question in self.questions.items():
            seen = " (solution seen)" if name in self.solution_seen else ""
            lines.append(f"  {name:<4} {self.status[name]:<14} {question.title}{seen}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for name, question in self.questions.items():
            colour = _COLOURS[self.status[name]][0]
            seen = " (solution seen)" if name in self.solution_seen else ""
            rows.append(f"<tr><td style='text-align:left'>{name}</td>"
                        f"<td style='text-align:left'>{html.escape(question.title)}</td>"
                        f"<td style='text-align:left;color:{colour};font-weight:bold'>"
                        f"{self.status[name]}{seen}</td></tr>")
        return (f"<div class='{NO_MATHS}' style='font-family:sans-serif'>"
                f"<b>{html.escape(self._headline())}</b><table>{''.join(rows)}</table></div>")


def name_error_sentence(error: NameError) -> str:
    """A plain sentence for a name Python does not know in a learner's cell: an unquoted letter
    (``answer = a``) is told to put it in quotes.

    Examples
    --------
    >>> name_error_sentence(NameError("name 'a' is not defined", name="a"))
    'Python does not know a name a: to give the letter of an option, put it in quotes: answer = "a".'
    """
    name = getattr(error, "name", None) or str(error)
    if len(name) == 1 and name.isalpha():
        return (f"Python does not know a name {name}: to give the letter of an option, put it "
                f'in quotes: answer = "{name}".')
    return (f"Python does not know the name {name!r}: run the cells above this one first "
            "(Run > Run All Above), or check its spelling.")


def _show_name_error(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """IPython's handler for a NameError in an exercise notebook: a sentence, no traceback."""
    from IPython.display import display

    display(Result(INCORRECT, name_error_sentence(value)))
    return []


def plain_name_errors() -> bool:
    """In an IPython kernel, show a NameError in the learner's cells as a plain sentence (see
    :func:`name_error_sentence`) instead of a traceback. Returns whether it was installed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((NameError,), _show_name_error)
    return True


def register(module_globals: dict[str, Any], lesson: str) -> Progress:
    """Name the module's questions q1, q2, ... and give them one :class:`Progress`; in a
    kernel, a NameError in the learner's cells is shown as a sentence from now on."""
    plain_name_errors()
    progress = Progress(lesson)
    names = sorted((k for k, v in module_globals.items()
                    if isinstance(v, Question) and k[:1] == "q" and k[1:].isdigit()),
                   key=lambda k: int(k[1:]))
    for name in names:
        module_globals[name].name = name
        progress.add(module_globals[name])
    _selfstudy.restore(progress)     # a self-study learner's place, kept across restarts
    progress._unseen -= {n for n, s in progress.status.items() if s != NOT_ATTEMPTED}
    progress._unseen -= progress.solution_seen       # answers already met are not fresh
    module_globals.setdefault("reset", progress.reset)
    return progress


# ----- the question's data as code a learner reads --------------------------------------------------
_WIDTH = 90


def _literal(value: Any, indent: int = 0) -> str:
    pad = " " * (indent + 4)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):_}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if number.is_integer() and abs(number) >= 10_000:
            return f"{int(number):_}"
        return repr(number)
    if isinstance(value, str):
        if "\n" in value and '"""' not in value and "\\" not in value:
            return f'"""{value}"""'
        return repr(value)
    if isinstance(value, Mapping):   # packed into lines of at most about 90 characters
        items = [f"{_literal(k)}: {_literal(v, indent + 1)}" for k, v in value.items()]
        lines, line = [], ""
        for item in items:
            if line and indent + len(line) + len(item) + 3 > _WIDTH:
                lines.append(line + ",")
                line = ""
            line = f"{line}, {item}" if line else item
        lines.append(line)
        return "{" + f"\n{' ' * (indent + 1)}".join(lines) + "}"
    if isinstance(value, (list, tuple)):
        inner = [_literal(v, indent + 4) for v in value]
        one_line = ", ".join(inner)
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        if len(one_line) + indent < _WIDTH and "\n" not in one_line:
            if isinstance(value, tuple) and len(value) == 1:
                one_line += ","
            return open_ + one_line + close
        body = "".join(f"\n{pad}{v}," for v in inner)
        return f"{open_}{body}\n{' ' * indent}{close}"
    raise TypeError(f"no literal for {type(value).__name__}")


def data_code(**values: Any) -> str:
    """Python assignments that recreate ``values``: the data a question states, as code.

    Examples
    --------
    >>> print(data_code(long=150_000, sides=["long", "short"]))
    long = 150_000
    sides = ['long', 'short']
    """
    return "\n".join(f"{name} = {_literal(value, len(name) + 3 if isinstance(value, Mapping) else 0)}"
                     for name, value in values.items())
