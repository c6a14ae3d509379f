# -*- test-case-name: twistedtesting.test.test_hostreactor -*-
"""
:class:`HostClock`: one host's view of the network's time, as an
``IReactorTime``: the network's clock, shifted by an offset and running at
a rate of its own (clock skew and drift), whose delayed calls are the
host's events in the network.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from zope.interface import implementer

from twistedtesting._delayedcall import checkCallLater
from twistedtesting._netscheduler import HostTimers


@implementer(IReactorTime)
class HostClock:
    """
    The time as one host reads it: ``offset + rate * t`` at network time
    ``t``.  A delayed call of ``d`` seconds runs ``d / rate`` network
    seconds later, held back while the host is paused and dropped if it
    crashes.

    :ivar timers: The host's events.
    :ivar offset: Seconds added to the network's time.
    :ivar rate: Host seconds per network second (``1 + drift``).
    """

    def __init__(
        self,
        timers: HostTimers,
        offset: float = 0.0,
        rate: float = 1.0,
        *,
        ownLane: bool = False,
    ) -> None:
        """
        :param ownLane: Whether its calls are a lane of their own (see
            :class:`NetworkScheduler`): a link's deliveries are.
        """
        self.timers = timers
        self._lane: object = self if ownLane else None
        self.offset = offset
        self.rate = rate
        self._clock = timers.scheduler.clock
        self._plain = offset == 0.0 and rate == 1.0

    def hostTime(self, networkTime: float) -> float:
        """
        :returns: The host's time at network time ``networkTime``.
        """
        if self._plain:
            return networkTime
        return self.offset + networkTime * self.rate

    def seconds(self) -> float:
        """
        :returns: The host's current time.
        """
        return self.hostTime(self._clock.seconds())

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> IDelayedCall:
        """
        Schedule ``callable(*args, **kw)`` in ``delay`` of the host's
        seconds.

        :raises TypeError: If ``delay`` is not a number or ``callable`` is not
            callable.
        :raises ValueError: If ``delay`` is negative, NaN or infinite.
        """
        delay = checkCallLater(delay, callable)
        if self._plain:
            return self.timers.schedule(
                self._clock.seconds() + delay, callable, args, kw, self._lane
            )
        call = self.timers.schedule(
            self._clock.seconds() + delay / self.rate, callable, args, kw, self._lane
        )
        call.view = self
        return call

    def getDelayedCalls(self) -> list[IDelayedCall]:
        """
        :returns: The host's pending calls, soonest first (with those held
            back by a pause last).
        """
        return list(self.timers.pending())

    def __repr__(self) -> str:
        return f"<HostClock {self.timers.name} t={self.seconds()!r}>"
