# -*- test-case-name: twistedtesting.test.test_netscheduler -*-
"""
:class:`NetworkScheduler`: the event queue of a simulated network, on one
clock.  Every host's delayed calls, every link's deliveries and every
handshake packet are its events; it breaks ties between hosts at one
instant in an order drawn from the network's seed, holds back the events of
a paused host and drops those of a crashed one.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from typing import Protocol

from twisted.internet.interfaces import IDelayedCall, IReactorTime

from twistedtesting._clock import DEFAULT_MAX_INSTANT_CALLS, ClockLoopError
from twistedtesting._delayedcall import ScheduledCall

_INF = math.inf

_Entry = tuple[float, int, "NetCall"]


class HostClockView(Protocol):
    """
    A host's own clock, as a :class:`NetCall` converts its times for it.

    :ivar rate: Host seconds per network second.
    """

    rate: float

    def hostTime(self, networkTime: float) -> float:
        """
        :returns: The host's time at network time ``networkTime``.
        """


class HostTimers:
    """
    The events of one host (or of the network itself), as one unit that a
    fault can pause, resume or kill.

    :ivar name: The host's name, for messages.
    :ivar paused: Whether its events are held back until :meth:`resume`.
    :ivar dead: Whether its events are dropped for good (the host
        crashed).
    """

    def __init__(self, scheduler: NetworkScheduler, name: str) -> None:
        self.scheduler = scheduler
        self.name = name
        self.paused = False
        self.dead = False
        self._heldBack: list[NetCall] = []

    def schedule(
        self,
        time: float,
        func: Callable[..., object],
        args: tuple[object, ...],
        kw: dict[str, object],
        lane: object = None,
    ) -> NetCall:
        """
        Schedule ``func(*args, **kw)`` at network time ``time``.

        :param lane: Events of one lane due at one instant run in the order
            they were scheduled; lanes are interleaved as the seed says.
            By default the host is one lane.
        """
        call = NetCall(self, time, func, args, kw)
        if lane is not None:
            call.lane = lane
        if not self.dead:
            self.scheduler.push(call)
        else:
            call.cancelled = 1
        return call

    def holdBack(self, call: NetCall) -> None:
        """
        Keep ``call``, due while the host is paused, until it resumes.
        """
        self._heldBack.append(call)

    def pause(self) -> None:
        """
        Hold back every event of the host that comes due from now on.
        """
        self.paused = True

    def resume(self) -> None:
        """
        Run the events held back, now, in the order they came due; later
        ones as they come due.
        """
        self.paused = False
        heldBack, self._heldBack = self._heldBack, []
        if heldBack:
            self.schedule(
                self.scheduler.clock.seconds(), self._runHeldBack, (heldBack,), {}
            )

    def _runHeldBack(self, heldBack: list[NetCall]) -> None:
        """
        Run the calls held back by a pause, in the order they came due; if
        the host is paused again meanwhile, hold back the rest.
        """
        for index, call in enumerate(heldBack):
            if self.dead:
                return
            if self.paused:
                self._heldBack[:0] = [c for c in heldBack[index:] if c.active()]
                return
            if call.active():
                call.called = 1
                try:
                    call.func(*call.args, **call.kw)
                except BaseException:
                    rest = heldBack[index + 1 :]
                    if rest:
                        now = self.scheduler.clock.seconds()
                        self.schedule(now, self._runHeldBack, (rest,), {})
                    raise

    def kill(self) -> None:
        """
        Drop every event of the host, now and from now on.
        """
        self.dead = True
        self.paused = False
        for call in self._heldBack:
            call.cancelled = 1
        self._heldBack = []

    @property
    def heldBackCount(self) -> int:
        """How many events wait for :meth:`resume`."""
        return sum(1 for call in self._heldBack if call.active())

    def pending(self) -> list[NetCall]:
        """
        The events of this host that are scheduled, soonest first.
        """
        return [call for call in self.scheduler.liveCalls() if call.owner is self] + [
            call for call in self._heldBack if call.active()
        ]


class NetCall(ScheduledCall):
    """
    One event of the network: a call due at a network time, for one host.

    :ivar time: When it is due, in network time.
    :ivar owner: The :class:`HostTimers` it belongs to.
    :ivar lane: What it keeps its order within at one instant: its owner,
        or one source of events of the host (a link, a peer's packets).
    :ivar view: Converts its time for :meth:`getTime`: the host clock it
        was scheduled through, or ``None`` for network time.
    """

    __slots__ = ("generation", "lane", "owner", "view")

    def __init__(
        self,
        owner: HostTimers,
        time: float,
        func: Callable[..., object],
        args: tuple[object, ...],
        kw: dict[str, object],
    ) -> None:
        super().__init__(time, func, args, kw)
        self.owner = owner
        self.lane: object = owner
        self.view: HostClockView | None = None
        self.generation = 0

    def getTime(self) -> float:
        """
        :returns: When the call is due, in the time of the clock it was
            scheduled through.
        """
        view = self.view
        return self.time if view is None else view.hostTime(self.time)

    def _queueNow(self) -> float:
        return self.owner.scheduler.clock.seconds()

    def _queueSeconds(self, seconds: float) -> float:
        view = self.view
        return seconds if view is None else seconds / view.rate

    def _moveTo(self, time: float) -> None:
        self.time = time
        self.owner.scheduler.push(self)

    def __repr__(self) -> str:
        return (
            f"<NetCall {self._describe()} on {self.owner.name}: {self._funcName()}()>"
        )


class NetworkScheduler:
    """
    The network's events, run on one clock: one call on the clock at a
    time, at the soonest event's time.

    Events due at the same instant run in scheduling order within each
    lane (a host's own calls, as one reactor runs them; what one link
    delivers; one peer's packets), the lanes interleaved in an order drawn
    from ``rng``.  A chain of events, each scheduled by the one before for
    that same instant, longer than ``maxInstantCalls`` raises
    :class:`twistedtesting.ClockLoopError`, as the clock does.

    :ivar clock: The clock.
    :ivar rng: The generator of the tie-breaking orders.
    """

    def __init__(
        self,
        clock: IReactorTime,
        rng: random.Random,
        maxInstantCalls: int = DEFAULT_MAX_INSTANT_CALLS,
    ) -> None:
        self.clock = clock
        self.rng = rng
        self.maxInstantCalls = maxInstantCalls
        self._heap: list[_Entry] = []
        self._sequence = 0
        self._wake: IDelayedCall | None = None
        self._wakeAt = _INF
        self._running = -1
        self._runningAt = -_INF
        self.eventsRun = 0

    def push(self, call: NetCall) -> None:
        """
        Put ``call`` in the queue at its time (a call already queued is
        moved there).
        """
        time = call.time
        running = self._running
        call.generation = running + 1 if running >= 0 and time <= self._runningAt else 0
        self._sequence += 1
        entry = (time, self._sequence, call)
        call._entry = entry
        heapq.heappush(self._heap, entry)
        if time < self._wakeAt and running < 0:
            self._wakeUpAt(time)

    def _wakeUpAt(self, time: float) -> None:
        wake = self._wake
        if wake is not None and wake.active():
            wake.cancel()
        now = self.clock.seconds()
        self._wakeAt = time
        self._wake = self.clock.callLater(time - now if time > now else 0, self._run)

    def _peek(self) -> _Entry | None:
        """
        The soonest entry whose call is live, dropping the others.
        """
        heap = self._heap
        while heap:
            entry = heap[0]
            call = entry[2]
            if call._entry is entry and not call.owner.dead:
                return entry
            heapq.heappop(heap)
        return None

    def nextTime(self) -> float | None:
        """
        :returns: When the soonest event is due, or ``None`` if none is
            scheduled (events held back by a paused host do not count).
        """
        entry = self._peek()
        return None if entry is None else entry[0]

    def liveCalls(self) -> list[NetCall]:
        """
        :returns: The scheduled calls, soonest first.
        """
        return [
            entry[2]
            for entry in sorted(self._heap)
            if entry[2]._entry is entry and not entry[2].owner.dead
        ]

    def _run(self) -> None:
        """
        The clock's call: run every event due by now, then wait for the
        next.
        """
        self._wake = None
        self._wakeAt = _INF
        now = self.clock.seconds()
        heap = self._heap
        heappop = heapq.heappop
        try:
            while heap:
                entry = heap[0]
                call = entry[2]
                if call._entry is not entry or call.owner.dead:
                    heappop(heap)
                    continue
                time = entry[0]
                if time > now:
                    break
                heappop(heap)
                if not heap or heap[0][0] != time:
                    self._runOne(call, time)
                    continue
                self._runInstant(entry, time)
        finally:
            self._running = -1
            entry2 = self._peek()
            if entry2 is not None:
                self._wakeUpAt(entry2[0])

    def _runInstant(self, first: _Entry, time: float) -> None:
        """
        Run ``first`` and the other events due at ``time``, in each host's
        order, the hosts interleaved as the seed says.
        """
        heap = self._heap
        batch = [first]
        while heap and heap[0][0] == time:
            entry = heapq.heappop(heap)
            call = entry[2]
            if call._entry is entry and not call.owner.dead:
                batch.append(entry)
        lanes = [id(entry[2].lane) for entry in batch]
        if len(set(lanes)) > 1:
            queues: dict[int, list[_Entry]] = {}
            for entry in batch:
                queues.setdefault(id(entry[2].lane), []).append(entry)
            for queue in queues.values():
                queue.reverse()
            self.rng.shuffle(lanes)
            batch = [queues[lane].pop() for lane in lanes]
        for index, entry in enumerate(batch):
            call = entry[2]
            if call._entry is entry and not call.owner.dead:
                try:
                    self._runOne(call, time)
                except BaseException:
                    # The rest of the instant stays queued, in its order.
                    for left in batch[index + 1 :]:
                        heapq.heappush(heap, left)
                    raise

    def _runOne(self, call: NetCall, time: float) -> None:
        owner = call.owner
        if owner.paused:
            call._entry = None
            owner.holdBack(call)
            return
        if call.generation >= self.maxInstantCalls:
            self.push(call)
            raise ClockLoopError(
                f"{self.maxInstantCalls} network events in a row at t={time!r} "
                "each scheduled the next for that same instant, so time could "
                f"never move on; the next would be {call!r}.  Look for hosts "
                "that answer each other with no latency, or a call that keeps "
                "rescheduling itself with callLater(0)."
            )
        call.called = 1
        call._entry = None
        self._running = call.generation
        self._runningAt = time
        self.eventsRun += 1
        call.func(*call.args, **call.kw)
