"""What one move of a dashboard's main control costs on the wire, and that the picture it sends
is the figure as a full redraw draws it (structural facts behind benchmarks/browser_latency.py;
the timings themselves are measured there, never asserted here)."""

import io
from collections import Counter

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from exposure_kit.widgets import (
    BookDashboard,
    BookExplorer,
    CrossHedgeDashboard,
    DriftDashboard,
    FundingBasisDashboard,
    HedgeRatioDashboard,
    LeverageDashboard,
    NetGrossDashboard,
    OptionDeltaDashboard,
    StressDashboard,
)
from exposure_kit.widgets._stress import looks_neutral_book

# each dashboard, the control a lesson's learner moves first, and a value one step away
MAIN = [
    (NetGrossDashboard, "long", 55_000.0),
    (BookDashboard, "size 0", 105_000.0),
    (HedgeRatioDashboard, "ratio", 0.51),
    (CrossHedgeDashboard, "correlation", 0.75),
    (LeverageDashboard, "short", 105_000.0),
    (DriftDashboard, "btc", 0.01),
    (StressDashboard, "max_move", 0.35),
    (OptionDeltaDashboard, "spot", 61_000.0),
    (FundingBasisDashboard, "btc_move", 0.01),
    (lambda: BookExplorer(looks_neutral_book(), equity=50_000), "group", "side"),
]


@pytest.fixture
def sent(monkeypatch):
    """Every widget message the kernel would send, as (widget class, method, state keys, whether
    it carries binary buffers)."""
    seen = Counter()
    send = widgets.Widget._send

    def spy(self, msg, buffers=None):
        seen[(type(self).__name__, msg.get("method"),
              tuple(sorted(msg.get("state", {}))) +
              tuple(".".join(map(str, path)) for path in msg.get("buffer_paths", [])),
              bool(buffers))] += 1
        return send(self, msg, buffers)

    monkeypatch.setattr(widgets.Widget, "_send", spy)
    return seen


@pytest.mark.parametrize("make, name, value", MAIN)
def test_one_move_sends_one_picture_one_readout_and_the_typed_box(make, name, value, sent):
    dash = make()
    control = dash.controls[name]
    assert control.value != value
    sent.clear()
    control.value = value
    assert dash.last_error is None, dash.last_error
    pictures = [k for k in sent if k[0] == "Image"]
    assert pictures == [("Image", "update", ("value",), True)] and sent[pictures[0]] == 1
    # the control's own value (a dropdown sends its index), the readout when its text changed,
    # the box showing a slider's value: one message each, nothing else (no error line
    # rewritten, no second picture)
    rest = Counter({k: n for k, n in sent.items() if k[0] != "Image"})
    key = "index" if isinstance(control, widgets.Dropdown) else "value"
    expected = Counter({(type(control).__name__, "update", (key,), False): 1})
    if rest[("HTML", "update", ("value",), False)]:
        expected[("HTML", "update", ("value",), False)] = 1
    if getattr(control, "typed", False):
        expected[("Text", "update", ("value",), False)] = 1
    assert rest == expected


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("make, name, value", MAIN)
def test_the_picture_sent_is_every_pixel_drawn(make, name, value):
    """The figure is opaque, so the picture goes without an alpha channel (a tenth fewer bytes)
    and shows exactly the pixels the canvas holds after the move."""
    dash = make()
    dash.controls[name].value = value
    shown = Image.open(io.BytesIO(dash.image.value))
    canvas = np.asarray(dash.figure.canvas.buffer_rgba())
    assert shown.mode == "RGB" and shown.size == (canvas.shape[1], canvas.shape[0])
    assert (canvas[..., 3] == 255).all()
    assert np.array_equal(np.asarray(shown), canvas[..., :3])
