# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`ConnectionEnd`: one host's end of a connection on a simulated
network: a :class:`twistedtesting.ChunkedTransport` over the two links
between the hosts, whose protocol's input and loss the network traces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.internet.interfaces import IHalfCloseableProtocol, IProtocol, ITransport
from twisted.python.failure import Failure
from zope.interface import alsoProvides, implementer

from twistedtesting._chunked import ChunkedTransport
from twistedtesting._link import Link

if TYPE_CHECKING:
    from twistedtesting._hostreactor import HostReactor


@implementer(IProtocol)
class EndProtocol:
    """
    What the transport of a :class:`ConnectionEnd` calls: the application's
    protocol, with the network's tracing in front.  The protocol is given
    the transport itself, so it sees nothing of this.

    :ivar wrapped: The application's protocol.
    """

    def __init__(self, wrapped: IProtocol, end: ConnectionEnd) -> None:
        self.wrapped = wrapped
        self._end = end
        self._received = wrapped.dataReceived
        if IHalfCloseableProtocol.providedBy(wrapped):
            alsoProvides(self, IHalfCloseableProtocol)

    def makeConnection(self, transport: ITransport) -> None:
        """Connect the application's protocol."""
        self.wrapped.makeConnection(transport)

    def connectionMade(self) -> None:
        """Nothing: ``makeConnection`` calls the protocol's own."""

    def dataReceived(self, data: bytes) -> None:
        """Trace the bytes, and give them to the application's protocol."""
        self._end.received(len(data))
        self._received(data)

    def connectionLost(self, reason: Failure) -> None:
        """Tell the application's protocol, then the network."""
        try:
            self.wrapped.connectionLost(reason)
        finally:
            self._end.lost(reason)

    def readConnectionLost(self) -> None:
        """The peer shut its side (half-closeable protocols only)."""
        IHalfCloseableProtocol(self.wrapped).readConnectionLost()

    def writeConnectionLost(self) -> None:
        """The write side is shut (half-closeable protocols only)."""
        IHalfCloseableProtocol(self.wrapped).writeConnectionLost()


class ConnectionEnd:
    """
    One host's end of a connection: its transport, the link its input comes
    through and the link its writes go to.

    :ivar reactor: The host's reactor.
    :ivar peerName: The other host's name.
    :ivar transport: The application protocol's transport.
    :ivar inbound: The link from the peer.
    :ivar outbound: The link to the peer.
    :ivar crashed: Whether its host crashed while it was open.
    """

    def __init__(
        self,
        reactor: HostReactor,
        peerName: str,
        protocol: IProtocol,
        inbound: Link,
        outbound: Link,
        hostAddress: IPv4Address,
        peerAddress: IPv4Address,
        onLost: Callable[[Failure], object] | None = None,
    ) -> None:
        self.reactor = reactor
        self.peerName = peerName
        self.inbound = inbound
        self.outbound = outbound
        self.crashed = False
        self._onLost = onLost
        self._record = reactor.network.trace.record
        self._clock = reactor.network.clock
        self.protocol = protocol
        self.transport = ChunkedTransport.overLinks(
            EndProtocol(protocol, self),
            inbound,
            outbound,
            clock=reactor.netClock,
            hostAddress=hostAddress,
            peerAddress=peerAddress,
        )

    def connect(self) -> None:
        """
        Connect the protocol, and count the end among its host's.
        """
        self.reactor.ends.add(self)
        self.transport.connectProtocol()

    def received(self, count: int) -> None:
        """
        ``count`` bytes are given to the protocol.
        """
        self._record(
            self._clock.seconds(), "data", self.peerName, self.reactor.name, count
        )

    def lost(self, reason: Failure) -> None:
        """
        The protocol's connection was lost.
        """
        self.reactor.ends.discard(self)
        kind = "close" if reason.check(ConnectionDone) is not None else "reset"
        name = getattr(reason.type, "__name__", "?")
        self._record(
            self._clock.seconds(), kind, self.reactor.name, self.peerName, name
        )
        if self._onLost is not None:
            self._onLost(reason)

    def crash(self) -> None:
        """
        The host crashed: the peer's connection is reset (after the link's
        latency), and nothing more reaches this end.  The protocol is not
        told: nothing of a crashed host runs.
        """
        self.crashed = True
        self.reactor.ends.discard(self)
        self.outbound.sendReset(Failure(ConnectionLost("Connection reset by peer")))
        self.inbound.close()

    def __repr__(self) -> str:
        return (
            f"<ConnectionEnd {self.reactor.name} -> {self.peerName}: "
            f"{self.transport!r}>"
        )
