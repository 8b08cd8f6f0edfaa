"""Time from a key press on a dashboard's main control to its new chart drawn, in Chromium.

Each lesson's dashboard is opened in JupyterLab (Run All Cells) and in the app (Voila, served as
`make app` serves it). Its main control is focused and moved with the arrow keys MOVES times,
one step there and one back;
the page itself times each move, from the ``keydown`` (or, for a choice, ``input``) event
to the chart's ``<img>`` getting its new ``src`` (a MutationObserver), decoded and painted
(``img.decode()`` then the next animation frame). Prints the median and the 95th percentile per
dashboard and page kind, the servers' and kernels' CPU time per move, and the load average, which
on a shared 2-core machine says how much of the time was waiting for a core.

Goal: p95 under 100 ms.

Run: ``.venv/bin/python benchmarks/browser_latency.py [LESSON ...]`` (e.g. ``03 05``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "support"))

import browser_support as bs  # noqa: E402
import sweep_support as sw  # noqa: E402

MOVES = 30
WARM_UP = 3

# lesson -> (the main control's label (a slider's description, or "select:" and a dropdown's
#            description), the key that moves it (the option picked), the one that moves it back)
CONTROLS = {
    "01": ("Long (BTC perp) $", "ArrowRight", "ArrowLeft"),
    "02": ("BTC perpetual $", "ArrowRight", "ArrowLeft"),
    "03": ("Hedge ratio", "ArrowRight", "ArrowLeft"),
    "04": ("Correlation", "ArrowRight", "ArrowLeft"),
    "05": ("Correlation", "ArrowRight", "ArrowLeft"),
    "06": ("ETH perp short $", "ArrowRight", "ArrowLeft"),
    "07": ("BTC move", "ArrowRight", "ArrowLeft"),
    "08": ("BTC move", "ArrowRight", "ArrowLeft"),
    "09": ("Largest move", "ArrowRight", "ArrowLeft"),
    "10": ("BTC price $", "ArrowRight", "ArrowLeft"),
    "11": ("BTC move", "ArrowRight", "ArrowLeft"),
    "12": ("select:Measure", "notional", "delta"),      # a choice: picked, not keyed
}

# Arm a timer: resolved when the dashboard's chart next gets a new picture, drawn.
ARM = r"""
(control) => {
  const board = control.closest('.ek-dashboard');
  const img = board.querySelector('img.ek-chart');
  window.ekMove = new Promise((resolve, reject) => {
    let start = null;
    const onKey = () => { if (start === null) { start = performance.now(); } };
    document.addEventListener('keydown', onKey, {capture: true, once: true});
    document.addEventListener('input', onKey, {capture: true, once: true});
    const watch = new MutationObserver(() => {
      watch.disconnect();
      img.decode().catch(() => null).then(() => requestAnimationFrame(
        () => resolve(performance.now() - start)));
    });
    watch.observe(img, {attributes: true, attributeFilter: ['src']});
    setTimeout(() => { watch.disconnect(); reject(new Error('no new picture in 10 s')); },
               10000);
  });
}
"""


def main_control(page, label: str):
    """The element that takes the keys: a slider's handle, or a dropdown's <select>."""
    if label.startswith("select:"):
        box = page.locator(".widget-dropdown").filter(has_text=label[len("select:"):]).first
        return box.locator("select")
    return bs.slider(page, label).first.locator(".noUi-handle")


def cpu_seconds(process) -> float:
    """CPU time used so far by a server and everything it started (its kernels)."""
    import psutil

    root = psutil.Process(process.pid)
    return bs.cpu_seconds([root, *root.children(recursive=True)])


def time_moves(page, label: str, forward: str, back: str, server) -> dict:
    # a dashboard that answers a prediction is held back until it is answered: open it
    control = main_control(page, label)
    control.wait_for(state="attached", timeout=90_000)
    bs.show_held_dashboards(page)
    control.wait_for(timeout=90_000)
    control.scroll_into_view_if_needed()
    control.focus()
    # there and back each time: a control starting near an end never runs into it
    times, keys = [], [forward, back] * (MOVES // 2)
    cpu = cpu_seconds(server)
    for n, key in enumerate([forward, back] * WARM_UP + keys):
        handle = control.element_handle()
        page.evaluate(ARM, handle)
        if label.startswith("select:"):
            control.select_option(key)
        else:
            control.press(key)
        try:
            took = page.evaluate("() => window.ekMove")
        except Exception as exc:
            shown = control.evaluate("(c) => (c.closest('.widget-slider, .widget-dropdown') || "
                                     "c).innerText + ' ' + (c.getAttribute('aria-valuenow') || "
                                     "c.value)")
            raise RuntimeError(f"move {n} ({key}), control shows {shown!r}: {exc}") from None
        if n >= 2 * WARM_UP:
            times.append(took)
    cpu = (cpu_seconds(server) - cpu) / (MOVES + 2 * WARM_UP) * 1e3
    ordered = sorted(times)
    return {"median": statistics.median(ordered),
            "p95": ordered[round(0.95 * (len(ordered) - 1))], "cpu": cpu}


def lab_run(page, base: str, token: str, stem: str) -> None:
    page.goto(f"{base}/lab/tree/notebooks/{stem}.ipynb?token={token}&reset")
    bs.run_all_cells(page)
    page.wait_for_function(sw.ALL_CODE_RUN, timeout=sw.RUN_TIMEOUT_MS, polling=500)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=sw.RUN_TIMEOUT_MS)


def lessons(only: list[str]) -> list[str]:
    stems = sorted(p.stem for p in (bs.REPO / "notebooks").glob("*.ipynb"))
    return [s for s in stems if s[:2] in CONTROLS and (not only or s[:2] in only)]


def run(only: list[str]) -> list[tuple[str, str, dict]]:
    bs.require_chromium()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ek-latency-") as folder:
        root = Path(folder)
        with sw.lab_server(root / "l") as (lab_base, token), \
                sw.app_server(root / "a") as (app_base, _app_dir), \
                bs.chromium_page(root, width=1366, height=768) as page:
            servers = _servers()
            for stem in lessons(only):
                label, forward, back = CONTROLS[stem[:2]]
                for where in ("lab", "app"):
                    print(f"{stem} in {where}", file=sys.stderr, flush=True)
                    try:
                        if where == "lab":
                            lab_run(page, lab_base, token, stem)
                        else:
                            page.goto(f"{app_base}/voila/render/{stem}.ipynb")
                            page.wait_for_function(sw.VOILA_DONE, timeout=sw.RUN_TIMEOUT_MS,
                                                   polling=500)
                        server = servers[0 if where == "lab" else 1]
                        rows.append((stem, where, time_moves(page, label, forward, back, server)))
                    except Exception as exc:       # one page's failure is a row, not the end
                        rows.append((stem, where, {"error": f"{type(exc).__name__}: "
                                                            f"{str(exc).splitlines()[0]}"}))
                    if where == "lab":
                        sw.shut_kernels_of(lab_base, token, f"notebooks/{stem}.ipynb")
                    page.goto("about:blank")
    return rows


def _servers():
    """The two server processes just started (the newest two children of this process)."""
    import psutil

    children = sorted(psutil.Process().children(), key=lambda p: p.create_time())
    return [c for c in children if "chromium" not in " ".join(c.cmdline())
            and "playwright" not in " ".join(c.cmdline())][-2:]


def main() -> None:
    only = sys.argv[1:]
    load, cpu_clock = os.getloadavg(), time.process_time()
    started = time.monotonic()
    rows = run(only)
    print(f"browser latency: key press to new chart drawn, {MOVES} moves per dashboard, "
          f"{os.cpu_count()} cores")
    print(f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, at end "
          "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"{'lesson':38s} {'where':5s} {'median ms':>10s} {'p95 ms':>8s} "
          f"{'server+kernel CPU ms/move':>26s}")
    for stem, where, r in rows:
        if "error" in r:
            print(f"{stem:38s} {where:5s} not measured: {r['error']}")
            continue
        flag = "" if r["p95"] < 100 else "  p95 over 100 ms"
        print(f"{stem:38s} {where:5s} {r['median']:10.1f} {r['p95']:8.1f} {r['cpu']:26.1f}{flag}")
    print(f"whole run {time.monotonic() - started:.0f} s (this script's own CPU "
          f"{time.process_time() - cpu_clock:.1f} s)")


if __name__ == "__main__":
    main()
