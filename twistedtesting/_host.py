# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`Host`: one host of a simulated network, across its lives: its name,
address and start function, and the reactor of its current life.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from twistedtesting._hostreactor import HostReactor


class HostState(enum.Enum):
    """
    Where a host is: up, paused or crashed.
    """

    UP = "up"
    PAUSED = "paused"
    CRASHED = "crashed"


StartFunction = Callable[[HostReactor], object]
"""
What starts a host's application: called with the host's reactor when the
host is added, and again on a fresh reactor each time it restarts.
"""


class Host:
    """
    A host of a :class:`twistedtesting.Network`.

    :ivar name: Its name, which the other hosts resolve.
    :ivar address: Its IPv4 address.
    :ivar start: Its start function, or ``None``.
    :ivar offset: Seconds its clock is ahead of the network's.
    :ivar drift: How much faster its clock runs (``0.01``: 1% faster).
    :ivar reactor: The reactor of its current (or last) life.
    :ivar state: Its :class:`HostState`.
    :ivar lives: How many times it started: 1, plus one per restart.
    """

    def __init__(
        self,
        name: str,
        address: str,
        start: StartFunction | None,
        offset: float,
        drift: float,
        reactor: HostReactor,
    ) -> None:
        self.name = name
        self.address = address
        self.start = start
        self.offset = offset
        self.drift = drift
        self.reactor = reactor
        self.state = HostState.UP
        self.lives = 1

    def startApplication(self) -> None:
        """
        Call its start function, if it has one, with the reactor of its
        current life.
        """
        if self.start is not None:
            self.start(self.reactor)

    @property
    def up(self) -> bool:
        """Whether it is up (not crashed, not paused)."""
        return self.state is HostState.UP

    def __repr__(self) -> str:
        return (
            f"<Host {self.name} {self.address} {self.state.value}, life {self.lives}>"
        )
