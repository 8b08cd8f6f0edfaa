"""Accessible names for what ipywidgets leaves unnamed: slider handles and chart images.

An ipywidgets slider shows its description as a label beside it, but the element a screen reader
lands on (the handle, ``role="slider"``) gets no name: axe-core reports it as a serious violation
(aria-input-field-name), and a screen reader says only "slider, 150000". An ``Image`` widget has no
``alt`` (and giving it a ``tooltip`` breaks its view in ipywidgets 8.1). ipywidgets has no option
for either, so a few lines of JavaScript, shown with each dashboard in a hidden Output widget
(which JupyterLab and Voila run as trusted output), name each handle after its label and give the
chart its text alternative, now and whenever they are drawn again; the box beside a slider that
takes a typed value is named after the slider ("Hedge ratio: type a value").

In JupyterLab the notebook's command-mode shortcuts would take the keys a control needs (the
arrow keys move to another cell, Enter opens a cell's editor, Space scrolls), so a slider handle,
a choice or a button in an output could not be used from the keyboard. The same script marks
every widget control on the page (input, button, choice, slider handle) with
``data-lm-suppress-shortcuts``, Lumino's own opt-out: it is read on the focused element itself
(the shortcuts' selectors end in ``:focus``), so a key pressed on a control goes to the control;
Tab, and the shortcuts everywhere else, work as before.
"""

from __future__ import annotations

import json
import uuid

import ipywidgets as widgets

__all__ = ["name_controls", "naming_outputs", "chart_description"]

CHART_CLASS = "ek-chart"

_SCRIPT = """
(function () {
  var charts = window.ekChartNames = window.ekChartNames || {};
  charts[%(key)s] = %(alt)s;
  var CONTROLS = ['input', 'button', 'select', 'textarea', '.noUi-handle'].map(
    function (tag) { return '.jupyter-widgets ' + tag; }).join(', ');
  function nameAll() {
    document.querySelectorAll(CONTROLS).forEach(function (control) {
      if (!control.hasAttribute('data-lm-suppress-shortcuts')) {
        control.setAttribute('data-lm-suppress-shortcuts', 'true');
      }
    });
    document.querySelectorAll('.widget-slider .noUi-handle:not([aria-label])').forEach(
      function (handle) {
        var box = handle.closest('.widget-slider');
        var label = box && box.querySelector('.widget-label');
        var text = label ? label.textContent.trim() : '';
        if (text) { handle.setAttribute('aria-label', text); }
      });
    document.querySelectorAll('.ek-typed-row').forEach(function (row) {
      var label = row.querySelector('.widget-slider .widget-label');
      var input = row.querySelector('.ek-typed input');
      var text = label ? label.textContent.trim() : '';
      if (input && text && !input.getAttribute('aria-label')) {
        input.setAttribute('aria-label', text + ': type a value');
      }
    });
    Object.keys(charts).forEach(function (key) {
      document.querySelectorAll('img.' + key + ':not([alt])').forEach(function (img) {
        img.setAttribute('alt', charts[key]);
      });
    });
  }
  nameAll();
  if (!window.ekNameControls) {
    window.ekNameControls = new MutationObserver(nameAll);
    window.ekNameControls.observe(document.body, {childList: true, subtree: true});
  }
})();
"""


def name_controls(image: widgets.Image, description: str) -> widgets.Output:
    """A hidden Output widget whose script names the page's slider handles and gives
    ``image`` the text alternative ``description``."""
    script = widgets.Output(layout=widgets.Layout(display="none"))
    script.outputs = naming_outputs(image, description)
    return script


def naming_outputs(image: widgets.Image, description: str) -> tuple[dict, ...]:
    """The outputs of :func:`name_controls`' hidden widget, for an Output made elsewhere (a
    prediction names the chart it reveals)."""
    key = f"{CHART_CLASS}-{uuid.uuid4().hex[:12]}"
    image.add_class(CHART_CLASS)
    image.add_class(key)
    code = _SCRIPT % {"key": json.dumps(key), "alt": json.dumps(description)}
    return ({"output_type": "display_data", "metadata": {},
             "data": {"application/javascript": code}},)


def chart_description(figure, fallback: str) -> str:
    """A short text alternative for a dashboard's chart: its axes' titles, or ``fallback``."""
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    return "Chart: " + ("; ".join(titles) if titles else fallback)
