"""Questions with drawn numbers: many seeds per question, and one seed per question by hand.

For every drawable question and every seed in ``SEEDS`` (100 per question): the same seed gives
the same question; the prompt or its data states every drawn number; the expected value is
finite, not zero and within the question's own limits; the stored solution code, run on the
drawn data, gets "Correct"; every ``a op b = c`` step of the worked solution is right and its
last line with an ``=`` ends on the expected value; every named slip (the question's own and the generic
ones) lies further from the answer than the tolerance and is told as itself.
"""

from __future__ import annotations

import importlib
import math
import operator
import re

import pytest

from exposure_kit.exercises import NumberQuestion

SEEDS = range(1, 101)
WAVE = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")


def _lesson(number: str):
    return importlib.import_module(f"exposure_kit.exercises.lesson{number}")


DRAWABLE = [(number, name) for number in WAVE
            for name, q in _lesson(number).progress.questions.items() if q.drawable]


def _question(number: str, name: str):
    return _lesson(number).progress.questions[name]


def test_every_lesson_of_the_wave_has_a_drawable_number_question():
    lessons = {number for number, _ in DRAWABLE}
    assert lessons == set(WAVE)
    assert all(isinstance(_question(*key), NumberQuestion) for key in DRAWABLE)
    assert len(DRAWABLE) >= 37
    # every number question of the series can be drawn
    assert all(q.drawable for number in WAVE for q in _lesson(number).progress.questions.values()
               if isinstance(q, NumberQuestion))


# ----- what the text states ------------------------------------------------------------------
def _plain(value: float) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _flat(values: dict) -> list[float]:
    out = []
    for value in values.values():
        if isinstance(value, dict):
            out += _flat(value)
        elif isinstance(value, (list, tuple)):
            out += _flat(dict(enumerate(value)))
        else:
            out.append(float(value))
    return out


def _states(prompt: str, setup: str, value: float) -> bool:
    """``value`` appears in the prompt as written for people ($1,234, 1.5 or 15 %) or in the
    data code (1_234, a CSV row)."""
    shown = (re.sub(r"(?<=\d),(?=\d{3})", "", prompt).replace("$", "") + "\n"
             + setup.replace("_", "").replace(",", " "))
    forms = {_plain(abs(value))}
    if abs(value) < 1:
        forms |= {_plain(abs(value) * 100) + " ?%"}
    return any(re.search(rf"(?<![\d.]){re.escape(f).replace(re.escape(' ?%'), ' ?%')}"
                         rf"(?![\d])", shown) for f in forms)


# ----- the worked solution's arithmetic --------------------------------------------------------
_NUM = r"\(?([+-]?\$?[+-]?\d[\d,]*(?:\.\d+)?)( ?%)?\)?"
_STEP = re.compile(rf"(?:^|[=:])\s*{_NUM}\s+([-+x/])\s+{_NUM}\s*=\s*{_NUM}", re.MULTILINE)


def _number(text: str, percent: str | None) -> float:
    value = float(text.replace("$", "").replace(",", "").replace("+", "") or "nan")
    if text.count("-") % 2:
        value = -abs(value)
    return value / 100 if percent else value


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def arithmetic_steps(working: str) -> list[tuple[float, float, str]]:
    """Each ``a op b = c`` of a worked solution as (a op b, c, the line)."""
    joined = re.sub(r"\n\s+=", " =", working)
    steps = []
    for line in joined.splitlines():
        for m in _STEP.finditer(line):
            a, op, b = _number(m[1], m[2]), m[3], _number(m[4], m[5])
            c = _number(m[6], m[7])
            value = {"+": operator.add, "-": operator.sub, "x": operator.mul,
                     "/": operator.truediv}[op](a, b)
            if "(short)" in line:          # a row shown as a size, then signed
                value = math.copysign(value, c)
            steps.append((value, c, line, _decimals(m[6])))
    return steps


def test_the_arithmetic_reader_catches_a_wrong_step():
    assert [s[:2] for s in arithmetic_steps("Net = $300,000 - $230,000 = $70,000")] == \
        [(70_000.0, 70_000.0)]
    wrong = arithmetic_steps("P&L = -$92,400 + (-$38,700) = -$131,000")[0]
    assert abs(wrong[0] - wrong[1]) == 100
    assert arithmetic_steps("ETH short: -$430,000 x +9 % = -$38,700")[0][:2] == (-38_700, -38_700)


def _ends_on(working: str, expected: float, tolerance: float) -> bool:
    last = [line for line in working.strip().splitlines() if "=" in line][-1]
    for m in re.finditer(_NUM, last):
        value = _number(m[1], m[2])
        rounding = 0.5 * 10 ** -_decimals(m[1]) / (100 if m[2] else 1)
        if abs(value - expected) <= max(tolerance, rounding * 1.01):
            return True
    return False


# ----- many seeds per question -------------------------------------------------------------------
@pytest.mark.parametrize("key", DRAWABLE, ids=[f"{n}-{q}" for n, q in DRAWABLE])
def test_every_seed_gives_a_meaningful_question_whose_parts_agree(key):
    base = _question(*key)
    prompts = set()
    for seed in SEEDS:
        q = base.variant(seed)
        where = f"lesson {key[0]} {key[1]} seed {seed}"
        again = base.variant(seed)
        assert (q.prompt, q.setup, q.expected()) == (again.prompt, again.setup, again.expected())
        prompts.add(q.prompt + q.setup)
        e, tol = q.expected(), q.tolerance()
        # not degenerate: finite, not zero, inside the question's own limits
        assert math.isfinite(e) and abs(e) > tol, where
        low, high = q.limits
        assert low <= e <= high, (where, e, q.limits)
        # the text shows the drawn numbers
        for value in _flat(q.values):
            assert _states(q.prompt, q.setup, value), (where, value)
        # the stored solution, on the drawn data, is right
        assert q.check(q.solution_answer()).correct, where
        assert q.check(e).correct, where
        # the worked solution's arithmetic holds and ends on the answer
        steps = arithmetic_steps(q.working)
        assert steps, (where, q.working)
        for value, shown, line, places in steps:
            assert abs(value - shown) <= max(0.51 * 10 ** -places, 1e-3 * abs(shown)), \
                (where, line)
        assert _ends_on(q.working, e, tol), (where, q.working)
        # every slip is told apart from the answer, and named as itself
        for mistake in q.mistakes:
            sample = float(mistake.sample())
            assert abs(sample - e) > tol, (where, mistake.message)
            result = q.check(sample)
            assert not result.correct and result.message == mistake.message, (where, result)
        for value, message in q.slips():
            assert abs(value - e) > tol, (where, message)
            assert not q.check(value).correct, (where, message)
        assert not q.check(-e).correct, where
    assert len(prompts) >= min(len(SEEDS) // 2, 50)      # the seeds give different questions


def test_seed_zero_is_the_fixed_question():
    for key in DRAWABLE:
        base = _question(*key)
        zero = base.variant(0)
        assert (zero.prompt, zero.setup, zero.working, zero.expected()) == \
            (base.prompt, base.setup, base.working, base.expected())
        assert base.seed == 0


def test_a_question_with_fixed_numbers_and_a_bad_seed_say_so():
    from exposure_kit.exercises import lesson01 as ex
    with pytest.raises(ValueError, match="fixed numbers"):
        ex.q3.variant(5)
    for seed in (-1, 2.5, "3", True):
        with pytest.raises(ValueError, match="seed"):
            ex.q1.variant(seed)


# ----- one seed per question, worked by hand ------------------------------------------------------
def _variant(number: str, name: str, seed: int = 1):
    return _question(number, name).variant(seed)


def test_seed_1_worked_by_hand_lessons_01_to_05():
    q = _variant("01", "q1")           # long $240,000, short $135,000
    assert q.values == {"long": 240_000, "short": 135_000}
    assert q.check(105_000).correct                  # 240,000 - 135,000
    assert _variant("01", "q2").check(375_000).correct   # 240,000 + 135,000
    q = _variant("02", "q3")
    # BTC-PERP 2.8 x 68,000 = 190,400; SOL-SPOT 800 x 288 = 230,400: long 420,800
    # ETH-FUT 6 x 2,000 = 12,000; BTC-QTR 1.7 x 69,500 = 118,150: short 130,150
    assert (q.values["btc"], q.values["btc_price"], q.values["sol"], q.values["sol_price"]) == \
        (2.8, 68_000, 800, 288)
    assert (q.values["eth"], q.values["eth_price"], q.values["qtr"], q.values["qtr_price"]) == \
        (6, 2_000, 1.7, 69_500)
    assert _variant("02", "q1").check(420_800).correct
    assert q.check(290_650).correct                  # 420,800 - 130,150
    q = _variant("03", "q1")                         # 6 BTC at $71,000
    assert q.values == {"quantity": 6.0, "price": 71_000} and q.check(426_000).correct
    q = _variant("03", "q2")                         # a $656,000 short against it
    assert q.values["short"] == 656_000 and q.check(1.540).correct    # 656 / 426 = 1.5399
    q = _variant("06", "q1")           # equity $105,000, long $1,015,000, short $610,000
    assert q.values == {"long": 1_015_000, "short": 610_000, "equity": 105_000}
    assert q.check(15.476).correct                   # 1,625,000 / 105,000 = 15.476
    assert _variant("06", "q2").check(3.857).correct  # 405,000 / 105,000 = 3.857


def test_seed_1_worked_by_hand_lessons_07_to_10():
    q = _variant("09", "q1")           # long $340,000, short $330,000; BTC -15 %, ETH +3 %
    assert q.values == {"long": 340_000, "short": 330_000, "btc": -0.15, "eth": 0.03}
    assert q.check(-60_900).correct    # 340,000 x -0.15 = -51,000; -330,000 x 0.03 = -9,900
    q = _variant("10", "q1")           # F 65,000, K 84,000, 219 days (0.6 y), vol 37 %
    assert q.values == {"forward": 65_000, "strike": 84_000, "days": 219, "vol": 0.37}
    # vol sqrt T = 0.37 x 0.7746 = 0.2866; ln(65/84) = -0.2564; vol^2 T / 2 = 0.0411
    # d1 = (-0.2564 + 0.0411) / 0.2866 = -0.7514; a normal table: N(0.75) = 0.7734,
    # N(0.76) = 0.7764, so N(-0.7514) = 1 - 0.7738 = 0.2262
    assert q.check(0.2262).correct
    q = _variant("11", "q1")           # long $970,000, rate 0.026 % per 8 h
    assert q.values == {"notional": 970_000, "rate": 0.00026}
    assert q.check(-252.20).correct    # 970,000 x 0.00026 = 252.20, paid by the long
    q = _variant("11", "q2")           # 10 BTC spot against 10 BTC perp short at $71,000
    assert q.values == {"quantity": 10, "price": 71_000, "rate": 0.00023}
    assert q.check(14_697).correct     # 710,000 x 0.00023 = 163.30 a payment, x 90 payments
    q = _variant("12", "q1")
    assert q.values["prices"] == {"BTC": 96_000, "ETH": 4_850, "SOL": 112}
    assert q.values["quantities"] == {"btc-perp-a": 10.5, "btc-spot-b": 3.0, "btc-inv-c": 8000,
                                      "eth-fut-a": 195, "eth-perp-b": 10, "sol-perp-c": 450}
    # 10.5 x 96,000 + 3 x 96,000 - 8,000 x $100 face - 195 x 4,850 + 10 x 4,850 - 450 x 112
    # = 1,008,000 + 288,000 - 800,000 - 945,750 + 48,500 - 50,400 = -451,650
    assert q.check(-451_650).correct


def test_seed_1_worked_by_hand_lessons_04_05_07_08():
    q = _variant("04", "q1")           # BTC vol 60 %, ETH vol 80 %, correlation 0.8
    assert q.values == {"vol_btc": 0.6, "vol_eth": 0.8, "correlation": 0.8}
    # 0.36 + 0.64 - 2 x 0.8 x 0.6 x 0.8 = 1.00 - 0.768 = 0.232; sqrt(0.232) = 0.4817
    assert q.check(0.4817).correct
    assert _variant("04", "q2").check(0.600).correct      # h* = 0.8 x 0.6 / 0.8 = 0.6
    q = _variant("04", "q3")           # $300,000 of ETH, beta 1.13
    assert q.values == {"notional": 300_000, "beta": 1.13}
    assert q.check(339_000).correct    # 300,000 x 1.13
    q = _variant("05", "q1")           # 58,000 then 60,900: a 5 % rise
    assert q.values == {"close_1": 58_000, "close_2": 60_900}
    assert q.check(0.0488).correct     # ln(1.05) = 0.05 - 0.00125 + 0.0000417 = 0.04879
    q = _variant("05", "q2")           # BTC -3, -2, 2, 3, 0 %; ETH -3, -3, 2, 5, -1 %
    assert q.values == {"btc": (-0.03, -0.02, 0.02, 0.03, 0.0),
                        "eth": (-0.03, -0.03, 0.02, 0.05, -0.01)}
    # BTC averages 0: products 9 + 6 + 4 + 15 + 0 = 34, squares 9 + 4 + 4 + 9 + 0 = 26 (in
    # hundredths squared); 34 / 26 = 1.3077
    assert q.check(1.31).correct
    q = _variant("05", "q4")           # 0.08 on 250 days, then 1,250 days (five times)
    assert q.values == {"se_year": 0.08, "days_year": 250, "days_more": 1_250}
    assert q.check(0.036).correct      # 0.08 / sqrt(5) = 0.08 / 2.2361 = 0.0358
    q = _variant("07", "q1")           # $330,000 a leg; BTC +13 %, ETH +1 %
    assert q.values == {"notional": 330_000, "btc": 0.13, "eth": 0.01}
    assert q.check(39_600).correct     # 330,000 x 1.13 = 372,900; x 1.01 = 333,300
    assert _variant("07", "q2").check(39_600).correct     # sell the drift's worth
    q = _variant("07", "q3")           # $160,000 a leg, threshold $5,000
    assert q.values == {"notional": 160_000, "threshold": 5_000,
                        "day_1": {"BTC": 0.01, "ETH": -0.01}, "day_2": {"BTC": 0.03, "ETH": 0.01}}
    # day 1: 161,600 - 158,400 = 3,200, inside: no trade; day 2: 161,600 x 1.03 = 166,448,
    # 158,400 x 1.01 = 159,984; net 6,464, past $5,000: sell $6,464 of ETH
    assert q.check(6_464).correct
    q = _variant("08", "q1")           # 2,040 contracts opened at $68,000; BTC now $92,000
    assert q.values == {"contracts": 2_040, "entry": 68_000, "now": 92_000}
    assert q.check(-276_000).correct   # 204,000 / 68,000 = 3 BTC; 3 x 92,000, short
    # 3 BTC of collateral - 204,000 / 92,000 = 3 - 2.21739 = 0.7826 BTC
    assert _variant("08", "q2").check(0.7826).correct
    q = _variant("08", "q4")           # 1,600 contracts, $68,000 falling to $51,000
    assert q.values == {"contracts": 1_600, "entry": 68_000, "now": 51_000}
    assert q.check(0.7843).correct     # 160,000 / 51,000 - 160,000 / 68,000 = 3.1373 - 2.3529


def test_seed_1_worked_by_hand_lessons_03_06_10_11_12():
    q = _variant("03", "q4")           # 6 BTC at $71,000 (as q1), 2.3 BTC of collateral
    assert q.values == {"quantity": 6.0, "price": 71_000, "collateral": 2.3}
    # collateral 2.3 x 71,000 = 163,300; net = 426,000 + 163,300 - 426,000 = 163,300
    assert q.check(163_300).correct and not q.check(0).correct
    # lesson 10, seed 1: q1's option (F 65,000, K 84,000, 219 days, vol 37 %: delta 0.2262 by
    # a normal table, above), and 7 calls; a $168,000 perp short beside them
    q = _variant("10", "q2")
    assert q.values == {"forward": 65_000, "strike": 84_000, "days": 219, "vol": 0.37,
                        "quantity": 7}
    assert q.check(102_921).correct    # 0.2262 x 7 = 1.5834 BTC; x 65,000 = 102,921
    assert not q.check(7 * 65_000).correct            # 455,000: the notional, delta ignored
    q = _variant("10", "q3")
    assert q.values["short"] == 168_000 and q.values["quantity"] == 7
    assert q.check(-65_079).correct    # 102,921 - 168,000 = -65,079: net short
    q = _variant("10", "q4")
    assert q.check(-65_079).correct    # sell -65,079, i.e. buy back $65,079 of perps
    assert not q.check(65_079).correct
    q = _variant("06", "q4")           # wallet $47,000; 5 BTC at $71,000; 44 ETH short at $4,800
    assert q.values == {"wallet": 47_000, "btc_qty": 5, "btc_price": 71_000, "eth_qty": 44,
                        "eth_price": 4_800}
    # BTC 355,000, ETH 211,200; maintenance 0.005 x 566,200 = 2,831
    # m = (2,831 - 47,000) / (355,000 x 0.995) = -44,169 / 353,225 = -0.12504
    # (353,225 x 0.125 = 44,153.1; 15.9 / 353,225 = 0.000045)
    assert q.check(-0.1250).correct
    assert not q.check(-0.1244).correct    # -44,169 / 355,000: maintenance held at entry
    q = _variant("11", "q4")           # 9.7 BTC at $71,000, a 39 % rally
    assert q.values == {"quantity": 9.7, "entry": 71_000, "rally": 0.39}
    # 9.7 x 71,000 = 688,700 = 6,887 contracts x $100 (flat at entry); spot after: 688,700 x
    # 1.39 = 957,293; the short stays at its $688,700 face: net 268,593 (688,700 x 0.39)
    assert '"quantity": 6887' in q.setup.replace("'", '"') and "6,887" in q.prompt
    assert q.check(268_593).correct and not q.check(0).correct
    q = _variant("12", "q3")           # q1's desk of seed 1 (above): BTC $96,000
    # 10.5 x 96,000 + 3 x 96,000 - 8,000 x $100 face = 1,008,000 + 288,000 - 800,000 = 496,000
    assert q.values == _variant("12", "q1").values and q.check(496_000).correct
    assert not q.check(2_096_000).correct          # the BTC gross: the inverse short added
    assert not q.check(62_250).correct             # VenueA: 1,008,000 - 195 x 4,850 = 62,250


def test_no_exercise_module_sets_a_signature_by_hand():
    from pathlib import Path

    import exposure_kit.exercises as package

    for source in Path(package.__file__).parent.glob("lesson*.py"):
        assert "__signature__" not in source.read_text(), source.name


# ----- another variant, and mastery ----------------------------------------------------------
def test_another_changes_the_question_in_place_and_mastery_needs_a_first_time_right():
    from exposure_kit.exercises import _framework

    module = _lesson("11")
    progress = _framework.Progress("Lesson 11")
    q = module.q1.variant(0)
    q.name = "q1"
    progress.add(q)
    assert not q.check(250_000 * 0.00015).correct          # the sign flipped: paid, not received
    shown = q.solution()
    assert "$250,000" in shown.message
    result = q.another(seed=7, notebook=False)
    fresh = module.q1.variant(7)
    assert q.seed == 7 and progress.seeds["q1"] == 7 and result.title == "New numbers (seed 7)"
    assert q.prompt == fresh.prompt and q.expected() == fresh.expected()
    assert fresh.prompt in result.message and fresh.setup in result.message
    assert "q1" not in progress.mastered
    assert q.check(fresh.expected()).correct                # right first time on seed 7
    assert progress.mastered == {"q1"}
    assert "1 mastered" in repr(progress)
    q.another(seed=8, notebook=False)
    q.solution()
    q.check(module.q1.variant(8).expected())                # after its solution: not mastery
    assert progress.to_frame().loc["q1", "seed"] == 8
    progress.reset()
    assert progress.mastered == set()
    assert module.q1.seed == 0


def _restarted_kernel(code: str, store) -> str:
    """``code`` in a new Python process, as a kernel JupyterLab started for lesson 11's
    exercise notebook, keeping its place in ``store``."""
    import os
    import subprocess
    import sys
    import textwrap

    env = {k: v for k, v in os.environ.items() if k != "EXPOSURE_KIT_CLASS_STORE"}
    env.update(EXPOSURE_KIT_PROGRESS=str(store), MPLBACKEND="Agg",
               JPY_SESSION_NAME="/home/learner/exercises/11_funding.ipynb")
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_mastery_survives_a_kernel_restart_until_reset(tmp_path):
    store = tmp_path / "self-study.sqlite"
    _restarted_kernel("""
        from exposure_kit.exercises import lesson11 as ex
        ex.q1.another(seed=7, notebook=False)
        assert ex.q1.check(ex.q1.expected()).correct         # right first time on seed 7
        ex.q2.another(seed=3, notebook=False)
        ex.q2.solution()
        ex.q2.check(ex.q2.expected())                         # after its solution: not mastery
    """, store)
    after = _restarted_kernel("""
        from exposure_kit.exercises import lesson11 as ex
        print(sorted(ex.progress.mastered), ex.progress.to_frame()["mastered"].sum())
        print(repr(ex.progress).splitlines()[0])
    """, store)
    first, headline = after.splitlines()
    assert first == "['q1'] 1"
    assert "2 of" in headline and "1 mastered" in headline
    _restarted_kernel("from exposure_kit.exercises import lesson11 as ex; ex.reset()", store)
    assert _restarted_kernel("""
        from exposure_kit.exercises import lesson11 as ex
        print(sorted(ex.progress.mastered), ex.progress.counts()["correct"])
    """, store) == "[] 0"


def test_another_names_the_questions_that_share_its_data():
    from exposure_kit.exercises import _framework

    module = _lesson("01")
    progress = _framework.Progress("Lesson 01")
    for name in ("q1", "q2", "q3"):
        copy = module.progress.questions[name]
        copy = copy.variant(0) if copy.drawable else copy
        progress.questions[name] = copy
        copy.name = name
    q1 = progress.questions["q1"]
    q1.progress = progress
    progress.status = {n: "not attempted" for n in progress.questions}
    progress._unseen = set(progress.questions)
    progress.seeds = {n: 0 for n in progress.questions}
    message = q1.another(seed=3, notebook=False).message
    assert "q2, q3 read the same names (book, records)" in message


# ----- the app's quiz card: "Try another" --------------------------------------------------------
@pytest.fixture
def lesson11_q1():
    """Lesson 11's q1 as the app's quiz shows it, put back to its fixed numbers afterwards (the
    card changes the module's question, as it does in a learner's kernel)."""
    question = _lesson("11").q1
    kept = dict(question.__dict__)
    yield question
    question.__dict__.clear()
    question.__dict__.update(kept)


def test_try_another_comes_after_a_wrong_answer_and_mastery_needs_new_numbers(lesson11_q1):
    from exposure_kit.exercises._quiz import quiz

    page = quiz("11")
    card = next(c for c in page.cards if c.question is lesson11_q1)
    assert card.another_button.layout.display == "none"          # nothing to retry yet
    card.input.value = "37.5"                                       # 250,000 x 0.00015, unsigned
    assert not card.check().correct
    assert card.another_button.layout.display != "none"
    card.another(seed=5)
    five = lesson11_q1.variant(5)
    notional, rate = five.values["notional"], five.values["rate"]
    assert f"${notional:,.0f}" in card.prompt.value and "seed 5" in card.prompt.value
    assert (card.input.value, card.feedback.value, card.worked.value) == ("", "", "")
    assert card.another_button.layout.display == "none"
    assert "0 mastered" in page.progress_text()
    card.input.value = f"{-notional * rate:.2f}"                    # received: minus what is paid
    assert card.check().correct
    assert "1 of" in page.progress_text() and "1 mastered" in page.progress_text()
    card.solution()                                                 # a solution: try another again
    assert card.another_button.layout.display != "none"


def test_new_numbers_after_their_solution_are_not_mastery(lesson11_q1):
    from exposure_kit.exercises._quiz import quiz

    page = quiz("11")
    card = next(c for c in page.cards if c.question is lesson11_q1)
    card.another(seed=6)
    card.solution()
    card.input.value = str(lesson11_q1.expected())
    assert card.check().correct
    assert "0 mastered" in page.progress_text()
