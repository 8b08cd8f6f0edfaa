"""Charts of exposure, one function per chart, all in one style.

Every function takes ``ax=None`` (a new figure when missing) and returns the Axes. Long, short,
net and gross always wear the same colours (Okabe-Ito, safe for colour-blind readers), money axes
read ``$150k``, and a zero line shows where long turns into short.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ._book import Book, ExposureSummary
from ._errors import InputError
from ._format import usd_short

__all__ = ["COLORS", "new_axes", "money_axis", "exposure_bars", "waterfall", "exposure_by",
           "net_vs_hedge_ratio", "scenario_heatmap", "exposure_path_chart", "delta_curve",
           "exposure_history_chart", "net_to_gross_chart", "rolling_beta_chart",
           "returns_scatter", "show_in_notebook", "shown_in"]

COLORS = {"long": "#0072B2", "short": "#D55E00", "net": "#009E73", "gross": "#7F7F7F",
          "marker": "#CC79A7", "zero": "#222222", "band": "#F0E442"}
_MONEY = FuncFormatter(lambda value, _: usd_short(value))
# Two views of one grid never share colours: P&L red (loss) to blue (gain); net exposure orange
# (short) to purple (long). Both maps are diverging and readable with colour-blindness.
HEATMAP_CMAPS = {"P&L": "RdBu", "net exposure": "PuOr"}


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = (6.0, 3.6)) -> Axes:
    """Return ``ax``, or the Axes of a new figure (not registered with pyplot).

    Such a figure is never shown by pyplot, so in a notebook it shows through the formatters that
    `show_in_notebook` registers: a chart function's Axes, last in a cell, displays as its picture.
    """
    if ax is not None:
        return ax
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    return figure.add_subplot()


def _figure_png(figure: Figure) -> bytes:
    from IPython.core.pylabtools import print_figure

    return print_figure(figure, "png", bbox_inches="tight")


def _axes_png(ax: Axes) -> bytes | None:
    if getattr(ax.figure.canvas, "manager", None) is not None:
        return None                      # a pyplot figure: the inline backend shows it already
    return _figure_png(ax.figure)


def _described_html(figure: Figure) -> str:
    """The chart as an HTML image with a text alternative (its titles) for screen readers; the
    class keeps MathJax off dollar signs in the alternative."""
    import base64
    import html

    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    alt = html.escape("Chart: " + ("; ".join(titles) if titles else "exposure_kit chart"),
                      quote=True)
    picture = base64.b64encode(_figure_png(figure)).decode("ascii")
    return f"<img class='mathjax_ignore tex2jax_ignore' alt='{alt}' src='data:image/png;base64,{picture}'/>"


def _axes_html(ax: Axes) -> str | None:
    if getattr(ax.figure.canvas, "manager", None) is not None:
        return None
    return _described_html(ax.figure)


def show_in_notebook() -> bool:
    """Let Jupyter display this module's charts: an Axes or Figure last in a cell shows as a PNG
    (and as the same PNG in HTML with a text alternative, which JupyterLab and Voila show).

    Called when the module is imported; returns False outside IPython, where there is nothing to do.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Axes, _axes_png)
    png.for_type(Figure, _figure_png)
    # JupyterLab and Voila prefer the HTML form: the same picture with alternative text
    page = shell.display_formatter.formatters["text/html"]
    page.for_type(Axes, _axes_html)
    page.for_type(Figure, _described_html)
    return True


def money_axis(ax: Axes, axis: str = "y") -> Axes:
    """Format an axis in compact dollars and draw the zero line."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(_MONEY)
    line = ax.axhline if axis == "y" else ax.axvline
    line(0, color=COLORS["zero"], linewidth=0.8, zorder=1)
    ax.grid(axis=axis, alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plain_label(text: object) -> str:
    """Text from data (a name, a venue, an account) as matplotlib shows it literally: a ``$``
    would otherwise start mathtext (``Desk $$ main`` fails to draw, ``Hedge $5k vs $10k`` is
    set as a formula).

    Examples
    --------
    >>> print(plain_label("Hedge $5k vs $10k"))
    Hedge \\$5k vs \\$10k
    """
    return str(text).replace("$", r"\$")


def shown_in(ax: Axes, artist) -> bool:
    """Whether ``artist`` is visible and shows inside ``ax`` at its current limits.

    A line counts when one of its points lies inside the axes (a line at y = 2 on a -1.1 to 1.1
    axis does not); a patch when its box meets the axes'. Used to keep a legend to what the
    chart shows.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes the artist is drawn in.
    artist : matplotlib.artist.Artist
        A line, a patch or a collection.

    Returns
    -------
    bool

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> ax.set_ylim(-1, 1)
    (-1.0, 1.0)
    >>> shown_in(ax, ax.axhline(0.5)), shown_in(ax, ax.axhline(2.0))
    (True, False)
    """
    if not artist.get_visible():
        return False
    box = ax.bbox
    if hasattr(artist, "get_xydata"):
        points = artist.get_transform().transform(artist.get_xydata())
    elif hasattr(artist, "get_offsets") and len(artist.get_offsets()):
        points = artist.get_offset_transform().transform(artist.get_offsets())
    elif hasattr(artist, "get_window_extent"):
        extent = artist.get_window_extent()
        return extent.x1 >= box.x0 and extent.x0 <= box.x1 and \
            extent.y1 >= box.y0 and extent.y0 <= box.y1
    else:
        return True
    points = np.asarray(points, dtype=float)
    inside = ((points[:, 0] >= box.x0 - 0.5) & (points[:, 0] <= box.x1 + 0.5) &
              (points[:, 1] >= box.y0 - 0.5) & (points[:, 1] <= box.y1 + 0.5))
    return bool(inside.any())


def _summary_of(source: Book | ExposureSummary) -> ExposureSummary:
    return source.summary() if isinstance(source, Book) else source


def exposure_bars(source: Book | ExposureSummary, ax: Axes | None = None,
                  title: str = "Long, short, net and gross exposure") -> Axes:
    """Bars of long (up), short (down), net (signed) and gross (up).

    Examples
    --------
    >>> from exposure_kit import Position
    >>> book = Book([Position("a", "BTC", "perp", "long", notional=150_000),
    ...              Position("b", "ETH", "future", "short", notional=100_000)])
    >>> [round(p.get_height()) for p in exposure_bars(book).patches]
    [150000, -100000, 50000, 250000]
    """
    s = _summary_of(source)
    ax = new_axes(ax)
    names = ["long", "short", "net", "gross"]
    heights = [s.long, -s.short, s.net, s.gross]
    bars = ax.bar(names, heights, color=[COLORS[n] for n in names], width=0.6, zorder=2)
    for bar, value in zip(bars, heights):
        ax.annotate(usd_short(value), (bar.get_x() + bar.get_width() / 2, value),
                    ha="center", va="bottom" if value >= 0 else "top", fontsize=9,
                    xytext=(0, 3 if value >= 0 else -3), textcoords="offset points")
    fit_money_limits(ax, heights)
    ax.set_title(plain_label(title))
    return money_axis(ax)


def fit_money_limits(ax: Axes, values: Sequence[float], pad: float = 0.15) -> None:
    """Set y limits that hold every value, zero and a margin for labels."""
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    ax.set_ylim(low - pad * span * (low < 0), high + pad * span)


def waterfall(book: Book, ax: Axes | None = None, **options) -> Axes:
    """Each position's signed exposure stacked from zero, ending in the net bar.

    Longs step up, shorts step down; the last bar is the net exposure. Each bar is labelled
    with its amount (``$120k``, ``-$70k``). ``options`` are those of :meth:`Book.exposures`
    (``measure=...``).

    Examples
    --------
    >>> from exposure_kit import Position
    >>> book = Book([Position("BTC perp", "BTC", "perp", "long", notional=120_000),
    ...              Position("ETH future", "ETH", "future", "short", notional=70_000),
    ...              Position("BTC quarterly", "BTC", "future", "short", notional=20_000)])
    >>> ax = waterfall(book)
    >>> [round(p.get_height()) for p in ax.patches][-1]
    30000
    >>> [t.get_text() for t in ax.texts]
    ['$120k', '-$70k', '-$20k', '$30k']
    """
    exposures = book.exposures(**options)
    ax = new_axes(ax)
    bottoms, heights, colours = waterfall_geometry(exposures.to_numpy())
    labels = [*map(plain_label, exposures.index), "net"]
    bars = ax.bar(range(len(labels)), heights, bottom=bottoms, color=colours, width=0.6, zorder=2)
    # Each bar says its step (the net bar its total) at its far end: above a rise, below a fall.
    ax.bar_label(bars, labels=[usd_short(h) for h in heights], padding=2, fontsize=9)
    ax.set_xticks(range(len(labels)), labels, rotation=20 if len(labels) > 4 else 0, ha="right"
                  if len(labels) > 4 else "center")
    tops = np.concatenate([bottoms + heights, bottoms])
    fit_money_limits(ax, tops.tolist())
    falls = (bottoms + heights)[heights < 0]
    if falls.size:                       # room under the lowest fall for its label
        low, high = ax.get_ylim()
        room = 0.1 * (high - low)
        if falls.min() - room < low:
            ax.set_ylim(falls.min() - room, high)
    ax.set_title("From each position to the net exposure")
    return money_axis(ax)


def waterfall_geometry(signed: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Bottoms, heights and colours of a waterfall over ``signed`` exposures plus a net bar."""
    ends = np.cumsum(signed)
    starts = ends - signed
    net = ends[-1] if len(ends) else 0.0
    bottoms = np.append(starts, 0.0)
    heights = np.append(signed, net)
    colours = [COLORS["long"] if v >= 0 else COLORS["short"] for v in signed] + [COLORS["net"]]
    return bottoms, heights, colours


def exposure_by(table: pd.DataFrame, ax: Axes | None = None, column: str | None = None) -> Axes:
    """Horizontal bars of long and short per group, with the net as a dot.

    ``table`` is what :meth:`Book.by` returns.

    Examples
    --------
    >>> from exposure_kit import Position
    >>> book = Book([Position("a", "BTC", "perp", "long", notional=5.0),
    ...              Position("b", "ETH", "perp", "short", notional=2.0)])
    >>> len(exposure_by(book.by("underlying")).patches)
    4
    """
    ax = new_axes(ax, figsize=(6.0, max(2.4, 0.45 * len(table) + 1.2)))
    y = np.arange(len(table))
    ax.barh(y, table["long"], color=COLORS["long"], height=0.6, label="long", zorder=2)
    ax.barh(y, -table["short"], color=COLORS["short"], height=0.6, label="short", zorder=2)
    ax.scatter(table["net"], y, color=COLORS["net"], edgecolor="white", s=60, zorder=3,
               label="net")
    ax.set_yticks(y, [plain_label(k) for k in table.index])
    # Top to bottom, with a strip under the last group for the legend, clear of the bars.
    ax.set_ylim(len(table) - 0.5 + 0.35, -0.6)
    name = column or table.index.name or "group"
    ax.set_title(plain_label(f"Exposure by {name}"))
    ax.legend(loc="lower right", fontsize=8, frameon=False, ncols=3, borderaxespad=0.2)
    return money_axis(ax, axis="x")


def net_vs_hedge_ratio(ratios: Sequence[float], nets: Sequence[float], current: float | None = None,
                       ax: Axes | None = None, band: float = 0.0) -> Axes:
    """Net exposure against the hedge ratio, with the current ratio marked.

    Examples
    --------
    >>> ax = net_vs_hedge_ratio([0, 1, 1.5], [100_000, 0, -50_000], current=1.0)
    >>> ax.get_lines()[0].get_ydata().tolist()
    [100000, 0, -50000]
    """
    ax = new_axes(ax)
    ax.plot(ratios, nets, color=COLORS["net"], linewidth=2, zorder=2, label="net exposure")
    if current is not None:
        ax.plot([current], [np.interp(current, ratios, nets)], "o", color=COLORS["marker"],
                markersize=9, zorder=3, label="your hedge")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("hedge ratio (short perp / BTC held)")
    ax.set_title("Net exposure as the hedge grows")
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    return money_axis(ax)


def scenario_heatmap(values: pd.DataFrame, ax: Axes | None = None, label: str = "P&L",
                     x: str = "BTC", y: str = "ETH", cmap: str | None = None) -> Axes:
    """A grid of outcomes (rows: moves of ``y``; columns: moves of ``x``), red for losses.

    The colours follow ``label`` (``HEATMAP_CMAPS``): a P&L grid runs red to blue, a net
    exposure grid orange (short) to purple (long); ``cmap`` overrides.

    Examples
    --------
    >>> grid = pd.DataFrame([[-1.0, 0.0], [0.0, 1.0]], index=[-0.1, 0.1], columns=[-0.1, 0.1])
    >>> scenario_heatmap(grid).images[0].get_array().shape
    (2, 2)
    """
    ax = new_axes(ax, figsize=(5.4, 4.2))
    data = values.to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(data))) or 1.0
    xs, ys = values.columns.to_numpy(float), values.index.to_numpy(float)
    cmap = cmap or HEATMAP_CMAPS.get(label, "RdBu")
    image = ax.imshow(data, origin="lower", cmap=cmap, vmin=-limit, vmax=limit, aspect="auto",
                      extent=_extent(xs, ys))
    bar = ax.figure.colorbar(image, ax=ax, format=_MONEY)
    bar.set_label(label)
    pct = FuncFormatter(lambda v, _: f"{v:+.0%}")
    ax.xaxis.set_major_formatter(pct)
    ax.yaxis.set_major_formatter(pct)
    ax.set_xlabel(plain_label(f"{x} price move"))
    ax.set_ylabel(plain_label(f"{y} price move"))
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(plain_label(f"{label} when {x} and {y} move"))
    return ax


def _extent(xs: np.ndarray, ys: np.ndarray) -> list[float]:
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) / 2 or 0.5
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2 or 0.5
    return [xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy]


def exposure_path_chart(path: pd.DataFrame, ax: Axes | None = None,
                        title: str = "Exposure along the price path") -> Axes:
    """Long, short (as a negative line), net and gross at each step of a path.

    ``path`` has columns ``long``, ``short``, ``net``, ``gross`` (see ``exposure_path``).

    Examples
    --------
    >>> path = pd.DataFrame({"long": [1.0, 2.0], "short": [1.0, 1.0], "net": [0.0, 1.0],
    ...                      "gross": [2.0, 3.0]})
    >>> [line.get_label() for line in exposure_path_chart(path).get_lines()[:4]]
    ['long', 'short', 'net', 'gross']
    """
    ax = new_axes(ax)
    steps = path.index.to_numpy()
    ax.plot(steps, path["long"], color=COLORS["long"], label="long")
    ax.plot(steps, -path["short"], color=COLORS["short"], label="short")
    ax.plot(steps, path["net"], color=COLORS["net"], linewidth=2.2, label="net")
    ax.plot(steps, path["gross"], color=COLORS["gross"], linestyle="--", label="gross")
    ax.set_xlabel("step (day)")
    ax.set_title(plain_label(title))
    ax.legend(loc="upper left", fontsize=8, ncols=4, frameon=False)
    return money_axis(ax)


def delta_curve(spots: Sequence[float], deltas: Sequence[float], current: float | None = None,
                current_delta: float | None = None, strike: float | None = None,
                ax: Axes | None = None) -> Axes:
    """An option's delta against the underlying's price, the current price marked.

    Examples
    --------
    >>> ax = delta_curve([50_000, 60_000, 70_000], [0.2, 0.55, 0.8], current=60_000,
    ...                  current_delta=0.55)
    >>> ax.get_lines()[0].get_ydata().tolist()
    [0.2, 0.55, 0.8]
    """
    ax = new_axes(ax)
    ax.plot(spots, deltas, color=COLORS["net"], linewidth=2, label="delta")
    if current is not None and current_delta is not None:
        ax.plot([current], [current_delta], "o", color=COLORS["marker"], markersize=9,
                label="now")
    if strike is not None:
        ax.axvline(strike, color=COLORS["gross"], linestyle=":", label="strike")
    ax.set_ylim(-1.05, 1.05)
    ax.axhline(0, color=COLORS["zero"], linewidth=0.8)
    ax.xaxis.set_major_formatter(_MONEY)
    ax.set_xlabel("underlying price")
    ax.set_ylabel("delta (per coin)")
    ax.set_title("Option delta against the underlying's price")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.grid(alpha=0.25)
    return ax


def exposure_history_chart(history: pd.DataFrame, ax: Axes | None = None,
                           title: str = "Exposure over time") -> Axes:
    """Exposure by date in the pyfolio style: long and short as areas (short below zero), net
    as a line, gross dashed.

    ``history`` has columns ``long``, ``short``, ``net``, ``gross`` indexed by date (see
    :func:`exposure_kit.exposure_history`; a replay's ``exposure`` also fits).

    Examples
    --------
    >>> history = pd.DataFrame({"long": [150.0, 170.0], "short": [100.0, 130.0],
    ...                         "net": [50.0, 40.0], "gross": [250.0, 300.0]},
    ...                        index=pd.date_range("2024-06-01", periods=2, name="date"))
    >>> ax = exposure_history_chart(history)
    >>> [line.get_label() for line in ax.get_lines()[:2]], len(ax.collections)
    (['net', 'gross'], 2)
    """
    if isinstance(history.index, pd.MultiIndex):
        raise InputError("history is split by a column: chart one group, e.g. "
                         "history.xs('Binance', level=1)")
    ax = new_axes(ax, figsize=(7.0, 3.8))
    dates = history.index
    ax.fill_between(dates, 0, history["long"], color=COLORS["long"], alpha=0.35, linewidth=0,
                    label="long")
    ax.fill_between(dates, 0, -history["short"], color=COLORS["short"], alpha=0.35,
                    linewidth=0, label="short")
    ax.plot(dates, history["net"], color=COLORS["net"], linewidth=2.2, label="net")
    ax.plot(dates, history["gross"], color=COLORS["gross"], linestyle="--", label="gross")
    ax.set_ylabel("exposure (USD)")
    ax.set_title(plain_label(title), pad=22)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncols=4, frameon=False,
              borderaxespad=0.2)
    _date_axis(ax)
    return money_axis(ax)


def net_to_gross_chart(history: pd.DataFrame, band: float = 0.05, ax: Axes | None = None,
                       title: str = "Net as a share of gross") -> Axes:
    """Net / gross by date, in percent, with the neutral band shaded and the days outside it
    marked: a swing that a money scale the size of the gross flattens.

    ``history`` has a ``net_to_gross`` column indexed by date (see
    :func:`exposure_kit.exposure_history`).

    Examples
    --------
    >>> history = pd.DataFrame({"net_to_gross": [0.02, -0.07]},
    ...                        index=pd.date_range("2024-06-01", periods=2, name="date"))
    >>> ax = net_to_gross_chart(history, band=0.05)
    >>> [line.get_label() for line in ax.get_lines()[:2]]
    ['net / gross', 'outside the band']
    """
    from matplotlib.dates import DateFormatter, DayLocator
    from matplotlib.ticker import MultipleLocator

    ax = new_axes(ax, figsize=(7.0, 3.4))
    ratio = history["net_to_gross"] * 100
    outside = ratio[ratio.abs() > band * 100]
    ax.axhspan(-band * 100, band * 100, color=COLORS["gross"], alpha=0.12,
               label=f"neutral band (±{band:.0%})")
    ax.plot(history.index, ratio, color=COLORS["net"], linewidth=2.2, marker="o", markersize=3,
            label="net / gross")
    ax.plot(outside.index, outside, "o", color=COLORS["short"], markersize=7,
            label="outside the band")
    ax.axhline(0, color=COLORS["zero"], linewidth=0.8)
    span = max(band * 100 * 1.6, float(ratio.abs().max()) * 1.2)
    ax.set_ylim(-span, span)
    ax.yaxis.set_major_locator(MultipleLocator(band * 100 / 2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+g}%" if v else "0%"))
    ax.set_ylabel("net / gross")
    ax.xaxis.set_major_locator(DayLocator(interval=max(1, len(history) // 8)))
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    ax.set_title(plain_label(title), pad=22)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncols=3, frameon=False,
              borderaxespad=0.2)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _date_axis(ax: Axes) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def rolling_beta_chart(rolling: pd.DataFrame, ax: Axes | None = None,
                       full_window: float | None = None) -> Axes:
    """A rolling beta with a band of two standard errors either side.

    ``rolling`` comes from :func:`exposure_kit.rolling_hedge_estimates`; ``full_window`` draws
    the beta estimated over the whole history as a dotted line, for comparison.

    Examples
    --------
    >>> rolling = pd.DataFrame({"beta": [1.0, 1.2], "beta_se": [0.1, 0.1]},
    ...                        index=pd.date_range("2024-01-01", periods=2, name="date"))
    >>> rolling.attrs = {"window": 90, "asset": "ETH", "reference": "BTC"}
    >>> rolling_beta_chart(rolling).get_lines()[0].get_ydata().tolist()
    [1.0, 1.2]
    """
    ax = new_axes(ax, figsize=(7.0, 3.6))
    attrs = rolling.attrs
    window = attrs.get("window", "?")
    asset, reference = attrs.get("asset", "asset"), attrs.get("reference", "reference")
    dates, beta, se = rolling.index, rolling["beta"], rolling["beta_se"]
    ax.plot(dates, beta, color=COLORS["net"], linewidth=1.8, label=f"{window}-day beta")
    ax.fill_between(dates, beta - 2 * se, beta + 2 * se, color=COLORS["net"], alpha=0.2,
                    linewidth=0, label="± 2 standard errors")
    if full_window is not None:
        ax.axhline(full_window, color=COLORS["gross"], linestyle=":", label="whole history")
    ax.set_ylabel(plain_label(f"beta of {asset} to {reference}"))
    ax.set_title(plain_label(f"How stable is {asset}'s beta to {reference}? ({window}-day "
                             "windows)"), pad=22)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncols=3, frameon=False,
              borderaxespad=0.2)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    _date_axis(ax)
    return ax


def returns_scatter(prices: pd.DataFrame, asset: str, reference: str = "BTC", *,
                    window: int | None = None, method: str = "log",
                    ax: Axes | None = None) -> Axes:
    """Each day's return of ``asset`` against ``reference``'s, with the best straight line
    through the points: its slope is the beta of :func:`exposure_kit.hedge_estimates`.

    Parameters
    ----------
    prices : DataFrame
        Closes by date (:func:`exposure_kit.read_prices`, :func:`exposure_kit.sample_prices`).
    asset : str
        Drawn up the side (the y axis).
    reference : str, default "BTC"
        Drawn along the bottom (the x axis).
    window : int, optional
        The last ``window`` returns; all of them by default.
    method : {"log", "simple", "change"}, default "log"
        See :func:`exposure_kit.price_returns`.
    ax : Axes, optional
        Where to draw; a new figure when missing.

    Returns
    -------
    Axes
        The points first (``ax.collections[0]``), then the fitted line (``ax.get_lines()[0]``).

    Examples
    --------
    >>> prices = pd.DataFrame({"BTC": [100.0, 101.0, 99.0, 102.0, 102.0],
    ...                        "ETH": [10.0, 10.1, 10.4, 10.3, 10.5]},
    ...                       index=pd.date_range("2024-01-01", periods=5, name="date"))
    >>> ax = returns_scatter(prices, "ETH", method="simple")
    >>> len(ax.collections[0].get_offsets())
    4
    """
    from ._estimates import _check_prices, _pair, hedge_estimates

    estimate = hedge_estimates(prices, asset, reference, window=window, method=method)
    returns = _pair(_check_prices(prices), asset, reference, method)
    returns = returns.loc[estimate.start:estimate.end].iloc[-estimate.observations:]
    x, y = returns["reference"].to_numpy(), returns["asset"].to_numpy()
    beta = estimate.beta.value
    ends = np.array([x.min(), x.max()])
    ax = new_axes(ax, figsize=(6.0, 5.0))
    ax.scatter(x, y, s=9, color=COLORS["long"], alpha=0.45, linewidth=0, label="one day")
    ax.plot(ends, y.mean() + beta * (ends - x.mean()), color=COLORS["short"], linewidth=2.2,
            label=f"best straight line: slope (beta) {beta:.2f}")
    ax.plot(ends, ends, color=COLORS["gross"], linestyle=":", label="slope 1 (one-for-one)")
    percent = FuncFormatter(lambda v, _: f"{v:+.0%}" if v else "0%")
    ax.xaxis.set_major_formatter(percent)
    ax.yaxis.set_major_formatter(percent)
    ax.set_xlabel(plain_label(f"{estimate.reference} return that day"))
    ax.set_ylabel(plain_label(f"{estimate.asset} return that day"))
    ax.set_title(plain_label(f"Daily returns, {estimate.asset} against {estimate.reference}, "
                             f"{estimate.start:%d %b %Y} to {estimate.end:%d %b %Y}"), pad=22)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncols=3, frameon=False,
              borderaxespad=0.2)
    ax.axhline(0, color=COLORS["zero"], linewidth=0.6)
    ax.axvline(0, color=COLORS["zero"], linewidth=0.6)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


show_in_notebook()
