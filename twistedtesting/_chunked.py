# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
:class:`ChunkedTransport`: one end of an in-memory TCP-like connection.
Its input comes through one :class:`~twistedtesting.Link`, what its
protocol writes goes out through another (or, standing alone, to the test).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from twisted.internet.error import ConnectionAborted, ConnectionLost
from twisted.internet.interfaces import (
    IConsumer,
    IProducer,
    IProtocol,
    IPushProducer,
    IReactorTime,
    ITLSTransport,
)
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting._chunkchecks import (
    DEFAULT_HIGH_WATER,
    TCPAddress,
    checkAddress,
    checkClock,
    checkProtocol,
    checkProtocolErrors,
    checkWaterMarks,
    defaultHostAddress,
    defaultPeerAddress,
    standaloneLink,
)
from twistedtesting._chunking import ChunkingPolicy
from twistedtesting._delays import DelayPolicy
from twistedtesting._driver import ProtocolDriver
from twistedtesting._faults import BreakAfter
from twistedtesting._lifecycle import ConnectionState
from twistedtesting._link import Link
from twistedtesting._linkends import Outbound
from twistedtesting._starttls import RawEnd, startTLS
from twistedtesting._testpeer import TestPeer
from twistedtesting._transportstatus import TransportStatus

if TYPE_CHECKING:
    from twisted.protocols.tls import TLSMemoryBIOProtocol

_State = ConnectionState


@implementer(ITLSTransport, IConsumer, IPushProducer)
class ChunkedTransport(TransportStatus):
    """
    A TCP-like transport for one protocol, in memory, whose input arrives
    through a :class:`twistedtesting.Link`, in chunks, the way a network
    delivers it.

    ``ChunkedTransport(protocol, chunking)`` stands alone: it connects
    ``protocol``, and the test plays the peer through :attr:`peer`:
    ``transport.peer.feed(data)`` sends bytes, ``transport.peer.value()``
    is what the protocol wrote.  :func:`twistedtesting.connectChunked` joins
    two transports by two links instead (see :meth:`overLinks`).

    The protocol sees a TCP transport (``ITCPTransport``, ``IConsumer``,
    ``IPushProducer``) that behaves as Twisted's own does: pausing,
    producers paused and resumed at the water marks, ``loseConnection``
    that sends what was written (in the same turn too) before the end,
    ``abortConnection`` that drops what was not delivered and ignores later
    writes, half-close, and ``connectionLost`` exactly once, never from
    within the call that asked for it (:doc:`/chunked` says when).

    An exception that the protocol's ``dataReceived`` raises propagates, by
    default, to the caller of the delivery (``feed``, ``deliver``,
    ``flush``, the clock's ``advance``), so the test fails at the line that
    delivered, with the traceback; the rest of the input is still
    delivered later.  With ``protocolErrors="close"``, the transport does
    what Twisted's reactor does: it logs the error (trial then fails the
    test, unless it flushes the error) and closes the connection, the
    protocol getting the error as its ``connectionLost`` reason and the
    peer a clean close.

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
    :param protocolErrors: ``"raise"`` (the default) or ``"close"``: what to
        do with an exception from ``dataReceived``, as said above.
    :raises TypeError: If an argument has the wrong type.
    :raises ValueError: If a latency, bandwidth or spacing is given without
        a clock, or an argument is out of range.

    :ivar protocol: The connected protocol.
    :ivar inbound: The link the protocol's input comes through.
    :ivar outbound: Where what the protocol writes goes.
    :ivar clock: The clock, or ``None``.
    :ivar state: The connection's :class:`twistedtesting.ConnectionState`.
    :ivar driver: What calls into the protocol: a ``ProtocolDriver``.
    :ivar lifecycle: The connection's state and the closes asked for.
    :ivar flow: The flow control of what the protocol writes.
    :ivar raw: The transport's side under TLS, which writes and closes as
        it is: the TLS layer's transport, and where the transport's own
        writes go without TLS.
    :ivar tlsLayer: The TLS protocol between the transport and its
        protocol once :meth:`startTLS` was called, else ``None``.
    :ivar tlsClient: Whether :meth:`startTLS` starts TLS as a client
        (``True`` for the client of :func:`twistedtesting.connectChunked`)
        or a server (the default).
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
        protocolErrors: Literal["raise", "close"] = "raise",
    ) -> None:
        name = "ChunkedTransport()"
        inbound = standaloneLink(
            name, protocol, chunking, clock, latency, bandwidth, spacing, fault
        )
        peer = TestPeer(inbound)
        marks = (highWater, lowWater)
        self._setUp(name, protocol, inbound, peer, clock, marks, protocolErrors)
        self._address(name, hostAddress, peerAddress)
        peer.transport = self
        self._peer = peer
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
        protocolErrors: Literal["raise", "close"] = "raise",
    ) -> ChunkedTransport:
        """
        Make a transport whose input comes through ``inbound`` and whose
        writes go to ``outbound``, without connecting its protocol: call
        :meth:`connectProtocol` once everything is wired.  This is how
        :func:`twistedtesting.connectChunked` joins two transports.

        :raises TypeError: If an argument has the wrong type.
        :raises ValueError: If a water mark is out of range.
        """
        name = f"{cls.__name__}.overLinks()"
        transport = cls.__new__(cls)
        marks = (highWater, lowWater)
        transport._setUp(
            name, protocol, inbound, outbound, clock, marks, protocolErrors
        )
        transport._address(name, hostAddress, peerAddress)
        return transport

    def _setUp(
        self,
        name: str,
        protocol: IProtocol,
        inbound: Link,
        outbound: Outbound,
        clock: IReactorTime | None,
        waterMarks: tuple[int, int],
        protocolErrors: str,
    ) -> None:
        checkProtocol(f"{name} protocol", protocol)
        checkClock(f"{name} clock", clock)
        checkWaterMarks(name, *waterMarks)
        checkProtocolErrors(f"{name} protocolErrors", protocolErrors)
        self.protocol = protocol
        self.inbound = inbound
        self.outbound = outbound
        self.clock = clock
        driver = ProtocolDriver(
            protocol, inbound, outbound, clock, *waterMarks, protocolErrors
        )
        self.driver = driver
        self.lifecycle = driver.lifecycle
        self.flow = driver.flow
        self._readPaused = False
        self._noDelay = False
        self._keepAlive = False
        self._connected = False
        self._peer = None
        self.tlsLayer: TLSMemoryBIOProtocol | None = None
        self.raw = RawEnd(self)
        self.tlsClient = False
        inbound.receiver = driver
        outbound.onDrained = driver.drained

    def _address(
        self, name: str, host: TCPAddress | None, peer: TCPAddress | None
    ) -> None:
        for argument, address in [("hostAddress", host), ("peerAddress", peer)]:
            if address is not None:
                checkAddress(f"{name} {argument}", address)
        self.hostAddress = defaultHostAddress() if host is None else host
        self.peerAddress = defaultPeerAddress() if peer is None else peer

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
        self.driver.call(self.protocol.makeConnection, self)
        self.driver.settle()

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
        tls = self.tlsLayer
        if tls is None:
            self.raw.write(data)
        elif not self.state.closing:
            tls.write(data)

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
        """Close the connection cleanly: see the class docstring."""
        tls = self.tlsLayer
        if tls is None:
            self.raw.loseConnection()
        elif not self.state.closing:
            tls.loseConnection()

    def abortConnection(self) -> None:
        """
        Close the connection now: drop the input not yet delivered and what
        was written and not yet delivered to the peer, then call
        ``connectionLost`` with
        :class:`~twisted.internet.error.ConnectionAborted`.
        """
        if self.lifecycle.askLoss(Failure(ConnectionAborted())):
            self.outbound.sendReset(Failure(ConnectionLost("Connection reset by peer")))
            self.inbound.pause()
            self.driver.settleSoon()

    def loseWriteConnection(self) -> None:
        """
        Shut the write side, once no producer is registered: the peer's
        input ends after what was written, and a protocol that provides
        :class:`~twisted.internet.interfaces.IHalfCloseableProtocol` gets
        ``writeConnectionLost``.  Input is still delivered.
        """
        if self.lifecycle.askWriteShut():
            self.driver.settleSoon()

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
        (self.tlsLayer or self.raw).registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        """Unregister the producer; a close that waited for it goes ahead."""
        (self.tlsLayer or self.raw).unregisterProducer()

    # ITLSTransport.

    def startTLS(self, contextFactory: Any, normal: bool = True) -> None:
        """
        Start TLS on the connection, from the next byte on, as Twisted's TCP
        transports do: what the protocol writes from now on is encrypted,
        and what arrives is decrypted before the protocol gets it.

        :param contextFactory: The TLS settings, such as
            ``PrivateCertificate.options()`` for a server or
            ``optionsForClientTLS(...)`` for a client.
        :param normal: ``True`` for the side's usual role: a client for the
            client of :func:`twistedtesting.connectChunked`, and a server
            for its server and for a standalone transport (set
            ``tlsClient`` to change that); ``False`` for the other role.
        :raises RuntimeError: If TLS was already started.
        """
        self.tlsLayer = startTLS(self, contextFactory, normal)

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
        """Close the connection, as Twisted's transports do."""
        self.loseConnection()

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
        producer = self.flow.describe()
        if producer is not None:
            notes.append(producer)
        extra = f" ({', '.join(notes)})" if notes else ""
        inbound = self.inbound
        cuts = ""
        if inbound.chunksDelivered:
            cuts = f"; delivered {inbound.record.describe()}"
        return (
            f"<ChunkedTransport {inbound.chunking!r} {described}{extra}: "
            f"{inbound.bytesDelivered} bytes delivered in "
            f"{inbound.chunksDelivered} chunks, {inbound.bytesPending} pending, "
            f"{inbound.bytesDiscarded} discarded; "
            f"{self.outbound.bytesPending} bytes written and unread{cuts}>"
        )
