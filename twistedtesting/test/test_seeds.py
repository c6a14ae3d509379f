# -*- test-case-name: twistedtesting.test.test_seeds -*-
"""
Tests for L{twistedtesting._seeds}: the @seed decorator, the run seed, seed
derivation and the registry of generators.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import types
from typing import Any

from twisted.trial.unittest import TestCase as TrialTestCase

from twistedtesting import (
    SEED_VARIABLE,
    SynchronousTestCase,
    TestCase,
    registerRandom,
    runSeed,
    seed,
    unregisterRandom,
)
from twistedtesting._seeds import (
    RunSeedChooser,
    SeedChoice,
    SeededGenerators,
    chooseSeed,
    deriveSeed,
    fastSha256,
    parseRunSeed,
)

BAD_SEED_TYPES: list[object] = [True, False, 1.0, "1", None, b"1"]


class SeedDecoratorTests(SynchronousTestCase):
    """
    Tests for L{seed}.
    """

    def test_methodPinned(self) -> None:
        """
        On a test method, C{@seed(N)} returns the method itself and makes N
        the seed chosen for it, ahead of any class pin.
        """

        def test_something() -> None:
            pass

        pinned = seed(5)(test_something)
        self.assertIs(pinned, test_something)
        self.assertEqual(
            chooseSeed(_PinnedClass, pinned, "a.b.test_something"),
            SeedChoice(5, "method"),
        )

    def test_classPinnedAndInherited(self) -> None:
        """
        On a seed-managing class, C{@seed(N)} returns the class itself and N
        is chosen for its unpinned methods and for those of its subclasses;
        a subclass may pin its own seed without changing its base's.
        """

        class Sub(_PinnedClass):
            pass

        @seed(8)
        class Repinned(_PinnedClass):
            pass

        self.assertEqual(chooseSeed(_PinnedClass, None, "x"), SeedChoice(3, "class"))
        self.assertEqual(chooseSeed(Sub, None, "x"), SeedChoice(3, "class"))
        self.assertEqual(chooseSeed(Repinned, None, "x"), SeedChoice(8, "class"))
        self.assertEqual(chooseSeed(_PinnedClass, None, "x"), SeedChoice(3, "class"))

    def test_asynchronousTestCaseClass(self) -> None:
        """
        C{@seed} accepts subclasses of L{TestCase} as well.
        """

        @seed(11)
        class Async(TestCase):
            pass

        self.assertEqual(chooseSeed(Async, None, "x"), SeedChoice(11, "class"))

    def test_badValueTypes(self) -> None:
        """
        C{@seed} refuses a bool, float, str, bytes or None with a
        L{TypeError} that says what it got, before any decoration.
        """
        for bad in BAD_SEED_TYPES:
            with self.assertRaises(TypeError) as caught:
                seed(bad)  # type: ignore[arg-type]
            self.assertEqual(
                str(caught.exception),
                "@seed() argument must be a non-negative int, not "
                f"{type(bad).__name__} {bad!r}",
            )

    def test_negativeValue(self) -> None:
        """
        C{@seed} refuses a negative seed with a L{ValueError}.
        """
        with self.assertRaises(ValueError) as caught:
            seed(-1)
        self.assertEqual(
            str(caught.exception),
            "@seed() argument must be a non-negative int, got -1",
        )

    def test_zeroAndHugeAccepted(self) -> None:
        """
        Zero and seeds beyond 64 bits are valid pins.
        """

        def test_a() -> None:
            pass

        def test_b() -> None:
            pass

        seed(0)(test_a)
        seed(2**80)(test_b)
        self.assertEqual(chooseSeed(type, test_a, "x").value, 0)
        self.assertEqual(chooseSeed(type, test_b, "x").value, 2**80)

    def test_notATestMethod(self) -> None:
        """
        C{@seed} on a function whose name does not start with C{test} is a
        L{TypeError} that names the function.
        """

        def helper() -> None:
            pass

        with self.assertRaises(TypeError) as caught:
            seed(1)(helper)
        self.assertEqual(
            str(caught.exception),
            "@seed(1) must decorate a test method (a method whose name starts "
            "with 'test') or a test case class, not 'helper'",
        )

    def test_notCallable(self) -> None:
        """
        C{@seed} on something that is neither a function nor a class is a
        L{TypeError}.
        """
        with self.assertRaises(TypeError) as caught:
            seed(1)(42)
        self.assertEqual(
            str(caught.exception),
            "@seed(1) must decorate a test method or a test case class, not 42",
        )

    def test_classThatIgnoresSeeds(self) -> None:
        """
        C{@seed} on a class that does not manage seeds (trial's own
        L{TrialTestCase}, or any other class) is a L{TypeError}, since the
        pin would be silently ignored.
        """
        for cls in (TrialTestCase, object):
            with self.assertRaises(TypeError) as caught:
                seed(1)(cls)
            self.assertEqual(
                str(caught.exception),
                f"@seed(1) was applied to class {cls.__qualname__}, which does "
                "not manage seeds; subclass twistedtesting.TestCase or "
                "twistedtesting.SynchronousTestCase",
            )

    def test_secondPinRefused(self) -> None:
        """
        Two C{@seed} pins on one method, or on one class, are a
        L{ValueError}: one of them would be lost.
        """

        def test_twice() -> None:
            pass

        seed(1)(test_twice)
        with self.assertRaises(ValueError) as caught:
            seed(2)(test_twice)
        self.assertEqual(
            str(caught.exception),
            f"@seed(2) applied to {test_twice!r}, which @seed(1) already pins; "
            "keep one of them",
        )
        with self.assertRaises(ValueError):
            seed(4)(_PinnedClass)
        self.assertEqual(chooseSeed(_PinnedClass, None, "x").value, 3)


@seed(3)
class _PinnedClass(SynchronousTestCase):
    """
    A seed-managing class with a pinned seed and no tests.
    """


class DeriveSeedTests(SynchronousTestCase):
    """
    Tests for L{deriveSeed}.
    """

    def test_knownValues(self) -> None:
        """
        The derivation never changes between releases: a seed that a user
        wrote down keeps meaning the same test seed.  These are the first four
        bytes of SHA-256 of C{"<run seed>\\0<test id>"}, read big-endian.
        """
        self.assertEqual(deriveSeed(0, "pkg.test_x.XTests.test_y"), 0xB70CA46F)
        self.assertEqual(deriveSeed(12345, "a"), 0xA3BE0BC8)

    def test_sameHashEverywhere(self) -> None:
        """
        The SHA-256 that seeds are derived with is the standard one: CPython's
        own where it agrees with L{hashlib.sha256}, else L{hashlib.sha256}
        itself.
        """
        for data in [b"", b"pkg.test_x.XTests.test_y", bytes(range(256)) * 5]:
            self.assertEqual(fastSha256()(data).digest(), hashlib.sha256(data).digest())
        self.assertIs(fastSha256(("twistedtesting_no_such_module",)), hashlib.sha256)
        # A module whose sha256 gives other digests is not used.
        wrong = types.ModuleType("twistedtesting_wrong_sha256")
        wrong.sha256 = hashlib.md5  # type: ignore[attr-defined]
        sys.modules[wrong.__name__] = wrong
        self.addCleanup(sys.modules.pop, wrong.__name__)
        self.assertIs(fastSha256((wrong.__name__,)), hashlib.sha256)

    def test_dependsOnBothInputs(self) -> None:
        """
        Different run seeds or different test ids give different seeds, and
        every seed is in C{range(2 ** 32)}.
        """
        seeds = {
            deriveSeed(run, testId)
            for run in range(20)
            for testId in ("a.A.test_a", "a.A.test_b", "b.A.test_a")
        }
        self.assertEqual(len(seeds), 60)
        self.assertTrue(all(0 <= s < 2**32 for s in seeds))

    def test_stableAcrossProcesses(self) -> None:
        """
        Another interpreter, with a different string hash salt, derives the
        same seed.
        """
        code = (
            "from twistedtesting._seeds import deriveSeed;"
            "print(deriveSeed(99, 'pkg.XTests.test_y'))"
        )
        env = dict(os.environ, PYTHONHASHSEED="12345")
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
        output = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        self.assertEqual(int(output), deriveSeed(99, "pkg.XTests.test_y"))


class ChooseSeedMemoTests(SynchronousTestCase):
    """
    Tests for the last choice that L{chooseSeed} remembers.
    """

    def test_sameTestSameChoice(self) -> None:
        """
        Asked twice for one test and run seed, L{chooseSeed} gives the one
        choice, equal to a fresh derivation.
        """
        from twistedtesting import _seeds

        self.patch(_seeds, "runSeedOverride", [12])
        first = chooseSeed(type, None, "pkg.XTests.test_memo")
        self.assertIs(chooseSeed(type, None, "pkg.XTests.test_memo"), first)
        self.assertEqual(
            first, SeedChoice(deriveSeed(12, "pkg.XTests.test_memo"), "run", 12)
        )

    def test_otherTestOrRunSeed(self) -> None:
        """
        Another test id, or another run seed, gets its own derivation, not
        the remembered one.
        """
        from twistedtesting import _seeds

        self.patch(_seeds, "runSeedOverride", [12])
        chooseSeed(type, None, "pkg.XTests.test_a")
        self.assertEqual(
            chooseSeed(type, None, "pkg.XTests.test_b"),
            SeedChoice(deriveSeed(12, "pkg.XTests.test_b"), "run", 12),
        )
        _seeds.runSeedOverride.append(13)
        self.assertEqual(
            chooseSeed(type, None, "pkg.XTests.test_b"),
            SeedChoice(deriveSeed(13, "pkg.XTests.test_b"), "run", 13),
        )


class RunSeedTests(SynchronousTestCase):
    """
    Tests for L{parseRunSeed}, L{RunSeedChooser} and L{runSeed}.
    """

    def test_parse(self) -> None:
        """
        A decimal integer, with surrounding white space, is a run seed.
        """
        self.assertEqual(parseRunSeed("0"), 0)
        self.assertEqual(parseRunSeed(" 42\n"), 42)
        self.assertEqual(parseRunSeed("12345678901234567890"), 12345678901234567890)

    def test_parseRefuses(self) -> None:
        """
        Anything else is a L{ValueError} that names the variable and quotes
        the value.
        """
        for raw in ["", " ", "-1", "+1", "abc", "1.5", "0x10", "1e3", "\uff14\uff12"]:
            with self.assertRaises(ValueError) as caught:
                parseRunSeed(raw)
            self.assertEqual(
                str(caught.exception),
                f"the environment variable {SEED_VARIABLE} must be a "
                f"non-negative integer (the run seed), got {raw!r}; unset it "
                "for a random run seed",
            )

    def test_chosenOnceAndExported(self) -> None:
        """
        Without the variable, the chooser takes one random value, exports it
        in the environment and returns it from then on.
        """
        draws = iter([17, 18])
        environ: dict[str, str] = {}
        chooser = RunSeedChooser(environ, lambda: next(draws))
        self.assertEqual(chooser.runSeed(), 17)
        self.assertEqual(chooser.runSeed(), 17)
        self.assertEqual(environ, {SEED_VARIABLE: "17"})

    def test_fromEnvironment(self) -> None:
        """
        With the variable set, the chooser returns its value and draws
        nothing.
        """
        environ = {SEED_VARIABLE: "123"}
        chooser = RunSeedChooser(environ, self.fail)
        self.assertEqual(chooser.runSeed(), 123)
        self.assertEqual(environ, {SEED_VARIABLE: "123"})

    def test_badEnvironmentEveryTime(self) -> None:
        """
        A malformed variable raises on every call and is never replaced by
        a random seed.
        """
        environ = {SEED_VARIABLE: "seven"}
        chooser = RunSeedChooser(environ, self.fail)
        for _ in range(2):
            self.assertRaises(ValueError, chooser.runSeed)
        self.assertEqual(environ, {SEED_VARIABLE: "seven"})

    def test_processRunSeed(self) -> None:
        """
        L{runSeed} is this process's run seed, exported in the environment,
        and the seed of a test without pins is derived from it.
        """
        self.assertEqual(os.environ[SEED_VARIABLE], str(runSeed()))
        self.assertEqual(self.seed, deriveSeed(runSeed(), self.id()))


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
