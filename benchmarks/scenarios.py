"""How long a scenario grid and an exposure path take, against a plain loop over cells or steps.

- a 101 x 101 grid of BTC and ETH moves (-50 % to +50 %) on a 1,000-position mixed book
  (spot, linear and inverse perps and futures, options, collateral): net exposure and P&L on
  every cell with ``scenario_grid``, then the same cell by cell;
- exposure (long, short, net, gross) along a seeded 1,000-step path of eight underlyings for the
  same book with ``exposure_path``, then the same step by step.

Each loop revalues all positions at once for its cell or step (numpy over positions), so the
comparison measures what the closed forms save, not Python's speed on single records.

Run: ``.venv/bin/python benchmarks/scenarios.py``. Goal on a 2-core machine: each under 0.5 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import PRICES, UNDERLYINGS, best_of, mixed_frame  # noqa: E402

import exposure_kit as ek  # noqa: E402
from exposure_kit._scenarios import exposures_at, pnl_at  # noqa: E402


def loop_grid(book: ek.Book, moves: np.ndarray, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """The naive grid: revalue the whole book once per cell."""
    under = book.to_frame()["underlying"].to_numpy()
    on_x, on_y = under == "BTC", under == "ETH"
    net = np.empty((len(moves), len(moves)))
    pnl = np.empty_like(net)
    for j, my in enumerate(moves):
        for i, mx in enumerate(moves):
            factors = np.where(on_x, 1 + mx, np.where(on_y, 1 + my, 1.0))
            net[j, i] = exposures_at(book, factors, measure=measure).sum()
            pnl[j, i] = pnl_at(book, factors).sum()
    return net, pnl


def loop_path(book: ek.Book, paths, measure: str) -> np.ndarray:
    """The naive path: revalue the whole book once per step."""
    columns = list(paths.columns)
    under = book.to_frame()["underlying"].to_numpy()
    index = np.array([columns.index(u) for u in under])
    start = paths.iloc[0].to_numpy()
    out = np.empty((len(paths), 4))
    for t, prices in enumerate(paths.to_numpy()):
        signed = exposures_at(book, (prices / start)[index], measure=measure)
        long, short = signed[signed > 0].sum(), -signed[signed < 0].sum()
        out[t] = long, short, long - short, long + short
    return out


def main() -> None:
    book = ek.Book.from_frame(mixed_frame(1_000))
    moves = np.linspace(-0.5, 0.5, 101)
    print("1,000 positions (5 % options, 10 % inverse, 5 % collateral); best of 3 runs\n")
    print(f"{'task':<34} {'fast s':>8} {'loop s':>8} {'speed-up':>9}")
    for measure in ("notional", "delta"):
        fast, grid = best_of(lambda: ek.scenario_grid(book, "BTC", "ETH", moves,
                                                      measure=measure), 3)
        slow, (net, pnl) = best_of(lambda: loop_grid(book, moves, measure), 1)
        assert np.allclose(grid.net.to_numpy(), net, rtol=1e-9, atol=1e-6)
        assert np.allclose(grid.pnl.to_numpy(), pnl, rtol=1e-9, atol=1e-6)
        print(f"{'grid 101 x 101, ' + measure:<34} {fast:>8.3f} {slow:>8.2f} "
              f"{slow / fast:>8.0f}x")
    paths = ek.price_paths(dict(zip(UNDERLYINGS, PRICES)), 0.8, correlation=0.6, steps=1_000,
                           seed=42)
    for measure in ("notional", "delta"):
        fast, frame = best_of(lambda: ek.exposure_path(book, paths, measure=measure), 3)
        slow, table = best_of(lambda: loop_path(book, paths, measure), 1)
        assert np.allclose(frame.to_numpy(), table, rtol=1e-9, atol=1e-6)
        print(f"{'path 1,000 steps, ' + measure:<34} {fast:>8.3f} {slow:>8.2f} "
              f"{slow / fast:>8.0f}x")
    fast, result = best_of(lambda: ek.rebalance_path(book, paths, every=24), 3)
    print(f"{'rebalance every 24 steps, notional':<34} {fast:>8.3f} {'':>8} {'':>9}  "
          f"({result.count} trades)")


if __name__ == "__main__":
    main()
