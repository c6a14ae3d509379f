# -*- test-case-name: examples.tutorial.test_timeouts -*-
"""
Step 4 of the tutorial: the server gives up on a connection that stays
silent for 30 seconds, and serves a client that is slow but keeps sending.
Every test runs in virtual time, in milliseconds.
"""

from __future__ import annotations

from examples.tutorial.helpers import HELLO, HELLO_RESPONSE, errorResponse, serve
from examples.tutorial.server import IDLE_TIMEOUT, HTTPServer, route
from twistedtesting import (
    ChunkedTransport,
    Clock,
    FixedDelay,
    OneByteChunks,
    RandomChunks,
    RandomDelay,
    SynchronousTestCase,
)

TIMEOUT_RESPONSE = errorResponse(408, "Request Timeout")


class IdleTimeoutTests(SynchronousTestCase):
    """
    :class:`HTTPServer` answers ``408 Request Timeout`` and closes a
    connection on which nothing arrives for ``IDLE_TIMEOUT`` seconds.
    """

    def test_silentClient(self) -> None:
        """
        A client that sends nothing is answered ``408 Request Timeout``, and
        its connection closed, exactly 30 seconds after it connected.
        """
        clock = Clock()
        transport = ChunkedTransport(HTTPServer(route, clock), OneByteChunks())
        self.assertTimesOut(lambda: transport.disconnecting, clock, IDLE_TIMEOUT)
        self.assertEqual(transport.peer.value(), TIMEOUT_RESPONSE)

    def test_stalledClient(self) -> None:
        """
        A client that sends the request line a byte a second, then stops,
        is timed out 30 seconds after its last byte: at t=51.
        """
        clock = Clock()
        requestLine = b"GET /hello HTTP/1.0\r\n"
        transport = ChunkedTransport(
            HTTPServer(route, clock),
            OneByteChunks(),
            clock=clock,
            spacing=FixedDelay(1),
        )
        transport.peer.feed(requestLine)
        self.assertEqual(
            self.advanceUntil(clock, lambda: transport.disconnecting, 3600),
            len(requestLine) + IDLE_TIMEOUT,
        )
        self.assertEqual(transport.peer.value(), TIMEOUT_RESPONSE)

    def test_timerStoppedByResponse(self) -> None:
        """
        Once the server has answered, its idle timer is stopped: nothing is
        left scheduled.
        """
        clock = Clock()
        transport = serve(HELLO, clock=clock)
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)
        self.assertEqual(clock.getDelayedCalls(), [])


class SlowClientTests(SynchronousTestCase):
    """
    :class:`HTTPServer` serves a client that is slow, as long as it keeps
    sending.
    """

    def test_byteEveryTenSeconds(self) -> None:
        """
        Each byte restarts the idle timer, so a request that arrives a byte
        every 10 seconds is served when its last byte arrives, although the
        whole request takes longer than the idle timeout.
        """
        clock = Clock()
        transport = ChunkedTransport(
            HTTPServer(route, clock),
            OneByteChunks(),
            clock=clock,
            spacing=FixedDelay(10),
        )
        transport.peer.feed(HELLO)
        served = self.advanceUntil(clock, lambda: transport.disconnecting, 3600)
        self.assertEqual(served, 10.0 * len(HELLO))
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)

    def test_randomChunksAndDelays(self) -> None:
        """
        A request cut at random, each chunk arriving up to 29 seconds after
        the one before, is served.
        """
        clock = Clock()
        transport = ChunkedTransport(
            HTTPServer(route, clock),
            RandomChunks(1, 8, self.random),
            clock=clock,
            spacing=RandomDelay(0, 29, self.random),
        )
        transport.peer.feed(HELLO)
        self.advanceUntil(clock, lambda: transport.disconnecting, 3600)
        self.assertEqual(transport.peer.value(), HELLO_RESPONSE)
