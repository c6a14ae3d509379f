# -*- test-case-name: twistedtesting.test.test_proxyside -*-
"""
:class:`ProxySide`: one of the two sockets of a connection through a
:class:`twistedtesting.FaultProxy`, and how it sends what it is given: in
the turn it gets it where it can, paused for its reasons, ended after what
was written, closed at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet.abstract import FileDescriptor
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import IHalfCloseableProtocol, IPushProducer
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from zope.interface import implementer

if TYPE_CHECKING:
    from twistedtesting._proxyconnection import ProxiedConnection
    from twistedtesting._relay import Relay

HIGH_WATER = 256 * 1024
"""
Bytes pending in a direction above which the proxy stops reading its
sending socket, until they fall below :data:`LOW_WATER`.
"""

LOW_WATER = 64 * 1024

FLUSH_AT_MOST = 16 * 1024
"""
The largest write the proxy sends at once rather than on the reactor's
next turn: small writes (requests, answers, chunks cut small) gain a turn
a hop; large ones, most of a bulk transfer, go at the reactor's pace, which
sends what piled up in fewer, larger system calls.
"""

_CONNECTION_DONE = Failure(ConnectionDone())


@implementer(IHalfCloseableProtocol)
class ProxySide(Protocol):
    """
    One of the proxy's two sockets of a connection: the protocol on the
    socket that accepted the client, or on the socket to the target.

    It reads into the direction that leaves it, is written by the direction
    that comes to it (it is that direction's ``RelayOutput``), shuts its
    writing side when that direction ends, and closes once both sides are
    shut.  Reading pauses while any reason to pause holds (waiting for the
    target, a full backlog, a slow peer).

    :ivar name: ``"client"`` or ``"server"``: whose socket the proxy faces.
    """

    def __init__(self, connection: ProxiedConnection, name: str) -> None:
        self.name = name
        self._connection = connection
        # The direction that leaves this side: set by readInto() before the
        # socket connects.
        self._into: Relay | None = None
        self._reasons: set[str] = set()
        self._early: list[bytes] | None = None
        self._endEarly: str | None = None
        # The side whose reading a full write buffer of this side's socket
        # pauses, once both sides connected; the producer that does it is
        # registered with the socket the first time it buffers bytes.
        self._slowPeer: ProxySide | None = None
        self._producing = False
        self._ended = False
        self._abortEarly = False
        self._aborted = False
        self._readDone = False
        self._writeDone = False
        self._gone = False

    @property
    def gone(self) -> bool:
        """Whether the socket is closed."""
        return self._gone

    def connectionMade(self) -> None:
        if self._reasons:
            self.transport.pauseProducing()  # type: ignore[union-attr]
        self._connection.sideMade(self)
        if self._abortEarly:
            self.abort()
            return
        if self._early:
            early, self._early = self._early, None
            self._buffer(self.transport, early)
        if self._endEarly is not None:
            self._end(self._endEarly)

    def dataReceived(self, data: bytes) -> None:
        relay = self._into
        assert relay is not None
        relay.send(data)
        if relay.bytesPending > HIGH_WATER:
            self.pauseFor("backlog")

    def readConnectionLost(self) -> None:
        self._readDone = True
        assert self._into is not None
        self._into.sendEnd()
        if self._writeDone:
            self.transport.loseConnection()  # type: ignore[union-attr]

    def writeConnectionLost(self) -> None:
        self._writeDone = True
        if self._readDone:
            self.transport.loseConnection()  # type: ignore[union-attr]

    def connectionLost(self, reason: Failure = _CONNECTION_DONE) -> None:
        self._gone = True
        self._connection.sideLost(self, reason)

    # For the connection.

    def readInto(self, relay: Relay) -> None:
        """
        What the socket reads goes into ``relay``, the direction that leaves
        this side, and the end of its input too.
        """
        self._into = relay

    def pairWith(self, other: ProxySide) -> None:
        """
        Both sides connected: from now on, while this side's socket has
        more buffered than it holds, reading ``other`` pauses.
        """
        self._slowPeer = other

    def pauseFor(self, reason: str) -> None:
        """
        Stop reading the socket while ``reason`` holds.
        """
        if not self._reasons and self.transport is not None and not self._gone:
            self.transport.pauseProducing()  # type: ignore[attr-defined]
        self._reasons.add(reason)

    def resumeFor(self, reason: str) -> None:
        """
        ``reason`` no longer holds: read again if no other reason holds.
        """
        if reason not in self._reasons:
            return
        self._reasons.discard(reason)
        if not self._reasons and self.transport is not None and not self._gone:
            self.transport.resumeProducing()  # type: ignore[attr-defined]

    def write(self, data: bytes) -> None:
        """
        Write to the socket (or, before it connected, once it does): a
        small write to an idle socket (see :func:`_sendable`) is sent at
        once, others in the reactor's next turn.

        It is sent as the reactor's ``doWrite`` would send it on its next
        turn: with the socket's ``writeSomeData``, as much as the socket
        takes.  Whatever it did not take, or all of it if the send failed,
        is written to the socket as usual, for the reactor to send (or to
        find the error again, and handle it) on its next turn.  Sending this
        way rather than writing and then calling ``doWrite`` does the same
        on the wire, without registering the socket for writing and
        unregistering it again: two system calls fewer for every write.
        """
        if self._gone or self._ended or self._aborted:
            return
        transport: Any = self.transport
        if transport is None:
            if self._early is None:
                self._early = []
            self._early.append(data)
        elif len(data) <= FLUSH_AT_MOST and _sendable(transport):
            sent = transport.writeSomeData(data)
            if not isinstance(sent, int) or sent < 0:
                self._buffer(transport, [data])
            elif sent < len(data):
                self._buffer(transport, [data[sent:]])
        else:
            self._buffer(transport, [data])

    def _buffer(self, transport: Any, data: list[bytes]) -> None:
        """
        Write ``data`` to the socket's buffer, for the reactor to send, with
        the producer that pauses the other side while the buffer is full
        registered first: it only matters once bytes are buffered, and only
        a buffer that grows past what the socket holds pauses it.
        """
        other = self._slowPeer
        if other is not None and not self._producing:
            self._producing = True
            transport.registerProducer(_SlowPeer(other), True)
        if len(data) == 1:
            transport.write(data[0])
        else:
            transport.writeSequence(data)

    def shutWriting(self) -> None:
        """
        Shut the socket's writing side, after what was written.
        """
        self._end("loseWriteConnection")

    def close(self) -> None:
        """
        Close the socket after what was written to it.
        """
        self._end("loseConnection")

    def _end(self, how: str) -> None:
        """
        End the socket's writing with the transport's method ``how``
        (``loseWriteConnection`` or ``loseConnection``), after what was
        written: the producer that paused the other side goes first, if
        one was registered.
        Before the socket connected, it ends the same way as soon as it
        does (a close asked for at any point wins over a shut).

        A shut of an idle socket (see :func:`_idle`) is done at once rather
        than on the reactor's next turn, by calling the socket's ``doWrite``
        (what the reactor calls: ``IWriteDescriptor``): it sends nothing,
        and shuts the writing side.  Not a close: the socket's ``doWrite``
        would finish closing it, which is the reactor's to do.  Nor a shut
        of a socket with bytes waiting: the reactor sends them, and then
        shuts it.
        """
        if self._gone:
            return
        transport: Any = self.transport
        if transport is None:
            if self._endEarly != "loseConnection":
                self._endEarly = how
            return
        self._ended = True
        idle = _idle(transport)
        if self._producing:
            transport.unregisterProducer()
        getattr(transport, how)()
        if idle and not transport.disconnecting:
            transport.doWrite()

    # What the relay that comes to this side forwards (RelayOutput).

    forward = write

    def forwardEnd(self) -> None:
        self._connection.endArrived(self)

    def forwardReset(self, reason: Failure) -> None:
        self.abort()

    def forwardBreak(self, reason: Failure) -> None:
        self.close()

    def backlogChanged(self) -> None:
        self._connection.backlogChanged()

    def abort(self) -> None:
        """
        Close the socket at once, without sending what is buffered: over
        TCP the peer gets a reset.  Before the socket connected, it is
        closed as soon as it does.
        """
        if self._gone:
            return
        if self.transport is None:
            self._abortEarly = True
            return
        # What is written from now on would never be sent (an aborted
        # socket's doWrite does nothing): write() drops it at once.
        self._aborted = True
        self.transport.abortConnection()  # type: ignore[attr-defined]


def _idle(transport: Any) -> bool:
    """
    Whether ``transport`` is a reactor's socket with nothing buffered to
    send, and so one that the reactor is not waiting to write: only such a
    socket may be sent to, or shut, at once (see :meth:`ProxySide.write`
    and :meth:`ProxySide.shutWriting`).

    A socket with bytes buffered is registered for writing, and the
    reactor may already hold a "writable" event for it from its last poll,
    which it delivers later in the same turn: had the proxy flushed the
    socket (and, for a half-close, shut its writing side) meanwhile, that
    stale event would shut it a second time.  And one whose last send left
    bytes the socket did not take is full: the reactor sends the rest, with
    what is written meanwhile, once it has room, in fewer system calls than
    a send for every write.  Bytes wait in ``dataBuffer`` after a send the
    socket did not take whole, and in ``_tempDataBuffer`` until the first
    send; a socket without the latter (another Twisted than those tested)
    is never sent to or shut at once, which is always correct, only a turn
    slower.
    """
    return (
        isinstance(transport, FileDescriptor)
        and not transport.dataBuffer
        and not getattr(transport, "_tempDataBuffer", True)
    )


def _sendable(transport: Any) -> bool:
    """
    Whether ``transport`` is a reactor's socket that :meth:`ProxySide.write`
    may send to at once: idle (see :func:`_idle`, whose checks come first
    here), connected, neither closing nor shut for writing (which Twisted's
    own ``write`` checks: a socket without that attribute, from another
    Twisted than those tested, is never sent to at once, which is always
    correct, only a turn slower).  An aborted socket is never written to at
    all (see :meth:`ProxySide.write`).
    """
    return (
        isinstance(transport, FileDescriptor)
        and not transport.dataBuffer
        and not getattr(transport, "_tempDataBuffer", True)
        and not transport.disconnecting
        and transport.connected != 0
        and getattr(transport, "_writeDisconnected", True) is False
    )


@implementer(IPushProducer)
class _SlowPeer:
    """
    The producer a side's transport pauses when its write buffer is full:
    it pauses reading the other side.
    """

    def __init__(self, reader: ProxySide) -> None:
        self._reader = reader

    def pauseProducing(self) -> None:
        self._reader.pauseFor("slow peer")

    def resumeProducing(self) -> None:
        self._reader.resumeFor("slow peer")

    def stopProducing(self) -> None:
        self._reader.resumeFor("slow peer")
