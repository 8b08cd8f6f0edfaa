"""Exercises for lesson 01: net versus gross."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._scenarios import shock_pnl
from ._framework import (
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    data_code,
    drawable,
    register,
)

STEM = "01_net_vs_gross"
TITLE = "Exercises 01: net versus gross"
INTRO = ("Net exposure is what is left of a book's direction once its shorts are set against its "
         "longs; gross exposure is the size of everything it holds. These questions use new "
         "numbers, not the lesson's.")

# ----- the data ----------------------------------------------------------------------------------
def _records(long: float = 220_000, short: float = 180_000) -> list[dict]:
    return [
        {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": long},
        {"name": "ETH-FUT", "underlying": "ETH", "kind": "future", "side": "short",
         "notional": short},
    ]


RECORDS = _records()
BOOK = _b.Book.from_records(RECORDS)
LONG, SHORT = BOOK.long_exposure(), BOOK.short_exposure()
_SETUP = data_code(records=RECORDS) + "\nbook = ek.Book.from_records(records)"


def _draw_sides(rng) -> dict:
    """A long of $100k-$400k and a short 20-90 % of it (in $5k steps): the book stays net long
    by at least $10k, so net, gross, the long alone and a flipped sign are all far apart."""
    long = 5_000 * int(rng.integers(20, 81))
    short = 5_000 * int(rng.integers(round(0.2 * long / 5_000), round(0.9 * long / 5_000) + 1))
    return {"long": float(long), "short": float(min(short, long - 10_000))}


def _q1(long: float = 220_000, short: float = 180_000) -> NumberQuestion:
    book = _b.Book.from_records(_records(long, short))
    long, short = book.long_exposure(), book.short_exposure()
    question = NumberQuestion(
        "Net exposure of a two-leg book",
        f"A trader is long {usd(long)} of BTC perpetuals and short {usd(short)} of ETH futures. "
        "What is the book's **net exposure** in USD (positive for net long, negative for net "
        "short)?",
        book.net_exposure(),
        setup=data_code(records=_records(long, short)) + "\nbook = ek.Book.from_records(records)",
        hints=["Net exposure sets the short side against the long side.",
               "Net = total long - total short, with the short side counted as a size.",
               "Write down the two sides' sizes and take the short from the long: a positive "
               "result means the book leans long."],
        solution="answer = book.net_exposure()   # long - short",
        working=(f"Net = long - short\n"
                 f"    = {usd(long)} - {usd(short)}\n"
                 f"    = {usd(book.net_exposure())} (positive: the book is net long)"),
        unit="usd",
        mistakes=[Mistake(long + short, "that is the gross exposure (long + short): the short was "
                                        "added, not subtracted."),
                  Mistake(long, "that is the long side alone; the short side offsets part of it."),
                  Mistake(short - long, "you took the long from the short: net is long minus "
                                        "short, so a book with the bigger long side is net "
                                        "positive.")])
    question.limits = (1.0, long)
    return question


q1 = drawable(_q1, _draw_sides)


def _q2(long: float = 220_000, short: float = 180_000) -> NumberQuestion:
    book = _b.Book.from_records(_records(long, short))
    long, short = book.long_exposure(), book.short_exposure()
    question = NumberQuestion(
        "Gross exposure of the same book",
        "For the same book, what is its **gross exposure** in USD?"
        + ("" if (long, short) == (LONG, SHORT) else
           f" (Long {usd(long)} of BTC perpetuals, short {usd(short)} of ETH futures.)"),
        book.gross_exposure(),
        setup=data_code(records=_records(long, short)) + "\nbook = ek.Book.from_records(records)",
        hints=["Gross exposure ignores direction: every position counts at its size.",
               "Gross = long + short, with the short counted as a positive size: add the two "
               "sides."],
        solution="answer = book.gross_exposure()   # long + short",
        working=(f"Gross = long + short (both as sizes)\n"
                 f"      = {usd(long)} + {usd(short)}\n"
                 f"      = {usd(book.gross_exposure())}"),
        unit="usd",
        mistakes=[Mistake(long - short, "that is the net exposure, not the gross: gross adds the "
                                        "sides instead of offsetting them."),
                  Mistake(long, "that counts only the long side; the short is part of the book's "
                                "size too.")])
    question.limits = (long, 2 * long)
    return question


q2 = drawable(_q2, _draw_sides)

_BIAS = BOOK.summary().bias
q3 = ChoiceQuestion(
    "Which way does it lean?",
    "The same book holds a long and a short. Which describes its direction? (A book counts as "
    "neutral when its net is within 5 % of its gross.)",
    {"a": "net long", "b": "net short", "c": "neutral: it holds both a long and a short"},
    {"long": "a", "short": "b", "neutral": "c"}[_BIAS],
    setup=_SETUP,
    hints=["Holding both sides does not make a book neutral: compare the sizes of the sides.",
           "Work out net and gross, then net / gross: within 5 % of zero is neutral, above is "
           "net long, below net short."],
    solution='answer = {"long": "a", "short": "b", "neutral": "c"}[book.summary().bias]',
    working=(f"Net = {usd(LONG)} - {usd(SHORT)} = {usd(BOOK.net_exposure())}\n"
             f"Gross = {usd(LONG)} + {usd(SHORT)} = {usd(BOOK.gross_exposure())}\n"
             f"Net / gross = {BOOK.net_to_gross():.1%}, outside the 5 % band, and positive.\n"
             f"So the book is net {_BIAS}: answer "
             f"({ {'long': 'a', 'short': 'b', 'neutral': 'c'}[_BIAS]})."),
    mistakes={"b": "the short side is the smaller one here, so it cannot dominate.",
              "c": "having both a long and a short does not make a book neutral: what matters "
                   "is how far apart the two sides are compared with the gross."})


def _net_to_gross(long: float, short: float) -> float:
    book = _b.Book.from_records([{"underlying": "X", "kind": "perp", "side": "long",
                                  "notional": long},
                                 {"underlying": "X", "kind": "perp", "side": "short",
                                  "notional": short}])
    return book.net_to_gross()


q4 = FunctionQuestion(
    "Write net_to_gross",
    "Write a function `net_to_gross(long, short)` that takes the size of the long side and the "
    "size of the short side (both positive numbers, in USD) and returns **net divided by gross**: "
    "1 for an all-long book, -1 for an all-short one. An empty book (both 0) has nothing to "
    "lean on: return 0.0 for it.",
    "net_to_gross", _net_to_gross,
    cases=[(220_000, 180_000), (50_000, 0), (0, 75_000), (100_000, 100_000), (0, 0),
           (1_000, 9_000)],
    signature="long, short",
    hints=["Net is long - short; gross is long + short.",
           "Divide one by the other; guard the case where gross is 0 before dividing."],
    solution=("def net_to_gross(long, short):\n"
              "    gross = long + short\n"
              "    return (long - short) / gross if gross > 0 else 0.0"),
    mistakes=[Mistake(lambda lg, sh: (lg + sh) / (lg - sh) if lg != sh else 0.0,
                      "you divided gross by net: it is the other way round, net over gross."),
              Mistake(lambda lg, sh: (lg - sh) / lg if lg else 0.0,
                      "you divided by the long side; divide by the gross (long + short)."),
              Mistake(lambda lg, sh: (sh - lg) / (lg + sh) if lg + sh else 0.0,
                      "the sign is flipped: net is long minus short, so an all-long book "
                      "gives +1.")])

# ----- a judgment --------------------------------------------------------------------------------
BOOK_A = [
    {"name": "A BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 900_000},
    {"name": "A ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short", "notional": 870_000},
]
BOOK_B = [
    {"name": "B BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 120_000},
]
MOVE = {"BTC": -0.10, "ETH": 0.10}
_LOSS_A = shock_pnl(_b.Book.from_records(BOOK_A), MOVE)
_LOSS_B = shock_pnl(_b.Book.from_records(BOOK_B), {"BTC": -0.10})
_LEGS_A = [shock_pnl(_b.Book.from_records([r]), {r["underlying"]: MOVE[r["underlying"]]})
           for r in BOOK_A]
q5 = ChoiceQuestion(
    "Small net, big book",
    f"Book A is long {usd(900_000)} of BTC perps and short {usd(870_000)} of ETH perps. "
    f"Book B holds {usd(120_000)} of BTC spot and nothing else. One day BTC falls 10 % while ETH "
    "rises 10 %. Which book loses more?",
    {"a": "Book B, whose net exposure is the larger of the two",
     "b": "Book A, whose gross exposure is the larger of the two",
     "c": "neither: both books carry a small net, so both lose little"},
    "b" if _LOSS_A < _LOSS_B else "a",
    setup=data_code(book_a=BOOK_A, book_b=BOOK_B, move=MOVE),
    hints=["Work out each leg's profit or loss: a long loses when its price falls, a short loses "
           "when its price rises.",
           "Each leg's P&L = its signed exposure x its move (a short's exposure is negative). "
           "Add the legs of each book and compare the two totals."],
    working=(f"Book A: BTC long {usd(900_000)} x -10 % = {usd(_LEGS_A[0])}\n"
             f"        ETH short {usd(-870_000)} x +10 % = {usd(_LEGS_A[1])}\n"
             f"        total {usd(_LOSS_A)}\n"
             f"Book B: BTC long {usd(120_000)} x -10 % = {usd(_LOSS_B)}\n"
             f"Book A loses more: both its legs lose when the coins move apart, and they are "
             f"large. Answer ({'b' if _LOSS_A < _LOSS_B else 'a'})."),
    solution=('loss_a = ek.shock_pnl(ek.Book.from_records(book_a), move)\n'
              'loss_b = ek.shock_pnl(ek.Book.from_records(book_b), {"BTC": move["BTC"]})\n'
              'answer = "b" if loss_a < loss_b else "a"'),
    mistakes={"a": "net exposure only tells you about a move of the whole market in one "
                   "direction; when the two legs move apart, Book A's gross is what loses.",
              "c": "a small net says nothing about what happens when the legs move apart."})

progress = register(globals(), "Lesson 01")
