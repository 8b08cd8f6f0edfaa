"""Exercises for lesson 08: inverse contracts (the face and coin-P&L readings, and why an inverse
short counted at face drifts against the coin it hedges)."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, drawable, register

STEM = "08_inverse_contracts"
TITLE = "Exercises 08: inverse contracts"
INTRO = ("An inverse (coin-margined) contract has a fixed USD face per contract ($100 for BTC "
         "on Binance COIN-M, as here) but pays its P&L in the coin. Counted at its face, the "
         "hedge drifts as the spot it hedges moves (the face reading); an account that keeps "
         "the coin P&L, as Binance COIN-M and Deribit do unless it is sold, stays where it was "
         "(the coin-P&L reading).")

ENTRY, NOW = 60_000, 75_000


def _inverse(contracts: int, entry: float, now: float) -> dict:
    return {"name": "BTCUSD-INV", "underlying": "BTC", "kind": "perp", "side": "short",
            "quantity": contracts, "contract_size": 100, "inverse": True, "price": now,
            "entry_price": entry}


def _collateral(contracts: int, entry: float, now: float) -> dict:
    """The BTC the short's face was worth at entry, held as collateral."""
    return {"name": "BTC-COLLATERAL", "underlying": "BTC", "kind": "collateral",
            "side": "long", "quantity": contracts * 100 / entry, "price": now}


INVERSE = _inverse(1_200, ENTRY, NOW)
COLLATERAL = _collateral(1_200, ENTRY, NOW)


def _draw_short(rng) -> dict:
    """An entry of $30,000-$110,000 (in $1,000 steps), a short whose face is worth 1 to 5 BTC
    there (in half coins: a whole number of $100 contracts) and a move of 10-40 % either way (in
    5 % steps, the price rounded to $500): the two readings, and the account's net in BTC, stay
    well apart."""
    entry = 1_000 * int(rng.integers(30, 111))
    coins = 0.5 * int(rng.integers(2, 11))
    move = 0.05 * int(rng.integers(2, 9)) * (1 if rng.integers(0, 2) else -1)
    return {"contracts": int(round(coins * entry / 100)), "entry": float(entry),
            "now": float(500 * round(entry * (1 + move) / 500))}


def _short_text(contracts: int, entry: float) -> str:
    return (f"A short of {contracts:,} inverse BTCUSD contracts ($100 face each) was opened at "
            f"{usd(entry)}")


def _q1(contracts: int = 1_200, entry: float = ENTRY, now: float = NOW) -> NumberQuestion:
    inverse = _inverse(contracts, entry, now)
    book = _b.Book.from_records([inverse])
    face = float(book.exposures(inverse="face").iloc[0])
    pnl = float(book.exposures(inverse="coin_pnl").iloc[0])
    question = NumberQuestion(
        "An inverse short, counted by its coin P&L",
        f"{_short_text(contracts, entry)}; BTC is now {usd(now)}. The account keeps the "
        "contract's P&L in BTC, so its coin exposure stays at face / entry price. What is the "
        "position's USD exposure in this **coin-P&L reading** (negative: it is short)?",
        pnl, setup=data_code(position=inverse) + "\nbook = ek.Book.from_records([position])",
        hints=["In the coin-P&L reading the position is worth face / entry BTC, valued at "
               "today's price.",
               "Face = contracts x $100; divide by the entry price for the BTC, multiply by "
               "today's price for the USD, and keep the minus sign of a short."],
        solution='answer = book.net_exposure(inverse="coin_pnl")',
        working=(f"Face = {contracts:,} x $100 = {usd(-face)}\n"
                 f"Coin = face / entry = {usd(-face)} / {usd(entry)} = {-face / entry:g} BTC\n"
                 f"USD now = -{-face / entry:g} x {usd(now)} = {usd(pnl)}"),
        unit="usd", contract_size=100,
        mistakes=[Mistake(face, "that is the face reading (the USD face, fixed); the coin-P&L "
                                "reading values face / entry BTC at today's price."),
                  Mistake(face * now / entry * now / entry, "you applied the price move "
                                                            "twice.")])
    question.limits = (2 * face, face / 2)
    return question


q1 = drawable(_q1, _draw_short)


def _q2(contracts: int = 1_200, entry: float = ENTRY, now: float = NOW) -> NumberQuestion:
    inverse, collateral = _inverse(contracts, entry, now), _collateral(contracts, entry, now)
    account = _b.Book.from_records([collateral, inverse])
    face_net = account.net_exposure(denomination="coin", inverse="face")
    face = contracts * 100
    held = collateral["quantity"]
    where = ("The same short sits" if (contracts, entry, now) == (1_200, ENTRY, NOW) else
             f"{_short_text(contracts, entry)}. It sits")
    question = NumberQuestion(
        "The coin-margined account in the face reading",
        f"{where} in an account holding {held:g} BTC of collateral. "
        f"At entry ({usd(entry)}) the short's face was worth exactly that many BTC. Now, at "
        f"{usd(now)}, read the account as one that sells the short's coin P&L for dollars as it "
        "arrives (a coin gain sold for dollars, a coin loss paid with coin bought for dollars): "
        "the **face** reading (`inverse=\"face\"`: the short counts as face / today's price "
        "in BTC). What is the account's net exposure **in BTC** in that reading?",
        face_net, abs_tol=1e-4,
        setup=data_code(records=[collateral, inverse]) + "\nbook = ek.Book.from_records(records)",
        hints=["The face is fixed in USD, so in BTC it shrinks as the price rises.",
               "The short in BTC is its USD face divided by today's price; add the collateral "
               "(long) and the short (negative)."],
        solution='answer = book.net_exposure(denomination="coin", inverse="face")',
        working=(f"Short = -(face / today's price) = -({usd(face)} / {usd(now)}) = "
                 f"{-face / now:.4f} BTC\n"
                 f"Net = {held:g} + ({-face / now:.4f}) = {face_net:.4f} BTC"),
        unit="coin", price=now,
        mistakes=[Mistake(account.net_exposure(denomination="coin", inverse="coin_pnl"),
                          "that is the coin-P&L reading, where the short stays at face / entry; "
                          "the question counts it at face / today's price."),
                  Mistake(held, "the short was left out: only the collateral was counted."),
                  Mistake(account.net_exposure(inverse="face"),
                          "that is in USD; the question asks for BTC.")])
    question.limits = (-held, held)
    return question


q2 = drawable(_q2, _draw_short)

SPOT_2 = {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long",
          "quantity": 2.0, "price": ENTRY}
LINEAR_SHORT = {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "short",
                "quantity": 2.0, "price": ENTRY}
INVERSE_SHORT = dict(INVERSE, price=ENTRY)
RISE = NOW / ENTRY - 1
_DRIFT_LINEAR = _b.Book.from_records([SPOT_2, LINEAR_SHORT]).shock({"BTC": RISE}).net_exposure()
_DRIFT_INVERSE = _b.Book.from_records([SPOT_2, INVERSE_SHORT]).shock({"BTC": RISE}).net_exposure()
q3 = ChoiceQuestion(
    "Which hedge drifts?",
    f"Two traders each hold 2 BTC of spot bought at {usd(ENTRY)}. One hedges with a short of 2 "
    "BTC of linear (USDT-margined) perps, the other with 1,200 inverse contracts of $100 face. "
    f"BTC rises to {usd(NOW)}. Counting the inverse short at its face, whose USD net has drifted "
    "away from zero?",
    {"a": "the linear hedge's, because a perp's exposure grows with the price",
     "b": "the inverse hedge's, because its USD face stays at its entry value",
     "c": "neither, because both hedges were sized to the same 2 BTC"},
    "b" if abs(_DRIFT_INVERSE) > 1 and abs(_DRIFT_LINEAR) < 1 else "c",
    setup=(data_code(spot=SPOT_2, linear=LINEAR_SHORT, inverse=INVERSE_SHORT, rise=RISE) +
           "\nwith_linear = ek.Book.from_records([spot, linear])"
           "\nwith_inverse = ek.Book.from_records([spot, inverse])"),
    hints=["A linear perp of 2 BTC is worth 2 x price, like the spot.",
           "An inverse contract's USD face is quantity x $100 whatever the price.",
           "Value each leg at the new price (the inverse short at its fixed face) and take the "
           "short from the spot, for each trader."],
    working=(f"Spot: 2 x {usd(NOW)} = {usd(2 * NOW)}\n"
             f"Linear short: 2 x {usd(NOW)} = {usd(2 * NOW)}; net {usd(_DRIFT_LINEAR)}\n"
             f"Inverse short: 1,200 x $100 = {usd(120_000)} (fixed); net "
             f"{usd(2 * NOW)} - {usd(120_000)} = {usd(_DRIFT_INVERSE)}\n"
             f"Only the inverse hedge has drifted. Answer "
             f"({'b' if abs(_DRIFT_INVERSE) > 1 and abs(_DRIFT_LINEAR) < 1 else 'c'})."),
    solution=('linear_net = with_linear.shock({"BTC": rise}).net_exposure()\n'
              'inverse_net = with_inverse.shock({"BTC": rise}).net_exposure()\n'
              'answer = "b" if abs(inverse_net) > 1 and abs(linear_net) < 1 else "c"'),
    mistakes={"a": "the linear perp grows exactly as the spot does, so their net stays at zero.",
              "c": "sized to 2 BTC at entry, yes, but an inverse contract is fixed in USD, not "
                   "in BTC."})

def _draw_fall(rng) -> dict:
    """300 to 2,000 contracts (in hundreds), an entry of $30,000-$110,000 (in $1,000 steps) and
    a fall of 10-40 % (in 5 % steps, the price rounded to $100)."""
    entry = 1_000 * int(rng.integers(30, 111))
    fall = 0.05 * int(rng.integers(2, 9))
    return {"contracts": 100 * int(rng.integers(3, 21)), "entry": float(entry),
            "now": float(100 * round(entry * (1 - fall) / 100))}


def _q4(contracts: int = 900, entry: float = 72_000, now: float = 60_000) -> NumberQuestion:
    position = _inverse(contracts, entry, now)
    face = contracts * 100
    earned = face / now - face / entry
    question = NumberQuestion(
        "The coin an inverse short earns",
        f"{_short_text(contracts, entry)}. BTC falls to {usd(now)}. The contract pays its P&L in "
        "BTC: how many BTC has the short earned? Give it to 4 decimals.",
        earned, abs_tol=5e-5,
        setup=data_code(position=position) + "\nbook = ek.Book.from_records([position])",
        hints=["The face is fixed in USD; in BTC it is worth face / price.",
               "The short owes face / today's price in BTC and was opened for face / entry "
               "price: the difference is its profit in BTC."],
        solution=('answer = (book.net_exposure(denomination="coin", inverse="coin_pnl")\n'
                  '          - book.net_exposure(denomination="coin", inverse="face"))'),
        working=(f"Face = {contracts:,} x $100 = {usd(face)}\n"
                 f"At entry: {usd(face)} / {usd(entry)} = {face / entry:g} BTC; now: "
                 f"{usd(face)} / {usd(now)} = {face / now:g} BTC\n"
                 f"Earned = {face / now:g} - {face / entry:g} = {earned:.4f} BTC "
                 f"(worth {usd(earned * now)} at {usd(now)})"),
        unit="coin", price=now,
        mistakes=[Mistake(face * (1 - now / entry) / entry,
                          "that values the dollar gain at the entry price; the coin the short "
                          "earns is face / today's price less face / entry price."),
                  Mistake(-earned, "a short gains when the price falls: the BTC earned is "
                                   "positive.")])
    question.limits = (0.0, face / now)
    return question


q4 = drawable(_q4, _draw_fall)

progress = register(globals(), "Lesson 08")
