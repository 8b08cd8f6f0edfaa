"""Exercises for lesson 02: the formula on a real book (net = long - short)."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from ._framework import ChoiceQuestion, FunctionQuestion, Mistake, NumberQuestion, data_code, register

STEM = "02_net_formula"
TITLE = "Exercises 02: the formula on a real book"
INTRO = ("Net = total long - total short, where each position's exposure is quantity x contract "
         "size x price for linear contracts and spot. A book with four positions on three "
         "assets, then a function of your own and a judgment.")

RECORDS = [
    {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
     "quantity": 2.5, "price": 64_000},
    {"name": "SOL-SPOT", "underlying": "SOL", "kind": "spot", "side": "long",
     "quantity": 300, "price": 150},
    {"name": "ETH-FUT", "underlying": "ETH", "kind": "future", "side": "short",
     "quantity": 20, "price": 3_100},
    {"name": "BTC-QTR", "underlying": "BTC", "kind": "future", "side": "short",
     "quantity": 0.8, "price": 64_500},
]
BOOK = _b.Book.from_records(RECORDS)
EXPOSURES = BOOK.exposures()
LONG, SHORT = BOOK.long_exposure(), BOOK.short_exposure()
_SETUP = data_code(records=RECORDS) + "\nbook = ek.Book.from_records(records)\nbook"
_TABLE = "\n".join(f"| {r['name']} | {r['kind']} | {r['side']} | {r['quantity']:,} | "
                   f"{usd(r['price'])} |" for r in RECORDS)
_E = {name: float(v) for name, v in EXPOSURES.items()}
_LINES = {r["name"]: f"{r['quantity']:,} x {usd(r['price'])} = {usd(abs(_E[r['name']]))}"
          for r in RECORDS}
_STATED = ("A desk's book (each position's exposure is quantity x price; contract size 1):\n\n"
           "| position | kind | side | quantity | price |\n|---|---|---|---|---|\n" + _TABLE)

q1 = NumberQuestion(
    "The long side",
    _STATED + "\n\nWhat is the book's total **long** exposure in USD?",
    LONG, setup=_SETUP,
    hints=["Only the long positions count here: the BTC perp and the SOL spot.",
           "Each position's exposure is quantity x price; add the two longs."],
    solution="answer = book.long_exposure()",
    working=(f"BTC-PERP: {_LINES['BTC-PERP']}\nSOL-SPOT: {_LINES['SOL-SPOT']}\n"
             f"Long = {usd(_E['BTC-PERP'])} + {usd(_E['SOL-SPOT'])} = {usd(LONG)}"),
    unit="usd",
    mistakes=[Mistake(float(EXPOSURES["BTC-PERP"]), "that is the BTC perp alone; the SOL spot "
                                                    "is a long too."),
              Mistake(2.5 + 300, "you added quantities; exposure is quantity times price."),
              Mistake(LONG + SHORT, "that includes the shorts: it is the gross exposure.")])

q2 = NumberQuestion(
    "The short side",
    "For the same book, what is the size of its **short** side in USD? Give it as a positive "
    "number, the way `short_exposure()` reports it.",
    SHORT, setup=_SETUP,
    hints=["Two positions are short: the ETH future and the BTC quarterly future.",
           "Quantity x price for each, added, and reported as a positive size."],
    solution="answer = book.short_exposure()",
    working=(f"ETH-FUT: {_LINES['ETH-FUT']}\nBTC-QTR: {_LINES['BTC-QTR']}\n"
             f"Short = {usd(-_E['ETH-FUT'])} + {usd(-_E['BTC-QTR'])} = {usd(SHORT)}"),
    unit="usd",
    mistakes=[Mistake(-SHORT, "the short side is reported as a size, a positive number; the "
                              "minus sign comes in when you take it from the long side."),
              Mistake(-float(EXPOSURES["ETH-FUT"]), "that is the ETH future alone; the BTC "
                                                     "quarterly future is a short too.")])

q3 = NumberQuestion(
    "Net exposure",
    "What is the book's **net exposure** in USD?",
    BOOK.net_exposure(), setup=_SETUP,
    hints=["Net = long - short.",
           "Use the two sides of questions 1 and 2: take the short side's size from the long "
           "side's."],
    solution="answer = book.long_exposure() - book.short_exposure()",
    working=(f"Long = {usd(_E['BTC-PERP'])} + {usd(_E['SOL-SPOT'])} = {usd(LONG)} (question 1)\n"
             f"Short = {usd(-_E['ETH-FUT'])} + {usd(-_E['BTC-QTR'])} = {usd(SHORT)} "
             f"(question 2)\n"
             f"Net = long - short = {usd(LONG)} - {usd(SHORT)} = {usd(BOOK.net_exposure())}"),
    unit="usd",
    mistakes=[Mistake(LONG + SHORT, "that is the gross exposure: the short side was added, not "
                                    "subtracted."),
              Mistake(LONG + float(EXPOSURES["ETH-FUT"]),
                      "you left out one short: the BTC quarterly future is short as well."),
              Mistake(LONG + float(EXPOSURES["BTC-QTR"]),
                      "you left out one short: the ETH future is short as well.")])

_BY = BOOK.by("underlying")
q4 = NumberQuestion(
    "Net on BTC alone",
    "The BTC perp and the BTC quarterly future are on the same coin. What is the net exposure "
    "to **BTC alone**, in USD?",
    float(_BY.loc["BTC", "net"]), setup=_SETUP,
    hints=["Keep only the two BTC positions and take the short from the long.",
           "The BTC perp (long) is 2.5 x its price, the quarterly (short) 0.8 x its price: "
           "subtract the second from the first."],
    solution='answer = book.by("underlying").loc["BTC", "net"]',
    working=(f"BTC-PERP (long): {_LINES['BTC-PERP']}\nBTC-QTR (short): {_LINES['BTC-QTR']}\n"
             f"BTC net = {usd(_E['BTC-PERP'])} - {usd(-_E['BTC-QTR'])} = "
             f"{usd(float(_BY.loc['BTC', 'net']))}"),
    unit="usd",
    mistakes=[Mistake(BOOK.net_exposure(), "that is the whole book's net; keep only the BTC "
                                           "positions."),
              Mistake(float(_BY.loc["BTC", "gross"]), "that is BTC's gross: the quarterly "
                                                      "future was added, not subtracted.")])


def _net_of(positions):
    records = [{"underlying": "X", "kind": "perp", "side": side, "notional": size}
               for side, size in positions]
    return _b.Book.from_records(records).net_exposure() if records else 0.0


q5 = FunctionQuestion(
    "Write net_exposure",
    "Write `net_exposure(positions)` where `positions` is a list of `(side, notional)` pairs, "
    "`side` being `\"long\"` or `\"short\"` and `notional` a positive USD size, e.g. "
    "`[(\"long\", 120_000), (\"short\", 70_000)]`. Return long minus short. An empty list is an "
    "empty book.",
    "net_exposure", _net_of,
    cases=[([("long", 120_000), ("short", 70_000), ("short", 20_000)],), ([],),
           ([("short", 5_000)],), ([("long", 1_000), ("long", 2_000)],),
           ([("long", 40_000), ("short", 40_000)],)],
    signature="positions",
    hints=["Loop over the pairs: add a long's notional, subtract a short's.",
           "Start the total at 0, so an empty list gives 0."],
    solution=("def net_exposure(positions):\n"
              "    total = 0.0\n"
              "    for side, notional in positions:\n"
              "        total += notional if side == \"long\" else -notional\n"
              "    return total"),
    mistakes=[Mistake(lambda ps: float(sum(n for _, n in ps)),
                      "you added every notional: that is the gross; a short must be subtracted."),
              Mistake(lambda ps: float(sum(-n if s == "long" else n for s, n in ps)),
                      "the sign is flipped: net is long minus short, so a long book is "
                      "positive.")])

_NTG = BOOK.net_to_gross()
q6 = ChoiceQuestion(
    "Is it 'mostly hedged'?",
    "The trader says: \"two longs and two shorts, so the book is mostly hedged\". Use the book's "
    "net over gross to judge. Which is right?",
    {"a": "yes: with as many shorts as longs, the directions roughly cancel",
     "b": "no: the net is a large share of the gross, so the book still leans long",
     "c": "no: the two shorts outweigh the longs, so the book leans short"},
    "b" if abs(_NTG) > 0.25 and BOOK.net_exposure() > 0 else "a",
    setup=_SETUP,
    hints=["Compare the net with the gross, not the number of longs with the number of shorts.",
           "Net / gross near 0 would mean hedged; near 1 means mostly long, near -1 mostly "
           "short."],
    solution='answer = "b" if book.net_to_gross() > 0.25 else "a"',
    working=(f"Net = {usd(BOOK.net_exposure())}; gross = {usd(LONG)} + {usd(SHORT)} = "
             f"{usd(BOOK.gross_exposure())}\n"
             f"Net / gross = {usd(BOOK.net_exposure())} / {usd(BOOK.gross_exposure())} = "
             f"{_NTG:.0%}: far from 0, and positive.\n"
             f"Counting positions says nothing about their size. Answer "
             f"({'b' if abs(_NTG) > 0.25 and BOOK.net_exposure() > 0 else 'a'})."),
    mistakes={"a": "the number of positions is not their size: weigh each by its exposure.",
              "c": "look at the sign of the net: the long side is the bigger one."})

progress = register(globals(), "Lesson 02")
