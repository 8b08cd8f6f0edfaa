"""Limits on one kernel websocket: what may wait to be sent to it, and how fast it may send.

A client that never reads its socket while asking for widget state (about 33 KB a reply) made
the server hold every reply in memory: 186 MB to 1,718 MB in 70 s, and it stayed high after the
socket closed. Each socket now has a :class:`SocketMeter`: bytes written but not yet sent count
against ``max_backlog``, incoming messages against a token bucket of ``messages_per_second``
(``BURST_SECONDS`` of them at once); past either the handler closes the socket. Memory that a
closed socket's backlog held is handed back to the system (``malloc_trim``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from dataclasses import dataclass, field

BURST_SECONDS = 4.0


@dataclass(frozen=True)
class SocketLimits:
    """``max_backlog`` bytes waiting to be sent; ``messages_per_second`` from the client."""

    max_backlog: int = 8 * 2**20
    messages_per_second: float = 100.0


@dataclass
class SocketMeter:
    """The bytes waiting to go out on one socket and the messages it may still send now.

    Examples
    --------
    >>> meter = SocketMeter(SocketLimits(max_backlog=100, messages_per_second=1))
    >>> meter.may_queue(60), meter.may_queue(60)
    (True, False)
    >>> meter.sent(60); meter.may_queue(60)
    True
    >>> sum(meter.may_receive(now=0.0) for _ in range(10))   # a burst of 4 s at 1 a second
    4
    >>> meter.may_receive(now=2.0)                           # 2 s later: 2 more
    True
    """

    limits: SocketLimits
    backlog: int = 0
    tokens: float = field(default=-1.0)
    checked: float | None = None

    def may_queue(self, size: int) -> bool:
        """Count ``size`` bytes as waiting, unless that would pass the bound."""
        if self.limits.max_backlog and self.backlog + size > self.limits.max_backlog:
            return False
        self.backlog += size
        return True

    def sent(self, size: int) -> None:
        self.backlog = max(0, self.backlog - size)

    def may_receive(self, now: float | None = None) -> bool:
        """Take one incoming message from the bucket; False when it is empty."""
        rate = self.limits.messages_per_second
        if not rate:
            return True
        now = time.monotonic() if now is None else now
        burst = rate * BURST_SECONDS
        if self.checked is None:
            self.tokens = burst
        else:
            self.tokens = min(burst, self.tokens + (now - self.checked) * rate)
        self.checked = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def give_memory_back() -> None:
    """Return freed heap memory to the system (glibc's ``malloc_trim``); elsewhere nothing."""
    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


class SocketsPerAddress:
    """The kernel websockets each client address holds open, against a cap (0: no cap).

    A lesson page holds one kernel websocket; a reload holds two for a moment (the new page's
    and the old one's, not yet seen closed). Past the cap a new socket is refused with
    :meth:`refusal`; the sockets already open are left alone.

    Examples
    --------
    >>> sockets = SocketsPerAddress(cap=2)
    >>> sockets.opened("10.0.0.7"); sockets.opened("10.0.0.7")
    >>> sockets.may_open("10.0.0.7"), sockets.may_open("10.0.0.8")
    (False, True)
    >>> sockets.closed("10.0.0.7"); sockets.may_open("10.0.0.7")
    True
    """

    def __init__(self, cap: int) -> None:
        self.cap = max(int(cap), 0)
        self.open: dict[str, int] = {}

    def may_open(self, address: str) -> bool:
        return not self.cap or self.open.get(address, 0) < self.cap

    def opened(self, address: str) -> None:
        self.open[address] = self.open.get(address, 0) + 1

    def closed(self, address: str) -> None:
        left = self.open.get(address, 0) - 1
        if left > 0:
            self.open[address] = left
        else:
            self.open.pop(address, None)

    def refusal(self) -> str:
        """What a refused socket is told (its HTTP 429's text)."""
        return (f"Too many live lessons from this computer: {self.cap} lesson connections are "
                "open from its address, the most one address may hold. Close lesson tabs you "
                "no longer use, then reload this page. (In a classroom where every computer "
                "shares one address, the instructor raises APP_PER_CLIENT.)")


def websockets_cap(setting: int, kernels_per_client: int) -> int:
    """The cap on kernel websockets per address: ``setting``, or when it is -1 twice the
    lesson kernels one address may hold (each page one socket, a reload briefly two); 0 when
    kernels per address are not capped either.

    Examples
    --------
    >>> websockets_cap(-1, 4), websockets_cap(-1, 0), websockets_cap(10, 4), websockets_cap(0, 4)
    (8, 0, 10, 0)
    """
    return 2 * max(kernels_per_client, 0) if setting < 0 else setting
