# -*- test-case-name: twistedtesting.test.test_proxytarget -*-
"""
Tests for the target of a L{twistedtesting.FaultProxy}: the check of its
address, and the check that it accepts connections
(L{twistedtesting.ProxyTargetError}).
"""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address, UNIXAddress
from twisted.internet.error import ConnectionRefusedError
from twisted.internet.protocol import Factory
from twisted.internet.testing import MemoryReactor

from twistedtesting import (
    ProxyTargetError,
    SynchronousTestCase,
    TestCase,
    startFaultProxy,
)
from twistedtesting._proxytarget import checkAddress
from twistedtesting.test.reactorhelpers import reactor as _reactor
from twistedtesting.test.reactorhelpers import reactorTurns
from twistedtesting.test.recorders import Recorder

reactor: Any = _reactor


class CheckAddressTests(SynchronousTestCase):
    """
    Tests for C{checkAddress}: a target must be an address a proxy can
    connect to with its reactor.
    """

    def test_accepted(self) -> None:
        """
        A TCP address over IPv4 and a named UNIX address are accepted by a
        reactor that can connect to them.
        """
        checkAddress("target", IPv4Address("TCP", "127.0.0.1", 1), MemoryReactor())
        checkAddress("target", UNIXAddress("/tmp/x.sock"), MemoryReactor())

    def test_refused(self) -> None:
        """
        A UDP address, an unnamed UNIX address, or something that is not an
        address is a L{TypeError} that names the argument and what it got.
        """
        cases: list[tuple[object, str]] = [
            (IPv4Address("UDP", "127.0.0.1", 1), "target must be a TCP address"),
            (UNIXAddress(None), "target must be an IPv4Address, IPv6Address or"),
            (("127.0.0.1", 80), "not ('127.0.0.1', 80)"),
        ]
        for address, message in cases:
            with self.assertRaises(TypeError) as raised:
                checkAddress("target", address, MemoryReactor())
            self.assertIn(message, str(raised.exception))

    def test_reactorCannotConnect(self) -> None:
        """
        A reactor that cannot connect to the address is a L{TypeError} that
        names the interface it lacks.
        """
        with self.assertRaises(TypeError) as raised:
            checkAddress("target", UNIXAddress("/tmp/x.sock"), object())
        self.assertIn(
            "needs a reactor that provides IReactorUNIX", str(raised.exception)
        )


class ProbeTargetTests(TestCase):
    """
    Tests for the check that a target accepts connections.
    """

    timeout = 10

    async def test_targetRefuses(self) -> None:
        """
        A target that refuses the check's connection fails the start with
        L{ProxyTargetError}, which names the target and says why, and leaves
        nothing listening.
        """
        port = reactor.listenTCP(
            0, Factory.forProtocol(Recorder), interface="127.0.0.1"
        )
        address = port.getHost()
        await port.stopListening()
        readers = set(reactor.getReaders())
        with self.assertRaises(ProxyTargetError) as raised:
            await startFaultProxy(address, rng=self.random, addCleanup=self.addCleanup)
        message = str(raised.exception)
        self.assertIn(f"startFaultProxy() target {address!r}", message)
        self.assertIn("did not accept a connection", message)
        self.assertIsInstance(raised.exception.__cause__, ConnectionRefusedError)
        await reactorTurns()
        self.assertEqual(set(reactor.getReaders()), readers)
