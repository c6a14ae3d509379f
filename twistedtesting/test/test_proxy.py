# -*- test-case-name: twistedtesting.test.test_proxy -*-
"""
Tests for L{twistedtesting.startFaultProxy} and L{twistedtesting.FaultProxy}:
starting a proxy, what it does with its connections, its complete
teardown, its errors, and real Twisted code through it.

The proxy is about real sockets, so these tests run over real sockets on
127.0.0.1, ::1 and UNIX sockets, with the global reactor, and wait on
Deferreds.  The parts of the proxy have tests of their own: the relays in
L{twistedtesting.test.test_relay}, the connections in
L{twistedtesting.test.test_proxyconnection}, their sockets in
L{twistedtesting.test.test_proxyside}, the policies in
L{twistedtesting.test.test_proxypolicy} and the target in
L{twistedtesting.test.test_proxytarget}.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any, cast

from twisted.application.internet import ClientService
from twisted.internet.address import IPv4Address
from twisted.internet.defer import gatherResults
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.error import ConnectError
from twisted.internet.protocol import Factory
from twisted.trial.unittest import SkipTest
from twisted.web.client import Agent, HTTPConnectionPool, readBody
from twisted.web.resource import Resource
from twisted.web.server import Site

from twistedtesting import (
    ConnectionTracker,
    OneByteChunks,
    ProxyPolicy,
    TestCase,
    startFaultProxy,
)
from twistedtesting._dialing import connectTo
from twistedtesting.test.proxyhelpers import (
    Given,
    ProxyTestsMixin,
    Refusal,
    connectClient,
    listenTarget,
)
from twistedtesting.test.reactorhelpers import ReactorState, reactorTurns
from twistedtesting.test.reactorhelpers import reactor as _reactor
from twistedtesting.test.recorders import Hub, Recorder
from twistedtesting.test.skips import (
    FD_DIRECTORY,
    FD_SKIP,
    IPV6_SKIP,
    TLS_SKIP,
    UNIX_SKIP,
)
from twistedtesting.test.tlshelpers import tlsOptions
from twistedtesting.test.webhelpers import Page

reactor: Any = _reactor


class FaultProxyMixin(ProxyTestsMixin):
    """
    What a L{FaultProxy} over one transport does with its connections.
    """

    async def test_roundTrip(self) -> None:
        """
        Bytes go through the proxy both ways, and the connection's record
        says how many went each way.
        """
        hub, proxy = await self.start()
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        client.send(b"hello, proxy")
        self.assertEqual(await client.whenReceived(12), b"hello, proxy")
        server = await made
        self.assertEqual(server.received, b"hello, proxy")
        [connection] = proxy.connections
        self.assertEqual(
            (connection.toServer.bytesForwarded, connection.toClient.bytesForwarded),
            (12, 12),
        )
        self.assertTrue(connection.open)

    async def test_reset(self) -> None:
        """
        L{FaultProxy.reset} closes both sides of every open connection, and
        the proxy goes on accepting new ones.
        """
        hub, proxy = await self.start()
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        proxy.reset()
        await gatherResults([client.whenLost(), server.whenLost()])
        self.assertEqual(proxy.openConnections, [])
        again = await connectClient(self, proxy.address)
        again.send(b"still there")
        self.assertEqual(await again.whenReceived(11), b"still there")
        self.assertEqual(len(proxy.connections), 2)

    async def test_holdRelease(self) -> None:
        """
        While a direction is held, its bytes wait in the proxy; released,
        they are forwarded, in order.
        """
        hub, proxy = await self.start()
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        proxy.hold(toClient=False)
        client.send(b"wait ")
        client.send(b"for it")
        await reactorTurns(5)
        [connection] = proxy.connections
        self.assertEqual(server.received, b"")
        self.assertEqual(connection.toServer.bytesPending, 11)
        self.assertTrue(connection.toServer.held)
        proxy.release()
        self.assertEqual(await server.whenReceived(11), b"wait for it")

    async def test_stopTearsDownEverything(self) -> None:
        """
        L{FaultProxy.stop} stops the listening port and closes both of the
        proxy's sockets of every connection, and waits for all of it; the
        proxy's peers then lose their connections.
        """
        hub, proxy = await self.start(toServer=ProxyPolicy(latency=0.02))
        made = hub.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.send(b"in flight")
        await proxy.stop()
        self.assertTrue(proxy.stopped)
        self.assertEqual(proxy.openConnections, [])
        await gatherResults([client.whenLost(), server.whenLost()])
        self.assertEqual(server.received, b"")
        factory = Refusal()
        connectTo(reactor, proxy.address, factory)
        with self.assertRaises(ConnectError):
            await factory.failed


class TCPFaultProxyTests(FaultProxyMixin, TestCase):
    """
    A L{FaultProxy} on 127.0.0.1.
    """

    async def test_oneDrawPerConnection(self) -> None:
        """
        Each connection the proxy accepts draws the seed of its own
        generator from the proxy's generator as it is accepted, once, even
        when it never uses it: the test's generator is left where the
        number of connections says.
        """
        hub, port = listenTarget(self)
        rng = random.Random(99)
        proxy = await startFaultProxy(
            port.getHost(), rng=rng, addCleanup=self.addCleanup, checkTarget=False
        )
        for _ in range(2):
            made = hub.whenMade()
            client = await connectClient(self, proxy.address)
            client.send(b"x")
            await client.whenReceived(1)
            await made
        expected = random.Random(99)
        expected.getrandbits(64)
        expected.getrandbits(64)
        self.assertEqual(len(proxy.connections), 2)
        self.assertEqual(rng.getrandbits(64), expected.getrandbits(64))


class TCP6FaultProxyTests(FaultProxyMixin, TestCase):
    """
    A L{FaultProxy} on ::1.
    """

    transport = "tcp6"
    skip = IPV6_SKIP


class UNIXFaultProxyTests(FaultProxyMixin, TestCase):
    """
    A L{FaultProxy} on a UNIX socket.
    """

    transport = "unix"
    skip = UNIX_SKIP


class StartFaultProxyErrorTests(TestCase):
    """
    Tests for the errors of L{startFaultProxy} and of a stopped
    L{FaultProxy}.
    """

    timeout = 10

    def test_badArguments(self) -> None:
        """
        Each argument out of range or of the wrong type is an error, raised
        at the call, that names it.
        """
        address = IPv4Address("TCP", "127.0.0.1", 1)
        cases: list[tuple[dict[str, Any], type[Exception], str]] = [
            ({"listenOn": "udp"}, ValueError, "startFaultProxy() listenOn must be"),
            ({"slowClose": -1}, ValueError, "slowClose must be a finite number"),
            ({"rng": None}, TypeError, "startFaultProxy() rng must be a random"),
            ({"addCleanup": 3}, TypeError, "startFaultProxy() addCleanup must be"),
            ({"toServer": {}}, TypeError, "startFaultProxy() toServer must be a"),
            ({"checkTarget": "yes"}, TypeError, "checkTarget must be a bool"),
            ({"target": ("127.0.0.1", 80)}, TypeError, "startFaultProxy() target"),
        ]
        for changes, exception, message in cases:
            arguments: dict[str, Any] = {
                "target": address,
                "rng": self.random,
                "addCleanup": None,
            }
            arguments.update(changes)
            with self.assertRaises(exception) as raised:
                startFaultProxy(**arguments)
            self.assertIn(message, str(raised.exception))

    async def test_stoppedProxy(self) -> None:
        """
        Changing, holding, releasing or resetting a stopped proxy is a
        L{RuntimeError} that says it is stopped; stopping it again gives the
        result of the same teardown, which is done.
        """
        _hub, port = listenTarget(self)
        proxy = await startFaultProxy(port.getHost(), rng=self.random, addCleanup=None)
        await proxy.stop()
        calls: list[tuple[str, Callable[[], object]]] = [
            ("change", lambda: proxy.change(toServer=ProxyPolicy(latency=0.01))),
            ("hold", proxy.hold),
            ("release", proxy.release),
            ("reset", proxy.reset),
        ]
        for name, call in calls:
            with self.assertRaises(RuntimeError) as raised:
                call()
            self.assertIn(
                f"FaultProxy.{name}() on a stopped proxy", str(raised.exception)
            )
        await reactorTurns(1)
        self.assertIsNone(self.successResultOf(proxy.stop()))
        self.assertIn("<FaultProxy stopped on", repr(proxy))

    async def test_badChanges(self) -> None:
        """
        A change of the wrong type or out of range is an error that names
        the argument, and changes nothing.
        """
        _hub, port = listenTarget(self)
        proxy = await startFaultProxy(
            port.getHost(), rng=self.random, addCleanup=self.addCleanup
        )
        with self.assertRaises(TypeError) as raised:
            proxy.change(toServer=0.01)  # type: ignore[arg-type]
        self.assertIn(
            "FaultProxy.change() toServer must be a ProxyPolicy", str(raised.exception)
        )
        with self.assertRaises(ValueError) as raisedValue:
            proxy.change(slowClose=-1)
        self.assertIn("slowClose must be a finite number", str(raisedValue.exception))
        with self.assertRaises(TypeError) as raisedHold:
            proxy.hold(toServer="yes")  # type: ignore[arg-type]
        self.assertIn(
            "FaultProxy.hold() toServer must be a bool", str(raisedHold.exception)
        )
        self.assertEqual((proxy.toServer, proxy.slowClose), (ProxyPolicy(), 0))


class RealCodeThroughProxyTests(TestCase):
    """
    Real Twisted code through a L{FaultProxy}: an L{Agent} against a
    L{Site}, TLS, a reconnecting L{ClientService}, and many proxies one
    after the other.
    """

    timeout = 30

    async def test_agentAgainstSite(self) -> None:
        """
        L{Agent} gets a L{Site}'s page through a proxy that forwards one
        byte a write after 20 ms each way; the record shows every byte of
        the request and the response cut in one-byte chunks.
        """
        root = Resource()
        page = b"hello, world\n" * 40
        root.putChild(b"page", Page(page))
        port = reactor.listenTCP(0, Site(root), interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        oneByte = ProxyPolicy(chunking=OneByteChunks(), latency=0.02)
        proxy = await startFaultProxy(
            port.getHost(),
            rng=self.random,
            addCleanup=self.addCleanup,
            toServer=oneByte,
            toClient=oneByte,
        )
        agent = Agent(reactor, pool=HTTPConnectionPool(reactor, persistent=False))
        url = f"http://127.0.0.1:{proxy.address.port}/page"  # type: ignore[union-attr]
        response = await agent.request(b"GET", url.encode("ascii"))
        body = await readBody(response)
        self.assertEqual((response.code, body), (200, page))
        # Once the proxy's sockets are closed, so are the Site's and the
        # Agent's: each closed its own before the proxy saw it close.
        [connection] = proxy.connections
        await connection.whenClosed()
        for relay in (connection.toServer, connection.toClient):
            self.assertEqual(relay.chunkSizes, [1] * relay.bytesForwarded)
        self.assertGreater(connection.toClient.bytesForwarded, len(page))

    async def test_tls(self) -> None:
        """
        TLS works through a proxy that cuts the encrypted bytes one byte a
        write, with jitter: the handshake and the data go through, and the
        proxy saw more bytes than the plaintext.
        """
        if TLS_SKIP:
            raise SkipTest(TLS_SKIP)
        serverOptions, clientOptions, _ = tlsOptions()
        _hub, port = listenTarget(self, tls=serverOptions)
        policy = ProxyPolicy(chunking=OneByteChunks(), latency=0.001, jitter=0.004)
        proxy = await startFaultProxy(
            port.getHost(),
            rng=self.random,
            addCleanup=self.addCleanup,
            toServer=policy,
            toClient=policy,
        )
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        clientHub = Hub()
        client = Recorder(clientHub)
        made = clientHub.whenMade()
        reactor.connectSSL(
            "127.0.0.1",
            proxy.address.port,  # type: ignore[union-attr]
            tracker.trackFactory(Given(client)),
            clientOptions,
        )
        await made
        secret = b"secret " * 30
        client.send(secret)
        self.assertEqual(await client.whenReceived(len(secret)), secret)
        connection = proxy.connections[-1]
        self.assertGreater(connection.toServer.bytesForwarded, len(secret))
        self.assertEqual(
            connection.toServer.chunkSizes, [1] * connection.toServer.bytesForwarded
        )

    async def test_clientServiceReconnects(self) -> None:
        """
        A L{ClientService} connected through the proxy reconnects after
        the proxy resets its connection, and the new connection works.
        """
        _hub, port = listenTarget(self)
        proxy = await startFaultProxy(
            port.getHost(), rng=self.random, addCleanup=self.addCleanup
        )
        endpoint = TCP4ClientEndpoint(
            reactor,
            "127.0.0.1",
            proxy.address.port,  # type: ignore[union-attr]
        )
        service = ClientService(
            endpoint, Factory.forProtocol(Recorder), retryPolicy=lambda attempt: 0.01
        )
        service.startService()
        self.addCleanup(service.stopService)
        first = cast(Recorder, await service.whenConnected())
        proxy.reset()
        await first.whenLost()
        # The service learns of the loss after the protocol itself.
        await reactorTurns(1)
        second = cast(Recorder, await service.whenConnected())
        self.assertIsNot(second, first)
        second.send(b"again")
        self.assertEqual(await second.whenReceived(5), b"again")
        await proxy.connections[0].whenClosed()
        self.assertEqual(proxy.openConnections, proxy.connections[1:])

    async def test_manyCyclesLeaveNothing(self) -> None:
        """
        300 cycles of starting a proxy, one round trip through it, and its
        teardown leave the process's open file descriptors and the
        reactor's readers, writers and delayed calls as they were.
        """
        if FD_SKIP:
            raise SkipTest(FD_SKIP)
        hub, port = listenTarget(self)
        await reactorTurns()
        before = (len(os.listdir(FD_DIRECTORY)), ReactorState.now())
        for _ in range(300):
            proxy = await startFaultProxy(
                port.getHost(), rng=self.random, addCleanup=None
            )
            client = await connectClient(None, proxy.address)
            client.send(b"ping")
            await client.whenReceived(4)
            client.transport.loseConnection()  # type: ignore[union-attr]
            await client.whenLost()
            await proxy.stop()
        await gatherResults([peer.whenLost() for peer in hub.built])
        await reactorTurns()
        self.assertEqual((len(os.listdir(FD_DIRECTORY)), ReactorState.now()), before)
        self.assertEqual(len(hub.built), 600)
