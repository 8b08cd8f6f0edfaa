"""A class opening lesson 01 together: 30 visits, 10 at once, time to a live dashboard.

A visit is what a learner's browser does before a slider answers: fetch the lesson page, open
the kernel websocket in the v1 protocol and get the dashboard's widget state back from the
kernel (``exposure_kit._app._probe.visit``). Run on two cores (``taskset -c 0,1``), against:

- the classroom server as `make app APP_CLASS_POOL=01=30` runs it (warm pool: 1 kernel per
  lesson, 30 ready for lesson 01; ``CLASS_POOL=10`` in the environment to try another size),
  its kernels forked from the zygote (``exposure_kit._app._zygote``),
- the same server with each kernel a fresh interpreter (``fork_kernels=False``; ``--no-plain``
  skips it), and
- the naive way in the same run: plain Voila, one cold kernel started per visit (``--naive``
  skips it, ``--only-naive`` runs only it).

Prints p50 / p95 of the 30 visits, the single-visit time with a warm pool (median of 3), the
memory of the warm pool before anyone visits and the memory per learner after the visits (PSS of
the server's kernels and zygote, summed: shared pages counted once). Goals: p95 under 10 s, a
single visit under 1.5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "support"))
from exposure_kit._app import _probe  # noqa: E402

import browser_support as bs  # noqa: E402

VISITS, AT_ONCE = 30, 10
CLASS_POOL = int(os.environ.get("CLASS_POOL", "30"))   # make app APP_CLASS_POOL=01=30
LESSON = "01_net_vs_gross.ipynb"
KEEP = ("00_start_here.ipynb", LESSON)
CLASS_OPTIONS = ["--VoilaConfiguration.strip_sources=True",
                 "--VoilaConfiguration.show_tracebacks=False",
                 "--VoilaConfiguration.preheat_kernel=True",
                 "--VoilaConfiguration.default_pool_size=1",
                 f"--ClassroomVoila.class_pool=01={CLASS_POOL}", "--ClassroomVoila.max_kernels=60",
                 "--ClassroomVoila.max_kernels_per_client=0"]
NAIVE_OPTIONS = ["--VoilaConfiguration.strip_sources=True",
                 "--VoilaConfiguration.show_tracebacks=False"]


def kernels_pss_mb(server: psutil.Process) -> tuple[int, float]:
    """How many kernels the server runs and the PSS in MB of all its descendants (kernels and,
    when kernels are forked, their zygote): shared pages counted once."""
    kernels, total = 0, 0
    for p in server.children(recursive=True):
        try:
            total += p.memory_full_info().pss
            command = p.cmdline()       # the zygote is the server's child not running a kernel
            kernels += not ("exposure_kit._app._zygote" in command and "--kernel" not in command
                            and p.ppid() == server.pid)
        except psutil.Error:
            pass
    return kernels, total / 2**20


def tree_cpu_percent(server: psutil.Process, seconds: float = 2.0) -> float:
    """CPU used by the server and its kernels over a few seconds (other programs ignored)."""
    processes = [server, *server.children(recursive=True)]
    for p in processes:
        p.cpu_percent(None)
    time.sleep(seconds)
    total = 0.0
    for p in processes:
        try:
            total += p.cpu_percent(None)
        except psutil.NoSuchProcess:
            pass
    return total


def wait_for_pool(server: psutil.Process, wanted: int, timeout: float = 600) -> None:
    """Until the server runs ``wanted`` kernels that have finished running their lesson: the
    kernels' memory has stopped growing and the server's process tree is quiet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and kernels_pss_mb(server)[0] < wanted:
        time.sleep(1)
    previous = -1.0
    while time.monotonic() < deadline:
        busy = tree_cpu_percent(server, 3.0)
        memory = kernels_pss_mb(server)[1]
        if busy < 10 and abs(memory - previous) <= 0.01 * memory:
            return
        previous = memory


async def storm(base: str) -> list[float]:
    gate = asyncio.Semaphore(AT_ONCE)

    async def one() -> float:
        async with gate:
            result = await _probe.visit(base, f"voila/render/{LESSON}", timeout=300)
            return result["live"]

    return list(await asyncio.gather(*(one() for _ in range(VISITS))))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def serve(folder: Path, root: Path, naive: bool, fork: bool = True):
    port = bs.free_port()
    program = ([str(bs.BIN / "voila")] if naive else
               [sys.executable, "-m", "exposure_kit.app_server"])
    command = ["taskset", "-c", "0,1", *program, str(folder), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
               *(NAIVE_OPTIONS if naive else CLASS_OPTIONS),
               *([] if naive else [f"--ClassroomVoila.fork_kernels={fork}"])]
    return bs.server(command, root, port, bs.isolated_env(root), REPO), f"http://127.0.0.1:{port}/"


def measure(folder: Path, root: Path, naive: bool, fork: bool = True) -> dict:
    name = "naive" if naive else f"class-{'forked' if fork else 'plain'}"
    context, base = serve(folder, root / name, naive, fork)
    kernels: list[psutil.Process] = []
    with context as process:
        server = psutil.Process(process.pid)
        pool = 0 if naive else 1 + CLASS_POOL
        wait_for_pool(server, pool)
        idle = kernels_pss_mb(server)
        times = asyncio.run(storm(base))
        after = kernels_pss_mb(server)
        singles = []
        if not naive:
            for _ in range(3):
                wait_for_pool(server, 0)      # the pool refilled and quiet again
                singles.append(asyncio.run(_probe.visit(base, f"voila/render/{LESSON}"))["live"])
        kernels = server.children(recursive=True)
    for kernel in kernels:          # kernels run in sessions of their own: none left behind
        with contextlib.suppress(psutil.Error):
            kernel.kill()
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95),
            "max": max(times), "single": statistics.median(singles) if singles else None,
            "pool_kernels": idle[0], "pool_mb": idle[1],
            "per_learner_mb": after[1] / after[0] if after[0] else None,
            "kernels_after": after[0]}


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    try:
        folder = bs.app_lessons(root, KEEP)
        runs = []
        if "--only-naive" not in sys.argv:
            runs.append((f"classroom server, class pool 01={CLASS_POOL}, kernels forked",
                         measure(folder, root, False)))
            if "--no-plain" not in sys.argv:
                runs.append(("the same, each kernel a fresh interpreter",
                             measure(folder, root, False, fork=False)))
        if "--naive" not in sys.argv:
            runs.append(("naive: plain Voila, a cold kernel a visit", measure(folder, root, True)))
        print(f"{VISITS} visits to lesson 01, {AT_ONCE} at once, 2 cores: seconds to a live "
              "dashboard")
        for name, r in runs:
            single = f"{r['single']:.2f}" if r["single"] is not None else "-"
            learner = f"{r['per_learner_mb']:.0f}" if r["per_learner_mb"] else "-"
            print(f"  {name:52s} p50 {r['p50']:6.2f}  p95 {r['p95']:6.2f}  max {r['max']:6.2f}"
                  f"  single (warm) {single}")
            print(f"  {'':52s} warm pool {r['pool_kernels']} kernels = {r['pool_mb']:.0f} MB;"
                  f" {r['kernels_after']} kernels after the visits, {learner} MB each (PSS, "
                  f"zygote included); 40 learners ~{40 * (r['per_learner_mb'] or 0):.0f} MB")
        print("goals: p95 < 10 s, single visit < 1.5 s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
