# -*- test-case-name: twistedtesting.test.test_dialing -*-
"""
Listening with a server factory and connecting a client factory to it: with
the reactor's own methods, as hand-written test code does (which costs less
than endpoints), or with the endpoints the user gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import (
    IAddress,
    IListeningPort,
    IReactorTCP,
    IReactorUNIX,
    IStreamClientEndpoint,
)
from twisted.python.failure import Failure

from twistedtesting._sockets import socketDirectory

if TYPE_CHECKING:
    from twistedtesting._pairoptions import PairOptions


def connectTo(reactor: Any, address: IAddress, factory: Any) -> Any:
    """
    Connect ``factory`` to the listening port at ``address`` with the
    reactor.

    :returns: The connector.
    :raises TypeError: For an address of a kind it does not know, or a
        reactor that cannot connect to it.
    """
    return dialerTo(reactor, address)(factory)


def dialerTo(reactor: Any, address: IAddress) -> Callable[[Any], Any]:
    """
    What :func:`connectTo` does for ``address``, with its checks made once:
    a function that connects a factory to it and returns the connector, for
    whoever connects there many times.

    :raises TypeError: For an address of a kind it does not know, or a
        reactor that cannot connect to it.
    """
    if isinstance(address, (IPv4Address, IPv6Address)):
        if not IReactorTCP.providedBy(reactor):
            raise TypeError(f"reactor must provide IReactorTCP: {reactor!r}")
        host = address.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if isinstance(address, IPv4Address) else "::1"
        port = address.port
        connectTCP = reactor.connectTCP
        return lambda factory: connectTCP(host, port, factory)
    if isinstance(address, UNIXAddress) and address.name is not None:
        if not IReactorUNIX.providedBy(reactor):
            raise TypeError(f"reactor must provide IReactorUNIX: {reactor!r}")
        name = address.name
        path = name.decode() if isinstance(name, bytes) else name
        connectUNIX = reactor.connectUNIX
        return lambda factory: connectUNIX(path, factory)
    raise TypeError(
        f"cannot connect to a listening port at {address!r}: pass clientEndpoint"
    )


class Dialer:
    """
    Listens with the server's factory, then connects the client's factory
    to the port, as a connection attempt's options say; and stops either
    when the attempt is cancelled.

    It reports to the attempt: ``listening`` is given the port once there is
    one, and returns the address to connect to, or ``None`` not to connect;
    ``failed`` is given the reason listening or connecting failed.
    """

    def __init__(
        self,
        options: PairOptions,
        serverFactory: Any,
        clientFactory: Any,
        listening: Callable[[IListeningPort], IAddress | None],
        failed: Callable[[Failure], None],
    ) -> None:
        self._options = options
        self._serverFactory = serverFactory
        self._clientFactory = clientFactory
        self._listening = listening
        self._failed = failed
        self._pending: Deferred[Any] | None = None
        self._connector: Any = None

    def start(self) -> None:
        """
        Start listening, and connecting once listening.
        """
        options = self._options
        if options.serverEndpoint is not None:
            self._pending = options.serverEndpoint.listen(self._serverFactory)
            self._pending.addCallbacks(self._connect, self._failed)
            return
        reactor = options.reactor
        try:
            if options.transport == "unix":
                # Twisted's UNIX port removes its socket file when it stops.
                port = reactor.listenUNIX(
                    socketDirectory.socketPath(), self._serverFactory
                )
            else:
                interface = "::1" if options.transport == "tcp6" else "127.0.0.1"
                port = reactor.listenTCP(0, self._serverFactory, interface=interface)
        except Exception:
            self._failed(Failure())
            return
        self._connect(port)

    def _connect(self, port: IListeningPort) -> None:
        self._pending = None
        address = self._listening(port)
        if address is None:
            return
        try:
            if self._options.clientEndpoint is None:
                self._connector = connectTo(
                    self._options.reactor, address, self._clientFactory
                )
                return
            endpoint = self._options.clientEndpoint(address)
            if not IStreamClientEndpoint.providedBy(endpoint):
                raise TypeError(
                    "clientEndpoint must return an IStreamClientEndpoint, "
                    f"not {endpoint!r}"
                )
            self._pending = endpoint.connect(self._clientFactory)
        except Exception:
            self._failed(Failure())
            return
        self._pending.addErrback(self._failed)

    def cancel(self) -> None:
        """
        Stop listening or connecting, if either is under way.
        """
        if self._pending is not None:
            self._pending.cancel()
        if self._connector is not None and self._connector.state == "connecting":
            self._connector.stopConnecting()
