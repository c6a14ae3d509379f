# -*- test-case-name: examples.tutorial.test_endtoend -*-
"""
Step 5 of the tutorial: the server answers a real client over a real
loopback connection, and the test leaves nothing behind in the reactor.
"""

from __future__ import annotations

from typing import cast

from twisted.internet import reactor as globalReactor
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import IReactorTime

from examples.tutorial.helpers import (
    ECHO,
    ECHO_RESPONSE,
    HELLO,
    HELLO_RESPONSE,
    requesting,
)
from examples.tutorial.server import HTTPFactory, route
from twistedtesting import TestCase

reactor = cast(IReactorTime, globalReactor)


class EndToEndTests(TestCase):
    """
    :class:`HTTPFactory`'s servers answer real clients over TCP.
    """

    async def test_hello(self) -> None:
        """
        A client connected over TCP gets the greeting, and the server closes
        the connection cleanly once it has sent it.
        """
        pair = await self.connectedPair(HTTPFactory(route, reactor), requesting(HELLO))
        self.assertEqual(await pair.clientProtocol.finished, HELLO_RESPONSE)
        self.assertIsInstance(await pair.whenServerLost(), ConnectionDone)

    async def test_largeBody(self) -> None:
        """
        A body of 500,000 bytes, which the network cuts as it likes, is
        sent back whole.
        """
        body = (bytes(range(256)) * 1954)[:500_000]
        request = ECHO.replace(b"13", b"%d" % len(body)).replace(b"Hello, again!", body)
        expected = ECHO_RESPONSE.replace(b"13", b"%d" % len(body)).replace(
            b"Hello, again!", body
        )
        pair = await self.connectedPair(
            HTTPFactory(route, reactor), requesting(request)
        )
        self.assertEqual(await pair.clientProtocol.finished, expected)
