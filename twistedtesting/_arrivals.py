# -*- test-case-name: twistedtesting.test.test_link -*-
"""
:class:`Arrivals`: when the bytes sent into a link arrive, from its latency
(with jitter that never reorders bytes), bandwidth and spacing.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable, Iterator

from twisted.internet.interfaces import IReactorTime

from twistedtesting._delays import DelayPolicy, FixedDelay

NEVER = math.inf
"""
A time that never comes.
"""


def checkLatency(name: str, value: object) -> DelayPolicy:
    """
    Check a latency, and make it a delay policy.

    :param name: How to name the argument in an error message.
    :param value: A number of seconds, or a
        :class:`twistedtesting.DelayPolicy` such as
        :class:`twistedtesting.RandomDelay` for jitter.
    :raises TypeError: If it is neither.
    :raises ValueError: If it is a negative, infinite or NaN number.
    """
    if isinstance(value, DelayPolicy):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of seconds or a delay policy (such as "
            f"RandomDelay(0.01, 0.05, self.random)), not {type(value).__name__} "
            f"{value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{name} must be a finite number of seconds >= 0, got {value!r}"
        )
    return FixedDelay(value)


def checkBandwidth(name: str, value: object) -> float | None:
    """
    Check a bandwidth: ``None`` (unlimited) or a number of bytes a second.

    :raises TypeError: If it is not a number.
    :raises ValueError: If it is not finite and above 0.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of bytes a second or None, not "
            f"{type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be a finite number of bytes a second > 0, got {value!r}"
        )
    return float(value)


class Arrivals:
    """
    The arrival times of the pieces of bytes a link was sent, in stream
    offsets, while they are not delivered.

    A piece sent at time ``t`` arrives at ``t`` plus a latency drawn for
    it, but never before the bytes sent before it.  With a bandwidth, the
    link sends one piece after the other, one byte every ``1 / bandwidth``
    seconds, so the bytes of a piece arrive one after the other.  With a
    spacing, a chunk is due that long after the chunk before, or after it
    arrived if the link was idle.

    :ivar timed: Whether arrival times matter: there is a clock and a
        latency, bandwidth or spacing; else bytes arrive as they are sent.
    """

    def __init__(
        self,
        clock: IReactorTime | None,
        latency: DelayPolicy,
        bandwidth: float | None,
        spacing: DelayPolicy | None,
    ) -> None:
        self._clock = clock
        self._bandwidth = bandwidth
        self._latencies: Iterator[float] = latency.delays()
        self._spaced = spacing is not None
        self._spacings: Iterator[float] = (
            itertools.repeat(0.0) if spacing is None else spacing.delays()
        )
        self.timed = clock is not None and (
            bandwidth is not None or spacing is not None or latency != FixedDelay(0)
        )
        # Per piece: (start offset, end offset, the time its first byte
        # arrives, less one byte's time with a bandwidth).
        self._pieces: deque[tuple[int, int, float]] = deque()
        self._lastArrival = -NEVER
        self._sendingUntil = -NEVER
        self._gap: float | None = None
        self._lastDelivery = -NEVER

    def _now(self) -> float:
        clock = self._clock
        assert clock is not None
        return clock.seconds()

    def stamp(self, start: int, end: int) -> None:
        """
        Stamp the bytes sent now, from stream offset ``start`` to ``end``.
        """
        if not self.timed:
            return
        clock = self._clock
        assert clock is not None
        now = clock.seconds()
        bandwidth = self._bandwidth
        arrival = now + next(self._latencies)
        if bandwidth is None:
            first = arrival if arrival > self._lastArrival else self._lastArrival
            self._lastArrival = first
        else:
            sending = now if now > self._sendingUntil else self._sendingUntil
            self._sendingUntil = sending + (end - start) / bandwidth
            first = arrival + (sending - now)
            if first < self._lastArrival:
                first = self._lastArrival
            self._lastArrival = first + (end - start) / bandwidth
        self._pieces.append((start, end, first))

    def afterBytes(self) -> float:
        """
        When the end of the stream, sent now, arrives: after the latency,
        and after every byte sent before it.
        """
        if not self.timed:
            return -NEVER
        arrival = self._now() + next(self._latencies)
        return arrival if arrival > self._lastArrival else self._lastArrival

    def unheld(self) -> float:
        """
        When a reset sent now arrives: after the latency, not held back by
        the bytes sent before it.
        """
        if not self.timed:
            return -NEVER
        return self._now() + next(self._latencies)

    def limit(self, now: float | None, delivered: int, fed: int) -> tuple[int, bool]:
        """
        The stream offset up to which bytes have arrived by ``now`` (all,
        if ``None``), and whether a chunk may be cut short there: not where
        a piece has partly arrived through a bandwidth, where a chunk waits
        for its last byte.
        """
        if now is None or not self.timed:
            return fed, True
        limit = delivered
        bandwidth = self._bandwidth
        for start, end, first in self._pieces:
            if bandwidth is None:
                if first > now:
                    return limit, True
                limit = end
                continue
            if first + (end - start) / bandwidth <= now:
                limit = end
                continue
            arrived = int((now - first) * bandwidth)
            while arrived < end - start and first + (arrived + 1) / bandwidth <= now:
                arrived += 1
            while arrived > 0 and first + arrived / bandwidth > now:
                arrived -= 1
            if not arrived:
                return limit, True
            return start + arrived, False
        return limit, True

    def due(self, nextCut: Callable[[], int]) -> float:
        """
        When the next chunk is due, bytes being pending.

        :param nextCut: Gives the stream offset of the next cut.
        """
        due = -NEVER
        pieces = self._pieces
        if self.timed and pieces:
            start, end, first = pieces[0]
            bandwidth = self._bandwidth
            if bandwidth is None:
                due = first
            else:
                cut = nextCut()
                stop = cut if cut < end else end
                due = first + (stop - start) / bandwidth
        if self._spaced:
            if self._gap is None:
                self._gap = next(self._spacings)
            base = due if due > self._lastDelivery else self._lastDelivery
            due = base + self._gap
        return due

    def delivered(self, offset: int, now: float | None) -> None:
        """
        Bytes up to the stream offset ``offset`` were delivered, at ``now``
        (or the clock's time, if ``None``).
        """
        pieces = self._pieces
        while pieces and pieces[0][1] <= offset:
            pieces.popleft()
        self._gap = None
        if now is not None:
            self._lastDelivery = now
        elif self._clock is not None:
            self._lastDelivery = self._clock.seconds()

    def restartSpacing(self) -> None:
        """
        With a spacing, the next chunk comes a full spacing from now.
        """
        if self._spaced and self._clock is not None:
            self._lastDelivery = self._clock.seconds()
            self._gap = None

    def clear(self) -> None:
        """
        Forget every piece: the bytes were dropped.
        """
        self._pieces.clear()
