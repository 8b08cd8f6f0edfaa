"""Exercises for lesson 10: options and delta."""

from __future__ import annotations

import math

from .. import _book as _b
from .._format import usd
from .._hedging import hedge_notional
from .._instruments import black76_delta
from .._periods import DAYS_PER_YEAR
from ._framework import (
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    data_code,
    drawable,
    register,
)

STEM = "10_options_and_delta"
TITLE = "Exercises 10: options and delta"
INTRO = ("An option's notional overstates its direction: a call on 10 BTC moves like delta x 10 "
         "BTC. Delta-adjusted exposure puts options on the same scale as perps, and it changes "
         "as the price moves.")

OPTION = dict(forward=60_000, strike=66_000, years=73 / DAYS_PER_YEAR, vol=0.62)   # 73 days = 0.20 y
_DELTA = black76_delta(**OPTION, option_type="call")
_SQRT_T = OPTION["vol"] * math.sqrt(OPTION["years"])
_D1 = (math.log(OPTION["forward"] / OPTION["strike"]) + _SQRT_T ** 2 / 2) / _SQRT_T
# q1 accepts a delta within 0.0005 (three decimals, as a normal table gives it); q2-q4 carry that
# delta times 12 calls times the forward, so they accept the same error in dollars.
_DELTA_TOL = 5e-4
_USD_TOL = _DELTA_TOL * 12 * OPTION["forward"]


def _draw_option(rng) -> dict:
    """A BTC forward and a strike 3 %-30 % above it, both in $1,000 steps within the lesson's
    dashboard ($20k-$120k), 73, 146, 219 or 292 days (0.2 to 0.8 of a year: the dashboard's
    steps) and a volatility of 35 %-110 % (whole percents), kept where the call's delta lies in
    0.05-0.95 and at least 0.02 away from the at-the-money 0.5."""
    while True:
        forward = 1_000 * int(rng.integers(20, 116))
        strike = 1_000 * round(forward * float(rng.uniform(1.03, 1.30)) / 1_000)
        days, vol = 73 * int(rng.integers(1, 5)), int(rng.integers(35, 111)) / 100
        delta = black76_delta(forward, strike, days / DAYS_PER_YEAR, vol, option_type="call")
        if forward < strike <= 120_000 and 0.05 <= delta <= 0.95 and abs(delta - 0.5) >= 0.02:
            return {"forward": forward, "strike": strike, "days": days, "vol": vol}


def _q1(forward: float = 60_000, strike: float = 66_000, days: int = 73,
        vol: float = 0.62) -> NumberQuestion:
    option = dict(forward=forward, strike=strike, years=days / DAYS_PER_YEAR, vol=vol)
    delta = black76_delta(**option, option_type="call")
    sqrt_t = vol * math.sqrt(option["years"])
    d1 = (math.log(forward / strike) + sqrt_t ** 2 / 2) / sqrt_t
    years = f"{option['years']:.2f}"
    question = NumberQuestion(
        "Delta of a call",
        f"A BTC call struck at {usd(strike)} expires in {days} days ({years} of a year); the BTC "
        f"forward is {usd(forward)} and implied volatility {vol:.0%}. Take rates "
        "as zero. What is its Black-76 delta (a fraction per BTC, three decimals are enough)? Work "
        "it out with lesson 10's formula, or set lesson 10's dashboard to these inputs and read "
        "its call delta.",
        delta, percent=True, abs_tol=_DELTA_TOL, setup=data_code(option=option),
        hints=["Black-76 call delta is N(d1), d1 = (ln(F/K) + vol^2 T / 2) / (vol sqrt T).",
               f"T is in years ({days} / 365 = {years}). Work out d1, then look it up in a "
               "standard normal table: N(d1) is the share of the curve below d1. Or set lesson "
               f"10's dashboard to BTC price {forward:,}, strike {strike:,}, volatility "
               f"{vol:.0%} and {years} years: its call delta is N(d1).".replace("%", " %")],
        solution='answer = ek.black76_delta(**option, option_type="call")',
        working=(f"T = {days} / 365 = {option['years']:.4f}; vol sqrt T = {vol:g} x "
                 f"sqrt({option['years']:.4f}) = {sqrt_t:.4f}\n"
                 f"d1 = (ln({forward:,} / {strike:,}) + {sqrt_t:.4f}^2 / 2) / "
                 f"{sqrt_t:.4f}\n"
                 f"   = ({math.log(forward / strike):.4f} + "
                 f"{sqrt_t ** 2 / 2:.4f}) / {sqrt_t:.4f} = {d1:.4f}\n"
                 f"Delta = N(d1) = N({d1:.4f}) = {delta:.4f}"),
        mistakes=[Mistake(delta - 1, "that is the put's delta; a call's delta lies between 0 and "
                                     "1."),
                  Mistake(0.5, "0.5 is the delta of an option near the money; this one is struck "
                               "above the forward.")])
    question.limits = (0.05, 0.95)
    return question


q1 = drawable(_q1, _draw_option)

CALLS = {"name": "BTC-C66K", "underlying": "BTC", "kind": "option", "side": "long",
         "quantity": 12, "price": OPTION["forward"], "strike": OPTION["strike"],
         "years": OPTION["years"], "volatility": OPTION["vol"], "option_type": "call"}
_CALLS = _b.Book.from_records([CALLS])
q2 = NumberQuestion(
    "Delta-adjusted exposure",
    "You are long 12 of those calls, each on 1 BTC. What is the position's **delta-adjusted** "
    "exposure in USD? (A delta to three decimals is precise enough.)",
    _CALLS.net_exposure(measure="delta"), abs_tol=_USD_TOL,
    setup=data_code(position=CALLS) + "\nbook = ek.Book.from_records([position])",
    hints=["Delta-adjusted exposure = delta x quantity x forward.",
           "Take the delta of question 1 and multiply by 12 calls and by the forward price."],
    solution='answer = book.net_exposure(measure="delta")',
    working=(f"Delta of one call = {_DELTA:.4f} (question 1), on 1 BTC each\n"
             f"Delta-adjusted = delta x quantity x forward = {_DELTA:.4f} x 12 x "
             f"{usd(OPTION['forward'])} = {usd(_CALLS.net_exposure(measure='delta'))}"),
    unit="usd", quantity=12, price=OPTION["forward"],
    mistakes=[Mistake(_CALLS.net_exposure(measure="notional"),
                      "the delta was ignored: that is the notional the calls cover, not how much "
                      "they move."),
              Mistake(_CALLS.net_exposure(measure="delta") / OPTION["forward"],
                      "that is in BTC; the question asks for USD.")])

PERP = {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",
        "notional": 150_000}
BOOK = _b.Book.from_records([CALLS, PERP])
_BOOK_SETUP = data_code(records=[CALLS, PERP]) + "\nbook = ek.Book.from_records(records)"
q3 = NumberQuestion(
    "Net delta of calls and a perp",
    f"Beside the calls the trader is short {usd(150_000)} of BTC perps. What is the book's net "
    "**delta-adjusted** exposure in USD?",
    BOOK.net_exposure(measure="delta"), abs_tol=_USD_TOL, setup=_BOOK_SETUP,
    hints=["A perp's delta is 1: it counts at its notional.",
           "Take the calls' delta-adjusted exposure (question 2) and subtract the perp short."],
    solution='answer = book.net_exposure(measure="delta")',
    working=(f"Calls: {_DELTA:.4f} x 12 x {usd(OPTION['forward'])} = "
             f"{usd(_CALLS.net_exposure(measure='delta'))}; the perp's delta is 1\n"
             f"Net = calls {usd(_CALLS.net_exposure(measure='delta'))} - perp {usd(150_000)} = "
             f"{usd(BOOK.net_exposure(measure='delta'))}"),
    unit="usd",
    mistakes=[Mistake(BOOK.net_exposure(measure="notional"),
                      "the delta was ignored: the calls counted at their full notional."),
              Mistake(_CALLS.net_exposure(measure="delta") + 150_000,
                      "the perp short was added, not subtracted.")])

q4 = NumberQuestion(
    "Delta-hedge",
    "How many more USD of BTC perps must the trader sell (a positive size) to make the book "
    "**delta-neutral**? (A negative number means buy back.)",
    -hedge_notional(BOOK, measure="delta"), abs_tol=_USD_TOL, setup=_BOOK_SETUP,
    hints=["The hedge cancels the delta-adjusted net of question 3.",
           "A net long delta needs more perps sold, of the same USD size; a net short one "
           "needs perps bought back."],
    solution='answer = -ek.hedge_notional(book, measure="delta")',
    working=(f"Delta-adjusted net = {usd(BOOK.net_exposure(measure='delta'))}\n"
             f"Sell perps of that size: {usd(-hedge_notional(BOOK, measure='delta'))}"),
    unit="usd",
    mistakes=[Mistake(-hedge_notional(BOOK, measure="notional"),
                      "you hedged the notional: the calls move by their delta, not their full size."),
              Mistake(_CALLS.net_exposure(measure="delta"), "the perp already sold counts: "
                                                            "hedge only what is left."),
              Mistake(hedge_notional(BOOK, measure="delta"),
                      "right size, wrong sign: the question asks how much to sell, as a positive "
                      "number (a negative one would mean buying perps back).")])



def _delta_exposure(side, option_type, quantity, forward, strike, years, vol):
    """The engine's delta-adjusted exposure of one option position."""
    return _b.Book.from_records([{
        "underlying": "X", "kind": "option", "side": side, "quantity": quantity,
        "price": forward, "strike": strike, "years": years, "volatility": vol,
        "option_type": option_type}]).net_exposure(measure="delta")


def _sign(side):
    return 1.0 if side == "long" else -1.0


_HOUR = 1 / (DAYS_PER_YEAR * 24)
q5 = FunctionQuestion(
    "Write delta_exposure",
    "Write `delta_exposure(side, option_type, quantity, forward, strike, years, vol)`: the "
    "delta-adjusted USD exposure of a position of `quantity` options, each on one coin "
    "(`side` is `\"long\"` or `\"short\"`, `option_type` `\"call\"` or `\"put\"`, rates zero). "
    "It is checked on long and short calls and puts, a position of zero options, and options "
    "an hour from expiry, deep in and out of the money.",
    "delta_exposure", _delta_exposure,
    cases=[("long", "call", 12, 60_000, 66_000, 45 / 365, 0.62),
           ("short", "call", 3, 60_000, 66_000, 45 / 365, 0.62),
           ("long", "put", 5, 60_000, 70_000, 0.25, 0.60),
           ("short", "put", 8, 3_200, 2_900, 30 / 365, 0.75),
           ("long", "call", 0, 60_000, 66_000, 45 / 365, 0.62),
           ("long", "call", 2, 60_000, 90_000, _HOUR, 0.50),
           ("short", "put", 4, 60_000, 90_000, _HOUR, 0.50)],
    signature="side, option_type, quantity, forward, strike, years, vol", abs_tol=1e-6,
    rel_tol=1e-9,
    hints=["`ek.black76_delta(forward, strike, years, vol, option_type)` is the delta per coin: "
           "between 0 and 1 for a call, between -1 and 0 for a put.",
           "Exposure = side sign x delta x quantity x forward, with +1 for long and -1 for short.",
           "A short put has a negative delta twice over: its exposure is positive."],
    solution=("def delta_exposure(side, option_type, quantity, forward, strike, years, vol):\n"
              "    delta = ek.black76_delta(forward, strike, years, vol, option_type)\n"
              "    sign = 1.0 if side == \"long\" else -1.0\n"
              "    return sign * delta * quantity * forward"),
    mistakes=[Mistake(lambda side, kind, q, f, k, t, v: _sign(side) * q * f,
                      "the delta was ignored: that is the notional the options cover, not how "
                      "much they move."),
              Mistake(lambda side, kind, q, f, k, t, v: black76_delta(f, k, t, v, kind) * q * f,
                      "the side was ignored: a short option's exposure has the opposite sign "
                      "of a long one's."),
              Mistake(lambda side, kind, q, f, k, t, v:
                      _sign(side) * black76_delta(f, k, t, v, "call") * q * f,
                      "every option was priced as a call: a put's delta is negative (call "
                      "delta minus 1)."),
              Mistake(lambda side, kind, q, f, k, t, v:
                      _sign(side) * abs(black76_delta(f, k, t, v, kind)) * q * f,
                      "the put's delta lost its minus sign: a long put is short the coin.")])

_HEDGED = BOOK + _b.Book.from_records([
    {"name": "hedge", "underlying": "BTC", "kind": "perp", "side": "short",
     "notional": -hedge_notional(BOOK, measure="delta"), "price": OPTION["forward"]}])
_AFTER = _HEDGED.shock({"BTC": 0.10}).net_exposure(measure="delta")
q6 = ChoiceQuestion(
    "After a rally",
    "The trader delta-hedges exactly as in question 4. BTC then rallies 10 %. With the perps "
    "unchanged in BTC terms and the calls' delta recomputed, what is the book now?",
    {"a": "still delta-neutral: it was hedged",
     "b": "net long: the calls' delta rose with the price",
     "c": "net short: the perp shorts grew with the price"},
    "b" if _AFTER > 0 else ("c" if _AFTER < 0 else "a"),
    # the hedge is built in the setup, not listed as data: its size is question 4's answer
    setup=_BOOK_SETUP + "\nhedged = book + ek.Book.from_records([{'name': 'hedge', "
    "'underlying': 'BTC', 'kind': 'perp', 'side': 'short',\n    'notional': "
    "-ek.hedge_notional(book, measure='delta'), 'price': 60_000}])",
    hints=["A long call's delta rises as the price rises (gamma).",
           "Recompute the calls' delta at a forward 10 % higher, value both the calls and the "
           "perps at the new price, and add them."],
    working=(f"After +10 %: the calls' delta goes from {_DELTA:.4f} to "
             f"{black76_delta(OPTION['forward'] * 1.1, OPTION['strike'], OPTION['years'], OPTION['vol'], 'call'):.4f}\n"  # noqa: E501
             f"Net delta-adjusted exposure = {usd(_AFTER)}: "
             f"{'net long' if _AFTER > 0 else 'net short'}. Answer "
             f"({'b' if _AFTER > 0 else ('c' if _AFTER < 0 else 'a')})."),
    solution=('after = hedged.shock({"BTC": 0.10}).net_exposure(measure="delta")\n'
              'answer = "b" if after > 0 else ("c" if after < 0 else "a")'),
    mistakes={"a": "a delta hedge holds only at the price it was set: the calls' delta moves.",
              "c": "the perps do grow, but the calls' delta grows faster: compute it."})

progress = register(globals(), "Lesson 10")
