# -*- test-case-name: twistedtesting.test.test_clock -*-
"""
A deterministic clock for tests: a drop-in for ``twisted.internet.task.Clock``
that runs each delayed call at its own time, refuses to spin forever, and
schedules in O(log n).
"""

from __future__ import annotations

import builtins
import heapq
import math
from collections.abc import Callable, Iterable

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from zope.interface import implementer

from twistedtesting._checks import checkInt
from twistedtesting._delayedcall import ScheduledCall, checkCallLater
from twistedtesting._delayedcall import checkSeconds as checkSeconds  # re-exported

_INF = math.inf

DEFAULT_MAX_INSTANT_CALLS = 10_000
"""
How long a chain of calls a :class:`Clock` runs at one instant, each call
scheduled by the one before for that same instant (``callLater(0)`` from a
call), before it decides the chain will never end and raises
:class:`ClockLoopError`.  Calls that one call or the test schedules side by
side for an instant are not a chain, however many there are.
"""


class ClockLoopError(RuntimeError):
    """
    Delayed calls kept scheduling more calls at the same instant, so
    advancing the clock would never end.

    The call that would have run next is still scheduled, and the clock
    reads the instant at which the loop was found.  The clock is usable
    again: once the looping call is cancelled or stops, ``advance`` runs on;
    if it goes on looping, the next ``advance`` runs another
    ``maxInstantCalls`` of it and raises again.  A chain that is legitimate
    and only long needs a clock made with a larger ``maxInstantCalls``.
    """


class _DelayedCall(ScheduledCall):
    """
    A call that a :class:`Clock` will make at a given time.
    """

    __slots__ = ("_clock", "_generation")

    # Set by the clock that makes it (no __init__ of its own, so that
    # callLater makes it with one call): the clock, and how long a chain of
    # same-instant calls it ends (see DEFAULT_MAX_INSTANT_CALLS).
    _clock: Clock
    _generation: int

    def _queueNow(self) -> float:
        return self._clock._now

    def _moveTo(self, time: float) -> None:
        self._clock._reschedule(self, time)

    def _unscheduled(self) -> None:
        self._clock._forget(self)

    def __repr__(self) -> str:
        return f"<DelayedCall {self._describe()}: {self._funcName()}()>"


@implementer(IReactorTime)
class Clock:
    """
    A clock that a test moves by hand, a drop-in for
    :class:`twisted.internet.task.Clock`.  The differences that change what
    a test sees:

    - When :meth:`advance` passes several delayed calls, each runs with
      :meth:`seconds` equal to its own due time, so calls it schedules are
      placed from that time (``task.Clock`` runs them all at the final time,
      and chains of calls drift).  After the calls, the clock reads the time
      advanced to.
    - Calls that keep scheduling calls at the very instant they run (a
      ``callLater(0)`` loop) are stopped after ``maxInstantCalls`` of them
      with :class:`ClockLoopError`, instead of hanging the test.
    - Scheduling, cancelling, rescheduling and running a call each take
      O(log n) time in the number of pending calls (``task.Clock`` sorts
      every pending call each time).

    Smaller ones: calls due at the same time run in the order they were
    scheduled, and a rescheduled call counts as scheduled when it was
    rescheduled.  If a call raises, :meth:`advance` raises that exception at
    once: the clock reads that call's time and the calls after it stay
    scheduled.  Negative, NaN and infinite delays and amounts, and callables
    that are not callable, are refused.  The delayed calls are not Twisted's
    ``DelayedCall`` objects, but provide ``IDelayedCall`` and have the same
    ``func``, ``args``, ``kw``, ``called`` and ``cancelled`` attributes.
    ``calls`` (the pending calls, soonest first, as a new list) and
    :attr:`rightNow` can be read but not assigned.

    :param maxInstantCalls: How long a chain of calls, each scheduled by the
        one before for the instant it runs at, may run before
        :class:`ClockLoopError` (see :data:`DEFAULT_MAX_INSTANT_CALLS`).
    :raises TypeError: If ``maxInstantCalls`` is not an ``int``.
    :raises ValueError: If ``maxInstantCalls`` is less than 1.
    """

    def __init__(self, *, maxInstantCalls: int = DEFAULT_MAX_INSTANT_CALLS) -> None:
        checkInt("maxInstantCalls", maxInstantCalls, "an int")
        if maxInstantCalls < 1:
            raise ValueError(f"maxInstantCalls must be >= 1, got {maxInstantCalls}")
        self._maxInstantCalls = maxInstantCalls
        self._now = 0.0
        # Heap of (time, sequence, call); an entry is stale once its call
        # is no longer active or has a newer entry.
        self._heap: list[tuple[float, int, _DelayedCall]] = []
        self._sequence = 0
        self._stale = 0
        # The generation of the call running now, or -1 between calls.
        self._running = -1

    @property
    def calls(self) -> list[IDelayedCall]:
        """
        The pending calls, soonest first, as ``task.Clock.calls`` lists them
        (a new list: changing it changes nothing).
        """
        return self.getDelayedCalls()

    @property
    def rightNow(self) -> float:
        """
        The current time, as ``task.Clock.rightNow`` (read-only here: move
        the clock with :meth:`advance`).
        """
        return self._now

    def seconds(self) -> float:
        """
        :returns: The clock's current time, in seconds from its start at
            ``0.0``: while a delayed call runs, the time it was due.
        """
        return self._now

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> IDelayedCall:
        """
        Schedule ``callable(*args, **kw)`` to run ``delay`` seconds from now.

        :param delay: How many seconds from now, at least 0.
        :param callable: What to call.
        :param args: Its positional arguments.
        :param kw: Its keyword arguments.
        :returns: The delayed call, which can be cancelled or rescheduled.
        :raises TypeError: If ``delay`` is not a number or ``callable`` is not
            callable.
        :raises ValueError: If ``delay`` is negative, NaN or infinite.
        """
        # The common case first: this is the hot path of every test.
        if (
            not (type(delay) is float or type(delay) is int)
            or not 0 <= delay < _INF
            or not builtins.callable(callable)
        ):
            delay = checkCallLater(delay, callable)
        now = self._now
        time = now + delay
        call = _DelayedCall(time, callable, args, kw)
        call._clock = self
        running = self._running
        call._generation = running + 1 if running >= 0 and time == now else 0
        self._sequence += 1
        entry = (time, self._sequence, call)
        call._entry = entry
        heapq.heappush(self._heap, entry)
        return call

    def getDelayedCalls(self) -> list[IDelayedCall]:
        """
        :returns: The calls that have neither run nor been cancelled, soonest
            first (in scheduling order among calls due at the same time), in
            a new list.
        """
        return [entry[2] for entry in sorted(self._liveEntries())]

    def advance(self, amount: float) -> None:
        """
        Move the clock ``amount`` seconds forward, running every call due by
        then, each at its own time.

        :param amount: How many seconds, at least 0.
        :raises TypeError: If ``amount`` is not a number.
        :raises ValueError: If ``amount`` is negative, NaN or infinite.
        :raises ClockLoopError: If calls keep scheduling calls at one instant.
        """
        self._runUntil(self._now + checkSeconds(amount, "amount"))

    def pump(self, timings: Iterable[float]) -> None:
        """
        Advance the clock by each amount in ``timings`` in turn.

        :param timings: The amounts, in seconds.
        :raises TypeError: As :meth:`advance` does.
        :raises ValueError: As :meth:`advance` does.
        :raises ClockLoopError: As :meth:`advance` does.
        """
        for amount in timings:
            self.advance(amount)

    def nextCallTime(self) -> float | None:
        """
        :returns: The time at which the soonest pending call is due, or
            ``None`` when no call is pending.
        """
        entry = self._peek()
        return None if entry is None else float(entry[0])

    def advanceTo(self, time: float) -> None:
        """
        Move the clock forward to ``time``, running every call due by then,
        each at its own time.

        :param time: The time to move to, at least the current time.
        :raises TypeError: If ``time`` is not a number.
        :raises ValueError: If ``time`` is before the current time or not
            finite.
        :raises ClockLoopError: If calls keep scheduling calls at one instant.
        """
        target = checkSeconds(time, "time")
        if target < self._now:
            raise ValueError(
                f"time {target!r} is before the clock's current time {self._now!r}"
            )
        self._runUntil(target)

    def __repr__(self) -> str:
        pending = len(self._liveEntries())
        return f"<twistedtesting.Clock t={self._now!r} pending={pending}>"

    # Implementation.

    def _push(self, call: _DelayedCall) -> None:
        self._sequence += 1
        entry = (call.time, self._sequence, call)
        call._entry = entry
        heapq.heappush(self._heap, entry)

    def _forget(self, call: _DelayedCall) -> None:
        """
        A call was cancelled: its entry is stale from now on.
        """
        self._stale += 1
        self._compact()

    def _generationFor(self, time: float) -> int:
        """
        The generation of a call due at ``time`` that is scheduled now: one
        more than the running call's when both are at the same instant.
        """
        if self._running >= 0 and time == self._now:
            return self._running + 1
        return 0

    def _reschedule(self, call: _DelayedCall, time: float) -> None:
        call.time = time
        call._generation = self._generationFor(time)
        self._stale += 1
        self._push(call)
        self._compact()

    def _compact(self) -> None:
        """
        Rebuild the heap once stale entries outnumber live ones, so that
        cancelled and rescheduled calls do not pile up.
        """
        if self._stale > 64 and self._stale * 2 > len(self._heap):
            self._heap = self._liveEntries()
            heapq.heapify(self._heap)
            self._stale = 0

    def _liveEntries(self) -> list[tuple[float, int, _DelayedCall]]:
        return [entry for entry in self._heap if entry[2]._entry is entry]

    def _peek(self) -> tuple[float, int, _DelayedCall] | None:
        """
        Return the soonest live entry, dropping stale ones on the way.
        """
        heap = self._heap
        while heap:
            entry = heap[0]
            call: _DelayedCall = entry[2]
            if call._entry is entry:
                return entry
            heapq.heappop(heap)
            self._stale -= 1
        return None

    def _runUntil(self, target: float) -> None:
        # The hot loop: _peek() is written out here.
        heap = self._heap
        heappop = heapq.heappop
        while heap:
            entry = heap[0]
            call = entry[2]
            if call._entry is not entry:
                heappop(heap)
                self._stale -= 1
                continue
            if entry[0] > target:
                break
            heappop(heap)
            # Never move time backwards (a nested advance() may have moved
            # it past this call's time).
            when = self._now if call.time < self._now else call.time
            self._now = when
            if call._generation >= self._maxInstantCalls:
                # Keep the call, counting afresh from it: once the loop is
                # cancelled or its cause is gone, the clock runs on.
                call._generation = 0
                heapq.heappush(heap, entry)
                raise ClockLoopError(
                    f"{self._maxInstantCalls} calls in a row at t={when!r} "
                    "each scheduled the next for that same instant, so time "
                    f"could never move on; the next would be {call!r}.  Look "
                    "for a call that keeps rescheduling itself with "
                    "callLater(0).  If the chain is legitimate and only "
                    "long, allow longer ones with Clock(maxInstantCalls=...)."
                )
            call.called = 1
            call._entry = None
            outer = self._running
            self._running = call._generation
            try:
                call.func(*call.args, **call.kw)
            finally:
                self._running = outer
            heap = self._heap  # _compact() may have replaced it
        if target > self._now:
            self._now = target
