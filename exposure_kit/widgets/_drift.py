"""Lesson 07: a hedge balanced at entry drifts as prices move."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import _format as fmt
from .._book import Book, Position
from .._paths import exposure_path, price_paths
from ..plots import COLORS, money_axis
from ._base import _LAYOUT, _STYLE, Dashboard, checked_arguments, fraction_slider, readout_table, whole_slider

__all__ = ["DriftDashboard", "HEDGES", "drift_book"]

START = {"BTC": 50_000.0, "ETH": 3_000.0}
VOLS = {"BTC": 0.6, "ETH": 0.8}
# label -> (hedge instrument, how the inverse contract is counted)
HEDGES = {
    "ETH perp short (linear)": ("eth", "face"),
    "BTC inverse perp short, face reading": ("inverse", "face"),
    "BTC inverse perp short, coin-P&L reading": ("inverse", "coin_pnl"),
}


def drift_book(hedge: str, size: float = 100_000) -> Book:
    """Two BTC held at 50,000, hedged at entry by ``size`` of ETH perps or BTC inverse perps."""
    held = Position("BTC held", "BTC", "spot", "long", quantity=size / START["BTC"],
                    price=START["BTC"])
    if hedge == "eth":
        short = Position("ETH perp", "ETH", "perp", "short", quantity=size / START["ETH"],
                         price=START["ETH"])
    else:
        short = Position("BTC inverse perp", "BTC", "perp", "short", quantity=size / 100,
                         contract_size=100, inverse=True, price=START["BTC"],
                         entry_price=START["BTC"])
    return Book([held, short])


class DriftDashboard(Dashboard):
    """Price sliders per asset and a simulated path: how far a flat book drifts.

    Examples
    --------
    >>> dash = DriftDashboard()
    >>> dash.controls["hedge"].value = "BTC inverse perp short, face reading"
    >>> dash.controls["btc"].value = -0.2
    >>> "$20,000 net short" in dash.readout.value
    True
    """

    title = "Drift: a balanced hedge after prices move"
    alt = ("Left, bars in dollars of the BTC held, the hedge and the net after the price moves; "
           "right, the net and gross exposure along a simulated half year, held unchanged.")
    hint = ("with the ETH hedge, move BTC down 20 % and ETH up 10 %: the flat book is now "
            "net short. Then try the two inverse views with BTC down.")
    figsize = (8.6, 3.4)
    margins = {"left": 0.09, "right": 0.98, "top": 0.88, "bottom": 0.15, "wspace": 0.3}

    def __init__(self, btc: float = 0.0, eth: float = 0.0,
                 hedge: str = "ETH perp short (linear)", seed: int = 1) -> None:
        checked_arguments(btc=(btc, -0.5, 0.5), eth=(eth, -0.5, 0.5), hedge=(hedge, list(HEDGES)),
                          seed=(seed, 0, 20, int))
        self._start = (btc, eth, hedge, seed)
        self._path_key = None
        super().__init__()

    def _controls(self):
        btc, eth, hedge, seed = self._start
        return {"btc": fraction_slider("BTC move", btc, -0.5, 0.5, 0.01),
                "eth": fraction_slider("ETH move", eth, -0.5, 0.5, 0.01),
                "hedge": widgets.Dropdown(options=list(HEDGES), value=hedge,
                                          description="Hedge", style=_STYLE, layout=_LAYOUT),
                "seed": whole_slider("Path (seed)", seed, 0, 20)}

    def _draw(self) -> None:
        self.ax, self.path_ax = self.figure.subplots(1, 2, width_ratios=[1, 1.6])
        self._path_key = None
        names = ["long", "short", "net"]
        self.bars = self.ax.bar(names, [0, 0, 0], color=[COLORS[n] for n in names], width=0.6,
                                zorder=2)
        self.ax.set_title("After the move")
        money_axis(self.ax)
        (self.net_line,) = self.path_ax.plot([], [], color=COLORS["net"], linewidth=2,
                                             label="net, held unchanged")
        (self.gross_line,) = self.path_ax.plot([], [], color=COLORS["gross"], linestyle="--",
                                               label="gross")
        self.path_ax.set_xlabel("day")
        self.path_ax.set_title("Along a simulated half year")
        self.path_ax.legend(loc="upper right", fontsize=8, frameon=False)
        money_axis(self.path_ax)
        self.moving(*self.bars, self.net_line, self.gross_line)

    def _update_path(self, hedge: str, seed: int) -> None:
        if self._path_key == (hedge, seed):
            return
        instrument, inverse = HEDGES[hedge]
        paths = price_paths(START, VOLS, correlation=0.8, steps=180, seed=seed)
        path = exposure_path(drift_book(instrument), paths, inverse=inverse)
        days = path.index.to_numpy()
        self.net_line.set_data(days, path["net"].to_numpy())
        self.gross_line.set_data(days, path["gross"].to_numpy())
        self.path_ax.set_xlim(days[0], days[-1])
        values = np.concatenate([path["net"], path["gross"]])
        low, high = min(values.min(), 0.0), values.max()
        self.path_ax.set_ylim(low - 0.1 * (high - low), high + 0.1 * (high - low))
        self._path_key = (hedge, seed)
        self.invalidate()

    def _update(self, btc: float, eth: float, hedge: str, seed: int) -> str:
        instrument, inverse = HEDGES[hedge]
        book = drift_book(instrument).shock({"BTC": btc, "ETH": eth} if instrument == "eth"
                                            else {"BTC": btc})
        long = book.long_exposure(inverse=inverse)
        short = book.short_exposure(inverse=inverse)
        for bar, value in zip(self.bars, [long, -short, long - short]):
            bar.set_height(value)
        self.fit_y(self.ax, [long, -short, long - short])
        self._update_path(hedge, seed)
        return readout_table([
            ("BTC held", fmt.usd(long)), ("Hedge", fmt.usd(short)),
            ("Net after the move", fmt.usd(long - short)),
        ], headline=fmt.describe_net(long - short))
