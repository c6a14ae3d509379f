# -*- test-case-name: twistedtesting.test.test_proxy -*-
"""
:class:`FaultProxy`: an in-process proxy on a loopback socket that
forwards every connection to a real target through one-way links with
faults, and :func:`startFaultProxy`, which starts one and registers its
complete teardown with the test.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any, Union, cast

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import Deferred, DeferredList, maybeDeferred
from twisted.internet.error import ConnectionLost
from twisted.internet.interfaces import (
    IAddress,
    IListeningPort,
    IReactorTCP,
    IReactorTime,
    IReactorUNIX,
)
from twisted.internet.protocol import Factory
from twisted.python.failure import Failure

from twistedtesting._checks import checkRandom
from twistedtesting._proxyconnection import ProxiedConnection, notifyAfter
from twistedtesting._proxypolicy import NO_FAULTS, ProxyPolicy
from twistedtesting._proxyside import ProxySide
from twistedtesting._proxytarget import checkAddress, probeTarget, targetDialer
from twistedtesting._sockets import socketDirectory

LISTEN_ON = ("tcp", "tcp6", "unix")

ListeningAddress = Union[IPv4Address, IPv6Address, UNIXAddress]  # noqa: UP007

AddCleanup = Callable[[Callable[[], Deferred[None]]], object]


class _ListeningFactory(Factory):
    """
    Builds the proxy's side of each connection it accepts.
    """

    noisy = False

    def __init__(self, proxy: FaultProxy) -> None:
        self._proxy = proxy

    def buildProtocol(self, addr: IAddress | None) -> ProxySide | None:
        return self._proxy.accepted()


def _checkSlowClose(value: object) -> float:
    name = "slowClose"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of seconds, not {type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{name} must be a finite number of seconds >= 0, got {value!r}"
        )
    return float(value)


def _checkPolicy(name: str, value: object) -> ProxyPolicy:
    if not isinstance(value, ProxyPolicy):
        raise TypeError(
            f"{name} must be a ProxyPolicy (such as ProxyPolicy(latency=0.02)), "
            f"not {type(value).__name__} {value!r}"
        )
    return value


class FaultProxy:
    """
    A proxy that listens on a loopback address (:attr:`address`, the one to
    dial) and forwards each connection it accepts to ``target`` over
    a real socket of its own.  Each direction passes through a
    :class:`twistedtesting.Link` with a :class:`twistedtesting.ProxyPolicy`:
    chunking, latency and jitter, bandwidth, spacing, a break after some
    bytes; :meth:`hold`, :meth:`release` and :meth:`reset` act on the open
    connections; :meth:`change` changes the policies for new connections
    and for the bytes the open ones send from then on.

    When a side shuts its writing (a half-close), the proxy forwards the
    end after the bytes before it, and shuts that side of its other socket
    (after ``slowClose`` seconds, if set); when a side is lost otherwise, the
    proxy resets the other one.

    Make one with :func:`startFaultProxy`.  :meth:`stop` tears it down
    completely: the listening port is stopped and both sockets of every
    connection are closed, and it waits for each.

    :ivar target: The address the proxy connects to.
    :ivar connections: Every connection the proxy accepted, in order, open
        or closed: their records.
    """

    def __init__(
        self,
        target: IAddress,
        reactor: Any,
        rng: random.Random,
        toServer: ProxyPolicy,
        toClient: ProxyPolicy,
        slowClose: float,
    ) -> None:
        self.target = target
        self._address: ListeningAddress | None = None
        self.connections: list[ProxiedConnection] = []
        self._open: dict[int, ProxiedConnection] = {}
        self._reactor = reactor
        self._rng = rng
        self._toServer = toServer
        self._toClient = toClient
        self._slowClose = slowClose
        self._port: IListeningPort | None = None
        self._stopped: Deferred[Any] | None = None
        self._held = {"toServer": False, "toClient": False}
        # Connects a factory to the target: made at the first connection.
        self._dial: Callable[[Any], Any] | None = None

    @property
    def address(self) -> ListeningAddress:
        """
        The address the proxy listens on: the one to dial.

        :raises RuntimeError: Before the proxy listens.
        """
        if self._address is None:
            raise RuntimeError("the FaultProxy does not listen yet")
        return self._address

    @property
    def toServer(self) -> ProxyPolicy:
        """The policy from clients to the target."""
        return self._toServer

    @property
    def toClient(self) -> ProxyPolicy:
        """The policy from the target to clients."""
        return self._toClient

    @property
    def slowClose(self) -> float:
        """Seconds the proxy waits before forwarding a side's close."""
        return self._slowClose

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stopped is not None

    @property
    def openConnections(self) -> list[ProxiedConnection]:
        """The connections with a socket still open."""
        return list(self._open.values())

    def listen(self, listenOn: str) -> None:
        """
        Start listening; for :func:`startFaultProxy`.
        """
        factory = _ListeningFactory(self)
        if listenOn == "unix":
            # In the process's private directory of sockets, with a name of
            # its own; Twisted's UNIX port removes its file when it stops.
            self._port = self._reactor.listenUNIX(socketDirectory.socketPath(), factory)
        else:
            interface = "::1" if listenOn == "tcp6" else "127.0.0.1"
            self._port = self._reactor.listenTCP(0, factory, interface=interface)
        assert self._port is not None
        self._address = cast(ListeningAddress, self._port.getHost())

    def accepted(self) -> ProxySide | None:
        """
        A client connected: start its connection through the proxy.
        """
        if self._stopped is not None:
            return None
        connection = ProxiedConnection(
            len(self.connections),
            self._reactor,
            self._rng.getrandbits(64),
            self._toServer,
            self._toClient,
            self._slowClose,
            self._dialTarget,
            self._closed,
        )
        if self._held["toServer"]:
            connection.toServer.hold()
        if self._held["toClient"]:
            connection.toClient.hold()
        self.connections.append(connection)
        self._open[connection.number] = connection
        return connection.client

    def _dialTarget(self, factory: Any) -> Any:
        """
        Connect ``factory`` to the target (see
        :func:`twistedtesting._proxytarget.targetDialer`), and return what
        gives the attempt up with its ``disconnect()``.
        """
        dial = self._dial
        if dial is None:
            dial = self._dial = targetDialer(self._reactor, self.target)
        return dial(factory)

    def _closed(self, connection: ProxiedConnection) -> None:
        """
        Both sockets of ``connection`` are closed.
        """
        self._open.pop(connection.number, None)

    def _checkRunning(self, method: str) -> None:
        if self._stopped is not None:
            raise RuntimeError(
                f"FaultProxy.{method}() on a stopped proxy: {self!r} was torn "
                "down; start another with startFaultProxy()"
            )

    def _directions(self, method: str, toServer: object, toClient: object) -> list[str]:
        self._checkRunning(method)
        for name, value in (("toServer", toServer), ("toClient", toClient)):
            if not isinstance(value, bool):
                raise TypeError(
                    f"FaultProxy.{method}() {name} must be a bool, not "
                    f"{type(value).__name__} {value!r}"
                )
        return [
            name
            for name, value in (("toServer", toServer), ("toClient", toClient))
            if value
        ]

    def change(
        self,
        *,
        toServer: ProxyPolicy | None = None,
        toClient: ProxyPolicy | None = None,
        slowClose: float | None = None,
    ) -> None:
        """
        Change the policies: for the connections accepted from now on, and
        for the bytes the open connections send from now on (the bytes
        already on their way keep theirs).  A new ``slowClose`` applies to
        the closes forwarded from now on.

        :param toServer: The new policy from the clients, or ``None`` to
            keep it.
        :param toClient: The new policy to the clients, or ``None``.
        :param slowClose: Seconds to wait before forwarding a close, or
            ``None``.
        :raises TypeError: If an argument is of the wrong type.
        :raises ValueError: If ``slowClose`` is out of range.
        :raises RuntimeError: If the proxy is stopped.
        """
        self._checkRunning("change")
        if toServer is not None:
            self._toServer = _checkPolicy("FaultProxy.change() toServer", toServer)
        if toClient is not None:
            self._toClient = _checkPolicy("FaultProxy.change() toClient", toClient)
        if slowClose is not None:
            self._slowClose = _checkSlowClose(slowClose)
        for connection in self.openConnections:
            connection.toServer.change(self._toServer)
            connection.toClient.change(self._toClient)
            connection.slowClose = self._slowClose

    def hold(self, *, toServer: bool = True, toClient: bool = True) -> None:
        """
        Stall the directions named (both, by default) of every connection,
        open or accepted later, until :meth:`release`: bytes wait in the
        proxy.

        :raises TypeError: If ``toServer`` or ``toClient`` is not a bool.
        :raises RuntimeError: If the proxy is stopped.
        """
        for name in self._directions("hold", toServer, toClient):
            self._held[name] = True
            for connection in self.openConnections:
                getattr(connection, name).hold()

    def release(self, *, toServer: bool = True, toClient: bool = True) -> None:
        """
        End a :meth:`hold` of the directions named: what waited is
        forwarded.

        :raises TypeError: If ``toServer`` or ``toClient`` is not a bool.
        :raises RuntimeError: If the proxy is stopped.
        """
        for name in self._directions("release", toServer, toClient):
            self._held[name] = False
            for connection in self.openConnections:
                getattr(connection, name).release()

    def reset(self) -> None:
        """
        Reset every open connection: after each direction's latency, the
        bytes not forwarded are dropped and the socket at its end is
        reset (over TCP, the peer gets a connection reset).  The proxy
        keeps listening.

        :raises RuntimeError: If the proxy is stopped.
        """
        self._checkRunning("reset")
        reason = Failure(ConnectionLost("the connection was reset by the FaultProxy"))
        for connection in self.openConnections:
            connection.reset(reason)

    def stop(self) -> Deferred[None]:
        """
        Tear the proxy down completely: stop listening, close both sockets
        of every connection, cancel every timer, and wait for all of it.
        Calling it again waits for the same teardown.

        :returns: A Deferred that fires with ``None`` once all is closed.
        """
        if self._stopped is None:
            waits: list[Deferred[Any]] = []
            port = self._port
            if port is not None:
                stopping = port.stopListening()
                if isinstance(stopping, Deferred):
                    waits.append(stopping)
            waits.extend(connection.stop() for connection in self.connections)
            self._stopped = DeferredList(waits, consumeErrors=True)
        return notifyAfter(self._stopped)

    def __repr__(self) -> str:
        state = "stopped" if self._stopped is not None else "listening"
        return (
            f"<FaultProxy {state} on {self._address!r} to {self.target!r}: "
            f"{len(self.connections)} connections, {len(self.openConnections)} "
            f"open; toServer {self._toServer!r}, toClient {self._toClient!r}>"
        )


def startFaultProxy(
    target: IAddress,
    *,
    rng: random.Random,
    addCleanup: AddCleanup | None,
    toServer: ProxyPolicy | None = None,
    toClient: ProxyPolicy | None = None,
    listenOn: str = "tcp",
    slowClose: float = 0,
    checkTarget: bool = True,
    reactor: Any = None,
) -> Deferred[FaultProxy]:
    """
    Start a :class:`FaultProxy` to ``target`` and register its teardown.

    :param target: The address to forward to: an
        :class:`~twisted.internet.address.IPv4Address`,
        :class:`~twisted.internet.address.IPv6Address` or
        :class:`~twisted.internet.address.UNIXAddress`, such as a
        listening port's ``getHost()``.
    :param rng: The generator the proxy draws from (each connection gets a
        generator seeded from it, in the order they are accepted): give it a
        test's ``self.random``.
    :param addCleanup: Called with :meth:`FaultProxy.stop` once the proxy
        listens, such as a test's ``self.addCleanup``; ``None`` to call
        ``stop`` yourself.
    :param toServer: The policy from the clients to the target.
    :param toClient: The policy from the target to the clients.
    :param listenOn: ``"tcp"`` (127.0.0.1), ``"tcp6"`` (::1) or ``"unix"``
        (a socket with a name of its own in the process's private
        directory of sockets, the one :func:`twistedtesting.connectedPair`
        uses; its file is removed when the proxy stops).
    :param slowClose: Seconds to wait before forwarding a side's close.
    :param checkTarget: Whether to check first, with one connection that
        the proxy closes at once, that the target accepts connections.
    :param reactor: The reactor; the global one by default.
    :returns: A Deferred that fires with the listening proxy, or fails with
        :class:`twistedtesting.ProxyTargetError` if the target did not
        accept the check's connection (then nothing is left listening).
    :raises TypeError: If an argument is of the wrong type.
    :raises ValueError: If one is out of range.
    """
    checkRandom("startFaultProxy() rng", rng, "getrandbits")
    if addCleanup is not None and not callable(addCleanup):
        raise TypeError(
            "startFaultProxy() addCleanup must be a callable such as "
            f"self.addCleanup, or None, not {addCleanup!r}"
        )
    up = _checkPolicy(
        "startFaultProxy() toServer", NO_FAULTS if toServer is None else toServer
    )
    down = _checkPolicy(
        "startFaultProxy() toClient", NO_FAULTS if toClient is None else toClient
    )
    if not isinstance(listenOn, str) or listenOn not in LISTEN_ON:
        raise ValueError(
            "startFaultProxy() listenOn must be one of "
            f"{', '.join(map(repr, LISTEN_ON))}, not {listenOn!r}"
        )
    slow = _checkSlowClose(slowClose)
    if not isinstance(checkTarget, bool):
        raise TypeError(
            f"startFaultProxy() checkTarget must be a bool, not {checkTarget!r}"
        )
    if reactor is None:
        from twisted.internet import reactor as globalReactor

        reactor = globalReactor
    needed = IReactorUNIX if listenOn == "unix" else IReactorTCP
    for interface in (IReactorTime, needed):
        if not interface.providedBy(reactor):
            raise TypeError(
                f"startFaultProxy() reactor must provide {interface.__name__}: "
                f"{reactor!r}"
            )
    checkAddress("startFaultProxy() target", target, reactor)

    def listen(_: object) -> FaultProxy:
        proxy = FaultProxy(target, reactor, rng, up, down, slow)
        proxy.listen(listenOn)
        if addCleanup is not None:
            addCleanup(proxy.stop)
        return proxy

    if checkTarget:
        return probeTarget(reactor, target).addCallback(listen)
    return maybeDeferred(listen, None)
