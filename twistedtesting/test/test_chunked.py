# -*- test-case-name: twistedtesting.test.test_chunked -*-
"""
Tests for L{twistedtesting.ChunkedTransport}: the behaviour suite of
L{transportsuite} for a transport the test feeds, with and without a clock,
and what is particular to it.
"""

from __future__ import annotations

import itertools
import random
import shlex
import unittest as pyunit
from collections.abc import Iterator
from io import StringIO
from typing import cast

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.interfaces import IPullProducer, ITransport
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.trial import reporter
from zope.interface import implementer

from twistedtesting import (
    SEED_VARIABLE,
    BreakAfter,
    ChunkedTransport,
    Clock,
    ConnectionState,
    FixedChunks,
    FixedDelay,
    OneByteChunks,
    RandomChunks,
    RandomDelay,
    ScriptedChunks,
    SynchronousTestCase,
    _seeds,
)
from twistedtesting._seeds import RunSeedChooser, deriveSeed
from twistedtesting.test.transportsuite import (
    HalfCloseRecordingProtocol,
    RecordingProducer,
    RecordingProtocol,
    behaviourTests,
    clockedHarness,
    standaloneHarness,
)

globals().update(behaviourTests("Standalone", standaloneHarness, __name__))
globals().update(behaviourTests("Clocked", clockedHarness, __name__))


class ConstructionTests(SynchronousTestCase):
    """
    What L{ChunkedTransport} accepts, and the errors that name what it does
    not.
    """

    def test_connectsProtocol(self) -> None:
        """
        Making the transport connects the protocol; the configuration is
        kept as given, with StringTransport's addresses by default.  Its
        input comes through a link that the test's end feeds, and what the
        protocol writes goes to the test's end; a second connection is
        refused.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        self.assertIs(protocol.transport, transport)
        self.assertEqual(protocol.events, ["connectionMade"])
        self.assertIs(transport.state, ConnectionState.OPEN)
        peer = transport.peer
        self.assertIs(peer.transport, transport)
        self.assertIs(peer.link, transport.inbound)
        self.assertIs(transport.outbound, peer)
        self.assertEqual(transport.inbound.chunking, OneByteChunks())
        self.assertIsNone(transport.clock)
        error = self.assertRaises(RuntimeError, transport.connectProtocol)
        self.assertEqual(
            str(error), "connectProtocol(): the protocol is already connected"
        )
        self.assertEqual(protocol.events, ["connectionMade"])
        self.assertEqual(
            (transport.flow.highWater, transport.flow.lowWater), (65536, 0)
        )
        self.assertEqual(transport.getHost(), IPv4Address("TCP", "10.0.0.1", 12345))
        self.assertEqual(transport.getPeer(), IPv4Address("TCP", "192.168.1.1", 54321))

    def test_addresses(self) -> None:
        """
        C{getHost} and C{getPeer} return the addresses given, IPv6 ones too.
        """
        host = IPv6Address("TCP", "::1", 8080)
        peer = IPv4Address("TCP", "127.0.0.1", 50000)
        transport = ChunkedTransport(
            RecordingProtocol(), OneByteChunks(), hostAddress=host, peerAddress=peer
        )
        self.assertIs(transport.getHost(), host)
        self.assertIs(transport.getPeer(), peer)

    def test_tcpOptions(self) -> None:
        """
        The TCP options are off at first and keep the values set.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        self.assertEqual(
            (transport.getTcpNoDelay(), transport.getTcpKeepAlive()), (False, False)
        )
        transport.setTcpNoDelay(True)
        transport.setTcpKeepAlive(True)
        self.assertEqual(
            (transport.getTcpNoDelay(), transport.getTcpKeepAlive()), (True, True)
        )

    def assertRefused(
        self, exception: type[Exception], message: str, **arguments: object
    ) -> None:
        """
        Assert that making a transport with C{arguments} (and a protocol and
        a policy unless given) raises C{exception} with C{message}, before
        the protocol is connected.
        """
        protocol = RecordingProtocol()
        positional = (
            arguments.pop("protocol", protocol),
            arguments.pop("chunking", OneByteChunks()),
        )
        error = self.assertRaises(
            exception,
            ChunkedTransport,
            *positional,
            **arguments,
        )
        self.assertEqual(str(error), message)
        self.assertEqual(protocol.events, [])

    def test_badProtocol(self) -> None:
        """
        A protocol without the methods of L{IProtocol} is a L{TypeError}
        that says which are missing.
        """
        self.assertRefused(
            TypeError,
            "ChunkedTransport() protocol must be an IProtocol provider (a "
            "twisted.internet.protocol.Protocol); 'text' lacks makeConnection, "
            "dataReceived, connectionLost",
            protocol="text",
        )

    def test_badChunking(self) -> None:
        """
        A chunking policy that is not one, such as the class rather than an
        instance, is a L{TypeError}.
        """
        self.assertRefused(
            TypeError,
            "ChunkedTransport() chunking must be a chunking policy, such as "
            "OneByteChunks() or RandomChunks(1, 16, self.random), not int 3",
            chunking=3,
        )
        error = self.assertRaises(
            TypeError, ChunkedTransport, RecordingProtocol(), OneByteChunks
        )
        self.assertEqual(
            str(error),
            "ChunkedTransport() chunking must be a chunking policy instance, not "
            "the class OneByteChunks: pass OneByteChunks() instead",
        )

    def test_badClock(self) -> None:
        """
        A clock that does not provide C{IReactorTime} is a L{TypeError}.
        """
        self.assertRefused(
            TypeError,
            "ChunkedTransport() clock must provide IReactorTime (such as "
            "twistedtesting.Clock()), not float 1.5",
            clock=1.5,
        )

    def test_timingWithoutClock(self) -> None:
        """
        A latency, bandwidth or spacing without a clock to wait on is a
        L{ValueError}; one of the wrong type is a L{TypeError}; a negative
        latency or a bandwidth of 0 is a L{ValueError}; each names its
        argument.
        """
        for name, value in [
            ("spacing", FixedDelay(0.5)),
            ("latency", 0.5),
            ("latency", RandomDelay(0, 1, self.random)),
            ("bandwidth", 1e6),
        ]:
            self.assertRefused(
                ValueError,
                f"ChunkedTransport() {name} {value!r} needs a clock to wait on; "
                "pass clock=twistedtesting.Clock() as well",
                **{name: value},
            )
        self.assertRefused(
            TypeError,
            "ChunkedTransport() spacing must be a delay policy, such as "
            "FixedDelay(0.1), not float 0.5",
            clock=Clock(),
            spacing=0.5,
        )
        self.assertRefused(
            TypeError,
            "ChunkedTransport() latency must be a number of seconds or a delay "
            "policy (such as RandomDelay(0.01, 0.05, self.random)), not str '1'",
            clock=Clock(),
            latency="1",
        )
        self.assertRefused(
            ValueError,
            "ChunkedTransport() latency must be a finite number of seconds >= 0, "
            "got -0.5",
            clock=Clock(),
            latency=-0.5,
        )
        self.assertRefused(
            TypeError,
            "ChunkedTransport() bandwidth must be a number of bytes a second or "
            "None, not str 'fast'",
            clock=Clock(),
            bandwidth="fast",
        )
        self.assertRefused(
            ValueError,
            "ChunkedTransport() bandwidth must be a finite number of bytes a "
            "second > 0, got -1",
            clock=Clock(),
            bandwidth=-1,
        )

    def test_badFault(self) -> None:
        """
        A fault that is not a L{BreakAfter} is a L{TypeError}.
        """
        self.assertRefused(
            TypeError,
            "ChunkedTransport() fault must be a BreakAfter, not int 3",
            fault=3,
        )

    def test_badWaterMarks(self) -> None:
        """
        A negative or non-int water mark, or a low-water mark above the
        high-water mark, is an error that names them.
        """
        self.assertRefused(
            ValueError,
            "ChunkedTransport() highWater must be >= 0, got -1",
            highWater=-1,
        )
        self.assertRefused(
            TypeError,
            "ChunkedTransport() lowWater must be an int number of bytes, not bool True",
            lowWater=True,
        )
        self.assertRefused(
            ValueError,
            "ChunkedTransport() lowWater (11) must not exceed highWater (10)",
            highWater=10,
            lowWater=11,
        )

    def test_badProtocolErrors(self) -> None:
        """
        A C{protocolErrors} other than C{"raise"} or C{"close"} is a
        L{ValueError} that names it and says what each does.
        """
        self.assertRefused(
            ValueError,
            "ChunkedTransport() protocolErrors must be 'raise' (the exception "
            "propagates to the caller of the delivery) or 'close' (it is logged "
            "and the connection closes, as on a real reactor), not 'log'",
            protocolErrors="log",
        )

    def test_badAddress(self) -> None:
        """
        An address that is not an IPv4 or IPv6 address is a L{TypeError}.
        """
        self.assertRefused(
            TypeError,
            "ChunkedTransport() peerAddress must be an IPv4Address or "
            "IPv6Address (such as IPv4Address('TCP', '127.0.0.1', 8080)), not "
            "tuple ('127.0.0.1', 80)",
            peerAddress=("127.0.0.1", 80),
        )


class FeedTests(SynchronousTestCase):
    """
    Feeding, ending and resetting the input, and their errors.
    """

    def test_feedDeliversAtOnce(self) -> None:
        """
        Without a clock, C{feed} delivers the chunks before it returns; empty
        bytes change nothing.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, FixedChunks(2))
        transport.peer.feed(b"abcde")
        self.assertEqual(protocol.chunks, [b"ab", b"cd", b"e"])
        transport.peer.feed(b"")
        self.assertEqual(transport.chunksDelivered, 3)

    def test_feedRequiresBytes(self) -> None:
        """
        Feeding what is not bytes is a L{TypeError}.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        error = self.assertRaises(TypeError, transport.peer.feed, bytearray(b"x"))
        self.assertEqual(
            str(error), "feed() data must be bytes, not bytearray bytearray(b'x')"
        )

    def test_feedAfterLoss(self) -> None:
        """
        Feeding a lost connection is a L{RuntimeError} that says how it was
        lost and how much was delivered.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        transport.peer.feed(b"abc")
        transport.peer.feedEnd()
        error = self.assertRaises(RuntimeError, transport.peer.feed, b"late")
        self.assertEqual(
            str(error),
            "cannot feed 4 bytes: the connection was lost (ConnectionDone) after "
            "3 bytes were delivered",
        )
        error = self.assertRaises(RuntimeError, transport.peer.feedEnd)
        self.assertEqual(
            str(error),
            "cannot end the input: the connection was lost (ConnectionDone) after "
            "3 bytes were delivered",
        )
        error = self.assertRaises(RuntimeError, transport.peer.resetConnection)
        self.assertEqual(
            str(error),
            "cannot reset the connection: the connection was lost (ConnectionDone) "
            "after 3 bytes were delivered",
        )

    def test_feedAfterEnd(self) -> None:
        """
        Feeding, or ending the input again, after C{feedEnd} is a
        L{RuntimeError}, even while the connection stays open.
        """
        transport = ChunkedTransport(HalfCloseRecordingProtocol(), OneByteChunks())
        transport.peer.feedEnd()
        self.assertTrue(transport.connected)
        error = self.assertRaises(RuntimeError, transport.peer.feed, b"x")
        self.assertEqual(
            str(error), "cannot feed 1 bytes: feedEnd() already ended the input"
        )
        self.assertRaises(RuntimeError, transport.peer.feedEnd)

    def test_feedWhileClosing(self) -> None:
        """
        Bytes fed after the protocol asked to close, while it waits for its
        producer, are never delivered, and count as discarded once the
        connection is lost.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.registerProducer(RecordingProducer(), False)
        transport.loseConnection()
        transport.peer.feed(b"ignored")
        self.assertEqual(protocol.chunks, [])
        self.assertEqual(transport.bytesPending, 7)
        transport.unregisterProducer()
        transport.peer.deliver()
        self.assertEqual(transport.bytesDiscarded, 7)
        self.assertEqual(transport.bytesPending, 0)

    def test_scriptMustCoverInput(self) -> None:
        """
        With L{ScriptedChunks}, feeding past the script is a L{ValueError}
        and the bytes are not taken; ending the input short of it is a
        L{ValueError} too; input that matches is cut as scripted.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, ScriptedChunks([2, 3]))
        transport.peer.feed(b"abcd")
        error = self.assertRaises(ValueError, transport.peer.feed, b"ef")
        self.assertEqual(
            str(error),
            "ScriptedChunks(sizes=(2, 3)) covers 5 bytes, but 2 more bytes after "
            "the 4 already given make 6: the script does not add up to the "
            "input.  To cut the first bytes "
            "at given offsets and pass the rest as it comes, use "
            "SplitAt(offsets) instead",
        )
        self.assertEqual(transport.bytesPending + transport.bytesDelivered, 4)
        error = self.assertRaises(ValueError, transport.peer.feedEnd)
        self.assertEqual(
            str(error),
            "ScriptedChunks(sizes=(2, 3)) covers 5 bytes, but the input ends after "
            "4: feed the rest first",
        )
        transport.peer.feed(b"e")
        transport.peer.feedEnd()
        self.assertEqual(protocol.chunks, [b"ab", b"cd", b"e"])
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])

    def test_scriptJoinsPieces(self) -> None:
        """
        A scripted chunk spans the pieces it was fed in when they were all
        pending at once.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, ScriptedChunks([1, 7]))
        transport.pauseProducing()
        for piece in [b"ab", b"cd", b"ef", b"gh"]:
            transport.peer.feed(piece)
        transport.resumeProducing()
        self.assertEqual(transport.peer.deliver(), 2)
        self.assertEqual(protocol.chunks, [b"a", b"bcdefgh"])

    def test_resetConnection(self) -> None:
        """
        C{resetConnection} drops the pending bytes and calls
        C{connectionLost} with L{ConnectionLost} at once.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.pauseProducing()
        transport.peer.feed(b"pending")
        transport.peer.resetConnection()
        reason = protocol.lostReasons[0]
        self.assertIs(reason.type, ConnectionLost)
        self.assertEqual(
            reason.getErrorMessage(),
            "Connection to the other side was lost in a non-clean fashion: "
            "Connection reset by peer (resetConnection()).",
        )
        self.assertEqual(transport.bytesDiscarded, 7)
        self.assertIs(transport.connectionLostReason, reason)

    def test_reentrantFeed(self) -> None:
        """
        Bytes fed from within C{dataReceived} are delivered after the chunks
        already pending, in order, never from within that call.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, FixedChunks(2))
        fed: list[bytes] = []

        def feedMore(data: bytes) -> None:
            if not fed:
                fed.append(data)
                transport.peer.feed(b"XY")

        protocol.onData = feedMore
        transport.peer.feed(b"abcd")
        self.assertEqual(protocol.chunks, [b"ab", b"cd", b"XY"])
        self.assertFalse(protocol.reentered)

    def test_protocolError(self) -> None:
        """
        An exception from C{dataReceived} propagates to the caller of
        C{feed}; the chunk counts as delivered, and the rest is delivered by
        the next C{deliver}.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, FixedChunks(2))

        def failOnce(data: bytes) -> None:
            if len(protocol.chunks) == 1:
                raise ZeroDivisionError("bad chunk")

        protocol.onData = failOnce
        self.assertRaises(ZeroDivisionError, transport.peer.feed, b"abcdef")
        self.assertEqual((transport.bytesDelivered, transport.chunksDelivered), (2, 1))
        self.assertEqual(transport.peer.deliver(), 2)
        self.assertEqual(protocol.chunks, [b"ab", b"cd", b"ef"])


class DeliverTests(SynchronousTestCase):
    """
    Tests for L{ChunkedTransport.deliver} and pausing.
    """

    def test_maxChunks(self) -> None:
        """
        C{deliver(maxChunks)} delivers at most that many chunks, and returns
        how many it delivered.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.pauseProducing()
        transport.peer.feed(b"abcde")
        transport.resumeProducing()
        self.assertEqual(transport.peer.deliver(2), 2)
        self.assertEqual(protocol.chunks, [b"a", b"b"])
        self.assertEqual(transport.peer.deliver(5), 3)
        self.assertEqual(transport.peer.deliver(), 0)
        self.assertEqual(protocol.received, b"abcde")

    def test_badMaxChunks(self) -> None:
        """
        A C{maxChunks} below 1, or not an int, is an error.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        error = self.assertRaises(ValueError, transport.peer.deliver, 0)
        self.assertEqual(str(error), "deliver() maxChunks must be at least 1, got 0")
        error = self.assertRaises(TypeError, transport.peer.deliver, 1.5)
        self.assertEqual(
            str(error), "deliver() maxChunks must be an int or None, not float 1.5"
        )
        self.assertRaises(TypeError, transport.peer.deliver, True)

    def test_deliverFromProtocol(self) -> None:
        """
        Calling C{deliver} from within C{dataReceived} is a L{RuntimeError}.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        protocol.onData = lambda data: transport.peer.deliver()
        error = self.assertRaises(RuntimeError, transport.peer.feed, b"ab")
        self.assertEqual(
            str(error),
            "deliver() was called while the transport is calling its protocol "
            "(from within dataReceived, say); call it from the test instead",
        )

    def test_resumeDoesNotDeliver(self) -> None:
        """
        Resuming does not deliver from within C{resumeProducing}: the next
        C{deliver} or C{feed} does.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.pauseProducing()
        transport.peer.feed(b"ab")
        transport.resumeProducing()
        self.assertEqual(protocol.chunks, [])
        transport.peer.feed(b"c")
        self.assertEqual(protocol.received, b"abc")

    def test_producerState(self) -> None:
        """
        C{producerState} names the transport's state as a producer of input,
        as C{StringTransport}'s does.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        self.assertEqual(transport.producerState, "producing")
        transport.pauseProducing()
        self.assertEqual(transport.producerState, "paused")
        transport.resumeProducing()
        transport.stopProducing()
        self.assertEqual(transport.producerState, "stopped")
        transport.peer.deliver()
        self.assertTrue(transport.disconnected)

    def test_endWaitsForResume(self) -> None:
        """
        The end of the input is delivered after the bytes before it, so not
        while the transport is paused.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.pauseProducing()
        transport.peer.feed(b"ab")
        transport.peer.feedEnd()
        self.assertEqual(protocol.calls, ["connectionMade"])
        transport.resumeProducing()
        self.assertEqual(transport.peer.deliver(), 2)
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])
        self.assertEqual(protocol.received, b"ab")

    def test_repr(self) -> None:
        """
        The repr gives the policy, the state, and the bytes delivered,
        pending, discarded and written.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, FixedChunks(2))
        transport.peer.feed(b"abc")
        transport.pauseProducing()
        transport.peer.feed(b"de")
        transport.write(b"xyz")
        self.assertEqual(
            repr(transport),
            "<ChunkedTransport FixedChunks(size=2) open (paused): 3 bytes "
            "delivered in 2 chunks, 2 pending, 0 discarded; 3 bytes written and "
            "unread; delivered 2 chunks, 3 bytes: [2, 1]>",
        )
        transport.abortConnection()
        transport.peer.deliver()
        self.assertEqual(
            repr(transport),
            "<ChunkedTransport FixedChunks(size=2) lost (ConnectionAborted): 3 "
            "bytes delivered in 2 chunks, 0 pending, 2 discarded; 3 bytes "
            "written and unread; delivered 2 chunks, 3 bytes: [2, 1]>",
        )


class WrittenTests(SynchronousTestCase):
    """
    What the protocol writes: C{value}, C{clear}, C{read} and C{io}, as with
    C{StringTransport}.
    """

    def test_valueAndClear(self) -> None:
        """
        C{value} returns what was written, in order; C{clear} discards it;
        C{io} holds it.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        transport.write(b"one ")
        transport.writeSequence([b"two ", b"three"])
        self.assertEqual(transport.peer.value(), b"one two three")
        self.assertEqual(transport.peer.io.getvalue(), b"one two three")
        transport.peer.clear()
        self.assertEqual(transport.peer.value(), b"")
        transport.write(b"four")
        self.assertEqual(transport.peer.value(), b"four")

    def test_read(self) -> None:
        """
        C{read(n)} takes up to C{n} bytes from the front; C{read()} takes the
        rest; later writes follow.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        transport.write(b"abcdef")
        self.assertEqual(transport.peer.read(2), b"ab")
        self.assertEqual(transport.peer.value(), b"cdef")
        transport.write(b"gh")
        self.assertEqual(transport.peer.read(), b"cdefgh")
        self.assertEqual(transport.peer.read(3), b"")
        error = self.assertRaises(ValueError, transport.peer.read, -1)
        self.assertEqual(str(error), "read() maxBytes must be >= 0, got -1")

    def test_readInterleaved(self) -> None:
        """
        Any mix of C{write}, C{read}, C{value}, C{io}, C{clear} and the
        unread count in the C{repr} agrees with a plain model of the bytes
        written and not yet read or cleared.
        """
        rng = random.Random(20240521)
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        model = b""
        for step in range(3000):
            action = rng.randrange(12)
            if action < 5:
                data = rng.randbytes(rng.randint(1, 40))
                transport.write(data)
                model += data
            elif action < 9:
                count = rng.randint(0, 30)
                self.assertEqual(transport.peer.read(count), model[:count])
                model = model[count:]
            elif action == 9:
                self.assertEqual(transport.peer.value(), model)
            elif action == 10:
                self.assertEqual(transport.peer.io.getvalue(), model)
            elif step % 7 == 0:
                transport.peer.clear()
                model = b""
            self.assertIn(f"; {len(model)} bytes written and unread>", repr(transport))
        self.assertEqual(transport.peer.read(), model)
        self.assertEqual(transport.peer.value(), b"")

    def test_manySmallReads(self) -> None:
        """
        Reading what was written a byte at a time gives it all, in order.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        data = bytes(range(256)) * 256
        transport.write(data)
        taken = [transport.peer.read(1) for _ in range(len(data))]
        self.assertEqual(b"".join(taken), data)
        self.assertEqual(transport.peer.value(), b"")

    def test_writesAfterLossIgnored(self) -> None:
        """
        Written bytes are kept after the connection is lost; writes after it
        are ignored, as by Twisted's TCP transport.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        transport.write(b"kept")
        transport.loseConnection()
        transport.peer.deliver()
        transport.write(b"ignored")
        self.assertEqual(transport.peer.value(), b"kept")

    def test_waterMarksWithReads(self) -> None:
        """
        A streaming producer is paused when more than C{highWater} bytes are
        unread, and resumed only when reads bring them down to
        C{lowWater}.
        """
        transport = ChunkedTransport(
            RecordingProtocol(), OneByteChunks(), highWater=8, lowWater=3
        )
        producer = RecordingProducer()
        transport.registerProducer(producer, True)
        transport.write(b"123456789")
        self.assertEqual(producer.events, ["pause"])
        transport.peer.read(5)
        self.assertEqual(producer.events, ["pause"])
        transport.peer.read(1)
        self.assertEqual(producer.events, ["pause", "resume"])
        transport.peer.read()
        self.assertEqual(producer.events, ["pause", "resume"])

    def test_registeredAboveHighWater(self) -> None:
        """
        A streaming producer registered while more than C{highWater} bytes
        are unread is paused at once.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks(), highWater=2)
        transport.write(b"abc")
        producer = RecordingProducer()
        transport.registerProducer(producer, True)
        self.assertEqual(producer.events, ["pause"])

    def test_pullProducer(self) -> None:
        """
        A non-streaming producer is asked for data when it registers, and
        again whenever what it wrote is read down to C{lowWater}; never
        twice without writing in between.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks(), lowWater=2)
        chunks = [b"first", b"second"]

        @implementer(IPullProducer)
        class Producer:
            asked = 0

            def resumeProducing(self) -> None:
                self.asked += 1
                if chunks:
                    transport.write(chunks.pop(0))
                else:
                    transport.unregisterProducer()

            def stopProducing(self) -> None:
                raise AssertionError("stopped")

        producer = Producer()
        transport.registerProducer(producer, False)
        self.assertEqual((producer.asked, transport.peer.value()), (1, b"first"))
        transport.peer.read(2)
        self.assertEqual(producer.asked, 1)
        transport.peer.read(1)
        self.assertEqual((producer.asked, transport.peer.value()), (2, b"stsecond"))
        transport.peer.clear()
        self.assertEqual(producer.asked, 3)
        self.assertIsNone(transport.producer)
        transport.peer.clear()
        self.assertEqual(producer.asked, 3)

    def test_pullProducerFinishesBeforeClose(self) -> None:
        """
        C{loseConnection} with a non-streaming producer registered waits
        until the producer has written everything and unregistered.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        parts = [b"a", b"b"]

        @implementer(IPullProducer)
        class Producer:
            def resumeProducing(self) -> None:
                if parts:
                    transport.write(parts.pop(0))
                else:
                    transport.unregisterProducer()

            def stopProducing(self) -> None:
                raise AssertionError("stopped")

        transport.registerProducer(Producer(), False)
        transport.loseConnection()
        self.assertEqual(protocol.lostReasons, [])
        transport.peer.clear()
        self.assertEqual(protocol.lostReasons, [])
        transport.peer.clear()
        self.assertEqual(len(protocol.lostReasons), 1)
        self.assertIsInstance(protocol.lostReasons[0].value, ConnectionDone)

    def test_producerRegistration(self) -> None:
        """
        Registering a second producer is a L{RuntimeError}; a producer
        registered after the connection is lost is stopped at once.
        """
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        first = RecordingProducer()
        transport.registerProducer(first, True)
        self.assertIs(transport.producer, first)
        self.assertTrue(transport.streaming)
        self.assertRaises(RuntimeError, transport.registerProducer, first, True)
        transport.unregisterProducer()
        transport.loseConnection()
        transport.peer.deliver()
        late = RecordingProducer()
        transport.registerProducer(late, True)
        self.assertEqual(late.events, ["stop"])
        self.assertIsNone(transport.producer)


class ClockTests(SynchronousTestCase):
    """
    Delivery over a clock's virtual time.
    """

    def test_fixedDelay(self) -> None:
        """
        With a L{FixedDelay}, each chunk is delivered that long after the
        previous one, the first that long after the bytes were fed.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(
            protocol, OneByteChunks(), clock=clock, spacing=FixedDelay(0.5)
        )
        transport.peer.feed(b"abc")
        self.assertEqual(protocol.chunks, [])
        clock.advance(0.5)
        self.assertEqual(protocol.chunks, [b"a"])
        clock.advance(0.25)
        self.assertEqual(protocol.chunks, [b"a"])
        clock.advance(0.25)
        self.assertEqual(protocol.chunks, [b"a", b"b"])
        clock.advance(0.5)
        self.assertEqual(protocol.chunks, [b"a", b"b", b"c"])
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_randomDelay(self) -> None:
        """
        With a L{RandomDelay}, the chunks arrive at the times drawn from the
        test's generator.
        """
        clock = Clock()
        arrivals: list[float] = []
        protocol = RecordingProtocol()
        protocol.onData = lambda data: arrivals.append(clock.seconds())
        transport = ChunkedTransport(
            protocol,
            OneByteChunks(),
            clock=clock,
            spacing=RandomDelay(0.1, 2.0, self.random),
        )
        transport.peer.feed(b"abc")
        expected = random.Random(self.seed)
        delays = [expected.uniform(0.1, 2.0) for _ in range(3)]
        for count, delay in enumerate(delays, 1):
            clock.advance(delay)
            self.assertEqual(len(protocol.chunks), count)
        self.assertEqual(
            arrivals, [delays[0], delays[0] + delays[1], sum(delays[:2]) + delays[2]]
        )

    def test_noDelay(self) -> None:
        """
        With a clock and no delay, chunks are delivered on the clock's next
        C{advance}.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, FixedChunks(2), clock=clock)
        transport.peer.feed(b"abc")
        self.assertEqual(protocol.chunks, [])
        clock.advance(0)
        self.assertEqual(protocol.chunks, [b"ab", b"c"])

    def test_pauseCancels(self) -> None:
        """
        Pausing cancels the scheduled delivery; resuming schedules it again,
        a full delay later.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(
            protocol, OneByteChunks(), clock=clock, spacing=FixedDelay(1.0)
        )
        transport.peer.feed(b"ab")
        transport.pauseProducing()
        self.assertEqual(clock.getDelayedCalls(), [])
        clock.advance(5)
        transport.resumeProducing()
        clock.advance(0.9)
        self.assertEqual(protocol.chunks, [])
        clock.advance(0.1)
        self.assertEqual(protocol.chunks, [b"a"])

    def test_deliverSkipsDelay(self) -> None:
        """
        C{deliver} delivers the pending chunks at once, and nothing is left
        scheduled.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(
            protocol, OneByteChunks(), clock=clock, spacing=FixedDelay(10)
        )
        transport.peer.feed(b"abc")
        self.assertEqual(transport.peer.deliver(), 3)
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_lossCancels(self) -> None:
        """
        When the connection is lost (on the clock, after an abort), nothing
        is left scheduled.
        """
        clock = Clock()
        transport = ChunkedTransport(
            RecordingProtocol(), OneByteChunks(), clock=clock, spacing=FixedDelay(1)
        )
        transport.peer.feed(b"abc")
        transport.abortConnection()
        clock.advance(0)
        self.assertTrue(transport.disconnected)
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_endAfterLastChunk(self) -> None:
        """
        The end of the input is delivered with the last chunk.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(
            protocol, FixedChunks(2), clock=clock, spacing=FixedDelay(1)
        )
        transport.peer.feed(b"abc")
        transport.peer.feedEnd()
        clock.advance(1)
        self.assertEqual(protocol.calls, ["connectionMade"])
        clock.advance(1)
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])
        self.assertEqual(protocol.chunks, [b"ab", b"c"])


class BreakAfterTests(SynchronousTestCase):
    """
    Tests for the L{BreakAfter} fault in a transport.
    """

    def test_breaksAfterCount(self) -> None:
        """
        The protocol gets the first C{byteCount} bytes, the chunk that
        crosses the point cut there, then C{connectionLost} with
        L{ConnectionLost}; the rest is discarded.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, FixedChunks(4), fault=BreakAfter(6))
        transport.peer.feed(b"abcdefghij")
        self.assertEqual(protocol.chunks, [b"abcd", b"ef"])
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])
        reason = protocol.lostReasons[0]
        self.assertIs(reason.type, ConnectionLost)
        self.assertEqual(
            reason.getErrorMessage(),
            "Connection to the other side was lost in a non-clean fashion: the "
            "connection broke after 6 bytes, as BreakAfter(byteCount=6) says.",
        )
        self.assertEqual(transport.bytesDiscarded, 4)

    def test_breaksAcrossFeeds(self) -> None:
        """
        The break comes when the bytes delivered reach the count, whatever
        pieces they were fed in.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks(), fault=BreakAfter(3))
        transport.peer.feed(b"ab")
        self.assertEqual(protocol.calls, ["connectionMade"])
        transport.peer.feed(b"cd")
        self.assertEqual(protocol.received, b"abc")
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])

    def test_breakAtZero(self) -> None:
        """
        With a count of 0, the connection breaks when the first bytes are
        fed, before any is delivered.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks(), fault=BreakAfter(0))
        self.assertTrue(transport.connected)
        transport.peer.feed(b"x")
        self.assertEqual(protocol.chunks, [])
        self.assertIs(protocol.lostReasons[0].type, ConnectionLost)

    def test_breakAtRandom(self) -> None:
        """
        L{BreakAfter.atRandom} with the test's generator breaks at the point
        drawn from a generator seeded with the test's seed.
        """
        protocol = RecordingProtocol()
        fault = BreakAfter.atRandom(self.random, 50)
        transport = ChunkedTransport(
            protocol, RandomChunks(1, 8, self.random), fault=fault
        )
        transport.peer.feed(bytes(60))
        point = random.Random(self.seed).randint(0, 50)
        self.assertEqual(fault, BreakAfter(point))
        self.assertEqual(transport.bytesDelivered, point)
        self.assertEqual(len(protocol.lostReasons), 1)


class HalfCloseTests(SynchronousTestCase):
    """
    Half-closing a transport that the test feeds.
    """

    def test_bothSidesShut(self) -> None:
        """
        A half-closeable protocol whose write side and then read side are
        shut keeps its connection until it closes it, as with Twisted's TCP
        transport.
        """
        protocol = HalfCloseRecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.loseWriteConnection()
        transport.peer.deliver()
        self.assertIs(transport.state, ConnectionState.WRITE_SHUT)
        transport.peer.feedEnd()
        self.assertEqual(
            protocol.calls,
            ["connectionMade", "writeConnectionLost", "readConnectionLost"],
        )
        self.assertIs(transport.state, ConnectionState.BOTH_SHUT)
        self.assertTrue(transport.connected)
        transport.loseConnection()
        self.assertIs(transport.state, ConnectionState.CLOSING)
        transport.peer.deliver()
        self.assertEqual(protocol.calls[-1], "connectionLost")
        self.assertIs(transport.state, ConnectionState.LOST)

    def test_writeShutWaitsForProducer(self) -> None:
        """
        C{loseWriteConnection} with a producer registered waits for it to be
        unregistered.
        """
        protocol = HalfCloseRecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.registerProducer(RecordingProducer(), True)
        transport.loseWriteConnection()
        transport.peer.deliver()
        self.assertFalse(transport.writeDisconnected)
        transport.unregisterProducer()
        transport.peer.deliver()
        self.assertTrue(transport.writeDisconnected)
        self.assertEqual(protocol.calls, ["connectionMade", "writeConnectionLost"])

    def test_closeFromConnectionMade(self) -> None:
        """
        A protocol that closes the connection from C{connectionMade} gets
        C{connectionLost} after C{connectionMade} has returned.
        """

        class Closer(RecordingProtocol):
            def connectionMade(self) -> None:
                super().connectionMade()
                cast(ITransport, self.transport).loseConnection()
                self.events.append("after loseConnection")

        protocol = Closer()
        ChunkedTransport(protocol, OneByteChunks())
        self.assertEqual(
            protocol.events,
            ["connectionMade", "after loseConnection", "connectionLost"],
        )


class _NaiveLineProtocol(Protocol):
    """
    A line protocol with a framing bug: it splits each chunk on CRLF and
    drops what follows the last delimiter, as if every chunk ended with a
    whole line.

    @ivar lines: The lines it received.
    """

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def dataReceived(self, data: bytes) -> None:
        self.lines.extend(data.split(b"\r\n")[:-1])


MESSAGE = b"one\r\ntwo\r\nthree\r\n"
LINES = [b"one", b"two", b"three"]


def _neverDrawn() -> int:
    raise AssertionError("the run seed was given; nothing should be drawn")


class FramingBugTests(SynchronousTestCase):
    """
    The point of chunked delivery: a framing bug that whole-buffer delivery
    hides is caught under small chunks, and the report gives the seed that
    reproduces the cut.
    """

    def test_caughtWithSeed(self) -> None:
        """
        Run as trial would, a test of the buggy protocol passes when it gets
        the message in one chunk, fails under one-byte and random chunks,
        and each failure reports the lines it got and the test's seed.
        """
        self.patch(
            _seeds, "_chooser", RunSeedChooser({SEED_VARIABLE: "7"}, _neverDrawn)
        )

        class Inner(SynchronousTestCase):
            def receive(self, chunking: object) -> list[bytes]:
                """
                The lines the buggy protocol gets when L{MESSAGE} is cut by
                C{chunking}.
                """
                protocol = _NaiveLineProtocol()
                ChunkedTransport(protocol, chunking).peer.feed(MESSAGE)  # type: ignore[arg-type]
                return protocol.lines

            def test_wholeBuffer(self) -> None:
                """
                In one chunk, the lines arrive.
                """
                self.assertEqual(self.receive(FixedChunks(1024)), LINES)

            def test_oneByte(self) -> None:
                """
                One byte at a time, the lines arrive.
                """
                self.assertEqual(self.receive(OneByteChunks()), LINES)

            def test_random(self) -> None:
                """
                In random chunks, the lines arrive.
                """
                self.assertEqual(self.receive(RandomChunks(1, 4, self.random)), LINES)

        tests = [
            Inner(name) for name in ("test_wholeBuffer", "test_oneByte", "test_random")
        ]
        stream = StringIO()
        result = reporter.Reporter(stream=stream)
        pyunit.TestSuite(tests).run(result)
        result.done()
        output = stream.getvalue()
        self.assertEqual(result.successes, 1)
        failed = [test.id() for test, _ in result.failures]
        self.assertEqual(failed, [tests[1].id(), tests[2].id()])
        self.assertIn(f"[] != {LINES!r}", output)
        randomLines = _NaiveLineProtocol()
        transport = ChunkedTransport(
            randomLines, RandomChunks(1, 4, random.Random(deriveSeed(7, tests[2].id())))
        )
        transport.peer.feed(MESSAGE)
        self.assertNotEqual(randomLines.lines, LINES)
        self.assertIn(f"{randomLines.lines!r} != {LINES!r}", output)
        for test in tests[1:]:
            self.assertIn(
                f"twistedtesting: this test ran with random seed "
                f"{deriveSeed(7, test.id())}, derived from run seed 7.\n"
                f"  Rerun it with: {SEED_VARIABLE}=7 python -m twisted.trial "
                f"{shlex.quote(test.id())}\n",
                output,
            )


class FailureReasonTests(SynchronousTestCase):
    """
    The reasons given to C{connectionLost}.
    """

    def test_reasonKept(self) -> None:
        """
        C{connectionLostReason} is the L{Failure} the protocol was given.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        self.assertIsNone(transport.connectionLostReason)
        transport.loseConnection()
        transport.peer.deliver()
        reason = transport.connectionLostReason
        self.assertIsInstance(reason, Failure)
        self.assertIs(protocol.lostReasons[0], reason)


class CloseTimingTests(SynchronousTestCase):
    """
    When C{connectionLost} is called for a close asked for outside the
    transport's own calls into its protocol: never from within the call
    that asked for it, when there is a clock, as with a real TCP transport.
    """

    def closer(self, close: str) -> tuple[RecordingProtocol, list[bool]]:
        """
        A protocol whose C{connectionLost} records whether it ran from
        within the transport method named C{close}, called through the
        returned protocol's C{close} attribute.
        """
        protocol = RecordingProtocol()
        inside: list[bool] = []
        closing = [False]

        def doClose() -> None:
            closing[0] = True
            try:
                getattr(protocol.transport, close)()
            finally:
                closing[0] = False

        def connectionLost(reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
            inside.append(closing[0])
            RecordingProtocol.connectionLost(protocol, reason)

        protocol.close = doClose  # type: ignore[attr-defined]
        protocol.connectionLost = connectionLost  # type: ignore[method-assign]
        return protocol, inside

    def test_closeFromTimerWithClock(self) -> None:
        """
        With a clock, C{loseConnection} and C{abortConnection} called from a
        timer finish the close after that call returns, on the clock.
        """
        for close in ["loseConnection", "abortConnection"]:
            clock = Clock()
            protocol, inside = self.closer(close)
            transport = ChunkedTransport(protocol, OneByteChunks(), clock=clock)
            clock.callLater(1, protocol.close)  # type: ignore[attr-defined]
            clock.advance(1)
            self.assertEqual(inside, [False], close)
            self.assertTrue(transport.disconnected)

    def test_closeFromTestWithClock(self) -> None:
        """
        With a clock, a close asked for by the test calls C{connectionLost}
        on the clock's next C{advance}, not before the call returns.
        """
        for close in ["loseConnection", "abortConnection"]:
            clock = Clock()
            protocol = RecordingProtocol()
            transport = ChunkedTransport(protocol, OneByteChunks(), clock=clock)
            getattr(transport, close)()
            self.assertEqual(protocol.lostReasons, [], close)
            self.assertTrue(transport.disconnecting)
            clock.advance(0)
            self.assertEqual(len(protocol.lostReasons), 1, close)

    def test_timeoutPattern(self) -> None:
        """
        A client that, on a timeout, aborts and then fails its own
        L{Deferred} (which its C{connectionLost} fails only if nothing did)
        sees its timeout, as on a real TCP transport.
        """
        from twisted.internet import defer

        clock = Clock()
        results: list[str] = []

        class Client(Protocol):
            def connectionMade(self) -> None:
                self.done: defer.Deferred[None] = defer.Deferred()
                self.done.addErrback(
                    lambda f: results.append(getattr(f.type, "__name__", "?"))
                )
                clock.callLater(1, self.timeoutConnection)

            def timeoutConnection(self) -> None:
                assert self.transport is not None
                self.transport.abortConnection()  # type: ignore[attr-defined]
                self.done.errback(defer.TimeoutError())

            def connectionLost(
                self,
                reason: Failure = Failure(ConnectionDone()),  # noqa: B008
            ) -> None:
                if not self.done.called:
                    self.done.errback(reason)

        ChunkedTransport(Client(), OneByteChunks(), clock=clock)
        clock.advance(1)
        self.assertEqual(results, ["TimeoutError"])

    def test_closeFromOutsideWithoutClock(self) -> None:
        """
        Without a clock, a close asked for from outside the transport's
        calls is finished by the next delivery, not within the call that
        asked for it; what is written in between goes out before the end.
        """
        for close in ["loseConnection", "abortConnection"]:
            protocol, inside = self.closer(close)
            transport = ChunkedTransport(protocol, OneByteChunks())
            protocol.close()  # type: ignore[attr-defined]
            transport.write(b"after")
            self.assertEqual(inside, [], close)
            transport.peer.deliver()
            self.assertEqual(inside, [False], close)
        self.assertEqual(transport.peer.value(), b"")
        transport = ChunkedTransport(RecordingProtocol(), OneByteChunks())
        transport.loseConnection()
        transport.write(b"after")
        transport.peer.deliver()
        self.assertEqual(transport.peer.value(), b"after")
        self.assertTrue(transport.peer.ended)

    def test_unregisterFromProducer(self) -> None:
        """
        A pull producer that unregisters, from its C{resumeProducing}, after
        C{loseConnection}, does not see C{connectionLost} from within that
        call: it follows once the call returns.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        producing = [False]
        inside: list[bool] = []

        def connectionLost(reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
            inside.append(producing[0])

        protocol.connectionLost = connectionLost  # type: ignore[method-assign]
        parts = [b"a"]

        @implementer(IPullProducer)
        class Producer:
            def resumeProducing(self) -> None:
                producing[0] = True
                if parts:
                    transport.write(parts.pop())
                else:
                    transport.unregisterProducer()
                producing[0] = False

            def stopProducing(self) -> None:
                raise AssertionError("stopped")

        transport.registerProducer(Producer(), False)
        transport.loseConnection()
        transport.peer.clear()
        self.assertEqual(inside, [False])

    def test_unregisterWithClock(self) -> None:
        """
        With a clock, C{unregisterProducer} called by the test after
        C{loseConnection} finishes the close on the clock.
        """
        clock = Clock()
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks(), clock=clock)
        transport.registerProducer(RecordingProducer(), True)
        transport.pauseProducing()
        producer = RecordingProducer()
        transport.unregisterProducer()
        transport.registerProducer(producer, False)
        transport.loseConnection()
        clock.advance(0)
        self.assertEqual(protocol.lostReasons, [])
        transport.unregisterProducer()
        self.assertEqual(protocol.lostReasons, [])
        clock.advance(0)
        self.assertEqual(len(protocol.lostReasons), 1)


class ProtocolErrorDeliveryTests(SynchronousTestCase):
    """
    After the protocol raises, the rest of the input is still delivered.
    """

    def raiser(self) -> RecordingProtocol:
        """
        A protocol that raises L{ValueError} when given C{b"b"}.
        """
        protocol = RecordingProtocol()

        def onData(data: bytes) -> None:
            if data == b"b":
                raise ValueError("parser error on b")

        protocol.onData = onData
        return protocol

    def test_clockGoesOn(self) -> None:
        """
        With a clock, the exception propagates out of C{advance}, and the
        chunks after it are delivered on later advances.
        """
        clock = Clock()
        protocol = self.raiser()
        transport = ChunkedTransport(
            protocol, OneByteChunks(), clock=clock, spacing=FixedDelay(1)
        )
        transport.peer.feed(b"abcd")
        clock.advance(1)
        self.assertRaises(ValueError, clock.advance, 1)
        clock.advance(1)
        clock.advance(1)
        self.assertEqual(protocol.received, b"abcd")
        self.assertEqual(transport.bytesPending, 0)

    def test_deliverGoesOn(self) -> None:
        """
        With a clock, C{deliver} propagates the exception, and the rest is
        delivered by the clock afterwards.
        """
        clock = Clock()
        protocol = self.raiser()
        transport = ChunkedTransport(
            protocol, OneByteChunks(), clock=clock, spacing=FixedDelay(1)
        )
        transport.peer.feed(b"abcd")
        self.assertRaises(ValueError, transport.peer.deliver)
        self.assertEqual(protocol.received, b"ab")
        clock.advance(1)
        clock.advance(1)
        self.assertEqual(protocol.received, b"abcd")


class StreamingProducerCloseTests(SynchronousTestCase):
    """
    C{loseConnection} with a streaming producer registered, as Twisted's
    TCP transport does it.
    """

    def test_closesAndStops(self) -> None:
        """
        A streaming producer that is not paused does not hold the close: the
        producer is stopped and the connection lost with L{ConnectionDone};
        what was written is kept.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        producer = RecordingProducer()
        transport.registerProducer(producer, True)
        transport.write(b"data")
        transport.loseConnection()
        transport.peer.deliver()
        self.assertEqual(producer.events, ["stop"])
        self.assertEqual(len(protocol.lostReasons), 1)
        self.assertIsInstance(protocol.lostReasons[0].value, ConnectionDone)
        self.assertEqual(transport.peer.value(), b"data")

    def test_pausedWaitsForDrain(self) -> None:
        """
        A paused streaming producer holds the close until what was written
        is read down to C{lowWater}: then it is resumed, and, not paused,
        stopped as the connection is lost.
        """
        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks(), highWater=2)
        producer = RecordingProducer()
        transport.registerProducer(producer, True)
        transport.write(b"data")
        transport.loseConnection()
        self.assertEqual(producer.events, ["pause"])
        self.assertEqual(protocol.lostReasons, [])
        transport.peer.clear()
        self.assertEqual(producer.events, ["pause", "resume", "stop"])
        self.assertEqual(len(protocol.lostReasons), 1)

    def test_stopProducingRaises(self) -> None:
        """
        If the producer's C{stopProducing} raises, C{connectionLost} is
        still called, once, and then the exception propagates.
        """

        class Bad(RecordingProducer):
            def stopProducing(self) -> None:
                raise RuntimeError("producer cleanup bug")

        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, OneByteChunks())
        transport.registerProducer(Bad(), True)
        transport.peer.feed(b"abc")
        self.assertRaises(RuntimeError, transport.peer.resetConnection)
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])
        self.assertTrue(transport.disconnected)
        self.assertRaises(RuntimeError, transport.peer.resetConnection)
        self.assertEqual(protocol.calls, ["connectionMade", "connectionLost"])


class BadCustomPolicyTests(SynchronousTestCase):
    """
    A custom policy that gives a bad size, used by a transport.
    """

    def test_badSizeWhenReached(self) -> None:
        """
        The error comes when the bad size is reached, after the chunks
        before it were delivered, and names the policy and the size; the
        transport is then broken, and says so, never with L{StopIteration}.
        """

        class Custom:
            totalBytes = None

            def chunkSizes(self) -> Iterator[int]:
                return itertools.chain([1] * 300, [0], itertools.repeat(1))

            def __repr__(self) -> str:
                return "Custom()"

        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, Custom())
        error = self.assertRaises(ValueError, transport.peer.feed, bytes(400))
        self.assertEqual(
            str(error), "chunk size 301 from Custom() must be at least 1, got 0"
        )
        self.assertEqual(len(protocol.received), 300)
        for call in [lambda: transport.peer.feed(b"more"), transport.peer.deliver]:
            error = self.assertRaises(ValueError, call)
            self.assertEqual(
                str(error),
                "the transport is broken: chunk size 301 from Custom() must be "
                "at least 1, got 0",
            )
        self.assertEqual(len(protocol.received), 300)

    def test_notAnInt(self) -> None:
        """
        A size that is not an int is a L{TypeError} naming the policy.
        """

        class Custom:
            totalBytes = None

            def chunkSizes(self) -> Iterator[object]:
                return iter([2, "3"])

            def __repr__(self) -> str:
                return "Custom()"

        protocol = RecordingProtocol()
        transport = ChunkedTransport(protocol, Custom())  # type: ignore[arg-type]
        error = self.assertRaises(TypeError, transport.peer.feed, b"abcde")
        self.assertEqual(
            str(error), "chunk size 2 from Custom() must be an int, not str '3'"
        )
        self.assertEqual(protocol.received, b"ab")


class ClassInsteadOfInstanceTests(SynchronousTestCase):
    """
    A class passed where an instance is wanted is a L{TypeError} that says
    so.
    """

    def test_protocolClass(self) -> None:
        """
        A protocol class, not an instance.
        """
        error = self.assertRaises(
            TypeError, ChunkedTransport, RecordingProtocol, OneByteChunks()
        )
        self.assertEqual(
            str(error),
            "ChunkedTransport() protocol must be a protocol instance, not the "
            "class RecordingProtocol: pass RecordingProtocol() instead",
        )

    def test_chunkingClass(self) -> None:
        """
        A chunking policy class, not an instance.
        """
        error = self.assertRaises(
            TypeError, ChunkedTransport, RecordingProtocol(), OneByteChunks
        )
        self.assertEqual(
            str(error),
            "ChunkedTransport() chunking must be a chunking policy instance, not "
            "the class OneByteChunks: pass OneByteChunks() instead",
        )
