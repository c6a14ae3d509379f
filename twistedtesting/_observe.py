# -*- test-case-name: twistedtesting.test.test_observe -*-
"""
Observing a protocol's connection without changing the protocol: when it
connects, completes its TLS handshake and is lost.

The protocol is never touched.  For a protocol a factory builds, the
transport is given a :class:`ProtocolObserver` that passes every call on to
the protocol (as :class:`twisted.protocols.policies.WrappingFactory`'s
protocols do) and notes ``makeConnection`` and ``connectionLost`` once the
protocol's own have run; the protocol is still connected to the real
transport.  For a protocol that has connected already, the observer takes
its place in the object that calls it: the transport's ``protocol`` (or a
wrapping protocol's ``wrappedProtocol``).  Setting methods on the protocol
instance would not do: classes made with
:func:`twisted.python.components.proxyForInterface` (the protocols of
:class:`twisted.web.server.Site`) have descriptors that win over instance
attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import ILoggingContext, IProtocol
from twisted.python.failure import Failure
from zope.interface import (
    classImplements,
    directlyProvidedBy,
    directlyProvides,
    implementedBy,
)
from zope.interface.declarations import Implements

# The attributes by which Twisted's transports and wrapping protocols hold the
# protocol they call: reactor transports and iosim's have ``protocol``,
# twisted.protocols.policies.ProtocolWrapper (TLS among them) has
# ``wrappedProtocol``, and the protocol an endpoint connects with has
# ``_wrappedProtocol`` (the tests of ConnectionTracker.trackProtocol over an
# endpoint fail if that changes).
_HOLDERS = ("protocol", "wrappedProtocol", "_wrappedProtocol")


@attrs.define(eq=False)
class ObservedConnection:
    """
    What is known about one connection: its protocol, its transport once it
    has connected, whether its TLS handshake is done, and why it was lost.

    :ivar protocol: The protocol, the user's own object.
    :ivar transport: The protocol's transport, once connected.
    :ivar handshaken: ``False`` while a TLS handshake that is waited for has
        not completed.
    :ivar lostReason: What ``connectionLost`` was given, once it has run.
    """

    protocol: object
    transport: Any = None
    handshaken: bool = True
    lostReason: Failure | None = None
    _listeners: list[Callable[[], None]] = attrs.Factory(list)
    _lostWaiters: list[Deferred[BaseException]] | None = None

    @property
    def made(self) -> bool:
        """
        Whether the protocol has connected.
        """
        return self.transport is not None

    @property
    def done(self) -> bool:
        """
        Whether the protocol's ``connectionLost`` has run.
        """
        return self.lostReason is not None

    def listen(self, listener: Callable[[], None]) -> None:
        """
        Call ``listener`` whenever the connection connects, completes its
        handshake or is lost, in the order the listeners were added.
        """
        self._listeners.append(listener)

    def unlisten(self, listener: Callable[[], None]) -> None:
        """
        Stop calling ``listener``, if it was added.
        """
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def connected(self, transport: Any) -> None:
        """
        Record that the protocol's ``makeConnection`` has run.
        """
        self.transport = transport
        self._changed()

    def handshakeCompleted(self) -> None:
        """
        Record that the connection's TLS handshake has completed.
        """
        self.handshaken = True
        self._changed()

    def lost(self, reason: Failure) -> None:
        """
        Record that the protocol's ``connectionLost`` has run.
        """
        self.lostReason = reason
        if self._lostWaiters:
            waiters, self._lostWaiters = self._lostWaiters, None
            for waiter in waiters:
                waiter.callback(cast(BaseException, reason.value))
        self._changed()

    def whenLost(self) -> Deferred[BaseException]:
        """
        :returns: A Deferred that fires, once the protocol's
            ``connectionLost`` has run, with the exception of the reason it
            was given (a Deferred cannot fire with a
            :class:`~twisted.python.failure.Failure`: that would be an error).
        """
        if self.lostReason is not None:
            waiter: Deferred[BaseException] = Deferred()
            waiter.callback(cast(BaseException, self.lostReason.value))
            return waiter
        if self._lostWaiters is None:
            self._lostWaiters = []
        waiter = Deferred(self._lostWaiters.remove)
        self._lostWaiters.append(waiter)
        return waiter


class ProtocolObserver:
    """
    Stands between a transport and a protocol: passes every call on to the
    protocol, and tells the protocol's :class:`ObservedConnection` once
    ``makeConnection`` and ``connectionLost`` have run.

    The protocol is connected to the transport itself, not to the
    observer, so its ``transport`` is the real one.  The observer provides
    the interfaces the protocol provides (``IHalfCloseableProtocol``,
    ``IHandshakeListener``, ...), so that transports treat it as they would
    the protocol, and it passes on any other attribute.  Each protocol class
    gets a subclass named after it (see :func:`observerClass`), so that the
    transport's representation and log prefix read as without it.

    :ivar wrapped: The protocol.
    :ivar record: Its connection's record.
    """

    def __init__(self, wrapped: Any, record: ObservedConnection) -> None:
        self.wrapped = wrapped
        self.record = record

    def makeConnection(self, transport: Any) -> None:
        """
        Connect the protocol to ``transport``, then record it.
        """
        try:
            self.wrapped.makeConnection(transport)
        finally:
            self.record.connected(transport)

    def dataReceived(self, data: bytes) -> None:
        """
        Pass ``data`` on.
        """
        self.wrapped.dataReceived(data)

    def connectionLost(self, reason: Failure) -> None:
        """
        Tell the protocol, then record it.
        """
        try:
            self.wrapped.connectionLost(reason)
        finally:
            self.record.lost(reason)

    def connectionMade(self) -> None:
        """
        Nothing: ``makeConnection`` calls the protocol's own.
        """

    def logPrefix(self) -> str:
        """
        The protocol's log prefix, or its class's name.
        """
        if ILoggingContext.providedBy(self.wrapped):
            return str(self.wrapped.logPrefix())
        return type(self.wrapped).__name__

    def __getattr__(self, name: str) -> Any:
        # Only for names not found on the observer: readConnectionLost,
        # handshakeCompleted, fileDescriptorReceived and the like.  Not for
        # special names (zope.interface's __provides__ among them: the
        # observer declares its own) nor before __init__ has run.
        if name == "wrapped" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.wrapped, name)


_observerClasses: dict[type, type[ProtocolObserver]] = {}


def observerClass(protocolClass: type) -> type[ProtocolObserver]:
    """
    The subclass of :class:`ProtocolObserver` for protocols of
    ``protocolClass``: it has that class's name and implements the same
    interfaces, and is made once per class.
    """
    made = _observerClasses.get(protocolClass)
    if made is None:
        made = _makeObserverClass(protocolClass)
        _observerClasses[protocolClass] = made
    return made


def _makeObserverClass(protocolClass: type) -> type[ProtocolObserver]:
    class Observer(ProtocolObserver):
        pass

    Observer.__name__ = protocolClass.__name__
    Observer.__qualname__ = f"ProtocolObserver[{protocolClass.__qualname__}]"
    # Through Any: mypy-zope checks the arguments of classImplements as
    # interfaces, and implementedBy() gives a specification.
    declare: Any = classImplements
    declare(Observer, implementedBy(protocolClass), ILoggingContext)  # type: ignore[no-untyped-call]
    return Observer


def observeBuilt(protocol: object) -> tuple[ProtocolObserver, ObservedConnection]:
    """
    Start observing a protocol a factory has just built, before it connects.

    :param protocol: The protocol.
    :returns: The observer to give the transport instead of the protocol,
        and the connection's record.
    """
    record = ObservedConnection(protocol)
    return _observer(protocol, record), record


def _observer(protocol: object, record: ObservedConnection) -> ProtocolObserver:
    observer = observerClass(type(protocol))(protocol, record)
    # Most protocols provide nothing of their own: declaring that costs
    # more than the rest of the observer.  What they provide directly is
    # in their __provides__, unless that is their class's declaration (an
    # Implements), as directlyProvidedBy() itself decides; looking first
    # saves its calls for the protocols that provide nothing more.
    provides = getattr(protocol, "__provides__", None)
    if provides is not None and not isinstance(provides, Implements):
        direct = directlyProvidedBy(protocol)
        if direct.__bases__:
            directlyProvides(observer, direct)
    return observer


def observeConnected(protocol: object) -> ObservedConnection:
    """
    Start observing a protocol that has connected: an observer takes its
    place in the object that calls it (its transport, or a wrapping
    protocol between them, such as the one an endpoint connects with, or
    the observer of a protocol that is observed already).  If
    its transport says it has already disconnected, the connection counts
    as lost.

    :param protocol: The protocol; its ``transport`` is set.
    :returns: The connection's record.
    :raises TypeError: If no object that calls the protocol can be found
        from its transport.
    """
    transport = getattr(protocol, "transport", None)
    record = ObservedConnection(protocol, transport)
    if getattr(transport, "disconnected", False) or not getattr(
        transport, "connected", True
    ):
        record.lostReason = Failure(
            ConnectionDone("the connection was lost before it was tracked")
        )
        return record
    holder, name = _findHolder(transport, protocol)
    setattr(holder, name, _observer(protocol, record))
    return record


def _findHolder(transport: object, protocol: object) -> tuple[object, str]:
    """
    Find the object that calls ``protocol``, and its attribute that holds
    it: the transport, or a wrapping protocol the transport calls (an
    observer among them).

    :raises TypeError: If there is none.
    """
    holder: object = transport
    for _ in range(8):
        attributes = getattr(holder, "__dict__", {})
        following = None
        # An observer (of a pair, or of a tracker's factory) holds the
        # protocol as ``wrapped``: a second observer goes between them.
        names = ("wrapped",) if isinstance(holder, ProtocolObserver) else _HOLDERS
        for name in names:
            held = attributes.get(name)
            if held is protocol:
                return holder, name
            if following is None and IProtocol.providedBy(held):
                following = held
        if following is None:
            break
        holder = following
    raise TypeError(
        f"cannot track protocol {protocol!r}: its transport {transport!r} does "
        "not hold it as its protocol (nor through a wrapping protocol), so its "
        "connectionLost() cannot be observed; track the factory that builds it"
    )
