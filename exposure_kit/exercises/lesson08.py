"""Exercises for lesson 08: inverse contracts (the face and coin-P&L readings, and why an inverse
short counted at face drifts against the coin it hedges)."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, register

STEM = "08_inverse_contracts"
TITLE = "Exercises 08: inverse contracts"
INTRO = ("An inverse (coin-margined) contract has a fixed USD face per contract ($100 for BTC "
         "on Binance COIN-M, as here) but pays its P&L in the coin. Counted at its face, the "
         "hedge drifts as the spot it hedges moves (the face reading); an account that keeps "
         "the coin P&L, as Binance COIN-M and Deribit do unless it is sold, stays where it was "
         "(the coin-P&L reading).")

ENTRY, NOW = 60_000, 75_000
INVERSE = {"name": "BTCUSD-INV", "underlying": "BTC", "kind": "perp", "side": "short",
           "quantity": 1_200, "contract_size": 100, "inverse": True, "price": NOW,
           "entry_price": ENTRY}
COLLATERAL = {"name": "BTC-COLLATERAL", "underlying": "BTC", "kind": "collateral",
              "side": "long", "quantity": 2.0, "price": NOW}
_INV = _b.Book.from_records([INVERSE])
_ACCOUNT = _b.Book.from_records([COLLATERAL, INVERSE])
_FACE = float(_INV.exposures(inverse="face").iloc[0])
_PNL = float(_INV.exposures(inverse="coin_pnl").iloc[0])
q1 = NumberQuestion(
    "An inverse short, counted by its coin P&L",
    f"A short of 1,200 inverse BTCUSD contracts ($100 face each) was opened at {usd(ENTRY)}; "
    f"BTC is now {usd(NOW)}. The account keeps the contract's P&L in BTC, so its coin exposure "
    "stays at face / entry price. What is the position's USD exposure in this **coin-P&L "
    "reading** (negative: it is short)?",
    _PNL, setup=data_code(position=INVERSE) + "\nbook = ek.Book.from_records([position])",
    hints=["In the coin-P&L reading the position is worth face / entry BTC, valued at today's price.",
           "Face = contracts x $100; divide by the entry price for the BTC, multiply by today's "
           "price for the USD, and keep the minus sign of a short."],
    solution='answer = book.net_exposure(inverse="coin_pnl")',
    working=(f"Face = 1,200 x $100 = {usd(-_FACE)}\n"
             f"Coin = face / entry = {usd(-_FACE)} / {usd(ENTRY)} = {-_FACE / ENTRY:g} BTC\n"
             f"USD now = -{-_FACE / ENTRY:g} x {usd(NOW)} = {usd(_PNL)}"),
    unit="usd", contract_size=100,
    mistakes=[Mistake(_FACE, "that is the face reading (the USD face, fixed); the coin-P&L reading "
                             "values face / entry BTC at today's price."),
              Mistake(_FACE * NOW / ENTRY * NOW / ENTRY, "you applied the price move twice.")])

_ACCOUNT_FACE = _ACCOUNT.net_exposure(denomination="coin", inverse="face")
_ACCOUNT_PNL = _ACCOUNT.net_exposure(denomination="coin", inverse="coin_pnl")
q2 = NumberQuestion(
    "The coin-margined account in the face reading",
    f"The same short sits in an account holding {COLLATERAL['quantity']:g} BTC of collateral. "
    f"At entry ({usd(ENTRY)}) the short's face was worth exactly that many BTC. Now, at "
    f"{usd(NOW)}, read the account as one that sells the short's coin P&L for dollars as it "
    "arrives (a coin gain sold for dollars, a coin loss paid with coin bought for dollars): the "
    "**face** reading (`inverse=\"face\"`: the short counts as face / today's price "
    "in BTC). What is the account's net exposure **in BTC** in that reading?",
    _ACCOUNT_FACE, abs_tol=1e-4,
    setup=data_code(records=[COLLATERAL, INVERSE]) + "\nbook = ek.Book.from_records(records)",
    hints=["The face is fixed in USD, so in BTC it shrinks as the price rises.",
           "The short in BTC is its USD face divided by today's price; add the collateral "
           "(long) and the short (negative)."],
    solution='answer = book.net_exposure(denomination="coin", inverse="face")',
    working=(f"Short = -(face / today's price) = -({usd(-_FACE)} / {usd(NOW)}) = "
             f"{_FACE / NOW:.4f} BTC\n"
             f"Net = {COLLATERAL['quantity']:g} + ({_FACE / NOW:.4f}) = {_ACCOUNT_FACE:.4f} BTC"),
    unit="coin", price=NOW,
    mistakes=[Mistake(_ACCOUNT_PNL, "that is the coin-P&L reading, where the short stays at face / "
                                    "entry; the question counts it at face / today's price."),
              Mistake(COLLATERAL["quantity"], "the short was left out: only the collateral "
                                              "was counted."),
              Mistake(_b.Book.from_records([COLLATERAL, INVERSE]).net_exposure(inverse="face"),
                      "that is in USD; the question asks for BTC.")])

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

FALL_FROM, FALL_TO = 50_000, 40_000
SHORT_50K = {"name": "BTCUSD-INV", "underlying": "BTC", "kind": "perp", "side": "short",
             "quantity": 1_000, "contract_size": 100, "inverse": True, "price": FALL_TO,
             "entry_price": FALL_FROM}
_FACE_50K = 1_000 * 100
_EARNED = _FACE_50K / FALL_TO - _FACE_50K / FALL_FROM
q4 = NumberQuestion(
    "The coin an inverse short earns",
    f"A short of 1,000 inverse BTCUSD contracts ($100 face each) was opened at {usd(FALL_FROM)}. "
    f"BTC falls to {usd(FALL_TO)}. The contract pays its P&L in BTC: how many BTC has the short "
    "earned? Give it to 4 decimals.",
    _EARNED, abs_tol=5e-5,
    setup=data_code(position=SHORT_50K) + "\nbook = ek.Book.from_records([position])",
    hints=["The face is fixed in USD; in BTC it is worth face / price.",
           "The short owes face / today's price in BTC and was opened for face / entry price: "
           "the difference is its profit in BTC."],
    solution=('answer = (book.net_exposure(denomination="coin", inverse="coin_pnl")\n'
              '          - book.net_exposure(denomination="coin", inverse="face"))'),
    working=(f"Face = 1,000 x $100 = {usd(_FACE_50K)}\n"
             f"At entry: {usd(_FACE_50K)} / {usd(FALL_FROM)} = {_FACE_50K / FALL_FROM:g} BTC; now: "
             f"{usd(_FACE_50K)} / {usd(FALL_TO)} = {_FACE_50K / FALL_TO:g} BTC\n"
             f"Earned = {_FACE_50K / FALL_TO:g} - {_FACE_50K / FALL_FROM:g} = {_EARNED:.4f} BTC "
             f"(worth {usd(_EARNED * FALL_TO)} at {usd(FALL_TO)})"),
    unit="coin", price=FALL_TO,
    mistakes=[Mistake(_FACE_50K * (1 - FALL_TO / FALL_FROM) / FALL_FROM,
                      "that values the dollar gain at the entry price; the coin the short earns "
                      "is face / today's price less face / entry price."),
              Mistake(-_EARNED, "a short gains when the price falls: the BTC earned is "
                                "positive.")])

progress = register(globals(), "Lesson 08")
