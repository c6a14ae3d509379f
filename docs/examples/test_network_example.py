# -*- test-case-name: examples.test_network_example -*-
"""
The first examples of ``docs/network.rst``: a server and a client on a
simulated network, faults, running, and the determinism check.
"""

from __future__ import annotations

from twisted.internet.endpoints import (
    HostnameEndpoint,
    TCP4ServerEndpoint,
    connectProtocol,
)
from twisted.internet.error import ConnectionLost
from twisted.internet.protocol import Factory
from twisted.protocols.basic import LineReceiver
from twisted.python.failure import Failure

from twistedtesting import (
    Clock,
    HostReactor,
    Network,
    SynchronousTestCase,
    checkDeterminism,
    randomFaults,
)


class Greeter(LineReceiver):
    """
    Answers each line with a greeting.
    """

    def lineReceived(self, line: bytes) -> None:
        self.sendLine(b"hello, " + line)


class Caller(LineReceiver):
    """
    Says its name, and keeps what it hears and how its connection ended.
    """

    def __init__(self) -> None:
        self.heard: list[bytes] = []
        self.lost: list[Failure] = []

    def connectionMade(self) -> None:
        self.sendLine(b"alice")

    def lineReceived(self, line: bytes) -> None:
        self.heard.append(line)

    def connectionLost(self, reason: Failure = Failure(ConnectionLost())) -> None:  # noqa: B008
        self.lost.append(reason)


def startGreeter(reactor: HostReactor) -> None:
    """
    The server's start function: what its ``main`` would do with the real
    reactor.
    """
    TCP4ServerEndpoint(reactor, 1234).listen(Factory.forProtocol(Greeter))


def call(network: Network, host: str = "client") -> Caller:
    """
    Connect a L{Caller} from ``host`` to the greeter, by name.
    """
    caller = Caller()
    endpoint = HostnameEndpoint(network.reactor(host), b"server", 1234)
    connectProtocol(endpoint, caller)
    return caller


class NetworkExampleTests(SynchronousTestCase):
    """
    A greeter and its callers on a simulated network.
    """

    def test_greeting(self) -> None:
        """
        A caller on one host is greeted by the server on another, found by
        its name.
        """
        network = Network(Clock(), self.random, latency=0.05, jitter=0.02)
        network.addHost("server", startGreeter)
        network.addHost("client")
        caller = call(network)
        network.advanceUntil(lambda: caller.heard, limit=5)
        self.assertEqual(caller.heard, [b"hello, alice"])

    def test_partitionHeals(self) -> None:
        """
        Across a partition, the caller's connection requests are lost; once
        it heals, the next one connects and the caller is greeted.
        """
        network = Network(Clock(), self.random, latency=0.05)
        network.addHost("server", startGreeter)
        network.addHost("client")
        network.partition(["server"], ["client"])
        caller = call(network)
        network.advance(10)
        self.assertEqual(caller.heard, [])
        network.heal()
        network.advanceUntil(lambda: caller.heard, limit=30)
        self.assertEqual(caller.heard, [b"hello, alice"])

    def test_crashAndRestart(self) -> None:
        """
        When the server crashes, its caller's connection is reset; the
        restarted server greets a new caller.
        """
        network = Network(Clock(), self.random, latency=0.05)
        network.addHost("server", startGreeter)
        network.addHost("client")
        caller = call(network)
        network.advanceUntil(lambda: caller.heard)
        network.crash("server")
        network.advanceUntil(lambda: caller.lost)
        self.assertIsInstance(caller.lost[0].value, ConnectionLost)
        network.restart("server")
        again = call(network)
        network.advanceUntil(lambda: again.heard)
        self.assertEqual(again.heard, [b"hello, alice"])

    def test_randomFaults(self) -> None:
        """
        Faults drawn from the seed hit the server and a client for a minute;
        once they are over, every host is up again and a new caller is
        greeted.
        """
        network = Network(Clock(), self.random, latency=0.05)
        network.addHost("server", startGreeter)
        network.addHost("client")
        plan = randomFaults(network, 60)
        network.advance(70)
        self.assertGreater(len(plan), 5)
        self.assertEqual({host.state.value for host in network.hosts}, {"up"})
        caller = call(network)
        network.advanceUntil(lambda: caller.heard)
        self.assertEqual(caller.heard, [b"hello, alice"])

    def test_deterministic(self) -> None:
        """
        Three callers under jitter, run twice with one seed, do exactly the
        same things at the same times.
        """

        def scenario(seed: int) -> Network:
            network = Network(Clock(), seed, latency=0.05, jitter=0.05, traceLimit=None)
            network.addHost("server", startGreeter)
            for index in range(3):
                network.addHost(f"client{index}")
                call(network, f"client{index}")
            network.runUntilQuiet()
            return network

        checkDeterminism(scenario, seed=self.random.randrange(2**32))
