# -*- test-case-name: twistedtesting.test.test_clock -*-
"""
:class:`ScheduledCall`: what the delayed calls of twistedtesting's
schedulers share (a :class:`twistedtesting.Clock`'s and a simulated
network's), and the checks on the seconds and callables they are given.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable

from twisted.internet.error import AlreadyCalled, AlreadyCancelled
from twisted.internet.interfaces import IDelayedCall
from zope.interface import implementer

from twistedtesting._checks import checkNumber


def checkSeconds(value: object, name: str) -> float:
    """
    Check that ``value`` is a finite, non-negative number of seconds.

    :param value: The candidate.
    :param name: How to name it in an error message.
    :returns: ``value`` as a ``float``.
    :raises TypeError: If ``value`` is not an ``int`` or ``float`` (``bool``
        is refused).
    :raises ValueError: If ``value`` is negative, NaN or infinite.
    """
    seconds = checkNumber(name, value)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return seconds


def checkCallLater(delay: object, callable: object) -> float:
    """
    Check the arguments of a ``callLater``: each ``callLater`` tests the
    common case inline, and calls this for what it cannot pass at a glance.

    :param delay: How many seconds from now.
    :param callable: What to call.
    :returns: ``delay`` as a ``float``.
    :raises TypeError: If ``delay`` is not a number or ``callable`` is not
        callable.
    :raises ValueError: If ``delay`` is negative, NaN or infinite.
    """
    seconds = checkSeconds(delay, "delay")
    if not builtins.callable(callable):
        raise TypeError(f"callLater() callable must be callable, not {callable!r}")
    return seconds


@implementer(IDelayedCall)
class ScheduledCall:
    """
    What the delayed calls of twistedtesting's schedulers share (a
    :class:`Clock`'s and a simulated network's): ``IDelayedCall``'s state,
    cancelling, rescheduling and their errors.  A subclass says how its
    queue reads the time and moves a call, and sets every attribute in its
    own ``__init__``.

    :ivar time: When the call is due, in its queue's time.
    :ivar func: What to call, with :ivar args: and :ivar kw:.
    :ivar called: Whether it ran (an ``int``, as Twisted's ``DelayedCall``).
    :ivar cancelled: Whether it was cancelled.
    """

    __slots__ = ("_entry", "args", "called", "cancelled", "func", "kw", "time")

    def __init__(
        self,
        time: float,
        func: Callable[..., object],
        args: tuple[object, ...],
        kw: dict[str, object],
    ) -> None:
        self.time = time
        self.func = func
        self.args = args
        self.kw = kw
        self.called = 0
        self.cancelled = 0
        # The heap entry that is this call's live one, or None once it ran
        # or was cancelled: every other entry for it in its queue is stale.
        self._entry: tuple[float, int, ScheduledCall] | None = None

    def getTime(self) -> float:
        """
        Return the time at which the call is due.
        """
        return self.time

    def active(self) -> bool:
        """
        Return whether the call has neither run nor been cancelled.
        """
        return not (self.called or self.cancelled)

    def _checkActive(self) -> None:
        if self.cancelled:
            raise AlreadyCancelled()
        if self.called:
            raise AlreadyCalled()

    def cancel(self) -> None:
        """
        Unschedule the call.

        :raises twisted.internet.error.AlreadyCancelled: If it was cancelled.
        :raises twisted.internet.error.AlreadyCalled: If it ran.
        """
        self._checkActive()
        self.cancelled = 1
        self._entry = None
        self._unscheduled()

    def reset(self, secondsFromNow: float) -> None:
        """
        Make the call due ``secondsFromNow`` after the current time of the
        clock it was scheduled through.

        :raises twisted.internet.error.AlreadyCancelled: If it was cancelled.
        :raises twisted.internet.error.AlreadyCalled: If it ran.
        :raises TypeError: If ``secondsFromNow`` is not a number.
        :raises ValueError: If ``secondsFromNow`` is negative or not finite.
        """
        self._checkActive()
        delay = checkSeconds(secondsFromNow, "secondsFromNow")
        self._moveTo(self._queueNow() + self._queueSeconds(delay))

    def delay(self, secondsLater: float) -> None:
        """
        Make the call due ``secondsLater`` (in the seconds of the clock it
        was scheduled through) after it was due.  A call delayed to before
        the current time is due now.

        :raises twisted.internet.error.AlreadyCancelled: If it was cancelled.
        :raises twisted.internet.error.AlreadyCalled: If it ran.
        :raises TypeError: If ``secondsLater`` is not a number.
        :raises ValueError: If ``secondsLater`` is not finite.
        """
        self._checkActive()
        checkNumber("secondsLater", secondsLater)
        if not math.isfinite(secondsLater):
            raise ValueError(f"secondsLater must be finite, got {secondsLater!r}")
        self._moveTo(
            max(self.time + self._queueSeconds(secondsLater), self._queueNow())
        )

    def _describe(self) -> str:
        """
        :returns: The call's state and due time, for a ``repr``.
        """
        state = "called" if self.called else "cancelled" if self.cancelled else "due"
        return f"{state} at t={self.time!r}"

    def _funcName(self) -> str:
        """
        :returns: What the call calls, for a ``repr``.
        """
        return getattr(self.func, "__qualname__", None) or repr(self.func)

    # What a subclass says of its queue.

    def _queueNow(self) -> float:
        """
        :returns: The current time of the queue.
        """
        raise NotImplementedError()

    def _queueSeconds(self, seconds: float) -> float:
        """
        :returns: ``seconds`` of the clock the call was scheduled through,
            in the queue's seconds.
        """
        return seconds

    def _moveTo(self, time: float) -> None:
        """
        Make the (active) call due at the queue's time ``time``.
        """
        raise NotImplementedError()

    def _unscheduled(self) -> None:
        """
        The call was just cancelled.
        """
