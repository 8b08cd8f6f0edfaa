"""Exercises for lesson 07: drift after price moves and rebalancing."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._hedging import hedge_notional
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, drawable, register

STEM = "07_drift_after_price_moves"
TITLE = "Exercises 07: drift after price moves"
INTRO = ("A hedge is balanced only at the prices it was sized at. When the legs move by "
         "different amounts the net drifts, and a rebalancing trade brings it back.")

def _pair(notional: float) -> list[dict]:
    return [
        {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
         "notional": notional},
        {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short",
         "notional": notional},
    ]


PAIR = _pair(160_000)
MOVES = {"BTC": 0.18, "ETH": 0.04}


def _moved(value: float) -> str:
    """A move as the prompts say it: "rises 18 %", "falls 3 %"."""
    return f"{'rises' if value > 0 else 'falls'} {abs(value):.0%}".replace("%", " %")


def _factor(move: float) -> str:
    return f"{1 + move:.2f}".rstrip("0").rstrip(".")


def _draw_drift(rng) -> dict:
    """$100k-$400k a leg (in $10k steps); BTC up 3-25 %, ETH from 8 % down to 4 points less
    than BTC (never flat): the net drifts long by at least 4 % of a leg, so the rebalancing
    trade sells ETH, and forgetting the ETH leg's own move is a visible slip."""
    btc = int(rng.integers(3, 26))
    eth = int(rng.choice([m for m in range(-8, btc - 3) if m != 0]))
    return {"notional": 10_000.0 * int(rng.integers(10, 41)),
            "btc": btc / 100, "eth": eth / 100}


def _drift(notional: float, btc: float, eth: float) -> tuple:
    moves = {"BTC": btc, "ETH": eth}
    moved = _b.Book.from_records(_pair(notional)).shock(moves)
    setup = (data_code(records=_pair(notional), moves=moves) +
             "\nbook = ek.Book.from_records(records)")
    return moved, notional * (1 + btc), notional * (1 + eth), setup


def _q1(notional: float = 160_000, btc: float = MOVES["BTC"],
        eth: float = MOVES["ETH"]) -> NumberQuestion:
    moved, leg_btc, leg_eth, setup = _drift(notional, btc, eth)
    eth_move = f"{eth:.0%}".replace("%", " %") if eth > 0 else _moved(eth)   # "and ETH 4 %"
    question = NumberQuestion(
        "A balanced pair drifts",
        f"A book is long {usd(notional)} of BTC perps and short {usd(notional)} of ETH perps: "
        f"net zero. BTC then {_moved(btc)} and ETH {eth_move}. "
        "What is the net exposure now, in USD?",
        moved.net_exposure(), setup=setup,
        hints=["Linear positions scale with their price: each leg's new exposure is the old one "
               "x (1 + move).",
               "Grow each leg by its own move, then take the new short from the new long."],
        solution="answer = book.shock(moves).net_exposure()",
        working=(f"BTC long: {usd(notional)} x {_factor(btc)} = {usd(leg_btc)}\n"
                 f"ETH short: {usd(notional)} x {_factor(eth)} = {usd(leg_eth)}\n"
                 f"Net = {usd(leg_btc)} - {usd(leg_eth)} = {usd(moved.net_exposure())}"),
        unit="usd",
        mistakes=[Mistake(0.0, "the hedge was balanced at entry, but the legs moved by "
                               "different amounts: the net has drifted."),
                  Mistake(notional * btc, "the ETH short moved too: its exposure "
                                          f"{'grew' if eth > 0 else 'shrank'} by ETH's move.")])
    question.limits = (0.03 * notional, 0.34 * notional)
    return question


q1 = drawable(_q1, _draw_drift)


def _q2(notional: float = 160_000, btc: float = MOVES["BTC"],
        eth: float = MOVES["ETH"]) -> NumberQuestion:
    moved, leg_btc, leg_eth, setup = _drift(notional, btc, eth)
    trade = -hedge_notional(moved)
    ask = ("bring that book back to a zero net by adding to the ETH short, how many more USD "
           "of ETH perps must you sell? (A positive size.)")
    same = (notional, btc, eth) == (160_000, MOVES["BTC"], MOVES["ETH"])
    question = NumberQuestion(
        "Rebalance",
        "To " + ask if same else
        f"A book was long {usd(notional)} of BTC perps and short {usd(notional)} of ETH perps; "
        f"BTC then {_moved(btc)} and ETH {_moved(eth)}. To {ask}",
        trade, setup=setup,
        hints=["The extra short must cancel the drifted net.",
               "Work out the net after the moves" + (" (question 1)" if same else "")
               + ": an ETH short of that size brings it back to zero."],
        solution="answer = -ek.hedge_notional(book.shock(moves))",
        working=(f"Net after the moves = {usd(leg_btc)} - {usd(leg_eth)} = "
                 f"{usd(moved.net_exposure())}\n"
                 f"Sell {usd(trade)} more ETH perps: net = "
                 f"{usd(moved.net_exposure())} - {usd(trade)} = $0"),
        unit="usd",
        mistakes=[Mistake(notional * btc, "that covers the BTC gain only; the ETH short "
                                          + ("grew as well, so less is needed." if eth > 0 else
                                             "shrank with ETH's fall, so more is needed.")),
                  Mistake(moved.gross_exposure(), "that is the whole gross; you need only the "
                                                  "net's worth.")])
    question.limits = (0.03 * notional, 0.34 * notional)
    return question


q2 = drawable(_q2, _draw_drift)

RULE_PAIR = _pair(200_000)
THRESHOLD = 10_000
DAY_1, DAY_2 = {"BTC": 0.03, "ETH": -0.01}, {"BTC": 0.02, "ETH": 0.0}


def _days(notional: float, day_1: dict, day_2: dict) -> tuple:
    first = _b.Book.from_records(_pair(notional)).shock(day_1)
    return first, first.shock(day_2)


def _draw_rule(rng) -> dict:
    """$100k-$400k a leg (in $20k steps), a threshold of 2.5-7.5 % of it (in $5k steps) and two
    days of whole-percent moves of -4 % to +4 %, kept where day 1 stays inside the threshold
    and day 2 takes the net past it on the long side, with the answer and each slip at least
    2 % of the answer apart."""
    while True:
        notional = 20_000.0 * int(rng.integers(5, 21))
        threshold = 5_000.0 * max(1, int(round(notional * float(rng.uniform(0.025, 0.075))
                                                / 5_000)))
        moves = [int(m) / 100 for m in rng.integers(-4, 5, size=4)]
        day_1, day_2 = {"BTC": moves[0], "ETH": moves[1]}, {"BTC": moves[2], "ETH": moves[3]}
        first, second = _days(notional, day_1, day_2)
        net_1, net_2 = first.net_exposure(), second.net_exposure()
        values = (net_2, net_2 - threshold, net_1, notional * day_2["BTC"])   # answer, slips
        if abs(net_1) <= threshold < net_2 and \
                all(abs(a - b) >= 0.02 * net_2 for i, a in enumerate(values)
                    for b in values[i + 1:]):
            return {"notional": notional, "threshold": threshold, "day_1": day_1,
                    "day_2": day_2}


def _day_text(day: dict) -> str:
    return ", ".join(f"{coin} {move:+.0%}".replace("%", " %") if move else f"{coin} unchanged"
                     for coin, move in day.items())


def _q3(notional: float = 200_000, threshold: float = THRESHOLD, day_1: dict = DAY_1,
        day_2: dict = DAY_2) -> NumberQuestion:
    first, second = _days(notional, day_1, day_2)
    net_1, net_2 = first.net_exposure(), second.net_exposure()
    sold = net_2 if abs(net_2) > threshold else 0.0
    btc_1, eth_1 = notional * (1 + day_1["BTC"]), notional * (1 + day_1["ETH"])
    btc_2, eth_2 = btc_1 * (1 + day_2["BTC"]), eth_1 * (1 + day_2["ETH"])

    def leg(coin: str, before: float, move: float, after: float) -> str:
        if not move:
            return f"{coin} stays {usd(after)}"
        return f"{coin}: {usd(before)} x {_factor(move)} = {usd(after)}"

    question = NumberQuestion(
        "A threshold rule at the close",
        f"A pair is long {usd(notional)} of BTC perps and short {usd(notional)} of ETH perps. A "
        f"rule looks at each daily close and, when the net is more than {usd(threshold)} from "
        "zero, sells or buys ETH perps to bring it back to zero. "
        f"Day 1: {_day_text(day_1)}. Day 2: {_day_text(day_2)}. How many USD of ETH perps does "
        "the rule sell at the close of day 2? (0 if it does not trade.)",
        sold, setup=(data_code(records=_pair(notional), threshold=threshold, day_1=day_1,
                               day_2=day_2) + "\nbook = ek.Book.from_records(records)"),
        hints=["Move each leg by its own day 1 move and look at the net: does it pass the "
               "threshold?",
               "No trade on day 1 leaves the legs where day 1 put them: move them again by day "
               "2's moves. A trade brings the whole net back to zero, not just the part above "
               "the threshold."],
        solution=("day_2_book = book.shock(day_1).shock(day_2)\n"
                  "net = day_2_book.net_exposure()\n"
                  "answer = net if abs(net) > threshold else 0.0"),
        working=(f"Day 1: {leg('BTC', notional, day_1['BTC'], btc_1)}; "
                 f"{leg('ETH', notional, day_1['ETH'], eth_1)}\n"
                 f"       net: {usd(btc_1)} - {usd(eth_1)} = {usd(net_1)}, within "
                 f"{usd(threshold)}: no trade\n"
                 f"Day 2: {leg('BTC', btc_1, day_2['BTC'], btc_2)}; "
                 f"{leg('ETH', eth_1, day_2['ETH'], eth_2)}\n"
                 f"       net: {usd(btc_2)} - {usd(eth_2)} = {usd(net_2)}, past "
                 f"{usd(threshold)}\n"
                 f"The rule sells {usd(sold)} of ETH perps: the net goes back to $0"),
        unit="usd",
        mistakes=[Mistake(net_2 - threshold, "that trades only the part above the threshold; "
                                             "the rule brings the net back to zero."),
                  Mistake(net_1, "that is the net after day 1, when the rule did not trade."),
                  Mistake(notional * day_2["BTC"], "day 2's BTC move was on the leg as day 1 "
                                                   "left it, not on its entry size.")])
    question.limits = (threshold, 0.2 * notional)
    return question


q3 = drawable(_q3, _draw_rule)

q4 = ChoiceQuestion(
    "What a threshold rule bounds",
    f"The rule of question 3 looks once a day, at the close, and trades the net back to zero "
    f"when it is more than {usd(THRESHOLD)} from zero. What does its {usd(THRESHOLD)} bound?",
    {"a": f"the net at every moment: never more than {usd(THRESHOLD)} from zero, day or night",
     "b": "the net measured at each close, after its trade; between closes it moves freely",
     "c": "less than that: the net stays at exactly zero, as every drift is traded away"},
    "b",
    hints=["When does the rule look at the net, and what happens between two looks?",
           "Between two closes the legs keep moving with their prices; the rule acts only at "
           "the next close."],
    working=("The rule trades only at the close, so what it bounds is the net measured at each "
             "close, after that close's trade.\n"
             "During the day, and across a gap in prices, the net drifts freely; a large day "
             f"can take it well past {usd(THRESHOLD)} before the close.\n"
             "Answer (b)."),
    solution='answer = "b"',
    mistakes={"a": "only at the closes: between two of them a move or a gap can take the net "
                   "well past the threshold.",
              "c": "the rule lets the net drift up to the threshold before it trades."})

progress = register(globals(), "Lesson 07")
