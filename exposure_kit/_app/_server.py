"""Voila, wired for a classroom: guarded websockets, seats, a warm pool, a front page."""

from __future__ import annotations

import atexit
import logging
import os
import re
import secrets
import sys
import webbrowser
from pathlib import Path

from jupyter_server.services.kernels.handlers import KernelHandler
from tornado.ioloop import IOLoop
from traitlets import Bool, Float, Int, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.execution_request_handler import ExecutionRequestHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from .._errors import InputError
from ._assessment import assessment_handlers
from ._forking import Zygote, registered
from ._handlers import (
    FrontPageHandler,
    GuardedConnection,
    GuardedKernelWebsocketHandler,
    LessonHandler,
    bound_to_visitor,
)
from ._instructor import instructor_handlers
from ._listen import GuardedHTTPServer, raised_open_files_limit
from ._seats import Seats, default_max_kernels, machine_memory_mb
from ._sockets import SocketLimits, SocketsPerAddress, websockets_cap

TEMPLATES = Path(__file__).resolve().parent / "templates"


def parse_class_pool(text: str) -> dict[str, int]:
    """``"01=10,03=4"`` as ``{"01": 10, "03": 4}``: lesson numbers and their warm kernels.

    Examples
    --------
    >>> parse_class_pool("01=10, 03=4")
    {'01': 10, '03': 4}
    >>> parse_class_pool("01:ten")
    Traceback (most recent call last):
    ...
    exposure_kit._errors.InputError: APP_CLASS_POOL: '01:ten' is not LESSON=KERNELS (e.g. 01=10)
    """
    pools = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        match = re.fullmatch(r"(\d{1,2})\s*=\s*(\d{1,3})", item)
        if not match:
            raise InputError(f"APP_CLASS_POOL: {item!r} is not LESSON=KERNELS (e.g. 01=10)")
        pools[match.group(1).zfill(2)] = int(match.group(2))
    return pools


class _NotTrustedIsNormal(logging.Filter):
    """Drop jupyter_server's "Notebook X is not trusted" warning, one per lesson at each start.

    The contents manager logs it whenever it reads a notebook whose signature it has not stored
    (every notebook it did not save itself). Trust only decides whether a front end shows a
    notebook's stored HTML and JavaScript outputs; Voila runs each lesson afresh and shows only
    what it computes, so for the app the warning is never a problem and only alarms instructors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Notebook %s is not trusted"


class ClassroomVoila(Voila):
    """Voila for `make app`; its own options are ``--ClassroomVoila.<name>=...``."""

    name = "exposure-kit-app"

    max_kernels = Int(0, config=True, help="Most lesson kernels open at once for the whole "
                      "class; 0 sizes it from the machine's memory.")
    max_kernels_per_client = Int(4, config=True, help="Most lesson kernels one client address "
                                 "may hold at once; 0 for no limit.")
    abandon_grace = Float(30.0, config=True, help="Seconds a lesson kernel may stay without a "
                          "connection (its page closed without stopping it: a browser quit, a "
                          "laptop put to sleep) before it is stopped and its seat freed.")
    header_timeout = Float(20.0, config=True, help="Seconds a connection may take to send a "
                           "request's headers, and may stay idle between requests.")
    max_connections_per_client = Int(32, config=True, help="Most HTTP connections one client "
                                     "address may hold open at once (a browser uses about six); "
                                     "0 for no limit.")
    max_websockets_per_client = Int(-1, config=True, help="Most kernel websockets one client "
                                    "address may hold open at once (a lesson page holds one); "
                                    "-1: twice max_kernels_per_client, so a classroom behind "
                                    "one shared address raises both with APP_PER_CLIENT; 0 "
                                    "for no limit. Past it a new one is refused (429).")
    max_send_backlog_mb = Float(8.0, config=True, help="MB of kernel messages that may wait to "
                                "be sent to one websocket client that does not read them; past "
                                "this the socket is closed.")
    max_messages_per_second = Float(100.0, config=True, help="Messages per second one kernel "
                                    "websocket may send on average (bursts of 4 s allowed); "
                                    "past this the socket is closed.")
    connect_grace = Float(60.0, config=True, help="Seconds after its page was sent within which "
                          "a lesson page must connect to its kernel; a kernel never connected "
                          "(the page reloaded or closed first) is stopped after that.")
    class_pool = Unicode("", config=True, help="Warm kernels for the lessons a class opens "
                         "together, as LESSON=KERNELS pairs: '01=30,03=4'. Filled at start, "
                         "not refilled beyond the default pool once taken.")

    fork_kernels = Bool(True, config=True, help="Fork lesson kernels from one process that has "
                        "imported their libraries (a zygote), so they share its memory; False "
                        "starts each kernel as a fresh interpreter (without debugpy either way).")

    answer_store = Unicode(os.environ.get("APP_STORE", ""), config=True, help="Where the "
                           "class's answers are kept: an SQLite file (default: exposure-kit's "
                           "folder under Jupyter's data directory) or an SQLAlchemy URL "
                           "(postgresql://...). Default: $APP_STORE.")
    instructor_token = Unicode(os.environ.get("APP_INSTRUCTOR_TOKEN", ""), config=True,
                               help="The token of the instructor's view (/instructor); a "
                               "random one, printed at start, when empty.")
    open_instructor = Bool(False, config=True, help="Open the instructor's view in this "
                           "machine's browser at start.")
    assessment_seed = Int(0, config=True, help="The seed of the onboarding assessment's papers "
                          "(/assessment): with a candidate's id it gives the candidate's paper. "
                          "Random at start when 0; printed with the instructor's link.")
    assessment_minutes = Float(0.0, config=True, help="Minutes a candidate has for the "
                               "assessment; 0 for untimed.")

    def start(self):
        """Open the class's store before any kernel starts (kernels record into it)."""
        from ..exercises._recording import STORE_VARIABLE
        from ._store import open_store

        store = open_store(self.answer_store or None)
        os.environ[STORE_VARIABLE] = self.answer_store or store.location
        self.instructor_token = self.instructor_token or secrets.token_urlsafe(18)
        self.assessment_seed = self.assessment_seed or secrets.randbelow(10**6) + 1
        self.tornado_settings = {**self.tornado_settings, "exposure_answers": store,
                                 "exposure_instructor_token": self.instructor_token,
                                 "exposure_assessment_seed": self.assessment_seed,
                                 "exposure_assessment_minutes": max(self.assessment_minutes, 0)}
        link = f"{self.connection_url}instructor?token={self.instructor_token}"
        self.log.info("Answers kept in %s (session %d)", store.location, store.current_session())
        print(f"\n    The instructor's view (keep this link to yourself):\n    {link}\n",
              flush=True)
        print(f"    The assessment: {self.connection_url}assessment (seed "
              f"{self.assessment_seed}, keep it to yourself; "
              f"{f'{self.assessment_minutes:g} minutes' if self.assessment_minutes else 'untimed'})"
              "\n", flush=True)
        # only a desktop's browser: with no display webbrowser would start a text browser
        # (lynx, w3m) in the terminal the server logs to
        desktop = sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or \
            os.environ.get("WAYLAND_DISPLAY")
        if self.open_instructor and desktop:
            IOLoop.current().call_later(2, webbrowser.open, link)
        super().start()

    def initialize(self, argv=None):
        super().initialize(argv)
        self.log.addFilter(_NotTrustedIsNormal())
        before, after = raised_open_files_limit()
        self.log.info("Open files: at most %d (soft limit was %d)", after, before)
        if self.voila_configuration.preheat_kernel and not self.notebook_path:
            self.config.VoilaKernelManager.kernel_pools_config = self._pools_config()
        self._lesson_kernels()

    def _lesson_kernels(self) -> None:
        """Kernels from now on forked from a zygote (``_zygote``, stopped at exit) when
        ``fork_kernels``, else fresh interpreters; without debugpy either way."""
        from jupyter_client.provisioning import KernelProvisionerFactory

        KernelProvisionerFactory.instance(parent=self).default_provisioner_name = registered()
        if self.fork_kernels:
            zygote = Zygote.start()
            atexit.register(zygote.stop)
            self.log.info("Lesson kernels forked from a zygote (pid %d)", zygote.process.pid)

    def _pools_config(self) -> dict:
        default = max(self.voila_configuration.default_pool_size, 0)
        config = {"default": {"pool_size": default}}
        wanted = parse_class_pool(self.class_pool)
        for notebook in sorted(Path(self.root_dir).glob("*.ipynb")):
            number = notebook.name[:2]
            if number in wanted:
                config[notebook.name] = {"pool_size": wanted[number]}
        return config

    def steady_pool(self) -> int:
        """Warm kernels kept once the class pools are used up: APP_POOL for every lesson."""
        if not self.voila_configuration.preheat_kernel:
            return 0
        default = max(self.voila_configuration.default_pool_size, 0)
        if self.notebook_path:
            return default
        return default * len(list(Path(self.root_dir).glob("*.ipynb")))

    def _class_pools_not_refilled(self) -> None:
        """After the first fill, a lesson's class pool is refilled only to APP_POOL.

        The class pool is the kernels a class will take when it opens a lesson together;
        refilling it would hold as much memory again for learners who are already in.
        """
        manager = self.kernel_manager
        config = getattr(manager, "kernel_pools_config", None)
        if not config:
            return
        steady = {"pool_size": config["default"]["pool_size"]}
        manager.kernel_pools_config = {name: (value if name == "default" else steady)
                                       for name, value in config.items()}

    def setup_template_dirs(self):
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATES))

    def init_settings(self):
        settings = super().init_settings()
        self._class_pools_not_refilled()
        pooled = self.steady_pool()
        memory = machine_memory_mb()
        total = self.max_kernels or default_max_kernels(memory, pooled)
        settings["exposure_seats"] = Seats(total, self.max_kernels_per_client)
        settings["exposure_abandon_grace"] = self.abandon_grace
        settings["exposure_connect_grace"] = self.connect_grace
        settings["exposure_socket_limits"] = SocketLimits(
            int(self.max_send_backlog_mb * 2**20), self.max_messages_per_second)
        settings["exposure_websockets"] = SocketsPerAddress(websockets_cap(
            self.max_websockets_per_client, self.max_kernels_per_client))
        settings["kernel_websocket_connection_class"] = GuardedConnection
        self.log.info("Seats: %d lesson kernels at most (%s), %s per client address; "
                      "warm pool: %d kernels a lesson, class pools %r", total,
                      "set" if self.max_kernels else f"from {memory} MB of memory",
                      self.max_kernels_per_client or "no limit",
                      max(self.voila_configuration.default_pool_size, 0)
                      if self.voila_configuration.preheat_kernel else 0, self.class_pool or "none")
        return settings

    def listen(self):
        self.app.listen = self._guarded_listen
        super().listen()

    def _guarded_listen(self, port: int, address: str | None = None, **kwargs) -> GuardedHTTPServer:
        """Voila's ``app.listen``, on a server with header timeouts and a cap per address."""
        server = GuardedHTTPServer(self.app, idle_connection_timeout=self.header_timeout,
                                   body_timeout=max(self.header_timeout, 60.0),
                                   max_per_address=self.max_connections_per_client)
        server.listen(port, address, **kwargs)
        return server

    def init_handlers(self):
        replaced = {VoilaKernelWebsocketHandler: GuardedKernelWebsocketHandler,
                    TornadoVoilaHandler: LessonHandler}
        # a kernel id is not a key: these answer only the address the kernel was given to
        replaced.update({handler: bound_to_visitor(handler) for handler in (
            KernelHandler, VoilaShutdownKernelHandler, RequestInfoSocketHandler,
            ExecutionRequestHandler)})
        handlers = []
        for pattern, handler, *options in super().init_handlers():
            if handler is TornadoVoilaTreeHandler:
                handler, options = FrontPageHandler, [{"root_dir": self.root_dir}]
            handlers.append((pattern, replaced.get(handler, handler), *options))
        return instructor_handlers(self.base_url) + assessment_handlers(self.base_url) + handlers


main = ClassroomVoila.launch_instance
