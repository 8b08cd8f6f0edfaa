"""Every exercise question's expected answer, pinned as a number worked out by hand.

A question's expected value, its worked solution and its check all come from the engine, so an
engine regression would move the three together and no other test would notice. Here each answer
is written out from the question's own inputs (the arithmetic in a comment or as an expression of
plain numbers); options use Black-76 written below from the textbook formula (Hull, *Options,
Futures and Other Derivatives*, ch. 18), not the package's function. Each question is then held to
its pin: the expected value within the question's own tolerance (to the cent for dollars), the
check accepting the pinned value, the stored solution code giving it and the worked solution
stating it, and for a choice the key and the figures its explanation gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import pytest

from exposure_kit.exercises import LESSONS, BookQuestion, ChoiceQuestion, FunctionQuestion, NumberQuestion
from exposure_kit.exercises._notebooks import lesson_module, questions


# ----- Black-76 by hand (Hull ch. 18), rates zero -------------------------------------------------
def normal_cdf(x: float) -> float:
    """N(x), the standard normal distribution function."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def call_delta(forward: float, strike: float, years: float, vol: float) -> float:
    """Black-76 call delta with zero rates: N(d1), d1 = (ln(F/K) + vol^2 T / 2) / (vol sqrt T).
    The put's delta is N(d1) - 1."""
    d1 = (math.log(forward / strike) + vol ** 2 * years / 2) / (vol * math.sqrt(years))
    return normal_cdf(d1)


def dollars(value: float, cents: bool = False) -> str:
    """A dollar amount as the worked solutions write it: -$1,234 (or -$1,234.56)."""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}" if cents else f"{sign}${abs(value):,.0f}"


# ----- the kinds of pin ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    """A number answer; ``shown`` is how its worked solution must state it."""

    value: float
    shown: str
    usd: bool = False


@dataclass(frozen=True)
class Choice:
    """A choice's key; ``because`` are figures, worked by hand, its explanation must give."""

    key: str
    because: tuple[str, ...]


@dataclass(frozen=True)
class Function:
    """A function question: each test case's arguments and the result worked by hand."""

    cases: tuple[tuple[tuple, float], ...]


@dataclass(frozen=True)
class Built:
    """A book question: the answer built with the hand-worked hedge ``size``, and where the stored
    solution's hedge sits in its answer (``solution_hedge(answer) -> dict``)."""

    size: float
    answer: Callable[[], object]
    solution_hedge: Callable[[object], dict]


# ----- the lessons' inputs a book question's answer is built from -----------------------------------
L03_SPOT = {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long",
            "quantity": 3.0, "price": 58_000}
L03_COLLATERAL = {"name": "BTC-COLLATERAL", "underlying": "BTC", "kind": "collateral",
                  "side": "long", "quantity": 0.6, "price": 58_000}
# 3 BTC x $58,000 = $174,000 spot; 0.6 BTC x $58,000 = $34,800 collateral; short both: $208,800
L03_HEDGE = 174_000 + 34_800


def _l03_flat_book():
    perp = {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",
            "notional": L03_HEDGE}
    return [L03_SPOT, L03_COLLATERAL, perp]


# lesson 12's CSV, row by row (quantity x price; the inverse row quantity x $100 face):
#   btc-perp-a  long  12 x $62,000    = +$744,000     (VenueA)
#   btc-spot-b  long  2.5 x $62,000   = +$155,000     (VenueB)
#   btc-inv-c   short 5,000 x $100    = -$500,000     (VenueC)
#   eth-fut-a   short 120 x $3,050    = -$366,000     (VenueA)
#   eth-perp-b  long  40 x $3,050     = +$122,000     (VenueB)
#   sol-perp-c  short 900 x $145      = -$130,500     (VenueC)
L12_BTC_NET = 744_000 + 155_000 - 500_000          # = $399,000, so hedge with a short of it


def _l12_flat_book():
    book = lesson_module("12").BOOK        # the desk's book as the question loads it
    hedge = {"name": "btc-hedge", "venue": "VenueA", "underlying": "BTC", "kind": "perp",
             "side": "short", "notional": L12_BTC_NET}
    return [book, hedge]


# ----- lesson 10's option, by hand ------------------------------------------------------------------
# F = $60,000, K = $66,000, T = 73 / 365 = 0.2, vol = 62 %:
#   vol sqrt T = 0.62 x 0.447214 = 0.277272
#   d1 = (ln(60,000 / 66,000) + 0.277272^2 / 2) / 0.277272 = (-0.095310 + 0.038440) / 0.277272
#      = -0.205106;  N(d1) = 0.4187
L10_DELTA = call_delta(60_000, 66_000, 73 / 365, 0.62)
L10_CALLS = L10_DELTA * 12 * 60_000                 # 0.4187 x 12 x $60,000 = about $301,496
L10_NET = L10_CALLS - 150_000                       # calls - $150,000 perp short = about $151,496
# After the delta hedge (sell L10_NET more perps at $60,000) BTC rallies 10 %: the calls' delta at
# F = $66,000 = K is N(0.038440 / 0.277272) = N(0.138636) = 0.5551, so
#   12 x 0.5551 x $66,000 - ($150,000 + $151,496) x 1.1 = $439,664 - $331,646 = about +$108,018
L10_AFTER = (12 * call_delta(66_000, 66_000, 73 / 365, 0.62) * 66_000
             - (150_000 + L10_NET) * 1.1)

_HOUR = 1 / (365 * 24)

# ----- the pins, one per question ---------------------------------------------------------------------
PINS: dict[str, Number | Choice | Function | Built] = {
    # Lesson 01: long $220,000 BTC perps, short $180,000 ETH futures
    "01-q1": Number(220_000 - 180_000, "$40,000", usd=True),          # net = $40,000
    "01-q2": Number(220_000 + 180_000, "$400,000", usd=True),         # gross = $400,000
    # net / gross = 40,000 / 400,000 = 10 %, outside the 5 % band and positive: net long
    "01-q3": Choice("a", ("$40,000", "$400,000", "10.0%")),
    "01-q4": Function((
        ((220_000, 180_000), 0.1),          # (220,000 - 180,000) / 400,000
        ((50_000, 0), 1.0),                 # all long
        ((0, 75_000), -1.0),                # all short
        ((100_000, 100_000), 0.0),          # 0 / 200,000
        ((0, 0), 0.0),                      # an empty book leans nowhere
        ((1_000, 9_000), -0.8),             # -8,000 / 10,000
    )),
    # Book A: $900,000 x -10 % = -$90,000 and -$870,000 x +10 % = -$87,000: -$177,000;
    # Book B: $120,000 x -10 % = -$12,000. Book A (the larger gross) loses more.
    "01-q5": Choice("b", ("-$90,000", "-$87,000", "-$177,000", "-$12,000")),

    # Lesson 02: BTC-PERP 2.5 x $64,000 = $160,000 long; SOL-SPOT 300 x $150 = $45,000 long;
    # ETH-FUT 20 x $3,100 = $62,000 short; BTC-QTR 0.8 x $64,500 = $51,600 short
    "02-q1": Number(160_000 + 45_000, "$205,000", usd=True),
    "02-q2": Number(62_000 + 51_600, "$113,600", usd=True),
    "02-q3": Number(205_000 - 113_600, "$91,400", usd=True),
    "02-q4": Number(160_000 - 51_600, "$108,400", usd=True),          # BTC alone
    "02-q5": Function((
        # the guide's example: long $120,000 BTC perps, short $70,000 ETH futures and $20,000
        # BTC quarterlies: 120,000 - (70,000 + 20,000) = $30,000 net long
        (([("long", 120_000), ("short", 70_000), ("short", 20_000)],), 30_000.0),
        (([],), 0.0),
        (([("short", 5_000)],), -5_000.0),
        (([("long", 1_000), ("long", 2_000)],), 3_000.0),
        (([("long", 40_000), ("short", 40_000)],), 0.0),
    )),
    # net / gross = $91,400 / ($205,000 + $113,600 = $318,600) = 28.7 %: far from 0, positive
    "02-q6": Choice("b", ("$91,400", "$318,600", "29%")),

    # Lesson 03: 3 BTC of spot at $58,000
    "03-q1": Number(3 * 58_000, "$174,000", usd=True),                 # short $174,000 of perps
    "03-q2": Number(150_000 / 174_000, "0.8621"),                       # = 0.862069
    # 86.2 % is below 100 %: net = $174,000 - $150,000 = $24,000 long, under-hedged
    "03-q3": Choice("a", ("86.2%", "$24,000", "under-hedged")),
    # spot $174,000 + collateral 0.6 x $58,000 = $34,800 - perp short $174,000 = $34,800
    "03-q4": Number(174_000 + 34_800 - 174_000, "$34,800", usd=True),
    "03-q5": Built(L03_HEDGE, _l03_flat_book, lambda answer: answer[2]),

    # Lesson 04: vol BTC sE = 0.55, vol ETH sH = 0.70, correlation 0.85
    # variance = 0.55^2 + 0.70^2 - 2 x 0.85 x 0.55 x 0.70 = 0.3025 + 0.49 - 0.6545 = 0.138
    "04-q1": Number(math.sqrt(0.138), "0.3715"),                        # = 0.371484
    "04-q2": Number(0.85 * 0.55 / 0.70, "0.6679"),                      # h* = 0.667857
    # beta = round(0.85 x 0.70 / 0.55 = 1.0818, 2) = 1.08; $240,000 x 1.08 = $259,200
    "04-q3": Number(240_000 * 1.08, "$259,200", usd=True),
    "04-q4": Function((
        ((0.55, 0.70, 0.85, 1.0), math.sqrt(0.138)),        # as question 1
        ((0.6, 0.8, 0.8, 0.6), 0.36),       # 0.36 + 0.2304 - 0.4608 = 0.1296 = 0.36^2
        ((0.5, 0.9, 0.3, 0.0), 0.5),        # no hedge: the exposure's own vol
        ((0.3, 0.3, 1.0, 1.0), 0.0),        # 0.09 + 0.09 - 0.18 = 0
        ((0.7, 0.7, 1.0, 1.0), 0.0),        # 0.49 + 0.49 - 0.98 = 0 (a hair below, in floats)
        ((0.4, 0.6, -0.5, 0.5), math.sqrt(0.37)),           # 0.16 + 0.09 + 0.12 = 0.37
        ((0.55, 0.70, 0.85, 2.0), math.sqrt(0.9535)),       # 0.3025 + 1.96 - 1.309 = 0.9535
    )),
    # beta-adjusted net = $300,000 - $300,000 x 1.08 = -$24,000 (beta-short); residual risk
    # $300,000 x 0.371484 = $111,445 a year
    "04-q5": Choice("b", ("-$24,000", "$111,445")),

    # Lesson 05: closes 60,000 then 63,000: ln(1.05) = 0.048790
    "05-q1": Number(math.log(63_000 / 60_000), "0.0488"),
    # BTC 2, -1, 1, -2, 0 % (mean 0); ETH 3, -1, 1, -3, 1 %: sum BTC x ETH = 0.0006 + 0.0001 +
    # 0.0001 + 0.0006 + 0 = 0.0014 (BTC's mean is 0, so ETH's mean drops out); sum of BTC squares
    # 0.0004 + 0.0001 + 0.0001 + 0.0004 = 0.0010; beta = 0.0014 / 0.0010 = 1.4
    "05-q2": Number(1.4, "1.40"),
    # |1.30 - 1.20| = 0.10 < 2 x 0.08 = 0.16: inside the band
    "05-q3": Choice("a", ("0.10", "0.16")),
    # a standard error scales as 1 / sqrt(n): 0.04 x sqrt(365 / 1,460) = 0.04 / 2 = 0.02
    "05-q4": Number(0.04 / 2, "0.020"),

    # Lesson 06: $60,000 equity, long $420,000 BTC perps, short $345,000 ETH perps
    "06-q1": Number(765_000 / 60_000, "12.75x"),                       # gross / equity = 12.75
    "06-q2": Number(75_000 / 60_000, "1.25x"),                         # net / equity = 1.25
    # Binance isolated long: 9,000 + 2 (P - 62,000) = 2 P x 0.005, so
    # P = (2 x 62,000 - 9,000) / (2 x 0.995) = 115,000 / 1.99 = $57,788.94
    "06-q3": Number(115_000 / 1.99, "$57,788.94", usd=True),
    # BTC 3 x $61,000 = $183,000 long, ETH 50 x $3,050 = $152,500 short, wallet $25,000:
    #   25,000 + 183,000 m = 0.005 x (183,000 (1 + m) + 152,500)
    #   m (183,000 - 915) = 1,677.50 - 25,000, m = -23,322.5 / 182,085 = -0.128086
    "06-q4": Number(-23_322.5 / 182_085, "-0.1281"),
    # A: $500,000 x -12 % - $480,000 x +8 % = -$60,000 - $38,400 = -$98,400: equity would end at
    # $1,600, under 1 % x ($440,000 + $518,400) = $9,584 of maintenance, so A is liquidated on the
    # way. With a share f of the move done: 100,000 - 98,400 f = 0.01 x (980,000 - 21,600 f),
    # 90,200 = 98,184 f, f = 0.9187 (BTC -11.0 %); maintenance left 9,800 - 216 f = $9,602.
    # B: $150,000 x -12 % = -$18,000, equity $82,000 against 1 % x $132,000 = $1,320: open.
    "06-q5": Choice("a", ("-$98,400", "$1,600", "$9,584", "92%", "-11.0%", "$9,602",
                          "-$18,000", "$82,000", "$1,320")),

    # Lesson 07: long $160,000 BTC perps, short $160,000 ETH perps; BTC +18 %, ETH +4 %
    # $160,000 x 1.18 = $188,800; $160,000 x 1.04 = $166,400
    "07-q1": Number(188_800 - 166_400, "$22,400", usd=True),
    "07-q2": Number(188_800 - 166_400, "$22,400", usd=True),          # sell the drift's worth
    # $200,000 each way; day 1 BTC +3 %, ETH -1 %: 206,000 - 198,000 = 8,000, inside $10,000;
    # day 2 BTC +2 %: 206,000 x 1.02 = 210,120 - 198,000 = 12,120, past it: sell $12,120 of ETH
    "07-q3": Number(210_120 - 198_000, "$12,120", usd=True),
    # checked only at the close: the net carried between closes is bounded, not a day's move
    "07-q4": Choice("b", ("$10,000",)),

    # Lesson 08: a short of 1,200 inverse BTCUSD contracts ($100 face) opened at $60,000; BTC $75,000
    # face 1,200 x $100 = $120,000; / $60,000 entry = 2 BTC; x $75,000 today, short: -$150,000
    "08-q1": Number(-(1_200 * 100 / 60_000) * 75_000, "-$150,000", usd=True),
    # 2 BTC collateral - $120,000 / $75,000 = 2 - 1.6 = 0.4 BTC
    "08-q2": Number(2.0 - 120_000 / 75_000, "0.4000 BTC"),
    # at $75,000: spot 2 x $75,000 = $150,000; linear short the same, net $0; inverse short fixed
    # at $120,000, net $150,000 - $120,000 = $30,000. Only the inverse hedge drifts.
    "08-q3": Choice("b", ("$150,000", "$120,000", "$30,000")),
    # 900 contracts opened at $72,000, BTC falls to $60,000: face 900 x $100 = $90,000;
    # 90,000 / 60,000 - 90,000 / 72,000 = 1.5 - 1.25 = 0.25 BTC earned
    "08-q4": Number(90_000 / 60_000 - 90_000 / 72_000, "0.2500 BTC"),

    # Lesson 09: long $350,000 BTC perps, short $340,000 ETH perps
    # $350,000 x -15 % = -$52,500; -$340,000 x +10 % = -$34,000; P&L -$86,500
    "09-q1": Number(-52_500 - 34_000, "-$86,500", usd=True),
    "09-q2": Number(-500_000 * 0.04, "-$20,000", usd=True),            # future short +4 %
    "09-q3": Number(-340_000 * 0.30, "-$102,000", usd=True),           # ETH short gaps +30 %
    # (a) 350,000 x -20 % + 340,000 x 20 % = -$2,000; (b) -$86,500; (c) -$102,000: (c) worst
    "09-q4": Choice("c", ("-$2,000", "-$86,500", "-$102,000")),
    # gross $1,190,000 = 14.9 x the $80,000 equity; BTC -10 % with SOL +10 %:
    # -$60,000 - $59,000 = -$119,000, 149 % of the equity
    "09-q5": Choice("b", ("$1,190,000", "14.9x", "-$119,000", "149%",
                          "low-net-high-gross", "cross-asset-offset")),

    # Lesson 10 (see the option worked above)
    "10-q1": Number(L10_DELTA, f"{L10_DELTA:.4f}"),                    # N(-0.205106) = 0.4187
    "10-q2": Number(L10_CALLS, dollars(L10_CALLS), usd=True),          # about $301,496
    "10-q3": Number(L10_NET, dollars(L10_NET), usd=True),              # about $151,496
    "10-q4": Number(L10_NET, dollars(L10_NET), usd=True),              # sell the net's worth
    "10-q5": Function((
        # +1 x N(d1) x 12 x $60,000: 0.3711 x 720,000 = about +$267,186
        (("long", "call", 12, 60_000, 66_000, 45 / 365, 0.62),
         12 * 60_000 * call_delta(60_000, 66_000, 45 / 365, 0.62)),
        # -1 x 0.3711 x 3 x $60,000 = about -$66,797
        (("short", "call", 3, 60_000, 66_000, 45 / 365, 0.62),
         -3 * 60_000 * call_delta(60_000, 66_000, 45 / 365, 0.62)),
        # d1 = (ln(60/70) + 0.045) / 0.3 = -0.363836, N = 0.3580; put delta -0.6420:
        # 5 x $60,000 x -0.6420 = about -$192,603
        (("long", "put", 5, 60_000, 70_000, 0.25, 0.60),
         5 * 60_000 * (call_delta(60_000, 70_000, 0.25, 0.60) - 1)),
        # d1 = (ln(3,200/2,900) + 0.023116) / 0.215018 = 0.565330, N = 0.7141; put delta -0.2859;
        # short: -8 x $3,200 x -0.2859 = about +$7,320
        (("short", "put", 8, 3_200, 2_900, 30 / 365, 0.75),
         -8 * 3_200 * (call_delta(3_200, 2_900, 30 / 365, 0.75) - 1)),
        (("long", "call", 0, 60_000, 66_000, 45 / 365, 0.62), 0.0),   # no options, no exposure
        # an hour out, 50 % out of the money: d1 = ln(2/3) / 0.00534 = -75.9, delta 0
        (("long", "call", 2, 60_000, 90_000, _HOUR, 0.50), 0.0),
        # the put an hour out, deep in the money: delta -1; short 4: -4 x $60,000 x -1
        (("short", "put", 4, 60_000, 90_000, _HOUR, 0.50), 240_000.0),
    )),
    "10-q6": Choice("b", (f"{L10_DELTA:.4f}", "0.5551", dollars(L10_AFTER), "net long")),

    # Lesson 11
    # long $250,000 x 0.00015 = $37.50, paid by the long: received -$37.50
    "11-q1": Number(-250_000 * 0.00015, "-$37.50", usd=True),
    # short 5 x $64,000 = $320,000 x 0.00012 = $38.40 received, x 90 payments = $3,456.00
    "11-q2": Number(320_000 * 0.00012 * 90, "$3,456.00", usd=True),
    "11-q3": Function((                       # received = -signed notional x rate
        ((250_000, 0.0001), -25.0),
        ((-250_000, 0.0001), 25.0),
        ((100_000, -0.0003), 30.0),
        ((-40_000, -0.0002), -8.0),
        ((0.0, 0.0005), 0.0),
        ((75_000, 0.0), 0.0),
    )),
    # spot 5 x $64,000 x 1.3 = $416,000; inverse short at its face 3,200 x $100 = $320,000
    "11-q4": Number(416_000 - 320_000, "$96,000", usd=True),
    # the short perp at -0.05 %: received = -(-$320,000) x -0.0005 = -$160.00: it pays
    "11-q5": Choice("b", ("-$160.00",)),

    # Lesson 12 (the rows worked above)
    # longs 744,000 + 155,000 + 122,000 = 1,021,000; shorts 500,000 + 366,000 + 130,500 = 996,500
    "12-q1": Number(1_021_000 - 996_500, "$24,500", usd=True),
    # gross: VenueA 744,000 + 366,000 = $1,110,000; VenueB 155,000 + 122,000 = $277,000;
    # VenueC 500,000 + 130,500 = $630,500: VenueA
    "12-q2": Choice("a", ("VenueA: gross $1,110,000", "VenueB: gross $277,000",
                          "VenueC: gross $630,500")),
    "12-q3": Number(L12_BTC_NET, "$399,000", usd=True),
    "12-q4": Built(L12_BTC_NET, _l12_flat_book, lambda answer: answer[1]),
    # net by coin: BTC $399,000; ETH -366,000 + 122,000 = -$244,000; SOL -$130,500: a cross-coin
    # offset (ETH and SOL shorts against BTC) and future-against-spot/perp on one coin
    "12-q5": Choice("b", ("BTC $399,000", "ETH -$244,000", "SOL -$130,500",
                          "cross-asset-offset", "basis-offset")),
}

ALL = {f"{lesson[-2:]}-{q.name}": q for lesson in LESSONS
       for q in questions(lesson_module(lesson))}


def test_every_question_is_pinned_and_every_pin_is_a_question():
    assert list(ALL) == list(PINS)


def _kind_matches(question, pin) -> bool:
    return {Number: NumberQuestion, Choice: ChoiceQuestion, Function: FunctionQuestion,
            Built: BookQuestion}[type(pin)] is type(question)


@pytest.mark.parametrize("qid", list(PINS))
def test_expected_answer_is_the_one_worked_by_hand(qid):
    question, pin = ALL[qid], PINS[qid]
    assert _kind_matches(question, pin), f"{qid} is a {type(question).__name__}"
    {Number: _number, Choice: _choice, Function: _function, Built: _built}[type(pin)](question, pin)


def _number(question: NumberQuestion, pin: Number) -> None:
    expected = question.expected()
    assert abs(expected - pin.value) <= question.tolerance(), (expected, pin.value)
    if pin.usd:
        assert abs(expected - pin.value) < 0.005, f"not to the cent: {expected} vs {pin.value}"
    assert question.check(pin.value).correct, question.check(pin.value)
    assert abs(question.solution_answer() - pin.value) <= question.tolerance()
    assert pin.shown in question.solution_text(), question.solution_text()


def _choice(question: ChoiceQuestion, pin: Choice) -> None:
    assert question.expected() == pin.key
    assert question.check(pin.key).correct
    assert question.solution_answer() == pin.key
    explanation = question.solution_text()
    # the explanation ends on the key, and names no reason against it
    assert f"({pin.key})" in question.working.splitlines()[-1], question.working
    reasons = {m.match for m in question.mistakes}
    assert reasons <= set(question.options) - {pin.key}, "the key is explained as wrong"
    for figure in pin.because:
        assert figure in explanation, f"{figure!r} not in\n{explanation}"


def _lookup(cases):
    """A function answering each test case with its pinned result."""
    table = {repr(args): value for args, value in cases}
    return lambda *args: table[repr(args)]


def _function(question: FunctionQuestion, pin: Function) -> None:
    assert [repr(c) for c in question.cases] == [repr(args) for args, _ in pin.cases]
    for args, value in pin.cases:
        got = question.reference(*args)
        assert abs(got - value) <= max(question.abs_tol, question.rel_tol * abs(value)), \
            (args, got, value)
    assert question.check(_lookup(pin.cases)).correct
    solution = question.solution_answer()       # the function the worked solution writes
    for args, value in pin.cases:
        assert abs(solution(*args) - value) <= max(question.abs_tol, question.rel_tol * abs(value))


def _built(question: BookQuestion, pin: Built) -> None:
    assert question.check(pin.answer()).correct, question.check(pin.answer())
    hedge = pin.solution_hedge(question.solution_answer())
    assert hedge["side"] == "short"
    assert abs(hedge["notional"] - pin.size) < 0.005, (hedge["notional"], pin.size)
    assert dollars(pin.size) in question.solution_text(), question.solution_text()
