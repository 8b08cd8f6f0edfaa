"""Exercises for lesson 06: leverage and margin."""

from __future__ import annotations

from .. import _book as _b
from .._format import usd
from .._margin import MarginAccount, liquidation_price
from .._scenarios import shock_pnl
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, drawable, register

STEM = "06_leverage_and_margin"
TITLE = "Exercises 06: leverage and margin"
INTRO = ("Leverage is exposure over equity. Gross leverage measures how big the book is for its "
         "capital, net leverage how much direction it carries; a book can be nearly flat and "
         "still heavily levered. Margin decides when the venue closes it for you.")

def _records(long: float = 420_000, short: float = 345_000) -> list[dict]:
    return [
        {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
         "notional": long},
        {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short",
         "notional": short},
    ]


RECORDS = _records()
EQUITY = 60_000
BOOK = _b.Book.from_records(RECORDS)
SUMMARY = BOOK.summary(equity=EQUITY)


def _draw_account(rng) -> dict:
    """Equity of $20k-$200k (in $5k steps), a long of 3x-10x it and a short of 55 %-90 % of
    the long (in $5k steps): a near-flat pair that is heavily levered, net leverage at least
    0.25x, so gross, net, the long alone and equity over gross never coincide."""
    while True:
        equity = 5_000.0 * int(rng.integers(4, 41))
        long = 5_000.0 * round(equity * float(rng.uniform(3, 10)) / 5_000)
        short = 5_000.0 * round(long * float(rng.uniform(0.55, 0.9)) / 5_000)
        if (long - short) / equity >= 0.25:
            return {"long": long, "short": short, "equity": equity}


def _stated(long: float, short: float, equity: float) -> str:
    return (f"A cross-margin account with {usd(equity)} of equity is long {usd(long)} of BTC "
            f"perps and short {usd(short)} of ETH perps.")


def _q1(long: float = 420_000, short: float = 345_000, equity: float = EQUITY) -> NumberQuestion:
    summary = _b.Book.from_records(_records(long, short)).summary(equity=equity)
    question = NumberQuestion(
        "Gross leverage",
        _stated(long, short, equity) + " What is its **gross leverage** (a multiple, e.g. 2.5 "
        "for 2.5x)?",
        summary.gross_leverage, abs_tol=0.005,
        setup=data_code(records=_records(long, short), equity=equity)
        + "\nbook = ek.Book.from_records(records)",
        hints=["Gross leverage = gross exposure / equity.",
               "Add the two legs as sizes (that is the gross), then divide by the equity."],
        solution="answer = book.summary(equity=equity).gross_leverage",
        working=(f"Gross = {usd(long)} + {usd(short)} = {usd(summary.gross)}\n"
                 f"Gross leverage = gross / equity = {usd(summary.gross)} / {usd(equity)} = "
                 f"{summary.gross_leverage:.2f}x"),
        percent=True, equity=equity,
        mistakes=[Mistake(summary.net_leverage, "that is leverage on the net, not the gross: the "
                                                "venue margins both legs."),
                  Mistake(equity / summary.gross, "upside down: leverage is exposure over equity."),
                  Mistake(long / equity, "that counts only the long leg; gross adds both.")])
    question.limits = (1.0, 25.0)
    return question


q1 = drawable(_q1, _draw_account)


def _q2(long: float = 420_000, short: float = 345_000, equity: float = EQUITY) -> NumberQuestion:
    summary = _b.Book.from_records(_records(long, short)).summary(equity=equity)
    same = (long, short, equity) == (420_000, 345_000, EQUITY)
    question = NumberQuestion(
        "Net leverage",
        "For the same account, what is its **net leverage**?" if same else
        _stated(long, short, equity) + " What is its **net leverage**?",
        summary.net_leverage, abs_tol=0.005,
        setup=data_code(records=_records(long, short), equity=equity)
        + "\nbook = ek.Book.from_records(records)",
        hints=["Net leverage = net exposure / equity.",
               "Take the short leg from the long one (that is the net), then divide by the "
               "equity."],
        solution="answer = book.summary(equity=equity).net_leverage",
        working=(f"Net = {usd(long)} - {usd(short)} = {usd(summary.net)}\n"
                 f"Net leverage = net / equity = {usd(summary.net)} / {usd(equity)} = "
                 f"{summary.net_leverage:.2f}x"),
        percent=True, equity=equity,
        mistakes=[Mistake(summary.gross_leverage, "that is the gross leverage; net leverage uses "
                                                  "the net exposure.")])
    question.limits = (0.25, 10.0)
    return question


q2 = drawable(_q2, _draw_account)

LONG = dict(side="long", quantity=2.0, entry_price=62_000, wallet_balance=9_000,
            maintenance_margin_rate=0.005)
_LIQ = liquidation_price(**LONG)


def _draw_long(rng) -> dict:
    """0.5 to 5 BTC (in tenths, never exactly 1) entered at $30k-$110k (in $500 steps), with
    the margin of 3x to 20x leverage (to $100) and a maintenance rate of 0.4 %-1 %: the
    liquidation price stays above zero and below the entry."""
    quantity = round(float(rng.choice([q for q in range(5, 51) if q != 10])) / 10, 1)
    entry = 500.0 * int(rng.integers(60, 221))
    wallet = 100.0 * max(1, round(quantity * entry / float(rng.uniform(3, 20)) / 100))
    rate = float(rng.choice([0.004, 0.005, 0.006, 0.008, 0.01]))
    return {"quantity": quantity, "entry_price": entry, "wallet_balance": wallet,
            "maintenance_margin_rate": rate}


def _q3(quantity: float = 2.0, entry_price: float = 62_000, wallet_balance: float = 9_000,
        maintenance_margin_rate: float = 0.005) -> NumberQuestion:
    long = dict(side="long", quantity=quantity, entry_price=entry_price,
                wallet_balance=wallet_balance, maintenance_margin_rate=maintenance_margin_rate)
    liq = liquidation_price(**long)
    q, ep, wb, mmr = quantity, entry_price, wallet_balance, maintenance_margin_rate
    question = NumberQuestion(
        "Liquidation price of an isolated long",
        f"An isolated-margin long of {q:g} BTC on a Binance USDS-M perp (margined "
        f"in dollar stablecoins), entered at "
        f"{usd(ep)} with {usd(wb)} of margin; the maintenance "
        f"margin rate is {mmr:.1%}. Binance charges the maintenance "
        "margin at the liquidation price itself. At what price is it liquidated?",
        liq, abs_tol=0.01, setup=data_code(position=long),
        hints=["Liquidation comes when margin + P&L falls to the maintenance margin "
               "q x P x mmr, not to zero.",
               "Write margin + q (P - entry) = q x P x mmr and solve it for the price P."],
        solution="answer = ek.liquidation_price(**position)",
        working=(f"At the liquidation price P: margin + P&L = maintenance margin\n"
                 f"  {usd(wb)} + {q:g} x (P - {usd(ep)}) = {q:g} x P x {mmr:g}\n"
                 f"  {q:g} x P x (1 - {mmr:g}) = {q:g} x {usd(ep)} - {usd(wb)} = "
                 f"{usd(q * ep - wb)}\n"
                 f"  P = {usd(q * ep - wb)} / {q * (1 - mmr):g} = {usd(liq, cents=True)}"),
        unit="usd",
        mistakes=[Mistake(ep - wb / q,
                          "that is where the margin is used up entirely; the venue liquidates "
                          "earlier, when what is left reaches the maintenance margin."),
                  Mistake(liquidation_price(**dict(long, side="short")),
                          "that is the price for a short; a long is liquidated below its entry."),
                  Mistake(liquidation_price(**long, venue="bybit"),
                          "that is Bybit's convention, maintenance charged on the value at "
                          "entry; this position is on Binance, which charges it at the "
                          "liquidation price (venue=\"binance\", the default)."),
                  Mistake(liquidation_price(**dict(long, quantity=1.0)),
                          "that treats the position as 1 BTC: the margin is spread over the "
                          "whole quantity, so divide it by the number of coins."),
                  Mistake(ep - wb,
                          "the margin was taken from the price as if the position were 1 BTC, "
                          "and the maintenance margin was left out: divide the margin by the "
                          "quantity and solve with the maintenance margin.")])
    question.limits = (1.0, ep)
    return question


q3 = drawable(_q3, _draw_long)

WALLET = 25_000.0
BTC_QTY, BTC_PRICE, ETH_QTY, ETH_PRICE = 3.0, 61_000, 50.0, 3_050
_MM = 0.005


def _pair(btc_qty: float = BTC_QTY, btc_price: float = BTC_PRICE, eth_qty: float = ETH_QTY,
          eth_price: float = ETH_PRICE) -> list[dict]:
    return [
        {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
         "quantity": btc_qty, "price": btc_price, "entry_price": btc_price},
        {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short",
         "quantity": eth_qty, "price": eth_price, "entry_price": eth_price},
    ]


PAIR = _pair()


def _move(wallet: float, btc_usd: float, eth_usd: float) -> float:
    """The BTC move at which equity meets maintenance recomputed at the moved price."""
    return (_MM * (btc_usd + eth_usd) - wallet) / (btc_usd * (1 - _MM))


def _money(value: float) -> str:
    """Dollars, with cents only when there are some."""
    return usd(value, cents=round(value, 2) % 1 != 0)


def _draw_pair(rng) -> dict:
    """0.5 to 10 BTC (in tenths) at $20k-$120k (in $500 steps) against an ETH short of 50 %
    to 120 % of it (whole ETH at $1,000-$6,000 in $50 steps), and a wallet (in $500 steps)
    that makes the liquidating BTC move a fall of 11 %-40 %: the account is solvent now, and
    the fall is large enough for the maintenance held at entry (Bybit's way, a move
    0.5 % smaller) to stay further than 0.0005 from the answer."""
    while True:
        btc_qty = int(rng.integers(5, 101)) / 10
        btc_price = 500.0 * int(rng.integers(40, 241))
        eth_price = 50.0 * int(rng.integers(20, 121))
        eth_qty = float(max(1, round(btc_qty * btc_price * float(rng.uniform(0.5, 1.2))
                                     / eth_price)))
        btc_usd, eth_usd = btc_qty * btc_price, eth_qty * eth_price
        target = float(rng.uniform(-0.40, -0.11))
        wallet = 500.0 * round((_MM * (btc_usd + eth_usd) - target * btc_usd * (1 - _MM)) / 500)
        move = _move(wallet, btc_usd, eth_usd)
        if -0.40 <= move <= -0.11 and abs(move) * _MM / (1 - _MM) > 5.5e-4:
            return {"wallet": wallet, "btc_qty": btc_qty, "btc_price": btc_price,
                    "eth_qty": eth_qty, "eth_price": eth_price}


def _q4(wallet: float = WALLET, btc_qty: float = BTC_QTY, btc_price: float = BTC_PRICE,
        eth_qty: float = ETH_QTY, eth_price: float = ETH_PRICE) -> NumberQuestion:
    pair = _pair(btc_qty, btc_price, eth_qty, eth_price)
    move = MarginAccount(_b.Book.from_records(pair), wallet).liquidating_move("BTC")
    btc_usd, eth_usd = btc_qty * btc_price, eth_qty * eth_price
    mm_btc, per_move = _money(_MM * btc_usd), _money(btc_usd * (1 - _MM))
    question = NumberQuestion(
        "How far can BTC fall?",
        f"A cross-margin account with a {usd(wallet)} wallet (0.5 % maintenance) holds a long of "
        f"{btc_qty:g} BTC at {usd(btc_price)} and a short of {eth_qty:g} ETH at "
        f"{usd(eth_price)}. "
        "If BTC alone moves, what move (a fraction to 3 decimals, negative for a fall) "
        "liquidates the account? Take the maintenance margin as 0.5 % of the positions' value "
        "**at the moved price**, recomputed as BTC moves (Binance's way, as the lesson shows).",
        move, percent=True, abs_tol=5e-4,
        setup=data_code(records=pair, wallet=wallet) +
        "\naccount = ek.MarginAccount(ek.Book.from_records(records), wallet)",
        hints=["In cross margin the ETH short's maintenance margin uses the same wallet.",
               "Let BTC move by m: equity = wallet + BTC long x m; maintenance = 0.5 % of "
               "(BTC long x (1 + m) + ETH short). Set them equal and solve for m."],
        solution='answer = account.liquidating_move("BTC")',
        working=(f"BTC long = {btc_qty:g} x {usd(btc_price)} = {usd(btc_usd)}; ETH short = "
                 f"{eth_qty:g} x {usd(eth_price)} = {usd(eth_usd)}\n"
                 f"After a BTC move m: equity = {usd(wallet)} + {usd(btc_usd)} x m\n"
                 f"  maintenance = {_MM:g} x ({usd(btc_usd)} x (1 + m) + {usd(eth_usd)})\n"
                 f"Equal when m x ({usd(btc_usd)} - {mm_btc}) = "
                 f"{usd(_MM * (btc_usd + eth_usd), cents=True)} - {usd(wallet)}\n"
                 f"  m = {usd(_MM * (btc_usd + eth_usd) - wallet, cents=True)} / "
                 f"{per_move} = "
                 f"{move:.4f} (a fall of about {-move:.1%})"),
        mistakes=[Mistake((_MM * (btc_usd + eth_usd) - wallet) / btc_usd,
                          "the maintenance margin was held at its value at entry prices "
                          "(Bybit's way); the question recomputes it at the moved BTC price."),
                  Mistake(-wallet / btc_usd,
                          "that lets the wallet run to zero and ignores the maintenance margin "
                          "of both legs."),
                  Mistake(-move, "a long is hurt by a fall: the move is negative.")])
    question.limits = (-0.40, -0.02)
    return question


q4 = drawable(_q4, _draw_pair)

_A = [{"name": "A BTC", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 500_000},
      {"name": "A ETH", "underlying": "ETH", "kind": "perp", "side": "short", "notional": 480_000}]
_B = [{"name": "B BTC", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000}]
_EQ, _RATE = 100_000, 0.01
_MOVES = {"BTC": -0.12, "ETH": 0.08}


def _moves(records: list[dict]) -> dict[str, float]:
    return {coin: move for coin, move in _MOVES.items()
            if any(r["underlying"] == coin for r in records)}


def _account(records: list[dict]) -> MarginAccount:
    return MarginAccount(_b.Book.from_records(records), _EQ, mode="cross",
                         maintenance_margin_rate=_RATE)


def _share_of_move_that_liquidates(account: MarginAccount, moves: dict[str, float]) -> float:
    """The share of the whole move, both legs moving in step, at which equity meets the
    maintenance margin: both are straight lines in that share, so it is where they cross."""
    room_now = account.equity() - account.maintenance_margin()
    moved = account.after(moves)
    room_after = moved.equity() - moved.maintenance_margin()
    return room_now / (room_now - room_after)


_ACC_A, _ACC_B = _account(_A), _account(_B)
_LIQ_A, _LIQ_B = (_ACC_A.after(_moves(_A)).is_liquidated(),
                  _ACC_B.after(_moves(_B)).is_liquidated())
_LOSS_A = shock_pnl(_ACC_A.book, _MOVES)
_LOSS_B = shock_pnl(_ACC_B.book, {"BTC": _MOVES["BTC"]})
_MM_A = _ACC_A.after(_MOVES).maintenance_margin()
_AT = _share_of_move_that_liquidates(_ACC_A, _MOVES)
_MM_AT = _ACC_A.after({coin: _AT * move for coin, move in _MOVES.items()}).maintenance_margin()
_KEY = {(True, False): "a", (False, True): "b", (False, False): "c", (True, True): "d"}
q5 = ChoiceQuestion(
    "Which account is liquidated?",
    f"Two cross-margin accounts have {usd(_EQ)} of equity each and a maintenance margin of "
    f"{_RATE:.0%} of each position's value at the moved prices. A is long {usd(500_000)} BTC "
    f"and short {usd(480_000)} ETH. B is long {usd(150_000)} BTC only. Over a week BTC falls "
    "12 % while ETH rises 8 %, both moving steadily. Which account is liquidated before the "
    "move ends?",
    {"a": "account A is liquidated, B is not",
     "b": "account B is liquidated, A is not",
     "c": "neither: both still have equity when the move ends",
     "d": "both: each loses money on the fall"},
    _KEY[(_LIQ_A, _LIQ_B)],
    setup=data_code(book_a=_A, book_b=_B, equity=_EQ, rate=_RATE),
    hints=["Each of A's legs loses: the BTC long on the fall, the ETH short on the rise.",
           "Work out each account's equity after the whole move (equity + each leg's signed "
           "exposure x its move), and its maintenance margin there (1 % of each leg's value at "
           "the moved price). An account whose equity ends below its maintenance margin was "
           "liquidated on the way."],
    working=(f"A: P&L {usd(500_000)} x -12 % + {usd(-480_000)} x +8 % = {usd(_LOSS_A)}, so "
             f"equity would end at {usd(_EQ + _LOSS_A)}\n"
             f"   maintenance at the moved prices: 1 % x ({usd(500_000 * 0.88)} + "
             f"{usd(480_000 * 1.08)}) = {usd(_MM_A)}: below it, so A is liquidated\n"
             f"   equity meets maintenance {_AT:.0%} of the way through the move (BTC "
             f"{_AT * _MOVES['BTC']:+.1%}, ETH {_AT * _MOVES['ETH']:+.1%}), with "
             f"{usd(_MM_AT)} left; closed whole, A loses that too (the bankruptcy price and "
             f"the fee), about its whole {usd(_EQ)}, and the rest of the move no longer "
             "reaches it\n"
             f"B: P&L {usd(150_000)} x -12 % = {usd(_LOSS_B)}, equity {usd(_EQ + _LOSS_B)} "
             f"against a maintenance of {usd(_ACC_B.after(_moves(_B)).maintenance_margin())}: "
             f"still open\n"
             f"A's gross leverage ({usd(980_000)} / {usd(_EQ)}) turns the legs' divergence into "
             f"the larger loss. Answer ({_KEY[(_LIQ_A, _LIQ_B)]})."),
    solution=('moves = {"BTC": -0.12, "ETH": 0.08}\n'
              'def liquidated(records):\n'
              '    account = ek.MarginAccount(ek.Book.from_records(records), equity, mode="cross",\n'
              '                               maintenance_margin_rate=rate)\n'
              '    coins = {r["underlying"] for r in records}\n'
              '    return account.after({c: m for c, m in moves.items() if c in coins}).is_liquidated()\n'
              'answer = {(True, False): "a", (False, True): "b", (False, False): "c",\n'
              '          (True, True): "d"}[(liquidated(book_a), liquidated(book_b))]'),
    mistakes={"b": "net leverage only covers a move of the whole market together; when the "
                   "legs diverge, gross leverage is what hurts, and B's single leg loses far "
                   "less than its equity.",
              "c": "A would still have a little equity at the end, but the venue does not wait "
                   "for zero: it liquidates when equity falls to the maintenance margin.",
              "d": "B loses on the fall, but far less than its equity: only A's two legs both "
                   "lose."})

progress = register(globals(), "Lesson 06")
