# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`ChunkedTransport`: one end of an in-memory TCP-like connection.
Its input comes through one :class:`~twistedtesting.Link`, what its
protocol writes goes out through another (or, standing alone, to the test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, Protocol, cast

from twisted.internet.error import ConnectionAborted, ConnectionDone, ConnectionLost
from twisted.internet.interfaces import (
    IConsumer,
    IDelayedCall,
    IHalfCloseableProtocol,
    IProducer,
    IProtocol,
    IPushProducer,
    IReactorTime,
    ITCPTransport,
)
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting._chunkchecks import (
    DEFAULT_HIGH_WATER,
    TCPAddress,
    checkAddress,
    checkChunking,
    checkClock,
    checkDelay,
    checkDelayHasClock,
    checkFault,
    checkProtocol,
    checkWaterMarks,
    defaultHostAddress,
    defaultPeerAddress,
)
from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._delays import DelayPolicy, FixedDelay
from twistedtesting._faults import BreakAfter
from twistedtesting._lifecycle import ConnectionState
from twistedtesting._link import Link, checkBandwidth, checkLatency
from twistedtesting._testpeer import TestPeer, Written


class Outbound(Protocol):
    """
    Where a transport's writes go: a :class:`~twistedtesting.Link` to the
    peer, or, standing alone, what the test reads.
    """

    onDrained: Callable[[], object]

    @property
    def bytesPending(self) -> int:
        """
        Bytes written and not yet taken by the other side.
        """

    def send(self, data: bytes) -> None:
        """
        Send bytes.
        """

    def sendEnd(self) -> None:
        """
        Shut the sending side cleanly.
        """

    def sendReset(self, reason: Failure) -> None:
        """
        Reset the connection.
        """


_State = ConnectionState


@implementer(ITCPTransport, IConsumer, IPushProducer)
class ChunkedTransport:
    """
    A TCP-like transport for one protocol, in memory, whose input arrives
    in chunks, the way a network delivers it.

    ``ChunkedTransport(protocol, chunking)`` stands alone: it connects
    ``protocol`` (calls its ``makeConnection``), and the test plays the peer
    through :attr:`peer`, a :class:`twistedtesting.TestPeer`:
    ``transport.peer.feed(data)`` sends bytes, which the protocol gets in
    chunks cut by ``chunking``; ``transport.peer.value()`` is what the
    protocol wrote.  :func:`twistedtesting.connectChunked` joins two
    transports with two links instead.

    The protocol sees a TCP transport (``ITCPTransport``, ``IConsumer``,
    ``IPushProducer``) that behaves as Twisted's own does:

    * ``pauseProducing`` stops the delivery of chunks until
      ``resumeProducing``, which never delivers from within the call;
    * a producer registered with ``registerProducer`` is paused when more
      than ``highWater`` bytes are written and not yet taken by the other
      side, and resumed (a non-streaming one asked for more) when they are
      down to ``lowWater``;
    * ``loseConnection`` stops delivery; what was written, and what is
      written in the same turn, goes out, then the end, then
      ``connectionLost`` with ``ConnectionDone``.  A registered
      non-streaming producer is waited for until it unregisters; a
      streaming one is stopped, unless it is paused: then the close waits
      until what was written is taken down to ``lowWater``;
    * ``abortConnection`` drops the input not yet delivered and what was
      written and not yet delivered to the other side; writes after it go
      nowhere; then ``connectionLost`` with ``ConnectionAborted``;
    * ``loseWriteConnection`` shuts the write side (half-close);
    * ``connectionLost`` is called exactly once, nothing is delivered after
      it, and never from within the transport method that asked for it: a
      close asked for from within a call into the protocol is finished when
      that call returns; from anywhere else, with a clock, on the clock's
      next ``advance`` (``callLater(0)``), as a real reactor finishes it in
      a later iteration; without a clock, by the next delivery
      (``peer.feed``, ``peer.deliver``, ``ChunkedPair.flush``).

    An exception the protocol raises propagates to the caller of the
    delivery (``feed``, ``deliver``, ``flush``, the clock's ``advance``);
    the chunk counts as delivered and the rest is still delivered later.

    :param protocol: The protocol to connect.
    :param chunking: Where to cut the input into chunks: a
        :class:`twistedtesting.ChunkingPolicy`.
    :param clock: Deliver over this clock's virtual time, such as a
        :class:`twistedtesting.Clock`; without one, :meth:`TestPeer.feed`
        delivers at once.
    :param latency: With a clock, how long bytes take to arrive: seconds,
        or a :class:`twistedtesting.DelayPolicy` such as
        :class:`twistedtesting.RandomDelay` for jitter (which never
        reorders bytes).
    :param bandwidth: With a clock, bytes a second; ``None`` for no limit.
    :param spacing: With a clock, the least time between two chunks (a
        peer that trickles bytes), as a delay policy.
    :param fault: Break the connection part-way, as
        :class:`twistedtesting.BreakAfter` says.
    :param highWater: Pause a registered streaming producer when more than
        this many bytes are written and not taken.
    :param lowWater: Resume it when they are down to this many.
    :param hostAddress: What :meth:`getHost` returns; by default, as
        ``StringTransport``, ``IPv4Address("TCP", "10.0.0.1", 12345)``.
    :param peerAddress: What :meth:`getPeer` returns; by default
        ``IPv4Address("TCP", "192.168.1.1", 54321)``.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If a latency, bandwidth or spacing is given without
        a clock, or an argument is out of range.

    :ivar protocol: The connected protocol.
    :ivar inbound: The link the protocol's input comes through.
    :ivar outbound: Where what the protocol writes goes.
    :ivar clock: The clock, or ``None``.
    :ivar state: The connection's :class:`twistedtesting.ConnectionState`.
    :ivar connectionLostReason: The failure given to ``connectionLost``,
        or ``None``.
    :ivar producer: The registered producer, or ``None``.
    :ivar streaming: Whether it is streaming, or ``None``.
    """

    _peer: TestPeer | None

    def __init__(
        self,
        protocol: IProtocol,
        chunking: ChunkingPolicy,
        *,
        clock: IReactorTime | None = None,
        latency: float | DelayPolicy = 0,
        bandwidth: float | None = None,
        spacing: DelayPolicy | None = None,
        fault: BreakAfter | None = None,
        highWater: int = DEFAULT_HIGH_WATER,
        lowWater: int = 0,
        hostAddress: TCPAddress | None = None,
        peerAddress: TCPAddress | None = None,
    ) -> None:
        name = "ChunkedTransport()"
        checkProtocol(f"{name} protocol", protocol)
        checkChunking(f"{name} chunking", chunking)
        checkClock(f"{name} clock", clock)
        checkLinkTiming(name, "", clock, latency, bandwidth, spacing)
        checkFault(f"{name} fault", fault)
        inbound = Link(
            chunking,
            clock=clock,
            latency=latency,
            bandwidth=bandwidth,
            spacing=spacing,
            fault=fault,
        )
        written = Written()
        self._setUp(
            name,
            protocol,
            inbound,
            written,
            clock,
            highWater,
            lowWater,
            hostAddress,
            peerAddress,
        )
        self._peer = TestPeer(self, inbound, written)
        self.connectProtocol()

    @classmethod
    def overLinks(
        cls,
        protocol: IProtocol,
        inbound: Link,
        outbound: Outbound,
        *,
        clock: IReactorTime | None = None,
        highWater: int = DEFAULT_HIGH_WATER,
        lowWater: int = 0,
        hostAddress: TCPAddress | None = None,
        peerAddress: TCPAddress | None = None,
    ) -> ChunkedTransport:
        """
        Make a transport whose input comes through ``inbound`` and whose
        writes go to ``outbound``, without connecting its protocol: call
        :meth:`connectProtocol` once everything is wired.  This is how
        :func:`twistedtesting.connectChunked` joins two transports.

        :raises TypeError: If an argument has the wrong type.
        :raises ValueError: If a water mark is out of range.
        """
        transport = cls.__new__(cls)
        transport._setUp(
            f"{cls.__name__}.overLinks()",
            protocol,
            inbound,
            outbound,
            clock,
            highWater,
            lowWater,
            hostAddress,
            peerAddress,
        )
        return transport

    def _setUp(
        self,
        name: str,
        protocol: IProtocol,
        inbound: Link,
        outbound: Outbound,
        clock: IReactorTime | None,
        highWater: int,
        lowWater: int,
        hostAddress: TCPAddress | None,
        peerAddress: TCPAddress | None,
    ) -> None:
        checkProtocol(f"{name} protocol", protocol)
        checkClock(f"{name} clock", clock)
        checkWaterMarks(name, highWater, lowWater)
        for argument, address in [
            ("hostAddress", hostAddress),
            ("peerAddress", peerAddress),
        ]:
            if address is not None:
                checkAddress(f"{name} {argument}", address)
        self.protocol = protocol
        self.inbound = inbound
        self.outbound = outbound
        self.clock = clock
        self.highWater = highWater
        self.lowWater = lowWater
        self.hostAddress = defaultHostAddress() if hostAddress is None else hostAddress
        self.peerAddress = defaultPeerAddress() if peerAddress is None else peerAddress
        self.state = _State.OPEN
        self.connectionLostReason: Failure | None = None
        self.producer: IProducer | None = None
        self.streaming: bool | None = None
        # A loss asked for (abort, reset, break, end of input): the reason.
        self._lossReason: Failure | None = None
        self._writeShutAsked = False
        self._writeShut = False
        self._readPaused = False
        self._producerPaused = False
        self._pullRequested = False
        self._busy = False
        self._settleCall: IDelayedCall | None = None
        self._noDelay = False
        self._keepAlive = False
        self._halfCloseable: IHalfCloseableProtocol | None = IHalfCloseableProtocol(
            protocol, None
        )
        self._connected = False
        self._peer = None
        inbound.receiver = self
        outbound.onDrained = self._drained

    def connectProtocol(self) -> None:
        """
        Connect the protocol: call its ``makeConnection`` with this
        transport.  The constructor does it; a transport made by
        :meth:`overLinks` needs it once its links are wired.

        :raises RuntimeError: If the protocol is already connected.
        """
        if self._connected:
            raise RuntimeError("connectProtocol(): the protocol is already connected")
        self._connected = True
        self._call(self.protocol.makeConnection, self)
        self._settle()

    @property
    def peer(self) -> TestPeer:
        """
        The test's end of a standalone transport: a
        :class:`twistedtesting.TestPeer`, which feeds the protocol and reads
        what it wrote.

        :raises RuntimeError: If the transport is joined to another by
            :func:`twistedtesting.connectChunked`: its input then comes from
            the other protocol.
        """
        peer = self._peer
        if peer is None:
            raise RuntimeError(
                "this transport is joined to a peer transport (by "
                "connectChunked(), say), so the test has no end of it to feed "
                "or read: write with the peer protocol's transport, look at what "
                "the peer protocol received, or use the links (pair.toServer, "
                "pair.toClient)"
            )
        return peer

    # The state, as Twisted's transports name it.

    @property
    def connected(self) -> bool:
        """
        ``True`` until the connection is lost.
        """
        return self.state is not _State.LOST

    @property
    def disconnecting(self) -> bool:
        """
        ``True`` once a close was asked for, or the connection is lost.
        """
        return self.state.closing

    @property
    def disconnected(self) -> bool:
        """
        ``True`` once ``connectionLost`` was called.
        """
        return self.state is _State.LOST

    @property
    def writeDisconnected(self) -> bool:
        """
        ``True`` once the write side is shut.
        """
        return self._writeShut

    @property
    def readDisconnected(self) -> bool:
        """
        ``True`` once the end of the input was delivered.
        """
        return self.inbound.endDelivered

    @property
    def busy(self) -> bool:
        """
        Whether the transport is calling its protocol (or its producer) now.
        """
        return self._busy

    @property
    def bytesDelivered(self) -> int:
        """
        How many bytes the protocol was given.
        """
        return self.inbound.bytesDelivered

    @property
    def chunksDelivered(self) -> int:
        """
        How many chunks the protocol was given.
        """
        return self.inbound.chunksDelivered

    @property
    def bytesPending(self) -> int:
        """
        How many bytes were sent to the protocol and not yet delivered.
        """
        return self.inbound.bytesPending

    @property
    def bytesDiscarded(self) -> int:
        """
        How many bytes sent to the protocol were dropped, never delivered.
        """
        return self.inbound.bytesDiscarded

    @property
    def producerState(self) -> Literal["producing", "paused", "stopped"]:
        """
        This transport's state as a producer of input, named as
        ``StringTransport`` names it.
        """
        if self.disconnecting or self.readDisconnected:
            return "stopped"
        return "paused" if self._readPaused else "producing"

    # The link's side (LinkReceiver).

    def deliveryDue(self, link: Link, maxChunks: int | None, now: float | None) -> int:
        """
        Take what ``link`` has for the protocol, then finish the closes
        that can be.  Called by the link.

        :raises RuntimeError: If a delivery that does not wait for the
            clock is asked for while the transport calls its protocol.
        """
        if self._busy:
            if now is None:
                raise RuntimeError(
                    "deliver() was called while the transport is calling its "
                    "protocol (from within dataReceived, say); call it from the "
                    "test instead"
                )
            return 0
        if self.state is _State.LOST:
            return 0
        self._busy = True
        try:
            count = link.pour(self.protocol.dataReceived, maxChunks, now)
        finally:
            self._busy = False
            self._settle()
        return count

    def inputEnded(self) -> None:
        """
        The peer shut its side and every byte before was delivered.
        """
        if self._halfCloseable is None:
            self._requestLoss(Failure(ConnectionDone()))
            return
        self.state = self.state.shutRead()
        self._call(self._halfCloseable.readConnectionLost)

    def inputReset(self, reason: Failure) -> None:
        """
        The connection broke or was reset.
        """
        self._requestLoss(reason)

    # ITransport, ITCPTransport.

    def write(self, data: bytes) -> None:
        """
        Send ``data`` to the peer.  As with Twisted's TCP transport, data
        written after ``loseWriteConnection``, an abort or the loss of the
        connection goes nowhere.

        :raises TypeError: If ``data`` is not ``bytes``.
        """
        if not isinstance(data, bytes):
            raise TypeError(f"Data must be bytes, not {type(data).__name__} {data!r}")
        if not data or not self.state.writing or self._writeShutAsked:
            return
        self._pullRequested = False
        self.outbound.send(data)
        if self.producer is not None:
            self._checkHighWater()

    def writeSequence(self, data: Iterable[bytes]) -> None:
        """
        Write each of ``data``, in order, as one write.

        :raises TypeError: If an item is not ``bytes``.
        """
        items = list(data)
        for item in items:
            if not isinstance(item, bytes):
                raise TypeError(
                    f"Data must be bytes, not {type(item).__name__} {item!r}"
                )
        self.write(b"".join(items))

    def loseConnection(self) -> None:
        """
        Close the connection cleanly: see the class docstring.
        """
        if self.state.closing:
            return
        self.state = _State.CLOSING
        self.inbound.pause()
        self._settleSoon()

    def abortConnection(self) -> None:
        """
        Close the connection now: drop the input not yet delivered and what
        was written and not yet delivered to the peer, then call
        ``connectionLost`` with
        :class:`~twisted.internet.error.ConnectionAborted`.
        """
        if self.state in (_State.LOSING, _State.LOST):
            return
        self.outbound.sendReset(Failure(ConnectionLost("Connection reset by peer")))
        self._lossReason = Failure(ConnectionAborted())
        self.state = _State.LOSING
        self.inbound.pause()
        self._settleSoon()

    def loseWriteConnection(self) -> None:
        """
        Shut the write side, once no producer is registered: the peer's
        input ends after what was written, and a protocol that provides
        :class:`~twisted.internet.interfaces.IHalfCloseableProtocol` gets
        ``writeConnectionLost``.  Input is still delivered.
        """
        if self.state is _State.LOST or self._writeShutAsked:
            return
        self._writeShutAsked = True
        self._settleSoon()

    def getHost(self) -> TCPAddress:
        """
        :returns: This side's address.
        """
        return self.hostAddress

    def getPeer(self) -> TCPAddress:
        """
        :returns: The peer's address.
        """
        return self.peerAddress

    def getTcpNoDelay(self) -> bool:
        """
        :returns: The value last given to :meth:`setTcpNoDelay`, initially
            ``False``; it changes nothing here.
        """
        return self._noDelay

    def setTcpNoDelay(self, enabled: bool) -> None:
        """
        Record the ``TCP_NODELAY`` option.
        """
        self._noDelay = bool(enabled)

    def getTcpKeepAlive(self) -> bool:
        """
        :returns: The value last given to :meth:`setTcpKeepAlive`, initially
            ``False``; it changes nothing here.
        """
        return self._keepAlive

    def setTcpKeepAlive(self, enabled: bool) -> None:
        """
        Record the ``SO_KEEPALIVE`` option.
        """
        self._keepAlive = bool(enabled)

    # IConsumer.

    def registerProducer(self, producer: IProducer, streaming: bool) -> None:
        """
        Register a producer of the data to write, as Twisted's transports
        do: a streaming one is paused past the high-water mark; a
        non-streaming one is asked for data now and whenever what was
        written is taken down to the low-water mark.  If the connection is
        lost, the producer is stopped.

        :raises RuntimeError: If a producer is already registered.
        """
        if self.producer is not None:
            raise RuntimeError(
                f"Cannot register producer {producer!r}, because producer "
                f"{self.producer!r} was never unregistered."
            )
        if self.disconnected:
            producer.stopProducing()
            return
        self.producer = producer
        self.streaming = bool(streaming)
        self._producerPaused = False
        if streaming:
            self._checkHighWater()
        else:
            self._pullRequested = True
            self._callProducer(cast(IPushProducer, producer).resumeProducing)

    def unregisterProducer(self) -> None:
        """
        Unregister the producer; a close that waited for it goes ahead.
        """
        self.producer = None
        self.streaming = None
        self._producerPaused = False
        self._pullRequested = False
        self._settleSoon()

    # IPushProducer: the protocol controls the flow of its input.

    def pauseProducing(self) -> None:
        """
        Stop delivering chunks, from the next one on, until
        :meth:`resumeProducing`.
        """
        if self.disconnected:
            return
        self._readPaused = True
        self.inbound.pause()

    def resumeProducing(self) -> None:
        """
        Allow chunks again; they are delivered on the clock, or by the next
        delivery, never from within this call.
        """
        if self.disconnected:
            return
        self._readPaused = False
        if self.state.reading:
            self.inbound.resume()

    def stopProducing(self) -> None:
        """
        Close the connection, as Twisted's transports do.
        """
        self.loseConnection()

    # Closing.

    def _call(self, function: Callable[..., object], *args: object) -> None:
        """
        Call into the protocol (or its producer): closes asked for meanwhile
        wait until it returns.
        """
        if self._busy:
            function(*args)
            return
        self._busy = True
        try:
            function(*args)
        finally:
            self._busy = False

    def _requestLoss(self, reason: Failure) -> None:
        if self.state is _State.LOST:
            return
        if self._lossReason is None:
            self._lossReason = reason
        self.state = _State.LOSING
        self.inbound.pause()
        self._settle()

    def _closeAllowed(self) -> bool:
        """
        Whether a ``loseConnection`` may go ahead as far as the producer
        goes: none is registered, or a streaming one that is not paused.
        """
        return self.producer is None or (
            bool(self.streaming) and not self._producerPaused
        )

    def _settleWork(self) -> bool:
        state = self.state
        if state is _State.LOST:
            return False
        return (
            state is _State.LOSING
            or (state is _State.CLOSING and self._closeAllowed())
            or (
                self._writeShutAsked
                and state.writing
                and self.producer is None
                and not self._writeShut
            )
        )

    def _settleSoon(self) -> None:
        """
        Finish a close asked for from outside the calls into the protocol:
        with a clock, on it; without one, at the next delivery.
        """
        if self._busy or not self._settleWork():
            return
        clock = self.clock
        if clock is None:
            return
        if self._settleCall is None:
            self._settleCall = clock.callLater(0, self._settleOnClock)

    def _settleOnClock(self) -> None:
        self._settleCall = None
        self._settle()

    def _callProducer(self, call: Callable[[], object]) -> None:
        """
        Call the producer; a close it asks for is finished once it returns.
        """
        wasBusy = self._busy
        self._call(call)
        if not wasBusy:
            self._settle()

    def _settle(self) -> None:
        """
        Finish what was asked for and can be done now: a loss, a close
        waiting for its producer, a shutdown of the write side.
        """
        while not self._busy and self._settleWork():
            state = self.state
            if state is _State.LOSING:
                assert self._lossReason is not None
                self._lose(self._lossReason)
            elif state is _State.CLOSING and self._closeAllowed():
                self._lose(Failure(ConnectionDone()))
            else:
                self.state = state.shutWrite()
                self._writeShut = True
                self.outbound.sendEnd()
                if self._halfCloseable is not None:
                    self._call(self._halfCloseable.writeConnectionLost)

    def _lose(self, reason: Failure) -> None:
        """
        Lose the connection: drop the undelivered input, tell the peer,
        stop the producer and call ``connectionLost``, once.
        """
        self.state = _State.LOST
        self.connectionLostReason = reason
        self._lossReason = None
        settleCall = self._settleCall
        if settleCall is not None:
            self._settleCall = None
            settleCall.cancel()
        self.inbound.close()
        if reason.check(ConnectionDone) is not None:
            self.outbound.sendEnd()
        else:
            self.outbound.sendReset(Failure(ConnectionLost("Connection reset by peer")))
        producer = self.producer
        self.producer = None
        self.streaming = None
        self._busy = True
        try:
            if producer is not None:
                # If this raises, connectionLost is still called, and then
                # the error propagates.
                try:
                    producer.stopProducing()
                finally:
                    self.protocol.connectionLost(reason)
            else:
                self.protocol.connectionLost(reason)
        finally:
            self._busy = False

    # Flow control of what the protocol writes.

    def _checkHighWater(self) -> None:
        producer = self.producer
        if (
            producer is not None
            and self.streaming
            and not self._producerPaused
            and self.outbound.bytesPending > self.highWater
        ):
            self._producerPaused = True
            self._callProducer(cast(IPushProducer, producer).pauseProducing)

    def _drained(self) -> None:
        """
        The other side took some of what the protocol wrote: resume a
        paused producer, or ask a non-streaming one for more, at the
        low-water mark.
        """
        producer = self.producer
        if (
            producer is None
            or self.disconnected
            or self.outbound.bytesPending > self.lowWater
        ):
            return
        if self.streaming:
            if self._producerPaused:
                self._producerPaused = False
                self._callProducer(cast(IPushProducer, producer).resumeProducing)
        elif not self._pullRequested:
            self._pullRequested = True
            self._callProducer(cast(IPushProducer, producer).resumeProducing)

    def __repr__(self) -> str:
        state = self.state
        if state is _State.LOST:
            reason = self.connectionLostReason
            name = "?" if reason is None else getattr(reason.type, "__name__", "?")
            described = f"lost ({name})"
        else:
            described = state.value
        notes = []
        if self._readPaused and not self.disconnected:
            notes.append("paused")
        if self.producer is not None:
            kind = "streaming" if self.streaming else "pull"
            paused = ", paused" if self._producerPaused else ""
            notes.append(f"{kind} producer{paused}")
        extra = f" ({', '.join(notes)})" if notes else ""
        inbound = self.inbound
        return (
            f"<ChunkedTransport {inbound.chunking!r} {described}{extra}: "
            f"{inbound.bytesDelivered} bytes delivered in "
            f"{inbound.chunksDelivered} chunks, {inbound.bytesPending} pending, "
            f"{inbound.bytesDiscarded} discarded; "
            f"{self.outbound.bytesPending} bytes written and unread>"
        )


def checkLinkTiming(
    function: str,
    prefix: str,
    clock: object,
    latency: object,
    bandwidth: object,
    spacing: object,
) -> None:
    """
    Check the timing arguments of a link: each is of the right type, and
    comes with a clock.

    :param function: How to name the function, as ``"f()"``.
    :param prefix: The prefix of the arguments' names, such as
        ``"toServer"``; the names are then capitalised after it.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If one is out of range or given without a clock.
    """

    def named(argument: str) -> str:
        if not prefix:
            return f"{function} {argument}"
        return f"{function} {prefix}{argument[0].upper()}{argument[1:]}"

    policy = checkLatency(named("latency"), latency)
    rate = checkBandwidth(named("bandwidth"), bandwidth)
    checkDelay(named("spacing"), spacing)
    checkDelayHasClock(
        named("latency"), None if policy == FixedDelay(0) else latency, clock
    )
    checkDelayHasClock(named("bandwidth"), None if rate is None else bandwidth, clock)
    checkDelayHasClock(named("spacing"), spacing, clock)
