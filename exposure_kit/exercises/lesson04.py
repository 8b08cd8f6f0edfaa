"""Exercises for lesson 04: beta and correlation (beta, the minimum-variance ratio, residual risk)."""

from __future__ import annotations

import math

from .. import _book as _b
from .._format import percent, usd
from .._hedging import hedge_notional, optimal_hedge_ratio, residual_risk_usd, residual_volatility
from ._framework import ChoiceQuestion, FunctionQuestion, Mistake, NumberQuestion, data_code, register

STEM = "04_beta_and_correlation"
TITLE = "Exercises 04: beta and correlation"
INTRO = ("Hedging one coin with another leaves risk behind: how much depends on the two "
         "volatilities and their correlation, sqrt(sE^2 + h^2 sH^2 - 2 h rho sE sH), and a coin "
         "with a higher beta moves more than the one it hedges.")

S_E, S_H, RHO = 0.55, 0.70, 0.85   # yearly vols of the exposure (BTC) and hedge (ETH); correlation
_VOLS = data_code(vol_btc=S_E, vol_eth=S_H, correlation=RHO)

q1 = NumberQuestion(
    "Residual volatility of a one-for-one hedge",
    f"You are long BTC (volatility {percent(S_E, 0)} a year) and hedge it dollar for dollar "
    f"with an ETH short (volatility {percent(S_H, 0)}); their correlation is {RHO:g}. What "
    "volatility is left per dollar of exposure, as a fraction?",
    residual_volatility(S_E, S_H, RHO, 1.0), percent=True, abs_tol=5e-4, setup=_VOLS,
    hints=["The residual variance is sE^2 + h^2 sH^2 - 2 h rho sE sH; the volatility is its "
           "square root.",
           "With h = 1, square each vol, subtract twice the correlation times both vols, and "
           "take the square root of what is left."],
    solution="answer = ek.residual_volatility(vol_btc, vol_eth, correlation, 1.0)",
    working=(f"Variance = sE^2 + h^2 sH^2 - 2 h rho sE sH, with h = 1\n"
             f"         = {S_E:g}^2 + {S_H:g}^2 - 2 x {RHO:g} x {S_E:g} x {S_H:g}\n"
             f"         = {S_E**2:.4f} + {S_H**2:.4f} - {2 * RHO * S_E * S_H:.4f} = "
             f"{S_E**2 + S_H**2 - 2 * RHO * S_E * S_H:.4f}\n"
             f"Residual vol = sqrt({S_E**2 + S_H**2 - 2 * RHO * S_E * S_H:.4f}) = "
             f"{residual_volatility(S_E, S_H, RHO, 1.0):.4f} "
             f"(about {residual_volatility(S_E, S_H, RHO, 1.0):.1%} a year)"),
    mistakes=[Mistake(math.sqrt(S_E**2 + S_H**2), "the correlation term is missing: the two "
                                                  "legs move together, which takes risk away."),
              Mistake(math.sqrt(S_E**2 + S_H**2 + 2 * RHO * S_E * S_H),
                      "the cross term was added: for a hedge (a short against a long) it is "
                      "subtracted."),
              Mistake(abs(S_E - S_H), "that assumes a correlation of 1: a perfect hedge "
                                      "leaves only the difference of the vols.")])

_H_STAR = optimal_hedge_ratio(S_E, S_H, RHO)
q2 = NumberQuestion(
    "The minimum-variance hedge ratio",
    "With the same numbers, what hedge ratio h (dollars of ETH short per dollar of BTC long) "
    "leaves the least residual volatility? Give it as a fraction to 3 decimals.",
    _H_STAR, abs_tol=5e-4, percent=True, setup=_VOLS,
    hints=["Set the derivative of the residual variance in h to zero.",
           "The variance is a parabola in h: 2 h sH^2 - 2 rho sE sH = 0 gives h* = rho x sE / sH."],
    solution="answer = ek.optimal_hedge_ratio(vol_btc, vol_eth, correlation)",
    working=(f"d(variance)/dh = 2 h sH^2 - 2 rho sE sH = 0, so h* = rho x sE / sH\n"
             f"h* = {RHO:g} x {S_E:g} / {S_H:g} = {_H_STAR:.4f}"),
    mistakes=[Mistake(S_E / S_H, "the correlation was left out: h* = rho x sE / sH."),
              Mistake(RHO * S_H / S_E, "the vols are upside down: the exposure's vol goes on "
                                       "top."),
              Mistake(RHO, "the correlation alone is not the ratio: scale it by sE / sH.")])

# ETH's beta to BTC from the same vols and correlation: rho x sETH / sBTC = 0.85 x 0.70 / 0.55
BETA_ETH = round(RHO * S_H / S_E, 2)
ETH_LONG = [{"name": "ETH-SPOT", "underlying": "ETH", "kind": "spot", "side": "long",
             "notional": 240_000}]
_ETH_BOOK = _b.Book.from_records(ETH_LONG)
q3 = NumberQuestion(
    "A beta-adjusted cross-hedge",
    f"You hold {usd(240_000)} of ETH and hedge it with BTC perps. ETH's beta to BTC is "
    f"{BETA_ETH:g}: when BTC moves 1 %, ETH moves {BETA_ETH:g} % on average. How many USD of BTC "
    "perps should you short (a positive size) so that the **beta-adjusted** net is zero?",
    -hedge_notional(_ETH_BOOK, measure="beta", betas={"ETH": BETA_ETH}),
    setup=data_code(records=ETH_LONG, betas={"ETH": BETA_ETH}) +
    "\nbook = ek.Book.from_records(records)",
    hints=["Beta-adjusted exposure = notional x beta; BTC's own beta is 1.",
           "Find the ETH holding's beta-adjusted exposure; a BTC short of that USD size "
           "cancels it."],
    solution='answer = -ek.hedge_notional(book, measure="beta", betas=betas)',
    working=(f"Beta-adjusted ETH = {usd(240_000)} x {BETA_ETH:g} = "
             f"{usd(_ETH_BOOK.net_exposure(measure='beta', betas={'ETH': BETA_ETH}))}\n"
             f"BTC's beta is 1, so the BTC short must be "
             f"{usd(-hedge_notional(_ETH_BOOK, measure='beta', betas={'ETH': BETA_ETH}))}"),
    unit="usd",
    mistakes=[Mistake(_ETH_BOOK.long_exposure(), "you hedged the notional, not the "
                                                 "beta-adjusted exposure: ETH moves more than "
                                                 "BTC."),
              Mistake(_ETH_BOOK.long_exposure() / BETA_ETH, "you divided by the beta: a coin "
                                                            "that moves more needs a bigger "
                                                            "hedge, not a smaller one.")])


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
