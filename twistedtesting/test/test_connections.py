# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
Tests for L{twistedtesting.connectedPair}, L{twistedtesting.ConnectedPair}
and L{TestCase.connectedPair}.

The tests of connections run over real sockets (TCP on 127.0.0.1 and ::1,
UNIX sockets, TLS) with the global reactor, and wait on Deferreds, never on
time: a grace period that must pass is that of a L{Clock} the test advances.
Each transport runs through the same behaviour suite, L{PairBehaviourMixin}.
"""

from __future__ import annotations

import gc
import os
import stat
import tempfile
from collections.abc import Callable
from io import BytesIO
from typing import Any, cast

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
    IProtocolFactory,
    IStreamServerEndpoint,
)
from twisted.internet.protocol import ClientFactory, Factory, Protocol, ServerFactory
from twisted.trial import unittest as trial
from twisted.web.client import FileBodyProducer, readBody
from zope.interface import implementer
from zope.interface.verify import verifyObject

from twistedtesting import (
    DEFAULT_GRACE_PERIOD,
    Clock,
    ConnectedPair,
    DisconnectTimeout,
    TestCase,
    connectedPair,
    refusingAddress,
)
from twistedtesting._connections import startPair
from twistedtesting._sockets import socketDirectory
from twistedtesting.test.fakes import runQuietly
from twistedtesting.test.reactorhelpers import (
    MixinBase,
    ReactorState,
    failureOf,
    reactor,
    reactorTurns,
)
from twistedtesting.test.recorders import Clinging, Echo, Hub, Recorder, connectRecorder
from twistedtesting.test.skips import (
    ALPN_SKIP,
    FD_DIRECTORY,
    FD_SKIP,
    IPV6_SKIP,
    TLS_SKIP,
    UNIX_SKIP,
)
from twistedtesting.test.tlshelpers import tlsOptions
from twistedtesting.test.webhelpers import (
    PairEndpoint,
    greetingSite,
    pairAgent,
    rawRequest,
)


class PairBehaviourMixin(MixinBase):
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


class StuckBehaviourMixin(MixinBase):
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


class BothStuckMixin(MixinBase):
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

    async def test_privateDirectory(self) -> None:
        """
        The socket is in the process's private directory, made in the
        system's temporary directory and readable by its owner only; its
        file is removed once the port has stopped, and the directory stays
        for the next pair.
        """
        pair = await self.connect()
        address = pair.port.getHost()
        assert isinstance(address, UNIXAddress)
        name: Any = address.name
        path = os.fsdecode(name)
        directory = os.path.dirname(path)
        self.assertEqual(directory, socketDirectory.path)
        self.assertEqual(os.path.dirname(directory), tempfile.gettempdir())
        self.assertTrue(os.path.basename(directory).startswith("twistedtesting-"))
        self.assertEqual(os.stat(directory).st_mode & 0o777, 0o700)
        self.assertTrue(stat.S_ISSOCK(os.stat(path).st_mode))
        await pair.disconnect()
        self.assertFalse(os.path.exists(path))
        self.assertTrue(os.path.isdir(directory))

    async def test_socketNameEachTime(self) -> None:
        """
        Each pair listens on a socket of its own in the same directory, and
        each socket's file is removed once its port has stopped.
        """

        def pathOf(pair: ConnectedPair[Recorder, Recorder]) -> str:
            address = pair.port.getHost()
            assert isinstance(address, UNIXAddress)
            name: Any = address.name
            return os.fsdecode(name)

        first = await self.connect()
        second = await self.connect()
        paths = [pathOf(first), pathOf(second)]
        self.assertNotEqual(paths[0], paths[1])
        self.assertEqual(os.path.dirname(paths[0]), os.path.dirname(paths[1]))
        await first.disconnect()
        self.assertEqual([os.path.exists(p) for p in paths], [False, True])
        await second.disconnect()
        self.assertFalse(os.path.exists(paths[1]))


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
        endpoint = MisreportingServerEndpoint(refusingAddress(self.addCleanup))
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
        refusing = refusingAddress(self.addCleanup)
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

    async def test_reprAfterLoss(self) -> None:
        """
        Once a side has been lost, a pair's representation says which, and
        once both have, that the connection was lost, not that it is
        connected; during its teardown, that it is disconnecting.
        """
        clock = Clock()
        pair = await self.connectedPair(
            Hub().factory(), Hub().factory(Clinging), clock=clock
        )
        tail = (
            f" on {pair.port.getHost()}: server {pair.serverProtocol!r}, "
            f"client {pair.clientProtocol!r}>"
        )
        assert pair.serverProtocol.transport is not None
        pair.serverProtocol.transport.loseConnection()
        await pair.whenServerLost()
        self.assertEqual(
            repr(pair), "<twistedtesting.ConnectedPair server side lost" + tail
        )
        transport: Any = pair.clientProtocol.transport
        transport.abortConnection()
        await pair.whenClientLost()
        self.assertEqual(
            repr(pair), "<twistedtesting.ConnectedPair connection lost" + tail
        )
        stopping = pair.port.stopListening()
        assert stopping is not None
        disconnecting = pair.disconnect()
        self.assertEqual(
            repr(pair), "<twistedtesting.ConnectedPair disconnecting" + tail
        )
        await disconnecting
        await stopping
        self.assertEqual(
            repr(pair), "<twistedtesting.ConnectedPair disconnected" + tail
        )

    async def test_reprClientLost(self) -> None:
        """
        When only the client's side has been lost, the representation says
        so: when the client's C{connectionLost} runs, the server has not
        yet read the end of the connection.
        """
        pair = await self.connectedPair(Hub().factory(), Hub().factory())
        seen: list[str] = []
        lost = pair.whenClientLost()
        lost.addCallback(lambda _: seen.append(repr(pair)))
        assert pair.clientProtocol.transport is not None
        pair.clientProtocol.transport.loseConnection()
        await lost
        self.assertEqual(
            seen,
            [
                f"<twistedtesting.ConnectedPair client side lost on "
                f"{pair.port.getHost()}: server {pair.serverProtocol!r}, "
                f"client {pair.clientProtocol!r}>"
            ],
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


class SiteBehaviourMixin(MixinBase):
    """
    L{connectedPair} with Twisted's web server, L{Site}, whose protocols
    are made with L{proxyForInterface}: a real HTTP request and response,
    from a hand-written client and from L{Agent}.

    Subclasses set L{options}, the transport's arguments.
    """

    def options(self) -> dict[str, Any]:
        """
        :returns: The arguments of L{connectedPair} that choose the transport.
        """
        raise NotImplementedError()

    async def test_connected(self) -> None:
        """
        A pair with a L{Site} is ready once both sides have connected; its
        server protocol is the one the site built, and its teardown leaves
        the reactor as it was.
        """
        before = ReactorState.now()
        site = greetingSite()
        built: list[object] = []
        buildProtocol: Any = site.buildProtocol

        def recordingBuild(addr: Any) -> Any:
            built.append(buildProtocol(addr))
            return built[-1]

        site.buildProtocol = recordingBuild  # type: ignore[method-assign]
        pair = await connectedPair(site, Hub().factory(), **self.options())
        self.assertEqual(built, [pair.serverProtocol])
        self.assertEqual(
            type(pair.serverProtocol).__name__, "_GenericHTTPChannelProtocol"
        )
        await pair.disconnect()
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_request(self) -> None:
        """
        A request written by the client gets the site's response, after
        which the site closes the connection, as the request asked.
        """
        before = ReactorState.now()
        pair = await self.connectedPair(
            greetingSite(), Hub().factory(), **self.options()
        )
        pair.clientProtocol.send(rawRequest(b"/world"))
        self.assertIsInstance(await pair.whenClientLost(), ConnectionDone)
        status, _, body = pair.clientProtocol.received.partition(b"\r\n\r\n")
        self.assertTrue(status.startswith(b"HTTP/1.1 200 OK\r\n"), status)
        self.assertIn(b"\r\nContent-Type: text/plain\r\n", status)
        self.assertEqual(body, b"hello, /world")
        await pair.disconnect()
        self.assertEqual(ReactorState.now(), before)

    async def test_agent(self) -> None:
        """
        L{Agent} connecting through pairs gets the site's responses to a
        C{GET} and a C{POST}, one pair per request; each pair's teardown
        leaves nothing behind.
        """
        before = ReactorState.now()
        endpoint = PairEndpoint(self, greetingSite(), self.options())
        agent = pairAgent(endpoint)
        response = await agent.request(b"GET", b"http://localhost/agent")
        self.assertEqual(response.code, 200)
        self.assertEqual(await readBody(response), b"hello, /agent")
        posted = await agent.request(
            b"POST",
            b"http://localhost/",
            bodyProducer=FileBodyProducer(BytesIO(b"a body")),
        )
        self.assertEqual(await readBody(posted), b"got a body")
        self.assertEqual(len(endpoint.pairs), 2)
        for pair in endpoint.pairs:
            await pair.disconnect()
            self.assertIsInstance(
                self.successResultOf(pair.whenServerLost()), self.closedReasons
            )
        self.assertEqual(ReactorState.now(), before)

    closedReasons: tuple[type[Exception], ...] = (ConnectionDone,)


class SiteOverTCPTests(SiteBehaviourMixin, TestCase):
    """
    L{Site} over TCP on 127.0.0.1.
    """

    def options(self) -> dict[str, Any]:
        return {}


class SiteOverTCP6Tests(SiteBehaviourMixin, TestCase):
    """
    L{Site} over TCP on ::1.
    """

    skip = IPV6_SKIP

    def options(self) -> dict[str, Any]:
        return {"transport": "tcp6"}


class SiteOverUNIXTests(SiteBehaviourMixin, TestCase):
    """
    L{Site} over a UNIX socket.
    """

    skip = UNIX_SKIP
    closedReasons = (ConnectionDone, ConnectionLost)

    def options(self) -> dict[str, Any]:
        return {"transport": "unix"}


class SiteOverTLSTests(SiteBehaviourMixin, TestCase):
    """
    L{Site} over TLS over TCP.
    """

    skip = ALPN_SKIP
    closedReasons = (ConnectionDone, ConnectionLost)

    def options(self) -> dict[str, Any]:
        server, client, _ = tlsOptions()
        return {"serverTLS": server, "clientTLS": client}


class FileDescriptorTests(TestCase):
    """
    Repeated use leaves nothing open.
    """

    CYCLES = 300

    async def test_fileDescriptorsUnchanged(self) -> None:
        """
        After 300 cycles of connecting a L{Site} and a client, a request
        and its response, and the teardown, taking turns between the
        transports this machine has (TLS included, where Twisted can serve
        a L{Site} over it: see L{ALPN_SKIP}) and between a
        hand-written client and L{Agent}, the process has exactly the file
        descriptors it had before, the reactor is as it was, and no socket
        file is left.
        """
        kinds: list[dict[str, Any]] = [{}]
        if UNIX_SKIP is None:
            kinds.append({"transport": "unix"})
        if IPV6_SKIP is None:
            kinds.append({"transport": "tcp6"})
        if ALPN_SKIP is None:
            server, client, _ = tlsOptions()
            kinds.append({"serverTLS": server, "clientTLS": client})

        async def cycle(number: int) -> str | None:
            options = kinds[number % len(kinds)]
            if number // len(kinds) % 2:
                endpoint = PairEndpoint(self, greetingSite(), options)
                response = await pairAgent(endpoint).request(
                    b"GET", b"http://localhost/%d" % (number,)
                )
                body = await readBody(response)
                pair: ConnectedPair[Any, Any] = endpoint.pairs[0]
            else:
                pair = await connectedPair(greetingSite(), Hub().factory(), **options)
                pair.clientProtocol.send(rawRequest(b"/%d" % (number,)))
                await pair.whenClientLost()
                body = pair.clientProtocol.received.partition(b"\r\n\r\n")[2]
            self.assertEqual(body, b"hello, /%d" % (number,))
            address = pair.port.getHost()
            await pair.disconnect()
            if isinstance(address, UNIXAddress):
                name: Any = address.name
                return os.fsdecode(name)
            return None

        for number in range(len(kinds) * 2):
            await cycle(number)
        # Sockets that other tests left to the garbage collector must not
        # close during the cycles.
        gc.collect()
        before = sorted(os.listdir(FD_DIRECTORY))
        reactorBefore = ReactorState.now()
        paths = [await cycle(number) for number in range(self.CYCLES)]
        gc.collect()
        self.assertEqual(sorted(os.listdir(FD_DIRECTORY)), before)
        self.assertEqual(ReactorState.now(), reactorBefore)
        self.assertEqual(
            [path for path in paths if path is not None and os.path.exists(path)], []
        )

    if FD_SKIP is not None:
        test_fileDescriptorsUnchanged.skip = FD_SKIP  # type: ignore[attr-defined]


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
