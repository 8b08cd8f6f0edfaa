"""JupyterHub as `make hub` runs it, with its own PostgreSQL, for the tests and benchmarks/hub.py.

Everything runs under a temporary folder on 127.0.0.1 ports picked free. Every process of the
hub (the proxy, each learner's server and its lesson kernels, the services) carries a label,
``HUB_TAG``, in its environment; at the end they are found by it in /proc and stopped, even the
kernels that outlive a server stopped first. PostgreSQL is stopped by ``pg_ctl``.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
HUB_DIR = REPO / "deploy" / "jupyterhub"
for folder in (HUB_DIR, REPO / "tests", REPO / "tests" / "support"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from local_postgres import LocalPostgres, postgres_bin  # noqa: E402

import browser_support as bs  # noqa: E402

CHP = REPO / "build" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"


def require_hub_tools() -> Path:
    """configurable-http-proxy (``make hub-tools``) and PostgreSQL, or a skip (fail under CI)."""
    problem = None
    proxy = Path(os.environ.get("HUB_PROXY", CHP))
    if not proxy.exists():
        problem = f"{proxy} is missing (make hub-tools installs it)"
    else:
        try:
            postgres_bin()
        except FileNotFoundError as missing:
            problem = str(missing)
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"hub tests cannot run under CI: {problem}", pytrace=False)
        pytest.skip(problem)
    return proxy


@dataclass
class Hub:
    """A running hub: where it is and the codes to get in."""

    url: str
    class_code: str
    instructor_code: str
    instructor_token: str
    store: str
    root: Path
    log: Path
    tag: str

    def processes(self) -> dict[int, str]:
        """Every live process of this hub, by pid: its command line."""
        return tagged_processes(self.tag)


def tagged_processes(tag: str) -> dict[int, str]:
    """The processes whose environment holds ``HUB_TAG=tag``, by pid: their command line."""
    found, marker = {}, f"HUB_TAG={tag}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                    b"\0", b" ").decode(errors="replace")
    return found


def _stop_tagged(tag: str, grace: float) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in tagged_processes(tag):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while tagged_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.2)


def _wait_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited with {process.returncode}:\n{bs.tail(log, 60)}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "hub/api", timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.3)
    raise RuntimeError(f"the hub did not answer in {timeout:.0f} s:\n{bs.tail(log, 60)}")


@contextlib.contextmanager
def running_hub(lessons: tuple[str, ...] = ("00_start_here.ipynb", "01_net_vs_gross.ipynb"),
                **settings: str) -> Iterator[Hub]:
    """PostgreSQL, then JupyterHub with deploy/jupyterhub/jupyterhub_config.py; all stopped after.

    ``settings`` are the config's environment variables (``HUB_LEARNER_MB="600"``, ...).
    """
    proxy = require_hub_tools()
    # PostgreSQL runs as 'nobody' when we are root: its folder must be reachable by it
    root = Path(tempfile.mkdtemp(prefix="ek-hub-"))
    root.chmod(0o711)
    database = LocalPostgres(root / "postgres", bs.free_port())
    tag, process = secrets.token_hex(8), None
    try:
        store = database.start().url
        app = bs.app_lessons(root, set(lessons))
        port = bs.free_port()
        env = bs.isolated_env(root / "hub-env")
        env.update(APP_STORE=store, CLASS_CODE=secrets.token_hex(3),
                   INSTRUCTOR_CODE=secrets.token_hex(8),
                   APP_INSTRUCTOR_TOKEN=secrets.token_urlsafe(18), HUB_IP="127.0.0.1",
                   HUB_PORT=str(port), HUB_API_PORT=str(bs.free_port()),
                   HUB_PROXY_API_PORT=str(bs.free_port()), HUB_SERVICE_PORT=str(bs.free_port()),
                   HUB_RUN_DIR=str(root / "hub"), HUB_APP_DIR=str(app), HUB_PROXY=str(proxy),
                   HUB_TAG=tag, **settings)
        log = root / "hub.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(HUB_DIR / "jupyterhub_config.py")],
                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{port}/"
        _wait_up(url, process, log, timeout=120)
        yield Hub(url, env["CLASS_CODE"], env["INSTRUCTOR_CODE"], env["APP_INSTRUCTOR_TOKEN"],
                  store, root, log, tag)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)      # the hub stops its servers and services
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        _stop_tagged(tag, grace=5)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        with contextlib.suppress(Exception):
            database.stop()
        if not os.environ.get("EXPOSURE_KIT_KEEP_HUB"):
            shutil.rmtree(root, ignore_errors=True)


# ----- a learner in a browser ---------------------------------------------------------------------
LESSON_01 = "voila/render/01_net_vs_gross.ipynb"


def log_in(page, hub: Hub, nickname: str, code: str) -> None:
    """The hub's login form, filled as a learner (or an instructor) does."""
    page.goto(hub.url + "hub/login")
    page.fill("#username_input", nickname)
    page.fill("#password_input", code)
    page.click("#login_submit")


def open_lesson_01(page, hub: Hub, nickname: str, timeout: float = 240_000) -> None:
    """After signing in: wait for the learner's own server (its front page of lessons), open
    lesson 01 there and wait until the kernel has drawn its quiz (the lesson is live)."""
    page.wait_for_url(re.compile(rf"/user/{nickname}/(\?.*)?$"), timeout=timeout)
    page.goto(f"{hub.url}user/{nickname}/{LESSON_01}", timeout=timeout)
    page.locator(".ek-quiz-question").first.wait_for(timeout=timeout)


def answer_q1(page, typed: str, expect: str, timeout: float = 120_000) -> None:
    """Type an answer in lesson 01's first quiz question, press Check, wait for the verdict."""
    card = page.locator(".ek-quiz-question").first
    card.locator("input[type=text]").fill(typed)
    card.get_by_role("button", name="Check").click()
    page.locator(".ek-quiz-feedback", has_text=expect).first.wait_for(timeout=timeout)
