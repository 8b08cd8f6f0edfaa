"""The listening side of the classroom server: slow and numerous connections cannot take it down.

Tornado as Voila starts it waits an hour for a request's headers, accepts any number of
connections from one address, and, once the process runs out of file descriptors, logs a
traceback for every failed ``accept`` while the listening socket stays readable (a busy loop:
418,524 tracebacks, 246 MB of log in 45 s at the common 1,024 open-files limit). Here:

- the process raises its own open-files soft limit to the hard limit at start;
- headers must arrive within ``header_timeout`` seconds and an idle keep-alive connection is
  closed after as long;
- one address may hold at most ``max_per_address`` open HTTP connections (a browser uses six);
- when ``accept`` fails for lack of descriptors or memory, accepting pauses a moment and the
  error is logged at most once every ``LOG_EVERY`` seconds, with the count since the last line.
"""

from __future__ import annotations

import errno
import logging
import resource
import socket
import time
from typing import Any, Callable

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

#: Errors of ``accept`` that say the process (or system) has no room for another connection.
OUT_OF_ROOM = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
PAUSE = 0.25            # seconds without accepting after such an error
LOG_EVERY = 10.0        # seconds between two log lines about the same trouble
ACCEPTS_PER_WAKE = 128  # connections accepted before other work gets a turn

log = logging.getLogger("exposure_kit.app")


def raised_open_files_limit() -> tuple[int, int]:
    """Raise this process's open-files soft limit to its hard limit; return (before, after).

    Examples
    --------
    >>> before, after = raised_open_files_limit()
    >>> after >= before
    True
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1_048_576)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            return soft, soft
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class ThrottledLog:
    """One log line per ``every`` seconds for a recurring trouble, with how often it happened.

    Examples
    --------
    >>> lines = []
    >>> say = ThrottledLog(every=60, emit=lines.append)
    >>> for _ in range(1000):
    ...     say("Too many open files")
    >>> lines
    ['Too many open files']
    """

    def __init__(self, every: float = LOG_EVERY, emit: Callable[[str], Any] | None = None):
        self.every, self.emit = every, emit or log.warning
        self.last: dict[str, float] = {}
        self.since: dict[str, int] = {}

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last.get(message, -self.every) < self.every:
            self.since[message] = self.since.get(message, 0) + 1
            return
        more = self.since.pop(message, 0)
        self.last[message] = now
        self.emit(message + (f" ({more} more times in the last {self.every:g} s)"
                             if more else ""))


class GuardedHTTPServer(HTTPServer):
    """Tornado's HTTP server with a cap per address and calm handling of a full process."""

    def initialize(self, *args: Any, max_per_address: int = 32, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.max_per_address = max_per_address
        self.open_per_address: dict[str, int] = {}
        self.trouble = ThrottledLog()

    def add_sockets(self, sockets) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = self._accept_from(sock)

    def _accept_from(self, sock: socket.socket) -> Callable[[], None]:
        """Tornado's accept loop, except that running out of descriptors pauses accepting."""
        loop = IOLoop.current()
        state = {"removed": False, "paused": False}

        def accept(fd: Any, events: int) -> None:
            for _ in range(ACCEPTS_PER_WAKE):
                if state["removed"] or state["paused"]:
                    return
                try:
                    connection, address = sock.accept()
                except BlockingIOError:
                    return
                except ConnectionAbortedError:
                    continue
                except OSError as exc:
                    if exc.errno not in OUT_OF_ROOM:
                        raise
                    self.trouble(f"not accepting connections for a moment: {exc.strerror}")
                    state["paused"] = True
                    loop.remove_handler(sock)
                    loop.call_later(PAUSE, resume)
                    return
                self._handle_connection(connection, address)

        def resume() -> None:
            state["paused"] = False
            if not state["removed"]:
                loop.add_handler(sock, accept, IOLoop.READ)

        def remove() -> None:
            if not state["paused"]:
                loop.remove_handler(sock)
            state["removed"] = True

        loop.add_handler(sock, accept, IOLoop.READ)
        return remove

    def handle_stream(self, stream: Any, address: Any) -> None:
        client = address[0] if isinstance(address, tuple) and address else str(address)
        held = self.open_per_address.get(client, 0)
        if self.max_per_address and held >= self.max_per_address:
            self.trouble(f"refused connections from {client}: {held} open, the most one "
                         "address may hold")
            stream.close()
            return
        self.open_per_address[client] = held + 1
        super().handle_stream(stream, address)

    def on_close(self, server_conn: Any) -> None:
        client = getattr(getattr(server_conn, "context", None), "remote_ip", None)
        left = self.open_per_address.get(client, 0) - 1
        if left > 0:
            self.open_per_address[client] = left
        else:
            self.open_per_address.pop(client, None)
        super().on_close(server_conn)
