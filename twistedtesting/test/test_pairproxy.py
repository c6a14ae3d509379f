# -*- test-case-name: twistedtesting.test.test_pairproxy -*-
"""
Tests for L{twistedtesting.ProxyOptions}: a L{twistedtesting.FaultProxy}
between the client and the server of L{twistedtesting.connectedPair}, over
real sockets on 127.0.0.1, ::1 and UNIX sockets.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from twisted.internet.protocol import Factory
from twisted.trial.unittest import SkipTest

from twistedtesting import (
    FaultProxy,
    OneByteChunks,
    ProxyOptions,
    ProxyPolicy,
    TestCase,
    connectedPair,
)
from twistedtesting.test.reactorhelpers import ReactorState, reactorTurns
from twistedtesting.test.recorders import Echo, Recorder
from twistedtesting.test.skips import (
    FD_DIRECTORY,
    FD_SKIP,
    IPV6_SKIP,
    TLS_SKIP,
    UNIX_SKIP,
)
from twistedtesting.test.tlshelpers import tlsOptions


class ProxyOptionsTests(TestCase):
    """
    Tests for the checks of L{ProxyOptions} and of C{faultProxy}.
    """

    def test_badOptions(self) -> None:
        """
        An option of the wrong type or out of range is an error that names
        it.
        """
        with self.assertRaises(TypeError) as raised:
            ProxyOptions(None)  # type: ignore[arg-type]
        self.assertIn("ProxyOptions() rng must be a random", str(raised.exception))
        with self.assertRaises(ValueError) as raisedValue:
            ProxyOptions(self.random, slowClose=-0.5)
        self.assertIn(
            "ProxyOptions() slowClose must be a finite", str(raisedValue.exception)
        )
        with self.assertRaises(TypeError) as raisedPolicy:
            ProxyOptions(self.random, toServer=0.1)  # type: ignore[arg-type]
        self.assertIn(
            "ProxyOptions() toServer must be a ProxyPolicy", str(raisedPolicy.exception)
        )

    def test_badFaultProxy(self) -> None:
        """
        A C{faultProxy} that is not a L{ProxyOptions} is a L{TypeError} that
        names it, raised by L{connectedPair} itself.
        """
        with self.assertRaises(TypeError) as raised:
            connectedPair(
                Factory.forProtocol(Echo),
                Factory.forProtocol(Recorder),
                faultProxy=ProxyPolicy(),  # type: ignore[arg-type]
            )
        self.assertIn("faultProxy must be a ProxyOptions", str(raised.exception))


class PairThroughProxyMixin(TestCase):
    """
    A pair through a proxy over one transport; subclasses set
    L{transport}.
    """

    transport: Any = "tcp"
    timeout = 20

    async def test_roundTrip(self) -> None:
        """
        The client's bytes go through the proxy, cut as its policy says, to
        the server and back; the pair's C{proxy} is the proxy, and its
        record shows the cuts.
        """
        policy = ProxyPolicy(chunking=OneByteChunks(), latency=0.005)
        pair = await self.connectedPair(
            Factory.forProtocol(Echo),
            Factory.forProtocol(Recorder),
            transport=self.transport,
            faultProxy=ProxyOptions(self.random, toServer=policy),
        )
        proxy = pair.proxy
        assert proxy is not None
        self.assertIsInstance(proxy, FaultProxy)
        self.assertNotEqual(proxy.address, pair.port.getHost())
        pair.clientProtocol.send(b"through")
        self.assertEqual(await pair.clientProtocol.whenReceived(7), b"through")
        [connection] = proxy.connections
        self.assertEqual(connection.toServer.chunkSizes, [1] * 7)
        self.assertEqual(pair.serverProtocol.received, b"through")

    async def test_teardownWaitsForTheProxy(self) -> None:
        """
        The pair's teardown stops the proxy and waits for both of its
        sockets, as well as the client's and the server's: afterwards the
        reactor watches nothing of the pair's.
        """
        await reactorTurns()
        before = ReactorState.now()
        pair = await connectedPair(
            Factory.forProtocol(Echo),
            Factory.forProtocol(Recorder),
            transport=self.transport,
            faultProxy=ProxyOptions(self.random, toClient=ProxyPolicy(latency=0.01)),
        )
        pair.clientProtocol.send(b"x")
        await pair.clientProtocol.whenReceived(1)
        await pair.disconnect()
        proxy = pair.proxy
        assert proxy is not None
        self.assertTrue(proxy.stopped)
        self.assertEqual(proxy.openConnections, [])
        self.assertEqual(ReactorState.now(), before)


class TCPPairThroughProxyTests(PairThroughProxyMixin):
    """
    A pair through a proxy over TCP on 127.0.0.1.
    """

    async def test_tls(self) -> None:
        """
        A TLS pair goes through the proxy, which cuts the encrypted bytes.
        """
        if TLS_SKIP:
            raise SkipTest(TLS_SKIP)
        serverOptions, clientOptions, _ = tlsOptions()
        pair = await self.connectedPair(
            Factory.forProtocol(Echo),
            Factory.forProtocol(Recorder),
            serverTLS=serverOptions,
            clientTLS=clientOptions,
            faultProxy=ProxyOptions(
                self.random, toServer=ProxyPolicy(chunking=OneByteChunks())
            ),
        )
        pair.clientProtocol.send(b"secret")
        self.assertEqual(await pair.clientProtocol.whenReceived(6), b"secret")
        assert pair.proxy is not None
        [connection] = pair.proxy.connections
        self.assertGreater(connection.toServer.bytesForwarded, 6)
        self.assertEqual(
            connection.toServer.chunkSizes, [1] * connection.toServer.bytesForwarded
        )

    async def test_manyCyclesLeaveNothing(self) -> None:
        """
        300 pairs through a proxy, each with a round trip and its teardown,
        leave the open file descriptors and the reactor as they were.
        """
        if FD_SKIP:
            raise SkipTest(FD_SKIP)

        async def cycle() -> None:
            pair = await connectedPair(
                Factory.forProtocol(Echo),
                Factory.forProtocol(Recorder),
                faultProxy=ProxyOptions(self.random),
            )
            pair.clientProtocol.send(b"ping")
            await pair.clientProtocol.whenReceived(4)
            await pair.disconnect()

        # What the first connection of a process opens for good (the
        # reactor's waker, when no test before this one started it) is not
        # a leak; nor are sockets that other tests left to the garbage
        # collector, which must not close during the cycles.
        await cycle()
        await reactorTurns()
        gc.collect()
        before = (sorted(os.listdir(FD_DIRECTORY)), ReactorState.now())
        for _ in range(300):
            await cycle()
        await reactorTurns()
        gc.collect()
        self.assertEqual((sorted(os.listdir(FD_DIRECTORY)), ReactorState.now()), before)


class TCP6PairThroughProxyTests(PairThroughProxyMixin):
    """
    A pair through a proxy over TCP on ::1.
    """

    transport = "tcp6"
    skip = IPV6_SKIP


class UNIXPairThroughProxyTests(PairThroughProxyMixin):
    """
    A pair through a proxy over UNIX sockets.
    """

    transport = "unix"
    skip = UNIX_SKIP


del PairThroughProxyMixin
