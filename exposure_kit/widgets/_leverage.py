"""Lesson 06: equity and size sliders; leverage, margin and how far liquidation is."""

from __future__ import annotations

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import _format as fmt
from .._book import Book, Position
from ..plots import COLORS
from ._base import Dashboard, checked_arguments, money_slider, readout_table

__all__ = ["LeverageDashboard", "leveraged_book", "liquidating_moves"]

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


SPANS = (0.1, 0.2, 0.3, 0.5, 0.75, 1.0)    # the ladders' half-widths, as moves from today
BAND = 2.0        # the maintenance band: equity under twice the maintenance margin


def liquidating_moves(equity: float, long: float, short: float, rate: float,
                      times: float = 1.0) -> dict[str, float | None]:
    """The move of BTC alone, and of ETH alone, at which the equity of :func:`leveraged_book`
    in a cross-margin USD account falls to ``times`` its maintenance margin (``times=1``:
    liquidation); 0 when it is there already, None when no move does it.

    Both legs are linear perps entered at today's prices, so the equity is
    ``equity + side x size x m`` and the maintenance ``rate x (gross + size x m)`` for a move
    ``m`` of one coin: a straight line each, met at
    ``m = (times x rate x gross - equity) / (size x (side - times x rate))``.

    Examples
    --------
    >>> moves = liquidating_moves(50_000, 150_000, 100_000, 0.01)
    >>> round(moves["BTC"], 4), round(moves["ETH"], 4)
    (-0.3199, 0.4703)
    """
    gross, need = long + short, times * rate
    if equity <= need * gross:
        return {"BTC": 0.0, "ETH": 0.0}
    moves: dict[str, float | None] = {}
    for coin, size, side in (("BTC", long, 1.0), ("ETH", short, -1.0)):
        move = (need * gross - equity) / (size * (side - need)) if size else None
        # a price cannot fall below zero; past +100,000 % is no move at all
        moves[coin] = move if move is not None and -1.0 < move <= 1_000.0 else None
    return moves


def _span_for(*moves: float | None) -> float:
    """The smallest half-width that shows every liquidating move with room to spare."""
    needed = max((1.3 * abs(m) for m in moves if m), default=0.0)
    return next((span for span in SPANS if span >= needed), SPANS[-1])


class LeverageDashboard(Dashboard):
    """Equity and size sliders on a cross-margin account: a price ladder per coin showing
    today's price, the liquidation price, the maintenance band and the distance in %.

    Parameters
    ----------
    equity : float
        USD in the wallet.
    long, short : float
        USD sizes of the BTC perp long and the ETH perp short (both sliders reach $1,000,000,
        so lesson 06's tight book, 480,000 against 465,000, is on them).
    maintenance_margin_rate : float
        The venue's maintenance rate on every position.

    Examples
    --------
    >>> dash = LeverageDashboard()
    >>> dash.controls["equity"].value = 25_000
    >>> "10.00x" in dash.readout.value
    True
    """

    title = "Low net, high gross: how far from liquidation"
    hint = ("set the BTC long to 480k and the ETH short to 465k (the lesson's tight book): "
            "the net nearly vanishes, yet the liquidation prices close in on today's.")
    alt = ("Two price ladders, BTC above and ETH below, with dollar prices on the axes: today's "
           "price, the liquidation price with the distance to it in %, the maintenance band "
           "just before it, and the liquidated zone beyond in grey.")
    figsize = (6.4, 3.7)
    # room on the right for half of the last price tick ("$3.3k", "$120k")
    margins = {"left": 0.05, "right": 0.94, "top": 0.8, "bottom": 0.1, "hspace": 0.9}

    def __init__(self, equity: float = 50_000, long: float = 150_000, short: float = 100_000,
                 maintenance_margin_rate: float = 0.05) -> None:
        checked_arguments(equity=(equity, 1_000, None), long=(long, 0, None),
                          short=(short, 0, None),
                          maintenance_margin_rate=(maintenance_margin_rate, 0, 1))
        self.mmr = maintenance_margin_rate
        self._start = (equity, long, short)
        self._spans: dict[str, float] = {}
        super().__init__()

    @classmethod
    def from_book(cls, book: Book, equity: float = 50_000,
                  maintenance_margin_rate: float = 0.05) -> "LeverageDashboard":
        """Start from a book's long and short totals."""
        return cls(equity=equity, long=book.long_exposure(), short=book.short_exposure(),
                   maintenance_margin_rate=maintenance_margin_rate)

    def _controls(self):
        equity, long, short = self._start
        top = max(1_000_000, 2 * max(long, short))
        return {"equity": money_slider("Equity (USD wallet) $", equity, max(2 * equity, 100_000),
                                       step=1_000, minimum=1_000),
                "long": money_slider("BTC perp long $", long, top),
                "short": money_slider("ETH perp short $", short, top)}

    def _draw(self) -> None:
        axes = self.figure.subplots(2, 1)
        self.ladders, self._spans = {}, {}
        for ax, (coin, price) in zip(axes, (("BTC", BTC), ("ETH", ETH))):
            ax.set_yticks([])
            ax.spines[["top", "right", "left"]].set_visible(False)
            ax.xaxis.set_major_formatter(lambda v, _: fmt.usd_short(v))
            ax.set_ylim(0, 1)
            ax.set_title(f"{coin}: today {fmt.usd(price)}", loc="left", fontsize=10)
            ax.axvline(price, color=COLORS["zero"], linewidth=2)
            band = ax.axvspan(price, price, color=COLORS["band"], alpha=0.8)
            # plain grey, no hatching: a hatch pattern costs more than the rest of the redraw
            gone = ax.axvspan(price, price, facecolor="#D0D0D0", linewidth=0)
            line = ax.axvline(price, color=COLORS["short"], linewidth=2.5)
            arrow = ax.annotate("", xy=(price, 0.5), xytext=(price, 0.5),
                                arrowprops={"arrowstyle": "->", "color": COLORS["short"],
                                            "linewidth": 1.5})
            # on a white ground: over the yellow band, text alone is hard to read
            distance = ax.text(price, 0.62, "", ha="center", va="bottom", fontsize=10,
                               fontweight="bold",
                               bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            where = ax.text(price, 0.88, "", va="center", fontsize=9, color=COLORS["short"],
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            self.ladders[coin] = (ax, price, band, gone, line, arrow, distance, where)
            self.moving(band, gone, line, arrow, distance, where)
        handles = [Line2D([], [], color=COLORS["zero"], linewidth=2, label="today"),
                   Line2D([], [], color=COLORS["short"], linewidth=2.5, label="liquidation"),
                   Patch(color=COLORS["band"], label=f"equity < {BAND:g}x maintenance"),
                   Patch(facecolor="#D0D0D0", label="liquidated")]
        self.figure.legend(handles=handles, loc="upper center", ncols=4, fontsize=8,
                           frameon=False, bbox_to_anchor=(0.5, 0.995))

    def _update_ladder(self, coin: str, move: float | None, band_move: float | None,
                       span: float) -> None:
        ax, price, band, gone, line, arrow, distance, where = self.ladders[coin]
        low, high = price * (1 - span), price * (1 + span)
        if self._spans.get(coin) != span:
            ax.set_xlim(low, high)
            self._spans[coin] = span
            self.invalidate()
        visible = move is not None
        for artist in (band, gone, line, arrow, where):
            artist.set_visible(visible)
        if not visible:
            distance.set_position((price, 0.62))
            distance.set_text(f"no {coin} move alone within ±{span:.0%} liquidates")
            return
        if move == 0:                          # liquidated already: every price is gone
            _set_span(gone, low, high)
            _set_span(band, price, price)
            for artist in (line, arrow, where):
                artist.set_visible(False)
            distance.set_position((price, 0.62))
            distance.set_text("liquidated: the account is below its maintenance margin")
            return
        liquidation = price * (1 + move)
        edge = low if move < 0 else high
        start = price * (1 + band_move) if band_move is not None else price
        _set_span(band, start, liquidation)
        _set_span(gone, liquidation, edge)
        line.set_xdata([liquidation, liquidation])
        arrow.xy, arrow.xyann = (liquidation, 0.5), (price, 0.5)
        distance.set_position(((price + liquidation) / 2, 0.62))
        distance.set_text(f"{move:+.1%}" if move else "liquidated")
        # the label sits on today's side of the line, clear of the grey zone
        where.set_position((liquidation - 0.01 * span * price * (1 if move < 0 else -1) * -1,
                            0.88))
        where.set_ha("left" if move < 0 else "right")
        where.set_text(f" liquidation {fmt.usd(liquidation)} ")

    def _update(self, equity: float, long: float, short: float) -> str:
        book = leveraged_book(long, short)
        s = book.summary(equity=equity)
        # Both legs are linear perps entered at today's prices: the account's equity is the
        # wallet and its maintenance margin the rate times the gross (what MarginAccount gives
        # for this book, tested; building one costs more than the redraw).
        maintenance = self.mmr * s.gross
        liquidated = equity <= maintenance
        # closed form (tested against MarginAccount.liquidating_move): the engine's search
        # takes longer than a redraw
        moves = liquidating_moves(equity, long, short, self.mmr)
        bands = liquidating_moves(equity, long, short, self.mmr, times=BAND)
        span = _span_for(*moves.values())
        for coin, move in moves.items():
            band = bands[coin] if bands[coin] else None
            self._update_ladder(coin, move, band, span)
        if liquidated:
            state = "at" if equity == maintenance else "below"
            headline = (f"liquidated: equity {fmt.usd(equity)} is {state} the "
                        f"{fmt.usd(maintenance)} maintenance margin")
        else:
            nearest = min((m for m in moves.values() if m is not None), key=abs, default=None)
            headline = (f"{s.gross_leverage:.2f}x gross, {s.net_leverage:.2f}x net"
                        + (f"; liquidated by a move of {abs(nearest):.1%}" if nearest else ""))
        return readout_table([
            ("Net exposure", fmt.describe_net(s.net)), ("Gross exposure", fmt.usd(s.gross)),
            ("Gross leverage (gross / equity)", f"{s.gross_leverage:.2f}x"),
            ("Net leverage (net / equity)", f"{s.net_leverage:.2f}x"),
            ("Maintenance rate", _rate_text(self.mmr)),
            ("Maintenance margin (rate x gross)", fmt.usd(maintenance)),
            ("Maintenance margin / equity", fmt.percent(maintenance / equity)),
            ("BTC move that liquidates", _move_text(moves["BTC"], liquidated)),
            ("ETH move that liquidates", _move_text(moves["ETH"], liquidated)),
        ], headline=headline)


def _set_span(patch, start: float, end: float) -> None:
    """Move an ``axvspan`` rectangle to run from ``start`` to ``end`` (either order)."""
    left, right = sorted((start, end))
    if hasattr(patch, "set_x"):
        patch.set_x(left)
        patch.set_width(right - left)
    else:                                   # older matplotlib: a Polygon
        patch.set_xy([[left, 0], [left, 1], [right, 1], [right, 0], [left, 0]])
