# -*- test-case-name: twistedtesting.test.test_attempts -*-
"""
Tests for L{twistedtesting._attempts}: which seeds a test is tried with, and
what is reported.
"""

from __future__ import annotations

import shutil
import tempfile
from io import StringIO
from pathlib import Path

import attrs
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._attempts import (
    DETERMINISM_VARIABLE,
    SEEDS_VARIABLE,
    Attempt,
    AttemptOptions,
    SeedsSummary,
    _printSummary,
    extraRunSeed,
    optionsFromEnvironment,
    parseCount,
)
from twistedtesting._replay import FAILING_SEEDS_VARIABLE, FailingSeed, FailingSeeds
from twistedtesting._seeds import deriveSeed


@attrs.frozen
class FakeOutcome:
    """
    An outcome that says whether it failed, and with what.
    """

    failed: bool
    what: str = "passed"

    @property
    def signature(self) -> tuple[object, ...]:
        return (self.failed, self.what)

    def describe(self) -> str:
        return self.what


PASS = FakeOutcome(False)
FAIL = FakeOutcome(True, "failed with AssertionError: no")


class Script:
    """
    Gives the outcomes of a script, one per attempt, and records the
    attempts.
    """

    def __init__(self, *outcomes: FakeOutcome) -> None:
        self.outcomes = list(outcomes)
        self.attempts: list[Attempt] = []

    def __call__(self, attempt: Attempt) -> FakeOutcome:
        self.attempts.append(attempt)
        return self.outcomes.pop(0)


def seedOf(runSeed: int) -> int:
    return deriveSeed(runSeed, "t")


class HelpersTests(SynchronousTestCase):
    """
    Tests for L{extraRunSeed}, L{parseCount} and L{SeedsSummary}.
    """

    def test_extraRunSeeds(self) -> None:
        """
        The first of a test's many run seeds is the run seed; the others
        are derived from it, and distinct.
        """
        seeds = [extraRunSeed(7, index) for index in range(50)]
        self.assertEqual(seeds[0], 7)
        self.assertEqual(seeds[1], deriveSeed(7, "twistedtesting seeds #1"))
        self.assertEqual(len(set(seeds)), 50)

    def test_parseCount(self) -> None:
        """
        A count is a positive decimal integer; anything else is refused with
        a message naming it.
        """
        self.assertEqual(parseCount(" 12 ", "N"), 12)
        for bad in ("0", "-1", "x", "", "1.5", "٣"):
            error = self.assertRaises(ValueError, parseCount, bad, "the count")
            self.assertEqual(
                str(error), f"the count must be a positive integer, got {bad!r}"
            )

    def test_summary(self) -> None:
        """
        The summary says how many tests passed every seed, how many failed,
        and for each failing test how many seeds it passed first.
        """
        summary = SeedsSummary(5)
        summary.record("a", 5, False)
        summary.record("b", 5, False)
        summary.record("c", 1, True)
        stream = StringIO()
        _printSummary(AttemptOptions(summary=summary), stream)
        self.assertEqual(
            stream.getvalue(),
            "twistedtesting: 5 seeds per test: 2 tests passed with every seed, "
            "1 failed\n  c: passed 1 seed, then failed\n",
        )


class PlanTests(SynchronousTestCase):
    """
    Tests for L{AttemptOptions.attempts} and L{AttemptOptions.planned}.
    """

    def test_plain(self) -> None:
        """
        By default a test runs once, with the run seed, and is not planned.
        """
        options = AttemptOptions()
        self.assertEqual(options.attempts("t", 3), [Attempt(3, "seed", 1)])
        self.assertFalse(options.planned("t"))

    def test_manySeeds(self) -> None:
        """
        With many seeds a test runs with each; a pinned one runs once.
        """
        options = AttemptOptions(seeds=3)
        self.assertEqual(
            options.attempts("t", 3),
            [Attempt(extraRunSeed(3, i), "seed", i + 1) for i in range(3)],
        )
        self.assertEqual(options.attempts("t", None), [Attempt(None, "seed", 1)])
        self.assertTrue(options.planned("t"))

    def test_determinism(self) -> None:
        """
        The determinism check repeats every attempt, pinned ones too.
        """
        options = AttemptOptions(seeds=2, checkDeterminism=True)
        second = extraRunSeed(3, 1)
        self.assertEqual(
            options.attempts("t", 3),
            [
                Attempt(3, "seed", 1),
                Attempt(3, "repeat", 1),
                Attempt(second, "seed", 2),
                Attempt(second, "repeat", 2),
            ],
        )
        self.assertEqual(
            options.attempts("t", None),
            [Attempt(None, "seed", 1), Attempt(None, "repeat", 1)],
        )

    def test_replay(self) -> None:
        """
        A kept failing seed comes first, unless it is the run's own seed or
        the test is pinned; only a test with a kept seed is planned.
        """
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory)
        store = FailingSeeds(directory)
        store.add(FailingSeed("t", 11, seedOf(11)))
        options = AttemptOptions(store=store)
        self.assertEqual((options.planned("t"), options.planned("u")), (True, False))
        self.assertEqual(
            options.attempts("t", 3), [Attempt(11, "replay"), Attempt(3, "seed", 1)]
        )
        self.assertEqual(options.attempts("t", 11), [Attempt(11, "seed", 1)])
        self.assertEqual(options.attempts("t", None), [Attempt(None, "seed", 1)])
        self.assertEqual(options.attempts("u", 3), [Attempt(3, "seed", 1)])


class RunTests(SynchronousTestCase):
    """
    Tests for L{AttemptOptions.run}.
    """

    def setUp(self) -> None:
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory)
        self.store = FailingSeeds(directory / "seeds")

    def test_stopsAtFirstFailure(self) -> None:
        """
        The attempts stop at the first failing seed, which is reported with
        a note saying which seed of how many it was, and kept.
        """
        options = AttemptOptions(seeds=4, store=self.store, summary=SeedsSummary(4))
        script = Script(PASS, PASS, FAIL, PASS)
        attempts = options.attempts("t", 3)
        verdict = options.run("t", attempts, script, seedOf)
        self.assertEqual(script.attempts, attempts[:3])
        self.assertEqual(
            (verdict.attempt, verdict.outcome, verdict.failed, verdict.seedsPassed),
            (attempts[2], FAIL, True, 2),
        )
        self.assertEqual(
            verdict.note,
            "twistedtesting: failed with seed 3 of 4 for this test, after passing 2.",
        )
        runSeed = extraRunSeed(3, 2)
        self.assertEqual(
            self.store.load(), {"t": FailingSeed("t", runSeed, seedOf(runSeed))}
        )
        assert options.summary is not None
        self.assertEqual(options.summary.failed, [("t", 2)])

    def test_allPass(self) -> None:
        """
        A test that passes every seed reports its last attempt, with no
        note, and is counted as passing.
        """
        options = AttemptOptions(seeds=2, summary=SeedsSummary(2))
        verdict = options.run("t", options.attempts("t", 3), Script(PASS, PASS), seedOf)
        self.assertEqual(
            (verdict.outcome, verdict.note, verdict.seedsPassed), (PASS, None, 2)
        )
        assert options.summary is not None
        self.assertEqual((options.summary.passed, options.summary.failed), (1, []))

    def test_replayPasses(self) -> None:
        """
        A replayed seed that passes is dropped, and the run's seed is tried.
        """
        self.store.add(FailingSeed("t", 11, seedOf(11)))
        options = AttemptOptions(store=self.store)
        script = Script(PASS, PASS)
        verdict = options.run("t", options.attempts("t", 3), script, seedOf)
        self.assertEqual(len(script.attempts), 2)
        self.assertEqual((verdict.failed, self.store.load()), (False, {}))

    def test_replayFails(self) -> None:
        """
        A replayed seed that fails again stops the test, is reported as a
        replay, and stays kept.
        """
        self.store.add(FailingSeed("t", 11, seedOf(11)))
        options = AttemptOptions(store=self.store)
        script = Script(FAIL)
        verdict = options.run("t", options.attempts("t", 3), script, seedOf)
        self.assertEqual((verdict.failed, verdict.seedsPassed), (True, 0))
        self.assertEqual(
            verdict.note,
            "twistedtesting: this run replayed the seed with which this test "
            f"failed in an earlier run (kept in {self.store.directory}); it is "
            "tried first until the test passes with it.",
        )
        self.assertEqual(
            list(self.store.load().values()), [FailingSeed("t", 11, seedOf(11))]
        )

    def test_notReproducible(self) -> None:
        """
        Two different outcomes with one seed make a not-reproducible
        verdict that says what each run did; it is not kept.
        """
        options = AttemptOptions(checkDeterminism=True, store=self.store)
        verdict = options.run("t", options.attempts("t", 3), Script(PASS, FAIL), seedOf)
        self.assertTrue(verdict.notReproducible)
        self.assertEqual(
            verdict.note,
            "twistedtesting: this test is not reproducible from its seed: run "
            f"twice with random seed {seedOf(3)} (run seed 3), the first run "
            "passed and the second failed with AssertionError: no.  Something "
            "it depends on is not seeded: see 'A failure that the seed does "
            "not reproduce' in the docs (running.rst).",
        )
        self.assertEqual(self.store.load(), {})

    def test_sameFailureTwice(self) -> None:
        """
        A test that fails the same way twice is reproducible: its failure
        is reported, and kept.
        """
        options = AttemptOptions(checkDeterminism=True, store=self.store)
        verdict = options.run("t", options.attempts("t", 3), Script(FAIL, FAIL), seedOf)
        self.assertEqual((verdict.failed, verdict.notReproducible), (True, False))
        self.assertEqual(list(self.store.load()), ["t"])

    def test_pinnedNotKept(self) -> None:
        """
        A pinned test's failure is not kept: its seed never changes.
        """
        options = AttemptOptions(store=self.store)
        verdict = options.run("t", options.attempts("t", None), Script(FAIL), seedOf)
        self.assertEqual((verdict.failed, self.store.load()), (True, {}))


class EnvironmentTests(SynchronousTestCase):
    """
    Tests for L{optionsFromEnvironment}, trial's options.
    """

    def test_default(self) -> None:
        """
        Without variables: one seed, no check, the default place.
        """
        options = optionsFromEnvironment({})
        self.assertEqual((options.seeds, options.checkDeterminism), (1, False))
        self.assertIsNotNone(options.store)
        self.assertIsNone(options.summary)

    def test_variables(self) -> None:
        """
        The variables set the number of seeds, the check and the place.
        """
        options = optionsFromEnvironment(
            {
                SEEDS_VARIABLE: "5",
                DETERMINISM_VARIABLE: "1",
                FAILING_SEEDS_VARIABLE: "off",
            }
        )
        self.assertEqual(
            (options.seeds, options.checkDeterminism, options.store),
            (5, True, None),
        )
        self.assertEqual(options.summary, SeedsSummary(5))
        for off in ("0", "no", "false", "off", ""):
            self.assertFalse(
                optionsFromEnvironment({DETERMINISM_VARIABLE: off}).checkDeterminism
            )

    def test_badCount(self) -> None:
        """
        A number of seeds that is not a positive integer is refused, naming
        the variable.
        """
        error = self.assertRaises(
            ValueError, optionsFromEnvironment, {SEEDS_VARIABLE: "many"}
        )
        self.assertEqual(
            str(error),
            "the environment variable TWISTEDTESTING_SEEDS must be a positive "
            "integer, got 'many'",
        )
