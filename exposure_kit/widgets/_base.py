"""What every dashboard shares: controls, a readout, an error line, a figure drawn once.

A dashboard subclass builds its controls and its artists once (``_controls``, ``_draw``), and on
every change computes its numbers with the engine and moves its artists (``_update``). The figure
goes to the page as PNG bytes in an ``ipywidgets.Image``, which JupyterLab, Voila and a plain
kernel all show without extra extensions.

Redraws are blitted: the artists a subclass registers with :meth:`Dashboard.moving` are left out of
a cached background (axes, ticks, titles), and a change only paints them over it. A subclass that
changes anything else (limits, tick labels) calls :meth:`Dashboard.invalidate`.
"""

from __future__ import annotations

import html
import io
import math
import os
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .._book import Book
from .._errors import InputError, PositionError, checked_number
from ..plots import shown_in
from ._accessibility import name_controls
from ._picture import still_picture
from ._typed import typed_box

__all__ = ["Dashboard", "as_book", "money_slider", "fraction_slider", "whole_slider",
           "readout_table",
           "finding_items", "checked_arguments", "checked_source"]

_STYLE = {"description_width": "140px"}
_LAYOUT = widgets.Layout(width="410px", max_width="100%")
# a slider that has a typed-value box beside it: the two together as wide as _LAYOUT
_TYPED_LAYOUT = {"width": "318px", "max_width": "100%"}
# Controls and readout in a column beside the chart; on a page narrower than both, the chart
# wraps under them (flex-wrap), so no dashboard needs a horizontal scroll bar.
_SIDE = {"flex": "0 1 420px", "min_width": "300px", "margin": "0 18px 0 0"}
# overflow visible: a widget box scrolls by default, and the chart's box (a pixel taller than the
# picture with its hidden alt text) would be a scrolling region no keyboard can reach (axe-core:
# scrollable-region-focusable, serious)
_CHART = {"flex": "1 1 400px", "min_width": "300px", "overflow": "visible"}


def _bound(number: float) -> str:
    return f"{number:,}" if abs(number) >= 1_000 else f"{number:g}"


def checked_arguments(**arguments: tuple) -> None:
    """Refuse a dashboard's constructor arguments that its controls could not show as given.

    Each keyword is ``name=(value, low, high)`` for a number (``None`` for an open end; add
    ``int`` as a fourth item for a whole number) or ``name=(value, options)`` for a choice. A
    value that is not a finite number, lies outside its range or is not one of the options
    raises a ``PositionError`` (a ``ValueError``) naming the argument, instead of a slider
    clamping it silently.

    Examples
    --------
    >>> checked_arguments(equity=(-1.0, 1_000, None))
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'equity': must be at least 1,000, got -1.0
    """
    for name, spec in arguments.items():
        if len(spec) == 2:
            value, options = spec
            if value not in options:
                raise PositionError(name, f"{value!r} is not one of "
                                    f"{', '.join(map(repr, options))}")
            continue
        value, low, high, *kind = spec
        number = checked_number(name, value)
        if kind and kind[0] is int and not float(number).is_integer():
            raise PositionError(name, f"must be a whole number, got {value!r}")
        if low is not None and high is not None and not low <= number <= high:
            raise PositionError(name, f"must lie between {_bound(low)} and {_bound(high)}, "
                                f"got {value!r}")
        if low is not None and number < low:
            raise PositionError(name, f"must be at least {_bound(low)}, got {value!r}")
        if high is not None and number > high:
            raise PositionError(name, f"must be at most {_bound(high)}, got {value!r}")


def checked_source(name: str, source: Any) -> Any:
    """``source`` if :func:`as_book` can take it (a Book, a DataFrame, a file path, a list of
    position dicts), else a ``PositionError`` naming the argument. Its content is checked when
    the book is built.

    Examples
    --------
    >>> checked_source("book", 5)
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'book': expected a Book, a DataFrame, a file path or a list of position dicts, got int
    """
    books = (Book, pd.DataFrame, str, os.PathLike)
    records = isinstance(source, (list, tuple)) and all(isinstance(r, (dict, Book)) or
                                                       hasattr(r, "to_record") for r in source)
    if not isinstance(source, books) and not records:
        raise PositionError(name, "expected a Book, a DataFrame, a file path or a list of "
                            f"position dicts, got {type(source).__name__}")
    return source


def _in_range(description: str, value: float, minimum: float, maximum: float) -> None:
    """A slider clamps a value outside its range without a word: refuse it instead."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not minimum <= value <= maximum:
        raise InputError(f"{description.rstrip(' $')}: {value!r} is outside the slider's range "
                         f"{_bound(minimum)} to {_bound(maximum)}")


def money_slider(description: str, value: float, maximum: float, step: float = 5_000.0,
                 minimum: float = 0.0) -> widgets.FloatSlider:
    """A slider of dollars, shown with thousands separators."""
    _in_range(description, value, minimum, maximum)
    slider = widgets.FloatSlider(value=value, min=minimum, max=maximum, step=step,
                                 description=description, readout_format=",.0f",
                                 continuous_update=True, style=_STYLE,
                                 layout=widgets.Layout(**_TYPED_LAYOUT))
    slider.typed = True          # a dashboard shows it with a box that takes typed values
    return slider


def fraction_slider(description: str, value: float, minimum: float, maximum: float,
                    step: float = 0.01, fmt: str = ".0%") -> widgets.FloatSlider:
    """A slider of a fraction (a ratio, a move, a volatility), shown as a percentage."""
    _in_range(description, value, minimum, maximum)
    slider = widgets.FloatSlider(value=value, min=minimum, max=maximum, step=step,
                                 description=description, readout_format=fmt,
                                 continuous_update=True, style=_STYLE,
                                 layout=widgets.Layout(**_TYPED_LAYOUT))
    slider.typed = True          # a dashboard shows it with a box that takes typed values
    return slider


def whole_slider(description: str, value: int, minimum: int, maximum: int) -> widgets.IntSlider:
    """A slider of a whole number (a path's seed), with a box that takes typed values."""
    _in_range(description, value, minimum, maximum)
    slider = widgets.IntSlider(value=value, min=minimum, max=maximum, description=description,
                               style=_STYLE, layout=widgets.Layout(**_TYPED_LAYOUT))
    slider.typed = True
    return slider


def as_book(source: Any) -> Book:
    """A Book from a Book, a DataFrame, a list of position dicts, or a file path."""
    if isinstance(source, Book):
        return source
    if isinstance(source, pd.DataFrame):
        return Book.from_frame(source)
    if isinstance(source, (str, os.PathLike)):
        from .. import read_positions
        return read_positions(source)
    return Book.from_records(source)


def finding_items(findings) -> str:
    """The diagnostic findings as ``<li>`` items: severity in bold, then the message."""
    return "".join(f"<li><b>{html.escape(f.severity)}</b>: {html.escape(f.message)}</li>"
                   for f in findings)


def readout_table(rows: list[tuple[str, str]], headline: str | None = None) -> str:
    """HTML for the readout: an optional headline and a two-column table of label and value."""
    cells = "".join(f"<tr><td style='padding:0 12px 0 0'>{html.escape(label)}</td>"
                    "<td style='text-align:right;padding:0;white-space:nowrap'>"
                    f"<b>{html.escape(value)}</b></td></tr>" for label, value in rows)
    top = f"<div style='font-size:1.15em;margin-bottom:4px'><b>{html.escape(headline)}</b></div>" \
        if headline else ""
    # the widgets' own line height (a slider's 28 px) would make a 9-row readout 260 px tall
    return (f"<div class='ek-readout-body' style='line-height:1.35'>{top}"
            f"<table style='border-collapse:collapse'>{cells}</table></div>")


class Dashboard:
    """Base of the lesson dashboards.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The inputs, by name; setting ``controls[name].value`` updates everything.
    readout : ipywidgets.HTML
        The numbers that matter, formatted, straight from the engine.
    error : ipywidgets.HTML
        Empty, or the message of the last input the engine refused.
    figure : matplotlib.figure.Figure
        Built once; its artists move on each change.
    widget : ipywidgets.VBox
        Everything, ready to display: controls, readout and hint in a column beside the chart,
        and long text (tables, warnings) in a collapsed ``details`` section under them.
    details : ipywidgets.Accordion or None
        The long text, one collapsible panel per item of :meth:`_details`.
    alt : str
        What the chart shows, in words: the image's text alternative, given to screen readers
        in ``image_alt`` beside the image (hidden from sight) and stored in the PNG's text.
    """

    title = ""
    hint = ""
    alt = ""
    figsize = (6.4, 3.6)
    dpi = 80
    margins = {"left": 0.13, "right": 0.97, "top": 0.9, "bottom": 0.12}

    def __init__(self) -> None:
        self.controls: dict[str, widgets.Widget] = self._controls()
        self.readout = widgets.HTML()
        self.readout.add_class("ek-readout")
        self.error = widgets.HTML()
        self.error.add_class("ek-error")
        # A fixed layout: constrained layout would cost more than the whole redraw.
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi)
        self.figure.subplots_adjust(**self.margins)
        FigureCanvasAgg(self.figure)
        # No tooltip on the Image: Voila 0.5's front end cannot build an Image view with one.
        self.image = widgets.Image(format="png")
        self.image.add_class("ek-chart")
        self.image_alt = widgets.HTML(
            f"<div class='ek-alt' role='note' style='position:absolute;width:1px;height:1px;"
            f"overflow:hidden;clip-path:inset(50%);white-space:nowrap'>Chart: "
            f"{html.escape(self.alt or self.title)}</div>")
        self.image.layout.width = "100%"
        self.image.layout.height = "auto"
        self.image.layout.max_width = f"{int(self.figsize[0] * self.dpi)}px"
        self.last_error: str | None = None
        self._moving: list[Artist] = []
        self._legends: dict = {}
        self._background = None
        self._safely(self._draw)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        # each slider made by money_slider, fraction_slider or whole_slider, with a box to type
        # a value in; made after the observers above, so that on a move the new picture is
        # sent first and the box's text after it
        self.rows = {name: typed_box(control, self.refuse)
                     for name, control in self.controls.items()
                     if getattr(control, "typed", False)}
        self.details = self._accordion(self._details())
        self.widget = self._layout()
        self.refresh()

    # -- for subclasses ------------------------------------------------------------------------
    def _controls(self) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def _draw(self) -> None:
        """Create the axes and artists once."""
        raise NotImplementedError

    def _update(self, **values: Any) -> str:
        """Compute with the engine, move the artists, return the readout's HTML."""
        raise NotImplementedError

    def _details(self) -> list[tuple[str, widgets.Widget]]:
        """Long text (tables, warnings) as ``(title, widget)``: collapsed panels under the
        dashboard, so that nothing pushes the chart away from its controls."""
        return []

    # -- layout --------------------------------------------------------------------------------
    @staticmethod
    def _accordion(items: list[tuple[str, widgets.Widget]]) -> widgets.Accordion | None:
        if not items:
            return None
        accordion = widgets.Accordion(children=[w for _, w in items],
                                      titles=tuple(t for t, _ in items), selected_index=None)
        accordion.add_class("ek-details")
        return accordion

    def _layout(self) -> widgets.VBox:
        side = widgets.VBox([
            widgets.HTML(f"<h4 style='margin:2px 0 4px 0'>{html.escape(self.title)}</h4>"),
            widgets.VBox([self.rows.get(name, control)
                          for name, control in self.controls.items()]),
            self.readout, self.error,
            # hidden: a script that names the slider handles and gives the chart its alt text
            name_controls(self.image, self.alt),
            widgets.HTML(f"<div style='line-height:1.35;margin-top:4px'><i>Try this: "
                         f"{html.escape(self.hint)}</i></div>",
                         layout=widgets.Layout(max_width="420px")),
        ], layout=widgets.Layout(**_SIDE))
        chart = widgets.Box([self.image, self.image_alt], layout=widgets.Layout(**_CHART))
        row = widgets.HBox([side, chart], layout=widgets.Layout(
            flex_flow="row wrap", align_items="flex-start", width="100%"))
        row.add_class("ek-dashboard-row")
        box = widgets.VBox([row, *([self.details] if self.details else [])])
        box.add_class("ek-dashboard")
        return box

    # -- machinery -----------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def _checked_values(self) -> dict[str, Any]:
        """The controls' values; a number that is not finite (NaN typed in, say) is an error
        shown in the dashboard, never computed with."""
        values = self.values
        for name, value in values.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise PositionError(name, f"must be a number, got {value!r}")
        return values

    def _safely(self, action) -> Any:
        try:
            result = action()
        except Exception as exc:  # shown in the dashboard: a callback must never fail silently
            kind = "" if isinstance(exc, ValueError) else f"{type(exc).__name__}: "
            self.refuse(f"{kind}{exc}")
            return None
        self.last_error = None
        self.error.value = ""
        return result

    def refuse(self, message: str) -> None:
        """Show why a typed value was not taken, in the error line (until the next change)."""
        self.last_error = message
        self.error.value = ("<div style='color:#B00020;font-weight:bold'>&#9888; "
                            f"{html.escape(message)}</div>")

    def refresh(self) -> None:
        """Recompute from the controls, redraw and update the readout."""
        text = self._safely(lambda: self._update(**self._checked_values()))
        if text is not None:
            self.render()              # the picture first: it is the larger message
            self.readout.value = text

    def moving(self, *artists: Artist) -> None:
        """Register artists that change on updates; everything else is drawn once."""
        for artist in artists:
            artist.set_animated(True)
            self._moving.append(artist)

    def follow_legend(self, ax, **options: Any) -> None:
        """Give ``ax`` a legend (``options`` as for ``ax.legend``) that lists only the artists
        shown inside the axes: an entry comes and goes with its artist, so no legend names a
        line that is off the chart."""
        self._legends[ax] = (options, None)
        self._fit_legends()

    def _fit_legends(self) -> None:
        for ax, (options, listed) in self._legends.items():
            handles, labels = ax.get_legend_handles_labels()
            shown = [(h, lab) for h, lab in zip(handles, labels) if shown_in(ax, h)]
            names = tuple(lab for _, lab in shown)
            if names != listed:
                if shown:
                    ax.legend(*zip(*shown), **options)
                elif ax.get_legend() is not None:
                    ax.get_legend().remove()
                self._legends[ax] = (options, names)
                self.invalidate()

    def invalidate(self) -> None:
        """Redraw the background on the next render (after limits or labels change)."""
        self._background = None

    def fit_y(self, ax, values, pad: float = 0.18) -> None:
        """Keep every value in view; rescale (and redraw the background) only when needed.

        Limits change when a value would leave the axes, or when the values fill less than a
        third of them, so small moves of a slider do not make the axes jump.
        """
        low, high = min(0.0, *values), max(0.0, *values)
        span = (high - low) or 1.0
        bottom, top = ax.get_ylim()
        outside = low < bottom or high > top
        too_loose = span < (top - bottom) / 3
        if outside or too_loose or self._background is None:
            ax.set_ylim(low - pad * span * (low < 0), high + pad * span)
            self.invalidate()

    def render(self) -> bytes:
        """Paint the moving artists over the cached background; hand PNG bytes to the page."""
        canvas = self.figure.canvas
        self._fit_legends()
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        self.image.value = self._png()
        return self.image.value

    def _png(self) -> bytes:
        """The canvas as PNG bytes: RGB when the figure is opaque (every pixel's alpha is then
        255, so the picture is the same, in a tenth fewer bytes and encode time), else RGBA."""
        canvas = self.figure.canvas
        width, height = canvas.get_width_height()
        picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA",
                                   0, 1)
        if self.figure.patch.get_alpha() in (None, 1) and \
                self.figure.patch.get_facecolor()[3] == 1:
            picture = picture.convert("RGB")
        buffer = io.BytesIO()
        picture.save(buffer, format="png", compress_level=1, pnginfo=self._png_text())
        return buffer.getvalue()

    def _png_text(self) -> PngInfo:
        if getattr(self, "_png_info", None) is None:
            self._png_info = PngInfo()
            self._png_info.add_text("Title", self.title)
            self._png_info.add_text("Description", self.alt or self.title)
        return self._png_info

    def save(self, path: str) -> None:
        """Save what the dashboard shows now as a PNG file."""
        with open(path, "wb") as handle:
            handle.write(self.render())

    def still_picture(self) -> str:
        """HTML that looks like the dashboard as it stands (controls, readout, chart, hint)."""
        return still_picture(self.title, self.controls,
                             [self.readout.value, self.error.value],
                             self.image.value, self.hint)

    def _repr_mimebundle_(self, **kwargs: Any):
        """The live widget, and a still picture for a page that will not draw it (JupyterLab on
        a notebook it has not signed, before the cell is run) instead of the widget's text."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.still_picture()
        bundle["text/plain"] = f"{self.title} (a dashboard: run the cell to use it)"
        return bundle
