# -*- test-case-name: twistedtesting.test.test_timeouts -*-
"""
Tests for L{twistedtesting.advanceUntil} and L{twistedtesting.assertTimesOut}.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import partial
from operator import eq
from typing import Any, cast

from twisted.application.internet import ClientService, backoffPolicy
from twisted.internet import defer, task
from twisted.internet.abstract import FileDescriptor
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IAddress, IProtocolFactory, IReactorTime
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.testing import MemoryReactor, StringTransport
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
from twistedtesting.test.hypothesissupport import given, settings, st

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


class DescriptorTransport(FileDescriptor):
    """
    A connected transport built on Twisted's L{FileDescriptor}, the base of
    its TCP, UNIX and process transports, with the flags they have:
    C{disconnecting} is the C{int} C{0} until C{loseConnection()} makes it
    C{1}.  It reads and writes through a L{MemoryReactor}, so no socket is
    involved.
    """

    connected = 1

    def __init__(self) -> None:
        super().__init__(MemoryReactor())

    def writeSomeData(self, data: bytes) -> int:
        return len(data)

    def getHost(self) -> IAddress:
        raise NotImplementedError("not needed by these tests")

    def getPeer(self) -> IAddress:
        raise NotImplementedError("not needed by these tests")


class RefusingEndpoint:
    """
    A client endpoint whose every connection attempt is refused at once; it
    records the clock's time at each attempt.
    """

    def __init__(self, clock: IReactorTime) -> None:
        self.clock = clock
        self.attempts: list[float] = []

    def connect(self, factory: IProtocolFactory) -> Deferred[Protocol]:
        self.attempts.append(self.clock.seconds())
        return defer.fail(ConnectionRefusedError())


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

    def test_callDueNow(self) -> None:
        """
        A call due at the clock's current time, such as a C{deferLater} of
        0 seconds, is run on either clock, which C{task.Clock} only does
        when it is advanced, if only by 0; the check of a timeout of 0
        seconds runs it too.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            d = task.deferLater(clock, 0, lambda: "now")
            self.assertEqual(advanceUntil(clock, d, 10), 0.0)
            self.assertEqual(self.successResultOf(d), "now")
            timed: Deferred[None] = Deferred()
            timed.addTimeout(0, clock)
            self.assertTimesOut(timed, clock, 0)
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
        Operations of the wrong kind, a callable returning C{None} (a
        forgotten C{return}) or a coroutine, a bad timeout and a clock that
        is not one are refused.
        """
        clock = Clock()

        async def asyncOperation() -> None:
            await Deferred()

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
                "truth value other than None (the condition).  Did it forget to "
                "return its Deferred?",
            ),
            (
                lambda: assertTimesOut(cast(Any, asyncOperation), clock, 1),
                TypeError,
                "which is not a Deferred; wrap a coroutine with "
                "Deferred.fromCoroutine()",
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


START = 125.7
"""
A clock reading at which C{now - start} has float noise for every time the
tests below take: C{(125.7 + 30) - 125.7} is C{29.999999999999986},
C{(125.7 + 2.3) - 125.7} is C{2.299999999999997}, and so on.
"""


def lateClock(makeClock: Callable[[], IReactorTime]) -> IReactorTime:
    """
    A new clock of the given kind, advanced to L{START}.
    """
    clock = makeClock()
    cast(Any, clock).advance(START)
    return clock


class TruthValueTests(SynchronousTestCase):
    """
    The condition form of L{assertTimesOut} takes any truth value, as
    L{advanceUntil} does.
    """

    def test_descriptorTransport(self) -> None:
        """
        C{lambda: transport.disconnecting} on a transport built on Twisted's
        L{FileDescriptor}, which is the C{int} C{0} and then C{1}, gives the
        exact time at which C{TimeoutMixin} dropped the connection, on
        either clock.
        """
        for makeClock in CLOCKS:
            clock = makeClock()
            protocol = IdleProtocol(clock)
            transport = DescriptorTransport()
            protocol.makeConnection(transport)
            self.assertIs(type(transport.disconnecting), int)
            disconnecting = partial(getattr, transport, "disconnecting")
            at = self.assertTimesOut(disconnecting, clock, 300)
            self.assertEqual(at, 300.0)
            self.assertEqual(
                (type(transport.disconnecting), transport.disconnecting), (int, 1)
            )

    def test_descriptorTransportEarly(self) -> None:
        """
        An C{int} condition that comes true before the timeout is reported
        as having happened early, at its time.
        """
        clock = Clock()
        protocol = IdleProtocol(clock)
        transport = DescriptorTransport()
        protocol.makeConnection(transport)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(lambda: transport.disconnecting, clock, 600)
        self.assertEqual(
            str(caught.exception),
            "happened early at t=300.0, before the timeout of 600.0 seconds",
        )

    def test_anyTruthValue(self) -> None:
        """
        A condition may return any object that has a truth value, such as a
        list that is empty until the timeout adds to it.
        """
        clock = Clock()
        dropped: list[str] = []
        clock.callLater(5, dropped.append, "idle")
        self.assertEqual(self.assertTimesOut(lambda: dropped, clock, 5), 5.0)


class LateStartTests(SynchronousTestCase):
    """
    Real Twisted code, timed on clocks that do not start at 0, where
    C{now - start} would have float noise.
    """

    def test_addTimeout(self) -> None:
        """
        A C{Deferred.addTimeout} of 30 seconds on a clock at t=100.7 (the
        case reported) or t=125.7 times out on time, on either clock: the
        check compares the clock's time with the start plus the timeout,
        and finds nothing early.
        """
        for makeClock in CLOCKS:
            for start in [100.7, START]:
                clock = makeClock()
                cast(Any, clock).advance(start)
                d: Deferred[None] = Deferred()
                d.addTimeout(30, clock)
                failure = self.assertTimesOut(d, clock, 30)
                self.assertTrue(failure.check(defer.TimeoutError))
                self.assertEqual(clock.seconds(), start + 30)

    def test_elapsedInMessages(self) -> None:
        """
        Times in messages are given without float noise: a timeout of 12.1
        seconds that starts at t=125.7 fired early at t=12.1, and one of 45
        seconds is still pending at t=30.0.
        """
        for makeClock in CLOCKS:
            clock = lateClock(makeClock)
            d: Deferred[None] = Deferred()
            d.addTimeout(12.1, clock)
            with self.assertRaises(self.failureException) as caught:
                self.assertTimesOut(d, clock, 30)
            self.assertEqual(
                str(caught.exception),
                "fired early at t=12.1 with TimeoutError: (12.1, 'Deferred'), "
                "before its timeout of 30.0 seconds",
            )
            clock = lateClock(makeClock)
            d = Deferred()
            d.addTimeout(45, clock)
            with self.assertRaises(self.failureException) as caught:
                self.assertTimesOut(d, clock, 30)
            self.assertTrue(
                str(caught.exception).startswith(
                    "still pending at t=30.0, when it should have timed out "
                    "after 30.0 seconds; still scheduled:"
                )
            )

    def test_deferLater(self) -> None:
        """
        C{advanceUntil} returns the time a C{deferLater} took as given, 2.3
        seconds, not C{128.0 - 125.7}; and it says when it
        would wait forever in the same terms.
        """
        for makeClock in CLOCKS:
            clock = lateClock(makeClock)
            d = task.deferLater(clock, 2.3, lambda: "done")
            self.assertEqual(advanceUntil(clock, d, 60), 2.3)
            self.assertEqual(clock.seconds(), START + 2.3)
            clock = lateClock(makeClock)
            clock.callLater(0.3, lambda: None)
            with self.assertRaises(WaitError) as caught:
                advanceUntil(clock, Deferred(), 60)
            self.assertEqual(
                str(caught.exception),
                "would wait forever: the condition does not hold at t=0.3 and "
                "nothing is scheduled that could change it",
            )

    def test_timeoutMixin(self) -> None:
        """
        C{TimeoutMixin} on a clock at t=125.7, reset by data at +100,
        drops the connection 400 seconds after the check began.
        """
        for makeClock in CLOCKS:
            clock = lateClock(makeClock)
            protocol, transport = connectedIdleProtocol(clock)
            clock.callLater(100, protocol.dataReceived, b"ping")
            disconnecting = partial(getattr, transport, "disconnecting")
            at = self.assertTimesOut(disconnecting, clock, 400)
            self.assertEqual(at, 400.0)

    def test_loopingCall(self) -> None:
        """
        A C{LoopingCall} of 1 second started at t=125.7 ticks at 126.7,
        127.7 and 128.7, and C{advanceUntil} says its third tick came 3.0
        seconds after the start.
        """
        for makeClock in CLOCKS:
            clock = lateClock(makeClock)
            times: list[float] = []

            def tick(clock: IReactorTime = clock, times: list[float] = times) -> None:
                times.append(clock.seconds())

            loop = task.LoopingCall(tick)
            loop.clock = clock
            loop.start(1, now=False)

            def threeTicks(times: list[float] = times) -> bool:
                return len(times) == 3

            self.assertEqual(advanceUntil(clock, threeTicks, 60), 3.0)
            self.assertEqual(times, [126.7, 127.7, 128.7])
            loop.stop()

    def test_clientServiceBackoff(self) -> None:
        """
        C{ClientService} retries a refused connection after its retry
        policy's delays of 1.5, 2.25 and 3.375 seconds, each counted from
        the attempt before, and C{whenConnected(failAfterFailures=4)} fails
        with the fourth refusal 7.125 seconds after the start at t=125.7.
        """
        for makeClock in CLOCKS:
            clock = lateClock(makeClock)
            endpoint = RefusingEndpoint(clock)
            service = ClientService(
                endpoint,  # type: ignore[arg-type]
                Factory.forProtocol(Protocol),
                retryPolicy=backoffPolicy(jitter=lambda: 0),
                clock=clock,
            )
            connected = service.whenConnected(failAfterFailures=4)
            service.startService()
            self.assertEqual(advanceUntil(clock, connected, 3600), 7.125)
            self.failureResultOf(connected, ConnectionRefusedError)
            expected = [START]
            for delay in [1.5, 2.25, 3.375]:
                expected.append(expected[-1] + delay)
            self.assertEqual(endpoint.attempts, expected)
            self.successResultOf(service.stopService())
            self.assertEqual(clock.getDelayedCalls(), [])


starts = st.one_of(
    st.floats(0, 1e9, allow_nan=False, allow_infinity=False),
    st.integers(0, 10**10).map(lambda n: n / 10),
)
anySeconds = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
decimalSeconds = st.integers(0, 10**9).map(lambda n: n / 1000)
clocks = st.sampled_from(CLOCKS)


class StartTimePropertyTests(SynchronousTestCase):
    """
    L{assertTimesOut} and L{advanceUntil} give the same answers whatever
    the clock's time at the start, on either clock.
    """

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(starts, anySeconds, clocks)
    def test_onTime(
        self, start: float, timeout: float, makeClock: Callable[[], IReactorTime]
    ) -> None:
        """
        A C{Deferred.addTimeout}, and a flag set by a call, due C{timeout}
        after any start time pass the check, which leaves the clock at
        exactly the start plus the timeout and gives back C{timeout} for
        the flag.
        """
        clock = makeClock()
        cast(Any, clock).advance(start)
        d: Deferred[None] = Deferred()
        d.addTimeout(timeout, clock)
        self.assertTrue(
            self.assertTimesOut(d, clock, timeout).check(defer.TimeoutError)
        )
        self.assertEqual(clock.seconds(), start + timeout)
        begin = clock.seconds()
        flag = [0]
        clock.callLater(timeout, flag.__setitem__, 0, 1)
        self.assertEqual(self.assertTimesOut(lambda: flag[0], clock, timeout), timeout)
        self.assertEqual(clock.seconds(), begin + timeout)

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(starts, decimalSeconds, decimalSeconds, clocks)
    def test_decimalTimesExact(
        self,
        start: float,
        first: float,
        second: float,
        makeClock: Callable[[], IReactorTime],
    ) -> None:
        """
        With times in thousandths of a second, as tests write them, and any
        start up to 10**9, C{advanceUntil} returns the delay exactly, and a
        shorter timeout than the one checked is reported early at exactly
        its own time.
        """
        shorter, longer = sorted([first, second])
        clock = makeClock()
        cast(Any, clock).advance(start)
        d = task.deferLater(clock, shorter, lambda: None)
        self.assertEqual(advanceUntil(clock, d, longer), shorter)
        if shorter == longer:
            return
        clock = makeClock()
        cast(Any, clock).advance(start)
        timed: Deferred[None] = Deferred()
        timed.addTimeout(shorter, clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(timed, clock, longer)
        match = re.match(r"fired early at t=(\S+) with ", str(caught.exception))
        self.assertEqual(match and match.group(1), repr(shorter))

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(starts, anySeconds, clocks)
    def test_anyTimeWithoutNoise(
        self, start: float, delay: float, makeClock: Callable[[], IReactorTime]
    ) -> None:
        """
        For any start and delay, the time C{advanceUntil} returns, added to
        the start, gives the clock's time, and is written with no more
        digits than the delay.
        """
        clock = makeClock()
        cast(Any, clock).advance(start)
        d = task.deferLater(clock, delay, lambda: None)
        taken = advanceUntil(clock, d, delay + 1)
        self.assertEqual(start + taken, clock.seconds())
        self.assertLessEqual(len(repr(taken)), len(repr(delay)))

    def test_nearestDecimalsMiss(self) -> None:
        """
        Where C{now - start} (here C{262144.93927661644}) rounded to the
        delay's ten decimals gives a number that, added to the start, does
        not give C{now}, the time returned is still the delay: its
        neighbour with ten decimals does.
        """
        start, delay = 1.3999999999941792, 262144.9392766165
        now = start + delay
        self.assertNotEqual(start + round(now - start, 10), now)
        clock = Clock()
        clock.advance(start)
        d = task.deferLater(clock, delay, lambda: None)
        self.assertEqual(advanceUntil(clock, d, 3e5), delay)
