# -*- test-case-name: examples.test_timeouts_example -*-
"""
Tests for :mod:`examples.timeouts`, written the way a project using
twistedtesting would write them: every timeout is tested in virtual time, at
its exact second, and no test sleeps.
"""

from __future__ import annotations

import unittest

from twisted.internet import defer, task
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.internet.testing import StringTransport

from examples.flaky import FlakyService
from examples.timeouts import LineClient, LineServer, retryWithBackoff
from twistedtesting import (
    Clock,
    ClockLoopError,
    SynchronousTestCase,
    WaitError,
    advanceUntil,
    assertTimesOut,
)


def connectedClient(clock: IReactorTime) -> tuple[LineClient, StringTransport]:
    """
    Return a :class:`LineClient` on ``clock``, connected to a transport that
    records what it sends.
    """
    client = LineClient(clock)
    transport = StringTransport()
    client.makeConnection(transport)
    return client, transport


def connectedServer(
    clock: IReactorTime, idleTimeout: float | None = 300
) -> tuple[LineServer, StringTransport]:
    """
    Return a :class:`LineServer` on ``clock``, connected to a transport that
    records what it sends.
    """
    server = LineServer(clock, idleTimeout)
    transport = StringTransport()
    server.makeConnection(transport)
    return server, transport


class RequestTimeoutTests(SynchronousTestCase):
    """
    Tests for the timeout of :meth:`LineClient.request`.
    """

    def test_twoHourTimeout(self) -> None:
        """
        A request with a two-hour timeout fails with ``TimeoutError`` after
        exactly two hours of virtual time; the test takes milliseconds.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        twoHours = 2 * 60 * 60
        failure = self.assertTimesOut(
            client.request("EXPORT", timeout=twoHours), clock, twoHours
        )
        self.assertIs(failure.type, defer.TimeoutError)
        self.assertEqual(clock.seconds(), 7200.0)

    def test_timeoutDropsConnection(self) -> None:
        """
        A request with no reply fails with Deferred's ``TimeoutError``, and
        not any other of the default timeout exceptions, after the default
        30 seconds, and the client drops its connection.
        """
        clock = Clock()
        client, transport = connectedClient(clock)
        self.assertTimesOut(client.request("STATUS"), clock, 30, defer.TimeoutError)
        self.assertEqual(transport.value(), b"STATUS\r\n")
        self.assertTrue(transport.disconnecting)

    def test_timeCountsFromStart(self) -> None:
        """
        Given a callable, ``assertTimesOut`` calls it once to start the
        operation, and the timeout counts from then: a request made at
        t=100 times out at t=130.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        clock.advance(100)
        self.assertTimesOut(lambda: client.request("STATUS"), clock, 30)
        self.assertEqual(clock.seconds(), 130.0)

    def test_replyInTime(self) -> None:
        """
        A reply that arrives 12.5 seconds after the request fires the
        request's Deferred then, cancels its timeout and keeps the
        connection.
        """
        clock = Clock()
        client, transport = connectedClient(clock)
        reply = client.request("STATUS")
        clock.callLater(12.5, client.dataReceived, b"OK STATUS\r\n")
        self.assertEqual(advanceUntil(clock, reply, 60), 12.5)
        self.assertEqual(self.successResultOf(reply), "OK STATUS")
        self.assertEqual(clock.getDelayedCalls(), [])
        self.assertFalse(transport.disconnecting)

    def test_replyIsNoTimeout(self) -> None:
        """
        ``assertTimesOut`` fails a test whose operation fires before its
        timeout, saying when and with what.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        reply = client.request("STATUS")
        clock.callLater(12.5, client.dataReceived, b"OK STATUS\r\n")
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(reply, clock, 30)
        self.assertEqual(
            str(caught.exception),
            "fired early at t=12.5 with result 'OK STATUS', before its timeout "
            "of 30.0 seconds",
        )

    def test_longerTimeoutStillPending(self) -> None:
        """
        ``assertTimesOut`` fails a test whose operation has no result at the
        timeout it expects, saying what is still scheduled.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(client.request("STATUS", timeout=45), clock, 30)
        self.assertEqual(
            str(caught.exception),
            "still pending at t=30.0, when it should have timed out after 30.0 "
            "seconds; still scheduled: <DelayedCall due at t=45.0: "
            "Deferred.addTimeout.<locals>.timeItOut()>",
        )

    def test_otherException(self) -> None:
        """
        ``assertTimesOut`` fails a test whose operation fails on time but
        with an exception other than the expected ones, naming both.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        with self.assertRaises(self.failureException) as caught:
            self.assertTimesOut(
                client.request("STATUS"), clock, 30, ConnectionRefusedError
            )
        self.assertEqual(
            str(caught.exception),
            "failed with TimeoutError: (30.0, 'Deferred') instead of "
            "ConnectionRefusedError at t=30.0",
        )


class IdleTimeoutTests(SynchronousTestCase):
    """
    Tests for the idle timeout of :class:`LineServer`, which comes from
    ``TimeoutMixin``: its effect is a dropped connection, not a Deferred.
    """

    def test_idleConnectionDropped(self) -> None:
        """
        A connection on which nothing arrives is told ``BYE idle`` and
        dropped after exactly 300 seconds.
        """
        clock = Clock()
        _, transport = connectedServer(clock, idleTimeout=300)
        self.assertEqual(
            self.assertTimesOut(lambda: transport.disconnecting, clock, 300), 300.0
        )
        self.assertEqual(transport.value(), b"BYE idle\r\n")

    def test_lineRestartsTimer(self) -> None:
        """
        A line received at t=100 restarts the idle timer: the connection is
        dropped at t=400.
        """
        clock = Clock()
        server, transport = connectedServer(clock, idleTimeout=300)
        clock.callLater(100, server.dataReceived, b"HELLO\r\n")
        self.assertEqual(
            advanceUntil(clock, lambda: transport.disconnecting, 3600), 400.0
        )
        self.assertEqual(transport.value(), b"OK HELLO\r\nBYE idle\r\n")

    def test_partialLineIsNoActivity(self) -> None:
        """
        Part of a line does not restart the idle timer: the connection is
        dropped 300 seconds after it was made.
        """
        clock = Clock()
        server, transport = connectedServer(clock, idleTimeout=300)
        clock.callLater(100, server.dataReceived, b"HEL")
        self.assertTimesOut(lambda: transport.disconnecting, clock, 300)

    def test_noIdleTimeout(self) -> None:
        """
        Without an idle timeout nothing is scheduled, so ``advanceUntil``
        fails at once instead of advancing the clock an hour.
        """
        clock = Clock()
        _, transport = connectedServer(clock, idleTimeout=None)
        with self.assertRaises(WaitError) as caught:
            advanceUntil(clock, lambda: transport.disconnecting, 3600)
        self.assertEqual(
            str(caught.exception),
            "would wait forever: the condition does not hold at t=0.0 and "
            "nothing is scheduled that could change it",
        )
        self.assertEqual(clock.seconds(), 0.0)


class KeepAliveTests(SynchronousTestCase):
    """
    Tests for :meth:`LineClient.keepAlive`, which sends ``NOOP`` lines with a
    ``LoopingCall``.
    """

    def test_everyInterval(self) -> None:
        """
        The third ``NOOP`` is sent at exactly t=180 with an interval of 60
        seconds.
        """
        clock = Clock()
        client, transport = connectedClient(clock)
        client.keepAlive(60)
        threeSent = advanceUntil(
            clock, lambda: transport.value() == b"NOOP\r\n" * 3, 3600
        )
        self.assertEqual(threeSent, 180.0)

    def test_oneAdvance(self) -> None:
        """
        One ``advance`` over several intervals sends one ``NOOP`` for each,
        and the next is due at the next multiple of the interval.
        """
        clock = Clock()
        client, transport = connectedClient(clock)
        client.keepAlive(60)
        clock.advance(200)
        self.assertEqual(transport.value(), b"NOOP\r\n" * 3)
        self.assertEqual([call.getTime() for call in clock.getDelayedCalls()], [240.0])

    def test_stopsWhenConnectionLost(self) -> None:
        """
        Once the connection is lost, no ``NOOP`` is scheduled any more.
        """
        clock = Clock()
        client, transport = connectedClient(clock)
        client.keepAlive(60)
        clock.advance(60)
        client.connectionLost()
        self.assertEqual(clock.getDelayedCalls(), [])
        self.assertEqual(transport.value(), b"NOOP\r\n")


class BackoffTests(SynchronousTestCase):
    """
    Tests for :func:`retryWithBackoff`.
    """

    def test_schedule(self) -> None:
        """
        After each failure the wait doubles, from 1 second: five attempts
        are made at t=0, 1, 3, 7 and 15, and the last one's failure is the
        result, at t=15.
        """
        clock = Clock()
        service = FlakyService(clock, failures=5)
        result = retryWithBackoff(clock, service, tries=5)
        self.assertEqual(advanceUntil(clock, result, 3600), 15.0)
        self.assertEqual(service.attemptTimes, [0.0, 1.0, 3.0, 7.0, 15.0])
        self.failureResultOf(result, ConnectionRefusedError)

    def test_longestDelay(self) -> None:
        """
        The wait grows no longer than ``maxDelay``: with 5 seconds, the waits
        are 1, 2, 4, 5 and 5 seconds.
        """
        clock = Clock()
        service = FlakyService(clock, failures=6)
        result = retryWithBackoff(clock, service, tries=6, maxDelay=5)
        clock.advance(3600)
        self.assertEqual(service.attemptTimes, [0.0, 1.0, 3.0, 7.0, 12.0, 17.0])
        self.failureResultOf(result, ConnectionRefusedError)

    def test_successEndsRetries(self) -> None:
        """
        The first successful attempt, the third at t=3, gives the result,
        and no more attempts are made.
        """
        clock = Clock()
        service = FlakyService(clock, failures=2)
        result = retryWithBackoff(clock, service, tries=5)
        self.assertEqual(advanceUntil(clock, result, 3600), 3.0)
        self.assertEqual(self.successResultOf(result), "OK")
        self.assertEqual(service.attemptTimes, [0.0, 1.0, 3.0])
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_attemptsTimingOut(self) -> None:
        """
        When every attempt is a request that times out after 10 seconds,
        four tries give up with the last request's ``TimeoutError`` after
        10 + 1 + 10 + 2 + 10 + 4 + 10 = 47 seconds.
        """
        clock = Clock()
        started: list[float] = []

        def attempt() -> Deferred[str]:
            started.append(clock.seconds())
            client, _ = connectedClient(clock)
            return client.request("STATUS", timeout=10)

        self.assertTimesOut(retryWithBackoff(clock, attempt, tries=4), clock, 47)
        self.assertEqual(started, [0.0, 11.0, 23.0, 37.0])

    def test_atLeastOneTry(self) -> None:
        """
        Fewer than one try is a ``ValueError``, raised at once.
        """
        with self.assertRaises(ValueError) as caught:
            retryWithBackoff(Clock(), FlakyService(Clock(), failures=0), tries=0)
        self.assertEqual(str(caught.exception), "tries must be >= 1, got 0")


class ClockTests(SynchronousTestCase):
    """
    How :class:`twistedtesting.Clock` differs from ``task.Clock``, shown on
    the code above.
    """

    def test_taskClockDrifts(self) -> None:
        """
        ``task.Clock`` runs every call that one ``advance`` passes at the
        final time, so each retry is scheduled from there: one advance of 60
        seconds makes the second attempt at t=60 and no more, where
        :class:`twistedtesting.Clock` makes them all at their own times.
        """
        clock = task.Clock()
        service = FlakyService(clock, failures=5)
        retryWithBackoff(clock, service, tries=5)
        clock.advance(60)
        self.assertEqual(service.attemptTimes, [0.0, 60.0])

    def test_taskClockLoopingCall(self) -> None:
        """
        With ``task.Clock``, one ``advance`` over three intervals of a
        ``LoopingCall`` runs it once, at the final time.
        """
        clock = task.Clock()
        client, transport = connectedClient(clock)
        client.keepAlive(60)
        clock.advance(200)
        self.assertEqual(transport.value(), b"NOOP\r\n")

    def test_instantLoopStopped(self) -> None:
        """
        A call that keeps rescheduling itself with ``callLater(0)``, here
        while it polls for a reply, is stopped with ``ClockLoopError`` after
        ``DEFAULT_MAX_INSTANT_CALLS`` calls, instead of hanging the test; the
        clock reads the instant of the loop, and runs on once the reply
        has come.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        reply = client.request("STATUS")

        def poll() -> None:
            if not reply.called:
                clock.callLater(0, poll)

        clock.callLater(5, poll)
        with self.assertRaises(ClockLoopError) as caught:
            clock.advance(60)
        self.assertEqual(
            str(caught.exception),
            "10000 calls in a row at t=5.0 each scheduled the next for that "
            "same instant, so time could never move on; the next would be "
            "<DelayedCall due at t=5.0: "
            "ClockTests.test_instantLoopStopped.<locals>.poll()>.  Look for a "
            "call that keeps rescheduling itself with callLater(0).  If the "
            "chain is legitimate and only long, allow longer ones with "
            "Clock(maxInstantCalls=...).",
        )
        self.assertEqual(clock.seconds(), 5.0)
        # Once the reply arrives, the poll stops and the clock runs on.
        client.dataReceived(b"OK STATUS\r\n")
        clock.advance(1)
        self.assertEqual(self.successResultOf(reply), "OK STATUS")
        self.assertEqual(clock.seconds(), 6.0)


class PlainUnittestTests(unittest.TestCase):
    """
    The plain function ``assertTimesOut``, in a test case class that is not
    twistedtesting's.
    """

    def test_requestTimesOut(self) -> None:
        """
        A request times out after 30 seconds; a failure of the check would
        be reported with this test case's ``failureException``.
        """
        clock = Clock()
        client, _ = connectedClient(clock)
        failure = assertTimesOut(
            client.request("STATUS"),
            clock,
            30,
            failureException=self.failureException,
        )
        self.assertIs(failure.type, defer.TimeoutError)
