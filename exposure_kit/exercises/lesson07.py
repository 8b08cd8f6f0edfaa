"""Exercises for lesson 07: drift after price moves and rebalancing."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._hedging import hedge_notional
from ._framework import Mistake, NumberQuestion, data_code, register

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

progress = register(globals(), "Lesson 07")
