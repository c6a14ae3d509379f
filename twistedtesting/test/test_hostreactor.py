# -*- test-case-name: twistedtesting.test.test_hostreactor -*-
"""
Tests for L{twistedtesting.HostReactor} and its clock: a host's time with
skew and drift, its delayed calls, name resolution, and its checks.
"""

from __future__ import annotations

from twisted.internet.address import IPv4Address
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IAddress, IHostResolution, IResolutionReceiver
from twisted.internet.protocol import Factory, Protocol
from zope.interface import implementer

from twistedtesting import Clock, Network, SynchronousTestCase


@implementer(IResolutionReceiver)
class Receiver:
    """
    An C{IResolutionReceiver} that records what it is told.
    """

    def __init__(self) -> None:
        self.events: list[object] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.events.append(("began", resolution.name))

    def addressResolved(self, address: IAddress) -> None:
        self.events.append(address)

    def resolutionComplete(self) -> None:
        self.events.append("complete")


class HostClockTests(SynchronousTestCase):
    """
    A host's clock reads the network's time with its offset and drift.
    """

    def test_driftedCalls(self) -> None:
        """
        On a host whose clock runs twice as fast, a call in 2 host seconds
        runs 1 network second later; its C{getTime} and the host's
        C{getDelayedCalls} speak host time; resetting it counts host
        seconds.
        """
        network = Network(Clock(), 1)
        reactor = network.addHost("a", offset=10, drift=1.0).reactor
        ran: list[float] = []
        call = reactor.callLater(2, lambda: ran.append(network.clock.seconds()))
        self.assertEqual(call.getTime(), 12.0)
        self.assertEqual(reactor.getDelayedCalls(), [call])
        call.reset(4)
        self.assertEqual(call.getTime(), 14.0)
        network.runUntilQuiet()
        self.assertEqual(ran, [2.0])
        self.assertEqual(reactor.seconds(), 14.0)

    def test_badDelay(self) -> None:
        """
        Negative and infinite delays, and things that are not callable, are
        refused.
        """
        reactor = Network(Clock(), 1).addHost("a").reactor
        self.assertRaises(ValueError, reactor.callLater, -1, lambda: None)
        self.assertRaises(ValueError, reactor.callLater, float("inf"), lambda: None)
        self.assertRaises(TypeError, reactor.callLater, 1, "not callable")

    def test_badDrift(self) -> None:
        """
        A drift of -1 or less (a clock that stands or runs backwards) is
        refused, naming the argument.
        """
        network = Network(Clock(), 1)
        error = self.assertRaises(ValueError, network.addHost, "a", drift=-1)
        self.assertIn("addHost() drift must be more than -1", str(error))


class ResolverTests(SynchronousTestCase):
    """
    The host's name resolver knows the network's hosts.
    """

    def test_resolvesOnNextTurn(self) -> None:
        """
        A name resolves to its host's address on the host's next turn; an
        unknown name to no address.
        """
        network = Network(Clock(), 1)
        network.addHost("db", address="10.5.0.9")
        reactor = network.addHost("app").reactor
        known, unknown = Receiver(), Receiver()
        reactor.nameResolver.resolveHostName(known, "db", 5432)
        reactor.nameResolver.resolveHostName(unknown, "nope", 1)
        self.assertEqual(known.events, [("began", "db")])
        network.advance(0)
        self.assertEqual(
            known.events,
            [("began", "db"), IPv4Address("TCP", "10.5.0.9", 5432), "complete"],
        )
        self.assertEqual(unknown.events, [("began", "nope"), "complete"])

    def test_installNameResolver(self) -> None:
        """
        C{installNameResolver} replaces the resolver and returns the old.
        """
        reactor = Network(Clock(), 1).addHost("a").reactor
        old = reactor.nameResolver
        replacement = object()
        self.assertIs(reactor.installNameResolver(replacement), old)  # type: ignore[arg-type]
        self.assertIs(reactor.nameResolver, replacement)


class ListenTests(SynchronousTestCase):
    """
    C{listenTCP} checks its arguments as Twisted's does.
    """

    def test_foreignInterface(self) -> None:
        """
        Listening on an address that is not the host's raises
        C{CannotListenError}.
        """
        reactor = Network(Clock(), 1).addHost("a").reactor
        factory = Factory.forProtocol(Protocol)
        self.assertRaises(
            CannotListenError, reactor.listenTCP, 80, factory, interface="10.9.9.9"
        )
        self.assertRaises(CannotListenError, reactor.listenTCP, 70000, factory)
        self.assertRaises(TypeError, reactor.listenTCP, "80", factory)
        port = reactor.listenTCP(80, factory, interface="10.0.0.1")
        self.assertEqual(port.getHost(), IPv4Address("TCP", "10.0.0.1", 80))
        self.assertIn("<HostReactor a 10.0.0.1 up: 1 ports", repr(reactor))
