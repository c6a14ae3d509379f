# -*- test-case-name: twistedtesting.test.test_tcpends -*-
"""
The ends of a chunked connection behave as TCP's do: each scenario runs
over a real loopback connection and over L{twistedtesting.connectChunked}
on a L{twistedtesting.Clock}, and both must give the same outcome, which
the test also states.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import attrs
from twisted.internet import defer
from twisted.internet.error import ConnectionAborted, ConnectionDone, ConnectionLost
from twisted.internet.interfaces import IHalfCloseableProtocol, ITCPTransport
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting import Clock, RandomChunks, TestCase, advanceUntil, connectChunked


@implementer(IHalfCloseableProtocol)
class Side(Protocol):
    """
    One side of a scenario: it records what it receives and how its
    connection ends, and runs C{onData} and C{onReadLost} when they happen.

    @ivar received: The bytes received, joined.
    @ivar events: C{"readConnectionLost"}, C{"writeConnectionLost"} and
        C{"connectionLost"}, in order.
    @ivar reason: The type of the failure C{connectionLost} got.
    @ivar lost: Fires when C{connectionLost} is called.
    """

    def __init__(self) -> None:
        self.received = b""
        self.events: list[str] = []
        self.reason: type[BaseException] | None = None
        self.lost: defer.Deferred[None] = defer.Deferred()
        self.onData: Callable[[Side, bytes], object] | None = None
        self.onReadLost: Callable[[Side], object] | None = None

    @property
    def tcp(self) -> ITCPTransport:
        """
        The transport.
        """
        return cast(ITCPTransport, self.transport)

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        if self.onData is not None:
            self.onData(self, data)

    def readConnectionLost(self) -> None:
        self.events.append("readConnectionLost")
        if self.onReadLost is not None:
            self.onReadLost(self)

    def writeConnectionLost(self) -> None:
        self.events.append("writeConnectionLost")

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        self.events.append("connectionLost")
        self.reason = cast(type[BaseException], reason.type)
        self.lost.callback(None)


@attrs.frozen
class Outcome:
    """
    What a scenario led to, on each side.
    """

    serverReceived: bytes
    clientReceived: bytes
    serverEvents: tuple[str, ...]
    clientEvents: tuple[str, ...]
    serverReason: type[BaseException] | None
    clientReason: type[BaseException] | None

    @classmethod
    def of(cls, server: Side, client: Side) -> Outcome:
        return cls(
            server.received,
            client.received,
            tuple(server.events),
            tuple(client.events),
            server.reason,
            client.reason,
        )


Scenario = Callable[[Side, Side], object]


def sides(
    setUp: Callable[[Side, Side], object] | None,
) -> tuple[Side, Side]:
    """
    A new server and client, set up by C{setUp}.
    """
    server, client = Side(), Side()
    if setUp is not None:
        setUp(server, client)
    return server, client


class SideBySideTests(TestCase):
    """
    Scenarios at the ends of a connection, over TCP and in memory.
    """

    async def overTCP(
        self, scenario: Scenario, setUp: Callable[[Side, Side], object] | None
    ) -> Outcome:
        """
        Run C{scenario} over a real loopback connection, and wait until both
        sides' connections are lost.
        """
        server, client = sides(setUp)
        pair = await self.connectedPair(
            Factory.forProtocol(lambda: server), Factory.forProtocol(lambda: client)
        )
        scenario(pair.serverProtocol, pair.clientProtocol)
        await defer.gatherResults([server.lost, client.lost])
        return Outcome.of(server, client)

    def inMemory(
        self, scenario: Scenario, setUp: Callable[[Side, Side], object] | None
    ) -> Outcome:
        """
        Run C{scenario} over a chunked pair with latency and random chunks
        on a clock, until both sides' connections are lost.
        """
        server, client = sides(setUp)
        clock = Clock()
        connectChunked(
            server,
            client,
            RandomChunks(1, 4, self.random),
            clock=clock,
            latency=0.001,
        )
        scenario(server, client)
        advanceUntil(clock, lambda: server.lost.called and client.lost.called, 60)
        return Outcome.of(server, client)

    async def assertSameOutcome(
        self,
        scenario: Scenario,
        expected: Outcome,
        setUp: Callable[[Side, Side], object] | None = None,
    ) -> None:
        """
        Assert that C{scenario} leads to C{expected} over TCP and in memory.
        """
        self.assertEqual(await self.overTCP(scenario, setUp), expected, "over TCP")
        self.assertEqual(self.inMemory(scenario, setUp), expected, "in memory")

    async def test_abortDropsUnsentBytes(self) -> None:
        """
        Bytes written in the same turn as C{abortConnection} are never
        received, and nor are those written after it; the aborting side
        gets L{ConnectionAborted}, the other a L{ConnectionLost} (a reset).
        """

        def scenario(server: Side, client: Side) -> None:
            server.tcp.write(b"x" * 1000)
            server.tcp.abortConnection()
            server.tcp.write(b"after")

        await self.assertSameOutcome(
            scenario,
            Outcome(
                b"",
                b"",
                ("connectionLost",),
                ("connectionLost",),
                ConnectionAborted,
                ConnectionLost,
            ),
        )

    async def test_writesAroundLoseConnectionSent(self) -> None:
        """
        Bytes written before and after C{loseConnection}, in the same turn,
        are received before the end; both sides get L{ConnectionDone}.
        """

        def scenario(server: Side, client: Side) -> None:
            server.tcp.write(b"before ")
            server.tcp.loseConnection()
            server.tcp.write(b"after")

        def setUp(server: Side, client: Side) -> None:
            client.onReadLost = lambda side: side.tcp.loseConnection()

        await self.assertSameOutcome(
            scenario,
            Outcome(
                b"",
                b"before after",
                ("connectionLost",),
                ("readConnectionLost", "connectionLost"),
                ConnectionDone,
                ConnectionDone,
            ),
            setUp,
        )

    async def test_halfClose(self) -> None:
        """
        A client that shuts its write side after its question still gets
        the answer, which the server writes once its input ended, then
        closes.
        """

        def setUp(server: Side, client: Side) -> None:
            def answer(side: Side) -> None:
                side.tcp.write(side.received.upper())
                side.tcp.loseConnection()

            server.onReadLost = answer
            client.onReadLost = lambda side: side.tcp.loseConnection()

        def scenario(server: Side, client: Side) -> None:
            client.tcp.write(b"question")
            client.tcp.loseWriteConnection()

        await self.assertSameOutcome(
            scenario,
            Outcome(
                b"question",
                b"QUESTION",
                ("readConnectionLost", "connectionLost"),
                ("writeConnectionLost", "readConnectionLost", "connectionLost"),
                ConnectionDone,
                ConnectionDone,
            ),
            setUp,
        )

    async def test_protocolErrorClosesCleanly(self) -> None:
        """
        An exception in C{dataReceived}, with C{protocolErrors="close"} in
        memory as on TCP, is logged, and the connection closes: the
        protocol gets the exception as its reason, the peer a clean close.
        """

        def setUp(server: Side, client: Side) -> None:
            def fail(side: Side, data: bytes) -> None:
                raise ZeroDivisionError("bad input")

            server.onData = fail
            client.onReadLost = lambda side: side.tcp.loseConnection()

        def scenario(server: Side, client: Side) -> None:
            client.tcp.write(b"x")

        expected = Outcome(
            b"x",
            b"",
            ("connectionLost",),
            ("readConnectionLost", "connectionLost"),
            ZeroDivisionError,
            ConnectionDone,
        )
        self.assertEqual(await self.overTCP(scenario, setUp), expected)
        self.assertEqual(len(self.flushLoggedErrors(ZeroDivisionError)), 1)

        server, client = sides(setUp)
        clock = Clock()
        connectChunked(
            server,
            client,
            RandomChunks(1, 4, self.random),
            clock=clock,
            protocolErrors="close",
        )
        scenario(server, client)
        advanceUntil(clock, lambda: server.lost.called and client.lost.called, 60)
        self.assertEqual(Outcome.of(server, client), expected)
        self.assertEqual(len(self.flushLoggedErrors(ZeroDivisionError)), 1)

    def test_protocolErrorRaisesByDefault(self) -> None:
        """
        By default, an exception in C{dataReceived} propagates to the
        caller of the delivery, here the clock's C{advance}, and the
        connection stays open.
        """
        server, client = Side(), Side()

        def fail(side: Side, data: bytes) -> None:
            raise ZeroDivisionError("bad input")

        server.onData = fail
        clock = Clock()
        connectChunked(server, client, RandomChunks(1, 4, self.random), clock=clock)
        client.tcp.write(b"x")
        self.assertRaises(ZeroDivisionError, clock.advance, 0)
        self.assertEqual(server.events, [])
