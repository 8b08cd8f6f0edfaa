"""What the instructor's view says about a session: per question and per prediction.

Pure functions of the recorded events (:meth:`exposure_kit._app._store.AnswerStore.events`), so
the figures can be checked by hand in tests; ``_class_pages`` turns them into HTML.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

QUIZ_KINDS = ("check", "hint", "solution", "another")


@dataclass
class QuestionFigures:
    """One quiz question in one session."""

    lesson: str
    question: str
    title: str
    present: int = 0                  # learners who opened the lesson (or answered in it)
    answered: int = 0                 # learners who checked an answer
    first_try_correct: int = 0        # ... whose first answer was right
    correct_now: int = 0              # ... who have it right by now
    slips: Counter = field(default_factory=Counter)   # message -> learners who made it
    close: int = 0                    # learners who were within 1 % but outside the tolerance
    other_wrong: int = 0              # learners with an unnamed wrong answer
    hints: int = 0                    # learners who took at least one hint
    solutions: int = 0                # learners who opened the worked solution
    tried_another: int = 0            # learners who asked for new numbers ("Try another")
    mastered_another: int = 0         # ... and were right at the first check of new numbers

    @property
    def first_try_share(self) -> float | None:
        return self.first_try_correct / self.answered if self.answered else None

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.question}"


@dataclass
class PredictionFigures:
    """One prediction in one session: each learner's first guess against the answer."""

    lesson: str
    prompt: str
    answer: str
    guesses: list[str] = field(default_factory=list)
    right: int = 0
    shown_without_guess: int = 0

    @property
    def numeric(self) -> bool:
        return _number(self.answer) is not None and bool(self.guesses) and \
            all(_number(g) is not None for g in self.guesses)

    @property
    def money(self) -> bool:
        """Whether the answer is an amount in dollars (recorded as the learner read it,
        ``$30,000``): the spread's labels then carry the dollar sign."""
        return "$" in str(self.answer)

    @property
    def key(self) -> str:
        return f"{self.lesson}/p/{self.prompt}"


def _number(text: Any) -> float | None:
    """A recorded number: ``50000.0``, or an answer as shown (``$30,000``, ``-$1,250``)."""
    if isinstance(text, str):
        text = text.replace("$", "").replace(",", "")
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def question_figures(events: Iterable[dict], present: dict[str, set[str]] | None = None
                     ) -> list[QuestionFigures]:
    """Per quiz question, most missed first (lowest first-try share; unanswered last).

    Examples
    --------
    >>> e = [dict(lesson="01", question="q1", title="Net", kind="check", learner=w,
    ...           verdict=v, slip=s) for w, v, s in
    ...      [("a", "slip", "gross"), ("a", "correct", ""), ("b", "correct", ""),
    ...       ("c", "not attempted", "type it"), ("c", "slip", "gross")]]
    >>> f = question_figures(e)[0]
    >>> (f.answered, f.first_try_correct, f.correct_now, dict(f.slips))
    (3, 1, 2, {'gross': 2})
    """
    present = present or {}
    figures: dict[tuple[str, str], QuestionFigures] = {}
    seen: dict[tuple[str, str], dict[str, list[dict]]] = {}
    for event in events:
        if event["kind"] not in QUIZ_KINDS:
            continue
        key = (event["lesson"], event["question"])
        if key not in figures:
            figures[key] = QuestionFigures(event["lesson"], event["question"], event["title"])
        seen.setdefault(key, {}).setdefault(event["learner"], []).append(event)
    for key, by_learner in seen.items():
        _count(figures[key], by_learner)
        figures[key].present = len(present.get(key[0], set()) |
                                   _lesson_learners(seen, key[0]))
    return sorted(figures.values(), key=_most_missed_first)


def _lesson_learners(seen: dict, lesson: str) -> set[str]:
    return {learner for (les, _), by in seen.items() if les == lesson for learner in by}


def _count(figures: QuestionFigures, by_learner: dict[str, list[dict]]) -> None:
    for events in by_learner.values():
        checks = [e for e in events if e["kind"] == "check" and e["verdict"] != "not attempted"]
        if checks:
            figures.answered += 1
            figures.first_try_correct += checks[0]["verdict"] == "correct"
            figures.correct_now += any(e["verdict"] == "correct" for e in checks)
            figures.close += any(e["verdict"] == "close" for e in checks)
            figures.other_wrong += any(e["verdict"] == "incorrect" for e in checks)
            for slip in {e["slip"] for e in checks if e["verdict"] == "slip"}:
                figures.slips[slip] += 1
        tried, mastered = _new_numbers(events)
        figures.tried_another += tried
        figures.mastered_another += mastered
        figures.hints += any(e["kind"] == "hint" for e in events)
        figures.solutions += any(e["kind"] == "solution" for e in events)


def _new_numbers(events: list[dict]) -> tuple[bool, bool]:
    """Whether a learner asked for new numbers, and was right at the first check of a set of
    new numbers (before its worked solution)."""
    tried = mastered = unseen = False
    for event in events:
        if event["kind"] == "another":
            tried = unseen = True
        elif event["kind"] == "solution":
            unseen = False
        elif event["kind"] == "check" and event["verdict"] != "not attempted" and unseen:
            mastered = mastered or event["verdict"] == "correct"
            unseen = False
    return tried, mastered


def _most_missed_first(figures: QuestionFigures) -> tuple:
    share = figures.first_try_share
    return (share is None, share if share is not None else 0.0, -figures.answered,
            figures.lesson, _question_order(figures.question))


def _question_order(name: str) -> tuple:
    return (int(name[1:]) if name[1:].isdigit() else 10**6, name)


def prediction_figures(events: Iterable[dict]) -> list[PredictionFigures]:
    """Per prediction (in the order first met), each learner's first guess.

    Examples
    --------
    >>> e = [dict(lesson="01", question="Net?", kind="prediction", learner=w, answer=g,
    ...           verdict=v, expected="30000") for w, g, v in
    ...      [("a", "50000", "incorrect"), ("a", "30000", "correct"), ("b", "30000", "correct"),
    ...       ("c", "", "shown")]]
    >>> p = prediction_figures(e)[0]
    >>> (p.guesses, p.right, p.shown_without_guess, p.numeric)
    (['50000', '30000'], 1, 1, True)
    """
    found: dict[tuple[str, str], PredictionFigures] = {}
    first: dict[tuple[str, str], set[str]] = {}
    for event in events:
        if event["kind"] != "prediction":
            continue
        key = (event["lesson"], event["question"])
        figures = found.setdefault(key, PredictionFigures(event["lesson"], event["question"],
                                                          event["expected"]))
        done = first.setdefault(key, set())
        if event["learner"] in done:
            continue
        done.add(event["learner"])
        if event["verdict"] == "shown":
            figures.shown_without_guess += 1
        else:
            figures.guesses.append(event["answer"])
            figures.right += event["verdict"] == "correct"
    return list(found.values())


@dataclass
class LearnerFigures:
    """One learner in one session: who (a nickname, or the start of the random id) and how far."""

    learner: str
    nickname: str
    lessons: set = field(default_factory=set)
    answered: set = field(default_factory=set)     # questions checked
    right: set = field(default_factory=set)        # questions right by now
    slips: int = 0                                  # checks that named a slip

    @property
    def shown_as(self) -> str:
        return self.nickname or f"learner {self.learner[:6]}"


def learner_figures(events: Iterable[dict]) -> list[LearnerFigures]:
    """Per learner with a quiz answer, by name (nicknamed first).

    Examples
    --------
    >>> e = [dict(learner="0a1b2c3d", nickname="", lesson="01", question="q1", kind="check",
    ...           verdict=v) for v in ("slip", "correct")]
    >>> f = learner_figures(e)[0]
    >>> (f.shown_as, sorted(f.right), f.slips)
    ('learner 0a1b2c', ['01/q1'], 1)
    """
    found: dict[str, LearnerFigures] = {}
    for event in events:
        if event["kind"] != "check" or event["verdict"] == "not attempted":
            continue
        who = found.setdefault(event["learner"], LearnerFigures(event["learner"],
                                                               event["nickname"]))
        who.nickname = event["nickname"] or who.nickname
        key = f"{event['lesson']}/{event['question']}"
        who.lessons.add(event["lesson"])
        who.answered.add(key)
        if event["verdict"] == "correct":
            who.right.add(key)
        who.slips += event["verdict"] == "slip"
    return sorted(found.values(), key=lambda w: (not w.nickname, w.shown_as.lower()))
