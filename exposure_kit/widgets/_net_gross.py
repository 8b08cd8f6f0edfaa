"""Lesson 01: long and short sliders, and what net and gross make of them."""

from __future__ import annotations

from .. import _format as fmt
from .._book import Book, Position
from ..plots import COLORS, money_axis
from ._base import Dashboard, checked_arguments, money_slider, readout_table

__all__ = ["NetGrossDashboard", "two_leg_book"]


def two_leg_book(long: float, short: float) -> Book:
    """The guide's first book: a BTC perpetual long against an ETH futures short, in USD."""
    return Book([Position("BTC perpetual", "BTC", "perp", "long", notional=long),
                 Position("ETH future", "ETH", "future", "short", notional=short)])


class NetGrossDashboard(Dashboard):
    """Move the long and the short; watch net, gross and the bias.

    Parameters
    ----------
    long, short : float
        Starting sizes in USD (the guide's $150,000 and $100,000).
    maximum : float
        Top of both sliders.

    Examples
    --------
    >>> dash = NetGrossDashboard()
    >>> dash.controls["short"].value = 150_000
    >>> "flat" in dash.readout.value
    True
    """

    title = "Net versus gross"
    alt = ("Bar chart in dollars of the long, the short (drawn downwards), the net and the gross "
           "exposure, each labelled with its amount.")
    hint = "make the short as big as the long: net goes to zero while gross keeps growing."
    margins = {**Dashboard.margins, "bottom": 0.15}    # room for the two-line "short" tick

    def __init__(self, long: float = 150_000, short: float = 100_000,
                 maximum: float = 300_000) -> None:
        checked_arguments(long=(long, 0, None), short=(short, 0, None), maximum=(maximum, 0, None))
        self._start = (long, short, max(maximum, long, short))
        super().__init__()

    @classmethod
    def from_book(cls, book: Book, **options) -> "NetGrossDashboard":
        """Start from a book's long and short totals."""
        long, short = book.long_exposure(**options), book.short_exposure(**options)
        return cls(long=long, short=short, maximum=2 * max(long, short, 50_000))

    def _controls(self):
        long, short, top = self._start
        return {"long": money_slider("Long (BTC perp) $", long, top),
                "short": money_slider("Short (ETH future) $", short, top)}

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        names = ["long", "short", "net", "gross"]
        self.bars = ax.bar(names, [0, 0, 0, 0], color=[COLORS[n] for n in names], width=0.6,
                           zorder=2)
        self.labels = [ax.annotate("", (i, 0), xytext=(0, 3), ha="center",
                                   fontsize=9, textcoords="offset points") for i in range(4)]
        self.moving(*self.bars, *self.labels)
        # Short exposure is a size (a positive number); the chart draws it downwards, as the
        # amount net takes away from the long, and its tick says so.
        ax.set_xticks(range(4), ["long", "short\n(drawn as −)", "net", "gross"])
        ax.set_title("Long, short, net and gross exposure")
        money_axis(ax)

    def _update(self, long: float, short: float) -> str:
        book = two_leg_book(long, short)
        s = book.summary()
        heights = [s.long, -s.short, s.net, s.gross]
        for bar, label, value in zip(self.bars, self.labels, heights):
            bar.set_height(value)
            label.xy = (label.xy[0], value)
            label.set_text(fmt.usd_short(value))
            label.set_va("bottom" if value >= 0 else "top")
            label.xyann = (0, 3 if value >= 0 else -3)
        # room under the lowest bar for its label, clear of the tick labels below the axes
        room = min(heights) - 0.12 * (max(heights) - min(heights)) if min(heights) < 0 else 0.0
        self.fit_y(self.ax, [*heights, room])
        return readout_table([
            ("Long exposure", fmt.usd(s.long)), ("Short exposure", fmt.usd(s.short)),
            ("Net = long - short", fmt.usd(s.net)), ("Gross = long + short", fmt.usd(s.gross)),
            ("Net / gross", fmt.percent(s.net_to_gross)), ("Bias", s.bias),
        ], headline=fmt.describe_net(s.net))
