"""A still picture of a dashboard, for a page that shows a notebook without running it.

A lesson is stored executed. JupyterLab opens a notebook it has not signed (every notebook it did
not save itself) as untrusted and will not draw widgets from it: without another choice it prints
the widget's text, ``VBox(children=(HTML(value=...``. A dashboard therefore also offers this HTML:
its title, the value of each control, the readout, the chart as an embedded PNG and the hint.
JupyterLab shows it until the cell is run; a page that runs the cell (JupyterLab after Run, Voila)
draws the live widget instead, which every front end prefers to HTML.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as widgets

from .._markdown import NO_MATHS

__all__ = ["control_value", "still_picture", "CAPTION"]

CAPTION = "A still picture of this dashboard: run the cell to move its controls."


def control_value(control: widgets.Widget) -> str:
    """A control's value as the widget shows it (a slider's readout, a choice's label)."""
    spec = getattr(control, "readout_format", None)
    if spec:
        try:
            return format(control.value, spec)
        except (TypeError, ValueError):
            return str(control.value)
    label = getattr(control, "label", None)
    if label is not None:
        return str(label)
    if isinstance(control.value, bool):
        return "on" if control.value else "off"
    return str(control.value)


def _control_rows(controls: dict[str, widgets.Widget]) -> str:
    """One row per described control; a control with no description (a long/short toggle next
    to its size) joins the row above."""
    rows: list[list[str]] = []
    for name, control in controls.items():
        label = getattr(control, "description", "") or ""
        value = control_value(control)
        if not label and rows:
            rows[-1][1] += f", {value}"
        else:
            rows.append([label or name, value])
    return "".join(f"<tr><td style='padding:1px 12px 1px 0'>{html.escape(label)}</td>"
                   f"<td style='text-align:right'>{html.escape(value)}</td></tr>"
                   for label, value in rows)


def still_picture(title: str, controls: dict[str, widgets.Widget], parts: list[str],
                  png: bytes, hint: str) -> str:
    """HTML that looks like the dashboard: ``parts`` are the readout's (and any other) HTML.

    Parameters
    ----------
    title : str
        The dashboard's title.
    controls : dict of str to ipywidgets.Widget
        Its controls, shown as a table of their values.
    parts : list of str
        HTML shown between the controls and the chart (the readout, an error line).
    png : bytes
        The chart, as PNG bytes.
    hint : str
        The suggestion shown under the chart.

    Returns
    -------
    str
        One ``<div>``; MathJax is told to leave its dollar amounts alone.

    Examples
    --------
    >>> slider = widgets.FloatSlider(value=150_000, max=300_000, description="Long $",
    ...                              readout_format=",.0f")
    >>> picture = still_picture("Net versus gross", {"long": slider}, [], b"", "try it")
    >>> "Long $" in picture and "150,000" in picture
    True
    """
    chart = base64.b64encode(png).decode("ascii")
    return (f"<div class='ek-still {NO_MATHS}'>"
            f"<h4 style='margin:4px 0'>{html.escape(title)}</h4>"
            f"<table>{_control_rows(controls)}</table>{''.join(parts)}"
            f"<img src='data:image/png;base64,{chart}' alt='{html.escape(title)}: the chart'>"
            f"<p><i>Try this: {html.escape(hint)}</i></p>"
            f"<p style='color:#555'>{html.escape(CAPTION)}</p></div>")
