"""Exercises for lesson 11: relative value and funding."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._margin import funding_payment
from ._framework import (
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    data_code,
    drawable,
    register,
)

STEM = "11_relative_value_and_funding"
TITLE = "Exercises 11: relative value and funding"
INTRO = ("Basis and funding trades aim to earn a spread, not a direction. Perpetual funding "
         "moves cash between longs and shorts (a long pays when the rate is positive), and a "
         "hedge fixed in the wrong units drifts the trade into a directional bet.")

LONG_PERP, RATE = 250_000, 0.00015
_RATE_PCT = f"{RATE * 100:g} %"   # 0.015 %


def _fraction(rate: float) -> str:
    """A small rate as a plain decimal (0.00005, not 5e-05)."""
    return f"{rate:.8f}".rstrip("0").rstrip(".")


def _draw_funding(rng) -> dict:
    """A long of $50k-$2m (in $10k steps) and an 8-hour rate of 0.001 %-0.050 % (in steps of
    0.001 %), the range venues' funding spends most of its time in."""
    return {"notional": 10_000.0 * int(rng.integers(5, 201)),
            "rate": round(int(rng.integers(1, 51)) * 1e-5, 5)}


def _q1(notional: float = LONG_PERP, rate: float = RATE) -> NumberQuestion:
    pct = f"{rate * 100:g} %"
    payment = funding_payment(notional, rate)
    question = NumberQuestion(
        "One funding payment",
        f"You are long {usd(notional)} of BTC perps. The 8-hour funding rate is {pct}. "
        "What do you **receive** for one period, in USD (negative if you pay)?",
        payment, abs_tol=0.005,
        setup=data_code(notional=notional, rate=rate),
        hints=["When the rate is positive, longs pay shorts.",
               "Payment = notional x rate, with the rate as a fraction (the percent over 100); a "
               "long paying means a negative amount received."],
        solution="answer = ek.funding_payment(notional, rate)",
        working=(f"Rate = {pct} = {_fraction(rate)}\n"
                 f"Payment = {usd(notional)} x {_fraction(rate)} = {usd(notional * rate, cents=True)}, "
                 f"paid by the long\n"
                 f"Received = {usd(payment, cents=True)}"),
        unit="usd",
        mistakes=[Mistake(-payment, "the sign is flipped: with a positive "
                                    "rate a long pays, so it receives a "
                                    "negative amount."),
                  Mistake(funding_payment(notional, 100 * rate),
                          f"{pct} is {_fraction(rate)} as a fraction: the percent was used as a "
                          "fraction."),
                  Mistake(notional * 100 * rate, f"{pct} is {_fraction(rate)}, and a long pays when "
                                                 "the rate is positive.")])
    question.limits = (-float("inf"), -0.1)
    return question


q1 = drawable(_q1, _draw_funding)

CARRY = [
    {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long", "quantity": 5,
     "price": 64_000},
    {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short", "quantity": 5,
     "price": 64_000},
]
CARRY_RATE, PERIODS = 0.00012, 3 * 30
_CARRY = _b.Book.from_records(CARRY)
_PERP_SIGNED = float(_CARRY.exposures()["BTC-PERP"])


def _draw_carry(rng) -> dict:
    """1 to 20 BTC at $30k-$110k (in $1,000 steps, so a payment is whole cents) and a rate of
    0.001 %-0.030 % per 8 hours (in steps of 0.001 %)."""
    return {"quantity": int(rng.integers(1, 21)), "price": 1_000 * int(rng.integers(30, 111)),
            "rate": round(int(rng.integers(1, 31)) * 1e-5, 5)}


def _q2(quantity: float = 5, price: float = 64_000, rate: float = CARRY_RATE) -> NumberQuestion:
    carry = [dict(CARRY[0], quantity=quantity, price=price),
             dict(CARRY[1], quantity=quantity, price=price)]
    perp = float(_b.Book.from_records(carry).exposures()["BTC-PERP"])
    one = funding_payment(perp, rate)
    question = NumberQuestion(
        "A month of carry",
        f"A cash-and-carry trade holds {quantity:g} BTC of spot at {usd(price)} against a short of "
        f"{quantity:g} BTC of perps. Funding stays at +{rate * 100:g} % per 8 hours for 30 days "
        "(3 payments a day). Prices do not move. "
        "What funding does the trade **receive** in total, in USD?",
        PERIODS * one, abs_tol=0.005,
        setup=data_code(records=carry, rate=rate, periods=PERIODS) +
        "\nbook = ek.Book.from_records(records)",
        hints=["Only the perp pays or receives funding; spot does not.",
               f"One payment is the perp's notional ({quantity:g} x {usd(price)}) x the rate, "
               "received by the short; multiply by the number of payments in 30 days."],
        solution='answer = periods * ek.funding_payment(book.exposures()["BTC-PERP"], rate)',
        working=(f"Perp notional = {quantity:g} x {usd(price)} = {usd(-perp)} (short)\n"
                 f"One payment = {usd(-perp)} x {_fraction(rate)} = "
                 f"{usd(one, cents=True)}, received by the short\n"
                 f"30 days x 3 = {PERIODS} payments: {PERIODS} x "
                 f"{usd(one, cents=True)} = "
                 f"{usd(PERIODS * one, cents=True)}"),
        unit="usd",
        mistakes=[Mistake(-PERIODS * one,
                          "the sign is flipped: the short perp receives when the rate is positive."),
                  Mistake(one, "that is one payment; the month has 90."),
                  Mistake(0.0, "spot and perp cancel in direction, but only the perp receives "
                               "funding: the two do not cancel in cash.")])
    question.limits = (0.01, float("inf"))
    return question


q2 = drawable(_q2, _draw_carry)

def _received(signed_notional, rate):
    return funding_payment(signed_notional, rate)


q3 = FunctionQuestion(
    "Write funding_received",
    "Write `funding_received(signed_notional, rate)`: the funding a position's holder receives "
    "for one period. `signed_notional` is positive for a long, negative for a short; `rate` is "
    "a fraction. A long pays when the rate is positive, and a negative rate turns it round.",
    "funding_received", _received,
    cases=[(250_000, 0.0001), (-250_000, 0.0001), (100_000, -0.0003), (-40_000, -0.0002),
           (0.0, 0.0005), (75_000, 0.0)],
    signature="signed_notional, rate", abs_tol=1e-9,
    hints=["The holder of a long with a positive rate pays: the result is negative.",
           "One product and one minus sign."],
    solution=("def funding_received(signed_notional, rate):\n"
              "    return -signed_notional * rate"),
    mistakes=[Mistake(lambda n, r: n * r, "the sign is flipped: a long pays when the rate is "
                                          "positive."),
              Mistake(lambda n, r: -abs(n) * r, "the side was lost: a short receives what a "
                                                "long pays.")])

ENTRY, RALLY = 64_000, 0.30


def _inverse_carry(quantity: float = 5, entry: float = ENTRY) -> list[dict]:
    """Spot and an inverse quarterly short of $100 contracts, flat at entry."""
    return [
        {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long",
         "quantity": quantity, "price": entry},
        {"name": "BTCUSD-QTR", "underlying": "BTC", "kind": "future", "side": "short",
         "quantity": round(quantity * entry / 100), "contract_size": 100, "inverse": True,
         "price": entry},
    ]


INVERSE_CARRY = _inverse_carry()


def _draw_rally(rng) -> dict:
    """0.5 to 20 BTC (in tenths) bought at $20,000 to $120,000 (in $1,000 steps, so the
    contracts come out whole) and a rally of 5 %-50 % (whole percents)."""
    return {"quantity": int(rng.integers(5, 201)) / 10,
            "entry": 1_000.0 * int(rng.integers(20, 121)),
            "rally": int(rng.integers(5, 51)) / 100}


def _q4(quantity: float = 5, entry: float = ENTRY, rally: float = RALLY) -> NumberQuestion:
    records = _inverse_carry(quantity, entry)
    contracts = records[1]["quantity"]
    book = _b.Book.from_records(records)
    spot_after, face = quantity * entry * (1 + rally), contracts * 100
    net = book.shock({"BTC": rally}).net_exposure()
    question = NumberQuestion(
        "A basis trade drifts directional",
        f"A basis trade buys {quantity:g} BTC of spot at {usd(entry)} and sells {contracts:,} "
        f"inverse quarterly contracts of $100 face, flat at entry. BTC then rallies "
        f"{rally:.0%}. The account settles the "
        "future's coin P&L in USD as it comes in (here a loss, paid with BTC bought for dollars), "
        "so read the inverse short at its USD face "
        "(`inverse=\"face\"`). What is the trade's net exposure in USD now?".replace("%.", " %."),
        net,
        setup=data_code(records=records, rally=rally) + "\nbook = ek.Book.from_records(records)",
        hints=["The spot's USD value rises with the price; the inverse future's USD face does "
               "not.",
               f"Value the spot at the new price ({quantity:g} x price x {1 + rally:g}) and the "
               "short at its face (contracts x $100); take one from the other."],
        solution='answer = book.shock({"BTC": rally}).net_exposure()',
        working=(f"Spot after the rally: {quantity:g} x {usd(entry)} x {1 + rally:g} = "
                 f"{usd(spot_after)}\n"
                 f"Inverse short: {contracts:,} x $100 = {usd(face)} (fixed)\n"
                 f"Net = {usd(spot_after)} - {usd(face)} = {usd(net)}"),
        unit="usd",
        mistakes=[Mistake(0.0, "that is the reading of an account that keeps the coin P&L; this "
                               "one settles it in USD, so the inverse short stays fixed in USD "
                               "while the spot grows."),
                  Mistake(-net, "the sign is flipped: the spot grew, so the book leans long.")])
    question.limits = (1.0, spot_after)
    return question


q4 = drawable(_q4, _draw_rally)

q5 = ChoiceQuestion(
    "Who pays?",
    "Funding has turned to -0.05 % per 8 hours after a crash. A fund runs the cash-and-carry "
    "trade of question 2 (long spot, short perp). What happens to its funding?",
    {"a": "it keeps receiving funding, as carry trades do",
     "b": "it now pays funding on its perp short",
     "c": "nothing changes, since the trade is delta-neutral"},
    "b" if funding_payment(_PERP_SIGNED, -0.0005) < 0 else "a",
    setup=data_code(records=CARRY) + "\nbook = ek.Book.from_records(records)",
    hints=["Which way does funding flow when the rate is negative: from longs to shorts, or "
           "from shorts to longs?",
           "The trade's perp is the short and the spot earns nothing: what does the short "
           "receive at -0.05 %?"],
    working=(f"Perp short {usd(-_PERP_SIGNED)} x -0.0005: received = "
             f"{usd(funding_payment(_PERP_SIGNED, -0.0005), cents=True)} each 8 hours\n"
             f"Negative: the fund now pays. Answer "
             f"({'b' if funding_payment(_PERP_SIGNED, -0.0005) < 0 else 'a'})."),
    solution=('received = ek.funding_payment(book.exposures()["BTC-PERP"], -0.0005)\n'
              'answer = "b" if received < 0 else "a"'),
    mistakes={"a": "the carry earns only while funding is positive; a negative rate makes the "
                   "short perp pay.",
              "c": "being flat in direction does not stop funding cash flowing."})

progress = register(globals(), "Lesson 11")
