"""What a lesson kernel in the classroom app records: one row per check, hint, solution, prediction.

Only a kernel the classroom server started records anything: the server puts the store's place
in ``EXPOSURE_KIT_CLASS_STORE`` before it starts kernels, and a kernel started anywhere else
(JupyterLab, nbclient, a test) has no such variable, so these calls do nothing there. The
kernel writes under its own id (read off its connection file, ``kernel-<id>.json``); the server
knows which browser that kernel was handed to, so no learner id has to reach the kernel.

A failure to record never reaches the learner: the quiz goes on and the loss is counted in
:data:`LOST`.
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

from .. import _selfstudy
from ._framework import CORRECT, INCORRECT, NOT_ATTEMPTED, ROUNDED_TOO_FAR, NumberQuestion, Question, Result

__all__ = ["STORE_VARIABLE", "recording", "verdict_of", "record_quiz", "record_prediction"]

STORE_VARIABLE = "EXPOSURE_KIT_CLASS_STORE"
_KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json$")
_SIGN_FLIPPED = "the size looks right but the sign is flipped"
_CLOSE = "close, but not within the tolerance"
_store = None
LOST = 0   # events that could not be written (the store unreachable): kept for the log


def recording() -> bool:
    """True in a lesson kernel of the classroom app (and only there)."""
    return bool(os.environ.get(STORE_VARIABLE))


def kernel_id() -> str:
    """This kernel's id, as the server knows it (from the connection file's name)."""
    try:
        from ipykernel.kernelapp import IPKernelApp
        if IPKernelApp.initialized():
            match = _KERNEL_FILE.search(IPKernelApp.instance().connection_file or "")
            if match:
                return match.group(1)
    except ImportError:
        pass
    return os.environ.get("EXPOSURE_KIT_KERNEL_ID", f"pid-{os.getpid()}")


def _the_store():
    global _store
    if _store is None:
        from .._app._store import AnswerStore
        _store = AnswerStore(os.environ[STORE_VARIABLE])
    return _store


def _write(**event: Any) -> None:
    global LOST
    if not recording():
        return
    try:
        _the_store().record(kernel_id(), **event)
    except Exception:      # the learner's page must not break because the store did
        LOST += 1


def named_slips(question: Question) -> set[str]:
    """The messages that name a mistake this question recognises (its own and the generic)."""
    names = {m.message for m in question.mistakes}
    if isinstance(question, NumberQuestion):
        names |= {message for _, message in question.slips()} | {ROUNDED_TOO_FAR}
    return names


def verdict_of(question: Question, result: Result) -> tuple[str, str]:
    """The verdict of a check as recorded, and the message the learner read.

    ``"correct"``; ``"slip"`` when the message names a mistake the question recognises;
    ``"close"`` when within 1 % but outside the tolerance; ``"not attempted"``; otherwise
    ``"incorrect"`` (an unreadable answer, or a wrong one with no name).

    Examples
    --------
    >>> from exposure_kit.exercises import lesson01 as ex
    >>> verdict_of(ex.q1, ex.q1.check(400_000))
    ('slip', 'that is the gross exposure (long + short): the short was added, not subtracted.')
    >>> verdict_of(ex.q1, ex.q1.check(12))[0]
    'incorrect'
    """
    if result.status == CORRECT:
        return "correct", ""
    if result.status == NOT_ATTEMPTED:
        return "not attempted", result.message
    if result.status == INCORRECT:
        message = result.message
        if message in named_slips(question) or message.startswith(_SIGN_FLIPPED):
            return "slip", message
        if message.startswith(_CLOSE):
            return "close", message
        return "incorrect", message
    return result.status, result.message


def lesson_number(question: Question) -> str:
    """``"01"`` for a question of lesson 01 (from its progress's ``"Lesson 01"``)."""
    match = re.search(r"\d+", getattr(question.progress, "lesson", "") or "")
    return f"{int(match.group()):02d}" if match else ""


def record_quiz(question: Question, kind: str, answer: Any = "",
                result: Result | None = None) -> None:
    """A quiz card's Check (the answer as typed, the result as shown), Hint or Worked solution."""
    if not recording():
        return
    if kind == "check" and result is not None:
        verdict, slip = verdict_of(question, result)
    else:
        verdict, slip = kind, ""
    _write(lesson=lesson_number(question), question=question.name, title=question.title,
           kind=kind, answer=answer, verdict=verdict, slip=slip)


def earlier_checks(lesson: str) -> dict[str, tuple[str, str]] | None:
    """In the app, this learner's latest check of each question of ``lesson`` made before the
    page was reloaded (question -> (answer as typed, verdict)); None while the server has not
    yet handed this kernel to a learner, and outside the app or when the store cannot be read.
    """
    if not recording():
        return None
    try:
        return _the_store().earlier_checks(kernel_id(), lesson)
    except Exception:       # a store that cannot be read leaves the cards as they are
        return None


def prompt_of(prediction: Any) -> str:
    """A prediction's question as plain text (its prompt widget, without the bold lead-in)."""
    text = re.sub(r"<[^>]+>", "", prediction.prompt.value)
    return html.unescape(text).removeprefix("Your prediction.").strip()


def record_prediction(prediction: Any) -> None:
    """A prediction checked against its answer, or shown without a guess: in the class's store
    (the app) or the self-study learner's own (JupyterLab)."""
    if not recording():
        _selfstudy.remember_prediction(prompt_of(prediction), prediction.guess)
        return
    guess = prediction.guess
    verdict = "shown" if guess is None else \
        ("correct" if prediction.is_right(guess) else "incorrect")
    labels = prediction.options or {}     # a choice is recorded by its words, not its key
    _write(question=prompt_of(prediction), kind="prediction",
           answer="" if guess is None else labels.get(guess, guess), verdict=verdict,
           expected=prediction.answer_text())    # as the learner reads it: $30,000


def restore_prediction(prediction: Any) -> None:
    """A self-study learner's earlier guess, made again (so the answer shows as it did)."""
    guess = _selfstudy.saved_prediction(prompt_of(prediction))
    if guess is not None and (prediction.options is None or guess in prediction.options):
        prediction.choose(guess)
