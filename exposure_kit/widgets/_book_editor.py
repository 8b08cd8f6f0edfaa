"""Lesson 02: edit a real book's positions and follow the waterfall from long to net."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import _format as fmt
from .._book import Book, Position
from ..plots import money_axis, waterfall_geometry
from ._base import Dashboard, as_book, checked_source, money_slider, readout_table

__all__ = ["BookDashboard", "guide_three_positions"]


def guide_three_positions() -> Book:
    """The guide's three positions: BTC perps long, ETH futures short, BTC quarterly short."""
    return Book([Position("BTC perps", "BTC", "perp", "long", notional=120_000),
                 Position("ETH futures", "ETH", "future", "short", notional=70_000),
                 Position("BTC quarterly", "BTC", "future", "short", notional=20_000)])


class BookDashboard(Dashboard):
    """A size slider and a side switch per position; readout and waterfall follow the engine.

    Parameters
    ----------
    book : Book, optional
        Up to a dozen positions; the guide's three-position book by default.

    Examples
    --------
    >>> dash = BookDashboard()
    >>> dash.controls["side 1"].value = "long"
    >>> "$170,000 net long" in dash.readout.value
    True
    """

    title = "Net = long - short, position by position"
    alt = ("Waterfall in dollars: each position steps up (long) or down (short) from zero, and the "
           "last bar is the net exposure.")
    hint = "flip the BTC quarterly future to long: the net jumps by twice its size."
    figsize = (6.4, 3.8)

    def __init__(self, book: Book | None = None) -> None:
        self.book = guide_three_positions() if book is None else as_book(
            checked_source("book", book))
        if len(self.book) > 12:
            raise ValueError("BookDashboard shows at most 12 positions; use BookExplorer for "
                             "a larger book")
        self.names = [str(n) for n in self.book.exposures().index]
        super().__init__()

    @classmethod
    def from_book(cls, book: Book) -> "BookDashboard":
        """The dashboard on a book of your own."""
        return cls(book)

    def _controls(self):
        sizes = np.abs(self.book.exposures(measure="notional").to_numpy())   # face: what resized sets
        top = max(float(sizes.max(initial=0.0)) * 2, 50_000.0)
        sides = self.book.to_frame()["side"].tolist()
        controls = {}
        for i, (name, size, side) in enumerate(zip(self.names, sizes, sides)):
            controls[f"size {i}"] = money_slider(f"{name} $", float(size), top)
            controls[f"side {i}"] = widgets.ToggleButtons(options=["long", "short"], value=side,
                                                          style={"button_width": "70px"})
        return controls

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        n = len(self.names)
        self.bars = ax.bar(range(n + 1), np.zeros(n + 1), width=0.6, zorder=2)
        ax.set_xticks(range(n + 1), [*self.names, "net"], rotation=15 if n > 3 else 0)
        ax.set_title("From each position to the net exposure")
        money_axis(ax)
        self.moving(*self.bars)

    def _update(self, **values) -> str:
        n = len(self.names)
        book = self.book.resized([values[f"size {i}"] for i in range(n)],
                                 [values[f"side {i}"] for i in range(n)])
        bottoms, heights, colours = waterfall_geometry(book.exposures().to_numpy())
        for bar, bottom, height, colour in zip(self.bars, bottoms, heights, colours):
            bar.set_y(bottom)
            bar.set_height(height)
            bar.set_color(colour)
        self.fit_y(self.ax, np.concatenate([bottoms, bottoms + heights]).tolist())
        s = book.summary()
        return readout_table([
            ("Long exposure (sum of longs)", fmt.usd(s.long)),
            ("Short exposure (sum of shorts)", fmt.usd(s.short)),
            ("Net = long - short", fmt.usd(s.net)), ("Gross = long + short", fmt.usd(s.gross)),
        ], headline=fmt.describe_net(s.net))
