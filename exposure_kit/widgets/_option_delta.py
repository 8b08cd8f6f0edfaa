"""Lesson 08: an option's delta, and how far delta exposure is from notional."""

from __future__ import annotations

import numpy as np

from .. import _format as fmt
from .._book import Book, Position
from .._instruments import black76_delta
from ..plots import COLORS
from ._base import Dashboard, checked_arguments, fraction_slider, money_slider, readout_table

__all__ = ["OptionDeltaDashboard", "calls_with_perp_hedge"]


def calls_with_perp_hedge(spot: float, strike: float, vol: float, years: float,
                          coins: float = 10.0, hedge_coins: float = 5.0) -> Book:
    """Long calls on ``coins`` BTC, and a short BTC perp of ``hedge_coins`` against them."""
    return Book([
        Position("BTC calls", "BTC", "option", "long", quantity=coins, price=spot, strike=strike,
                 years=years, volatility=vol, option_type="call"),
        Position("BTC perp hedge", "BTC", "perp", "short", quantity=hedge_coins, price=spot)])


class OptionDeltaDashboard(Dashboard):
    """Strike, volatility, time and spot sliders: delta, delta exposure and the book's net.

    Examples
    --------
    >>> dash = OptionDeltaDashboard()
    >>> dash.controls["spot"].value = 90_000
    >>> dash.last_error is None
    True
    """

    title = "Options: notional is not exposure"
    hint = ("bring the strike down towards the BTC price: delta rises and the notional hedge "
            "gets closer to right; push it back up and the perp leaves the book net short.")
    # Room on the right for the last tick label ($120k) under the end of the x axis.
    margins = {"left": 0.13, "right": 0.93, "top": 0.9, "bottom": 0.14}

    def __init__(self, spot: float = 60_000, strike: float = 60_000, vol: float = 0.6,
                 years: float = 0.25, coins: float = 10.0, hedge_coins: float = 5.0) -> None:
        checked_arguments(spot=(spot, 20_000, 120_000), strike=(strike, 20_000, 120_000),
                          vol=(vol, 0.1, 1.5), years=(years, 0.02, 1.0), coins=(coins, 0, None),
                          hedge_coins=(hedge_coins, 0, None))
        self.coins, self.hedge_coins = coins, hedge_coins
        self._start = (spot, strike, vol, years)
        self._curve_key = None
        super().__init__()

    def _controls(self):
        spot, strike, vol, years = self._start
        return {"spot": money_slider("BTC price $", spot, 120_000, step=1_000, minimum=20_000),
                "strike": money_slider("Strike $", strike, 120_000, step=1_000, minimum=20_000),
                "vol": fraction_slider("Volatility", vol, 0.1, 1.5, 0.05),
                "years": fraction_slider("Years to expiry", years, 0.02, 1.0, 0.01, ".2f")}

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        self.spots = np.linspace(20_000, 120_000, 201)
        (self.curve,) = ax.plot(self.spots, np.zeros_like(self.spots), color=COLORS["net"],
                                linewidth=2, label="call delta")
        (self.marker,) = ax.plot([0], [0], "o", color=COLORS["marker"], markersize=10,
                                 label="now")
        self.strike_line = ax.axvline(0, color=COLORS["gross"], linestyle=":", label="strike")
        ax.set_xlim(self.spots[0], self.spots[-1])
        ax.set_ylim(-0.05, 1.05)
        ax.xaxis.set_major_formatter(lambda v, _: fmt.usd_short(v))
        ax.set_xlabel("BTC price")
        ax.set_ylabel("delta per BTC")
        ax.set_title("Call delta against the BTC price")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
        self.moving(self.curve, self.marker, self.strike_line)

    def _update(self, spot: float, strike: float, vol: float, years: float) -> str:
        book = calls_with_perp_hedge(spot, strike, vol, years, self.coins, self.hedge_coins)
        delta = black76_delta(spot, strike, years, vol, "call")
        if self._curve_key != (strike, vol, years):
            self.curve.set_ydata(black76_delta(self.spots, strike, years, vol, "call"))
            self._curve_key = (strike, vol, years)
        self.marker.set_data([spot], [delta])
        self.strike_line.set_xdata([strike, strike])
        calls = book.exposures(measure="delta").iloc[0]
        return readout_table([
            ("Call delta", f"{delta:.3f}"),
            ("Calls' notional", fmt.usd(book.exposures(measure="notional").iloc[0])),
            ("Calls' delta exposure", fmt.usd(calls)),
            ("Perp hedge", fmt.usd(book.exposures().iloc[1])),
            ("Net, counting notional", fmt.describe_net(book.net_exposure(measure="notional"))),
            ("Net, counting delta", fmt.describe_net(book.net_exposure(measure="delta"))),
        ], headline=f"delta-adjusted: {fmt.describe_net(book.net_exposure(measure='delta'))}")
