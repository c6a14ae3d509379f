# -*- test-case-name: twistedtesting.test.test_tracker -*-
"""
:class:`ConnectionTracker`: the teardown of :func:`twistedtesting.connectedPair`
for connections that a test made itself.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import (
    IListeningPort,
    IProtocol,
    IProtocolFactory,
    IReactorTime,
)

from twistedtesting._observe import observeBuilt, observeConnected
from twistedtesting._pairoptions import checkFactory
from twistedtesting._teardown import (
    DEFAULT_GRACE_PERIOD,
    ClosingConnection,
    Teardown,
    checkGracePeriod,
)

_F = TypeVar("_F", bound=IProtocolFactory)
_L = TypeVar("_L", bound=IListeningPort)
_P = TypeVar("_P", bound=IProtocol)

_ABSENT = object()


def instanceAttributes(value: object, what: str) -> dict[str, Any]:
    """
    Return the attribute dictionary of ``value``, in which its methods are
    wrapped.

    :param value: A factory.
    :param what: How to name ``value`` in an error message.
    :raises TypeError: If ``value`` has no ``__dict__``.
    """
    try:
        return vars(value)
    except TypeError:
        raise TypeError(
            f"cannot track {what} {value!r}: it has no __dict__ (its class "
            "uses __slots__), so its methods cannot be observed"
        ) from None


def _restore(attributes: dict[str, Any], name: str, previous: object) -> None:
    """
    Put back the instance attribute ``name`` as it was before it was wrapped.
    """
    if previous is _ABSENT:
        attributes.pop(name, None)
    else:
        attributes[name] = previous


@attrs.define(eq=False, repr=False)
class ConnectionTracker:
    """
    Tears down connections that a test made itself, as completely as
    :meth:`twistedtesting.ConnectedPair.disconnect` does.

    Give it the factory a test listens with and the port the reactor
    returns, and whatever connections that factory's protocols get, and
    :meth:`disconnect` stops the port, loses every one of them, and waits
    until the port has stopped and every protocol's ``connectionLost`` has
    run::

        tracker = ConnectionTracker()
        self.addCleanup(tracker.disconnect)
        factory = tracker.trackFactory(PoetryServerFactory(poem))
        port = tracker.trackPort(reactor.listenTCP(0, factory, interface="127.0.0.1"))

    The tracker wraps the factory's ``buildProtocol`` on the instance (and
    removes that wrapper once the teardown is done), so that the factory
    gives the reactor each protocol inside an observer that passes every
    call on, as the protocols of
    :class:`twisted.protocols.policies.WrappingFactory` do: the protocols
    themselves are never changed, and are connected to the real transport.
    (If another tracker has wrapped that wrapper in turn, the wrapper stays,
    passing calls on, so that the other tracker still sees every protocol.)
    It works with any protocol, those of
    :class:`twisted.web.server.Site` included.

    :param clock: Schedules the grace periods; the global reactor if not
        given.  A test of a teardown that gets stuck can pass a
        :class:`~twisted.internet.task.Clock`.
    :param gracePeriod: How long, in seconds, to wait for a connection to
        close after ``loseConnection()`` before aborting it, and then for
        everything to be gone before giving up.
    :raises TypeError: If ``gracePeriod`` is not a number.
    :raises ValueError: If ``gracePeriod`` is not positive and finite.
    """

    clock: IReactorTime | None = attrs.field(default=None, kw_only=True)
    gracePeriod: float = attrs.field(
        default=DEFAULT_GRACE_PERIOD, kw_only=True, converter=checkGracePeriod
    )
    _teardown: Teardown = attrs.field(init=False)
    _tracked: dict[int, object] = attrs.field(init=False, factory=dict)
    _factories: list[tuple[dict[str, Any], object, object]] = attrs.field(
        init=False, factory=list
    )

    def __attrs_post_init__(self) -> None:
        if self.clock is not None and not IReactorTime.providedBy(self.clock):
            raise TypeError(f"clock must provide IReactorTime, not {self.clock!r}")
        self._teardown = Teardown(self.clock, self.gracePeriod)

    def _checkOpen(self, method: str) -> None:
        if self._teardown.state != "open":
            raise ValueError(
                f"{method}() was called on a ConnectionTracker whose "
                "disconnect() has been called; use a new ConnectionTracker"
            )

    def _isTracked(self, value: object) -> bool:
        return self._tracked.get(id(value)) is value

    def trackFactory(self, factory: _F) -> _F:
        """
        Track every protocol ``factory`` builds from now on: on
        :meth:`disconnect`, their connections are lost and waited for.

        :param factory: A protocol factory, such as the one a test listens
            with.
        :returns: ``factory`` itself, so that it can be passed on in the
            same expression.
        :raises TypeError: If ``factory`` is not a protocol factory.
        :raises ValueError: If :meth:`disconnect` has been called.
        """
        self._checkOpen("trackFactory")
        checkFactory(factory, "factory")
        if self._isTracked(factory):
            return factory
        attributes = instanceAttributes(factory, "factory")
        previous = attributes.get("buildProtocol", _ABSENT)
        original = factory.buildProtocol

        def buildProtocol(addr: Any) -> Any:
            protocol = original(addr)
            if protocol is None or self._teardown.state == "closed":
                # Once the teardown is done the wrapper only passes calls
                # on: another tracker may have wrapped it in turn.
                return protocol
            observer, record = observeBuilt(protocol)
            # Tracked already: trackProtocol() of it changes nothing.
            self._tracked[id(protocol)] = protocol
            self._teardown.addConnection(
                ClosingConnection(
                    f"the connection of {protocol!r}", record, labelNamesProtocol=True
                )
            )
            return observer

        attributes["buildProtocol"] = buildProtocol
        if factory.buildProtocol is not buildProtocol:
            _restore(attributes, "buildProtocol", previous)
            raise TypeError(
                f"cannot track factory {factory!r}: its class decides what "
                "factory.buildProtocol is (a descriptor), so the protocols it "
                "builds cannot be observed"
            )
        self._tracked[id(factory)] = factory
        self._factories.append((attributes, previous, buildProtocol))
        return factory

    def trackPort(self, port: _L) -> _L:
        """
        Stop ``port`` on :meth:`disconnect`, and wait for it to stop.

        :param port: A listening port, as ``listenTCP()`` returns.
        :returns: ``port`` itself.
        :raises TypeError: If ``port`` is not a listening port.
        :raises ValueError: If :meth:`disconnect` has been called.
        """
        self._checkOpen("trackPort")
        if not IListeningPort.providedBy(port):
            raise TypeError(
                "port must provide IListeningPort (what listenTCP() returns), "
                f"not {port!r}"
            )
        if not self._isTracked(port):
            self._tracked[id(port)] = port
            self._teardown.addPort(port, f"the listening port {port!r}")
        return port

    def trackProtocol(self, protocol: _P) -> _P:
        """
        Lose the connection of ``protocol`` on :meth:`disconnect`, and wait
        for its ``connectionLost``.  Use it for a connection that was made
        with a factory that was not tracked, such as the client side.  A
        protocol that a tracked factory built is tracked already; one of a
        :class:`twistedtesting.ConnectedPair` may be tracked too.

        :param protocol: A connected protocol (its ``transport`` is set),
            such as the one the Deferred of an endpoint's ``connect()``
            fires with.  If it has been lost already, it counts as gone.
        :returns: ``protocol`` itself.
        :raises TypeError: If ``protocol`` is not a protocol, or if its
            transport does not hold it, directly or through a wrapping
            protocol (as Twisted's transports, TLS layers and endpoints'
            protocols do), so that its ``connectionLost`` cannot be
            observed.
        :raises ValueError: If ``protocol`` is not connected, or if
            :meth:`disconnect` has been called.
        """
        self._checkOpen("trackProtocol")
        if not IProtocol.providedBy(protocol):
            raise TypeError(f"protocol must provide IProtocol, not {protocol!r}")
        if getattr(protocol, "transport", None) is None:
            raise ValueError(
                f"protocol {protocol!r} is not connected (its transport is "
                "None): track it once it has connected, or track the factory "
                "that builds it"
            )
        if not self._isTracked(protocol):
            self._tracked[id(protocol)] = protocol
            self._teardown.addConnection(
                ClosingConnection(
                    f"the connection of {protocol!r}",
                    observeConnected(protocol),
                    labelNamesProtocol=True,
                )
            )
        return protocol

    def disconnect(self) -> Deferred[None]:
        """
        Stop every tracked port and lose every tracked connection, aborting
        those still connected a grace period later.

        It is safe in any state: what has already stopped or been lost
        counts as gone, and a second call gives the outcome of the first.
        A tracked factory that builds a protocol while the teardown runs
        has that connection lost as soon as it is made, and waited for.

        :returns: A Deferred that fires with ``None`` once every port has
            stopped and every connection has been lost, or fails with
            :class:`twistedtesting.DisconnectTimeout` naming what did not
            go away a grace period after it was aborted (or with the
            failure of a port's ``stopListening()``).
        """
        if self._teardown.state == "open":
            self._teardown.run().addBoth(self._unwrapFactories)
        return self._teardown.run()

    def _unwrapFactories(self, result: object) -> None:
        for attributes, previous, wrapper in self._factories:
            # Unless another tracker has wrapped the wrapper: removing it
            # would remove the other one too.  It is left to pass calls on.
            if attributes.get("buildProtocol") is wrapper:
                _restore(attributes, "buildProtocol", previous)
        self._factories.clear()

    def __repr__(self) -> str:
        return f"<twistedtesting.ConnectionTracker {self._teardown.state}>"
