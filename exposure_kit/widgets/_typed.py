"""Numbers as people type them, for the box beside each dashboard slider.

An ipywidgets slider's own readout reads typed text as the slider's raw value: in a 0-150 %
hedge-ratio box, ``100`` or ``100%`` is read as 100 (that is 10,000 %) and silently clamped to
150 %. Each dashboard slider therefore hides that readout and has a text box beside it, read here:

- a percent control takes ``75%``, ``75 %`` and a bare number. **A bare number is a fraction when
  it lies in the control's range as one** (``1`` is 100 %, ``0.75`` is 75 %), **and otherwise a
  number of percent** (``100`` is 100 %, ``75`` is 75 %). The box then shows the value as read, so a
  learner sees how a bare number was taken; type the ``%`` sign to leave no doubt;
- a dollar control takes ``150000``, ``150,000``, ``$150,000``, ``150k``, ``1.5m``, ``1.5M``,
  ``2bn``;
- any control takes a minus sign as ``-`` or ``−``; a whole-number control (a path's seed) only
  whole numbers;
- a value between two of the slider's steps is set to the nearest step, and the dashboard says
  so (the page's slider would round it silently);
- a value outside the range, or text that is not a number, is refused with a sentence saying why
  and what the range is: never clamped, never dropped without a word.
"""

from __future__ import annotations

import asyncio
import atexit
import re
from typing import Any, Callable

import ipywidgets as widgets

__all__ = ["TypedValueError", "after_edits", "amount_box", "answer_on_enter", "read_amount",
           "read_typed", "shown_value", "typed_box"]

# How long a Check waits for the box's last edit to reach the kernel. The page sends a text box's
# value on Enter or when the box loses focus, but its Enter message before that value, and a
# widget that is still waiting for the kernel holds its next value back until the kernel is
# idle; a button's click is never held. A check run at once could read the text before the edit.
SETTLE_SECONDS = 0.3

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SCALE = {"k": 1e3, "m": 1e6, "bn": 1e9, "b": 1e9}


class TypedValueError(ValueError):
    """Typed text a control cannot take: the message says why, in a plain sentence."""


def _is_percent(fmt: str) -> bool:
    return fmt.endswith("%")


def _is_money(fmt: str) -> bool:
    return "," in fmt and not _is_percent(fmt)


def shown_value(value: float, fmt: str) -> str:
    """A value as the box shows it: ``50%``, ``150,000``, ``+1.15``.

    Examples
    --------
    >>> shown_value(0.5, ".0%"), shown_value(150_000.0, ",.0f"), shown_value(-1.15, "+.2f")
    ('50%', '150,000', '-1.15')
    """
    return format(value, fmt)


def _number(text: str, money: bool) -> float | None:
    """The number in ``text`` (signs, thousands commas, $ and k/m for money), or None."""
    body = text.replace("−", "-").replace(" ", "").replace("\u00a0", "")
    sign = ""
    if body[:1] in "+-" and body[:1]:
        sign, body = body[0], body[1:]
    scale = 1.0
    if money:
        body = body.replace("$", "").removesuffix("usd").removesuffix("USD")
        suffix = next((k for k in _SCALE if body.lower().endswith(k) and len(body) > len(k)),
                      None)
        if suffix:
            scale, body = _SCALE[suffix], body[:-len(suffix)]
    if "," in body:
        if not _THOUSANDS.match(body):
            return None                      # 0,5 or 40,00: a decimal comma is not guessed at
        body = body.replace(",", "")
    if not _NUMBER.match(sign + body):
        return None
    return float(sign + body) * scale


def _range_text(low: float, high: float, fmt: str) -> str:
    return f"{shown_value(low, fmt)} to {shown_value(high, fmt)}"


def read_typed(text: str, low: float, high: float, fmt: str, name: str = "This control") -> float:
    """The value a learner means by ``text`` in a control from ``low`` to ``high`` shown with
    the format ``fmt``; a ``TypedValueError`` (a ``ValueError``) with a plain sentence when it
    is not a number or lies outside the range.

    Parameters
    ----------
    text : str
        What was typed.
    low, high : float
        The control's range, in the control's own units (a fraction for a percent control).
    fmt : str
        The control's format: ending in ``%`` for a percent control, with ``,`` for dollars.
    name : str
        The control's label, for the message.

    Returns
    -------
    float
        The value in the control's units.

    Examples
    --------
    >>> [read_typed(t, 0.0, 1.5, ".0%") for t in ("100", "100%", "100 %", "1", "75", "0.75")]
    [1.0, 1.0, 1.0, 1.0, 0.75, 0.75]
    >>> read_typed("$300k", 0, 300_000, ",.0f")
    300000.0
    >>> read_typed("200%", 0.0, 1.5, ".0%", "Hedge ratio")
    Traceback (most recent call last):
    ...
    exposure_kit.widgets._typed.TypedValueError: Hedge ratio: 200% is outside the range 0% to 150%; the value was not changed.
    """
    label = name.rstrip(" $")
    typed = text.strip()
    percent, money, whole = _is_percent(fmt), _is_money(fmt), fmt.endswith("d")
    marked = typed.endswith("%")
    number = _number(typed[:-1] if marked else typed, money and not marked)
    if number is None:
        example = "75% or 0.75" if percent else "150,000 or 150k" if money else \
            shown_value(round((low + high) / 2) if whole else (low + high) / 2, fmt)
        raise TypedValueError(f"{label}: {typed!r} is not a number; type e.g. {example}. "
                              "The value was not changed.")
    if marked:
        value = number / 100
    elif percent and not low <= number <= high:
        value = number / 100                 # a bare number outside the range as a fraction
    else:
        value = number
    if whole and not value.is_integer():
        raise TypedValueError(f"{label}: {typed} is not a whole number; the value was not "
                              "changed.")
    if not low <= value <= high:
        shown = typed if marked or not percent else shown_value(value, fmt)
        raise TypedValueError(f"{label}: {shown} is outside the range "
                              f"{_range_text(low, high, fmt)}; the value was not changed.")
    return value


def typed_box(slider: widgets.FloatSlider, on_refused) -> widgets.HBox:
    """The slider (its own readout hidden) and a text box beside it that takes typed values.

    The box shows the slider's value in the slider's format and follows it; text typed into it
    (read on Enter or on leaving the box) sets the slider, or calls ``on_refused(message)`` and
    shows the value again.
    """
    fmt = slider.readout_format
    slider.readout = False
    box = widgets.Text(value=shown_value(slider.value, fmt), continuous_update=False,
                       layout=widgets.Layout(width="88px", margin="0 0 0 4px"))
    box.add_class("ek-typed")

    def show(_change=None) -> None:
        box.value = shown_value(slider.value, fmt)

    def take(change) -> None:
        if change["new"] == shown_value(slider.value, fmt):
            return
        try:
            value = read_typed(change["new"], slider.min, slider.max, fmt, slider.description)
        except TypedValueError as refused:
            on_refused(str(refused))
            show()
            return
        step = getattr(slider, "step", None) or 0
        snapped = round(slider.min + round((value - slider.min) / step) * step, 12) if step \
            else value
        if snapped == slider.value:
            show()
        slider.value = snapped
        if abs(snapped - value) > 1e-12:     # the page's slider would round it anyway: say so
            on_refused(f"{slider.description.rstrip(' $')}: {change['new'].strip()} lies between "
                       f"the slider's steps of {shown_value(step, fmt.lstrip('+'))}; it is set "
                       f"to {shown_value(snapped, fmt)}.")

    slider.observe(show, names="value")
    box.observe(take, names="value")
    row = widgets.HBox([slider, box], layout=widgets.Layout(align_items="center"))
    row.add_class("ek-typed-row")
    return row


def after_edits(action: Callable[[], None], *boxes: widgets.Text) -> None:
    """Run ``action`` once the edits the page made to ``boxes`` before it have arrived.

    In a kernel (a running event loop) the action waits :data:`SETTLE_SECONDS`, and waits
    again whenever one of ``boxes`` changes meanwhile; outside one (a test driving the
    widgets from Python, where every change arrives at once) it runs now.

    Examples
    --------
    >>> seen = []
    >>> after_edits(lambda: seen.append("checked"))
    >>> seen
    ['checked']
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        action()
        return
    state: dict[str, Any] = {}

    def run() -> None:
        _WAITING.pop(id(state), None)
        state["timer"].cancel()
        for box in boxes:
            box.unobserve(again, names="value")
        action()

    def again(_change=None) -> None:
        if state.get("timer") is not None:
            state["timer"].cancel()
        state["timer"] = loop.call_later(SETTLE_SECONDS, run)
        _WAITING[id(state)] = run

    for box in boxes:
        box.observe(again, names="value")
    again()


def run_waiting_actions() -> None:
    """Run now every action :func:`after_edits` still holds back (at the kernel's exit: a
    learner who pressed Check and closed the page at once must still have the answer checked,
    and recorded in the classroom app)."""
    for run in list(_WAITING.values()):
        try:
            run()
        except Exception:        # one failed action must not keep back the others
            pass


_WAITING: dict[int, Callable[[], None]] = {}
atexit.register(run_waiting_actions)


def answer_on_enter(box: widgets.Text, check: Callable[[], None]) -> widgets.Text:
    """Make Enter in ``box`` run ``check`` (as its Check button does), on the text as typed.

    The box sends its value when Enter is pressed or it loses focus (``continuous_update``
    off, so no value is held back behind one sent per keystroke), and the check waits for that
    value (:func:`after_edits`).

    Examples
    --------
    >>> box = answer_on_enter(widgets.Text(), lambda: print("checked", box.value))
    >>> box.value = "40,000"
    >>> box._handle_custom_msg({"event": "submit"}, [])
    checked 40,000
    """
    box.continuous_update = False

    def on_message(_widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            after_edits(check, box)

    box.on_msg(on_message)
    return box


def read_amount(text: str, name: str = "Equity") -> float:
    """A dollar amount typed by a trader: ``2,000,000``, ``$2m``, ``1.7M``, ``2bn``; blank is 0.

    Parameters
    ----------
    text : str
        What was typed.
    name : str
        The box's label, for the message.

    Returns
    -------
    float
        The amount in dollars, zero or more.

    Examples
    --------
    >>> [read_amount(t) for t in ("1.7M", "2,000,000", "$250k", "1.5bn", "")]
    [1700000.0, 2000000.0, 250000.0, 1500000000.0, 0.0]
    >>> read_amount("-5")
    Traceback (most recent call last):
    ...
    exposure_kit.widgets._typed.TypedValueError: Equity cannot be negative (you typed -5): type what the account is worth in dollars, e.g. 2,000,000 or 2m, or 0 for none. The value was not changed.
    """
    typed = text.strip()
    if not typed:
        return 0.0
    number = _number(typed, money=True)
    if number is None:
        raise TypedValueError(f"{name}: {typed!r} is not an amount in dollars; type e.g. "
                              "2,000,000 or 2m (k for thousands, m for millions, bn for "
                              "billions). The value was not changed.")
    if number < 0:
        raise TypedValueError(f"{name} cannot be negative (you typed {typed}): type what the "
                              "account is worth in dollars, e.g. 2,000,000 or 2m, or 0 for "
                              "none. The value was not changed.")
    return number


def amount_box(control: widgets.FloatText, on_refused, name: str = "Equity") -> widgets.HBox:
    """A text box for a dollar amount that sets ``control`` through :func:`read_amount`, or
    calls ``on_refused(message)`` and shows the amount again. The row holds the box only:
    ``control`` keeps the value for the kernel and is not put on the page."""
    box = widgets.Text(value=shown_value(control.value, ",.0f"), description=control.description,
                       continuous_update=False,
                       style={"description_width": control.style.description_width},
                       layout=widgets.Layout(width=control.layout.width))
    box.add_class("ek-typed")

    def show(_change=None) -> None:
        box.value = shown_value(control.value, ",.0f")

    def take(change) -> None:
        if change["new"] == shown_value(control.value, ",.0f"):
            return
        try:
            value = read_amount(change["new"], name)
        except TypedValueError as refused:
            on_refused(str(refused))
            show()
            return
        if value == control.value:
            show()
        control.value = value

    control.observe(show, names="value")
    box.observe(take, names="value")
    row = widgets.HBox([box], layout=widgets.Layout(align_items="center"))
    row.add_class("ek-amount-row")
    return row
