"""Time from a key press on a dashboard's main control to its new chart drawn, in Chromium.

Each lesson's dashboard is opened in JupyterLab (Run All Cells) and in the app (Voila, served as
`make app` serves it). Its main control is focused and moved with the arrow keys MOVES times,
one step there and one back;
the page itself times each move, from the ``keydown`` (or, for a choice, ``input``) event
to the chart's ``<img>`` getting its new ``src`` (a MutationObserver), decoded and painted
(``img.decode()`` then the next animation frame). Prints the median and the 95th percentile per
dashboard and page kind, and, because on a shared 2-core machine wall times mostly say how long
each step waited for a core (the load average is printed), what does not depend on the load:
CPU time per move of the kernel behind the page, of the server, of the server's other kernels
(a Voila warm pool refilling after the page took its kernel: the page waits for them to settle
before moving) and of the browser; the kernel websocket frames and bytes received per move and
their kinds; the picture's size; the page's main-thread time per move (Chromium's counters) and
the part of each move from the new picture's arrival to its paint.

Goal: p95 under 100 ms.

Each lesson is measured twice in the same run, servers and kernels importing ``exposure_kit``
first as it was before the latency work (``--before REF``, a git commit; ``--before none`` to
skip), then as it is in this tree, and the two rows are printed one under the other.

Run: ``.venv/bin/python benchmarks/browser_latency.py [LESSON ...] [--before REF]``
(e.g. ``03 05``).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
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
# The code before the latency work (issue 23, item 6): the "before" side of the table.
BEFORE = "0159d6a"

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
      const arrived = performance.now();
      img.decode().catch(() => null).then(() => requestAnimationFrame(() => {
        const drawn = performance.now();
        resolve([drawn - start, drawn - arrived]);
      }));
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


class Processes:
    """CPU time, split by who spent it: the server alone, the kernel behind the page, the
    server's other kernels (a Voila warm pool refilling, say), and the browser."""

    def __init__(self, server, kernel_id: str) -> None:
        import psutil

        self.server = psutil.Process(server.pid)
        children = self.server.children(recursive=True)
        self.kernel = [c for c in children if kernel_id and kernel_id in " ".join(c.cmdline())]
        self.others = [c for c in children if c not in self.kernel]

    @staticmethod
    def _browser() -> list:
        import psutil

        return [c for c in psutil.Process().children(recursive=True)
                if "chrom" in c.name().lower()]

    def now(self) -> dict[str, float]:
        # kernels started since (a pool refilled) count as "others" from their first second
        others = [c for c in self.server.children(recursive=True) if c not in self.kernel]
        return {"server": bs.cpu_seconds([self.server]), "kernel": bs.cpu_seconds(self.kernel),
                "others": bs.cpu_seconds(others), "browser": bs.cpu_seconds(self._browser())}


class Frames:
    """The kernel websocket frames the page receives and sends while ``on``: count, bytes, and
    the comm messages among them by method (``update``, ``echo_update``) and whether they carry
    binary buffers (the PNG)."""

    def __init__(self, page) -> None:
        self.on = False
        self.counts: dict[str, float] = {}
        page.on("websocket", self._socket)

    def _socket(self, socket) -> None:
        if "/channels" in socket.url:
            socket.on("framereceived", lambda payload: self._frame(payload, "in"))
            socket.on("framesent", lambda payload: self._frame(payload, "out"))

    def _add(self, key: str, amount: float = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount

    def _frame(self, payload, way: str) -> None:
        if not self.on:
            return
        raw = payload.encode() if isinstance(payload, str) else payload
        self._add(f"{way} frames")
        self._add(f"{way} bytes", len(raw))
        header, content, buffers = _parts(payload)
        kind = header.get("msg_type", "?")
        if kind == "comm_msg":
            kind = f"comm {content.get('data', {}).get('method', '?')}"
        self._add(f"{way} {kind}")
        if buffers:
            self._add(f"{way} buffer bytes", buffers)

    def per_move(self, moves: int) -> dict[str, float]:
        return {k: v / moves for k, v in self.counts.items()}


def _parts(payload) -> tuple[dict, dict, int]:
    """Header, content and bytes of binary buffers of one frame (v1 binary or JSON text)."""
    import json

    from exposure_kit._app._frames import BadFrame, frame_offsets

    try:
        if isinstance(payload, str):
            message = json.loads(payload)
            return message.get("header", {}), message.get("content", {}), 0
        offsets = frame_offsets(payload)
        pieces = [payload[a:b] for a, b in zip(offsets, offsets[1:])]
        return (json.loads(pieces[1]), json.loads(pieces[4]),
                sum(len(piece) for piece in pieces[5:]))
    except (BadFrame, ValueError, IndexError):
        return {}, {}, 0


def time_moves(page, label: str, forward: str, back: str, processes: Processes,
               frames: Frames) -> dict:
    # a dashboard that answers a prediction is held back until it is answered: open it
    control = main_control(page, label)
    control.wait_for(state="attached", timeout=90_000)
    bs.show_held_dashboards(page)
    control.wait_for(timeout=90_000)
    control.scroll_into_view_if_needed()
    control.focus()
    # there and back each time: a control starting near an end never runs into it
    times, paints, keys = [], [], [forward, back] * (MOVES // 2)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    for n, key in enumerate([forward, back] * WARM_UP + keys):
        if n == 2 * WARM_UP:
            cpu, frames.on, frames.counts = processes.now(), True, {}
            work = page_work(cdp)
        handle = control.element_handle()
        page.evaluate(ARM, handle)
        if label.startswith("select:"):
            control.select_option(key)
        else:
            control.press(key)
        try:
            took, painted = page.evaluate("() => window.ekMove")
        except Exception as exc:
            shown = control.evaluate("(c) => (c.closest('.widget-slider, .widget-dropdown') || "
                                     "c).innerText + ' ' + (c.getAttribute('aria-valuenow') || "
                                     "c.value)")
            raise RuntimeError(f"move {n} ({key}), control shows {shown!r}: {exc}") from None
        if n >= 2 * WARM_UP:
            times.append(took)
            paints.append(painted)
    page.wait_for_timeout(300)                 # the messages sent after the picture (readout)
    frames.on = False
    after, done = processes.now(), page_work(cdp)
    cpu = {k: (after[k] - cpu[k]) / len(times) * 1e3 for k in cpu}
    work = {k: (done[k] - work[k]) / len(times) * 1e3 for k in work}
    cdp.detach()
    ordered = sorted(times)
    png = page.evaluate(PNG_BYTES, control.element_handle())
    return {"median": statistics.median(ordered),
            "p95": ordered[round(0.95 * (len(ordered) - 1))],
            "paint": statistics.median(paints), "cpu": cpu, "png": png, "work": work,
            "frames": frames.per_move(len(times))}


def page_work(cdp) -> dict[str, float]:
    """Seconds the page's main thread has spent so far on tasks, scripts, style and layout
    (Chromium's own counters)."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"task": metrics.get("TaskDuration", 0.0), "script": metrics.get("ScriptDuration", 0.0),
            "style": metrics.get("RecalcStyleDuration", 0.0),
            "layout": metrics.get("LayoutDuration", 0.0)}


# The size of the picture the dashboard shows now.
PNG_BYTES = r"""
async (control) => {
  const img = control.closest('.ek-dashboard').querySelector('img.ek-chart');
  return (await (await fetch(img.src)).blob()).size;
}
"""


def page_kernel_id(page, where: str, base: str, token: str, stem: str) -> str:
    """The id of the kernel behind the page: from JupyterLab's sessions, or Voila's page."""
    import json
    import re
    import urllib.request

    if where == "app":
        found = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.content())
        return found.group(1) if found else ""
    request = urllib.request.Request(f"{base}/api/sessions",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        sessions = json.load(answer)
    return next((s["kernel"]["id"] for s in sessions
                 if s.get("path") == f"notebooks/{stem}.ipynb"), "")


def settle(processes: Processes, quiet: float = 0.05, most: float = 60.0) -> float:
    """Wait until the server's other kernels (a warm pool refilling after this page took its
    kernel) stop using CPU, at most ``most`` seconds; returns the seconds waited. A pool refill
    is a one-off cost of opening a page: timed separately from the moves."""
    started = time.monotonic()
    last = processes.now()["others"]
    while time.monotonic() - started < most:
        time.sleep(1.0)
        now = processes.now()["others"]
        if now - last < quiet:
            break
        last = now
    return time.monotonic() - started


def lab_run(page, base: str, token: str, stem: str) -> None:
    page.goto(f"{base}/lab/tree/notebooks/{stem}.ipynb?token={token}&reset",
              timeout=sw.RUN_TIMEOUT_MS)
    # a kernel starts slowly on a busy machine: wait longer than run_all_cells would
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=sw.RUN_TIMEOUT_MS)
    bs.run_all_cells(page)
    page.wait_for_function(sw.ALL_CODE_RUN, timeout=sw.RUN_TIMEOUT_MS, polling=500)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=sw.RUN_TIMEOUT_MS)


def lessons(only: list[str]) -> list[str]:
    stems = sorted(p.stem for p in (bs.REPO / "notebooks").glob("*.ipynb"))
    return [s for s in stems if s[:2] in CONTROLS and (not only or s[:2] in only)]


@contextlib.contextmanager
def package_from(ref: str | None):
    """Kernels and servers started inside import ``exposure_kit`` as it was at the git commit
    ``ref`` (an extracted copy put first on PYTHONPATH), or from this tree when ``ref`` is None.
    """
    if ref is None:
        yield
        return
    kept = os.environ.get("PYTHONPATH")
    with tempfile.TemporaryDirectory(prefix="ek-before-") as folder:
        archive = subprocess.run(["git", "-C", str(bs.REPO), "archive", ref, "exposure_kit"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, kept]))
        try:
            yield
        finally:
            if kept is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = kept


def run(only: list[str], ref: str | None = None) -> list[tuple[str, str, dict]]:
    bs.require_chromium()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ek-latency-") as folder, package_from(ref):
        root = Path(folder)
        with sw.lab_server(root / "l") as (lab_base, token), \
                sw.app_server(root / "a") as (app_base, _app_dir), \
                bs.chromium_page(root, width=1366, height=768) as page:
            servers = _servers()
            frames = Frames(page)
            # JupyterLab's first page load (its assets, cold) can take longer than a step's
            # timeout on a busy machine: open it once before timing anything
            with contextlib.suppress(Exception):
                page.goto(f"{lab_base}/lab?token={token}&reset", timeout=120_000)
                page.get_by_text("Launcher").first.wait_for(timeout=120_000)
            for stem in lessons(only):
                label, forward, back = CONTROLS[stem[:2]]
                for where in ("lab", "app"):
                    print(f"{stem} in {where}", file=sys.stderr, flush=True)
                    try:
                        if where == "lab":
                            lab_run(page, lab_base, token, stem)
                        else:
                            # a page waits for its kernel: long while the warm pools fill
                            page.goto(f"{app_base}/voila/render/{stem}.ipynb",
                                      timeout=sw.RUN_TIMEOUT_MS)
                            page.wait_for_function(sw.VOILA_DONE, timeout=sw.RUN_TIMEOUT_MS,
                                                   polling=500)
                        server = servers[0 if where == "lab" else 1]
                        processes = Processes(server, page_kernel_id(
                            page, where, lab_base, token, stem))
                        waited = settle(processes)
                        row = time_moves(page, label, forward, back, processes, frames)
                        rows.append((stem, where, {**row, "settle": waited}))
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


def print_rows(rows) -> None:
    """Wall times, then what does not depend on the machine's load: CPU per move by process,
    frames and bytes per move, the picture's size, the front end's decode and paint; each
    lesson's rows before and after one under the other."""
    print(f"{'lesson':14s} {'code':6s} {'where':5s} {'median':>7s} {'p95':>7s} {'paint':>6s} "
          f"{'kernel':>7s} {'server':>7s} {'others':>7s} {'browser':>8s} "
          f"{'msgs in':>8s} {'updates':>8s} {'KB in':>6s} {'PNG KB':>7s}")
    for stem, code, where, r in rows:
        if "error" in r:
            print(f"{stem[:14]:14s} {code:6s} {where:5s} not measured: {r['error']}")
            continue
        f, c = r["frames"], r["cpu"]
        updates = f.get("in comm update", 0) + f.get("in comm echo_update", 0)
        flag = "" if r["p95"] < 100 else "  p95 over 100 ms"
        print(f"{stem[:14]:14s} {code:6s} {where:5s} {r['median']:7.1f} {r['p95']:7.1f} {r['paint']:6.1f} "
              f"{c['kernel']:7.1f} {c['server']:7.1f} {c['others']:7.1f} {c['browser']:8.1f} "
              f"{f.get('in frames', 0):8.1f} {updates:8.1f} {f.get('in bytes', 0) / 1024:6.1f} "
              f"{r['png'] / 1024:7.1f}{flag}")
    print("median, p95: ms from key press to the new chart painted; paint: ms of that from the "
          "new picture's arrival to decoded and painted (median); kernel, server, others "
          "(the server's other kernels), browser: CPU ms per move; msgs in: kernel websocket "
          "frames received per move, updates: widget state updates among them; KB in: bytes "
          "received per move; PNG KB: the chart's picture.")
    for stem, code, where, r in rows:
        if "frames" in r:
            kinds = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["frames"].items())
                              if "bytes" not in k)
            work = ", ".join(f"{k} {v:.1f}" for k, v in r["work"].items())
            print(f"  {stem[:2]} {code} {where}: {kinds}; page's main thread ms per move: {work}; "
                  f"settled {r['settle']:.0f} s before moving")


def main() -> None:
    arguments = sys.argv[1:]
    ref = BEFORE
    if "--before" in arguments:
        at = arguments.index("--before")
        ref = arguments[at + 1]
        del arguments[at:at + 2]
    load, cpu_clock = os.getloadavg(), time.process_time()
    started = time.monotonic()
    rows = []
    for code, source in ([("before", ref)] if ref != "none" else []) + [("after", None)]:
        rows += [(stem, code, where, r) for stem, where, r in run(arguments, source)]
    rows.sort(key=lambda row: (row[0], row[2], row[1] == "after"))
    print(f"browser latency: key press to new chart drawn, {MOVES} moves per dashboard, "
          f"{os.cpu_count()} cores; before: exposure_kit at {ref}, after: this tree")
    print(f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, at end "
          "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print_rows(rows)
    print(f"whole run {time.monotonic() - started:.0f} s (this script's own CPU "
          f"{time.process_time() - cpu_clock:.1f} s)")


if __name__ == "__main__":
    main()
