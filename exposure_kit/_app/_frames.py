"""Checks on binary kernel-websocket frames, before anything decodes them.

A frame of the ``v1.kernel.websocket.jupyter.org`` protocol starts with an 8-byte little-endian
count ``n`` and ``n`` 8-byte offsets; the channel name and the message parts lie between them.
jupyter_server and Voila trust the count: a count of ``2**64 - 1`` makes them build a list of that
many offsets (the server freezes and its memory grows without bound). Here the count and every
offset are checked against the frame's own length first.
"""

from __future__ import annotations

import json

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
CHANNELS = frozenset({"shell", "control", "stdin", "iopub"})
MAX_PARTS = 64          # header, parent, metadata, content and at most 60 buffers
MIN_PARTS = 4           # header, parent header, metadata, content


class BadFrame(ValueError):
    """A frame that does not follow the v1 kernel websocket protocol."""


def frame_offsets(frame: bytes, max_parts: int = MAX_PARTS) -> list[int]:
    """The offsets of a v1 frame, once the count and every offset are known to fit the frame.

    Parameters
    ----------
    frame : bytes
        One binary websocket message.
    max_parts : int
        The most message parts (header, parent, metadata, content, buffers) accepted.

    Returns
    -------
    list of int
        ``n`` offsets, non-decreasing, the first just past the offset table, the last at most
        ``len(frame)``.

    Raises
    ------
    BadFrame
        Naming what is wrong: too short, a count out of range, an offset outside the frame.

    Examples
    --------
    >>> frame_offsets((2).to_bytes(8, "little") + (24).to_bytes(8, "little")
    ...               + (24).to_bytes(8, "little"))
    [24, 24]
    >>> frame_offsets((2**64 - 1).to_bytes(8, "little") + bytes(24))
    Traceback (most recent call last):
    ...
    exposure_kit._app._frames.BadFrame: offset count 18446744073709551615 is out of range (2 to 66)
    """
    if not isinstance(frame, (bytes, bytearray, memoryview)):
        raise BadFrame("a text frame where the v1 protocol sends binary frames")
    size = len(frame)
    if size < 8:
        raise BadFrame(f"{size} bytes: too short to hold the offset count")
    count = int.from_bytes(frame[:8], "little")
    if not 2 <= count <= max_parts + 2:
        raise BadFrame(f"offset count {count} is out of range (2 to {max_parts + 2})")
    table_end = 8 * (count + 1)
    if table_end > size:
        raise BadFrame(f"{count} offsets need {table_end} bytes; the frame has {size}")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != table_end:
        raise BadFrame(f"the channel starts at {offsets[0]}, not just after the offsets "
                       f"({table_end})")
    for index, (start, stop) in enumerate(zip(offsets, offsets[1:]), start=1):
        if stop < start or stop > size:
            raise BadFrame(f"offset {index} ({stop}) lies outside {start}..{size}")
    return offsets


def check_incoming_frame(frame: bytes) -> str:
    """The channel of a v1 frame from a client, once its layout and header are checked.

    Parameters
    ----------
    frame : bytes
        One websocket message as a browser sends it.

    Returns
    -------
    str
        The channel (``shell``, ``control``, ``stdin`` or ``iopub``).

    Raises
    ------
    BadFrame
        For a layout :func:`frame_offsets` refuses, fewer than four message parts, an unknown
        channel or a header that is not a JSON object with a ``msg_type``.

    Examples
    --------
    >>> from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
    >>> parts = [b'{"msg_type": "comm_info_request"}', b"{}", b"{}", b"{}"]
    >>> check_incoming_frame(serialize_msg_to_ws_v1(parts, "shell"))
    'shell'
    """
    offsets = frame_offsets(frame)
    if len(offsets) - 2 < MIN_PARTS:
        raise BadFrame(f"{len(offsets) - 2} message parts; a message needs {MIN_PARTS}")
    channel = bytes(frame[offsets[0]:offsets[1]]).decode("ascii", "replace")
    if channel not in CHANNELS:
        raise BadFrame(f"unknown channel {channel[:20]!r}")
    try:
        header = json.loads(bytes(frame[offsets[1]:offsets[2]]))
    except ValueError:
        raise BadFrame("the header is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("msg_type"), str):
        raise BadFrame("the header has no msg_type")
    return channel


def incoming_msg_id(frame: bytes) -> str | None:
    """The ``msg_id`` in the header of a v1 frame that :func:`check_incoming_frame` accepted.

    Examples
    --------
    >>> from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
    >>> parts = [b'{"msg_type": "kernel_info_request", "msg_id": "a1"}', b"{}", b"{}", b"{}"]
    >>> incoming_msg_id(serialize_msg_to_ws_v1(parts, "shell"))
    'a1'
    """
    offsets = frame_offsets(frame)
    header = json.loads(bytes(frame[offsets[1]:offsets[2]]))
    msg_id = header.get("msg_id")
    return str(msg_id) if msg_id is not None else None


def outgoing_header(frame: bytes) -> dict | None:
    """The header of a v1 frame the server sends, or None when the frame is not v1.

    Voila reads it to drop ``execute_input`` messages; its own reader trusts the count (the
    freeze of a client that speaks the legacy protocol).

    Examples
    --------
    >>> outgoing_header(b"\\x02\\x00\\x00\\x00")   # a legacy frame: 4-byte count
    """
    try:
        offsets = frame_offsets(frame)
        if len(offsets) < 4:
            return None
        header = json.loads(bytes(frame[offsets[1]:offsets[2]]))
    except (BadFrame, ValueError):
        return None
    return header if isinstance(header, dict) else None
