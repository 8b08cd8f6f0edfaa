"""Rolling hedge estimates over a long history (issue 25): the package's vectorised windows
against the Python loop over windows it replaced, side by side in the same run.

The loop (kept here as ``loop_way``) called the one-window estimator once per window: 10^6
rows took 83 s. It is timed on 10^5 rows (about a tenth of that); the package's way on 10^5 and
10^6 rows, with the largest difference between the two ways' betas printed as a check.

Run: ``.venv/bin/python benchmarks/rolling_estimates.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from exposure_kit import rolling_hedge_estimates
from exposure_kit._estimates import _pair, _stats

WINDOW = 90


def hourly_prices(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    btc = rng.normal(0, 0.01, rows)
    eth = 1.1 * btc + rng.normal(0, 0.006, rows)
    return pd.DataFrame({"BTC": 30_000 * np.exp(np.cumsum(btc)),
                         "ETH": 2_000 * np.exp(np.cumsum(eth))},
                        index=pd.date_range("2000-01-01", periods=rows, freq="h", name="date"))


def loop_way(prices: pd.DataFrame) -> pd.DataFrame:
    """The replaced implementation: one call of the one-window estimator per window."""
    returns = _pair(prices, "ETH", "BTC", "log")
    a, x = returns["asset"].to_numpy(), returns["reference"].to_numpy()
    rows = []
    for stop in range(WINDOW, len(returns) + 1):
        stats = _stats(a[stop - WINDOW:stop], x[stop - WINDOW:stop], 8760)
        rows.append({k: e.value for k, e in stats.items()})
    return pd.DataFrame(rows, index=returns.index[WINDOW - 1:])


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> None:
    print(f"{'rows':>10} {'way':<12} {'seconds':>8}")
    for rows in (100_000, 1_000_000):
        prices = hourly_prices(rows)
        fast, seconds = timed(lambda p: rolling_hedge_estimates(
            p, "ETH", window=WINDOW, periods_per_year=8760), prices)
        print(f"{rows:>10,} {'vectorised':<12} {seconds:>8.2f}")
        if rows <= 100_000:
            slow, seconds = timed(loop_way, prices)
            gap = float(np.max(np.abs(slow["beta"].to_numpy() - fast["beta"].to_numpy())))
            print(f"{rows:>10,} {'loop':<12} {seconds:>8.2f}   (largest beta difference "
                  f"{gap:.1e})")


if __name__ == "__main__":
    main()
