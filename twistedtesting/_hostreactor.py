# -*- test-case-name: twistedtesting.test.test_hostreactor -*-
"""
:class:`HostReactor`: what one host of a simulated network gives its
application for a reactor: time (``IReactorTime``, with the host's clock
skew and drift), TCP (``IReactorTCP``) and name resolution
(``IReactorPluggableNameResolver``), enough for Twisted's TCP and hostname
endpoints, ``Agent``, ``ClientService`` and the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from twisted.internet.address import IPv4Address
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import (
    IAddress,
    IDelayedCall,
    IHostnameResolver,
    IHostResolution,
    IReactorPluggableNameResolver,
    IReactorTCP,
    IReactorTime,
    IResolutionReceiver,
)
from twisted.internet.protocol import ClientFactory, Factory
from zope.interface import implementer

from twistedtesting._checks import checkInt
from twistedtesting._clock import checkSeconds
from twistedtesting._hostclock import HostClock
from twistedtesting._netconnect import NetConnector
from twistedtesting._netends import ConnectionEnd
from twistedtesting._netlisten import NetPort
from twistedtesting._netscheduler import HostTimers

if TYPE_CHECKING:
    from twistedtesting._fabric import NetworkFabric

FIRST_EPHEMERAL_PORT = 49152
"""
The first port number a host gives its outgoing connections.
"""


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        """Resolution here cannot be cancelled; it ends on the next turn."""


@implementer(IHostnameResolver)
class HostResolver:
    """
    Resolves the names of the network's hosts, on the host's next turn,
    to their IPv4 addresses.  An unknown name resolves to no address (so
    ``HostnameEndpoint`` fails with ``DNSLookupError``).
    """

    def __init__(self, reactor: HostReactor) -> None:
        self._reactor = reactor

    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        """
        Resolve ``hostName``; the receiver is told on the host's next turn.
        """
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        reactor = self._reactor
        address = reactor.network.resolve(hostName, reactor)
        wanted = addressTypes is None or IPv4Address in addressTypes

        def answer() -> None:
            if address is not None and wanted:
                resolutionReceiver.addressResolved(
                    IPv4Address(
                        "UDP" if transportSemantics == "UDP" else "TCP",
                        address,
                        portNumber,
                    )
                )
            resolutionReceiver.resolutionComplete()

        reactor.callLater(0, answer)
        return resolution


@implementer(IReactorTime, IReactorTCP, IReactorPluggableNameResolver)
class HostReactor:
    """
    One life of a host: the reactor its application runs on, from its
    start to its crash.  A restart makes a new one, with the same name and
    address and none of the old one's ports, connections or calls.

    :ivar network: The network's services to its hosts.
    :ivar name: The host's name.
    :ivar address: The host's IPv4 address.
    :ivar timers: The host's events in the network.
    :ivar netClock: The network's time, for what the network does on the
        host's behalf (deliveries, handshakes).
    :ivar clock: The host's own time, as the application reads it.
    :ivar ports: The listening ports, by number.
    :ivar ends: The open connection ends.
    :ivar connectors: The connection attempts under way.
    """

    def __init__(
        self,
        network: NetworkFabric,
        name: str,
        address: str,
        timers: HostTimers,
        offset: float,
        rate: float,
    ) -> None:
        self.network = network
        self.name = name
        self.address = address
        self.timers = timers
        self.netClock = HostClock(timers)
        self.clock = HostClock(timers, offset, rate)
        self.ports: dict[int, NetPort] = {}
        self.ends: set[ConnectionEnd] = set()
        self.connectors: set[NetConnector] = set()
        self._nameResolver: IHostnameResolver = HostResolver(self)
        self._nextPort = FIRST_EPHEMERAL_PORT

    @property
    def running(self) -> bool:
        """Whether the host is up (not crashed); a paused host is running."""
        return not self.timers.dead

    # IReactorTime.

    def seconds(self) -> float:
        """
        :returns: The host's time: the network's, with its offset and drift.
        """
        return self.clock.seconds()

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> IDelayedCall:
        """
        Call ``callable(*args, **kw)`` in ``delay`` of the host's seconds,
        unless the host crashes first; not while it is paused.
        """
        return self.clock.callLater(delay, callable, *args, **kw)

    def getDelayedCalls(self) -> list[IDelayedCall]:
        """
        :returns: The host's pending calls.
        """
        return self.clock.getDelayedCalls()

    # IReactorPluggableNameResolver.

    @property
    def nameResolver(self) -> IHostnameResolver:
        """The name resolver: the network's host names by default."""
        return self._nameResolver

    def installNameResolver(self, resolver: IHostnameResolver) -> IHostnameResolver:
        """
        Use ``resolver`` from now on.

        :returns: The resolver used before.
        """
        previous, self._nameResolver = self._nameResolver, resolver
        return previous

    # IReactorTCP.

    def listenTCP(
        self,
        port: int,
        factory: Factory[Any],
        backlog: int = 50,
        interface: str = "",
    ) -> NetPort:
        """
        Listen on ``port`` (``0`` for a free one).

        :raises TypeError: If ``port`` is not an ``int``.
        :raises twisted.internet.error.CannotListenError: If the port is
            taken, out of range, or ``interface`` is not this host's.
        """
        checkInt("listenTCP() port", port, "an int")
        if interface not in ("", "0.0.0.0", self.address) and not interface.startswith(
            "127."
        ):
            raise CannotListenError(
                interface,
                port,
                OSError(f"{interface} is not an address of {self.name}"),
            )
        if not 0 <= port < 65536:
            raise CannotListenError(interface, port, OSError("port out of range"))
        if port == 0:
            port = self.ephemeralPort()
        listening = NetPort(self, port, factory, interface)
        listening.startListening()
        return listening

    def connectTCP(
        self,
        host: str,
        port: int,
        factory: ClientFactory[Any],
        timeout: float = 30,
        bindAddress: tuple[str, int] | None = None,
    ) -> NetConnector:
        """
        Connect to ``host`` (a host name of the network or an address) on
        ``port``.  A port nobody listens on refuses
        (``ConnectionRefusedError``); a host that is down, partitioned away
        or unknown never answers, so the attempt times out after
        ``timeout`` seconds (``TimeoutError``); an unknown name fails with
        ``DNSLookupError``.

        :raises TypeError: If ``host`` is not a ``str`` or ``port`` not an
            ``int``.
        """
        if not isinstance(host, str):
            raise TypeError(
                f"connectTCP() host must be a str, not {type(host).__name__} {host!r}"
            )
        checkInt("connectTCP() port", port, "an int")
        if timeout is not None:
            checkSeconds(timeout, "connectTCP() timeout")
        connector = NetConnector(self, host, port, factory, timeout)
        connector.connect()
        return connector

    # For the parts of the host.

    def ephemeralPort(self) -> int:
        """
        :returns: A port number not used yet on this host.
        """
        while True:
            port = self._nextPort
            self._nextPort = port + 1 if port < 65535 else FIRST_EPHEMERAL_PORT
            if port not in self.ports:
                return port

    def bindPort(self, port: NetPort) -> None:
        """
        Take ``port``'s number.

        :raises twisted.internet.error.CannotListenError: If it is taken.
        """
        if port.port in self.ports:
            raise CannotListenError(
                port.interface, port.port, OSError("Address already in use")
            )
        self.ports[port.port] = port
        self.network.traceNow("listen", self.name, "", f"port {port.port}")

    def unbindPort(self, port: NetPort) -> None:
        """
        Free ``port``'s number.
        """
        if self.ports.get(port.port) is port:
            del self.ports[port.port]
            self.network.traceNow("unlisten", self.name, "", f"port {port.port}")

    def portFor(self, number: int, clientAddress: str) -> NetPort | None:
        """
        :returns: The port that accepts a connection to ``number`` from
            ``clientAddress``, or ``None``.
        """
        port = self.ports.get(number)
        if port is None or not port.accepts(clientAddress):
            return None
        return port

    def crash(self) -> None:
        """
        The host crashed: its calls are dropped, its connections reset, its
        ports and attempts gone, without a word to the application.
        """
        self.timers.kill()
        for end in list(self.ends):
            end.crash()
        for connector in list(self.connectors):
            connector.crash()
        self.connectors.clear()
        self.ports.clear()

    def __repr__(self) -> str:
        state = (
            "crashed" if self.timers.dead else "paused" if self.timers.paused else "up"
        )
        return (
            f"<HostReactor {self.name} {self.address} {state}: "
            f"{len(self.ports)} ports, {len(self.ends)} connections>"
        )
