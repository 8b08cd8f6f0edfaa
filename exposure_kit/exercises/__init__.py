"""Exercises that check answers and explain mistakes, one module per lesson.

In a notebook::

    from exposure_kit.exercises import ____, lesson01 as ex
    answer = ____          # the learner replaces ____
    ex.q1.check(answer)    # Correct / Incorrect: <the mistake> / Not attempted
    ex.q1.hint()           # one more hint at each call
    ex.q1.solution()       # the worked solution: the arithmetic, then the code
    ex.q1.another()        # the same question with new numbers (a drawable question)
    ex.progress            # which questions of the lesson are done

In the Voila app, where nobody types code, ``quiz("03")`` shows the lesson's number and choice
questions in the page (``quiz("03", instructor=True)``: with a "Show all solutions" switch).

``python -m exposure_kit.exercises.build`` rewrites the notebooks under ``exercises/`` from the
lesson modules; ``python -m exposure_kit.exercises.solutions OUTDIR`` writes them with the
solutions filled in.
"""

from ._framework import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    BookQuestion,
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    Placeholder,
    Progress,
    Question,
    Requirement,
    Result,
    ____,
    drawable,
)

LESSONS = tuple(f"lesson{n:02d}" for n in range(1, 13))

__all__ = ["____", "Placeholder", "Result", "Mistake", "Question", "NumberQuestion",
           "ChoiceQuestion", "FunctionQuestion", "BookQuestion", "Requirement", "Progress",
           "CORRECT", "INCORRECT", "NOT_ATTEMPTED", "LESSONS", "quiz", "drawable"]


def __getattr__(name: str):
    """``ek.exercises.lesson03`` works without importing the lesson module first."""
    if name == "quiz":   # ipywidgets only when the quiz is asked for
        from ._quiz import quiz
        return quiz
    if name in LESSONS:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
