# -*- test-case-name: twistedtesting.test.test_pytestplugin -*-
"""
Tests for L{twistedtesting._pytestplugin}, the pytest plugin.

Each test runs pytest in a new process on a small project, as a user would,
with the plugin given by module name (C{-p twistedtesting._pytestplugin})
and no other plugin loaded from the environment, so that the tests run the
same from a checkout and from an installation.
"""

from __future__ import annotations

import configparser
import random
import re
import shlex
from importlib.metadata import entry_points

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._attempts import extraRunSeed
from twistedtesting._replay import FailingSeeds
from twistedtesting._seeds import deriveSeed
from twistedtesting.test.pytestruns import (
    PYTEST_SKIP,
    RANDOMLY_SKIP,
    SOURCE_ROOT,
    XDIST_SKIP,
    Project,
    headerSeed,
)

SUITE = {
    "test_sample.py": """
        import os
        import random

        from recorder import record
        from twistedtesting import SynchronousTestCase, seed


        def failing(name):
            return name in os.environ.get("FAIL", "").split()


        def test_plain(twistedtesting_seed):
            record(test="test_plain", seed=twistedtesting_seed, draw=random.random())


        class TestGroup:
            def test_method(self, twistedtesting_seed):
                draw = random.random()
                record(test="test_method", seed=twistedtesting_seed, draw=draw)


        @seed(99)
        def test_pinned(twistedtesting_seed):
            record(test="test_pinned", seed=twistedtesting_seed, draw=random.random())


        def test_fails(twistedtesting_seed):
            record(test="test_fails", seed=twistedtesting_seed, draw=random.random())
            assert not failing("test_fails")


        class TrialTests(SynchronousTestCase):
            def test_trial(self):
                record(test="test_trial", seed=self.seed, draw=random.random())
                self.assertFalse(failing("test_trial"))
        """,
}

# The node ids of the plain tests of SUITE, and the trial id of its trial test.
NODE_IDS = {
    "test_plain": "test_sample.py::test_plain",
    "test_method": "test_sample.py::TestGroup::test_method",
    "test_fails": "test_sample.py::test_fails",
}
TRIAL_ID = "test_sample.TrialTests.test_trial"


def expectedDraw(seed: int) -> float:
    """
    The first value of the global random module seeded with C{seed}.
    """
    return random.Random(seed).random()


class PluginTestCase(SynchronousTestCase):
    """
    Helpers for the tests of the plugin, which need pytest.
    """

    skip = PYTEST_SKIP

    def project(self, files: dict[str, str] | None = None) -> Project:
        """
        A new project with C{files}, by default L{SUITE}.
        """
        return Project(SUITE if files is None else files, self.addCleanup)

    def assertSeededFrom(self, records: list[dict[str, object]], runSeed: int) -> None:
        """
        Each test of L{SUITE} recorded the seed derived from C{runSeed} (or
        its pin) and the global random module's first value for that seed.
        """
        seen = {str(r["test"]): (r["seed"], r["draw"]) for r in records}
        expected = {}
        for name, nodeid in NODE_IDS.items():
            value = deriveSeed(runSeed, nodeid)
            expected[name] = (value, expectedDraw(value))
        expected["test_pinned"] = (99, expectedDraw(99))
        trialSeed = deriveSeed(runSeed, TRIAL_ID)
        expected["test_trial"] = (trialSeed, expectedDraw(trialSeed))
        self.assertEqual(seen, expected)


class RunSeedTests(PluginTestCase):
    """
    The run seed: chosen once, named in the header, set with an option, and
    the seed of every test, plain or trial, derived from it.
    """

    skip = PYTEST_SKIP

    def test_optionAndHeader(self) -> None:
        """
        C{--twistedtesting-seed=N} is the run seed; the header line names it,
        where it came from and how to reuse it.
        """
        project = self.project()
        status, output = project.pytest("--twistedtesting-seed=1234")
        self.assertEqual(status, 0, output)
        self.assertIn(
            "twistedtesting: run seed 1234 (--twistedtesting-seed); rerun with "
            "--twistedtesting-seed=1234 or --twistedtesting-seed=last\n",
            output,
        )
        self.assertSeededFrom(project.takeRecords(), 1234)

    def test_environment(self) -> None:
        """
        Without the option, C{TWISTEDTESTING_SEED} is the run seed, as under
        trial.
        """
        project = self.project()
        status, output = project.pytest(environ={"TWISTEDTESTING_SEED": "55"})
        self.assertEqual((status, headerSeed(output)), (0, (55, "TWISTEDTESTING_SEED")))
        self.assertSeededFrom(project.takeRecords(), 55)

    def test_last(self) -> None:
        """
        C{--twistedtesting-seed=last} reuses the run seed of the previous
        run, chosen at random there, from pytest's cache.
        """
        project = self.project()
        status, output = project.pytest()
        runSeed, source = headerSeed(output)
        self.assertEqual((status, source), (0, "chosen at random"))
        first = project.takeRecords()
        self.assertSeededFrom(first, runSeed)
        status, output = project.pytest("--twistedtesting-seed=last")
        self.assertEqual(
            (status, headerSeed(output)), (0, (runSeed, "--twistedtesting-seed=last"))
        )
        self.assertSeededFrom(project.takeRecords(), runSeed)

    def test_lastWithoutEarlierRun(self) -> None:
        """
        C{--twistedtesting-seed=last} with no earlier run is a usage error
        that says so, not a random run.
        """
        status, output = self.project().pytest("--twistedtesting-seed=last")
        self.assertEqual(status, 4, output)
        self.assertIn(
            "--twistedtesting-seed=last: pytest's cache has no run seed of an "
            "earlier run",
            output,
        )

    def test_badSeed(self) -> None:
        """
        A seed that is neither a non-negative integer nor C{last} is refused
        with a message naming the option.
        """
        status, output = self.project().pytest("--twistedtesting-seed=-3")
        self.assertEqual(status, 4, output)
        self.assertIn(
            "argument --twistedtesting-seed: must be a non-negative integer or "
            "'last', got '-3'",
            output,
        )

    def test_xdist(self) -> None:
        """
        With pytest-xdist, the controller chooses the run seed and hands it
        to the workers: every test has the seed it has without xdist.
        """
        if XDIST_SKIP:
            self.skipTest(XDIST_SKIP)
        project = self.project()
        plugins = ("twistedtesting._pytestplugin", "xdist.plugin")
        status, output = project.pytest("-n", "2", plugins=plugins)
        runSeed, source = headerSeed(output)
        self.assertEqual((status, source), (0, "chosen at random"), output)
        distributed = project.takeRecords()
        self.assertEqual(len({r["pid"] for r in distributed}), 2)
        self.assertSeededFrom(distributed, runSeed)
        status, output = project.pytest(
            "-n", "0", f"--twistedtesting-seed={runSeed}", plugins=plugins
        )
        self.assertEqual(status, 0, output)
        self.assertSeededFrom(project.takeRecords(), runSeed)


class PlainTestTests(PluginTestCase):
    """
    Plain pytest tests are seeded, and restored; their failures give the
    seed and the command that reruns them.
    """

    skip = PYTEST_SKIP

    def test_registeredRestored(self) -> None:
        """
        A registered generator is seeded with each plain test's seed, and
        after the tests it is as it was before them.
        """
        project = self.project(
            {
                "conftest.py": """
                    import random

                    from recorder import record
                    from twistedtesting import registerRandom

                    GENERATOR = random.Random(5)
                    registerRandom(GENERATOR)


                    def pytest_sessionfinish(session):
                        restored = GENERATOR.getstate() == random.Random(5).getstate()
                        record(test="end", restored=restored)
                    """,
                "test_registered.py": """
                    from conftest import GENERATOR
                    from recorder import record


                    def test_draws(twistedtesting_seed):
                        value = GENERATOR.random()
                        record(test="draws", seed=twistedtesting_seed, value=value)
                    """,
            }
        )
        status, output = project.pytest()
        self.assertEqual(status, 0, output)
        records = project.takeRecords()
        [draws] = project.recordsOf(records, "draws")
        self.assertEqual(draws["value"], expectedDraw(int(str(draws["seed"]))))
        self.assertEqual(project.recordsOf(records, "end")[0]["restored"], True)

    def test_globalRandomRestored(self) -> None:
        """
        The global random module, seeded by a test's module, continues after
        a plain test exactly where it was before the test.
        """
        project = self.project(
            {
                "test_order.py": """
                    import random

                    from recorder import record

                    random.seed(42)


                    def test_first():
                        record(test="first", value=random.random())


                    def test_second():
                        record(test="second", value=random.random())
                    """,
                "conftest.py": """
                    import random

                    from recorder import record


                    def pytest_sessionfinish(session):
                        record(test="end", value=random.random())
                    """,
            }
        )
        status, output = project.pytest("--twistedtesting-seed=3")
        self.assertEqual(status, 0, output)
        records = project.takeRecords()
        values = {str(r["test"]): r["value"] for r in records}
        module = random.Random(42)
        self.assertEqual(
            values,
            {
                "first": expectedDraw(deriveSeed(3, "test_order.py::test_first")),
                "second": expectedDraw(deriveSeed(3, "test_order.py::test_second")),
                "end": module.random(),
            },
        )

    def test_restoredAfterEachTest(self) -> None:
        """
        After each plain test (its fixtures torn down), the global random
        module is back in the state it had before that test: code that runs
        between tests draws the values that follow the ones it drew before,
        whatever the tests drew.
        """
        project = self.project(
            {
                "test_between.py": """
                    import random

                    import pytest


                    @pytest.fixture
                    def drawing():
                        yield random.random()
                        random.random()


                    def test_a(drawing):
                        random.random()


                    def test_b():
                        random.random()


                    def test_c(drawing):
                        pass
                    """,
                "conftest.py": """
                    import random

                    from recorder import record


                    def pytest_configure(config):
                        random.seed(42)


                    def pytest_runtest_logfinish(nodeid):
                        record(test=nodeid, value=random.random())
                    """,
            }
        )
        status, output = project.pytest("--twistedtesting-seed=4")
        self.assertEqual(status, 0, output)
        values = [r["value"] for r in project.takeRecords()]
        module = random.Random(42)
        self.assertEqual(values, [module.random() for _ in range(3)])

    def test_failureReport(self) -> None:
        """
        A failing plain test's report gives its seed, its run seed and the
        command that reruns it; that command gives it the same seed.
        """
        project = self.project()
        status, output = project.pytest(
            "--twistedtesting-seed=21", environ={"FAIL": "test_fails"}
        )
        self.assertEqual(status, 1, output)
        testSeed = deriveSeed(21, NODE_IDS["test_fails"])
        note = (
            f"twistedtesting: this test ran with random seed {testSeed}, derived "
            "from run seed 21.\n"
            "  Rerun it with: python -m pytest test_sample.py::test_fails "
            "--twistedtesting-seed=21\n"
            f"  or pin it: add @seed({testSeed}) to the test function (from "
            "twistedtesting import seed).\n"
        )
        self.assertIn(note, output)
        project.takeRecords()
        command = re.search(r"Rerun it with: python (.*)", output)
        assert command is not None
        status, output = project.pytest(
            *shlex.split(command.group(1))[2:],
            "--twistedtesting-no-replay",
            environ={"FAIL": "test_fails"},
        )
        self.assertEqual(status, 1, output)
        [again] = project.takeRecords()
        self.assertEqual(
            (again["seed"], again["draw"]), (testSeed, expectedDraw(testSeed))
        )

    def test_fixtures(self) -> None:
        """
        C{twistedtesting_random} is a generator seeded with the test's seed,
        and C{twistedtesting_clock} a new L{twistedtesting.Clock}.
        """
        project = self.project(
            {
                "test_fixtures.py": """
                    import random

                    from twistedtesting import Clock


                    def test_fixtures(
                        twistedtesting_seed, twistedtesting_random, twistedtesting_clock
                    ):
                        expected = random.Random(twistedtesting_seed).random()
                        assert twistedtesting_random.random() == expected
                        assert type(twistedtesting_clock) is Clock
                        assert twistedtesting_clock.seconds() == 0
                    """
            }
        )
        status, output = project.pytest("-q")
        self.assertEqual(status, 0, output)
        self.assertIn("1 passed", output)

    def test_helperFramesHidden(self) -> None:
        """
        A failing assertion helper's report ends at the test's own line:
        the helper's frames are hidden from pytest's traceback.
        """
        project = self.project(
            {
                "test_helper.py": """
                    from twisted.internet.defer import Deferred

                    from twistedtesting import Clock, assertTimesOut


                    def test_neverTimesOut():
                        clock = Clock()
                        assertTimesOut(Deferred(), clock, 5)  # the user's line
                    """
            }
        )
        status, output = project.pytest("-q")
        self.assertEqual(status, 1, output)
        self.assertIn(
            ">       assertTimesOut(Deferred(), clock, 5)  # the user's line", output
        )
        self.assertNotIn("_timeouts.py", output)


class RandomlyTests(PluginTestCase):
    """
    With pytest-randomly: its seed is the run seed unless one is given, it
    shuffles the order, and twistedtesting alone seeds random for each test.
    """

    skip = PYTEST_SKIP or RANDOMLY_SKIP

    def test_randomlySeed(self) -> None:
        """
        pytest-randomly's C{--randomly-seed} is the run seed when none is
        given; the header says that twistedtesting seeds each test; each
        test draws from its twistedtesting seed, not pytest-randomly's.
        """
        project = self.project()
        plugins = ("pytest_randomly", "twistedtesting._pytestplugin")
        status, output = project.pytest("--randomly-seed=77", plugins=plugins)
        self.assertEqual(
            (status, headerSeed(output)),
            (0, (77, "pytest-randomly's --randomly-seed")),
            output,
        )
        self.assertIn(
            "twistedtesting: pytest-randomly shuffles the order; twistedtesting "
            "seeds random for each test (pytest-randomly's reset is off)",
            output,
        )
        self.assertSeededFrom(project.takeRecords(), 77)

    def test_ownSeedWins(self) -> None:
        """
        A run seed given to twistedtesting is used with pytest-randomly too.
        """
        project = self.project()
        plugins = ("pytest_randomly", "twistedtesting._pytestplugin")
        status, output = project.pytest(
            "--randomly-seed=77", "--twistedtesting-seed=8", plugins=plugins
        )
        self.assertEqual(
            (status, headerSeed(output)), (0, (8, "--twistedtesting-seed"))
        )
        self.assertSeededFrom(project.takeRecords(), 8)


class EntryPointTests(SynchronousTestCase):
    """
    The plugin is registered through the C{pytest11} entry point.
    """

    def test_declared(self) -> None:
        """
        setup.cfg declares the plugin as the C{twistedtesting} entry point
        of the C{pytest11} group.
        """
        setupCfg = SOURCE_ROOT / "setup.cfg"
        if not setupCfg.exists():
            self.skipTest("no setup.cfg: not a checkout")
        parser = configparser.ConfigParser()
        parser.read(setupCfg, encoding="utf-8")
        self.assertEqual(
            parser["options.entry_points"]["pytest11"].strip(),
            "twistedtesting = twistedtesting._pytestplugin",
        )

    def test_installedAndDisabled(self) -> None:
        """
        Where twistedtesting is installed, pytest loads the plugin by itself,
        and C{-p no:twistedtesting} turns it off.
        """
        if PYTEST_SKIP:
            self.skipTest(PYTEST_SKIP)
        found = [
            e for e in entry_points(group="pytest11") if e.name == "twistedtesting"
        ]
        if not found:
            self.skipTest("twistedtesting is not installed: no pytest11 entry point")
        self.assertEqual(found[0].value, "twistedtesting._pytestplugin")
        project = Project(SUITE, self.addCleanup)
        status, output = project.run(["-m", "pytest", "-p", "no:randomly"])
        self.assertEqual(status, 0, output)
        self.assertIn("twistedtesting: run seed ", output)
        status, output = project.run(
            ["-m", "pytest", "-p", "no:twistedtesting", "-p", "no:randomly"]
        )
        self.assertNotIn("twistedtesting: run seed", output)
        self.assertIn("fixture 'twistedtesting_seed' not found", output)
        self.assertRegex(output, r"\b4 errors\b")


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
