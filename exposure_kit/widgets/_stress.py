"""Lesson 09: a grid of BTC and ETH moves, the named stresses and the warnings."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import _format as fmt
from .._book import Book, Position
from .._diagnostics import diagnose
from .._scenarios import scenario_grid, stress_test
from ..plots import HEATMAP_CMAPS, scenario_heatmap
from ._base import (
    Dashboard,
    as_book,
    checked_arguments,
    checked_source,
    finding_items,
    fraction_slider,
    money_slider,
    readout_table,
)

__all__ = ["StressDashboard", "looks_neutral_book"]

CELLS = 13


def looks_neutral_book() -> Book:
    """A book that is flat in notional terms: BTC perps long against ETH futures and a BTC
    quarterly short, the kind of book the guide warns about."""
    return Book([
        Position("BTC perp", "BTC", "perp", "long", quantity=2.5, price=60_000),
        Position("ETH future", "ETH", "future", "short", quantity=33.4, price=3_000),
        Position("BTC quarterly", "BTC", "future", "short", quantity=0.8, price=61_500),
    ])


class StressDashboard(Dashboard):
    """A heatmap of P&L (or net exposure) over BTC and ETH moves, with stresses and warnings.

    Examples
    --------
    >>> dash = StressDashboard()
    >>> dash.controls["show"].value = "net exposure"
    >>> dash.details.selected_index = 0          # the panels fill when opened
    >>> "correlation break" in dash.stress_table.value
    True
    """

    title = "Stress: what a flat book can hide"
    hint = ("look at the corners where BTC falls and ETH rises: the 'neutral' book loses on "
            "both legs at once.")
    alt = ("Heatmap of the book's P&L (red loss, blue gain), or of its net exposure (orange "
           "short, purple long), for every pair of price moves of the two coins; a cross marks "
           "the worst cell.")
    figsize = (6.4, 4.4)
    margins = {"left": 0.14, "right": 0.93, "top": 0.92, "bottom": 0.12}

    def __init__(self, book: Book | None = None, equity: float = 50_000, x: str = "BTC",
                 y: str = "ETH") -> None:
        checked_arguments(equity=(equity, 5_000, 500_000))
        self.book = looks_neutral_book() if book is None else as_book(
            checked_source("book", book))
        self.x, self.y = x, y
        self._equity = equity
        self._stresses = stress_test(self.book)      # the book does not change: once
        super().__init__()

    @classmethod
    def from_book(cls, book: Book, **kwargs) -> "StressDashboard":
        """The dashboard on a book of your own."""
        return cls(book, **kwargs)

    def _controls(self):
        return {"show": widgets.ToggleButtons(options=["P&L", "net exposure"], value="P&L",
                                              style={"button_width": "110px"}),
                "max_move": fraction_slider("Largest move", 0.3, 0.1, 0.5, 0.05),
                "equity": money_slider("Equity $", self._equity, 500_000, step=5_000,
                                       minimum=5_000)}

    def _details(self):
        self.stress_table = widgets.HTML()
        self.warnings = widgets.HTML()
        return [("Named stresses", self.stress_table), ("Warnings", self.warnings)]

    def _layout(self):
        self.details.observe(self._open_details, names="selected_index")
        return super()._layout()

    def _draw(self) -> None:
        self.ax = self.figure.add_subplot()
        start = pd.DataFrame(np.zeros((CELLS, CELLS)), index=np.linspace(-0.3, 0.3, CELLS),
                             columns=np.linspace(-0.3, 0.3, CELLS))
        scenario_heatmap(start, ax=self.ax, x=self.x, y=self.y)
        self.heatmap = self.ax.images[0]
        (self.worst_marker,) = self.ax.plot([0], [0], "x", color="black", markersize=11,
                                            markeredgewidth=2.5)
        self._table_key = self._grid_key = None

    def _paint(self, show: str, max_move: float, moves: np.ndarray, values: np.ndarray) -> None:
        """Colour the heatmap, its scale and the worst cell's cross for a new grid or view."""
        limit = float(np.abs(values).max()) or 1.0
        half = max_move / (CELLS - 1)
        self.heatmap.set_data(values)
        self.heatmap.set_cmap(HEATMAP_CMAPS[show])
        self.heatmap.set_extent([-max_move - half, max_move + half] * 2)
        self.heatmap.set_clim(-limit, limit)
        self.heatmap.colorbar.set_label(f"{show} (USD)")
        # the worst cell: the largest loss, or the largest net exposure either way
        self._worst = np.unravel_index(np.argmin(values) if show == "P&L" else
                                       np.argmax(np.abs(values)), values.shape)
        row, col = self._worst
        self.worst_marker.set_data([moves[col]], [moves[row]])
        self.ax.set_title(f"{'P&L when' if show == 'P&L' else 'Net exposure after'} {self.x} "
                          f"and {self.y} move")
        self.invalidate()           # the colour scale and the axes change with the grid

    def _update(self, show: str, max_move: float, equity: float) -> str:
        moves = np.round(np.linspace(-max_move, max_move, CELLS), 6)
        if self._grid_key != (show, max_move):   # an equity change leaves the picture alone
            self._grid_key = (show, max_move)
            self._grid = scenario_grid(self.book, self.x, self.y, moves)
            values = (self._grid.pnl if show == "P&L" else self._grid.net).to_numpy(dtype=float)
            self._paint(show, max_move, moves, values)
        grid = self._grid
        values = (grid.pnl if show == "P&L" else grid.net).to_numpy(dtype=float)
        row, col = self._worst
        self._fill_details(equity)
        net = self.book.net_exposure()
        worst = float(values[row, col])
        where = f"{self.x} {moves[col]:+.0%}, {self.y} {moves[row]:+.0%}"
        table = self._stresses
        low = table.pnl.idxmin()
        worst_label = "Worst cell (x)" if show == "P&L" else "Largest net (x)"
        rows = [("Net now", fmt.describe_net(net)),
                ("Gross now", fmt.usd(self.book.gross_exposure())),
                ("Moves on the grid", f"up to ±{max_move:.0%} each"),
                (worst_label, fmt.usd(worst) if show == "P&L" else fmt.describe_net(worst)),
                ("... at", where)]
        if show == "P&L":
            rows.append(("... share of equity", share_of_equity(worst, equity)))
        rows += [("Worst named stress", str(low)),
                 ("... its P&L", f"{fmt.usd(table.pnl[low])} "
                                 f"({share_of_equity(table.pnl[low], equity)})")]
        flat = abs(net) < 0.05 * self.book.gross_exposure()
        return readout_table(rows, headline=f"Looks flat ({fmt.describe_net(net)}); the grid "
                             "says otherwise" if flat else fmt.describe_net(net))

    def _open_details(self, _change: dict) -> None:
        self._fill_details(self.controls["equity"].value)

    def _fill_details(self, equity: float) -> None:
        """The stress table and the warnings, worked out when their panel is open (the
        diagnostics cost more than a redraw)."""
        if self.details is None or self.details.selected_index is None:
            self._table_key = None
            return
        if self._table_key == equity:
            return
        self._table_key = equity
        table = self._stresses
        rows = "".join(f"<tr><td style='padding-right:12px'>{html.escape(name)}</td>"
                       f"<td style='text-align:right'><b>{fmt.usd(row.pnl)}</b></td>"
                       f"<td style='text-align:right;padding-left:12px'>"
                       f"{html.escape(share_of_equity(row.pnl, equity))}</td>"
                       f"<td style='padding-left:12px'>{html.escape(fmt.describe_net(row.net_after))}"
                       "</td></tr>" for name, row in table.iterrows())
        self.stress_table.value = (
            "<table><tr><th style='text-align:left'>stress</th><th>P&amp;L</th>"
            "<th style='padding-left:12px'>share of equity</th>"
            f"<th style='text-align:left;padding-left:12px'>net after</th></tr>{rows}</table>")
        findings = diagnose(self.book, equity=equity)
        items = finding_items(findings) or "<li>no warnings</li>"
        self.warnings.value = f"<ul style='margin-top:2px'>{items}</ul>"
        if self.details is not None:
            self.details.set_title(1, f"Warnings ({len(findings)})")


def share_of_equity(pnl: float, equity: float) -> str:
    """A stress P&L as a share of the equity: ``-80%``; a loss as big as the equity or bigger
    is ``account gone``.

    Examples
    --------
    >>> share_of_equity(-40_200, 50_000), share_of_equity(3_000, 50_000)
    ('-80%', '+6%')
    >>> share_of_equity(-40_200, 20_000)
    'account gone (-201%)'
    """
    share = pnl / equity
    text = f"{share:+.0%}" if round(share, 2) else "0%"
    return f"account gone ({text})" if pnl <= -equity else text
