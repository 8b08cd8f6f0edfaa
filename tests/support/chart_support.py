"""Is a dashboard's chart readable? Checks read from matplotlib's own renderer.

- every visible text (tick labels, titles, axis labels, annotations, legend entries) lies inside
  the figure;
- no two visible texts overlap;
- every legend entry names an artist that shows inside its axes (an ``axvline`` at 2.2 on a 0-1.5
  axis is off the chart: its legend entry would describe nothing);
- an arrow with no text of its own ends inside its axes, not at their edge.

``lesson_dashboards()`` builds each lesson's dashboard as the lesson does; ``control_ends()``
gives every value a control can be put to at the ends of its range (each option of a choice).
"""

from __future__ import annotations

import itertools

import ipywidgets
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

import exposure_kit as ek
from exposure_kit import widgets

MAX_CROSSED = 3        # sliders: up to this many, every corner of their ranges is looked at
TOLERANCE = 1.0        # px: a text touching the figure's edge is still whole


def lesson_dashboards() -> dict:
    """Lesson number -> a function building the dashboard as that lesson builds it."""
    return {
        "00": lambda: widgets.NetGrossDashboard(long=200_000, short=50_000),
        "01": lambda: widgets.NetGrossDashboard(long=150_000, short=100_000),
        "02": lambda: widgets.BookDashboard(ek.sample_book("guide_example_2")),
        "03": lambda: widgets.HedgeRatioDashboard(spot_notional=100_000, ratio=0.5),
        "04": lambda: widgets.CrossHedgeDashboard(short_vol=0.90),
        # lesson 05: the last year's measured correlation 0.81, vols 0.65 and 0.86, to 0.05 steps
        "05": lambda: widgets.CrossHedgeDashboard.from_book(
            ek.sample_book("guide_example_1"), correlation=0.8, long_vol=0.65, short_vol=0.85),
        "06": lambda: widgets.LeverageDashboard.from_book(
            ek.sample_book("guide_example_1"), equity=50_000, maintenance_margin_rate=0.01),
        "07": lambda: widgets.DriftDashboard(),
        "08": lambda: widgets.DriftDashboard(btc=-0.20,
                                             hedge="BTC inverse perp short, face reading"),
        "09": lambda: widgets.StressDashboard(),
        "10": lambda: widgets.OptionDeltaDashboard(strike=90_000, hedge_coins=10),
        "11": lambda: widgets.FundingBasisDashboard(),
        "12": lambda: widgets.BookExplorer(ek.sample_book("desk_book"), equity=2_000_000),
    }


def control_ends(control: ipywidgets.Widget) -> list:
    """The values at the ends of a control's range: a slider's min and max, every option of a
    choice, both states of a switch; nothing for a free text or number box."""
    if hasattr(control, "min") and hasattr(control, "max"):
        return [control.min, control.max]
    if hasattr(control, "options"):
        return [option[1] if isinstance(option, tuple) else option for option in control.options]
    if isinstance(control.value, bool):
        return [False, True]
    return []


def positions(dashboard) -> list[dict]:
    """Every setting to look at: each control at each of its ends, the others as built; then
    all sliders at their minimum together, and all at their maximum."""
    settings = [{name: value} for name, control in dashboard.controls.items()
                for value in control_ends(control)]
    sliders = {n: c for n, c in dashboard.controls.items() if hasattr(c, "min")}
    if 1 < len(sliders) <= MAX_CROSSED:
        # every corner: each slider at its min or max with every other one
        corners = itertools.product(*([c.min, c.max] for c in sliders.values()))
        settings += [dict(zip(sliders, corner)) for corner in corners]
    elif len(sliders) > MAX_CROSSED:
        settings += [{n: c.min for n, c in sliders.items()},
                     {n: c.max for n, c in sliders.items()}]
    return settings


def _shown(artist) -> bool:
    if not artist.get_visible():
        return False
    return not isinstance(artist, Text) or bool(artist.get_text().strip())


def _texts(figure) -> list[Text]:
    """Every text a reader sees: the figure's own, each axes' (ticks included) and legends'."""
    found = []
    for artist in figure.findobj(Text):
        if not _shown(artist) or artist.axes is None and artist.figure is None:
            continue
        if isinstance(artist, Annotation) and not _annotation_drawn(artist):
            continue
        found.append(artist)
    # tick labels outside the view are not drawn
    all_ticks, drawn_ticks = set(), set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.majorTicks + axis.minorTicks:
                all_ticks.update({id(tick.label1), id(tick.label2)})
            for tick in axis._update_ticks():
                drawn_ticks.update({id(tick.label1), id(tick.label2)})
    return [t for t in found if id(t) not in all_ticks or id(t) in drawn_ticks]


def _annotation_drawn(note: Annotation) -> bool:
    renderer = note.figure.canvas.get_renderer()
    return note._check_xy(renderer)


def _describe(text: Text) -> str:
    return repr(text.get_text().replace("\n", " "))


def text_problems(figure) -> list[str]:
    """Texts outside the figure, and pairs of texts that overlap."""
    renderer = figure.canvas.get_renderer()
    box = figure.bbox
    texts = _texts(figure)
    extents = [(t, t.get_window_extent(renderer)) for t in texts]
    problems = []
    for text, ext in extents:
        if (ext.x0 < box.x0 - TOLERANCE or ext.x1 > box.x1 + TOLERANCE or
                ext.y0 < box.y0 - TOLERANCE or ext.y1 > box.y1 + TOLERANCE):
            problems.append(f"{_describe(text)} is cut by the figure's edge")
    for (a, ea), (b, eb) in itertools.combinations(extents, 2):
        overlap_x = min(ea.x1, eb.x1) - max(ea.x0, eb.x0)
        overlap_y = min(ea.y1, eb.y1) - max(ea.y0, eb.y0)
        if overlap_x > TOLERANCE and overlap_y > TOLERANCE:
            problems.append(f"{_describe(a)} overlaps {_describe(b)}")
    return problems


def _inside(ax, xs, ys) -> bool:
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    xs, ys = np.atleast_1d(np.asarray(xs, float)), np.atleast_1d(np.asarray(ys, float))
    return bool(np.any((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)))


def _artist_in_view(ax, artist) -> bool:
    if isinstance(artist, Line2D):
        xs, ys = artist.get_xdata(), artist.get_ydata()
        transform = artist.get_transform()
        # axvline / axhline: one coordinate in axes fraction
        if transform != ax.transData:
            pts = transform.transform(np.column_stack([xs, ys]))
            inv = ax.transData.inverted().transform(pts)
            xs, ys = inv[:, 0], inv[:, 1]
        return _inside(ax, xs, ys) or _crosses(ax, xs, ys)
    if isinstance(artist, Rectangle):
        x, y, w, h = artist.get_x(), artist.get_y(), artist.get_width(), artist.get_height()
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        return min(x, x + w) <= x1 and max(x, x + w) >= x0 and \
            min(y, y + h) <= y1 and max(y, y + h) >= y0
    if hasattr(artist, "get_offsets"):
        offsets = np.asarray(artist.get_offsets())
        if len(offsets):
            return _inside(ax, offsets[:, 0], offsets[:, 1])
    if hasattr(artist, "patches"):           # a bar container
        return any(_artist_in_view(ax, p) for p in artist.patches)
    return True


def _crosses(ax, xs, ys) -> bool:
    """A line whose points are all outside may still cross the view (two points far apart)."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    for i in range(len(xs) - 1):
        if max(xs[i], xs[i + 1]) >= x0 and min(xs[i], xs[i + 1]) <= x1 and \
                max(ys[i], ys[i + 1]) >= y0 and min(ys[i], ys[i + 1]) <= y1:
            return True
    return False


def legend_problems(figure) -> list[str]:
    """Legend entries whose artist is nowhere inside its axes."""
    problems = []
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        shown = {t.get_text() for t in legend.get_texts() if t.get_visible()}
        handles, labels = ax.get_legend_handles_labels()
        for artist, label in zip(handles, labels):
            if label in shown and (not getattr(artist, "get_visible", lambda: True)() or
                                   not _artist_in_view(ax, artist)):
                problems.append(f"the legend names {label!r}, which is off the chart")
    return problems


def arrow_problems(figure) -> list[str]:
    """An arrow with no text of its own whose head or tail is at (or past) the edge of its
    axes: an arrow to nothing (lesson 06's liquidated account once pointed at the edge)."""
    problems = []
    renderer = figure.canvas.get_renderer()
    for note in figure.findobj(Annotation):
        arrow = note.arrow_patch
        if arrow is None or not arrow.get_visible() or not note.get_visible() or \
                note.get_text().strip() or not _annotation_drawn(note):
            continue
        box = note.axes.bbox
        for end, coords in ((note.xy, note.xycoords), (note.xyann, note.anncoords)):
            x, y = note._get_xy(renderer, end, coords)
            if not (box.x0 + 2 < x < box.x1 - 2 and box.y0 + 2 < y < box.y1 - 2):
                problems.append("an arrow ends at the edge of its chart, pointing at nothing")
                break
    return problems


def chart_problems(dashboard) -> list[str]:
    """Everything wrong with the chart as the dashboard shows it now."""
    dashboard.render()
    figure = dashboard.figure
    figure.canvas.draw()
    return text_problems(figure) + legend_problems(figure) + arrow_problems(figure)
