# -*- test-case-name: twistedtesting.test.test_pair -*-
"""
Tests for L{twistedtesting.connectChunked} and L{twistedtesting.ChunkedPair}:
the behaviour suite of L{transportsuite} for both directions of a pair, and
what is particular to a pair.
"""

from __future__ import annotations

from typing import cast

from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionAborted, ConnectionDone, ConnectionLost
from twisted.internet.interfaces import IPullProducer, ITransport
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting import (
    BreakAfter,
    ChunkedPair,
    Clock,
    FixedChunks,
    FixedDelay,
    OneByteChunks,
    ScriptedChunks,
    SplitAt,
    SynchronousTestCase,
    connectChunked,
)
from twistedtesting.test.transportsuite import (
    HalfCloseRecordingProtocol,
    RecordingProducer,
    RecordingProtocol,
    behaviourTests,
    clockedPairToClientHarness,
    clockedPairToServerHarness,
    pairToClientHarness,
    pairToServerHarness,
)

globals().update(behaviourTests("PairToServer", pairToServerHarness, __name__))
globals().update(behaviourTests("PairToClient", pairToClientHarness, __name__))
globals().update(
    behaviourTests("ClockedPairToServer", clockedPairToServerHarness, __name__)
)
globals().update(
    behaviourTests("ClockedPairToClient", clockedPairToClientHarness, __name__)
)


class Echo(RecordingProtocol):
    """
    Writes back every chunk it receives, C{limit} times at most (forever if
    C{None}).
    """

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit
        self.onData = self.echo

    def echo(self, data: bytes) -> None:
        if self.limit is None or self.limit > 0:
            if self.limit is not None:
                self.limit -= 1
            cast(ITransport, self.transport).write(data)


class Greeter(RecordingProtocol):
    """
    Writes its greeting as soon as it is connected.
    """

    def __init__(self, greeting: bytes) -> None:
        super().__init__()
        self.greeting = greeting

    def connectionMade(self) -> None:
        super().connectionMade()
        cast(ITransport, self.transport).write(self.greeting)


class GreetingEcho(Echo):
    """
    An L{Echo} that writes C{b"x"} as soon as it is connected.
    """

    def connectionMade(self) -> None:
        super().connectionMade()
        cast(ITransport, self.transport).write(b"x")


def connectPair(
    **keywords: object,
) -> tuple[RecordingProtocol, RecordingProtocol, ChunkedPair]:
    """
    Connect two L{RecordingProtocol}s with one-byte chunks both ways, and
    C{keywords} for L{connectChunked}.
    """
    client, server = RecordingProtocol(), RecordingProtocol()
    pair = connectChunked(server, client, OneByteChunks(), **keywords)  # type: ignore[arg-type]
    return client, server, pair


class ConnectTests(SynchronousTestCase):
    """
    Tests for L{connectChunked}.
    """

    def test_connects(self) -> None:
        """
        The server, the first argument, is connected first, then the
        client, each to its transport; the pair holds both, and the links
        between them.
        """
        order: list[str] = []
        client, server = RecordingProtocol(), RecordingProtocol()
        client.connectionMade = lambda: order.append("client")  # type: ignore[method-assign]
        server.connectionMade = lambda: order.append("server")  # type: ignore[method-assign]
        pair = connectChunked(server, client, OneByteChunks())
        self.assertEqual(order, ["server", "client"])
        self.assertIs(pair.client, client)
        self.assertIs(pair.server, server)
        self.assertIs(client.transport, pair.clientTransport)
        self.assertIs(server.transport, pair.serverTransport)
        self.assertIs(pair.serverTransport.inbound, pair.toServer)
        self.assertIs(pair.serverTransport.outbound, pair.toClient)
        self.assertIs(pair.clientTransport.inbound, pair.toClient)
        self.assertIs(pair.clientTransport.outbound, pair.toServer)
        error = self.assertRaises(RuntimeError, lambda: pair.serverTransport.peer)
        self.assertEqual(
            str(error),
            "this transport is joined to a peer transport (by connectChunked(), "
            "say), so the test has no end of it to feed or read: write with the "
            "peer protocol's transport, look at what the peer protocol received, "
            "or use the links (pair.toServer, pair.toClient)",
        )

    def test_addresses(self) -> None:
        """
        Each side's host address is the other's peer address: by default
        C{StringTransport}'s, as given otherwise.
        """
        _, _, pair = connectPair()
        self.assertEqual(
            pair.serverTransport.getHost(), IPv4Address("TCP", "10.0.0.1", 12345)
        )
        self.assertEqual(
            pair.clientTransport.getHost(), IPv4Address("TCP", "192.168.1.1", 54321)
        )
        self.assertEqual(pair.serverTransport.getPeer(), pair.clientTransport.getHost())
        self.assertEqual(pair.clientTransport.getPeer(), pair.serverTransport.getHost())
        clientAddress = IPv4Address("TCP", "127.0.0.1", 40000)
        serverAddress = IPv4Address("TCP", "127.0.0.1", 80)
        _, _, pair = connectPair(
            clientAddress=clientAddress, serverAddress=serverAddress
        )
        self.assertEqual(pair.clientTransport.getPeer(), serverAddress)
        self.assertEqual(pair.serverTransport.getPeer(), clientAddress)

    def test_policies(self) -> None:
        """
        Each direction has its own policy; without C{toClient}, the client's
        input is cut as the server's.
        """
        client, server = RecordingProtocol(), RecordingProtocol()
        pair = connectChunked(server, client, FixedChunks(2), SplitAt((1,)))
        self.assertEqual(pair.toServer.chunking, FixedChunks(2))
        self.assertEqual(pair.toClient.chunking, SplitAt((1,)))
        pair.clientTransport.write(b"abcde")
        pair.serverTransport.write(b"vwxyz")
        pair.flush()
        self.assertEqual(server.chunks, [b"ab", b"cd", b"e"])
        self.assertEqual(client.chunks, [b"v", b"wxyz"])
        _, _, pair = connectPair()
        self.assertEqual(pair.toClient.chunking, OneByteChunks())

    def test_nothingDeliveredByWrite(self) -> None:
        """
        Writes are delivered by C{flush}, never from within C{write}.
        """
        _, server, pair = connectPair()
        pair.clientTransport.write(b"hi")
        self.assertEqual(server.chunks, [])
        self.assertEqual(pair.serverTransport.bytesPending, 2)
        self.assertEqual(pair.flush(), 2)
        self.assertEqual(server.chunks, [b"h", b"i"])

    def test_greetings(self) -> None:
        """
        What the protocols write from C{connectionMade} is delivered by the
        first flush.
        """
        client, server = Greeter(b"hello server"), Greeter(b"hello client")
        pair = connectChunked(server, client, FixedChunks(5))
        pair.flush()
        self.assertEqual(server.received, b"hello server")
        self.assertEqual(client.received, b"hello client")

    def test_closeFromConnectionMade(self) -> None:
        """
        A server that closes the connection from C{connectionMade}, before
        the client is connected, loses it at once; the client's input ends
        at the first flush.
        """

        class Closer(RecordingProtocol):
            def connectionMade(self) -> None:
                super().connectionMade()
                transport = cast(ITransport, self.transport)
                transport.write(b"busy")
                transport.loseConnection()

        client, server = RecordingProtocol(), Closer()
        pair = connectChunked(server, client, OneByteChunks())
        self.assertEqual(server.calls, ["connectionMade", "connectionLost"])
        self.assertEqual(client.calls, ["connectionMade"])
        pair.flush()
        self.assertEqual(client.received, b"busy")
        self.assertEqual(client.calls, ["connectionMade", "connectionLost"])
        self.assertIsInstance(client.lostReasons[0].value, ConnectionDone)

    def test_badArguments(self) -> None:
        """
        A latency without a clock is a L{ValueError}, as for a single
        transport.
        """
        error = self.assertRaises(
            ValueError,
            connectChunked,
            RecordingProtocol(),
            RecordingProtocol(),
            OneByteChunks(),
            latency=1,
        )
        self.assertIn("needs a clock", str(error))

    def test_repr(self) -> None:
        """
        The repr shows both protocols, both transports and both links.
        """
        client, server, pair = connectPair()
        pair.clientTransport.write(b"abc")
        self.assertEqual(
            repr(pair),
            f"<ChunkedPair server={server!r} client={client!r}\n"
            "  server transport: <ChunkedTransport OneByteChunks() open: 0 bytes "
            "delivered in 0 chunks, 3 pending, 0 discarded; 0 bytes written and "
            "unread>\n"
            "  client transport: <ChunkedTransport OneByteChunks() open: 0 bytes "
            "delivered in 0 chunks, 0 pending, 0 discarded; 3 bytes written and "
            "unread>\n"
            "  to server: <Link OneByteChunks(): 0 bytes delivered in 0 chunks, "
            "3 pending, 0 discarded>\n"
            "  to client: <Link OneByteChunks(): 0 bytes delivered in 0 chunks, "
            "0 pending, 0 discarded>>",
        )


class FlushTests(SynchronousTestCase):
    """
    Tests for L{ChunkedPair.flush}.
    """

    def test_pingPong(self) -> None:
        """
        Protocols that answer what they receive are served round after round
        until they stop answering.
        """
        client, server = GreetingEcho(limit=2), Echo(limit=3)
        pair = connectChunked(server, client, OneByteChunks())
        self.assertEqual(pair.flush(), 6)
        self.assertEqual(server.received, b"xxx")
        self.assertEqual(client.received, b"xxx")

    def test_neverQuiet(self) -> None:
        """
        When two protocols answer each other forever, C{flush} raises a
        L{RuntimeError} after C{maxRounds} rounds, saying what it delivered
        and what is pending.
        """
        client, server = Echo(), Echo()
        pair = connectChunked(server, client, OneByteChunks())
        pair.clientTransport.write(b"x")
        error = self.assertRaises(RuntimeError, pair.flush, 10)
        self.assertEqual(
            str(error),
            "flush() gave up after 10 rounds: the two sides never went quiet.  It "
            "delivered 20 chunks: 10 bytes to the server and 10 bytes to the "
            "client; 1 bytes to the server and 0 bytes to the client are still "
            "pending.  Protocols that answer each other forever never go quiet: "
            "deliver step by step with pair.toServer.deliver() and "
            "pair.toClient.deliver(), or pass a larger maxRounds.  Delivered to "
            "the server: 10 chunks, 10 bytes: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]; to "
            "the client: 10 chunks, 10 bytes: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1].",
        )

    def test_badMaxRounds(self) -> None:
        """
        A C{maxRounds} below 1 or not an int is an error.
        """
        _, _, pair = connectPair()
        error = self.assertRaises(ValueError, pair.flush, 0)
        self.assertEqual(str(error), "flush() maxRounds must be at least 1, got 0")
        error = self.assertRaises(TypeError, pair.flush, "10")
        self.assertEqual(str(error), "flush() maxRounds must be an int, not str '10'")

    def test_pausedIsQuiet(self) -> None:
        """
        Bytes waiting for a paused transport leave the pair quiet: C{flush}
        returns, and delivers them once the transport is resumed.
        """
        _, server, pair = connectPair()
        pair.serverTransport.pauseProducing()
        pair.clientTransport.write(b"wait")
        self.assertEqual(pair.flush(), 0)
        self.assertEqual(pair.serverTransport.bytesPending, 4)
        pair.serverTransport.resumeProducing()
        self.assertEqual(pair.flush(), 4)
        self.assertEqual(server.received, b"wait")


class CloseTests(SynchronousTestCase):
    """
    How closing one side reaches the other.
    """

    def test_loseConnection(self) -> None:
        """
        A side that closes loses its connection with L{ConnectionDone} at
        the next delivery, not from within C{loseConnection}; the other gets
        what was written, before and after C{loseConnection}, then
        L{ConnectionDone}.
        """
        client, server, pair = connectPair()
        pair.clientTransport.write(b"by")
        pair.clientTransport.loseConnection()
        pair.clientTransport.write(b"e")
        self.assertEqual(client.calls, ["connectionMade"])
        self.assertEqual(server.calls, ["connectionMade"])
        pair.flush()
        self.assertEqual(client.calls, ["connectionMade", "connectionLost"])
        self.assertEqual(server.received, b"bye")
        self.assertEqual(server.calls, ["connectionMade", "connectionLost"])
        self.assertIsInstance(server.lostReasons[0].value, ConnectionDone)

    def test_abortResetsPeer(self) -> None:
        """
        A side that aborts loses its connection with L{ConnectionAborted} at
        the next delivery; the other's connection is reset, the bytes
        written before the abort dropped, though its transport is not
        paused; what the aborting side writes after the abort goes nowhere.
        """
        client, server, pair = connectPair()
        pair.clientTransport.write(b"lost")
        pair.clientTransport.abortConnection()
        pair.clientTransport.write(b"more")
        self.assertEqual(client.lostReasons, [])
        pair.flush()
        self.assertIs(client.lostReasons[0].type, ConnectionAborted)
        self.assertEqual(server.chunks, [])
        self.assertIs(server.lostReasons[0].type, ConnectionLost)
        self.assertEqual(
            server.lostReasons[0].getErrorMessage(),
            "Connection to the other side was lost in a non-clean fashion: "
            "Connection reset by peer.",
        )
        self.assertEqual(pair.serverTransport.bytesDiscarded, 4)

    def test_breakFault(self) -> None:
        """
        A break in one direction loses both sides' connections with
        L{ConnectionLost}, after the bytes before the break.
        """
        client, server, pair = connectPair(toServerFault=BreakAfter(3))
        pair.clientTransport.write(b"abcdef")
        pair.flush()
        self.assertEqual(server.received, b"abc")
        self.assertIs(server.lostReasons[0].type, ConnectionLost)
        self.assertIs(client.lostReasons[0].type, ConnectionLost)
        self.assertEqual(pair.serverTransport.bytesDiscarded, 3)

    def test_resetLink(self) -> None:
        """
        A reset sent into one link loses the receiving side's connection at
        the next delivery, and the reset it sends back loses the other's.
        """
        client, server, pair = connectPair()
        pair.toServer.sendReset(Failure(ConnectionLost("cut")))
        self.assertEqual(server.lostReasons, [])
        pair.flush()
        self.assertIs(server.lostReasons[0].type, ConnectionLost)
        self.assertEqual(
            server.lostReasons[0].getErrorMessage(), ConnectionLost("cut").__str__()
        )
        self.assertIs(client.lostReasons[0].type, ConnectionLost)

    def test_writeToClosedPeer(self) -> None:
        """
        Bytes written to a side that has lost its connection are discarded,
        and counted.
        """
        client = HalfCloseRecordingProtocol()
        server = RecordingProtocol()
        pair = connectChunked(server, client, OneByteChunks())
        pair.serverTransport.loseConnection()
        pair.flush()
        self.assertEqual(client.calls, ["connectionMade", "readConnectionLost"])
        pair.clientTransport.write(b"anyone?")
        self.assertEqual(pair.serverTransport.bytesDiscarded, 7)
        self.assertEqual(pair.toServer.bytesDiscarded, 7)

    def test_halfClose(self) -> None:
        """
        A client that shuts its write side still gets the server's answer,
        which the server sends after its C{readConnectionLost}; then the
        client's input ends.
        """
        client, server = HalfCloseRecordingProtocol(), HalfCloseRecordingProtocol()
        pair = connectChunked(server, client, FixedChunks(3))
        pair.clientTransport.write(b"question")
        pair.clientTransport.loseWriteConnection()
        pair.flush()
        self.assertEqual(server.received, b"question")
        self.assertEqual(server.calls, ["connectionMade", "readConnectionLost"])
        self.assertEqual(client.calls, ["connectionMade", "writeConnectionLost"])
        pair.serverTransport.write(b"answer")
        pair.serverTransport.loseConnection()
        pair.flush()
        self.assertEqual(client.received, b"answer")
        self.assertEqual(
            client.calls,
            ["connectionMade", "writeConnectionLost", "readConnectionLost"],
        )
        self.assertEqual(server.calls[-1], "connectionLost")


class LatencyTests(SynchronousTestCase):
    """
    A pair on a clock, with a latency per direction.
    """

    def test_latency(self) -> None:
        """
        Bytes reach the other side their direction's latency after they
        were written, however they are cut: an echo of two one-byte chunks
        comes back after the two latencies.
        """
        clock = Clock()
        arrivals: list[float] = []
        client = RecordingProtocol()
        client.onData = lambda data: arrivals.append(clock.seconds())
        server = Echo()
        serverArrivals: list[float] = []

        def arrived(data: bytes) -> None:
            serverArrivals.append(clock.seconds())
            server.echo(data)

        server.onData = arrived
        pair = connectChunked(
            server,
            client,
            OneByteChunks(),
            clock=clock,
            toServerLatency=1.0,
            toClientLatency=2.0,
        )
        pair.clientTransport.write(b"ab")
        clock.advance(0.5)
        pair.clientTransport.write(b"c")
        clock.pump([0.25] * 20)
        self.assertEqual(client.received, b"abc")
        self.assertEqual(serverArrivals, [1.0, 1.0, 1.5])
        self.assertEqual(arrivals, [3.0, 3.0, 3.5])
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_spacing(self) -> None:
        """
        With a spacing, each chunk reaches the other side that long after
        the one before, or after it was written when nothing was waiting.
        """
        clock = Clock()
        server = RecordingProtocol()
        arrivals: list[float] = []
        server.onData = lambda data: arrivals.append(clock.seconds())
        pair = connectChunked(
            server,
            RecordingProtocol(),
            OneByteChunks(),
            clock=clock,
            toServerSpacing=FixedDelay(1.0),
        )
        pair.clientTransport.write(b"ab")
        clock.pump([0.5] * 10)
        pair.clientTransport.write(b"c")
        clock.pump([0.5] * 10)
        self.assertEqual(server.received, b"abc")
        self.assertEqual(arrivals, [1.0, 2.0, 6.0])

    def test_flushSkipsLatency(self) -> None:
        """
        C{flush} delivers everything without waiting for the clock, and
        leaves nothing scheduled.
        """
        clock = Clock()
        client, server = RecordingProtocol(), Echo()
        pair = connectChunked(server, client, OneByteChunks(), clock=clock, latency=1.0)
        pair.clientTransport.write(b"abc")
        pair.flush()
        self.assertEqual(client.received, b"abc")
        self.assertEqual(clock.seconds(), 0)
        self.assertEqual(clock.getDelayedCalls(), [])


class FlowControlTests(SynchronousTestCase):
    """
    Flow control across a pair.
    """

    def test_backpressure(self) -> None:
        """
        When the reading side pauses, the bytes written to it stay pending,
        so the writing side's streaming producer is paused past the
        high-water mark, and resumed once they are delivered.
        """
        client, _, pair = connectPair(highWater=4)
        producer = RecordingProducer()
        pair.serverTransport.registerProducer(producer, True)
        pair.clientTransport.pauseProducing()
        pair.serverTransport.write(b"0123456789")
        self.assertEqual(producer.events, ["pause"])
        pair.flush()
        self.assertEqual(producer.events, ["pause"])
        pair.clientTransport.resumeProducing()
        pair.flush()
        self.assertEqual(producer.events, ["pause", "resume"])
        self.assertEqual(client.received, b"0123456789")

    def test_pullProducer(self) -> None:
        """
        A non-streaming producer is asked for more each time what it wrote
        is delivered, until it unregisters; the close it then asks for from
        within C{resumeProducing} is finished after that call returns.
        """
        client, server, pair = connectPair()
        parts = [b"one ", b"two ", b"three"]
        transport = pair.serverTransport
        producing = [False]
        lostWhileProducing: list[bool] = []
        server.onData = None
        recordLost = server.connectionLost

        def connectionLost(reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
            lostWhileProducing.append(producing[0])
            recordLost(reason)

        server.connectionLost = connectionLost  # type: ignore[method-assign]

        @implementer(IPullProducer)
        class Producer:
            def resumeProducing(self) -> None:
                producing[0] = True
                if parts:
                    transport.write(parts.pop(0))
                else:
                    transport.unregisterProducer()
                    transport.loseConnection()
                producing[0] = False

            def stopProducing(self) -> None:
                raise AssertionError("stopped")

        transport.registerProducer(Producer(), False)
        pair.flush()
        self.assertEqual(lostWhileProducing, [False])
        self.assertEqual(client.received, b"one two three")
        self.assertIsInstance(client.lostReasons[0].value, ConnectionDone)


class ArgumentErrorTests(SynchronousTestCase):
    """
    Errors in the arguments of L{connectChunked} name the argument the
    caller passed.
    """

    def assertRefused(
        self, exception: type[Exception], message: str, *args: object, **kw: object
    ) -> None:
        """
        Assert that L{connectChunked} with C{args} (or two protocols and a
        policy) and C{kw} raises C{exception} with C{message}, and connects
        nothing.
        """
        client, server = RecordingProtocol(), RecordingProtocol()
        if not args:
            args = (client, server, OneByteChunks())
        error = self.assertRaises(exception, connectChunked, *args, **kw)
        self.assertEqual(str(error), message)
        self.assertEqual((client.events, server.events), ([], []))

    def test_timingWithoutClock(self) -> None:
        """
        A latency, bandwidth or spacing without a clock names its argument.
        """
        for name, value in [
            ("latency", 1),
            ("toServerLatency", 0.5),
            ("toClientLatency", 0.5),
            ("bandwidth", 1000),
            ("toServerSpacing", FixedDelay(1)),
            ("toClientSpacing", FixedDelay(1)),
        ]:
            self.assertRefused(
                ValueError,
                f"connectChunked() {name} {value!r} needs a clock to wait on; "
                "pass clock=twistedtesting.Clock() as well",
                **{name: value},
            )

    def test_badTypes(self) -> None:
        """
        An argument of the wrong type is named as the caller passed it.
        """
        policyHint = "such as OneByteChunks() or RandomChunks(1, 16, self.random)"
        cases: list[tuple[str, object, str]] = [
            (
                "serverAddress",
                ("127.0.0.1", 80),
                "must be an IPv4Address or IPv6Address (such as IPv4Address('TCP', "
                "'127.0.0.1', 8080)), not tuple ('127.0.0.1', 80)",
            ),
            (
                "clientAddress",
                "here",
                "must be an IPv4Address or IPv6Address (such as IPv4Address('TCP', "
                "'127.0.0.1', 8080)), not str 'here'",
            ),
            ("toClient", 3, f"must be a chunking policy, {policyHint}, not int 3"),
            ("toServerFault", 5, "must be a BreakAfter, not int 5"),
            ("toClientFault", 5, "must be a BreakAfter, not int 5"),
        ]
        for name, value, message in cases:
            self.assertRefused(
                TypeError, f"connectChunked() {name} {message}", **{name: value}
            )
        self.assertRefused(
            TypeError,
            "connectChunked() toServerSpacing must be a delay policy, such as "
            "FixedDelay(0.1), not float 0.5",
            clock=Clock(),
            toServerSpacing=0.5,
        )
        self.assertRefused(
            ValueError,
            "connectChunked() latency must be a finite number of seconds >= 0, got -1",
            clock=Clock(),
            latency=-1,
        )
        self.assertRefused(
            ValueError,
            "connectChunked() bandwidth must be a finite number of bytes a second "
            "> 0, got 0",
            clock=Clock(),
            bandwidth=0,
        )
        self.assertRefused(
            TypeError,
            f"connectChunked() toServer must be a chunking policy, {policyHint}, "
            "not int 3",
            RecordingProtocol(),
            RecordingProtocol(),
            3,
        )

    def test_protocolClass(self) -> None:
        """
        A protocol class instead of an instance is a L{TypeError} that says
        so.
        """
        self.assertRefused(
            TypeError,
            "connectChunked() server must be a protocol instance, not the class "
            "RecordingProtocol: pass RecordingProtocol() instead",
            RecordingProtocol,
            RecordingProtocol(),
            OneByteChunks(),
        )
        self.assertRefused(
            TypeError,
            "connectChunked() client must be a protocol instance, not the class "
            "RecordingProtocol: pass RecordingProtocol() instead",
            RecordingProtocol(),
            RecordingProtocol,
            OneByteChunks(),
        )


class ScriptedPairTests(SynchronousTestCase):
    """
    A script of chunk sizes cuts one direction of a pair.
    """

    def test_scriptNeedsToClient(self) -> None:
        """
        A script for C{toServer} does not also bind the server's replies:
        C{toClient} must then be given.
        """
        error = self.assertRaises(
            ValueError,
            connectChunked,
            RecordingProtocol(),
            RecordingProtocol(),
            ScriptedChunks([2, 3]),
        )
        self.assertEqual(
            str(error),
            "connectChunked() toClient must be given when toServer is a script "
            "(ScriptedChunks(sizes=(2, 3)) covers 5 bytes): a script cuts the "
            "bytes of one direction only",
        )

    def test_scriptedRequest(self) -> None:
        """
        With C{toClient} given, the script cuts the client's bytes and the
        server's replies are cut by C{toClient}.
        """
        client, server = Greeter(b"HELLO"), Echo()
        pair = connectChunked(server, client, ScriptedChunks([2, 3]), OneByteChunks())
        pair.flush()
        self.assertEqual(server.chunks, [b"HE", b"LLO"])
        self.assertEqual(client.chunks, [b"H", b"E", b"L", b"L", b"O"])

    def test_overlongScriptNamesDirection(self) -> None:
        """
        Bytes past the end of a direction's script are an error that names
        the direction.
        """
        client, server = Greeter(b"HELLO"), Echo()
        pair = connectChunked(
            server, client, ScriptedChunks([2, 3]), ScriptedChunks([1])
        )
        error = self.assertRaises(ValueError, pair.flush)
        self.assertEqual(
            str(error),
            "connectChunked() toClient ScriptedChunks(sizes=(1,)) covers 1 bytes, "
            "but 2 more bytes after the 0 already given make 2: the script does "
            "not add up to what the "
            "server wrote.  To cut the first bytes at given offsets and pass the "
            "rest as it comes, use SplitAt(offsets) instead",
        )


class LongTransferTests(SynchronousTestCase):
    """
    C{flush} finishes long finite transfers.
    """

    def test_manyWrites(self) -> None:
        """
        A pull producer that writes 1500 pieces, one per round, is flushed
        to the end.
        """
        client = RecordingProtocol()
        server = RecordingProtocol()
        pair = connectChunked(server, client, FixedChunks(4096))
        transport = pair.serverTransport
        left = [1500]

        @implementer(IPullProducer)
        class Pieces:
            def resumeProducing(self) -> None:
                if left[0]:
                    left[0] -= 1
                    transport.write(b"x" * 100)
                else:
                    transport.unregisterProducer()
                    transport.loseConnection()

            def stopProducing(self) -> None:
                raise AssertionError("stopped")

        transport.registerProducer(Pieces(), False)
        pair.flush()
        self.assertEqual(len(client.received), 150_000)
        self.assertEqual(len(client.lostReasons), 1)
