"""Lesson kernels forked from the zygote (:mod:`._zygote`): the server's side.

:class:`Zygote` starts and stops the zygote process; :class:`ForkingProvisioner` is a
jupyter_client kernel provisioner that asks it for each kernel and then polls, signals and waits
for the kernel by pid (the kernel is the zygote's child, not the server's). When the zygote is not
there (still importing, stopped, or refusing the command, or not started: ``fork_kernels`` off), the
kernel starts as a fresh interpreter, without debugpy.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner

from ._zygote import kernel_arguments

NAME = "exposure-kit-forking"


class Zygote:
    """The zygote process of one server, listening on a socket in a private folder."""

    current: "Zygote | None" = None

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="exposure-kit-zygote-"))
        self.socket = self.folder / "zygote.sock"
        self.process = subprocess.Popen([sys.executable, "-m", "exposure_kit._app._zygote",
                                         str(self.socket)], start_new_session=True)

    @classmethod
    def start(cls) -> "Zygote":
        """Start the zygote and make it the one :class:`ForkingProvisioner` asks."""
        registered()
        cls.current = cls()
        return cls.current

    async def ready(self, timeout: float = 120.0) -> bool:
        """Wait until the zygote listens (it has imported everything); False if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.socket.exists():
                return True
            await asyncio.sleep(0.1)
        return False

    def stop(self) -> None:
        """Stop the zygote (its kernels, already shut down by the server, exit with it)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
        if Zygote.current is self:
            Zygote.current = None

    async def fork(self, argv: list[str], env: dict[str, str] | None, cwd: str | None) -> int:
        """The pid of a kernel forked for ``argv``.

        Raises
        ------
        OSError
            The zygote is not listening (not ready yet, or stopped).
        ValueError
            The zygote refused the command (another interpreter, not ipykernel).
        """
        reader, writer = await asyncio.open_unix_connection(str(self.socket))
        try:
            request = {"argv": argv, "env": dict(os.environ if env is None else env),
                       "cwd": None if cwd is None else str(cwd)}
            writer.write(json.dumps(request).encode() + b"\n")
            await writer.drain()
            reply = json.loads(await asyncio.wait_for(reader.readline(), 30))
        finally:
            writer.close()
        if "pid" not in reply:
            raise ValueError(reply.get("error", "no pid in the zygote's reply"))
        return int(reply["pid"])


def registered() -> str:
    """Make :class:`ForkingProvisioner` known to jupyter_client (no entry point installed needed);
    its name, for ``KernelProvisionerFactory.default_provisioner_name``."""
    KernelProvisionerFactory.provisioners[NAME] = EntryPoint(
        NAME, f"{__name__}:ForkingProvisioner", KernelProvisionerFactory.GROUP_NAME)
    return NAME


def plain_command(cmd: list[str]) -> list[str]:
    """``cmd`` as a fresh lesson kernel without debugpy (unchanged if it is not ipykernel's).

    Examples
    --------
    >>> plain_command([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])[1:]
    ['-m', 'exposure_kit._app._zygote', '--kernel', '-f', 'k.json']
    """
    arguments = kernel_arguments(cmd)
    if arguments is None:
        return cmd
    return [sys.executable, "-m", "exposure_kit._app._zygote", "--kernel", *arguments]


def process_state(pid: int) -> tuple[str | None, str | None]:
    """The state letter and start time of process ``pid`` (``None`` when it is gone); where
    there is no /proc, only whether it exists."""
    if os.path.isdir("/proc/self"):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return fields[0], fields[19]
        except (OSError, IndexError):
            return None, None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None, None
    return "R", None


class ForkedKernel:
    """The part of :class:`subprocess.Popen` a provisioner uses, for a process not our child.

    Its exit status belongs to the zygote that reaps it; ended, it reads as 0 here.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._started = process_state(pid)[1]

    def poll(self) -> int | None:
        """None while the kernel runs (a zombie has ended); its pid reused is not it."""
        if self.returncode is None:
            state, started = process_state(self.pid)
            if state in (None, "Z") or started != self._started:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """The local provisioner, with kernels forked from the server's zygote when it is up."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        zygote = Zygote.current
        if zygote is None or not await zygote.ready():
            return await super().launch_kernel(plain_command(cmd), **kwargs)
        try:
            pid = await zygote.fork(cmd, kwargs.get("env"), kwargs.get("cwd"))
        except (OSError, ValueError) as error:
            self.log.info("Lesson kernel started without the zygote (%s)", error)
            return await super().launch_kernel(plain_command(cmd), **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid      # the kernel leads a session (and group) of its own
        self.cwd = kwargs.get("cwd", Path.cwd())
        return self.connection_info

    async def wait(self) -> int | None:
        if isinstance(self.process, ForkedKernel):
            while await self.poll() is None:
                await asyncio.sleep(0.1)
            code, self.process = self.process.returncode, None
            return code
        return await super().wait()
