# -*- test-case-name: twistedtesting.test.test_timeouts -*-
"""
Tests for L{twistedtesting.advanceUntil} and L{twistedtesting.assertTimesOut}.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from operator import eq
from typing import Any, cast

from twisted.internet import defer, task
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.internet.protocol import Protocol
from twisted.internet.testing import StringTransport
from twisted.protocols.policies import TimeoutMixin
from twisted.python.failure import Failure

from twistedtesting import (
    DEFAULT_TIMEOUT_EXCEPTIONS,
    ChunkedTransport,
    Clock,
    FixedDelay,
    OneByteChunks,
    SynchronousTestCase,
    WaitError,
    advanceUntil,
    assertTimesOut,
)

CLOCKS: list[Callable[[], IReactorTime]] = [Clock, task.Clock]


def retryWithBackoff(
    clock: IReactorTime, attempt: Callable[[], Deferred[str]], tries: int
) -> Deferred[str]:
    """
    Call C{attempt} until it succeeds, waiting 1, 2, 4, ... seconds between
    tries, and fail with the last error after C{tries} attempts: the kind of
    loop whose timing a test should pin down.
    """

    async def loop() -> str:
        delay = 1.0
        for remaining in range(tries, 0, -1):
            try:
                return await attempt()
            except ConnectionError:
                if remaining == 1:
                    raise
            await task.deferLater(clock, delay, lambda: None)
            delay *= 2
        raise AssertionError("unreachable")

    return Deferred.fromCoroutine(loop())


class IdleProtocol(Protocol, TimeoutMixin):
    """
    A protocol that drops its connection after 300 idle seconds.
    """

    def __init__(self, clock: IReactorTime) -> None:
        # TimeoutMixin documents replacing its callLater to use another clock.
        self.callLater = clock.callLater  # type: ignore[method-assign,assignment]

    def connectionMade(self) -> None:
        self.setTimeout(300)

    def dataReceived(self, data: bytes) -> None:
        self.resetTimeout()

    def timeoutConnection(self) -> None:
        assert self.transport is not None
        self.transport.loseConnection()


def connectedIdleProtocol(clock: IReactorTime) -> tuple[IdleProtocol, StringTransport]:
    """
    An L{IdleProtocol} on clock C{clock}, connected to a string transport.
    """
    protocol = IdleProtocol(clock)
    transport = StringTransport()
    protocol.makeConnection(transport)
    return protocol, transport


class AdvanceUntilTests(SynchronousTestCase):
    """
    Tests for L{advanceUntil}, with both clocks.
    """

    def test_deferred(self) -> None:
        """
        With a Deferred, the clock moves just far enough for it to fire, and
        the time that took is returned exactly; a later call stays pending.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            later = clock.callLater(6, print)
            clock.callLater(1, lambda: None)
            d = task.deferLater(clock, 5, lambda: "ok")
            self.assertEqual(advanceUntil(clock, d, 60), 5.0)
            self.assertEqual(clock.seconds(), 5.0)
            self.assertEqual(self.successResultOf(d), "ok")
            self.assertTrue(later.active())

    def test_callable(self) -> None:
        """
        With a callable, the clock moves one scheduled call at a time until
        it returns true.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            hits: list[float] = []
            loop = task.LoopingCall(hits.append, 0)
            loop.clock = clock
            loop.start(7, now=False)
            self.assertEqual(advanceUntil(clock, hits.__len__, 100), 7.0)
            self.assertEqual(advanceUntil(clock, partial(eq, hits, [0] * 3), 100), 14.0)
            loop.stop()

    def test_alreadyHolds(self) -> None:
        """
        When the condition holds already, nothing moves and 0.0 is returned.
        """
        clock = Clock()
        clock.callLater(1, print)
        self.assertEqual(advanceUntil(clock, defer.succeed(1), 10), 0.0)
        self.assertEqual(clock.seconds(), 0.0)

    def test_wouldWaitForever(self) -> None:
        """
        When nothing is scheduled and the condition does not hold, it fails
        at once, without moving the clock.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            with self.assertRaises(WaitError) as caught:
                advanceUntil(clock, Deferred(), 3600)
            self.assertEqual(
                str(caught.exception),
                "would wait forever: the condition does not hold at t=0.0 and "
                "nothing is scheduled that could change it",
            )
            self.assertEqual(clock.seconds(), 0.0)

    def test_limit(self) -> None:
        """
        When the limit passes first, the clock has moved exactly the limit
        and the error lists what is still scheduled.
        """
        clock = Clock()
        clock.callLater(50, print)
        with self.assertRaises(WaitError) as caught:
            advanceUntil(clock, lambda: False, 30)
        self.assertEqual(clock.seconds(), 30.0)
        self.assertEqual(
            str(caught.exception),
            "the condition still did not hold when the limit of 30.0 seconds "
            "passed; still scheduled: <DelayedCall due at t=50.0: print()>",
        )

    def test_holdsAtLimit(self) -> None:
        """
        A condition that comes true exactly at the limit is met.
        """
        clock = Clock()
        d = task.deferLater(clock, 30, lambda: None)
        self.assertEqual(advanceUntil(clock, d, 30), 30.0)

    def test_failureException(self) -> None:
        """
        The exception raised can be chosen, such as a test's
        C{failureException}.
        """
        with self.assertRaises(self.failureException):
            advanceUntil(
                Clock(), lambda: False, 1, failureException=self.failureException
            )

    def test_testCaseMethod(self) -> None:
        """
        The test case method returns the time taken, and fails the test
        with its C{failureException} when the condition cannot hold.
        """
        clock = Clock()
        self.assertEqual(
            self.advanceUntil(clock, task.deferLater(clock, 2, lambda: None), 5),
            2.0,
        )
        with self.assertRaises(self.failureException) as caught:
            self.advanceUntil(clock, Deferred(), 5)
        self.assertTrue(str(caught.exception).startswith("would wait forever"))

    def test_exponentialBackoff(self) -> None:
        """
        A retry loop with exponential backoff makes its last attempt exactly
        1 + 2 + 4 seconds after the first, and fails then.
        """
        clock = Clock()
        attempts: list[float] = []

        def attempt() -> Deferred[str]:
            attempts.append(clock.seconds())
            return defer.fail(ConnectionRefusedError())

        d = retryWithBackoff(clock, attempt, 4)
        self.assertEqual(advanceUntil(clock, d, 3600), 7.0)
        self.assertEqual(attempts, [0.0, 1.0, 3.0, 7.0])
        self.failureResultOf(d, ConnectionRefusedError)

    def test_badArguments(self) -> None:
        """
        A clock that cannot be advanced, a condition of the wrong kind, and
        a bad limit are refused before anything moves.
        """
        clock = Clock()
        with self.assertRaises(TypeError) as caught:
            advanceUntil(object(), lambda: True, 1)  # type: ignore[arg-type]
        self.assertIn("clock must provide IReactorTime", str(caught.exception))
        with self.assertRaises(TypeError) as caught:
            advanceUntil(clock, 42, 1)  # type: ignore[arg-type]
        self.assertEqual(
            str(caught.exception),
            "condition must be a Deferred or a callable taking no arguments, not 42",
        )
        for limit, error in [
            (-1, ValueError),
            (math.nan, ValueError),
            ("1", TypeError),
        ]:
            self.assertRaises(error, advanceUntil, clock, lambda: False, limit)
        self.assertEqual(clock.seconds(), 0.0)


class AssertTimesOutTests(SynchronousTestCase):
    """
    Tests for L{assertTimesOut} and L{SynchronousTestCase.assertTimesOut}.
    """

    def test_twoHours(self) -> None:
        """
        A two-hour C{addTimeout} is checked in virtual time, on either
        clock, and the failure is returned.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            d: Deferred[None] = Deferred()
            d.addTimeout(7200, clock)
            failure = self.assertTimesOut(d, clock, 7200)
            self.assertIsInstance(failure, Failure)
            self.assertTrue(failure.check(defer.TimeoutError))
            self.assertEqual(clock.seconds(), 7200.0)

    def test_startingCallable(self) -> None:
        """
        A callable that returns a Deferred is called once to start the
        operation; the time counts from then.
        """
        clock = Clock()
        clock.advance(100)
        started: list[float] = []

        def start() -> Deferred[None]:
            started.append(clock.seconds())
            d: Deferred[None] = Deferred()
            return d.addTimeout(30, clock)

        self.assertTimesOut(start, clock, 30)
        self.assertEqual((started, clock.seconds()), ([100.0], 130.0))

    def test_stepsThroughOtherCalls(self) -> None:
        """
        Other calls before the timeout run at their own times, and the
        operation is checked after each.
        """
        clock = Clock()
        d: Deferred[None] = Deferred()
        d.addTimeout(30, clock)
        seen: list[float] = []
        for t in [5, 10, 29.5]:
            clock.callLater(t, lambda: seen.append(clock.seconds()))
        self.assertTimesOut(d, clock, 30)
        self.assertEqual(seen, [5.0, 10.0, 29.5])

    def test_firedEarly(self) -> None:
        """
        A timeout that fires before its time is a failure saying when.
        """
        clock = Clock()
        d: Deferred[None] = Deferred()
        d.addTimeout(12, clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(d, clock, 30)
        self.assertEqual(
            str(caught.exception),
            "fired early at t=12.0 with TimeoutError: (12, 'Deferred'), before "
            "its timeout of 30.0 seconds",
        )

    def test_resultEarly(self) -> None:
        """
        An operation that succeeds before the timeout is a failure saying
        when and with what.
        """
        clock = Clock()
        d = task.deferLater(clock, 4, lambda: "reply")
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(d, clock, 30)
        self.assertEqual(
            str(caught.exception),
            "fired early at t=4.0 with result 'reply', before its timeout of "
            "30.0 seconds",
        )

    def test_alreadyFired(self) -> None:
        """
        A Deferred that has its result before any time passes fired early at
        t=0.0, and the clock has not moved.
        """
        clock = Clock()
        clock.callLater(5, print)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(defer.succeed("now"), clock, 30)
        self.assertEqual(
            str(caught.exception),
            "fired early at t=0.0 with result 'now', before its timeout of 30.0 "
            "seconds",
        )
        self.assertEqual(clock.seconds(), 0.0)

    def test_stillPending(self) -> None:
        """
        An operation with no result at its timeout is a failure that says
        what is still scheduled.
        """
        clock = Clock()
        d: Deferred[None] = Deferred()
        d.addTimeout(45, clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(d, clock, 30)
        self.assertEqual(
            str(caught.exception),
            "still pending at t=30.0, when it should have timed out after 30.0 "
            "seconds; still scheduled: <DelayedCall due at t=45.0: "
            "Deferred.addTimeout.<locals>.timeItOut()>",
        )

    def test_wrongException(self) -> None:
        """
        Failing with another exception at the right time is a failure that
        names both; so is succeeding then.
        """
        clock = Clock()

        def boom() -> None:
            raise ValueError("bad")

        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(task.deferLater(clock, 30, boom), clock, 30)
        self.assertEqual(
            str(caught.exception),
            "failed with ValueError: bad instead of defer.TimeoutError or "
            "error.TimeoutError or CancelledError at t=30.0",
        )
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(task.deferLater(clock, 30, lambda: 7), clock, 30)
        self.assertEqual(
            str(caught.exception),
            "succeeded at t=30.0 with 7 instead of failing with "
            "defer.TimeoutError or error.TimeoutError or CancelledError",
        )

    def test_expected(self) -> None:
        """
        The expected exceptions can be chosen; a cancelled C{deferLater}
        fails with C{CancelledError}, one of the defaults.
        """
        clock = Clock()
        d = task.deferLater(clock, 99, lambda: None)
        clock.callLater(10, d.cancel)
        self.assertTrue(self.assertTimesOut(d, clock, 10).check(defer.CancelledError))

        def boom() -> None:
            raise ConnectionError()

        failure = self.assertTimesOut(
            task.deferLater(clock, 5, boom), clock, 5, ConnectionError
        )
        self.assertTrue(failure.check(ConnectionError))
        self.assertIn(defer.CancelledError, DEFAULT_TIMEOUT_EXCEPTIONS)

    def test_idleTimeout(self) -> None:
        """
        The condition form gives the exact virtual time at which an idle
        protocol told its transport to disconnect, even when traffic reset
        its timer on the way.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            protocol, transport = connectedIdleProtocol(clock)
            clock.callLater(100, protocol.dataReceived, b"ping")
            disconnecting = partial(getattr, transport, "disconnecting")
            self.assertEqual(self.assertTimesOut(disconnecting, clock, 400), 400.0)

    def test_slowPeerTripsIdleTimeout(self) -> None:
        """
        A peer whose bytes arrive over a L{ChunkedTransport} on the clock,
        one byte every 20 seconds, keeps an idle timeout of 300 seconds at
        bay; once its bytes stop coming, the timeout fires exactly 300
        seconds after the last byte.
        """
        clock = Clock()
        protocol = IdleProtocol(clock)
        transport = ChunkedTransport(
            protocol, OneByteChunks(), clock=clock, spacing=FixedDelay(20)
        )
        transport.peer.feed(b"hello")
        at = self.assertTimesOut(
            partial(getattr, transport, "disconnecting"), clock, 400
        )
        self.assertEqual(at, 400.0)
        self.assertEqual(transport.bytesDelivered, 5)

    def test_idleTimeoutEarlyAndLate(self) -> None:
        """
        The condition form says when the condition came true too early, or
        that it was still false at the timeout.
        """
        clock = Clock()
        _, transport = connectedIdleProtocol(clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(lambda: transport.disconnecting, clock, 600)
        self.assertEqual(
            str(caught.exception),
            "happened early at t=300.0, before the timeout of 600.0 seconds",
        )
        clock = Clock()
        _, transport = connectedIdleProtocol(clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(lambda: transport.disconnecting, clock, 200)
        self.assertTrue(
            str(caught.exception).startswith(
                "still false at t=200.0, when the timeout of 200.0 seconds "
                "should have made it true; still scheduled: <DelayedCall due at "
                "t=300.0:"
            )
        )

    def test_plainFunctionRaisesAssertionError(self) -> None:
        """
        The plain function raises C{AssertionError} unless told otherwise,
        for test classes other than trial's; the method raises the test's
        C{failureException}.
        """
        clock = Clock()
        with self.assertRaises(AssertionError) as caught:
            assertTimesOut(Deferred(), clock, 1)
        self.assertIs(type(caught.exception), AssertionError)
        with self.assertRaises(KeyError):
            assertTimesOut(Deferred(), clock, 1, failureException=KeyError)

    def test_badArguments(self) -> None:
        """
        Operations of the wrong kind, a callable returning something else,
        a bad timeout and a clock that is not one are refused.
        """
        clock = Clock()
        checks: list[tuple[Callable[[], Any], type[Exception], str]] = [
            (
                lambda: assertTimesOut(42, clock, 1),  # type: ignore[call-overload]
                TypeError,
                "operation must be a Deferred or a callable taking no "
                "arguments, not 42",
            ),
            (
                lambda: assertTimesOut(cast(Any, lambda: None), clock, 1),
                TypeError,
                "returned None; it must return a Deferred (the operation) or a "
                "bool (the condition)",
            ),
            (
                lambda: assertTimesOut(Deferred(), clock, -1),
                ValueError,
                "seconds must be a finite number >= 0, got -1",
            ),
            (
                lambda: assertTimesOut(Deferred(), clock, math.nan),
                ValueError,
                "seconds must be a finite number >= 0, got nan",
            ),
            (
                lambda: assertTimesOut(Deferred(), None, 1),  # type: ignore[call-overload]
                TypeError,
                "clock must provide IReactorTime",
            ),
        ]
        for call, error, message in checks:
            with self.assertRaises(error) as caught:
                call()
            self.assertIn(message, str(caught.exception))
        self.assertEqual(clock.seconds(), 0.0)

    def test_conditionTrueAtStart(self) -> None:
        """
        A condition that is already true is a failure: the timeout cannot
        have caused it.
        """
        with self.assertRaises(AssertionError) as caught:
            assertTimesOut(lambda: True, Clock(), 5)
        self.assertEqual(
            str(caught.exception),
            "the condition was already true at t=0.0, before any time passed",
        )
