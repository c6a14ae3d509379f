# -*- test-case-name: examples.test_framing_example -*-
"""
Tests for :mod:`examples.framing`, written the way a project using
twistedtesting would write them: the protocols get their input in small and
random chunks, as a network delivers it, so that framing bugs show.
"""

from __future__ import annotations

from twisted.internet.error import ConnectionLost

from examples.framing import LineClient, LineReceiver, NaiveLineReceiver, UpperServer
from twistedtesting import (
    BreakAfter,
    ChunkedTransport,
    Clock,
    FixedChunks,
    OneByteChunks,
    RandomChunks,
    RandomDelay,
    SynchronousTestCase,
    allSplits,
    connectChunked,
)

MESSAGE = b"HELO example.com\r\nMAIL FROM:<a@example.com>\r\nQUIT\r\n"
LINES = [b"HELO example.com", b"MAIL FROM:<a@example.com>", b"QUIT"]


class NaiveLineReceiverTests(SynchronousTestCase):
    """
    The framing bug of :class:`NaiveLineReceiver`: hidden by whole-buffer
    delivery, caught by small chunks.
    """

    def test_wholeMessagePasses(self) -> None:
        """
        Given the whole message in one chunk, as ``StringTransport`` tests
        give it, the buggy protocol seems right.
        """
        protocol = NaiveLineReceiver()
        transport = ChunkedTransport(protocol, FixedChunks(len(MESSAGE)))
        transport.peer.feed(MESSAGE)
        self.assertEqual(protocol.lines, LINES)

    def test_oneByteChunksCatchTheBug(self) -> None:
        """
        Given the message one byte at a time, the buggy protocol receives no
        line at all.  (A test of this protocol would assert ``LINES`` and
        fail; this one asserts what the bug does, so that the example suite
        passes.)
        """
        protocol = NaiveLineReceiver()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.peer.feed(MESSAGE)
        self.assertEqual(protocol.lines, [])
        self.assertEqual(transport.chunksDelivered, len(MESSAGE))


class LineReceiverTests(SynchronousTestCase):
    """
    Tests for :class:`LineReceiver`, which keeps partial lines.
    """

    def test_oneByteChunks(self) -> None:
        """
        One byte at a time, every line arrives.
        """
        protocol = LineReceiver()
        ChunkedTransport(protocol, OneByteChunks()).peer.feed(MESSAGE)
        self.assertEqual(protocol.lines, LINES)

    def test_randomChunks(self) -> None:
        """
        In random chunks drawn from the test's generator, every line
        arrives.  Were it to fail, the report would give the test's seed,
        which reproduces the same chunks.
        """
        protocol = LineReceiver()
        transport = ChunkedTransport(protocol, RandomChunks(1, 8, self.random))
        transport.peer.feed(MESSAGE)
        self.assertEqual(protocol.lines, LINES)

    def test_everySplit(self) -> None:
        """
        However a short message is cut, the line arrives.
        """
        for chunking in allSplits(b"QUIT\r\n"):
            protocol = LineReceiver()
            ChunkedTransport(protocol, chunking).peer.feed(b"QUIT\r\n")
            self.assertEqual(protocol.lines, [b"QUIT"], chunking)

    def test_connectionBreaks(self) -> None:
        """
        When the connection breaks in the middle of a line, the lines before
        it arrive, the rest of the line stays unfinished, and the protocol
        learns the connection was lost.
        """
        protocol = LineReceiver()
        transport = ChunkedTransport(
            protocol, RandomChunks(1, 8, self.random), fault=BreakAfter(22)
        )
        transport.peer.feed(MESSAGE)
        self.assertEqual(protocol.lines, [b"HELO example.com"])
        self.assertEqual(protocol.unfinished, b"MAIL")
        reason = protocol.lostReason
        assert reason is not None
        self.assertIs(reason.type, ConnectionLost)


class ConversationTests(SynchronousTestCase):
    """
    A client and a server, talking in memory.
    """

    def test_answers(self) -> None:
        """
        The server answers each line of the client, whatever the chunks
        each direction is cut into.
        """
        client = LineClient([b"hello", b"world"])
        server = UpperServer()
        pair = connectChunked(
            server, client, RandomChunks(1, 3, self.random), OneByteChunks()
        )
        pair.flush()
        self.assertEqual(server.lines, [b"hello", b"world"])
        self.assertEqual(client.lines, [b"HELLO", b"WORLD"])

    def test_roundTrip(self) -> None:
        """
        Over links with a latency of a quarter of a second each way, the
        answer arrives after exactly one round trip, however the bytes are
        cut.
        """
        clock = Clock()
        client = LineClient([b"ping"])
        server = UpperServer()
        connectChunked(
            server, client, RandomChunks(1, 3, self.random), clock=clock, latency=0.25
        )
        clock.advance(0.25)
        self.assertEqual(server.lines, [b"ping"])
        clock.advance(0.125)
        self.assertEqual(client.lines, [])
        clock.advance(0.125)
        self.assertEqual(client.lines, [b"PING"])

    def test_jitter(self) -> None:
        """
        With a latency drawn at random for each write (jitter), the answer
        arrives within two of the longest latencies, and no byte overtakes
        another.
        """
        clock = Clock()
        client = LineClient([b"ping", b"pong"])
        server = UpperServer()
        connectChunked(
            server,
            client,
            FixedChunks(2),
            clock=clock,
            latency=RandomDelay(0.01, 0.1, self.random),
        )
        clock.advance(0.01)
        self.assertEqual(client.lines, [])
        clock.advance(0.19)
        self.assertEqual(client.lines, [b"PING", b"PONG"])
