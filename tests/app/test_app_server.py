"""The classroom server of `make app`, on loopback.

Each server runs as `make app` runs it (the recipe read with `make -n`), on a folder holding the
app copies of lessons 00 and 01, in its own process group, with its address space capped
(RLIMIT_AS) so that a regression of a freeze path fails its test instead of eating the machine's
memory; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import re
import resource
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tornado.httpclient import HTTPClientError

from exposure_kit._app import _probe
from exposure_kit._app._frames import BadFrame, check_incoming_frame
from exposure_kit._app._sanitize import cleaned_message

import browser_support as bs

REPO = Path(__file__).resolve().parents[2]
LESSONS = ("00_start_here.ipynb", "01_net_vs_gross.ipynb")
MEMORY_CAP = 3 * 2**30          # per process: the server and each kernel it starts
pytestmark = pytest.mark.timeout(180)


def app_command(folder: Path, port: int, **make_vars: str) -> list[str]:
    """The server command of `make app` with its folder and port replaced."""
    overrides = [f"{k}={v}" for k, v in make_vars.items()]
    command = shlex.split(bs.make_recipe("app", *overrides)[-1])
    if Path(command[0]).name.startswith("python"):
        command[0] = sys.executable
    command = [str(folder) if part == "build/app" else part for part in command]
    return [f"--port={port}" if part.startswith("--port=") else part for part in command]


def cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@contextlib.contextmanager
def app_server(root: Path, **make_vars: str):
    """`make app` on lessons 00 and 01, memory capped; yields its base URL and its log file."""
    folder = bs.app_lessons(root, LESSONS)
    env, port = bs.isolated_env(root), bs.free_port()
    log = root / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(app_command(folder, port, **make_vars), cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=cap_memory)
    try:
        bs.wait_for_port(port, process, log)
        base = f"http://127.0.0.1:{port}/"
        wait_for_pool(log, process)
        yield base, log
    finally:
        bs.stop(process)


def wait_for_pool(log: Path, process, timeout: float = 90) -> None:
    """Until the warm kernels of both lessons are ready (the log says so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if log.read_text(errors="replace").count("Kernel pool of") >= len(LESSONS):
            return
        time.sleep(0.3)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the guard tests: no per-address cap (every visit here is 127.0.0.1), and
    the shared kernel kept however long the tests between its uses take on a busy machine."""
    with app_server(tmp_path_factory.mktemp("app"), APP_PER_CLIENT="0",
                    APP_MAX_KERNELS="12", APP_ABANDON="600") as running:
        yield running


@pytest.fixture(scope="module")
def kernel_id(server):
    """One lesson's kernel, shared by the tests that only need a kernel to talk to."""
    return run(lesson_kernel(server[0]))


def run(coroutine, timeout: float = 60):
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


def get(base: str, path: str = "", source: str = "127.0.0.1", timeout: float = 60):
    """Status and text of a plain GET (no browser), from a chosen loopback address."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout,
                                            source_address=(source, 0))
    try:
        connection.request("GET", "/" + path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


async def lesson_kernel(base: str, lesson: str = LESSONS[1]) -> str:
    code, html = await _probe.fetch_lesson(base, f"voila/render/{lesson}")
    assert code == 200, html[:500]
    return _probe.KERNEL_ID.search(html).group(1)


def assert_still_serving(base: str) -> None:
    """The server answers at once: not frozen by what came before."""
    status, text = get(base, timeout=5)
    assert status == 200 and "Net versus gross" in text


# ----- the two freeze paths --------------------------------------------------------------------
def test_a_kernel_websocket_without_the_v1_protocol_is_refused(server, kernel_id):
    """A legacy-protocol client that asks for the widgets' state gets a binary message whose 4-byte
    header Voila reads as an 8-byte count. Such a client is now refused at the handshake, before any
    kernel message flows."""
    base, _ = server

    async def legacy():
        with pytest.raises(HTTPClientError) as refused:
            socket = await _probe.open_kernel_socket(base, kernel_id, v1=False)
            # a regression: ask for every widget's state (binary PNG buffers come back)
            await socket.write_message(json.dumps(_probe.kernel_message(
                "comm_info_request", {}, "legacy") | {"channel": "shell"}))
            await asyncio.wait_for(socket.read_message(), 5)
        return refused.value.code

    assert run(legacy()) == 400
    assert_still_serving(base)


@pytest.mark.parametrize("frame", [
    (2**64 - 1).to_bytes(8, "little") + bytes(24),                  # the 32-byte frame that froze
    (10**6).to_bytes(8, "little") + bytes(24),                       # more offsets than bytes
    (6).to_bytes(8, "little") + (56).to_bytes(8, "little") + (2**40).to_bytes(8, "little")
    + bytes(40),                                                     # an offset past the end
    b"\x01\x00",                                                     # shorter than the count
], ids=["count-2**64-1", "count-beyond-frame", "offset-beyond-frame", "truncated"])
def test_a_malformed_v1_frame_closes_that_socket_and_the_server_keeps_serving(server, kernel_id,
                                                                               frame):
    """One 32-byte v1 frame whose offset count is 2**64-1 froze jupyter_server's decoder. The frame
    is now checked first and its socket closed."""
    base, log = server

    async def attack():
        socket = await _probe.open_kernel_socket(base, kernel_id)
        await socket.write_message(frame, binary=True)
        while await asyncio.wait_for(socket.read_message(), 10) is not None:
            pass            # status messages may still arrive before the close
        return socket.close_code

    assert run(attack(), timeout=30) == 1003
    assert_still_serving(base)
    assert "closed a kernel websocket" in log.read_text()


def test_frame_checks_accept_what_a_browser_sends_and_name_what_is_wrong():
    message = _probe.kernel_message("comm_info_request", {}, "s")
    good = _probe.v1_frame("shell", message)
    assert check_incoming_frame(good) == "shell"
    with pytest.raises(BadFrame, match="out of range"):
        check_incoming_frame((2**64 - 1).to_bytes(8, "little") + good[8:])
    with pytest.raises(BadFrame, match="unknown channel"):
        check_incoming_frame(_probe.v1_frame("shel!", message))
    with pytest.raises(BadFrame, match="text frame"):
        check_incoming_frame(json.dumps(message))


# ----- no traceback to a client ----------------------------------------------------------------
def test_a_comm_error_reaches_the_client_without_a_traceback(server, kernel_id):
    """A comm opened with a wrong control-protocol version makes ipywidgets raise in the kernel;
    ipykernel forwards the traceback (server paths included) as stderr. Nothing the client receives
    may carry it."""
    base, _ = server

    async def provoke():
        socket = await _probe.open_kernel_socket(base, kernel_id)
        comm_id = uuid.uuid4().hex
        for msg_type, content, metadata in [
                ("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                               "data": {}}, {"version": "99.0.0"}),
                ("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {"method": "update"}}, {}),
                ("kernel_info_request", {}, {})]:
            await socket.write_message(_probe.v1_frame("shell", _probe.kernel_message(
                msg_type, content, "probe", metadata)), binary=True)
        received, seen_close = [], False
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            try:
                frame = await asyncio.wait_for(socket.read_message(), 1)
            except asyncio.TimeoutError:
                continue
            if frame is None:
                break
            received.append(frame if isinstance(frame, bytes) else frame.encode())
            seen_close |= b'"comm_close"' in received[-1]
        socket.close()
        return received, seen_close

    received, seen_close = run(provoke(), timeout=30)
    assert seen_close, "the kernel should have refused the comm (the error happened)"
    leaked = [f for f in received if b"Traceback" in f or b'.py", line' in f
              or b"site-packages" in f]
    assert not leaked, leaked[0][:400]


def test_an_error_message_loses_its_traceback_and_stays_signed():
    from jupyter_client.session import Session

    session = Session(key=b"secret")
    error = session.msg("error", {"ename": "KeyError", "evalue": "'x'", "traceback": [
        'File "/home/teacher/exposure-kit/.venv/lib/python3.11/site-packages/x.py", line 3']})
    sent = session.serialize(error)
    cleaned = session.deserialize(session.feed_identities(cleaned_message(session, sent))[1])
    assert cleaned["content"]["traceback"] == []
    assert "teacher" not in json.dumps(cleaned["content"])
    stderr = session.serialize(session.msg("stream", {"name": "stderr", "text": "Traceback"}))
    assert cleaned_message(session, stderr) is None


# ----- seats -----------------------------------------------------------------------------------
def test_kernels_are_capped_per_address_and_for_the_class(tmp_path):
    """Plain GETs (no browser) each took a kernel, without limit. With APP_MAX_KERNELS=3 and
    APP_PER_CLIENT=2: a third lesson from one address gets 429 and a page saying why; a fourth
    lesson in the class gets 503 and a page saying the class is full."""
    with app_server(tmp_path, APP_MAX_KERNELS="3", APP_PER_CLIENT="2") as (base, _):
        assert get(base, f"voila/render/{LESSONS[0]}")[0] == 200
        assert get(base, f"voila/render/{LESSONS[1]}")[0] == 200
        status, page = get(base, f"voila/render/{LESSONS[0]}")
        assert status == 429 and "You already have 2 lessons open" in page
        assert get(base, f"voila/render/{LESSONS[1]}", source="127.0.0.2")[0] == 200
        status, page = get(base, f"voila/render/{LESSONS[0]}", source="127.0.0.3")
        assert status == 503 and "The class is full: 3 lessons are open" in page
        assert "kernelId" not in page
        assert get(base)[0] == 200          # the front page needs no seat


# ----- the warm pool ---------------------------------------------------------------------------
def test_make_app_keeps_warm_kernels_sized_by_make_options(server):
    """Each lesson opened a cold kernel (a class waited most of a minute). `make app` keeps APP_POOL
    warm kernels per lesson, APP_CLASS_POOL more for one lesson."""
    command = " ".join(app_command(Path("build/app"), 1, APP_POOL="2", APP_CLASS_POOL="01=10"))
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert "--VoilaConfiguration.default_pool_size=2" in command
    assert "--ClassroomVoila.class_pool=01=10" in command
    base, log = server
    assert "Kernel pool of 01_net_vs_gross.ipynb is filled" in log.read_text()
    result = run(_probe.visit(base, f"voila/render/{LESSONS[0]}", timeout=30))
    assert result["status"] == 200 and result["live"] is not None


def test_a_kernel_that_waited_in_the_pool_is_not_culled_once_handed_out(tmp_path):
    """A warm kernel's idle clock ran from when the pool filled it: one that waited longer than the
    idle cull in the pool was stopped within a minute of being handed to a visitor, before the page
    connected. Here the cull looks every second for kernels idle 6 s; the pool's kernel waits 10 s,
    then a visitor takes it and connects 3 s later: the lesson still goes live."""
    async def take_then_connect_late(base: str) -> dict:
        code, html = await _probe.fetch_lesson(base, f"voila/render/{LESSONS[1]}", timeout=30)
        assert code == 200
        await asyncio.sleep(3)
        kernel_id = _probe.KERNEL_ID.search(html).group(1)
        assert get(base, f"api/kernels/{kernel_id}")[0] == 200, "culled before the page connected"
        socket = await _probe.open_kernel_socket(base, kernel_id)
        try:
            await _probe.widget_states(socket, _probe.VIEW_MODEL.search(html).group(1),
                                       time.monotonic() + 30)
        finally:
            socket.close()
        return {"kernel_id": kernel_id}

    with app_server(tmp_path, APP_IDLE="6", APP_CULL_INTERVAL="1") as (base, _):
        time.sleep(10)
        run(take_then_connect_late(base))


# ----- XSRF: kept on, and a page that closes still stops its kernel ---------------------------
def test_xsrf_checks_stay_on_and_closing_a_page_still_stops_its_kernel(server, tmp_path, chromium):
    """The Makefile switched XSRF checks off (voila#1458) so a page opened straight at a
    lesson's address could stop its kernel on close. The server now sets the XSRF cookie on
    every lesson page, so the checks stay on: a POST without the token is refused, and a page
    opened straight at a lesson stops its kernel when the learner leaves."""
    base, _ = server
    kernel_id = run(lesson_kernel(base))  # its own: the shared one may be culled by now on a slow run
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("POST", f"/voila/api/shutdown/{kernel_id}")
    assert connection.getresponse().status == 403
    assert get(base, f"api/kernels/{kernel_id}")[0] == 200

    with bs.chromium_page(tmp_path, 1366, 768) as page:
        page.goto(base + f"voila/render/{LESSONS[1]}")
        page.locator(".widget-slider").first.wait_for(timeout=30_000)
        config = json.loads(page.locator("#jupyter-config-data").text_content())
        opened = config["kernelId"]
        page.goto(base)
        deadline = time.monotonic() + 15
        while get(base, f"api/kernels/{opened}")[0] != 404 and time.monotonic() < deadline:
            time.sleep(0.3)
    assert get(base, f"api/kernels/{opened}")[0] == 404


def test_a_page_that_goes_away_without_a_word_frees_its_seat(tmp_path):
    """A learner who quit the browser (no page-close message reached the server) kept a seat
    until the idle cull, minutes later: with four lessons so left, the next one was refused.
    A kernel whose last connection closed is stopped APP_ABANDON s later and its seat freed."""
    async def connect_and_vanish(base: str) -> str:
        kernel = await lesson_kernel(base)
        socket = await _probe.open_kernel_socket(base, kernel)
        socket.close()                      # no shutdown request: the browser just went away
        await asyncio.sleep(0.5)
        return kernel

    with app_server(tmp_path, APP_PER_CLIENT="1", APP_ABANDON="2") as (base, _):
        kernel = run(connect_and_vanish(base))
        status, page = get(base, f"voila/render/{LESSONS[0]}")
        assert status == 429                # the seat is still held right after
        deadline = time.monotonic() + 20
        while get(base, f"api/kernels/{kernel}")[0] != 404 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert get(base, f"api/kernels/{kernel}")[0] == 404
        assert get(base, f"voila/render/{LESSONS[0]}")[0] == 200     # the seat is free again


# ----- the front page, offline -----------------------------------------------------------------
def first_heading(notebook: Path) -> str:
    """A lesson's title as its notebook gives it: the first line of its first markdown cell."""
    cells = json.loads(notebook.read_text())["cells"]
    source = "".join(next(c for c in cells if c["cell_type"] == "markdown")["source"])
    return re.sub(r"^#+\s*(\d{2}\s+)?", "", source.splitlines()[0]).strip()


def test_front_page_lists_the_lessons_and_no_page_asks_another_host(server, tmp_path, chromium):
    """The app's home page lists the lessons by number, title and description, lesson 00 marked
    as the start, opening in the same tab; neither it nor a lesson page requests anything from
    another host (Voila's pages loaded Font Awesome from a CDN). Screenshots at 1366x768 are saved
    in the test's folder."""
    base, log = server
    folder = log.parent / "app"
    host = urlsplit(base).netloc
    requests: list[str] = []
    with bs.chromium_page(tmp_path, 1366, 768) as page:
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base)
        items = page.locator("li")
        assert items.count() == len(LESSONS)
        for item, name in zip(items.all(), LESSONS):
            text = item.inner_text()
            assert text.startswith(name[:2]) and first_heading(folder / name) in text
        assert "Start here" in items.nth(0).inner_text()
        assert "Start here" not in items.nth(1).inner_text()
        assert "After this lesson you can" in items.nth(1).inner_text()
        assert page.locator("a[target]").count() == 0
        assert "Select items to open" not in page.content()
        page.screenshot(path=str(tmp_path / "front_page.png"))
        pages_before = len(page.context.pages)
        items.nth(0).locator("a").click()
        page.wait_for_url(re.compile(r"/voila/render/00_start_here\.ipynb$"))
        page.locator(".jupyter-widgets").first.wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        assert len(page.context.pages) == pages_before          # the same tab
        page.screenshot(path=str(tmp_path / "lesson_00.png"))
    elsewhere = [u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                 and urlsplit(u).netloc != host]
    assert not elsewhere, elsewhere
    assert (tmp_path / "front_page.png").stat().st_size > 10_000


def test_the_not_trusted_warning_is_dropped_and_nothing_else():
    """jupyter_server logs "Notebook X is not trusted" once per lesson at each start (11 lines
    that alarm an instructor); trust does not matter to Voila, which runs every lesson afresh."""
    import logging

    from exposure_kit._app._server import _NotTrustedIsNormal

    def record(msg, *args):
        return logging.LogRecord("Voila", logging.WARNING, __file__, 1, msg, args, None)

    keep = _NotTrustedIsNormal().filter
    assert not keep(record("Notebook %s is not trusted", "01_net_vs_gross.ipynb"))
    assert keep(record("Kernel %s died", "abc"))
    assert keep(record("Seats: %d lesson kernels at most", 4))
