# -*- test-case-name: twistedtesting.test.test_relay -*-
"""
Tests for L{twistedtesting.Relay}: one direction of a connection through a
L{twistedtesting.FaultProxy}, which forwards the bytes as its
L{twistedtesting.ProxyPolicy} says (chunks, latency, bandwidth, a break),
keeps their order across a change of policy, and records the cuts.

The relays are tested where they work, in a proxy over real sockets on
127.0.0.1, ::1 and UNIX sockets, with the global reactor.  Latencies are a
few hundredths of a second: a test checks that an event came no earlier
than it should, never that it came in time.
"""

from __future__ import annotations

import random

from twisted.internet.defer import gatherResults

from twistedtesting import (
    FixedChunks,
    OneByteChunks,
    ProxyPolicy,
    RandomChunks,
    SynchronousTestCase,
    TestCase,
)
from twistedtesting._relay import LazyRandom
from twistedtesting.test.proxyhelpers import ProxyTestsMixin, connectClient
from twistedtesting.test.reactorhelpers import reactorTime, reactorTurns, reactorUntil
from twistedtesting.test.skips import IPV6_SKIP, UNIX_SKIP


class LazyRandomTests(SynchronousTestCase):
    """
    L{LazyRandom} gives one generator, seeded with its seed.
    """

    def test_sameGenerator(self) -> None:
        """
        Every call gives the same generator, which draws what a generator
        made with the seed at once draws.
        """
        lazy = LazyRandom(1234)
        made = lazy()
        self.assertIs(lazy(), made)
        expected = random.Random(1234)
        self.assertEqual(
            [made.random() for _ in range(5)], [expected.random() for _ in range(5)]
        )
        self.assertEqual(lazy.seed, 1234)


class RelayMixin(ProxyTestsMixin):
    """
    What the relays of a proxy over one transport do.
    """

    async def test_oneByteChunks(self) -> None:
        """
        With L{OneByteChunks}, the proxy writes what it forwards one byte a
        write, and the record shows the cuts.
        """
        _hub, proxy = await self.start(
            toServer=ProxyPolicy(chunking=OneByteChunks()),
            toClient=ProxyPolicy(chunking=FixedChunks(3)),
        )
        client = await connectClient(self, proxy.address)
        client.send(b"abcdefgh")
        self.assertEqual(await client.whenReceived(8), b"abcdefgh")
        [connection] = proxy.connections
        self.assertEqual(connection.toServer.chunkSizes, [1] * 8)
        record = connection.toServer.record()
        self.assertEqual(record.sizes, (1,) * 8)
        self.assertEqual(record.times, tuple(connection.toServer.chunkTimes))
        self.assertEqual(sum(connection.toClient.chunkSizes), 8)
        self.assertTrue(all(size <= 3 for size in connection.toClient.chunkSizes))

    async def test_latency(self) -> None:
        """
        Each direction's bytes are forwarded no earlier than its latency
        after they reached the proxy.
        """
        _hub, proxy = await self.start(
            toServer=ProxyPolicy(latency=0.03), toClient=ProxyPolicy(latency=0.02)
        )
        client = await connectClient(self, proxy.address)
        started = reactorTime.seconds()
        client.send(b"ping")
        await client.whenReceived(4)
        self.assertGreaterEqual(reactorTime.seconds() - started, 0.05)
        [connection] = proxy.connections
        self.assertGreaterEqual(connection.toServer.chunkTimes[0] - started, 0.03)

    async def test_breakAfter(self) -> None:
        """
        With C{breakAfter}, the proxy forwards that many bytes and then
        breaks the connection: the receiver gets them and loses the
        connection, the sender loses it too, and nothing after the point
        arrives.
        """
        hub, proxy = await self.start(toServer=ProxyPolicy(breakAfter=5))
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.send(b"0123456789")
        await gatherResults([client.whenLost(), server.whenLost()])
        self.assertEqual(server.received, b"01234")
        [connection] = proxy.connections
        self.assertEqual(connection.toServer.bytesForwarded, 5)
        self.assertIn("broke after 5 bytes", str(connection.toServer.resetReason))

    async def test_breakAfterCountsEarlierBytes(self) -> None:
        """
        A C{breakAfter} set by a change while a connection is open counts
        the bytes the direction forwarded before it.
        """
        hub, proxy = await self.start()
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.send(b"abcd")
        await server.whenReceived(4)
        proxy.change(toServer=ProxyPolicy(breakAfter=6))
        client.send(b"efgh")
        await gatherResults([client.whenLost(), server.whenLost()])
        self.assertEqual(server.received, b"abcdef")

    async def test_changeWhileOpen(self) -> None:
        """
        A change of policy applies to the bytes an open connection sends
        from then on; the bytes before keep theirs, and nothing is
        reordered.
        """
        _hub, proxy = await self.start(toServer=ProxyPolicy(latency=0.03))
        client = await connectClient(self, proxy.address)
        client.send(b"slow ")
        await reactorUntil(lambda: len(proxy.connections) == 1)
        [connection] = proxy.connections
        await reactorUntil(lambda: connection.toServer.bytesReceived == 5)
        proxy.change(toServer=ProxyPolicy(chunking=OneByteChunks()))
        client.send(b"fast")
        self.assertEqual(await client.whenReceived(9), b"slow fast")
        self.assertEqual(connection.toServer.chunkSizes, [5, 1, 1, 1, 1])
        self.assertEqual(proxy.toServer, ProxyPolicy(chunking=OneByteChunks()))

    async def test_bandwidth(self) -> None:
        """
        With a bandwidth, n bytes take at least n / bandwidth seconds.
        """
        _hub, proxy = await self.start(toServer=ProxyPolicy(bandwidth=20000))
        client = await connectClient(self, proxy.address)
        started = reactorTime.seconds()
        client.send(b"x" * 1000)
        await client.whenReceived(1000)
        self.assertGreaterEqual(reactorTime.seconds() - started, 0.05)

    async def test_jitterKeepsOrder(self) -> None:
        """
        Jitter with random chunks, both drawn from the test's seed, never
        reorders bytes.
        """
        _hub, proxy = await self.start(
            toServer=ProxyPolicy(
                chunking=RandomChunks(1, 7, self.random), latency=0.001, jitter=0.01
            )
        )
        client = await connectClient(self, proxy.address)
        payload = bytes(range(256))
        for start in range(0, 256, 16):
            client.send(payload[start : start + 16])
            await reactorTurns(1)
        self.assertEqual(await client.whenReceived(256), payload)


class TCPRelayTests(RelayMixin, TestCase):
    """
    The relays of a proxy on 127.0.0.1.
    """


class TCP6RelayTests(RelayMixin, TestCase):
    """
    The relays of a proxy on ::1.
    """

    transport = "tcp6"
    skip = IPV6_SKIP


class UNIXRelayTests(RelayMixin, TestCase):
    """
    The relays of a proxy on a UNIX socket.
    """

    transport = "unix"
    skip = UNIX_SKIP
