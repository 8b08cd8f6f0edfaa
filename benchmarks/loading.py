"""How long reading and writing a desk's file takes, against plain ``pandas.read_csv`` and
``DataFrame.to_csv`` on the same text (which check nothing and do not round-trip every value).

Builds a seeded CSV of 100,000 positions (the sample desk book repeated, 11 columns) and prints
the time of ``read_positions`` (parsing with the true line of every position, validation),
``write_positions`` to CSV and to JSON (each includes reading the text back to check that it
reads back equal), and the plain pandas calls.

Times are the best of three, wall clock and CPU (the CPU figure is the one to compare on a
shared machine). Run: ``.venv/bin/python benchmarks/loading.py [--size 100000]``.
Goal at 10^5 positions: reading within 10 % of the CPU time it took before the checks of issue 17
(0.58 s on the 2-core test machine); writing may cost about twice ``to_csv``, the price of
reading the text back before it is written.
"""

from __future__ import annotations

import argparse
import io
import time

import pandas as pd

import exposure_kit as ek


def desk_text(size: int) -> str:
    rows = ek.sample_path("desk_book").read_text().splitlines()
    header, body = rows[0], rows[1:]
    lines = [body[i % len(body)] for i in range(size)]
    return "\n".join([header, *lines]) + "\n"


def best_of(action, repeat: int = 3) -> tuple[float, float]:
    """The best wall-clock and CPU seconds of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    size = parser.parse_args().size
    text = desk_text(size)
    book = ek.read_positions(io.StringIO(text), format="csv")
    frame = book.to_frame()
    rows = [
        ("read_positions (CSV)", best_of(lambda: ek.read_positions(io.StringIO(text),
                                                                    format="csv"))),
        ("pandas.read_csv, no checks", best_of(lambda: pd.read_csv(io.StringIO(text), dtype=str))),
        ("write_positions (CSV, read back)", best_of(
            lambda: ek.write_positions(book, io.StringIO(), format="csv"))),
        ("DataFrame.to_csv, no checks", best_of(lambda: frame.to_csv(index=False))),
        ("write_positions (JSON, read back)", best_of(
            lambda: ek.write_positions(book, io.StringIO(), format="json"), repeat=1)),
    ]
    print(f"{size:,} positions, {len(text) / 2**20:.1f} MiB of CSV")
    print(f"  {'':<36} {'wall':>8} {'CPU':>8}")
    for label, (wall, cpu) in rows:
        print(f"  {label:<36} {wall:7.3f}s {cpu:7.3f}s")


if __name__ == "__main__":
    main()
