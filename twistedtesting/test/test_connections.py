# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
Tests for L{twistedtesting.connectedPair}, L{twistedtesting.ConnectedPair},
L{twistedtesting.ConnectionTracker} and L{TestCase.connectedPair}.

The tests of connections run over real sockets (TCP on 127.0.0.1 and ::1,
UNIX sockets, TLS) with the global reactor, and wait on Deferreds, never on
time: a grace period that must pass is that of a L{Clock} the test advances.
Each transport runs through the same behaviour suite, L{PairBehaviourMixin}.
The teardown's own logic is also tested without sockets, with fake
transports and ports and a L{Clock}.
"""

from __future__ import annotations

import functools
import gc
import os
import socket
import sys
import tempfile
import unittest as pyunit
from collections.abc import Callable
from io import StringIO
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
from twisted.internet import reactor as _reactor
from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import CancelledError, Deferred, succeed
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint
from twisted.internet.error import (
    CannotListenError,
    ConnectionAborted,
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    NoProtocol,
    TimeoutError,
)
from twisted.internet.interfaces import (
    IAddress,
    IListeningPort,
    ILoggingContext,
    IOpenSSLClientConnectionCreator,
    IOpenSSLServerConnectionCreator,
    IProtocol,
    IProtocolFactory,
    IPullProducer,
    IReactorTCP,
    IReactorTime,
    IStreamServerEndpoint,
    ITransport,
)
from twisted.internet.protocol import ClientFactory, Factory, Protocol, ServerFactory
from twisted.internet.task import Clock, deferLater
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure
from twisted.trial import reporter
from twisted.trial import unittest as trial
from zope.interface import directlyProvides, implementer
from zope.interface.verify import verifyObject

from twistedtesting import (
    DEFAULT_GRACE_PERIOD,
    ConnectedPair,
    ConnectionTracker,
    DisconnectTimeout,
    SynchronousTestCase,
    TestCase,
    connectedPair,
)
from twistedtesting._connections import startPair
from twistedtesting._teardown import Connection, Teardown

reactor = cast(IReactorTCP, _reactor)
reactorTime = cast(IReactorTime, _reactor)

_E = TypeVar("_E", bound=BaseException)


async def failureOf(deferred: Deferred[Any], exceptionType: type[_E]) -> _E:
    """
    Wait for C{deferred} to fail with C{exceptionType}.

    :returns: The exception.
    :raises trial.FailTest: If C{deferred} succeeds.
    """
    try:
        result = await deferred
    except exceptionType as error:
        return error
    raise trial.FailTest(
        f"expected {exceptionType.__name__}, but the Deferred fired with {result!r}"
    )


def _ipv6Skip() -> str | None:
    """
    Say why TCP over IPv6 cannot be tested here, or return C{None}.
    """
    if not socket.has_ipv6:
        return "Python was built without IPv6 support"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        return f"this machine has no IPv6 loopback: binding to ::1 failed ({error})"
    return None


def _tlsSkip() -> str | None:
    """
    Say why TLS cannot be tested here, or return C{None}.
    """
    try:
        import OpenSSL  # noqa: F401
        import service_identity  # noqa: F401
    except ImportError as error:
        return (
            f"TLS needs pyOpenSSL and service_identity ({error}); install "
            "twistedtesting[tls]"
        )
    return None


IPV6_SKIP = _ipv6Skip()
TLS_SKIP = _tlsSkip()
UNIX_SKIP = None if hasattr(socket, "AF_UNIX") else "this platform has no UNIX sockets"
FD_DIRECTORY = "/proc/self/fd"
FD_SKIP = (
    None
    if os.path.isdir(FD_DIRECTORY)
    else f"{FD_DIRECTORY} does not exist: the operating system does not list "
    "a process's open file descriptors there"
)


@attrs.define(eq=False)
class Hub:
    """
    Collects the protocols that a factory built, and tells a test when they
    connect; a test helper.

    :ivar built: Every protocol built, in order.
    """

    built: list[Recorder] = attrs.Factory(list)
    _madeWaiters: list[Deferred[Recorder]] = attrs.Factory(list)

    def factory(
        self, protocolClass: Callable[[Hub], Recorder] | None = None
    ) -> Factory[Recorder]:
        """
        :returns: A plain L{Factory} whose protocols report to this hub.
        """
        make = Recorder if protocolClass is None else protocolClass
        return Factory.forProtocol(lambda: make(self))

    def made(self, protocol: Recorder) -> None:
        """
        Note that C{protocol} has connected.
        """
        waiters, self._madeWaiters = self._madeWaiters, []
        for waiter in waiters:
            waiter.callback(protocol)

    def whenMade(self) -> Deferred[Recorder]:
        """
        :returns: A Deferred that fires with the next protocol to connect.
        """
        waiter: Deferred[Recorder] = Deferred()
        self._madeWaiters.append(waiter)
        return waiter


class Recorder(Protocol):
    """
    A protocol that records what happens to it; a test helper.

    :ivar events: C{"made"} and C{"lost"}, as they happened.
    :ivar received: Everything received.
    :ivar reason: The reason C{connectionLost} was given.
    """

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub
        self.events: list[str] = []
        self.received = b""
        self.reason: Failure | None = None
        self.lost = False
        self._receiveWaiters: list[tuple[int, Deferred[bytes]]] = []
        self._lostWaiters: list[Deferred[None]] = []
        if hub is not None:
            hub.built.append(self)

    def connectionMade(self) -> None:
        self.events.append("made")
        if self.hub is not None:
            self.hub.made(self)

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        waiting = [w for w in self._receiveWaiters if len(self.received) >= w[0]]
        for item in waiting:
            self._receiveWaiters.remove(item)
            item[1].callback(self.received)

    def connectionLost(self, reason: Failure | None = None) -> None:
        self.events.append("lost")
        self.reason = reason
        self.lost = True
        waiters, self._lostWaiters = self._lostWaiters, []
        for waiter in waiters:
            waiter.callback(None)

    def whenLost(self) -> Deferred[None]:
        """
        :returns: A Deferred that fires once C{connectionLost} has run.
        """
        waiter: Deferred[None] = Deferred()
        if not self.lost:
            self._lostWaiters.append(waiter)
        else:
            waiter.callback(None)
        return waiter

    def whenReceived(self, count: int) -> Deferred[bytes]:
        """
        :returns: A Deferred that fires with everything received once at
            least C{count} bytes have been.
        """
        waiter: Deferred[bytes] = Deferred()
        self._receiveWaiters.append((count, waiter))
        self.dataReceived(b"")
        return waiter

    def send(self, data: bytes) -> None:
        """
        Write C{data} to the transport.
        """
        assert self.transport is not None
        self.transport.write(data)


class Echo(Recorder):
    """
    A L{Recorder} that writes back what it receives; a test helper.
    """

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)
        self.send(data)


@implementer(IPullProducer)
class NeverProduces:
    """
    A pull producer that never writes and never unregisters, so that the
    connection it is registered with cannot close; a test helper.
    """

    def resumeProducing(self) -> None:
        """
        Produce nothing.
        """

    def stopProducing(self) -> None:
        """
        Ignore being stopped.
        """


class Clinging(Recorder):
    """
    A L{Recorder} whose connection does not close after C{loseConnection()}:
    it registers a L{NeverProduces}; a test helper.
    """

    def connectionMade(self) -> None:
        super().connectionMade()
        transport: Any = self.transport
        transport.registerProducer(NeverProduces(), False)


@attrs.frozen
class ReactorState:
    """
    What the reactor is watching and has scheduled, besides its own readers
    (which it adds when it starts running) and trial's timeout of the
    running test (which trial schedules once the test method has started);
    a test helper.
    """

    readers: frozenset[object]
    writers: frozenset[object]
    delayedCalls: frozenset[object]

    @classmethod
    def now(cls) -> ReactorState:
        """
        :returns: The global reactor's state now.
        """
        core: Any = _reactor
        internal = set(getattr(core, "_internalReaders", ()))
        return cls(
            frozenset(set(core.getReaders()) - internal),
            frozenset(core.getWriters()),
            frozenset(
                call
                for call in core.getDelayedCalls()
                if not getattr(call.func, "__module__", "").startswith("twisted.trial")
            ),
        )


async def reactorTurns(count: int = 3) -> None:
    """
    Let the reactor run C{count} iterations (not a sleep: each is one pass
    over the I/O that is ready), enough for a connection asked to close to
    have closed, if nothing holds it open.
    """
    for _ in range(count):
        await deferLater(reactorTime, 0, lambda: None)


@functools.cache
def tlsOptions() -> tuple[Any, Any, Any]:
    """
    Make TLS options from certificates generated now: the server's (a
    self-signed certificate for C{localhost}), a client's that trusts it,
    and a client's that trusts another certificate only.
    """
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from twisted.internet import ssl

    def selfSigned() -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                critical=False,
            )
            .add_extension(
                x509.BasicConstraints(ca=True, path_length=None), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        return (
            certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )

    certificate, key = selfSigned()
    other, _ = selfSigned()
    server = ssl.PrivateCertificate.loadPEM(certificate + key).options()
    client = ssl.optionsForClientTLS(
        "localhost", trustRoot=ssl.Certificate.loadPEM(certificate)
    )
    untrusting = ssl.optionsForClientTLS(
        "localhost", trustRoot=ssl.Certificate.loadPEM(other)
    )
    return server, client, untrusting


if TYPE_CHECKING:
    _Mixin = TestCase
else:
    _Mixin = object


class PairBehaviourMixin(_Mixin):
    """
    What L{connectedPair} and L{ConnectedPair} do over every transport.

    Subclasses set L{options}, the transport's arguments for
    L{connectedPair}, and L{abortedReason}.
    """

    # The reason the protocol of an aborted connection is given.
    abortedReason: type[Exception] = ConnectionAborted
    # The reasons the protocols of a connection closed by either side are
    # given: over UNIX sockets, a side that has stopped reading (because
    # it is closing) sees the other side's close as a lost connection.
    closedReasons: tuple[type[Exception], ...] = (ConnectionDone,)

    def options(self) -> dict[str, Any]:
        """
        :returns: The arguments of L{connectedPair} that choose the transport.
        """
        raise NotImplementedError()

    async def connect(
        self, server: Hub | None = None, client: Hub | None = None, **extra: Any
    ) -> ConnectedPair[Recorder, Recorder]:
        """
        Connect an L{Echo} server to a L{Recorder} client over the
        transport, and disconnect them when the test ends.
        """
        server = Hub() if server is None else server
        client = Hub() if client is None else client
        return await self.connectedPair(
            server.factory(Echo), client.factory(), **self.options(), **extra
        )

    async def test_bothSidesConnected(self) -> None:
        """
        The pair holds the protocols the factories built, the objects
        themselves, both of which have connected to each other through the
        listening port.
        """
        server, client = Hub(), Hub()
        pair = await self.connect(server, client)
        self.assertEqual(server.built, [pair.serverProtocol])
        self.assertEqual(client.built, [pair.clientProtocol])
        self.assertIs(type(pair.serverProtocol), Echo)
        self.assertIs(type(pair.clientProtocol), Recorder)
        self.assertEqual(pair.serverProtocol.events, ["made"])
        self.assertEqual(pair.clientProtocol.events, ["made"])
        clientTransport = pair.clientProtocol.transport
        assert clientTransport is not None
        self.assertEqual(clientTransport.getPeer(), pair.port.getHost())
        self.assertTrue(verifyObject(IListeningPort, pair.port))

    async def test_roundTrip(self) -> None:
        """
        What the client writes reaches the server, and what the server
        writes reaches the client.
        """
        pair = await self.connect()
        pair.clientProtocol.send(b"ping")
        self.assertEqual(await pair.clientProtocol.whenReceived(4), b"ping")
        self.assertEqual(pair.serverProtocol.received, b"ping")

    async def test_disconnect(self) -> None:
        """
        C{disconnect()} fires once the port has stopped and both protocols'
        C{connectionLost} have run, each once, and leaves the reactor as it
        was before the pair connected.
        """
        before = ReactorState.now()
        pair = await self.connect()
        address = pair.port.getHost()
        self.assertNotEqual(ReactorState.now(), before)
        await pair.disconnect()
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)
        self.assertEqual(
            repr(pair),
            f"<twistedtesting.ConnectedPair disconnected on {address}: "
            f"server {pair.serverProtocol!r}, client {pair.clientProtocol!r}>",
        )

    async def test_serverClosesFirst(self) -> None:
        """
        When the server closes the connection before the teardown, both
        sides see a clean close, and C{disconnect()} still stops the port.
        """
        before = ReactorState.now()
        pair = await self.connect()
        assert pair.serverProtocol.transport is not None
        pair.serverProtocol.transport.loseConnection()
        self.assertIsInstance(await pair.whenClientLost(), self.closedReasons)
        self.assertIsInstance(await pair.whenServerLost(), self.closedReasons)
        await pair.disconnect()
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_clientClosesFirst(self) -> None:
        """
        When the client closes the connection before the teardown, both
        sides see a clean close, and C{disconnect()} still stops the port.
        """
        before = ReactorState.now()
        pair = await self.connect()
        assert pair.clientProtocol.transport is not None
        pair.clientProtocol.transport.loseConnection()
        self.assertIsInstance(await pair.whenServerLost(), self.closedReasons)
        self.assertIsInstance(await pair.whenClientLost(), self.closedReasons)
        await pair.disconnect()
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_bothCloseAtOnce(self) -> None:
        """
        When both sides close the connection at once and the teardown starts
        while they are closing, it waits for both.
        """
        before = ReactorState.now()
        pair = await self.connect()
        assert pair.serverProtocol.transport is not None
        assert pair.clientProtocol.transport is not None
        pair.serverProtocol.transport.loseConnection()
        pair.clientProtocol.transport.loseConnection()
        await pair.disconnect()
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_sideAbortedDuringTeardown(self) -> None:
        """
        A connection aborted while the teardown runs is waited for like any
        other.
        """
        before = ReactorState.now()
        pair = await self.connect()
        disconnecting = pair.disconnect()
        transport: Any = pair.serverProtocol.transport
        transport.abortConnection()
        await disconnecting
        self.assertIsInstance(await pair.whenServerLost(), self.abortedReason)
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_portAlreadyStopped(self) -> None:
        """
        A port that the test stopped itself counts as stopped.
        """
        before = ReactorState.now()
        pair = await self.connect()
        stopped = pair.port.stopListening()
        assert stopped is not None
        await stopped
        await pair.disconnect()
        self.assertEqual(ReactorState.now(), before)

    async def test_portStopping(self) -> None:
        """
        When the test has started stopping the port and the teardown begins
        before it has stopped, the teardown waits for that stop rather than
        stopping the port a second time.
        """
        before = ReactorState.now()
        pair = await self.connect()
        stopping = pair.port.stopListening()
        assert stopping is not None
        await pair.disconnect()
        self.assertEqual(self.successResultOf(stopping), None)
        self.assertEqual(ReactorState.now(), before)

    async def test_disconnectTwice(self) -> None:
        """
        A second C{disconnect()}, during the first or after it, does not
        tear down again: each gives the first one's outcome, in a Deferred
        of its own.
        """
        stops: list[object] = []
        server = Hub()
        factory = server.factory(Echo)
        factory.stopFactory = lambda: stops.append(factory)  # type: ignore[method-assign]
        pair = await self.connectedPair(factory, Hub().factory(), **self.options())
        first = pair.disconnect()
        second = pair.disconnect()
        self.assertIsNot(first, second)
        await first
        await second
        self.assertIsNone(self.successResultOf(pair.disconnect()))
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(stops, [factory])

    async def test_connectionMadeWritesFirst(self) -> None:
        """
        What a side writes in C{connectionMade} reaches the other side
        before what the test writes once the pair is ready (over TLS, the
        pair is ready only once the data the last side to complete its
        handshake held back during it has been sent).
        """

        class Greeting(Recorder):
            def connectionMade(self) -> None:
                super().connectionMade()
                self.send(b"greeting;")

        class Hello(Recorder):
            def connectionMade(self) -> None:
                super().connectionMade()
                self.send(b"hello;")

        pair = await self.connectedPair(
            Hub().factory(Greeting), Hub().factory(Hello), **self.options()
        )
        pair.serverProtocol.send(b"second;")
        pair.clientProtocol.send(b"next;")
        self.assertEqual(
            await pair.clientProtocol.whenReceived(16), b"greeting;second;"
        )
        self.assertEqual(await pair.serverProtocol.whenReceived(11), b"hello;next;")

    async def test_whenLostAfterLoss(self) -> None:
        """
        Asked after a side has been lost, C{whenServerLost()} and
        C{whenClientLost()} fire at once with the reason's exception.
        """
        pair = await self.connect()
        await pair.disconnect()
        self.assertIsInstance(
            self.successResultOf(pair.whenServerLost()), self.closedReasons
        )
        self.assertIsInstance(
            self.successResultOf(pair.whenClientLost()), self.closedReasons
        )
        assert pair.serverProtocol.reason is not None
        self.assertIs(
            self.successResultOf(pair.whenServerLost()),
            pair.serverProtocol.reason.value,
        )
        assert pair.clientProtocol.reason is not None
        self.assertIs(
            self.successResultOf(pair.whenClientLost()),
            pair.clientProtocol.reason.value,
        )


class StuckBehaviourMixin(_Mixin):
    """
    What the teardown does with a connection that does not close while the
    other side's does: over TCP, where the other side's close does not end
    a connection that a registered pull producer keeps open (over UNIX
    sockets, it does).
    """

    # The reason the protocol of an aborted connection is given.
    abortedReason: type[Exception] = ConnectionAborted

    def options(self) -> dict[str, Any]:
        """
        :returns: The arguments of L{connectedPair} that choose the transport.
        """
        raise NotImplementedError()

    async def test_stuckServerAborted(self) -> None:
        """
        A server connection that is still there a grace period after the
        teardown asked it to close is aborted, and the teardown then
        succeeds.
        """
        clock = Clock()
        before = ReactorState.now()
        pair = await self.connectedPair(
            Hub().factory(Clinging), Hub().factory(), clock=clock, **self.options()
        )
        disconnecting = pair.disconnect()
        await pair.whenClientLost()
        await reactorTurns()
        serverLost = pair.whenServerLost()
        self.assertNoResult(serverLost)
        self.assertNoResult(disconnecting)
        clock.advance(DEFAULT_GRACE_PERIOD)
        self.assertIsInstance(await serverLost, self.abortedReason)
        await disconnecting
        self.assertEqual(clock.getDelayedCalls(), [])
        self.assertEqual(ReactorState.now(), before)

    async def test_stuckClientAborted(self) -> None:
        """
        A client connection that is still there a grace period after the
        teardown asked it to close is aborted, and so is the server's side,
        which waited for it; the teardown then succeeds.
        """
        clock = Clock()
        before = ReactorState.now()
        pair = await self.connectedPair(
            Hub().factory(Echo),
            Hub().factory(Clinging),
            clock=clock,
            gracePeriod=0.5,
            **self.options(),
        )
        disconnecting = pair.disconnect()
        await reactorTurns()
        clock.advance(0.4)
        self.assertEqual(pair.clientProtocol.events, ["made"])
        clock.advance(0.1)
        self.assertIsInstance(await pair.whenClientLost(), self.abortedReason)
        await disconnecting
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)


class BothStuckMixin(_Mixin):
    """
    What the teardown does when neither side's connection closes.
    """

    # The reason the protocol of an aborted connection is given.
    abortedReason: type[Exception] = ConnectionAborted

    def options(self) -> dict[str, Any]:
        """
        :returns: The arguments of L{connectedPair} that choose the transport.
        """
        raise NotImplementedError()

    async def test_bothStuckAborted(self) -> None:
        """
        When neither side's connection closes, both are aborted a grace
        period after the teardown began, and the teardown then succeeds.
        """
        clock = Clock()
        before = ReactorState.now()
        pair = await self.connectedPair(
            Hub().factory(Clinging),
            Hub().factory(Clinging),
            clock=clock,
            **self.options(),
        )
        disconnecting = pair.disconnect()
        await reactorTurns()
        self.assertEqual(
            (pair.serverProtocol.events, pair.clientProtocol.events),
            (["made"], ["made"]),
        )
        clock.advance(DEFAULT_GRACE_PERIOD)
        self.assertIsInstance(await pair.whenServerLost(), self.abortedReason)
        self.assertIsInstance(await pair.whenClientLost(), self.abortedReason)
        await disconnecting
        self.assertEqual(ReactorState.now(), before)


class TCPPairTests(PairBehaviourMixin, StuckBehaviourMixin, BothStuckMixin, TestCase):
    """
    L{connectedPair} over TCP on 127.0.0.1, the default.
    """

    def options(self) -> dict[str, Any]:
        return {}

    async def test_loopbackAddress(self) -> None:
        """
        By default the server listens on 127.0.0.1, on a port the system
        chose, and the client connects from 127.0.0.1.
        """
        pair = await self.connect()
        address = pair.port.getHost()
        assert isinstance(address, IPv4Address)
        self.assertEqual(address.host, "127.0.0.1")
        self.assertNotEqual(address.port, 0)
        transport: Any = pair.clientProtocol.transport
        self.assertEqual(transport.getHost().host, "127.0.0.1")


class TCP6PairTests(PairBehaviourMixin, StuckBehaviourMixin, BothStuckMixin, TestCase):
    """
    L{connectedPair} over TCP on ::1.
    """

    skip = IPV6_SKIP

    def options(self) -> dict[str, Any]:
        return {"transport": "tcp6"}

    async def test_loopbackAddress(self) -> None:
        """
        The server listens on ::1, on a port the system chose.
        """
        pair = await self.connect()
        address = pair.port.getHost()
        assert isinstance(address, IPv6Address)
        self.assertEqual((address.type, address.host), ("TCP", "::1"))
        self.assertNotEqual(address.port, 0)


class UNIXPairTests(PairBehaviourMixin, BothStuckMixin, TestCase):
    """
    L{connectedPair} over a UNIX socket.
    """

    skip = UNIX_SKIP
    closedReasons = (ConnectionDone, ConnectionLost)

    def options(self) -> dict[str, Any]:
        return {"transport": "unix"}

    async def test_temporaryDirectory(self) -> None:
        """
        The socket is in a directory of its own, made in the system's
        temporary directory and readable by its owner only, and removed
        once the port has stopped.
        """
        pair = await self.connect()
        address = pair.port.getHost()
        assert isinstance(address, UNIXAddress)
        name: Any = address.name
        directory = os.path.dirname(os.fsdecode(name))
        self.assertEqual(os.path.dirname(directory), tempfile.gettempdir())
        self.assertTrue(os.path.basename(directory).startswith("twistedtesting-"))
        self.assertEqual(os.stat(directory).st_mode & 0o777, 0o700)
        self.assertEqual(os.listdir(directory), ["socket"])
        await pair.disconnect()
        self.assertFalse(os.path.exists(directory))

    async def test_newDirectoryEachTime(self) -> None:
        """
        Each pair has a directory of its own, removed once its port has
        stopped.
        """

        def directoryOf(pair: ConnectedPair[Recorder, Recorder]) -> str:
            address = pair.port.getHost()
            assert isinstance(address, UNIXAddress)
            name: Any = address.name
            return os.path.dirname(os.fsdecode(name))

        first = await self.connect()
        second = await self.connect()
        directories = [directoryOf(first), directoryOf(second)]
        self.assertNotEqual(directories[0], directories[1])
        self.assertTrue(all(os.path.isdir(d) for d in directories))
        await first.disconnect()
        self.assertEqual([os.path.exists(d) for d in directories], [False, True])
        await second.disconnect()
        self.assertFalse(os.path.exists(directories[1]))


class TLSPairTests(PairBehaviourMixin, BothStuckMixin, TestCase):
    """
    L{connectedPair} with TLS over TCP.

    A protocol whose connection is aborted is given L{ConnectionLost}: the
    TLS layer reports the loss of the connection under it so.
    """

    test_stuckClientAborted = StuckBehaviourMixin.test_stuckClientAborted

    async def test_clingingServerClosedByClient(self) -> None:
        """
        Over TLS, a server connection that would not close after
        C{loseConnection()} (unlike over TCP, see
        L{StuckBehaviourMixin.test_stuckServerAborted}) does close once the
        client's has: the client's TLS layer says it is closing, and the
        server's then drops the connection under it, whatever producer is
        registered.  The teardown succeeds without aborting anything.
        """
        clock = Clock()
        before = ReactorState.now()
        pair = await self.connectedPair(
            Hub().factory(Clinging), Hub().factory(), clock=clock, **self.options()
        )
        await pair.disconnect()
        self.assertIsInstance(
            self.successResultOf(pair.whenClientLost()), ConnectionDone
        )
        self.assertIsInstance(
            self.successResultOf(pair.whenServerLost()), ConnectionDone
        )
        self.assertEqual(clock.getDelayedCalls(), [])
        self.assertEqual(ReactorState.now(), before)

    skip = TLS_SKIP
    abortedReason = ConnectionLost

    def options(self) -> dict[str, Any]:
        server, client, _ = tlsOptions()
        return {"serverTLS": server, "clientTLS": client}

    async def test_handshakeCompleted(self) -> None:
        """
        The pair is ready once both sides have completed the TLS handshake:
        each side has its peer's certificate.
        """
        pair = await self.connect()
        clientTransport: Any = pair.clientProtocol.transport
        serverTransport: Any = pair.serverProtocol.transport
        self.assertEqual(
            clientTransport.getPeerCertificate().digest("sha256"),
            serverTransport.getHandle().get_certificate().digest("sha256"),
        )

    async def test_untrustedCertificate(self) -> None:
        """
        When the client does not trust the server's certificate, the
        handshake fails, and so does L{connectedPair}, with OpenSSL's error,
        once nothing is left listening or connected.
        """
        from OpenSSL.SSL import Error

        server, _, untrusting = tlsOptions()
        before = ReactorState.now()
        clientHub = Hub()
        error = await failureOf(
            connectedPair(
                Hub().factory(),
                clientHub.factory(),
                serverTLS=server,
                clientTLS=untrusting,
            ),
            Error,
        )
        self.assertIn("certificate verify failed", str(error))
        self.assertEqual(clientHub.built[0].events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)


class TLSOverUNIXPairTests(PairBehaviourMixin, BothStuckMixin, TestCase):
    """
    L{connectedPair} with TLS over a UNIX socket.
    """

    skip = TLS_SKIP or UNIX_SKIP
    abortedReason = ConnectionLost
    closedReasons = (ConnectionDone, ConnectionLost)

    def options(self) -> dict[str, Any]:
        server, client, _ = tlsOptions()
        return {"transport": "unix", "serverTLS": server, "clientTLS": client}


@implementer(IStreamServerEndpoint)
@attrs.define
class PausedServerEndpoint:
    """
    Listens on 127.0.0.1 with a port that accepts nothing until the test
    calls its C{startReading()}: the client connects, but the server's side
    does not; a test helper.

    :ivar ports: The ports it listened with.
    """

    ports: list[Any] = attrs.Factory(list)

    def listen(self, protocolFactory: IProtocolFactory) -> Deferred[IListeningPort]:
        port: Any = reactor.listenTCP(
            0,
            protocolFactory,  # type: ignore[arg-type]
            interface="127.0.0.1",
        )
        port.stopReading()
        self.ports.append(port)
        return succeed(port)


@implementer(IStreamServerEndpoint)
@attrs.define
class MisreportingServerEndpoint:
    """
    Listens on 127.0.0.1 with a port whose C{getHost()} gives the address
    of a port nothing listens on, so that the client is refused; a test
    helper.

    :ivar ports: The ports it listened with.
    """

    refusing: IPv4Address
    ports: list[Any] = attrs.Factory(list)

    def listen(self, protocolFactory: IProtocolFactory) -> Deferred[IListeningPort]:
        port: Any = reactor.listenTCP(
            0,
            protocolFactory,  # type: ignore[arg-type]
            interface="127.0.0.1",
        )
        port.getHost = lambda: self.refusing
        self.ports.append(port)
        return succeed(port)


@implementer(IListeningPort)
@attrs.define
class NeverStoppingPort:
    """
    A listening port whose C{stopListening()} stops the real port it wraps
    but returns a Deferred that never fires; a test helper.

    :ivar stopped: The real port's Deferreds, to wait on.
    """

    real: Any
    stopped: list[Deferred[None]]

    def startListening(self) -> None:
        """
        Do nothing: the real port is listening.
        """

    def stopListening(self) -> Deferred[None]:
        """
        Stop the real port, and never say so.
        """
        self.stopped.append(self.real.stopListening())
        return Deferred()

    def getHost(self) -> IAddress:
        """
        The real port's address.
        """
        return cast(IAddress, self.real.getHost())


@implementer(IStreamServerEndpoint)
@attrs.define
class NeverStoppingServerEndpoint:
    """
    Listens on 127.0.0.1 with a L{NeverStoppingPort}; a test helper.

    :ivar stopped: The Deferreds of the real port's stop.
    """

    stopped: list[Deferred[None]] = attrs.Factory(list)

    def listen(self, protocolFactory: IProtocolFactory) -> Deferred[IListeningPort]:
        port = reactor.listenTCP(
            0,
            protocolFactory,  # type: ignore[arg-type]
            interface="127.0.0.1",
        )
        return succeed(NeverStoppingPort(port, self.stopped))


async def connectRecorder(address: Any) -> Recorder:
    """
    Connect a L{Recorder} to the TCP port at C{address}, as code under test
    would, with its own factory.
    """
    endpoint = TCP4ClientEndpoint(_reactor, address.host, address.port)
    return cast(Recorder, await endpoint.connect(Factory.forProtocol(Recorder)))


async def closedAddress() -> IPv4Address:
    """
    :returns: The address of a TCP port on 127.0.0.1 that has been closed, so
        that connecting to it is refused.
    """
    port = reactor.listenTCP(0, ServerFactory(), interface="127.0.0.1")
    address = port.getHost()
    stopped = port.stopListening()
    assert stopped is not None
    await stopped
    assert isinstance(address, IPv4Address)
    return address


class ConnectingTests(TestCase):
    """
    How L{connectedPair} makes a connection, and how it fails.
    """

    async def test_plainFactories(self) -> None:
        """
        A plain L{Factory} with a C{protocol} attribute and a
        L{ClientFactory} work as server and client factories; the client
        factory's L{ClientFactory} methods are not called (as with any
        endpoint), and both factories are started and stopped once.
        """
        events: list[str] = []

        class Server(Factory):
            protocol = Recorder

            def startFactory(self) -> None:
                events.append("server started")

            def stopFactory(self) -> None:
                events.append("server stopped")

        class Client(ClientFactory):
            protocol = Recorder

            def startFactory(self) -> None:
                events.append("client started")

            def stopFactory(self) -> None:
                events.append("client stopped")

            def clientConnectionLost(self, connector: object, reason: object) -> None:
                events.append("clientConnectionLost")

        pair = await connectedPair(Server(), Client())
        self.assertIsInstance(pair.serverProtocol, Recorder)
        self.assertIsInstance(pair.clientProtocol, Recorder)
        await pair.disconnect()
        self.assertEqual(
            sorted(events),
            ["client started", "client stopped", "server started", "server stopped"],
        )

    async def test_clientFactoryStopped(self) -> None:
        """
        C{disconnect()} fires only once the client factory has been stopped
        too, even when the client's connection is the last to go.
        """

        class Closing(Recorder):
            def connectionMade(self) -> None:
                super().connectionMade()
                assert self.transport is not None
                self.transport.loseConnection()

        stops: list[str] = []
        client = Hub().factory()
        client.stopFactory = lambda: stops.append("client")  # type: ignore[method-assign]
        pair = await connectedPair(Hub().factory(Closing), client)
        self.assertEqual(pair.clientProtocol.events, ["made"])
        await pair.disconnect()
        self.assertEqual(stops, ["client"])

    async def test_serverSideLags(self) -> None:
        """
        When the client has connected but the server has not yet accepted
        the connection, the pair is not ready; it is once the server's
        C{connectionMade} has run.
        """
        endpoint = PausedServerEndpoint()
        server, client = Hub(), Hub()
        connecting = connectedPair(
            server.factory(), client.factory(), serverEndpoint=endpoint
        )
        clientProtocol = await client.whenMade()
        self.assertNoResult(connecting)
        self.assertEqual(server.built, [])
        serverMade = server.whenMade()
        endpoint.ports[0].startReading()
        serverProtocol = await serverMade
        pair = await connecting
        self.assertIs(pair.serverProtocol, serverProtocol)
        self.assertIs(pair.clientProtocol, clientProtocol)
        await pair.disconnect()

    async def test_serverNeverAccepts(self) -> None:
        """
        When the server has not accepted the client's connection a grace
        period after the client connected, L{connectedPair} fails with a
        L{TimeoutError} that says so, once the client's connection has been
        lost and the port stopped.
        """
        clock = Clock()
        endpoint = PausedServerEndpoint()
        client = Hub()
        before = ReactorState.now()
        connecting = connectedPair(
            Hub().factory(),
            client.factory(),
            serverEndpoint=endpoint,
            clock=clock,
            gracePeriod=3,
        )
        await client.whenMade()
        await reactorTurns(1)
        address = endpoint.ports[0].getHost()
        clock.advance(3)
        error = await failureOf(connecting, TimeoutError)
        self.assertEqual(
            str(error),
            "User timeout caused connection failure: connectedPair() gave up "
            "waiting 3 s after the client connected: the server accepted no "
            f"connection on {address}.",
        )
        self.assertEqual(client.built[0].events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)
        self.assertEqual(clock.getDelayedCalls(), [])

    async def test_refused(self) -> None:
        """
        When the client's connection is refused, L{connectedPair} fails with
        L{ConnectionRefusedError}, once the port it listened on has stopped.
        """
        endpoint = MisreportingServerEndpoint(await closedAddress())
        before = ReactorState.now()
        await failureOf(
            connectedPair(Hub().factory(), Hub().factory(), serverEndpoint=endpoint),
            ConnectionRefusedError,
        )
        self.assertFalse(endpoint.ports[0].connected)
        self.assertEqual(ReactorState.now(), before)

    async def test_refusedThroughClientEndpoint(self) -> None:
        """
        When the client endpoint's connection is refused, L{connectedPair}
        fails with L{ConnectionRefusedError}, once the port it listened on
        has stopped.
        """
        refusing = await closedAddress()
        addresses: list[IAddress] = []

        def clientEndpoint(address: IAddress) -> TCP4ClientEndpoint:
            addresses.append(address)
            return TCP4ClientEndpoint(_reactor, refusing.host, refusing.port)

        before = ReactorState.now()
        await failureOf(
            connectedPair(
                Hub().factory(), Hub().factory(), clientEndpoint=clientEndpoint
            ),
            ConnectionRefusedError,
        )
        self.assertEqual(ReactorState.now(), before)
        probe = TCP4ClientEndpoint(_reactor, "127.0.0.1", addresses[0].port)  # type: ignore[attr-defined]
        await failureOf(
            probe.connect(Factory.forProtocol(Protocol)), ConnectionRefusedError
        )

    async def test_clientEndpoint(self) -> None:
        """
        A client endpoint is called with the listening port's address, and
        the client connects through the endpoint it returns.
        """
        addresses: list[IAddress] = []

        def clientEndpoint(address: IAddress) -> TCP4ClientEndpoint:
            addresses.append(address)
            assert isinstance(address, IPv4Address)
            return TCP4ClientEndpoint(_reactor, address.host, address.port)

        pair = await self.connectedPair(
            Hub().factory(Echo), Hub().factory(), clientEndpoint=clientEndpoint
        )
        self.assertEqual(addresses, [pair.port.getHost()])
        pair.clientProtocol.send(b"hello")
        self.assertEqual(await pair.clientProtocol.whenReceived(5), b"hello")

    async def test_clientEndpointReturnsNoEndpoint(self) -> None:
        """
        A client endpoint callable that returns something else than an
        endpoint fails L{connectedPair} with a L{TypeError} saying so, once
        the port has stopped.
        """
        before = ReactorState.now()
        error = await failureOf(
            connectedPair(
                Hub().factory(),
                Hub().factory(),
                clientEndpoint=cast(Any, lambda address: 42),
            ),
            TypeError,
        )
        self.assertEqual(
            str(error), "clientEndpoint must return an IStreamClientEndpoint, not 42"
        )
        self.assertEqual(ReactorState.now(), before)

    async def test_serverEndpoint(self) -> None:
        """
        The server listens on the server endpoint given, and the client
        connects to its port's address.
        """
        endpoint = TCP4ServerEndpoint(_reactor, 0, interface="127.0.0.1")
        pair = await self.connectedPair(
            Hub().factory(Echo), Hub().factory(), serverEndpoint=endpoint
        )
        pair.clientProtocol.send(b"x")
        self.assertEqual(await pair.clientProtocol.whenReceived(1), b"x")

    async def test_listenFails(self) -> None:
        """
        When the server cannot listen, L{connectedPair} fails with the
        reason.
        """
        taken = reactor.listenTCP(0, ServerFactory(), interface="127.0.0.1")
        self.addCleanup(taken.stopListening)
        endpoint = TCP4ServerEndpoint(
            _reactor,
            taken.getHost().port,  # type: ignore[attr-defined]
            interface="127.0.0.1",
        )
        before = ReactorState.now()
        await failureOf(
            connectedPair(Hub().factory(), Hub().factory(), serverEndpoint=endpoint),
            CannotListenError,
        )
        self.assertEqual(ReactorState.now(), before)

    async def test_serverFactoryReturnsNone(self) -> None:
        """
        When the server factory refuses the connection by returning C{None}
        from C{buildProtocol}, L{connectedPair} fails with L{NoProtocol}
        naming it, once the client's connection has been lost and the port
        stopped.
        """
        refusing = Factory()
        refusing.buildProtocol = lambda addr: None  # type: ignore[method-assign]
        client = Hub()
        before = ReactorState.now()
        error = await failureOf(connectedPair(refusing, client.factory()), NoProtocol)
        self.assertEqual(
            str(error),
            f"serverFactory {refusing!r} refused the connection: its "
            "buildProtocol() returned None",
        )
        self.assertEqual(client.built[0].events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_serverFactoryRaises(self) -> None:
        """
        When the server factory's C{buildProtocol} raises, L{connectedPair}
        fails with that exception (which is not logged as well), once
        nothing is left.
        """
        refusing = Factory()

        def buildProtocol(addr: object) -> None:
            raise ValueError("no connections today")

        refusing.buildProtocol = buildProtocol  # type: ignore[method-assign]
        before = ReactorState.now()
        error = await failureOf(connectedPair(refusing, Hub().factory()), ValueError)
        self.assertEqual(error.args, ("no connections today",))
        self.assertEqual(self.flushLoggedErrors(), [])
        self.assertEqual(ReactorState.now(), before)

    async def test_clientFactoryReturnsNone(self) -> None:
        """
        When the client factory refuses the connection by returning C{None}
        from C{buildProtocol}, L{connectedPair} fails with L{NoProtocol}
        naming it, once the server's side of the connection has been lost
        and the port stopped.
        """
        refusing = ClientFactory()
        refusing.buildProtocol = lambda addr: None  # type: ignore[method-assign]
        server = Hub()
        before = ReactorState.now()
        error = await failureOf(connectedPair(server.factory(), refusing), NoProtocol)
        self.assertEqual(
            str(error),
            f"clientFactory {refusing!r} refused the connection: its "
            "buildProtocol() returned None",
        )
        for protocol in server.built:
            self.assertEqual(protocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_clientFactoryRaises(self) -> None:
        """
        When the client factory's C{buildProtocol} raises, L{connectedPair}
        fails with that exception, once nothing is left.
        """
        refusing = ClientFactory()

        def buildProtocol(addr: object) -> None:
            raise ValueError("not connecting")

        refusing.buildProtocol = buildProtocol  # type: ignore[method-assign]
        before = ReactorState.now()
        error = await failureOf(connectedPair(Hub().factory(), refusing), ValueError)
        self.assertEqual(error.args, ("not connecting",))
        self.assertEqual(ReactorState.now(), before)

    async def test_cancelWhileConnecting(self) -> None:
        """
        Cancelling L{connectedPair}'s Deferred while the server has not yet
        accepted fails it with L{CancelledError} once everything it made
        has gone.
        """
        endpoint = PausedServerEndpoint()
        client = Hub()
        before = ReactorState.now()
        connecting = connectedPair(
            Hub().factory(), client.factory(), serverEndpoint=endpoint
        )
        await client.whenMade()
        connecting.cancel()
        await failureOf(connecting, CancelledError)
        self.assertEqual(client.built[0].events, ["made", "lost"])
        self.assertFalse(endpoint.ports[0].connected)
        self.assertEqual(ReactorState.now(), before)

    async def test_serverClosesAtOnce(self) -> None:
        """
        A server that closes the connection in C{connectionMade} still gives
        a pair, whose teardown waits for what is left.
        """

        class Closing(Recorder):
            def connectionMade(self) -> None:
                super().connectionMade()
                assert self.transport is not None
                self.transport.loseConnection()

        before = ReactorState.now()
        pair = await connectedPair(Hub().factory(Closing), Hub().factory())
        self.assertIsInstance(await pair.whenClientLost(), ConnectionDone)
        await pair.disconnect()
        self.assertEqual(ReactorState.now(), before)

    async def test_anotherServerConnection(self) -> None:
        """
        Another connection the port accepted is lost and waited for on
        teardown too.
        """
        server = Hub()
        before = ReactorState.now()
        pair = await connectedPair(server.factory(), Hub().factory())
        address: Any = pair.port.getHost()
        madeAgain = server.whenMade()
        other = await connectRecorder(address)
        await madeAgain
        await pair.disconnect()
        self.assertEqual([p.events for p in server.built], [["made", "lost"]] * 2)
        await other.whenLost()
        self.assertEqual(ReactorState.now(), before)

    async def test_anotherConnectionRefused(self) -> None:
        """
        A server factory may refuse another connection, once the pair is
        up, by returning C{None} from C{buildProtocol}: that connection is
        closed, quietly, as the reactor closes any refused connection.
        """

        class OnlyOne(Factory):
            def buildProtocol(self, addr: Any) -> Recorder | None:
                if server.built:
                    return None
                return Recorder(server)

        server = Hub()
        before = ReactorState.now()
        pair = await connectedPair(OnlyOne(), Hub().factory())
        other = await connectRecorder(pair.port.getHost())
        await other.whenLost()
        self.assertEqual(len(server.built), 1)
        await pair.disconnect()
        self.assertEqual(self.flushLoggedErrors(), [])
        self.assertEqual(ReactorState.now(), before)

    async def test_cancelWhileTearingDown(self) -> None:
        """
        Cancelling L{connectedPair}'s Deferred after the attempt has failed,
        while it is tearing down what it made, fails it with
        L{CancelledError}, but does not cut the teardown short: nothing is
        logged, and the cleanup fires once everything has gone.
        """
        clock = Clock()
        refusing = Factory()
        refusing.buildProtocol = lambda addr: None  # type: ignore[method-assign]
        client = Hub()
        before = ReactorState.now()
        attempt = startPair(refusing, client.factory(Clinging), clock=clock)
        await client.whenMade()
        await reactorTurns()
        self.assertTrue(attempt.deferred.called)
        attempt.deferred.cancel()
        await failureOf(attempt.deferred, CancelledError)
        cleanup = attempt.disconnect()
        self.assertNoResult(cleanup)
        self.assertEqual(client.built[0].events, ["made"])
        clock.advance(DEFAULT_GRACE_PERIOD)
        await cleanup
        self.assertEqual(client.built[0].events, ["made", "lost"])
        self.assertEqual(self.flushLoggedErrors(), [])
        self.assertEqual(clock.getDelayedCalls(), [])
        self.assertEqual(ReactorState.now(), before)

    async def test_stopFailsWhileStopping(self) -> None:
        """
        When the test has begun stopping the port itself and the stop then
        fails, C{disconnect()} fails with that error too, and the test's own
        Deferred still carries it.  (A failure that the test's own callbacks
        handle before the teardown sees it is the test's to report.)
        """

        class Failing(Factory):
            protocol = Recorder

            def stopFactory(self) -> None:
                raise RuntimeError("stopFactory failed")

        pair = await connectedPair(Failing(), Hub().factory())
        stopping = pair.port.stopListening()
        assert stopping is not None
        error = await failureOf(pair.disconnect(), RuntimeError)
        self.assertEqual(str(error), "stopFactory failed")
        self.assertIs(self.failureResultOf(stopping, RuntimeError).value, error)

    async def test_stuckPortNamed(self) -> None:
        """
        When the listening port does not stop, C{disconnect()} fails, two
        grace periods later, with a L{DisconnectTimeout} that names the
        listening port only.
        """
        clock = Clock()
        endpoint = NeverStoppingServerEndpoint()
        pair = await connectedPair(
            Hub().factory(), Hub().factory(), serverEndpoint=endpoint, clock=clock
        )
        disconnecting = pair.disconnect()
        await pair.whenServerLost()
        await endpoint.stopped[0]
        clock.advance(DEFAULT_GRACE_PERIOD)
        clock.advance(DEFAULT_GRACE_PERIOD)
        error = await failureOf(disconnecting, DisconnectTimeout)
        self.assertEqual(error.stuck, ("the listening port",))
        self.assertEqual(
            str(error),
            f"disconnect() gave up: the listening port ({pair.port!r}) had not "
            "stopped 4 s after stopListening()",
        )

    async def stuckAfterAbort(self, stuck: str) -> None:
        """
        Check that when one side's connection is held open and cannot be
        aborted, C{disconnect()} fails with a L{DisconnectTimeout} that names
        that side only.

        :param stuck: C{"server"} or C{"client"}.
        """
        clock = Clock()
        server, client = (
            (Hub().factory(Clinging), Hub().factory())
            if stuck == "server"
            else (Hub().factory(), Hub().factory(Clinging))
        )
        # Not self.connectedPair: its cleanup would report the failure that
        # this test expects.
        pair = await connectedPair(server, client, clock=clock)
        protocol = pair.serverProtocol if stuck == "server" else pair.clientProtocol
        transport: Any = protocol.transport
        transport.abortConnection = lambda: None
        disconnecting = pair.disconnect()
        await reactorTurns()
        clock.advance(DEFAULT_GRACE_PERIOD)
        await reactorTurns()
        clock.advance(DEFAULT_GRACE_PERIOD)
        error = await failureOf(disconnecting, DisconnectTimeout)
        self.assertEqual(error.stuck, (f"the {stuck} connection",))
        self.assertEqual(
            str(error),
            f"disconnect() gave up: the {stuck} connection ({protocol!r} on "
            f"{transport!r}) was still connected 2 s after loseConnection() "
            "and 2 s after abortConnection()",
        )
        other = pair.clientProtocol if stuck == "server" else pair.serverProtocol
        self.assertEqual((protocol.events, other.events), (["made"], ["made", "lost"]))
        del transport.abortConnection
        transport.abortConnection()
        await protocol.whenLost()

    async def test_stuckServerNamed(self) -> None:
        """
        A server connection that neither closes nor aborts is named as the
        server connection.
        """
        await self.stuckAfterAbort("server")

    async def test_stuckClientNamed(self) -> None:
        """
        A client connection that neither closes nor aborts is named as the
        client connection.
        """
        await self.stuckAfterAbort("client")

    async def test_serverClosesAfterClient(self) -> None:
        """
        Over TCP the teardown closes the server's side once the client's
        has gone, so that only the client's side is left in TIME_WAIT: when
        the client's C{connectionLost} runs, the server's side has not been
        asked to close.
        """
        seen: list[bool] = []
        pair = await self.connectedPair(Hub().factory(), Hub().factory())
        serverTransport: Any = pair.serverProtocol.transport
        clientLost = pair.clientProtocol.whenLost()
        clientLost.addCallback(lambda _: seen.append(serverTransport.disconnecting))
        await pair.disconnect()
        self.assertEqual(seen, [False])
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])

    async def test_repr(self) -> None:
        """
        A pair's representation says whether it is connected, on which
        address, and between which protocols.
        """
        pair = await self.connectedPair(Hub().factory(), Hub().factory())
        self.assertEqual(
            repr(pair),
            f"<twistedtesting.ConnectedPair connected on {pair.port.getHost()}: "
            f"server {pair.serverProtocol!r}, client {pair.clientProtocol!r}>",
        )

    async def test_factoryProvidesInterfaces(self) -> None:
        """
        The factories the reactor is given provide L{IProtocolFactory} and
        L{ILoggingContext}, with the log prefix of the user's factory.
        """
        server = Hub().factory()
        attempt = startPair(server, Hub().factory())
        self.addCleanup(attempt.disconnect)
        factory = attempt.server
        self.assertTrue(verifyObject(IProtocolFactory, factory))
        self.assertTrue(verifyObject(ILoggingContext, factory))
        self.assertEqual(factory.logPrefix(), server.logPrefix())
        self.assertIsInstance(await attempt.deferred, ConnectedPair)


class FileDescriptorTests(TestCase):
    """
    Repeated use leaves nothing open.
    """

    CYCLES = 500

    async def test_fileDescriptorsUnchanged(self) -> None:
        """
        After 500 set-up and teardown cycles, alternating between the
        transports this machine has, the process has exactly the file
        descriptors it had before, and no temporary directory is left.
        """
        kinds: list[str] = ["tcp"]
        if UNIX_SKIP is None:
            kinds.append("unix")
        if IPV6_SKIP is None:
            kinds.append("tcp6")
        for kind in kinds:
            pair = await connectedPair(
                Hub().factory(),
                Hub().factory(),
                transport=kind,  # type: ignore[arg-type]
            )
            await pair.disconnect()
        # Sockets that other tests left to the garbage collector must not
        # close during the cycles.
        gc.collect()
        before = sorted(os.listdir(FD_DIRECTORY))
        # Only the directories these cycles made: other processes may be
        # making pairs in the same temporary directory meanwhile.
        directories: list[str] = []
        for cycle in range(self.CYCLES):
            pair = await connectedPair(
                Hub().factory(),
                Hub().factory(),
                transport=kinds[cycle % len(kinds)],  # type: ignore[arg-type]
            )
            address = pair.port.getHost()
            if isinstance(address, UNIXAddress):
                name: Any = address.name
                directories.append(os.path.dirname(os.fsdecode(name)))
            await pair.disconnect()
        self.assertEqual(sorted(os.listdir(FD_DIRECTORY)), before)
        self.assertEqual(len(set(directories)), len(directories))
        self.assertEqual([d for d in directories if os.path.exists(d)], [])

    if FD_SKIP is not None:
        test_fileDescriptorsUnchanged.skip = FD_SKIP  # type: ignore[attr-defined]


class Options:
    """
    Stands in for TLS options, given the interface a test needs; a test
    helper.
    """


class ArgumentTests(SynchronousTestCase):
    """
    L{connectedPair} refuses bad arguments at once, with an error that
    names the argument.
    """

    def test_protocolClass(self) -> None:
        """
        A protocol class given as a factory is a L{TypeError} that says how
        to make a factory for it.
        """
        error = self.assertRaises(TypeError, connectedPair, Recorder, Hub().factory())
        self.assertEqual(
            str(error),
            "serverFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not "
            f"{Recorder!r}; Recorder is a protocol class: pass "
            "Factory.forProtocol(Recorder)",
        )

    def test_factoryClass(self) -> None:
        """
        A factory class given as a factory is a L{TypeError} that says to
        pass an instance.
        """
        error = self.assertRaises(
            TypeError, connectedPair, Hub().factory(), ClientFactory
        )
        self.assertEqual(
            str(error),
            "clientFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not "
            f"{ClientFactory!r}; ClientFactory is a factory class: pass an "
            "instance of it",
        )

    def test_protocolInstance(self) -> None:
        """
        A protocol given as a factory is a L{TypeError} that says to pass
        its factory.
        """
        protocol = Recorder()
        error = self.assertRaises(TypeError, connectedPair, Hub().factory(), protocol)
        self.assertEqual(
            str(error),
            "clientFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not "
            f"{protocol!r}; it is a protocol: pass the factory that builds it",
        )

    def test_notAFactory(self) -> None:
        """
        Anything else that is not a factory is a L{TypeError}.
        """
        error = self.assertRaises(TypeError, connectedPair, 8080, Hub().factory())
        self.assertEqual(
            str(error),
            "serverFactory must provide IProtocolFactory (a "
            "twisted.internet.protocol.Factory, for instance), not 8080",
        )

    def test_transport(self) -> None:
        """
        A transport other than C{"tcp"}, C{"tcp6"} and C{"unix"} is a
        L{ValueError}; one that is not a string is a L{TypeError}.
        """
        for notString in [b"tcp", 4]:
            error = self.assertRaises(
                TypeError,
                connectedPair,
                Hub().factory(),
                Hub().factory(),
                transport=notString,
            )
            self.assertEqual(
                str(error),
                "transport must be a string, one of 'tcp', 'tcp6', 'unix', "
                f"not {type(notString).__name__} {notString!r}",
            )
        for transport in ["udp", "TCP"]:
            error = self.assertRaises(
                ValueError,
                connectedPair,
                Hub().factory(),
                Hub().factory(),
                transport=transport,
            )
            self.assertEqual(
                str(error),
                f"transport must be one of 'tcp', 'tcp6', 'unix', not {transport!r}",
            )

    def test_transportAndServerEndpoint(self) -> None:
        """
        A transport and a server endpoint together are a L{ValueError}.
        """
        error = self.assertRaises(
            ValueError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            transport="tcp",
            serverEndpoint=TCP4ServerEndpoint(_reactor, 0),
        )
        self.assertEqual(
            str(error),
            "give transport or serverEndpoint, not both: serverEndpoint "
            "decides the transport",
        )

    def test_serverEndpoint(self) -> None:
        """
        A server endpoint that is not one is a L{TypeError}.
        """
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverEndpoint="tcp:0",
        )
        self.assertEqual(
            str(error),
            "serverEndpoint must provide IStreamServerEndpoint, not 'tcp:0'",
        )

    def test_clientEndpoint(self) -> None:
        """
        A client endpoint that is not callable is a L{TypeError}.
        """
        endpoint = TCP4ClientEndpoint(_reactor, "127.0.0.1", 1)
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            clientEndpoint=endpoint,
        )
        self.assertEqual(
            str(error),
            "clientEndpoint must be a callable that takes the listening port's "
            f"address and returns an endpoint, not {endpoint!r}",
        )

    def test_tlsOnOneSide(self) -> None:
        """
        TLS options for one side only are a L{ValueError}.
        """
        options = object()
        error = self.assertRaises(
            ValueError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverTLS=options,
        )
        self.assertEqual(
            str(error),
            "give both serverTLS and clientTLS, or neither: serverTLS is "
            f"{options!r}, clientTLS is None",
        )

    def test_tlsOptions(self) -> None:
        """
        TLS options that are neither connection creators nor context
        factories are a L{TypeError}.
        """
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverTLS="server.pem",
            clientTLS="client.pem",
        )
        self.assertEqual(
            str(error),
            "serverTLS must provide IOpenSSLServerConnectionCreator or "
            "IOpenSSLContextFactory (such as PrivateCertificate.options()), "
            "not 'server.pem'",
        )

    def test_tlsWithoutPyOpenSSL(self) -> None:
        """
        Without pyOpenSSL, asking for TLS is an L{ImportError} that says
        which extra to install.
        """
        saved = sys.modules.get("twistedtesting._tls")
        sys.modules["twistedtesting._tls"] = None  # type: ignore[assignment]

        def restore() -> None:
            if saved is None:
                del sys.modules["twistedtesting._tls"]
            else:
                sys.modules["twistedtesting._tls"] = saved

        self.addCleanup(restore)
        server, client = Options(), Options()
        directlyProvides(server, IOpenSSLServerConnectionCreator)
        directlyProvides(client, IOpenSSLClientConnectionCreator)
        error = self.assertRaises(
            ImportError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            serverTLS=server,
            clientTLS=client,
        )
        self.assertTrue(str(error).startswith("TLS needs pyOpenSSL ("), str(error))
        self.assertTrue(str(error).endswith("): install twistedtesting[tls]"))

    def test_gracePeriod(self) -> None:
        """
        A grace period that is not a positive, finite number of seconds is
        a L{TypeError} or a L{ValueError}.
        """
        for value, exception, message in [
            (True, TypeError, "gracePeriod must be a number of seconds, not bool True"),
            ("1", TypeError, "gracePeriod must be a number of seconds, not str '1'"),
            (0, ValueError, "gracePeriod must be a positive, finite number, got 0"),
            (
                -1.5,
                ValueError,
                "gracePeriod must be a positive, finite number, got -1.5",
            ),
            (
                float("inf"),
                ValueError,
                "gracePeriod must be a positive, finite number, got inf",
            ),
            (
                float("nan"),
                ValueError,
                "gracePeriod must be a positive, finite number, got nan",
            ),
        ]:
            error = self.assertRaises(
                exception,
                connectedPair,
                Hub().factory(),
                Hub().factory(),
                gracePeriod=value,
            )
            self.assertEqual(str(error), message)

    def test_reactorAndClock(self) -> None:
        """
        A reactor without C{IReactorTime} or C{IReactorTCP}, and a clock
        without C{IReactorTime}, are L{TypeError}s.
        """
        clock = Clock()
        error = self.assertRaises(
            TypeError, connectedPair, Hub().factory(), Hub().factory(), reactor=clock
        )
        self.assertEqual(str(error), f"reactor must provide IReactorTCP: {clock!r}")
        error = self.assertRaises(
            TypeError,
            connectedPair,
            Hub().factory(),
            Hub().factory(),
            reactor=object(),
        )
        self.assertTrue(str(error).startswith("reactor must provide IReactorTime: "))
        error = self.assertRaises(
            TypeError, connectedPair, Hub().factory(), Hub().factory(), clock=3
        )
        self.assertEqual(str(error), "clock must provide IReactorTime, not 3")


@implementer(ITransport)
class NoAbortTransport:
    """
    A transport that ignores C{loseConnection()} and has no
    C{abortConnection()}; a test helper.
    """

    disconnecting = False

    def write(self, data: bytes) -> None:
        """
        Discard C{data}.
        """

    def writeSequence(self, data: Any) -> None:
        """
        Discard C{data}.
        """

    def loseConnection(self) -> None:
        """
        Note the request, and do nothing.
        """
        self.disconnecting = True

    def getPeer(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.1", 1234)

    def getHost(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.2", 4321)

    def __repr__(self) -> str:
        return "<NoAbortTransport>"


@implementer(IListeningPort)
@attrs.define
class FakePort:
    """
    A listening port whose C{stopListening()} returns C{result}; a test
    helper.

    :ivar stops: How many times C{stopListening()} was called.
    """

    result: Any = None
    stops: int = 0

    def startListening(self) -> None:
        """
        Do nothing.
        """

    def stopListening(self) -> Any:
        """
        Count the call, and return (or raise) C{result}.
        """
        self.stops += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    def getHost(self) -> IPv4Address:
        """
        A made-up address.
        """
        return IPv4Address("TCP", "192.0.2.2", 4321)

    def __repr__(self) -> str:
        return "<FakePort>"


class NamedRecorder(Recorder):
    """
    A L{Recorder} with a short representation; a test helper.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


class TrackerTests(SynchronousTestCase):
    """
    L{ConnectionTracker}, with fake transports and ports and a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.tracker = ConnectionTracker(clock=self.clock, gracePeriod=2)

    def connected(self, name: str = "server") -> tuple[NamedRecorder, StringTransport]:
        """
        Connect a L{NamedRecorder} built by a tracked factory to a
        L{StringTransport}.
        """
        factory = self.tracker.trackFactory(
            Factory.forProtocol(lambda: NamedRecorder(name))
        )
        protocol = factory.buildProtocol(IPv4Address("TCP", "192.0.2.1", 1))
        assert isinstance(protocol, NamedRecorder)
        transport = StringTransport()
        protocol.makeConnection(transport)
        return protocol, transport

    def test_losesAndWaits(self) -> None:
        """
        C{disconnect()} loses each connection a tracked factory's protocols
        made and stops each tracked port, and fires once every protocol's
        C{connectionLost} has run and every port has stopped.
        """
        first, firstTransport = self.connected("first")
        second, secondTransport = self.connected("second")
        stopping: Deferred[None] = Deferred()
        port = self.tracker.trackPort(FakePort(stopping))
        disconnecting = self.tracker.disconnect()
        self.assertEqual(
            (firstTransport.disconnecting, secondTransport.disconnecting, port.stops),
            (True, True, 1),
        )
        first.connectionLost(Failure(ConnectionDone()))
        second.connectionLost(Failure(ConnectionDone()))
        self.assertNoResult(disconnecting)
        stopping.callback(None)
        self.assertIsNone(self.successResultOf(disconnecting))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_objectsPutBack(self) -> None:
        """
        The wrappers on a protocol's methods are removed once they have run,
        and on a factory's once the teardown is done: the objects are as
        they were.
        """
        factory = Factory.forProtocol(lambda: NamedRecorder("p"))
        self.tracker.trackFactory(factory)
        self.assertIn("buildProtocol", vars(factory))
        protocol = factory.buildProtocol(None)
        assert protocol is not None
        self.assertEqual(
            sorted(k for k in vars(protocol) if k.endswith("Connection")),
            ["makeConnection"],
        )
        self.assertIn("connectionLost", vars(protocol))
        protocol.makeConnection(StringTransport())
        self.assertNotIn("makeConnection", vars(protocol))
        disconnecting = self.tracker.disconnect()
        protocol.connectionLost(Failure(ConnectionDone()))
        self.assertNotIn("connectionLost", vars(protocol))
        self.successResultOf(disconnecting)
        self.assertNotIn("buildProtocol", vars(factory))

    def test_abortAfterGracePeriod(self) -> None:
        """
        A connection still there a grace period after C{loseConnection()}
        is aborted, and the teardown waits for it to go.
        """
        protocol, transport = self.connected()
        disconnecting = self.tracker.disconnect()
        self.clock.advance(1.9)
        self.assertFalse(transport.disconnected)
        self.clock.advance(0.1)
        self.assertTrue(transport.disconnected)
        self.assertNoResult(disconnecting)
        protocol.connectionLost(Failure(ConnectionAborted()))
        self.assertIsNone(self.successResultOf(disconnecting))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_stuckAfterAbort(self) -> None:
        """
        A connection still there a grace period after it was aborted fails
        the teardown with a L{DisconnectTimeout} that names it and says
        what was done to it; the other connections it waited for are not
        named.
        """
        stuck, _ = self.connected("stuck")
        gone, _ = self.connected("gone")
        disconnecting = self.tracker.disconnect()
        gone.connectionLost(Failure(ConnectionDone()))
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(error.stuck, ("the connection of <stuck>",))
        transport = stuck.transport
        self.assertEqual(
            str(error),
            "disconnect() gave up: the connection of <stuck> (<stuck> on "
            f"{transport!r}) was still connected 2 s after loseConnection() "
            "and 2 s after abortConnection()",
        )
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_noAbortConnection(self) -> None:
        """
        When the transport of a connection that did not close has no
        C{abortConnection()}, the error says so.
        """
        protocol = self.tracker.trackProtocol(self.makeNoAbort())
        disconnecting = self.tracker.disconnect()
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error),
            "disconnect() gave up: the connection of <plain> (<plain> on "
            "<NoAbortTransport>) was still connected 4 s after "
            "loseConnection(), and its transport has no abortConnection()",
        )
        self.assertTrue(cast(Any, protocol.transport).disconnecting)

    def heldBack(
        self, transport: ITransport
    ) -> tuple[Deferred[None], NamedRecorder, NamedRecorder]:
        """
        Start a teardown of two connections, the second held back by
        C{startAfter()} until the first goes, which it never does.

        :param transport: The held-back connection's transport.
        :returns: The teardown's Deferred, the first connection's protocol
            and the held-back one's.
        """
        teardown = Teardown(self.clock, 2.0)
        first, held = NamedRecorder("first"), NamedRecorder("held")
        firstConnection = Connection.observe(first, "the first connection")
        heldConnection = Connection.observe(held, "the held connection")
        teardown.addConnection(firstConnection)
        teardown.addConnection(heldConnection)
        first.makeConnection(StringTransport())
        held.makeConnection(transport)
        heldConnection.startAfter(firstConnection)
        return teardown.run(), first, held

    def test_heldBackAborted(self) -> None:
        """
        A connection held back by C{startAfter()} behind one that never
        goes is aborted without C{loseConnection()} having been called, and
        the error says that, not how long ago C{loseConnection()} was.
        """
        disconnecting, first, held = self.heldBack(StringTransport())
        self.assertFalse(cast(Any, held.transport).disconnecting)
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error),
            f"disconnect() gave up: the first connection (<first> on "
            f"{first.transport!r}) was still connected 2 s after "
            "loseConnection() and 2 s after abortConnection(); the held "
            f"connection (<held> on {held.transport!r}) was still connected "
            "2 s after abortConnection() (loseConnection() was never called: "
            "it waited for the first connection to go first)",
        )

    def test_heldBackNoAbortConnection(self) -> None:
        """
        A connection held back by C{startAfter()} behind one that never
        goes, whose transport has no C{abortConnection()}, is reported as
        never having been given C{loseConnection()}.
        """
        disconnecting, _, held = self.heldBack(cast(ITransport, NoAbortTransport()))
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(
            str(error).split("; ")[1],
            "the held connection (<held> on <NoAbortTransport>) was still "
            "connected 4 s after the teardown began (loseConnection() was "
            "never called: it waited for the first connection to go first), "
            "and its transport has no abortConnection()",
        )
        self.assertFalse(cast(Any, held.transport).disconnecting)

    def makeNoAbort(self) -> NamedRecorder:
        """
        :returns: A L{NamedRecorder} connected to a L{NoAbortTransport}.
        """
        protocol = NamedRecorder("plain")
        protocol.makeConnection(cast(ITransport, NoAbortTransport()))
        return protocol

    def test_portNeverStops(self) -> None:
        """
        A port whose C{stopListening()} Deferred never fires fails the
        teardown, two grace periods later, with a L{DisconnectTimeout} that
        names it.
        """
        self.tracker.trackPort(FakePort(Deferred()))
        disconnecting = self.tracker.disconnect()
        self.clock.advance(2)
        self.assertNoResult(disconnecting)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(error.stuck, ("the listening port <FakePort>",))
        self.assertEqual(
            str(error),
            "disconnect() gave up: the listening port <FakePort> (<FakePort>) "
            "had not stopped 4 s after stopListening()",
        )

    def test_portStopFails(self) -> None:
        """
        When a port's C{stopListening()} raises, the teardown still waits
        for everything else, then fails with that exception.
        """
        self.tracker.trackPort(FakePort(OSError("bad port")))
        protocol, _ = self.connected()
        disconnecting = self.tracker.disconnect()
        self.assertNoResult(disconnecting)
        protocol.connectionLost(Failure(ConnectionDone()))
        error = self.failureResultOf(disconnecting, OSError).value
        self.assertEqual(error.args, ("bad port",))

    def test_sameOutcomeTwice(self) -> None:
        """
        Every C{disconnect()} of a teardown that failed fails with the same
        exception, and the teardown happens once.
        """
        port = self.tracker.trackPort(FakePort(Deferred()))
        first = self.tracker.disconnect()
        self.clock.advance(2)
        second = self.tracker.disconnect()
        self.clock.advance(2)
        third = self.tracker.disconnect()
        errors = [
            self.failureResultOf(d, DisconnectTimeout).value
            for d in (first, second, third)
        ]
        self.assertIs(errors[0], errors[1])
        self.assertIs(errors[0], errors[2])
        self.assertEqual(port.stops, 1)

    def test_nothingToTrack(self) -> None:
        """
        A tracker with nothing tracked disconnects at once, scheduling
        nothing.
        """
        self.assertIsNone(self.successResultOf(self.tracker.disconnect()))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_alreadyLost(self) -> None:
        """
        A protocol whose transport has already disconnected counts as gone.
        """
        protocol = NamedRecorder("old")
        transport = StringTransport()
        protocol.makeConnection(transport)
        transport.abortConnection()
        self.tracker.trackProtocol(protocol)
        self.assertIsNone(self.successResultOf(self.tracker.disconnect()))
        self.assertNotIn("connectionLost", vars(protocol))

    def test_builtWhileClosing(self) -> None:
        """
        A protocol a tracked factory builds while the teardown runs is lost
        as soon as it connects, and waited for.
        """
        first, _ = self.connected("first")
        factory = self.tracker.trackFactory(
            Factory.forProtocol(lambda: NamedRecorder("late"))
        )
        disconnecting = self.tracker.disconnect()
        late = factory.buildProtocol(None)
        assert late is not None
        transport = StringTransport()
        late.makeConnection(transport)
        self.assertTrue(transport.disconnecting)
        first.connectionLost(Failure(ConnectionDone()))
        self.assertNoResult(disconnecting)
        late.connectionLost(Failure(ConnectionDone()))
        self.successResultOf(disconnecting)

    def test_trackTwice(self) -> None:
        """
        Tracking an object a second time changes nothing.
        """
        factory = Factory.forProtocol(lambda: NamedRecorder("p"))
        self.assertIs(self.tracker.trackFactory(factory), factory)
        wrapper = vars(factory)["buildProtocol"]
        self.assertIs(self.tracker.trackFactory(factory), factory)
        self.assertIs(vars(factory)["buildProtocol"], wrapper)
        port = FakePort()
        self.tracker.trackPort(port)
        self.tracker.trackPort(port)
        protocol = self.makeNoAbort()
        self.tracker.trackProtocol(protocol)
        self.tracker.trackProtocol(protocol)
        self.tracker.disconnect()
        self.assertEqual(port.stops, 1)

    def test_trackAfterDisconnect(self) -> None:
        """
        Tracking anything once C{disconnect()} has been called is a
        L{ValueError}: the tracker is closed.
        """
        self.tracker.disconnect()
        for method, argument in [
            (self.tracker.trackFactory, Factory()),
            (self.tracker.trackPort, FakePort()),
            (self.tracker.trackProtocol, self.makeNoAbort()),
        ]:
            error = self.assertRaises(ValueError, method, argument)
            self.assertEqual(
                str(error),
                f"{method.__name__}() was called on a ConnectionTracker whose "
                "disconnect() has been called; use a new ConnectionTracker",
            )

    def test_badArguments(self) -> None:
        """
        Tracking something that is not a factory, a port or a protocol is a
        L{TypeError}; tracking a protocol that has not connected is a
        L{ValueError}.
        """
        error = self.assertRaises(TypeError, self.tracker.trackFactory, Recorder)
        self.assertIn("factory must provide IProtocolFactory", str(error))
        error = self.assertRaises(TypeError, self.tracker.trackPort, 8080)
        self.assertEqual(
            str(error),
            "port must provide IListeningPort (what listenTCP() returns), not 8080",
        )
        error = self.assertRaises(TypeError, self.tracker.trackProtocol, Factory())
        self.assertTrue(str(error).startswith("protocol must provide IProtocol, not "))
        unconnected = NamedRecorder("new")
        valueError = self.assertRaises(
            ValueError, self.tracker.trackProtocol, unconnected
        )
        self.assertEqual(
            str(valueError),
            "<new> is not connected (its transport is None): track it once it "
            "has connected, or track the factory that builds it",
        )

    def test_gracePeriodAndClock(self) -> None:
        """
        A bad grace period or clock is refused when the tracker is made.
        """
        error = self.assertRaises(ValueError, ConnectionTracker, gracePeriod=0)
        self.assertEqual(
            str(error), "gracePeriod must be a positive, finite number, got 0"
        )
        typeError = self.assertRaises(TypeError, ConnectionTracker, clock="now")
        self.assertEqual(str(typeError), "clock must provide IReactorTime, not 'now'")

    def test_slotsProtocol(self) -> None:
        """
        A protocol whose methods cannot be wrapped (its class has
        C{__slots__} and no C{__dict__}) is a L{TypeError} saying so.
        """

        class Slotted:
            __slots__ = ("transport",)

            def makeConnection(self, transport: object) -> None:
                self.transport = transport

            def connectionLost(self, reason: object) -> None:
                pass

            def dataReceived(self, data: bytes) -> None:
                pass

            def connectionMade(self) -> None:
                pass

        implementer(IProtocol)(Slotted)
        protocol = Slotted()
        protocol.makeConnection(StringTransport())
        error = self.assertRaises(TypeError, self.tracker.trackProtocol, protocol)
        self.assertEqual(
            str(error),
            f"cannot track protocol {protocol!r}: it has no __dict__ (its class "
            "uses __slots__), so its methods cannot be observed",
        )

    def test_repr(self) -> None:
        """
        A tracker's representation says whether it has been disconnected.
        """
        self.assertEqual(repr(self.tracker), "<twistedtesting.ConnectionTracker open>")
        self.tracker.disconnect()
        self.assertEqual(
            repr(self.tracker), "<twistedtesting.ConnectionTracker closed>"
        )


class DisconnectTimeoutTests(SynchronousTestCase):
    """
    L{DisconnectTimeout}.
    """

    def test_attributes(self) -> None:
        """
        Its message is its string, and L{DisconnectTimeout.stuck} names what
        was stuck.
        """
        error = DisconnectTimeout("it is stuck", ("the listening port",))
        self.assertEqual(str(error), "it is stuck")
        self.assertEqual(error.stuck, ("the listening port",))


class TrackerSocketTests(TestCase):
    """
    L{ConnectionTracker} over real sockets, with a server that a test
    listens with itself and a client that the code under test makes.
    """

    async def test_tracksServerConnections(self) -> None:
        """
        The connections a tracked factory accepted on a tracked port are
        lost and waited for, and the port stopped, leaving the reactor as it
        was.
        """
        before = ReactorState.now()
        tracker = ConnectionTracker()
        hub = Hub()
        factory = tracker.trackFactory(hub.factory(Echo))
        port = tracker.trackPort(reactor.listenTCP(0, factory, interface="127.0.0.1"))  # type: ignore[arg-type]
        address: Any = port.getHost()
        clients = [await connectRecorder(address) for _ in range(3)]
        for client in clients:
            client.send(b"hi")
            await client.whenReceived(2)
        await tracker.disconnect()
        self.assertEqual([p.events for p in hub.built], [["made", "lost"]] * 3)
        for client in clients:
            await client.whenLost()
        self.assertEqual(ReactorState.now(), before)

    async def test_tracksClientProtocol(self) -> None:
        """
        A client protocol tracked once it has connected is lost and waited
        for too, with the server's side.
        """
        before = ReactorState.now()
        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        factory = tracker.trackFactory(Factory.forProtocol(Recorder))
        port = tracker.trackPort(
            reactor.listenTCP(0, factory, interface="127.0.0.1")  # type: ignore[arg-type]
        )
        address: Any = port.getHost()
        client = tracker.trackProtocol(await connectRecorder(address))
        await tracker.disconnect()
        self.assertEqual(client.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)


def runQuietly(*tests: pyunit.TestCase) -> tuple[reporter.Reporter, str]:
    """
    Run C{tests} with trial's plain reporter and return the reporter and
    what it printed.
    """
    stream = StringIO()
    result = reporter.Reporter(stream=stream)
    pyunit.TestSuite(tests).run(result)
    result.done()
    return result, stream.getvalue()


class CleanupRecording(TestCase):
    """
    A L{TestCase} that records, for each cleanup it registers, whether the
    Deferred the cleanup returned had fired already (whether it had nothing
    left to do); a test helper.
    """

    def __init__(
        self, methodName: str = "runTest", cleanups: list[bool] | None = None
    ) -> None:
        super().__init__(methodName)
        self.recordedCleanups = [] if cleanups is None else cleanups

    def addCleanup(  # type: ignore[override]
        self, f: Callable[..., object], *args: object, **kwargs: object
    ) -> None:
        def recorded() -> object:
            result = f(*args, **kwargs)
            self.recordedCleanups.append(isinstance(result, Deferred) and result.called)
            return result

        super().addCleanup(recorded)


class TestCaseMethodTests(trial.SynchronousTestCase):
    """
    L{TestCase.connectedPair} tears the pair down when the test ends.
    """

    def test_cleanupRegistered(self) -> None:
        """
        A pair the test does not disconnect is disconnected by a cleanup,
        so that trial finds the reactor clean.
        """
        pairs: list[ConnectedPair[Recorder, Recorder]] = []

        class Inner(TestCase):
            async def test_connect(self) -> None:
                pair = await self.connectedPair(Hub().factory(Echo), Hub().factory())
                pairs.append(pair)

        result, output = runQuietly(Inner("test_connect"))
        self.assertTrue(result.wasSuccessful(), output)
        self.assertEqual(pairs[0].serverProtocol.events, ["made", "lost"])
        self.assertEqual(pairs[0].clientProtocol.events, ["made", "lost"])

    def test_testDoesNotWait(self) -> None:
        """
        When the test ends before the pair has connected, the cleanup waits
        for it, then disconnects it.
        """
        attempts: list[Deferred[ConnectedPair[Recorder, Recorder]]] = []

        class Inner(TestCase):
            def test_connect(self) -> None:
                attempts.append(self.connectedPair(Hub().factory(), Hub().factory()))

        result, output = runQuietly(Inner("test_connect"))
        self.assertTrue(result.wasSuccessful(), output)
        pair = self.successResultOf(attempts[0])
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])

    def test_disconnectedByTest(self) -> None:
        """
        A test may disconnect the pair itself: the cleanup then has nothing
        more to do.
        """
        pairs: list[ConnectedPair[Recorder, Recorder]] = []
        cleanups: list[bool] = []

        class Inner(CleanupRecording):
            async def test_connect(self) -> None:
                pair = await self.connectedPair(Hub().factory(), Hub().factory())
                await pair.disconnect()
                pairs.append(pair)

        result, output = runQuietly(Inner("test_connect", cleanups))
        self.assertTrue(result.wasSuccessful(), output)
        self.assertEqual(cleanups, [True])
        self.assertEqual(pairs[0].serverProtocol.events, ["made", "lost"])
        self.assertEqual(pairs[0].clientProtocol.events, ["made", "lost"])

    def test_failedConnection(self) -> None:
        """
        When the connection cannot be made, the test sees the failure and
        the cleanup has nothing to do.
        """
        seen: list[type[BaseException]] = []
        cleanups: list[bool] = []

        class Inner(CleanupRecording):
            async def test_connect(self) -> None:
                refusing = Factory()
                refusing.buildProtocol = lambda addr: None  # type: ignore[method-assign]
                try:
                    await self.connectedPair(refusing, Hub().factory())
                except NoProtocol as error:
                    seen.append(type(error))

        result, output = runQuietly(Inner("test_connect", cleanups))
        self.assertTrue(result.wasSuccessful(), output)
        self.assertEqual(seen, [NoProtocol])
        self.assertEqual(cleanups, [True])
