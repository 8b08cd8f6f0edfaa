"""Exercises for lesson 02: the formula on a real book (net = long - short)."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from ._framework import (
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    data_code,
    drawable,
    register,
)

STEM = "02_net_formula"
TITLE = "Exercises 02: the formula on a real book"
INTRO = ("Net = total long - total short, where each position's exposure is quantity x contract "
         "size x price for linear contracts and spot. A book with four positions on three "
         "assets, then a function of your own and a judgment.")

def _records(btc: float = 2.5, btc_price: float = 64_000, sol: float = 300,
             sol_price: float = 150, eth: float = 20, eth_price: float = 3_100,
             qtr: float = 0.8, qtr_price: float = 64_500) -> list[dict]:
    return [
        {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
         "quantity": btc, "price": btc_price},
        {"name": "SOL-SPOT", "underlying": "SOL", "kind": "spot", "side": "long",
         "quantity": sol, "price": sol_price},
        {"name": "ETH-FUT", "underlying": "ETH", "kind": "future", "side": "short",
         "quantity": eth, "price": eth_price},
        {"name": "BTC-QTR", "underlying": "BTC", "kind": "future", "side": "short",
         "quantity": qtr, "price": qtr_price},
    ]


def _stated(records: list[dict]) -> tuple[_b.Book, dict, dict, str]:
    """The book, each position's signed exposure, its "quantity x price" line, and the
    table the prompt states."""
    book = _b.Book.from_records(records)
    exposures = {name: float(v) for name, v in book.exposures().items()}
    lines = {r["name"]: f"{r['quantity']:,} x {usd(r['price'])} = "
                        f"{usd(abs(exposures[r['name']]))}" for r in records}
    table = "\n".join(f"| {r['name']} | {r['kind']} | {r['side']} | {r['quantity']:,} | "
                      f"{usd(r['price'])} |" for r in records)
    stated = ("A desk's book (each position's exposure is quantity x price; contract size 1):"
              "\n\n| position | kind | side | quantity | price |\n|---|---|---|---|---|\n"
              + table)
    return book, exposures, lines, stated


def _setup(records: list[dict]) -> str:
    return data_code(records=records) + "\nbook = ek.Book.from_records(records)\nbook"


RECORDS = _records()
BOOK = _b.Book.from_records(RECORDS)
EXPOSURES = BOOK.exposures()
LONG, SHORT = BOOK.long_exposure(), BOOK.short_exposure()
_SETUP = _setup(RECORDS)
_, _E, _LINES, _STATED = _stated(RECORDS)


def _draw_book(rng) -> dict:
    """New quantities and prices for the four positions: BTC $30k-$110k (in $500 steps) with
    the quarterly future $100-$1,500 above it, SOL $50-$300, ETH $1,500-$5,000 (in $50 steps);
    quantities in round steps, kept where the net, BTC's net, the net without BTC and the net
    less BTC's gross are each at least $1,000 away from zero (no two answers or slips coincide)."""
    while True:
        btc_price = 500.0 * int(rng.integers(60, 221))
        values = {"btc": int(rng.integers(5, 51)) / 10, "btc_price": btc_price,
                  "sol": 50 * int(rng.integers(2, 21)), "sol_price": int(rng.integers(50, 301)),
                  "eth": int(rng.integers(5, 61)), "eth_price": 50 * int(rng.integers(30, 101)),
                  "qtr": int(rng.integers(2, 21)) / 10,
                  "qtr_price": btc_price + 100 * int(rng.integers(1, 16))}
        net, btc = _b.Book.from_records(_records(**values)).net_exposure(), \
            _b.Book.from_records(_records(**values)[0::3]).by("underlying").loc["BTC"]
        if min(abs(net), abs(btc["net"]), abs(net - btc["net"]), abs(net - btc["gross"])) >= 1_000:
            return values


def _q1(**values: float) -> NumberQuestion:
    records = _records(**values)
    book, e, lines, stated = _stated(records)
    long, short = book.long_exposure(), book.short_exposure()
    question = NumberQuestion(
        "The long side",
        stated + "\n\nWhat is the book's total **long** exposure in USD?",
        long, setup=_setup(records),
        hints=["Only the long positions count here: the BTC perp and the SOL spot.",
               "Each position's exposure is quantity x price; add the two longs."],
        solution="answer = book.long_exposure()",
        working=(f"BTC-PERP: {lines['BTC-PERP']}\nSOL-SPOT: {lines['SOL-SPOT']}\n"
                 f"Long = {usd(e['BTC-PERP'])} + {usd(e['SOL-SPOT'])} = {usd(long)}"),
        unit="usd",
        mistakes=[Mistake(e["BTC-PERP"], "that is the BTC perp alone; the SOL spot "
                                         "is a long too."),
                  Mistake(records[0]["quantity"] + records[1]["quantity"],
                          "you added quantities; exposure is quantity times price."),
                  Mistake(long + short, "that includes the shorts: it is the gross exposure.")])
    question.limits = (1.0, float("inf"))
    return question


q1 = drawable(_q1, _draw_book, numbers=_records)

def _q2(**values: float) -> NumberQuestion:
    records = _records(**values)
    book, e, lines, stated = _stated(records)
    short = book.short_exposure()
    ask = ("what is the size of its **short** side in USD? Give it as a positive number, the way "
           "`short_exposure()` reports it.")
    question = NumberQuestion(
        "The short side",
        "For the same book, " + ask if records == RECORDS else f"{stated}\n\nFor this book, {ask}",
        short, setup=_setup(records),
        hints=["Two positions are short: the ETH future and the BTC quarterly future.",
               "Quantity x price for each, added, and reported as a positive size."],
        solution="answer = book.short_exposure()",
        working=(f"ETH-FUT: {lines['ETH-FUT']}\nBTC-QTR: {lines['BTC-QTR']}\n"
                 f"Short = {usd(-e['ETH-FUT'])} + {usd(-e['BTC-QTR'])} = {usd(short)}"),
        unit="usd",
        mistakes=[Mistake(-short, "the short side is reported as a size, a positive number; the "
                                  "minus sign comes in when you take it from the long side."),
                  Mistake(-e["ETH-FUT"], "that is the ETH future alone; the BTC "
                                         "quarterly future is a short too.")])
    question.limits = (1.0, float("inf"))
    return question


q2 = drawable(_q2, _draw_book, numbers=_records)


def _q3(**values: float) -> NumberQuestion:
    records = _records(**values)
    book, e, _, stated = _stated(records)
    long, short = book.long_exposure(), book.short_exposure()
    same = records == RECORDS
    question = NumberQuestion(
        "Net exposure",
        "What is the book's **net exposure** in USD?" if same else
        stated + "\n\nWhat is the book's **net exposure** in USD?",
        book.net_exposure(), setup=_setup(records),
        hints=["Net = long - short.",
               "Use the two sides of questions 1 and 2: take the short side's size from the "
               "long side's." if same else
               "Work out the two longs and the two shorts (quantity x price), add each side, "
               "and take the short side's size from the long side's."],
        solution="answer = book.long_exposure() - book.short_exposure()",
        working=(f"Long = {usd(e['BTC-PERP'])} + {usd(e['SOL-SPOT'])} = {usd(long)}"
                 f"{' (question 1)' if same else ''}\n"
                 f"Short = {usd(-e['ETH-FUT'])} + {usd(-e['BTC-QTR'])} = {usd(short)}"
                 f"{' (question 2)' if same else ''}\n"
                 f"Net = long - short = {usd(long)} - {usd(short)} = {usd(book.net_exposure())}"),
        unit="usd",
        mistakes=[Mistake(long + short, "that is the gross exposure: the short side was added, "
                                        "not subtracted."),
                  Mistake(long + e["ETH-FUT"],
                          "you left out one short: the BTC quarterly future is short as well."),
                  Mistake(long + e["BTC-QTR"],
                          "you left out one short: the ETH future is short as well.")])
    question.limits = (-float("inf"), float("inf"))
    return question


q3 = drawable(_q3, _draw_book, numbers=_records)

_BY = BOOK.by("underlying")


def _q4(**values: float) -> NumberQuestion:
    records = _records(**values)
    book, e, lines, stated = _stated(records)
    by = book.by("underlying")
    btc_net = float(by.loc["BTC", "net"])
    ask = ("The BTC perp and the BTC quarterly future are on the same coin. What is the net "
           "exposure to **BTC alone**, in USD?")
    question = NumberQuestion(
        "Net on BTC alone",
        ask if records == RECORDS else f"{stated}\n\n{ask}",
        btc_net, setup=_setup(records),
        hints=["Keep only the two BTC positions and take the short from the long.",
               f"The BTC perp (long) is {records[0]['quantity']:g} x its price, the quarterly "
               f"(short) {records[3]['quantity']:g} x its price: subtract the second from the "
               "first."],
        solution='answer = book.by("underlying").loc["BTC", "net"]',
        working=(f"BTC-PERP (long): {lines['BTC-PERP']}\nBTC-QTR (short): {lines['BTC-QTR']}\n"
                 f"BTC net = {usd(e['BTC-PERP'])} - {usd(-e['BTC-QTR'])} = "
                 f"{usd(btc_net)}"),
        unit="usd",
        mistakes=[Mistake(book.net_exposure(), "that is the whole book's net; keep only the BTC "
                                               "positions."),
                  Mistake(float(by.loc["BTC", "gross"]), "that is BTC's gross: the quarterly "
                                                         "future was added, not subtracted.")])
    question.limits = (-float("inf"), float("inf"))
    return question


q4 = drawable(_q4, _draw_book, numbers=_records)

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
_BIAS = BOOK.summary().bias
_KEY = {"long": "b", "short": "c"}.get(_BIAS, "a")
q6 = ChoiceQuestion(
    "Is it 'mostly hedged'?",
    "The trader says: \"two longs and two shorts, so the book is mostly hedged\". Use the book's "
    "net over gross and lesson 01's rule (a book is neutral when its net is within 5 % of its "
    "gross). Which is right?",
    {"a": "yes: with as many shorts as longs, the directions roughly cancel",
     "b": "no: the net is well outside 5 % of the gross, so the book still leans long",
     "c": "no: the two shorts outweigh the longs, so the book leans short"},
    _KEY,
    setup=_SETUP,
    hints=["Compare the net with the gross, not the number of longs with the number of shorts.",
           "Net / gross within -5 % to +5 % is neutral; above it the book leans long, below "
           "it short."],
    solution='bias = book.summary().bias\nanswer = {"long": "b", "short": "c"}.get(bias, "a")',
    working=(f"Net = {usd(BOOK.net_exposure())}; gross = {usd(LONG)} + {usd(SHORT)} = "
             f"{usd(BOOK.gross_exposure())}\n"
             f"Net / gross = {usd(BOOK.net_exposure())} / {usd(BOOK.gross_exposure())} = "
             f"{_NTG:.0%}: outside the 5 % band, and positive.\n"
             f"Counting positions says nothing about their size. Answer ({_KEY})."),
    mistakes={"a": "the number of positions is not their size: weigh each by its exposure.",
              "c": "look at the sign of the net: the long side is the bigger one."})

progress = register(globals(), "Lesson 02")
