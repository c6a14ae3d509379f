# -*- test-case-name: twistedtesting.test.test_proxytarget -*-
"""
The target of a :class:`twistedtesting.FaultProxy`: checking its address,
connecting to it, and checking first that it accepts connections.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import IAddress, IReactorTCP, IReactorUNIX
from twisted.internet.protocol import ClientFactory, Protocol
from twisted.python.failure import Failure

from twistedtesting._dialing import connectTo

_CONNECTION_DONE = Failure(ConnectionDone())


class ProxyTargetError(Exception):
    """
    The target of a :class:`twistedtesting.FaultProxy` did not accept a
    connection when :func:`twistedtesting.startFaultProxy` checked it; the
    proxy was not started.  The reason is the exception's ``__cause__``.
    """


def checkAddress(name: str, address: object, reactor: Any) -> None:
    """
    Check that ``address`` is one a proxy can connect to with ``reactor``.

    :raises TypeError: If it is not an IPv4, IPv6 or named UNIX address, or
        the reactor cannot connect to it.
    """
    if isinstance(address, (IPv4Address, IPv6Address)):
        if address.type != "TCP":
            raise TypeError(f"{name} must be a TCP address, not {address!r}")
        needed: Any = IReactorTCP
    elif isinstance(address, UNIXAddress) and address.name is not None:
        needed = IReactorUNIX
    else:
        raise TypeError(
            f"{name} must be an IPv4Address, IPv6Address or UNIXAddress with a "
            f"name (such as a listening port's getHost()), not {address!r}"
        )
    if not needed.providedBy(reactor):
        raise TypeError(
            f"{name} {address!r} needs a reactor that provides "
            f"{needed.__name__}: {reactor!r}"
        )


class _Probe(Protocol):
    def __init__(self, done: Deferred[None]) -> None:
        self._done = done

    def connectionMade(self) -> None:
        self.transport.loseConnection()  # type: ignore[union-attr]

    def connectionLost(self, reason: Failure = _CONNECTION_DONE) -> None:
        self._done.callback(None)


class _ProbeFactory(ClientFactory):
    noisy = False

    def __init__(self, target: IAddress) -> None:
        self.done: Deferred[None] = Deferred()
        self._target = target

    def buildProtocol(self, addr: IAddress | None) -> _Probe:
        return _Probe(self.done)

    def clientConnectionFailed(self, connector: object, reason: Failure) -> None:
        error = ProxyTargetError(
            f"startFaultProxy() target {self._target!r} did not accept a "
            f"connection: {reason.getErrorMessage()}"
        )
        error.__cause__ = reason.value
        self.done.errback(error)


def probeTarget(reactor: Any, target: IAddress) -> Deferred[None]:
    """
    Connect to ``target`` once, and close the connection at once.

    :returns: A Deferred that fires once the probe's socket is closed, or
        fails with :class:`ProxyTargetError`.
    """
    factory = _ProbeFactory(target)
    connectTo(reactor, target, factory)
    return factory.done
