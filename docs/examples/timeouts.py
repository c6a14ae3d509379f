# -*- test-case-name: examples.test_timeouts_example -*-
"""
A tiny line-based service with timeouts, the code under test of the
documentation's page on timeouts.

The server drops connections that stay idle too long, the client gives up on
requests that get no reply in time and can keep its connection alive, and
:func:`retryWithBackoff` waits longer after each failure.  Everything that
waits takes its clock as an argument, so that its tests, in
``test_timeouts_example``, can give it a :class:`twistedtesting.Clock`.  The
tests are run by::

    cd docs && python -m twisted.trial examples
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TypeVar

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.internet.protocol import connectionDone
from twisted.internet.task import LoopingCall, deferLater
from twisted.protocols.basic import LineReceiver
from twisted.protocols.policies import TimeoutMixin
from twisted.python.failure import Failure

_T = TypeVar("_T")

IDLE_TIMEOUT = 5 * 60.0
"""
How many seconds a :class:`LineServer` waits for a line before it drops the
connection, unless told otherwise.
"""

REQUEST_TIMEOUT = 30.0
"""
How many seconds a :class:`LineClient` waits for a reply, unless told
otherwise.
"""


class LineServer(LineReceiver, TimeoutMixin):
    """
    Answer each line with ``OK`` and the line, except ``NOOP``, which gets no
    answer.  A connection on which no line arrives for ``idleTimeout``
    seconds is told ``BYE idle`` and dropped.

    :param clock: The clock to time the connection's idleness with.
    :param idleTimeout: The idle timeout in seconds, or ``None`` for none.
    """

    def __init__(
        self, clock: IReactorTime, idleTimeout: float | None = IDLE_TIMEOUT
    ) -> None:
        self._clock = clock
        self._idleTimeout = idleTimeout

    def callLater(self, period: float, func: Callable[[], object]) -> IDelayedCall:
        """
        Schedule the timer of :class:`~twisted.protocols.policies.TimeoutMixin`
        on our clock rather than on the global reactor.
        """
        return self._clock.callLater(period, func)

    def connectionMade(self) -> None:
        self.setTimeout(self._idleTimeout)

    def lineReceived(self, line: bytes) -> None:
        self.resetTimeout()
        if line != b"NOOP":
            self.sendLine(b"OK " + line)

    def timeoutConnection(self) -> None:
        assert self.transport is not None
        self.sendLine(b"BYE idle")
        self.transport.loseConnection()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.setTimeout(None)


class LineClient(LineReceiver):
    """
    Send requests, a line each, and match the replies to them in order.

    A request that gets no reply in time fails with
    :class:`~twisted.internet.defer.TimeoutError`, and the client drops the
    connection: a late reply could no longer be told apart from the reply to
    the next request.

    :param clock: The clock to time requests and keep-alives with.
    """

    def __init__(self, clock: IReactorTime) -> None:
        self._clock = clock
        self._waiting: deque[Deferred[str]] = deque()
        self._keepAlive: LoopingCall | None = None

    def request(self, line: str, timeout: float = REQUEST_TIMEOUT) -> Deferred[str]:
        """
        Send ``line`` and return a Deferred that fires with the reply, or
        fails with :class:`~twisted.internet.defer.TimeoutError` after
        ``timeout`` seconds without one.
        """
        reply: Deferred[str] = Deferred(self._abandon)
        self._waiting.append(reply)
        self.sendLine(line.encode("utf-8"))
        return reply.addTimeout(timeout, self._clock)

    def _abandon(self, reply: Deferred[str]) -> None:
        """
        A request was cancelled, by its timeout or by its caller: stop
        waiting for its reply, and drop the connection.
        """
        assert self.transport is not None
        self._waiting.remove(reply)
        self.transport.loseConnection()

    def keepAlive(self, interval: float) -> None:
        """
        Send ``NOOP`` every ``interval`` seconds, so that the server does not
        drop the connection as idle, until the connection is lost.
        """
        self._keepAlive = LoopingCall(self.sendLine, b"NOOP")
        self._keepAlive.clock = self._clock
        self._keepAlive.start(interval, now=False)

    def lineReceived(self, line: bytes) -> None:
        if self._waiting:
            self._waiting.popleft().callback(line.decode("utf-8"))

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if self._keepAlive is not None and self._keepAlive.running:
            self._keepAlive.stop()
        waiting, self._waiting = self._waiting, deque()
        for reply in waiting:
            reply.errback(reason)


def retryWithBackoff(
    clock: IReactorTime,
    attempt: Callable[[], Deferred[_T]],
    tries: int,
    firstDelay: float = 1.0,
    maxDelay: float = 60.0,
) -> Deferred[_T]:
    """
    Call ``attempt`` until it succeeds, at most ``tries`` times, waiting
    ``firstDelay`` seconds after the first failure and twice as long after
    each further one, but never more than ``maxDelay`` seconds.

    :param clock: The clock to wait with.
    :param attempt: Starts one attempt.
    :param tries: The most attempts to make, at least 1.
    :returns: A Deferred that fires with the first successful attempt's
        result, or fails with the last attempt's failure.
    :raises ValueError: If ``tries`` is less than 1.
    """
    if tries < 1:
        raise ValueError(f"tries must be >= 1, got {tries}")

    async def loop() -> _T:
        delay = firstDelay
        for _ in range(tries - 1):
            try:
                return await attempt()
            except Exception:
                await deferLater(clock, delay)
                delay = min(delay * 2, maxDelay)
        return await attempt()

    return Deferred.fromCoroutine(loop())
