"""Exercises for lesson 12: your own book (a desk's CSV, tables by venue and underlying)."""

from __future__ import annotations

import io

import pandas as pd

from .. import _book as _b
from .._diagnostics import diagnose
from .._format import usd
from ._framework import (
    BookQuestion,
    ChoiceQuestion,
    Mistake,
    NumberQuestion,
    Requirement,
    data_code,
    drawable,
    register,
)

STEM = "12_your_own_book"
TITLE = "Exercises 12: your own book"
INTRO = ("A desk's positions arrive as a CSV export across venues and instruments. Load it, "
         "break it down by venue and by underlying, and judge what the headline net hides.")

_QUANTITIES = {"btc-perp-a": 12, "btc-spot-b": 2.5, "btc-inv-c": 5000, "eth-fut-a": 120,
               "eth-perp-b": 40, "sol-perp-c": 900}
_PRICES = {"BTC": 62_000, "ETH": 3_050, "SOL": 145}
_LAYOUT = [("btc-perp-a", "VenueA", "BTC", "perp", "long", 1, False),
           ("btc-spot-b", "VenueB", "BTC", "spot", "long", 1, False),
           ("btc-inv-c", "VenueC", "BTC", "perp", "short", 100, True),
           ("eth-fut-a", "VenueA", "ETH", "future", "short", 1, False),
           ("eth-perp-b", "VenueB", "ETH", "perp", "long", 1, False),
           ("sol-perp-c", "VenueC", "SOL", "perp", "short", 1, False)]


def _csv(quantities: dict = _QUANTITIES, prices: dict = _PRICES) -> str:
    """The desk's export with these quantities (per row) and prices (per coin)."""
    lines = ["name,venue,underlying,kind,side,quantity,price,contract_size,inverse"]
    lines += [f"{name},{venue},{coin},{kind},{side},{quantities[name]:g},{prices[coin]:g},"
              f"{size},{inverse}" for name, venue, coin, kind, side, size, inverse in _LAYOUT]
    return "\n".join(lines) + "\n"


CSV = _csv()
BOOK = _b.Book.from_frame(pd.read_csv(io.StringIO(CSV)))
BY_VENUE = BOOK.by("venue")
BY_UNDERLYING = BOOK.by("underlying")
_EXP = {name: float(v) for name, v in BOOK.exposures().items()}


_ROWS = pd.read_csv(io.StringIO(CSV)).set_index("name")


def _row_text(name, rows=None, exposures=None):
    row = (_ROWS if rows is None else rows).loc[name]
    size = (f"{row['quantity']:,g} x ${row['contract_size']:,g} face" if row["inverse"] else
            f"{row['quantity']:,g} x {usd(row['price'])}")
    return f"  {name} ({row['side']}): {size} = {usd((exposures or _EXP)[name])}"


def _lines(names, rows=None, exposures=None):
    return "\n".join(_row_text(n, rows, exposures) for n in names)


def _setup(csv: str) -> str:
    return (data_code(csv=csv) +
            "\nimport io\nimport pandas as pd\n"
            "book = ek.Book.from_frame(pd.read_csv(io.StringIO(csv)))\nbook")


_SETUP = _setup(CSV)

def _draw_desk(rng) -> dict:
    """New quantities for every row and new prices per coin (BTC $30k-$110k in $500 steps, ETH
    $1,500-$5,000 in $50 steps, SOL $50-$300), kept where the desk's net and its BTC net are
    each at least $1,000 away from zero, and the BTC net at least 1 % away from the whole net
    and from VenueA's net (question 3's slips); the rows, sides and venues stay those of the
    export."""
    steps = {"btc-perp-a": (0.5, 4, 40), "btc-spot-b": (0.5, 1, 10), "btc-inv-c": (500, 2, 20),
             "eth-fut-a": (5, 4, 40), "eth-perp-b": (5, 2, 20), "sol-perp-c": (50, 4, 40)}
    while True:
        quantities = {n: step * int(rng.integers(lo, hi + 1)) for n, (step, lo, hi) in steps.items()}
        prices = {"BTC": 500 * int(rng.integers(60, 221)), "ETH": 50 * int(rng.integers(30, 101)),
                  "SOL": int(rng.integers(50, 301))}
        book = _b.Book.from_frame(pd.read_csv(io.StringIO(_csv(quantities, prices))))
        net, btc = book.net_exposure(), float(book.by("underlying").loc["BTC", "net"])
        venue_a = float(book.by("venue").loc["VenueA", "net"])
        if abs(net) >= 1_000 and abs(btc) >= 1_000 and \
                min(abs(btc - net), abs(btc - venue_a)) >= 0.01 * abs(btc):
            return {"quantities": quantities, "prices": prices}


def _q1(quantities: dict = _QUANTITIES, prices: dict = _PRICES) -> NumberQuestion:
    csv = _csv(quantities, prices)
    rows = pd.read_csv(io.StringIO(csv))
    book = _b.Book.from_frame(rows)
    exposures = {name: float(v) for name, v in book.exposures().items()}
    inverse = quantities["btc-inv-c"] * 100 * (prices["BTC"] - 1)
    question = NumberQuestion(
        "The desk's net",
        "Load the CSV export below into a book. What is its net exposure in USD (inverse "
        "contracts at their USD face)?",
        book.net_exposure(), setup=_setup(csv),
        hints=["An inverse contract's `contract_size` is its USD face: its exposure is quantity x "
               "contract_size, not times the price.",
               "Work out each row (quantity x price for linear rows, quantity x contract size for "
               "the inverse one), give the shorts a minus sign, and add them all."],
        solution="answer = book.net_exposure()",
        working=(f"Signed exposure of each row:\n"
                 f"{_lines(exposures, rows.set_index('name'), exposures)}\n"
                 f"Net = sum = {usd(book.net_exposure())}"),
        unit="usd",
        mistakes=[Mistake(book.gross_exposure(), "that is the gross: the shorts were added."),
                  Mistake(book.net_exposure() - inverse,
                          "the inverse contracts were valued as linear ones (quantity x size x "
                          "price): their contract size is already USD.")])
    question.limits = (-book.gross_exposure(), book.gross_exposure())
    return question


q1 = drawable(_q1, _draw_desk)

_BIGGEST = str(BY_VENUE["gross"].idxmax())
_VENUES = {v.lower()[-1]: v for v in BY_VENUE.index}
_LARGEST_NET = BY_VENUE["net"].abs().idxmax()
q2 = ChoiceQuestion(
    "Where is the book concentrated?",
    "Which venue carries the largest **gross** exposure?",
    {k: v for k, v in sorted(_VENUES.items())},
    _BIGGEST.lower()[-1], setup=_SETUP,
    hints=["Gross adds both sides of every position on the venue, whatever their direction.",
           "Group the rows by venue and add the sizes of the rows on each (shorts as positive "
           "sizes)."],
    working=("\n".join(f"{v}: gross {usd(float(g))}" for v, g in BY_VENUE["gross"].items())
             + f"\nLargest: {_BIGGEST}. Answer ({_BIGGEST.lower()[-1]})."),
    solution='answer = book.by("venue")["gross"].idxmax()[-1].lower()',
    mistakes=[Mistake(str(_LARGEST_NET).lower()[-1],
                      "that venue has the largest net in size"
                      + (", and its positions all point one way, so its gross is no larger "
                         "than that net" if BY_VENUE.loc[_LARGEST_NET, ["long", "short"]].min() == 0
                         else "")
                      + "; add every venue's positions, long and short, as sizes, and compare.")]
    if str(BY_VENUE["net"].abs().idxmax()) != _BIGGEST else
    [Mistake(k, "compare the gross column of `book.by(\"venue\")`.") for k in _VENUES
     if _VENUES[k] != _BIGGEST])

def _q3(quantities: dict = _QUANTITIES, prices: dict = _PRICES) -> NumberQuestion:
    csv = _csv(quantities, prices)
    rows = pd.read_csv(io.StringIO(csv))
    book = _b.Book.from_frame(rows)
    exposures = {name: float(v) for name, v in book.exposures().items()}
    btc = book.by("underlying").loc["BTC"]
    btc_rows = [name for name in exposures if name.startswith("btc")]
    question = NumberQuestion(
        "BTC across venues",
        "BTC is held on three venues. What is the net exposure to **BTC** across them, in USD?",
        float(btc["net"]), setup=_setup(csv),
        hints=["Three BTC lines: a linear perp, spot, and an inverse perp counted at its USD "
               "face (quantity x contract_size).",
               "Add the three BTC rows whatever their venue, the inverse short with a minus "
               "sign."],
        working=(f"BTC rows:\n{_lines(btc_rows, rows.set_index('name'), exposures)}\n"
                 f"BTC net = {usd(float(btc['net']))}"),
        unit="usd",
        solution='answer = book.by("underlying").loc["BTC", "net"]',
        mistakes=[Mistake(float(book.by("venue").loc["VenueA", "net"]) + 0,
                          "that is VenueA's whole net, not BTC's across venues."),
                  Mistake(book.net_exposure(), "that is the whole book; keep only BTC."),
                  Mistake(float(btc["gross"]), "that is BTC's gross: the inverse short was "
                                               "added.")])
    question.limits = (-float(btc["gross"]), float(btc["gross"]))
    return question


q3 = drawable(_q3, _draw_desk)


def _btc_net(book):
    table = book.by("underlying")
    return float(table.loc["BTC", "net"]) if "BTC" in table.index else float("nan")


def _kept_all(book):
    return set(BOOK.to_frame()["name"]) <= set(book.to_frame()["name"])


_TOL = 1_000.0
q4 = BookQuestion(
    "Flatten BTC",
    f"Add **one** BTC perp to the desk's book so that its BTC net is within {usd(_TOL)} of zero, "
    "keeping every existing position. Give the whole book: an `ek.Book`, or a list of books "
    "and position dicts such as `[book, hedge]`.",
    [Requirement("keep every position of the desk's book", test=_kept_all),
     Requirement("add exactly one position", test=lambda b: len(b) == len(BOOK) + 1),
     Requirement("the BTC net is not yet within the band around zero: resize the new perp",
                 measure=_btc_net, target=0.0, tolerance=_TOL)],
    setup=_SETUP,
    blank=('hedge = {"name": "btc-hedge", "venue": "VenueA", "underlying": "BTC", "kind": "perp",\n'
           '         "side": ____, "notional": ____}\n'
           'answer = [book, hedge]   # the desk\'s book and your new position'),
    hints=["The BTC net of question 3 tells you the size and the side.",
           "A net long needs a short of the same USD size; a net short needs a long."],
    working=(f"BTC net = {usd(float(BY_UNDERLYING.loc['BTC', 'net']))}: add a BTC perp "
             f"{'short' if BY_UNDERLYING.loc['BTC', 'net'] > 0 else 'long'} of "
             f"{usd(abs(float(BY_UNDERLYING.loc['BTC', 'net'])))}."),
    solution=('size = ek.hedge_notional(book, "BTC")\n'
              'hedge = {"name": "btc-hedge", "venue": "VenueA", "underlying": "BTC", '
              '"kind": "perp",\n'
              '         "side": "short" if size < 0 else "long", "notional": abs(size)}\n'
              'answer = [book, hedge]'),
    mistakes=[Mistake(lambda b: abs(_btc_net(b) - 2 * float(BY_UNDERLYING.loc["BTC", "net"]))
                      <= _TOL, "the hedge went the wrong way and doubled the BTC net: "
                               "pick the other side.",
                      example=BOOK + _b.Book.from_records([{
                          "name": "h", "venue": "VenueA", "underlying": "BTC", "kind": "perp",
                          "side": "long" if BY_UNDERLYING.loc["BTC", "net"] > 0 else "short",
                          "notional": abs(float(BY_UNDERLYING.loc["BTC", "net"]))}])),
              Mistake(lambda b: abs(b.net_exposure()) <= _TOL and abs(_btc_net(b)) > _TOL,
                      "you flattened the whole book's net, not BTC's: the ETH and SOL legs are "
                      "other coins.",
                      example=BOOK + _b.Book.from_records([{
                          "name": "h", "venue": "VenueA", "underlying": "BTC", "kind": "perp",
                          "side": "short" if BOOK.net_exposure() > 0 else "long",
                          "notional": abs(BOOK.net_exposure())}]))])

_CODES = {f.code for f in diagnose(BOOK)}
q5 = ChoiceQuestion(
    "What would you tell the desk?",
    "Run `ek.diagnose(book)` on the desk's book and read its findings with the tables above. "
    "Which is the fairest summary?",
    {"a": "the book is simple enough that one net number describes it",
     "b": "the net hides offsets that can each move against the desk",
     "c": "the book is net short BTC, which the desk should hedge first"},
    "b" if {"cross-asset-offset", "basis-offset"} <= _CODES else "a",
    setup=_SETUP,
    hints=["Look at each coin's net and at the instruments behind it: are the offsets on the "
           "same coin and the same instrument?",
           "An offset between two coins, or between a future and spot on one coin, can move "
           "against the desk even when the net is small."],
    working=("Net by coin: " + ", ".join(f"{u} {usd(float(n))}" for u, n in
                                         BY_UNDERLYING["net"].items())
             + f"\nThe diagnosis finds: {', '.join(sorted(_CODES))}.\n"
             f"Answer ({'b' if {'cross-asset-offset', 'basis-offset'} <= _CODES else 'a'})."),
    solution=('codes = {f.code for f in ek.diagnose(book)}\n'
              'answer = "b" if {"cross-asset-offset", "basis-offset"} <= codes else "a"'),
    mistakes={"a": "the findings list offsets that the single net number hides.",
              "c": "check BTC's row of `book.by(\"underlying\")`: which side is bigger?"})

progress = register(globals(), "Lesson 12")
