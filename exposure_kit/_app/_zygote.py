"""The zygote: one process that has imported what a lesson kernel needs, forking the kernels.

The classroom server starts it once (``python -m exposure_kit._app._zygote SOCKET``; with
``--kernel ARGS`` instead this module runs one kernel the plain way, without debugpy). It imports
ipykernel, numpy, pandas, matplotlib, ipywidgets and exposure_kit, freezes the garbage collector
and then listens on a Unix socket. Each request (one JSON line: a kernel's command, environment and
folder) forks a child that becomes that kernel (``IPKernelApp`` with the connection file given), in
a session of its own, and the reply is the child's pid. The children share the zygote's pages
copy-on-write, so a kernel's own memory (PSS) is what it writes, not a fresh copy of the libraries.

The zygote holds no thread, zmq context or event loop (a forked child gets none of a parent's
threads), so BLAS runs on one thread (``OPENBLAS_NUM_THREADS=1``, right for a lesson kernel on a
shared classroom machine). ``debugpy`` is not imported: a lesson kernel has no debugger. A kernel
exits when the zygote does (ipykernel's parent poller); the zygote exits when the server does.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import signal
import socket
import sys
import threading
import traceback

#: What a lesson kernel imports, loaded once here and shared by every kernel forked from here.
#: Not matplotlib_inline's backend: importing it hooks into the running kernel's shell, so the
#: kernel imports it itself (a module that hooks in at import and is preloaded here must be
#: hooked in again in the child, as ipywidgets is in :func:`become_kernel`).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.comm", "numpy", "pandas",
           "matplotlib", "matplotlib.pyplot", "ipywidgets",
           "exposure_kit", "exposure_kit.widgets", "exposure_kit.plots")
#: Loaded by a kernel as it starts or runs a lesson (pandas' Styler brings jinja2); preloaded
#: when installed.
OPTIONAL = ("pandas.io.formats.style", "psutil", "pdb")
#: Thread pools that numerical libraries would start at import (a forked child gets no thread).
ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
#: The kernel command a zygote runs: the server's own interpreter with ipykernel's launcher.
LAUNCHER = ["-m", "ipykernel_launcher"]
POLL_SECONDS = 0.5


def preloaded() -> list[str]:
    """Import :data:`PRELOAD` the way a kernel would see it; return the module names loaded.

    Raises
    ------
    RuntimeError
        When an import left a thread running (the forked kernels would lack it).
    """
    for name in ONE_THREAD:
        os.environ.setdefault(name, "1")
    sys.modules["debugpy"] = None       # type: ignore[assignment]  # ipykernel: no debugger
    # ipykernel's own default, set before matplotlib reads it (an inherited one is kept)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in PRELOAD:
        importlib.import_module(name)
    for name in OPTIONAL:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    if threading.active_count() != 1:
        raise RuntimeError(f"an import started a thread: {threading.enumerate()}")
    gc.collect()
    gc.freeze()        # the collector no longer writes to these objects' pages
    return sorted(sys.modules)


def kernel_arguments(argv: list[str]) -> list[str] | None:
    """The ipykernel arguments of ``argv`` when this zygote can run it, else ``None``.

    Examples
    --------
    >>> kernel_arguments([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    ['-f', 'k.json']
    >>> kernel_arguments(["/other/python", "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    True
    """
    if argv[:3] == [sys.executable, *LAUNCHER]:
        return list(argv[3:])
    return None


def become_kernel(arguments: list[str], env: dict[str, str], cwd: str | None) -> None:
    """In a forked child: the kernel's session, environment and folder, then run it."""
    os.setsid()                          # interrupts and kills reach its process group
    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(env)
    os.environ["JPY_PARENT_PID"] = str(os.getppid())   # the kernel exits when the zygote does
    if cwd:
        os.chdir(cwd)
    import numpy as np

    np.random.seed()        # the legacy global generator: fresh entropy, as a new interpreter
    sys.argv = ["ipykernel_launcher", *arguments]
    import ipywidgets
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # its default was read from the zygote's environment at import: the zygote is the parent
    app.initialize([*arguments, f"--IPKernelApp.parent_handle={os.getppid()}"])
    # at import (in the zygote) ipywidgets found no kernel to register its comm targets with,
    # and exposure_kit.plots no shell to teach how to show a chart left last in a cell
    ipywidgets.register_comm_target()
    from exposure_kit import plots

    plots.show_in_notebook()
    app.start()


def forked(request: dict, closing: list[socket.socket]) -> int:
    """Fork a kernel for ``request``; the child never returns (it exits with the kernel)."""
    arguments = kernel_arguments(request["argv"])
    if arguments is None:
        raise ValueError(f"not a kernel command this zygote runs: {request['argv']!r}")
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        for sock in closing:
            sock.close()
        become_kernel(arguments, request.get("env") or {}, request.get("cwd"))
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:       # noqa: BLE001  a kernel that failed to start says why
        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def answer(conn: socket.socket, listener: socket.socket) -> None:
    """Read one request from ``conn``, fork its kernel, reply with the pid (or the error)."""
    conn.settimeout(10)
    with conn.makefile("rwb") as stream:
        try:
            pid = forked(json.loads(stream.readline()), [conn, listener])
            reply = {"pid": pid}
        except Exception as error:      # noqa: BLE001  the server falls back to a plain launch
            reply = {"error": f"{type(error).__name__}: {error}"}
        stream.write(json.dumps(reply).encode() + b"\n")
        stream.flush()


def reap() -> None:
    """Collect the exit status of every kernel that has ended (no zombies left behind)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(path: str) -> None:
    """Preload, then fork kernels on request at ``path`` until the parent process ends."""
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the server stops the zygote itself
    preloaded()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".new")
    os.chmod(path + ".new", 0o600)
    os.replace(path + ".new", path)     # the socket appears only once the zygote is ready
    listener.listen(64)
    listener.settimeout(POLL_SECONDS)
    try:
        while os.getppid() == parent:
            reap()
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            with conn:
                answer(conn, listener)
    finally:
        listener.close()
        if os.path.exists(path):
            os.unlink(path)


def plain_kernel(arguments: list[str]) -> None:
    """A lesson kernel as a fresh interpreter (no zygote), without the debugger."""
    sys.modules["debugpy"] = None       # type: ignore[assignment]
    sys.argv = ["ipykernel_launcher", *arguments]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--kernel"]:
        plain_kernel(sys.argv[2:])
    else:
        serve(sys.argv[1])
