"""A scripted learner who answers a lesson's quiz through the classroom server, as a browser does.

For ``benchmarks/class_answers.py`` and the tests: open the lesson page with the learner's cookie
(so the server binds the kernel to that learner), open the kernel websocket (v1), ask for the
widgets' state, then for each answer set the quiz card's input and press its Check button
(the ``update`` and ``custom`` comm messages ipywidgets' front end sends), and wait until the
kernel has handled the click (the check itself runs a moment later, see :meth:`Learner.answer`).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ._frames import frame_offsets
from ._probe import KERNEL_ID, VIEW_MODEL, kernel_message, open_kernel_socket, v1_frame


async def _states(socket, session: str, model_id: str, deadline: float) -> dict:
    comm_id = uuid.uuid4().hex
    opening = kernel_message("comm_open", {"comm_id": comm_id, "target_name":
                                           "jupyter.widget.control", "data": {}}, session,
                             {"version": "1.0.0"})
    await socket.write_message(v1_frame("shell", opening), binary=True)
    ask = kernel_message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}},
                         session)
    await socket.write_message(v1_frame("shell", ask), binary=True)
    while time.monotonic() < deadline:
        header, content = await _next(socket, deadline)
        data = content.get("data", {}) if header["msg_type"] == "comm_msg" else {}
        if data.get("method") == "update_states" and model_id in data.get("states", {}):
            return data["states"]
    raise TimeoutError("no widget state before the deadline")


async def _next(socket, deadline: float) -> tuple[dict, dict]:
    header, _, content = await _next_with_parent(socket, deadline)
    return header, content


async def _next_with_parent(socket, deadline: float) -> tuple[dict, dict, dict]:
    while True:
        frame = await asyncio.wait_for(socket.read_message(),
                                       max(deadline - time.monotonic(), 0.1))
        if frame is None:
            raise ConnectionError("the server closed the kernel websocket")
        if not isinstance(frame, str):
            offsets = frame_offsets(frame)
            parts = [frame[a:b] for a, b in zip(offsets, offsets[1:])]
            return json.loads(parts[1]), json.loads(parts[2]), json.loads(parts[4])


def quiz_cards(states: dict) -> list[dict]:
    """Each quiz card's model ids: input, check, hint, solution, feedback (page order)."""
    cards = []
    for state in states.values():
        body = state.get("state", {})
        if "ek-quiz-question" not in body.get("_dom_classes", []):
            continue
        kids = [c.removeprefix("IPY_MODEL_") for c in body["children"]]
        buttons = [c.removeprefix("IPY_MODEL_") for c in
                   states[kids[3]]["state"]["children"]]
        title = states[kids[0]]["state"]["value"]
        cards.append({"input": kids[2], "check": buttons[0], "hint": buttons[1],
                      "solution": buttons[2], "feedback": kids[4], "title": title,
                      "choice": states[kids[2]]["model_name"] == "RadioButtonsModel",
                      "options": len(states[kids[2]]["state"].get("_options_labels", []))})
    cards.sort(key=lambda c: int(re.search(r"Question (\d+)", c["title"]).group(1)))
    return cards


class Learner:
    """One learner in one lesson: ``await Learner.open(...)``, then :meth:`answer`."""

    def __init__(self, socket, session: str, cards: list[dict], kernel_id: str):
        self.socket, self.session, self.cards, self.kernel_id = socket, session, cards, kernel_id

    @classmethod
    async def open(cls, base: str, path: str, learner_id: str, timeout: float = 180):
        deadline = time.monotonic() + timeout
        response = await AsyncHTTPClient().fetch(HTTPRequest(
            base + path, request_timeout=timeout, headers={"Cookie": f"ek_learner={learner_id}"}),
            raise_error=True)
        page = response.body.decode()
        if not (KERNEL_ID.search(page) and VIEW_MODEL.search(page)):
            raise RuntimeError("the lesson page came without its widgets (a cell failed or "
                               "timed out): " + re.sub(r"\s+", " ", page[-300:]))
        kernel_id = KERNEL_ID.search(page).group(1)
        socket = await open_kernel_socket(base, kernel_id)
        session = uuid.uuid4().hex
        states = await _states(socket, session, VIEW_MODEL.search(page).group(1), deadline)
        return cls(socket, session, quiz_cards(states), kernel_id)

    async def _send(self, comm_id: str, data: dict) -> str:
        message = kernel_message("comm_msg", {"comm_id": comm_id, "data": data}, self.session)
        await self.socket.write_message(v1_frame("shell", message), binary=True)
        return message["header"]["msg_id"]

    async def answer(self, card: int, answer, timeout: float = 60) -> str:
        """Type (or pick, by option index) ``answer`` on card ``card``, press Check; the
        feedback the page shows by the time the kernel is idle (its HTML), usually ``""``: a
        Check waits ``widgets._typed.SETTLE_SECONDS`` for the box's last edit, then runs."""
        c = self.cards[card]
        state = {"index": int(answer)} if c["choice"] else {"value": str(answer)}
        await self._send(c["input"], {"method": "update", "state": state, "buffer_paths": []})
        return await self.press(card, "check", timeout)

    async def press(self, card: int, button: str = "check", timeout: float = 60) -> str:
        """Press a card's button and wait until the kernel has handled it; the card's
        feedback (HTML) if it changed, else ``""``."""
        c = self.cards[card]
        sent = await self._send(c[button], {"method": "custom", "content": {"event": "click"}})
        deadline, feedback = time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            header, parent, content = await _next_with_parent(self.socket, deadline)
            data = content.get("data", {}) if header["msg_type"] == "comm_msg" else {}
            if content.get("comm_id") == c["feedback"] and data.get("method") == "update":
                feedback = data.get("state", {}).get("value", feedback)
            if header["msg_type"] == "status" and parent.get("msg_id") == sent and \
                    content.get("execution_state") == "idle":
                return feedback
        raise TimeoutError(f"card {card}: the kernel did not finish the click in time")

    def close(self) -> None:
        self.socket.close()
