"""Memory and time of ``exposure_history(..., by="venue")`` when every line has its own venue
(issue 25, item 4): the table must grow with the rows, not with dates x groups.

The old way (kept here as ``dense_way``) summed into one slot per (date, group) pair that could
exist, occupied or not: 10,000 lines took 7.6 s and 2.9 GB, 100,000 lines asked for 74.5 GiB.
It is run beside the package's way at sizes that fit in memory; the package's way alone at the
sizes the old one could not reach. Peak memory is Python's traced allocations (numpy included).

Run: ``.venv/bin/python benchmarks/history_groups.py``.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from exposure_kit import Book, exposure_history


def one_venue_a_line(lines: int) -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.date_range("2000-01-01", periods=lines).strftime("%Y-%m-%d"),
        "name": [f"p{i}" for i in range(lines)], "underlying": "BTC", "kind": "perp",
        "side": "long", "notional": 1000.0, "venue": [f"v{i}" for i in range(lines)]})


def dense_way(frame: pd.DataFrame) -> pd.DataFrame:
    """The old grouping: a slot for every date x group, then the empty ones dropped."""
    signed = Book.from_frame(frame).exposures().to_numpy()
    date_codes, days = pd.factorize(pd.to_datetime(frame["date"]).to_numpy(), sort=True)
    key_codes, keys = pd.factorize(frame["venue"], sort=True)
    codes, size = date_codes * len(keys) + key_codes, len(days) * len(keys)
    count = np.bincount(codes, minlength=size)
    long = np.bincount(codes, weights=np.where(signed > 0, signed, 0.0), minlength=size)
    present = count > 0
    index = pd.MultiIndex.from_product([pd.DatetimeIndex(days), pd.Index(keys)])[present]
    return pd.DataFrame({"positions": count[present], "long": long[present]}, index=index)


def measured(fn, frame):
    tracemalloc.start()
    start = time.perf_counter()
    out = fn(frame)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, seconds, peak


def main() -> None:
    print(f"{'lines':>8} {'way':<10} {'seconds':>8} {'peak MiB':>9} {'rows out':>9}")
    for lines in (1_000, 3_000, 10_000, 100_000):
        frame = one_venue_a_line(lines)
        ways = [("dense", dense_way)] if lines <= 3_000 else []
        ways.append(("rows", lambda f: exposure_history(f, by="venue")))
        for name, fn in ways:
            out, seconds, peak = measured(fn, frame)
            print(f"{lines:>8,} {name:<10} {seconds:>8.2f} {peak:>9.1f} {len(out):>9,}")
        if lines == 3_000:
            print(f"{'':>8} dense at 10,000 lines would hold {3 * 8 * 10_000**2 / 2**30:.1f} GiB "
                  "of slots; at 100,000 lines 224 GiB")


if __name__ == "__main__":
    main()
