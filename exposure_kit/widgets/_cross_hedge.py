"""Lesson 04: a BTC long against an ETH short; how much risk correlation leaves behind."""

from __future__ import annotations

import numpy as np

from .. import _format as fmt
from .._book import Book
from .._hedging import optimal_hedge_ratio, residual_risk_usd
from ..plots import COLORS, money_axis
from ._base import Dashboard, checked_arguments, fraction_slider, money_slider, readout_table
from ._net_gross import two_leg_book

__all__ = ["CrossHedgeDashboard"]

RATIOS = np.linspace(0.0, 2.0, 81)


class CrossHedgeDashboard(Dashboard):
    """ETH-short, correlation and volatility sliders: the dollar risk left on a BTC long as the
    ETH hedge grows, with the beta-neutral and the minimum-variance hedge ratios marked.

    Risk here is one standard deviation of the book's value over a year:
    ``sqrt((L sL)^2 + (S sS)^2 - 2 rho L sL S sS)`` for a long ``L`` and a short ``S``. The
    beta-neutral ratio ``1 / beta`` makes the beta-adjusted net zero; the minimum-variance
    ratio ``rho sL / sS`` is the bottom of the curve.

    Examples
    --------
    >>> dash = CrossHedgeDashboard(short_vol=0.90)
    >>> dash.controls["correlation"].value = 1.0
    >>> dash.last_error is None
    True
    """

    title = "An imperfect hedge: BTC long against ETH short"
    hint = ("the curve's bottom is the minimum-variance hedge (least risk); the beta-neutral "
            "hedge is flat to BTC's moves but carries more of ETH's own. Drop the correlation "
            "to 0.3: the two prices part ways and the risk left grows.")
    alt = ("Curve of the one-year dollar risk left on the BTC long against the hedge ratio "
           "(dollars of ETH short per dollar of BTC long), with the book's ratio as a dot, the "
           "minimum-variance ratio at the curve's bottom and the beta-neutral ratio as "
           "vertical lines, and the risk of the long alone as a dashed line.")
    margins = {"left": 0.13, "right": 0.97, "top": 0.9, "bottom": 0.14}

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
            "correlation": fraction_slider("Correlation (rho)", correlation, -1.0, 1.0, 0.05,
                                           ".2f"),
            "long_vol": fraction_slider("BTC volatility", long_vol, 0.1, 1.5, 0.05),
            "short_vol": fraction_slider("ETH volatility", short_vol, 0.1, 1.5, 0.05),
        }

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        (self.curve,) = ax.plot(RATIOS, np.zeros_like(RATIOS), color=COLORS["net"],
                                linewidth=2, label="risk left on the book")
        self.alone = ax.axhline(0, color=COLORS["gross"], linestyle="--",
                                label="BTC long alone")
        self.min_var = ax.axvline(0, color=COLORS["long"], linestyle="-", linewidth=1.5,
                                  label="minimum variance")
        self.beta_line = ax.axvline(0, color=COLORS["short"], linestyle="--", linewidth=1.5,
                                    label="beta-neutral")
        (self.marker,) = ax.plot([0], [0], "o", color=COLORS["marker"], markersize=10,
                                 label="this book", zorder=4)
        # one line each, the second under the first, so the two never overlap when they meet
        self.tags = [ax.annotate("", (0, 1), xycoords=("data", "axes fraction"),
                                 xytext=(3, -2 - 11 * i), textcoords="offset points", va="top",
                                 fontsize=8, color=c,
                                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 1,
                                       "alpha": 0.85})
                     for i, c in enumerate((COLORS["long"], COLORS["short"]))]
        ax.set_xlim(RATIOS[0], RATIOS[-1])
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.2g}")
        ax.set_xlabel("hedge ratio: dollars of ETH short per dollar of BTC long")
        ax.set_title("One-year dollar risk left (1 standard deviation)")
        self.follow_legend(ax, loc="lower right", fontsize=8, frameon=True, framealpha=0.9,
                           ncols=2)
        money_axis(ax)
        self.moving(self.curve, self.alone, self.min_var, self.beta_line, self.marker, *self.tags)

    def _update(self, short: float, correlation: float, long_vol: float, short_vol: float) -> str:
        book = two_leg_book(self.long, short)
        ratio = short / self.long if self.long else 0.0
        curve = residual_risk_usd(self.long, long_vol, short_vol, correlation, RATIOS)
        risk = residual_risk_usd(self.long, long_vol, short_vol, correlation, ratio)
        alone = residual_risk_usd(self.long, long_vol, short_vol, 0.0, 0.0)
        best = optimal_hedge_ratio(long_vol, short_vol, correlation)
        beta = correlation * short_vol / long_vol
        neutral = 1.0 / beta if beta > 0 else None
        self.curve.set_ydata(curve)
        self.alone.set_ydata([alone, alone])
        self.marker.set_data([ratio], [risk])
        for line, tag, value, name in ((self.min_var, self.tags[0], best, "min var"),
                                       (self.beta_line, self.tags[1], neutral, "beta-neutral")):
            shown = value is not None and 0 <= value <= RATIOS[-1]
            line.set_visible(shown)
            tag.set_visible(value is not None)
            if shown:
                line.set_xdata([value, value])
            if value is not None:
                # past the axis: said at its right edge, the line (and its legend entry) gone
                right = value > 0.75 * RATIOS[-1]
                tag.xy = (min(max(value, RATIOS[0]), RATIOS[-1]), 1)
                tag.set_ha("right" if right else "left")
                tag.xyann = (-3 if right else 3, tag.xyann[1])
                text = f"{name} {value:.2f}"
                if value < RATIOS[0]:
                    text = f"← {text} (off the chart: a long ETH hedge)"
                elif not shown:
                    text = f"{text} (off the chart) →"
                tag.set_text(text)
        self.fit_y(self.ax, [*np.asarray(curve).tolist(), alone])
        beta_net = book.net_exposure(measure="beta", betas={"ETH": beta})
        return readout_table([
            ("Notional net", fmt.describe_net(book.net_exposure())),
            ("ETH beta to BTC (rho x ETH vol / BTC vol)", f"{beta:.2f}"),
            ("Beta-adjusted net", fmt.describe_net(beta_net)),
            ("This book's hedge ratio (dot)", f"{ratio:.2f}"),
            ("Beta-neutral ratio (1 / beta)", "none" if neutral is None else f"{neutral:.2f}"),
            ("Minimum-variance ratio (rho x BTC vol / ETH vol)", f"{best:.2f}"),
            ("Risk of the BTC long alone", fmt.usd(alone)),
            ("Risk left after the ETH short", fmt.usd(risk)),
            ("Least risk left (at minimum variance)",
             fmt.usd(residual_risk_usd(self.long, long_vol, short_vol, correlation, best))),
        ], headline=f"{fmt.usd(risk)} of yearly risk left on {fmt.describe_net(book.net_exposure())}")
