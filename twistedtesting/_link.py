# -*- test-case-name: twistedtesting.test.test_link -*-
"""
:class:`Link`: one direction of a connection.  The bytes written into it
arrive at its receiver after the link's latency, no faster than its
bandwidth, in the chunks its chunking policy cuts, unless a fault holds,
breaks or resets it.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet.error import ConnectionLost
from twisted.internet.interfaces import IReactorTime
from twisted.python.failure import Failure

from twistedtesting._arrivals import NEVER, Arrivals, checkBandwidth, checkLatency
from twistedtesting._checks import nonNegativeInt, positiveInt
from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._cutter import ChunkCutter
from twistedtesting._delays import DelayPolicy
from twistedtesting._faults import BreakAfter
from twistedtesting._linkends import LinkReceiver
from twistedtesting._linkstatus import LinkStatus
from twistedtesting._linktimer import DeliveryTimer

_NEVER = NEVER  # Short for the checks in the hot paths.


class Link(LinkStatus):
    """
    One direction of a connection: what one end writes, on its way to the
    other.

    Each piece of bytes :meth:`send` takes is stamped with the time it
    arrives: the clock's time plus a latency drawn from ``latency``, but
    never before the bytes sent before it (so jitter never reorders
    bytes), and, with a ``bandwidth``, one byte every ``1 / bandwidth``
    seconds after the link finished sending what came before.  With a
    clock, the link delivers on the clock what has arrived, all of it at
    once, cut into chunks by ``chunking``: a chunk is cut short where the
    bytes that have arrived end.  Without a clock, time does not pass:
    :meth:`deliver` delivers what is pending.

    The receiver (``receiver``, set by whoever wires the link) is
    given the chunks, the end of the input (:meth:`sendEnd`, once every
    byte before it is delivered) and resets (:meth:`sendReset`, which drop
    every byte not delivered).  The sender reads :attr:`bytesPending` for
    its flow control and is told by ``onDrained`` when it drops.

    :ivar chunking: The chunking policy.
    :ivar clock: The clock, or ``None``.
    :ivar latency: The latency policy.
    :ivar bandwidth: Bytes a second, or ``None`` for no limit.
    :ivar spacing: With a clock, the least time between two chunks, or
        ``None``: a chunk is then delivered that long after the one before,
        or after its bytes arrived if the link was idle, one chunk at a
        time (a slow peer that trickles bytes).
    :ivar fault: A :class:`twistedtesting.BreakAfter`, or ``None``.
    :ivar receiver: The receiving end, or ``None`` until it is wired.
    :ivar onDrained: Called after bytes were delivered or dropped.
    :ivar bytesDiscarded: Bytes sent but never to be delivered: dropped by
        a reset, a break or a close of the receiver, or sent after it.
    """

    def __init__(
        self,
        chunking: ChunkingPolicy,
        *,
        clock: IReactorTime | None = None,
        latency: DelayPolicy | float = 0,
        bandwidth: float | None = None,
        spacing: DelayPolicy | None = None,
        fault: BreakAfter | None = None,
        label: str = "",
        inputName: str = "the input",
        recordLimit: int | None = None,
    ) -> None:
        """
        :param label: How errors about the script name the policy's
            argument.
        :param inputName: How they name the bytes.
        :param recordLimit: How many chunk sizes (and their delivery times)
            the link records at most, if not ``RECORD_LIMIT``; a network of
            long-lived links records fewer, so that its memory stays flat.
        """
        self.chunking = chunking
        self.clock = clock
        self.latency = checkLatency(f"{label}latency", latency)
        self.bandwidth = checkBandwidth(f"{label}bandwidth", bandwidth)
        self.spacing = spacing
        self.fault = fault
        self.receiver: LinkReceiver | None = None
        self.onDrained: Callable[[], object] = lambda: None
        self.bytesDiscarded = 0
        self._cutter = ChunkCutter(chunking, label, inputName)
        if recordLimit is not None:
            self._cutter.recordLimit = nonNegativeInt(
                f"{label}recordLimit", recordLimit, "an int or None"
            )
        self._arrivals = Arrivals(clock, self.latency, self.bandwidth, spacing)
        self._breakAt = None if fault is None else fault.byteCount
        self._ended = False
        self._endAt = _NEVER
        self._endDelivered = False
        self._reset: Failure | None = None
        self._resetAt = _NEVER
        self._paused = False
        self._held = False
        self._closed = False
        self._timer = DeliveryTimer(clock, self._due)
        # Where each delivery's chunks start in the record, and its time.
        self._deliveryTimes: list[tuple[int, float | None]] = []

    # The sender's side.

    def send(self, data: bytes) -> None:
        """
        Put ``data`` on the link, stamped with the time it arrives.  Bytes
        sent after a reset, or once the receiver closed, are discarded.

        :raises ValueError: If the chunking policy covers an exact number
            of bytes and ``data`` goes past it.
        """
        if not data:
            return
        if self._closed or self._reset is not None or self._ended:
            self.bytesDiscarded += len(data)
            return
        cutter = self._cutter
        start = cutter.fed
        idle = not cutter.pending
        cutter.append(data)
        self._arrivals.stamp(start, cutter.fed)
        # Behind bytes pending, the next delivery is due when it was: that
        # depends on the first bytes pending only.
        if idle:
            self._reschedule()

    def sendEnd(self) -> None:
        """
        Shut the sender's side: once every byte sent before is delivered,
        the receiver's input ends.
        """
        if self._ended or self._closed:
            return
        self._ended = True
        self._endAt = self._arrivals.afterBytes()
        self._reschedule()

    def checkCovered(self) -> None:
        """
        Check that the stream may end here: a chunking policy that covers
        an exact number of bytes (a script) was sent all of them.

        :raises ValueError: If it was sent fewer.
        """
        self._cutter.checkEnd()

    def sendReset(self, reason: Failure) -> None:
        """
        Reset the connection: once the reset arrives (after the latency,
        unlike bytes not held back by the bytes before it), every byte not
        yet delivered is dropped, however it was due, and the receiver gets
        ``reason``.  Bytes sent at the same instant, before the reset, are
        dropped too: a TCP abort drops what was written in the same turn.
        """
        if self._closed or self._reset is not None:
            return
        self._reset = reason
        self._resetAt = self._arrivals.unheld()
        self._reschedule()

    # The receiver's side.

    def pause(self) -> None:
        """
        Deliver no chunk, from the next one on, until :meth:`resume`.
        """
        self._paused = True
        self._cutter.halted = True
        self._reschedule()

    def resume(self) -> None:
        """
        Allow chunks again; they are delivered on the clock (or by the next
        :meth:`deliver`), never from within this call.
        """
        self._paused = False
        self._cutter.halted = self._held or self._closed
        self._arrivals.restartSpacing()
        self._reschedule()

    def close(self) -> None:
        """
        The receiver is gone, or reads no more: drop what is pending, and
        discard what is sent from now on.
        """
        if self._closed:
            return
        self._closed = True
        self._cutter.halted = True
        self.bytesDiscarded += self._cutter.drop()
        self._arrivals.clear()
        self._reschedule()
        self.onDrained()

    # Faults and control, for tests.

    def interrupt(self) -> None:
        """
        Stop the delivery under way after the chunk being delivered, as when
        the receiver switches protocols (STARTTLS): the receiver then pours
        again, to its new protocol.
        """
        self._cutter.halted = True

    def hold(self) -> None:
        """
        Stall the link: nothing is delivered until :meth:`release`; bytes
        sent meanwhile wait.
        """
        self._held = True
        self._cutter.halted = True
        self._reschedule()

    def release(self) -> None:
        """
        End a :meth:`hold`: what arrived meanwhile is delivered on the
        clock's next ``advance`` (or by the next :meth:`deliver`).
        """
        self._held = False
        self._cutter.halted = self._paused or self._closed
        self._arrivals.restartSpacing()
        self._reschedule()

    def deliver(self, maxChunks: int | None = None) -> int:
        """
        Deliver what is pending now, without waiting for it to arrive: what
        a reactor does when the socket is readable.

        :param maxChunks: The most chunks to deliver; ``None`` for no limit.
        :returns: How many chunks were delivered.
        :raises TypeError: If ``maxChunks`` is not an ``int`` or ``None``.
        :raises ValueError: If ``maxChunks`` is less than 1.
        :raises RuntimeError: If the receiver is calling its protocol.
        """
        if maxChunks is not None:
            positiveInt("deliver() maxChunks", maxChunks, "an int or None")
        self._timer.cancel()
        try:
            return self._run(maxChunks, None)
        finally:
            self._reschedule()

    def _run(self, maxChunks: int | None, now: float | None) -> int:
        receiver = self.receiver
        if receiver is None or self._closed:
            return 0
        return receiver.deliveryDue(self, maxChunks, now)

    def pour(
        self,
        dataReceived: Callable[[bytes], object],
        maxChunks: int | None,
        now: float | None,
    ) -> int:
        """
        Deliver what is due by ``now`` (everything, if ``None``): a reset,
        or chunks to ``dataReceived``, then a break or the end of the
        input.  For the receiver, from :meth:`LinkReceiver.deliveryDue`.

        :returns: How many chunks were delivered.
        """
        if self._closed:
            return 0
        reset = self._reset
        if (
            reset is not None
            and not self._held
            and (now is None or self._resetAt <= now)
        ):
            self._breakWith(reset)
            return 0
        cutter = self._cutter
        cutter.halted = self._paused or self._held
        count = 0
        if not (self._paused or self._held):
            breakAt = self._breakAt
            while True:
                limit, cutShort = self._arrivals.limit(
                    now, cutter.delivered, cutter.fed
                )
                if breakAt is not None and limit >= breakAt:
                    limit, cutShort = breakAt, True
                if limit <= cutter.delivered:
                    break
                first = len(cutter.sizes)
                try:
                    count += cutter.deliver(
                        dataReceived,
                        limit,
                        cutShort,
                        None if maxChunks is None else maxChunks - count,
                    )
                finally:
                    self._afterDelivery(now, first)
                # Without a clock, bytes sent while the receiver took these
                # are delivered too.
                if (
                    cutter.halted
                    or now is not None
                    or (maxChunks is not None and count >= maxChunks)
                ):
                    break
            if cutter.halted:
                return count
            delivered = cutter.delivered
            if self._breakAt is not None and delivered >= self._breakAt:
                self._breakWith(
                    Failure(
                        ConnectionLost(
                            f"the connection broke after {delivered} bytes, as "
                            f"{self.fault!r} says"
                        )
                    )
                )
            elif (
                self._ended
                and not self._endDelivered
                and not cutter.pending
                and (now is None or self._endAt <= now)
            ):
                self._endDelivered = True
                receiver = self.receiver
                assert receiver is not None
                receiver.inputEnded()
        return count

    def _afterDelivery(self, now: float | None, first: int) -> None:
        cutter = self._cutter
        if len(cutter.sizes) > first:
            clock = self.clock
            at = now if now is not None or clock is None else clock.seconds()
            self._deliveryTimes.append((first, at))
        self._arrivals.delivered(cutter.delivered, now)
        self.onDrained()

    def _breakWith(self, reason: Failure) -> None:
        receiver = self.receiver
        self.close()
        assert receiver is not None
        receiver.inputReset(reason)

    def _nextDue(self) -> float:
        """
        When the next delivery is due, on the clock.
        """
        if self._closed or self._held:
            return _NEVER
        due = self._bytesDue()
        if self._reset is not None and self._resetAt < due:
            return self._resetAt
        return due

    def _bytesDue(self) -> float:
        """
        When the next chunk, or the end of the input, is due, on the clock.
        """
        if self._paused:
            return _NEVER
        cutter = self._cutter
        if not cutter.pending:
            if self._ended and not self._endDelivered:
                return self._endAt
            return _NEVER
        return self._arrivals.due(cutter.nextCut)

    def _reschedule(self) -> None:
        """
        With a clock: have the next delivery run when it is due.
        """
        self._timer.schedule(self._nextDue())

    def _due(self, now: float) -> None:
        """
        The clock's delivery of what is due by ``now``.
        """
        try:
            self._run(1 if self.spacing is not None else None, now)
        finally:
            self._reschedule()
