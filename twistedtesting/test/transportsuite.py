# -*- test-case-name: twistedtesting.test.test_chunked,twistedtesting.test.test_pair -*-
"""
The behaviour every chunked transport must show, whatever it is joined to
and however it cuts its input: one suite, in the way trio checks its
streams, that C{test_chunked} runs for a transport fed by the test (with
and without a clock) and C{test_pair} runs for both directions of a pair,
each with every chunking policy.

This module holds no tests itself: L{behaviourTests} makes the test case
classes, which the test modules put in their namespace.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionAborted, ConnectionDone, ConnectionLost
from twisted.internet.interfaces import (
    IConsumer,
    IHalfCloseableProtocol,
    IPushProducer,
    ITCPTransport,
    ITransport,
)
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.trial.unittest import SkipTest
from zope.interface import implementer
from zope.interface.verify import verifyObject

from twistedtesting import (
    ChunkedTransport,
    ChunkingPolicy,
    Clock,
    FixedChunks,
    OneByteChunks,
    RandomChunks,
    ScriptedChunks,
    SplitAt,
    SynchronousTestCase,
    connectChunked,
)
from twistedtesting._pairchecks import RecordingProducer as RecordingProducer

if TYPE_CHECKING:
    _Base = SynchronousTestCase
else:
    _Base = object


class RecordingProtocol(Protocol):
    """
    A protocol that records what happens to it, for tests.

    @ivar chunks: The chunks given to C{dataReceived}, in order.
    @ivar events: The names of the calls made to it, in order.
    @ivar lostReasons: The reasons given to C{connectionLost}.
    @ivar onData: Called with each chunk, after it is recorded.
    @ivar reentered: Whether one of its methods was called while another
        was running.
    """

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.events: list[str] = []
        self.lostReasons: list[Failure] = []
        self.onData: Callable[[bytes], object] | None = None
        self.reentered = False
        self._running = False

    @property
    def received(self) -> bytes:
        """
        Every byte received, joined.
        """
        return b"".join(self.chunks)

    @property
    def calls(self) -> list[str]:
        """
        L{events} without the C{dataReceived} calls.
        """
        return [event for event in self.events if event != "dataReceived"]

    def _enter(self, event: str) -> None:
        if self._running:
            self.reentered = True
        self.events.append(event)

    def connectionMade(self) -> None:
        self._enter("connectionMade")

    def dataReceived(self, data: bytes) -> None:
        self._enter("dataReceived")
        self.chunks.append(data)
        if self.onData is not None:
            self._running = True
            try:
                self.onData(data)
            finally:
                self._running = False

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        self._enter("connectionLost")
        self.lostReasons.append(reason)


@implementer(IHalfCloseableProtocol)
class HalfCloseRecordingProtocol(RecordingProtocol):
    """
    A L{RecordingProtocol} that provides L{IHalfCloseableProtocol}.
    """

    def readConnectionLost(self) -> None:
        self._enter("readConnectionLost")

    def writeConnectionLost(self) -> None:
        self._enter("writeConnectionLost")


@attrs.define
class Harness:
    """
    A protocol under test, the receiver, connected by a chunked transport,
    and the ways to play its peer.

    @ivar receiver: The protocol under test.
    @ivar transport: Its transport.
    @ivar send: The peer sends bytes to the receiver.
    @ivar pump: Deliver until nothing more can be; returns how many chunks
        the receiver was given.
    @ivar endInput: The peer shuts its side cleanly.
    @ivar written: What the peer has received from the receiver so far.
    @ivar drain: The peer reads everything the receiver wrote.
    """

    receiver: RecordingProtocol
    transport: ChunkedTransport
    send: Callable[[bytes], object]
    pump: Callable[[], int]
    endInput: Callable[[], object]
    written: Callable[[], bytes]
    drain: Callable[[], object]


HarnessFactory = Callable[[RecordingProtocol, ChunkingPolicy, int, int], Harness]
PolicyMaker = Callable[[random.Random], ChunkingPolicy]


def standaloneHarness(
    receiver: RecordingProtocol, policy: ChunkingPolicy, highWater: int, lowWater: int
) -> Harness:
    """
    A transport that the test feeds, delivering at once.
    """
    transport = ChunkedTransport(
        receiver, policy, highWater=highWater, lowWater=lowWater
    )
    peer = transport.peer
    return Harness(
        receiver,
        transport,
        peer.feed,
        peer.deliver,
        _endInput(transport),
        peer.value,
        peer.clear,
    )


def _endInput(transport: ChunkedTransport) -> Callable[[], object]:
    """
    End the input the test feeds; with a script that covers more than was
    fed, which C{feedEnd} refuses (see C{test_chunked}), skip the test.
    """

    def endInput() -> None:
        total = transport.inbound.chunking.totalBytes
        if (
            total is not None
            and transport.bytesDelivered + transport.bytesPending < total
        ):
            raise SkipTest(
                # The policy's name, not its repr: a script's repr lists
                # every size, which made a skip reason hundreds of numbers.
                f"this {type(transport.inbound.chunking).__name__} covers {total} "
                "bytes, more than the test feeds: feedEnd() refuses to end "
                "the input before them, as test_chunked checks"
            )
        transport.peer.feedEnd()

    return endInput


DELAY = 0.25


def _runClock(clock: Clock) -> None:
    """
    Advance C{clock} by L{DELAY} until nothing is left scheduled on it.
    """
    for _ in range(100_000):
        if not clock.getDelayedCalls():
            return
        clock.advance(DELAY)
    raise RuntimeError("the clock never ran out of delayed calls")


def clockedHarness(
    receiver: RecordingProtocol, policy: ChunkingPolicy, highWater: int, lowWater: int
) -> Harness:
    """
    A transport that the test feeds, over a link with a latency of
    L{DELAY} seconds on a L{Clock}, which C{pump} advances.
    """
    clock = Clock()
    transport = ChunkedTransport(
        receiver,
        policy,
        clock=clock,
        latency=DELAY,
        highWater=highWater,
        lowWater=lowWater,
    )

    def pump() -> int:
        before = transport.chunksDelivered
        _runClock(clock)
        return transport.chunksDelivered - before

    peer = transport.peer
    return Harness(
        receiver,
        transport,
        peer.feed,
        pump,
        _endInput(transport),
        peer.value,
        peer.clear,
    )


def _pairHarness(toServer: bool, clocked: bool = False) -> HarnessFactory:
    """
    A pair, with the receiver as the server (C{toServer}) or the client;
    the peer provides L{IHalfCloseableProtocol}, so that it stays open when
    the receiver closes.  If C{clocked}, the pair delivers on a L{Clock},
    with a latency of L{DELAY} in each direction, and C{pump} advances it;
    else C{pump} flushes the pair.
    """

    def make(
        receiver: RecordingProtocol,
        policy: ChunkingPolicy,
        highWater: int,
        lowWater: int,
    ) -> Harness:
        peer = HalfCloseRecordingProtocol()
        clock = Clock() if clocked else None
        latency = DELAY if clocked else 0
        if toServer:
            pair = connectChunked(
                receiver,
                peer,
                policy,
                OneByteChunks(),
                clock=clock,
                latency=latency,
                highWater=highWater,
                lowWater=lowWater,
            )
            transport, peerTransport = pair.serverTransport, pair.clientTransport
        else:
            pair = connectChunked(
                peer,
                receiver,
                OneByteChunks(),
                policy,
                clock=clock,
                latency=latency,
                highWater=highWater,
                lowWater=lowWater,
            )
            transport, peerTransport = pair.clientTransport, pair.serverTransport

        def pump() -> int:
            before = transport.chunksDelivered
            if clock is None:
                pair.flush()
            else:
                _runClock(clock)
            return transport.chunksDelivered - before

        return Harness(
            receiver,
            transport,
            peerTransport.write,
            pump,
            peerTransport.loseWriteConnection,
            lambda: peer.received,
            pump,
        )

    return make


pairToServerHarness = _pairHarness(toServer=True)
pairToClientHarness = _pairHarness(toServer=False)
clockedPairToServerHarness = _pairHarness(toServer=True, clocked=True)
clockedPairToClientHarness = _pairHarness(toServer=False, clocked=True)


POLICIES: dict[str, PolicyMaker] = {
    "OneByte": lambda rng: OneByteChunks(),
    "Fixed3": lambda rng: FixedChunks(3),
    "SplitAt": lambda rng: SplitAt((1, 4, 6, 11)),
    "Random": lambda rng: RandomChunks(1, 5, rng),
    "Scripted": lambda rng: ScriptedChunks(
        [rng.randint(1, 5) for _ in range(200)] + [1024]
    ),
}
"""
The chunking policies every transport is checked with; a random one draws
from a generator seeded with the test's seed.
"""


class TransportBehaviourMixin(_Base):
    """
    The behaviour of a chunked transport, checked through a L{Harness}.

    @cvar connect: Makes the harness.
    @cvar makePolicy: Makes the chunking policy from a generator.
    """

    connect: ClassVar[HarnessFactory]
    makePolicy: ClassVar[PolicyMaker]

    def harness(
        self,
        receiver: RecordingProtocol | None = None,
        highWater: int = 65536,
        lowWater: int = 0,
    ) -> Harness:
        """
        Connect C{receiver} (a new L{RecordingProtocol} by default) with
        this class's transport and policy, the policy's generator seeded
        with the test's seed.
        """
        if receiver is None:
            receiver = RecordingProtocol()
        policy = type(self).makePolicy(random.Random(self.seed))
        return type(self).connect(receiver, policy, highWater, lowWater)

    def expectedChunks(self, data: bytes) -> list[bytes]:
        """
        The chunks this class's policy cuts C{data}, sent at once, into.
        """
        chunks = []
        position = 0
        sizes = type(self).makePolicy(random.Random(self.seed)).chunkSizes()
        while position < len(data):
            size = next(sizes)
            chunks.append(data[position : position + size])
            position += size
        return chunks

    def policyCuts(self, length: int) -> set[int]:
        """
        The offsets, from 1 to C{length}, at which this class's policy cuts.
        """
        sizes = type(self).makePolicy(random.Random(self.seed)).chunkSizes()
        cuts = itertools.takewhile(
            lambda cut: cut < length, itertools.accumulate(sizes)
        )
        return {*cuts, length}

    def test_interfaces(self) -> None:
        """
        The transport provides L{ITransport}, L{ITCPTransport}, L{IConsumer}
        and L{IPushProducer}, with every method they name.
        """
        transport = self.harness().transport
        for interface in (ITransport, ITCPTransport, IConsumer, IPushProducer):
            self.assertTrue(verifyObject(interface, transport))

    def test_addresses(self) -> None:
        """
        C{getHost} and C{getPeer} give two different IPv4 TCP addresses.
        """
        transport = self.harness().transport
        host, peer = transport.getHost(), transport.getPeer()
        self.assertIsInstance(host, IPv4Address)
        self.assertIsInstance(peer, IPv4Address)
        self.assertEqual((host.type, peer.type), ("TCP", "TCP"))
        self.assertNotEqual(host, peer)

    def test_connectionMade(self) -> None:
        """
        The protocol is connected to its transport, once, before anything
        is delivered.
        """
        harness = self.harness()
        self.assertEqual(harness.receiver.events, ["connectionMade"])
        self.assertIs(harness.receiver.transport, harness.transport)
        self.assertTrue(harness.transport.connected)

    def test_bytesInOrder(self) -> None:
        """
        Bytes sent in several pieces reach the protocol exactly once, in
        order, in non-empty chunks, which the transport counts.
        """
        harness = self.harness()
        pieces = [b"hello", b" ", b"world\r\n", bytes(range(256))]
        for piece in pieces:
            harness.send(piece)
        harness.pump()
        self.assertEqual(harness.receiver.received, b"".join(pieces))
        self.assertNotIn(b"", harness.receiver.chunks)
        self.assertEqual(harness.transport.bytesDelivered, 269)
        self.assertEqual(harness.transport.bytesPending, 0)
        self.assertEqual(
            harness.transport.chunksDelivered, len(harness.receiver.chunks)
        )

    def test_chunksFollowPolicy(self) -> None:
        """
        Bytes sent at once are cut exactly where the policy says.
        """
        harness = self.harness()
        data = bytes(range(40))
        harness.send(data)
        harness.pump()
        self.assertEqual(harness.receiver.chunks, self.expectedChunks(data))

    def test_cutsAcrossPieces(self) -> None:
        """
        When bytes arrive in pieces, each delivered before the next is sent,
        the chunks end exactly at the policy's cuts and at the pieces' ends.
        """
        harness = self.harness()
        pieces = [b"abc", b"defghij", b"k", b"lmnopqrstuvwxyz"]
        for piece in pieces:
            harness.send(piece)
            harness.pump()
        chunkEnds = set(itertools.accumulate(map(len, harness.receiver.chunks)))
        pieceEnds = set(itertools.accumulate(map(len, pieces)))
        self.assertEqual(harness.receiver.received, b"".join(pieces))
        self.assertEqual(chunkEnds, self.policyCuts(26) | pieceEnds)

    def test_pausedDeliversNothing(self) -> None:
        """
        While the transport is paused, nothing is delivered; once resumed,
        everything is, once and in order.
        """
        harness = self.harness()
        harness.transport.pauseProducing()
        harness.send(b"paused bytes")
        self.assertEqual(harness.pump(), 0)
        self.assertEqual(harness.receiver.chunks, [])
        self.assertEqual(harness.transport.bytesPending, 12)
        harness.transport.resumeProducing()
        harness.pump()
        self.assertEqual(harness.receiver.chunks, self.expectedChunks(b"paused bytes"))

    def test_pauseWithinDataReceived(self) -> None:
        """
        A protocol that pauses the transport in C{dataReceived} gets no
        further chunk until it resumes it.
        """
        harness = self.harness()
        transport = harness.transport
        harness.receiver.onData = lambda data: transport.pauseProducing()
        harness.send(b"0123456789")
        harness.pump()
        expected = self.expectedChunks(b"0123456789")
        self.assertEqual(harness.receiver.chunks, expected[:1])
        harness.receiver.onData = None
        transport.resumeProducing()
        harness.pump()
        self.assertEqual(harness.receiver.chunks, expected)

    def test_peerEnd(self) -> None:
        """
        When the peer shuts its side, the protocol gets every byte sent
        before, then C{connectionLost} with L{ConnectionDone}, once.
        """
        harness = self.harness()
        harness.send(b"last words")
        harness.endInput()
        harness.pump()
        receiver = harness.receiver
        self.assertEqual(receiver.received, b"last words")
        self.assertEqual(receiver.events[-1], "connectionLost")
        self.assertEqual(receiver.calls, ["connectionMade", "connectionLost"])
        self.assertIsInstance(receiver.lostReasons[0].value, ConnectionDone)
        self.assertTrue(harness.transport.disconnected)
        self.assertFalse(harness.transport.connected)

    def test_halfCloseReadSide(self) -> None:
        """
        When the peer shuts its side, a half-closeable protocol gets
        C{readConnectionLost} after the data, and may still write; when it
        closes, it gets C{connectionLost} with L{ConnectionDone}.
        """
        harness = self.harness(HalfCloseRecordingProtocol())
        receiver = harness.receiver
        harness.send(b"request")
        harness.endInput()
        harness.pump()
        self.assertEqual(receiver.calls, ["connectionMade", "readConnectionLost"])
        self.assertEqual(receiver.received, b"request")
        self.assertTrue(harness.transport.readDisconnected)
        self.assertFalse(harness.transport.disconnected)
        harness.transport.write(b"response")
        harness.transport.loseConnection()
        harness.pump()
        self.assertEqual(harness.written(), b"response")
        self.assertEqual(
            receiver.calls, ["connectionMade", "readConnectionLost", "connectionLost"]
        )
        self.assertIsInstance(receiver.lostReasons[0].value, ConnectionDone)

    def test_halfCloseWriteSide(self) -> None:
        """
        C{loseWriteConnection} ends the peer's input after what was written,
        and a half-closeable protocol gets C{writeConnectionLost}; input is
        still delivered, and later writes are ignored.
        """
        harness = self.harness(HalfCloseRecordingProtocol())
        transport = harness.transport
        transport.write(b"bye")
        transport.loseWriteConnection()
        harness.pump()
        self.assertTrue(transport.writeDisconnected)
        self.assertEqual(
            harness.receiver.calls, ["connectionMade", "writeConnectionLost"]
        )
        self.assertEqual(harness.written(), b"bye")
        harness.send(b"more")
        harness.pump()
        self.assertEqual(harness.receiver.received, b"more")
        transport.write(b"ignored")
        harness.pump()
        self.assertEqual(harness.written(), b"bye")

    def test_loseConnectionKeepsWrites(self) -> None:
        """
        What the protocol wrote before C{loseConnection} reaches the peer,
        and the protocol gets C{connectionLost} with L{ConnectionDone},
        once.
        """
        harness = self.harness()
        harness.transport.write(b"good")
        harness.transport.writeSequence([b"b", b"ye"])
        harness.transport.loseConnection()
        harness.pump()
        self.assertEqual(harness.written(), b"goodbye")
        self.assertEqual(len(harness.receiver.lostReasons), 1)
        self.assertIsInstance(harness.receiver.lostReasons[0].value, ConnectionDone)
        self.assertTrue(harness.transport.disconnecting)

    def test_loseConnectionWithinDataReceived(self) -> None:
        """
        A protocol that closes the connection from C{dataReceived} gets no
        further chunk, and gets C{connectionLost} only once
        C{dataReceived} has returned; the bytes not delivered are counted as
        discarded.
        """
        harness = self.harness()
        receiver = harness.receiver
        receiver.onData = lambda data: harness.transport.loseConnection()
        harness.send(b"0123456789")
        harness.pump()
        first = self.expectedChunks(b"0123456789")[0]
        self.assertEqual(receiver.chunks, [first])
        self.assertEqual(
            receiver.events, ["connectionMade", "dataReceived", "connectionLost"]
        )
        self.assertFalse(receiver.reentered)
        self.assertIsInstance(receiver.lostReasons[0].value, ConnectionDone)
        self.assertEqual(harness.transport.bytesDiscarded, 10 - len(first))

    def test_abortConnection(self) -> None:
        """
        C{abortConnection} drops the bytes not yet delivered and calls
        C{connectionLost} (on the transport's next delivery) with
        L{ConnectionAborted}, a L{ConnectionLost}; nothing is delivered after
        it.
        """
        harness = self.harness()
        harness.transport.pauseProducing()
        harness.send(b"never delivered")
        harness.pump()
        harness.transport.abortConnection()
        harness.pump()
        receiver = harness.receiver
        self.assertEqual(receiver.calls, ["connectionMade", "connectionLost"])
        self.assertIsInstance(receiver.lostReasons[0].value, ConnectionAborted)
        self.assertIsInstance(receiver.lostReasons[0].value, ConnectionLost)
        self.assertEqual(harness.transport.bytesDiscarded, 15)
        self.assertEqual(harness.transport.bytesPending, 0)
        harness.transport.resumeProducing()
        harness.pump()
        self.assertEqual(receiver.chunks, [])
        self.assertEqual(len(receiver.lostReasons), 1)

    def test_connectionLostOnce(self) -> None:
        """
        Once the connection is lost, further closes of every kind change
        nothing: C{connectionLost} was called once.
        """
        harness = self.harness()
        transport = harness.transport
        transport.loseConnection()
        transport.loseConnection()
        transport.abortConnection()
        transport.loseWriteConnection()
        transport.stopProducing()
        harness.pump()
        self.assertEqual(len(harness.receiver.lostReasons), 1)
        self.assertEqual(harness.receiver.calls, ["connectionMade", "connectionLost"])

    def test_writeRequiresBytes(self) -> None:
        """
        C{write} and C{writeSequence} refuse what is not bytes with a
        L{TypeError}, and write nothing.
        """
        harness = self.harness()
        error = self.assertRaises(TypeError, harness.transport.write, "text")
        self.assertEqual(str(error), "Data must be bytes, not str 'text'")
        self.assertRaises(TypeError, harness.transport.writeSequence, [b"fine", "text"])
        harness.pump()
        self.assertEqual(harness.written(), b"")

    def test_streamingProducerWaterMarks(self) -> None:
        """
        A streaming producer is paused once more than C{highWater} written
        bytes are unread, once, and resumed when the peer reads them.
        """
        harness = self.harness(highWater=10, lowWater=4)
        producer = RecordingProducer()
        harness.transport.registerProducer(producer, True)
        harness.transport.write(b"x" * 10)
        self.assertEqual(producer.events, [])
        harness.transport.write(b"y")
        harness.transport.write(b"z")
        self.assertEqual(producer.events, ["pause"])
        harness.drain()
        self.assertEqual(producer.events, ["pause", "resume"])

    def test_loseConnectionWaitsForProducer(self) -> None:
        """
        With a non-streaming producer registered, C{loseConnection} waits for
        it to be unregistered; then the protocol gets C{connectionLost} with
        L{ConnectionDone}, and what was written reaches the peer.
        """
        harness = self.harness()
        producer = RecordingProducer()
        harness.transport.registerProducer(producer, False)
        harness.transport.write(b"data")
        harness.transport.loseConnection()
        harness.pump()
        self.assertEqual(harness.receiver.lostReasons, [])
        self.assertTrue(harness.transport.disconnecting)
        harness.transport.unregisterProducer()
        harness.pump()
        self.assertEqual(len(harness.receiver.lostReasons), 1)
        self.assertIsInstance(harness.receiver.lostReasons[0].value, ConnectionDone)
        self.assertEqual(harness.written(), b"data")
        self.assertNotIn("stop", producer.events)

    def test_loseConnectionStopsStreamingProducer(self) -> None:
        """
        A streaming producer that is not paused does not hold
        C{loseConnection}, as with Twisted's TCP transport: it is stopped,
        the protocol gets C{connectionLost} with L{ConnectionDone}, and what
        was written reaches the peer.
        """
        harness = self.harness()
        producer = RecordingProducer()
        harness.transport.registerProducer(producer, True)
        harness.transport.write(b"data")
        harness.transport.loseConnection()
        harness.pump()
        self.assertEqual(len(harness.receiver.lostReasons), 1)
        self.assertIsInstance(harness.receiver.lostReasons[0].value, ConnectionDone)
        self.assertEqual(harness.written(), b"data")
        self.assertEqual(producer.events, ["stop"])

    def test_producerStoppedOnLoss(self) -> None:
        """
        A producer still registered when the connection is lost is stopped.
        """
        harness = self.harness()
        producer = RecordingProducer()
        harness.transport.registerProducer(producer, True)
        harness.transport.abortConnection()
        harness.pump()
        self.assertEqual(producer.events, ["stop"])
        self.assertIsNone(harness.transport.producer)


def behaviourTests(
    transportName: str, connect: HarnessFactory, module: str
) -> dict[str, type[SynchronousTestCase]]:
    """
    Make one test case class per policy in L{POLICIES} that checks
    L{TransportBehaviourMixin} for transports that C{connect} makes.

    @param transportName: Names the transport in the classes' names.
    @param connect: Makes the harness.
    @param module: The name of the module the classes go in.
    @return: The classes, by name, to add to C{module}'s namespace.
    """
    classes: dict[str, type[SynchronousTestCase]] = {}
    for policyName, makePolicy in POLICIES.items():
        name = f"{transportName}{policyName}BehaviourTests"
        namespace: dict[str, Any] = {
            "__module__": module,
            "__qualname__": name,
            "__doc__": (
                f"The behaviour of a {transportName} transport that cuts its "
                f"input with the {policyName} policy."
            ),
            "connect": staticmethod(connect),
            "makePolicy": staticmethod(makePolicy),
        }
        classes[name] = type(
            name, (TransportBehaviourMixin, SynchronousTestCase), namespace
        )
    return classes
