"""Time from a control change to the readout updated and the new PNG bytes ready, per dashboard.

For every lesson dashboard, sets one of its controls CHANGES times and prints the median and the
95th percentile; in the same run, the same changes the common way: a new figure on every change
(the dashboard's own chart drawn from scratch, the same engine numbers and readout, then a PNG).

Then the picture the page gets: its size and the CPU time to encode it, as sent (RGB, the
figure being opaque) and as RGBA (the way before), from the same canvas.

Goals on a 2-core machine: each median under 15 ms and at least 2x faster than a new figure.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from exposure_kit import widgets  # noqa: E402
from exposure_kit.widgets._stress import looks_neutral_book  # noqa: E402

CHANGES = 100


def sweep(low: float, high: float, n: int = CHANGES) -> list[float]:
    """``n`` values going from ``low`` to ``high`` and back, so every change is a real change."""
    half = (n + 1) // 2
    up = [low + (high - low) * i / max(half - 1, 1) for i in range(half)]
    return (up + up[::-1])[:n]


# lesson -> (how the lesson builds it, the control a learner moves, the values it takes)
CASES = {
    "01 net vs gross": (widgets.NetGrossDashboard, "long", sweep(100_000, 200_000)),
    "02 net formula": (widgets.BookDashboard, "size 0", sweep(60_000, 200_000)),
    "03 hedge ratio": (lambda: widgets.HedgeRatioDashboard(collateral=25_000), "ratio",
                       sweep(0.0, 1.5)),
    "04 beta and correlation": (lambda: widgets.CrossHedgeDashboard(short_vol=0.9), "correlation",
                           sweep(-0.5, 1.0)),
    "06 leverage": (lambda: widgets.LeverageDashboard(maintenance_margin_rate=0.01), "short",
                    sweep(100_000, 465_000)),
    "07 drift": (widgets.DriftDashboard, "btc", sweep(-0.3, 0.3)),
    "09 stress": (widgets.StressDashboard, "equity", sweep(20_000, 200_000)),
    "10 options": (lambda: widgets.OptionDeltaDashboard(strike=90_000, hedge_coins=10), "spot",
                   sweep(40_000, 100_000)),
    "11 funding": (widgets.FundingBasisDashboard, "btc_move", sweep(-0.3, 0.3)),
    "12 your book": (lambda: widgets.BookExplorer(looks_neutral_book(), equity=50_000),
                     "equity", sweep(10_000, 200_000)),
}


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1e3, ordered[int(0.95 * (len(ordered) - 1))] * 1e3


def time_dashboard(dash, control: str, values) -> list[float]:
    """The dashboard as built: artists moved in place, blitted, PNG bytes to the image widget."""
    times = []
    for value in values:
        start = time.perf_counter()
        dash.controls[control].value = value          # observe -> engine -> artists -> PNG
        assert dash.image.value and dash.last_error is None, dash.last_error
        times.append(time.perf_counter() - start)
    return times


def time_new_figure(dash, control: str, values) -> list[float]:
    """The common way: on every change a new figure, the chart drawn from nothing, a PNG."""
    times = []
    for value in values:
        start = time.perf_counter()
        figure = Figure(figsize=dash.figsize, dpi=dash.dpi)
        figure.subplots_adjust(**dash.margins)
        FigureCanvasAgg(figure)
        dash.figure, dash._moving, dash._background = figure, [], None
        dash._draw()
        for artist in dash._moving:
            artist.set_animated(False)                # drawn with the rest, no blitting
        text = dash._update(**{**dash.values, control: value})
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        assert text and buffer.getvalue()
        times.append(time.perf_counter() - start)
    return times


def encode_times(dash, repeats: int = 20) -> tuple[float, int, float, int]:
    """CPU ms and bytes of the picture as sent (RGB for an opaque figure) and, the way before,
    as RGBA: the same canvas, encoded ``repeats`` times each."""
    from PIL import Image

    canvas = dash.figure.canvas
    width, height = canvas.get_width_height()

    def rgba() -> bytes:
        picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA",
                                   0, 1)
        buffer = io.BytesIO()
        picture.save(buffer, format="png", compress_level=1, pnginfo=dash._png_text())
        return buffer.getvalue()

    figures = []
    for encode in (dash._png, rgba):
        start = time.thread_time()
        for _ in range(repeats):
            data = encode()
        figures += [(time.thread_time() - start) / repeats * 1e3, len(data)]
    return tuple(figures)


def main(names: list[str]) -> None:
    print(f"{CHANGES} changes each; milliseconds from value change to readout and PNG bytes")
    print(f"{'dashboard (control)':<32} {'median':>7} {'p95':>7}   {'new fig median':>14} "
          f"{'p95':>7}   {'speed-up':>8}   {'PNG sent, encode CPU':>20}   "
          f"{'as RGBA (before)':>16}")
    for name, (make, control, values) in CASES.items():
        if names and not any(name.startswith(n) for n in names):
            continue
        kept = time_dashboard(make(), control, values)
        fresh = time_new_figure(make(), control, values)
        (m1, p1), (m2, p2) = percentiles(kept), percentiles(fresh)
        dash = make()
        dash.controls[control].value = values[len(values) // 4]
        rgb_ms, rgb_bytes, rgba_ms, rgba_bytes = encode_times(dash)
        print(f"{name + ' (' + control + ')':<32} {m1:>7.2f} {p1:>7.2f}   {m2:>14.2f} "
              f"{p2:>7.2f}   {m2 / m1:>7.1f}x   {rgb_bytes / 1024:5.1f} KB {rgb_ms:4.1f} ms"
              f"   {rgba_bytes / 1024:5.1f} KB {rgba_ms:4.1f} ms", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
