# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`TestPeer`: the test's end of a standalone
:class:`twistedtesting.ChunkedTransport`.  It feeds the protocol through a
link and keeps what the protocol writes.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import TYPE_CHECKING

from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure

from twistedtesting._chunkchecks import checkWaterMark
from twistedtesting._link import Link

if TYPE_CHECKING:
    from twistedtesting._chunked import ChunkedTransport


class TestPeer:
    """
    The test, playing the peer of a standalone
    :class:`twistedtesting.ChunkedTransport` (its ``peer``): it sends bytes
    to the protocol through a :class:`Link`, ends or resets its side, and
    reads what the protocol wrote.

    It is also where what the protocol writes goes (the transport's
    ``outbound``): it keeps it as
    :class:`~twisted.internet.testing.StringTransport` does.

    :ivar transport: The transport whose peer this is.
    :ivar link: The link to the protocol: the transport's ``inbound``.
    :ivar ended: Whether the protocol's side was shut cleanly.
    :ivar reset: Whether it was reset (aborted).
    :ivar onDrained: Called when the test read or cleared what the protocol
        wrote; the transport's flow control.
    """

    __test__ = False  # Not a test case, whatever pytest thinks of the name.

    transport: ChunkedTransport

    def __init__(self, link: Link) -> None:
        """
        :param link: The link to the protocol.  Whoever makes the peer sets
            ``transport`` and the protocol's transport sets
            ``onDrained``.
        """
        self.link = link
        self.ended = False
        self.reset = False
        self.onDrained: Callable[[], object] = lambda: None
        # What the protocol wrote: the bytes from offset _readPos on are
        # unread.
        self._written = BytesIO()
        self._readPos = 0
        self._unread = 0

    # The receiving side of what the protocol writes (its outbound).

    @property
    def bytesPending(self) -> int:
        """
        How many bytes the protocol wrote that the test has not read or
        cleared.
        """
        return self._unread

    def send(self, data: bytes) -> None:
        """
        Keep what the protocol wrote.
        """
        self._written.write(data)
        self._unread += len(data)

    def sendEnd(self) -> None:
        """
        The protocol's side was shut cleanly: ``ended`` becomes true.
        """
        self.ended = True

    def sendReset(self, reason: Failure) -> None:
        """
        The protocol's side was reset (an abort): ``reset`` becomes
        true; what it wrote before stays readable.
        """
        self.reset = True

    def _checkOpen(self, action: str) -> None:
        transport = self.transport
        if transport.disconnected:
            reason = transport.connectionLostReason
            name = "?" if reason is None else getattr(reason.type, "__name__", "?")
            raise RuntimeError(
                f"cannot {action}: the connection was lost ({name}) after "
                f"{self.link.bytesDelivered} bytes were delivered"
            )
        if self.link.ended:
            raise RuntimeError(f"cannot {action}: feedEnd() already ended the input")

    def _deliverIfUntimed(self) -> None:
        """
        Without a clock, deliver now, unless the transport is calling its
        protocol (then the delivery under way goes on with these bytes).
        """
        if self.link.clock is None and not self.transport.busy:
            self.link.deliver()

    def feed(self, data: bytes) -> None:
        """
        Send ``data`` to the protocol, as the peer would.

        Without a clock the protocol gets it, chunked, before this returns,
        unless the transport is paused; with a clock, it arrives after the
        link's latency, on the clock.  Bytes fed while the protocol is
        closing the connection are never delivered (Twisted stops reading
        then); they count in ``bytesDiscarded`` once the connection is
        lost.

        :param data: The bytes; empty bytes change nothing.
        :raises TypeError: If ``data`` is not ``bytes``.
        :raises ValueError: If the chunking policy covers a fixed number of
            bytes (as :class:`twistedtesting.ScriptedChunks` does) and
            ``data`` goes past it.
        :raises RuntimeError: If the connection is lost or the input was
            ended by :meth:`feedEnd`; the message says which.
        """
        if not isinstance(data, bytes):
            raise TypeError(
                f"feed() data must be bytes, not {type(data).__name__} {data!r}"
            )
        self._checkOpen(f"feed {len(data)} bytes")
        if not data:
            return
        self.link.send(data)
        self._deliverIfUntimed()

    def feedEnd(self) -> None:
        """
        End the input cleanly, as a peer closing its side does: once the
        bytes fed before are delivered, a protocol that provides
        :class:`~twisted.internet.interfaces.IHalfCloseableProtocol` gets
        ``readConnectionLost`` and may go on writing; any other gets
        ``connectionLost`` with
        :class:`~twisted.internet.error.ConnectionDone`.

        :raises ValueError: If the chunking policy covers a fixed number of
            bytes and fewer were fed.
        :raises RuntimeError: If the connection is lost or the input was
            already ended.
        """
        self._checkOpen("end the input")
        self.link.checkCovered()
        self.link.sendEnd()
        self._deliverIfUntimed()

    def resetConnection(self) -> None:
        """
        Reset the connection, as a peer's abort does: once the reset
        arrives (without a clock, now), the bytes not yet delivered are
        dropped and the protocol gets ``connectionLost`` with
        :class:`~twisted.internet.error.ConnectionLost`.

        :raises RuntimeError: If the connection is already lost.
        """
        if self.transport.disconnected:
            self._checkOpen("reset the connection")
        self.link.sendReset(
            Failure(ConnectionLost("Connection reset by peer (resetConnection())"))
        )
        self._deliverIfUntimed()

    def deliver(self, maxChunks: int | None = None) -> int:
        """
        Deliver what is pending now, without waiting for the clock, and
        finish a close asked for since the last delivery: what a reactor's
        next turn does.  See :meth:`twistedtesting.Link.deliver`.

        :returns: How many chunks were delivered.
        """
        return self.link.deliver(maxChunks)

    @property
    def io(self) -> BytesIO:
        """
        A :class:`io.BytesIO` of what the protocol wrote and the test has
        not read or cleared; use :meth:`value` rather than this.
        """
        if self._readPos:
            self._compact()
        return self._written

    @io.setter
    def io(self, value: BytesIO) -> None:
        self._written = value
        self._readPos = 0
        self._unread = len(value.getvalue())

    def _compact(self) -> None:
        written = self._written
        written.seek(self._readPos)
        rest = written.read()
        self._written = BytesIO()
        self._written.write(rest)
        self._readPos = 0

    def value(self) -> bytes:
        """
        :returns: What the protocol wrote and the test has not read or
            cleared, in order, as ``StringTransport.value()`` does.
        """
        return self.io.getvalue()

    def clear(self) -> None:
        """
        Discard what the protocol wrote, as ``StringTransport.clear()``
        does.  For flow control this counts as the peer reading it all.
        """
        self._written = BytesIO()
        self._readPos = 0
        self._unread = 0
        self.onDrained()

    def read(self, maxBytes: int | None = None) -> bytes:
        """
        Take what the protocol wrote from the front, as a peer reading it
        would: the bytes taken are no longer in :meth:`value`, and no longer
        count against the water marks.

        :param maxBytes: The most bytes to take; ``None`` for all.
        :returns: The bytes taken.
        :raises TypeError: If ``maxBytes`` is not an ``int`` or ``None``.
        :raises ValueError: If ``maxBytes`` is negative.
        """
        if maxBytes is not None:
            checkWaterMark("read() maxBytes", maxBytes)
        # Copy only the bytes taken; drop the bytes read once they are at
        # least as many as those left, so a byte is copied a bounded number
        # of times.
        written = self._written
        start = self._readPos
        size = written.seek(0, 2)
        stop = size if maxBytes is None else min(size, start + maxBytes)
        written.seek(start)
        taken = written.read(stop - start)
        written.seek(0, 2)
        self._readPos = stop
        if stop == size:
            self._written = BytesIO()
            self._readPos = 0
        elif stop >= size - stop:
            self._compact()
        self._unread = size - stop
        self.onDrained()
        return taken

    def __repr__(self) -> str:
        return (
            f"<TestPeer: {self.bytesPending} bytes written and unread; "
            f"link {self.link!r}>"
        )
