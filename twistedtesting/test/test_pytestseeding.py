# -*- test-case-name: twistedtesting.test.test_pytestseeding -*-
"""
Tests for L{twistedtesting._pytestseeding}: plain pytest tests run with
the global random module and the registered generators seeded from their
own seed, restored after them, and a failure's report names the seed: in
pytest runs in a new process (see L{twistedtesting.test.pytestruns}), and
in this one.
"""

from __future__ import annotations

import random
import re
import shlex
from typing import TYPE_CHECKING, Any, cast

from twisted.trial.unittest import SynchronousTestCase

from twistedtesting import seed
from twistedtesting._derive import deriveSeed
from twistedtesting.test.pluginsuite import NODE_IDS, PluginTestCase, expectedDraw
from twistedtesting.test.pytestruns import PYTEST_SKIP, XDIST_SKIP

if TYPE_CHECKING or PYTEST_SKIP is None:
    # The module imports pytest; its tests are skipped without it.
    import pytest

    from twistedtesting._pytestseeding import (
        PlainSeeding,
        restoreAfter,
        restoreAfterOldStyle,
        teardownWrapper,
    )

if TYPE_CHECKING:
    from twistedtesting._pytestoptions import RunPlan


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

    def test_failureReportFromWorker(self) -> None:
        """
        With pytest-xdist, a failing plain test's report, sent by its worker
        to the controller, gives its seed once.
        """
        if XDIST_SKIP:
            self.skipTest(XDIST_SKIP)
        project = self.project()
        status, output = project.pytest(
            "-n",
            "2",
            "--twistedtesting-seed=21",
            "--twistedtesting-no-replay",
            environ={"FAIL": "test_fails"},
            plugins=("twistedtesting._pytestplugin", "xdist.plugin"),
        )
        self.assertEqual(status, 1, output)
        testSeed = deriveSeed(21, NODE_IDS["test_fails"])
        self.assertEqual(
            output.count(
                f"twistedtesting: this test ran with random seed {testSeed}, "
                "derived from run seed 21.\n"
            ),
            1,
            output,
        )


class _Plan:
    """
    The part of a L{twistedtesting._pytestoptions.RunPlan} that seeding
    uses, recording the seeds it is asked to keep.
    """

    runSeed = 5

    def __init__(self) -> None:
        self.kept: list[tuple[str, int, int]] = []

    def keep(self, testId: str, runSeed: int, seed: int) -> None:
        self.kept.append((testId, runSeed, seed))


class _Item:
    """
    The part of a pytest item that seeding uses.
    """

    def __init__(self, nodeid: str, obj: object = None) -> None:
        self.nodeid = nodeid
        self.obj = obj


class _Report:
    """
    The part of a pytest report that seeding uses.
    """

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid
        self.sections: list[tuple[str, str]] = []


def _unpinned() -> None:
    """
    A test function with no pinned seed.
    """


@seed(7)
def test_pinnedFunction() -> None:
    """
    A test function whose seed is pinned.
    """


class PlainSeedingTests(SynchronousTestCase):
    """
    L{PlainSeeding} seeds one plain test at a time, restores the
    generators, and notes a failure's seed; in this process, with stand-ins
    for pytest's objects.
    """

    skip = PYTEST_SKIP

    def seeding(self) -> tuple[PlainSeeding, _Plan]:
        plan = _Plan()
        seeding = PlainSeeding(cast("RunPlan", plan))
        self.addCleanup(seeding.restore)
        return seeding, plan

    def test_seedAndRestore(self) -> None:
        """
        A test is seeded with the seed derived from the run seed and its
        node id, and the global generator is as before once restored.
        """
        seeding, _ = self.seeding()
        before = random.getstate()
        item = _Item("test_a.py::test_a", _unpinned)
        seeding.seed(cast("pytest.Item", item))
        value = deriveSeed(5, "test_a.py::test_a")
        self.assertEqual(random.random(), random.Random(value).random())
        current = seeding.seedOf(cast("pytest.Item", item))
        assert current is not None
        self.assertEqual(
            (current.value, current.runSeed, current.attempted), (value, 5, False)
        )
        seeding.restore()
        self.assertEqual(random.getstate(), before)

    def test_pinned(self) -> None:
        """
        A test function pinned with C{@seed} is seeded with its pin, and
        its seed has no run seed.
        """
        seeding, _ = self.seeding()
        item = _Item("test_a.py::test_pinnedFunction", test_pinnedFunction)
        seeding.seed(cast("pytest.Item", item))
        self.assertEqual(random.random(), random.Random(7).random())
        current = seeding.seedOf(cast("pytest.Item", item))
        assert current is not None
        self.assertEqual((current.value, current.runSeed), (7, None))

    def test_seedOfOtherItem(self) -> None:
        """
        The seed is given only for the test seeded last.
        """
        seeding, _ = self.seeding()
        seeding.seed(cast("pytest.Item", _Item("test_a.py::test_a")))
        self.assertIsNone(seeding.seedOf(cast("pytest.Item", _Item("t.py::other"))))

    def test_noteFailure(self) -> None:
        """
        A failed report of the test seeded last gets the seed's note, and
        its failing seed is kept; a report of another test (as
        pytest-xdist's controller logs) gets nothing.
        """
        seeding, plan = self.seeding()
        seeding.seed(cast("pytest.Item", _Item("test_a.py::test_a")))
        other = _Report("test_b.py::test_b")
        seeding.noteFailure(cast("pytest.TestReport", other))
        self.assertEqual((other.sections, plan.kept), ([], []))
        report = _Report("test_a.py::test_a")
        seeding.noteFailure(cast("pytest.TestReport", report))
        value = deriveSeed(5, "test_a.py::test_a")
        self.assertEqual(
            report.sections,
            [
                (
                    "twistedtesting",
                    f"twistedtesting: this test ran with random seed {value}, "
                    "derived from run seed 5.\n"
                    "  Rerun it with: python -m pytest test_a.py::test_a "
                    "--twistedtesting-seed=5\n"
                    f"  or pin it: add @seed({value}) to the test function "
                    "(from twistedtesting import seed).",
                )
            ],
        )
        self.assertEqual(plan.kept, [("test_a.py::test_a", 5, value)])

    def test_noNoteWhenOff(self) -> None:
        """
        While the attempts log their reports themselves (C{logNotes} off),
        a failed report gets no note and nothing is kept.
        """
        seeding, plan = self.seeding()
        seeding.seed(cast("pytest.Item", _Item("test_a.py::test_a")))
        seeding.logNotes = False
        report = _Report("test_a.py::test_a")
        seeding.noteFailure(cast("pytest.TestReport", report))
        self.assertEqual((report.sections, plan.kept), ([], []))


class TeardownWrapperTests(SynchronousTestCase):
    """
    The teardown hook wrapper restores the generators after the test's
    teardown, however it ends, in pluggy's new style or its old one.
    """

    def seeded(self) -> tuple[PlainSeeding, object]:
        seeding = PlainSeeding(cast("RunPlan", _Plan()))
        self.addCleanup(seeding.restore)
        before = random.getstate()
        seeding.seed(cast("pytest.Item", _Item("test_a.py::test_a")))
        self.assertNotEqual(random.getstate(), before)
        return seeding, before

    def test_newStyle(self) -> None:
        """
        The new-style wrapper restores the generators and gives back the
        teardown's result.
        """
        seeding, before = self.seeded()
        wrapper = restoreAfter(seeding, cast("pytest.Item", None))
        next(wrapper)
        with self.assertRaises(StopIteration) as stopped:
            wrapper.send("result")
        self.assertEqual(stopped.exception.value, "result")
        self.assertEqual(random.getstate(), before)

    def test_newStyleRaising(self) -> None:
        """
        The new-style wrapper restores the generators when the teardown
        raises, and lets the exception through.
        """
        seeding, before = self.seeded()
        wrapper = restoreAfter(seeding, cast("pytest.Item", None))
        next(wrapper)
        self.assertRaises(ZeroDivisionError, wrapper.throw, ZeroDivisionError())
        self.assertEqual(random.getstate(), before)

    def test_oldStyle(self) -> None:
        """
        The old-style wrapper restores the generators after the teardown.
        """
        seeding, before = self.seeded()
        wrapper = restoreAfterOldStyle(seeding, cast("pytest.Item", None))
        next(wrapper)
        self.assertRaises(StopIteration, wrapper.send, None)
        self.assertEqual(random.getstate(), before)

    def test_choice(self) -> None:
        """
        With a pluggy that refuses new-style wrappers (before 1.2), the
        old-style wrapper is chosen; with pytest's own marker on this
        pluggy (1.2 or later), the new-style one.
        """

        def oldMarker(**options: object) -> Any:
            if "wrapper" in options:
                raise TypeError("unexpected keyword argument 'wrapper'")
            return pytest.hookimpl(**options)  # type: ignore[call-overload]

        old = teardownWrapper(oldMarker)
        self.assertIs(old, restoreAfterOldStyle)
        self.assertEqual(
            (old.pytest_impl["hookwrapper"], old.pytest_impl["tryfirst"]),
            (True, True),
        )
        new = teardownWrapper()
        self.assertIs(new, restoreAfter)
        self.assertEqual(
            (new.pytest_impl["wrapper"], new.pytest_impl["tryfirst"]), (True, True)
        )
