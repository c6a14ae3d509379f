# -*- test-case-name: examples.test_proxy_example -*-
"""
Tests for :mod:`examples.poetry` through a fault proxy: the code under test
dials an address itself, and the proxy between it and a real server cuts,
delays and breaks what goes through, as a slow or broken network would.
"""

from __future__ import annotations

from typing import cast

from twisted.internet import reactor as globalReactor
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IReactorTCP

from examples.poetry import PoetryClientFactory, PoetryServerFactory, getPoetry
from twistedtesting import (
    ConnectionTracker,
    OneByteChunks,
    ProxyOptions,
    ProxyPolicy,
    TestCase,
    startFaultProxy,
)

reactor = cast(IReactorTCP, globalReactor)

TEST_POEM = b"This is a test.\nThis is only a test.\n"


class PoetryThroughProxyTests(TestCase):
    """
    :func:`getPoetry` against a real poetry server, through a
    :class:`~twistedtesting.FaultProxy`.
    """

    def setUp(self) -> None:
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        factory = tracker.trackFactory(PoetryServerFactory(TEST_POEM))
        port = tracker.trackPort(reactor.listenTCP(0, factory, interface="127.0.0.1"))
        self.server = port.getHost()

    async def test_slowNetwork(self) -> None:
        """
        The client gets the whole poem when the network hands it over one
        byte at a time, 10 to 15 ms late.
        """
        proxy = await startFaultProxy(
            self.server,
            rng=self.random,
            addCleanup=self.addCleanup,
            toClient=ProxyPolicy(chunking=OneByteChunks(), latency=0.01, jitter=0.005),
        )
        address = cast(IPv4Address, proxy.address)
        poem = await getPoetry(reactor, address.host, address.port)
        self.assertEqual(poem, TEST_POEM)
        [connection] = proxy.connections
        self.assertEqual(connection.toClient.chunkSizes, [1] * len(TEST_POEM))

    async def test_brokenConnection(self) -> None:
        """
        A connection that breaks after 10 bytes gives the client the first
        10 bytes as if they were the whole poem: the protocol has no way to
        tell a short poem from a cut one.
        """
        proxy = await startFaultProxy(
            self.server,
            rng=self.random,
            addCleanup=self.addCleanup,
            toClient=ProxyPolicy(breakAfter=10),
        )
        address = cast(IPv4Address, proxy.address)
        poem = await getPoetry(reactor, address.host, address.port)
        self.assertEqual(poem, TEST_POEM[:10])

    async def test_changeForTheNextClient(self) -> None:
        """
        A change of policy applies to the next connection: the first client
        gets the poem in one piece, the second in chunks of one byte.
        """
        proxy = await startFaultProxy(
            self.server, rng=self.random, addCleanup=self.addCleanup
        )
        address = cast(IPv4Address, proxy.address)
        self.assertEqual(
            await getPoetry(reactor, address.host, address.port), TEST_POEM
        )
        proxy.change(toClient=ProxyPolicy(chunking=OneByteChunks()))
        self.assertEqual(
            await getPoetry(reactor, address.host, address.port), TEST_POEM
        )
        first, second = proxy.connections
        self.assertEqual(first.toClient.chunkSizes, [len(TEST_POEM)])
        self.assertEqual(second.toClient.chunkSizes, [1] * len(TEST_POEM))


class PoetryPairThroughProxyTests(TestCase):
    """
    The poetry protocols over :meth:`~twistedtesting.TestCase.connectedPair`
    with a fault proxy between them.
    """

    async def test_poemInOneByteChunks(self) -> None:
        """
        The client protocol gets the whole poem through a proxy that hands
        it over one byte at a time; the pair's teardown stops the proxy too.
        """
        client = PoetryClientFactory()
        pair = await self.connectedPair(
            PoetryServerFactory(TEST_POEM),
            client,
            faultProxy=ProxyOptions(
                self.random, toClient=ProxyPolicy(chunking=OneByteChunks())
            ),
        )
        self.assertEqual(await client.deferred, TEST_POEM)
        assert pair.proxy is not None
        [connection] = pair.proxy.connections
        self.assertEqual(connection.toClient.chunkSizes, [1] * len(TEST_POEM))
