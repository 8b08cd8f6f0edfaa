"""Tracebacks kept on the server: what a kernel sends is cleaned before it reaches a browser.

Voila's ``show_tracebacks=False`` covers the notebook's first run only. Afterwards a widget
callback that raises is reported by the kernel as an ``error`` message with the full traceback
(server paths included), and errors inside the kernel's comm machinery reach the client as text
on stderr. Here an ``error`` keeps its place (the page can still show that something failed) but
loses its traceback, stderr text is not forwarded, and error outputs inside widget state (an
Output widget's ``outputs``) are cleaned the same way.
"""

from __future__ import annotations

from typing import Any

from jupyter_client.session import DELIM

PLAIN_ERROR = {"ename": "Error", "evalue": "Something went wrong in this lesson; reload the "
               "page to start it again.", "traceback": []}


def cleaned_output(output: dict) -> dict:
    """An output without a traceback: error outputs become the plain error.

    Examples
    --------
    >>> cleaned_output({"output_type": "error", "ename": "KeyError", "evalue": "'x'",
    ...                 "traceback": ["/srv/app.py line 3"]})["traceback"]
    []
    >>> cleaned_output({"output_type": "stream", "name": "stdout", "text": "hi"})["text"]
    'hi'
    """
    if output.get("output_type") == "error":
        return {"output_type": "error", **PLAIN_ERROR}
    return output


def cleaned_content(msg_type: str, content: dict) -> dict | None:
    """The content a client may see for a kernel message, or None to drop the message.

    Parameters
    ----------
    msg_type : str
        The message's ``header.msg_type``.
    content : dict
        Its content as the kernel sent it.

    Returns
    -------
    dict or None
        ``content`` itself when nothing needs hiding, a cleaned copy, or None for stderr text.

    Examples
    --------
    >>> cleaned_content("error", {"ename": "ValueError", "evalue": "bad",
    ...                           "traceback": ["File /home/teacher/x.py"]})["traceback"]
    []
    >>> cleaned_content("stream", {"name": "stderr", "text": "Traceback ..."}) is None
    True
    >>> cleaned_content("status", {"execution_state": "idle"})
    {'execution_state': 'idle'}
    """
    if msg_type == "error" or (msg_type.endswith("_reply") and content.get("status") == "error"):
        return {**content, **PLAIN_ERROR}
    if msg_type == "stream" and content.get("name") == "stderr":
        return None
    if msg_type in ("comm_msg", "comm_open"):
        return _cleaned_comm(content)
    return content


def _cleaned_comm(content: dict) -> dict:
    data = content.get("data")
    state = data.get("state") if isinstance(data, dict) else None
    outputs = state.get("outputs") if isinstance(state, dict) else None
    if not isinstance(outputs, list) or not any(
            isinstance(o, dict) and o.get("output_type") == "error" for o in outputs):
        return content
    clean = [cleaned_output(o) if isinstance(o, dict) else o for o in outputs]
    return {**content, "data": {**data, "state": {**state, "outputs": clean}}}


def cleaned_message(session: Any, msg_list: list) -> list | None:
    """The zmq message list with its content cleaned and signed again, or None to drop it.

    ``msg_list`` is what jupyter_server receives from the kernel (identities, delimiter,
    signature, header, parent header, metadata, content, buffers). Messages that need no change
    come back as the same list, untouched.
    """
    identities, parts = session.feed_identities(msg_list)
    header = session.unpack(_bytes(parts[1]))
    content = session.unpack(_bytes(parts[4]))
    msg_type = header.get("msg_type", "") if isinstance(header, dict) else ""
    cleaned = cleaned_content(msg_type, content) if isinstance(content, dict) else content
    if cleaned is None:
        return None
    if cleaned is content:
        return msg_list
    fields = [_bytes(p) for p in parts[1:4]] + [session.pack(cleaned)]
    return [*identities, DELIM, session.sign(fields), *fields, *parts[5:]]


def _bytes(part: Any) -> bytes:
    return part if isinstance(part, bytes) else getattr(part, "bytes", bytes(part))
