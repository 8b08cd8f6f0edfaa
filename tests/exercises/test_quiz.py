"""The in-page quiz of the app: built from the exercise modules' questions, it says what check()
says, never shows an expected value before it is earned, shows its data and no code, and only the
instructor's copy has "Show all solutions"."""

from __future__ import annotations

import html
import io
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit.exercises import LESSONS, ChoiceQuestion, quiz
from exposure_kit.exercises._notebooks import lesson_module, questions
from exposure_kit.exercises._quiz import data_numbers, in_words, states_numbers

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
if str(REPO / "lessons") not in sys.path:
    sys.path.insert(0, str(REPO / "lessons"))
import build  # noqa: E402
import sweep_support as sw  # noqa: E402

PREDICTING = [stem for stem in build.STEMS if not stem.startswith("00")]



# ----- the quiz -------------------------------------------------------------------------------------
def typed(question) -> str:
    """The expected answer as a learner types it (a number with commas, or an option's key)."""
    if isinstance(question, ChoiceQuestion):
        return question.expected()
    return f"{question.expected():,.6f}"


def all_text(widget) -> str:
    """Every string a widget tree carries (values, descriptions, option labels)."""
    parts = [str(getattr(widget, name, "")) for name in ("value", "description", "placeholder")
             if isinstance(getattr(widget, name, ""), str)]
    parts += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        parts.append(all_text(child))
    return "\n".join(parts)


def expected_forms(question) -> list[str]:
    if isinstance(question, ChoiceQuestion):
        return [f"({question.expected()})"]
    value = question.expected()
    return [ek.usd(value), f"{value:,.4f}"] if abs(value) >= 100 else [f"{value:.4f}"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_three_browser_questions_and_the_rest_point_to_jupyterlab(lesson):
    q = quiz(lesson)
    assert len(q.cards) >= 3
    names = {card.question.name for card in q.cards}
    for question in questions(lesson_module(lesson)):
        if question.name not in names:
            assert f"Question {question.name[1:]}: {in_words(question.title)}" in \
                all_text(q.widget)
    assert "for JupyterLab" in all_text(q.widget) or len(names) == len(q.cards)
    assert q.switch is None and "Show all solutions" not in all_text(q.widget)


@pytest.mark.parametrize("lesson", LESSONS)
def test_quiz_says_what_check_says_and_keeps_the_answer_until_it_is_earned(lesson):
    q = quiz(lesson)
    before = all_text(q.widget)
    for card in q.cards:
        for form in expected_forms(card.question):
            assert form not in before, f"{card.question!r}: {form} on the page before any answer"
    for card in q.cards:
        question = card.question
        for mistake in question.mistakes:
            sample = mistake.sample()
            card.input.value = sample if isinstance(question, ChoiceQuestion) else f"{sample}"
            result = card.check()
            assert str(result) == str(question.check(sample))
            assert in_words(mistake.message) in html.unescape(card.feedback.value)
        for _ in question.hints:
            card.hint()
        assert f"Hint {len(question.hints)}/{len(question.hints)}" in card.hints.value
        for form in expected_forms(question):
            assert form not in all_text(card.widget), f"{question!r}: {form} shown by a hint"
        card.input.value = typed(question)
        assert card.check().correct and "Correct" in card.feedback.value
    assert q.progress_text().startswith(f"Your progress: {len(q.cards)} of {len(q.cards)} correct")


def test_quiz_tells_a_learner_what_to_type():
    q = quiz("01")
    card = q.cards[0]
    assert str(card.check()).startswith("Not attempted")
    card.input.value = "forty thousand"
    assert "type a number" in str(card.check())
    card.input.value = "$40,000"          # the net of lesson 01's exercise book: 220,000 - 180,000
    assert card.check().correct


def test_the_worked_solution_only_on_request_and_the_switch_only_for_instructors():
    learner = quiz("03")
    card = learner.cards[0]
    assert card.worked.value == ""
    card.solution()
    assert "Worked solution" in card.worked.value and "$174,000" in card.worked.value
    instructor = quiz("03", instructor=True)
    assert instructor.switch is not None
    assert all(c.worked.value == "" for c in instructor.cards)
    assert instructor.switch.description == "Show all solutions"
    instructor.switch.value = True
    assert all("Worked solution" in c.worked.value for c in instructor.cards)
    assert instructor.switch.description == "Hide all solutions"     # says what it does next
    instructor.switch.value = False
    assert all(c.worked.value == "" for c in instructor.cards)
    assert instructor.switch.description == "Show all solutions"


@pytest.mark.parametrize("stem", [s for s in build.STEMS if not s.startswith("00")])
def test_app_lessons_end_with_the_quiz_and_only_the_instructors_copy_has_the_switch(stem):
    learner = build.notebook(stem, app=True)
    number = stem[:2]
    code = [c.source for c in learner.cells if c.cell_type == "code"]
    assert f'quiz("{number}")' in code[-1] and "instructor" not in "\n".join(code)
    text = "\n".join(c.source for c in learner.cells if c.cell_type == "markdown")
    assert "ask your instructor how to open them" not in text
    assert f'quiz("{number}", instructor=True)' in build.for_instructor(learner).cells[-2].source \
        or any(f'quiz("{number}", instructor=True)' in c.source
               for c in build.for_instructor(build.notebook(stem, app=True)).cells)
    lab = build.notebook(stem)
    assert not any("quiz(" in c.source for c in lab.cells if c.cell_type == "code")


# ----- the quiz for someone who cannot type code --------------------------------------------------
def visible(widget_html: str) -> str:
    """An HTML widget's text as the page shows it."""
    return html.unescape(re.sub(r"<[^>]+>", " ", widget_html))


def card_texts(card) -> dict[str, str]:
    """Everything a card can show: prompt and data, every hint, the worked solution, and the
    feedback on each recognised slip."""
    question = card.question
    for _ in question.hints:
        card.hint()
    card.solution()
    texts = {"prompt": visible(card.widget.children[1].value), "hints": visible(card.hints.value),
             "worked solution": visible(card.worked.value)}
    for number, mistake in enumerate(question.mistakes):
        sample = mistake.sample()
        card.input.value = sample if isinstance(question, ChoiceQuestion) else f"{sample}"
        card.check()
        texts[f"feedback on slip {number + 1}"] = visible(card.feedback.value)
    return texts


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_quiz_card_shows_its_data_and_no_code(lesson):
    for card in quiz(lesson).cards:
        texts = card_texts(card)
        missing = states_numbers(texts["prompt"], data_numbers(card.question))
        assert not missing, f"{card.question!r}: the card does not show {missing}"
        for part, text in texts.items():
            assert not sw.code_in(text), f"{card.question!r} {part}: {sw.code_in(text)}"
        # a yes/no column of the data (lesson 08's "inverse") in words, not Python's True
        assert not re.search(r"\b(True|False)\b", texts["prompt"]), card.question


def test_lesson12s_quiz_can_be_answered_from_the_cards_alone():
    from exposure_kit.exercises import lesson12
    cards = {card.question.name: card for card in quiz("12").cards}
    rows = pd.read_csv(io.StringIO(lesson12.CSV))
    for name in ("q1", "q2", "q3", "q5"):
        prompt = visible(cards[name].widget.children[1].value)
        for row in rows.itertuples():
            # every row of the export, with its venue and size (5,000 inverse contracts of $100)
            assert row.name in prompt and row.venue in prompt
        assert "5,000" in prompt and "62,000" in prompt and "Load the CSV" not in prompt
    findings = visible(cards["q5"].widget.children[1].value)
    for finding in ek.diagnose(lesson12.BOOK):
        assert finding.message in findings


def test_the_app_quiz_says_code_in_words():
    assert in_words("quantity x `contract_size`") == "quantity x contract size"
    said = in_words("Give it as a positive number, the way `short_exposure()` reports it.")
    assert said == "Give it as a positive number (a size, as the short exposure is reported)."
    assert not sw.code_in(in_words('check `book.by("underlying")`, then `ek.diagnose(book)`'))


def test_exercise03_q4_names_the_forgotten_perp():
    from exposure_kit.exercises import lesson03
    # spot 3 x 58,000 = 174,000, collateral 0.6 x 58,000 = 34,800: without the perp short,
    # 208,800 (the right answer takes the 174,000 short away: 34,800)
    result = lesson03.q4.check(208_800)
    assert not result.correct and "perp short was left out" in str(result)
    assert lesson03.q4.check(34_800).correct
