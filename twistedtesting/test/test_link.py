# -*- test-case-name: twistedtesting.test.test_link -*-
"""
Tests for L{twistedtesting.Link}: one direction of a connection, with
latency, jitter, bandwidth and faults on a clock; alone, under transports,
and under real Twisted protocols.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import ClassVar

from twisted.internet.error import ConnectionLost
from twisted.protocols import amp
from twisted.protocols.basic import LineReceiver
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import Request, Site

from twistedtesting import (
    AsFed,
    ChunkedTransport,
    Clock,
    FixedChunks,
    FixedDelay,
    HalfOfPending,
    Link,
    OneByteChunks,
    RandomChunks,
    RandomDelay,
    SynchronousTestCase,
    _cutter,
    connectChunked,
)
from twistedtesting.test.transportsuite import RecordingProtocol


class Receiver:
    """
    A receiving end for a bare L{Link}: it takes every chunk due, and
    records the chunks, their times, the end and resets.

    @ivar chunks: The chunks, in order.
    @ivar times: The clock's time at each chunk.
    @ivar events: C{"end"} and C{"reset"}, in order.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self.chunks: list[bytes] = []
        self.times: list[float] = []
        self.events: list[str] = []
        self.reasons: list[Failure] = []

    def dataReceived(self, data: bytes) -> None:
        self.chunks.append(data)
        self.times.append(-1.0 if self.clock is None else self.clock.seconds())

    def deliveryDue(self, link: Link, maxChunks: int | None, now: float | None) -> int:
        return link.pour(self.dataReceived, maxChunks, now)

    def inputEnded(self) -> None:
        self.events.append("end")

    def inputReset(self, reason: Failure) -> None:
        self.events.append("reset")
        self.reasons.append(reason)


def wired(
    chunking: object = None, clock: Clock | None = None, **settings: object
) -> tuple[Link, Receiver]:
    """
    A link (one-byte chunks unless C{chunking}) wired to a new
    L{Receiver}.
    """
    link = Link(
        OneByteChunks() if chunking is None else chunking,  # type: ignore[arg-type]
        clock=clock,
        **settings,  # type: ignore[arg-type]
    )
    receiver = Receiver(clock)
    link.receiver = receiver
    return link, receiver


class LatencyTests(SynchronousTestCase):
    """
    Bytes arrive a latency after they are sent, however they are cut.
    """

    def test_eachWriteItsOwnLatency(self) -> None:
        """
        Writes made at t=0, 0.25 and 0.5 over a link with a latency of 1
        second arrive at t=1, 1.25 and 1.5, not all at once.
        """
        clock = Clock()
        link, receiver = wired(FixedChunks(2), clock, latency=1)
        for data in [b"abc", b"de", b"f"]:
            link.send(data)
            clock.advance(0.25)
        clock.advance(0.4)
        self.assertEqual(receiver.chunks, [b"ab", b"c"])
        self.assertEqual(receiver.times, [1.0, 1.0])
        clock.advance(1)
        self.assertEqual(receiver.chunks, [b"ab", b"c", b"d", b"e", b"f"])
        self.assertEqual(receiver.times, [1.0, 1.0, 1.25, 1.25, 1.5])

    def test_jitterNeverReorders(self) -> None:
        """
        With a latency drawn at random for each write, every byte arrives
        once, in order, no sooner than the shortest latency after it was
        sent, and never before a byte sent earlier.
        """
        clock = Clock()
        link, receiver = wired(
            RandomChunks(1, 5, self.random),
            clock,
            latency=RandomDelay(0.5, 2.0, self.random),
        )
        sent: list[tuple[float, bytes]] = []
        for index in range(200):
            data = bytes([index]) * (index % 7 + 1)
            link.send(data)
            sent.append((clock.seconds(), data))
            clock.advance(0.1)
        clock.advance(3)
        self.assertEqual(b"".join(receiver.chunks), b"".join(d for _, d in sent))
        self.assertEqual(receiver.times, sorted(receiver.times))
        offset = 0
        for chunk, arrived in zip(receiver.chunks, receiver.times, strict=True):
            offset += len(chunk)
            total = 0
            for sentAt, data in sent:
                total += len(data)
                if total >= offset:
                    self.assertGreaterEqual(arrived, sentAt + 0.5)
                    break

    def test_zeroLatencyLoopGuard(self) -> None:
        """
        20,000 one-byte chunks due at the same instant are delivered by one
        C{advance(0)} of L{twistedtesting.Clock}, without tripping its loop
        guard.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks(), clock=clock)
        transport.peer.feed(b"x" * 20_000)
        clock.advance(0)
        self.assertEqual(transport.chunksDelivered, 20_000)
        self.assertEqual(len(protocol.chunks), 20_000)

    def test_spacing(self) -> None:
        """
        A spacing delivers one chunk at a time, that long after the one
        before, and is counted from when a paused link resumes.
        """
        clock = Clock()
        link, receiver = wired(
            FixedChunks(2), clock, latency=1, spacing=FixedDelay(0.5)
        )
        link.send(b"abcdef")
        clock.pump([0.25] * 12)
        self.assertEqual(receiver.chunks, [b"ab", b"cd", b"ef"])
        self.assertEqual(receiver.times, [1.5, 2.0, 2.5])


class BandwidthTests(SynchronousTestCase):
    """
    A bandwidth limits how fast bytes pass.
    """

    def test_megabyteAtOneMegabyteASecond(self) -> None:
        """
        1 MB over a link of 1 MB/s and a latency of 0.25 seconds has all
        arrived at exactly 1.25 seconds, and not before; chunks arrive as
        their last byte does.
        """
        clock = Clock()
        link, receiver = wired(
            FixedChunks(65536), clock, latency=0.25, bandwidth=1_000_000
        )
        link.send(b"x" * 1_000_000)
        clock.advance(0.25 + 65536 / 1_000_000)
        self.assertEqual(len(receiver.chunks), 1)
        clock.advance(1.25 - clock.seconds() - 1e-9)
        self.assertLess(link.bytesDelivered, 1_000_000)
        clock.advance(1e-9)
        self.assertEqual(link.bytesDelivered, 1_000_000)
        self.assertEqual(receiver.times[-1], 1.25)
        self.assertEqual(len(receiver.chunks), 16)

    def test_writesQueueBehindEachOther(self) -> None:
        """
        A second write waits for the first to pass: at 100 bytes a second,
        two writes of 50 bytes made at once arrive at 0.5 and 1 seconds.
        """
        clock = Clock()
        link, receiver = wired(FixedChunks(1000), clock, bandwidth=100)
        link.send(b"a" * 50)
        link.send(b"b" * 50)
        clock.pump([0.25] * 4)
        self.assertEqual(receiver.chunks, [b"a" * 50, b"b" * 50])
        self.assertEqual(receiver.times, [0.5, 1.0])


class FaultTests(SynchronousTestCase):
    """
    Holding, releasing and resetting a link.
    """

    def test_holdAndRelease(self) -> None:
        """
        A held link delivers nothing, however long; released, it delivers
        what arrived meanwhile on the clock's next advance.
        """
        clock = Clock()
        link, receiver = wired(OneByteChunks(), clock, latency=0.5)
        link.hold()
        link.send(b"ab")
        clock.advance(10)
        self.assertEqual(receiver.chunks, [])
        self.assertTrue(link.held)
        self.assertEqual(clock.getDelayedCalls(), [])
        link.release()
        self.assertEqual(receiver.chunks, [])
        clock.advance(0)
        self.assertEqual(receiver.chunks, [b"a", b"b"])

    def test_resetDropsPending(self) -> None:
        """
        A reset arrives after the latency and drops every byte not yet
        delivered, those sent at the same instant before it too; bytes that
        arrived before it were delivered; bytes sent after it are discarded.
        """
        clock = Clock()
        link, receiver = wired(OneByteChunks(), clock, latency=1)
        link.send(b"ab")
        clock.advance(0.5)
        link.send(b"cd")
        link.sendReset(Failure(ConnectionLost("reset")))
        link.send(b"late")
        clock.advance(0.5)
        self.assertEqual((receiver.chunks, receiver.events), ([b"a", b"b"], []))
        clock.advance(0.5)
        self.assertEqual((receiver.chunks, receiver.events), ([b"a", b"b"], ["reset"]))
        self.assertEqual(link.bytesDiscarded, 6)
        self.assertTrue(link.closed)

    def test_endAfterBytes(self) -> None:
        """
        The end of the stream arrives after the bytes sent before it.
        """
        clock = Clock()
        link, receiver = wired(OneByteChunks(), clock, latency=1)
        link.send(b"ab")
        link.sendEnd()
        clock.advance(1)
        self.assertEqual((receiver.chunks, receiver.events), ([b"a", b"b"], ["end"]))
        self.assertTrue(link.endDelivered)

    def test_deliverWithoutClock(self) -> None:
        """
        Without a clock, C{deliver} delivers what is pending, up to
        C{maxChunks} chunks.
        """
        link, receiver = wired(OneByteChunks())
        link.send(b"abc")
        self.assertEqual(link.deliver(2), 2)
        self.assertEqual(link.bytesPending, 1)
        self.assertEqual(link.deliver(), 1)
        self.assertEqual(receiver.chunks, [b"a", b"b", b"c"])

    def test_repr(self) -> None:
        """
        The repr gives the policy, the timing, the faults and the counters.
        """
        clock = Clock()
        link, _ = wired(FixedChunks(2), clock, latency=0.5, bandwidth=1000)
        link.hold()
        link.send(b"abc")
        self.assertEqual(
            repr(link),
            "<Link FixedChunks(size=2) (latency FixedDelay(seconds=0.5), 1000 B/s, "
            "held): 0 bytes delivered in 0 chunks, 3 pending, 0 discarded>",
        )


class Echo(amp.Command):
    """
    Send a string back.
    """

    arguments: ClassVar[list[tuple[bytes, amp.Argument]]] = [(b"value", amp.Unicode())]
    response: ClassVar[list[tuple[bytes, amp.Argument]]] = [(b"value", amp.Unicode())]


class EchoServer(amp.AMP):
    """
    Answers L{Echo}.
    """

    @Echo.responder
    def echo(self, value: str) -> dict[str, str]:
        return {"value": value}


def ampCall(
    chunking: Callable[[], object], size: int, **settings: object
) -> tuple[Clock, list[float], list[int]]:
    """
    Call L{Echo} with C{size} characters over a pair on a new clock.

    @return: The clock, the times the call fired at and the lengths of
        the answers.
    """
    clock = Clock()
    client = amp.AMP()
    connectChunked(
        EchoServer(),
        client,
        chunking(),  # type: ignore[arg-type]
        clock=clock,
        **settings,  # type: ignore[arg-type]
    )
    fired: list[float] = []
    lengths: list[int] = []
    result = client.callRemote(Echo, value="x" * size)
    result.addCallback(lambda answer: lengths.append(len(answer["value"])))
    result.addCallback(lambda _: fired.append(clock.seconds()))
    return clock, fired, lengths


class RealProtocolTests(SynchronousTestCase):
    """
    Real Twisted protocols over a pair with latency.
    """

    def test_ampRoundTripTakesTwoLatencies(self) -> None:
        """
        An AMP call over random chunks of 1 to 64 bytes, with a latency of
        0.25 seconds each way, fires at exactly 0.5 seconds, with a 3 KB
        argument too.
        """
        for size in [10, 3000]:
            clock, fired, lengths = ampCall(
                lambda: RandomChunks(1, 64, self.random), size, latency=0.25
            )
            clock.advance(0.25)
            self.assertEqual(fired, [])
            clock.advance(0.125)
            self.assertEqual(fired, [])
            clock.advance(0.125)
            self.assertEqual((fired, lengths), ([0.5], [size]))

    def test_largeAmpCallWithoutLatency(self) -> None:
        """
        A 60 KB AMP call over chunks of 1 to 8 bytes, with no latency,
        completes on one C{advance(0)} of L{twistedtesting.Clock}.
        """
        clock, fired, lengths = ampCall(lambda: RandomChunks(1, 8, self.random), 60_000)
        clock.advance(0)
        self.assertEqual((fired, lengths), ([0.0], [60_000]))

    def test_site(self) -> None:
        """
        A request to L{twisted.web.server.Site}, cut into one-byte chunks,
        is answered after one round trip of a link with a latency of 0.25
        seconds each way.
        """

        class Hello(Resource):
            isLeaf = True

            def render_GET(self, request: Request) -> bytes:
                return b"hello"

        clock = Clock()
        site = Site(Hello())
        site.reactor = clock
        server = site.buildProtocol(None)
        assert server is not None
        client = RecordingProtocol()
        pair = connectChunked(
            server, client, OneByteChunks(), clock=clock, latency=0.25
        )
        pair.clientTransport.write(b"GET / HTTP/1.0\r\nHost: example\r\n\r\n")
        clock.advance(0.25)
        self.assertEqual(client.received, b"")
        clock.advance(0.25)
        self.assertTrue(client.received.startswith(b"HTTP/1.0 200 OK\r\n"))
        self.assertTrue(client.received.endswith(b"\r\n\r\nhello"))
        self.assertEqual(client.calls, ["connectionMade", "connectionLost"])

    def test_lineReceiverOverJitter(self) -> None:
        """
        A L{LineReceiver} gets every line, in order, over one-byte chunks
        with jitter.
        """

        class Lines(LineReceiver):
            def __init__(self) -> None:
                self.lines: list[bytes] = []

            def lineReceived(self, line: bytes) -> None:
                self.lines.append(line)

        clock = Clock()
        server, client = Lines(), Lines()
        connectChunked(
            server,
            client,
            OneByteChunks(),
            clock=clock,
            latency=RandomDelay(0, 0.5, random.Random(self.seed)),
        )
        expected = [b"line %d" % index for index in range(50)]
        for line in expected:
            client.sendLine(line)
            clock.advance(0.01)
        clock.advance(1)
        self.assertEqual(server.lines, expected)


class RecordTests(SynchronousTestCase):
    """
    The record of what a link delivered.
    """

    def test_sizesAndTimes(self) -> None:
        """
        The record gives each chunk's size and the time it was delivered
        at, including chunks cut short where the arrived bytes ended and
        chunks joined across writes.
        """
        clock = Clock()
        link, receiver = wired(FixedChunks(3), clock, latency=1)
        link.send(b"abcd")
        clock.advance(0.5)
        link.send(b"ef")
        link.send(b"ghi")
        clock.advance(1)
        record = link.record
        self.assertEqual(record.sizes, tuple(len(c) for c in receiver.chunks))
        self.assertEqual(record.sizes, (3, 1, 2, 3))
        self.assertEqual(record.times, (1.0, 1.0, 1.5, 1.5))
        self.assertTrue(record.complete)
        self.assertEqual(
            repr(record), "<DeliveryRecord 4 chunks, 9 bytes: [3@1, 1@1, 2@1.5, 3@1.5]>"
        )

    def test_replay(self) -> None:
        """
        C{toScript} gives a L{ScriptedChunks} that cuts the same bytes into
        the same chunks, without a clock.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, RandomChunks(1, 9, self.random))
        data = bytes(range(200))
        for start in range(0, 200, 37):
            transport.peer.feed(data[start : start + 37])
        script = transport.inbound.record.toScript()
        self.assertEqual(script.totalBytes, 200)
        replayed = RecordingProtocol()
        ChunkedTransport(replayed, script).peer.feed(data)
        self.assertEqual(replayed.chunks, protocol.chunks)

    def test_emptyAndTruncated(self) -> None:
        """
        A record of nothing, or one truncated at the record's limit, cannot
        be replayed, and says why; the truncated one says so in its account.
        """
        link, _ = wired(OneByteChunks())
        error = self.assertRaises(ValueError, link.record.toScript)
        self.assertEqual(
            str(error), "nothing was delivered, so there are no cuts to replay"
        )
        self.assertEqual(link.record.describe(), "no chunks delivered")
        self.patch(_cutter, "RECORD_LIMIT", 2)
        link, _ = wired(OneByteChunks())
        link.send(b"abcd")
        link.deliver(2)
        link.deliver()
        record = link.record
        self.assertEqual((record.sizes, record.complete), ((1, 1), False))
        self.assertIn("(record truncated)", record.describe())
        self.assertRaises(ValueError, record.toScript)


class PatchTests(SynchronousTestCase):
    """
    A transport's methods can be patched, as C{StringTransport}'s can.
    """

    def test_patchWrite(self) -> None:
        """
        C{self.patch} replaces C{write} on one transport, and puts it back.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        seen: list[bytes] = []
        self.patch(transport, "write", seen.append)
        transport.write(b"patched")
        self.assertEqual((seen, transport.peer.value()), ([b"patched"], b""))


class NewPolicyTests(SynchronousTestCase):
    """
    L{AsFed} and L{HalfOfPending}, which cut where only a link knows.
    """

    def test_asFed(self) -> None:
        """
        With L{AsFed}, each write is one chunk, even when several wait
        together, and never cut.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, AsFed())
        transport.pauseProducing()
        for piece in [b"one", b"two", b"three"]:
            transport.peer.feed(piece)
        transport.resumeProducing()
        transport.peer.deliver()
        transport.peer.feed(b"four")
        self.assertEqual(protocol.chunks, [b"one", b"two", b"three", b"four"])
        self.assertEqual(repr(AsFed()), "AsFed()")

    def test_halfOfPending(self) -> None:
        """
        With L{HalfOfPending}, each chunk is half of the bytes there,
        rounded up, across writes: 10 bytes come as 5, 3, 1 and 1.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, HalfOfPending())
        transport.pauseProducing()
        transport.peer.feed(b"abcd")
        transport.peer.feed(b"efghij")
        transport.resumeProducing()
        transport.peer.deliver()
        self.assertEqual(protocol.chunks, [b"abcde", b"fgh", b"i", b"j"])
        self.assertEqual(transport.inbound.record.sizes, (5, 3, 1, 1))
        self.assertEqual(repr(HalfOfPending()), "HalfOfPending()")

    def test_halfOfPendingOverLatency(self) -> None:
        """
        Over a link with latency, L{HalfOfPending} halves what has arrived,
        and an AMP call still completes.
        """
        clock, fired, lengths = ampCall(HalfOfPending, 5000, latency=0.25)
        clock.advance(0.5)
        self.assertEqual((fired, lengths), ([0.5], [5000]))


class RecordLimitTests(SynchronousTestCase):
    """
    A link records at most C{recordLimit} chunks.
    """

    def test_recordLimit(self) -> None:
        """
        With C{recordLimit=2}, deliveries record chunks until two are
        recorded; the record then says it is incomplete.  A negative limit
        is refused.
        """
        receiver = Receiver()
        link = Link(FixedChunks(1), recordLimit=2)
        link.receiver = receiver
        link.send(b"abcde")
        for _ in range(5):
            link.deliver(maxChunks=1)
        self.assertEqual(receiver.chunks, [b"a", b"b", b"c", b"d", b"e"])
        self.assertEqual(link.record.sizes, (1, 1))
        self.assertFalse(link.record.complete)
        self.assertRaises(ValueError, Link, FixedChunks(1), recordLimit=-1)
