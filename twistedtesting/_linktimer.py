# -*- test-case-name: twistedtesting.test.test_link -*-
"""
:class:`DeliveryTimer`: the one call on a clock that delivers what a
:class:`twistedtesting.Link` has due.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet.interfaces import IDelayedCall, IReactorTime

from twistedtesting._arrivals import NEVER


class DeliveryTimer:
    """
    At most one delayed call on a clock, at the time the next delivery of a
    link is due, moved or cancelled as that time changes.  Without a clock
    it schedules nothing.

    :ivar clock: The clock, or ``None``.
    """

    def __init__(
        self, clock: IReactorTime | None, onDue: Callable[[float], object]
    ) -> None:
        """
        :param onDue: Called with the time the delivery was due (at least
            the clock's time when it was scheduled) when the call runs.
        """
        self.clock = clock
        self._onDue = onDue
        self._scheduled: IDelayedCall | None = None
        self._dueAt = NEVER

    def cancel(self) -> None:
        """
        Cancel the scheduled call, if there is one.
        """
        scheduled = self._scheduled
        if scheduled is not None:
            self._scheduled = None
            if scheduled.active():
                scheduled.cancel()

    def schedule(self, due: float) -> None:
        """
        Have the call run at ``due`` (at once, if that is past), keeping a
        call already scheduled for then; ``NEVER`` cancels it.
        """
        clock = self.clock
        if clock is None:
            return
        if due == NEVER:
            self.cancel()
            return
        if self._scheduled is not None and self._dueAt == due:
            return
        self.cancel()
        now = clock.seconds()
        self._dueAt = due if due > now else now
        self._scheduled = clock.callLater(self._dueAt - now, self._fire)

    def _fire(self) -> None:
        self._scheduled = None
        assert self.clock is not None
        now = self.clock.seconds()
        self._onDue(self._dueAt if now < self._dueAt else now)
