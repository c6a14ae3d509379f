# -*- test-case-name: twistedtesting.test.test_seeds -*-
"""
Tests for L{twistedtesting._seeds}: the @seed decorator, the run seed and
the choice of a test's seed.
"""

from __future__ import annotations

import os

from twisted.trial.unittest import TestCase as TrialTestCase

from twistedtesting import (
    SEED_VARIABLE,
    SynchronousTestCase,
    TestCase,
    runSeed,
    seed,
)
from twistedtesting._seeds import (
    RunSeedChooser,
    SeedChoice,
    choiceOf,
    chooseSeed,
    deriveSeed,
    seedParts,
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

    def test_partsAndTheirChoice(self) -> None:
        """
        L{seedParts} gives the fields of the choice that L{chooseSeed}
        makes, as a tuple, and L{choiceOf} makes that choice of them: the
        same object again for the same fields, and for a pinned seed.
        """
        from twistedtesting import _seeds

        self.patch(_seeds, "runSeedOverride", [12])
        parts = seedParts(type, None, "pkg.XTests.test_parts")
        self.assertEqual(parts, (deriveSeed(12, "pkg.XTests.test_parts"), "run", 12))
        choice = choiceOf(parts)
        self.assertEqual(choice, SeedChoice(parts[0], "run", 12))
        self.assertIs(choiceOf(parts), choice)
        self.assertEqual(choiceOf((5, "method", None)), SeedChoice(5, "method"))
        self.assertIs(choiceOf((5, "method", None)), choiceOf((5, "method", None)))
        self.assertEqual(
            seedParts(_PinnedClass, None, "pkg.XTests.test_parts"), (3, "class", None)
        )

    def test_otherTestOrRunSeed(self) -> None:
        """
        Another test id, or another run seed (then the first one again),
        gets its own derivation, not the remembered one.
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
        # Back to the first run seed, whose derivation was made before.
        _seeds.runSeedOverride.pop()
        self.assertEqual(
            chooseSeed(type, None, "pkg.XTests.test_c"),
            SeedChoice(deriveSeed(12, "pkg.XTests.test_c"), "run", 12),
        )


class RunSeedTests(SynchronousTestCase):
    """
    Tests for L{RunSeedChooser} and L{runSeed}.
    """

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
