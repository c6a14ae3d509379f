# -*- test-case-name: twistedtesting.test.test_trialattempts -*-
"""
Tests for L{twistedtesting._trialattempts}: replayed failing seeds, many
seeds and the determinism check under trial, run as a user runs trial, in a
process of its own.
"""

from __future__ import annotations

import unittest
from typing import cast

from twisted.python.failure import Failure
from twisted.trial import reporter
from twisted.trial._dist.workerreporter import WorkerReporter
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._attempts import extraRunSeed
from twistedtesting._replay import DEFAULT_DIRECTORY, FailingSeeds
from twistedtesting._seednote import NotedFailure, WorkerNotedFailure
from twistedtesting._seeds import deriveSeed
from twistedtesting._trialattempts import _addNote, _Delivery
from twistedtesting.test.pytestruns import Project

SUITE = {
    "proj/__init__.py": "",
    "proj/test_x.py": """
        import os
        import random

        from recorder import calls, record
        from twistedtesting import SynchronousTestCase, TestCase, seed


        class XTests(SynchronousTestCase):
            def test_steady(self):
                record(test="steady", seed=self.seed, draw=random.random())

            def test_fails(self):
                record(test="fails", seed=self.seed)
                self.assertNotIn("fails", os.environ.get("FAIL", ""))

            @seed(5)
            def test_pinned(self):
                record(test="pinned", seed=self.seed)

            def test_thirdFails(self):
                record(test="thirdFails", seed=self.seed)
                self.assertNotEqual(calls("thirdFails"), 3)

            def test_alternates(self):
                self.assertEqual(calls("alternates") % 2, 1)


        class AsyncTests(TestCase):
            async def test_async(self):
                record(test="async", seed=self.seed)
                self.assertNotIn("async", os.environ.get("FAIL", ""))
        """,
}

# Tests that fail the same way in every run, with messages that differ from
# run to run (run-specific values), and tests that differ from run to run.
DETERMINISM = {
    "proj/__init__.py": "",
    "proj/test_d.py": """
        import os
        import tempfile
        import time

        from twistedtesting import SynchronousTestCase


        class SteadyTests(SynchronousTestCase):
            def test_address(self):
                self.fail(f"stuck: {object()!r}, id {hex(id(self))}")

            def test_paths(self):
                self.fail(f"no {tempfile.mkdtemp()}/x, nor {self.mktemp()}")



        class UnsteadyTests(SynchronousTestCase):
            def test_token(self):
                self.fail(f"bad token {os.urandom(8).hex()}")

            def test_clock(self):
                self.fail(f"now {time.time_ns()}")
        """,
}

STEADY = "proj.test_x.XTests.test_steady"
FAILS = "proj.test_x.XTests.test_fails"
ASYNC = "proj.test_x.AsyncTests.test_async"


class ReplayTests(SynchronousTestCase):
    """
    Failing seeds kept in the project's directory and replayed first.
    """

    def setUp(self) -> None:
        self.project = Project(SUITE, self.addCleanup)
        self.store = FailingSeeds(self.project.directory / DEFAULT_DIRECTORY)

    def seedsOf(self, test: str) -> list[object]:
        return [
            r["seed"] for r in self.project.recordsOf(self.project.takeRecords(), test)
        ]

    def test_replayed(self) -> None:
        """
        A failed test (synchronous or asynchronous) is kept with its run
        seed; the next run runs it with that seed first, says so if it fails
        again, and drops it once it passes.
        """
        failing = {"TWISTEDTESTING_SEED": "1", "FAIL": "fails async"}
        status, output = self.project.trial("proj", environ=failing)
        self.assertEqual(status, 1, output)
        self.assertEqual(
            {(e.testId, e.runSeed, e.seed) for e in self.store.load().values()},
            {(FAILS, 1, deriveSeed(1, FAILS)), (ASYNC, 1, deriveSeed(1, ASYNC))},
        )
        self.project.takeRecords()
        status, output = self.project.trial(
            FAILS, environ={"TWISTEDTESTING_SEED": "2", "FAIL": "fails"}
        )
        self.assertEqual(status, 1, output)
        self.assertIn(
            "twistedtesting: this run replayed the seed with which this test "
            "failed in an earlier run (kept in "
            f"{self.project.directory / DEFAULT_DIRECTORY}); it is tried first "
            "until the test passes with it.",
            output,
        )
        self.assertIn(
            f"Rerun it with: TWISTEDTESTING_SEED=1 python -m twisted.trial {FAILS}",
            output,
        )
        self.assertEqual(self.seedsOf("fails"), [deriveSeed(1, FAILS)])
        status, output = self.project.trial(
            FAILS, "proj.test_x.AsyncTests", environ={"TWISTEDTESTING_SEED": "3"}
        )
        self.assertEqual(status, 0, output)
        records = self.project.takeRecords()
        self.assertEqual(
            [r["seed"] for r in self.project.recordsOf(records, "fails")],
            [deriveSeed(1, FAILS), deriveSeed(3, FAILS)],
        )
        self.assertEqual(
            [r["seed"] for r in self.project.recordsOf(records, "async")],
            [deriveSeed(1, ASYNC), deriveSeed(3, ASYNC)],
        )
        self.assertEqual(self.store.load(), {})

    def test_replayedByWorker(self) -> None:
        """
        Under C{trial -j 2}, a replayed seed's report, sent by a worker,
        still gives the seed's note and says that it is a replay; once the
        test passes with that seed, its entry is dropped.
        """
        failing = {"TWISTEDTESTING_SEED": "1", "FAIL": "fails"}
        status, output = self.project.trial("-j", "2", FAILS, environ=failing)
        self.assertEqual(status, 1, output)
        status, output = self.project.trial(
            "-j", "2", FAILS, environ={"TWISTEDTESTING_SEED": "2", "FAIL": "fails"}
        )
        self.assertEqual(status, 1, output)
        self.assertIn(
            f"twistedtesting: this test ran with random seed {deriveSeed(1, FAILS)}, "
            "derived from run seed 1.\n"
            f"  Rerun it with: TWISTEDTESTING_SEED=1 python -m twisted.trial {FAILS}\n",
            output,
        )
        self.assertIn(
            "twistedtesting: this run replayed the seed with which this test "
            "failed in an earlier run (kept in "
            f"{self.project.directory / DEFAULT_DIRECTORY}); it is tried first "
            "until the test passes with it.",
            output,
        )
        self.assertEqual(list(self.store.load()), [FAILS])
        status, output = self.project.trial(
            "-j", "2", FAILS, environ={"TWISTEDTESTING_SEED": "3"}
        )
        self.assertEqual(status, 0, output)
        self.assertEqual(self.store.load(), {})

    def test_off(self) -> None:
        """
        With C{TWISTEDTESTING_FAILING_SEEDS=off} nothing is kept.
        """
        status, output = self.project.trial(
            "proj",
            environ={"FAIL": "fails", "TWISTEDTESTING_FAILING_SEEDS": "off"},
        )
        self.assertEqual(status, 1, output)
        self.assertFalse((self.project.directory / ".twistedtesting").exists())

    def test_workers(self) -> None:
        """
        Under C{trial -j 2}, the workers (which run in directories of their
        own) keep every failing seed in the project's directory.
        """
        names = [f"test_fail{index}" for index in range(16)]
        body = (
            "from twistedtesting import SynchronousTestCase\n\n\n"
            "class ManyTests(SynchronousTestCase):\n"
        )
        body += "".join(
            f"    def {name}(self):\n        self.fail('no')\n\n" for name in names
        )
        project = Project(
            {"many/__init__.py": "", "many/test_many.py": body}, self.addCleanup
        )
        status, output = project.trial(
            "-j", "2", "many", environ={"TWISTEDTESTING_SEED": "4"}
        )
        self.assertEqual(status, 1, output)
        entries = FailingSeeds(project.directory / DEFAULT_DIRECTORY).load()
        ids = [f"many.test_many.ManyTests.{name}" for name in names]
        self.assertEqual(
            {(e.testId, e.runSeed, e.seed) for e in entries.values()},
            {(i, 4, deriveSeed(4, i)) for i in ids},
        )


class ModesTests(SynchronousTestCase):
    """
    C{TWISTEDTESTING_SEEDS} and C{TWISTEDTESTING_CHECK_DETERMINISM}.
    """

    def setUp(self) -> None:
        self.project = Project(SUITE, self.addCleanup)

    def test_manySeeds(self) -> None:
        """
        Each test runs with N seeds, a pinned one once; a test stops at its
        first failing seed, whose report gives its rerun line; the summary
        on standard error says how many seeds each test passed.
        """
        status, output = self.project.trial(
            "proj.test_x.XTests.test_steady",
            "proj.test_x.XTests.test_pinned",
            "proj.test_x.XTests.test_thirdFails",
            environ={
                "TWISTEDTESTING_SEED": "9",
                "TWISTEDTESTING_SEEDS": "4",
                "TWISTEDTESTING_FAILING_SEEDS": "off",
            },
        )
        self.assertEqual(status, 1, output)
        records = self.project.takeRecords()
        runSeeds = [extraRunSeed(9, index) for index in range(4)]
        self.assertEqual(
            [(r["seed"], r["draw"]) for r in self.project.recordsOf(records, "steady")],
            [(deriveSeed(s, STEADY), _draw(deriveSeed(s, STEADY))) for s in runSeeds],
        )
        self.assertEqual(
            [r["seed"] for r in self.project.recordsOf(records, "pinned")], [5]
        )
        third = "proj.test_x.XTests.test_thirdFails"
        self.assertEqual(
            [r["seed"] for r in self.project.recordsOf(records, "thirdFails")],
            [deriveSeed(s, third) for s in runSeeds[:3]],
        )
        self.assertIn(
            f"  Rerun it with: TWISTEDTESTING_SEED={runSeeds[2]} python -m "
            f"twisted.trial {third}\n",
            output,
        )
        self.assertIn(
            "twistedtesting: failed with seed 3 of 4 for this test, after passing 2.\n",
            output,
        )
        self.assertIn("FAILED (failures=1, successes=2)", output)
        self.assertTrue(
            output.endswith(
                "twistedtesting: 4 seeds per test: 1 test passed with every seed, "
                f"1 failed\n  {third}: passed 2 seeds, then failed\n"
            ),
            output,
        )

    def test_manySeedsWorkers(self) -> None:
        """
        Under C{trial -j 2}, the summary of how many seeds each test passed
        is printed by the main process, with the tests of every worker; the
        failing seed's report, sent by a worker, keeps its notes.
        """
        status, output = self.project.trial(
            "-j",
            "2",
            "proj.test_x.XTests",
            "proj.test_x.AsyncTests",
            environ={
                "TWISTEDTESTING_SEED": "9",
                "TWISTEDTESTING_SEEDS": "4",
                "TWISTEDTESTING_FAILING_SEEDS": "off",
                "FAIL": "fails",
            },
        )
        self.assertEqual(status, 1, output)
        third = "proj.test_x.XTests.test_thirdFails"
        alternates = "proj.test_x.XTests.test_alternates"
        self.assertTrue(
            output.endswith(
                "twistedtesting: 4 seeds per test: 2 tests passed with every seed, "
                f"3 failed\n  {alternates}: passed 1 seed, then failed\n"
                f"  {FAILS}: passed 0 seeds, then failed\n"
                f"  {third}: passed 2 seeds, then failed\n"
            ),
            output,
        )
        runSeed = extraRunSeed(9, 2)
        self.assertIn(
            f"twistedtesting: this test ran with random seed "
            f"{deriveSeed(runSeed, third)}, derived from run seed {runSeed}.\n"
            f"  Rerun it with: TWISTEDTESTING_SEED={runSeed} python -m "
            f"twisted.trial {third}\n",
            output,
        )
        self.assertIn(
            "twistedtesting: failed with seed 3 of 4 for this test, after passing 2.\n",
            output,
        )
        self.assertEqual(output.count("seeds per test"), 1, output)

    def test_determinism(self) -> None:
        """
        Each test runs twice with its seed; one whose outcomes differ is an
        error that says what differed.
        """
        status, output = self.project.trial(
            "proj.test_x.XTests.test_steady",
            "proj.test_x.XTests.test_alternates",
            environ={
                "TWISTEDTESTING_SEED": "6",
                "TWISTEDTESTING_CHECK_DETERMINISM": "1",
                "TWISTEDTESTING_FAILING_SEEDS": "off",
            },
        )
        self.assertEqual(status, 1, output)
        self.assertEqual(
            [
                r["seed"]
                for r in self.project.recordsOf(self.project.takeRecords(), "steady")
            ],
            [deriveSeed(6, STEADY)] * 2,
        )
        alternates = "proj.test_x.XTests.test_alternates"
        self.assertIn(
            "twistedtesting._attempts.NotReproducible: twistedtesting: this test "
            "is not reproducible from its seed: run twice with random seed "
            f"{deriveSeed(6, alternates)} (run seed 6), the first run passed and "
            "the second failed with FailTest: 0 != 1.",
            output,
        )
        self.assertIn("FAILED (errors=1, successes=1)", output)

    def test_runSpecificValues(self) -> None:
        """
        A test that fails the same way twice, with a message that holds an
        object's address or temporary paths, is reported as its failure,
        not as not reproducible; a test whose message holds a value from
        C{os.urandom} or the time is reported as not reproducible, with
        both messages; under
        C{trial -j 2} as in one process.
        """
        project = Project(DETERMINISM, self.addCleanup)
        environ = {
            "TWISTEDTESTING_SEED": "6",
            "TWISTEDTESTING_CHECK_DETERMINISM": "1",
            "TWISTEDTESTING_FAILING_SEEDS": "off",
        }
        for jobs in ([], ["-j", "2"]):
            status, output = project.trial(*jobs, "proj", environ=environ)
            self.assertEqual(status, 1, output)
            self.assertIn("FAILED (failures=2, errors=2)", output)
            self.assertEqual(output.count("is not reproducible from its seed"), 2)
            for name, text in (("token", "bad token "), ("clock", "now ")):
                testId = f"proj.test_d.UnsteadyTests.test_{name}"
                self.assertRegex(
                    output,
                    "NotReproducible: twistedtesting: this test is not "
                    "reproducible from its seed: run twice with random seed "
                    f"{deriveSeed(6, testId)} \\(run seed 6\\), the first run "
                    f"failed with FailTest: {text}(\\w+) and the second failed "
                    f"with FailTest: {text}(?!\\1)\\w+\\.",
                )


def _draw(seed: int) -> float:
    import random

    return random.Random(seed).random()


class RecordingWorkerReporter(WorkerReporter):
    """
    A C{trial -j} worker's reporter that keeps the failures it is given,
    where the real one sends their messages to the main process.
    """

    def __init__(self) -> None:
        super().__init__(None)  # type: ignore[no-untyped-call]
        self.given: list[Failure] = []

    def addFailure(self, test: object, fail: object) -> None:
        assert isinstance(fail, Failure)
        self.given.append(fail)


class DeliveryTests(SynchronousTestCase):
    """
    Tests for L{_Delivery} and L{_addNote}, which pass an attempt's report
    on with its notes where the test's result shows them.
    """

    def failure(self, note: str | None = "seed note") -> Failure:
        try:
            raise ValueError("boom")
        except ValueError:
            failure = Failure()
        if note is None:
            return failure
        noted = NotedFailure.__new__(NotedFailure)
        noted.__dict__.update(failure.__dict__)
        noted.note = note
        return noted

    def test_addNote(self) -> None:
        """
        A note goes after the failure's own note, once; a failure without
        one is copied into one that shows the note after its traceback.
        """
        noted = _addNote(self.failure(), "mine")
        self.assertEqual(noted.note, "seed note\nmine")  # type: ignore[attr-defined]
        self.assertIs(_addNote(noted, "mine"), noted)
        self.assertEqual(noted.note, "seed note\nmine")  # type: ignore[attr-defined]
        plain = self.failure(None)
        copy = _addNote(plain, "mine")
        self.assertIsInstance(copy, NotedFailure)
        self.assertIs(copy.value, plain.value)
        self.assertEqual(copy.note, "mine")  # type: ignore[attr-defined]

    def test_trialReporter(self) -> None:
        """
        To a trial reporter, the failure is passed with its notes after its
        traceback, and its exception is left as it was.
        """
        result = reporter.TestResult()
        delivery = _Delivery.to(result)
        self.assertEqual((delivery.formatsException, delivery.worker), (False, False))
        delivery.report("addFailure", (self, self.failure()), "mine")
        [(_, given)] = cast("list[tuple[object, Failure]]", result.failures)
        self.assertEqual(getattr(given, "note", None), "seed note\nmine")
        self.assertFalse(hasattr(given.value, "__notes__"))

    def test_formatsException(self) -> None:
        """
        To a result that formats the exception itself (pytest's, the
        standard library's), the notes are added to the exception's notes.
        """
        result = unittest.TestResult()
        delivery = _Delivery.to(result)
        self.assertEqual((delivery.formatsException, delivery.worker), (True, False))
        failure = self.failure()
        delivery.report("addFailure", (self, failure), "mine")
        [(_, text)] = result.failures
        self.assertEqual(getattr(failure.value, "__notes__", None), ["seed note\nmine"])
        self.assertTrue(text.endswith("ValueError: boom\nseed note\nmine\n"), text)

    def test_worker(self) -> None:
        """
        To a C{trial -j} worker's reporter, which sends the main process a
        failure's message, the failure's message ends with its notes.
        """
        result = RecordingWorkerReporter()
        delivery = _Delivery.to(result)
        self.assertEqual((delivery.formatsException, delivery.worker), (False, True))
        delivery.report("addFailure", (self, self.failure()), "mine")
        [given] = result.given
        self.assertIsInstance(given, WorkerNotedFailure)
        self.assertEqual(given.getErrorMessage(), "boom\nseed note\nmine")
