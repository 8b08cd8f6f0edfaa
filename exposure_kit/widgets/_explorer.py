"""Lesson 12: the dashboard on a desk's own book."""

from __future__ import annotations

import ipywidgets as widgets

from .. import _format as fmt
from .._book import Book
from .._diagnostics import diagnose
from ..plots import exposure_by
from ._base import (
    _LAYOUT,
    _STYLE,
    Dashboard,
    as_book,
    checked_arguments,
    checked_source,
    finding_items,
    readout_table,
)
from ._typed import amount_box

__all__ = ["BookExplorer"]

_GROUPS = ("underlying", "venue", "kind", "account", "side")


class BookExplorer(Dashboard):
    """Group a book by any column, pick the measure and the equity; read summary and warnings.

    The summary is in ``readout``; the diagnostic warnings are in ``findings``, in the
    collapsed ``details`` panel under the dashboard.

    Parameters
    ----------
    book : Book, DataFrame, list of dict or path
        A source that fails validation shows its error in the dashboard.
    equity : float, optional
        Account equity in USD, for leverage and the warnings.
    betas : dict, optional
        Betas per underlying for ``measure="beta"``.

    Examples
    --------
    >>> from exposure_kit import Position
    >>> book = Book([Position("a", "BTC", "perp", "long", notional=5_000),
    ...              Position("b", "ETH", "perp", "short", notional=4_000)])
    >>> dash = BookExplorer(book, equity=1_000)
    >>> "$1,000 net long" in dash.readout.value
    True
    """

    title = "Your book"
    alt = ("Horizontal bars in dollars of the long and short exposure per group of the book, with "
           "the net as a dot.")
    hint = ("group by venue, then switch the measure to notional: how much bigger do the options "
            "look at face than at delta?")
    figsize = (6.4, 4.0)
    margins = {"left": 0.2, "right": 0.97, "top": 0.92, "bottom": 0.1}

    def __init__(self, book, equity: float | None = None, betas=None) -> None:
        if equity is not None:
            checked_arguments(equity=(equity, 0, None))
        self.source, self.betas = checked_source("book", book), betas
        self._equity = equity
        self._book: Book | None = None
        # The warnings go in a collapsed panel: above the chart, a long list pushed it off screen.
        self.findings = widgets.HTML()
        self.findings.add_class("ek-findings")
        super().__init__()

    def _details(self):
        return [("Findings", self.findings)]

    @property
    def book(self) -> Book:
        """The book shown; a source that fails validation raises here (shown in the dashboard)."""
        if self._book is None:
            self._book = as_book(self.source)
        return self._book

    @classmethod
    def from_book(cls, book: Book, **kwargs) -> "BookExplorer":
        """The same as the constructor: the explorer is built on a book."""
        return cls(book, **kwargs)

    def _controls(self):
        try:
            present = set(self.book.to_frame().columns)
        except ValueError:
            present = {"underlying"}          # the error shows on the first refresh
        columns = [c for c in _GROUPS if c in present]
        # "beta" only where there are betas to use: otherwise every choice of it is an error
        measures = ["delta", "notional"] + (["beta"] if self.betas or "beta" in present else [])
        look = {"style": _STYLE, "layout": _LAYOUT}
        return {"group": widgets.Dropdown(options=columns, value="underlying",
                                          description="Group by", **look),
                "measure": widgets.Dropdown(options=measures,
                                            value="delta", description="Measure", **look),
                "equity": widgets.FloatText(value=self._equity or 0.0,
                                            description="Equity $ (0: none)", **look)}

    def _layout(self):
        # the equity is typed as a trader writes it (2,000,000, 2m, 1.7M), read by amount_box
        self.rows["equity"] = amount_box(self.controls["equity"], self.refuse)
        return super()._layout()

    def _draw(self) -> None:
        self.ax = self.figure.add_subplot()
        self._chart_key = None

    def _update(self, group: str, measure: str, equity: float) -> str:
        options = {"measure": measure, "betas": self.betas} if measure == "beta" else \
            {"measure": measure}
        table = self.book.by(group, **options)
        summary = self.book.summary(equity=equity or None, **options)
        if self._chart_key != (group, measure):   # the equity does not change the chart
            self._chart_key = (group, measure)
            self.ax.clear()
            exposure_by(table, ax=self.ax, column=group)
            self.invalidate()
        rows = [("Long", fmt.usd(summary.long)), ("Short", fmt.usd(summary.short)),
                ("Net", fmt.usd(summary.net)), ("Gross", fmt.usd(summary.gross)),
                ("Net / gross", fmt.percent(summary.net_to_gross))]
        if summary.equity is not None:
            rows += [("Gross leverage", f"{summary.gross_leverage:.2f}x"),
                     ("Net leverage", f"{summary.net_leverage:.2f}x")]
        findings = diagnose(self.book, equity=equity or None, betas=self.betas)
        items = finding_items(findings)
        count = f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"
        self.findings.value = (f"<div><b>Findings: {count}</b></div>"
                               f"<ul style='margin-top:2px'>{items}</ul>" if findings else
                               "<div><b>Findings</b>: none</div>")
        if self.details is not None:
            self.details.set_title(0, f"Findings ({len(findings)})")
        rows.append(("Findings (open the panel below)", str(len(findings))))
        return readout_table(rows, headline=f"{fmt.describe_net(summary.net)} ({measure})")
