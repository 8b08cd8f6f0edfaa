"""Exercises for lesson 04: beta and correlation (beta, the minimum-variance ratio, residual risk)."""

from __future__ import annotations

import math

from .. import _book as _b
from .._format import percent, usd
from .._hedging import hedge_notional, optimal_hedge_ratio, residual_risk_usd, residual_volatility
from ._framework import (
    ChoiceQuestion,
    FunctionQuestion,
    Mistake,
    NumberQuestion,
    data_code,
    drawable,
    register,
)

STEM = "04_beta_and_correlation"
TITLE = "Exercises 04: beta and correlation"
INTRO = ("Hedging one coin with another leaves risk behind: how much depends on the two "
         "volatilities and their correlation, sqrt(sE^2 + h^2 sH^2 - 2 h rho sE sH), and a coin "
         "with a higher beta moves more than the one it hedges.")

S_E, S_H, RHO = 0.55, 0.70, 0.85   # yearly vols of the exposure (BTC) and hedge (ETH); correlation
_VOLS = data_code(vol_btc=S_E, vol_eth=S_H, correlation=RHO)


def _exact(value: float) -> str:
    """A number on the 0.05 grid's products, as written: 4 decimals, a 5th only when needed."""
    five = f"{value:.5f}"
    return five[:-1] if five.endswith("0") else five


def _draw_vols(rng) -> dict:
    """BTC's vol 40-80 % a year, ETH's 5-30 points above it, a correlation of 0.35-0.90, all
    in steps of 0.05: the hedge leaves a real residual, and the slips (no cross term, a
    correlation of 1, the vols upside down) stay far from the answers."""
    while True:
        s_e = round(0.05 * int(rng.integers(8, 17)), 2)
        s_h = round(s_e + 0.05 * int(rng.integers(1, 7)), 2)
        rho = round(0.05 * int(rng.integers(7, 19)), 2)
        ratios = (rho * s_e / s_h, s_e / s_h, rho * s_h / s_e, rho)   # h* and its slips
        if all(abs(a - b) >= 0.02 for i, a in enumerate(ratios) for b in ratios[i + 1:]):
            return {"vol_btc": s_e, "vol_eth": s_h, "correlation": rho}


def _q1(vol_btc: float = S_E, vol_eth: float = S_H, correlation: float = RHO) -> NumberQuestion:
    s_e, s_h, rho = vol_btc, vol_eth, correlation
    squares, cross = s_e**2 + s_h**2, 2 * rho * s_e * s_h
    residual = residual_volatility(s_e, s_h, rho, 1.0)
    question = NumberQuestion(
        "Residual volatility of a one-for-one hedge",
        f"You are long BTC (volatility {percent(s_e, 0)} a year) and hedge it dollar for dollar "
        f"with an ETH short (volatility {percent(s_h, 0)}); their correlation is {rho:g}. What "
        "volatility is left per dollar of exposure, as a fraction?",
        residual, percent=True, abs_tol=5e-4,
        setup=data_code(vol_btc=s_e, vol_eth=s_h, correlation=rho),
        hints=["The residual variance is sE^2 + h^2 sH^2 - 2 h rho sE sH; the volatility is its "
               "square root.",
               "With h = 1, square each vol, subtract twice the correlation times both vols, and "
               "take the square root of what is left."],
        solution="answer = ek.residual_volatility(vol_btc, vol_eth, correlation, 1.0)",
        working=(f"Variance = sE^2 + h^2 sH^2 - 2 h rho sE sH, with h = 1\n"
                 f"         = {s_e:g}^2 + {s_h:g}^2 - 2 x {rho:g} x {s_e:g} x {s_h:g}\n"
                 f"         = {_exact(s_e**2)} + {_exact(s_h**2)} - {_exact(cross)} = "
                 f"{_exact(squares)} - {_exact(cross)} = {_exact(squares - cross)}\n"
                 f"Residual vol = sqrt({_exact(squares - cross)}) = {residual:.4f} "
                 f"(about {residual:.1%} a year)"),
        mistakes=[Mistake(math.sqrt(squares), "the correlation term is missing: the two "
                                              "legs move together, which takes risk away."),
                  Mistake(math.sqrt(squares + cross),
                          "the cross term was added: for a hedge (a short against a long) it is "
                          "subtracted."),
                  Mistake(abs(s_e - s_h), "that assumes a correlation of 1: a perfect hedge "
                                          "leaves only the difference of the vols.")])
    question.limits = (abs(s_e - s_h), s_e + s_h)
    return question


q1 = drawable(_q1, _draw_vols)

_H_STAR = optimal_hedge_ratio(S_E, S_H, RHO)


def _q2(vol_btc: float = S_E, vol_eth: float = S_H, correlation: float = RHO) -> NumberQuestion:
    s_e, s_h, rho = vol_btc, vol_eth, correlation
    h_star = optimal_hedge_ratio(s_e, s_h, rho)
    same = (s_e, s_h, rho) == (S_E, S_H, RHO)
    question = NumberQuestion(
        "The minimum-variance hedge ratio",
        ("With the same numbers, w" if same else
         f"BTC's volatility is {percent(s_e, 0)} a year, ETH's {percent(s_h, 0)}, and their "
         f"correlation {rho:g}. W")
        + "hat hedge ratio h (dollars of ETH short per dollar of BTC long) leaves the least "
          "residual volatility? Give it as a fraction to 3 decimals.",
        h_star, abs_tol=5e-4, percent=True,
        setup=data_code(vol_btc=s_e, vol_eth=s_h, correlation=rho),
        hints=["Set the derivative of the residual variance in h to zero.",
               "The variance is a parabola in h: 2 h sH^2 - 2 rho sE sH = 0 gives "
               "h* = rho x sE / sH."],
        solution="answer = ek.optimal_hedge_ratio(vol_btc, vol_eth, correlation)",
        working=(f"d(variance)/dh = 2 h sH^2 - 2 rho sE sH = 0, so h* = rho x sE / sH\n"
                 f"h* = {rho:g} x {s_e:g} / {s_h:g} = {_exact(rho * s_e)} / {s_h:g} = "
                 f"{h_star:.4f}"),
        mistakes=[Mistake(s_e / s_h, "the correlation was left out: h* = rho x sE / sH."),
                  Mistake(rho * s_h / s_e, "the vols are upside down: the exposure's vol goes "
                                           "on top."),
                  Mistake(rho, "the correlation alone is not the ratio: scale it by sE / sH.")])
    question.limits = (0.05, rho)
    return question


q2 = drawable(_q2, _draw_vols)

# ETH's beta to BTC from the same vols and correlation: rho x sETH / sBTC = 0.85 x 0.70 / 0.55
BETA_ETH = round(RHO * S_H / S_E, 2)
ETH_LONG = [{"name": "ETH-SPOT", "underlying": "ETH", "kind": "spot", "side": "long",
             "notional": 240_000}]


def _eth_long(notional: float = 240_000) -> list[dict]:
    return [dict(ETH_LONG[0], notional=notional)]


def _draw_beta(rng) -> dict:
    """$100k-$500k of ETH (in $10k steps) and a beta of 0.80-1.50 (in steps of 0.01) kept at
    least 0.05 from 1, so hedging the notional, or dividing by the beta, is a visible slip."""
    while True:
        beta = int(rng.integers(80, 151)) / 100
        if abs(beta - 1) >= 0.05:
            return {"notional": 10_000.0 * int(rng.integers(10, 51)), "beta": beta}


def _q3(notional: float = 240_000, beta: float = BETA_ETH) -> NumberQuestion:
    book = _b.Book.from_records(_eth_long(notional))
    betas = {"ETH": beta}
    hedge = -hedge_notional(book, measure="beta", betas=betas)
    question = NumberQuestion(
        "A beta-adjusted cross-hedge",
        f"You hold {usd(notional)} of ETH and hedge it with BTC perps. ETH's beta to BTC is "
        f"{beta:g}: when BTC moves 1 %, ETH moves {beta:g} % on average. How many USD of BTC "
        "perps should you short (a positive size) so that the **beta-adjusted** net is zero?",
        hedge,
        setup=data_code(records=_eth_long(notional), betas=betas) +
        "\nbook = ek.Book.from_records(records)",
        hints=["Beta-adjusted exposure = notional x beta; BTC's own beta is 1.",
               "Find the ETH holding's beta-adjusted exposure; a BTC short of that USD size "
               "cancels it."],
        solution='answer = -ek.hedge_notional(book, measure="beta", betas=betas)',
        working=(f"Beta-adjusted ETH = {usd(notional)} x {beta:g} = "
                 f"{usd(book.net_exposure(measure='beta', betas=betas))}\n"
                 f"BTC's beta is 1, so the BTC short must be {usd(hedge)}"),
        unit="usd",
        mistakes=[Mistake(book.long_exposure(), "you hedged the notional, not the "
                                                "beta-adjusted exposure: ETH moves more than "
                                                "BTC." if beta > 1 else
                          "you hedged the notional, not the beta-adjusted exposure: ETH moves "
                          "less than BTC here."),
                  Mistake(book.long_exposure() / beta,
                          "you divided by the beta: a coin that moves more needs a bigger "
                          "hedge, not a smaller one." if beta > 1 else
                          "you divided by the beta: a coin that moves less needs a smaller "
                          "hedge, not a bigger one.")])
    question.limits = (0.8 * notional, 1.5 * notional)
    return question


q3 = drawable(_q3, _draw_beta)


def _reference_residual(s_e, s_h, rho, h):
    return residual_volatility(s_e, s_h, rho, h)


q4 = FunctionQuestion(
    "Write residual_vol",
    "Write `residual_vol(s_e, s_h, rho, h)`: the volatility left per dollar of exposure with vol "
    "`s_e` hedged by `h` dollars of an asset with vol `s_h` and correlation `rho`. Take care "
    "at the edges: no hedge (h = 0), a perfect hedge (rho = 1, equal vols, h = 1), where "
    "rounding can make the variance a hair below zero.",
    "residual_vol", _reference_residual,
    cases=[(0.55, 0.70, 0.85, 1.0), (0.6, 0.8, 0.8, 0.6), (0.5, 0.9, 0.3, 0.0),
           (0.3, 0.3, 1.0, 1.0), (0.7, 0.7, 1.0, 1.0), (0.4, 0.6, -0.5, 0.5),
           (0.55, 0.70, 0.85, 2.0)],
    signature="s_e, s_h, rho, h",
    hints=["variance = s_e**2 + h**2 * s_h**2 - 2 * h * rho * s_e * s_h",
           "Take `max(variance, 0.0)` before the square root: `math.sqrt` of a tiny negative "
           "number fails."],
    solution=("import math\n\n"
              "def residual_vol(s_e, s_h, rho, h):\n"
              "    variance = s_e**2 + h**2 * s_h**2 - 2 * h * rho * s_e * s_h\n"
              "    return math.sqrt(max(variance, 0.0))"),
    mistakes=[Mistake(lambda e, s, r, h: math.sqrt(max(e**2 + h**2 * s**2 + 2 * h * r * e * s, 0)),
                      "the cross term has the wrong sign: a hedge subtracts 2 h rho sE sH."),
              Mistake(lambda e, s, r, h: math.sqrt(max(e**2 + h * s**2 - 2 * h * r * e * s, 0)),
                      "the hedge's variance needs h squared: h**2 * s_h**2.")])

PAIR = [{"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
         "notional": 300_000},
        {"name": "ETH-PERP", "underlying": "ETH", "kind": "perp", "side": "short",
         "notional": 300_000}]
_PAIR_BOOK = _b.Book.from_records(PAIR)
_BETA_NET = _PAIR_BOOK.net_exposure(measure="beta", betas={"ETH": BETA_ETH})
_RISK = residual_risk_usd(300_000, S_E, S_H, RHO, 1.0)
q5 = ChoiceQuestion(
    "Is a zero net neutral?",
    f"A book is long {usd(300_000)} of BTC perps and short {usd(300_000)} of ETH perps: its "
    f"notional net is zero. ETH's beta to BTC follows from the vols and correlation above: "
    f"rho x sETH / sBTC = {RHO:g} x {S_H:g} / {S_E:g} = {BETA_ETH:g}. Which is true?",
    {"a": "it is flat: with a zero notional net, no market move can hurt it",
     "b": "it is beta-short, and still carries a residual risk in dollars",
     "c": "it is beta-long, because BTC is the reference asset for betas"},
    "b" if _BETA_NET < 0 and _RISK > 10_000 else "a",
    setup=data_code(records=PAIR, betas={"ETH": BETA_ETH}) + "\n" + _VOLS +
    "\nbook = ek.Book.from_records(records)",
    hints=[f"Weigh each leg by its beta (BTC 1, ETH {BETA_ETH:g}) and add them: which way "
           "does the result lean?",
           "The dollars of risk left are the notional times the residual volatility of "
           "question 1."],
    working=(f"Beta-adjusted net = {usd(300_000)} x 1 - {usd(300_000)} x {BETA_ETH:g} = "
             f"{usd(_BETA_NET)}: beta-short.\n"
             f"Residual risk = {usd(300_000)} x {residual_volatility(S_E, S_H, RHO, 1.0):.4f} = "
             f"{usd(_RISK)} a year (one standard deviation).\n"
             f"Answer ({'b' if _BETA_NET < 0 and _RISK > 10_000 else 'a'})."),
    solution=('beta_net = book.net_exposure(measure="beta", betas=betas)\n'
              'risk = ek.residual_risk_usd(300_000, vol_btc, vol_eth, correlation)\n'
              'answer = "b" if beta_net < 0 and risk > 10_000 else "a"'),
    mistakes={"a": "a zero notional net is not a hedge across two coins: their betas differ and "
                   "their correlation is below 1.",
              "c": "weigh each leg by its beta: the ETH short counts for more than its notional."})

progress = register(globals(), "Lesson 04")
