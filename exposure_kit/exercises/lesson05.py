"""Exercises for lesson 05: hedges from price history (log returns, a beta measured on returns,
standard errors)."""

from __future__ import annotations

import math

from .._hedging import min_variance_hedge_ratio
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, register

STEM = "05_hedges_from_price_history"
TITLE = "Exercises 05: hedges from price history"
INTRO = ("A hedge ratio measured on past prices is an estimate: it comes from returns (here log "
         "returns), it is the covariance of the two coins' returns over the hedge's variance, and "
         "it carries a standard error that says how far luck could have moved it.")

CLOSE_1, CLOSE_2 = 60_000, 63_000
_LOG = math.log(CLOSE_2 / CLOSE_1)
q1 = NumberQuestion(
    "A day's log return",
    f"BTC closes at {CLOSE_1:,} USD one day and {CLOSE_2:,} USD the next. What is the day's log "
    "return, as a fraction? Give it to 4 decimals.",
    _LOG, abs_tol=5e-5, percent=True, setup=data_code(close_1=CLOSE_1, close_2=CLOSE_2),
    hints=["A log return is the natural logarithm of today's close divided by yesterday's.",
           "Divide the second close by the first, then take `math.log` of the result (not "
           "`math.log10`)."],
    solution="import math\n\nanswer = math.log(close_2 / close_1)",
    working=(f"Log return = ln({CLOSE_2:,} / {CLOSE_1:,}) = ln({CLOSE_2 / CLOSE_1:g}) = {_LOG:.4f}\n"
             f"(the percentage change is {CLOSE_2 / CLOSE_1 - 1:.4f}: for a small move the two "
             "are close, and the log return is the smaller one on a rise)"),
    mistakes=[Mistake(CLOSE_2 / CLOSE_1 - 1, "that is the percentage change; the log return is "
                                              "ln(P1 / P0), a little smaller on a rise."),
              Mistake(math.log10(CLOSE_2 / CLOSE_1), "that is the base-10 logarithm; returns "
                                                     "use the natural log.")])

# five days of returns, worked so that the numbers stay round (BTC's returns average zero)
BTC_RETURNS = [0.02, -0.01, 0.01, -0.02, 0.00]
ETH_RETURNS = [0.03, -0.01, 0.01, -0.03, 0.01]
_BETA = min_variance_hedge_ratio(ETH_RETURNS, BTC_RETURNS)
_UPSIDE_DOWN = min_variance_hedge_ratio(BTC_RETURNS, ETH_RETURNS)
q2 = NumberQuestion(
    "A beta measured on returns",
    "Five days of daily returns, BTC: 2 %, -1 %, 1 %, -2 %, 0 %; ETH: 3 %, -1 %, 1 %, -3 %, 1 %. "
    "You hold ETH and hedge it with BTC. What is the minimum-variance hedge ratio (ETH's beta to "
    "BTC): dollars of BTC per dollar of ETH? Give it to 2 decimals.",
    _BETA, abs_tol=5e-3, setup=data_code(btc=BTC_RETURNS, eth=ETH_RETURNS),
    hints=["The ratio is the covariance of the two returns divided by the variance of the "
           "hedge's (BTC's) returns.",
           "BTC's returns average zero, so the covariance sum is just the sum of the products "
           "BTC x ETH day by day; the variance sum is the sum of BTC's squares. The 1 / (n - 1) "
           "cancels."],
    solution="answer = ek.min_variance_hedge_ratio(eth, btc)   # hedged first, the hedge second",
    working=("BTC's mean is 0, ETH's 0.002.\n"
             "Covariance sum = sum of BTC x ETH = 0.0006 + 0.0001 + 0.0001 + 0.0006 + 0 = 0.0014\n"
             "BTC variance sum = 0.0004 + 0.0001 + 0.0001 + 0.0004 + 0 = 0.0010\n"
             f"Ratio = 0.0014 / 0.0010 = {_BETA:.2f} dollars of BTC per dollar of ETH"),
    mistakes=[Mistake(_UPSIDE_DOWN, "that divides by ETH's variance: it is the ratio for hedging "
                                    "BTC with ETH. The hedge's (BTC's) variance goes below."),
              Mistake(1.0, "a dollar for a dollar is the notional hedge; ETH moved more than BTC "
                           "on these days.")])

WINDOW_BETA, WINDOW_SE, WHOLE_BETA = 1.35, 0.08, 1.20
_OUTSIDE = abs(WINDOW_BETA - WHOLE_BETA) > 2 * WINDOW_SE
q3 = ChoiceQuestion(
    "Inside the band or not?",
    f"A 90-day window gives ETH a beta of {WINDOW_BETA:g} to BTC, with a standard error of "
    f"{WINDOW_SE:g}. Over four years the beta is {WHOLE_BETA:g}. Is this window's beta more than "
    "two standard errors away from the four-year one?",
    {"a": "no: the gap is within two standard errors, so luck alone could explain it",
     "b": "yes: the gap is more than two standard errors, so the relation has changed",
     "c": "yes: any window whose beta differs from the four-year one is outside"},
    "b" if _OUTSIDE else "a",
    setup=data_code(window_beta=WINDOW_BETA, window_se=WINDOW_SE, whole_beta=WHOLE_BETA),
    hints=["Compare the gap between the two betas with twice the window's standard error.",
           f"The gap is {WINDOW_BETA:g} - {WHOLE_BETA:g}; the band is 2 x {WINDOW_SE:g} either "
           "side."],
    working=(f"Gap = |{WINDOW_BETA:g} - {WHOLE_BETA:g}| = {abs(WINDOW_BETA - WHOLE_BETA):.2f}\n"
             f"Two standard errors = 2 x {WINDOW_SE:g} = {2 * WINDOW_SE:.2f}\n"
             f"{abs(WINDOW_BETA - WHOLE_BETA):.2f} is "
             f"{'more' if _OUTSIDE else 'less'} than {2 * WINDOW_SE:.2f}. "
             f"Answer ({'b' if _OUTSIDE else 'a'})."),
    solution=("gap = abs(window_beta - whole_beta)\n"
              'answer = "b" if gap > 2 * window_se else "a"'),
    mistakes={"b": "that compares the gap with one standard error; the band is two either side.",
              "c": "every estimate differs a little from the truth by luck: the band of two "
                   "standard errors is how far luck alone goes about 95 times in 100."})

SE_YEAR, DAYS_YEAR, DAYS_FOUR = 0.04, 365, 1_460
_SE_FOUR = SE_YEAR * math.sqrt(DAYS_YEAR / DAYS_FOUR)
q4 = NumberQuestion(
    "More days, a smaller standard error",
    f"A beta estimated on {DAYS_YEAR} days of returns has a standard error of {SE_YEAR:g}. If the "
    f"relation and the day-to-day noise stay the same, roughly what standard error would "
    f"{DAYS_FOUR:,} days (four times as many) give? Give it to 3 decimals.",
    _SE_FOUR, abs_tol=5e-4, setup=data_code(se_year=SE_YEAR, days_year=DAYS_YEAR,
                                            days_four=DAYS_FOUR),
    hints=["A standard error shrinks with the square root of the number of observations, not "
           "with the number itself.",
           "Four times the days divides the standard error by the square root of 4."],
    solution="import math\n\nanswer = se_year * math.sqrt(days_year / days_four)",
    working=(f"Standard error scales as 1 / sqrt(n): {SE_YEAR:g} x sqrt({DAYS_YEAR} / "
             f"{DAYS_FOUR:,}) = {SE_YEAR:g} / sqrt(4) = {SE_YEAR:g} / 2 = {_SE_FOUR:.3f}\n"
             "(only if the relation holds still: over four years it may not, which is what the "
             "rolling betas check)"),
    mistakes=[Mistake(SE_YEAR / 4, "divided by four: the standard error shrinks with the "
                                   "square root of the number of days."),
              Mistake(SE_YEAR, "more data does narrow an estimate: by the square root of how "
                               "many times more.")])

progress = register(globals(), "Lesson 05")
