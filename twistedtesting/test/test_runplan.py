# -*- test-case-name: twistedtesting.test.test_runplan -*-
"""
Tests for L{twistedtesting._runplan}: the outermost tests of a trial run
share one plan, and each still runs with its own seed, note and generator
states.
"""

from __future__ import annotations

import gc
import random
import unittest as pyunit
import weakref
from io import StringIO

import attrs
from twisted.trial import reporter, unittest

from twistedtesting import SynchronousTestCase, registerRandom, unregisterRandom
from twistedtesting._attempts import _pluginOptions, currentOptions, useOptions
from twistedtesting._generators import _running
from twistedtesting._runplan import sharedPlan
from twistedtesting._seeds import deriveSeed
from twistedtesting._trialattempts import _attempting
from twistedtesting.test.test_testcase import (
    RUN_SEED,
    _FixedRunSeed,
    derivedNote,
    problemsOf,
)


def failing(name: str, drawn: list[float]) -> SynchronousTestCase:
    """
    A test that draws from the global generator into C{drawn}, then fails
    with the message C{name}; its class is made here, so that trial does not
    collect it.
    """

    class Failing(SynchronousTestCase):
        def test_a(self) -> None:
            drawn.append(random.random())
            self.fail("a")

        def test_b(self) -> None:
            drawn.append(random.random())
            self.fail("b")

    Failing.__qualname__ = "Failing"
    return Failing(f"test_{name}")


class SharedPlanTests(_FixedRunSeed, unittest.SynchronousTestCase):
    """
    Outermost tests reporting to one trial reporter share one plan.
    """

    def setUp(self) -> None:
        super().setUp()
        saved = list(sharedPlan)
        self.addCleanup(sharedPlan.__setitem__, slice(None), saved)
        del sharedPlan[:]

    def runBoth(self) -> tuple[reporter.Reporter, str, list[float]]:
        """
        Run the failing tests C{test_a} and C{test_b}, one after the other,
        with one trial reporter, and return it, what it printed and what
        they drew.
        """
        drawn: list[float] = []
        stream = StringIO()
        result = reporter.Reporter(stream=stream)
        for test in (failing("a", drawn), failing("b", drawn)):
            test.run(result)
        result.done()
        return result, stream.getvalue(), drawn

    def test_oneSharedPlan(self) -> None:
        """
        The first test makes the run's shared plan, for the reporter it was
        given, and the second test runs with that same plan; while each
        runs, the plan's test is that test.
        """
        running: list[object] = []

        class Recording(SynchronousTestCase):
            def test_a(self) -> None:
                running.append(sharedPlan[0].test)

            test_b = test_a

        result = reporter.Reporter(stream=StringIO())
        first, second = Recording("test_a"), Recording("test_b")
        first.run(result)
        [plan] = sharedPlan
        self.assertIs(plan.result, result)
        second.run(result)
        self.assertEqual(sharedPlan, [plan])
        self.assertEqual(running, [first, second])

    def test_noReference(self) -> None:
        """
        The shared plan, which outlives its tests, keeps no reference to a
        test that ran (as trial keeps none to a test that passed): once the
        caller drops it, it is freed.
        """

        class Passing(SynchronousTestCase):
            def test_pass(self) -> None:
                pass

        result = reporter.Reporter(stream=StringIO())
        test = Passing("test_pass")
        test.run(result)
        self.assertEqual((len(sharedPlan), result.successes), (1, 1))
        self.assertIsNone(sharedPlan[0].test)
        ref = weakref.ref(test)
        del test
        gc.collect()
        self.assertIsNone(ref())

    def test_eachOwnSeedAndNote(self) -> None:
        """
        Tests sharing a plan each run with their own seed and report their
        own note: each failure is followed by its test's note alone.
        """
        result, output, drawn = self.runBoth()
        first, second = failing("a", []), failing("b", [])
        self.assertEqual(
            drawn,
            [
                random.Random(deriveSeed(RUN_SEED, first.id())).random(),
                random.Random(deriveSeed(RUN_SEED, second.id())).random(),
            ],
        )
        problems = problemsOf(result)
        self.assertEqual(len(problems), 2)
        self.assertEqual(output.count(derivedNote(first)), 1, output)
        self.assertEqual(output.count(derivedNote(second)), 1, output)
        self.assertLess(
            output.index("FailTest: a\n" + derivedNote(first)),
            output.index("FailTest: b\n" + derivedNote(second)),
        )

    def test_globalGeneratorRestored(self) -> None:
        """
        After tests that shared a plan, the global generator goes on as if
        they had not run.
        """
        random.seed(123)
        expected = random.Random(123).random()
        self.runBoth()
        self.assertEqual(random.random(), expected)

    def test_registeredDuringTest(self) -> None:
        """
        A generator registered while a test of a shared plan runs is seeded
        with that test's seed, and put back when it ends; the next test,
        which shares the plan, saves and restores it once, as its own.
        """
        mine = random.Random(5)
        expected = random.Random(5).random()
        seen: list[float] = []

        class Registering(SynchronousTestCase):
            def test_register(self) -> None:
                registerRandom(mine)
                seen.append(mine.random())

            def test_after(self) -> None:
                seen.append(mine.random())

        self.addCleanup(unregisterRandom, mine)
        first = Registering("test_register")
        second = Registering("test_after")
        result = reporter.Reporter(stream=StringIO())
        first.run(result)
        self.assertEqual(mine.random(), expected)
        mine.seed(5)
        second.run(result)
        self.assertIsNone(sharedPlan[0].test)
        self.assertEqual(
            seen,
            [random.Random(first.seed).random(), random.Random(second.seed).random()],
        )
        self.assertEqual(mine.random(), expected)
        self.assertEqual(_running, [])

    def test_otherResultNotShared(self) -> None:
        """
        A test given another result does not fit the shared plan: it makes
        its own, which is shared from then on.
        """
        test = failing("a", [])
        first = reporter.Reporter(stream=StringIO())
        test.run(first)
        [plan] = sharedPlan
        other = reporter.Reporter(stream=StringIO())
        self.assertFalse(plan.fits(other))
        self.assertTrue(plan.fits(first))
        test.run(other)
        self.assertIsNot(sharedPlan[0], plan)
        self.assertIs(sharedPlan[0].result, other)

    def test_notWhileTestRuns(self) -> None:
        """
        While a seeded test runs, or an attempt, no test fits the shared
        plan: a test run by another one has a plan of its own.
        """
        test = failing("a", [])
        result = reporter.Reporter(stream=StringIO())
        test.run(result)
        [plan] = sharedPlan
        _attempting.append(True)
        try:
            self.assertFalse(plan.fits(result))
        finally:
            _attempting.pop()
        seen: list[bool] = []

        class Outer(SynchronousTestCase):
            def test_outer(self) -> None:
                seen.append(plan.fits(result))
                inner = failing("b", [])
                inner.run(result)
                seen.append(sharedPlan[0] is plan)

        Outer("test_outer").run(reporter.Reporter(stream=StringIO()))
        self.assertEqual(seen, [False, False])

    def test_notSharedAcrossOptions(self) -> None:
        """
        When the run's options change (as the pytest plugin changes them),
        the shared plan no longer fits: its watch is of the old options.
        """
        test = failing("a", [])
        result = reporter.Reporter(stream=StringIO())
        test.run(result)
        [plan] = sharedPlan
        plugin = list(_pluginOptions)
        self.addCleanup(useOptions, plugin[-1] if plugin else None)
        before = currentOptions()
        useOptions(attrs.evolve(before, seeds=1))
        self.assertFalse(plan.fits(result))
        useOptions(before)
        self.assertTrue(plan.fits(result))

    def test_adaptedNotShared(self) -> None:
        """
        A test given a result that is not a trial reporter (a standard
        library result) makes a plan of its own, and none is shared.
        """
        test = failing("a", [])
        result = pyunit.TestResult()
        test.run(result)
        self.assertEqual(sharedPlan, [])
        self.assertEqual(len(result.failures), 1)


class KeptRandomTests(unittest.SynchronousTestCase):
    """
    C{self.random} is made on first use and dropped when the test runs
    again; only the classes whose tests used it pay for dropping it.
    """

    def test_droppedOnNextRun(self) -> None:
        """
        A test that used C{self.random} gets a fresh generator, seeded with
        its seed, on its next run; its class is marked as keeping one, and
        a class whose tests never used it is not.
        """
        drawn: list[float] = []

        class User(SynchronousTestCase):
            def test_x(self) -> None:
                drawn.append(self.random.random())

        class NonUser(SynchronousTestCase):
            def test_x(self) -> None:
                pass

        test = User("test_x")
        self.assertFalse(User._twistedtestingRandomKept)
        result = reporter.Reporter(stream=StringIO())
        test.run(result)
        self.assertTrue(User._twistedtestingRandomKept)
        kept = test.random
        test.run(result)
        self.assertIsNot(test.random, kept)
        expected = random.Random(test.seed).random()
        self.assertEqual(drawn, [expected, expected])
        NonUser("test_x").run(result)
        self.assertFalse(NonUser._twistedtestingRandomKept)
        self.assertFalse(SynchronousTestCase._twistedtestingRandomKept)
