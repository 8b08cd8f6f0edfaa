"""Exercises for lesson 05: hedges from price history (log returns, a beta measured on returns,
standard errors)."""

from __future__ import annotations

import math

from .._hedging import min_variance_hedge_ratio
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, drawable, register

STEM = "05_hedges_from_price_history"
TITLE = "Exercises 05: hedges from price history"
INTRO = ("A hedge ratio measured on past prices is an estimate: it comes from returns (here log "
         "returns), it is the covariance of the two coins' returns over the hedge's variance, and "
         "it carries a standard error that says how far luck could have moved it.")

CLOSE_1, CLOSE_2 = 60_000, 63_000


def _draw_closes(rng) -> dict:
    """A close of $20,000-$100,000 (in $500 steps) and a move of 2-8 % either way (in half
    points): the log return and the percentage change stay apart by more than the tolerance."""
    close_1 = 500 * int(rng.integers(40, 201))
    move = 0.005 * int(rng.integers(4, 17)) * (1 if rng.integers(0, 2) else -1)
    return {"close_1": close_1, "close_2": int(round(close_1 * (1 + move)))}


def _q1(close_1: int = CLOSE_1, close_2: int = CLOSE_2) -> NumberQuestion:
    log_return = math.log(close_2 / close_1)
    question = NumberQuestion(
        "A day's log return",
        f"BTC closes at {close_1:,} USD one day and {close_2:,} USD the next. What is the day's "
        "log return, as a fraction? Give it to 4 decimals.",
        log_return, abs_tol=5e-5, percent=True, setup=data_code(close_1=close_1, close_2=close_2),
        hints=["A log return is the natural logarithm of today's close divided by yesterday's.",
               "Divide the second close by the first, then take `math.log` of the result (not "
               "`math.log10`)."],
        solution="import math\n\nanswer = math.log(close_2 / close_1)",
        working=(f"Ratio = {close_2:,} / {close_1:,} = {close_2 / close_1:g}\n"
                 f"Log return = ln({close_2 / close_1:g}) = {log_return:.4f}\n"
                 f"(the percentage change is {close_2 / close_1 - 1:.4f}: for a small move the "
                 f"two are close, and the log return is the "
                 f"{'smaller' if close_2 > close_1 else 'larger'} one in size on a "
                 f"{'rise' if close_2 > close_1 else 'fall'})"),
        mistakes=[Mistake(close_2 / close_1 - 1,
                          "that is the percentage change; the log return is ln(P1 / P0), a "
                          + ("little smaller on a rise." if close_2 > close_1 else
                             "little further from zero on a fall.")),
                  Mistake(math.log10(close_2 / close_1), "that is the base-10 logarithm; "
                                                         "returns use the natural log.")])
    question.limits = (-0.1, 0.1)
    return question


q1 = drawable(_q1, _draw_closes)

# five days of returns, worked so that the numbers stay round (BTC's returns average zero)
BTC_RETURNS = (0.02, -0.01, 0.01, -0.02, 0.00)
ETH_RETURNS = (0.03, -0.01, 0.01, -0.03, 0.01)


def _draw_returns(rng) -> dict:
    """Five days of BTC returns of -3 % to 3 % (whole percents) that average zero, and ETH's
    as beta x BTC's plus a percent of noise, rounded: kept where ETH's measured beta is 1.05 to
    2 (ETH moved more) and the ratio turned upside down is at least 0.05 away from it."""
    while True:
        four = [int(r) for r in rng.integers(-3, 4, size=4)]
        btc = four + [-sum(four)]
        if abs(btc[-1]) > 3 or sum(b * b for b in btc) < 4:
            continue
        beta = float(rng.uniform(1.1, 1.7))
        eth = [int(round(beta * b + int(rng.integers(-1, 2)))) for b in btc]
        values = {"btc": tuple(b / 100 for b in btc), "eth": tuple(e / 100 for e in eth)}
        measured = min_variance_hedge_ratio(list(values["eth"]), list(values["btc"]))
        upside = min_variance_hedge_ratio(list(values["btc"]), list(values["eth"]))
        # and the two upside-down slips (the other regression, one over the ratio) apart
        if 1.05 <= measured <= 2 and abs(measured - upside) >= 0.05 \
                and abs(upside - 1 / measured) >= 0.011:
            return values


def _percents(returns) -> str:
    return ", ".join(f"{round(r * 100):g} %" for r in returns)


def _terms(products) -> str:
    return " + ".join("0" if p == 0 else f"{p / 10_000:.4f}" if p > 0 else f"(-{-p / 10_000:.4f})"
                      for p in products)


def _q2(btc: tuple = BTC_RETURNS, eth: tuple = ETH_RETURNS) -> NumberQuestion:
    beta = min_variance_hedge_ratio(list(eth), list(btc))
    upside_down = min_variance_hedge_ratio(list(btc), list(eth))
    b_pct, e_pct = [round(r * 100) for r in btc], [round(r * 100) for r in eth]
    cross, squares = [b * e for b, e in zip(b_pct, e_pct)], [b * b for b in b_pct]
    question = NumberQuestion(
        "A beta measured on returns",
        f"Five days of daily returns, BTC: {_percents(btc)}; ETH: {_percents(eth)}. You hold "
        "ETH and hedge it with BTC. What is the minimum-variance hedge ratio (ETH's beta to "
        "BTC): dollars of BTC per dollar of ETH? Give it to 2 decimals.",
        beta, abs_tol=5e-3, setup=data_code(btc=list(btc), eth=list(eth)),
        hints=["The ratio is the covariance of the two returns divided by the variance of the "
               "hedge's (BTC's) returns.",
               "BTC's returns average zero, so the covariance sum is just the sum of the products "
               "BTC x ETH day by day; the variance sum is the sum of BTC's squares. Both are "
               "divided by the same count of days, so you can compare the two sums directly."],
        solution="answer = ek.min_variance_hedge_ratio(eth, btc)   # hedged first, the hedge second",
        working=(f"BTC's mean is 0, ETH's {sum(e_pct) / 500:g}.\n"
                 f"Covariance sum = sum of BTC x ETH = {_terms(cross)} = "
                 f"{sum(cross) / 10_000:.4f}\n"
                 f"BTC variance sum = {_terms(squares)} = {sum(squares) / 10_000:.4f}\n"
                 f"Ratio = {sum(cross) / 10_000:.4f} / {sum(squares) / 10_000:.4f} = {beta:.2f} "
                 "dollars of BTC per dollar of ETH"),
        mistakes=[Mistake(upside_down, "that divides by ETH's variance: it is the ratio for "
                                       "hedging BTC with ETH. The hedge's (BTC's) variance goes "
                                       "below."),
                  Mistake(1 / beta, "that is the ratio turned upside down: dollars of ETH per "
                                    "dollar of BTC. The question asks for BTC per dollar of ETH."),
                  Mistake(1.0, "a dollar for a dollar is the notional hedge; ETH moved more than "
                               "BTC on these days.")])
    question.limits = (1.05, 2.0)
    return question


q2 = drawable(_q2, _draw_returns)

WINDOW_BETA, WINDOW_SE, WHOLE_BETA = 1.30, 0.08, 1.20
_OUTSIDE = abs(WINDOW_BETA - WHOLE_BETA) > 2 * WINDOW_SE
_READING = ("luck alone is an unlikely explanation (which is not proof that the relation "
            "changed)" if _OUTSIDE else
            "luck alone could explain the gap (which is not proof that the two are the same)")
q3 = ChoiceQuestion(
    "Inside the band or not?",
    f"A 90-day window gives ETH a beta of {WINDOW_BETA:g} to BTC, with a standard error of "
    f"{WINDOW_SE:g}. Over the four years that include this window, the beta is {WHOLE_BETA:g}. "
    "Is this window's beta more than two standard errors away from the four-year one?",
    {"a": "no: the gap is within two standard errors, so luck alone could explain it",
     "b": "yes: the gap is more than two standard errors, so luck alone is an unlikely "
           "explanation",
     "c": "yes: any window whose beta differs from the four-year one is outside"},
    "b" if _OUTSIDE else "a",
    setup=data_code(window_beta=WINDOW_BETA, window_se=WINDOW_SE, whole_beta=WHOLE_BETA),
    hints=["Compare the gap between the two betas with twice the window's standard error.",
           f"The gap is {WINDOW_BETA:g} - {WHOLE_BETA:g}; the band is 2 x {WINDOW_SE:g} either "
           "side."],
    working=(f"Gap = |{WINDOW_BETA:g} - {WHOLE_BETA:g}| = {abs(WINDOW_BETA - WHOLE_BETA):.2f}\n"
             f"Two standard errors = 2 x {WINDOW_SE:g} = {2 * WINDOW_SE:.2f}\n"
             f"{abs(WINDOW_BETA - WHOLE_BETA):.2f} is "
             f"{'more' if _OUTSIDE else 'less'} than {2 * WINDOW_SE:.2f}: "
             f"{_READING}.\n"
             "(The window is a small part of the four years' data, so the four-year beta "
             "barely moves with it.)\n"
             f"Answer ({'b' if _OUTSIDE else 'a'})."),
    solution=("gap = abs(window_beta - whole_beta)\n"
              'answer = "b" if gap > 2 * window_se else "a"'),
    mistakes={"b": "that compares the gap with one standard error; the band is two either side.",
              "c": "every estimate differs a little from the truth by luck: the band of two "
                   "standard errors is how far luck alone goes about 95 times in 100."})

SE_YEAR, DAYS_YEAR, DAYS_FOUR = 0.04, 365, 1_460
_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 9: "nine"}
_TIMES = {n: "twice" if n == 2 else f"{word} times" for n, word in _WORDS.items()}


def _draw_days(rng) -> dict:
    """A standard error of 0.02-0.10 (in steps of 0.005) on 180, 250 or 365 days, and two to
    nine times as many days: dividing by the multiple instead of its square root, or not
    dividing at all, stays well outside the tolerance."""
    days = int(rng.choice([180, 250, 365]))
    times = int(rng.choice(list(_TIMES)))
    return {"se_year": round(0.005 * int(rng.integers(4, 21)), 3), "days_year": days,
            "days_more": days * times}


def _q4(se_year: float = SE_YEAR, days_year: int = DAYS_YEAR,
        days_more: int = DAYS_FOUR) -> NumberQuestion:
    times = days_more // days_year
    root = math.sqrt(times)
    se_more = se_year * math.sqrt(days_year / days_more)
    shown_root = f"{root:g}" if root.is_integer() else f"{root:.4f}"
    question = NumberQuestion(
        "More days, a smaller standard error",
        f"A beta estimated on {days_year} days of returns has a standard error of {se_year:g}. "
        f"If the relation and the day-to-day noise stay the same, roughly what standard error "
        f"would {days_more:,} days ({_TIMES[times]} as many) give? Give it to 3 decimals.",
        se_more, abs_tol=5e-4,
        setup=data_code(se_year=se_year, days_year=days_year, days_four=days_more)
        if days_more == DAYS_FOUR else
        data_code(se_year=se_year, days_year=days_year, days_more=days_more),
        hints=["A standard error shrinks with the square root of the number of observations, "
               "not with the number itself.",
               f"{_TIMES[times].capitalize()} the days divides the standard error by the square "
               f"root of {times}."],
        solution=("import math\n\nanswer = se_year * math.sqrt(days_year / "
                  + ("days_four)" if days_more == DAYS_FOUR else "days_more)")),
        working=(f"Standard error scales as 1 / sqrt(n): {se_year:g} x sqrt({days_year} / "
                 f"{days_more:,}) = {se_year:g} / sqrt({times}) = {se_year:g} / {shown_root} = "
                 f"{se_more:.3f}\n"
                 "(only if the relation holds still: over "
                 f"{'four years' if days_more == DAYS_FOUR else f'{days_more:,} days'} it may "
                 "not, which is what the rolling betas check)"),
        mistakes=[Mistake(se_year / times, f"divided by {_WORDS[times]}: the standard error shrinks "
                                           "with the square root of the number of days."),
                  Mistake(se_year, "more data does narrow an estimate: by the square root of how "
                                   "many times more.")])
    question.limits = (se_year / 3.01, se_year / 1.4)
    return question


q4 = drawable(_q4, _draw_days)

progress = register(globals(), "Lesson 05")
