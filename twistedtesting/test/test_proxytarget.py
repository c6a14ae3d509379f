# -*- test-case-name: twistedtesting.test.test_proxytarget -*-
"""
Tests for the target of a L{twistedtesting.FaultProxy}: the check of its
address, connecting to it (C{targetDialer}), and the check that it accepts
connections (L{twistedtesting.ProxyTargetError}).
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.error import ConnectionRefusedError, TimeoutError, UserError
from twisted.internet.interfaces import IAddress, IReactorTCP
from twisted.internet.protocol import Factory
from twisted.internet.testing import MemoryReactor
from zope.interface import implementer_only

from twistedtesting import (
    Clock,
    ConnectionTracker,
    ProxyTargetError,
    SynchronousTestCase,
    TestCase,
    _proxytarget,
    startFaultProxy,
)
from twistedtesting._proxytarget import (
    CONNECT_TIMEOUT,
    _Connecting,
    checkAddress,
    targetDialer,
)
from twistedtesting._sockets import refusingAddress
from twistedtesting.test.proxyhelpers import Given, Refusal, listenTarget
from twistedtesting.test.reactorhelpers import failureOf, reactorTurns, reactorUntil
from twistedtesting.test.reactorhelpers import reactor as _reactor
from twistedtesting.test.recorders import Hub, Recorder
from twistedtesting.test.skips import IPV6_SKIP, UNIX_SKIP

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


class TargetDialerTests(TestCase):
    """
    Tests for C{targetDialer}: the proxy's connection to its target, made
    in the call where the kernel makes it at once.
    """

    timeout = 10

    def dialed(self, address: Any) -> tuple[Recorder, Any]:
        """
        Dial C{address} with a L{Given} factory whose connection a tracker
        tears down when the test ends.

        :returns: The protocol and what the dialer returned.
        """
        client = Recorder(Hub())
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        attempt = targetDialer(reactor, address)(tracker.trackFactory(Given(client)))
        return client, attempt

    async def connectsInTheCall(self, transport: str) -> None:
        """
        Over C{transport}, the dialer's protocol is connected when the call
        returns, to the target, and bytes go both ways; giving the attempt
        up afterwards does nothing.
        """
        hub, port = listenTarget(self, transport=transport)
        made = hub.whenMade()
        client, attempt = self.dialed(port.getHost())
        self.assertEqual(client.events, ["made"])
        self.assertEqual(
            client.transport.getPeer(),  # type: ignore[union-attr]
            port.getHost(),
        )
        server = await made
        client.send(b"ping")
        self.assertEqual(await client.whenReceived(4), b"ping")
        self.assertEqual(server.received, b"ping")
        attempt.disconnect()
        self.assertEqual(client.events, ["made"])

    async def test_connectsInTheCallTCP(self) -> None:
        """
        Over TCP on 127.0.0.1, see C{connectsInTheCall}.
        """
        await self.connectsInTheCall("tcp")

    async def test_connectsInTheCallTCP6(self) -> None:
        """
        Over TCP on ::1, see C{connectsInTheCall}.
        """
        await self.connectsInTheCall("tcp6")

    test_connectsInTheCallTCP6.skip = IPV6_SKIP  # type: ignore[attr-defined]

    async def test_connectsInTheCallUNIX(self) -> None:
        """
        Over a UNIX socket, see C{connectsInTheCall}.
        """
        await self.connectsInTheCall("unix")

    test_connectsInTheCallUNIX.skip = UNIX_SKIP  # type: ignore[attr-defined]

    async def refusedAsBefore(self, address: IAddress) -> None:
        """
        A target that refuses at C{address}: the factory's
        C{clientConnectionFailed} gets a L{ConnectionRefusedError} (from the
        reactor's own attempt), after the call; no protocol is built.
        """
        factory = Refusal()
        targetDialer(reactor, address)(factory)
        self.assertFalse(factory.failed.called)
        await failureOf(factory.failed, ConnectionRefusedError)

    async def test_refusedTCP(self) -> None:
        """
        Over TCP, see C{refusedAsBefore}.
        """
        await self.refusedAsBefore(refusingAddress(self.addCleanup))

    async def test_refusedUNIX(self) -> None:
        """
        Over a UNIX socket, see C{refusedAsBefore}.
        """
        await self.refusedAsBefore(refusingAddress(self.addCleanup, "unix"))

    test_refusedUNIX.skip = UNIX_SKIP  # type: ignore[attr-defined]

    def test_leftToTheReactor(self) -> None:
        """
        A reactor that cannot adopt a socket, a host name, and an IPv6
        address with a scope are dialed with the reactor's C{connectTCP}.
        """
        cases: list[tuple[Any, Any]] = [
            (_NotAdopting(), IPv4Address("TCP", "127.0.0.1", 1234)),
            (MemoryReactor(), IPv4Address("TCP", "localhost", 1234)),
            (MemoryReactor(), IPv6Address("TCP", "fe80::1", 1234, 0, 2)),
        ]
        for memory, address in cases:
            factory = Refusal()
            targetDialer(memory, address)(factory)
            [(host, port, given, _, _)] = memory.tcpClients
            self.assertEqual((host, port, given), (address.host, 1234, factory))

    def test_socketErrorsLeftToTheReactor(self) -> None:
        """
        When the dialer cannot connect its socket to the address (a UNIX
        path too long), or cannot make its socket, the reactor's
        C{connectUNIX} or C{connectTCP} is given the factory, to report it
        as it does.
        """
        memory = MemoryReactor()
        factory = Refusal()
        path = "/tmp/" + "x" * 200
        targetDialer(memory, UNIXAddress(path))(factory)
        [(name, given, _, _)] = memory.unixClients
        self.assertEqual((name, given), (path, factory))
        self.patch(_proxytarget, "_NON_BLOCKING_STREAM", -1)
        targetDialer(memory, IPv4Address("TCP", "127.0.0.1", 1234))(factory)
        [(host, port, given, _, _)] = memory.tcpClients
        self.assertEqual((host, port, given), ("127.0.0.1", 1234, factory))


@implementer_only(IReactorTCP)
class _NotAdopting(MemoryReactor):
    """
    A memory reactor that provides C{IReactorTCP} and not
    C{IReactorSocket}: it cannot adopt a socket.
    """


class ConnectingTests(TestCase):
    """
    Tests for C{_Connecting}: a connection to the target still under way
    when the dialer returns.
    """

    timeout = 10

    def pending(self, address: tuple[str, int]) -> socket.socket:
        """
        A non-blocking socket that started connecting to C{address}.
        """
        skt = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(skt.close)
        skt.setblocking(False)
        self.assertIn(skt.connect_ex(address), (0, errno.EINPROGRESS))
        return skt

    async def test_connectsWhenWritable(self) -> None:
        """
        Once its socket is writable and connected, the reactor's socket
        takes it over and the factory's protocol is connected; its own
        socket is closed and no longer watched.
        """
        _, port = listenTarget(self)
        target = port.getHost()
        assert isinstance(target, IPv4Address)
        address = (target.host, target.port)
        skt = self.pending(address)
        client = Recorder(Hub())
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        clock = Clock()
        connecting = _Connecting(
            reactor, skt, address, tracker.trackFactory(Given(client)), clock=clock
        )
        self.assertIn(connecting, reactor.getWriters())
        self.assertEqual(client.events, [])
        await reactorUntil(lambda: client.events == ["made"])
        self.assertNotIn(connecting, reactor.getWriters())
        self.assertEqual(skt.fileno(), -1)
        self.assertEqual(clock.getDelayedCalls(), [])
        client.send(b"ping")
        self.assertEqual(await client.whenReceived(4), b"ping")

    async def test_refused(self) -> None:
        """
        A connection the target refuses fails with
        L{ConnectionRefusedError}, and its socket is closed.
        """
        target = refusingAddress(self.addCleanup)
        address = (target.host, target.port)
        skt = self.pending(address)
        factory = Refusal()
        clock = Clock()
        connecting = _Connecting(reactor, skt, address, factory, clock=clock)
        await failureOf(factory.failed, ConnectionRefusedError)
        self.assertNotIn(connecting, reactor.getWriters())
        self.assertEqual(skt.fileno(), -1)
        self.assertEqual(clock.getDelayedCalls(), [])

    def givenUp(self, how: str) -> tuple[Refusal, socket.socket, _Connecting]:
        """
        A connection under way to a target that answers nothing yet (its
        queue of connections is full), given up with C{how}: C{"timeout"}
        or C{"disconnect"}.
        """
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(listener.close)
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        # Fill the target's queue: the next connection's SYN is dropped.
        for _ in range(10):
            skt = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.addCleanup(skt.close)
            skt.setblocking(False)
            skt.connect_ex(address)
            result = skt.connect_ex(address)
            if result not in (0, errno.EISCONN):
                break
        self.assertIn(result, (errno.EINPROGRESS, errno.EALREADY))
        factory = Refusal()
        clock = Clock()
        connecting = _Connecting(reactor, skt, address, factory, clock=clock)
        if how == "timeout":
            clock.advance(CONNECT_TIMEOUT - 0.001)
            self.assertFalse(factory.failed.called)
            clock.advance(0.001)
        else:
            connecting.disconnect()
        self.assertNotIn(connecting, reactor.getWriters())
        self.assertEqual(skt.fileno(), -1)
        self.assertEqual(clock.getDelayedCalls(), [])
        connecting.disconnect()
        return factory, skt, connecting

    def test_timeout(self) -> None:
        """
        A connection still under way after C{CONNECT_TIMEOUT} seconds fails
        with L{TimeoutError}, and its socket is closed.
        """
        factory, _, _ = self.givenUp("timeout")
        self.failureResultOf(factory.failed, TimeoutError)

    def test_disconnect(self) -> None:
        """
        C{disconnect()} gives the attempt up: it fails with L{UserError}, as
        a connector's does, and its socket is closed; a second does nothing.
        """
        factory, _, _ = self.givenUp("disconnect")
        self.failureResultOf(factory.failed, UserError)
