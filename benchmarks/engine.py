"""How long the engine takes on big books, against a plain Python loop over the same records.

Builds seeded books of 10^3 to 10^6 mixed positions (spot, linear and inverse perps and futures,
options, collateral) and prints, per size: building the Book from a DataFrame (validation
included), ``summary()`` and ``by("underlying")``, then the same sums done record by record.

Run: ``make bench`` or ``.venv/bin/python benchmarks/engine.py [--max-size 100000]``.
Goals on a 2-core machine at 10^6 positions: build < 1.5 s, summary < 20 ms and at least 5x the
loop, by() < 150 ms, cost growing linearly with size.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import pandas as pd

import exposure_kit as ek

UNDERLYINGS = np.array(["BTC", "ETH", "SOL", "XRP", "DOGE", "ADA", "AVAX", "LINK"])
PRICES = np.array([60_000, 3_000, 150, 0.6, 0.15, 0.45, 35, 15], dtype=float)


def mixed_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """A seeded book of ``n`` positions: about 10 % inverse, 5 % options, 5 % collateral."""
    rng = np.random.default_rng(seed)
    u = rng.integers(0, len(UNDERLYINGS), n)
    price = PRICES[u] * rng.uniform(0.9, 1.1, n)
    kind = rng.choice(np.array(["spot", "perp", "future", "option", "collateral"]), n,
                      p=[0.2, 0.45, 0.25, 0.05, 0.05])
    side = np.where((kind == "collateral") | (rng.random(n) < 0.5), "long", "short")
    inverse = ((kind == "perp") | (kind == "future")) & (rng.random(n) < 0.2)
    option = kind == "option"
    return pd.DataFrame({
        "name": [f"p{i}" for i in range(n)],
        "underlying": UNDERLYINGS[u], "kind": kind, "side": side,
        "quantity": rng.uniform(1, 100, n).round(3),
        "price": price.round(4),
        "contract_size": np.where(inverse, 100.0, 1.0),
        "inverse": inverse,
        "option_type": np.where(option, np.where(rng.random(n) < 0.5, "call", "put"), None),
        "strike": np.where(option, (price * rng.uniform(0.7, 1.3, n)).round(2), np.nan),
        "years": np.where(option, rng.uniform(0.02, 1.0, n), np.nan),
        "volatility": np.where(option, rng.uniform(0.3, 1.2, n), np.nan),
        "venue": rng.choice(np.array(["Binance", "OKX", "Bybit", "Deribit"]), n),
    })


def loop_summary(records: list[dict]) -> tuple[float, float]:
    """The naive way: one record at a time, notional measure (a put counts the other way)."""
    long = short = 0.0
    for r in records:
        size = r["quantity"] * r["contract_size"]
        usd = size if r["inverse"] else size * r["price"]
        if (r["side"] == "long") != (r["option_type"] == "put"):
            long += usd
        else:
            short += usd
    return long, short


def loop_by(records: list[dict]) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in records:
        size = r["quantity"] * r["contract_size"]
        usd = size if r["inverse"] else size * r["price"]
        long = (r["side"] == "long") != (r["option_type"] == "put")
        groups[r["underlying"]][0 if long else 1] += usd
    return groups


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-size", type=int, default=1_000_000)
    args = parser.parse_args()
    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.max_size]
    print(f"{'positions':>10} {'build s':>9} {'summary ms':>11} {'by() ms':>9} "
          f"{'loop sum ms':>12} {'loop by ms':>11} {'sum speed-up':>13}")
    for n in sizes:
        frame = mixed_frame(n)
        repeat = 3 if n >= 100_000 else 10
        build, book = best_of(lambda: ek.Book.from_frame(frame), repeat=1 if n >= 1_000_000 else 3)
        summary_s, summary = best_of(lambda: book.summary(measure="notional"), repeat)
        by_s, table = best_of(lambda: book.by("underlying", measure="notional"), repeat)
        records = frame.to_dict("records")
        loop_s, (long, short) = best_of(lambda: loop_summary(records), 1 if n >= 100_000 else 3)
        loop_by_s, groups = best_of(lambda: loop_by(records), 1 if n >= 100_000 else 3)
        assert abs(long - summary.long) <= 1e-6 * summary.gross
        assert abs(short - summary.short) <= 1e-6 * summary.gross
        assert abs(groups["BTC"][0] - table.loc["BTC", "long"]) <= 1e-6 * summary.gross
        print(f"{n:>10,} {build:>9.3f} {summary_s * 1e3:>11.2f} {by_s * 1e3:>9.2f} "
              f"{loop_s * 1e3:>12.1f} {loop_by_s * 1e3:>11.1f} {loop_s / summary_s:>12.0f}x")


if __name__ == "__main__":
    main()
