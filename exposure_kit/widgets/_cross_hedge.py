"""Lesson 04: a BTC long against an ETH short; how much risk correlation leaves behind."""

from __future__ import annotations

import numpy as np

from .. import _format as fmt
from .._book import Book
from .._hedging import residual_risk_usd
from ..plots import COLORS, money_axis
from ._base import Dashboard, checked_arguments, fraction_slider, money_slider, readout_table
from ._net_gross import two_leg_book

__all__ = ["CrossHedgeDashboard"]

CORRELATIONS = np.linspace(-1.0, 1.0, 81)


class CrossHedgeDashboard(Dashboard):
    """Correlation and volatility sliders: the dollar risk left on a cross-hedged book.

    Risk here is one standard deviation of the book's value over a year:
    ``sqrt((L sL)^2 + (S sS)^2 - 2 rho L sL S sS)`` for a long ``L`` and a short ``S``.

    Examples
    --------
    >>> dash = CrossHedgeDashboard()
    >>> dash.controls["correlation"].value = 1.0
    >>> dash.last_error is None
    True
    """

    title = "An imperfect hedge: BTC long against ETH short"
    hint = ("drop the correlation from 0.8 to 0.3: the notional net does not move, the risk "
            "left in the book does.")

    def __init__(self, long: float = 150_000, short: float = 100_000, correlation: float = 0.8,
                 long_vol: float = 0.6, short_vol: float = 0.75) -> None:
        checked_arguments(long=(long, 0, None), short=(short, 0, None),
                          correlation=(correlation, -1, 1), long_vol=(long_vol, 0.1, 1.5),
                          short_vol=(short_vol, 0.1, 1.5))
        self.long = long
        self._start = (short, correlation, long_vol, short_vol)
        super().__init__()

    @classmethod
    def from_book(cls, book: Book, **kwargs) -> "CrossHedgeDashboard":
        """Start from a book's long and short totals."""
        return cls(long=book.long_exposure(), short=book.short_exposure(), **kwargs)

    def _controls(self):
        short, correlation, long_vol, short_vol = self._start
        return {
            "short": money_slider("ETH short $", short, 2 * max(self.long, short)),
            "correlation": fraction_slider("Correlation", correlation, -1.0, 1.0, 0.05, ".2f"),
            "long_vol": fraction_slider("BTC volatility", long_vol, 0.1, 1.5, 0.05),
            "short_vol": fraction_slider("ETH volatility", short_vol, 0.1, 1.5, 0.05),
        }

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        (self.curve,) = ax.plot(CORRELATIONS, np.zeros_like(CORRELATIONS), color=COLORS["net"],
                                linewidth=2, label="risk left in the hedged book")
        self.alone = ax.axhline(0, color=COLORS["long"], linestyle="--",
                                label="risk of the BTC long alone")
        (self.marker,) = ax.plot([0], [0], "o", color=COLORS["marker"], markersize=10,
                                 label="now")
        ax.set_xlim(-1, 1)
        ax.set_xlabel("correlation between BTC and ETH")
        ax.set_title("One-year dollar risk (1 standard deviation)")
        ax.legend(loc="upper right", fontsize=8, frameon=False)
        money_axis(ax)
        self.moving(self.curve, self.alone, self.marker)

    def _update(self, short: float, correlation: float, long_vol: float, short_vol: float) -> str:
        book = two_leg_book(self.long, short)
        ratio = short / self.long if self.long else 0.0
        curve = residual_risk_usd(self.long, long_vol, short_vol, CORRELATIONS, ratio)
        risk = residual_risk_usd(self.long, long_vol, short_vol, correlation, ratio)
        alone = residual_risk_usd(self.long, long_vol, short_vol, 0.0, 0.0)
        self.curve.set_ydata(curve)
        self.alone.set_ydata([alone, alone])
        self.marker.set_data([correlation], [risk])
        self.fit_y(self.ax, [*np.asarray(curve).tolist(), alone])
        beta = correlation * short_vol / long_vol
        beta_net = book.net_exposure(measure="beta", betas={"ETH": beta})
        return readout_table([
            ("Notional net", fmt.usd(book.net_exposure())),
            ("ETH beta to BTC (rho x vol ratio)", f"{beta:.2f}"),
            ("Beta-adjusted net", fmt.usd(beta_net)),
            ("Risk of the BTC long alone", fmt.usd(alone)),
            ("Risk left after the ETH short", fmt.usd(risk)),
        ], headline=f"{fmt.usd(risk)} of yearly risk left on {fmt.describe_net(book.net_exposure())}")
