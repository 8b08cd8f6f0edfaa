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
# delta times the calls times the forward, so they accept the same error in dollars.
_DELTA_TOL = 5e-4


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
               "standard normal table: N(d1) is the share of the curve below d1. A table steps d1 "
               "by 0.01, so read the two rows either side and go between them in proportion (the "
               "nearest row alone can be 0.002 off). Or set lesson "
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

CALLS_HELD, PERP_SHORT = 12, 150_000


def _calls(forward: float = 60_000, strike: float = 66_000, days: int = 73, vol: float = 0.62,
           quantity: int = CALLS_HELD) -> dict:
    return {"name": f"BTC-C{strike / 1_000:g}K", "underlying": "BTC", "kind": "option",
            "side": "long", "quantity": quantity, "price": forward, "strike": strike,
            "years": days / DAYS_PER_YEAR, "volatility": vol, "option_type": "call"}


def _perp(short: float = PERP_SHORT) -> dict:
    return {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",
            "notional": short}


def _draw_calls(rng) -> dict:
    """Question 1's option (the same draw, so the same seed gives the same option) and 2 to 40
    calls."""
    return {**_draw_option(rng), "quantity": int(rng.integers(2, 41))}


def _draw_hedged(rng) -> dict:
    """The calls of question 2 and a perp short of 30 %-170 % of their delta-adjusted exposure
    (in $1,000 steps), kept at least 10 % away from it so the book is not already neutral."""
    calls = _draw_calls(rng)
    exposure = _b.Book.from_records([_calls(**calls)]).net_exposure(measure="delta")
    while True:
        short = 1_000.0 * max(1, round(exposure * float(rng.uniform(0.3, 1.7)) / 1_000))
        if abs(short / exposure - 1) >= 0.10:
            return {**calls, "short": short}


def _the_calls(forward, strike, days, vol, quantity, first: str) -> str:
    """How a prompt names the calls: by reference with the fixed numbers (the notebook's order
    of questions), in full when drawn (a variant stands alone)."""
    if (forward, strike, days, vol, quantity) == (OPTION["forward"], OPTION["strike"], 73,
                                                  OPTION["vol"], CALLS_HELD):
        return first
    return (f"A trader is long {quantity} BTC calls, each on 1 BTC, struck at {usd(strike)} "
            f"with {days} days to expiry ({days / DAYS_PER_YEAR:.2f} of a year); the BTC forward "
            f"is {usd(forward)} and implied volatility {vol:.0%} (rates zero). ")


# q1 accepts a delta within 0.0005; q2-q4 carry that delta times the calls times the forward
def _usd_tol(quantity, forward):
    return _DELTA_TOL * quantity * forward


def _q2(forward: float = 60_000, strike: float = 66_000, days: int = 73, vol: float = 0.62,
        quantity: int = CALLS_HELD) -> NumberQuestion:
    calls = _calls(forward, strike, days, vol, quantity)
    book = _b.Book.from_records([calls])
    delta, exposure = black76_delta(forward, strike, days / DAYS_PER_YEAR, vol, "call"), \
        book.net_exposure(measure="delta")
    lead = _the_calls(forward, strike, days, vol, quantity, "You are long 12 of those calls, "
                                                            "each on 1 BTC. ")
    question = NumberQuestion(
        "Delta-adjusted exposure",
        lead + "What is the position's **delta-adjusted** exposure in USD? (A delta to three "
        "decimals is precise enough.)",
        exposure, abs_tol=_usd_tol(quantity, forward),
        setup=data_code(position=calls) + "\nbook = ek.Book.from_records([position])",
        hints=["Delta-adjusted exposure = delta x quantity x forward.",
               ("Take the delta of question 1" if lead.startswith("You are") else
                "Work out the call's delta as in question 1 (N(d1))")
               + f" and multiply by {quantity} calls and by the forward price."],
        solution='answer = book.net_exposure(measure="delta")',
        working=(f"Delta of one call = N(d1) = {delta:.4f} (as in question 1), on 1 BTC each\n"
                 f"Delta-adjusted = delta x quantity x forward\n"
                 f"In BTC: {delta:.4f} x {quantity} = {delta * quantity:.4f} BTC\n"
                 f"In USD: {delta * quantity:.4f} x {usd(forward)} = {usd(exposure)}"),
        unit="usd", quantity=quantity, price=forward,
        mistakes=[Mistake(book.net_exposure(measure="notional"),
                          "the delta was ignored: that is the notional the calls cover, not how "
                          "much they move."),
                  Mistake(exposure / forward, "that is in BTC; the question asks for USD.")])
    question.limits = (0.05 * quantity * forward, 0.95 * quantity * forward)
    return question


q2 = drawable(_q2, _draw_calls)

CALLS = _calls()
_CALLS = _b.Book.from_records([CALLS])
PERP = _perp()
BOOK = _b.Book.from_records([CALLS, PERP])
_BOOK_SETUP = data_code(records=[CALLS, PERP]) + "\nbook = ek.Book.from_records(records)"


def _hedged_book(forward, strike, days, vol, quantity, short):
    records = [_calls(forward, strike, days, vol, quantity), _perp(short)]
    return (_b.Book.from_records(records[:1]), _b.Book.from_records(records),
            data_code(records=records) + "\nbook = ek.Book.from_records(records)")


def _q3(forward: float = 60_000, strike: float = 66_000, days: int = 73, vol: float = 0.62,
        quantity: int = CALLS_HELD, short: float = PERP_SHORT) -> NumberQuestion:
    calls, book, setup = _hedged_book(forward, strike, days, vol, quantity, short)
    delta = black76_delta(forward, strike, days / DAYS_PER_YEAR, vol, "call")
    held, net = calls.net_exposure(measure="delta"), book.net_exposure(measure="delta")
    lead = _the_calls(forward, strike, days, vol, quantity, "Beside the calls the trader is ")
    lead += "short " if lead.startswith("Beside") else "The trader is also short "
    question = NumberQuestion(
        "Net delta of calls and a perp",
        lead + f"{usd(short)} of BTC perps. What is the book's net **delta-adjusted** exposure "
        "in USD?",
        net, abs_tol=_usd_tol(quantity, forward), setup=setup,
        hints=["A perp's delta is 1: it counts at its notional.",
               "Take the calls' delta-adjusted exposure (question 2) and subtract the perp "
               "short."],
        solution='answer = book.net_exposure(measure="delta")',
        working=(f"Calls: {delta:.4f} x {quantity} x {usd(forward)} = {usd(held)}; the perp's "
                 f"delta is 1\n"
                 f"Net = calls - perp = {usd(held)} - {usd(short)} = {usd(net)}"),
        unit="usd",
        mistakes=[Mistake(book.net_exposure(measure="notional"),
                          "the delta was ignored: the calls counted at their full notional."),
                  Mistake(held + short, "the perp short was added, not subtracted."),
                  Mistake(held, "that is the calls alone: the perp short belongs in the book's "
                                "net too.")])
    question.limits = (-short, held)
    return question


q3 = drawable(_q3, _draw_hedged)


def _q4(forward: float = 60_000, strike: float = 66_000, days: int = 73, vol: float = 0.62,
        quantity: int = CALLS_HELD, short: float = PERP_SHORT) -> NumberQuestion:
    calls, book, setup = _hedged_book(forward, strike, days, vol, quantity, short)
    held, hedge = calls.net_exposure(measure="delta"), -hedge_notional(book, measure="delta")
    lead = _the_calls(forward, strike, days, vol, quantity, "")
    if lead:
        lead += f"The trader is also short {usd(short)} of BTC perps. "
    question = NumberQuestion(
        "Delta-hedge",
        lead + "How many more USD of BTC perps must the trader sell (a positive size) to make "
        "the book **delta-neutral**? (A negative number means buy back.)",
        hedge, abs_tol=_usd_tol(quantity, forward), setup=setup,
        hints=["The hedge cancels the delta-adjusted net of question 3.",
               "A net long delta needs more perps sold, of the same USD size; a net short one "
               "needs perps bought back."],
        solution='answer = -ek.hedge_notional(book, measure="delta")',
        working=(f"Delta-adjusted net = calls - perp = {usd(held)} - {usd(short)} = "
                 f"{usd(book.net_exposure(measure='delta'))}\n"
                 + (f"Sell perps of that size: {usd(hedge)}" if hedge > 0 else
                    f"Net short: buy back {usd(-hedge)} of perps, a sale of {usd(hedge)}")),
        unit="usd",
        mistakes=[Mistake(-hedge_notional(book, measure="notional"),
                          "you hedged the notional: the calls move by their delta, not their "
                          "full size."),
                  Mistake(held, "the perp already sold counts: hedge only what is left."),
                  Mistake(-hedge, "right size, wrong sign: the question asks how much to sell, "
                                  "as a positive number (a negative one would mean buying perps "
                                  "back).")])
    question.limits = (-short, held)
    return question


q4 = drawable(_q4, _draw_hedged)


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
