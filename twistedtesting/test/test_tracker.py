# -*- test-case-name: twistedtesting.test.test_tracker -*-
"""
Tests for L{twistedtesting.ConnectionTracker}: with fake transports and
ports and a L{Clock}, and over real sockets.
"""

from __future__ import annotations

from typing import Any, cast

from twisted.internet import reactor as _reactor
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.error import (
    ConnectionAborted,
    ConnectionDone,
)
from twisted.internet.interfaces import (
    IProtocol,
    ITransport,
)
from twisted.internet.protocol import Factory
from twisted.internet.testing import StringTransport
from twisted.web.client import Agent, HTTPConnectionPool, readBody
from zope.interface import implementer

from twistedtesting import (
    Clock,
    ConnectionTracker,
    DisconnectTimeout,
    SynchronousTestCase,
    TestCase,
)
from twistedtesting.test.fakes import FakePort, HoldingTransport, NoAbortTransport
from twistedtesting.test.reactorhelpers import ReactorState, reactor
from twistedtesting.test.recorders import (
    Echo,
    Hub,
    NamedRecorder,
    Recorder,
    connectRecorder,
)
from twistedtesting.test.webhelpers import greetingSite


class TrackerTests(SynchronousTestCase):
    """
    L{ConnectionTracker}, with fake transports and ports and a L{Clock}.
    """

    def setUp(self) -> None:
        self.clock = Clock()
        self.tracker = ConnectionTracker(clock=self.clock, gracePeriod=2)

    def connected(self, name: str = "server") -> tuple[NamedRecorder, HoldingTransport]:
        """
        Connect a L{NamedRecorder} built by a tracked factory to a
        L{HoldingTransport}, as a reactor would: the transport holds what
        the factory returned.
        """
        built: list[NamedRecorder] = []

        def build() -> NamedRecorder:
            built.append(NamedRecorder(name))
            return built[-1]

        factory = self.tracker.trackFactory(Factory.forProtocol(build))
        given = factory.buildProtocol(IPv4Address("TCP", "192.0.2.1", 1))
        assert given is not None
        return built[0], HoldingTransport.connect(given)

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
        firstTransport.lose(ConnectionDone())
        secondTransport.lose(ConnectionDone())
        self.assertEqual((first.events, second.events), (["made", "lost"],) * 2)
        self.assertNoResult(disconnecting)
        stopping.callback(None)
        self.assertIsNone(self.successResultOf(disconnecting))
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_objectsUntouched(self) -> None:
        """
        The protocols a tracked factory builds are never changed: the
        factory gives an observer, which connects the protocol to the
        transport itself and passes calls on; the wrapper on the factory's
        C{buildProtocol} is removed once the teardown is done.
        """
        factory = Factory.forProtocol(lambda: NamedRecorder("p"))
        self.tracker.trackFactory(factory)
        self.assertIn("buildProtocol", vars(factory))
        given = factory.buildProtocol(None)
        assert given is not None
        self.assertNotIsInstance(given, NamedRecorder)
        transport = HoldingTransport.connect(given)
        protocol: NamedRecorder = cast(Any, given).wrapped
        self.assertIs(protocol.transport, transport)
        self.assertEqual(
            vars(protocol).keys() & {"makeConnection", "connectionLost"}, set()
        )
        given.dataReceived(b"data")
        self.assertEqual(protocol.received, b"data")
        disconnecting = self.tracker.disconnect()
        transport.lose(ConnectionDone())
        self.assertEqual(protocol.events, ["made", "lost"])
        self.successResultOf(disconnecting)
        self.assertNotIn("buildProtocol", vars(factory))

    def test_abortAfterGracePeriod(self) -> None:
        """
        A connection still there a grace period after C{loseConnection()}
        is aborted, and the teardown waits for it to go.
        """
        protocol, transport = self.connected()
        disconnecting = self.tracker.disconnect()
        self.assertEqual(protocol.events, ["made"])
        self.clock.advance(1.9)
        self.assertFalse(transport.disconnected)
        self.clock.advance(0.1)
        self.assertTrue(transport.disconnected)
        self.assertNoResult(disconnecting)
        transport.lose(ConnectionAborted())
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
        _, goneTransport = self.connected("gone")
        disconnecting = self.tracker.disconnect()
        goneTransport.lose(ConnectionDone())
        self.clock.advance(2)
        self.clock.advance(2)
        error = self.failureResultOf(disconnecting, DisconnectTimeout).value
        self.assertEqual(error.stuck, ("the connection of <stuck>",))
        transport = stuck.transport
        self.assertEqual(
            str(error),
            f"disconnect() gave up: the connection of <stuck> (on {transport!r}) "
            "was still connected 2 s after loseConnection() and 2 s after "
            "abortConnection()",
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
            "disconnect() gave up: the connection of <plain> (on "
            "<NoAbortTransport>) was still connected 4 s after "
            "loseConnection(), and its transport has no abortConnection()",
        )
        self.assertTrue(cast(Any, protocol.transport).disconnecting)

    def makeNoAbort(self) -> NamedRecorder:
        """
        :returns: A L{NamedRecorder} connected to a L{NoAbortTransport}.
        """
        protocol = NamedRecorder("plain")
        transport = NoAbortTransport()
        protocol.makeConnection(cast(ITransport, transport))
        transport.protocol = protocol
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
        _, transport = self.connected()
        disconnecting = self.tracker.disconnect()
        self.assertNoResult(disconnecting)
        transport.lose(ConnectionDone())
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

    def test_builtWhileClosing(self) -> None:
        """
        A protocol a tracked factory builds while the teardown runs is lost
        as soon as it connects, and waited for.
        """
        _, firstTransport = self.connected("first")
        factory = self.tracker.trackFactory(
            Factory.forProtocol(lambda: NamedRecorder("late"))
        )
        disconnecting = self.tracker.disconnect()
        late = factory.buildProtocol(None)
        assert late is not None
        transport = HoldingTransport.connect(late)
        self.assertTrue(transport.disconnecting)
        firstTransport.lose(ConnectionDone())
        self.assertNoResult(disconnecting)
        transport.lose(ConnectionDone())
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
            "protocol <new> is not connected (its transport is None): track it "
            "once it has connected, or track the factory that builds it",
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
        A protocol whose class has C{__slots__} and no C{__dict__} is
        tracked like any other: nothing is set on it.
        """

        @implementer(IProtocol)
        class Slotted:
            __slots__ = ("events", "transport")

            def __init__(self) -> None:
                self.events: list[str] = []

            def makeConnection(self, transport: object) -> None:
                self.transport = transport
                self.events.append("made")

            def connectionLost(self, reason: object) -> None:
                self.events.append("lost")

            def dataReceived(self, data: bytes) -> None:
                pass

            def connectionMade(self) -> None:
                pass

        protocol = Slotted()
        protocol.makeConnection(StringTransport())
        holding = HoldingTransport()
        protocol.makeConnection(holding)
        holding.protocol = protocol
        self.tracker.trackProtocol(protocol)
        disconnecting = self.tracker.disconnect()
        self.assertTrue(holding.disconnecting)
        holding.lose(ConnectionDone())
        self.assertEqual(protocol.events, ["made", "made", "lost"])
        self.successResultOf(disconnecting)

    def test_transportDoesNotHoldProtocol(self) -> None:
        """
        Tracking a connected protocol whose transport does not hold it
        (directly or through a wrapping protocol), so that its
        C{connectionLost} cannot be observed, is a L{TypeError} saying so.
        """
        protocol = NamedRecorder("loose")
        transport = StringTransport()
        protocol.makeConnection(transport)
        error = self.assertRaises(TypeError, self.tracker.trackProtocol, protocol)
        self.assertEqual(
            str(error),
            f"cannot track protocol <loose>: its transport {transport!r} does "
            "not hold it as its protocol (nor through a wrapping protocol), so "
            "its connectionLost() cannot be observed; track the factory that "
            "builds it",
        )

    def test_trackedProtocolObserved(self) -> None:
        """
        A tracked protocol's transport is given an observer in its place,
        which passes every call on: the teardown waits for the protocol's
        C{connectionLost}.
        """
        protocol = NamedRecorder("held")
        transport = HoldingTransport.connect(protocol)
        self.tracker.trackProtocol(protocol)
        self.assertIsNot(transport.protocol, protocol)
        transport.protocol.dataReceived(b"more")
        self.assertEqual(protocol.received, b"more")
        disconnecting = self.tracker.disconnect()
        self.assertNoResult(disconnecting)
        transport.lose(ConnectionDone())
        self.assertEqual(protocol.events, ["made", "lost"])
        self.successResultOf(disconnecting)

    def test_trackBuiltProtocol(self) -> None:
        """
        Tracking a protocol that a tracked factory built changes nothing:
        it is tracked already, and its transport keeps the one observer.
        """
        protocol, transport = self.connected()
        observer = transport.protocol
        self.assertIs(self.tracker.trackProtocol(protocol), protocol)
        self.assertIs(transport.protocol, observer)
        self.assertIs(cast(Any, observer).wrapped, protocol)
        disconnecting = self.tracker.disconnect()
        self.assertTrue(transport.disconnecting)
        transport.lose(ConnectionDone())
        self.assertEqual(protocol.events, ["made", "lost"])
        self.assertIsNone(self.successResultOf(disconnecting))

    def test_twoTrackersOneFactory(self) -> None:
        """
        When two trackers track one factory and the first is disconnected
        first, the second still tracks each protocol the factory builds
        afterwards, and those connections are not lost by the first: once
        both are disconnected, the factory builds plain protocols again.
        """
        factory = Factory.forProtocol(lambda: NamedRecorder("p"))
        other = ConnectionTracker(clock=self.clock, gracePeriod=2)
        self.tracker.trackFactory(factory)
        other.trackFactory(factory)
        self.successResultOf(self.tracker.disconnect())
        given = factory.buildProtocol(None)
        assert given is not None
        transport = HoldingTransport.connect(given)
        self.assertFalse(transport.disconnecting)
        disconnecting = other.disconnect()
        self.assertTrue(transport.disconnecting)
        self.assertNoResult(disconnecting)
        transport.lose(ConnectionDone())
        self.assertIsNone(self.successResultOf(disconnecting))
        self.assertIsInstance(factory.buildProtocol(None), NamedRecorder)

    def test_repr(self) -> None:
        """
        A tracker's representation says whether it has been disconnected.
        """
        self.assertEqual(repr(self.tracker), "<twistedtesting.ConnectionTracker open>")
        self.tracker.disconnect()
        self.assertEqual(
            repr(self.tracker), "<twistedtesting.ConnectionTracker closed>"
        )


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

    async def test_tracksPairProtocol(self) -> None:
        """
        A protocol of a L{ConnectedPair} can be tracked: the tracker's
        teardown loses its connection and waits for its C{connectionLost},
        which runs once, and the pair's teardown then has nothing left but
        its port.
        """
        before = ReactorState.now()
        pair = await self.connectedPair(Hub().factory(Echo), Hub().factory())
        tracker = ConnectionTracker()
        self.assertIs(tracker.trackProtocol(pair.serverProtocol), pair.serverProtocol)
        await tracker.disconnect()
        self.assertEqual(pair.serverProtocol.events, ["made", "lost"])
        self.assertIsInstance(await pair.whenServerLost(), ConnectionDone)
        await pair.disconnect()
        self.assertEqual(pair.clientProtocol.events, ["made", "lost"])
        self.assertEqual(ReactorState.now(), before)

    async def test_site(self) -> None:
        """
        The connections of a tracked L{Site}, whose protocols are made with
        L{proxyForInterface}, are lost and waited for, even one that
        L{Agent} keeps open after its response for the next request.
        """
        before = ReactorState.now()
        tracker = ConnectionTracker()
        built: list[object] = []
        site = greetingSite()
        buildProtocol: Any = site.buildProtocol

        def recordingBuild(addr: Any) -> Any:
            built.append(buildProtocol(addr))
            return built[-1]

        site.buildProtocol = recordingBuild  # type: ignore[method-assign]
        factory = tracker.trackFactory(site)
        port = tracker.trackPort(
            reactor.listenTCP(0, factory, interface="127.0.0.1")  # type: ignore[arg-type]
        )
        address: Any = port.getHost()
        pool = HTTPConnectionPool(_reactor, persistent=True)
        agent = Agent(_reactor, pool=pool)
        url = f"http://127.0.0.1:{address.port}/tracked".encode()
        for _ in range(2):
            response = await agent.request(b"GET", url)
            self.assertEqual(await readBody(response), b"hello, /tracked")
        self.assertEqual(len(built), 1)
        transport: Any = cast(Any, built[0])._channel.transport
        self.assertFalse(transport.disconnected)
        await tracker.disconnect()
        self.assertTrue(transport.disconnected)
        await pool.closeCachedConnections()
        self.assertEqual(ReactorState.now(), before)
