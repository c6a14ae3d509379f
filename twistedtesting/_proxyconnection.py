# -*- test-case-name: twistedtesting.test.test_proxyconnection -*-
"""
:class:`ProxiedConnection`: one connection through a
:class:`twistedtesting.FaultProxy`: the client's socket the proxy
accepted, its own socket to the target, the two :class:`Relay` directions
between them, and their complete teardown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.abstract import FileDescriptor
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import (
    IAddress,
    IDelayedCall,
    IHalfCloseableProtocol,
    IPushProducer,
    IReactorTime,
)
from twisted.internet.protocol import ClientFactory, Protocol
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting._proxypolicy import ProxyPolicy
from twistedtesting._relay import LazyRandom, Relay

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
        self._connection.received(self, data)

    def readConnectionLost(self) -> None:
        self._readDone = True
        self._connection.inputEnded(self)
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
        small write to an idle socket is sent at once (see :func:`_send`),
        others in the reactor's next turn.
        """
        if self._gone or self._ended or self._aborted:
            return
        transport: Any = self.transport
        if transport is None:
            if self._early is None:
                self._early = []
            self._early.append(data)
        elif len(data) <= FLUSH_AT_MOST and _sendable(transport):
            rest = _send(transport, data)
            if rest:
                self._buffer(transport, [rest])
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
        written: the producer that paused the other side goes first.
        Before the socket connected, it ends the same way as soon as it
        does (a close asked for at any point wins over a shut).
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
        transport.unregisterProducer()
        getattr(transport, how)()
        if idle:
            _flush(transport)

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
    socket may be flushed (see :func:`_flush`).

    A socket with bytes buffered is registered for writing, and the
    reactor may already hold a "writable" event for it from its last poll,
    which it delivers later in the same turn: had the proxy flushed the
    socket (and, for a half-close, shut its writing side) meanwhile, that
    stale event would shut it a second time.  Bytes wait in
    ``dataBuffer`` after a send the socket did not take whole, and in
    ``_tempDataBuffer`` until the first send; a socket without the latter
    (another Twisted than those tested) is never flushed, which is always
    correct, only a turn slower.
    """
    return (
        isinstance(transport, FileDescriptor)
        and not transport.dataBuffer
        and not getattr(transport, "_tempDataBuffer", True)
    )


def _sendable(transport: Any) -> bool:
    """
    Whether ``transport`` is a reactor's socket that :func:`_send` may send
    to at once: idle (see :func:`_idle`), connected, neither closing nor
    shut for writing (which Twisted's own ``write`` checks: a socket without
    that attribute, from another Twisted than those tested, is never sent
    to at once, which is always correct, only a turn slower).  An aborted
    socket is never written to at all (see :meth:`ProxySide.write`).
    """
    return (
        _idle(transport)
        and transport.connected
        and not transport.disconnecting
        and getattr(transport, "_writeDisconnected", True) is False
    )


def _send(transport: Any, data: bytes) -> bytes:
    """
    Send ``data`` on an idle socket now (see :func:`_sendable`), as the
    reactor's ``doWrite`` would on its next turn: with the socket's
    ``writeSomeData``, as much as the socket takes.  Whatever it did not
    take, or all of it if the send failed, is returned, to be written to
    the socket as usual, for the reactor to send (or to find the error
    again, and handle it) on its next turn.

    Sending this way rather than writing and then calling ``doWrite`` does
    the same on the wire, without registering the socket for writing and
    unregistering it again: two system calls fewer for every write.
    """
    sent = transport.writeSomeData(data)
    if isinstance(sent, int) and sent >= 0:
        return data[sent:] if sent < len(data) else b""
    return data


def _flush(transport: Any) -> None:
    """
    Send what ``transport`` buffers now, rather than on the reactor's next
    turn, when it is a reactor's socket that is not closing.

    A reactor's socket buffers what is written until the reactor finds it
    writable, on its next turn; a proxy that forwards that way adds a turn
    to every hop, each way, and to every end it forwards.  Calling its
    ``doWrite`` (what the reactor calls: ``IWriteDescriptor``) sends now,
    as much as the socket takes; the rest waits for the reactor as before,
    and an error is found again, and handled, on its next turn.  Not for a
    socket that is closing: its ``doWrite`` would finish closing it, which
    is the reactor's to do.  Nor for one whose last send left bytes the
    socket did not take (its ``dataBuffer``): it is full, and the reactor
    sends the rest, with what is written meanwhile, once it has room, in
    fewer system calls than a send for every write.
    """
    if (
        isinstance(transport, FileDescriptor)
        and not transport.disconnecting
        and not transport.dataBuffer
    ):
        transport.doWrite()


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


class _TargetFactory(ClientFactory):
    """
    Connects the proxy's socket to the target.
    """

    noisy = False

    def __init__(self, connection: ProxiedConnection) -> None:
        self._connection = connection

    def buildProtocol(self, addr: IAddress | None) -> ProxySide:
        return self._connection.server

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        self._connection.targetFailed(reason)


class ProxiedConnection:
    """
    One connection through a :class:`twistedtesting.FaultProxy`, and its
    record: what went each way and how it was cut, to assert on.

    :ivar number: The connection's number, from 0, in the order the proxy
        accepted them.
    :ivar toServer: The direction from the client to the target: a
        :class:`Relay` whose ``bytesForwarded``, ``chunkSizes`` and
        ``chunkTimes`` say what was forwarded.
    :ivar toClient: The direction from the target to the client.
    :ivar targetError: Why the proxy could not connect to the target for
        this connection (then it closed the client's connection), or
        ``None``.
    """

    def __init__(
        self,
        number: int,
        reactor: Any,
        seed: int,
        toServer: ProxyPolicy,
        toClient: ProxyPolicy,
        slowClose: float,
        connectToTarget: Any,
        onClosed: Callable[[ProxiedConnection], object] | None = None,
    ) -> None:
        self.number = number
        self.targetError: Failure | None = None
        self.client = client = ProxySide(self, "client")
        self.server = server = ProxySide(self, "server")
        clock: IReactorTime = reactor
        self._clock = clock
        # Both directions draw from one generator, made if one needs it.
        rng = LazyRandom(seed)
        self.toServer = Relay("toServer", toServer, clock, rng, server)
        self.toClient = Relay("toClient", toClient, clock, rng, client)
        self.slowClose = slowClose
        self._connectToTarget = connectToTarget
        self._connector: Any = None
        # Whether the connection to the target is over: made, failed or
        # given up.
        self._attemptOver = False
        self._onClosed = onClosed
        self._closing: list[IDelayedCall] | None = None
        self._cancelled = False
        self._closed = False
        self._waiters: list[Deferred[None]] | None = None

    @property
    def open(self) -> bool:
        """Whether a socket of the connection is open."""
        if not self.client.gone:
            return True
        return self.server.transport is not None and not self.server.gone

    def whenClosed(self) -> Deferred[None]:
        """
        :returns: A Deferred that fires with ``None`` once both of the
            proxy's sockets of the connection are closed (or the client's is,
            and the connection to the target failed or was given up).
        """
        waiter: Deferred[None] = Deferred()
        if self._closed:
            waiter.callback(None)
        else:
            if self._waiters is None:
                self._waiters = []
            self._waiters.append(waiter)
        return waiter

    def _checkClosed(self) -> None:
        if not self.open and self._attemptOver and not self._closed:
            self._closed = True
            if self._onClosed is not None:
                self._onClosed(self)
            waiters, self._waiters = self._waiters, None
            for waiter in waiters or ():
                waiter.callback(None)

    # Events from the sides.

    def sideMade(self, side: ProxySide) -> None:
        """
        A socket connected: the client's starts the connection to the
        target, the target's lets the client's be read.
        """
        if side is self.client:
            self.client.pauseFor("target")
            self._connector = self._connectToTarget(_TargetFactory(self))
            return
        self._attemptOver = True
        self.client.pairWith(self.server)
        self.server.pairWith(self.client)
        self.client.resumeFor("target")

    def targetFailed(self, reason: Failure) -> None:
        """
        The target did not accept the proxy's connection: close the
        client's.
        """
        if not self._cancelled:
            self.targetError = reason
        self.toServer.close()
        self.toClient.close()
        self.client.abort()
        self._attemptOver = True
        self._checkClosed()

    def received(self, side: ProxySide, data: bytes) -> None:
        relay = self.toServer if side is self.client else self.toClient
        relay.send(data)
        if relay.bytesPending > HIGH_WATER:
            side.pauseFor("backlog")

    def inputEnded(self, side: ProxySide) -> None:
        (self.toServer if side is self.client else self.toClient).sendEnd()

    def sideLost(self, side: ProxySide, reason: Failure) -> None:
        """
        A socket closed: nothing more goes to it, and, unless it closed
        cleanly after its input ended, the other socket is reset.
        """
        into, out = (
            (self.toClient, self.toServer)
            if side is self.client
            else (self.toServer, self.toClient)
        )
        into.close()
        if not (out.ended and isinstance(reason.value, ConnectionDone)):
            out.reset(reason)
        if (
            side is self.client
            and self._connector is not None
            and not self._attemptOver
        ):
            self._cancelled = True
            self._connector.disconnect()
        self._checkClosed()

    def endArrived(self, side: ProxySide) -> None:
        """
        A direction's end went through: shut the side's writing, after the
        slow close.
        """
        if not self.slowClose:
            side.shutWriting()
            return
        if self._closing is None:
            self._closing = []
        self._closing.append(self._clock.callLater(self.slowClose, side.shutWriting))

    def backlogChanged(self) -> None:
        for relay, side in ((self.toServer, self.client), (self.toClient, self.server)):
            if relay.bytesPending < LOW_WATER:
                side.resumeFor("backlog")

    # For the proxy.

    def reset(self, reason: Failure) -> None:
        """
        Reset both directions: each resets its far socket once the reset
        arrives.
        """
        self.toServer.reset(reason)
        self.toClient.reset(reason)

    def stop(self) -> Deferred[None]:
        """
        Close both sockets now, and cancel every timer and the connection
        attempt to the target.

        :returns: A Deferred that fires once both sockets are closed (or
            the attempt is over).
        """
        self._cancelled = True
        for call in self._closing or ():
            if call.active():
                call.cancel()
        self._closing = None
        self.toServer.close()
        self.toClient.close()
        if not self._attemptOver:
            if self._connector is None:
                self._attemptOver = True
            else:
                self._connector.disconnect()
        self.client.abort()
        self.server.abort()
        self._checkClosed()
        return self.whenClosed()

    def __repr__(self) -> str:
        state = "open" if self.open else "closed"
        if self.targetError is not None:
            state += f", target error: {self.targetError.getErrorMessage()}"
        return (
            f"<ProxiedConnection {self.number} ({state}): toServer "
            f"{self.toServer.bytesForwarded} bytes in "
            f"{len(self.toServer.chunkSizes)} chunks, toClient "
            f"{self.toClient.bytesForwarded} bytes in "
            f"{len(self.toClient.chunkSizes)} chunks>"
        )


def notifyAfter(deferred: Deferred[Any]) -> Deferred[None]:
    """
    A Deferred that fires with ``None`` once ``deferred`` has fired,
    leaving ``deferred``'s result to its own callbacks.
    """
    copy: Deferred[None] = Deferred()

    def passOn(result: object) -> object:
        copy.callback(None)
        return result

    deferred.addBoth(passOn)
    return copy
