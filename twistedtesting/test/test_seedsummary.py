# -*- test-case-name: twistedtesting.test.test_seedsummary -*-
"""
Tests for L{twistedtesting._seedsummary}: the summary of a run with many
seeds, and how C{trial -j}'s workers send their counts to the main process.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import cast

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._seedsummary import (
    TALLY_VARIABLE,
    SeedsSummary,
    Tally,
    isTrialWorker,
    summaryForProcess,
)


class TallyTests(SynchronousTestCase):
    """
    Tests for L{Tally}.
    """

    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.directory, True)

    def test_sendCollect(self) -> None:
        """
        What a worker's summary records is sent to the tally, not kept; the
        main process collects every count into its summary.
        """
        tally = Tally(self.directory)
        worker = SeedsSummary(3, tally=tally)
        worker.record("a", 3, False)
        worker.record("b", 1, True)
        self.assertEqual((worker.passed, worker.failed), (0, []))
        main = SeedsSummary(3)
        main.record("c", 3, False)
        tally.collect(main)
        self.assertEqual((main.passed, main.failed), (2, [("b", 1)]))

    def test_brokenLinesLeftOut(self) -> None:
        """
        A line that a killed worker left half written, or a file that is
        not a worker's, is left out; the other counts are kept.
        """
        tally = Tally(self.directory)
        tally.send("a", 2, True)
        (self.directory / "999.jsonl").write_text(
            '{"testId": "b", "passed": 2, "failed": false}\n{"testId": "c", "pa'
        )
        (self.directory / "notes.txt").write_text("not a count")
        summary = SeedsSummary(2)
        tally.collect(summary)
        self.assertEqual((summary.passed, summary.failed), (1, [("a", 2)]))


class IsTrialWorkerTests(SynchronousTestCase):
    """
    Tests for L{isTrialWorker}.
    """

    def test_workerScript(self) -> None:
        """
        A process whose program is trial's worker script is a worker.
        """
        spec = importlib.util.find_spec("twisted.trial._dist.workertrial")
        assert spec is not None and spec.origin is not None
        self.assertTrue(isTrialWorker([spec.origin, "--force-gc"]))

    def test_otherPrograms(self) -> None:
        """
        Any other program (trial itself, pytest, nothing) is not a worker.
        """
        for argv in ([], [""], ["-c"], ["/no/such/workertrial.py"], [__file__]):
            self.assertFalse(isTrialWorker(argv))


class SummaryForProcessTests(SynchronousTestCase):
    """
    Tests for L{summaryForProcess}.
    """

    def setUp(self) -> None:
        self.atExit: list[tuple[Callable[..., object], tuple[object, ...]]] = []

    def register(self, function: Callable[..., object], *args: object) -> None:
        self.atExit.append((function, args))

    def test_mainProcess(self) -> None:
        """
        The main process makes a tally directory and names it in the
        environment for its workers; when it exits, it prints the summary
        with its own counts and its workers', and removes the directory.
        """
        environ: dict[str, str] = {TALLY_VARIABLE: "/inherited/from/a/parent"}
        stream = StringIO()
        main = summaryForProcess(4, environ, False, self.register, stream)
        directory = Path(environ[TALLY_VARIABLE])
        self.addCleanup(shutil.rmtree, directory, True)
        self.assertTrue(directory.is_dir())
        worker = summaryForProcess(4, dict(environ), True, self.register, StringIO())
        self.assertEqual(len(self.atExit), 1)
        worker.record("w.test_b", 1, True)
        worker.record("w.test_a", 4, False)
        main.record("m.test_c", 4, False)
        [(function, args)] = self.atExit
        function(*args)
        self.assertEqual(
            stream.getvalue(),
            "twistedtesting: 4 seeds per test: 2 tests passed with every seed, "
            "1 failed\n  w.test_b: passed 1 seed, then failed\n",
        )
        self.assertFalse(directory.exists())

    def test_forkedChildReportsNothing(self) -> None:
        """
        The exit handler, run in a child forked from the process that made
        the summary (which runs its parent's exit handlers too), prints
        nothing and leaves the tally directory to the parent.
        """
        environ: dict[str, str] = {}
        stream = StringIO()
        summary = summaryForProcess(2, environ, False, self.register, stream)
        directory = Path(environ[TALLY_VARIABLE])
        self.addCleanup(shutil.rmtree, directory, True)
        summary.record("t", 2, False)
        [(function, args)] = self.atExit
        *rest, owner = args
        function(*rest, cast(int, owner) + 1)
        self.assertEqual((stream.getvalue(), directory.is_dir()), ("", True))
        function(*args)
        self.assertEqual(
            (stream.getvalue(), directory.exists()),
            (
                "twistedtesting: 2 seeds per test: 1 test passed with every seed, "
                "0 failed\n",
                False,
            ),
        )

    def test_workerWithoutTally(self) -> None:
        """
        A worker whose main process named no tally directory prints its own
        summary, as a main process does.
        """
        environ: dict[str, str] = {}
        stream = StringIO()
        summary = summaryForProcess(2, environ, True, self.register, stream)
        summary.record("t", 2, False)
        [(function, args)] = self.atExit
        function(*args)
        self.assertEqual(
            stream.getvalue(),
            "twistedtesting: 2 seeds per test: 1 test passed with every seed, "
            "0 failed\n",
        )
