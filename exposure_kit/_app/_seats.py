"""Seats: how many lesson kernels the class, and each visitor's address, may hold at once.

A lesson page costs a kernel (about 140 MB) that lives until the page closes or sits idle for
``APP_IDLE`` seconds. Without a cap, anyone on the network can start kernels until the machine
runs out of memory. The default cap is sized from the machine's memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

KERNEL_MB = 200         # a lesson kernel measured at 140-160 MB resident, with room to spare
RESERVED_MB = 1024      # left for the system, the server and the teacher's own programs


def machine_memory_mb() -> int:
    """The machine's physical memory in MB (``sysconf``), or 4096 when it cannot be read."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (ValueError, OSError, AttributeError):
        return 4096


def default_max_kernels(memory_mb: int, pooled: int) -> int:
    """Learner kernels that fit in memory beside the warm pool and a reserve for the system.

    Parameters
    ----------
    memory_mb : int
        The machine's memory in MB.
    pooled : int
        Kernels the warm pool keeps in steady state (they use memory whether anyone visits or
        not). A class pool is not counted: its kernels become the learners' kernels.

    Returns
    -------
    int
        ``(memory - 1024 MB) / 200 MB - pooled``, at least 1.

    Examples
    --------
    >>> default_max_kernels(8192, pooled=11)    # an 8 GB laptop, one warm kernel per lesson
    24
    >>> default_max_kernels(2048, pooled=11)
    1
    """
    return max(1, (memory_mb - RESERVED_MB) // KERNEL_MB - pooled)


class ClassFull(Exception):
    """No seat: ``status`` is the HTTP status and ``reason`` a sentence for the visitor."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class Seats:
    """Kernels held per client address, with reservations for pages still starting.

    A visit reserves a seat before its kernel starts (so ten visits at once cannot all pass
    the check), turns it into a held kernel once the kernel id is known, and releases the
    reservation when the page has been sent. Kernels that stopped (page closed, culled) are
    forgotten the next time seats are counted.

    Examples
    --------
    >>> seats = Seats(max_total=2, max_per_client=1)
    >>> seats.reserve("10.0.0.5", running=set())
    >>> seats.reserve("10.0.0.5", running=set())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit._app._seats.ClassFull: You already have 1 lesson open from this computer...
    """

    max_total: int
    max_per_client: int
    held: dict[str, str] = field(default_factory=dict)        # kernel id -> client address
    pending: dict[str, int] = field(default_factory=dict)     # client address -> reservations

    def reserve(self, client: str, running: set[str]) -> None:
        """Take a seat for ``client`` or raise :class:`ClassFull` saying why not."""
        self.held = {k: c for k, c in self.held.items() if k in running}
        total = len(self.held) + sum(self.pending.values())
        mine = sum(c == client for c in self.held.values()) + self.pending.get(client, 0)
        if self.max_per_client and mine >= self.max_per_client:
            raise ClassFull(429, f"You already have {mine} lesson{'s' * (mine > 1)} open from "
                            "this computer, the most this class allows. Close a lesson tab you "
                            "have finished with, then reload this page.")
        if self.max_total and total >= self.max_total:
            lessons = f"{total} lesson{'s' * (total != 1)} {'are' if total != 1 else 'is'}"
            raise ClassFull(503, f"The class is full: {lessons} open, the most this "
                            "server can hold. Wait a minute for someone to close a lesson, "
                            "then reload this page, or ask your instructor.")
        self.pending[client] = self.pending.get(client, 0) + 1

    def hold(self, client: str, kernel_id: str) -> None:
        """The kernel a reserved visit got."""
        self.held[kernel_id] = client

    def release(self, client: str) -> None:
        """The visit's page is sent (or failed): its reservation ends."""
        left = self.pending.get(client, 0) - 1
        if left > 0:
            self.pending[client] = left
        else:
            self.pending.pop(client, None)
