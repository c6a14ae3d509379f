# -*- test-case-name: twistedtesting.test.test_attempts -*-
"""
Tests for L{twistedtesting._attempts}: which seeds a test is tried with, and
what is reported.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import attrs
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting import _runoptions
from twistedtesting._attempts import (
    DETERMINISM_VARIABLE,
    SEEDS_VARIABLE,
    Attempt,
    AttemptOptions,
    SeedsSummary,
    _pluginOptions,
    comparable,
    currentOptions,
    extraRunSeed,
    optionsFromEnvironment,
    parseCount,
    useOptions,
)
from twistedtesting._derive import FAILING_SEEDS_VARIABLE
from twistedtesting._replay import FailingSeed, FailingSeeds
from twistedtesting._runoptions import useOptionsMaker
from twistedtesting._seeds import deriveSeed
from twistedtesting.test.pytestruns import PYTEST_SKIP, XDIST_SKIP, Project


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
        summary.record("b2", 0, True)
        self.assertEqual(
            summary.lines(),
            [
                "twistedtesting: 5 seeds per test: 2 tests passed with every "
                "seed, 2 failed",
                "  b2: passed 0 seeds, then failed",
                "  c: passed 1 seed, then failed",
            ],
        )


class ComparableTests(SynchronousTestCase):
    """
    Tests for L{comparable}, the form in which the determinism check
    compares failure messages.
    """

    def test_runSpecific(self) -> None:
        """
        Object addresses, temporary paths, the random directory of trial's
        C{mktemp()} and the system's ports are replaced by placeholders.
        """
        temporary = Path(tempfile.gettempdir(), "tmpk2_9xq1b", "data.txt")
        cases = {
            "<Foo object at 0x7f3a46cc5550>": "<Foo object at 0x<address>>",
            f"no such file: '{temporary}'": "no such file: '<temporary path>'",
            "a.test_b/BTests/test_c/k3j2_1g0/temp is empty": (
                "a.test_b/BTests/test_c/<mktemp>/temp is empty"
            ),
            "IPv4Address(type='TCP', host='127.0.0.1', port=54321)": (
                "IPv4Address(type='TCP', host='127.0.0.1', port=<port>)"
            ),
            "refused: 127.0.0.1:5432, [::1]:61000, localhost:8080": (
                "refused: 127.0.0.1:<port>, [::1]:<port>, localhost:<port>"
            ),
            "peer ('127.0.0.1', 40123) and ('::1', 40124, 0, 0)": (
                "peer ('127.0.0.1', <port>) and ('::1', <port>, 0, 0)"
            ),
        }
        for message, expected in cases.items():
            self.assertEqual(comparable(message), expected)

    def test_seededValuesKept(self) -> None:
        """
        Values that a seed decides, or that nothing should vary, are kept as
        they are: numbers, durations, words, tuples that are not addresses,
        hexadecimal tokens without C{0x}, small hexadecimal numbers, and
        numbers of fewer than four digits next to an address or after
        C{port}.
        """
        for message in (
            "0.8057257056963523 not less than 0.5",
            "token 9f3a4b12c0",
            "('add', 3) != ('add', 4)",
            "3 != 4",
            "expected b'abc', got b'abd'",
            "0x1f != 0x2a",
            "expected 3 s of delay, got 7 s",
            "took 0.0123s, then 12 ms, then 1.5e-05 seconds",
            "('10.0.0.1', 80) and ('abc.def', 5)",
            "'1.5', 7 != 8",
            "port 1 != port 2, port=3",
            "1:2 != 3, [1]:5",
            "host 10.0.0.1:80",
        ):
            self.assertEqual(comparable(message), message)


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

    def test_environmentReadOnce(self) -> None:
        """
        Going back to the environment's options after the pytest plugin's
        (C{useOptions(None)}) gives the options read before, not a second
        reading with a summary of its own.
        """
        plugin = list(_pluginOptions)
        self.addCleanup(useOptions, plugin[-1] if plugin else None)
        useOptions(None)
        first = currentOptions()
        useOptions(attrs.evolve(first, seeds=3))
        self.assertEqual(currentOptions().seeds, 3)
        useOptions(None)
        self.assertIs(currentOptions(), first)

    def test_pluginOptionsMadeWhenAsked(self) -> None:
        """
        The options that the pytest plugin gives as a maker
        (L{useOptionsMaker}) are made only when first asked for, and are
        this process's options unless L{useOptions} set others.
        """
        options = AttemptOptions(seeds=4)
        made: list[AttemptOptions] = []

        def maker() -> AttemptOptions:
            made.append(options)
            return options

        plugin = list(_pluginOptions)
        self.addCleanup(useOptions, plugin[-1] if plugin else None)
        makers = list(_runoptions._makers)
        self.addCleanup(useOptionsMaker, makers[-1] if makers else None)
        useOptions(None)
        useOptionsMaker(maker)
        self.assertEqual(made, [])
        self.assertIs(currentOptions(), options)
        self.assertEqual(made, [options])
        other = AttemptOptions(seeds=2)
        useOptions(other)
        self.assertIs(currentOptions(), other)
        useOptions(None)
        useOptionsMaker(None)
        self.assertIsNot(currentOptions(), options)
        self.assertEqual(made, [options])

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


# Plain pytest tests and trial tests, for runs of pytest: some fail the same
# way in every run, with messages that differ from run to run; some differ.
PYTEST_SUITE = {
    "test_modes.py": """
        import os
        import time

        from recorder import calls
        from twistedtesting import SynchronousTestCase


        def failing(name):
            return name in os.environ.get("FAIL", "").split()


        def test_address(tmp_path):
            assert False, f"stuck: {object()!r} in {tmp_path}"


        def test_token():
            assert False, f"bad token {os.urandom(8).hex()}"


        def test_thirdFails():
            assert calls("thirdFails") != 3


        class TrialModes(SynchronousTestCase):
            def test_trialAddress(self):
                self.fail(f"stuck: {object()!r} in {self.mktemp()}")

            def test_trialClock(self):
                self.fail(f"now {time.time_ns()}")

            def test_trialFails(self):
                self.assertFalse(failing("test_trialFails"))

            def test_trialSecondFails(self):
                self.assertNotEqual(calls("trialSecondFails"), 2)
        """,
}

XDIST = ("twistedtesting._pytestplugin", "xdist.plugin")


class UnderPytestTests(SynchronousTestCase):
    """
    The attempts of plain pytest tests and of trial tests, run by pytest
    with the plugin, in one process and with pytest-xdist.
    """

    skip = PYTEST_SKIP or XDIST_SKIP

    def setUp(self) -> None:
        self.project = Project(PYTEST_SUITE, self.addCleanup)

    def test_runSpecificValues(self) -> None:
        """
        With C{--twistedtesting-check-determinism}, a test that fails the
        same way twice, with an object's address or a temporary path in its
        message, fails as itself; a test whose message holds
        a value from C{os.urandom} or the time fails as not reproducible,
        saying what each run did.
        """
        for workers in ("0", "2"):
            status, output = self.project.pytest(
                "-n",
                workers,
                "-k",
                "ddress or oken or lock",
                "--twistedtesting-check-determinism",
                "--twistedtesting-no-replay",
                "--twistedtesting-seed=6",
                "-rf",
                plugins=XDIST,
            )
            self.assertEqual(status, 1, output)
            self.assertIn("4 failed", output)
            for test, start in (
                ("test_address", "AssertionError: stuck: "),
                ("TrialModes::test_trialAddress", "twisted.trial.unittest."),
            ):
                self.assertIn(f"FAILED test_modes.py::{test} - {start}", output)
            plain = "test_modes.py::test_token"
            self.assertRegex(
                output,
                "twistedtesting: this test is not reproducible from its seed: run "
                f"twice with random seed {deriveSeed(6, plain)} \\(run seed 6\\), the "
                "first run failed in call with AssertionError: bad token (\\w+)\n"
                "assert False and the second failed in call with AssertionError: "
                "bad token (?!\\1)\\w+\n",
            )
            trial = "test_modes.TrialModes.test_trialClock"
            self.assertRegex(
                output,
                "NotReproducible: twistedtesting: this test is not reproducible "
                f"from its seed: run twice with random seed {deriveSeed(6, trial)} "
                "\\(run seed 6\\), the first run failed with FailTest: now (\\d+) and "
                "the second failed with FailTest: now (?!\\1)\\d+\\.",
            )

    def test_trialNotes(self) -> None:
        """
        A trial test's failure after several attempts (a replayed seed, one
        of many seeds) shows its seed's note and the attempt's note in
        pytest's report, in one process and from pytest-xdist's workers.
        """
        for workers in ("0", "2"):
            self.project.pytest(
                "-n",
                workers,
                "-k",
                "trialFails",
                "--twistedtesting-seed=1",
                environ={"FAIL": "test_trialFails"},
                plugins=XDIST,
            )
            status, output = self.project.pytest(
                "-n",
                workers,
                "-k",
                "trialFails",
                "--twistedtesting-seed=2",
                environ={"FAIL": "test_trialFails"},
                plugins=XDIST,
            )
            self.assertEqual(status, 1, output)
            trial = "test_modes.TrialModes.test_trialFails"
            self.assertIn(
                f"twistedtesting: this test ran with random seed "
                f"{deriveSeed(1, trial)}, derived from run seed 1.\n",
                output,
            )
            self.assertIn(
                "twistedtesting: this run replayed the seed with which this test "
                "failed in an earlier run (kept in ",
                output,
            )
            status, output = self.project.pytest(
                "-n",
                workers,
                "-k",
                "trialFails",
                "--twistedtesting-seed=2",
                plugins=XDIST,
            )
            self.assertEqual(status, 0, output)

    def test_manySeedsSummary(self) -> None:
        """
        With C{--twistedtesting-seeds=N} under pytest-xdist, the summary in
        the controller's output counts every worker's tests, failing ones
        too, and a failing trial test's report says which seed it failed
        with.
        """
        status, output = self.project.pytest(
            "-n",
            "2",
            "-k",
            "Fails",
            "--twistedtesting-seeds=4",
            "--twistedtesting-seed=3",
            "--twistedtesting-no-replay",
            plugins=XDIST,
        )
        self.assertEqual(status, 1, output)
        self.assertIn(
            "twistedtesting: 4 seeds per test: 1 test passed with every seed, 2 "
            "failed\n"
            "  test_modes.py::TrialModes::test_trialSecondFails: passed 1 seed, "
            "then failed\n"
            "  test_modes.py::test_thirdFails: passed 2 seeds, then failed\n",
            output,
        )
        runSeed = extraRunSeed(3, 1)
        trial = "test_modes.TrialModes.test_trialSecondFails"
        seed = deriveSeed(runSeed, trial)
        self.assertIn(
            f"twistedtesting: this test ran with random seed {seed}, derived from "
            f"run seed {runSeed}.\n",
            output,
        )
        self.assertIn(
            "twistedtesting: failed with seed 2 of 4 for this test, after passing 1.",
            output,
        )
