# -*- test-case-name: twistedtesting.test.test_trialattempts -*-
"""
Tests for L{twistedtesting._trialattempts}: replayed failing seeds, many
seeds and the determinism check under trial, run as a user runs trial, in a
process of its own.
"""

from __future__ import annotations

from twisted.python.failure import Failure
from twisted.trial.unittest import SynchronousTestCase

from twistedtesting._attempts import extraRunSeed
from twistedtesting._replay import DEFAULT_DIRECTORY, FailingSeeds
from twistedtesting._seeds import deriveSeed
from twistedtesting._trialattempts import _addNote
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


def _draw(seed: int) -> float:
    import random

    return random.Random(seed).random()


class AddNoteTests(SynchronousTestCase):
    """
    Tests for L{_addNote}, which puts a replay's or a many-seeds run's note
    where the seed's note is shown.
    """

    def failure(self) -> Failure:
        try:
            raise ValueError("boom")
        except ValueError:
            return Failure()

    def test_exceptionNotes(self) -> None:
        """
        Without a note of its own, the failure's exception gets the note
        in its notes (PEP 678), once.
        """
        failure = self.failure()
        _addNote(failure, "mine")
        _addNote(failure, "mine")
        self.assertEqual(getattr(failure.value, "__notes__", None), ["mine"])

    def test_ownNote(self) -> None:
        """
        A failure that shows a note of its own gets the new one after it;
        its exception's notes get it too when the seed's note is there.
        """
        failure = self.failure()
        failure.note = "seed note"  # type: ignore[attr-defined]
        _addNote(failure, "mine")
        self.assertEqual(failure.note, "seed note\nmine")  # type: ignore[attr-defined]
        self.assertFalse(hasattr(failure.value, "__notes__"))
        withNotes = self.failure()
        withNotes.note = "seed note"  # type: ignore[attr-defined]
        setattr(withNotes.value, "__notes__", ["seed note"])  # noqa: B010
        _addNote(withNotes, "mine")
        self.assertEqual(
            getattr(withNotes.value, "__notes__", None), ["seed note", "mine"]
        )
