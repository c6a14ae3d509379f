# -*- test-case-name: twistedtesting.test.test_network -*-
"""
Tests for L{twistedtesting.Network}: hosts, connections over Twisted's own
endpoints, refusals and timeouts as TCP gives them, links per pair and
direction, partitions, holds, crashes, restarts and pauses.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from twisted.application.internet import ClientService
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import (
    HostnameEndpoint,
    TCP4ClientEndpoint,
    TCP4ServerEndpoint,
    connectProtocol,
)
from twisted.internet.error import (
    CannotListenError,
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TimeoutError,
)
from twisted.internet.interfaces import IConnector, IListeningPort
from twisted.internet.protocol import ClientFactory, Factory, Protocol
from twisted.protocols import amp
from twisted.protocols.basic import LineReceiver
from twisted.python.failure import Failure
from twisted.web.client import Agent, readBody
from twisted.web.resource import Resource
from twisted.web.server import Request, Site
from zope.interface.verify import verifyObject

from twistedtesting import (
    ChunkedTransport,
    Clock,
    HostReactor,
    HostState,
    Network,
    SynchronousTestCase,
)
from twistedtesting._fabric import LINK_RECORD_LIMIT

_DONE = Failure(ConnectionDone())


class Echo(LineReceiver):
    """
    Answers each line with C{b"echo "} and the line; records its loss.
    """

    def __init__(self) -> None:
        self.lost: list[Failure] = []

    def lineReceived(self, line: bytes) -> None:
        self.sendLine(b"echo " + line)

    def connectionLost(self, reason: Failure = _DONE) -> None:
        self.lost.append(reason)


class Talker(LineReceiver):
    """
    Records the lines it receives with their times, and its loss.
    """

    def __init__(self, reactor: HostReactor) -> None:
        self.reactor = reactor
        self.lines: list[tuple[float, bytes]] = []
        self.lost: list[tuple[float, Failure]] = []
        self.madeAt: float | None = None

    def connectionMade(self) -> None:
        self.madeAt = self.reactor.seconds()

    def lineReceived(self, line: bytes) -> None:
        self.lines.append((self.reactor.seconds(), line))

    def connectionLost(self, reason: Failure = _DONE) -> None:
        self.lost.append((self.reactor.seconds(), reason))


def echoServer(servers: list[Echo]) -> Any:
    """
    A start function: listen on port 8000 with L{Echo}, keeping each
    protocol in C{servers}.
    """

    def start(reactor: HostReactor) -> None:
        def build() -> Echo:
            protocol = Echo()
            servers.append(protocol)
            return protocol

        TCP4ServerEndpoint(reactor, 8000).listen(Factory.forProtocol(build))

    return start


class NetworkTestsMixin:
    """
    Builds a network of an echo server and a client host.
    """

    def setUpNetwork(
        self, latency: float = 0.125, **settings: Any
    ) -> tuple[Network, list[Echo]]:
        servers: list[Echo] = []
        network = Network(Clock(), 1, latency=latency, **settings)
        network.addHost("server", echoServer(servers))
        network.addHost("client")
        return network, servers

    def connect(
        self, network: Network, host: str = "server", port: int = 8000
    ) -> tuple[Talker, Deferred[Talker]]:
        reactor = network.reactor("client")
        talker = Talker(reactor)
        endpoint = TCP4ClientEndpoint(reactor, host, port)
        return talker, connectProtocol(endpoint, talker)


class ReactorInterfaceTests(SynchronousTestCase):
    """
    A host's reactor provides what Twisted's endpoints need.
    """

    def test_interfaces(self) -> None:
        """
        The host reactor, its ports and connectors provide their interfaces
        fully.
        """
        from twisted.internet.interfaces import (
            IHostnameResolver,
            IReactorPluggableNameResolver,
            IReactorTCP,
            IReactorTime,
        )

        network = Network(Clock(), 1)
        host = network.addHost("a")
        reactor = host.reactor
        for interface in (IReactorTime, IReactorTCP, IReactorPluggableNameResolver):
            self.assertTrue(verifyObject(interface, reactor))
        self.assertTrue(verifyObject(IHostnameResolver, reactor.nameResolver))
        port = reactor.listenTCP(80, Factory.forProtocol(Protocol))
        self.assertTrue(verifyObject(IListeningPort, port))
        clientFactory: ClientFactory[Protocol] = ClientFactory()
        clientFactory.protocol = Protocol
        connector = reactor.connectTCP("a", 80, clientFactory)
        self.assertTrue(verifyObject(IConnector, connector))


class ConnectionTests(NetworkTestsMixin, SynchronousTestCase):
    """
    Connections between hosts behave as TCP's, in virtual time.
    """

    def test_echoRoundTrip(self) -> None:
        """
        With a latency of 0.125 s each way, a client is connected after one
        round trip (0.25 s), and the answer to its first line arrives one
        more round trip later (0.5 s).
        """
        network, servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        connected.addCallback(lambda p: p.sendLine(b"hi"))
        network.advanceUntil(lambda: talker.lines)
        self.assertEqual(talker.madeAt, 0.25)
        self.assertEqual(talker.lines, [(0.5, b"echo hi")])
        self.assertEqual(len(servers), 1)
        transport = talker.transport
        assert transport is not None
        self.assertEqual(transport.getPeer(), IPv4Address("TCP", "10.0.0.1", 8000))
        self.assertEqual(transport.getHost(), IPv4Address("TCP", "10.0.0.2", 49152))
        serverTransport = servers[0].transport
        assert serverTransport is not None
        self.assertEqual(serverTransport.getPeer(), transport.getHost())

    def test_hostnameEndpoint(self) -> None:
        """
        C{HostnameEndpoint} resolves a host's name through the host
        reactor's resolver and connects.
        """
        network, servers = self.setUpNetwork()
        reactor = network.reactor("client")
        talker = Talker(reactor)
        endpoint = HostnameEndpoint(reactor, b"server", 8000)
        connected = connectProtocol(endpoint, talker)
        network.advanceUntil(connected)
        self.assertIs(self.successResultOf(connected), talker)
        self.assertEqual(len(servers), 1)

    def test_unknownNameFailsLookup(self) -> None:
        """
        C{HostnameEndpoint} to a name no host has fails with
        C{DNSLookupError}, as with a real resolver.
        """
        network, _servers = self.setUpNetwork()
        reactor = network.reactor("client")
        endpoint = HostnameEndpoint(reactor, b"nowhere", 8000)
        connected = connectProtocol(endpoint, Talker(reactor))
        network.advanceUntil(connected)
        self.failureResultOf(connected, DNSLookupError)

    def test_refused(self) -> None:
        """
        A port nobody listens on refuses after one round trip, with
        C{ConnectionRefusedError}.
        """
        network, _servers = self.setUpNetwork()
        _talker, connected = self.connect(network, port=9999)
        elapsed = network.advanceUntil(connected)
        self.failureResultOf(connected, ConnectionRefusedError)
        self.assertEqual(elapsed, 0.25)
        kinds = [event.kind for event in network.trace]
        self.assertIn("refused", kinds)

    def test_unknownAddressTimesOut(self) -> None:
        """
        An address where no host is never answers: the attempt fails with
        C{TimeoutError} at exactly its timeout, the request sent again at
        1, 3, 7 and 15 s meanwhile.
        """
        network, _servers = self.setUpNetwork()
        reactor = network.reactor("client")
        endpoint = TCP4ClientEndpoint(reactor, "10.0.0.99", 80, timeout=20)
        connected = connectProtocol(endpoint, Talker(reactor))
        elapsed = network.advanceUntil(connected)
        self.failureResultOf(connected, TimeoutError)
        self.assertEqual(elapsed, 20.0)
        tries = [e.time for e in network.trace if e.kind == "connect"]
        self.assertEqual(tries, [0.0, 1.0, 3.0, 7.0, 15.0])

    def test_closeReachesPeer(self) -> None:
        """
        A client's C{loseConnection} ends its connection on its next turn,
        as Twisted's TCP does once the bytes are sent, and the server's with
        C{ConnectionDone} one latency later; both ends are traced.
        """
        network, servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        transport = talker.transport
        assert transport is not None
        transport.loseConnection()
        network.runUntilQuiet()
        self.assertEqual(len(servers[0].lost), 1)
        servers[0].lost[0].trap(ConnectionDone)
        self.assertEqual([t for t, _ in talker.lost], [0.25])
        closes = [(e.time, e.source) for e in network.trace if e.kind == "close"]
        self.assertEqual(closes, [(0.25, "client"), (0.375, "server")])

    def test_listenTwice(self) -> None:
        """
        Listening on a port taken on the same host raises
        C{CannotListenError}; port 0 gives a free port.
        """
        network, _servers = self.setUpNetwork()
        reactor = network.reactor("server")
        factory = Factory.forProtocol(Protocol)
        self.assertRaises(CannotListenError, reactor.listenTCP, 8000, factory)
        port = reactor.listenTCP(0, factory)
        self.assertEqual(port.getHost().port, 49152)

    def test_stopListening(self) -> None:
        """
        After C{stopListening} a connection is refused, and the factory is
        stopped.
        """
        network = Network(Clock(), 1, latency=0.1)
        reactor = network.addHost("server").reactor
        network.addHost("client")
        factory = Factory.forProtocol(Echo)
        port = reactor.listenTCP(8000, factory)
        self.assertEqual(factory.numPorts, 1)
        stopped = port.stopListening()
        network.advanceUntil(stopped)
        self.assertEqual(factory.numPorts, 0)
        _talker, connected = self.connect(network)
        network.advanceUntil(connected)
        self.failureResultOf(connected, ConnectionRefusedError)

    def test_loopback(self) -> None:
        """
        A host reaches its own ports at C{127.0.0.1}.
        """
        network, _servers = self.setUpNetwork()
        reactor = network.reactor("server")
        talker = Talker(reactor)
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", 8000)
        connected = connectProtocol(endpoint, talker)
        network.advanceUntil(connected)
        self.assertIs(self.successResultOf(connected), talker)


class LinkSettingsTests(NetworkTestsMixin, SynchronousTestCase):
    """
    Each pair of hosts, and each direction, can have its own link.
    """

    def test_perDirectionLatency(self) -> None:
        """
        C{setLink(..., oneWay=True)} changes one direction only: with 0.5 s
        from the client to the server and 0.125 s back, the round trip takes
        0.625 s.
        """
        network, _servers = self.setUpNetwork()
        network.setLink("client", "server", latency=0.5, oneWay=True)
        talker, connected = self.connect(network)
        connected.addCallback(lambda p: p.sendLine(b"x"))
        network.advanceUntil(lambda: talker.lines)
        self.assertEqual(talker.madeAt, 0.625)
        self.assertEqual(talker.lines[0][0], 1.25)

    def test_bandwidth(self) -> None:
        """
        With 1000 bytes a second and 0.125 s of latency, 999 bytes and a
        newline written at once arrive complete 1 s plus the latency later.
        """
        network, servers = self.setUpNetwork(bandwidth=1000)
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        transport = servers[0].transport
        assert transport is not None
        start = network.clock.seconds()
        transport.write(b"x" * 999 + b"\r\n")
        network.advanceUntil(lambda: talker.lines)
        self.assertAlmostEqual(talker.lines[0][0] - start, 1.126, places=9)

    def test_jitterIsSeeded(self) -> None:
        """
        With jitter, the times of a run depend on the seed alone.
        """

        def run(seed: int) -> list[float]:
            servers: list[Echo] = []
            network = Network(Clock(), seed, latency=0.1, jitter=0.05)
            network.addHost("server", echoServer(servers))
            network.addHost("client")
            talker, connected = self.connect(network)
            connected.addCallback(lambda p: [p.sendLine(b"%d" % i) for i in range(5)])
            network.advanceUntil(lambda: len(talker.lines) == 5)
            return [t for t, _ in talker.lines]

        self.assertEqual(run(3), run(3))
        self.assertNotEqual(run(3), run(4))
        times = run(5)
        self.assertEqual(times, sorted(times))


class FaultTests(NetworkTestsMixin, SynchronousTestCase):
    """
    Faults: partitions, holds, crashes, restarts and pauses.
    """

    def test_partitionDelaysBytes(self) -> None:
        """
        Bytes sent across a partition wait and arrive once it heals, on the
        same connection: TCP retransmits them.
        """
        network, _servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        network.partition(["client"], ["server"])
        self.successResultOf(connected).sendLine(b"during")
        network.advance(10)
        self.assertEqual(talker.lines, [])
        network.heal()
        network.advanceUntil(lambda: talker.lines)
        self.assertEqual(talker.lines[0][1], b"echo during")
        self.assertEqual(talker.lost, [])

    def test_connectAcrossHealingPartition(self) -> None:
        """
        A connection request lost to a partition is sent again; once the
        partition heals, the next try connects.
        """
        network, _servers = self.setUpNetwork()
        network.partition("server")
        talker, connected = self.connect(network)
        network.callLater(2, network.heal)
        network.advanceUntil(connected)
        self.assertEqual(talker.madeAt, 3.25)

    def test_oneWayPartition(self) -> None:
        """
        A one-way partition blocks only from the first group to the others.
        """
        network, servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        network.partition(["server"], ["client"], oneWay=True)
        self.successResultOf(connected).sendLine(b"x")
        network.advance(5)
        self.assertEqual(servers[0].lost, [])
        self.assertEqual(talker.lines, [])
        self.assertEqual(network.topology.partitioned, {("server", "client")})

    def test_holdAndRelease(self) -> None:
        """
        A held link delivers nothing until released.
        """
        network, _servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        network.hold("server", "client", oneWay=True)
        self.successResultOf(connected).sendLine(b"x")
        network.advance(3)
        self.assertEqual(talker.lines, [])
        network.release("server", "client", oneWay=True)
        network.advanceUntil(lambda: talker.lines)
        self.assertEqual(talker.lines[0][0], 3.25)

    def test_crashResetsPeers(self) -> None:
        """
        A crashed host's peers get C{ConnectionLost} one latency later; its
        protocols are not told; its ports and calls are gone, so a new
        connection times out.
        """
        network, servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        fired: list[float] = []
        network.reactor("server").callLater(1, fired.append, 1.0)
        network.crash("server")
        crashedAt = network.clock.seconds()
        network.advanceUntil(lambda: talker.lost)
        self.assertEqual(talker.lost[0][0], crashedAt + 0.125)
        talker.lost[0][1].trap(ConnectionLost)
        self.assertEqual(servers[0].lost, [])
        self.assertEqual(network.host("server").state, HostState.CRASHED)
        _again, reconnected = self.connect(network)
        network.advanceUntil(reconnected, limit=60)
        self.failureResultOf(reconnected, TimeoutError)
        self.assertEqual(fired, [])

    def test_restart(self) -> None:
        """
        A restarted host runs its start function on a fresh reactor with the
        same address, and accepts connections again.
        """
        network, _servers = self.setUpNetwork()
        old = network.reactor("server")
        network.crash("server")
        new = network.restart("server")
        self.assertIsNot(new, old)
        self.assertEqual(new.address, old.address)
        self.assertEqual(network.host("server").lives, 2)
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        self.assertIs(self.successResultOf(connected), talker)

    def test_pause(self) -> None:
        """
        Nothing of a paused host runs: its calls and its input wait until it
        resumes, then run at once.
        """
        network, _servers = self.setUpNetwork()
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        ran: list[float] = []
        server = network.reactor("server")
        server.callLater(0.5, lambda: ran.append(network.clock.seconds()))
        network.pause("server", 3)
        self.successResultOf(connected).sendLine(b"x")
        network.advance(2.9)
        self.assertEqual((ran, talker.lines), ([], []))
        network.advanceUntil(lambda: talker.lines)
        self.assertEqual(ran, [3.25])
        self.assertEqual(talker.lines[0][0], 3.375)

    def test_clockSkew(self) -> None:
        """
        A host's clock reads the network's time with its offset and drift,
        and its delayed calls wait in its own seconds.
        """
        network = Network(Clock(), 1)
        reactor = network.addHost("a", offset=100, drift=1.0).reactor
        network.advance(2)
        self.assertEqual(reactor.seconds(), 104.0)
        ran: list[float] = []
        reactor.callLater(4, lambda: ran.append(network.clock.seconds()))
        network.runUntilQuiet()
        self.assertEqual(ran, [4.0])


class BadInputTests(SynchronousTestCase):
    """
    Mistakes raise errors that name the argument.
    """

    def test_errors(self) -> None:
        """
        Unknown hosts, overlapping or unknown partition groups, negative
        latencies and bandwidths, shared addresses and double crashes are
        refused with a message naming the argument.
        """
        network = Network(Clock(), 1)
        network.addHost("a", address="10.1.0.1")
        network.addHost("b")
        cases: list[tuple[type[Exception], str, Any]] = [
            (ValueError, "crash() name 'x' is not a host", lambda: network.crash("x")),
            (
                ValueError,
                "partition() host 'x' is not a host",
                lambda: network.partition(["a", "x"]),
            ),
            (ValueError, "groups overlap", lambda: network.partition(["a"], ["a"])),
            (
                ValueError,
                "LinkSettings() latency must be a finite number of seconds >= 0",
                lambda: network.setLink("a", "b", latency=-1),
            ),
            (
                ValueError,
                "LinkSettings() bandwidth must be a finite number",
                lambda: network.setLink("a", "b", bandwidth=-5),
            ),
            (
                ValueError,
                "LinkSettings() latency must be a finite number of seconds >= 0",
                lambda: Network(latency=-0.5),
            ),
            (
                ValueError,
                "address '10.1.0.1' is taken by host 'a'",
                lambda: network.addHost("c", address="10.1.0.1"),
            ),
            (ValueError, "name 'a' is taken", lambda: network.addHost("a")),
            (ValueError, "setLink() target 'z'", lambda: network.setLink("a", "z")),
            (TypeError, "Network() seed must be an int", lambda: Network(seed="1")),  # type: ignore[arg-type]
            (
                ValueError,
                "restart() name 'a': the host is up",
                lambda: network.restart("a"),
            ),
        ]
        for error, text, call in cases:
            raised = self.assertRaises(error, call)
            self.assertIn(text, str(raised))
        network.crash("a")
        raised = self.assertRaises(ValueError, network.crash, "a")
        self.assertEqual(str(raised), "crash() name 'a': the host is crashed already")


class Page(Resource):
    """
    A web page that says which host served it.
    """

    isLeaf = True

    def __init__(self, name: bytes) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.name = name

    def render_GET(self, request: Request) -> bytes:
        return b"hello from " + self.name


class Sum(amp.Command):
    """
    Add two numbers.
    """

    arguments: ClassVar[list[tuple[bytes, amp.Argument]]] = [
        (b"a", amp.Integer()),
        (b"b", amp.Integer()),
    ]
    response: ClassVar[list[tuple[bytes, amp.Argument]]] = [(b"total", amp.Integer())]


class Adder(amp.AMP):
    """
    Answers L{Sum}.
    """

    @Sum.responder
    def sum(self, a: int, b: int) -> dict[str, int]:
        return {"total": a + b}


class RealCodeTests(SynchronousTestCase):
    """
    Twisted's own protocols and clients run unchanged between hosts.
    """

    def test_siteAndAgent(self) -> None:
        """
        C{Agent} on one host gets a page from C{Site} on another, by the
        server's name, in two round trips (connect, request).
        """
        network = Network(Clock(), self.random, latency=0.25)

        def web(reactor: HostReactor) -> None:
            TCP4ServerEndpoint(reactor, 80).listen(Site(Page(b"web"), reactor=reactor))

        network.addHost("web", web)
        browser = network.addHost("browser").reactor
        response = Agent(browser).request(b"GET", b"http://web/")
        body = response.addCallback(readBody)
        elapsed = network.advanceUntil(body)
        self.assertEqual(self.successResultOf(body), b"hello from web")
        self.assertEqual(elapsed, 1.0)

    def test_amp(self) -> None:
        """
        An AMP call between two hosts answers after one round trip.
        """
        network = Network(Clock(), self.random, latency=0.125, jitter=0.0)

        def server(reactor: HostReactor) -> None:
            TCP4ServerEndpoint(reactor, 7000).listen(Factory.forProtocol(Adder))

        network.addHost("adder", server)
        reactor = network.addHost("caller").reactor
        connected = connectProtocol(
            TCP4ClientEndpoint(reactor, "adder", 7000), amp.AMP()
        )
        network.advanceUntil(connected)
        start = network.clock.seconds()
        answer = self.successResultOf(connected).callRemote(Sum, a=2, b=3)
        network.advanceUntil(answer)
        self.assertEqual(self.successResultOf(answer), {"total": 5})
        self.assertEqual(network.clock.seconds() - start, 0.25)

    def test_clientServiceThroughPartition(self) -> None:
        """
        C{ClientService} keeps trying with backoff while a partition cuts
        the server off, and connects once it heals.
        """
        servers: list[Echo] = []
        network = Network(Clock(), self.random, latency=0.125)
        network.addHost("server", echoServer(servers))
        reactor = network.addHost("client").reactor
        network.partition(["server"])
        endpoint = HostnameEndpoint(reactor, b"server", 8000, timeout=5)
        service = ClientService(
            endpoint, Factory.forProtocol(lambda: Talker(reactor)), clock=reactor
        )
        service.startService()
        network.callLater(40, network.heal)
        connected = service.whenConnected()
        network.advanceUntil(connected, limit=120)
        self.assertGreater(network.clock.seconds(), 40)
        self.assertEqual(len(servers), 1)
        timeouts = [e for e in network.trace if e.kind == "timeout"]
        self.assertGreater(len(timeouts), 3)
        stopped = service.stopService()
        network.advanceUntil(stopped)
        network.runUntilQuiet()
        self.assertEqual(len(servers[0].lost), 1)


class NetworkTieBreakingTests(SynchronousTestCase):
    """
    Hosts acting at the same instant are ordered by the seed.
    """

    def acceptOrder(self, seed: int) -> list[str]:
        network = Network(Clock(), seed, latency=0.5)
        accepted: list[str] = []

        class Record(Protocol):
            def connectionMade(self) -> None:
                assert self.transport is not None
                peer = self.transport.getPeer()
                assert isinstance(peer, IPv4Address)
                accepted.append(peer.host)

        def server(reactor: HostReactor) -> None:
            TCP4ServerEndpoint(reactor, 80).listen(Factory.forProtocol(Record))

        network.addHost("server", server)
        for index in range(4):
            reactor = network.addHost(f"c{index}").reactor
            connectProtocol(TCP4ClientEndpoint(reactor, "server", 80), Protocol())
        network.runUntilQuiet()
        return accepted

    def test_seededOrder(self) -> None:
        """
        Connection requests arriving at one instant are accepted in an
        order that the seed decides: the same for one seed, different
        across seeds.
        """
        self.assertEqual(self.acceptOrder(1), self.acceptOrder(1))
        orders = {tuple(self.acceptOrder(seed)) for seed in range(12)}
        self.assertGreater(len(orders), 3)
        self.assertEqual(len(self.acceptOrder(2)), 4)


class MemoryTests(NetworkTestsMixin, SynchronousTestCase):
    """
    What a long run keeps is bounded.
    """

    def test_boundedRecords(self) -> None:
        """
        The trace keeps its latest C{traceLimit} events, and each link
        records at most C{LINK_RECORD_LIMIT} chunks, however many are
        delivered.
        """
        network, servers = self.setUpNetwork(traceLimit=50)
        talker, connected = self.connect(network)
        network.advanceUntil(connected)
        protocol = self.successResultOf(connected)
        for index in range(LINK_RECORD_LIMIT + 200):
            protocol.sendLine(b"%d" % index)
            network.advance(0.001)
        network.advanceUntil(lambda: len(talker.lines) == LINK_RECORD_LIMIT + 200)
        self.assertEqual(len(network.trace), 50)
        self.assertGreater(network.trace.count, 2 * LINK_RECORD_LIMIT)
        serverTransport = cast(ChunkedTransport, servers[0].transport)
        record = serverTransport.inbound.record
        self.assertEqual(len(record.sizes), LINK_RECORD_LIMIT)
        self.assertFalse(record.complete)
