"""A scripted visitor for the classroom server: opens a lesson, then speaks the kernel protocol.

Used by the tests and by ``benchmarks/classroom.py``. A visit is what a browser does before a
learner can move a slider: fetch the lesson page (its widget views carry model ids and its
config the kernel id), open the kernel websocket with the v1 protocol, and ask the kernel for
the widgets' state (``request_states`` on the ``jupyter.widget.control`` comm, as ipywidgets'
front end does). The dashboard is live when the state of the page's first widget comes back.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from ._frames import V1_PROTOCOL, frame_offsets

VIEW_MODEL = re.compile(r'widget-view\+json": \{"model_id": "([0-9a-f]{32})"')
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def kernel_message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "probe",
              "session": session, "date": "2026-01-01T00:00:00Z", "version": "5.3"}
    return {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}


def v1_frame(channel: str, message: dict) -> bytes:
    """A message in the v1 websocket layout: count, offsets, channel, JSON parts."""
    parts = [json.dumps(message[k]).encode() for k in
             ("header", "parent_header", "metadata", "content")]
    chunks = [channel.encode(), *parts]
    offsets = [8 * (len(chunks) + 2)]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    table = b"".join(n.to_bytes(8, "little") for n in [len(offsets), *offsets])
    return table + b"".join(chunks)


def read_v1_frame(frame: bytes) -> tuple[str, dict, dict, list[bytes]]:
    """Channel, header, content and buffers of a v1 frame from the server."""
    offsets = frame_offsets(frame)
    parts = [frame[a:b] for a, b in zip(offsets, offsets[1:])]
    return (parts[0].decode(), json.loads(parts[1]), json.loads(parts[4]), parts[5:])


async def fetch_lesson(base: str, path: str, timeout: float = 120,
                       headers: dict | None = None) -> tuple[int, str]:
    """Status and body of a lesson page (a refusal's page too); ``headers`` such as a hub
    login's cookies."""
    response = await AsyncHTTPClient().fetch(HTTPRequest(
        base + path, request_timeout=timeout, follow_redirects=False, headers=headers),
        raise_error=False)
    return response.code, response.body.decode("utf-8", "replace")


async def open_kernel_socket(base: str, kernel_id: str, v1: bool = True, timeout: float = 10,
                             headers: dict | None = None):
    """The kernel websocket of a lesson, with or without the v1 subprotocol."""
    ws_base = "ws" + base[4:] if base.startswith("http") else base
    request = HTTPRequest(f"{ws_base}api/kernels/{kernel_id}/channels?session_id=probe",
                          headers={"Origin": f"http://{urlsplit(base).netloc}",
                                   **(headers or {})},
                          request_timeout=timeout)
    return await websocket_connect(request, subprotocols=[V1_PROTOCOL] if v1 else None)


async def widget_states(socket, model_id: str, deadline: float) -> dict:
    """Ask the kernel for every widget's state; wait for the one of ``model_id``."""
    session = uuid.uuid4().hex
    comm_id = uuid.uuid4().hex
    opening = kernel_message("comm_open", {"comm_id": comm_id, "target_name":
                                           "jupyter.widget.control", "data": {}}, session,
                             {"version": "1.0.0"})
    await socket.write_message(v1_frame("shell", opening), binary=True)
    ask = kernel_message("comm_msg", {"comm_id": comm_id,
                                      "data": {"method": "request_states"}}, session)
    await socket.write_message(v1_frame("shell", ask), binary=True)
    while time.monotonic() < deadline:
        frame = await asyncio.wait_for(socket.read_message(), max(deadline - time.monotonic(), 0.1))
        if frame is None:
            raise ConnectionError("the server closed the kernel websocket")
        if isinstance(frame, str):
            continue
        _, header, content, _ = read_v1_frame(frame)
        data = content.get("data", {}) if header["msg_type"] == "comm_msg" else {}
        if data.get("method") == "update_states" and model_id in data.get("states", {}):
            return data["states"]
    raise TimeoutError("no widget state before the deadline")


async def visit(base: str, path: str, timeout: float = 120, headers: dict | None = None) -> dict:
    """One learner opening a lesson: seconds to the page and to a live dashboard."""
    started = time.monotonic()
    code, html = await fetch_lesson(base, path, timeout, headers)
    page = time.monotonic() - started
    if code != 200:
        return {"status": code, "page": page, "live": None}
    kernel_id = KERNEL_ID.search(html).group(1)
    model_id = VIEW_MODEL.search(html).group(1)
    socket = await open_kernel_socket(base, kernel_id, headers=headers)
    try:
        await widget_states(socket, model_id, started + timeout)
    finally:
        socket.close()
    return {"status": code, "page": page, "live": time.monotonic() - started,
            "kernel_id": kernel_id}
