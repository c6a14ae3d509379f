# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
Protocols that record what happens to them, for the tests of real and
fake connections, and the hub that collects them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import attrs
from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.interfaces import (
    IHalfCloseableProtocol,
    IPullProducer,
)
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure
from zope.interface import implementer


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


class NamedRecorder(Recorder):
    """
    A L{Recorder} with a short representation; a test helper.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


@implementer(IHalfCloseableProtocol)
class HalfCloser(Recorder):
    """
    A L{Recorder} that, when its input ends, answers with C{b"bye"} and
    closes; a test helper.

    :ivar inputEnded: Fires when its input ends.
    """

    def __init__(self, hub: Hub | None = None) -> None:
        super().__init__(hub)
        self.inputEnded: Deferred[None] = Deferred()

    def readConnectionLost(self) -> None:
        self.inputEnded.callback(None)
        self.send(b"bye")
        assert self.transport is not None
        self.transport.loseConnection()

    def writeConnectionLost(self) -> None:
        pass


async def connectRecorder(address: Any) -> Recorder:
    """
    Connect a L{Recorder} to the TCP port at C{address}, as code under test
    would, with its own factory.
    """
    endpoint = TCP4ClientEndpoint(_reactor, address.host, address.port)
    return cast(Recorder, await endpoint.connect(Factory.forProtocol(Recorder)))
