# -*- test-case-name: twistedtesting.test.test_generators -*-
"""
Tests for L{twistedtesting._generators}: the registry of generators, and
the seeding and restoring of every generator for a test.
"""

from __future__ import annotations

import random
from typing import Any

from twistedtesting import SynchronousTestCase, registerRandom, unregisterRandom
from twistedtesting._generators import SeededGenerators


class _Counting(random.Random):
    """
    A generator that counts how often it was seeded.
    """

    seeded: list[Any]

    def seed(self, a: Any = None, version: int = 2) -> None:
        if not hasattr(self, "seeded"):
            self.seeded = []
        self.seeded.append(a)
        super().seed(a, version)


class RegistryTests(SynchronousTestCase):
    """
    Tests for L{registerRandom}, L{unregisterRandom} and
    L{SeededGenerators}.
    """

    def test_seedAllAndRestore(self) -> None:
        """
        L{SeededGenerators.seedAll} seeds the global generator and each
        registered one with the seed; C{restore} puts back the states they
        had, so they continue as if nothing had happened.
        """
        mine = random.Random()
        registerRandom(mine)
        self.addCleanup(unregisterRandom, mine)
        mine.seed(1)
        random.seed(2)
        expectedGlobal = random.Random(2).random()
        expectedMine = random.Random(1).random()

        saved = SeededGenerators.seedAll(77)
        self.assertEqual(random.random(), random.Random(77).random())
        self.assertEqual(mine.random(), random.Random(77).random())
        saved.restore()

        self.assertEqual(random.random(), expectedGlobal)
        self.assertEqual(mine.random(), expectedMine)

    def test_seedAllSeedsAsRandomSeed(self) -> None:
        """
        L{SeededGenerators.seedAll} leaves the global generator in exactly
        the state that C{random.seed(value)} gives, C{gauss_next} cleared,
        for values of several sizes.
        """
        for value in (0, 5, 2**32 + 7, 3**70):
            random.gauss(0, 1)
            saved = SeededGenerators.seedAll(value)
            state = random.getstate()
            saved.restore()
            expected = random.Random()
            expected.gauss(0, 1)
            expected.seed(value)
            self.assertEqual(state, expected.getstate())

    def test_restoreExactAndAgain(self) -> None:
        """
        C{restore} puts back the global generator's exact state, the value
        that C{gauss} keeps for its next call included; the same
        L{SeededGenerators} seeds and restores again with C{seedAgain}, as
        the tests of a run take turns with one.
        """
        random.seed(3)
        random.gauss(0, 1)
        before = random.getstate()
        seeded = SeededGenerators.seedAll(8)
        random.gauss(0, 1)
        seeded.restore()
        self.assertEqual(random.getstate(), before)
        seeded.seedAgain(9)
        self.assertEqual(random.random(), random.Random(9).random())
        seeded.restore()
        self.assertEqual(random.getstate(), before)

    def test_seedAllUsesReplacedSeed(self) -> None:
        """
        While C{random.seed} is replaced (as a test may replace it),
        L{SeededGenerators.seedAll} calls the replacement rather than
        seeding the generator directly.
        """
        calls: list[int] = []
        self.patch(random, "seed", calls.append)
        saved = SeededGenerators.seedAll(41)
        saved.restore()
        self.assertEqual(calls, [41])

    def test_registeredSeededForEachTest(self) -> None:
        """
        A registered generator is seeded with each test's seed, once.
        """
        counting = _Counting()
        registerRandom(counting)
        self.addCleanup(unregisterRandom, counting)
        counting.seeded = []

        class Inner(SynchronousTestCase):
            def test_a(self) -> None:
                pass

        test = Inner("test_a")
        test.run(_quietResult())
        self.assertEqual(counting.seeded, [test.seed])

    def test_registerDuringTest(self) -> None:
        """
        A generator registered while a test runs is seeded with that test's
        seed at once, and after the test it is back in the state it had
        before the registration, even when the test unregistered it.
        """
        mine = random.Random(5)
        drawn: list[float] = []

        class Inner(SynchronousTestCase):
            def setUp(self) -> None:
                registerRandom(mine)
                self.addCleanup(unregisterRandom, mine)

            def test_a(self) -> None:
                drawn.append(mine.random())

        test = Inner("test_a")
        test.run(_quietResult())
        self.assertEqual(drawn, [random.Random(test.seed).random()])
        self.assertEqual(mine.random(), random.Random(5).random())
        self.assertRaises(ValueError, unregisterRandom, mine)

    def test_registerTwice(self) -> None:
        """
        Registering a generator twice registers it once: one unregistration
        removes it.
        """
        mine = random.Random()
        registerRandom(mine)
        registerRandom(mine)
        unregisterRandom(mine)
        self.assertRaises(ValueError, unregisterRandom, mine)

    def test_registerRefusesNonGenerators(self) -> None:
        """
        Registering an object without C{seed}, C{getstate} and C{setstate}
        methods is a L{TypeError} naming the missing ones.
        """

        class OnlySeed:
            def seed(self, a: int) -> None:
                pass

        with self.assertRaises(TypeError) as caught:
            registerRandom(OnlySeed())  # type: ignore[arg-type]
        self.assertIn("lacks getstate, setstate", str(caught.exception))
        with self.assertRaises(TypeError):
            registerRandom(None)  # type: ignore[arg-type]

    def test_unregisterUnknown(self) -> None:
        """
        Unregistering a generator that is not registered is a L{ValueError}.
        """
        mine = random.Random()
        with self.assertRaises(ValueError) as caught:
            unregisterRandom(mine)
        self.assertEqual(
            str(caught.exception),
            f"unregisterRandom() generator {mine!r} is not registered",
        )


def _quietResult() -> Any:
    from twisted.trial.reporter import TestResult

    return TestResult()
