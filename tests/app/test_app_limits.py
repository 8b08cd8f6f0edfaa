"""Nothing one visitor can do takes the class down, against a real server on 127.0.0.1 (other
loopback addresses stand for other computers). Every loop and wait is bounded; the server runs
as `make app` runs it, memory capped, in its own process group (see tests/app/test_app_server.py)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import resource
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from test_app_server import LESSONS, MEMORY_CAP, REPO, app_command, get, lesson_kernel, run, wait_for_pool
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from exposure_kit._app import _probe
from exposure_kit._app._frames import V1_PROTOCOL
from exposure_kit._app._listen import ThrottledLog
from exposure_kit._app._pages import full_page
from exposure_kit._app._seats import ClassFull, Seats
from exposure_kit._app._sockets import SocketLimits, SocketMeter

import browser_support as bs

pytestmark = pytest.mark.timeout(240)


def _limits(nofile: tuple[int, int] | None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, nofile)
    return apply


@contextlib.contextmanager
def classroom(root: Path, *extra: str, nofile: tuple[int, int] | None = None, **make_vars: str):
    """`make app` on lessons 00 and 01 with extra server options; yields base URL, log, pid."""
    folder = bs.app_lessons(root, LESSONS)
    env, port = bs.isolated_env(root), bs.free_port()
    log = root / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([*app_command(folder, port, **make_vars), *extra], cwd=REPO,
                                   env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=_limits(nofile))
    try:
        bs.wait_for_port(port, process, log)
        wait_for_pool(log, process)
        yield f"http://127.0.0.1:{port}/", log, process.pid
    finally:
        bs.stop(process)


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def own_open_files_raised() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < min(hard, 8192):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))


# ----- a websocket client that never reads ----------------------------------------------------
def masked_frame(payload: bytes, opcode: int = 2) -> bytes:
    """One client-to-server websocket frame (clients must mask)."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = bytes([0x80 | opcode, 0x80 | size])
    elif size < 2**16:
        head = bytes([0x80 | opcode, 0x80 | 126]) + size.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + size.to_bytes(8, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def raw_kernel_socket(base: str, kernel_id: str, receive_buffer: int = 4096,
                      source: str = "127.0.0.1") -> socket.socket:
    """A v1 kernel websocket over a plain socket with a small receive buffer, handshake done."""
    url = urlsplit(base)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect((url.hostname, url.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /api/kernels/{kernel_id}/channels?session_id=slow HTTP/1.1\r\n"
                  f"Host: {url.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Sec-WebSocket-Protocol: {V1_PROTOCOL}\r\n"
                  f"Origin: http://{url.netloc}\r\n\r\n").encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(1)            # byte by byte: nothing past the handshake is read
        assert chunk, answer
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 101"), answer[:200]
    return sock


def request_states_frames(session: str = "slow"):
    """Opening the widget control comm, and a maker of requests for every widget's state (each
    its own message id: the kernel refuses a replayed message)."""
    comm = os.urandom(16).hex()
    opening = _probe.kernel_message("comm_open", {"comm_id": comm, "target_name":
                                                  "jupyter.widget.control", "data": {}},
                                    session, {"version": "1.0.0"})

    def ask() -> bytes:
        return masked_frame(_probe.v1_frame("shell", _probe.kernel_message(
            "comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}, session)))

    return masked_frame(_probe.v1_frame("shell", opening)), ask


def server_closed(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closed the connection: read everything until EOF or the deadline."""
    sock.settimeout(0.5)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if not sock.recv(1 << 20):
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


# ----- a client that never reads --------------------------------------------------------------
def test_a_websocket_that_never_reads_is_closed_and_its_memory_comes_back(tmp_path):
    """A client with a 4 KB receive buffer asking for every widget's state and never reading made
    the server hold every reply: 186 MB to 1,718 MB in 70 s, still high after the socket closed.
    Here 2 MB may wait (option max_send_backlog_mb); 400 requests at 40 a second (under the
    message-rate limit), each answered with every widget's state (about 170 KB in lesson 01: 68 MB
    in all), must close the socket with the server's memory near where it started, before and after
    the close."""
    with classroom(tmp_path, "--ClassroomVoila.max_send_backlog_mb=2", APP_PER_CLIENT="0",
                   APP_MAX_KERNELS="4") as (base, log, pid):
        kernel = run(lesson_kernel(base))
        start = rss_mb(pid)
        sock = raw_kernel_socket(base, kernel)
        opening, ask = request_states_frames()
        peak = start
        try:
            sock.sendall(opening)
            for n in range(400):
                try:
                    sock.sendall(ask())
                except OSError:
                    break                       # closed by the server: the point of the test
                time.sleep(0.025)
                if n % 20 == 0:
                    peak = max(peak, rss_mb(pid))
            deadline = time.monotonic() + 30
            while "waiting to be sent" not in log.read_text() and time.monotonic() < deadline:
                peak = max(peak, rss_mb(pid))
                time.sleep(0.5)
        finally:
            sock.close()
        time.sleep(2)
        after = rss_mb(pid)
        text = log.read_text()
        print(f"server RSS: {start:.0f} MB at start, {peak:.0f} MB at most, {after:.0f} MB "
              "after the close")
        assert "waiting to be sent (the client does not read)" in text
        assert peak - start < 40, (start, peak)
        assert after - start < 25, (start, after)
        assert get(base, timeout=5)[0] == 200


def test_a_websocket_flooding_messages_is_closed(tmp_path):
    """2,000 messages as fast as a client can send them were all passed to the kernel. A socket past
    100 a second (after a burst of 400) is closed."""
    with classroom(tmp_path, APP_PER_CLIENT="0", APP_MAX_KERNELS="4") as (base, log, _):
        kernel = run(lesson_kernel(base))

        async def flood() -> int | None:
            socket_ = await _probe.open_kernel_socket(base, kernel)
            frame = _probe.v1_frame("shell", _probe.kernel_message("comm_info_request", {},
                                                                   "flood"))
            with contextlib.suppress(Exception):
                for _ in range(2_000):
                    await socket_.write_message(frame, binary=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                message = await asyncio.wait_for(socket_.read_message(), 20)
                if message is None:
                    return socket_.close_code
            return None

        assert run(flood(), timeout=60) == 1008
        assert "more messages a second than a lesson page sends" in log.read_text()
        assert get(base, timeout=5)[0] == 200


def test_replayed_frames_are_dropped_with_one_log_line(tmp_path):
    """50,000 replayed frames (one message id, so one signature) wrote 30 MB of kernel tracebacks to
    the log. The server drops a message id it has seen on the socket."""
    with classroom(tmp_path, APP_PER_CLIENT="0", APP_MAX_KERNELS="4") as (base, log, _):
        kernel = run(lesson_kernel(base))
        before = len(log.read_text())

        async def replay() -> None:
            socket_ = await _probe.open_kernel_socket(base, kernel)
            frame = _probe.v1_frame("shell", _probe.kernel_message("kernel_info_request", {},
                                                                   "replay"))
            for _ in range(300):
                await socket_.write_message(frame, binary=True)
                await asyncio.sleep(0.01)
            await asyncio.sleep(2)
            socket_.close()

        run(replay(), timeout=60)
        text = log.read_text()[before:]
        assert text.count("dropping replayed kernel messages") == 1
        assert "Duplicate Signature" not in text and len(text) < 20_000


def test_socket_meter_bounds_backlog_and_rate():
    meter = SocketMeter(SocketLimits(max_backlog=10_000, messages_per_second=10))
    assert all(meter.may_queue(3_000) for _ in range(3)) and not meter.may_queue(3_000)
    meter.sent(3_000)
    assert meter.may_queue(3_000) and meter.backlog == 9_000
    taken = [meter.may_receive(now=0.0) for _ in range(60)]
    assert sum(taken) == 40                     # 4 s of burst at 10 a second
    assert meter.may_receive(now=0.5) and sum(meter.may_receive(now=0.5) for _ in range(9)) == 4


# ----- one seat per visit, reloads, a kernel bound to its visitor -------------------------------
def test_a_rendering_page_takes_one_seat_not_two():
    """`Seats.reserve` counted a rendering page as a reservation and as a held kernel: with a cap of
    6, the fifth of six visitors was told the class was full."""
    seats = Seats(max_total=6, max_per_client=0)
    running: set[str] = set()
    for n in range(6):
        ticket = seats.reserve(f"10.0.0.{n}", running)      # none of these may be refused
        seats.hold(ticket, f"kernel-{n}")
        running.add(f"kernel-{n}")
        assert seats.in_use() == n + 1
    with pytest.raises(ClassFull) as full:
        seats.reserve("10.0.0.7", running)
    assert full.value.status == 503 and "6 lessons are open" in full.value.reason
    for n in range(6):
        seats.release(n + 1)                                  # pages sent: still 6 kernels
    assert seats.in_use() == 6


def test_the_per_address_refusal_is_titled_for_what_it_is():
    seats = Seats(max_total=10, max_per_client=1)
    seats.hold(seats.reserve("10.0.0.5", set()), "k")
    with pytest.raises(ClassFull) as refused:
        seats.reserve("10.0.0.5", {"k"})
    page = full_page(refused.value.reason, "/", refused.value.title)
    assert refused.value.status == 429
    assert "<title>Too many lessons open from this computer</title>" in page
    assert "The class is full" not in page


def test_visitors_arriving_together_each_get_a_seat(tmp_path):
    """Two addresses opening a lesson at once with a cap of 2 both get it (the second was
    refused while the first page rendered)."""
    with classroom(tmp_path, APP_PER_CLIENT="0", APP_MAX_KERNELS="2") as (base, _, _):
        async def both():
            client = AsyncHTTPClient()
            fetches = [client.fetch(HTTPRequest(base + f"voila/render/{LESSONS[1]}",
                                                network_interface=f"127.0.0.{n}",
                                                request_timeout=90), raise_error=False)
                       for n in (2, 3)]
            return [r.code for r in await asyncio.gather(*fetches)]

        assert run(both(), timeout=120) == [200, 200]


def abandon_page(base: str, path: str, source: str = "127.0.0.1") -> None:
    """A tab reloaded at once: the request is sent and the connection closed after the first
    bytes of the page arrive."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30,
                                  source_address=(source, 0)) as sock:
        sock.sendall(f"GET /{path} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode())
        sock.recv(64)


def test_fast_reloads_do_not_lock_a_learner_out(tmp_path):
    """Ten fast reloads of one tab held that learner's seats with orphaned kernels for about 5
    minutes (the idle cull): 7 of 11 answers were "you already have 4 lessons open". Here six
    abandoned pages with a per-address cap of 2 (two get kernels, four are refused); the learner's
    next visit must open within seconds, not minutes, and every kernel no page connected to must be
    stopped (the connect grace is 3 s here)."""
    with classroom(tmp_path, "--ClassroomVoila.connect_grace=3", APP_PER_CLIENT="2",
                   APP_MAX_KERNELS="8") as (base, log, _):
        for _ in range(6):
            abandon_page(base, f"voila/render/{LESSONS[1]}")
        started, deadline = time.monotonic(), time.monotonic() + 25
        status, refusals = None, 0
        while time.monotonic() < deadline:
            status, page = get(base, f"voila/render/{LESSONS[1]}")
            if status == 200:
                break
            assert status == 429 and "Too many lessons open" in page
            refusals += 1
            time.sleep(1)
        print(f"after six abandoned pages: {refusals} refusals, a lesson after "
              f"{time.monotonic() - started:.1f} s")
        assert status == 200
        # the two abandoned pages that got kernels, and this unconnected visit, are stopped
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            text = log.read_text()
            stopped = text.count("its page was left before it was sent") + \
                text.count("its page never connected")
            if stopped >= 3:
                break
            time.sleep(1)
        assert stopped >= 3, text[-3000:]


def test_a_kernel_answers_only_the_address_it_was_given_to(tmp_path):
    """From another address `GET /api/kernels/<id>` answered, a second websocket could attach and
    read the traffic, the kernel could be shut down, and `/voila/query/<id>` revealed the visit's
    query string. All now answer 404 elsewhere."""
    with classroom(tmp_path, APP_PER_CLIENT="0", APP_MAX_KERNELS="4") as (base, _, _):
        kernel = run(lesson_kernel(base))
        assert get(base, f"api/kernels/{kernel}", source="127.0.0.2")[0] == 404
        url = urlsplit(base)
        import http.client
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10,
                                                source_address=("127.0.0.2", 0))
        connection.request("POST", f"/voila/api/shutdown/{kernel}")
        assert connection.getresponse().status == 404

        async def attach(path: str, source: str):
            ws = "ws" + base[4:]
            request = HTTPRequest(ws + path, headers={"Origin": f"http://{url.netloc}"},
                                  network_interface=source, request_timeout=10)
            from tornado.websocket import websocket_connect
            try:
                socket_ = await websocket_connect(request, subprotocols=[V1_PROTOCOL])
            except HTTPClientError as refused:
                return refused.code
            socket_.close()
            return 101

        channels = f"api/kernels/{kernel}/channels?session_id=x"
        assert run(attach(channels, "127.0.0.2")) == 404
        assert run(attach(f"voila/query/{kernel}", "127.0.0.2")) == 404
        assert run(attach(channels, "127.0.0.1")) == 101
        assert get(base, f"api/kernels/{kernel}")[0] == 200          # its own visitor


# ----- slow connections at a 1,024 open-files limit ---------------------------------------------
def slow_connections(base: str, count: int, addresses: int) -> list[socket.socket]:
    """``count`` connections spread over ``addresses`` loopback addresses, each sending half
    a request's headers and then nothing."""
    url = urlsplit(base)
    socks = []
    for n in range(count):
        sock = socket.socket()
        sock.bind((f"127.0.1.{2 + n % addresses}", 0))
        sock.settimeout(5)
        try:
            sock.connect((url.hostname, url.port))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            sock.close()
            continue
        socks.append(sock)
    return socks


def test_a_thousand_slow_connections_at_1024_open_files_do_not_take_the_class_offline(
        tmp_path):
    """~1,000 slow connections at the common 1,024 open-files limit took the server offline (front
    page and lessons timed out, 418,524 "Too many open files" tracebacks in 45 s). The server now
    raises its soft limit to the hard one at start, and a lesson still opens while 1,000 slow
    connections are held."""
    own_open_files_raised()
    with classroom(tmp_path, nofile=(1024, 8192), APP_PER_CLIENT="0",
                   APP_MAX_KERNELS="4") as (base, log, _):
        socks = slow_connections(base, 1_000, addresses=40)
        try:
            assert len(socks) == 1_000
            started = time.monotonic()
            assert get(base, timeout=10)[0] == 200
            assert get(base, f"voila/render/{LESSONS[1]}", timeout=60)[0] == 200
            print(f"front page and a lesson in {time.monotonic() - started:.1f} s under "
                  "1,000 slow connections")
        finally:
            for sock in socks:
                sock.close()
        text = log.read_text()
        assert "Open files: at most 8192 (soft limit was 1024)" in text
        assert "Too many open files" not in text


def test_out_of_descriptors_logs_rarely_and_slow_connections_time_out(tmp_path):
    """When the hard limit is 1,024 too, 1,100 slow connections exhaust it (the server holds
    1,024 descriptors): accepting pauses, the error is logged once in a while (not per accept:
    418,524 tracebacks in 45 s before), the headers' timeout (10 s here) closes the slow
    connections, and the server serves again."""
    own_open_files_raised()
    with classroom(tmp_path, "--ClassroomVoila.header_timeout=10", nofile=(1024, 1024),
                   APP_PER_CLIENT="0", APP_MAX_KERNELS="4") as (base, log, _):
        socks = slow_connections(base, 1_100, addresses=40)
        try:
            time.sleep(3)
            assert "not accepting connections for a moment: Too many open files" in \
                log.read_text()
            time.sleep(9)
            assert all(server_closed(sock, 3) for sock in socks[:20])      # timed out
        finally:
            for sock in socks:
                sock.close()
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                status = get(base, timeout=5)[0]
                if status == 200:
                    break
            time.sleep(0.5)
        assert status == 200
        text = log.read_text()
        print(f"'Too many open files' in {text.count('Too many open files')} log lines; log "
              f"{len(text):,} characters")
        assert 1 <= text.count("Too many open files") <= 5
        assert len(text) < 200_000


def test_one_address_may_hold_only_so_many_connections(tmp_path):
    own_open_files_raised()
    with classroom(tmp_path, "--ClassroomVoila.max_connections_per_client=10",
                   APP_PER_CLIENT="0", APP_MAX_KERNELS="4") as (base, log, _):
        socks = slow_connections(base, 15, addresses=1)
        try:
            closed = [server_closed(sock, 1) for sock in socks]
        finally:
            for sock in socks:
                sock.close()
        assert sum(closed) == 5
        assert "10 open, the most one address may hold" in log.read_text()
        assert get(base, timeout=5)[0] == 200           # another address is served


def test_a_recurring_error_is_logged_once_in_a_while():
    lines: list[str] = []
    say = ThrottledLog(every=0.2, emit=lines.append)
    for _ in range(10_000):
        say("Too many open files")
    time.sleep(0.25)
    say("Too many open files")
    assert lines == ["Too many open files",
                     "Too many open files (9999 more times in the last 0.2 s)"]


def test_kernel_websockets_are_capped_per_address_with_a_clear_refusal(tmp_path):
    """Websockets per address were bounded only by the 32 connections an address may hold. The
    cap is twice the lesson kernels an address may hold by default (APP_PER_CLIENT=2: 4); past it
    a new one gets a 429 saying what to do, another address is not affected, and a socket closed
    makes room again."""
    with classroom(tmp_path, APP_PER_CLIENT="2", APP_MAX_KERNELS="4") as (base, log, _):
        kernel = run(lesson_kernel(base))
        status, page = get(base, f"voila/render/{LESSONS[1]}", source="127.0.0.2")
        assert status == 200
        other = _probe.KERNEL_ID.search(page).group(1)
        url = urlsplit(base)

        async def attach(kernel_id: str, source: str = "127.0.0.1"):
            from tornado.websocket import websocket_connect
            # a session id of its own each (a second socket of one session replaces the first)
            session = os.urandom(8).hex()
            request = HTTPRequest(f"ws{base[4:]}api/kernels/{kernel_id}/channels?"
                                  f"session_id={session}",
                                  headers={"Origin": f"http://{url.netloc}"},
                                  network_interface=source, request_timeout=10)
            try:
                return await websocket_connect(request, subprotocols=[V1_PROTOCOL])
            except HTTPClientError as refused:
                return refused

        async def scenario():
            held = [await attach(kernel) for _ in range(4)]
            assert all(not isinstance(s, HTTPClientError) for s in held), held
            refused = await attach(kernel)
            elsewhere = await attach(other, "127.0.0.2")
            held[0].close()
            await asyncio.sleep(1.0)                 # the server sees the close
            again = await attach(kernel)
            for s in [*held[1:], elsewhere, again]:
                if not isinstance(s, HTTPClientError):
                    s.close()
            return refused, elsewhere, again

        refused, elsewhere, again = run(scenario(), timeout=90)
        assert isinstance(refused, HTTPClientError) and refused.code == 429
        text = refused.response.body.decode()
        assert "Too many live lessons from this computer: 4 lesson connections" in text
        assert "Close lesson tabs you no longer use" in text
        assert not isinstance(elsewhere, HTTPClientError)      # another computer's socket
        assert not isinstance(again, HTTPClientError)          # room again after a close
        assert "refused kernel websockets from 127.0.0.1: 4 open" in log.read_text()
