"""How long the HTML risk page takes on a big book, beside the text report of the same book.

A seeded book of 10^5 mixed positions (spot, linear and inverse perps and futures with expiries,
options, collateral) across 20 accounts and 4 venues, with equity per account and funding rates:
the time to write the whole page (``exposure-kit report --format html``), then the page with a
limits file and yesterday's book (``--limits``, ``--since``: yesterday is the same desk with
seeded price moves, a tenth of its positions resized and a hundredth opened since), against the
text report (summary, one grouping, findings) on the same book.

Run: ``make bench`` or ``.venv/bin/python benchmarks/report.py [--size 100000]``.
Goal on a 2-core machine: the page for 10^5 positions across 20 accounts, with limits and
``--since``, in under 5 s. The load average is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import exposure_kit as ek
from exposure_kit.cli import build_report

sys.path.insert(0, str(Path(__file__).parent))
from engine import mixed_frame  # noqa: E402

ACCOUNTS = [f"{k:03d}" for k in range(1, 21)]
EXPIRIES = np.array(["240614", "240628", "240927", "241227"])


def desk_like(n: int, seed: int = 11):
    """The engine benchmark's mixed book with accounts, expiries and entry prices."""
    frame = mixed_frame(n, seed)
    rng = np.random.default_rng(seed + 1)      # a stream of its own: accounts mix every asset
    frame["account"] = rng.choice(np.array(ACCOUNTS), n)
    frame["expiry"] = np.where(frame["kind"] == "future", rng.choice(EXPIRIES, n), None)
    frame["entry_price"] = (frame["price"] * rng.uniform(0.97, 1.03, n)).round(4)
    book = ek.Book.from_frame(frame)
    gross = book.by("account")["gross"]
    equity = {a: float(g) / 4 for a, g in gross.items()}       # 4x gross leverage each
    return book, equity


LIMITS = """scope,key,metric,limit
book,,gross,5000000000
book,,net_leverage,3
book,,concentration,0.5
underlying,BTC,net,500000000
underlying,ETH,gross,800000000
account,001,net_leverage,2
account,002,liquidation_distance,0.2
venue,Binance,concentration,0.4
"""


def yesterday_of(book, seed: int = 12):
    """Yesterday's book: prices a seeded move away per underlying, a tenth of the positions
    another size, the last hundredth not yet opened."""
    rng = np.random.default_rng(seed)
    frame = book.to_frame()
    moves = {u: float(rng.normal(0, 0.03)) for u in book.underlyings}
    frame["price"] = frame["price"] / (1 + frame["underlying"].map(moves))
    resized = rng.random(len(frame)) < 0.1
    for column in ("quantity", "notional"):
        if column in frame.columns:
            frame[column] = np.where(resized, frame[column] * 0.8, frame[column])
    return ek.Book.from_frame(frame.iloc[: len(frame) - len(frame) // 100])


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    """Best wall-clock and CPU seconds of ``repeat`` runs (CPU time shows the cost when other
    work shares the machine)."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    size = parser.parse_args().size
    book, equity = desk_like(size)
    yesterday = yesterday_of(book)
    rates = {"BTC": 0.0001, "ETH": 0.00012, "SOL": -0.00005}
    out = Path(tempfile.mkdtemp()) / "report.html"

    def page():
        ek.report(book, equity=equity, funding=rates, as_of="2024-06-11").save(out)

    def full():
        ek.report(book, equity=equity, funding=rates, as_of="2024-06-11",
                  limits=io.StringIO(LIMITS), since=yesterday).save(out)

    def text():
        build_report(book, equity=sum(equity.values()))

    ek.report(ek.sample_book("guide_example_1"))        # imports, fonts: not part of the figure
    html_s = timed(page, parser.parse_args().repeat)
    full_s = timed(full, parser.parse_args().repeat)
    text_s = timed(text, parser.parse_args().repeat)
    print(f"{size:,} positions, {len(equity)} accounts, {len(book.underlyings)} underlyings")
    print(f"  HTML page (all sections): {html_s[0]:6.2f} s wall, {html_s[1]:6.2f} s CPU   "
          f"({out.stat().st_size / 1e6:.2f} MB)")
    print(f"  HTML page with --limits and --since: {full_s[0]:6.2f} s wall, {full_s[1]:6.2f} s "
          f"CPU   ({out.stat().st_size / 1e6:.2f} MB)")
    print(f"  text report (summary, by underlying, findings): {text_s[0]:6.2f} s wall, "
          f"{text_s[1]:6.2f} s CPU")
    print(f"  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    print(f"  goal: page with limits and --since under 5 s -> "
          f"{'met' if full_s[0] < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
