"""Lesson kernels forked from the zygote: separate state, interrupt, restart, shutdown, fallback.

The kernels are started as the classroom server starts them (jupyter_client's kernel manager
with the forking provisioner), without the server around them.
"""

from __future__ import annotations

import asyncio
import os
import time

import psutil
import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory

from exposure_kit._app._forking import NAME, ForkedKernel, Zygote

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]   # kernels: not the quick suite


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    home = tmp_path_factory.mktemp("ipython")
    saved = {k: os.environ.get(k) for k in ("IPYTHONDIR", "MPLBACKEND")}
    os.environ["IPYTHONDIR"] = str(home)
    os.environ.pop("MPLBACKEND", None)      # the kernels choose theirs, as in the server
    started = Zygote.start()
    factory = KernelProvisionerFactory.instance()
    before = factory.default_provisioner_name
    factory.default_provisioner_name = NAME
    assert asyncio.run(started.ready()), "the zygote did not come up"
    yield started
    factory.default_provisioner_name = before
    started.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


async def started_kernel() -> tuple[AsyncKernelManager, object]:
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel()
    client = km.client()
    client.start_channels()
    await client.wait_for_ready(timeout=120)
    return km, client


async def run(client, code: str, timeout: float = 60) -> tuple[str, dict]:
    """What ``code`` printed, and the execute reply's content."""
    printed = []

    def keep(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    reply = await client.execute_interactive(code, timeout=timeout, output_hook=keep)
    return "".join(printed), reply["content"]


def test_forked_kernels_are_separate_processes_with_separate_state(zygote):
    async def scenario():
        (km_a, a), (km_b, b) = await started_kernel(), await started_kernel()
        try:
            assert isinstance(km_a.provisioner.process, ForkedKernel)
            pid_a, pid_b = km_a.provisioner.pid, km_b.provisioner.pid
            assert pid_a != pid_b
            # both are the zygote's children, each leading a session of its own
            for pid in (pid_a, pid_b):
                assert psutil.Process(pid).ppid() == zygote.process.pid
                assert os.getsid(pid) == pid
            await run(a, "secret = 41 + 1\nimport exposure_kit\nexposure_kit.marker = 'a'")
            seen, _ = await run(b, "import exposure_kit\nprint('secret' in globals(), "
                                   "getattr(exposure_kit, 'marker', None))")
            assert seen.split() == ["False", "None"]
            # the legacy numpy generator is reseeded in each child, as in a fresh interpreter
            draw = "import numpy as np\nprint(np.random.randint(0, 2**62))"
            assert (await run(a, draw))[0] != (await run(b, draw))[0]
            # hooks that modules preloaded in the zygote could not make at import, made in the
            # kernel: the widgets' comm targets, the exit with the zygote, inline figures
            seen, _ = await run(a, "from ipykernel.kernelapp import IPKernelApp\n"
                                   "k = IPKernelApp.instance()\n"
                                   "print(sorted(k.kernel.comm_manager.targets), k.parent_handle)")
            assert "'jupyter.widget.control'" in seen
            assert seen.split()[-1] == str(zygote.process.pid)
            figures = []
            await a.execute_interactive(
                "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nNone", timeout=60,
                output_hook=lambda m: figures.append(m["content"].get("data", {})))
            assert any("image/png" in data for data in figures)
            # a lesson's chart left last in a cell (an Axes from exposure_kit.plots) shows as a
            # picture, not as its repr: the formatters the module registers at import
            charts = []
            await a.execute_interactive(
                "import exposure_kit as ek\n"
                "ek.plots.waterfall(ek.sample_book('guide_example_1'))", timeout=60,
                output_hook=lambda m: charts.append(m["content"].get("data", {})))
            assert any("image/png" in data for data in charts), charts
            assert not any(data.get("text/plain", "").startswith("<Axes") and len(data) == 1
                           for data in charts)
            # what the zygote left out: no debugger in a lesson kernel
            seen, _ = await run(a, "import sys\nprint(sys.modules.get('debugpy', 'absent'))")
            assert seen.strip() == "None"
        finally:
            for km, client in ((km_a, a), (km_b, b)):
                client.stop_channels()
                await km.shutdown_kernel(now=True)
        for pid in (pid_a, pid_b):         # gone, and reaped by the zygote (no zombie)
            deadline = time.monotonic() + 10
            while psutil.pid_exists(pid) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert not psutil.pid_exists(pid)

    asyncio.run(scenario())


def test_a_forked_kernel_is_interrupted_and_restarted(zygote):
    async def scenario():
        km, client = await started_kernel()
        try:
            first = km.provisioner.pid
            await run(client, "state = 'kept until restart'")
            running = asyncio.ensure_future(run(client, "import time\ntime.sleep(120)", 150))
            await asyncio.sleep(2)
            started = time.monotonic()
            await km.interrupt_kernel()
            _, reply = await asyncio.wait_for(running, 30)
            assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
            assert time.monotonic() - started < 20
            seen, _ = await run(client, "print(state)")          # interrupted, not restarted
            assert seen.strip() == "kept until restart"
            client.stop_channels()
            await km.restart_kernel(now=True)
            client = km.client()
            client.start_channels()
            await client.wait_for_ready(timeout=120)
            assert km.provisioner.pid != first and not psutil.pid_exists(first)
            assert psutil.Process(km.provisioner.pid).ppid() == zygote.process.pid
            seen, _ = await run(client, "print('state' in globals())")
            assert seen.strip() == "False"
        finally:
            client.stop_channels()
            await km.shutdown_kernel(now=True)

    asyncio.run(scenario())


def test_kernels_exit_with_their_zygote():
    """A zygote of its own, stopped under its kernel: the kernel does not outlive it."""
    async def scenario():
        own = Zygote.start()
        try:
            assert await own.ready()
            km, client = await started_kernel()
            client.stop_channels()
            pid = km.provisioner.pid
            assert psutil.Process(pid).ppid() == own.process.pid
            own.stop()
            deadline = time.monotonic() + 20
            while await km.is_alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert not await km.is_alive()
            await km.shutdown_kernel(now=True)
        finally:
            own.stop()

    factory = KernelProvisionerFactory.instance()
    before, previous = factory.default_provisioner_name, Zygote.current
    factory.default_provisioner_name = NAME
    try:
        asyncio.run(scenario())
    finally:
        factory.default_provisioner_name, Zygote.current = before, previous


def test_a_killed_kernel_is_seen_dead_and_without_the_zygote_kernels_start_fresh(zygote):
    async def scenario():
        km, client = await started_kernel()
        client.stop_channels()
        os.kill(km.provisioner.pid, 9)          # the kernel dies under the server
        deadline = time.monotonic() + 10
        while await km.is_alive() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert not await km.is_alive()
        await km.shutdown_kernel(now=True)
        Zygote.current = None                   # as when the zygote is down
        try:
            km, client = await started_kernel()
            assert not isinstance(km.provisioner.process, ForkedKernel)
            assert psutil.Process(km.provisioner.pid).ppid() == os.getpid()
            seen, _ = await run(client, "import sys\nprint(6 * 7, sys.modules.get('debugpy', 1))")
            assert seen.split() == ["42", "None"]       # a fresh interpreter, still no debugger
            client.stop_channels()
            await km.shutdown_kernel(now=True)
        finally:
            Zygote.current = zygote

    asyncio.run(scenario())
