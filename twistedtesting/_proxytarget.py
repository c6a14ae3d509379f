# -*- test-case-name: twistedtesting.test.test_proxytarget -*-
"""
The target of a :class:`twistedtesting.FaultProxy`: checking its address,
connecting to it (:func:`targetDialer`), and checking first that it accepts
connections.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from typing import Any

from twisted.internet.abstract import isIPAddress, isIPv6Address
from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress
from twisted.internet.defer import Deferred
from twisted.internet.error import (
    ConnectionDone,
    TimeoutError,
    UserError,
    getConnectError,
)
from twisted.internet.interfaces import (
    IAddress,
    IDelayedCall,
    IReactorFDSet,
    IReactorSocket,
    IReactorTCP,
    IReactorTime,
    IReactorUNIX,
    IWriteDescriptor,
)
from twisted.internet.protocol import ClientFactory, Protocol
from twisted.python.failure import Failure
from zope.interface import implementer

from twistedtesting._dialing import connectTo, dialerTo

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


CONNECT_TIMEOUT = 30.0
"""
Seconds a connection to the target may take before it fails with
:class:`~twisted.internet.error.TimeoutError`: the reactor's default for
``connectTCP``.
"""

_NON_BLOCKING = getattr(socket, "SOCK_NONBLOCK", 0)
"""
The socket type flag that makes a socket non-blocking as it is made (on
Linux), saving the system call of ``setblocking``; 0 where there is none.
"""
_NON_BLOCKING_STREAM = socket.SOCK_STREAM | _NON_BLOCKING

_PENDING = (errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK)
_CONNECTED = (0, errno.EISCONN)


def _socketAddress(address: IAddress) -> tuple[int, Any] | None:
    """
    The family and the socket address to connect to ``address`` with, or
    ``None`` for an address :func:`targetDialer` leaves to the reactor (a
    host name, an IPv6 address with a scope).
    """
    if isinstance(address, IPv4Address) and isIPAddress(address.host):
        host = "127.0.0.1" if address.host == "0.0.0.0" else address.host
        return socket.AF_INET, (host, address.port)
    if isinstance(address, IPv6Address) and isIPv6Address(address.host):
        if "%" in address.host or address.flowInfo or address.scopeID:
            return None
        host = "::1" if address.host == "::" else address.host
        return socket.AF_INET6, (host, address.port)
    if isinstance(address, UNIXAddress) and address.name is not None:
        name = address.name
        return socket.AF_UNIX, name.decode() if isinstance(name, bytes) else name
    return None


def targetDialer(reactor: Any, target: IAddress) -> Callable[[ClientFactory], Any]:
    """
    A function that connects a client factory to ``target`` and returns an
    object whose ``disconnect()`` gives the attempt up (as a connector's
    does): the proxy's dialer.

    It connects the socket itself, in the call: a connection to a loopback
    address is usually made by the time ``connect`` returns (the kernel
    answers it at once), and then the socket goes to the reactor with
    ``adoptStreamConnection`` and the factory's protocol is connected before
    the call returns, rather than on the reactor's next turn (which is
    when ``connectTCP`` starts to connect), and without registering the
    socket for writing and unregistering it again.  A connection that is
    still under way is waited for as ``connectTCP`` does: until its socket
    is writable, or :data:`CONNECT_TIMEOUT`; one that failed at once (the
    target refused it) is left to the reactor's ``connectTCP`` (or
    ``connectUNIX``), which fails the same way and reports it as usual.  So
    does every connection with a reactor that cannot adopt a socket.

    :raises TypeError: For an address of a kind it does not know, or a
        reactor that cannot connect to it.
    """
    fallback = dialerTo(reactor, target)
    where = _socketAddress(target)
    if (
        where is None
        or not IReactorSocket.providedBy(reactor)
        or not IReactorFDSet.providedBy(reactor)
    ):
        return fallback
    family, address = where

    adopt: Any = reactor.adoptStreamConnection

    def dial(factory: ClientFactory) -> Any:
        try:
            skt = socket.socket(family, _NON_BLOCKING_STREAM)
        except OSError:
            # Out of descriptors, say: the reactor's attempt reports it.
            return fallback(factory)
        waiting = False
        try:
            try:
                if not _NON_BLOCKING:
                    skt.setblocking(False)
                result = skt.connect_ex(address)
                if result in _PENDING and family != socket.AF_UNIX:
                    # Over loopback, the handshake is usually over by now.
                    result = skt.connect_ex(address)
            except OSError:
                # An address the socket cannot connect to (a UNIX path too
                # long, say).
                result = -1
            if result in _PENDING and family != socket.AF_UNIX:
                waiting = True
                return _Connecting(reactor, skt, address, factory)
            if result in _CONNECTED:
                adopt(skt.fileno(), family, factory)
                return _CONNECTED_ALREADY
        finally:
            if not waiting:
                skt.close()
        # Refused, or any error: no connection was made; the reactor's own
        # attempt reports it.
        return fallback(factory)

    return dial


class _Connected:
    """
    The attempt of a connection made at once: nothing to give up.
    """

    def disconnect(self) -> None:
        pass


_CONNECTED_ALREADY = _Connected()


@implementer(IWriteDescriptor)
class _Connecting:
    """
    A connection to a TCP target still under way: waits until its socket
    is writable, as the reactor's ``connectTCP`` does, then hands it to the
    reactor (``adoptStreamConnection``) and the factory's protocol; or
    tells the factory's ``clientConnectionFailed`` why it failed (an error
    of :func:`~twisted.internet.error.getConnectError`,
    :class:`~twisted.internet.error.TimeoutError` after
    :data:`CONNECT_TIMEOUT`, :class:`~twisted.internet.error.UserError` when
    given up with :meth:`disconnect`, as a connector's ``disconnect``).
    """

    def __init__(
        self,
        reactor: Any,
        skt: socket.socket,
        address: Any,
        factory: ClientFactory,
        timeout: float = CONNECT_TIMEOUT,
        clock: IReactorTime | None = None,
    ) -> None:
        """
        :param clock: Times the timeout; ``reactor`` if not given.
        """
        self._reactor = reactor
        self._socket: socket.socket | None = skt
        self._fileno = skt.fileno()
        self._address = address
        self._factory = factory
        self._timer: IDelayedCall | None = (clock or reactor).callLater(
            timeout, self._fail, TimeoutError()
        )
        reactor.addWriter(self)

    def logPrefix(self) -> str:
        return "FaultProxy target connection"

    def fileno(self) -> int:
        return self._fileno if self._socket is not None else -1

    def doWrite(self) -> None:
        skt = self._socket
        if skt is None:
            return
        error = skt.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if not error:
            result = skt.connect_ex(self._address)
            if result in _PENDING:
                return
            if result in _CONNECTED:
                skt = self._finish()
                adopt: Any = self._reactor.adoptStreamConnection
                try:
                    adopt(skt.fileno(), skt.family, self._factory)
                finally:
                    skt.close()
                return
            error = result
        self._fail(getConnectError((error, os.strerror(error))))

    def connectionLost(self, reason: Failure) -> None:
        """
        The reactor saw the socket fail (or ``doWrite`` raised).
        """
        skt = self._socket
        if skt is None:
            return
        error = skt.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            self._fail(getConnectError((error, os.strerror(error))))
        else:
            self._fail(reason.value or ConnectionDone())

    def disconnect(self) -> None:
        """
        Give the attempt up.
        """
        if self._socket is not None:
            self._fail(UserError())

    def _fail(self, exception: BaseException) -> None:
        self._finish().close()
        # What it gives the factory in place of a connector (whose
        # disconnect() it has).
        connector: Any = self
        self._factory.clientConnectionFailed(connector, Failure(exception))

    def _finish(self) -> socket.socket:
        skt = self._socket
        assert skt is not None
        self._reactor.removeWriter(self)
        self._socket = None
        timer, self._timer = self._timer, None
        if timer is not None and timer.active():
            timer.cancel()
        return skt
