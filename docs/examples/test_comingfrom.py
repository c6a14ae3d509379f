# -*- test-case-name: examples.test_comingfrom -*-
"""
The same tests written with Twisted's own testing tools and with
twistedtesting's, side by side, for the documentation's page "Coming from
other tools".  They test the tutorial's HTTP server.
"""

from __future__ import annotations

from twisted.internet import task
from twisted.internet.address import IPv4Address
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.test import iosim

from examples.tutorial.helpers import HELLO, HELLO_RESPONSE, ResponseCollector
from examples.tutorial.server import IDLE_TIMEOUT, HTTPFactory, HTTPServer, route
from twistedtesting import (
    ChunkedTransport,
    Clock,
    OneByteChunks,
    RandomChunks,
    SynchronousTestCase,
    connectChunked,
)


class TransportTests(SynchronousTestCase):
    """
    ``StringTransport`` and ``ChunkedTransport``.
    """

    def test_stringTransport(self) -> None:
        """
        With ``StringTransport`` the test calls ``dataReceived`` itself,
        usually with the whole request.
        """
        server = HTTPServer(route, task.Clock())
        transport = StringTransport()
        server.makeConnection(transport)
        server.dataReceived(HELLO)
        self.assertEqual(transport.value(), HELLO_RESPONSE)
        self.assertTrue(transport.disconnecting)

    def test_chunkedTransport(self) -> None:
        """
        With ``ChunkedTransport`` the test feeds the request and the
        transport cuts it; and the server's ``connectionLost`` is called
        once it has closed the connection.
        """
        server = HTTPServer(route, Clock())
        transport = ChunkedTransport(server, OneByteChunks())
        transport.peer.feed(HELLO)
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)
        self.assertTrue(transport.disconnected)


class ClockTests(SynchronousTestCase):
    """
    ``task.Clock`` and ``twistedtesting.Clock``.
    """

    def test_taskClock(self) -> None:
        """
        With ``task.Clock`` the test advances by hand, to just before the
        timeout and then to it.
        """
        clock = task.Clock()
        server = HTTPServer(route, clock)
        transport = StringTransport()
        server.makeConnection(transport)
        clock.advance(IDLE_TIMEOUT - 0.1)
        self.assertFalse(transport.disconnecting)
        clock.advance(0.1)
        self.assertTrue(transport.disconnecting)

    def test_assertTimesOut(self) -> None:
        """
        ``assertTimesOut`` checks the condition after every call the clock
        runs, and that it holds at exactly 30 seconds.
        """
        clock = Clock()
        transport = ChunkedTransport(HTTPServer(route, clock), OneByteChunks())
        self.assertTimesOut(lambda: transport.disconnecting, clock, IDLE_TIMEOUT)


class PumpTests(SynchronousTestCase):
    """
    ``twisted.test.iosim`` and ``connectChunked``.
    """

    def test_iosim(self) -> None:
        """
        ``iosim`` connects a client and a server in memory; its pump moves
        everything that is pending in one ``dataReceived`` call.
        """
        client, _, pump = iosim.connectedServerAndClient(
            lambda: HTTPServer(route, task.Clock()),
            lambda: ResponseCollector(HELLO),
        )
        pump.flush()
        self.assertEqual(client.response, HELLO_RESPONSE)

    def test_connectChunked(self) -> None:
        """
        ``connectChunked`` connects them with two chunked transports, which
        cut what each side writes; ``flush`` delivers until both are quiet.
        """
        client = ResponseCollector(HELLO)
        server = HTTPServer(route, Clock())
        pair = connectChunked(server, client, RandomChunks(1, 8, self.random))
        pair.flush()
        self.assertEqual(client.response, HELLO_RESPONSE)
        self.assertEqual(self.successResultOf(client.finished), HELLO_RESPONSE)


class MemoryReactorTests(SynchronousTestCase):
    """
    ``MemoryReactorClock``, with ``ChunkedTransport`` for the bytes.
    """

    def test_listened(self) -> None:
        """
        ``MemoryReactorClock`` records what the code under test listened
        on; the protocol the recorded factory builds can then be connected
        to a ``ChunkedTransport``.
        """
        reactor = MemoryReactorClock()
        reactor.listenTCP(8080, HTTPFactory(route, reactor))
        [(port, factory, _, _)] = reactor.tcpServers
        self.assertEqual(port, 8080)
        server = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 54321))
        assert server is not None
        transport = ChunkedTransport(server, RandomChunks(1, 8, self.random))
        transport.peer.feed(HELLO)
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)
