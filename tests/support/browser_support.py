"""Helpers for the real-browser tests: servers in their own process group, Debian's Chromium.

Everything a server or the browser writes (settings, runtime files, kernels' IPython and
matplotlib state) goes under the test's temporary folder, so the tests touch nothing of the
user's and leave nothing running: each server is started in a new session (its own process
group) and stopped by killing that group.

Chromium is Debian's ``/usr/bin/chromium``, driven by Playwright; Playwright's own browser
download is never used. Without it the tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def require_chromium() -> Path:
    """Debian's Chromium and Playwright, or a skip (a failure under ``CI=true``)."""
    problem = None
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        problem = f"{CHROMIUM} is missing (apt-get install chromium; `make test` does it as root)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[test]')"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run under CI: {problem}", pytrace=False)
        pytest.skip(problem)
    return CHROMIUM


def isolated_env(root: Path) -> dict[str, str]:
    """Environment for servers and their kernels with every state folder under ``root``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    folders = {"HOME": "home", "JUPYTER_CONFIG_DIR": "jupyter-config",
               "JUPYTER_DATA_DIR": "jupyter-data", "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
               "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib"}
    for key, name in folders.items():
        path = root / name
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", MPLBACKEND="Agg",
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1",
               PYTHONUNBUFFERED="1")
    return env


def quiet_lab_settings(env: dict[str, str]) -> None:
    """No news or update pop-up over the page, no virtual scrolling: JupyterLab user settings."""
    folder = Path(env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings" / "@jupyterlab" / \
        "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Every cell kept in the page, so a widget far down a lesson can be found and read.
    notebook = folder.parent / "notebook-extension"
    notebook.mkdir(exist_ok=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


def app_lessons(root: Path, keep) -> Path:
    """The app copies of the lessons (``lessons/build.py --app``) in ``root/app``, less those whose
    file names are not in ``keep``: a server for a test or a benchmark starts only what it uses."""
    folder = root / "app"
    subprocess.run([sys.executable, str(REPO / "lessons" / "build.py"), "--app", str(folder)],
                   check=True, capture_output=True)
    for notebook in folder.glob("*.ipynb"):
        if notebook.name not in keep:
            notebook.unlink()
    return folder


def show_held_dashboards(page, timeout: float = 60_000) -> int:
    """Press every "Show it now" of the page: a dashboard that would answer a prediction waits
    for it, and a test that drives the dashboard opens it as a learner would. Returns how many."""
    buttons = page.get_by_role("button", name="Show it now")
    count = buttons.count()
    for k in range(count):
        buttons.nth(k).click(timeout=timeout)
    return count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path,
                  timeout: float = START_TIMEOUT) -> None:
    """Until something accepts connections on the port (polling HTTP gets 403s before then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (kernels too): its whole process group."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    # kernels may outlive a server that exited first; they share its group
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def server(command: list[str], root: Path, port: int, env: dict[str, str],
           cwd: Path) -> Iterator[subprocess.Popen]:
    """Start a server in its own process group, wait for its port, stop the group at the end."""
    log = root / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        wait_for_port(port, process, log)
        yield process
    finally:
        stop(process)


def stage_notebook(notebook: Path, root: Path) -> Path:
    """A copy of the notebook in its own folder: servers run and save there, not in the repo."""
    folder = root / "notebooks"
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(notebook, folder / notebook.name))


def make_recipe(target: str, *overrides: str, **variables: str) -> list[str]:
    """The commands `make TARGET` would run (`make -n`, the .venv taken as built: its stamp
    is never remade), one a line, with backslash-continued lines joined; ``overrides``
    (``"APP_POOL=2"``) and ``variables`` (``APP_POOL="2"``) are set on make's command line."""
    settings = [*overrides, *(f"{name}={value}" for name, value in variables.items())]
    # --no-print-directory: under `make test` a nested make would add "Entering directory" lines
    shown = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed",
                            target, *settings], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout
    return shown.replace("\\\n", " ").splitlines()


def app_options() -> list[str]:
    """The server options of `make app` (code and tracebacks hidden, ...), read off the Makefile
    so that the test serves the lesson the way a classroom gets it."""
    command = shlex.split(make_recipe("app")[-1])
    return [option for option in command[1:]
            if option.startswith("--") and not option.startswith(("--port", "--Voila.ip",
                                                                   "--Voila.port_retries"))]


def stage_app_copy(notebook: Path, root: Path) -> Path:
    """The app copy of a lesson (what `make app` serves), written in its own folder."""
    if str(REPO / "lessons") not in sys.path:
        sys.path.insert(0, str(REPO / "lessons"))
    import nbformat

    import build

    folder = root / "app"
    folder.mkdir(exist_ok=True)
    path = folder / notebook.name
    nbformat.write(build.notebook(notebook.stem, app=True), path)
    return path


@contextlib.contextmanager
def voila(notebook: Path, root: Path) -> Iterator[str]:
    """Serve a lesson's app copy as `make app` does, on 127.0.0.1; yield its URL."""
    staged = stage_app_copy(notebook, root)
    env, port = isolated_env(root), free_port()
    command = [sys.executable, "-m", "exposure_kit.app_server", staged.name, "--no-browser",
               f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", *app_options()]
    with server(command, root, port, env, staged.parent):
        yield f"http://127.0.0.1:{port}/"


@contextlib.contextmanager
def jupyterlab(notebook: Path, root: Path) -> Iterator[str]:
    """JupyterLab on a copy of the notebook; yield the URL that opens it in a fresh workspace."""
    staged = stage_notebook(notebook, root)
    env, port, token = isolated_env(root), free_port(), secrets.token_hex(16)
    quiet_lab_settings(env)
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={staged.parent}"]
    with server(command, root, port, env, staged.parent):
        yield f"http://127.0.0.1:{port}/lab/tree/{staged.name}?token={token}&reset"


@contextlib.contextmanager
def chromium_page(root: Path, width: int = 1280, height: int = 900):
    """A Playwright page in Debian's Chromium, with its profile and downloads under ``root``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True, downloads_path=str(root / "downloads"))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


# ----- driving widgets ------------------------------------------------------------------------
def slider(scope, label: str):
    """The ipywidgets sliders (in a page or a part of it) whose description starts with
    ``label``."""
    return scope.locator(".widget-slider").filter(
        has_text=re.compile(r"^\s*" + re.escape(label)))


def dashboard_of(control):
    """The smallest box holding both a control and a dashboard readout: its dashboard."""
    return control.locator("xpath=ancestor::div[.//*[contains(concat(' ', "
                           "normalize-space(@class), ' '), ' ek-readout ')]][1]")


def typed_box(control):
    """The box beside a dashboard slider that shows its value and takes a typed one."""
    return control.locator("xpath=ancestor::*[contains(concat(' ', normalize-space(@class), "
                           "' '), ' ek-typed-row ')][1]//input")


def slider_value(control) -> str:
    """The value a slider shows next to it: in its typed-value box (a dashboard's slider),
    else in ipywidgets' own readout."""
    box = typed_box(control)
    if box.count():
        return box.input_value().strip()
    return control.locator(".widget-readout").inner_text().strip()


def press(control, key: str, times: int = 1) -> None:
    handle = control.locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def run_all_cells(page) -> None:
    """JupyterLab: wait for the kernel to be idle in the status bar, then Run > Run All Cells."""
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=30_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()


def readout_after(control):
    """The dashboard readout (``.ek-readout``) that follows a control on the page."""
    return control.locator("xpath=following::*[contains(concat(' ', normalize-space(@class), "
                           "' '), ' ek-readout ')][1]")


def readout_cell(readout, label: str):
    """The value cell of a readout's row, found by its label."""
    row = readout.locator("tr").filter(has=readout.page.locator("td", has_text=label)).first
    return row.locator("td").nth(1)


def readout_row(readout, label: str) -> str:
    """The value in a dashboard readout's row, found by its label."""
    return readout_cell(readout, label).inner_text().strip()


def headline(readout) -> str:
    """The first line of a readout: its headline."""
    return readout.inner_text().strip().splitlines()[0]


def number(text: str) -> float:
    """A number as a widget shows it: ``150,000``, ``$-5,000``, ``45%`` (as 0.45)."""
    cleaned = text.replace(",", "").replace("$", "").strip()
    return float(cleaned[:-1]) / 100 if cleaned.endswith("%") else float(cleaned)


def cpu_seconds(processes) -> float:
    """CPU time (user + system) the processes have used since they started; one that has ended
    counts nothing (the benchmarks time servers and the kernels they start)."""
    import psutil

    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


# ----- the keyboard alone ---------------------------------------------------------------------
def focus_before(scope) -> None:
    """Put the keyboard's focus on ``scope`` itself (made focusable by script only, out of the
    Tab order), so that the next Tab goes to the first control inside it."""
    scope.evaluate("(el) => { el.tabIndex = -1; el.focus(); }")


def focused(page) -> dict:
    """What has the keyboard's focus: its tag, type and text."""
    return page.evaluate("() => { const el = document.activeElement; return el ? "
                         "{tag: el.tagName.toLowerCase(), type: el.type || '', "
                         "text: (el.textContent || el.value || '').trim(), "
                         "html: el.outerHTML.slice(0, 160)} : {}; }")


def answer_prediction_with_keys(page, prediction, typed: str = "50000") -> str:
    """Answer a "Predict first" widget from the keyboard only, as a learner without a mouse
    would: Tab into it; on a choice, the Down arrow picks the second option, then Tab (past the
    other options) to *Check my prediction* and Space; on a number box, ``typed`` then Enter. Returns the
    sentence the widget then shows (empty if the keys did nothing)."""
    focus_before(prediction)
    page.keyboard.press("Tab")
    now = focused(page)
    if now.get("type") == "radio":
        page.keyboard.press("ArrowDown")
        # ipywidgets' radio buttons share no name: each is a Tab stop of its own
        for _ in range(prediction.locator("input[type=radio]").count()):
            page.keyboard.press("Tab")
            now = focused(page)
            if now.get("type") != "radio":
                break
        if "Check my prediction" not in now.get("text", ""):
            raise AssertionError(f"Tab after the choices reached {now}, not the Check button")
        page.keyboard.press("Space")
    elif now.get("type") == "text":
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    else:
        raise AssertionError(f"Tab into the prediction reached {now}, not its choices or box")
    result = prediction.locator("text=/You said/").first
    result.wait_for(timeout=30_000)
    return result.inner_text().strip()
