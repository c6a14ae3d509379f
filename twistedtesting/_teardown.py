# -*- test-case-name: twistedtesting.test.test_teardown -*-
"""
Complete, bounded teardown of connections: stop the listening ports, lose
the connections, and wait until every one of them has really gone.

A connection has gone when its protocol's ``connectionLost`` has run (which
:mod:`twistedtesting._observe` sees), and a port when the Deferred of
``stopListening`` has fired.  What has not gone a grace period after it was
asked to is aborted, and what has not gone a grace period after that is
reported, by name, in a :class:`DisconnectTimeout`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, Protocol

import attrs
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall, IListeningPort, IReactorTime
from twisted.python import log
from twisted.python.failure import Failure

from twistedtesting._checks import checkNumber
from twistedtesting._observe import ObservedConnection

DEFAULT_GRACE_PERIOD = 2.0
"""
How long, in seconds, a teardown waits by default for a connection to close
after ``loseConnection()`` before it aborts it, and then for it to close
after ``abortConnection()`` (or for a port to stop) before it gives up.
"""


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
class ClosingConnection:
    """
    A connection that a teardown loses: asks it to close, aborts it a grace
    period later if it has not, and says what it is if it is still there.

    :ivar label: How errors name it.
    :ivar record: What is known about the connection.
    :ivar labelNamesProtocol: Whether ``label`` shows the protocol already,
        so that errors do not show it twice.
    :ivar onDone: Called once, when the connection is lost (the teardown's).
    """

    label: str
    record: ObservedConnection
    labelNamesProtocol: bool = False
    onDone: Callable[[], None] | None = None
    _after: ClosingConnection | None = None
    _thenStart: ClosingConnection | None = None
    _startRequested: bool = False
    _loseWhenMade: bool = False
    _reported: bool = False
    # "" until the abort stage; then "aborted", or "impossible" for a
    # transport without abortConnection().
    _abort: str = ""

    def __attrs_post_init__(self) -> None:
        self.record.listen(self._changed)

    @property
    def done(self) -> bool:
        """
        Whether the protocol's ``connectionLost`` has run.
        """
        return self.record.done

    def _changed(self) -> None:
        record = self.record
        if self._loseWhenMade and record.transport is not None:
            self._loseWhenMade = False
            record.transport.loseConnection()
        if record.lostReason is not None and not self._reported:
            self._reported = True
            following = self._thenStart
            if following is not None:
                self._thenStart = following._after = None
                if following._startRequested:
                    following.start()
            if self.onDone is not None:
                self.onDone()

    def startAfter(self, other: ClosingConnection) -> None:
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
        if self.record.lostReason is not None:
            return
        if self._after is not None:
            self._startRequested = True
            return
        if self.record.transport is None:
            self._loseWhenMade = True
        else:
            self.record.transport.loseConnection()

    def abort(self) -> None:
        """
        Abort the connection, if it has connected and its transport can.
        """
        transport = self.record.transport
        if self.done or transport is None:
            return
        abortConnection = getattr(transport, "abortConnection", None)
        if abortConnection is None:
            self._abort = "impossible"
        else:
            self._abort = "aborted"
            abortConnection()

    def problem(self, gracePeriod: float) -> str:
        """
        Say why the connection is still there.
        """
        protocol, transport = self.record.protocol, self.record.transport
        shown = "" if self.labelNamesProtocol else f"{protocol!r}"
        if transport is None:
            return f"{self.label}{f' ({shown})' if shown else ''} never connected"
        on = f"{shown} on {transport!r}" if shown else f"on {transport!r}"
        what = f"{self.label} ({on})"
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

    def addConnection(self, connection: ClosingConnection) -> None:
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


# Used by the teardown of a failed connection attempt, which has already
# failed with the attempt's reason: a teardown that fails as well is logged.
def logTeardownFailure(failure: Failure) -> None:
    """
    Log a teardown that failed while cleaning up after another failure.
    """
    log.err(failure, "twistedtesting: teardown after a failed connection failed")
