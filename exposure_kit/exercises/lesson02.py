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
_STATED = ("A desk's book (each position's exposure is quantity x price; contract size 1):\n\n"
           "| position | kind | side | quantity | price |\n|---|---|---|---|---|\n" + _TABLE)

q1 = NumberQuestion(
    "The long side",
    _STATED + "\n\nWhat is the book's total **long** exposure in USD?",
    LONG, setup=_SETUP,
    hints=["Only the long positions count here: the BTC perp and the SOL spot.",
           "Each is quantity x price; add them. In code: `book.long_exposure()`."],
    solution="answer = book.long_exposure()",
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
           "Quantity x price for each, added. In code: `book.short_exposure()`."],
    solution="answer = book.short_exposure()",
    mistakes=[Mistake(-SHORT, "the short side is reported as a size, a positive number; the "
                              "minus sign comes in when you take it from the long side."),
              Mistake(-float(EXPOSURES["ETH-FUT"]), "that is the ETH future alone; the BTC "
                                                     "quarterly future is a short too.")])

q3 = NumberQuestion(
    "Net exposure",
    "What is the book's **net exposure** in USD?",
    BOOK.net_exposure(), setup=_SETUP,
    hints=["Net = long - short.", "In code: `book.net_exposure()`."],
    solution="answer = book.long_exposure() - book.short_exposure()",
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
           "In code: `book.by(\"underlying\")` gives long, short, net and gross per coin."],
    solution='answer = book.by("underlying").loc["BTC", "net"]',
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
    {"a": "yes: as many shorts as longs means the directions roughly cancel",
     "b": "no: counting positions says nothing; the net is a large share of the gross",
     "c": "no: the book is net short"},
    "b" if abs(_NTG) > 0.25 and BOOK.net_exposure() > 0 else "a",
    setup=_SETUP,
    hints=["Compare `book.net_exposure()` with `book.gross_exposure()`.",
           "`book.net_to_gross()` near 0 would mean hedged; near 1 means mostly long."],
    solution='answer = "b" if book.net_to_gross() > 0.25 else "a"',
    mistakes={"a": "the number of positions is not their size: weigh each by its exposure.",
              "c": "look at the sign of the net: the long side is the bigger one."})

progress = register(globals(), "Lesson 02")
