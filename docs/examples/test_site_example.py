# -*- test-case-name: examples.test_site_example -*-
"""
A test of Twisted's web server over a real connection that
:meth:`~twistedtesting.TestCase.connectedPair` makes and tears down.
"""

from __future__ import annotations

from twisted.internet.defer import Deferred
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import Site
from twisted.web.static import Data

from twistedtesting import TestCase


class ResponseCollector(Protocol):
    """
    Collects what the server sends until it closes the connection.

    :ivar done: Fires with everything received, once the connection is lost.
    """

    def __init__(self) -> None:
        self.received = b""
        self.done: Deferred[bytes] = Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.received += data

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.done.callback(self.received)


class SiteTests(TestCase):
    """
    Tests of a small web site, over a real loopback connection.
    """

    async def test_page(self) -> None:
        """
        The site serves its page, then closes the connection as the request
        asked.
        """
        root = Resource()
        root.putChild(b"hello", Data(b"Hello, world!", "text/plain"))
        pair = await self.connectedPair(
            Site(root), Factory.forProtocol(ResponseCollector)
        )
        assert pair.clientProtocol.transport is not None
        pair.clientProtocol.transport.write(
            b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        response = await pair.clientProtocol.done
        self.assertTrue(response.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertTrue(response.endswith(b"\r\n\r\nHello, world!"))
