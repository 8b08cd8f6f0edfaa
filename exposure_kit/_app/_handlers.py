"""Tornado handlers of the classroom server, each replacing one of Voila's.

- :class:`FrontPageHandler` lists the lessons (Voila's file browser is not served).
- :class:`LessonHandler` renders a lesson only when a seat is free, and records its kernel.
- :class:`GuardedKernelWebsocketHandler` accepts only clients that speak the v1 kernel protocol
  and drops the connection on the first malformed frame.
- :class:`GuardedConnection` cleans tracebacks out of what the kernel sends.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
from tornado.ioloop import IOLoop
from tornado.log import app_log
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ._catalogue import lessons_in
from ._frames import V1_PROTOCOL, BadFrame, check_incoming_frame, incoming_msg_id, outgoing_header
from ._instructor import bind_kernel, learner_of
from ._listen import ThrottledLog
from ._pages import front_page, full_page
from ._sanitize import cleaned_message
from ._seats import ClassFull
from ._sockets import SocketLimits, SocketMeter, give_memory_back

#: Seconds a lesson kernel may stay without a connection before it is stopped.
ABANDON_GRACE = 30.0
#: Seconds after its page was sent within which a page must connect to its kernel.
CONNECT_GRACE = 60.0
#: Message ids remembered per kernel websocket, to drop replayed messages.
SEEN_IDS = 10_000
# a client retrying a refused websocket in a loop gets one log line every 10 s, not one a try
_REFUSALS = ThrottledLog(every=10.0, emit=app_log.warning)


class FrontPageHandler(JupyterHandler):
    """The lessons by number and title: the app's home page (``/`` and ``/voila/tree``)."""

    def initialize(self, root_dir: str) -> None:
        self.root_dir = Path(root_dir)

    @tornado.web.authenticated
    def get(self, path: str | None = None) -> None:
        self.xsrf_token     # sets the _xsrf cookie a lesson page needs to stop its kernel
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(front_page(lessons_in(self.root_dir), self.base_url))


class _RecordingKernels:
    """The kernel manager as one visit sees it: the kernel it gets is recorded as its seat."""

    def __init__(self, manager: Any, on_kernel):
        self._manager, self._on_kernel = manager, on_kernel

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        render_task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._on_kernel(kernel_id)
        return render_task, cache, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._on_kernel(kernel_id)
        return kernel_id


def _stop_kernel(settings: dict, kernel_id: str, why: str, log: Any) -> None:
    manager = settings["kernel_manager"]
    if kernel_id in manager:
        log.info("stopping kernel %s: %s", kernel_id, why)
        IOLoop.current().add_callback(ensure_async, manager.shutdown_kernel(kernel_id))


class LessonHandler(TornadoVoilaHandler):
    """A lesson page, once a seat is reserved; the kernel it starts is held for the visitor.

    The kernel's idle clock restarts when it is handed over (a warm kernel may have waited in
    the pool for minutes). A page the visitor left before it was sent (a fast reload) stops its
    kernel at once; a page sent but never connected stops it ``connect_grace`` s later.
    """

    _ticket: int | None = None
    _kernel_id: str | None = None
    _gone = False

    @property
    def kernel_manager(self):
        return _RecordingKernels(self.settings["kernel_manager"], self._handed)

    def _handed(self, kernel_id: str) -> None:
        self._kernel_id = kernel_id
        self.settings["exposure_seats"].hold(self._ticket, kernel_id, self.request.remote_ip)
        bind_kernel(self, kernel_id)      # the class's answers: who has this kernel
        kernel = self.settings["kernel_manager"]._kernels.get(kernel_id)
        if kernel is not None:
            kernel.last_activity = utcnow()

    def on_connection_close(self) -> None:
        self._gone = True
        super().on_connection_close()

    @tornado.web.authenticated
    async def get(self, path=None):
        if not (self.notebook_path or path or "").endswith(".ipynb"):
            return await super().get(path)
        seats, client = self.settings["exposure_seats"], self.request.remote_ip
        try:
            self._ticket = seats.reserve(client, set(self.settings["kernel_manager"]
                                                     .list_kernel_ids()))
        except ClassFull as full:
            self.log.warning("refused a lesson to %s: %s", client, full.reason)
            self.set_status(full.status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Retry-After", "60")
            return self.finish(full_page(full.reason, self.base_url, full.title))
        self.xsrf_token     # the page's beforeunload posts it to stop the kernel
        self.exposure_learner = learner_of(self)     # who gets the kernel (the class's answers)
        sent = False
        try:
            async for html in self.get_generator(path=path):
                if self._gone or self.request.connection.stream.closed():
                    break
                self.write(html)
                self.flush()
            else:
                sent = True
        finally:
            seats.release(self._ticket)
            self._after_visit(sent and not self._gone)

    def _after_visit(self, sent: bool) -> None:
        kernel_id = self._kernel_id
        if kernel_id is None:
            return
        if not sent:
            _stop_kernel(self.settings, kernel_id, "its page was left before it was sent",
                         self.log)
            return
        grace = self.settings.get("exposure_connect_grace", CONNECT_GRACE)
        IOLoop.current().call_later(grace, self._stop_if_never_connected, kernel_id)

    def _stop_if_never_connected(self, kernel_id: str) -> None:
        if kernel_id not in self.settings["exposure_seats"].connected:
            _stop_kernel(self.settings, kernel_id, "its page never connected", self.log)


class _BoundToVisitor:
    """A handler of ``/.../<kernel id>`` that answers only the address the kernel was given to
    (anyone else gets the 404 of a kernel that does not exist)."""

    async def prepare(self):
        kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args
                                                          else None)
        seats = self.settings.get("exposure_seats")
        if kernel_id and seats is not None and not seats.may_use(self.request.remote_ip,
                                                                 kernel_id):
            getattr(self, "log", app_log).warning(
                "refused %s to %s: kernel %s belongs to another address", self.request.path,
                self.request.remote_ip, kernel_id)
            raise tornado.web.HTTPError(404)
        return await ensure_async(super().prepare())


def bound_to_visitor(handler: type) -> type:
    """``handler`` answering only the address its kernel was given to."""
    return type(handler.__name__, (_BoundToVisitor, handler), {})


class GuardedKernelWebsocketHandler(_BoundToVisitor, VoilaKernelWebsocketHandler):
    """The kernel websocket for v1 clients only, each incoming frame checked before decoding,
    with a bound on bytes waiting to be sent to it and on how fast it may send."""

    _meter: SocketMeter | None = None
    _dropped = False

    async def get(self, kernel_id):
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in [p.strip() for p in offered.split(",")]:
            self.log.warning("refused a kernel websocket without %s from %s", V1_PROTOCOL,
                             self.request.remote_ip)
            self.set_status(400)
            return self.finish(f"This server speaks only the {V1_PROTOCOL} protocol.")
        sockets = self.settings.get("exposure_websockets")
        if sockets is not None and not sockets.may_open(self.request.remote_ip):
            _REFUSALS(f"refused kernel websockets from {self.request.remote_ip}: "
                      f"{sockets.cap} open, the most one address may hold "
                      "(--ClassroomVoila.max_websockets_per_client)")
            self.set_status(429)
            return self.finish(sockets.refusal())
        self._meter = SocketMeter(self.settings.get("exposure_socket_limits", SocketLimits()))
        return await super().get(kernel_id)

    def open(self, kernel_id):
        self.settings["exposure_seats"].connected.add(kernel_id)
        sockets = self.settings.get("exposure_websockets")
        if sockets is not None:
            sockets.opened(self.request.remote_ip)
            self._counted = True
        return super().open(kernel_id)

    def select_subprotocol(self, subprotocols):
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    def on_close(self):
        kernel_id = getattr(self, "kernel_id", None)
        if self.__dict__.pop("_counted", False):
            self.settings["exposure_websockets"].closed(self.request.remote_ip)
        super().on_close()
        if self._dropped:
            give_memory_back()
        if kernel_id:
            # A Voila page never reconnects to an old kernel (a reload starts a new one), so a
            # kernel whose page went away without stopping it (browser closed, laptop asleep)
            # only holds a seat: stop it once it has stayed without a connection a while.
            grace = self.settings.get("exposure_abandon_grace", ABANDON_GRACE)
            IOLoop.current().call_later(grace, self._stop_if_abandoned, kernel_id)

    def _stop_if_abandoned(self, kernel_id: str) -> None:
        manager = self.settings["kernel_manager"]
        if kernel_id in manager and manager._kernel_connections.get(kernel_id, 0) == 0:
            _stop_kernel(self.settings, kernel_id, "its page went away", self.log)

    def _drop(self, why: str, at_once: bool = False) -> None:
        """Close this socket (``at_once``: without waiting for a client that does not read,
        so that its backlog is freed with the connection)."""
        if self._dropped:
            return
        self._dropped = True
        self.log.warning("closed a kernel websocket from %s: %s", self.request.remote_ip, why)
        connection = self.ws_connection
        self.close(1008, why[:100])
        stream = getattr(connection, "stream", None)
        if at_once and stream is not None:
            stream.close()

    def on_message(self, ws_message):
        if self._dropped:
            return None
        if self._meter is not None and not self._meter.may_receive():
            self._drop("more messages a second than a lesson page sends")
            return None
        try:
            check_incoming_frame(ws_message)
        except BadFrame as bad:
            self.log.warning("closed a kernel websocket from %s: %s", self.request.remote_ip, bad)
            self.close(1003, "malformed frame")
            return None
        if self._replayed(incoming_msg_id(ws_message)):
            return None
        return super().on_message(ws_message)

    def _replayed(self, msg_id: str | None) -> bool:
        """A message id this socket already sent: the kernel would refuse the message as a
        duplicate signature and log a traceback each time (30 MB for 50,000 frames); it is
        dropped here, with one log line per socket."""
        seen = self.__dict__.setdefault("_seen_ids", OrderedDict())
        if msg_id is None:
            return False
        if msg_id in seen:
            if not self.__dict__.get("_told_replay"):
                self._told_replay = True
                self.log.warning("dropping replayed kernel messages from %s (message id seen "
                                 "before on this socket)", self.request.remote_ip)
            return True
        seen[msg_id] = None
        if len(seen) > SEEN_IDS:
            seen.popitem(last=False)
        return False

    def write_message(self, message, binary: bool = False):
        if self._dropped:
            return None
        if isinstance(message, (bytes, bytearray)):
            header = outgoing_header(message)
        elif isinstance(message, dict):
            header = message.get("header")
        else:
            header = None
        if isinstance(header, dict) and header.get("msg_type") == "execute_input":
            return None
        size = len(message) if isinstance(message, (bytes, bytearray, str)) else 1024
        meter = self._meter
        if meter is not None and not meter.may_queue(size):
            self._drop(f"more than {meter.limits.max_backlog / 2**20:g} MB waiting to be sent "
                       "(the client does not read)", at_once=True)
            return None
        future = KernelWebsocketHandler.write_message(self, message, binary)
        if meter is not None:
            future.add_done_callback(lambda done: (meter.sent(size), _quiet(done)))
        return future


def _quiet(future) -> None:
    """Retrieve a write's outcome, so a closed socket's writes are not logged one by one."""
    if not future.cancelled():
        future.exception()


class GuardedConnection(ZMQChannelsWebsocketConnection):
    """Kernel messages on their way to the browser, with tracebacks and stderr text removed."""

    def handle_outgoing_message(self, stream, outgoing_msg):
        try:
            cleaned = cleaned_message(self.session, outgoing_msg)
        except Exception:       # a message we cannot read is not forwarded
            self.log.warning("dropped a kernel message that could not be read", exc_info=True)
            return None
        if cleaned is None:
            return None
        return super().handle_outgoing_message(stream, cleaned)
