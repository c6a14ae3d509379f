# -*- test-case-name: twistedtesting.test.test_proxy -*-
"""
Tests for L{twistedtesting.startFaultProxy}, L{twistedtesting.FaultProxy},
L{twistedtesting.ProxyPolicy}, L{twistedtesting.ProxiedConnection} and
L{twistedtesting.Relay}.

The proxy is about real sockets, so these tests run over real sockets on
127.0.0.1, ::1 and UNIX sockets, with the global reactor, and wait on
Deferreds.  Latencies are a few hundredths of a second: a test checks that
an event came no earlier than it should, never that it came in time.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import socket
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from twisted.application.internet import ClientService
from twisted.internet import reactor as _reactor
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.error import ConnectError, ConnectionDone, ConnectionRefusedError
from twisted.internet.interfaces import (
    IAddress,
    IHalfCloseableProtocol,
    IListeningPort,
    IReactorTime,
)
from twisted.internet.protocol import ClientFactory, Factory, Protocol
from twisted.internet.task import deferLater
from twisted.python.failure import Failure
from twisted.trial.unittest import SkipTest
from twisted.web.client import Agent, HTTPConnectionPool, readBody
from twisted.web.resource import Resource
from twisted.web.server import Request, Site
from zope.interface import implementer

from twistedtesting import (
    Clock,
    ConnectionTracker,
    FaultProxy,
    FixedChunks,
    OneByteChunks,
    ProxyPolicy,
    ProxyTargetError,
    RandomChunks,
    ScriptedChunks,
    TestCase,
    startFaultProxy,
)
from twistedtesting._proxytarget import connectTo
from twistedtesting.test.connectionhelpers import TLS_SKIP, tlsOptions

reactor: Any = _reactor
clock = cast(IReactorTime, _reactor)


def _ipv6Skip() -> str | None:
    if not socket.has_ipv6:
        return "Python was built without IPv6 support"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        return f"this machine has no IPv6 loopback ({error})"
    return None


IPV6_SKIP = _ipv6Skip()
UNIX_SKIP = None if hasattr(socket, "AF_UNIX") else "no UNIX sockets here"
FD_DIRECTORY = "/proc/self/fd"
FD_SKIP = None if os.path.isdir(FD_DIRECTORY) else f"no {FD_DIRECTORY} here"


class Peer(Protocol):
    """
    A protocol that records what it receives and when it is lost; a test
    helper.

    :ivar received: Everything received.
    :ivar reason: The exception C{connectionLost} was given, or C{None}.
    """

    def __init__(self) -> None:
        self.received = b""
        self.reason: BaseException | None = None
        self.made: Deferred[Peer] = Deferred()
        self.lost: Deferred[BaseException] = Deferred()
        self._waiting: list[tuple[int, Deferred[bytes]]] = []

    def connectionMade(self) -> None:
        self.made.callback(self)

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        for item in [w for w in self._waiting if len(self.received) >= w[0]]:
            self._waiting.remove(item)
            item[1].callback(self.received)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        self.reason = reason.value
        self.lost.callback(reason.value or ConnectionDone())

    def whenReceived(self, count: int) -> Deferred[bytes]:
        """
        :returns: A Deferred that fires with everything received once at
            least C{count} bytes have been.
        """
        waiter: Deferred[bytes] = Deferred()
        if len(self.received) >= count:
            waiter.callback(self.received)
        else:
            self._waiting.append((count, waiter))
        return waiter


class Echo(Peer):
    """
    A L{Peer} that sends back what it receives.
    """

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)
        self.transport.write(data)  # type: ignore[union-attr]


@implementer(IHalfCloseableProtocol)
class HalfCloser(Peer):
    """
    A L{Peer} that, when its input ends, answers with C{b"bye"} and closes.

    :ivar inputEnded: Fires when its input ends.
    """

    def __init__(self) -> None:
        super().__init__()
        self.inputEnded: Deferred[None] = Deferred()

    def readConnectionLost(self) -> None:
        self.inputEnded.callback(None)
        self.transport.write(b"bye")  # type: ignore[union-attr]
        self.transport.loseConnection()  # type: ignore[union-attr]

    def writeConnectionLost(self) -> None:
        pass


class Servers:
    """
    A target server for a proxy, listening on one transport (with TLS, if
    C{tls} gives the server's options), whose
    protocols and port a L{ConnectionTracker} tears down; a test helper.

    :ivar built: Every protocol built, in order.
    """

    def __init__(
        self, test: TestCase, protocol: type[Peer], transport: str, tls: Any = None
    ) -> None:
        self.built: list[Peer] = []
        self._waiting: list[Deferred[Peer]] = []
        directory = tempfile.mkdtemp(prefix="twistedtesting-test-")
        test.addCleanup(shutil.rmtree, directory, True)
        tracker = ConnectionTracker()
        test.addCleanup(tracker.disconnect)
        factory = tracker.trackFactory(Factory.forProtocol(self._build(protocol)))
        self.port: IListeningPort
        if transport == "unix":
            self.port = reactor.listenUNIX(f"{directory}/target", factory)
        elif tls is not None:
            self.port = reactor.listenSSL(0, factory, tls, interface="127.0.0.1")
        else:
            interface = "::1" if transport == "tcp6" else "127.0.0.1"
            self.port = reactor.listenTCP(0, factory, interface=interface)
        tracker.trackPort(self.port)
        self.address: IAddress = self.port.getHost()

    def _build(self, protocol: type[Peer]) -> Any:
        def build() -> Peer:
            peer = protocol()
            self.built.append(peer)
            peer.made.addCallback(self._made)
            return peer

        return build

    def _made(self, peer: Peer) -> Peer:
        waiting, self._waiting = self._waiting, []
        for waiter in waiting:
            waiter.callback(peer)
        return peer

    def whenMade(self) -> Deferred[Peer]:
        """
        :returns: A Deferred that fires with the next protocol to connect.
        """
        waiter: Deferred[Peer] = Deferred()
        self._waiting.append(waiter)
        return waiter


class Page(Resource):
    """
    A web page with fixed content; a test helper.
    """

    isLeaf = True

    def __init__(self, content: bytes) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._content = content

    def render_GET(self, request: Request) -> bytes:
        return self._content


class Given(ClientFactory):
    """
    A client factory that connects a given protocol; a test helper.
    """

    def __init__(self, protocol: Peer) -> None:
        self._protocol = protocol

    def buildProtocol(self, addr: IAddress | None) -> Peer:
        return self._protocol


class Refusal(ClientFactory):
    """
    A client factory for a connection that should fail; a test helper.

    :ivar failed: Fails with the reason the connection failed.
    """

    protocol = Peer

    def __init__(self) -> None:
        self.failed: Deferred[None] = Deferred()

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        self.failed.errback(reason)


def connectClient(
    test: TestCase, address: IAddress, protocol: type[Peer] = Peer
) -> Deferred[Peer]:
    """
    Connect a client to C{address}, and lose and wait for its connection
    when the test ends.

    :returns: A Deferred that fires with the client once it connected.
    """
    tracker = ConnectionTracker()
    test.addCleanup(tracker.disconnect)
    client = protocol()
    connectTo(reactor, address, tracker.trackFactory(Given(client)))
    return client.made


async def turns(count: int = 3) -> None:
    """
    Let the reactor run C{count} iterations (not a sleep).
    """
    for _ in range(count):
        await deferLater(clock, 0, lambda: None)


async def until(condition: Callable[[], bool], limit: int = 1000) -> None:
    """
    Let the reactor run until C{condition} holds, at most C{limit}
    iterations (not a sleep).

    :raises AssertionError: If it still does not hold.
    """
    for _ in range(limit):
        if condition():
            return
        await deferLater(clock, 0, lambda: None)
    raise AssertionError(f"{condition} did not hold after {limit} reactor turns")


class ProxyPolicyTests(TestCase):
    """
    Tests for L{ProxyPolicy}'s checks of its arguments.
    """

    def test_defaults(self) -> None:
        """
        By default a policy forwards what arrives as it came, at once, with
        no limit and no fault.
        """
        policy = ProxyPolicy()
        self.assertEqual(
            (
                policy.chunking,
                policy.latency,
                policy.jitter,
                policy.bandwidth,
                policy.spacing,
                policy.breakAfter,
            ),
            (None, 0, 0, None, None, None),
        )

    def test_outOfRange(self) -> None:
        """
        A number out of range is a L{ValueError} that names the argument.
        """
        cases: list[tuple[dict[str, Any], str]] = [
            ({"latency": -0.1}, "ProxyPolicy() latency must be a finite number"),
            ({"jitter": float("nan")}, "ProxyPolicy() jitter must be a finite"),
            ({"spacing": float("inf")}, "ProxyPolicy() spacing must be a finite"),
            ({"bandwidth": 0}, "ProxyPolicy() bandwidth must be a finite number"),
            ({"breakAfter": -1}, "ProxyPolicy() breakAfter must be >= 0, got -1"),
        ]
        for arguments, message in cases:
            with self.assertRaises(ValueError) as raised:
                ProxyPolicy(**arguments)
            self.assertIn(message, str(raised.exception))

    def test_wrongType(self) -> None:
        """
        An argument of the wrong type is a L{TypeError} that names it.
        """
        cases: list[tuple[dict[str, Any], str]] = [
            ({"latency": "0.1"}, "ProxyPolicy() latency must be a number"),
            ({"bandwidth": True}, "ProxyPolicy() bandwidth must be a number"),
            ({"breakAfter": 1.5}, "ProxyPolicy() breakAfter must be an int"),
            ({"chunking": 3}, "ProxyPolicy() chunking must be a chunking policy"),
        ]
        for arguments, message in cases:
            with self.assertRaises(TypeError) as raised:
                ProxyPolicy(**arguments)
            self.assertIn(message, str(raised.exception))

    def test_jitterFromTheGenerator(self) -> None:
        """
        A link's latencies with jitter are drawn from the generator it is
        given, between C{latency} and C{latency + jitter}: the same seed
        gives the same latencies.
        """
        policy = ProxyPolicy(latency=0.01, jitter=0.02)
        draws = [
            list(
                itertools.islice(
                    policy.makeLink(Clock(), random.Random(5)).latency.delays(), 20
                )
            )
            for _ in range(2)
        ]
        self.assertEqual(draws[0], draws[1])
        self.assertTrue(all(0.01 <= delay <= 0.03 for delay in draws[0]))
        self.assertGreater(len(set(draws[0])), 1)

    def test_scriptRefused(self) -> None:
        """
        A chunking policy that covers an exact number of bytes is refused,
        pointing to L{SplitAt}: a proxied stream has no set length.
        """
        with self.assertRaises(ValueError) as raised:
            ProxyPolicy(chunking=ScriptedChunks([1, 2]))
        self.assertIn("covers an exact number of bytes", str(raised.exception))
        self.assertIn("SplitAt", str(raised.exception))


if TYPE_CHECKING:
    _Mixin = TestCase
else:
    _Mixin = object


class ProxyBehaviourMixin(_Mixin):
    """
    What a L{FaultProxy} does over one transport; subclasses set
    L{transport}.
    """

    transport = "tcp"
    timeout = 5

    async def start(
        self, protocol: type[Peer] = Echo, **options: Any
    ) -> tuple[Servers, FaultProxy]:
        """
        Start a target server and a proxy to it, both torn down when the
        test ends.
        """
        servers = Servers(self, protocol, self.transport)
        proxy = await startFaultProxy(
            servers.address,
            rng=self.random,
            addCleanup=self.addCleanup,
            listenOn=self.transport,
            **options,
        )
        return servers, proxy

    async def test_roundTrip(self) -> None:
        """
        Bytes go through the proxy both ways, and the connection's record
        says how many went each way.
        """
        servers, proxy = await self.start()
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        client.transport.write(b"hello, proxy")  # type: ignore[union-attr]
        self.assertEqual(await client.whenReceived(12), b"hello, proxy")
        server = await made
        self.assertEqual(server.received, b"hello, proxy")
        [connection] = proxy.connections
        self.assertEqual(
            (connection.toServer.bytesForwarded, connection.toClient.bytesForwarded),
            (12, 12),
        )
        self.assertTrue(connection.open)

    async def test_oneByteChunks(self) -> None:
        """
        With L{OneByteChunks}, the proxy writes what it forwards one byte a
        write, and the record shows the cuts.
        """
        _servers, proxy = await self.start(
            toServer=ProxyPolicy(chunking=OneByteChunks()),
            toClient=ProxyPolicy(chunking=FixedChunks(3)),
        )
        client = await connectClient(self, proxy.address)
        client.transport.write(b"abcdefgh")  # type: ignore[union-attr]
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
        _servers, proxy = await self.start(
            toServer=ProxyPolicy(latency=0.03), toClient=ProxyPolicy(latency=0.02)
        )
        client = await connectClient(self, proxy.address)
        started = clock.seconds()
        client.transport.write(b"ping")  # type: ignore[union-attr]
        await client.whenReceived(4)
        self.assertGreaterEqual(clock.seconds() - started, 0.05)
        [connection] = proxy.connections
        self.assertGreaterEqual(connection.toServer.chunkTimes[0] - started, 0.03)

    async def test_halfClose(self) -> None:
        """
        A client that shuts its writing side is seen by the target as the
        end of its input, and still gets the target's answer.
        """
        servers, proxy = await self.start(HalfCloser)
        made = servers.whenMade()
        client = await connectClient(self, proxy.address, HalfCloser)
        server = await made
        client.transport.write(b"last words")  # type: ignore[union-attr]
        client.transport.loseWriteConnection()  # type: ignore[union-attr]
        await cast(HalfCloser, server).inputEnded
        self.assertEqual(server.received, b"last words")
        await client.lost
        self.assertEqual(client.received, b"bye")
        [connection] = proxy.connections
        await connection.whenClosed()
        self.assertFalse(connection.open)
        self.assertTrue(connection.toServer.endForwarded)

    async def test_breakAfter(self) -> None:
        """
        With C{breakAfter}, the proxy forwards that many bytes and then
        breaks the connection: the receiver gets them and loses the
        connection, the sender loses it too, and nothing after the point
        arrives.
        """
        servers, proxy = await self.start(toServer=ProxyPolicy(breakAfter=5))
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.transport.write(b"0123456789")  # type: ignore[union-attr]
        await gatherResults([client.lost, server.lost])
        self.assertEqual(server.received, b"01234")
        [connection] = proxy.connections
        self.assertEqual(connection.toServer.bytesForwarded, 5)
        self.assertIn("broke after 5 bytes", str(connection.toServer.resetReason))

    async def test_breakAfterCountsEarlierBytes(self) -> None:
        """
        A C{breakAfter} set by a change while a connection is open counts
        the bytes the direction forwarded before it.
        """
        servers, proxy = await self.start()
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.transport.write(b"abcd")  # type: ignore[union-attr]
        await server.whenReceived(4)
        proxy.change(toServer=ProxyPolicy(breakAfter=6))
        client.transport.write(b"efgh")  # type: ignore[union-attr]
        await gatherResults([client.lost, server.lost])
        self.assertEqual(server.received, b"abcdef")

    async def test_reset(self) -> None:
        """
        L{FaultProxy.reset} closes both sides of every open connection, and
        the proxy goes on accepting new ones.
        """
        servers, proxy = await self.start()
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        proxy.reset()
        await gatherResults([client.lost, server.lost])
        self.assertEqual(proxy.openConnections, [])
        again = await connectClient(self, proxy.address)
        again.transport.write(b"still there")  # type: ignore[union-attr]
        self.assertEqual(await again.whenReceived(11), b"still there")
        self.assertEqual(len(proxy.connections), 2)

    async def test_holdRelease(self) -> None:
        """
        While a direction is held, its bytes wait in the proxy; released,
        they are forwarded, in order.
        """
        servers, proxy = await self.start()
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        proxy.hold(toClient=False)
        client.transport.write(b"wait ")  # type: ignore[union-attr]
        client.transport.write(b"for it")  # type: ignore[union-attr]
        await turns(5)
        [connection] = proxy.connections
        self.assertEqual(server.received, b"")
        self.assertEqual(connection.toServer.bytesPending, 11)
        self.assertTrue(connection.toServer.held)
        proxy.release()
        self.assertEqual(await server.whenReceived(11), b"wait for it")

    async def test_changeWhileOpen(self) -> None:
        """
        A change of policy applies to the bytes an open connection sends
        from then on; the bytes before keep theirs, and nothing is
        reordered.
        """
        _servers, proxy = await self.start(toServer=ProxyPolicy(latency=0.03))
        client = await connectClient(self, proxy.address)
        client.transport.write(b"slow ")  # type: ignore[union-attr]
        await until(lambda: len(proxy.connections) == 1)
        [connection] = proxy.connections
        await until(lambda: connection.toServer.bytesReceived == 5)
        proxy.change(toServer=ProxyPolicy(chunking=OneByteChunks()))
        client.transport.write(b"fast")  # type: ignore[union-attr]
        self.assertEqual(await client.whenReceived(9), b"slow fast")
        self.assertEqual(connection.toServer.chunkSizes, [5, 1, 1, 1, 1])
        self.assertEqual(proxy.toServer, ProxyPolicy(chunking=OneByteChunks()))

    async def test_slowClose(self) -> None:
        """
        With C{slowClose}, the proxy forwards a side's close that long after
        it came.
        """
        servers, proxy = await self.start(slowClose=0.04)
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        closed = clock.seconds()
        client.transport.loseConnection()  # type: ignore[union-attr]
        await server.lost
        self.assertGreaterEqual(clock.seconds() - closed, 0.04)

    async def test_bandwidth(self) -> None:
        """
        With a bandwidth, n bytes take at least n / bandwidth seconds.
        """
        _servers, proxy = await self.start(toServer=ProxyPolicy(bandwidth=20000))
        client = await connectClient(self, proxy.address)
        started = clock.seconds()
        client.transport.write(b"x" * 1000)  # type: ignore[union-attr]
        await client.whenReceived(1000)
        self.assertGreaterEqual(clock.seconds() - started, 0.05)

    async def test_jitterKeepsOrder(self) -> None:
        """
        Jitter with random chunks, both drawn from the test's seed, never
        reorders bytes.
        """
        _servers, proxy = await self.start(
            toServer=ProxyPolicy(
                chunking=RandomChunks(1, 7, self.random), latency=0.001, jitter=0.01
            )
        )
        client = await connectClient(self, proxy.address)
        payload = bytes(range(256))
        for start in range(0, 256, 16):
            client.transport.write(payload[start : start + 16])  # type: ignore[union-attr]
            await turns(1)
        self.assertEqual(await client.whenReceived(256), payload)

    async def test_stopTearsDownEverything(self) -> None:
        """
        L{FaultProxy.stop} stops the listening port and closes both of the
        proxy's sockets of every connection, and waits for all of it; the
        proxy's peers then lose their connections.
        """
        servers, proxy = await self.start(toServer=ProxyPolicy(latency=0.02))
        made = servers.whenMade()
        client = await connectClient(self, proxy.address)
        server = await made
        client.transport.write(b"in flight")  # type: ignore[union-attr]
        await proxy.stop()
        self.assertTrue(proxy.stopped)
        self.assertEqual(proxy.openConnections, [])
        await gatherResults([client.lost, server.lost])
        self.assertEqual(server.received, b"")
        factory = Refusal()
        connectTo(reactor, proxy.address, factory)
        with self.assertRaises(ConnectError):
            await factory.failed


class TCPProxyTests(ProxyBehaviourMixin, TestCase):
    """
    A L{FaultProxy} on 127.0.0.1.
    """


class TCP6ProxyTests(ProxyBehaviourMixin, TestCase):
    """
    A L{FaultProxy} on ::1.
    """

    transport = "tcp6"
    skip = IPV6_SKIP


class UNIXProxyTests(ProxyBehaviourMixin, TestCase):
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

    async def test_targetRefuses(self) -> None:
        """
        A target that refuses the check's connection fails the start with
        L{ProxyTargetError}, which names the target and says why, and leaves
        nothing listening.
        """
        port = reactor.listenTCP(0, Factory.forProtocol(Peer), interface="127.0.0.1")
        address = port.getHost()
        await port.stopListening()
        readers = set(reactor.getReaders())
        with self.assertRaises(ProxyTargetError) as raised:
            await startFaultProxy(address, rng=self.random, addCleanup=self.addCleanup)
        message = str(raised.exception)
        self.assertIn(f"startFaultProxy() target {address!r}", message)
        self.assertIn("did not accept a connection", message)
        self.assertIsInstance(raised.exception.__cause__, ConnectionRefusedError)
        await turns()
        self.assertEqual(set(reactor.getReaders()), readers)

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
        servers = Servers(self, Echo, "tcp")
        proxy = await startFaultProxy(servers.address, rng=self.random, addCleanup=None)
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
        await turns(1)
        self.assertIsNone(self.successResultOf(proxy.stop()))
        self.assertIn("<FaultProxy stopped on", repr(proxy))

    async def test_badChanges(self) -> None:
        """
        A change of the wrong type or out of range is an error that names
        the argument, and changes nothing.
        """
        servers = Servers(self, Echo, "tcp")
        proxy = await startFaultProxy(
            servers.address, rng=self.random, addCleanup=self.addCleanup
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

    async def test_targetGoesAway(self) -> None:
        """
        When the target refuses a connection after the proxy started, the
        proxy closes the client's connection, records why, and keeps
        listening.
        """
        servers = Servers(self, Echo, "tcp")
        proxy = await startFaultProxy(
            servers.address, rng=self.random, addCleanup=self.addCleanup
        )
        stopping = servers.port.stopListening()
        assert stopping is not None
        await stopping
        client = await connectClient(self, proxy.address)
        await client.lost
        [connection] = proxy.connections
        await connection.whenClosed()
        self.assertIsNotNone(connection.targetError)
        assert connection.targetError is not None
        self.assertTrue(connection.targetError.check(ConnectionRefusedError))
        self.assertIn("target error: Connection was refused", repr(connection))
        self.assertFalse(proxy.stopped)
        self.assertIn("<FaultProxy listening on", repr(proxy))


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
        servers = Servers(self, Echo, "tcp", tls=serverOptions)
        policy = ProxyPolicy(chunking=OneByteChunks(), latency=0.001, jitter=0.004)
        proxy = await startFaultProxy(
            servers.address,
            rng=self.random,
            addCleanup=self.addCleanup,
            toServer=policy,
            toClient=policy,
        )
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        client = Peer()
        reactor.connectSSL(
            "127.0.0.1",
            proxy.address.port,  # type: ignore[union-attr]
            tracker.trackFactory(Given(client)),
            clientOptions,
        )
        await client.made
        secret = b"secret " * 30
        client.transport.write(secret)  # type: ignore[union-attr]
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
        servers = Servers(self, Echo, "tcp")
        proxy = await startFaultProxy(
            servers.address, rng=self.random, addCleanup=self.addCleanup
        )
        endpoint = TCP4ClientEndpoint(
            reactor,
            "127.0.0.1",
            proxy.address.port,  # type: ignore[union-attr]
        )
        service = ClientService(
            endpoint, Factory.forProtocol(Peer), retryPolicy=lambda attempt: 0.01
        )
        service.startService()
        self.addCleanup(service.stopService)
        first = cast(Peer, await service.whenConnected())
        proxy.reset()
        await first.lost
        # The service learns of the loss after the protocol itself.
        await turns(1)
        second = cast(Peer, await service.whenConnected())
        self.assertIsNot(second, first)
        second.transport.write(b"again")  # type: ignore[union-attr]
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
        servers = Servers(self, Echo, "tcp")
        await turns()
        before = (len(os.listdir(FD_DIRECTORY)), reactorState())
        for _ in range(300):
            proxy = await startFaultProxy(
                servers.address, rng=self.random, addCleanup=None
            )
            client = Peer()
            connectTo(reactor, proxy.address, Given(client))
            await client.made
            client.transport.write(b"ping")  # type: ignore[union-attr]
            await client.whenReceived(4)
            client.transport.loseConnection()  # type: ignore[union-attr]
            await client.lost
            await proxy.stop()
        await gatherResults([peer.lost for peer in servers.built])
        await turns()
        self.assertEqual((len(os.listdir(FD_DIRECTORY)), reactorState()), before)
        self.assertEqual(len(servers.built), 600)


def reactorState() -> tuple[frozenset[object], frozenset[object], frozenset[object]]:
    """
    The global reactor's readers, writers and delayed calls, but trial's.
    """
    internal = set(getattr(reactor, "_internalReaders", ()))
    return (
        frozenset(set(reactor.getReaders()) - internal),
        frozenset(reactor.getWriters()),
        frozenset(
            call
            for call in reactor.getDelayedCalls()
            if not getattr(call.func, "__module__", "").startswith("twisted.trial")
        ),
    )
