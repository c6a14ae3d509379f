# -*- test-case-name: twistedtesting.test.test_pytestattempts -*-
"""
Tests for L{twistedtesting._pytestattempts}: under the pytest plugin,
failing seeds are replayed first, and tests run with many seeds or twice
per seed; in pytest runs in a new process (see
L{twistedtesting.test.pytestruns}).
"""

from __future__ import annotations

from twistedtesting._attempts import extraRunSeed
from twistedtesting._derive import deriveSeed
from twistedtesting._replay import FailingSeeds
from twistedtesting.test.pluginsuite import (
    NODE_IDS,
    TRIAL_ID,
    PluginTestCase,
    expectedDraw,
)
from twistedtesting.test.pytestruns import PYTEST_SKIP, XDIST_SKIP, Project


class ReplayTests(PluginTestCase):
    """
    Failing seeds are kept in pytest's cache and replayed first.
    """

    skip = PYTEST_SKIP

    def failingSeeds(self, project: Project) -> FailingSeeds:
        return FailingSeeds(
            project.directory / ".pytest_cache" / "d" / "twistedtesting-failing-seeds"
        )

    def test_replayedFirst(self) -> None:
        """
        A plain test and a trial test that failed are run, in the next run,
        with the seed they failed with, then with the run's own; once they
        pass with it, their entries are dropped.
        """
        project = self.project()
        both = {"FAIL": "test_fails test_trial"}
        status, output = project.pytest("--twistedtesting-seed=1", environ=both)
        self.assertEqual(status, 1, output)
        self.assertEqual(
            sorted(self.failingSeeds(project).load()),
            sorted([NODE_IDS["test_fails"], "test_sample.py::TrialTests::test_trial"]),
        )
        project.takeRecords()
        status, output = project.pytest("--twistedtesting-seed=2")
        self.assertEqual(status, 0, output)
        self.assertIn(
            "twistedtesting: replaying 2 failing seeds first (kept in ", output
        )
        records = project.takeRecords()
        self.assertEqual(
            [r["seed"] for r in project.recordsOf(records, "test_fails")],
            [
                deriveSeed(1, NODE_IDS["test_fails"]),
                deriveSeed(2, NODE_IDS["test_fails"]),
            ],
        )
        self.assertEqual(
            [r["seed"] for r in project.recordsOf(records, "test_trial")],
            [deriveSeed(1, TRIAL_ID), deriveSeed(2, TRIAL_ID)],
        )
        self.assertEqual(len(project.recordsOf(records, "test_plain")), 1)
        self.assertEqual(self.failingSeeds(project).load(), {})
        status, output = project.pytest("--twistedtesting-seed=3")
        self.assertEqual(len(project.recordsOf(project.takeRecords(), "test_fails")), 1)

    def test_replayFailsAgain(self) -> None:
        """
        A replayed seed that fails again is reported as a replay, and kept.
        """
        project = self.project()
        failing = {"FAIL": "test_fails"}
        project.pytest("--twistedtesting-seed=1", environ=failing)
        status, output = project.pytest("--twistedtesting-seed=2", environ=failing)
        self.assertEqual(status, 1, output)
        self.assertIn(
            "twistedtesting: this run replayed the seed with which this test "
            "failed in an earlier run (kept in ",
            output,
        )
        self.assertIn(
            "Rerun it with: python -m pytest test_sample.py::test_fails "
            "--twistedtesting-seed=1\n",
            output,
        )
        self.assertEqual(
            [r["seed"] for r in project.recordsOf(project.takeRecords(), "test_fails")],
            [
                deriveSeed(1, NODE_IDS["test_fails"]),
                deriveSeed(1, NODE_IDS["test_fails"]),
            ],
        )
        [entry] = self.failingSeeds(project).load().values()
        self.assertEqual(entry.runSeed, 1)

    def test_offAndClear(self) -> None:
        """
        C{--twistedtesting-no-replay} neither replays nor keeps seeds;
        C{--twistedtesting-clear-failing-seeds} forgets the kept ones.
        """
        project = self.project()
        project.pytest("--twistedtesting-seed=1", environ={"FAIL": "test_fails"})
        project.takeRecords()
        status, output = project.pytest(
            "--twistedtesting-seed=2", "--twistedtesting-no-replay"
        )
        self.assertEqual(status, 0, output)
        self.assertEqual(len(project.recordsOf(project.takeRecords(), "test_fails")), 1)
        self.assertEqual(len(self.failingSeeds(project).load()), 1)
        status, output = project.pytest(
            "--twistedtesting-seed=2", "--twistedtesting-clear-failing-seeds"
        )
        self.assertEqual(status, 0, output)
        self.assertEqual(len(project.recordsOf(project.takeRecords(), "test_fails")), 1)
        self.assertEqual(self.failingSeeds(project).load(), {})

    def test_concurrentWorkers(self) -> None:
        """
        pytest-xdist's workers, failing at once, lose no entry.
        """
        if XDIST_SKIP:
            self.skipTest(XDIST_SKIP)
        names = [f"test_fail{index}" for index in range(24)]
        body = "".join(f"def {name}():\n    assert False\n\n\n" for name in names)
        project = self.project({"test_many.py": body})
        status, output = project.pytest(
            "-n",
            "2",
            "--twistedtesting-seed=4",
            plugins=("twistedtesting._pytestplugin", "xdist.plugin"),
        )
        self.assertEqual(status, 1, output)
        entries = self.failingSeeds(project).load()
        self.assertEqual(
            {(e.testId, e.runSeed, e.seed) for e in entries.values()},
            {
                (f"test_many.py::{n}", 4, deriveSeed(4, f"test_many.py::{n}"))
                for n in names
            },
        )


MODES = {
    "test_modes.py": """
        import random

        from recorder import calls, record
        from twistedtesting import SynchronousTestCase, seed


        def test_steady(twistedtesting_seed):
            record(test="steady", seed=twistedtesting_seed, draw=random.random())


        @seed(5)
        def test_pinned(twistedtesting_seed):
            record(test="pinned", seed=twistedtesting_seed)


        def test_thirdFails(twistedtesting_seed):
            record(test="thirdFails", seed=twistedtesting_seed)
            assert calls("thirdFails") != 3


        def test_alternates():
            assert calls("alternates") % 2 == 1, "an even call"


        class TrialModes(SynchronousTestCase):
            def test_trialSteady(self):
                record(test="trialSteady", seed=self.seed)

            def test_trialAlternates(self):
                self.assertEqual(calls("trialAlternates") % 2, 1)
        """
}


class ModesTests(PluginTestCase):
    """
    Many seeds per test, and the determinism check.
    """

    skip = PYTEST_SKIP

    def test_manySeeds(self) -> None:
        """
        With C{--twistedtesting-seeds=N} each test runs with N seeds, the
        run seed's first; a pinned test runs once; a test stops at its first
        failing seed, whose report gives its rerun line; a summary says how
        many seeds each test passed.
        """
        project = self.project(MODES)
        status, output = project.pytest(
            "--twistedtesting-seeds=4",
            "--twistedtesting-seed=9",
            "--twistedtesting-no-replay",
            "-k",
            "not lternates",
        )
        self.assertEqual(status, 1, output)
        records = project.takeRecords()
        runSeeds = [extraRunSeed(9, index) for index in range(4)]
        steady = "test_modes.py::test_steady"
        self.assertEqual(
            [(r["seed"], r["draw"]) for r in project.recordsOf(records, "steady")],
            [
                (deriveSeed(s, steady), expectedDraw(deriveSeed(s, steady)))
                for s in runSeeds
            ],
        )
        self.assertEqual(
            [r["seed"] for r in project.recordsOf(records, "trialSteady")],
            [deriveSeed(s, "test_modes.TrialModes.test_trialSteady") for s in runSeeds],
        )
        self.assertEqual([r["seed"] for r in project.recordsOf(records, "pinned")], [5])
        third = "test_modes.py::test_thirdFails"
        self.assertEqual(
            [r["seed"] for r in project.recordsOf(records, "thirdFails")],
            [deriveSeed(s, third) for s in runSeeds[:3]],
        )
        self.assertIn(
            "twistedtesting: failed with seed 3 of 4 for this test, after passing 2.",
            output,
        )
        self.assertIn(
            f"Rerun it with: python -m pytest {third} "
            f"--twistedtesting-seed={runSeeds[2]}\n",
            output,
        )
        self.assertIn("twistedtesting: each test runs with 4 seeds", output)
        self.assertIn(
            "twistedtesting: 4 seeds per test: 2 tests passed with every seed, "
            f"1 failed\n  {third}: passed 2 seeds, then failed\n",
            output,
        )

    def test_manySeedsXdist(self) -> None:
        """
        Under pytest-xdist, the summary counts the tests of every worker.
        """
        if XDIST_SKIP:
            self.skipTest(XDIST_SKIP)
        project = self.project(MODES)
        status, output = project.pytest(
            "-n",
            "2",
            "--twistedtesting-seeds=3",
            "-k",
            "teady",
            plugins=("twistedtesting._pytestplugin", "xdist.plugin"),
        )
        self.assertEqual(status, 0, output)
        self.assertIn(
            "twistedtesting: 3 seeds per test: 2 tests passed with every seed, "
            "0 failed",
            output,
        )

    def test_determinism(self) -> None:
        """
        With C{--twistedtesting-check-determinism} each test runs twice with
        its seed; a test whose outcomes differ fails as not reproducible,
        saying what differed; a steady test passes.
        """
        project = self.project(MODES)
        status, output = project.pytest(
            "--twistedtesting-check-determinism",
            "--twistedtesting-seed=6",
            "--twistedtesting-no-replay",
            "-k",
            "teady or lternates",
        )
        self.assertEqual(status, 1, output)
        steady = "test_modes.py::test_steady"
        self.assertEqual(
            [r["seed"] for r in project.recordsOf(project.takeRecords(), "steady")],
            [deriveSeed(6, steady)] * 2,
        )
        self.assertIn(
            "twistedtesting: this test is not reproducible from its seed: run "
            f"twice with random seed {deriveSeed(6, 'test_modes.py::test_alternates')} "
            "(run seed 6), the first run passed and the second failed in call "
            "with AssertionError: an even call",
            output,
        )
        trialSeed = deriveSeed(6, "test_modes.TrialModes.test_trialAlternates")
        self.assertIn(
            "NotReproducible: twistedtesting: this test is not reproducible from "
            f"its seed: run twice with random seed {trialSeed} (run seed 6), the "
            "first run passed and the second failed with FailTest: 0 != 1",
            output,
        )
        self.assertIn("2 failed, 2 passed", output)
