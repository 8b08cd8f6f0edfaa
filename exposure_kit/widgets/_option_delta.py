"""Lesson 10: an option's delta, how far delta exposure is from notional, and why a delta hedge
must be re-struck as the price moves."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import _format as fmt
from .._book import Book, Position
from .._instruments import black76_delta, black76_price
from ..plots import COLORS, money_axis
from ._base import _STYLE, Dashboard, checked_arguments, fraction_slider, money_slider, readout_table

__all__ = ["OptionDeltaDashboard", "calls_with_perp_hedge", "option_with_perp_hedge"]

PRICES = (20_000.0, 120_000.0)


def option_with_perp_hedge(spot: float, strike: float, vol: float, years: float,
                           coins: float = 10.0, hedge: float = -5.0, option_type: str = "call",
                           side: str = "long") -> Book:
    """Options on ``coins`` BTC (call or put, long or short) and a BTC perp of ``hedge`` coins
    (negative: short) against them; no perp when ``hedge`` is 0."""
    positions = [Position(f"BTC {option_type}s", "BTC", "option", side, quantity=coins,
                          price=spot, strike=strike, years=years, volatility=vol,
                          option_type=option_type)]
    if hedge:
        positions.append(Position("BTC perp hedge", "BTC", "perp",
                                  "long" if hedge > 0 else "short", quantity=abs(hedge),
                                  price=spot))
    return Book(positions)


def calls_with_perp_hedge(spot: float, strike: float, vol: float, years: float,
                          coins: float = 10.0, hedge_coins: float = 5.0) -> Book:
    """Long calls on ``coins`` BTC, and a short BTC perp of ``hedge_coins`` against them."""
    return option_with_perp_hedge(spot, strike, vol, years, coins, -hedge_coins)


class OptionDeltaDashboard(Dashboard):
    """Calls or puts, long or short, a perp hedge of any size: delta, delta exposure, the
    book's net, and the hedged book's P&L as the BTC price moves.

    Parameters
    ----------
    spot, strike, vol, years : float
        The BTC price, the strike, the yearly volatility and the time to expiry.
    coins : float
        BTC the options cover.
    hedge_coins : float
        Size of the BTC perp hedge in coins; positive is a short perp (what hedges a long call).
    option_type : {"call", "put"}
    side : {"long", "short"}

    Examples
    --------
    >>> dash = OptionDeltaDashboard()
    >>> dash.controls["spot"].value = 90_000
    >>> dash.last_error is None
    True
    """

    title = "Options: notional is not exposure"
    hint = ("bring the strike down towards the BTC price: delta rises and the notional hedge "
            "gets closer to right. Then set the hedge to the delta hedge and move the price: "
            "the book is flat only where the curve meets the dashed line.")
    alt = ("Two charts against the BTC price in dollars: above, the option position's delta "
           "per BTC with the hedge's level as a dashed line and today's price as a dot; below, "
           "the P&L of options and hedge together if BTC jumps from today's price.")
    figsize = (6.4, 4.2)
    # Room on the right for the last tick label ($120k) under the end of the x axis.
    margins = {"left": 0.13, "right": 0.93, "top": 0.93, "bottom": 0.11, "hspace": 0.42}

    def __init__(self, spot: float = 60_000, strike: float = 60_000, vol: float = 0.6,
                 years: float = 0.25, coins: float = 10.0, hedge_coins: float = 5.0,
                 option_type: str = "call", side: str = "long") -> None:
        checked_arguments(spot=(spot, 20_000, 120_000), strike=(strike, 20_000, 120_000),
                          vol=(vol, 0.1, 1.5), years=(years, 0.02, 1.0), coins=(coins, 0, None),
                          hedge_coins=(hedge_coins, 0, None))
        self.coins = coins
        self._start = (spot, strike, vol, years, -hedge_coins, option_type, side)
        super().__init__()

    @property
    def hedge_coins(self) -> float:
        """The perp hedge now, in coins; positive is short (the constructor's convention)."""
        return -self.controls["hedge"].value

    def _controls(self):
        spot, strike, vol, years, hedge, option_type, side = self._start
        top = max(2 * self.coins, abs(hedge))
        toggle = {"style": {**_STYLE, "button_width": "80px"}}
        return {"option_type": widgets.ToggleButtons(options=["call", "put"], value=option_type,
                                                     description="Option", **toggle),
                "side": widgets.ToggleButtons(options=["long", "short"], value=side,
                                              description="Side", **toggle),
                "spot": money_slider("BTC price $", spot, PRICES[1], step=1_000,
                                     minimum=PRICES[0]),
                "strike": money_slider("Strike $", strike, PRICES[1], step=1_000,
                                       minimum=PRICES[0]),
                "vol": fraction_slider("Volatility", vol, 0.1, 1.5, 0.01),
                "years": fraction_slider("Years to expiry", years, 0.02, 1.0, 0.01, ".2f"),
                "hedge": fraction_slider("Perp (BTC, − short)", hedge, -top, top, 0.01,
                                         "+.2f")}

    def _draw(self) -> None:
        self.delta_ax, self.ax = self.figure.subplots(2, 1, sharex=True)
        self.spots = np.linspace(*PRICES, 201)
        zeros = np.zeros_like(self.spots)
        ax = self.delta_ax
        (self.curve,) = ax.plot(self.spots, zeros, color=COLORS["net"], linewidth=2,
                                label="options' delta per BTC")
        self.hedge_line = ax.axhline(0, color=COLORS["short"], linestyle="--", linewidth=1.5,
                                     label="hedge cancels it here")
        (self.marker,) = ax.plot([0], [0], "o", color=COLORS["marker"], markersize=9,
                                 label="today", zorder=4)
        ax.set_ylim(-1.1, 1.1)
        ax.axhline(0, color=COLORS["zero"], linewidth=0.8)
        ax.set_ylabel("delta per BTC")
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
        self.delta_title = ax.set_title("", fontsize=10)

        pnl = self.ax
        (self.pnl_curve,) = pnl.plot(self.spots, zeros, color=COLORS["long"], linewidth=2)
        (self.pnl_marker,) = pnl.plot([0], [0], "o", color=COLORS["marker"], markersize=9,
                                      zorder=4)
        pnl.set_title("P&L of options + hedge if BTC jumps from today", fontsize=10)
        pnl.xaxis.set_major_formatter(lambda v, _: fmt.usd_short(v))
        pnl.set_xlabel("BTC price")
        pnl.set_xlim(*PRICES)
        money_axis(pnl)
        self.strike_lines = [a.axvline(0, color=COLORS["gross"], linestyle=":",
                                       label="strike" if a is ax else None)
                             for a in (ax, pnl)]
        self.follow_legend(ax, loc="lower left", fontsize=7, frameon=True, framealpha=0.85,
                           ncols=2)
        self.moving(self.curve, self.hedge_line, self.marker, self.pnl_curve, self.pnl_marker,
                    *self.strike_lines)

    def _update(self, option_type: str, side: str, spot: float, strike: float, vol: float,
                years: float, hedge: float) -> str:
        sign = 1.0 if side == "long" else -1.0
        book = option_with_perp_hedge(spot, strike, vol, years, self.coins, hedge, option_type,
                                      side)
        delta = black76_delta(spot, strike, years, vol, option_type)
        deltas = sign * black76_delta(self.spots, strike, years, vol, option_type)
        values = black76_price(self.spots, strike, years, vol, option_type)
        today = black76_price(spot, strike, years, vol, option_type)
        pnl = sign * self.coins * (values - today) + hedge * (self.spots - spot)
        self.curve.set_ydata(deltas)
        self.hedge_line.set_ydata([-hedge / self.coins] * 2)
        self.marker.set_data([spot], [sign * delta])
        self.pnl_curve.set_ydata(pnl)
        self.pnl_marker.set_data([spot], [0.0])
        for line in self.strike_lines:
            line.set_xdata([strike, strike])
        self.fit_y(self.ax, pnl.tolist())
        label = f"Delta of {side} {option_type}s on {self.coins:g} BTC"
        if self.delta_title.get_text() != label:
            self.delta_title.set_text(label)
            self.invalidate()
        exposures = book.exposures(measure="notional")
        by_delta = book.exposures(measure="delta")
        flat_hedge = -sign * delta * self.coins
        net_delta = book.net_exposure(measure="delta")
        held = f"{side} {option_type}s"
        return readout_table([
            # the same signed delta, in the same words, as the upper chart's title and curve
            (f"Delta of the {held}, per BTC", f"{sign * delta:+.3f}"),
            (f"Black-76 delta of one bought {option_type}", f"{delta:+.3f}"),
            ("Options' notional", fmt.usd(exposures.iloc[0])),
            ("Options' delta exposure", fmt.usd(by_delta.iloc[0])),
            ("Perp hedge", fmt.usd(exposures.iloc[1]) if len(exposures) > 1 else "none"),
            ("Net, counting notional", fmt.describe_net(book.net_exposure(measure="notional"))),
            ("Net, counting delta", fmt.describe_net(net_delta)),
            ("Delta hedge (flat by delta)", f"{flat_hedge:+.2f} BTC perp "
             f"({'long' if flat_hedge > 0 else 'short'})" if round(flat_hedge, 2) else
             "none needed"),
            # priced at the moved price itself: the chart's range may end before it
            ("P&L if BTC -10% / +10%", " / ".join(
                fmt.usd(float(sign * self.coins * (black76_price(moved, strike, years, vol,
                                                                 option_type) - today)
                              + hedge * (moved - spot)))
                for moved in (spot * 0.9, spot * 1.1))),
        ], headline=f"delta-adjusted: {fmt.describe_net(net_delta)}")
