"""Exercises for lesson 07: drift after price moves and rebalancing."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._hedging import hedge_notional
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, register

STEM = "07_drift_after_price_moves"
TITLE = "Exercises 07: drift after price moves"
INTRO = ("A hedge is balanced only at the prices it was sized at. When the legs move by "
         "different amounts the net drifts, and a rebalancing trade brings it back.")

PAIR = [
    {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 160_000},
    {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short", "notional": 160_000},
]
MOVES = {"BTC": 0.18, "ETH": 0.04}
_PAIR = _b.Book.from_records(PAIR)
_MOVED = _PAIR.shock(MOVES)
_LEG_BTC = 160_000 * (1 + MOVES["BTC"])
_LEG_ETH = 160_000 * (1 + MOVES["ETH"])
_PAIR_SETUP = (data_code(records=PAIR, moves=MOVES) +
               "\nbook = ek.Book.from_records(records)")

q1 = NumberQuestion(
    "A balanced pair drifts",
    f"A book is long {usd(160_000)} of BTC perps and short {usd(160_000)} of ETH perps: net zero. "
    "BTC then rises 18 % and ETH 4 %. What is the net exposure now, in USD?",
    _MOVED.net_exposure(), setup=_PAIR_SETUP,
    hints=["Linear positions scale with their price: each leg's new exposure is the old one x "
           "(1 + move).",
           "Grow each leg by its own move, then take the new short from the new long."],
    solution="answer = book.shock(moves).net_exposure()",
    working=(f"BTC long: {usd(160_000)} x 1.18 = {usd(_LEG_BTC)}\n"
             f"ETH short: {usd(160_000)} x 1.04 = {usd(_LEG_ETH)}\n"
             f"Net = {usd(_LEG_BTC)} - {usd(_LEG_ETH)} = {usd(_MOVED.net_exposure())}"),
    unit="usd",
    mistakes=[Mistake(0.0, "the hedge was balanced at entry, but the legs moved by different "
                           "amounts: the net has drifted."),
              Mistake(160_000 * MOVES["BTC"], "the ETH short moved too: its exposure grew by "
                                              "ETH's move.")])

q2 = NumberQuestion(
    "Rebalance",
    "To bring that book back to a zero net by adding to the ETH short, how many more USD of ETH "
    "perps must you sell? (A positive size.)",
    -hedge_notional(_MOVED), setup=_PAIR_SETUP,
    hints=["The extra short must cancel the drifted net.",
           "Work out the net after the moves (question 1): an ETH short of that size brings it "
           "back to zero."],
    solution="answer = -ek.hedge_notional(book.shock(moves))",
    working=(f"Net after the moves = {usd(_LEG_BTC)} - {usd(_LEG_ETH)} = "
             f"{usd(_MOVED.net_exposure())}\n"
             f"Sell {usd(-hedge_notional(_MOVED))} more ETH perps: net = "
             f"{usd(_MOVED.net_exposure())} - {usd(-hedge_notional(_MOVED))} = $0"),
    unit="usd",
    mistakes=[Mistake(160_000 * MOVES["BTC"], "that covers the BTC gain only; the ETH short "
                                              "grew as well, so less is needed."),
              Mistake(_MOVED.gross_exposure(), "that is the whole gross; you need only the "
                                               "net's worth.")])

RULE_PAIR = [
    {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 200_000},
    {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short", "notional": 200_000},
]
THRESHOLD = 10_000
DAY_1, DAY_2 = {"BTC": 0.03, "ETH": -0.01}, {"BTC": 0.02, "ETH": 0.0}
_DAY_1 = _b.Book.from_records(RULE_PAIR).shock(DAY_1)
_DAY_2 = _DAY_1.shock(DAY_2)
_SOLD = -hedge_notional(_DAY_2) if abs(_DAY_2.net_exposure()) > THRESHOLD else 0.0
q3 = NumberQuestion(
    "A threshold rule at the close",
    f"A pair is long {usd(200_000)} of BTC perps and short {usd(200_000)} of ETH perps. A rule "
    f"looks at each daily close and, when the net is more than {usd(THRESHOLD)} from zero, sells "
    "or buys ETH perps to bring it back to zero. Day 1: BTC +3 %, ETH -1 %. Day 2: BTC +2 %, ETH "
    "unchanged. How many USD of ETH perps does the rule sell at the close of day 2? (0 if it "
    "does not trade.)",
    _SOLD, setup=(data_code(records=RULE_PAIR, threshold=THRESHOLD, day_1=DAY_1, day_2=DAY_2) +
                  "\nbook = ek.Book.from_records(records)"),
    hints=["Move each leg by its own day 1 move and look at the net: does it pass the "
           "threshold?",
           "No trade on day 1 leaves the legs where day 1 put them: move them again by day 2's "
           "moves. A trade brings the whole net back to zero, not just the part above the "
           "threshold."],
    solution=("day_2_book = book.shock(day_1).shock(day_2)\n"
              "net = day_2_book.net_exposure()\n"
              "answer = net if abs(net) > threshold else 0.0"),
    working=(f"Day 1: BTC {usd(200_000)} x 1.03 = {usd(206_000)}, ETH {usd(200_000)} x 0.99 = "
             f"{usd(198_000)}; net {usd(_DAY_1.net_exposure())}, within {usd(THRESHOLD)}: no trade\n"
             f"Day 2: BTC {usd(206_000)} x 1.02 = {usd(210_120)}, ETH stays {usd(198_000)}; net "
             f"{usd(_DAY_2.net_exposure())}, past {usd(THRESHOLD)}\n"
             f"The rule sells {usd(_SOLD)} of ETH perps: the net goes back to $0"),
    unit="usd",
    mistakes=[Mistake(_DAY_2.net_exposure() - THRESHOLD, "that trades only the part above the "
                                                         "threshold; the rule brings the net "
                                                         "back to zero."),
              Mistake(_DAY_1.net_exposure(), "that is the net after day 1, when the rule did "
                                             "not trade."),
              Mistake(200_000 * DAY_2["BTC"], "day 2's BTC move was on the leg as day 1 left "
                                              "it, not on its entry size.")])

q4 = ChoiceQuestion(
    "What a threshold rule bounds",
    f"The rule of question 3 looks once a day, at the close, and trades the net back to zero "
    f"when it is more than {usd(THRESHOLD)} from zero. What does its {usd(THRESHOLD)} bound?",
    {"a": f"the net at every moment: never more than {usd(THRESHOLD)} from zero, day or night",
     "b": "the net carried from one close to the next; a day's move or a gap can pass it",
     "c": "less than that: the net stays at exactly zero, as every drift is traded away"},
    "b",
    hints=["When does the rule look at the net, and what happens between two looks?",
           "Between two closes the legs keep moving with their prices; the rule acts only at "
           "the next close."],
    working=("The rule trades only at the close, so what it bounds is the net carried after "
             "each close's trade.\n"
             "During the day, and across a gap in prices, the net drifts freely; a large day "
             f"can take it well past {usd(THRESHOLD)} before the close.\n"
             "Answer (b)."),
    solution='answer = "b"',
    mistakes={"a": "only at the closes: between two of them a move or a gap can take the net "
                   "well past the threshold.",
              "c": "the rule lets the net drift up to the threshold before it trades."})

progress = register(globals(), "Lesson 07")
