# -*- test-case-name: twistedtesting.test.test_conformance -*-
"""
A conformance suite for in-memory transport pairs: the behaviour of a TCP
connection that every fake connecting two protocols should show, as a mixin
for a test case, which users run against their own fakes (as trio's
``check_two_way_stream`` checks streams).
"""

from __future__ import annotations

import random
import unittest
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from twisted.internet.error import (
    ConnectionAborted,
    ConnectionClosed,
    ConnectionDone,
)
from twisted.internet.interfaces import (
    IAddress,
    IConsumer,
    IHalfCloseableProtocol,
    IPushProducer,
    ITransport,
)
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from zope.interface import implementer
from zope.interface.verify import verifyObject

if TYPE_CHECKING:
    _Base = unittest.TestCase
else:
    _Base = object


class _Recorder(Protocol):
    """
    A protocol that records what happens to it: the conformance suite's
    view of each end.

    @ivar chunks: The chunks given to C{dataReceived}, in order.
    @ivar events: The names of the calls made to it, in order, without
        C{dataReceived} repeated for consecutive chunks.
    @ivar reasons: The reasons given to C{connectionLost}.
    @ivar onData: Called with each chunk, after it is recorded.
    @ivar onMade: Called from C{connectionMade}.
    @ivar reentered: Whether one of its methods was called while another
        was running.
    @ivar inWrite: Set by the suite while it calls the peer's C{write}: data
        delivered meanwhile is delivered from within C{write}.
    @ivar deliveredInWrite: Whether data was delivered from within the
        peer's C{write}.
    """

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.events: list[str] = []
        self.reasons: list[Failure] = []
        self.onData: Callable[[bytes], object] | None = None
        self.onMade: Callable[[], object] | None = None
        self.reentered = False
        self.inWrite = False
        self.deliveredInWrite = False
        self._running = False

    @property
    def received(self) -> bytes:
        """
        Every byte received, joined.
        """
        return b"".join(self.chunks)

    def _enter(self, event: str) -> None:
        if self._running:
            self.reentered = True
        if not (event == "dataReceived" and self.events[-1:] == [event]):
            self.events.append(event)

    def _run(self, call: Callable[[], object]) -> None:
        self._running = True
        try:
            call()
        finally:
            self._running = False

    def connectionMade(self) -> None:
        self._enter("connectionMade")
        onMade = self.onMade
        if onMade is not None:
            self._run(onMade)

    def dataReceived(self, data: bytes) -> None:
        self._enter("dataReceived")
        if self.inWrite:
            self.deliveredInWrite = True
        self.chunks.append(data)
        onData = self.onData
        if onData is not None:
            self._run(lambda: onData(data))

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        self._enter("connectionLost")
        self.reasons.append(reason)


@implementer(IHalfCloseableProtocol)
class _HalfCloseRecorder(_Recorder):
    """
    A L{_Recorder} that can be half-closed.

    @ivar onReadLost: Called from C{readConnectionLost}.
    """

    onReadLost: Callable[[], object] | None = None

    def readConnectionLost(self) -> None:
        self._enter("readConnectionLost")
        onReadLost = self.onReadLost
        if onReadLost is not None:
            self._run(onReadLost)

    def writeConnectionLost(self) -> None:
        self._enter("writeConnectionLost")


@implementer(IPushProducer)
class _Producer:
    """
    A producer that records the calls made to it.

    @ivar events: C{"pause"}, C{"resume"} and C{"stop"}, in order.
    """

    def __init__(self) -> None:
        self.events: list[str] = []

    def pauseProducing(self) -> None:
        self.events.append("pause")

    def resumeProducing(self) -> None:
        self.events.append("resume")

    def stopProducing(self) -> None:
        self.events.append("stop")


def _transport(protocol: Protocol) -> Any:
    """
    The transport of a connected protocol, typed as C{Any}: the suite calls
    the methods of C{ITCPTransport}, L{IConsumer} and L{IPushProducer} on
    it, which no one interface names.
    """
    transport = protocol.transport
    assert transport is not None, f"{protocol!r} has no transport"
    return transport


class TransportPairTestsMixin(_Base):
    """
    The behaviour of a TCP connection that an in-memory pair of transports
    should show, as checks to mix into a test case: the conformance suite
    that twistedtesting's own transports pass, for checking your own fakes.

    Mix it into a :class:`twistedtesting.SynchronousTestCase` (or any
    :class:`unittest.TestCase`) and implement :meth:`connectPair`::

        class MyFakeTests(TransportPairTestsMixin, SynchronousTestCase):
            def connectPair(self, server, client):
                return MyFake(server, client).flush

    Each check connects two protocols of its own with :meth:`connectPair`,
    has them write, close, abort or pause, calls the returned pump, and
    asserts what a TCP connection between them would give:

    * every byte once and in order, in non-empty chunks, never delivered
      before the pump runs, from within ``write``, or to a protocol that is
      still running;
    * ``write`` and ``writeSequence`` refuse what is not ``bytes`` with a
      ``TypeError``;
    * each end's ``getPeer`` is the other's ``getHost``;
    * what is written before ``loseConnection``, or after it in the same
      turn, arrives before the end; each side gets ``connectionLost`` with
      ``ConnectionDone``, once, after ``dataReceived`` returned;
    * ``abortConnection`` drops what was not yet delivered, and writes after
      it go nowhere; the side that aborted gets ``ConnectionAborted``, the
      other a ``ConnectionClosed``;
    * half-close: ``loseWriteConnection`` and
      :class:`~twisted.internet.interfaces.IHalfCloseableProtocol`, as with
      Twisted's TCP transport (a connection whose two halves are shut stays
      connected until it is closed);
    * ``pauseProducing`` and ``resumeProducing``; a second producer refused
      with ``RuntimeError``; producers stopped when the connection is lost;
      ``loseConnection`` waiting for a non-streaming producer.

    The checks use only what :class:`unittest.TestCase` has, and import
    nothing from ``twisted.test``.

    :cvar halfCloseable: Whether the transports support half-close; if
        ``False``, the half-close checks are skipped, saying why.
    """

    halfCloseable: ClassVar[bool] = True

    def connectPair(self, server: Protocol, client: Protocol) -> Callable[[], object]:
        """
        Connect ``server`` and ``client`` with the transports under test.
        Your test case implements it.

        Connecting calls each protocol's ``makeConnection``; nothing
        written may be delivered until the returned pump is called.

        :param server: The server protocol.
        :param client: The client protocol.
        :returns: The pump: called with no arguments, it delivers everything
            that can be delivered in both directions, and the ends and losses
            of the connection that were asked for, until both sides are
            quiet; as :meth:`twistedtesting.ChunkedPair.flush` does, or
            ``IOPump.flush`` in ``twisted.test.iosim``, or advancing a clock
            until nothing is scheduled on it.
        :raises NotImplementedError: Unless your test case implements it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement connectPair(server, client), "
            "returning a callable that delivers everything pending"
        )

    def _connect(
        self, server: _Recorder | None = None, client: _Recorder | None = None
    ) -> tuple[_Recorder, _Recorder, Callable[[], object]]:
        """
        Connect two recorders (new L{_HalfCloseRecorder}s unless given) and
        check that they were connected.
        """
        if server is None:
            server = _HalfCloseRecorder()
        if client is None:
            client = _HalfCloseRecorder()
        pump = self.connectPair(server, client)
        if not callable(pump):
            self.fail(f"connectPair() returned {pump!r}, not a pump to call")
        return server, client, pump

    def _skipUnlessHalfCloseable(self) -> None:
        if not type(self).halfCloseable:
            raise unittest.SkipTest(
                f"{type(self).__name__}.halfCloseable is False: the transports "
                "do not support half-close"
            )

    def _write(self, writer: _Recorder, reader: _Recorder, data: bytes) -> None:
        """
        Write C{data} with C{writer}'s transport, noting whether C{reader}
        receives anything from within the C{write}.
        """
        reader.inWrite = True
        try:
            _transport(writer).write(data)
        finally:
            reader.inWrite = False

    def _assertLost(
        self, protocol: _Recorder, error: type[Exception], side: str
    ) -> None:
        """
        C{protocol} lost its connection once, last, with C{error}.
        """
        self.assertEqual(
            len(protocol.reasons),
            1,
            f"the {side} should get connectionLost once; it got {protocol.events}",
        )
        self.assertEqual(protocol.events[-1], "connectionLost")
        reason = protocol.reasons[0]
        self.assertIsInstance(
            reason.value,
            error,
            f"the {side}'s connectionLost should be given a {error.__name__}; "
            f"it was given {reason.value!r}",
        )

    def test_connectionMade(self) -> None:
        """
        Each protocol is connected once, to a transport that provides
        L{ITransport}, L{IConsumer} and L{IPushProducer}, before anything
        else happens to it.
        """
        server, client, pump = self._connect()
        pump()
        for protocol in (server, client):
            self.assertEqual(protocol.events, ["connectionMade"])
            transport = _transport(protocol)
            for interface in (ITransport, IConsumer, IPushProducer):
                self.assertTrue(verifyObject(interface, transport))
        self.assertIsNot(_transport(server), _transport(client))

    def test_addresses(self) -> None:
        """
        Each end's C{getPeer} is the other end's C{getHost}, and the two
        differ.
        """
        server, client, _ = self._connect()
        serverEnd, clientEnd = _transport(server), _transport(client)
        for address in (serverEnd.getHost(), serverEnd.getPeer()):
            self.assertTrue(IAddress.providedBy(address), address)
        self.assertEqual(serverEnd.getPeer(), clientEnd.getHost())
        self.assertEqual(clientEnd.getPeer(), serverEnd.getHost())
        self.assertNotEqual(serverEnd.getHost(), serverEnd.getPeer())

    def test_bytesBothWays(self) -> None:
        """
        What each side writes, in several writes, reaches the other exactly
        once, in order, in non-empty chunks, and only once the pump runs.
        """
        server, client, pump = self._connect()
        toServer = [b"hello", b" ", b"server\r\n", bytes(range(256))]
        toClient = [b"hello", b"client", bytes(reversed(range(256)))]
        for piece in toServer:
            self._write(client, server, piece)
        for piece in toClient:
            self._write(server, client, piece)
        self.assertEqual(
            (server.chunks, client.chunks),
            ([], []),
            "nothing should be delivered before the pump runs",
        )
        pump()
        self.assertEqual(server.received, b"".join(toServer))
        self.assertEqual(client.received, b"".join(toClient))
        self.assertNotIn(b"", server.chunks + client.chunks)

    def test_writeSequence(self) -> None:
        """
        C{writeSequence} sends its pieces in order, as one write of them
        joined would.
        """
        server, client, pump = self._connect()
        _transport(client).writeSequence([b"one ", b"", b"two ", b"three"])
        pump()
        self.assertEqual(server.received, b"one two three")

    def test_manyBytes(self) -> None:
        """
        A megabyte written in one write, and another in many small ones,
        arrive whole and in order.
        """
        server, client, pump = self._connect()
        data = random.Random(1).randbytes(2**20)
        _transport(client).write(data)
        write = _transport(client).write
        for start in range(0, len(data), 1000):
            write(data[start : start + 1000])
        pump()
        self.assertEqual(len(server.received), 2 * len(data))
        self.assertTrue(server.received == data + data, "the bytes were changed")

    def test_writeRequiresBytes(self) -> None:
        """
        C{write} and C{writeSequence} refuse what is not bytes with a
        L{TypeError}.
        """
        server, client, pump = self._connect()
        transport = _transport(client)
        self.assertRaises(TypeError, transport.write, "text")
        self.assertRaises(TypeError, transport.writeSequence, ["text"])
        pump()
        self.assertEqual(server.received, b"")

    def test_noDeliveryWithinWrite(self) -> None:
        """
        No data is delivered from within C{write}, nor to a protocol while
        it is running: two protocols that answer each other from
        C{dataReceived} are each called one call at a time.
        """
        server, client, pump = self._connect()
        rounds: list[bytes] = []

        def answer(protocol: _Recorder, peer: _Recorder) -> Callable[[bytes], None]:
            def onData(data: bytes) -> None:
                if len(rounds) < 20 and data.endswith(b"."):
                    rounds.append(data)
                    self._write(protocol, peer, b"ping" * 10 + b".")

            return onData

        server.onData = answer(server, client)
        client.onData = answer(client, server)
        self._write(client, server, b"start.")
        pump()
        self.assertEqual(len(rounds), 20, "the protocols stopped answering")
        for protocol in (server, client):
            self.assertFalse(protocol.deliveredInWrite, "delivered within write()")
            self.assertFalse(protocol.reentered, "dataReceived was re-entered")

    def test_loseConnection(self) -> None:
        """
        What a side writes before C{loseConnection}, and after it in the same
        turn, reaches the other side before the end; both sides then get
        C{connectionLost} with L{ConnectionDone}, once.
        """
        server, client, pump = self._connect(_Recorder(), _Recorder())
        transport = _transport(client)
        transport.write(b"good")
        transport.loseConnection()
        transport.write(b"bye")
        pump()
        self.assertEqual(server.received, b"goodbye")
        self.assertEqual(
            server.events, ["connectionMade", "dataReceived", "connectionLost"]
        )
        self._assertLost(server, ConnectionDone, "server")
        self._assertLost(client, ConnectionDone, "client")

    def test_loseConnectionFromDataReceived(self) -> None:
        """
        A protocol that closes from C{dataReceived} gets C{connectionLost}
        once, only after C{dataReceived} returned; its peer gets the answer
        it wrote just before closing, then the end.
        """
        server, client, pump = self._connect(_Recorder(), _Recorder())

        def onData(data: bytes) -> None:
            _transport(server).write(b"done")
            _transport(server).loseConnection()

        server.onData = onData
        _transport(client).write(b"request")
        pump()
        self.assertFalse(server.reentered, "connectionLost ran within dataReceived")
        self._assertLost(server, ConnectionDone, "server")
        self.assertEqual(client.received, b"done")
        self._assertLost(client, ConnectionDone, "client")

    def test_abortConnection(self) -> None:
        """
        C{abortConnection} drops what was not yet delivered: the peer gets
        none of what was written in the same turn; the side that aborted
        gets L{ConnectionAborted}, the other a L{ConnectionClosed}; writes
        after the abort go nowhere.
        """
        server, client, pump = self._connect(_Recorder(), _Recorder())
        transport = _transport(client)
        transport.write(b"never sent")
        transport.abortConnection()
        transport.write(b"nor this")
        pump()
        self.assertEqual(server.received, b"", "bytes written before the abort arrived")
        self._assertLost(client, ConnectionAborted, "client")
        self._assertLost(server, ConnectionClosed, "server")

    def test_connectionLostOnce(self) -> None:
        """
        Once a side closed, further closes of every kind, on either side,
        change nothing: each side gets C{connectionLost} once.
        """
        server, client, pump = self._connect(_Recorder(), _Recorder())
        transport = _transport(client)
        transport.loseConnection()
        transport.loseConnection()
        pump()
        transport.loseConnection()
        transport.abortConnection()
        _transport(server).loseConnection()
        _transport(server).abortConnection()
        pump()
        self._assertLost(client, ConnectionDone, "client")
        self._assertLost(server, ConnectionDone, "server")

    def test_halfClose(self) -> None:
        """
        C{loseWriteConnection} ends the peer's input after what was written:
        a half-closeable peer gets C{readConnectionLost} and may still answer;
        the side that shut gets C{writeConnectionLost}, then the answer, then
        C{readConnectionLost} when the peer closes, and stays connected, as
        with TCP, until it closes too.
        """
        self._skipUnlessHalfCloseable()
        answerer = _HalfCloseRecorder()

        def onReadLost() -> None:
            _transport(answerer).write(b"answer")
            _transport(answerer).loseConnection()

        answerer.onReadLost = onReadLost
        server, client, pump = self._connect(answerer)
        _transport(client).write(b"question")
        _transport(client).loseWriteConnection()
        pump()
        self.assertEqual(server.received, b"question")
        self.assertEqual(client.received, b"answer")
        self.assertEqual(
            client.events,
            [
                "connectionMade",
                "writeConnectionLost",
                "dataReceived",
                "readConnectionLost",
            ],
        )
        self._assertLost(server, ConnectionDone, "server")
        _transport(client).loseConnection()
        pump()
        self._assertLost(client, ConnectionDone, "client")

    def test_halfCloseToWholeProtocol(self) -> None:
        """
        When a side shuts its writing, a peer that is not half-closeable
        gets what was written, then C{connectionLost} with
        L{ConnectionDone}, as with TCP.
        """
        self._skipUnlessHalfCloseable()
        server, client, pump = self._connect(_Recorder())
        _transport(client).write(b"last")
        _transport(client).loseWriteConnection()
        pump()
        self.assertEqual(server.received, b"last")
        self._assertLost(server, ConnectionDone, "server")

    def test_pauseProducing(self) -> None:
        """
        While a side's transport is paused, nothing is delivered to that
        side; once resumed, everything is, once and in order.
        """
        server, client, pump = self._connect()
        _transport(server).pauseProducing()
        _transport(client).write(b"wait for it")
        pump()
        self.assertEqual(server.chunks, [], "delivered to a paused transport")
        _transport(server).resumeProducing()
        pump()
        self.assertEqual(server.received, b"wait for it")

    def test_registerProducerTwice(self) -> None:
        """
        Registering a producer while one is registered raises
        L{RuntimeError}; once unregistered, another may be registered.
        """
        _, client, _ = self._connect()
        transport = _transport(client)
        transport.registerProducer(_Producer(), True)
        self.assertRaises(
            RuntimeError,
            transport.registerProducer,
            _Producer(),
            True,
        )
        transport.unregisterProducer()
        transport.registerProducer(_Producer(), False)

    def test_producerStoppedOnLoss(self) -> None:
        """
        A producer still registered when the connection is lost is stopped.
        """
        server, client, pump = self._connect()
        producer = _Producer()
        _transport(client).registerProducer(producer, True)
        _transport(server).abortConnection()
        pump()
        self.assertIn("stop", producer.events)
        self.assertEqual(producer.events[-1], "stop")

    def test_loseConnectionWaitsForProducer(self) -> None:
        """
        With a non-streaming producer registered, C{loseConnection} waits
        until it is unregistered; then what was written arrives, then the
        end.
        """
        server, client, pump = self._connect(_Recorder(), _Recorder())
        transport = _transport(client)
        transport.registerProducer(_Producer(), False)
        transport.write(b"data")
        transport.loseConnection()
        pump()
        self.assertEqual(client.reasons, [], "the connection closed under a producer")
        transport.unregisterProducer()
        pump()
        self.assertEqual(server.received, b"data")
        self._assertLost(client, ConnectionDone, "client")
        self._assertLost(server, ConnectionDone, "server")
