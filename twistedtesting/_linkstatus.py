# -*- test-case-name: twistedtesting.test.test_link -*-
"""
:class:`LinkStatus`: what a :class:`twistedtesting.Link` tells about
itself: its counters, its state, the record of what it delivered, and its
repr.
"""

from __future__ import annotations

from twisted.python.failure import Failure

from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._cutter import ChunkCutter
from twistedtesting._delays import DelayPolicy, FixedDelay
from twistedtesting._faults import BreakAfter
from twistedtesting._record import DeliveryRecord


class LinkStatus:
    """
    The read-only side of a link: a base of :class:`twistedtesting.Link`,
    which sets the attributes below.
    """

    chunking: ChunkingPolicy
    latency: DelayPolicy
    bandwidth: float | None
    spacing: DelayPolicy | None
    fault: BreakAfter | None
    bytesDiscarded: int
    _cutter: ChunkCutter
    _ended: bool
    _endDelivered: bool
    _reset: Failure | None
    _paused: bool
    _held: bool
    _closed: bool
    _deliveryTimes: list[tuple[int, float | None]]

    # Counters.

    @property
    def bytesSent(self) -> int:
        """How many bytes were sent into the link and taken."""
        return self._cutter.fed

    @property
    def bytesDelivered(self) -> int:
        """How many bytes were delivered."""
        return self._cutter.delivered

    @property
    def bytesPending(self) -> int:
        """How many bytes were sent and are not yet delivered (or dropped)."""
        return self._cutter.pending

    @property
    def chunksDelivered(self) -> int:
        """How many chunks were delivered."""
        return self._cutter.chunksDelivered

    @property
    def ended(self) -> bool:
        """Whether the sender shut its side (:meth:`sendEnd`)."""
        return self._ended

    @property
    def endDelivered(self) -> bool:
        """Whether the end of the input was delivered to the receiver."""
        return self._endDelivered

    @property
    def closed(self) -> bool:
        """
        Whether the receiver closed, or a reset or break went through:
        nothing more is delivered.
        """
        return self._closed

    @property
    def held(self) -> bool:
        """Whether :meth:`hold` stalls the link."""
        return self._held

    @property
    def hasWork(self) -> bool:
        """Whether a delivery, not waiting for the clock, would do something."""
        if self._closed:
            return False
        if self._reset is not None:
            return not self._held
        if self._paused or self._held:
            return False
        return self._cutter.pending > 0 or (self._ended and not self._endDelivered)

    @property
    def record(self) -> DeliveryRecord:
        """
        The chunks this link delivered: their sizes and times, in a
        :class:`twistedtesting.DeliveryRecord`, which converts to a
        :class:`twistedtesting.ScriptedChunks` that replays the same cuts.
        """
        cutter = self._cutter
        return DeliveryRecord.of(
            cutter.sizes, self._deliveryTimes, cutter.chunksDelivered
        )

    def __repr__(self) -> str:
        notes = []
        if self.latency != FixedDelay(0):
            notes.append(f"latency {self.latency!r}")
        if self.bandwidth is not None:
            notes.append(f"{self.bandwidth:g} B/s")
        if self.spacing is not None:
            notes.append(f"spacing {self.spacing!r}")
        if self.fault is not None:
            notes.append(repr(self.fault))
        for flag, name in [
            (self._held, "held"),
            (self._paused, "paused"),
            (self._ended, "ended"),
            (self._reset is not None, "reset"),
            (self._closed, "closed"),
        ]:
            if flag:
                notes.append(name)
        extra = f" ({', '.join(notes)})" if notes else ""
        return (
            f"<Link {self.chunking!r}{extra}: {self.bytesDelivered} bytes delivered "
            f"in {self.chunksDelivered} chunks, {self.bytesPending} pending, "
            f"{self.bytesDiscarded} discarded>"
        )
