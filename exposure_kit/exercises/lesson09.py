"""Exercises for lesson 09: stress and false neutrality."""

from __future__ import annotations

from .. import _book as _b
from .._diagnostics import diagnose
from .._format import usd
from .._scenarios import shock_pnl
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, register

STEM = "09_stress_and_false_neutrality"
TITLE = "Exercises 09: stress and false neutrality"
INTRO = ("A book with a small net can still lose a lot: when correlation breaks, when the basis "
         "between a future and its spot widens, or when one leg gaps alone. Price the stress "
         "rather than trusting the net.")

PAIR = [
    {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 350_000},
    {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short", "notional": 340_000},
]
BREAK = {"BTC": -0.15, "ETH": 0.10}
_PAIR = _b.Book.from_records(PAIR)
_PAIR_SETUP = data_code(records=PAIR, moves=BREAK) + "\nbook = ek.Book.from_records(records)"

_BREAK_PNL = shock_pnl(_PAIR, BREAK)
_BTC_LEG, _ETH_LEG = 350_000 * BREAK["BTC"], -340_000 * BREAK["ETH"]
q1 = NumberQuestion(
    "Correlation break",
    f"A book is long {usd(350_000)} of BTC perps and short {usd(340_000)} of ETH perps. In a "
    "correlation break BTC falls 15 % while ETH rises 10 %. What is the book's profit or loss "
    "in USD (negative for a loss)?",
    _BREAK_PNL, setup=_PAIR_SETUP,
    hints=["Each leg's P&L is its signed exposure times its move.",
           "The long is +350,000 and the short -340,000: multiply each by its own coin's move "
           "and add the two."],
    solution="answer = ek.shock_pnl(book, moves)",
    working=(f"BTC long: {usd(350_000)} x -15 % = {usd(_BTC_LEG)}\n"
             f"ETH short: -{usd(340_000)} x +10 % = {usd(_ETH_LEG)}\n"
             f"P&L = {usd(_BTC_LEG)} + ({usd(_ETH_LEG)}) = {usd(_BREAK_PNL)}"),
    unit="usd",
    mistakes=[Mistake(_PAIR.net_exposure() * BREAK["BTC"],
                      "you applied one move to the net: the legs moved in opposite directions, "
                      "so price each leg on its own."),
              Mistake(350_000 * BREAK["BTC"] + 340_000 * BREAK["ETH"],
                      "the short's sign is lost: a short loses when its price rises.")])

BASIS = [
    {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 500_000},
    {"name": "BTC-QTR", "underlying": "BTC", "kind": "future", "side": "short", "notional": 500_000},
]
WIDEN = {"BTC-QTR": 0.04}
_BASIS = _b.Book.from_records(BASIS)
q2 = NumberQuestion(
    "Basis widens",
    f"A cash-and-carry book holds {usd(500_000)} of BTC spot against a {usd(500_000)} short of "
    "the quarterly future: net zero. The spot stays put while the future rises 4 % (the basis "
    "widens). What is the P&L in USD?",
    shock_pnl(_BASIS, WIDEN, on="name"),
    setup=data_code(records=BASIS, moves=WIDEN) + "\nbook = ek.Book.from_records(records)",
    hints=["Only the future moved; it is short.",
           "A short's P&L is minus its size times the move; the spot's move is zero."],
    solution='answer = ek.shock_pnl(book, moves, on="name")',
    working=(f"Spot: {usd(500_000)} x 0 % = $0\n"
             f"Future short: -{usd(500_000)} x +4 % = {usd(shock_pnl(_BASIS, WIDEN, on='name'))}\n"
             f"P&L = {usd(shock_pnl(_BASIS, WIDEN, on='name'))}, marked today\n"
             "The future converges to spot at expiry, so held to expiry this loss comes back; "
             "the risk until then is the margin call on the short (lesson 09, the basis at "
             "expiry)."),
    unit="usd",
    mistakes=[Mistake(0.0, "a zero net covers the coin's price, not the gap between future and "
                           "spot: only one leg moved.")])

GAP = {"ETH": 0.30}
_GAP_PNL = shock_pnl(_PAIR, GAP)
q3 = NumberQuestion(
    "One leg gaps",
    "Back to the BTC/ETH book of question 1. Overnight ETH gaps up 30 % and BTC does not move. "
    "What is the P&L in USD?",
    _GAP_PNL, setup=data_code(records=PAIR, gap=GAP) + "\nbook = ek.Book.from_records(records)",
    hints=["Only the ETH short moves.",
           "A short loses when its price rises: minus its size times the move."],
    solution="answer = ek.shock_pnl(book, gap)",
    working=(f"BTC long: no move, $0\n"
             f"ETH short: -{usd(340_000)} x +30 % = {usd(_GAP_PNL)}\n"
             f"P&L = {usd(_GAP_PNL)}"),
    unit="usd",
    mistakes=[Mistake(_PAIR.net_exposure() * 0.30, "the net does not gap; one leg does: price "
                                                   "the ETH short alone."),
              Mistake(0.0, "the book's small net does not protect it when only one leg moves.")])

_SCENARIOS = {"a": {"BTC": -0.20, "ETH": -0.20}, "b": BREAK, "c": GAP}
_WORST = min(_SCENARIOS, key=lambda k: shock_pnl(_PAIR, _SCENARIOS[k]))
_DAYS = {k: shock_pnl(_PAIR, m) for k, m in _SCENARIOS.items()}
q4 = ChoiceQuestion(
    "Which stress hurts most?",
    "For the BTC/ETH book, which of these days loses the most?",
    {"a": "a crash: BTC and ETH both fall 20 %",
     "b": "the correlation break: BTC -15 %, ETH +10 %",
     "c": "the gap: ETH +30 %, BTC unchanged"},
    _WORST,
    setup=data_code(records=PAIR, scenarios=_SCENARIOS) + "\nbook = ek.Book.from_records(records)",
    hints=["A crash of both coins together barely touches a book that is nearly flat.",
           "Price each day: every leg's P&L is its signed exposure x its own move; add the "
           "legs and compare the three totals."],
    working=(f"(a) crash: {usd(350_000)} x -20 % - {usd(340_000)} x -20 % = {usd(_DAYS['a'])}\n"
             f"(b) break: {usd(350_000)} x -15 % - {usd(340_000)} x +10 % = {usd(_DAYS['b'])}\n"
             f"(c) gap:   {usd(350_000)} x 0 % - {usd(340_000)} x +30 % = {usd(_DAYS['c'])}\n"
             f"The worst is ({_WORST})."),
    solution="answer = min(scenarios, key=lambda k: ek.shock_pnl(book, scenarios[k]))",
    mistakes={k: ("the crash moves both legs together, which is exactly what the hedge covers."
                  if k == "a" else "price it: another of the three days loses more.")
              for k in _SCENARIOS if k != _WORST})

DESK = [
    {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 600_000},
    {"name": "SOL-PERP", "underlying": "SOL", "kind": "perp", "side": "short", "notional": 590_000},
]
DESK_EQUITY = 80_000
_FINDINGS = [f.code for f in diagnose(_b.Book.from_records(DESK), DESK_EQUITY)]
q5 = ChoiceQuestion(
    "False neutrality",
    f"A desk reports: \"net exposure {usd(10_000)}, about 1 % of gross: we are neutral\". The "
    f"book is long {usd(600_000)} of BTC perps and short {usd(590_000)} of SOL perps on "
    f"{usd(DESK_EQUITY)} of equity. Run `ek.diagnose(book, equity)`. Which is the right reply?",
    {"a": "agreed: a net of 1 % of the gross is neutral for any purpose",
     "b": "not neutral: a move of the two coins apart could take the equity",
     "c": "not neutral: the SOL short outweighs the BTC long, so it is short"},
    "b" if {"low-net-high-gross", "cross-asset-offset"} <= set(_FINDINGS) else "a",
    setup=data_code(records=DESK, equity=DESK_EQUITY) + "\nbook = ek.Book.from_records(records)",
    hints=["Compare the gross with the equity: how many times the equity does the book hold?",
           "The hedge is SOL against BTC: what happens to equity if BTC falls 10 % while SOL "
           "rises 10 %?"],
    working=(f"Gross = {usd(600_000)} + {usd(590_000)} = {usd(1_190_000)}, "
             f"{1_190_000 / DESK_EQUITY:.1f}x the equity of {usd(DESK_EQUITY)}\n"
             f"BTC -10 % with SOL +10 %: "
             f"{usd(shock_pnl(_b.Book.from_records(DESK), {'BTC': -0.1, 'SOL': 0.1}))}, "
             f"{-shock_pnl(_b.Book.from_records(DESK), {'BTC': -0.1, 'SOL': 0.1}) / DESK_EQUITY:.0%} "
             f"of the equity\n"
             f"The diagnosis finds: {', '.join(_FINDINGS)}. Answer "
             f"({'b' if {'low-net-high-gross', 'cross-asset-offset'} <= set(_FINDINGS) else 'a'})."),
    solution=('codes = {f.code for f in ek.diagnose(book, equity)}\n'
              'answer = "b" if {"low-net-high-gross", "cross-asset-offset"} <= codes else "a"'),
    mistakes={"a": "a small net hides a large gross on a thin equity, hedged with another coin.",
              "c": "the long side is the bigger one."})

progress = register(globals(), "Lesson 09")
