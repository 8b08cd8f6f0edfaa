"""Lesson 05: equity and size sliders; leverage, margin and how far liquidation is."""

from __future__ import annotations

from .. import _format as fmt
from .._book import Book, Position
from .._margin import MarginAccount
from ..plots import COLORS
from ._base import Dashboard, checked_arguments, money_slider, readout_table

__all__ = ["LeverageDashboard", "leveraged_book"]

BTC, ETH = 60_000.0, 3_000.0


def leveraged_book(long: float, short: float) -> Book:
    """A BTC perp long and an ETH perp short, sized in coins at 60,000 and 3,000."""
    return Book([Position("BTC perp", "BTC", "perp", "long", quantity=long / BTC, price=BTC),
                 Position("ETH perp", "ETH", "perp", "short", quantity=short / ETH, price=ETH)])


def _move_text(move: float | None, liquidated: bool = False) -> str:
    if liquidated:
        return "already liquidated"
    return "no single move" if move is None else f"{move:+.1%}"


def _rate_text(rate: float) -> str:
    """A rate as few digits as it needs: 0.05 as ``5%``, 0.005 as ``0.5%``."""
    return f"{rate * 100:.6g}%"


class LeverageDashboard(Dashboard):
    """Equity and size sliders on a cross-margin account: leverage, margin ratio, liquidation.

    Examples
    --------
    >>> dash = LeverageDashboard()
    >>> dash.controls["equity"].value = 25_000
    >>> "10.00x" in dash.readout.value
    True
    """

    title = "Low net, high gross: leverage and margin"
    hint = ("raise the ETH short to match the long: net falls to zero, gross leverage rises, and "
            "an ETH rally can still liquidate the account.")

    def __init__(self, equity: float = 50_000, long: float = 150_000, short: float = 100_000,
                 maintenance_margin_rate: float = 0.05) -> None:
        checked_arguments(equity=(equity, 1_000, None), long=(long, 0, None),
                          short=(short, 0, None),
                          maintenance_margin_rate=(maintenance_margin_rate, 0, 1))
        self.mmr = maintenance_margin_rate
        self._start = (equity, long, short)
        super().__init__()

    @classmethod
    def from_book(cls, book: Book, equity: float = 50_000) -> "LeverageDashboard":
        """Start from a book's long and short totals."""
        return cls(equity=equity, long=book.long_exposure(), short=book.short_exposure())

    def _controls(self):
        equity, long, short = self._start
        top = 2 * max(long, short, 100_000)
        return {"equity": money_slider("Equity (USD wallet) $", equity, max(2 * equity, 100_000),
                                       step=1_000, minimum=1_000),
                "long": money_slider("BTC perp long $", long, top),
                "short": money_slider("ETH perp short $", short, top)}

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        names = ["gross leverage", "net leverage"]
        self.bars = ax.bar(names, [0, 0], color=[COLORS["gross"], COLORS["net"]], width=0.5,
                           zorder=2)
        self.labels = [ax.annotate("", (i, 0), xytext=(0, 3), textcoords="offset points",
                                   ha="center", fontsize=10) for i in range(2)]
        ax.axhline(0, color=COLORS["zero"], linewidth=0.8)
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0f}x")
        ax.set_title("Exposure as a multiple of equity")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.25)
        self.moving(*self.bars, *self.labels)

    def _update(self, equity: float, long: float, short: float) -> str:
        book = leveraged_book(long, short)
        s = book.summary(equity=equity)
        account = MarginAccount(book, equity, maintenance_margin_rate=self.mmr)
        values = [s.gross_leverage, s.net_leverage]
        for bar, label, value in zip(self.bars, self.labels, values):
            bar.set_height(value)
            label.xy = (label.xy[0], value)
            label.set_text(f"{value:.2f}x")
        self.fit_y(self.ax, values)
        maintenance, liquidated = account.maintenance_margin(), account.is_liquidated()
        if liquidated:
            equity_now = account.equity()
            where = "at" if equity_now == maintenance else "below"
            headline = (f"liquidated: equity {fmt.usd(equity_now)} is {where} the "
                        f"{fmt.usd(maintenance)} maintenance margin")
        else:
            headline = f"{s.gross_leverage:.2f}x gross, {s.net_leverage:.2f}x net"
        return readout_table([
            ("Net exposure", fmt.describe_net(s.net)), ("Gross exposure", fmt.usd(s.gross)),
            ("Gross leverage (gross / equity)", f"{s.gross_leverage:.2f}x"),
            ("Net leverage (net / equity)", f"{s.net_leverage:.2f}x"),
            ("Maintenance rate", _rate_text(self.mmr)),
            ("Maintenance margin (rate x gross)", fmt.usd(maintenance)),
            ("Margin ratio (maintenance / equity)", fmt.percent(account.margin_ratio())),
            ("BTC move that liquidates",
             _move_text(account.liquidating_move("BTC"), liquidated)),
            ("ETH move that liquidates",
             _move_text(account.liquidating_move("ETH"), liquidated)),
        ], headline=headline)
