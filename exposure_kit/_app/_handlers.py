"""Tornado handlers of the classroom server, each replacing one of Voila's.

- :class:`FrontPageHandler` lists the lessons (Voila's file browser is not served).
- :class:`LessonHandler` renders a lesson only when a seat is free, and records its kernel.
- :class:`GuardedKernelWebsocketHandler` accepts only clients that speak the v1 kernel protocol
  and drops the connection on the first malformed frame.
- :class:`GuardedConnection` cleans tracebacks out of what the kernel sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tornado.web
from jupyter_core.utils import ensure_async
from tornado.ioloop import IOLoop
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ._catalogue import lessons_in
from ._instructor import bind_kernel, learner_of
from ._frames import V1_PROTOCOL, BadFrame, check_incoming_frame, outgoing_header
from ._pages import front_page, full_page
from ._sanitize import cleaned_message
from ._seats import ClassFull

#: Seconds a lesson kernel may stay without a connection before it is stopped.
ABANDON_GRACE = 30.0


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


class LessonHandler(TornadoVoilaHandler):
    """A lesson page, once a seat is reserved; the kernel it starts is held for the visitor."""

    @property
    def kernel_manager(self):
        manager = self.settings["kernel_manager"]
        client = self.request.remote_ip
        return _RecordingKernels(manager, lambda kid: self.settings["exposure_seats"].hold(
            client, kid) or bind_kernel(self, kid))

    @tornado.web.authenticated
    async def get(self, path=None):
        if not (self.notebook_path or path or "").endswith(".ipynb"):
            return await super().get(path)
        seats, client = self.settings["exposure_seats"], self.request.remote_ip
        try:
            seats.reserve(client, set(self.settings["kernel_manager"].list_kernel_ids()))
        except ClassFull as full:
            self.log.warning("refused a lesson to %s: %s", client, full.reason)
            self.set_status(full.status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Retry-After", "60")
            return self.finish(full_page(full.reason, self.base_url))
        self.xsrf_token     # the page's beforeunload posts it to stop the kernel
        self.exposure_learner = learner_of(self)     # who gets the kernel (the class's answers)
        try:
            async for html in self.get_generator(path=path):
                self.write(html)
                self.flush()
        finally:
            seats.release(client)


class GuardedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """The kernel websocket for v1 clients only, each incoming frame checked before decoding."""

    async def get(self, kernel_id):
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in [p.strip() for p in offered.split(",")]:
            self.log.warning("refused a kernel websocket without %s from %s", V1_PROTOCOL,
                             self.request.remote_ip)
            self.set_status(400)
            return self.finish(f"This server speaks only the {V1_PROTOCOL} protocol.")
        return await super().get(kernel_id)

    def select_subprotocol(self, subprotocols):
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    def on_close(self):
        kernel_id = getattr(self, "kernel_id", None)
        super().on_close()
        if kernel_id:
            # A Voila page never reconnects to an old kernel (a reload starts a new one), so a
            # kernel whose page went away without stopping it (browser closed, laptop asleep)
            # only holds a seat: stop it once it has stayed without a connection a while.
            grace = self.settings.get("exposure_abandon_grace", ABANDON_GRACE)
            IOLoop.current().call_later(grace, self._stop_if_abandoned, kernel_id)

    def _stop_if_abandoned(self, kernel_id: str) -> None:
        manager = self.settings["kernel_manager"]
        if kernel_id in manager and manager._kernel_connections.get(kernel_id, 0) == 0:
            self.log.info("stopping kernel %s: its page went away", kernel_id)
            IOLoop.current().add_callback(ensure_async, manager.shutdown_kernel(kernel_id))

    def on_message(self, ws_message):
        try:
            check_incoming_frame(ws_message)
        except BadFrame as bad:
            self.log.warning("closed a kernel websocket from %s: %s", self.request.remote_ip, bad)
            self.close(1003, "malformed frame")
            return None
        return super().on_message(ws_message)

    def write_message(self, message, binary: bool = False):
        if isinstance(message, (bytes, bytearray)):
            header = outgoing_header(message)
        elif isinstance(message, dict):
            header = message.get("header")
        else:
            header = None
        if isinstance(header, dict) and header.get("msg_type") == "execute_input":
            return None
        return KernelWebsocketHandler.write_message(self, message, binary)


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
