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
    """No seat: ``status`` is the HTTP status, ``reason`` a sentence for the visitor and
    ``title`` the refusal page's title."""

    def __init__(self, status: int, reason: str, title: str = "The class is full"):
        super().__init__(reason)
        self.status, self.reason, self.title = status, reason, title


@dataclass
class Seats:
    """Kernels held per client address, with reservations for pages still starting.

    A visit reserves a seat before its kernel starts (so ten visits at once cannot all pass
    the check) and gets a ticket; once the kernel id is known the ticket becomes the held
    kernel (one seat per visit, never two), and a visit that got no kernel gives its ticket back.
    Kernels that stopped (page closed, culled) are forgotten the next time seats are counted.
    A kernel belongs to the address it was given to (:meth:`may_use`).

    Examples
    --------
    >>> seats = Seats(max_total=2, max_per_client=1)
    >>> ticket = seats.reserve("10.0.0.5", running=set())
    >>> seats.hold(ticket, "k1")                   # the page is still being sent: one seat
    >>> seats.in_use("10.0.0.5")
    1
    >>> seats.reserve("10.0.0.5", running={"k1"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit._app._seats.ClassFull: You already have 1 lesson open from this computer...
    >>> seats.may_use("10.0.0.9", "k1"), seats.may_use("10.0.0.5", "k1")
    (False, True)
    """

    max_total: int
    max_per_client: int
    held: dict[str, str] = field(default_factory=dict)        # kernel id -> client address
    pending: dict[int, str] = field(default_factory=dict)     # ticket -> client address
    connected: set[str] = field(default_factory=set)          # kernels a page has connected to
    tickets: int = 0

    def in_use(self, client: str | None = None) -> int:
        """Seats taken by ``client`` (or by the whole class): held kernels and reservations."""
        if client is None:
            return len(self.held) + len(self.pending)
        return (sum(c == client for c in self.held.values())
                + sum(c == client for c in self.pending.values()))

    def reserve(self, client: str, running: set[str]) -> int:
        """Take a seat for ``client`` and return its ticket, or raise :class:`ClassFull`."""
        self.held = {k: c for k, c in self.held.items() if k in running}
        self.connected &= set(self.held)
        total, mine = self.in_use(), self.in_use(client)
        if self.max_per_client and mine >= self.max_per_client:
            raise ClassFull(429, f"You already have {mine} lesson{'s' * (mine > 1)} open from "
                            "this computer, the most this class allows. Close a lesson tab you "
                            "have finished with, then reload this page.",
                            title="Too many lessons open from this computer")
        if self.max_total and total >= self.max_total:
            lessons = f"{total} lesson{'s' * (total != 1)} {'are' if total != 1 else 'is'}"
            raise ClassFull(503, f"The class is full: {lessons} open, the most this "
                            "server can hold. Wait a minute for someone to close a lesson, "
                            "then reload this page, or ask your instructor.")
        self.tickets += 1
        self.pending[self.tickets] = client
        return self.tickets

    def hold(self, ticket: int, kernel_id: str, client: str | None = None) -> None:
        """The kernel a reserved visit got: its reservation becomes this kernel's seat."""
        owner = self.pending.pop(ticket, client)
        if owner is not None:
            self.held[kernel_id] = owner

    def release(self, ticket: int) -> None:
        """The visit is over: a reservation that never got a kernel ends."""
        self.pending.pop(ticket, None)

    def owner(self, kernel_id: str) -> str | None:
        return self.held.get(kernel_id)

    def may_use(self, client: str, kernel_id: str) -> bool:
        """Whether ``client`` may reach kernel ``kernel_id``: only the address it was given to."""
        owner = self.held.get(kernel_id)
        return owner is None or owner == client
