# -*- test-case-name: twistedtesting.test.test_pytestoptions -*-
"""
Tests for L{twistedtesting._pytestoptions}: the pytest plugin's run seed,
its options and its header, in pytest runs in a new process (see
L{twistedtesting.test.pytestruns}), and the run's plan.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting import _seeds
from twistedtesting._derive import SEED_VARIABLE
from twistedtesting._seeds import RunSeedChooser
from twistedtesting.test.pluginsuite import PluginTestCase
from twistedtesting.test.pytestruns import (
    PYTEST_SKIP,
    RANDOMLY_SKIP,
    XDIST_SKIP,
    headerSeed,
    runPython,
)

if TYPE_CHECKING or PYTEST_SKIP is None:
    # The module imports pytest; its tests are skipped without it.
    from twistedtesting._pytestoptions import RunPlan, useRunSeed


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


class RunPlanTests(SynchronousTestCase):
    """
    L{RunPlan} says whether any test of the run may run more than once, and
    makes the run's attempt options only when asked for them.
    """

    skip = PYTEST_SKIP

    def temporary(self) -> Path:
        """
        A new empty directory, removed after the test (not C{mktemp()},
        which under pytest would leave it in the working directory).
        """
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory, True)
        return directory

    def plan(
        self, seeds: int = 1, check: bool = False, directory: Path | None = None
    ) -> RunPlan:
        return RunPlan(12, "chosen at random", seeds, check, directory, False)

    def test_straight(self) -> None:
        """
        With one seed, no determinism check and no failing seeds kept (no
        directory, or an empty one), no test is planned.
        """
        empty = self.temporary()
        for directory in (None, empty, empty / "missing"):
            plan = self.plan(directory=directory)
            self.assertEqual((plan.replaying, plan.planned), (False, False))

    def test_planned(self) -> None:
        """
        Many seeds, the determinism check, or anything in the directory of
        failing seeds plans the run's tests.
        """
        kept = self.temporary()
        (kept / "entry.json").write_text("{}")
        self.assertTrue(self.plan(seeds=2).planned)
        self.assertTrue(self.plan(check=True).planned)
        replaying = self.plan(directory=kept)
        self.assertEqual((replaying.replaying, replaying.planned), (True, True))

    def test_optionsMadeOnce(self) -> None:
        """
        The attempt options follow the plan, keep failing seeds in its
        directory, know tests by node id, and are made once.
        """
        directory = self.temporary() / "seeds"
        plan = self.plan(seeds=3, check=True, directory=directory)
        options = plan.options()
        assert options.store is not None
        self.assertEqual(
            (options.seeds, options.checkDeterminism, options.byNodeId),
            (3, True, True),
        )
        self.assertEqual(options.store.directory, directory)
        self.assertIs(plan.options(), options)
        self.assertIsNone(self.plan().options().store)


class UseRunSeedTests(SynchronousTestCase):
    """
    L{useRunSeed} makes the plugin's run seed the process's, without
    importing L{twistedtesting._seeds} when nothing has yet.
    """

    skip = PYTEST_SKIP

    def test_seedsNotImported(self) -> None:
        """
        Before L{twistedtesting._seeds} is imported, the run seed is
        exported, and L{twistedtesting._seeds} then finds it.
        """
        completed = runPython(
            "import os, sys\n"
            "from twistedtesting._pytestoptions import useRunSeed\n"
            "useRunSeed(1234)\n"
            "print('twistedtesting._seeds' in sys.modules)\n"
            "print(os.environ['TWISTEDTESTING_SEED'])\n"
            "from twistedtesting._seeds import runSeed\n"
            "print(runSeed())\n"
        )
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(completed.stdout.split(), ["False", "1234", "1234"])

    def test_seedsImported(self) -> None:
        """
        Once L{twistedtesting._seeds} is imported, its chooser is given the
        run seed, which it exports.
        """
        environ: dict[str, str] = {}
        chooser = RunSeedChooser(environ, self.fail)
        self.patch(_seeds, "_chooser", chooser)
        useRunSeed(77)
        self.assertEqual((chooser.runSeed(), environ), (77, {SEED_VARIABLE: "77"}))
