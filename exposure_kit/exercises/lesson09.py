"""Exercises for lesson 09: stress and false neutrality."""

from __future__ import annotations

from .. import _book as _b
from .._diagnostics import diagnose
from .._format import usd
from .._scenarios import shock_pnl
from ._framework import ChoiceQuestion, Mistake, NumberQuestion, data_code, drawable, register

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



def _pair(long: float, short: float) -> list[dict]:
    return [dict(PAIR[0], notional=long), dict(PAIR[1], notional=short)]


def _draw_break(rng) -> dict:
    """A pair within 10 % of neutral ($100k-$600k a leg, in $10k steps) and a break in which
    BTC falls 5 %-25 % while ETH rises 3 %-15 % (whole percents, never the same size: then
    pricing the net at BTC's move and losing the short's sign would give the same number)."""
    long = 10_000.0 * int(rng.integers(10, 61))
    short = min(10_000.0 * round(long * float(rng.uniform(0.9, 1.0)) / 10_000), long - 10_000)
    btc = int(rng.integers(5, 26))
    eth = int(rng.choice([m for m in range(3, 16) if m != btc]))
    return {"long": long, "short": short, "btc": -btc / 100, "eth": eth / 100}


def _q1(long: float = 350_000, short: float = 340_000, btc: float = BREAK["BTC"],
        eth: float = BREAK["ETH"]) -> NumberQuestion:
    pair, moves = _pair(long, short), {"BTC": btc, "ETH": eth}
    book = _b.Book.from_records(pair)
    pnl = shock_pnl(book, moves)
    btc_leg, eth_leg = long * btc, -short * eth
    question = NumberQuestion(
        "Correlation break",
        f"A book is long {usd(long)} of BTC perps and short {usd(short)} of ETH perps. In a "
        f"correlation break BTC falls {-btc:.0%} while ETH rises {eth:.0%}. What is the book's "
        "profit or loss in USD (negative for a loss)?".replace("%", " %"),
        pnl, setup=data_code(records=pair, moves=moves) + "\nbook = ek.Book.from_records(records)",
        hints=["Each leg's P&L is its signed exposure times its move.",
               f"The long is +{long:,.0f} and the short -{short:,.0f}: multiply each by its own "
               "coin's move and add the two."],
        solution="answer = ek.shock_pnl(book, moves)",
        working=(f"BTC long: {usd(long)} x -{-btc:.0%} = {usd(btc_leg)}\n"
                 f"ETH short: -{usd(short)} x +{eth:.0%} = {usd(eth_leg)}\n"
                 f"P&L = {usd(btc_leg)} + ({usd(eth_leg)}) = {usd(pnl)}").replace("%", " %"),
        unit="usd",
        mistakes=[Mistake(book.net_exposure() * btc,
                          "you applied one move to the net: the legs moved in opposite "
                          "directions, so price each leg on its own."),
                  Mistake(long * btc + short * eth,
                          "the short's sign is lost: a short loses when its price rises.")])
    question.limits = (-float("inf"), -1.0)
    return question


q1 = drawable(_q1, _draw_break)

BASIS = [
    {"name": "BTC-SPOT", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 500_000},
    {"name": "BTC-QTR", "underlying": "BTC", "kind": "future", "side": "short", "notional": 500_000},
]
WIDEN = {"BTC-QTR": 0.04}
_BASIS = _b.Book.from_records(BASIS)


def _draw_basis(rng) -> dict:
    """$100k to $1m a leg (in $50k steps) and the future rising 1 %-8 % (whole percents)."""
    return {"size": 50_000.0 * int(rng.integers(2, 21)), "widen": int(rng.integers(1, 9)) / 100}


def _q2(size: float = 500_000, widen: float = WIDEN["BTC-QTR"]) -> NumberQuestion:
    records = [dict(BASIS[0], notional=size), dict(BASIS[1], notional=size)]
    moves = {"BTC-QTR": widen}
    pnl = shock_pnl(_b.Book.from_records(records), moves, on="name")
    question = NumberQuestion(
        "Basis widens",
        f"A cash-and-carry book holds {usd(size)} of BTC spot against a {usd(size)} short of "
        f"the quarterly future: net zero. The spot stays put while the future rises {widen:.0%} "
        "(the basis widens). What is the P&L in USD?".replace("%", " %"),
        pnl,
        setup=data_code(records=records, moves=moves) + "\nbook = ek.Book.from_records(records)",
        hints=["Only the future moved; it is short.",
               "A short's P&L is minus its size times the move; the spot's move is zero."],
        solution='answer = ek.shock_pnl(book, moves, on="name")',
        working=(f"Spot: {usd(size)} x 0 % = $0\n"
                 + f"Future short: -{usd(size)} x +{widen:.0%} = {usd(pnl)}\n".replace("%", " %")
                 + f"P&L = {usd(pnl)}, marked today\n"
                 "The future converges to spot at expiry, so held to expiry this loss comes back; "
                 "the risk until then is the short's own margin: it is liquidated once its account's "
                 "equity falls below the maintenance margin (lesson 09, the basis at expiry)."),
        unit="usd",
        mistakes=[Mistake(0.0, "a zero net covers the coin's price, not the gap between future "
                               "and spot: only one leg moved.")])
    question.limits = (-size, -1.0)
    return question


q2 = drawable(_q2, _draw_basis)

GAP = {"ETH": 0.30}
_GAP_PNL = shock_pnl(_PAIR, GAP)


def _draw_gap(rng) -> dict:
    """A pair drawn as in question 1 and ETH gapping up 10 %-40 % (whole percents)."""
    pair = _draw_break(rng)
    return {"long": pair["long"], "short": pair["short"], "gap": int(rng.integers(10, 41)) / 100}


def _q3(long: float = 350_000, short: float = 340_000, gap: float = GAP["ETH"]) -> NumberQuestion:
    pair, moves = _pair(long, short), {"ETH": gap}
    book = _b.Book.from_records(pair)
    pnl = shock_pnl(book, moves)
    same = (long, short) == (350_000, 340_000)
    where = ("Back to the BTC/ETH book of question 1." if same else
             f"A book is long {usd(long)} of BTC perps and short {usd(short)} of ETH perps.")
    question = NumberQuestion(
        "One leg gaps",
        f"{where} On news of its own, ETH jumps {gap:.0%} with no trading in between, and "
        "BTC does not move. ".replace("%", " %")
        + "What is the P&L in USD?",
        pnl, setup=data_code(records=pair, gap=moves) + "\nbook = ek.Book.from_records(records)",
        hints=["Only the ETH short moves.",
               "A short loses when its price rises: minus its size times the move."],
        solution="answer = ek.shock_pnl(book, gap)",
        working=(f"BTC long: no move, $0\n"
                 f"ETH short: -{usd(short)} x +{gap:.0%} = {usd(pnl)}\n".replace("%", " %")
                 + f"P&L = {usd(pnl)}"),
        unit="usd",
        mistakes=[Mistake(book.net_exposure() * gap, "the net does not gap; one leg does: price "
                                                     "the ETH short alone."),
                  Mistake(0.0, "the book's small net does not protect it when only one leg "
                               "moves.")])
    question.limits = (-short, -1.0)
    return question


q3 = drawable(_q3, _draw_gap)

_SCENARIOS = {"a": {"BTC": -0.20, "ETH": -0.20}, "b": BREAK, "c": GAP}
_WORST = min(_SCENARIOS, key=lambda k: shock_pnl(_PAIR, _SCENARIOS[k]))
_DAYS = {k: shock_pnl(_PAIR, m) for k, m in _SCENARIOS.items()}
q4 = ChoiceQuestion(
    "Which stress hurts most?",
    "For the BTC/ETH book, which of these moves (each taken at once) loses the most?",
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
