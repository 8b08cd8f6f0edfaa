"""Lesson 03: hedge a BTC holding with a short perpetual, from none to too much."""

from __future__ import annotations

from .. import _format as fmt
from .._book import Book, Position
from .._hedging import hedge_ratio, hedge_status
from ..plots import COLORS, money_axis
from ._base import Dashboard, checked_arguments, fraction_slider, money_slider, readout_table

__all__ = ["HedgeRatioDashboard", "hedged_holding"]

RATIOS = (0.0, 1.5)


def hedged_holding(spot_notional: float, ratio: float, collateral: float = 0.0) -> Book:
    """BTC held (plus BTC posted as margin) and a short BTC perp of ``ratio`` x the holding.

    The hedge is sized on the holding alone, as a trader who forgets the collateral would.
    """
    positions = [Position("BTC held", "BTC", "spot", "long", notional=spot_notional),
                 Position("BTC perp hedge", "BTC", "perp", "short", notional=ratio * spot_notional)]
    if collateral > 0:
        positions.append(Position("BTC collateral", "BTC", "collateral", "long",
                                  notional=collateral))
    return Book(positions)


class HedgeRatioDashboard(Dashboard):
    """A hedge-ratio slider from 0 % to 150 %, and BTC collateral that counts as long.

    Parameters
    ----------
    spot_notional : float
        USD value of the BTC held.
    ratio : float
        Starting hedge ratio (short perp / BTC held).
    collateral : float
        USD value of BTC posted as margin.

    Examples
    --------
    >>> dash = HedgeRatioDashboard()
    >>> dash.controls["ratio"].value = 1.2
    >>> "net short" in dash.readout.value and "over-hedged" in dash.readout.value
    True
    """

    title = "Hedging BTC with a short perpetual"
    alt = ("Line of the book's net exposure in dollars against the hedge ratio from 0 to 150 %; "
           "a dot marks the current hedge, a dashed line the hedge that is neutral on all the "
           "BTC, collateral included, and a dotted line 100 % of the BTC held.")
    hint = ("slide the hedge to 100 %, then add BTC collateral: the book is long again although "
            "the hedge did not change.")

    def __init__(self, spot_notional: float = 100_000, ratio: float = 0.5,
                 collateral: float = 0.0) -> None:
        checked_arguments(spot_notional=(spot_notional, 1.0, None), ratio=(ratio, *RATIOS),
                          collateral=(collateral, 0, spot_notional))
        self.spot_notional = spot_notional
        self._start = (ratio, collateral)
        super().__init__()

    @classmethod
    def from_book(cls, book: Book, underlying: str = "BTC") -> "HedgeRatioDashboard":
        """Start from a book's long and short on one underlying."""
        table = book.by("underlying")
        long, short = table.loc[underlying.upper(), ["long", "short"]]
        return cls(spot_notional=float(long), ratio=float(short / long) if long else 0.0)

    def _controls(self):
        ratio, collateral = self._start
        return {"ratio": fraction_slider("Hedge ratio", ratio, *RATIOS, step=0.05),
                # up to half the holding, so the neutral hedge (1 + collateral / held) stays
                # inside the 0-150 % axis
                "collateral": money_slider("BTC collateral $", collateral,
                                           max(self.spot_notional / 2, collateral), step=5_000)}

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        (self.line,) = ax.plot(RATIOS, [0, 0], color=COLORS["net"], linewidth=2,
                               label="net exposure")
        (self.marker,) = ax.plot([0], [0], "o", color=COLORS["marker"], markersize=10,
                                 label="your hedge")
        ax.axvline(1.0, color=COLORS["gross"], linestyle=":", linewidth=1)
        self.neutral = ax.axvline(1.0, color=COLORS["long"], linestyle="--", linewidth=1.5,
                                  label="neutral on all BTC (collateral included)")
        self.neutral_text = ax.annotate("", (1.0, 0), xycoords=("data", "axes fraction"),
                                        xytext=(4, 6), textcoords="offset points", fontsize=9,
                                        color=COLORS["long"])
        ax.set_xlim(*RATIOS)
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax.set_xlabel("hedge ratio (short perp / BTC held)")
        ax.set_title("Net exposure as the hedge grows")
        ax.legend(loc="lower left", fontsize=8, frameon=False)   # clear of the line
        money_axis(ax)
        self.moving(self.line, self.marker, self.neutral, self.neutral_text)

    def _update(self, ratio: float, collateral: float) -> str:
        book = hedged_holding(self.spot_notional, ratio, collateral)
        ends = [hedged_holding(self.spot_notional, r, collateral).net_exposure() for r in RATIOS]
        net = book.net_exposure()
        self.line.set_data(RATIOS, ends)   # net is linear in the ratio: two points draw it
        self.marker.set_data([ratio], [net])
        neutral = 1.0 + collateral / self.spot_notional if self.spot_notional else 1.0
        self.neutral.set_xdata([neutral, neutral])
        self.neutral_text.xy = (neutral, 0)
        self.neutral_text.set_text(f"neutral: {neutral:.0%}")
        # near the right edge the label goes on the line's left, where it is not cut off
        right = neutral > 0.75 * RATIOS[1]
        self.neutral_text.set_ha("right" if right else "left")
        self.neutral_text.xyann = (-4 if right else 4, 6)
        self.fit_y(self.ax, ends)
        true_ratio = hedge_ratio(book, "BTC")
        return readout_table([
            ("BTC held", fmt.usd(self.spot_notional)), ("BTC collateral", fmt.usd(collateral)),
            ("Short perp hedge", fmt.usd(book.short_exposure())),
            ("Net exposure", fmt.usd(net)),
            ("Hedge ratio on all BTC", fmt.percent(true_ratio)),
            ("Neutral hedge (dashed line)", f"{neutral:.0%} of the BTC held"),
            ("Status", hedge_status(true_ratio)),
        ], headline=f"{fmt.describe_net(net)}: {hedge_status(true_ratio)}")
