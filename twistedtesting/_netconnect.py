# -*- test-case-name: twistedtesting.test.test_network -*-
"""
:class:`NetConnector`: a connection attempt from a host of a simulated
network, as ``connectTCP`` returns it, and the handshake it plays: a
request that a partition loses and the client sends again, a refusal from
a host with no listener, an answer that connects both ends, a timeout when
nobody answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet.address import IPv4Address
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    NotConnectingError,
    TimeoutError,
    UserError,
)
from twisted.internet.interfaces import IConnector, IDelayedCall, IProtocol
from twisted.internet.protocol import ClientFactory
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting._netends import ConnectionEnd
from twistedtesting._topology import LinkGate

if TYPE_CHECKING:
    from twistedtesting._hostreactor import HostReactor
    from twistedtesting._link import Link
    from twistedtesting._netlisten import NetPort

SYN_RETRY = 1.0
"""
Seconds before a client sends an unanswered connection request again; the
wait doubles each time, as Linux's TCP does.
"""


@implementer(IConnector)
class NetConnector:
    """
    A client's connection to ``host``:``port``, as Twisted's TCP connector
    does it: the factory is started, told ``startedConnecting``, then
    either ``buildProtocol`` (connected) or ``clientConnectionFailed``; once
    connected, ``clientConnectionLost`` when the connection ends.
    ``connect()`` again tries again (as ``ReconnectingClientFactory`` does).

    :ivar reactor: The client host's reactor.
    :ivar host: The destination, a host name or an address.
    :ivar port: The destination port.
    :ivar factory: The client factory.
    :ivar timeout: Seconds (of the host's clock) before giving up, or
        ``None``.
    :ivar state: ``"disconnected"``, ``"connecting"`` or ``"connected"``.
    :ivar transport: The connected transport, or ``None``.
    """

    def __init__(
        self,
        reactor: HostReactor,
        host: str,
        port: int,
        factory: ClientFactory[Any],
        timeout: float | None,
    ) -> None:
        self.reactor = reactor
        self.host = host
        self.port = port
        self.factory = factory
        self.timeout = timeout
        self.state = "disconnected"
        self.transport: object = None
        self._factoryStarted = False
        self._attempt: _Attempt | None = None

    def connect(self) -> None:
        """
        Start connecting.

        :raises RuntimeError: If it is connecting or connected.
        """
        if self.state != "disconnected":
            raise RuntimeError("can't connect in this state")
        self.state = "connecting"
        if not self._factoryStarted:
            self.factory.doStart()
            self._factoryStarted = True
        attempt = _Attempt(self)
        self._attempt = attempt
        self.reactor.connectors.add(self)
        self.factory.startedConnecting(self)
        attempt.start()

    def stopConnecting(self) -> None:
        """
        Give up connecting: ``clientConnectionFailed`` with ``UserError``.

        :raises twisted.internet.error.NotConnectingError: If it is not
            connecting.
        """
        if self.state != "connecting" or self._attempt is None:
            raise NotConnectingError("we're not trying to connect")
        self._attempt.giveUp(Failure(UserError()))

    def disconnect(self) -> None:
        """
        Stop connecting, or close the connection.
        """
        if self.state == "connecting":
            self.stopConnecting()
        elif self.state == "connected":
            self.transport.loseConnection()  # type: ignore[attr-defined]

    def getDestination(self) -> IPv4Address:
        """
        :returns: Where it connects to.
        """
        return IPv4Address("TCP", self.host, self.port)

    def connectionFailed(self, reason: Failure) -> None:
        """
        The attempt failed with ``reason``.
        """
        self._attempt = None
        self.reactor.connectors.discard(self)
        self.state = "disconnected"
        self.factory.clientConnectionFailed(self, reason)
        if self.state == "disconnected":
            self.factory.doStop()
            self._factoryStarted = False

    def connected(self, end: ConnectionEnd) -> None:
        """
        The connection is made.
        """
        self._attempt = None
        self.reactor.connectors.discard(self)
        self.state = "connected"
        self.transport = end.transport

    def connectionLost(self, reason: Failure) -> None:
        """
        The connection made ended.
        """
        self.state = "disconnected"
        self.transport = None
        self.factory.clientConnectionLost(self, reason)
        if self.state == "disconnected":
            self.factory.doStop()
            self._factoryStarted = False

    def crash(self) -> None:
        """
        The host crashed: the attempt ends without a word.
        """
        attempt = self._attempt
        if attempt is not None:
            attempt.finish()

    def __repr__(self) -> str:
        return (
            f"<NetConnector {self.reactor.name} -> {self.host}:{self.port} "
            f"{self.state}>"
        )


class _Attempt:
    """
    One handshake of a :class:`NetConnector`.
    """

    def __init__(self, connector: NetConnector) -> None:
        self.connector = connector
        self.client = connector.reactor
        self.network = connector.reactor.network
        self.localPort = connector.reactor.ephemeralPort()
        self.done = False
        self.targetName = connector.host
        self.serverEnd: ConnectionEnd | None = None
        self.serverName = ""
        self.links: tuple[Link, Link, LinkGate] | None = None
        self._retry: IDelayedCall | None = None
        self._timeout: IDelayedCall | None = None

    def start(self) -> None:
        client = self.client
        connector = self.connector
        address = self.network.resolve(connector.host, client)
        if connector.timeout is not None:
            self._timeout = client.callLater(connector.timeout, self.timedOut)
        if address is None:
            client.netClock.callLater(
                0,
                self.giveUp,
                Failure(DNSLookupError(f"no host named {connector.host!r}")),
            )
            return
        self.address = address
        self.sendRequest(0)

    def sendRequest(self, tries: int) -> None:
        """
        Send the connection request (again, after ``tries`` unanswered).
        """
        if self.done:
            return
        client = self.client
        network = self.network
        server = network.reactorAt(self.address)
        target = self.targetName if server is None else server.name
        detail = f"port {self.connector.port}"
        if tries:
            detail += f", try {tries + 1}"
        network.traceNow("connect", client.name, target, detail)
        if server is not None:
            network.sendPacket(client, server, self.requestArrived)
        self._retry = client.netClock.callLater(
            SYN_RETRY * 2**tries, self.sendRequest, tries + 1
        )

    def requestArrived(self, server: HostReactor) -> None:
        """
        The request reached ``server``: refuse, accept, or answer again.
        """
        if self.done:
            return
        client = self.client
        if self.serverEnd is not None or self.links is not None:
            self.network.sendPacket(server, client, self.answerArrived)
            return
        port = server.portFor(self.connector.port, client.address)
        if port is None:
            self.network.traceNow(
                "refused", server.name, client.name, f"port {self.connector.port}"
            )
            self.network.sendPacket(server, client, self.refusalArrived)
            return
        self.accept(server, port)
        self.network.sendPacket(server, client, self.answerArrived)

    def accept(self, server: HostReactor, port: NetPort) -> None:
        client = self.client
        network = self.network
        self.serverName = server.name
        toServer, toClient = network.makeLinks(client, server)
        gate = network.topology.addLink((server.name, client.name), toClient, True)
        self.links = (toServer, toClient, gate)
        serverAddress = IPv4Address("TCP", server.address, port.port)
        clientAddress = IPv4Address("TCP", client.address, self.localPort)
        network.traceNow("accept", server.name, client.name, f"port {port.port}")
        protocol = port.factory.buildProtocol(clientAddress)
        if protocol is None:
            toServer.close()
            toClient.sendEnd()
            return
        end = ConnectionEnd(
            server,
            client.name,
            protocol,
            toServer,
            toClient,
            serverAddress,
            clientAddress,
        )
        self.serverEnd = end
        end.connect()

    def refusalArrived(self, client: HostReactor) -> None:
        if self.done:
            return
        self.giveUp(
            Failure(
                ConnectionRefusedError(
                    f"{self.targetName}:{self.connector.port}: connection refused"
                )
            )
        )

    def answerArrived(self, client: HostReactor) -> None:
        """
        The server's answer reached the client: connect its end.
        """
        if self.done:
            self.resetServer()
            return
        self.finish()
        assert self.links is not None
        toServer, toClient, gate = self.links
        connector = self.connector
        serverAddress = IPv4Address("TCP", self.address, connector.port)
        clientAddress = IPv4Address("TCP", client.address, self.localPort)
        protocol: IProtocol | None = connector.factory.buildProtocol(serverAddress)
        if protocol is None:
            toServer.sendReset(Failure(ConnectError("the factory built no protocol")))
            connector.connectionFailed(
                Failure(ConnectError(string="the client factory built no protocol"))
            )
            return
        end = ConnectionEnd(
            client,
            self.serverName,
            protocol,
            toClient,
            toServer,
            clientAddress,
            serverAddress,
            onLost=connector.connectionLost,
        )
        self.network.traceNow(
            "connected", client.name, self.serverName, f"port {connector.port}"
        )
        connector.connected(end)
        end.connect()
        gate.open()

    def resetServer(self) -> None:
        """
        The client gave up after the server accepted: reset the server's
        end, as a client's TCP answers a late handshake.
        """
        if self.links is not None:
            toServer, toClient, _ = self.links
            toClient.close()
            toServer.sendReset(Failure(ConnectionLost("Connection reset by peer")))

    def timedOut(self) -> None:
        if self.done:
            return
        self.network.traceNow(
            "timeout", self.client.name, self.targetName, f"port {self.connector.port}"
        )
        self.giveUp(Failure(TimeoutError()))
        self.resetServer()

    def finish(self) -> None:
        """
        End the handshake: no more retries, no timeout.
        """
        self.done = True
        for call in (self._retry, self._timeout):
            if call is not None and call.active():
                call.cancel()

    def giveUp(self, reason: Failure) -> None:
        if self.done:
            return
        self.finish()
        self.connector.connectionFailed(reason)
