# -*- test-case-name: examples.test_poetry_example -*-
"""
Tests for :mod:`examples.poetry` over real connections, written the way a
project using twistedtesting would write them: every connection a test
makes is torn down completely, and the test waits for that.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet import reactor as globalReactor
from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone, ConnectionRefusedError
from twisted.internet.interfaces import IReactorTCP

from examples.poetry import (
    PoetryClientFactory,
    PoetryServerFactory,
    getPoetry,
)
from twistedtesting import ConnectionTracker, TestCase, refusingAddress

reactor = cast(IReactorTCP, globalReactor)

TEST_POEM = b"This is a test.\nThis is only a test.\n"


class PoetryTests(TestCase):
    """
    The tutorial's tests of :func:`getPoetry`: the test listens with a
    poetry server itself, and the code under test connects to it.
    """

    def setUp(self) -> None:
        # The tracker stops the port and loses every connection the
        # factory's protocols have, and the cleanup waits for all of it.
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        factory = tracker.trackFactory(PoetryServerFactory(TEST_POEM))
        self.port = tracker.trackPort(
            reactor.listenTCP(0, factory, interface="127.0.0.1")
        )
        self.address = cast(IPv4Address, self.port.getHost())

    async def test_client(self) -> None:
        """
        The client gets the whole poem.
        """
        poem = await getPoetry(reactor, "127.0.0.1", self.address.port)
        self.assertEqual(poem, TEST_POEM)

    async def test_manyClients(self) -> None:
        """
        Each of several clients, connected at once, gets the whole poem.
        """
        poems = [getPoetry(reactor, "127.0.0.1", self.address.port) for _ in range(5)]
        self.assertEqual([await poem for poem in poems], [TEST_POEM] * 5)

    async def test_failure(self) -> None:
        """
        Getting a poem from an address where no server listens fails with
        ``ConnectionRefusedError``.
        """
        # Not the port of a server just stopped: the system may give that
        # port to the client's own end, which then connects to itself.  This
        # address stays bound, never listening, until the test ends.
        refusing = refusingAddress(self.addCleanup)
        with self.assertRaises(ConnectionRefusedError):
            await getPoetry(reactor, refusing.host, refusing.port)

    async def test_stoppedServer(self) -> None:
        """
        A test may stop the tracked port itself: the tracker's teardown
        then finds it stopped, which is fine.
        """
        stopping = self.port.stopListening()
        assert stopping is not None
        await stopping
        self.assertFalse(cast(Any, self.port).connected)


class PoetryProtocolTests(TestCase):
    """
    Tests of the poetry protocols themselves, over a real connection that
    :meth:`~twistedtesting.TestCase.connectedPair` makes and tears down.
    """

    async def test_poemDelivered(self) -> None:
        """
        The client protocol receives the server's poem, and the server closes
        the connection cleanly once it has sent it.
        """
        client = PoetryClientFactory()
        pair = await self.connectedPair(PoetryServerFactory(TEST_POEM), client)
        self.assertEqual(await client.deferred, TEST_POEM)
        self.assertIsInstance(await pair.whenServerLost(), ConnectionDone)

    async def test_emptyPoem(self) -> None:
        """
        A server with an empty poem closes the connection at once, and the
        client's poem is empty.
        """
        client = PoetryClientFactory()
        await self.connectedPair(PoetryServerFactory(b""), client)
        self.assertEqual(await client.deferred, b"")
