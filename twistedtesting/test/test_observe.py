# -*- test-case-name: twistedtesting.test.test_observe -*-
"""
Tests for L{twistedtesting._observe}: observing a protocol's connection
without changing the protocol.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.interfaces import (
    IHalfCloseableProtocol,
    IHandshakeListener,
    ILoggingContext,
    IProtocol,
)
from twisted.internet.protocol import Protocol
from twisted.python.components import proxyForInterface
from twisted.python.failure import Failure
from twisted.web.server import Site
from zope.interface import Interface, directlyProvides, implementer
from zope.interface.verify import verifyObject

from twistedtesting import SynchronousTestCase
from twistedtesting._observe import (
    ObservedConnection,
    ProtocolObserver,
    observeBuilt,
    observeConnected,
)
from twistedtesting.test.fakes import HoldingTransport
from twistedtesting.test.recorders import NamedRecorder
from twistedtesting.test.webhelpers import Greeting


class ProxiedProtocol(proxyForInterface(IProtocol, "_inner")):  # type: ignore[misc]
    """
    A protocol made with L{proxyForInterface}, as L{Site}'s are: its
    methods are descriptors on the class, which win over attributes set
    on the instance; a test helper.
    """


class IMarker(Interface):
    """
    An interface a protocol is given directly; a test helper.
    """


@implementer(IHalfCloseableProtocol, IHandshakeListener)
class HalfClosing(NamedRecorder):
    """
    A L{NamedRecorder} that can be half-closed and hears of TLS handshakes;
    a test helper.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.calls: list[str] = []

    def readConnectionLost(self) -> None:
        self.calls.append("readConnectionLost")

    def writeConnectionLost(self) -> None:
        self.calls.append("writeConnectionLost")

    def handshakeCompleted(self) -> None:
        self.calls.append("handshakeCompleted")


class ObserveBuiltTests(SynchronousTestCase):
    """
    L{observeBuilt}: the observer a transport is given for a protocol a
    factory built.
    """

    def test_passesOn(self) -> None:
        """
        The observer connects the protocol to the transport itself, passes
        data on, and records the connection and its loss after the
        protocol's own methods have run.
        """
        protocol = NamedRecorder("p")
        observer, record = observeBuilt(protocol)
        self.assertIs(record.protocol, protocol)
        seen: list[tuple[bool, list[str]]] = []
        record.listen(lambda: seen.append((record.done, list(protocol.events))))
        transport = HoldingTransport.connect(observer)
        self.assertIs(protocol.transport, transport)
        self.assertIs(record.transport, transport)
        self.assertTrue(record.made)
        observer.dataReceived(b"abc")
        self.assertEqual(protocol.received, b"abc")
        transport.lose(ConnectionDone())
        self.assertEqual(protocol.events, ["made", "lost"])
        self.assertTrue(record.done)
        self.assertIsInstance(record.lostReason, Failure)
        self.assertEqual(seen, [(False, ["made"]), (True, ["made", "lost"])])
        self.assertIsInstance(self.successResultOf(record.whenLost()), ConnectionDone)

    def test_proxyForInterface(self) -> None:
        """
        A protocol made with L{proxyForInterface}, on which no instance
        attribute would be seen, is observed all the same.
        """
        inner = NamedRecorder("inner")
        protocol = ProxiedProtocol(inner)
        observer, record = observeBuilt(protocol)
        transport = HoldingTransport.connect(observer)
        self.assertIs(inner.transport, transport)
        self.assertTrue(record.made)
        transport.lose(ConnectionLost())
        self.assertEqual(inner.events, ["made", "lost"])
        self.assertIsInstance(self.successResultOf(record.whenLost()), ConnectionLost)

    def test_siteProtocol(self) -> None:
        """
        The protocol of a L{Site} is observed, and still serves requests
        through the observer.
        """
        protocol = Site(Greeting()).buildProtocol(IPv4Address("TCP", "127.0.0.1", 1))
        observer, record = observeBuilt(protocol)
        transport = HoldingTransport.connect(observer)
        self.assertTrue(record.made)
        observer.dataReceived(b"GET /x HTTP/1.0\r\n\r\n")
        self.assertTrue(transport.value().startswith(b"HTTP/1.0 200 OK\r\n"))
        self.assertTrue(transport.value().endswith(b"hello, /x"))
        transport.lose(ConnectionDone())
        self.assertTrue(record.done)

    def test_interfacesAndName(self) -> None:
        """
        The observer provides the interfaces the protocol provides, those
        of its class and its own, and passes on the methods of those it has
        no method for; its class has the protocol class's name, so that
        the transport's representation reads as without it.
        """
        protocol = HalfClosing("h")
        directlyProvides(protocol, IMarker)
        observer, _ = observeBuilt(protocol)
        for interface in (IProtocol, IHalfCloseableProtocol, IHandshakeListener):
            self.assertTrue(verifyObject(interface, observer))
        self.assertTrue(IMarker.providedBy(observer))
        self.assertTrue(verifyObject(ILoggingContext, observer))
        self.assertEqual(type(observer).__name__, "HalfClosing")
        self.assertIsInstance(observer, ProtocolObserver)
        any: Any = observer
        any.readConnectionLost()
        any.handshakeCompleted()
        self.assertEqual(protocol.calls, ["readConnectionLost", "handshakeCompleted"])
        self.assertIs(type(observeBuilt(HalfClosing("i"))[0]), type(observer))
        self.assertFalse(IMarker.providedBy(observeBuilt(HalfClosing("j"))[0]))

    def test_logPrefix(self) -> None:
        """
        The observer's log prefix is the protocol's, or its class's name
        for a protocol without one.
        """

        class Prefixed(Protocol):
            def logPrefix(self) -> str:
                return "prefixed"

        class Plain:
            pass

        self.assertEqual(observeBuilt(Prefixed())[0].logPrefix(), "prefixed")
        self.assertEqual(observeBuilt(Plain())[0].logPrefix(), "Plain")

    def test_errorsStillRecorded(self) -> None:
        """
        A protocol whose C{makeConnection} or C{connectionLost} raises has
        its connection recorded all the same, and the exception goes on to
        the transport.
        """

        class Raising(Protocol):
            def makeConnection(self, transport: Any) -> None:
                raise ValueError("make")

            def connectionLost(self, reason: object = None) -> None:
                raise ValueError("lost")

        observer, record = observeBuilt(Raising())
        self.assertRaises(ValueError, observer.makeConnection, HoldingTransport())
        self.assertTrue(record.made)
        self.assertRaises(
            ValueError, observer.connectionLost, Failure(ConnectionDone())
        )
        self.assertTrue(record.done)


class ObserveConnectedTests(SynchronousTestCase):
    """
    L{observeConnected}: observing a protocol that has connected.
    """

    def test_transportHolds(self) -> None:
        """
        When the transport holds the protocol, it is given the observer in
        the protocol's place.
        """
        protocol = NamedRecorder("p")
        transport = HoldingTransport.connect(protocol)
        record = observeConnected(protocol)
        self.assertIsInstance(transport.protocol, ProtocolObserver)
        self.assertIs(record.transport, transport)
        transport.lose(ConnectionDone())
        self.assertTrue(record.done)
        self.assertEqual(protocol.events, ["made", "lost"])

    def test_wrappingProtocolHolds(self) -> None:
        """
        When the transport holds a wrapping protocol (as a TLS layer, a
        L{twisted.protocols.policies.ProtocolWrapper}, or the protocol an
        endpoint connects with) that holds the protocol, the wrapping
        protocol is given the observer in the protocol's place.
        """
        for name in ("wrappedProtocol", "_wrappedProtocol"):
            protocol = NamedRecorder("p")
            wrapper = Protocol()
            setattr(wrapper, name, protocol)
            transport = HoldingTransport.connect(wrapper)
            protocol.makeConnection(transport)
            record = observeConnected(protocol)
            self.assertIsInstance(getattr(wrapper, name), ProtocolObserver)
            getattr(wrapper, name).connectionLost(Failure(ConnectionDone()))
            self.assertTrue(record.done)
            self.assertEqual(protocol.events, ["made", "lost"])

    def test_observerHolds(self) -> None:
        """
        When the transport holds the observer of a protocol that is observed
        already (a pair's, or one a tracked factory built), a second
        observer goes between the first and the protocol: both records see
        the connection lost, and the protocol's C{connectionLost} runs once.
        """
        protocol = NamedRecorder("p")
        first, firstRecord = observeBuilt(protocol)
        transport = HoldingTransport.connect(first)
        record = observeConnected(protocol)
        self.assertIs(transport.protocol, first)
        self.assertIsInstance(first.wrapped, ProtocolObserver)
        self.assertIs(first.wrapped.wrapped, protocol)
        self.assertIs(record.transport, transport)
        transport.protocol.dataReceived(b"on")
        self.assertEqual(protocol.received, b"on")
        transport.lose(ConnectionDone())
        self.assertEqual((firstRecord.done, record.done), (True, True))
        self.assertEqual(protocol.events, ["made", "lost"])

    def test_alreadyLost(self) -> None:
        """
        A protocol whose transport has disconnected counts as lost, and its
        transport is left alone.
        """
        protocol = NamedRecorder("p")
        transport = HoldingTransport.connect(protocol)
        transport.disconnected = True
        record = observeConnected(protocol)
        self.assertTrue(record.done)
        self.assertIs(transport.protocol, protocol)
        lost = self.successResultOf(record.whenLost())
        self.assertEqual(
            str(lost),
            "Connection was closed cleanly: the connection "
            "was lost before it was tracked.",
        )


class ObservedConnectionTests(SynchronousTestCase):
    """
    L{ObservedConnection}, the record of a connection.
    """

    def test_whenLost(self) -> None:
        """
        C{whenLost()} fires with the reason's exception once the connection
        is lost, each waiter once; a cancelled waiter is forgotten.
        """
        record = ObservedConnection(NamedRecorder("p"))
        first, cancelled = record.whenLost(), record.whenLost()
        cancelled.cancel()
        self.failureResultOf(cancelled)
        self.assertNoResult(first)
        error = ConnectionDone()
        record.lost(Failure(error))
        self.assertIs(self.successResultOf(first), error)
        self.assertIs(self.successResultOf(record.whenLost()), error)

    def test_unlisten(self) -> None:
        """
        A listener removed is not called again.
        """
        record = ObservedConnection(NamedRecorder("p"))
        calls: list[str] = []

        def listener() -> None:
            calls.append("called")

        record.listen(listener)
        record.connected(HoldingTransport())
        record.unlisten(listener)
        record.unlisten(listener)
        record.handshakeCompleted()
        self.assertEqual(calls, ["called"])
