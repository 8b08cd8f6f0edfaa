"""Lesson 11: a cash-and-carry trade: funding and basis, and when it turns directional."""

from __future__ import annotations

import ipywidgets as widgets

from .. import _format as fmt
from .._book import Book, Position
from .._margin import funding_payment
from .._periods import FUNDING_PERIODS_PER_YEAR
from .._scenarios import shock_pnl
from ..plots import COLORS, money_axis
from ._base import Dashboard, checked_arguments, fraction_slider, readout_table

__all__ = ["FundingBasisDashboard", "carry_book"]

SPOT = 50_000.0


def carry_book(notional: float, leg: str) -> Book:
    """BTC bought spot and the same size sold in a perpetual, linear or inverse."""
    held = Position("BTC spot", "BTC", "spot", "long", quantity=notional / SPOT, price=SPOT)
    if leg == "inverse":
        perp = Position("BTC perp", "BTC", "perp", "short", quantity=notional / 100,
                        contract_size=100, inverse=True, price=SPOT, entry_price=SPOT)
    else:
        perp = Position("BTC perp", "BTC", "perp", "short", quantity=notional / SPOT, price=SPOT)
    return Book([held, perp])


class FundingBasisDashboard(Dashboard):
    """Funding-rate, basis and price sliders on a long-spot, short-perp trade.

    Examples
    --------
    >>> dash = FundingBasisDashboard()
    >>> dash.controls["funding_rate"].value = -0.0003
    >>> "pays" in dash.readout.value
    True
    """

    title = "Funding and basis: a carry trade drifting directional"
    alt = ("Bars in dollars of the spot long, the perp short and the net exposure after the price "
           "and basis moves.")
    hint = ("switch the perp to inverse and move BTC down 30 %: in the face reading (the coin "
            "P&L sold for dollars), the trade meant to be flat is now net short.")

    def __init__(self, notional: float = 100_000, funding_rate: float = 0.0001,
                 basis: float = 0.0, btc_move: float = 0.0, leg: str = "linear") -> None:
        checked_arguments(notional=(notional, 1.0, None),
                          funding_rate=(funding_rate, -0.001, 0.001),
                          basis=(basis, -0.05, 0.05), btc_move=(btc_move, -0.5, 0.5),
                          leg=(leg, ["linear", "inverse"]))
        self.notional = notional
        self._start = (funding_rate, basis, btc_move, leg)
        super().__init__()

    def _controls(self):
        rate, basis, move, leg = self._start
        return {"funding_rate": fraction_slider("Funding rate / 8h", rate, -0.001, 0.001,
                                                0.00005, ".3%"),
                "basis": fraction_slider("Perp premium to spot", basis, -0.05, 0.05, 0.0025,
                                         ".2%"),
                "btc_move": fraction_slider("BTC move", move, -0.5, 0.5, 0.01),
                "leg": widgets.ToggleButtons(options=["linear", "inverse"], value=leg)}

    def _draw(self) -> None:
        ax = self.ax = self.figure.add_subplot()
        names = ["spot long", "perp short", "net"]
        self.bars = ax.bar(names, [0, 0, 0], color=[COLORS["long"], COLORS["short"],
                                                   COLORS["net"]], width=0.6, zorder=2)
        ax.set_title("Exposure after the moves (USD)")
        money_axis(ax)
        self.moving(*self.bars)

    def _update(self, funding_rate: float, basis: float, btc_move: float, leg: str) -> str:
        book = carry_book(self.notional, leg)
        moved = book.shock({"BTC": btc_move}).shock({"BTC perp": basis}, on="name")
        pnl = shock_pnl(book, {"BTC": btc_move}) + shock_pnl(book.shock({"BTC": btc_move}),
                                                            {"BTC perp": basis}, on="name")
        perp = moved.exposures().loc["BTC perp"]
        received = funding_payment(perp, funding_rate)
        exposures = moved.exposures().tolist()
        heights = [exposures[0], exposures[1], sum(exposures)]
        for bar, value in zip(self.bars, heights):
            bar.set_height(value)
        self.fit_y(self.ax, heights)
        verb = "receives" if received >= 0 else "pays"
        return readout_table([
            ("Funding per 8 hours", f"the short {verb} {fmt.usd(abs(received), cents=True)}"),
            ("Funding per year (3 payments a day x 365)",
             f"the short {verb} {fmt.usd(abs(received) * FUNDING_PERIODS_PER_YEAR)}"),
            ("P&L of the moves (price and basis)", fmt.usd(pnl)),
            ("Net exposure now" + (" (inverse, face reading: coin P&L sold for dollars)"
                                   if leg == "inverse" else ""),
             fmt.describe_net(moved.net_exposure())),
        ], headline=f"{fmt.describe_net(moved.net_exposure())}; the short {verb} funding")
