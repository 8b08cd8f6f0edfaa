"""Exercises for lesson 03: hedging spot with perps, and coin collateral."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._hedging import hedge_notional, hedge_ratio, hedge_status
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

STEM = "03_hedging_spot_with_perps"
TITLE = "Exercises 03: hedging spot with perps"
INTRO = ("A short perpetual sized against spot removes its direction; too small a short leaves "
         "the book long, too large a one makes it short. Coin held as collateral is long "
         "exposure too, and is the hedge most often forgotten.")

PRICE = 58_000


def _spot(quantity: float = 3.0, price: float = PRICE) -> dict:
    return {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long",
            "quantity": quantity, "price": price}


def _perp(short: float = 150_000.0) -> dict:
    return {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",
            "notional": short}


SPOT = _spot()
SPOT_BOOK = _b.Book.from_records([SPOT])
_SPOT_USD = SPOT_BOOK.long_exposure()


def _draw_spot(rng) -> dict:
    """0.5 to 12 BTC (in tenths, never exactly 1) at $20,000 to $120,000 (in $500 steps)."""
    quantity = round(float(rng.choice([q for q in range(5, 121) if q != 10])) / 10, 1)
    return {"quantity": quantity, "price": 500.0 * int(rng.integers(40, 241))}


def _q1(quantity: float = 3.0, price: float = PRICE) -> NumberQuestion:
    spot = _spot(quantity, price)
    book = _b.Book.from_records([spot])
    value = book.long_exposure()
    question = NumberQuestion(
        "Size of a neutral hedge",
        f"You hold {quantity:g} BTC of spot at {usd(price)}. How many USD of BTC perpetuals "
        "must you **sell short** to be flat? Give the size of the short as a positive number.",
        -hedge_notional(book), setup=data_code(spot=spot) + "\nbook = ek.Book.from_records([spot])",
        hints=["A flat book has net exposure 0: the short must match the spot's USD value.",
               "The spot's USD value is quantity x price; a short of the same USD size cancels "
               "it."],
        solution="answer = -ek.hedge_notional(book)   # hedge_notional is signed: negative = short",
        working=(f"Spot value = quantity x price = {quantity:g} x {usd(price)} = "
                 f"{usd(value)}\n"
                 f"Flat means net = spot - short = 0, so short = spot value = "
                 f"{usd(-hedge_notional(book))}"),
        unit="usd", quantity=quantity,
        mistakes=[Mistake(quantity, "that is the hedge in BTC; the question asks for USD."),
                  Mistake(hedge_notional(book), "the question already says it is a short: give "
                                                "its size as a positive number.")])
    question.limits = (1.0, float("inf"))
    return question


q1 = drawable(_q1, _draw_spot)

PERP_SHORT = 150_000.0
PERP = _perp(PERP_SHORT)
_RATIO_BOOK = _b.Book.from_records([SPOT, PERP])
_RATIO = hedge_ratio(_RATIO_BOOK, "BTC")


def _draw_ratio(rng) -> dict:
    """A spot as in question 1 and a short of 40 % to 160 % of it, rounded to $1,000 and kept
    at least 5 % away from 100 % (so the ratio and its inverse stay far apart)."""
    spot = _draw_spot(rng)
    value = spot["quantity"] * spot["price"]
    while True:
        ratio = float(rng.uniform(0.4, 1.6))
        short = 1_000.0 * max(1, round(ratio * value / 1_000))
        if abs(short / value - 1) >= 0.05:
            return {**spot, "short": short}


def _q2(quantity: float = 3.0, price: float = PRICE, short: float = PERP_SHORT) -> NumberQuestion:
    spot, perp = _spot(quantity, price), _perp(short)
    book = _b.Book.from_records([spot, perp])
    value, ratio = book.long_exposure(), hedge_ratio(book, "BTC")
    same = "the same spot" if (quantity, price) == (SPOT["quantity"], PRICE) else \
        f"{quantity:g} BTC of spot at {usd(price)}"
    question = NumberQuestion(
        "The hedge ratio",
        f"Against {same} you sell {usd(short)} of BTC perps. What is the **hedge "
        "ratio** (size of the short over size of the long), as a fraction to 3 decimals?",
        ratio, percent=True, abs_tol=5e-4,
        setup=data_code(spot=spot, perp=perp) + "\nbook = ek.Book.from_records([spot, perp])",
        hints=["Hedge ratio = short / long on the same coin.",
               ("The long is the spot's USD value from question 1" if same == "the same spot"
                else "The long is the spot's USD value (quantity x price)")
               + "; divide the short's USD size by it. A ratio below 1 hedges less than all of "
                 "it."],
        solution='answer = ek.hedge_ratio(book, "BTC")',
        working=(f"Long = {quantity:g} x {usd(price)} = {usd(value)}\n"
                 f"Hedge ratio = short / long = {usd(short)} / {usd(value)} = "
                 f"{ratio:.4f} (about {ratio:.1%})"),
        mistakes=[Mistake(1 / ratio, "you divided the long by the short: the ratio is short over "
                                     "long."),
                  Mistake(lambda v: abs(v - 100 * ratio) < 0.05,
                          "that is a percent: give the ratio as a fraction (the percent over a "
                          "hundred).", example=100 * ratio)])
    question.limits = (0.3, 1.7)
    return question


q2 = drawable(_q2, _draw_ratio)

_STATUS = hedge_status(_RATIO)
q3 = ChoiceQuestion(
    "Under, neutral or over?",
    "With that perp short, which describes the hedge?",
    {"a": "under-hedged: the book is still net long",
     "b": "neutral: the short matches the spot",
     "c": "over-hedged: the book is now net short"},
    {"under-hedged": "a", "neutral": "b", "over-hedged": "c"}[_STATUS],
    setup=q2.setup,
    hints=["Compare the ratio with 1.",
           "Below 1 the short is smaller than the long: part of the long is left uncovered. "
           "Above 1 the short is bigger."],
    working=(f"Hedge ratio = {usd(PERP_SHORT)} / {usd(_SPOT_USD)} = {_RATIO:.1%}, "
             f"{'below' if _RATIO < 1 else 'above'} 100 %.\n"
             f"Net = {usd(_SPOT_USD)} - {usd(PERP_SHORT)} = {usd(_RATIO_BOOK.net_exposure())}: "
             f"the book is {_STATUS}. Answer "
             f"({ {'under-hedged': 'a', 'neutral': 'b', 'over-hedged': 'c'}[_STATUS]})."),
    solution=('answer = {"under-hedged": "a", "neutral": "b", "over-hedged": "c"}'
              '[ek.hedge_status(ek.hedge_ratio(book, "BTC"))]'),
    mistakes={"b": "a hedge is neutral only when the short matches the long; compare the sizes.",
              "c": "an over-hedge has a short bigger than the long."})

def _collateral(quantity: float = 0.6, price: float = PRICE) -> dict:
    return {"name": "BTC-COLLATERAL", "underlying": "BTC", "kind": "collateral", "side": "long",
            "quantity": quantity, "price": price}


def _neutral_perp(quantity: float = 3.0, price: float = PRICE) -> dict:
    """A perp short sized to the spot in coins: its USD size is question 1's answer, not
    printed on the card."""
    return {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",
            "quantity": quantity, "price": price}


COLLATERAL = _collateral()
NEUTRAL_PERP = _neutral_perp()
_COLL_USD = _b.Book.from_records([COLLATERAL]).long_exposure()


def _draw_collateral(rng) -> dict:
    """A spot as in question 1 and 0.1 to 3 BTC of collateral (in tenths)."""
    return {**_draw_spot(rng), "collateral": int(rng.integers(1, 31)) / 10}


def _q4(quantity: float = 3.0, price: float = PRICE, collateral: float = 0.6) -> NumberQuestion:
    records = [_spot(quantity, price), _collateral(collateral, price),
               _neutral_perp(quantity, price)]
    book = _b.Book.from_records(records)
    spot_usd = _b.Book.from_records(records[:1]).long_exposure()
    coll_usd = _b.Book.from_records(records[1:2]).long_exposure()
    spot = f"the {quantity:g} BTC of spot of question 1" \
        if (quantity, price) == (SPOT["quantity"], PRICE) else \
        f"{quantity:g} BTC of spot bought at {usd(price)}"
    question = NumberQuestion(
        "The collateral counts",
        f"Now {spot} sit beside {collateral:g} BTC posted as margin collateral on the "
        f"perp venue, and the perp short is sized to the spot alone. What is the "
        "account's **net BTC exposure** in USD?",
        book.net_exposure(),
        setup=data_code(records=records) + "\nbook = ek.Book.from_records(records)",
        hints=["Coin held as collateral moves with the BTC price exactly like spot does.",
               "Count the collateral on the long side with the spot (quantity x price for each), "
               "then take the perp short away."],
        solution="answer = book.net_exposure()",
        working=(f"Collateral = {collateral:g} x {usd(price)} = {usd(coll_usd)} (long)\n"
                 f"Net = spot + collateral - perp short\n"
                 f"    = {usd(spot_usd)} + {usd(coll_usd)} - {usd(spot_usd)} = "
                 f"{usd(book.net_exposure())}: the collateral is left unhedged."),
        unit="usd", price=price,
        mistakes=[Mistake(0.0, "the coin collateral was forgotten: BTC held as margin is long "
                               "exposure, so the book is not flat."),
                  Mistake(-coll_usd, "the collateral was counted as a short; coin you hold is "
                                     "long."),
                  Mistake(spot_usd + coll_usd, "the perp short was left out: it is part of the "
                                               "account, so take it away from the spot and the "
                                               "collateral.")])
    question.limits = (1.0, spot_usd + coll_usd)      # never more than all the longs
    return question


q4 = drawable(_q4, _draw_collateral)


def _btc_net(book):
    return float(book.by("underlying").loc["BTC", "net"]) if "BTC" in book.underlyings else 0.0


def _holds(name):
    return lambda book: name in set(book.to_frame()["name"])


_TOL = 500.0
q5 = BookQuestion(
    "Build the flat book",
    f"Build a book that holds the spot and the collateral of question 4 and one BTC perp short, "
    f"sized so that the account's BTC net is within {usd(_TOL)} of zero. Give it as a list of "
    "position dicts (or an `ek.Book`).",
    [Requirement("keep the spot position BTC-SPOT in the book", test=_holds("BTC-SPOT")),
     Requirement("keep the collateral BTC-COLLATERAL in the book", test=_holds("BTC-COLLATERAL")),
     Requirement("the BTC net is not yet within the band around zero: resize the perp",
                 measure=_btc_net, target=0.0, tolerance=_TOL)],
    setup=data_code(spot=SPOT, collateral=COLLATERAL),
    blank=('perp = {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",\n'
           '        "notional": ____}\n'
           'answer = [spot, collateral, perp]'),
    hints=["The short must cover the spot and the collateral together.",
           "Add the two USD values (quantity x price each): that sum is the perp short's "
           "notional."],
    working=(f"Spot {usd(_SPOT_USD)} + collateral {usd(_COLL_USD)} = "
             f"{usd(_SPOT_USD + _COLL_USD)}: sell that much BTC perp."),
    solution=('size = -ek.hedge_notional(ek.Book.from_records([spot, collateral]))\n'
              'perp = {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",\n'
              '        "notional": size}\n'
              'answer = [spot, collateral, perp]'),
    mistakes=[Mistake(lambda b: abs(_btc_net(b) - _COLL_USD) <= _TOL,
                      "the perp covers the spot but not the collateral: coin collateral is "
                      "long exposure too.",
                      example=[SPOT, COLLATERAL, NEUTRAL_PERP]),
              Mistake(lambda b: (b.to_frame()["kind"] == "perp").any()
                      and b.to_frame().loc[b.to_frame()["kind"] == "perp", "side"].eq("long").all(),
                      "the perp was added as a long: a hedge of a long must be a short.",
                      example=[SPOT, COLLATERAL, dict(NEUTRAL_PERP, side="long")])])

progress = register(globals(), "Lesson 03")
