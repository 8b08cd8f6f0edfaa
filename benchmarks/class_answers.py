"""A class answering lesson 01's quiz while the instructor watches: is every answer recorded?

40 simulated learners (``exposure_kit._app._learner_probe``: each opens lesson 01 through the
classroom server with a learner cookie, gets a real kernel, and answers as a browser does:
set the quiz card's input, press Check, wait for the kernel to finish), 10 at once, 10 answers
each. Meanwhile the instructor's view polls ``/instructor/data`` as its page does (here each way
every 0.25 s or so, more often than the page's every second). Run on two cores (``taskset -c 0,1``).

Prints:

- ``answers sent: N, recorded: M`` (M must equal N), and each answer lost: who, which
  question, what, and what the server's log says about its kernel (a failed write, a stop);
  the last answers' kernels are stopped 3 s after their page closes, as an abandoned page's;
- the instructor view's response times while the class answers (p50, p95; goal p95 < 1 s),
  side by side with the way before (``way=each-poll``: read and built at each poll) and the
  front page, polled in turn, with the time each view's reply spent in the server's handler
  (its ``Server-Timing`` header) and the load average;
- the memory recording adds per learner: a kernel's resident memory after a quiz of 10 checks
  with recording on, against the same without it (median of 3 fresh processes each; goal
  < 5 MB), and the store's bytes per learner;
- side by side, the store against the naive way of writing SQLite from many processes (a new
  connection per answer, the default rollback journal): 10 writer processes x 100 answers.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "support"))
from exposure_kit._app._learner_probe import Learner  # noqa: E402
from exposure_kit._app._store import AnswerStore  # noqa: E402

import browser_support as bs  # noqa: E402

LEARNERS, AT_ONCE, ANSWERS = 40, 10, 10
LESSON = "01_net_vs_gross.ipynb"
KEEP = ("00_start_here.ipynb", LESSON)
TOKEN = "bench-token"
TYPED = ["400,000", "40,000", "40", "-40,000", "40,300", "12", "$40k", "0.4"]
OPTIONS = ["--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=False",
           "--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1",
           f"--ClassroomVoila.class_pool=01={AT_ONCE}", "--ClassroomVoila.max_kernels=60",
           "--ClassroomVoila.max_kernels_per_client=0", "--ClassroomVoila.abandon_grace=3",
           f"--ClassroomVoila.instructor_token={TOKEN}"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


FAILED: list[str] = []
SENT: list[tuple] = []     # (learner, kernel, question, answer, a choice?) per Check


async def one_learner(base: str, number: int, gate: asyncio.Semaphore) -> int:
    """Open lesson 01 and give ANSWERS answers; how many the kernel finished handling."""
    pick, number_of_learner = random.Random(number), number
    async with gate:
        try:
            learner = await Learner.open(base, f"voila/render/{LESSON}", f"{number:024x}", 300)
        except Exception as error:      # said in the results, not hidden
            FAILED.append(f"learner {number}: {type(error).__name__}: {error}"[:300])
            return 0
        sent = 0
        try:
            for i in range(ANSWERS):
                card = i % len(learner.cards)
                c = learner.cards[card]
                answer = pick.randrange(c["options"]) if c["choice"] else pick.choice(TYPED)
                await learner.answer(card, answer, timeout=120)
                number = re.search(r"Question (\d+)", c["title"]).group(1)
                SENT.append((number_of_learner, learner.kernel_id, f"q{number}", str(answer),
                             c["choice"]))
                sent += 1
        finally:
            learner.close()
        return sent


WAYS = (("view", f"instructor/data?token={TOKEN}&session=1"),
        ("before", f"instructor/data?token={TOKEN}&session=1&way=each-poll"),
        ("front", ""))


async def watch(base: str, stop: asyncio.Event) -> dict[str, list[float]]:
    """The instructor's page polling its data while the class answers: the view as served now
    (built again only when the store changed, at most twice a second), the way before (read and
    built at each poll, ``way=each-poll``)
    and, side by side, the front page (no store behind it): seconds per reply of each, and the
    server's own time for the view's replies (its Server-Timing header)."""
    client = AsyncHTTPClient(force_instance=True)
    times: dict[str, list[float]] = {name: [] for name, _ in WAYS} | {"view server": [],
                                                                      "before server": []}
    turn = 0
    while not stop.is_set():       # each in turn, the first after the pause rotating
        turn += 1
        for name, path in WAYS[turn % 3:] + WAYS[:turn % 3]:
            started = time.monotonic()
            reply = await client.fetch(base + path, request_timeout=60)
            times[name].append(time.monotonic() - started)
            if name != "front":
                json.loads(reply.body)
                spent = re.search(r"dur=([0-9.]+)", reply.headers.get("Server-Timing", ""))
                times[f"{name} server"].append(float(spent.group(1)) / 1000)
        await asyncio.sleep(0.25)
    return times


async def class_answering(base: str) -> tuple[int, list[float], float]:
    gate, stop = asyncio.Semaphore(AT_ONCE), asyncio.Event()
    watcher = asyncio.ensure_future(watch(base, stop))
    started = time.monotonic()
    sent = await asyncio.gather(*(one_learner(base, n, gate) for n in range(LEARNERS)))
    took = time.monotonic() - started
    stop.set()
    return sum(sent), await watcher, took


def is_kernel(process: psutil.Process) -> bool:
    """A lesson kernel: started as ipykernel, or forked by the server's zygote (its child)."""
    with contextlib.suppress(psutil.Error):
        parent = process.parent()
        return ("ipykernel" in " ".join(process.cmdline())
                or (parent is not None and "_zygote" in " ".join(parent.cmdline())))
    return False


def wait_until_quiet(server: psutil.Process, kernels: int, timeout: float = 600) -> None:
    """Until the warm pool's kernels run and the server's process tree is quiet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = [p for p in server.children(recursive=True) if is_kernel(p)]
        if len(children) >= kernels:
            break
        time.sleep(1)
    while time.monotonic() < deadline:
        processes = [server, *server.children(recursive=True)]
        for p in processes:
            with contextlib.suppress(psutil.Error):
                p.cpu_percent(None)
        time.sleep(3)
        busy = sum(p.cpu_percent(None) for p in processes if p.is_running())
        if busy < 15:
            return


def lost_answers(store_path: Path, log: str) -> list[str]:
    """Each answer sent but not recorded: who, which question, what, and why as far as the
    server's log says (a kernel's failure to write, or its kernel stopped)."""
    with contextlib.closing(sqlite3.connect(store_path)) as db:
        kept = collections.Counter(db.execute(
            "SELECT kernel_id, question, answer FROM events WHERE kind = 'check'").fetchall())
    found = []
    for learner, kernel, question, answer, choice in SENT:
        same = [k for k in kept if k[:2] == (kernel, question) and kept[k] > 0 and
                (choice or k[2] == answer)]        # a choice is kept by its label, not index
        if same:
            kept[same[0]] -= 1
            continue
        why = [line.strip() for line in log.splitlines() if kernel in line and
               ("could not" in line or "stopping kernel" in line or "died" in line.lower())]
        found.append(f"learner {learner}, {question}, {answer!r} (kernel {kernel[:8]}): "
                     + ("; ".join(why)[-300:] or "nothing in the server's log"))
    return found


# ----- memory a learner's kernel adds by recording ----------------------------------------------
KERNEL = """
import ipykernel.kernelapp   # loaded in every kernel: not a cost of recording
import os, psutil
from exposure_kit.exercises._quiz import quiz
q = quiz("01")
for i, text in enumerate(["400,000", "40", "40,300", "12", "40,000"] * 2):
    card = q.cards[0]
    card.input.value = text
    card.check()
print(psutil.Process().memory_info().rss)
"""


def kernel_rss(store: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "EXPOSURE_KIT_CLASS_STORE"}
    env["MPLBACKEND"] = "Agg"
    if store:
        env.update(EXPOSURE_KIT_CLASS_STORE=store, EXPOSURE_KIT_KERNEL_ID="bench")
    done = subprocess.run(["taskset", "-c", "0,1", sys.executable, "-c", KERNEL], env=env,
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 2**20


# ----- the store against the naive way ------------------------------------------------------------
def store_writer(path: str, writer: int, count: int, out, go) -> None:
    store, lost = AnswerStore(path), 0
    go.wait()
    for i in range(count):
        try:
            store.record(f"k{writer}", question="q1", kind="check", verdict="correct",
                         answer=f"{writer}:{i}")
        except sqlite3.Error:
            lost += 1
    out.put(lost)


def naive_writer(path: str, writer: int, count: int, out, go) -> None:
    lost = 0
    go.wait()
    for i in range(count):
        try:
            db = sqlite3.connect(path)
            db.execute("INSERT INTO events (session, kernel_id, question, kind, verdict, at) "
                       "VALUES (1, ?, 'q1', 'check', 'correct', 0)", (f"k{writer}:{i}",))
            db.commit()
            db.close()
        except sqlite3.Error:
            lost += 1
    out.put(lost)


def writers(kind, root: Path, processes: int = 10, each: int = 100) -> tuple[float, int, int]:
    path = str(root / f"{kind.__name__}.sqlite")
    if kind is store_writer:
        AnswerStore(path).ensure_session()
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, session INTEGER, kernel_id TEXT,"
                    " question TEXT, kind TEXT, verdict TEXT, at REAL)")
        db.commit()
        db.close()
    context = multiprocessing.get_context("spawn")
    out, go = context.Queue(), context.Event()
    jobs = [context.Process(target=kind, args=(path, w, each, out, go)) for w in range(processes)]
    for job in jobs:
        job.start()
    time.sleep(15)            # every writer started and imported: only the writing is timed
    started = time.monotonic()
    go.set()
    lost = sum(out.get(timeout=600) for _ in jobs)
    for job in jobs:
        job.join()
    took = time.monotonic() - started
    kept = sqlite3.connect(path).execute("SELECT COUNT(*) FROM events").fetchone()[0]
    return took, kept, lost


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="class-answers-bench-"))
    try:
        folder = bs.app_lessons(root, KEEP)
        store_path = root / "answers.sqlite"
        port = bs.free_port()
        command = ["taskset", "-c", "0,1", sys.executable, "-m", "exposure_kit.app_server",
                   str(folder), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
                   "--Voila.port_retries=0", *OPTIONS,
                   f"--ClassroomVoila.answer_store={store_path}"]
        base = f"http://127.0.0.1:{port}/"
        with bs.server(command, root, port, bs.isolated_env(root), REPO) as process:
            wait_until_quiet(psutil.Process(process.pid), 1 + AT_ONCE)
            load = os.getloadavg()[0]
            sent, view_times, took = asyncio.run(class_answering(base))
            # the last kernels stop (3 s grace, then their exit: a check still waiting runs then)
            time.sleep(int(os.environ.get("SETTLE", "20")))
        log = (root / f"server-{port}.log").read_text(errors="replace")
        store = AnswerStore(store_path)
        recorded = sum(1 for e in store.events() if e["kind"] == "check")
        learners = len({e["learner"] for e in store.events()})
        print(f"{LEARNERS} learners through the classroom server, {AT_ONCE} at once, "
              f"{ANSWERS} answers each, lesson 01's quiz, 2 cores ({took:.0f} s in all; load "
              f"average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")
        print(f"  answers sent: {sent}, recorded: {recorded} (from {learners} learners)")
        for line in lost_answers(store_path, log) if recorded < sent else []:
            print(f"  lost (matched by kernel, question and text as typed): {line}")
        for failure in FAILED:
            print(f"  could not open the lesson: {failure}")
        for name, label in (("view", "instructor view (/instructor/data)"),
                            ("view server", "  of which in the server's handler"),
                            ("before", "the way before (built at each poll)"),
                            ("before server", "  of which in the server's handler"),
                            ("front", "front page, side by side (no store)")):
            t = view_times[name]
            print(f"  {label:38s} {len(t)} requests, p50 {statistics.median(t) * 1000:.0f} ms, "
                  f"p95 {percentile(t, 0.95) * 1000:.0f} ms, max {max(t) * 1000:.0f} ms")
        print("  (all polled in turn while the class answers; goal: the view's p95 < 1000 ms)")
        without = statistics.median(kernel_rss(None) for _ in range(3))
        with_store = statistics.median(kernel_rss(str(root / "mem.sqlite")) for _ in range(3))
        size = sum(f.stat().st_size for f in root.glob("answers.sqlite*"))
        print(f"  memory a learner's kernel adds by recording: {with_store - without:+.1f} MB "
              f"(resident after 10 checks: {with_store:.1f} MB recording, {without:.1f} MB not)"
              f"   (goal < 5 MB)")
        print(f"  the store on disk: {size / 1024:.0f} kB, {size / max(learners, 1) / 1024:.1f} "
              f"kB a learner")
        print("writing from 10 processes at once, 100 answers each:")
        for name, kind in (("the store (WAL, one connection, busy wait)", store_writer),
                           ("naive: a connection per answer, default journal", naive_writer)):
            took, kept, lost = writers(kind, root)
            print(f"  {name:50s} {took:6.2f} s, kept {kept} of 1000, lost {lost}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
