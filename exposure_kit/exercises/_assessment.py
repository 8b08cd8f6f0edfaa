"""An onboarding assessment: a paper of exercise questions, one variant per candidate, marked.

A paper is built from a candidate's id and the sitting's seed: the same pair always gives the
same paper, so an instructor or a desk can rebuild any candidate's exact questions to discuss
them (:func:`paper`, ``python -m exposure_kit.exercises.assessment``). It takes one or two
number questions per topic of the series (:data:`TOPICS`), fourteen in all, in lesson order,
so a question that says "the same book" follows the one that set the book. A question whose
numbers can be drawn (issue 28: ``question.variant(seed)``) is asked with numbers drawn from a
seed of the candidate's own; the others keep their fixed numbers, and the paper says which.

Marking (:func:`mark`) reads the typed answers with the quizzes' rules (``1.7M``, ``12.5%``,
``$40,000``, ``12.75x``), checks each with the question's own check and keeps the named slip it
gives; nothing in a marked paper is a hint or a worked solution.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from .._errors import InputError
from ._framework import NumberQuestion, Question

__all__ = ["TOPICS", "CANDIDATE_LENGTH", "PaperQuestion", "Paper", "MarkedAnswer", "MarkedPaper",
           "paper", "paper_questions", "mark", "candidate_key", "answer_key"]

#: Topic -> (exercise module, its questions), in the order of the series. The one table to
#: change when lessons are renumbered. A question that refers to "the same" numbers comes right
#: after the one that gives them, and never keeps fixed numbers after a drawn one (lesson 10's
#: q2 to q4 read q1's option, so only q1 is asked).
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "net vs gross": ("lesson01", ("q1", "q2")),
    "hedging": ("lesson03", ("q1", "q2")),
    "cross hedges and beta": ("lesson04", ("q1", "q3")),
    "margin and leverage": ("lesson06", ("q1", "q3")),
    "inverse contracts": ("lesson08", ("q1", "q2")),
    "stress and false neutrality": ("lesson09", ("q1",)),
    "options delta": ("lesson10", ("q1",)),
    "funding and basis": ("lesson11", ("q1", "q4")),
}
CANDIDATE_LENGTH = 60
_NO_HINT = (" Try a hint for a nudge.", "Try a hint for a nudge.")


def candidate_key(candidate: str) -> str:
    """The candidate's id as the paper is keyed on it: printable, single spaces, case folded.

    ``"  Ana  Ruiz "`` and ``"ana ruiz"`` are the same candidate (the same paper).

    Examples
    --------
    >>> candidate_key("  Ana   RUIZ ")
    'ana ruiz'
    >>> candidate_key("  ")
    Traceback (most recent call last):
    ...
    exposure_kit._errors.InputError: candidate: give a name or an id (at most 60 characters)
    """
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in str(candidate))
    key = " ".join(kept.split()).casefold()
    if not key or len(key) > CANDIDATE_LENGTH:
        raise InputError(f"candidate: give a name or an id (at most {CANDIDATE_LENGTH} "
                         "characters)")
    return key


def _checked_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise InputError(f"seed: a whole number from 0, got {seed!r}")
    return seed


def variant_seed(candidate: str, seed: int, module: str) -> int:
    """The seed a candidate's questions of one lesson are drawn from (1 to 999,999).

    One seed per lesson, not per question: questions of a lesson that share their numbers
    ("for the same book") draw the same ones. A hash, so it is the same on every machine.

    Examples
    --------
    >>> variant_seed("ana", 7, "lesson01") == variant_seed("ANA ", 7, "lesson01")
    True
    >>> variant_seed("ana", 7, "lesson01") != variant_seed("ben", 7, "lesson01")
    True
    """
    text = f"{_checked_seed(seed)}|{candidate_key(candidate)}|{module}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big") % 999_999 + 1


def _exercise(module: str, name: str) -> Question:
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def _asked(question: Question, seed: int) -> tuple[Question, bool]:
    """The question as the paper asks it, and whether its numbers were drawn: the variant of
    ``seed`` when it can be drawn, else a copy of the fixed question (a copy, so that checking
    it touches no learner's progress)."""
    if getattr(question, "drawable", False):
        return question.variant(seed), True
    asked = copy.copy(question)
    asked.progress = None
    return asked, False


def paper_questions(candidate: str, seed: int) -> list[tuple[Question, int]]:
    """The paper's questions as asked, each with the seed its numbers were drawn from (0 for a
    question asked with its fixed numbers).

    Parameters
    ----------
    candidate : str
        The candidate's name or id (see :func:`candidate_key`).
    seed : int
        The sitting's seed.

    Returns
    -------
    list of (Question, int)

    Examples
    --------
    >>> questions = paper_questions("ana", 7)
    >>> len(questions)
    14
    """
    return [(item.question, item.variant_seed) for item in paper(candidate, seed).questions]


@dataclass(frozen=True)
class PaperQuestion:
    """One question of a paper: where it comes from and how it is asked."""

    number: int
    topic: str
    module: str
    name: str
    question: Question
    variant_seed: int          # 0: asked with its fixed numbers

    @property
    def drawn(self) -> bool:
        return self.variant_seed != 0

    @property
    def source(self) -> str:
        """``"lesson01.q1"``: the exercise it is."""
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Paper:
    """A candidate's paper: the questions in order, rebuilt exactly from (candidate, seed)."""

    candidate: str
    seed: int
    questions: tuple[PaperQuestion, ...]

    def topics(self) -> list[str]:
        return list(dict.fromkeys(q.topic for q in self.questions))


def paper(candidate: str, seed: int, topics: Mapping[str, tuple[str, tuple[str, ...]]] = TOPICS
          ) -> Paper:
    """The candidate's paper for the sitting ``seed``.

    Parameters
    ----------
    candidate : str
        A name or an id, nothing more personal (case and spacing do not matter).
    seed : int
        The sitting's seed (the instructor's, printed by the server and on every report).
    topics : mapping, optional
        Topic -> (exercise module, question names); :data:`TOPICS` by default.

    Returns
    -------
    Paper

    Examples
    --------
    >>> one, again = paper("Ana", 2026), paper(" ana ", 2026)
    >>> [q.question.prompt for q in one.questions] == [q.question.prompt for q in again.questions]
    True
    >>> one.topics()[:2]
    ['net vs gross', 'hedging']
    """
    key, seed = candidate_key(candidate), _checked_seed(seed)
    items, number = [], 0
    for topic, (module, names) in topics.items():
        drawn_from = variant_seed(key, seed, module)
        for name in names:
            asked, drawn = _asked(_exercise(module, name), drawn_from)
            number += 1
            items.append(PaperQuestion(number, topic, module, name, asked,
                                       drawn_from if drawn else 0))
    return Paper(key, seed, tuple(items))


# ----- marking ---------------------------------------------------------------------------------
def typed_value(question: Question, text: str) -> float | None:
    """A typed answer as the question's check takes it, by the quizzes' rules: ``"1.7M"``,
    ``"$40,000"``, ``"12.75x"``; ``"12.5%"`` is 0.125 where the question asks for a fraction,
    12.5 otherwise (and the check then names the slip).

    Examples
    --------
    >>> leverage = NumberQuestion("Gross leverage", "Gross over equity?", 12.75, percent=True,
    ...                           hints=[], solution="answer = 12.75")
    >>> typed_value(leverage, "12.75x"), typed_value(leverage, "1,275%")
    (12.75, 12.75)
    >>> typed_value(leverage, "1.7M"), typed_value(leverage, "twelve")
    (1700000.0, None)
    """
    from ._quiz import parse_number_as_typed  # the quiz's reading of a typed box

    text = str(text).strip()
    if not text:
        return None
    number = parse_number_as_typed(text)
    if number is not None and getattr(question, "percent", False) and text.endswith("%"):
        return number / 100
    return number


@dataclass(frozen=True)
class MarkedAnswer:
    """One answer as marked: what was typed, the verdict and the slip the check named."""

    item: PaperQuestion
    typed: str
    verdict: str           # correct, slip, close, incorrect, not answered
    message: str           # the check's sentence (no hint, no expected value)

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"


@dataclass(frozen=True)
class MarkedPaper:
    """A paper marked: the answers, the score per topic, the time taken."""

    paper: Paper
    answers: tuple[MarkedAnswer, ...]
    started: float
    submitted: float
    time_limit: float = 0.0              # seconds; 0: untimed
    grace: float = 30.0                  # seconds a submission may arrive after the limit

    @property
    def seconds(self) -> float:
        return max(self.submitted - self.started, 0.0)

    @property
    def on_time(self) -> bool:
        return not self.time_limit or self.seconds <= self.time_limit + self.grace

    def by_topic(self) -> dict[str, tuple[int, int]]:
        """Topic -> (right, asked); nothing right when the paper came in after its time."""
        scores: dict[str, list[int]] = {t: [0, 0] for t in self.paper.topics()}
        for answer in self.answers:
            scores[answer.item.topic][1] += 1
            scores[answer.item.topic][0] += int(answer.correct and self.on_time)
        return {t: (right, asked) for t, (right, asked) in scores.items()}

    def score(self) -> tuple[int, int]:
        pairs = self.by_topic().values()
        return sum(r for r, _ in pairs), sum(a for _, a in pairs)


def _mark_one(item: PaperQuestion, typed: str) -> MarkedAnswer:
    from ._recording import verdict_of

    question, typed = item.question, str(typed or "").strip()[:200]
    if not typed:
        return MarkedAnswer(item, typed, "not answered", "")
    value = typed_value(question, typed)
    if value is None:
        return MarkedAnswer(item, typed, "incorrect", "not a number.")
    verdict, message = verdict_of(question, question.check(value))
    for nudge in _NO_HINT:
        message = message.replace(nudge, "")
    return MarkedAnswer(item, typed, verdict, message.strip())


def mark(candidate_paper: Paper, typed: Mapping[int, str], started: float,
         submitted: float | None = None, time_limit: float = 0.0) -> MarkedPaper:
    """Mark the answers typed for a paper.

    Parameters
    ----------
    candidate_paper : Paper
    typed : mapping
        Question number -> the text typed in its box (a missing one is not answered).
    started, submitted : float
        Seconds since 1970 when the paper was opened and handed in (default: now).
    time_limit : float
        Seconds allowed (0: untimed). A paper handed in more than 30 s after it scores nothing;
        its answers are still marked, to discuss.

    Returns
    -------
    MarkedPaper

    Examples
    --------
    >>> p = paper("ana", 7)
    >>> marked = mark(p, {1: "not sure"}, started=0.0, submitted=600.0)
    >>> marked.answers[0].verdict, marked.answers[1].verdict, marked.seconds
    ('incorrect', 'not answered', 600.0)
    """
    if not isinstance(candidate_paper, Paper):
        raise InputError("mark: give the Paper the answers were typed for")
    answers = tuple(_mark_one(item, typed.get(item.number, "")) for item in candidate_paper.questions)
    return MarkedPaper(candidate_paper, answers, float(started),
                       time.time() if submitted is None else float(submitted), float(time_limit))


# ----- for the instructor ----------------------------------------------------------------------
def _expected_text(question: Question) -> str:
    value = question.expected()
    if isinstance(question, NumberQuestion):
        if abs(value) < 1000:
            return f"{value:,.6g}"
        return f"{value:,.2f}".removesuffix(".00")
    return str(value)


def answer_key(candidate: str, seed: int) -> str:
    """The candidate's exact paper with its worked answers, as text, for the instructor.

    Examples
    --------
    >>> text = answer_key("ana", 7)
    >>> text.splitlines()[0]
    'Assessment paper of candidate "ana", seed 7: 14 questions, worked answers (instructor only)'
    """
    the_paper = paper(candidate, seed)
    lines = [f'Assessment paper of candidate "{the_paper.candidate}", seed {seed}: '
             f"{len(the_paper.questions)} questions, worked answers (instructor only)"]
    for item in the_paper.questions:
        numbers = f"drawn from seed {item.variant_seed}" if item.drawn else "fixed numbers"
        lines += ["", f"{item.number}. [{item.topic}] {item.question.title} "
                      f"({item.source}, {numbers})",
                  item.question.prompt, "",
                  f"Expected: {_expected_text(item.question)}", "Worked:",
                  *(f"    {line}" for line in (item.question.working or "").splitlines())]
    return "\n".join(lines)
