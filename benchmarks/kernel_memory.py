"""What a lesson kernel holds, and N lesson kernels started fresh or forked from the zygote.

Memory is PSS (proportional set size: a page shared by k processes counts 1/k in each), so a
sum over processes counts shared pages once. Three parts, printed side by side:

1. ``imports``: one interpreter importing a lesson kernel's libraries one after another (the
   order a kernel meets them), PSS after each step: what each library adds.
2. ``modules``: one fresh lesson kernel after lesson 01 ran in it: its PSS and the modules it
   holds that a lesson does not need.
3. ``kernels``: N kernels (``--kernels N``, default 10) each running lesson 01, started the
   ordinary way (a new interpreter each) and forked from one zygote, in the same run: total and
   per-learner PSS (the zygote counted), and 40 learners projected from the per-learner figure.

Run: ``taskset -c 0,1 .venv/bin/python benchmarks/kernel_memory.py [imports|modules|kernels]
[--kernels N]``.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory

REPO = Path(__file__).resolve().parents[1]
LESSON = REPO / "notebooks" / "01_net_vs_gross.ipynb"
STEPS = ("ipykernel.kernelapp", "numpy", "pandas", "matplotlib.pyplot", "ipywidgets",
         "exposure_kit", "exposure_kit.widgets", "exposure_kit.plots")
MB = 2**20


def pss_mb(pids) -> float:
    """Summed PSS of ``pids`` in MB (processes gone are skipped)."""
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_full_info().pss
        except psutil.Error:
            pass
    return total / MB


def imports() -> None:
    script = ("import importlib, json, sys, psutil\n"
              "me = psutil.Process()\n"
              "out = [('python', me.memory_full_info().pss, len(sys.modules))]\n"
              f"for name in {STEPS!r}:\n"
              "    importlib.import_module(name)\n"
              "    out.append((name, me.memory_full_info().pss, len(sys.modules)))\n"
              "print(json.dumps(out))\n")
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    steps = json.loads(subprocess.run([sys.executable, "-c", script], env=env, check=True,
                                      capture_output=True, text=True).stdout)
    print("1. imports, one interpreter (PSS MB after each step; modules loaded)")
    previous = 0
    for name, pss, count in steps:
        print(f"   {name:22s} {pss / MB:7.1f}  (+{(pss - previous) / MB:5.1f})  {count:5d} modules")
        previous = pss


def lesson_cells() -> list[str]:
    return [cell.source for cell in nbformat.read(LESSON, 4).cells if cell.cell_type == "code"]


async def run_lesson(km: AsyncKernelManager) -> None:
    client = km.client()
    client.start_channels()
    await client.wait_for_ready(timeout=120)
    for source in lesson_cells():
        reply = await client.execute_interactive(source, timeout=300, output_hook=lambda m: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"lesson 01 failed in a kernel: {reply['content']}")
    client.stop_channels()


async def kernel_with(code: str, km: AsyncKernelManager) -> str:
    client = km.client()
    client.start_channels()
    await client.wait_for_ready(timeout=120)
    found = []
    await client.execute_interactive(code, timeout=60, output_hook=lambda m: found.append(
        m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    client.stop_channels()
    return "".join(found)


def zygote_packages() -> set[str]:
    """Top-level packages a zygote holds after its preload."""
    script = ("from exposure_kit._app._zygote import preloaded\n"
              "print(' '.join({m.split('.')[0] for m in preloaded()}))")
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True).stdout
    return set(out.split())


async def modules() -> None:
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel(cwd=str(LESSON.parent))
    try:
        await run_lesson(km)
        pid = km.provisioner.pid
        report = await kernel_with(
            "import sys, gc\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules})\n"
            "print(len(sys.modules), ' '.join(heavy))\n", km)
        print(f"2. one fresh lesson kernel after lesson 01: PSS {pss_mb([pid]):.1f} MB")
        count, names = report.split(" ", 1)
        beyond = sorted(set(names.split()) - zygote_packages())
        print(f"   {count} modules; packages beyond the zygote's preload: {' '.join(beyond)}")
    finally:
        await km.shutdown_kernel(now=True)


async def start_many(n: int, forked: bool) -> tuple[list[AsyncKernelManager], list[int]]:
    factory = KernelProvisionerFactory.instance()
    factory.default_provisioner_name = "exposure-kit-forking" if forked else "local-provisioner"
    managers = [AsyncKernelManager(kernel_name="python3") for _ in range(n)]
    for km in managers:      # one at a time, as a warm pool fills
        await km.start_kernel(cwd=str(LESSON.parent))
        await run_lesson(km)
    return managers, [km.provisioner.pid for km in managers]


async def kernels(n: int) -> None:
    from exposure_kit._app._forking import Zygote

    zygote = Zygote.start()
    results = {}
    try:
        await zygote.ready()
        base = pss_mb([zygote.process.pid])
        for forked in (False, True):
            managers, pids = await start_many(n, forked)
            await asyncio.sleep(2)
            each = [pss_mb([pid]) for pid in pids]
            total = sum(each) + (pss_mb([zygote.process.pid]) if forked else 0.0)
            results[forked] = (total, each)
            await asyncio.gather(*(km.shutdown_kernel(now=True) for km in managers))
    finally:
        zygote.stop()
    print(f"3. {n} kernels, each after running lesson 01 (PSS MB; the zygote alone idle: "
          f"{base:.0f} MB)")
    for forked, label in ((False, "fresh interpreter each (before)"),
                          (True, "forked from the zygote (after)")):
        total, each = results[forked]
        print(f"   {label:34s} total {total:7.0f}  per learner {total / n:6.1f}  "
              f"(kernel alone {min(each):.0f}-{max(each):.0f})  40 learners ~{40 * total / n:6.0f}")


def main() -> None:
    parts = [a for a in sys.argv[1:] if not a.startswith("--") and not a.isdigit()] or \
        ["imports", "modules", "kernels"]
    n = int(sys.argv[sys.argv.index("--kernels") + 1]) if "--kernels" in sys.argv else 10
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    with tempfile.TemporaryDirectory() as home:
        os.environ.setdefault("IPYTHONDIR", str(Path(home) / "ipython"))
        if "imports" in parts:
            imports()
        if "modules" in parts:
            asyncio.run(modules())
        if "kernels" in parts:
            asyncio.run(kernels(n))


if __name__ == "__main__":
    main()
