"""What one hostile visitor does to the classroom server (issue 25, items 1 and 5), measured.

1. ``slow-reader``: a kernel websocket of lesson 03 with a 4 KB receive buffer asks for every
   widget's state (the chart's image comes back each time, about 33 KB) as fast as it can for
   ``--seconds`` and never reads. Printed: the server's resident memory at start, at its peak,
   and 3 s after the socket is closed, how many requests were sent and whether (and why) the
   server closed the socket. ``--rate`` paces the requests (under the message-rate limit, to
   reach the send-backlog limit instead).
2. ``slow-connections``: the server started at a 1,024 open-files soft limit; 1,000
   connections from 40 loopback addresses each send half a request's headers and stop.
   Printed: seconds to the front page and to a lesson while they are held (timeout 20 s), and
   the lines of log that "Too many open files" took.

Both run in the same process against the package on ``PYTHONPATH`` (so the code before a
change can be measured beside the code after it: ``PYTHONPATH=/path/to/old/checkout``). Every
loop is bounded; the server runs in its own process group and is stopped at the end.

Run: ``.venv/bin/python benchmarks/classroom_abuse.py [slow-reader|slow-connections|all]``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "support"))
import browser_support as bs  # noqa: E402

V1 = "v1.kernel.websocket.jupyter.org"
KEEP = ("00_start_here.ipynb", "01_net_vs_gross.ipynb", "03_hedging_spot_with_perps.ipynb")


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    for key in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "IPYTHONDIR", "MPLCONFIGDIR"):
        (root / key).mkdir(parents=True, exist_ok=True)
        env[key] = str(root / key)
    env.update(MPLBACKEND="Agg", JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def server(root: Path, nofile: tuple[int, int] | None = None):
    folder = bs.app_lessons(root, KEEP)
    port = _free_port()
    log = root / "server.log"

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, nofile)

    command = [sys.executable, "-m", "exposure_kit.app_server", str(folder), "--no-browser",
               "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0",
               "--VoilaConfiguration.strip_sources=True",
               "--VoilaConfiguration.show_tracebacks=False",
               "--VoilaConfiguration.preheat_kernel=True",
               "--VoilaConfiguration.default_pool_size=1",
               "--ClassroomVoila.max_kernels=6", "--ClassroomVoila.max_kernels_per_client=0"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=root, env=_env(root), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=limits)
    try:
        deadline = time.monotonic() + 120
        while log.read_text(errors="replace").count("Kernel pool of") < len(KEEP):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/", port, process.pid, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _rss(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def _v1_frame(msg_type: str, content: dict, metadata: dict | None = None) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench",
              "session": "bench", "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    chunks = [b"shell"] + [json.dumps(p).encode() for p in (header, {}, metadata or {}, content)]
    offsets = [8 * (len(chunks) + 2)]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    table = b"".join(n.to_bytes(8, "little") for n in [len(offsets), *offsets])
    payload = table + b"".join(chunks)
    mask = os.urandom(4)
    size = len(payload)
    head = bytes([0x82, 0x80 | 126]) + size.to_bytes(2, "big") if size >= 126 else \
        bytes([0x82, 0x80 | size])
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _kernel_of(base: str, lesson: str) -> str:
    html = urllib.request.urlopen(base + f"voila/render/{lesson}", timeout=120).read().decode()
    start = html.index('"kernelId": "') + len('"kernelId": "')
    return html[start:start + 36]


def slow_reader(seconds: float, rate: float = 0.0) -> None:
    with tempfile.TemporaryDirectory() as folder, server(Path(folder)) as (base, port, pid, log):
        kernel = _kernel_of(base, KEEP[2])
        time.sleep(2)
        start = _rss(pid)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET /api/kernels/{kernel}/channels?session_id=bench HTTP/1.1\r\n"
                      f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Sec-WebSocket-Protocol: {V1}\r\nOrigin: http://127.0.0.1:{port}"
                      "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(1)
        comm = uuid.uuid4().hex
        sock.sendall(_v1_frame("comm_open", {"comm_id": comm, "target_name":
                                             "jupyter.widget.control", "data": {}},
                               {"version": "1.0.0"}))
        sock.settimeout(0.2)
        sent, peak, ended = 0, start, time.monotonic() + seconds
        next_sample = time.monotonic()
        while time.monotonic() < ended:
            try:
                sock.sendall(_v1_frame("comm_msg", {"comm_id": comm,
                                                    "data": {"method": "request_states"}}))
                sent += 1
            except socket.timeout:
                pass
            except OSError:
                break
            if rate:
                time.sleep(1 / rate)
            if time.monotonic() >= next_sample:
                peak, next_sample = max(peak, _rss(pid)), time.monotonic() + 0.5
        peak = max(peak, _rss(pid))
        sock.close()
        time.sleep(3)
        after = _rss(pid)
        closes = [line.split(": ", 1)[-1] for line in log.read_text(errors="replace").splitlines()
                  if "closed a kernel websocket" in line]
        dropped = f"yes ({closes[0]})" if closes else "no"
        front = time.monotonic()
        urllib.request.urlopen(base, timeout=30).read()
        print(f"slow reader, {seconds:.0f} s at {f'{rate:.0f} a second' if rate else 'full speed'}"
              f": {sent:,} requests sent; server RSS {start:.0f} MB "
              f"at start, {peak:.0f} MB at peak, {after:.0f} MB 3 s after the close; socket "
              f"closed by the server: {dropped}; front page then "
              f"{time.monotonic() - front:.2f} s")


def slow_connections(count: int = 1_000) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    with tempfile.TemporaryDirectory() as folder, \
            server(Path(folder), nofile=(1024, min(hard, 8192))) as (base, port, pid, log):
        socks = []
        for n in range(count):
            sock = socket.socket()
            sock.bind((f"127.0.1.{2 + n % 40}", 0))
            sock.settimeout(5)
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", port))
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            socks.append(sock)
        time.sleep(2)
        timings = []
        for path in ("", f"voila/render/{KEEP[1]}"):
            started = time.monotonic()
            try:
                urllib.request.urlopen(base + path, timeout=20).read()
                timings.append(f"{time.monotonic() - started:.1f} s")
            except OSError as exc:
                timings.append(f"failed after {time.monotonic() - started:.1f} s ({exc})")
        for sock in socks:
            sock.close()
        text = log.read_text(errors="replace")
        print(f"{count:,} slow connections at a 1,024 soft limit: front page {timings[0]}, "
              f"lesson {timings[1]}; 'Too many open files' in {text.count('Too many open files'):,}"
              f" log lines; log {len(text) / 2**20:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", default="all",
                        choices=("slow-reader", "slow-connections", "all"))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=0.0, help="requests a second the slow "
                        "reader sends (default: as fast as it can)")
    args = parser.parse_args()
    import exposure_kit
    print(f"exposure_kit from {Path(exposure_kit.__file__).parent}")
    if args.case in ("slow-reader", "all"):
        slow_reader(args.seconds, args.rate)
    if args.case in ("slow-connections", "all"):
        slow_connections()


if __name__ == "__main__":
    main()
