"""How long history takes: exposure over time from snapshots, and a book replayed over prices,
each against the plain way in the same run.

1. 365 daily snapshots of a 10^3-position book (365,000 lines, mixed spot, linear and inverse
   perps and futures, options, collateral) to long, short, net, gross and net/gross per date and
   venue with ``exposure_history`` (validation included), against a loop that builds a Book per
   date and asks for its ``by("venue")``; the CSV route (read_positions included) is timed too.
2. The same 10^3-position book replayed over 3,000 days of 8 assets with ``replay_book`` and a
   $1M threshold rule, against a loop that revalues the book day by day (``Book.revalue``) and
   sums its exposures.

Run: ``make bench`` or ``.venv/bin/python benchmarks/history.py``.
Goals on a 2-core machine: each vectorised route under 2 s.
"""

from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
from engine import PRICES, UNDERLYINGS, mixed_frame

import exposure_kit as ek

DATES = 365
POSITIONS = 1_000
DAYS = 3_000


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def snapshot_frame() -> pd.DataFrame:
    base = mixed_frame(POSITIONS)
    rng = np.random.default_rng(11)
    days = pd.date_range("2024-01-01", periods=DATES).strftime("%Y-%m-%d")
    frames = []
    for day in days:
        frame = base.copy()
        frame["price"] = (frame["price"] * rng.uniform(0.97, 1.03, POSITIONS)).round(4)
        frame["quantity"] = (frame["quantity"] * rng.uniform(0.9, 1.1, POSITIONS)).round(3)
        frame.insert(0, "date", day)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def loop_history(frame: pd.DataFrame) -> pd.DataFrame:
    """The plain way: one Book per date."""
    tables = {day: ek.Book.from_frame(rows).by("venue") for day, rows in frame.groupby("date")}
    return pd.concat(tables, names=["date"])


def snapshots() -> None:
    frame = snapshot_frame()
    print(f"{DATES} snapshots x {POSITIONS:,} positions ({len(frame):,} lines)")
    fast, t_fast = _timed(lambda: ek.exposure_history(frame, by="venue"))
    slow, t_slow = _timed(lambda: loop_history(frame))
    assert np.allclose(fast["net"].to_numpy(), slow["net"].to_numpy())
    text = frame.to_csv(index=False)
    _, t_csv = _timed(lambda: ek.exposure_history(io.StringIO(text), by="venue"))
    print(f"  exposure_history from a DataFrame  {t_fast:7.3f} s")
    print(f"  exposure_history from the CSV text {t_csv:7.3f} s   (read_positions included)")
    print(f"  a Book per date, by('venue')       {t_slow:7.3f} s   ({t_slow / t_fast:.0f}x slower)")


def loop_replay(book: ek.Book, prices: pd.DataFrame) -> np.ndarray:
    """The plain way: revalue the book at each day's closes and sum its exposures."""
    frame = book.to_frame()
    first = prices.iloc[0]
    nets = np.empty(len(prices))
    for i, (_, row) in enumerate(prices.iterrows()):
        factors = (row / first)[frame["underlying"]].to_numpy()
        nets[i] = book.revalue(factors).net_exposure()
    return nets


def replay() -> None:
    book = ek.Book.from_frame(mixed_frame(POSITIONS))
    paths = ek.price_paths(dict(zip(UNDERLYINGS, PRICES)), 0.7, correlation=0.6,
                           steps=DAYS - 1, seed=3)
    prices = paths.set_axis(pd.date_range("2017-01-01", periods=DAYS, name="date"))
    print(f"a {POSITIONS:,}-position book replayed over {DAYS:,} days of {len(UNDERLYINGS)} assets")
    held, t_held = _timed(lambda: ek.replay_book(book, prices))
    ruled, t_rule = _timed(lambda: ek.replay_book(book, prices, threshold=1e6, cost=0.0005))
    nets, t_loop = _timed(lambda: loop_replay(book, prices))
    assert np.allclose(held.exposure["net"].to_numpy(), nets)
    print(f"  replay_book, held                  {t_held:7.3f} s")
    print(f"  replay_book, $1M threshold rule    {t_rule:7.3f} s   ({ruled.count} trades)")
    print(f"  Book.revalue day by day            {t_loop:7.3f} s   ({t_loop / t_held:.0f}x slower)")


if __name__ == "__main__":
    snapshots()
    replay()
