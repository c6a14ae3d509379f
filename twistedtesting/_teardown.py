# -*- test-case-name: twistedtesting.test.test_connections -*-
"""
Complete, bounded teardown of connections: stop the listening ports, lose
the connections, and wait until every one of them has really gone.

A connection has gone when its protocol's ``connectionLost`` has run, and
a port when the Deferred of ``stopListening`` has fired.  To see the first
without replacing the user's protocol, its ``makeConnection`` and
``connectionLost`` are wrapped on the protocol instance (and put back as they
were once they have run).  What has not gone a grace period after it was
asked to is aborted, and what has not gone a grace period after that is
reported, by name, in a :class:`DisconnectTimeout`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar, cast

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import (
    IDelayedCall,
    IListeningPort,
    IProtocol,
    IProtocolFactory,
    IReactorTime,
)
from twisted.python import log
from twisted.python.failure import Failure

from twistedtesting._checks import checkNumber

DEFAULT_GRACE_PERIOD = 2.0
"""
How long, in seconds, a teardown waits by default for a connection to close
after ``loseConnection()`` before it aborts it, and then for it to close
after ``abortConnection()`` (or for a port to stop) before it gives up.
"""

_F = TypeVar("_F", bound=IProtocolFactory)
_L = TypeVar("_L", bound=IListeningPort)
_P = TypeVar("_P", bound=IProtocol)

_ABSENT = object()


class DisconnectTimeout(Exception):
    """
    A teardown gave up: something it had to wait for did not go away, even
    after it was aborted.

    The message says what each stuck thing is and what was done to it.

    :ivar stuck: What did not go away, by name, in the order it was tracked:
        for a :class:`twistedtesting.ConnectedPair`, some of
        ``"the listening port"``, ``"the server connection"`` and
        ``"the client connection"``.
    """

    def __init__(self, message: str, stuck: tuple[str, ...]) -> None:
        """
        :param message: What did not go away, and what was done to it.
        :param stuck: The names of what did not go away.
        """
        super().__init__(message, stuck)
        self.stuck = stuck

    def __str__(self) -> str:
        return str(self.args[0])


def checkGracePeriod(value: object, name: str = "gracePeriod") -> float:
    """
    Check that ``value`` is usable as a grace period.

    :param value: The candidate, in seconds.
    :param name: How to name the value in an error message.
    :returns: ``value`` as a ``float``.
    :raises TypeError: If ``value`` is not an ``int`` or a ``float`` (a
        ``bool`` is refused).
    :raises ValueError: If ``value`` is not a positive, finite number.
    """
    seconds = checkNumber(name, value)
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"{name} must be a positive, finite number, got {value!r}")
    return seconds


def instanceAttributes(value: object, what: str) -> dict[str, Any]:
    """
    Return the attribute dictionary of ``value``, in which its methods are
    wrapped.

    :param value: A protocol or factory.
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


class _Part(Protocol):
    """
    Something a teardown waits for: a listening port, a connection, a
    client factory.
    """

    label: str

    @property
    def done(self) -> bool:
        """
        Whether it has gone.
        """

    def start(self) -> None:
        """
        Ask it to go away.
        """

    def abort(self) -> None:
        """
        Make it go away, a grace period after it was asked to.
        """

    def problem(self, gracePeriod: float) -> str | None:
        """
        Say what it is and how it has not gone away; or ``None`` when that
        follows from another part's problem, which says it.
        """


@attrs.define(eq=False)
class Connection:
    """
    What is known about one connection: its protocol, its transport once it
    has connected, whether its TLS handshake is done, and why it was lost.

    :ivar label: How errors name it.
    :ivar protocol: The protocol, the user's own object.
    :ivar transport: The protocol's transport, once connected.
    :ivar handshaken: ``False`` while a TLS handshake that is waited for has
        not completed.
    :ivar lostReason: What ``connectionLost`` was given, once it has run.
    :ivar observer: Called when the connection connects, completes its
        handshake or is lost.
    :ivar onDone: Called once, when the connection is lost (the teardown's).
    """

    label: str
    protocol: object
    transport: Any = None
    handshaken: bool = True
    lostReason: Failure | None = None
    observer: Callable[[], None] | None = None
    onDone: Callable[[], None] | None = None
    _after: Connection | None = None
    _thenStart: Connection | None = None
    _startRequested: bool = False
    _loseWhenMade: bool = False
    # "" until the abort stage; then "aborted", or "impossible" for a
    # transport without abortConnection().
    _abort: str = ""
    _lostWaiters: list[Deferred[BaseException]] | None = None

    @classmethod
    def observe(cls, protocol: object, label: str) -> Connection:
        """
        Start observing a protocol that has not connected yet (one a factory
        has just built): wrap its ``makeConnection`` and ``connectionLost``.

        :param protocol: The protocol.
        :param label: How errors name the connection.
        :raises TypeError: If the protocol's methods cannot be wrapped.
        """
        connection = cls(label, protocol)
        attributes = instanceAttributes(protocol, "protocol")
        connection._wrapLost(attributes)
        previous = attributes.get("makeConnection", _ABSENT)
        original = protocol.makeConnection  # type: ignore[attr-defined]

        def makeConnection(transport: Any) -> None:
            _restore(attributes, "makeConnection", previous)
            try:
                original(transport)
            finally:
                connection._made(transport)

        attributes["makeConnection"] = makeConnection
        return connection

    @classmethod
    def observeConnected(cls, protocol: object, label: str) -> Connection:
        """
        Start observing a protocol that has connected: wrap its
        ``connectionLost``.  If its transport says it has already
        disconnected, the connection counts as lost.

        :param protocol: The protocol; its ``transport`` is set.
        :param label: How errors name the connection.
        :raises TypeError: If the protocol's methods cannot be wrapped.
        """
        transport = getattr(protocol, "transport", None)
        connection = cls(label, protocol, transport)
        if getattr(transport, "disconnected", False) or not getattr(
            transport, "connected", True
        ):
            connection.lostReason = Failure(
                ConnectionDone("the connection was lost before it was tracked")
            )
            return connection
        connection._wrapLost(instanceAttributes(protocol, "protocol"))
        return connection

    def _wrapLost(self, attributes: dict[str, Any]) -> None:
        previous = attributes.get("connectionLost", _ABSENT)
        original = self.protocol.connectionLost  # type: ignore[attr-defined]

        def connectionLost(reason: Failure) -> None:
            _restore(attributes, "connectionLost", previous)
            try:
                original(reason)
            finally:
                self._lost(reason)

        attributes["connectionLost"] = connectionLost

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

    def _made(self, transport: Any) -> None:
        self.transport = transport
        if self._loseWhenMade:
            transport.loseConnection()
        if self.observer is not None:
            self.observer()

    def handshakeCompleted(self) -> None:
        """
        Record that the connection's TLS handshake has completed.
        """
        self.handshaken = True
        if self.observer is not None:
            self.observer()

    def _lost(self, reason: Failure) -> None:
        self.lostReason = reason
        following = self._thenStart
        if following is not None:
            self._thenStart = following._after = None
            if following._startRequested:
                following.start()
        if self.onDone is not None:
            self.onDone()
        if self._lostWaiters:
            waiters, self._lostWaiters = self._lostWaiters, None
            for waiter in waiters:
                waiter.callback(cast(BaseException, reason.value))
        if self.observer is not None:
            self.observer()

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

    def startAfter(self, other: Connection) -> None:
        """
        On teardown, lose this connection only once ``other`` has been lost
        (or this one is aborted).
        """
        if not other.done:
            self._after = other
            other._thenStart = self

    def start(self) -> None:
        """
        Lose the connection: now if it has connected, else once it does;
        but, after :meth:`startAfter`, only once the other one has gone.
        """
        if self.done:
            return
        if self._after is not None:
            self._startRequested = True
            return
        if self.transport is None:
            self._loseWhenMade = True
        else:
            self.transport.loseConnection()

    def abort(self) -> None:
        """
        Abort the connection, if it has connected and its transport can.
        """
        if self.done or self.transport is None:
            return
        abortConnection = getattr(self.transport, "abortConnection", None)
        if abortConnection is None:
            self._abort = "impossible"
        else:
            self._abort = "aborted"
            abortConnection()

    def problem(self, gracePeriod: float) -> str:
        """
        Say why the connection is still there.
        """
        if self.transport is None:
            return f"{self.label} ({self.protocol!r}) never connected"
        what = f"{self.label} ({self.protocol!r} on {self.transport!r})"
        if self._after is not None:
            # Held back by startAfter(), and the other one is still there:
            # loseConnection() was never called.
            heldBack = (
                "(loseConnection() was never called: it waited for "
                f"{self._after.label} to go first)"
            )
            if self._abort == "aborted":
                return (
                    f"{what} was still connected {gracePeriod:g} s after "
                    f"abortConnection() {heldBack}"
                )
            if self._abort == "impossible":
                return (
                    f"{what} was still connected {2 * gracePeriod:g} s after "
                    f"the teardown began {heldBack}, and its transport has no "
                    "abortConnection()"
                )
            return f"{what} was still connected {heldBack}"
        if self._abort == "aborted":
            return (
                f"{what} was still connected {gracePeriod:g} s after "
                f"loseConnection() and {gracePeriod:g} s after abortConnection()"
            )
        if self._abort == "impossible":
            return (
                f"{what} was still connected {2 * gracePeriod:g} s after "
                "loseConnection(), and its transport has no abortConnection()"
            )
        return f"{what} was still connected after loseConnection()"


@attrs.define(eq=False)
class ListeningPort:
    """
    A listening port that a teardown stops.

    :ivar label: How errors name it.
    :ivar port: The port.
    :ivar teardown: The teardown that waits for it.
    :ivar onStopped: Called when the port has stopped, before the teardown
        hears of it.
    :ivar failure: Why ``stopListening`` failed, if it did.
    """

    label: str
    port: IListeningPort
    teardown: Teardown
    onStopped: list[Callable[[], None]] = attrs.Factory(list)
    failure: Failure | None = None
    _state: Literal["listening", "stopping", "stopped"] = "listening"

    @property
    def done(self) -> bool:
        """
        Whether the port has stopped (or failed to).
        """
        return self._state == "stopped"

    def start(self) -> None:
        """
        Stop listening, unless the port has stopped already; when a stop is
        already under way, wait for that one rather than start another
        (Twisted's TCP and UNIX ports break when stopped twice at once).
        """
        if self._state != "listening":
            return
        self._state = "stopping"
        port: Any = self.port
        if getattr(port, "connected", True) is False:
            self._stopped(None)
        elif getattr(port, "disconnecting", False) and isinstance(
            getattr(port, "deferred", None), Deferred
        ):
            port.deferred.addBoth(self._passThrough)
        else:
            try:
                stopping = port.stopListening()
            except Exception:
                self._stopped(Failure())
                return
            if isinstance(stopping, Deferred):
                stopping.addBoth(self._stopped)
            else:
                self._stopped(None)

    def _passThrough(self, result: object) -> object:
        self._stopped(result)
        return result

    def _stopped(self, result: object) -> None:
        if isinstance(result, Failure):
            self.failure = result
            self.teardown.portFailed(result)
        self._state = "stopped"
        for callback in self.onStopped:
            callback()
        self.teardown.partDone()

    def abort(self) -> None:
        """
        Nothing aborts a port that does not stop.
        """

    def problem(self, gracePeriod: float) -> str:
        """
        Say that the port has not stopped.
        """
        return (
            f"{self.label} ({self.port!r}) had not stopped "
            f"{2 * gracePeriod:g} s after stopListening()"
        )


@attrs.define(eq=False)
class Teardown:
    """
    Stops and loses everything it has been given, waits until all of it
    has gone, aborts what has not gone after a grace period, and fails with
    :class:`DisconnectTimeout` if something is still there a grace period
    after that.

    Each part says when it has gone (:meth:`partDone`), or, for one that
    can be in use again, that it is (:meth:`partBusy`), so that the
    teardown keeps a count rather than looking at every part each time.

    :ivar clock: Schedules the grace periods; the global reactor if
        ``None``.
    :ivar gracePeriod: The grace period, in seconds.
    :ivar state: ``"open"`` until :meth:`run` is called, ``"closing"`` until
        everything has gone (or it gave up), then ``"closed"``.
    """

    clock: IReactorTime | None
    gracePeriod: float
    state: Literal["open", "closing", "closed"] = "open"
    _parts: list[_Part] = attrs.Factory(list)
    _pending: int = 0
    _failure: Failure | None = None
    _portFailure: Failure | None = None
    _waiters: list[Deferred[None]] = attrs.Factory(list)
    _timer: IDelayedCall | None = None

    def addPort(self, port: IListeningPort, label: str) -> ListeningPort:
        """
        Stop ``port`` on teardown, and wait for it to stop.

        :returns: The record of the port.
        """
        record = ListeningPort(label, port, self)
        self.addPart(record)
        return record

    def addConnection(self, connection: Connection) -> None:
        """
        Lose ``connection`` on teardown, and wait for it to be lost.
        """
        connection.onDone = self.partDone
        self.addPart(connection)

    def addPart(self, part: _Part) -> None:
        """
        Wait for ``part`` on teardown; it calls :meth:`partDone` when it
        goes, and :meth:`partBusy` if it is in use again.
        """
        self._parts.append(part)
        if not part.done:
            self._pending += 1
        if self.state != "open":
            # Too late to wait for unless the teardown is still running; in
            # any case it goes at once.
            part.start()

    def partDone(self) -> None:
        """
        Note that a part has gone.
        """
        self._pending -= 1
        if self._pending == 0 and self.state == "closing":
            self._finish(None)

    def portFailed(self, failure: Failure) -> None:
        """
        Note that a port failed to stop: the teardown fails with the first
        such failure once everything else has gone.
        """
        if self._portFailure is None:
            self._portFailure = failure

    def partBusy(self) -> None:
        """
        Note that a part that had gone is in use again.
        """
        self._pending += 1

    def run(self) -> Deferred[None]:
        """
        Tear everything down, once; a second call waits for the first.

        :returns: A Deferred that fires with ``None`` once everything has
            gone, or fails with the reason it did not.
        """
        waiter: Deferred[None] = Deferred()
        if self.state == "closed":
            self._fire(waiter)
            return waiter
        self._waiters.append(waiter)
        if self.state == "open":
            # Count one more pending part while starting them, so that the
            # teardown cannot finish before every part has been started.
            self._pending += 1
            self.state = "closing"
            for part in self._parts:
                part.start()
            self.partDone()
            if self.state == "closing":
                self._timer = self._clock().callLater(self.gracePeriod, self._abort)
        return waiter

    def _clock(self) -> IReactorTime:
        return _globalReactor() if self.clock is None else self.clock

    def _fire(self, waiter: Deferred[None]) -> None:
        if self._failure is None:
            waiter.callback(None)
        else:
            waiter.errback(self._failure)

    def _finish(self, failure: Failure | None) -> None:
        if self._timer is not None:
            if self._timer.active():
                self._timer.cancel()
            self._timer = None
        self._failure = self._portFailure if failure is None else failure
        self.state = "closed"
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            self._fire(waiter)

    def _abort(self) -> None:
        self._timer = None
        for part in list(self._parts):
            if not part.done:
                part.abort()
        if self.state == "closing":
            self._timer = self._clock().callLater(self.gracePeriod, self._giveUp)

    def _giveUp(self) -> None:
        # Look once more in the next reactor iteration, after its I/O: if the
        # process was stalled past the deadline, what was about to go has its
        # chance to.
        self._timer = self._clock().callLater(0, self._finalCheck)

    def _finalCheck(self) -> None:
        self._timer = None
        stuck = [part for part in self._parts if not part.done]
        if not stuck:
            self._finish(None)
            return
        problems = [(part.label, part.problem(self.gracePeriod)) for part in stuck]
        named = [(label, problem) for label, problem in problems if problem] or [
            (label, f"{label} had not gone") for label, _ in problems
        ]
        error = DisconnectTimeout(
            "disconnect() gave up: " + "; ".join(problem for _, problem in named),
            tuple(label for label, _ in named),
        )
        self._finish(Failure(error))


def _globalReactor() -> IReactorTime:
    from twisted.internet import reactor

    return reactor


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

    The tracker wraps the factory's ``buildProtocol``, and each protocol's
    ``makeConnection`` and ``connectionLost``, on the instances; the
    protocols' own wrappers are removed once they have run, and the
    factory's once the teardown is done.  The objects stay the user's own.

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
    _factories: list[tuple[dict[str, Any], object]] = attrs.field(
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
            if protocol is not None:
                connection = Connection.observe(
                    protocol, f"the connection of {protocol!r}"
                )
                self._teardown.addConnection(connection)
            return protocol

        attributes["buildProtocol"] = buildProtocol
        self._tracked[id(factory)] = factory
        self._factories.append((attributes, previous))
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
        with a factory that was not tracked, such as the client side.

        :param protocol: A connected protocol (its ``transport`` is set),
            such as the one the Deferred of an endpoint's ``connect()``
            fires with.  If it has been lost already, it counts as gone.
        :returns: ``protocol`` itself.
        :raises TypeError: If ``protocol`` is not a protocol.
        :raises ValueError: If ``protocol`` is not connected, or if
            :meth:`disconnect` has been called.
        """
        self._checkOpen("trackProtocol")
        if not IProtocol.providedBy(protocol):
            raise TypeError(f"protocol must provide IProtocol, not {protocol!r}")
        if getattr(protocol, "transport", None) is None:
            raise ValueError(
                f"{protocol!r} is not connected (its transport is None): track "
                "it once it has connected, or track the factory that builds it"
            )
        if not self._isTracked(protocol):
            self._tracked[id(protocol)] = protocol
            self._teardown.addConnection(
                Connection.observeConnected(protocol, f"the connection of {protocol!r}")
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
        for attributes, previous in self._factories:
            _restore(attributes, "buildProtocol", previous)
        self._factories.clear()

    def __repr__(self) -> str:
        return f"<twistedtesting.ConnectionTracker {self._teardown.state}>"


def checkFactory(value: object, name: str) -> None:
    """
    Check that ``value`` is a protocol factory.

    :param value: The candidate.
    :param name: How to name the value in an error message.
    :raises TypeError: If it is not; the message says what to pass instead
        when ``value`` is a protocol or a factory class.
    """
    if IProtocolFactory.providedBy(value):
        return
    hint = ""
    if isinstance(value, type):
        if IProtocol.implementedBy(value):
            hint = (
                f"; {value.__qualname__} is a protocol class: pass "
                f"Factory.forProtocol({value.__qualname__})"
            )
        elif IProtocolFactory.implementedBy(value):
            hint = f"; {value.__qualname__} is a factory class: pass an instance of it"
    elif IProtocol.providedBy(value):
        hint = "; it is a protocol: pass the factory that builds it"
    raise TypeError(
        f"{name} must provide IProtocolFactory (a "
        f"twisted.internet.protocol.Factory, for instance), not {value!r}{hint}"
    )


# Used by the teardown of a failed connection attempt, which has already
# failed with the attempt's reason: a teardown that fails as well is logged.
def logTeardownFailure(failure: Failure) -> None:
    """
    Log a teardown that failed while cleaning up after another failure.
    """
    log.err(failure, "twistedtesting: teardown after a failed connection failed")
