"""A class through JupyterHub (`make hub`) beside `make app`, on this machine, in the same run.

- The hub: 20 learners sign in together with the class code (HTTP, as a browser's form does),
  each waits for their own classroom server to start, then opens lesson 01 and waits for a live
  dashboard (the kernel sends the widgets' state back over the kernel websocket, as
  ``exposure_kit._app._probe.visit`` does for benchmarks/classroom.py). Timed from "Sign in".
- `make app`: one classroom server with lesson 01 warm for the class (APP_CLASS_POOL=01=20,
  pool filled before the class arrives), 20 visits at once, timed the same way from the request.

Memory is counted as PSS (``/proc/PID/smaps_rollup``: a page shared by N processes counts 1/N
to each, so the sum over processes is the memory really used), per learner: their server and its
kernel on the hub; the server and all its kernels divided by the learners for `make app`. RSS is
printed beside it. Then one lesson kernel is taken apart (nbclient runs lesson 01's app copy):
its PSS bare, with exposure-kit imported, after the lesson, and after closing its figures.

    .venv/bin/python benchmarks/hub.py          (LEARNERS=10 for a smaller class)

Needs `make hub-tools` (configurable-http-proxy, PostgreSQL). Goal (issue 27): 40 learners under
4 GB on one machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests
from tornado.httpclient import AsyncHTTPClient

REPO = Path(__file__).resolve().parents[1]
LEARNERS = int(os.environ.get("LEARNERS", "20"))
os.environ.setdefault("CLASS_POOL", str(LEARNERS))      # benchmarks/classroom.py's server
for folder in (REPO / "tests" / "hub", REPO / "benchmarks"):
    sys.path.insert(0, str(folder))
import classroom  # noqa: E402  (benchmarks/classroom.py: the `make app` server and its pool)
import hub_support as hs  # noqa: E402  (puts tests/ on the path too)

from exposure_kit._app import _probe  # noqa: E402

import browser_support as bs  # noqa: E402

LESSON = "voila/render/01_net_vs_gross.ipynb"
AsyncHTTPClient.configure(None, max_clients=4 * LEARNERS)   # every learner's request at once
RETRIES: list[str] = []     # learners whose lesson page came without a kernel (printed)


def pss_mb(pid: int) -> float:
    """Proportional set size of one process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree(pid: int) -> list[psutil.Process]:
    process = psutil.Process(pid)
    return [process, *process.children(recursive=True)]


def memory_of(processes: list[psutil.Process]) -> tuple[float, float]:
    """Summed PSS and RSS in MB."""
    pss = sum(pss_mb(p.pid) for p in processes)
    rss = 0.0
    for p in processes:
        try:
            rss += p.memory_info().rss / 2**20
        except psutil.Error:
            pass
    return pss, rss


def percentile(values: list[float], share: float) -> float:
    return classroom.percentile(values, share)


# ----- the hub ------------------------------------------------------------------------------------
def sign_in(hub: hs.Hub, name: str) -> str:
    """Log in as a learner and wait for their server's front page; the cookies to send."""
    session = requests.Session()
    session.get(hub.url + "hub/login", timeout=60)
    session.post(hub.url + "hub/login", timeout=300, data={
        "username": name, "password": hub.class_code, "_xsrf": session.cookies.get("_xsrf")})
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        page = session.get(f"{hub.url}user/{name}/", timeout=300)
        if page.url.rstrip("/").endswith(f"/user/{name}") and "01_net_vs_gross" in page.text:
            return "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        time.sleep(1)
    raise TimeoutError(f"{name}'s server did not start")


async def hub_learner(hub: hs.Hub, name: str, threads: ThreadPoolExecutor) -> tuple[float, float]:
    started = time.monotonic()
    cookie = await asyncio.get_running_loop().run_in_executor(threads, sign_in, hub, name)
    spawned = time.monotonic() - started
    base, headers = f"{hub.url}user/{name}/", {"Cookie": cookie}
    for attempt in range(3):
        try:
            result = await _probe.visit(base, LESSON, timeout=600, headers=headers)
        except AttributeError:      # a page without a kernel: say what it was, then retry
            code, html = await _probe.fetch_lesson(base, LESSON, 60, headers)
            print(f"{name}: lesson 01 page without a kernel ({code}): "
                  f"{' '.join(html.split())[:300]}", flush=True)
            RETRIES.append(name)
            continue
        if result["live"] is not None:
            return spawned, time.monotonic() - started
        print(f"{name}: lesson 01 answered {result['status']}", flush=True)
        RETRIES.append(name)
    raise RuntimeError(f"{name}: no live lesson 01 in 3 tries")


def learner_servers(hub: hs.Hub) -> dict[str, int]:
    """Each learner's server pid, by hub user name (from its environment)."""
    servers = {}
    for pid, command in hub.processes().items():
        if "exposure_kit._app._hub" not in command:
            continue
        try:
            env = dict(item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text(
                errors="replace").split("\0") if "=" in item)
        except OSError:
            continue
        if env.get("JUPYTERHUB_USER"):
            servers[env["JUPYTERHUB_USER"]] = pid
    return servers


def measure_hub() -> dict:
    with hs.running_hub(HUB_MAX_LEARNERS=str(LEARNERS + 5)) as hub:
        names = [f"learner{n:02d}" for n in range(1, LEARNERS + 1)]

        async def everyone():
            # one thread a learner signing in: the loop's default pool stays free for lookups
            with ThreadPoolExecutor(LEARNERS) as threads:
                return await asyncio.gather(*(hub_learner(hub, name, threads)
                                              for name in names))

        times = asyncio.run(everyone())
        time.sleep(10)          # kernels settle (the lesson's last cells, the pools)
        servers = learner_servers(hub)
        per_learner = [memory_of(tree(pid)) for pid in servers.values()]
        server_only = [memory_of([psutil.Process(pid)]) for pid in servers.values()]
        cpu = [bs.cpu_seconds(tree(pid)) for pid in servers.values()]
        shared = [psutil.Process(pid) for pid in hub.processes()
                  if not any(pid in {p.pid for p in tree(s)} for s in servers.values())]
        infrastructure = memory_of(shared)
        load = os.getloadavg()
    return {"spawn": [t[0] for t in times], "live": [t[1] for t in times],
            "pss": [m[0] for m in per_learner], "rss": [m[1] for m in per_learner],
            "server_pss": [m[0] for m in server_only], "cpu": cpu,
            "servers": len(servers), "infra_pss": infrastructure[0],
            "infra_rss": infrastructure[1], "load": load}


# ----- `make app` ---------------------------------------------------------------------------------
def measure_app(root: Path) -> dict:
    # every scripted learner comes from 127.0.0.1: lift the cap on connections per address that
    # a class, each learner at their own address, never meets
    classroom.CLASS_OPTIONS.append("--ClassroomVoila.max_connections_per_client=0")
    folder = bs.app_lessons(root, set(classroom.KEEP))
    context, base = classroom.serve(folder, root / "app-server", naive=False)
    with context as process:
        server = psutil.Process(process.pid)
        for _ in range(5):      # a child caught between exit and reaping: look again
            try:
                classroom.wait_for_pool(server, 1 + LEARNERS)
                break
            except psutil.ZombieProcess:
                time.sleep(1)

        async def everyone():
            return await asyncio.gather(*(_probe.visit(base, LESSON, timeout=600)
                                          for _ in range(LEARNERS)))

        times = [r["live"] for r in asyncio.run(everyone())]
        time.sleep(10)
        processes = tree(process.pid)
        pss, rss = memory_of(processes)
        kernels = sum("ipykernel" in " ".join(p.cmdline()) for p in processes[1:])
        load = os.getloadavg()
        for kernel in processes[1:]:        # kernels run in sessions of their own
            kernel.kill()
    return {"live": times, "pss": pss, "rss": rss, "kernels": kernels, "load": load}


# ----- what one lesson kernel holds ------------------------------------------------------------
PROBE = """
import gc, json, sys
def _pss():
    for line in open('/proc/self/smaps_rollup'):
        if line.startswith('Pss:'):
            return int(line.split()[1]) / 1024
_seen = {'pss': _pss(), 'modules': len(sys.modules)}
if 'matplotlib.pyplot' in sys.modules:
    import matplotlib.pyplot as _plt
    _seen['figures'] = len(_plt.get_fignums())
    _plt.close('all')
_tops = {}
for _name in list(sys.modules):
    _tops[_name.split('.')[0]] = _tops.get(_name.split('.')[0], 0) + 1
_seen['top'] = sorted(_tops.items(), key=lambda kv: -kv[1])[:12]
gc.collect()
_seen['pss_after_close'] = _pss()
print(json.dumps(_seen))
"""


def kernel_contents(root: Path) -> dict:
    """PSS of a lesson kernel at each step, its open figures and its heaviest packages."""
    import nbformat
    from nbclient import NotebookClient

    lesson = bs.app_lessons(root / "probe", {"01_net_vs_gross.ipynb"}) / "01_net_vs_gross.ipynb"
    steps = {"bare kernel": [], "import exposure_kit + widgets": [
        nbformat.v4.new_code_cell("import exposure_kit, exposure_kit.widgets")],
        "after lesson 01": nbformat.read(lesson, as_version=4).cells}
    found = {}
    for step, cells in steps.items():
        notebook = nbformat.v4.new_notebook(cells=[*cells, nbformat.v4.new_code_cell(PROBE)])
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(lesson.parent)}}).execute()
        text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
        found[step] = json.loads(text.strip().splitlines()[-1])
    return found


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="ek-hub-bench-"))
    try:
        print(f"{LEARNERS} learners, lesson 01, {os.cpu_count()} cores; load average at start "
              f"{os.getloadavg()[0]:.1f}")
        hub = measure_hub()
        print(f"hub: {json.dumps({k: v for k, v in hub.items()}, default=str)}", flush=True)
        app = measure_app(root)
        kernel = kernel_contents(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nretries (a lesson page without a kernel): {len(RETRIES)}")
    print("seconds to a live lesson 01 dashboard      median    p95    max")
    print(f"  hub: sign in -> own server -> lesson    {statistics.median(hub['live']):6.1f} "
          f"{percentile(hub['live'], .95):6.1f} {max(hub['live']):6.1f}   (of which the server's "
          f"start: median {statistics.median(hub['spawn']):.1f}, p95 "
          f"{percentile(hub['spawn'], .95):.1f})")
    print(f"  make app (warm class pool), visit       {statistics.median(app['live']):6.1f} "
          f"{percentile(app['live'], .95):6.1f} {max(app['live']):6.1f}")
    print("\nmemory per learner (MB)                    PSS     RSS")
    print(f"  hub: own server + kernel (median)      {statistics.median(hub['pss']):6.0f}  "
          f"{statistics.median(hub['rss']):6.0f}   ({hub['servers']} servers; the hub, proxy, "
          f"instructor's view and culler {hub['infra_pss']:.0f} MB PSS once)")
    print(f"    of which the learner's server alone   {statistics.median(hub['server_pss']):6.0f}")
    print(f"  hub: CPU a learner used to sign in and reach lesson 01 (server + kernel): median "
          f"{statistics.median(hub['cpu']):.1f} s, max {max(hub['cpu']):.1f} s")
    print(f"  make app: server + {app['kernels']} kernels / {LEARNERS}    "
          f"{app['pss'] / LEARNERS:6.0f}  {app['rss'] / LEARNERS:6.0f}   (total "
          f"{app['pss']:.0f} MB PSS)")
    for name, run in (("hub", hub), ("make app", app)):
        print(f"  load average during the {name} run: {run['load'][0]:.1f} {run['load'][1]:.1f} "
              f"{run['load'][2]:.1f}")
    forty_hub = 40 * statistics.median(hub["pss"]) + hub["infra_pss"]
    forty_app = 40 * app["pss"] / LEARNERS
    print(f"\n40 learners, from these: hub {forty_hub / 1024:.1f} GB, make app "
          f"{forty_app / 1024:.1f} GB (goal: under 4 GB)")
    print("\none lesson kernel, PSS (MB), open figures, modules loaded:")
    for step, seen in kernel.items():
        print(f"  {step:32s} {seen['pss']:6.0f}   figures {seen.get('figures', '-')!s:>3}   "
              f"modules {seen['modules']:5d}   after closing figures + gc "
              f"{seen['pss_after_close']:6.0f}")
    print("  heaviest packages after lesson 01 (modules each): " + ", ".join(
        f"{name} {count}" for name, count in kernel["after lesson 01"]["top"]))


if __name__ == "__main__":
    main()
