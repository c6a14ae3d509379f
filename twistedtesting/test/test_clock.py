# -*- test-case-name: twistedtesting.test.test_clock -*-
"""
Tests for L{twistedtesting.Clock}.

The first tests hold L{Clock} to the behaviour that code written against
L{twisted.internet.task.Clock} relies on; the later ones check where it
differs, as documented.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise
from typing import Any, cast

from twisted.internet import task
from twisted.internet.defer import Deferred
from twisted.internet.error import AlreadyCalled, AlreadyCancelled
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from zope.interface.verify import verifyObject

from twistedtesting import (
    DEFAULT_MAX_INSTANT_CALLS,
    Clock,
    ClockLoopError,
    SynchronousTestCase,
)
from twistedtesting.test.hypothesissupport import given, settings, st

BAD_NUMBERS: list[tuple[object, type[Exception]]] = [
    (-1, ValueError),
    (-0.5, ValueError),
    (math.nan, ValueError),
    (math.inf, ValueError),
    (True, TypeError),
    ("1", TypeError),
    (None, TypeError),
]


class TaskClockCompatibilityTests(SynchronousTestCase):
    """
    What code written for C{task.Clock} expects of a clock.
    """

    def test_interfaces(self) -> None:
        """
        The clock provides C{IReactorTime} and its delayed calls
        C{IDelayedCall}, so it can stand in for a reactor's timing.
        """
        clock = Clock()
        self.assertTrue(verifyObject(IReactorTime, clock))
        self.assertTrue(verifyObject(IDelayedCall, clock.callLater(1, print)))

    def test_startsAtZero(self) -> None:
        """
        A new clock reads 0.0, as C{task.Clock} does, and C{rightNow} is the
        same time.
        """
        clock = Clock()
        self.assertEqual((clock.seconds(), clock.rightNow), (0.0, 0.0))

    def test_callLaterRunsWhenDue(self) -> None:
        """
        A call runs, with its arguments, once the clock reaches its time and
        not before: tests rely on the boundary being inclusive.
        """
        clock = Clock()
        calls: list[tuple[object, ...]] = []
        call = clock.callLater(2, lambda *a, **k: calls.append((a, k)), 1, x=2)
        self.assertEqual(call.getTime(), 2.0)
        clock.advance(1.5)
        self.assertEqual(calls, [])
        self.assertTrue(call.active())
        clock.advance(0.5)
        self.assertEqual(calls, [((1,), {"x": 2})])
        self.assertFalse(call.active())
        self.assertEqual(clock.seconds(), 2.0)

    def test_sameTimeInSchedulingOrder(self) -> None:
        """
        Calls due at the same time run in the order they were scheduled, as
        C{task.Clock}'s stable sort runs them.
        """
        clock = Clock()
        order: list[int] = []
        for label in [3, 1, 2]:
            clock.callLater(5, order.append, label)
        clock.advance(5)
        self.assertEqual(order, [3, 1, 2])

    def test_getDelayedCalls(self) -> None:
        """
        C{getDelayedCalls} lists the active calls soonest first, without the
        cancelled and the ones that ran.
        """
        clock = Clock()
        late = clock.callLater(9, print)
        ran = clock.callLater(1, lambda: None)
        cancelled = clock.callLater(3, print)
        soon = clock.callLater(2, print)
        cancelled.cancel()
        clock.advance(1)
        self.assertEqual(clock.getDelayedCalls(), [soon, late])
        self.assertFalse(ran.active())

    def test_calls(self) -> None:
        """
        C{calls} lists the pending calls soonest first, as C{task.Clock}'s
        attribute does, for tests that read it.
        """
        clock = Clock()
        late = clock.callLater(5, print)
        soon = clock.callLater(1, print)
        self.assertEqual(clock.calls, [soon, late])
        clock.advance(1)
        self.assertEqual(clock.calls, [late])

    def test_noDelayedCalls(self) -> None:
        """
        A new clock has no delayed calls, nor does one whose calls all ran.
        """
        clock = Clock()
        self.assertEqual(clock.getDelayedCalls(), [])
        clock.callLater(1, print)
        clock.advance(1)
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_resetInsideCallKeepsOrder(self) -> None:
        """
        A call that reschedules another while it runs leaves the calls in
        due order, as C{task.Clock} keeps them sorted.
        """
        clock = Clock()
        order: list[str] = []
        second = clock.callLater(3, order.append, "second")
        third = clock.callLater(4, order.append, "third")

        def reorder() -> None:
            second.reset(3)
            third.reset(1)

        clock.callLater(1, reorder)
        clock.advance(1)
        self.assertEqual(clock.getDelayedCalls(), [third, second])
        clock.advance(3)
        self.assertEqual(order, ["third", "second"])

    def test_cancel(self) -> None:
        """
        A cancelled call never runs; cancelling it again raises
        C{AlreadyCancelled}, cancelling one that ran raises C{AlreadyCalled},
        as for a reactor's delayed calls.
        """
        clock = Clock()
        calls: list[int] = []
        call = clock.callLater(1, calls.append, 1)
        call.cancel()
        # called and cancelled are not in IDelayedCall, but code written
        # for task.Clock reads them.
        self.assertEqual((cast(Any, call).cancelled, call.active()), (1, False))
        self.assertRaises(AlreadyCancelled, call.cancel)
        self.assertRaises(AlreadyCancelled, call.reset, 1)
        done = clock.callLater(1, calls.append, 2)
        clock.advance(1)
        self.assertEqual(calls, [2])
        self.assertEqual(cast(Any, done).called, 1)
        self.assertRaises(AlreadyCalled, done.cancel)
        self.assertRaises(AlreadyCalled, done.delay, 1)

    def test_resetAndDelay(self) -> None:
        """
        C{reset} makes a call due a given time from now, C{delay} moves it by
        an amount from its due time, earlier or later.
        """
        clock = Clock()
        times: list[float] = []
        a = clock.callLater(10, lambda: times.append(clock.seconds()))
        b = clock.callLater(10, lambda: times.append(-clock.seconds()))
        clock.advance(4)
        a.reset(1)
        b.delay(-3)
        self.assertEqual((a.getTime(), b.getTime()), (5.0, 7.0))
        clock.advance(10)
        self.assertEqual(times, [5.0, -7.0])

    def test_scheduledDuringAdvanceRunsIfDue(self) -> None:
        """
        A call scheduled by a call, due before the end of the same
        C{advance}, runs in that C{advance}.
        """
        clock = Clock()
        times: list[float] = []
        clock.callLater(1, lambda: clock.callLater(1, times.append, "second"))
        clock.advance(2)
        self.assertEqual(times, ["second"])

    def test_pump(self) -> None:
        """
        C{pump} advances by each amount in turn.
        """
        clock = Clock()
        seen: list[float] = []
        for delay in [1, 3, 6]:
            clock.callLater(delay, lambda: seen.append(clock.seconds()))
        clock.pump([2, 2, 2])
        self.assertEqual((seen, clock.seconds()), ([1.0, 3.0, 6.0], 6.0))

    def test_exceptionStopsAdvance(self) -> None:
        """
        An exception from a call comes out of C{advance} at once, as with
        C{task.Clock}; later calls stay scheduled, and here the clock reads
        the failing call's time.
        """
        clock = Clock()
        later = clock.callLater(3, print)

        def fail() -> None:
            raise ZeroDivisionError("in a call")

        clock.callLater(2, fail)
        self.assertRaises(ZeroDivisionError, clock.advance, 5)
        self.assertEqual(clock.seconds(), 2.0)
        self.assertEqual(clock.getDelayedCalls(), [later])

    def test_loopingCall(self) -> None:
        """
        C{LoopingCall} runs on it at exact multiples of its interval.
        """
        clock = Clock()
        times: list[float] = []
        loop = task.LoopingCall(lambda: times.append(clock.seconds()))
        loop.clock = clock
        loop.start(10, now=False)
        clock.advance(45)
        loop.stop()
        self.assertEqual(times, [10.0, 20.0, 30.0, 40.0])

    def test_deferLater(self) -> None:
        """
        C{deferLater} fires with its function's result at its time.
        """
        clock = Clock()
        d = task.deferLater(clock, 3, lambda: "done")
        clock.advance(2.9)
        self.assertNoResult(d)
        clock.advance(0.1)
        self.assertEqual(self.successResultOf(d), "done")

    def test_reprs(self) -> None:
        """
        The clock's repr shows its time and how many calls are pending; a
        call's repr shows its state, time and function.
        """
        clock = Clock()

        def ping() -> None:
            pass

        call = clock.callLater(1.5, ping)
        self.assertEqual(repr(clock), "<twistedtesting.Clock t=0.0 pending=1>")
        self.assertEqual(
            repr(call),
            "<DelayedCall due at t=1.5: "
            "TaskClockCompatibilityTests.test_reprs.<locals>.ping()>",
        )
        clock.advance(2)
        self.assertTrue(repr(call).startswith("<DelayedCall called at t=1.5"))


class DifferenceTests(SynchronousTestCase):
    """
    Where L{Clock} deliberately differs from C{task.Clock}.
    """

    def chain(self, clock: Clock | task.Clock) -> list[float]:
        """
        Run a chain of calls, each scheduling the next 1.5 seconds after its
        own time, through one C{advance(10)}; return when each ran.
        """
        times: list[float] = []

        def step() -> None:
            times.append(clock.seconds())
            if len(times) < 6:
                clock.callLater(1.5, step)

        clock.callLater(1, step)
        clock.advance(10)
        return times

    def test_eachCallAtItsOwnTime(self) -> None:
        """
        Each call runs with C{seconds()} equal to its due time, so a chain
        of calls keeps its spacing; C{task.Clock} runs the first at the final
        time and the chain falls behind.
        """
        self.assertEqual(self.chain(Clock()), [1.0, 2.5, 4.0, 5.5, 7.0, 8.5])
        self.assertEqual(self.chain(task.Clock()), [10.0])

    def test_selfReschedulingLoopStopped(self) -> None:
        """
        A call that keeps rescheduling itself at the instant it runs is
        stopped after C{maxInstantCalls} runs with L{ClockLoopError}; the
        next call stays scheduled and the clock reads that instant.
        """
        clock = Clock(maxInstantCalls=50)
        runs: list[float] = []

        def spin() -> None:
            runs.append(clock.seconds())
            clock.callLater(0, spin)

        clock.callLater(3, spin)
        with self.assertRaises(ClockLoopError) as caught:
            clock.advance(10)
        self.assertEqual(runs, [3.0] * 50)
        self.assertEqual(clock.seconds(), 3.0)
        [pending] = clock.getDelayedCalls()
        self.assertEqual(pending.getTime(), 3.0)
        self.assertEqual(
            str(caught.exception),
            "50 calls in a row at t=3.0 each scheduled the next for that same "
            "instant, so time could never move on; the next would be "
            "<DelayedCall due at t=3.0: "
            "DifferenceTests.test_selfReschedulingLoopStopped.<locals>.spin()>.  "
            "Look for a call that keeps rescheduling itself with callLater(0).  "
            "If the chain is legitimate and only long, allow longer ones with "
            "Clock(maxInstantCalls=...).",
        )

    def pollingLoop(
        self, clock: Clock, reply: Deferred[None]
    ) -> tuple[task.LoopingCall, list[float]]:
        """
        Start a C{LoopingCall} with an interval of 0 on C{clock} that polls
        C{reply} and stops once it has a result; return it and the times it
        polled at.
        """
        polls: list[float] = []

        def poll() -> None:
            polls.append(clock.seconds())
            if reply.called:
                loop.stop()

        loop = task.LoopingCall(poll)
        loop.clock = clock
        loop.start(0, now=False)
        return loop, polls

    def test_usableAfterLoopStops(self) -> None:
        """
        After L{ClockLoopError}, once the cause of the loop is gone, the
        next C{advance} runs the kept call, which stops the loop, and the
        clock runs on: the kept call does not carry the old loop count.
        """
        clock = Clock(maxInstantCalls=50)
        reply: Deferred[None] = Deferred()
        clock.callLater(3, print)
        loop, polls = self.pollingLoop(clock, reply)
        self.assertRaises(ClockLoopError, clock.advance, 1)
        self.assertEqual(polls, [0.0] * 50)
        reply.callback(None)
        clock.advance(1)
        self.assertEqual(polls, [0.0] * 51)
        self.assertFalse(loop.running)
        self.assertEqual(clock.seconds(), 1.0)
        clock.advance(2)
        self.assertEqual(clock.getDelayedCalls(), [])

    def test_usableAfterLoopCancelled(self) -> None:
        """
        After L{ClockLoopError}, once the looping call is cancelled (here
        by stopping the C{LoopingCall}), the clock runs the calls after it.
        """
        clock = Clock(maxInstantCalls=50)
        later: list[float] = []
        clock.callLater(7, lambda: later.append(clock.seconds()))
        loop, polls = self.pollingLoop(clock, Deferred())
        self.assertRaises(ClockLoopError, clock.advance, 10)
        loop.stop()
        clock.advance(10)
        self.assertEqual((polls, later, clock.seconds()), ([0.0] * 50, [7.0], 10.0))

    def test_loopGoesOnRaisesAgain(self) -> None:
        """
        A loop whose cause is still there is stopped again by the next
        C{advance}, after another C{maxInstantCalls} calls.
        """
        clock = Clock(maxInstantCalls=50)
        _, polls = self.pollingLoop(clock, Deferred())
        self.assertRaises(ClockLoopError, clock.advance, 1)
        self.assertRaises(ClockLoopError, clock.advance, 1)
        self.assertEqual((len(polls), clock.seconds()), (100, 0.0))

    def test_longerBurstAllowed(self) -> None:
        """
        A chain of 60 calls at one instant that ends by itself is stopped
        by C{Clock(maxInstantCalls=50)} and runs to its end on
        C{Clock(maxInstantCalls=60)}, the remedy the error names.
        """
        for bound, stopped in [(50, True), (60, False)]:
            clock = Clock(maxInstantCalls=bound)
            ran: list[int] = []

            def chain(left: int, clock: Clock = clock, ran: list[int] = ran) -> None:
                ran.append(left)
                if left > 1:
                    clock.callLater(0, chain, left - 1)

            clock.callLater(0, chain, 60)
            if stopped:
                with self.assertRaises(ClockLoopError) as caught:
                    clock.advance(0)
                self.assertIn("Clock(maxInstantCalls=...)", str(caught.exception))
                self.assertEqual(len(ran), 50)
            else:
                clock.advance(0)
                self.assertEqual(ran, list(range(60, 0, -1)))

    def test_defaultLoopBound(self) -> None:
        """
        Without an argument the bound is L{DEFAULT_MAX_INSTANT_CALLS}.
        """
        clock = Clock()
        runs = [0]

        def spin() -> None:
            runs[0] += 1
            clock.callLater(0, spin)

        clock.callLater(0, spin)
        self.assertRaises(ClockLoopError, clock.advance, 0)
        self.assertEqual(runs[0], DEFAULT_MAX_INSTANT_CALLS)

    def test_manyCallsAtOneInstantAreNoLoop(self) -> None:
        """
        Many calls scheduled side by side for one instant, by the test or
        by one call, are not a loop, however many there are; nor is a chain
        of zero-delay calls that ends.
        """
        clock = Clock(maxInstantCalls=10)
        ran = [0]

        def count() -> None:
            ran[0] += 1

        def fanOut() -> None:
            for _ in range(100):
                clock.callLater(0, count)

        for _ in range(100):
            clock.callLater(0, count)
        clock.callLater(0, fanOut)

        def chain(left: int) -> None:
            if left:
                clock.callLater(0, chain, left - 1)

        clock.callLater(0, chain, 9)
        clock.advance(0)
        self.assertEqual(ran[0], 200)

    def test_cancelledCallsDoNotAccumulate(self) -> None:
        """
        Scheduling and cancelling many calls, or rescheduling one many
        times, leaves only a bounded number of entries behind.
        """
        clock = Clock()
        keep = clock.callLater(1000, print)
        for _ in range(10_000):
            clock.callLater(5, print).cancel()
            keep.reset(1000)
        self.assertLessEqual(len(clock._heap), 2 * 64 + 2)
        self.assertEqual(clock.getDelayedCalls(), [keep])

    def test_nestedAdvance(self) -> None:
        """
        A call that advances the clock itself runs the calls due by then;
        time never moves backwards for the calls after it.
        """
        clock = Clock()
        times: list[float] = []
        clock.callLater(1, lambda: clock.advance(5))
        clock.callLater(2, lambda: times.append(clock.seconds()))
        clock.callLater(3, lambda: times.append(clock.seconds()))
        clock.advance(1)
        self.assertEqual((times, clock.seconds()), ([2.0, 3.0], 6.0))

    def loopingCallTicks(self, start: float, interval: float) -> list[float]:
        """
        Run a C{LoopingCall} of C{interval} seconds, started at C{start}, for
        50 intervals in one C{advance}; return when it ticked.
        """
        clock = Clock()
        clock.advance(start)
        ticks: list[float] = []
        loop = task.LoopingCall(lambda: ticks.append(clock.seconds()))
        loop.clock = clock
        loop.start(interval, now=False)
        clock.advance(interval * 50.5)
        loop.stop()
        return ticks

    def test_loopingCallRounding(self) -> None:
        """
        As the documentation warns, a C{LoopingCall} whose interval is not
        exact in binary ticks twice, a few units in the last place apart,
        now and then (55 and 70 ticks in 50 intervals from t=0 and t=100.7):
        it takes a tick whose due time rounded down for early.  With an
        interval exact in binary it ticks once per interval from such
        starts.
        """
        for start, count in [(0.0, 55), (100.7, 70)]:
            ticks = self.loopingCallTicks(start, 0.1)
            self.assertEqual(len(ticks), count)
            closest = min(b - a for a, b in pairwise(ticks))
            self.assertLess(closest, 1e-12)
            for interval in [0.25, 0.5, 1, 10]:
                ticks = self.loopingCallTicks(start, interval)
                self.assertEqual(
                    ticks, [start + interval * k for k in range(1, 51)], interval
                )

    def test_loopingCallRoundingIsLoopingCalls(self) -> None:
        """
        The extra tick is C{LoopingCall}'s own request, as the documentation
        explains: from t=0 with an interval of 0.1 the tick due at 0.6 asks
        for the next one half a unit in the last place later.  C{task.Clock}
        advanced to each due time in turn ticks early the same way: 50
        ticks in 4.6 seconds.
        """
        clock = Clock()
        ticks: list[float] = []
        loop = task.LoopingCall(lambda: ticks.append(clock.seconds()))
        loop.clock = clock
        loop.start(0.1, now=False)
        clock.advance(0.6)
        self.assertEqual(ticks[-1], 0.6)
        self.assertEqual(clock.nextCallTime(), math.nextafter(0.6, 1.0))
        self.assertEqual(clock.nextCallTime(), 0.6 + math.ulp(0.6) / 2)
        loop.stop()

        taskClock = task.Clock()
        taskTicks: list[float] = []
        taskLoop = task.LoopingCall(lambda: taskTicks.append(taskClock.seconds()))
        taskLoop.clock = taskClock
        taskLoop.start(0.1, now=False)
        while len(taskTicks) < 50:
            assert taskLoop.call is not None
            taskClock.advance(taskLoop.call.getTime() - taskClock.seconds())
        taskLoop.stop()
        self.assertEqual(taskTicks[-1], 4.6000000000000005)

    def test_advanceTo(self) -> None:
        """
        C{advanceTo} moves to an exact time; moving backwards is an error.
        """
        clock = Clock()
        clock.advanceTo(0.3)
        self.assertEqual(clock.seconds(), 0.3)
        with self.assertRaises(ValueError) as caught:
            clock.advanceTo(0.1)
        self.assertEqual(
            str(caught.exception),
            "time 0.1 is before the clock's current time 0.3",
        )

    def test_nextCallTime(self) -> None:
        """
        C{nextCallTime} is the soonest active call's time, or None.
        """
        clock = Clock()
        self.assertIsNone(clock.nextCallTime())
        first = clock.callLater(2, print)
        clock.callLater(4, print)
        first.cancel()
        self.assertEqual(clock.nextCallTime(), 4.0)


class BadInputTests(SynchronousTestCase):
    """
    Wrong arguments are refused where they are given, naming the argument.
    """

    def test_delays(self) -> None:
        """
        C{callLater}, C{advance} and C{reset} refuse negative, NaN and
        infinite seconds with L{ValueError} and non-numbers with
        L{TypeError}.
        """
        clock = Clock()
        call = clock.callLater(1, print)
        checks: list[tuple[Callable[[Any], object], str]] = [
            (lambda v: clock.callLater(v, print), "delay"),
            (clock.advance, "amount"),
            (call.reset, "secondsFromNow"),
        ]
        for method, name in checks:
            for value, error in BAD_NUMBERS:
                with self.assertRaises(error) as caught:
                    method(value)
                self.assertTrue(str(caught.exception).startswith(name), name)
        self.assertEqual(clock.getDelayedCalls(), [call])
        self.assertEqual(clock.seconds(), 0.0)

    def test_delayArgument(self) -> None:
        """
        C{delay} takes any finite number, but not NaN or a non-number.
        """
        call = Clock().callLater(1, print)
        self.assertRaises(ValueError, call.delay, math.nan)
        self.assertRaises(TypeError, call.delay, "1")

    def test_notCallable(self) -> None:
        """
        C{callLater} refuses something that cannot be called.
        """
        with self.assertRaises(TypeError) as caught:
            Clock().callLater(1, 42)  # type: ignore[arg-type]
        self.assertEqual(
            str(caught.exception), "callLater() callable must be callable, not 42"
        )

    def test_maxInstantCalls(self) -> None:
        """
        The loop bound must be a positive int.
        """
        self.assertRaises(ValueError, Clock, maxInstantCalls=0)
        self.assertRaises(TypeError, Clock, maxInstantCalls=True)
        self.assertRaises(TypeError, Clock, maxInstantCalls=1.5)


class _Model:
    """
    A plain model of the documented semantics: a list searched in full at
    every step.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.sequence = 0
        # [time, sequence, label, active]
        self.calls: list[list[Any]] = []
        self.log: list[tuple[str, float]] = []

    def schedule(self, delay: float, label: str) -> list[Any]:
        self.sequence += 1
        call = [self.now + delay, self.sequence, label, True]
        self.calls.append(call)
        return call

    def advance(self, amount: float, onRun: Callable[[str], None]) -> None:
        target = self.now + amount
        while True:
            due = [c for c in self.calls if c[3] and c[0] <= target]
            if not due:
                break
            call = min(due, key=lambda c: (c[0], c[1]))
            call[3] = False
            self.now = call[0]
            self.log.append((call[2], self.now))
            onRun(call[2])
        self.now = target


operations = st.lists(
    st.one_of(
        st.tuples(st.just("schedule"), st.sampled_from([0, 0.5, 1, 2, 2.5])),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("reset"), st.integers(0, 30), st.sampled_from([0, 1, 3])),
        st.tuples(st.just("advance"), st.sampled_from([0, 0.5, 1, 3])),
    ),
    max_size=40,
)


class ModelTests(SynchronousTestCase):
    """
    For any schedule, L{Clock} runs the same calls in the same order, each
    at its own time, as the plain model.
    """

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(operations)
    def test_sameAsModel(self, ops: list[tuple[Any, ...]]) -> None:
        """
        Scheduling, cancelling, resetting and advancing, with calls that
        schedule a follow-up when they run, give the same log and the same
        pending calls as the model.
        """
        clock = Clock()
        model = _Model()
        log: list[tuple[str, float]] = []
        real: list[IDelayedCall] = []
        modelled: list[list[Any]] = []

        def run(label: str) -> None:
            log.append((label, clock.seconds()))
            if label.count("+") < 2:
                real.append(clock.callLater(1, run, label + "+"))

        def modelRun(label: str) -> None:
            if label.count("+") < 2:
                modelled.append(model.schedule(1, label + "+"))

        for op in ops:
            if op[0] == "schedule":
                label = str(len(real))
                real.append(clock.callLater(op[1], run, label))
                modelled.append(model.schedule(op[1], label))
            elif op[0] in ("cancel", "reset") and op[1] < len(real):
                call, twin = real[op[1]], modelled[op[1]]
                if call.active() != twin[3]:
                    self.fail(f"activity differs for {twin}")
                if not call.active():
                    continue
                if op[0] == "cancel":
                    call.cancel()
                    twin[3] = False
                else:
                    call.reset(op[2])
                    model.sequence += 1
                    twin[0], twin[1] = model.now + op[2], model.sequence
            elif op[0] == "advance":
                clock.advance(op[1])
                model.advance(op[1], modelRun)
        self.assertEqual(log, model.log)
        self.assertEqual(clock.seconds(), model.now)
        self.assertEqual(
            [c.getTime() for c in clock.getDelayedCalls()],
            [
                c[0]
                for c in sorted(
                    (c for c in model.calls if c[3]), key=lambda c: (c[0], c[1])
                )
            ],
        )
