# -*- test-case-name: twistedtesting.test.test_dialing -*-
"""
Tests for L{twistedtesting._dialing}: how a connection attempt listens and
connects with the reactor's own methods.
"""

from __future__ import annotations

from typing import Any

import attrs
from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.protocol import ClientFactory
from twisted.internet.testing import MemoryReactor

from twistedtesting import Clock, SynchronousTestCase
from twistedtesting._dialing import connectTo, dialerTo


@attrs.define
class Address:
    """
    An address of a kind that the reactor's methods cannot connect to; a
    test helper.
    """

    name: str = "elsewhere"


class ConnectToTests(SynchronousTestCase):
    """
    L{connectTo} connects to the listening port's address with the
    reactor's method for its kind.
    """

    def test_tcp(self) -> None:
        """
        An IPv4 or IPv6 address is connected to with C{connectTo}; a port
        that listens on every address is connected to on the loopback
        address.
        """
        reactor = MemoryReactor()
        factory = ClientFactory()
        for address, host in [
            (IPv4Address("TCP", "127.0.0.1", 1234), "127.0.0.1"),
            (IPv4Address("TCP", "0.0.0.0", 1234), "127.0.0.1"),
            (IPv6Address("TCP", "::1", 1234), "::1"),
            (IPv6Address("TCP", "::", 1234), "::1"),
        ]:
            connectTo(reactor, address, factory)
            self.assertEqual(reactor.tcpClients[-1][:3], (host, 1234, factory))

    def test_unix(self) -> None:
        """
        A UNIX address is connected to with C{connectUNIX}, its name as a
        string.
        """
        reactor = MemoryReactor()
        factory = ClientFactory()
        connectTo(reactor, UNIXAddress(b"/tmp/x.sock"), factory)
        connectTo(reactor, UNIXAddress("/tmp/y.sock"), factory)
        self.assertEqual(
            [client[:2] for client in reactor.unixClients],
            [("/tmp/x.sock", factory), ("/tmp/y.sock", factory)],
        )

    def test_cannotConnect(self) -> None:
        """
        An address of another kind, or a reactor without the method it
        needs, is a L{TypeError} that says so.
        """
        reactor = MemoryReactor()
        address: Any = Address()
        error = self.assertRaises(
            TypeError, connectTo, reactor, address, ClientFactory()
        )
        self.assertEqual(
            str(error),
            f"cannot connect to a listening port at {address!r}: pass clientEndpoint",
        )
        clock = Clock()
        error = self.assertRaises(
            TypeError,
            connectTo,
            clock,
            IPv4Address("TCP", "127.0.0.1", 1),
            ClientFactory(),
        )
        self.assertEqual(str(error), f"reactor must provide IReactorTCP: {clock!r}")
        error = self.assertRaises(
            TypeError, connectTo, clock, UNIXAddress("/tmp/z"), ClientFactory()
        )
        self.assertEqual(str(error), f"reactor must provide IReactorUNIX: {clock!r}")


class DialerToTests(SynchronousTestCase):
    """
    L{dialerTo} checks an address once and gives a function that connects
    factories to it as L{connectTo} does.
    """

    def test_connectsEachFactory(self) -> None:
        """
        Each call of the dialer connects the factory given to the address,
        with the connector the reactor's method returned.
        """
        reactor = MemoryReactor()
        first, second = ClientFactory(), ClientFactory()
        dial = dialerTo(reactor, IPv4Address("TCP", "0.0.0.0", 4321))
        connectors = [dial(first), dial(second)]
        self.assertEqual(
            [client[:3] for client in reactor.tcpClients],
            [("127.0.0.1", 4321, first), ("127.0.0.1", 4321, second)],
        )
        self.assertEqual(connectors, reactor.connectors)
        unix = dialerTo(reactor, UNIXAddress(b"/tmp/w.sock"))
        unix(first)
        self.assertEqual(reactor.unixClients[-1][:2], ("/tmp/w.sock", first))

    def test_checksAtOnce(self) -> None:
        """
        An address the reactor cannot connect to is refused when the dialer
        is made, with L{connectTo}'s error.
        """
        clock = Clock()
        error = self.assertRaises(
            TypeError, dialerTo, clock, IPv6Address("TCP", "::1", 1)
        )
        self.assertEqual(str(error), f"reactor must provide IReactorTCP: {clock!r}")
