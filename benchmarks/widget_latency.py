"""Time from a slider change to the readout updated and the new PNG bytes ready.

For the lesson-01 and lesson-06 dashboards, sets a slider 200 times and prints the median and the
95th percentile, and in the same run the same for the common pattern that builds a new figure
(and a new Book, the same readout) on every change.

Goals on a 2-core machine: lesson 01 median under 15 ms and at least 2x faster than a new figure.
"""

from __future__ import annotations

import io
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import exposure_kit as ek  # noqa: E402
from exposure_kit import plots  # noqa: E402
from exposure_kit.widgets._drift import drift_book  # noqa: E402
from exposure_kit.widgets._net_gross import two_leg_book  # noqa: E402

CHANGES = 200


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1e3, ordered[int(0.95 * (len(ordered) - 1))] * 1e3


def time_dashboard(dash, control: str, values) -> list[float]:
    times = []
    for value in values:
        start = time.perf_counter()
        dash.controls[control].value = value          # observe -> engine -> artists -> PNG
        assert dash.image.value and dash.last_error is None
        times.append(time.perf_counter() - start)
    return times


def new_figure_png(draw) -> bytes:
    figure = Figure(figsize=(6.4, 3.6), dpi=80, layout="constrained")
    FigureCanvasAgg(figure)
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def time_new_figure(make_book, draw, values) -> list[float]:
    times = []
    for value in values:
        start = time.perf_counter()
        book = make_book(value)
        ek.describe_net(book.net_exposure())
        new_figure_png(lambda ax: draw(book, ax))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    longs = [100_000 + 1_000 * (i % 100) for i in range(CHANGES)]
    moves = [-0.3 + 0.003 * (i % 200) for i in range(CHANGES)]
    rows = [
        ("lesson 01, long slider", time_dashboard(ek.widgets.NetGrossDashboard(), "long", longs),
         time_new_figure(lambda v: two_leg_book(v, 100_000),
                         lambda book, ax: plots.exposure_bars(book, ax=ax), longs)),
        ("lesson 06, BTC slider", time_dashboard(ek.widgets.DriftDashboard(), "btc", moves),
         time_new_figure(lambda v: drift_book("eth").shock({"BTC": v}),
                         lambda book, ax: plots.exposure_bars(book, ax=ax), moves)),
    ]
    print(f"{CHANGES} changes each; milliseconds from value change to readout and PNG bytes")
    print(f"{'dashboard':<24} {'median':>8} {'p95':>8}   {'new fig median':>14} {'p95':>8}"
          f"   {'speed-up':>8}")
    for name, kept, fresh in rows:
        (m1, p1), (m2, p2) = percentiles(kept), percentiles(fresh)
        print(f"{name:<24} {m1:>8.2f} {p1:>8.2f}   {m2:>14.2f} {p2:>8.2f}   {m2 / m1:>7.1f}x")


if __name__ == "__main__":
    main()
