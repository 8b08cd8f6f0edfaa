"""The exercise framework and every lesson's questions.

Each question's own solution passes its check, each recognised mistake fails with its message,
no failure message gives the expected value away, and wrong types get a message, not a traceback.
"""

import math

import pytest

import exposure_kit as ek
from exposure_kit.exercises import (
    CORRECT,
    INCORRECT,
    LESSONS,
    NOT_ATTEMPTED,
    BookQuestion,
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    Progress,
    Requirement,
    ____,
)
from exposure_kit.exercises._framework import data_code
from exposure_kit.exercises._notebooks import lesson_module, questions

ALL = [q for lesson in LESSONS for q in questions(lesson_module(lesson))]
IDS = [f"{q.progress.lesson.split()[-1]}-{q.name}" for q in ALL]
WRONG_TYPES = ["a string", "12,5", None, [1.0, 2.0], {"net": 1}, 3 + 4j, object(), True]


def number_forms(value: float) -> list[str]:
    """How a number could be written in a message."""
    size = abs(value)
    if size >= 100:
        return [f"{size:,.0f}", f"{size:.0f}", f"{size:_.0f}", ek.usd(size)]
    if size == 0:
        return []
    return [f"{size:.2f}", f"{size:.3g}", f"{size * 100:.1f}%", f"{size * 100:.1f} %"]


def secrets(question) -> list[str]:
    if isinstance(question, NumberQuestion):
        return number_forms(question.expected())
    if isinstance(question, ChoiceQuestion):
        return [question.options[question.expected()]]
    return []


def assert_keeps_secret(question, message: str) -> None:
    for secret in secrets(question):
        assert secret not in message, f"{question!r} gives away {secret!r}: {message}"


# ----- every question ------------------------------------------------------------------------------
def test_every_lesson_has_four_to_six_questions():
    for lesson in LESSONS:
        assert 4 <= len(questions(lesson_module(lesson))) <= 6, lesson


@pytest.mark.parametrize("question", ALL, ids=IDS)
def test_solution_passes_its_own_check(question):
    result = question.check(question.solution_answer())
    assert result.status == CORRECT, f"{question!r}: {result}"


@pytest.mark.parametrize("question", ALL, ids=IDS)
def test_each_mistake_fails_with_its_message_and_keeps_the_answer_secret(question):
    assert question.mistakes, f"{question!r} recognises no mistake"
    for mistake in question.mistakes:
        result = question.check(mistake.sample())
        assert result.status == INCORRECT
        assert result.message == mistake.message, f"{question!r}: {mistake.sample()!r} -> {result}"
        assert_keeps_secret(question, result.message)


@pytest.mark.parametrize("question", ALL, ids=IDS)
def test_wrong_types_get_a_message_not_a_traceback(question):
    for answer in WRONG_TYPES:
        result = question.check(answer)
        assert result.status == INCORRECT, f"{question!r} took {answer!r}"
        assert "Traceback" not in result.message and result.message
        assert_keeps_secret(question, result.message)


@pytest.mark.parametrize("question", ALL, ids=IDS)
def test_placeholder_means_not_attempted(question):
    assert question.check(____).status == NOT_ATTEMPTED
    assert question.check(question.solution_answer()).correct


@pytest.mark.parametrize("question", [q for q in ALL if isinstance(q, NumberQuestion)],
                         ids=[i for q, i in zip(ALL, IDS) if isinstance(q, NumberQuestion)])
def test_unrecognised_wrong_number_keeps_the_answer_secret(question):
    expected = question.expected()
    for wrong in (expected * 1.37 + 11, -expected * 0.5 - 3):
        result = question.check(wrong)
        assert result.status == INCORRECT
        assert_keeps_secret(question, result.message)


def test_questions_are_named_in_order_and_notebook_stems_match_the_lessons():
    stems = ["01_net_vs_gross", "02_net_formula", "03_hedging_spot_with_perps",
             "04_beta_and_correlation", "05_hedges_from_price_history", "06_leverage_and_margin",
             "07_drift_after_price_moves", "08_inverse_contracts", "09_stress_and_false_neutrality",
             "10_options_and_delta",
             "11_relative_value_and_funding", "12_your_own_book"]
    assert [lesson_module(name).STEM for name in LESSONS] == stems
    for lesson in LESSONS:
        names = [q.name for q in questions(lesson_module(lesson))]
        assert names == [f"q{i}" for i in range(1, len(names) + 1)]


def test_the_kinds_are_all_used():
    kinds = {type(q) for q in ALL}
    assert kinds == {NumberQuestion, ChoiceQuestion, FunctionQuestion, BookQuestion}


# ----- the framework on small hand-made questions ------------------------------------------------
def make_number(**kw):
    # long 150,000 and short 100,000: net 50,000 by hand
    return NumberQuestion("net", "?", 50_000, hints=["one", "two"], solution="answer = 50_000",
                          mistakes=[Mistake(250_000, "that is the gross exposure")], **kw)


def test_number_question_tolerance_sign_and_percent():
    q = make_number(abs_tol=1.0, rel_tol=0.0)
    assert q.check(50_000.9).correct and q.check(49_999).correct
    assert not q.check(50_002).correct
    assert q.check(250_000).message == "that is the gross exposure"
    assert "sign is flipped" in q.check(-50_000).message
    ratio = NumberQuestion("r", "?", 0.8, percent=True, hints=[], solution="answer = 0.8")
    assert "percent" in ratio.check(80).message
    assert ratio.check(0.80004).correct


def test_number_question_type_messages():
    q = make_number()
    assert "without the quotes" in q.check("50000").message
    assert "None" in q.check(None).message
    assert "one number" in q.check([50_000]).message
    assert "True or False" in q.check(True).message
    assert "finite" in q.check(math.nan).message
    import numpy as np
    assert q.check(np.float32(50_000)).correct and q.check(np.array([50_000.0])).correct


def test_hints_come_one_more_at_each_call_and_stop_at_the_last():
    q = make_number()
    assert q.hint().message == "1. one\n(1 more: call hint() again)"
    assert q.hint().message == "1. one\n2. two"
    assert q.hint().message == "1. one\n2. two"


def test_results_render_as_text_and_coloured_html():
    q = make_number()
    assert str(q.check(50_000)) == "Correct"
    assert str(q.check(250_000)) == "Incorrect: that is the gross exposure"
    assert str(q.check(____)).startswith("Not attempted")
    assert "#1b7f3b" in q.check(50_000)._repr_html_()
    assert "#b3261e" in q.check(1)._repr_html_()
    assert "answer = 50_000" in str(q.solution())


def test_progress_keeps_a_correct_answer_and_counts():
    a, b = make_number(), make_number()
    a.name, b.name = "q1", "q2"
    progress = Progress("Test", [a, b])
    a.check(50_000)
    a.check(1)            # a later slip does not undo a correct answer
    b.check(1)
    assert progress.counts() == {CORRECT: 1, INCORRECT: 1, NOT_ATTEMPTED: 0}
    assert progress() is progress
    assert "1 of 2 correct" in repr(progress) and "1 of 2 correct" in progress._repr_html_()
    assert progress.to_frame()["status"].tolist() == [CORRECT, INCORRECT]


def test_choice_question_accepts_case_and_spaces_and_names_options():
    q = ChoiceQuestion("c", "?", {"a": "long", "b": "short"}, "a", hints=[],
                       solution='answer = "a"', mistakes={"b": "the short side is smaller"})
    assert q.check(" A ").correct and q.check("a)").correct
    assert q.check("b").message == "the short side is smaller"
    assert '"a", "b"' in q.check("z").message
    assert "text in quotes" in q.check(1).message


def test_function_question_reports_a_raising_case_and_a_wrong_case():
    q = FunctionQuestion("f", "?", "double", lambda x: 2 * x, [(1,), (0,), (-3,)], hints=[],
                         solution="def double(x):\n    return 2 * x",
                         mistakes=[Mistake(lambda x: x + x + 1, "off by one")])
    assert q.check(lambda x: x * 2).correct
    assert q.check(lambda x: x + x + 1).message == "off by one"
    assert "double(0) stopped on line" in q.check(lambda x: 2 / x).message
    assert "divided by zero" in q.check(lambda x: 2 / x).message
    assert "double(-3) returned 6" in q.check(abs).message or "returned" in q.check(abs).message
    assert q.check(lambda x: ____).status == NOT_ATTEMPTED
    assert "pass the function itself" in q.check(4).message


def test_book_question_takes_books_records_and_frames_and_reports_bad_rows():
    flat = Requirement("the BTC net is not flat yet",
                       measure=lambda b: b.net_exposure(), target=0.0, tolerance=1.0)
    q = BookQuestion("b", "?", [flat], hints=[], solution="answer = []",
                     mistakes=[Mistake(lambda b: b.net_exposure() > 150_000, "hedge added long")])
    spot = {"name": "s", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 100_000}
    hedge = dict(spot, name="h", kind="perp", side="short")
    assert q.check([spot, hedge]).correct
    assert q.check(ek.Book.from_records([spot, hedge])).correct
    assert q.check(ek.Book.from_records([spot, hedge]).to_frame()).correct
    assert q.check([spot, dict(hedge, side="long")]).message == "hedge added long"
    assert q.check([spot]).message == "the BTC net is not flat yet"
    bad = q.check([spot, dict(hedge, side="sideways")])
    assert bad.status == INCORRECT and "side" in bad.message and "row 1" in bad.message
    assert q.check([spot, dict(hedge, notional=____)]).status == NOT_ATTEMPTED
    assert "list of position dicts" in q.check(42).message


def test_data_code_writes_readable_literals():
    assert data_code(x=150_000, y=0.5, s="BTC") == "x = 150_000\ny = 0.5\ns = 'BTC'"
    namespace = {}
    records = [{"name": "A" * 30, "notional": 1_000_000.0, "side": "long"}] * 3
    exec(data_code(records=records), namespace)
    assert namespace["records"] == records


def test_book_question_takes_a_list_of_books_and_dicts():
    from exposure_kit.exercises import lesson12 as ex
    hedge = {"name": "h", "venue": "VenueA", "underlying": "BTC", "kind": "perp",
             "side": "short", "notional": ex.BY_UNDERLYING.loc["BTC", "net"]}
    assert ex.q4.check([ex.BOOK, hedge]).correct
    assert ex.q4.check([ex.BOOK, dict(hedge, side=____)]).status == NOT_ATTEMPTED
    assert ex.q4.check([ex.BOOK]).status == INCORRECT


def test_data_code_writes_long_dicts_and_text_over_several_lines():
    record = {"name": "BTC-COLLATERAL", "underlying": "BTC", "kind": "collateral",
              "side": "long", "quantity": 0.6, "price": 58_000, "venue": "VenueA"}
    csv = "a,b\n1,2\n"
    code = data_code(position=record, csv=csv)
    assert max(len(line) for line in code.splitlines()) <= 92
    namespace = {}
    exec(code, namespace)
    assert namespace["position"] == record and namespace["csv"] == csv


def test_lessons_reachable_from_the_package():
    assert ek.exercises.lesson03.q1.name == "q1"
    with pytest.raises(AttributeError):
        ek.exercises.lesson99


# ----- a learner's half-finished or slightly-off answers -----------------------------------------
def test_check_without_an_answer_asks_for_one():
    from exposure_kit.exercises import lesson01 as ex
    result = ex.q1.check()
    assert result.status == NOT_ATTEMPTED and "ex.q1.check(answer)" in result.message


def test_a_half_written_expression_is_still_not_attempted():
    import numpy as np
    q = make_number()
    for partial in (150_000 - ____, ____ * 2, np.float64(3.0) * ____, -____, abs(____) / 4):
        assert q.check(partial).status == NOT_ATTEMPTED


def test_any_real_number_type_is_accepted():
    from decimal import Decimal
    from fractions import Fraction
    q = make_number()
    assert q.check(Decimal("50000")).correct and q.check(Fraction(100_000, 2)).correct


def test_choice_answered_with_the_words_asks_for_the_letter():
    q = ChoiceQuestion("c", "?", {"a": "net long", "b": "net short"}, "a", hints=[],
                       solution='answer = "a"', mistakes={"b": "smaller"})
    message = q.check("Net long").message
    assert "letter" in message and "net long" not in message.lower()


def test_function_that_prints_or_keeps_a_blank_or_changes_its_input():
    q = FunctionQuestion("f", "?", "total", lambda xs: float(sum(xs)), [([1.0, 2.0],), ([],)],
                         hints=[], solution="def total(xs):\n    return sum(xs)",
                         mistakes=[Mistake(lambda xs: 0.0, "nothing added")])
    assert "returned None" in q.check(lambda xs: print(sum(xs))).message
    assert q.check(lambda xs: sum(xs) + ____).status == NOT_ATTEMPTED

    def total_by_popping(xs):         # empties the list it is given: each case gets its own copy
        result = 0.0
        while xs:
            result += xs.pop()
        return result
    assert q.check(total_by_popping).correct and q.check(total_by_popping).correct
    assert q.cases == [([1.0, 2.0],), ([],)]


def test_book_answer_may_hold_position_objects_or_be_one_position():
    flat = Requirement("not flat", measure=lambda b: b.net_exposure(), target=0.0, tolerance=1.0)
    has_one = Requirement("one position only", test=lambda b: len(b) == 1)
    q = BookQuestion("b", "?", [has_one, flat], hints=[], solution="answer = []",
                     mistakes=[Mistake(lambda b: True, "unused")])
    spot = ek.Position("s", "BTC", "spot", "long", notional=100_000)
    hedge = ek.Position("h", "BTC", "perp", "short", notional=100_000)
    # spot and hedge: flat (100,000 - 100,000 = 0) but two positions, so the mistake is named
    assert q.check([spot, hedge]).message == "unused"
    two = BookQuestion("b", "?", [flat], hints=[], solution="answer = []")
    assert two.check([spot, hedge]).correct
    assert two.check(spot).message == "not flat"
    assert two.check({"underlying": "BTC", "kind": "perp", "side": "long", "notional": 0.0}).correct


def test_a_rounded_answer_is_told_it_is_close():
    q = make_number(abs_tol=0.01, rel_tol=0.0)
    # 50,200 is 0.4 % from 50,000: close; 52,000 is 4 % away: just wrong
    assert q.check(50_200).message.startswith("close, but not within the tolerance")
    assert q.check(52_000).message.startswith("not the expected value")


def test_every_question_has_several_hints():
    for question in ALL:
        assert len(question.hints) >= 2, f"{question!r} has {len(question.hints)} hint"


def test_a_book_a_summary_or_a_table_for_a_number_points_to_the_value():
    import pandas as pd
    q = make_number()
    book = ek.Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
                                  "notional": 50_000}])
    assert "book.net_exposure()" in q.check(book).message
    assert ".net" in q.check(book.summary()).message
    assert ".loc[row, column]" in q.check(book.by("underlying")).message
    assert ".loc[row, column]" in q.check(pd.Series([50_000.0])).message


# ----- any answer at all -----------------------------------------------------------------------------
from hypothesis import given, strategies as st  # noqa: E402

ANY_ANSWER = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                       st.text(max_size=12), st.none(), st.booleans(),
                       st.lists(st.floats(allow_nan=False), max_size=3),
                       st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@given(answer=ANY_ANSWER, index=st.integers(min_value=0, max_value=len(ALL) - 1))
def test_any_answer_gets_a_verdict_and_never_the_expected_value(answer, index):
    question = ALL[index]
    result = question.check(answer)
    assert result.status in (CORRECT, INCORRECT, NOT_ATTEMPTED) and str(result)
    if not result.correct:
        assert_keeps_secret(question, result.message)


# ----- worked solutions and the slips every number question recognises ---------------------------
ANSWERABLE = [q for q in ALL if isinstance(q, (NumberQuestion, ChoiceQuestion))]
ANSWERABLE_IDS = [i for q, i in zip(ALL, IDS) if isinstance(q, (NumberQuestion, ChoiceQuestion))]


def stated_forms(value: float) -> list[str]:
    """How a worked solution may state a number: dollars, with or without cents, or decimals."""
    forms = [ek.usd(value), ek.usd(value, cents=True), f"{value:.3g}", f"{value:.4g}"]
    forms += [f"{value:,.{places}f}" for places in range(5)]
    return forms


@pytest.mark.parametrize("question", ANSWERABLE, ids=ANSWERABLE_IDS)
def test_worked_solution_shows_the_arithmetic_and_states_the_expected_answer(question):
    text = str(question.solution())
    assert question.working and text.index(question.working) < text.index(question.solution_code)
    assert "\n" in question.working, f"{question!r}: one line is not a worked solution"
    if isinstance(question, NumberQuestion):
        forms = stated_forms(question.expected())
        assert any(form in question.working for form in forms), \
            f"{question!r} does not state {forms[0]}:\n{question.working}"
    else:
        assert f"({question.expected()})" in question.working, question.working


@pytest.mark.parametrize("question", ANSWERABLE, ids=ANSWERABLE_IDS)
def test_last_hint_leads_to_the_method_not_to_a_library_call(question):
    last = question.hints[-1]
    assert "In code" not in last and "ek." not in last and "book." not in last, last


@pytest.mark.parametrize("question", [q for q in ALL if isinstance(q, NumberQuestion)],
                         ids=[i for q, i in zip(ALL, IDS) if isinstance(q, NumberQuestion)])
def test_each_recognised_slip_fails_with_its_own_message(question):
    for answer, message in question.slips():
        result = question.check(answer)
        assert result.status == INCORRECT and result.message == message, \
            f"{question!r}: {answer!r} -> {result}"
        assert_keeps_secret(question, result.message)


def test_the_generic_slips_each_have_their_message():
    from exposure_kit.exercises import _framework as fw
    # 05's gross leverage: $765,000 gross on $60,000 equity is 12.75x (765,000 / 60,000)
    leverage = NumberQuestion("l", "?", 12.75, abs_tol=0.005, percent=True, equity=60_000,
                              hints=[], solution="answer = 12.75")
    assert leverage.check(1275).message == fw.PERCENT_FOR_FRACTION
    assert leverage.check(765_000).message == fw.FORGOT_EQUITY
    assert leverage.check(12.8).message.startswith("close, but not within the tolerance")
    assert leverage.check(13).message == fw.ROUNDED_TOO_FAR
    # a liquidating move of -12.81 %: -12.8 is the percent, -0.13 the fraction rounded too far
    move = NumberQuestion("m", "?", -0.12809, abs_tol=5e-4, percent=True, hints=[],
                          solution="answer = -0.12809")
    assert move.check(-12.8).message == fw.PERCENT_FOR_FRACTION
    assert move.check(-0.13).message == fw.ROUNDED_TOO_FAR
    share = NumberQuestion("p", "?", 25.0, unit="percent", hints=[], solution="answer = 25")
    assert share.check(0.25).message == fw.FRACTION_FOR_PERCENT
    # 3 BTC at $58,000 is $174,000 of spot
    spot = NumberQuestion("s", "?", 174_000, unit="usd", price=58_000, quantity=3,
                          hints=[], solution="answer = 174_000")
    assert spot.check(174).message == fw.IN_THOUSANDS
    assert spot.check(3).message == fw.COIN_FOR_USD
    assert spot.check(58_000).message == fw.FORGOT_QUANTITY
    # 0.4 BTC at $75,000 is $30,000
    coin = NumberQuestion("c", "?", 0.4, unit="coin", price=75_000, abs_tol=1e-4, hints=[],
                          solution="answer = 0.4")
    assert coin.check(30_000).message == fw.USD_FOR_COIN
    # 1,200 inverse contracts of $100 face: $120,000 of face, 1.6 BTC at $75,000
    face = NumberQuestion("f", "?", -1.6, unit="coin", price=75_000, face=120_000,
                          abs_tol=1e-4, hints=[], solution="answer = -1.6")
    assert face.check(-120_000).message == fw.FACE_FOR_COIN
    # 12 calls of 1 BTC with a $100 contract size: forgetting the size divides by 100
    size = NumberQuestion("k", "?", 150_000, contract_size=100, hints=[],
                          solution="answer = 150_000")
    assert size.check(1_500).message == fw.FORGOT_CONTRACT_SIZE


def test_the_issues_slips_on_lesson_05():
    from exposure_kit.exercises import _framework as fw, lesson06 as ex
    assert ex.q1.check(765_000).message == fw.FORGOT_EQUITY
    assert ex.q1.check(1_275).message == fw.PERCENT_FOR_FRACTION
    assert ex.q4.check(-12.8).message == fw.PERCENT_FOR_FRACTION
    assert ex.q4.check(-0.13).message == fw.ROUNDED_TOO_FAR
    assert "quantity" in ex.q3.check(53_000).message
    from exposure_kit.exercises import lesson01
    assert lesson01.q1.check(40).message == fw.IN_THOUSANDS


def test_the_slips_a_fresh_read_met_in_the_app_are_named():
    from exposure_kit.exercises import lesson05, lesson10
    # 05 q2: ETH's beta to BTC on the five days is 1.40, so the ratio turned upside down is
    # 1 / 1.40 = 0.714, typed as 0.71
    assert lesson05.q2.expected() == pytest.approx(1.40, abs=5e-3)
    assert "upside down" in lesson05.q2.check(0.71).message
    # 10 q3: the calls alone, 0.419 x 12 calls x $60,000 = $301,680 (delta from a normal table),
    # with the $150,000 perp short left out
    assert "calls alone" in lesson10.q3.check(301_680).message


@pytest.mark.parametrize("question", [q for q in ALL if isinstance(q, ChoiceQuestion)],
                         ids=[i for q, i in zip(ALL, IDS) if isinstance(q, ChoiceQuestion)])
def test_the_right_option_is_not_given_away_by_its_length(question):
    right = len(question.options[question.expected()])
    longest_wrong = max(len(t) for k, t in question.options.items() if k != question.expected())
    assert right <= 1.25 * longest_wrong, question.options


# ----- generic feedback for the common slips ------------------------------------------------------
def test_a_number_typed_with_a_thousands_comma_is_told_to_drop_the_comma():
    q = NumberQuestion("n", "?", 40_000.0, hints=[], solution="answer = 40_000")
    message = q.check((40, 0)).message           # what `answer = 40,000` makes
    assert "drop the comma" in message and "40000" in message
    assert "1250000" in q.check((1, 250, 0)).message        # 1,250,000
    assert "drop the comma" not in q.check((40, 1000)).message    # not a thousands pattern


def test_a_function_returning_a_percent_is_told_to_return_a_fraction():
    # the share of the book that is long: 150,000 / 250,000 = 0.6, by hand
    q = FunctionQuestion("f", "?", "long_share", lambda long, short: long / (long + short),
                         [(150_000, 100_000), (50_000, 50_000)], hints=[], solution="")
    message = q.check(lambda long, short: 100 * long / (long + short)).message
    assert "returned 60.0" in message and "looks like a percent" in message
    assert "return a fraction" in message


def test_an_unquoted_letter_gets_a_sentence_not_a_traceback():
    from IPython.core.interactiveshell import InteractiveShell

    from exposure_kit.exercises._framework import name_error_sentence, plain_name_errors

    assert 'put it in quotes: answer = "a"' in name_error_sentence(
        NameError("name 'a' is not defined", name="a"))
    assert "Run All Above" in name_error_sentence(NameError("x", name="book"))
    shell = InteractiveShell.instance()
    try:
        assert plain_name_errors()
        result = shell.run_cell("answer = a")
        assert isinstance(result.error_in_exec, NameError)
        assert shell.CustomTB(NameError, result.error_in_exec, None) == []   # no traceback
    finally:
        shell.set_custom_exc((), None)
        InteractiveShell.clear_instance()
