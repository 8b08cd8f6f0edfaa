"""Seconds to run each lesson top to bottom in a fresh kernel, and the whole series.

Goals on a 2-core machine: each lesson under 5 s, the series under 60 s. Kernel start-up is
counted, as a learner pressing Run All would wait for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

os.environ.setdefault("MPLBACKEND", "Agg")
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def run(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    total = 0.0
    print(f"{'lesson':<40} {'seconds':>8}")
    for path in sorted(NOTEBOOKS.glob("[01][0-9]_*.ipynb")):
        seconds = run(path)
        total += seconds
        print(f"{path.stem:<40} {seconds:>8.2f}")
    print(f"{'whole series':<40} {total:>8.2f}")


if __name__ == "__main__":
    main()
