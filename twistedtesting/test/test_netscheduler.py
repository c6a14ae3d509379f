# -*- test-case-name: twistedtesting.test.test_netscheduler -*-
"""
Tests for the network's event queue: seeded tie-breaking between hosts at
one instant, each host's own order kept, paused and crashed hosts, the
loop guard, and errors that leave the queue intact.
"""

from __future__ import annotations

import math
import random

from twisted.internet.error import AlreadyCalled, AlreadyCancelled

from twistedtesting import Clock, ClockLoopError, SynchronousTestCase
from twistedtesting._netscheduler import HostTimers, NetworkScheduler


def _setUp(seed: int, names: str = "abc") -> tuple[Clock, list[HostTimers]]:
    clock = Clock()
    scheduler = NetworkScheduler(clock, random.Random(seed))
    return clock, [HostTimers(scheduler, name) for name in names]


class TieBreakingTests(SynchronousTestCase):
    """
    Events due at one instant run in an order drawn from the seed.
    """

    def order(self, seed: int) -> list[str]:
        clock, hosts = _setUp(seed)
        ran: list[str] = []
        for index in range(3):
            for host in hosts:
                host.schedule(1.0, ran.append, (f"{host.name}{index}",), {})
        clock.advance(1)
        return ran

    def test_sameSeedSameOrder(self) -> None:
        """
        One seed gives one order, every time.
        """
        self.assertEqual(self.order(7), self.order(7))

    def test_seedsVaryOrder(self) -> None:
        """
        Across seeds, the hosts' events interleave in different orders.
        """
        orders = {tuple(self.order(seed)) for seed in range(20)}
        self.assertGreater(len(orders), 5)

    def test_eachHostKeepsItsOrder(self) -> None:
        """
        Whatever the seed, each host's events at one instant run in the
        order it scheduled them, as one reactor runs them.
        """
        for seed in range(20):
            ran = self.order(seed)
            for name in "abc":
                self.assertEqual(
                    [event for event in ran if event[0] == name],
                    [f"{name}0", f"{name}1", f"{name}2"],
                )

    def test_timeOrderFirst(self) -> None:
        """
        Events run in time order; the seed only breaks ties.
        """
        clock, (a, b, c) = _setUp(3)
        ran: list[float] = []
        for host, time in [(a, 3.0), (b, 1.0), (c, 2.0)]:
            host.schedule(time, lambda: ran.append(clock.seconds()), (), {})
        clock.advance(5)
        self.assertEqual(ran, [1.0, 2.0, 3.0])


class HostStateTests(SynchronousTestCase):
    """
    Paused hosts' events wait; dead hosts' events are dropped.
    """

    def test_pauseHoldsBack(self) -> None:
        """
        An event due while its host is paused runs when the host resumes,
        at that time, in the order the events came due.
        """
        clock, (a, _, _) = _setUp(1)
        ran: list[tuple[str, float]] = []
        for name, time in [("x", 1.0), ("y", 2.0)]:
            a.schedule(time, lambda n=name: ran.append((n, clock.seconds())), (), {})
        a.pause()
        clock.advance(5)
        self.assertEqual((ran, a.heldBackCount), ([], 2))
        a.resume()
        clock.advance(0)
        self.assertEqual(ran, [("x", 5.0), ("y", 5.0)])
        self.assertIsNone(a.scheduler.nextTime())

    def test_killDrops(self) -> None:
        """
        A dead host's events never run, and scheduling more does nothing.
        """
        clock, (a, _, _) = _setUp(1)
        ran: list[int] = []
        a.schedule(1.0, ran.append, (1,), {})
        a.kill()
        later = a.schedule(2.0, ran.append, (2,), {})
        clock.advance(5)
        self.assertEqual(ran, [])
        self.assertFalse(later.active())
        self.assertIsNone(a.scheduler.nextTime())

    def test_cancelAndReset(self) -> None:
        """
        Calls can be cancelled and reset as Twisted's delayed calls can.
        """
        clock, (a, _, _) = _setUp(1)
        ran: list[float] = []
        call = a.schedule(1.0, lambda: ran.append(clock.seconds()), (), {})
        call.reset(3)
        self.assertEqual(call.getTime(), 3.0)
        call.delay(1)
        clock.advance(10)
        self.assertEqual(ran, [4.0])
        self.assertRaises(AlreadyCalled, call.cancel)
        other = a.schedule(12.0, ran.append, (0.0,), {})
        other.cancel()
        self.assertRaises(AlreadyCancelled, other.cancel)
        clock.advance(10)
        self.assertEqual(ran, [4.0])

    def test_resetAndDelayRefuseBadSeconds(self) -> None:
        """
        C{reset} and C{delay} refuse what the clock's delayed calls refuse,
        with the same messages, and leave the call where it was.
        """
        _, (a, _, _) = _setUp(1)
        call = a.schedule(2.0, print, (), {})
        bad: list[tuple[str, object, type[Exception], str]] = [
            ("reset", -1, ValueError, "secondsFromNow must be a finite number >= 0"),
            ("reset", math.inf, ValueError, "secondsFromNow must be a finite"),
            ("reset", "1", TypeError, "secondsFromNow must be"),
            ("delay", math.nan, ValueError, "secondsLater must be finite, got nan"),
            ("delay", "1", TypeError, "secondsLater must be"),
        ]
        for method, value, error, start in bad:
            with self.assertRaises(error) as caught:
                getattr(call, method)(value)
            self.assertTrue(str(caught.exception).startswith(start), caught.exception)
            clockCall = Clock().callLater(2, print)
            with self.assertRaises(error) as clockCaught:
                getattr(clockCall, method)(value)
            self.assertEqual(str(caught.exception), str(clockCaught.exception))
        self.assertEqual(call.getTime(), 2.0)
        self.assertEqual(a.scheduler.liveCalls(), [call])


class GuardTests(SynchronousTestCase):
    """
    Endless chains at one instant raise; errors leave the queue intact.
    """

    def test_loopGuard(self) -> None:
        """
        Events that keep scheduling events at their own instant raise
        C{ClockLoopError} after C{maxInstantCalls}.
        """
        clock = Clock()
        scheduler = NetworkScheduler(clock, random.Random(1), maxInstantCalls=50)
        host = HostTimers(scheduler, "a")
        count = [0]

        def again() -> None:
            count[0] += 1
            host.schedule(clock.seconds(), again, (), {})

        host.schedule(0.0, again, (), {})
        error = self.assertRaises(ClockLoopError, clock.advance, 0)
        self.assertIn("50 network events in a row at t=0.0", str(error))
        self.assertEqual(count[0], 50)

    def test_errorKeepsTheRest(self) -> None:
        """
        An event that raises stops the run there; the events after it, at
        the same instant and later, still run on the next advance.
        """
        clock, hosts = _setUp(2)
        ran: list[str] = []

        def boom() -> None:
            raise ZeroDivisionError()

        for host in hosts:
            host.schedule(1.0, ran.append, (host.name,), {})
        hosts[0].schedule(1.0, boom, (), {})
        hosts[1].schedule(2.0, ran.append, ("later",), {})
        self.assertRaises(ZeroDivisionError, clock.advance, 1)
        clock.advance(2)
        self.assertEqual(sorted(ran), ["a", "b", "c", "later"])
