"""What a lesson kernel in the classroom app records: one row per check, hint, solution, prediction.

Only a kernel the classroom server started records anything: the server puts the store's place
in ``EXPOSURE_KIT_CLASS_STORE`` before it starts kernels, and a kernel started anywhere else
(JupyterLab, nbclient, a test) has no such variable, so these calls do nothing there. The
kernel writes under its own id (read off its connection file, ``kernel-<id>.json``); the server
knows which browser that kernel was handed to, so no learner id has to reach the kernel.

A failure to record never reaches the learner: the quiz goes on, the event is held and written
with the next one or at the kernel's exit (:func:`write_unwritten`), and the failure is said on the
kernel's standard error, which is the classroom server's log.
"""

from __future__ import annotations

import atexit
import html
import os
import re
import sys
import time
from typing import Any

from .. import _selfstudy
from ._framework import CORRECT, INCORRECT, NOT_ATTEMPTED, ROUNDED_TOO_FAR, NumberQuestion, Question, Result

__all__ = ["STORE_VARIABLE", "recording", "verdict_of", "record_quiz", "record_prediction"]

STORE_VARIABLE = "EXPOSURE_KIT_CLASS_STORE"
_KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json$")
_SIGN_FLIPPED = "the size looks right but the sign is flipped"
_CLOSE = "close, but not within the tolerance"
_store = None
LOST = 0   # events still unwritten when the kernel exited (the store unreachable)


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
    """Record ``event`` now, with the events an earlier failure held back (oldest first)."""
    if not recording():
        return
    event.setdefault("at", time.time())      # the time it was answered, even if written later
    _UNWRITTEN.append(event)
    write_unwritten()


def write_unwritten() -> int:
    """Write the events held back by a failure to record (the store busy or unreachable);
    how many are still held back. Run again at each answer and at the kernel's exit.

    A failure never reaches the learner; it is said on the kernel's standard error (the
    classroom server's log) with its reason, and counted in :data:`LOST` if still unwritten
    when the kernel exits.
    """
    while _UNWRITTEN:
        try:
            _the_store().record(kernel_id(), **_UNWRITTEN[0])
        except Exception as error:     # the learner's page must not break because the store did
            print(f"exposure-kit: could not record {_UNWRITTEN[0].get('kind')} of "
                  f"{_UNWRITTEN[0].get('question')!r} in kernel {kernel_id()} (kept, will retry):"
                  f" {type(error).__name__}: {error}", file=sys.__stderr__, flush=True)
            return len(_UNWRITTEN)
        _UNWRITTEN.pop(0)
    return 0


def _at_exit() -> None:
    global LOST
    from ..widgets._typed import run_waiting_actions
    run_waiting_actions()          # a Check pressed just before the page closed
    for _ in range(3):
        if not write_unwritten():
            return
        time.sleep(1)
    LOST += len(_UNWRITTEN)
    print(f"exposure-kit: {len(_UNWRITTEN)} answers could not be recorded before kernel "
          f"{kernel_id()} stopped", file=sys.__stderr__, flush=True)


_UNWRITTEN: list[dict[str, Any]] = []
atexit.register(_at_exit)


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
