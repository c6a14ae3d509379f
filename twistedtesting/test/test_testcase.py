# -*- test-case-name: twistedtesting.test.test_testcase -*-
"""
Tests for L{twistedtesting.TestCase} and L{twistedtesting.SynchronousTestCase}.

Most tests run small suites in this process with trial's own reporter and
check what a user would see; the tests of C{trial -j}, pytest and rerunning
by the run seed start real processes on generated modules.
"""

from __future__ import annotations

import contextlib
import operator
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import types
import unittest as pyunit
import warnings
from collections.abc import Callable, Generator
from io import StringIO
from typing import Any, cast

from twisted.internet import defer, reactor, task
from twisted.python import log
from twisted.python.failure import Failure
from twisted.python.reflect import fullyQualifiedName
from twisted.trial import _synctest, reporter, unittest, util
from twisted.trial.itrial import IReporter
from zope.interface import implementer
from zope.interface.verify import verifyObject

import twistedtesting
from twistedtesting import (
    SEED_VARIABLE,
    SynchronousTestCase,
    TestCase,
    _seeds,
    _testcase,
    seed,
)
from twistedtesting._seednote import SeedReporter
from twistedtesting._seeds import RunSeedChooser, deriveSeed

RUN_SEED = 7


def runQuietly(*tests: pyunit.TestCase) -> tuple[reporter.Reporter, str]:
    """
    Run C{tests} with trial's plain reporter, as C{trial} would, and return
    the reporter and everything it printed (failures with their tracebacks
    included).
    """
    stream = StringIO()
    result = reporter.Reporter(stream=stream)
    pyunit.TestSuite(tests).run(result)
    result.done()
    return result, stream.getvalue()


def derivedNote(test: pyunit.TestCase) -> str:
    """
    The report note of a test whose seed was derived from L{RUN_SEED}.
    """
    value = deriveSeed(RUN_SEED, test.id())
    return (
        f"twistedtesting: this test ran with random seed {value}, derived from "
        f"run seed {RUN_SEED}.\n"
        f"  Rerun it with: {SEED_VARIABLE}={RUN_SEED} python -m twisted.trial "
        f"{shlex.quote(test.id())}\n"
        f"  or pin it: add @seed({value}) to the test method "
        "(from twistedtesting import seed).\n"
    )


def _neverDrawn() -> int:
    raise AssertionError("the run seed was given; nothing should be drawn")


def problemsOf(result: reporter.TestResult) -> list[Failure]:
    """
    The failures and errors C{result} recorded, in that order.
    """
    problems = [f for _, f in result.failures + result.errors]
    assert all(isinstance(f, Failure) for f in problems)
    return [f for f in problems if isinstance(f, Failure)]


class _FixedRunSeed:
    """
    Mixin for tests that need a known run seed: patches the chooser.
    """

    patch: Callable[..., None]

    def setUp(self) -> None:
        self.patch(
            _seeds, "_chooser", RunSeedChooser({SEED_VARIABLE: "7"}, _neverDrawn)
        )


class SeedingTests(_FixedRunSeed, unittest.SynchronousTestCase):
    """
    Every phase of a test runs with the global generator seeded with the
    test's seed, and the generators are put back afterwards.
    """

    def test_synchronousPhases(self) -> None:
        """
        setUp, the test method, a cleanup and tearDown draw, in that order,
        the first values of C{random.Random(seed)}; C{self.random} is a
        separate generator with that seed.
        """
        drawn: list[tuple[str, float]] = []

        class Inner(SynchronousTestCase):
            def setUp(self) -> None:
                drawn.append(("setUp", random.random()))
                self.addCleanup(lambda: drawn.append(("cleanup", random.random())))

            def test_phases(self) -> None:
                drawn.append(("test", random.random()))
                drawn.append(("self.random", self.random.random()))

            def tearDown(self) -> None:
                drawn.append(("tearDown", random.random()))

        test = Inner("test_phases")
        result, _ = runQuietly(test)
        self.assertTrue(result.wasSuccessful())
        self.assertEqual(test.seed, deriveSeed(RUN_SEED, test.id()))
        expected = random.Random(test.seed)
        first = random.Random(test.seed).random()
        self.assertEqual(
            drawn,
            [
                ("setUp", expected.random()),
                ("test", expected.random()),
                ("self.random", first),
                ("cleanup", expected.random()),
                ("tearDown", expected.random()),
            ],
        )

    def test_asynchronousPhases(self) -> None:
        """
        In L{TestCase}, the seed holds across Deferreds that fire later in
        setUp, an C{async def} test, a Deferred-returning cleanup and
        tearDown.
        """
        drawn: list[tuple[str, float]] = []

        def later(label: str) -> defer.Deferred[None]:
            return task.deferLater(
                reactor, 0, lambda: drawn.append((label, random.random()))
            )

        class Inner(TestCase):
            def setUp(self) -> defer.Deferred[None]:  # type: ignore[override]
                self.addCleanup(later, "cleanup")
                return later("setUp")

            async def test_phases(self) -> None:
                await later("test")

            def tearDown(self) -> defer.Deferred[None]:  # type: ignore[override]
                return later("tearDown")

        test = Inner("test_phases")
        result, output = runQuietly(test)
        self.assertTrue(result.wasSuccessful(), output)
        expected = random.Random(test.seed)
        self.assertEqual(
            drawn,
            [
                (label, expected.random())
                for label in ["setUp", "test", "cleanup", "tearDown"]
            ],
        )

    def test_inlineCallbacks(self) -> None:
        """
        An C{inlineCallbacks} test in L{TestCase} runs with its seed.
        """
        drawn: list[float] = []

        class Inner(TestCase):
            @defer.inlineCallbacks
            def test_gen(self) -> Generator[defer.Deferred[None], None, None]:
                yield task.deferLater(reactor, 0, lambda: None)
                drawn.append(random.random())

        test = Inner("test_gen")
        result, output = runQuietly(test)
        self.assertTrue(result.wasSuccessful(), output)
        self.assertEqual(drawn, [random.Random(test.seed).random()])

    def test_globalStateRestored(self) -> None:
        """
        After passing and failing tests, the global generator is exactly
        where it was before them.
        """

        class Inner(SynchronousTestCase):
            def test_pass(self) -> None:
                random.random()

            def test_fail(self) -> None:
                random.random()
                self.fail("no")

        random.seed(1234)
        before = random.getstate()
        runQuietly(Inner("test_pass"), Inner("test_fail"))
        self.assertEqual(random.getstate(), before)

    def test_sameTestSameValues(self) -> None:
        """
        Running one test twice draws the same values; two different tests
        draw different ones.
        """
        drawn: list[float] = []

        class Inner(SynchronousTestCase):
            def test_a(self) -> None:
                drawn.append(random.random())

            def test_b(self) -> None:
                drawn.append(random.random())

        runQuietly(Inner("test_a"), Inner("test_a"), Inner("test_b"))
        self.assertEqual(drawn[0], drawn[1])
        self.assertNotEqual(drawn[0], drawn[2])

    def test_pins(self) -> None:
        """
        A method pin wins over a class pin, which subclasses inherit; a
        test without either gets the seed derived from the run seed.
        """

        @seed(100)
        class Pinned(SynchronousTestCase):
            @seed(200)
            def test_method(self) -> None:
                pass

            def test_class(self) -> None:
                pass

        class Sub(Pinned):
            pass

        class Unpinned(SynchronousTestCase):
            def test_derived(self) -> None:
                pass

        tests = [
            Pinned("test_method"),
            Pinned("test_class"),
            Sub("test_class"),
            Unpinned("test_derived"),
        ]
        runQuietly(*tests)
        self.assertEqual(
            [t.seed for t in tests],
            [200, 100, 100, deriveSeed(RUN_SEED, tests[3].id())],
        )


class ReportTests(_FixedRunSeed, unittest.SynchronousTestCase):
    """
    Every failure or error reported for a test shows its seed and how to
    rerun it, and leaves the exception as it was.
    """

    def assertReported(
        self,
        test: pyunit.TestCase,
        exceptionType: type[BaseException],
        args: tuple[object, ...] | None = None,
        count: int = 1,
    ) -> str:
        """
        Run C{test}, check that it reported C{count} failures or errors of
        C{exceptionType} (with C{args}, if given), each followed by the seed
        note, and return the output.
        """
        result, output = runQuietly(test)
        problems = problemsOf(result)
        self.assertEqual(len(problems), count, output)
        for problem in problems:
            self.assertIsInstance(problem, Failure)
            self.assertIs(problem.type, exceptionType)
            if args is not None:
                self.assertEqual(getattr(problem.value, "args", None), args)
        self.assertEqual(output.count(derivedNote(test)), count, output)
        return output

    def test_failedAssertion(self) -> None:
        """
        A failed assertion keeps its message and is followed by the note,
        right after the exception line.
        """

        class Inner(SynchronousTestCase):
            def test_x(self) -> None:
                self.assertEqual(1, 2)

        test = Inner("test_x")
        output = self.assertReported(test, unittest.FailTest, ("1 != 2",))
        self.assertIn(
            "twisted.trial.unittest.FailTest: 1 != 2\n" + derivedNote(test), output
        )

    def test_tracebackStartsInTest(self) -> None:
        """
        The traceback of a failing synchronous test starts at the test
        method, as with trial's own test cases: no frame of this library.
        """

        class Inner(SynchronousTestCase):
            def test_x(self) -> None:
                raise ValueError("here")

        test = Inner("test_x")
        output = self.assertReported(test, ValueError, ("here",))
        traceback = output[output.index("Traceback (most recent call last):") :]
        self.assertRegex(
            traceback,
            r"^Traceback \(most recent call last\):\n"
            r'  File ".*test_testcase\.py", line \d+, in test_x\n'
            r'    raise ValueError\("here"\)\n'
            r"builtins\.ValueError: here\n",
        )
        self.assertNotIn(_testcase.__file__, output)

    def test_exceptionsWithOddArguments(self) -> None:
        """
        Exceptions whose message is not their first argument, or that have
        no arguments at all, keep their type and arguments.
        """

        class Inner(SynchronousTestCase):
            def test_keyError(self) -> None:
                raise KeyError(3)

            def test_noArgs(self) -> None:
                raise ValueError()

            def test_notStr(self) -> None:
                raise OSError(2, "gone", "/x")

        self.assertReported(Inner("test_keyError"), KeyError, (3,))
        self.assertReported(Inner("test_noArgs"), ValueError, ())
        self.assertReported(Inner("test_notStr"), FileNotFoundError, (2, "gone"))

    def test_fixturesAndCleanups(self) -> None:
        """
        Errors in setUp, tearDown and a cleanup are each reported with the
        note.
        """

        class SetUp(SynchronousTestCase):
            def setUp(self) -> None:
                raise RuntimeError("setUp")

            def test_x(self) -> None:
                pass

        class TearDownAndCleanup(SynchronousTestCase):
            def tearDown(self) -> None:
                raise RuntimeError("tearDown")

            def test_x(self) -> None:
                self.addCleanup(lambda: 1 / 0)

        self.assertReported(SetUp("test_x"), RuntimeError, ("setUp",))
        test = TearDownAndCleanup("test_x")
        result, output = runQuietly(test)
        self.assertEqual(
            sorted(type(f.value).__name__ for f in problemsOf(result)),
            ["RuntimeError", "ZeroDivisionError"],
        )
        self.assertEqual(output.count(derivedNote(test)), 2, output)

    def test_asynchronousErrors(self) -> None:
        """
        Errors from a Deferred, an C{async def} test and an
        C{inlineCallbacks} test in L{TestCase} are reported with the note.
        """

        class Inner(TestCase):
            def test_deferred(self) -> defer.Deferred[None]:
                def explode() -> None:
                    raise ZeroDivisionError("later")

                return task.deferLater(reactor, 0, explode)

            async def test_async(self) -> None:
                await task.deferLater(reactor, 0, lambda: None)
                raise KeyError("k")

        self.assertReported(Inner("test_deferred"), ZeroDivisionError)
        self.assertReported(Inner("test_async"), KeyError, ("k",))

    def test_trialTimeout(self) -> None:
        """
        trial's own timeout is reported with the note.  This is the one test
        that waits on the wall clock, a twentieth of a second, because real
        time is what trial's timeout measures.
        """

        class Inner(TestCase):
            timeout = 0.05

            def test_hang(self) -> defer.Deferred[None]:
                return defer.Deferred()

        self.assertReported(Inner("test_hang"), defer.TimeoutError)

    def test_dirtyReactor(self) -> None:
        """
        A delayed call left in the reactor is reported with the note.
        """

        class Inner(TestCase):
            def test_dirty(self) -> None:
                reactor.callLater(3600, lambda: None)

        from twisted.trial.util import DirtyReactorAggregateError

        self.assertReported(Inner("test_dirty"), DirtyReactorAggregateError)

    def test_loggedError(self) -> None:
        """
        An error logged during the test is reported with the note.
        """

        class Inner(SynchronousTestCase):
            def test_log(self) -> None:
                log.err(ZeroDivisionError("logged"))

        self.assertReported(Inner("test_log"), ZeroDivisionError, ("logged",))

    def test_pinnedNote(self) -> None:
        """
        A pinned test's note names the pin and where it is.
        """

        @seed(9)
        class Inner(SynchronousTestCase):
            @seed(5)
            def test_method(self) -> None:
                self.fail("m")

            def test_class(self) -> None:
                self.fail("c")

        _, output = runQuietly(Inner("test_method"), Inner("test_class"))
        self.assertIn(
            "FailTest: m\ntwistedtesting: this test ran with random seed 5, "
            "pinned by @seed(5) on the test method; rerunning it reproduces "
            "the same random values.\n",
            output,
        )
        self.assertIn(
            "FailTest: c\ntwistedtesting: this test ran with random seed 9, "
            "pinned by @seed(9) on its class; rerunning it reproduces the same "
            "random values.\n",
            output,
        )

    def test_passAndSkipSilent(self) -> None:
        """
        Passing, skipped and expected-failure tests print no note.
        """

        class Inner(SynchronousTestCase):
            def test_pass(self) -> None:
                pass

            def test_skip(self) -> None:
                raise unittest.SkipTest("later")

            def test_todo(self) -> None:
                self.fail("known")

            test_todo.todo = "known bug"  # type: ignore[attr-defined]

        result, output = runQuietly(
            Inner("test_pass"), Inner("test_skip"), Inner("test_todo")
        )
        self.assertEqual(
            (result.successes, len(result.skips), len(result.expectedFailures)),
            (1, 1, 1),
        )
        self.assertNotIn("twistedtesting:", output)

    def test_errorMessageUnchanged(self) -> None:
        """
        Under trial's reporter, the reported failures and errors have the
        messages trial gives them, and their exceptions get no notes: the
        note is shown in the printed traceback only.
        """

        class Inner(SynchronousTestCase):
            def test_fail(self) -> None:
                self.assertEqual(1, 2)

            def test_keyError(self) -> None:
                raise KeyError(3)

        fail, keyError = Inner("test_fail"), Inner("test_keyError")
        result, output = runQuietly(fail, keyError)
        problems = problemsOf(result)
        self.assertEqual(
            [p.getErrorMessage() for p in problems], ["1 != 2", "3"], output
        )
        self.assertEqual([vars(p.value).get("__notes__") for p in problems], [None] * 2)
        self.assertEqual(output.count(derivedNote(fail)), 1, output)
        self.assertEqual(output.count(derivedNote(keyError)), 1, output)

    def test_parallelWorkerMessage(self) -> None:
        """
        To a C{trial -j} worker's reporter, which sends the main process the
        failure's message and frames but not its traceback, the failure is
        given with the note at the end of its message, and that is what the
        worker sends; the exception itself gets no note.
        """
        from twisted.trial._dist.workerreporter import WorkerReporter

        sent: list[str] = []

        class RecordingAMP:
            """
            Records the text of every command the worker reporter sends.
            """

            streams = 0

            def callRemote(self, command: object, **kwargs: object) -> object:
                for value in kwargs.values():
                    if isinstance(value, bytes):
                        sent.append(value.decode("utf-8"))
                    elif isinstance(value, str):
                        sent.append(value)
                self.streams += 1
                return defer.succeed({"streamId": self.streams, "success": True})

        class Inner(SynchronousTestCase):
            def test_fail(self) -> None:
                self.assertEqual(1, 2)

        worker = WorkerReporter(RecordingAMP())
        test = Inner("test_fail")
        with worker.gatherReportingResults() as results:
            test.run(worker)
        self.assertEqual([self.successResultOf(d) for d in results], [None])
        note = derivedNote(test).rstrip("\n")
        self.assertIn("1 != 2\n" + note, "".join(sent))
        [failure] = problemsOf(worker)
        self.assertEqual(failure.getErrorMessage(), "1 != 2\n" + note)
        self.assertNotIn("__notes__", vars(failure.value))

    def test_noteAddedToException(self) -> None:
        """
        With a result that is not a trial reporter (pytest's, the standard
        library's), which formats the exception itself, the note is added to
        the exception's PEP 678 notes, once even when the same exception is
        reported twice; the message is unchanged.
        """
        shared = ValueError("twice")

        class Inner(SynchronousTestCase):
            def test_twice(self) -> None:
                log.err(shared)
                raise shared

        test = Inner("test_twice")
        result = pyunit.TestResult()
        test.run(result)
        self.assertEqual(len(result.errors), 2)
        self.assertEqual(vars(shared)["__notes__"], [derivedNote(test).rstrip("\n")])
        self.assertEqual(str(shared), "twice")

    def test_pyunitResult(self) -> None:
        """
        With a standard library result, failures and errors are recorded
        as usual and carry the note.
        """

        class Inner(SynchronousTestCase):
            def test_fail(self) -> None:
                self.fail("f")

            def test_error(self) -> None:
                raise KeyError(1)

        result = pyunit.TestResult()
        pyunit.TestSuite([Inner("test_fail"), Inner("test_error")]).run(result)
        self.assertEqual((len(result.failures), len(result.errors)), (1, 1))
        self.assertEqual(result.testsRun, 2)
        if sys.version_info >= (3, 11):
            self.assertIn("twistedtesting: this test ran", result.errors[0][1])

    def test_badRunSeedVariable(self) -> None:
        """
        With a malformed C{TWISTEDTESTING_SEED}, every test that needs the run
        seed reports a L{ValueError} that names the variable, and its body
        does not run; pinned tests still run.
        """
        self.patch(_seeds, "_chooser", RunSeedChooser({SEED_VARIABLE: "x1"}, self.fail))
        ran: list[str] = []

        class Inner(SynchronousTestCase):
            def test_derived(self) -> None:
                ran.append("derived")

            @seed(1)
            def test_pinned(self) -> None:
                ran.append("pinned")

        result, output = runQuietly(Inner("test_derived"), Inner("test_pinned"))
        self.assertEqual(ran, ["pinned"])
        self.assertEqual(len(result.errors), 1)
        self.assertEqual(result.testsRun, 2)
        self.assertIn(
            f"ValueError: the environment variable {SEED_VARIABLE} must be a "
            "non-negative integer (the run seed), got 'x1'",
            output,
        )

    def test_reporterInterface(self) -> None:
        """
        The reporter that tests see provides trial's L{IReporter}.
        """
        wrapped = SeedReporter(
            reporter.Reporter(stream=StringIO()), lambda: "note", __file__, False
        )
        self.assertTrue(verifyObject(IReporter, wrapped))

    def test_reporterWithoutAddSuccess(self) -> None:
        """
        A reporter that provides L{IReporter} but has only the methods its
        test calls (as Twisted's own tests' stubs do) gets a failing test's
        error, with the seed's note, as under trial: the methods passed on
        unchanged are looked up only when called.
        """
        errors: list[Failure] = []

        @implementer(IReporter)
        class StubReporter:  # type: ignore[misc]
            shouldStop = False

            def startTest(self, test: object) -> None:
                pass

            def stopTest(self, test: object) -> None:
                pass

            def addError(self, test: object, error: Failure) -> None:
                errors.append(error)

        class Inner(SynchronousTestCase):
            def test_error(self) -> None:
                raise ValueError("boom")

        test = Inner("test_error")
        test.run(StubReporter())
        [error] = errors
        self.assertEqual(error.getErrorMessage(), "boom")
        self.assertIn(derivedNote(test), error.getTraceback())
        wrapped = SeedReporter(StubReporter(), lambda: "note", __file__, False)
        self.assertRaises(AttributeError, lambda: wrapped.addSuccess)


class SynchronousOnlyTests(_FixedRunSeed, unittest.SynchronousTestCase):
    """
    L{SynchronousTestCase} refuses test methods whose work would silently
    never be waited for.
    """

    def test_coroutine(self) -> None:
        """
        An C{async def} test is an error saying its body never ran (trial
        would pass it), and no "never awaited" warning is left behind.
        """
        ran: list[bool] = []

        class Inner(SynchronousTestCase):
            async def test_async(self) -> None:
                ran.append(True)

        test = Inner("test_async")
        result, _ = runQuietly(test)
        self.assertEqual(ran, [])
        [error] = problemsOf(result)
        self.assertEqual(
            error.getErrorMessage(),
            f"{test.id()} is a coroutine function, but SynchronousTestCase does "
            "not run coroutines, so its body never ran; subclass "
            "twistedtesting.TestCase instead",
        )
        self.assertEqual(self.flushWarnings(), [])

    def test_succeededDeferred(self) -> None:
        """
        A test that returns a Deferred that has already succeeded passes,
        as under trial, and the Deferred keeps its result.
        """
        returned: list[defer.Deferred[int]] = []

        class Inner(SynchronousTestCase):
            def test_succeeded(self) -> defer.Deferred[int]:
                returned.append(defer.succeed(3))
                return returned[0]

        result, output = runQuietly(Inner("test_succeeded"))
        self.assertEqual(result.successes, 1, output)
        self.assertTrue(result.wasSuccessful(), output)
        self.assertEqual(self.successResultOf(returned[0]), 3)

    def test_unfinishedDeferreds(self) -> None:
        """
        A test returning a Deferred that has not fired, or that failed, is
        an error; for a failed one the message says how it failed, and the
        failure is not left unhandled.
        """

        class Inner(SynchronousTestCase):
            def test_unfired(self) -> defer.Deferred[None]:
                return defer.Deferred()

            def test_failed(self) -> defer.Deferred[None]:
                return defer.fail(ValueError("boom"))

        unfired, failed = Inner("test_unfired"), Inner("test_failed")
        result, _ = runQuietly(unfired, failed)
        messages = [f.getErrorMessage() for f in problemsOf(result)]
        self.assertEqual(
            messages,
            [
                f"{unfired.id()} returned a Deferred, but SynchronousTestCase "
                "does not wait for Deferreds; check its result with "
                "successResultOf() or failureResultOf(), or subclass "
                "twistedtesting.TestCase",
                f"{failed.id()} returned a Deferred, but SynchronousTestCase "
                "does not wait for Deferreds; it failed with ValueError: boom; "
                "check its result with successResultOf() or failureResultOf(), "
                "or subclass twistedtesting.TestCase",
            ],
        )
        self.assertEqual([f.type for f in problemsOf(result)], [TypeError] * 2)
        self.assertEqual(self.flushLoggedErrors(ValueError), [])

    def test_decoratedMethodChecked(self) -> None:
        """
        A test method whose decorator did not keep its name is checked too;
        a C{setUp} or C{tearDown} that returns a Deferred is disregarded,
        as under trial.
        """

        def renamed(method: Callable[[Any], object]) -> Callable[[Any], object]:
            def wrapper(self: Any) -> object:
                return method(self)

            return wrapper

        class Inner(SynchronousTestCase):
            def setUp(self) -> defer.Deferred[None]:  # type: ignore[override]
                return defer.Deferred()

            @renamed
            def test_unfired(self) -> defer.Deferred[None]:
                return defer.Deferred()

            def tearDown(self) -> defer.Deferred[None]:  # type: ignore[override]
                return defer.Deferred()

        test = Inner("test_unfired")
        result, _ = runQuietly(test)
        [error] = problemsOf(result)
        self.assertEqual(
            error.getErrorMessage(),
            f"{test.id()} returned a Deferred, but SynchronousTestCase does not "
            "wait for Deferreds; check its result with successResultOf() or "
            "failureResultOf(), or subclass twistedtesting.TestCase",
        )

    def test_methodAttributesHonoured(self) -> None:
        """
        trial reads a test method's attributes (skip, todo) as usual, and
        the run leaves nothing in the instance under the method's name.
        """

        class Inner(SynchronousTestCase):
            def test_skipped(self) -> None:
                pass

            test_skipped.skip = "not today"  # type: ignore[attr-defined]

        test = Inner("test_skipped")
        result, _ = runQuietly(test)
        self.assertEqual(result.skips, [(test, "not today")])
        self.assertNotIn("test_skipped", vars(test))

    def test_instanceAttributeRestored(self) -> None:
        """
        When the instance already has the test method as an attribute (pytest
        puts it there), that attribute is the same object after the run.
        """

        class Inner(SynchronousTestCase):
            def test_x(self) -> None:
                pass

        test = Inner("test_x")
        own = test.test_x
        vars(test)["test_x"] = own
        result, _ = runQuietly(test)
        self.assertEqual(result.successes, 1)
        self.assertIs(vars(test)["test_x"], own)

    def test_generatorStillRefused(self) -> None:
        """
        trial's own error for a generator test method still applies.
        """

        class Inner(SynchronousTestCase):
            def test_gen(self) -> Generator[None, None, None]:
                yield None

        result, _ = runQuietly(Inner("test_gen"))
        [error] = problemsOf(result)
        self.assertIn("is a generator function", error.getErrorMessage())

    def test_asynchronousTestCaseAllowsThem(self) -> None:
        """
        L{TestCase} runs the same kinds of tests without complaint.
        """

        class Inner(TestCase):
            async def test_async(self) -> None:
                pass

            def test_deferred(self) -> defer.Deferred[None]:
                return defer.succeed(None)

        result, output = runQuietly(Inner("test_async"), Inner("test_deferred"))
        self.assertEqual(result.successes, 2, output)


def _deprecatedHelper() -> None:
    """
    Warn as a deprecated function does: about its caller's line.
    """
    warnings.warn("old helper", DeprecationWarning, stacklevel=2)


class _TrialIdioms:
    """
    Test methods that use trial's idioms about the running test method,
    run on trial's L{unittest.SynchronousTestCase} and on ours side by side.
    """

    seen: list[object]
    flushWarnings: Callable[..., list[dict[str, object]]]

    def test_flush(self) -> None:
        _deprecatedHelper()
        self.seen.extend(
            (w["message"], w["filename"]) for w in self.flushWarnings([self.test_flush])
        )

    def test_name(self) -> None:
        self.seen.append(fullyQualifiedName(self.test_name))
        self.seen.append(
            getattr(self.test_name, "__func__", None) is _TrialIdioms.test_name
        )

    def test_unflushed(self) -> None:
        _deprecatedHelper()

    def test_bareSkip(self) -> None:
        raise unittest.SkipTest()  # type: ignore[call-arg]


# What a run of a test of _TrialIdioms gave: its outcome counts, what it
# recorded, and the warnings it left unflushed (message, file, line).
_IdiomRun = tuple[str, list[object], list[tuple[str, object, object]]]


class OwnMethodTests(_FixedRunSeed, unittest.SynchronousTestCase):
    """
    While a L{SynchronousTestCase} test runs, C{self.test_x} is the test's
    own bound method, so trial's idioms that name it work as under trial.
    """

    def runBoth(self, name: str) -> list[_IdiomRun]:
        """
        Run the test method C{name} of L{_TrialIdioms} on trial's class and
        on ours, and return, for each, the outcome counts, what the test
        recorded and the warnings the run left.
        """
        found: list[_IdiomRun] = []
        for base in unittest.SynchronousTestCase, SynchronousTestCase:
            inner = type("Inner", (_TrialIdioms, base), {"seen": []})
            test = inner(name)
            result, _ = runQuietly(test)
            left = [
                (str(w["message"]), w["filename"], w["lineno"])
                for w in self.flushWarnings()
            ]
            outcome = (
                f"successes={result.successes} problems={len(problemsOf(result))} "
                f"skips={len(result.skips)}"
            )
            found.append((outcome, test.seen, left))
        return found

    def test_flushWarnings(self) -> None:
        """
        C{self.flushWarnings([self.test_x])} flushes a warning about a line
        of the test method, as under trial.
        """
        trial, ours = self.runBoth("test_flush")
        self.assertEqual(
            trial, ("successes=1 problems=0 skips=0", [("old helper", __file__)], [])
        )
        self.assertEqual(ours, trial)

    def test_fullyQualifiedName(self) -> None:
        """
        C{self.test_x} is the bound method of the test's function, so
        L{fullyQualifiedName} names the test method.
        """
        trial, ours = self.runBoth("test_name")
        self.assertEqual(ours[1], [f"{__name__}._TrialIdioms.test_name", True], ours)
        self.assertEqual(ours, trial)

    def test_warningAttribution(self) -> None:
        """
        A warning that the test leaves unflushed is attributed to the line
        of the test method that caused it, as under trial.
        """
        trial, ours = self.runBoth("test_unflushed")
        [(message, filename, _)] = trial[2]
        self.assertEqual((message, filename), ("old helper", __file__))
        self.assertEqual(ours, trial)

    def test_bareSkipTest(self) -> None:
        """
        trial's warning about a C{SkipTest} raised without a reason is
        attributed to the test method, as under trial.
        """
        trial, ours = self.runBoth("test_bareSkip")
        [(message, filename, _)] = trial[2]
        self.assertEqual(filename, __file__)
        self.assertIn("Do not raise unittest.SkipTest with no arguments", message)
        self.assertEqual(ours, trial)


class _TrialOutcomes:
    """
    Test methods with each kind of outcome that trial's C{run} reports, run
    on trial's L{unittest.SynchronousTestCase} and on ours side by side.
    """

    seen: list[object]
    addCleanup: Callable[..., None]

    def setUp(self) -> None:
        if self._testMethodName == "test_setUpError":  # type: ignore[attr-defined]
            raise ValueError("setUp")

    def tearDown(self) -> None:
        self.seen.append("tearDown")
        if self._testMethodName == "test_tearDownError":  # type: ignore[attr-defined]
            raise ValueError("tearDown")

    def test_todoFails(self) -> None:
        raise ValueError("known")

    test_todoFails.todo = "known bug"  # type: ignore[attr-defined]

    def test_todoOtherError(self) -> None:
        raise ValueError("not the one expected")

    test_todoOtherError.todo = (KeyError, "known bug")  # type: ignore[attr-defined]

    def test_todoPasses(self) -> None:
        self.seen.append("ran")

    test_todoPasses.todo = "known bug"  # type: ignore[attr-defined]

    def test_fails(self) -> None:
        self.fail("wrong")  # type: ignore[attr-defined]

    def test_interrupted(self) -> None:
        raise KeyboardInterrupt("stop")

    def test_suppressed(self) -> None:
        _deprecatedHelper()

    test_suppressed.suppress = (  # type: ignore[attr-defined]
        util.suppress(category=DeprecationWarning),
    )

    def test_setUpError(self) -> None:
        self.seen.append("ran")

    def test_tearDownError(self) -> None:
        self.seen.append("ran")

    def test_cleanupError(self) -> None:
        self.addCleanup(self.seen.append, "second cleanup")
        self.addCleanup(operator.truediv, 1, 0)

    def test_loggedError(self) -> None:
        log.err(KeyError("logged"))

    def test_skipAttribute(self) -> None:
        self.seen.append("ran")

    test_skipAttribute.skip = "not today"  # type: ignore[attr-defined]

    def test_returnsValue(self) -> int:
        return 5

    def test_warns(self) -> None:
        _deprecatedHelper()
        self.seen.append("warned")


def messageOf(problem: Failure | str) -> str:
    """
    The message of a failure or error that a trial reporter recorded.
    """
    return problem if isinstance(problem, str) else problem.getErrorMessage()


class _EventReporter(reporter.Reporter):
    """
    A trial reporter that also records each test's start and stop.

    :ivar events: C{"start"} and C{"stop"}, in order.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
        self.events: list[str] = []

    def startTest(self, test: pyunit.TestCase) -> None:
        self.events.append("start")
        super().startTest(test)  # type: ignore[no-untyped-call]

    def stopTest(self, test: pyunit.TestCase) -> None:
        self.events.append("stop")
        super().stopTest(test)  # type: ignore[no-untyped-call]


class TrialRunTests(_FixedRunSeed, unittest.SynchronousTestCase):
    """
    L{SynchronousTestCase} runs a test as trial's C{run} and
    C{_runFixturesAndTest} do (its own copies of them reset the warning
    registries more quickly and check what the test method returns): every
    kind of outcome is reported as trial reports it.
    """

    def runBoth(
        self,
        name: str,
        around: Callable[[], contextlib.AbstractContextManager[object]] = (
            contextlib.nullcontext
        ),
    ) -> list[tuple[list[str], list[object], list[str]]]:
        """
        Run the test method C{name} of L{_TrialOutcomes} on trial's class
        and on ours, each inside C{around()}, and return, for each: its
        outcome (the reporter's counts, the messages of failures and of
        errors, the start and stop of the test, the log observers it left
        behind, and the messages it logged that name it), what the test
        recorded, and the messages of the warnings the run left.
        """
        found = []
        for base in unittest.SynchronousTestCase, SynchronousTestCase:
            inner = type("Inner", (_TrialOutcomes, base), {"seen": []})
            test = inner(name)
            result = _EventReporter(stream=StringIO())
            logged: list[str] = []

            def observe(event: dict[str, Any], logged: list[str] = logged) -> None:
                logged.extend(m for m in event.get("message", ()) if name in m)

            # trial's observer of logged errors counts the tests using it.
            observers = _synctest._logObserver._added
            log.addObserver(observe)
            try:
                with around():
                    test.run(result)
            finally:
                log.removeObserver(observe)
            left = [str(w["message"]) for w in self.flushWarnings()]
            self.flushLoggedErrors(KeyError)
            outcome = [
                f"successes={result.successes}",
                f"failures={[messageOf(f) for _, f in result.failures]}",
                f"errors={[messageOf(f) for _, f in result.errors]}",
                f"skips={[reason for _, reason in result.skips]}",
                f"expected={len(result.expectedFailures)}",
                f"unexpected={len(result.unexpectedSuccesses)}",
                f"events={result.events}",
                f"observersLeft={_synctest._logObserver._added - observers}",
                f"logged={logged}",
            ]
            found.append((outcome, test.seen, left))
        return found

    def assertLikeTrial(
        self,
        name: str,
        expected: dict[str, object],
        seen: list[object],
        left: list[str],
        around: Callable[[], contextlib.AbstractContextManager[object]] = (
            contextlib.nullcontext
        ),
    ) -> None:
        """
        Check that the test method C{name} of L{_TrialOutcomes} has, under
        trial's class, the outcome that C{expected} changes from a plain
        success, that it recorded C{seen} and left the warnings C{left};
        and that ours gives exactly what trial's gives.
        """
        fields: dict[str, object] = {
            "successes": 1,
            "failures": [],
            "errors": [],
            "skips": [],
            "expected": 0,
            "unexpected": 0,
            "events": ["start", "stop"],
            "observersLeft": 0,
        }
        fields.update(expected)
        testId = f"{__name__}.Inner.{name}"
        outcome = [f"{key}={value}" for key, value in fields.items()]
        outcome.append(f"logged={[f'--> {testId} <--']}")
        trial, ours = self.runBoth(name, around)
        self.assertEqual(trial, (outcome, seen, left), name)
        self.assertEqual(ours, trial, name)

    def test_todo(self) -> None:
        """
        A todo test that fails as expected is an expected failure; one that
        fails otherwise is an error; one that passes is an unexpected
        success.
        """
        self.assertLikeTrial(
            "test_todoFails", {"successes": 0, "expected": 1}, ["tearDown"], []
        )
        self.assertLikeTrial(
            "test_todoOtherError",
            {"successes": 0, "errors": ["not the one expected"]},
            ["tearDown"],
            [],
        )
        self.assertLikeTrial(
            "test_todoPasses",
            {"successes": 0, "unexpected": 1},
            ["ran", "tearDown"],
            [],
        )

    def test_failuresAndErrors(self) -> None:
        """
        A failure is a failure, a C{KeyboardInterrupt} in the test an error,
        an error in C{setUp} an error (and the test does not run), one in
        C{tearDown} or in a cleanup an error (the other cleanups still run;
        trial counts the test a success too), and a logged error an error.
        """
        self.assertLikeTrial(
            "test_fails", {"successes": 0, "failures": ["wrong"]}, ["tearDown"], []
        )
        self.assertLikeTrial(
            "test_interrupted", {"successes": 0, "errors": ["stop"]}, ["tearDown"], []
        )
        # trial leaves its observer of logged errors in use after an error
        # in setUp: it returns before removing it.
        self.assertLikeTrial(
            "test_setUpError",
            {"successes": 0, "errors": ["setUp"], "observersLeft": 1},
            [],
            [],
        )
        self.assertLikeTrial(
            "test_tearDownError",
            {"successes": 0, "errors": ["tearDown"]},
            ["ran", "tearDown"],
            [],
        )
        self.assertLikeTrial(
            "test_cleanupError",
            {"errors": ["division by zero"]},
            ["second cleanup", "tearDown"],
            [],
        )
        self.assertLikeTrial(
            "test_loggedError",
            {"successes": 0, "errors": ["'logged'"]},
            ["tearDown"],
            [],
        )

    def test_skipsAndResults(self) -> None:
        """
        A skip attribute skips the test, which does not run; what a test
        returns is disregarded.
        """
        self.assertLikeTrial(
            "test_skipAttribute",
            {"successes": 0, "skips": ["not today"]},
            [],
            [],
        )
        self.assertLikeTrial("test_returnsValue", {}, ["tearDown"], [])

    def test_warnings(self) -> None:
        """
        Warnings that the test's C{suppress} names are not shown; one left
        unflushed is emitted again after the test; when it is emitted as
        an exception (the filters make it an error, or C{showwarning}
        raises, even a C{BaseException}), that is the test's error.
        """

        @contextlib.contextmanager
        def asErrors() -> Generator[None, None, None]:
            with warnings.catch_warnings():
                warnings.simplefilter("error", DeprecationWarning)
                yield

        @contextlib.contextmanager
        def interrupting() -> Generator[None, None, None]:
            def show(*args: object, **kwargs: object) -> None:
                raise KeyboardInterrupt("shown")

            with warnings.catch_warnings():
                warnings.simplefilter("always")
                warnings.showwarning = show
                yield

        self.assertLikeTrial("test_suppressed", {}, ["tearDown"], [])
        self.assertLikeTrial("test_warns", {}, ["warned", "tearDown"], ["old helper"])
        self.assertLikeTrial(
            "test_warns",
            {"errors": ["old helper"]},
            ["warned", "tearDown"],
            [],
            asErrors,
        )
        self.assertLikeTrial(
            "test_warns",
            {"errors": ["shown"]},
            ["warned", "tearDown"],
            [],
            interrupting,
        )

    def test_runAgain(self) -> None:
        """
        A L{TestCase} test that passes, run again on the same instance with
        an error in C{setUp}, is reported as that error and not as a
        success too, as under trial.
        """
        found = []
        for base in unittest.TestCase, TestCase:

            class Inner(base):  # type: ignore[valid-type,misc]
                failSetUp = False

                def setUp(self) -> None:
                    if self.failSetUp:
                        raise ValueError("setUp")

                def test_pass(self) -> None:
                    pass

            test = Inner("test_pass")
            first, _ = runQuietly(test)
            test.failSetUp = True
            second, _ = runQuietly(test)
            found.append(
                [
                    (r.successes, [messageOf(f) for _, f in r.errors])
                    for r in (first, second)
                ]
            )
        trial, ours = found
        self.assertEqual(trial, [(1, []), (0, ["setUp"])])
        self.assertEqual(ours, trial)

    def test_ownRunOverride(self) -> None:
        """
        A class that overrides C{_run} has it run C{setUp}, the test method
        itself and C{tearDown}, in that order, as under trial; what the
        test method returns is still checked, and a generator test method is
        still reported as trial reports it.
        """
        ran: list[str] = []

        class Inner(SynchronousTestCase):
            def _run(
                self, suppress: object, todo: object, method: Any, result: Any
            ) -> bool:
                ran.append(method.__name__)
                return bool(super()._run(suppress, todo, method, result))

            def test_unfired(self) -> defer.Deferred[None]:
                return defer.Deferred()

            def test_gen(self) -> Generator[None, None, None]:
                yield None

        unfired, gen = Inner("test_unfired"), Inner("test_gen")
        result, _ = runQuietly(unfired, gen)
        self.assertEqual(
            ran, ["setUp", "test_unfired", "tearDown", "setUp", "test_gen", "tearDown"]
        )
        [deferredError, generatorError] = problemsOf(result)
        self.assertIn("returned a Deferred", deferredError.getErrorMessage())
        self.assertIn("is a generator function", generatorError.getErrorMessage())

    def test_warningRegistriesReset(self) -> None:
        """
        When a test starts, every module's warning registry is C{None}, as
        under trial: one that a warning made since the test before, and one
        of a module imported since.
        """
        warned = types.ModuleType("twistedtesting.test.warnedmodule")
        later = types.ModuleType("twistedtesting.test.latermodule")
        self.patch(sys, "modules", dict(sys.modules, **{warned.__name__: warned}))
        seen: list[object] = []

        class Inner(SynchronousTestCase):
            def test_look(self) -> None:
                for module in warned, later:
                    seen.append(vars(module).get("__warningregistry__", "missing"))

        runQuietly(Inner("test_look"))
        del warned.__warningregistry__
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            exec("import warnings; warnings.warn('made')", vars(warned))
        self.assertIsInstance(vars(warned)["__warningregistry__"], dict)
        # sys.modules is unchanged, so only reading each registry finds it.
        runQuietly(Inner("test_look"))
        sys.modules[later.__name__] = later
        runQuietly(Inner("test_look"))
        self.assertEqual(seen, [None, "missing", None, "missing", None, None])
        # The quicker reset, not trial's, did it (the installed Twisted is one
        # whose run is reproduced).
        self.assertIs(_testcase._RUN_AS_TRIAL, SynchronousTestCase._runAsTrial)


class SeedAttributeTests(unittest.SynchronousTestCase):
    """
    A test case class cannot define its own C{seed}, which every test run
    would overwrite with the test's seed.
    """

    def assertRefused(self, definition: Callable[[], object], message: str) -> None:
        """
        Check that C{definition} raises L{TypeError} with C{message}.
        """
        with self.assertRaises(TypeError) as caught:
            definition()
        self.assertEqual(str(caught.exception), message)

    def test_attributeOrMethod(self) -> None:
        """
        An attribute or a method named C{seed}, on a L{SynchronousTestCase}
        or a L{TestCase}, is refused when the class is defined, naming it
        and saying what to do.
        """

        def seedMethod(self: object) -> int:
            return 3

        def attribute() -> object:
            return type("Attribute", (SynchronousTestCase,), {"seed": 3})

        def method() -> object:
            return type("Method", (TestCase,), {"seed": seedMethod})

        self.assertRefused(
            attribute,
            "Attribute defines an attribute named 'seed', but Attribute is a "
            "twistedtesting test case, which sets self.seed to the running "
            "test's random seed; rename it (to pin a test's seed, use "
            "@twistedtesting.seed(N))",
        )
        self.assertRefused(
            method,
            "Method defines a method named 'seed', but Method is a "
            "twistedtesting test case, which sets self.seed to the running "
            "test's random seed; rename it (to pin a test's seed, use "
            "@twistedtesting.seed(N))",
        )

    def test_fromMixin(self) -> None:
        """
        A C{seed} from a mixin class is refused too, naming the mixin.
        """

        mixin = type("Mixin", (), {"seed": None})

        def mixed() -> object:
            return type("Mixed", (mixin, SynchronousTestCase), {})

        self.assertRefused(
            mixed,
            "Mixin defines an attribute named 'seed', but Mixed is a "
            "twistedtesting test case, which sets self.seed to the running "
            "test's random seed; rename it (to pin a test's seed, use "
            "@twistedtesting.seed(N))",
        )

    def test_otherNamesAllowed(self) -> None:
        """
        Subclasses, and subclasses of those, without a C{seed} of their own
        are defined and run as usual, and see the test's seed.
        """

        class Base(SynchronousTestCase):
            seedCount = 1

        class Sub(Base):
            @seed(4)
            def test_x(self) -> None:
                self.assertEqual(self.seed, 4)

        result, output = runQuietly(Sub("test_x"))
        self.assertEqual(result.successes, 1, output)


class PublicNamesTests(unittest.SynchronousTestCase):
    """
    The package's public names.
    """

    def test_allExported(self) -> None:
        """
        Every name in C{__all__} is defined in the package, and its classes
        and functions show as C{twistedtesting.X}.
        """
        for name in twistedtesting.__all__:
            value = getattr(twistedtesting, name)
            if callable(value):
                self.assertEqual(value.__module__, "twistedtesting", name)

    def test_subclassesOfTrial(self) -> None:
        """
        The test cases are trial's, and L{TestCase} is also a
        L{SynchronousTestCase}.
        """
        self.assertTrue(issubclass(TestCase, unittest.TestCase))
        self.assertTrue(issubclass(TestCase, SynchronousTestCase))
        self.assertTrue(issubclass(SynchronousTestCase, unittest.SynchronousTestCase))


GENERATED = """\
import random
from twistedtesting import TestCase, SynchronousTestCase

class DrawTests(TestCase):
    def test_a(self):
        self.fail("drew %r" % ([random.random(), self.random.random()],))

    def test_b(self):
        self.fail("drew %r" % ([random.random()],))

class MoreTests(SynchronousTestCase):
    def test_c(self):
        self.fail("drew %r" % ([random.random()],))

    def test_d(self):
        self.fail("drew %r" % ([random.random()],))
"""

_NOTE = re.compile(
    r"FailTest: drew (\[[^\]]*\])\ntwistedtesting: this test ran with random "
    r"seed (\d+), derived from run seed (\d+)\.\n  Rerun it with: "
    + SEED_VARIABLE
    + r"=(\d+) (.*)\n  or pin it: add @seed\((\d+)\)"
)


class ProcessTests(unittest.SynchronousTestCase):
    """
    What users see from real C{trial} and pytest processes, and that the
    commands shown reproduce the test.
    """

    def setUp(self) -> None:
        # Not self.mktemp(): under pytest that is relative to the current
        # directory, which may be the checkout.
        self.directory = tempfile.mkdtemp(prefix="twistedtesting-")
        self.addCleanup(shutil.rmtree, self.directory)
        os.makedirs(os.path.join(self.directory, "seedgen"))
        # pytest.ini keeps pytest from using a configuration file found in
        # a parent directory.
        for name, text in [
            ("__init__.py", ""),
            ("test_draws.py", GENERATED),
            ("../pytest.ini", "[pytest]\n"),
        ]:
            with open(os.path.join(self.directory, "seedgen", name), "w") as f:
                f.write(text)

    def run_(self, args: list[str], runSeed: str | None = None) -> str:
        """
        Run C{python args} in the generated directory and return its output.
        """
        env = {k: v for k, v in os.environ.items() if k != SEED_VARIABLE}
        env["PYTHONPATH"] = os.pathsep.join([self.directory, *sys.path])
        if runSeed is not None:
            env[SEED_VARIABLE] = runSeed
        completed = subprocess.run(
            [sys.executable, *args],
            cwd=self.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return completed.stdout + completed.stderr

    def notes(self, output: str) -> dict[str, tuple[str, int, int, str]]:
        """
        Parse the notes in C{output}: for each test, what it drew, its seed,
        its run seed and the command shown to rerun it.
        """
        found = {}
        # pytest prefixes the exception's lines with "E" and indentation.
        output = re.sub(r"^E {7}", "", output, flags=re.MULTILINE)
        for drew, testSeed, run, runAgain, command, pin in _NOTE.findall(output):
            self.assertEqual((run, testSeed), (runAgain, pin))
            found[command.split()[-1].split("::")[-1]] = (
                drew,
                int(testSeed),
                int(run),
                command,
            )
        return found

    def test_trialRerunWithRunSeed(self) -> None:
        """
        Without the variable, trial reports each failing test's seed and a
        command; running that command alone reproduces the same values, and
        so does the whole module under C{trial -j 2} with that run seed.
        """
        first = self.notes(self.run_(["-m", "twisted.trial", "seedgen"]))
        self.assertEqual(len(first), 4)
        [runSeed] = {run for _, _, run, _ in first.values()}
        drew, testSeed, _, command = first["seedgen.test_draws.DrawTests.test_a"]
        self.assertEqual(
            command, "python -m twisted.trial seedgen.test_draws.DrawTests.test_a"
        )
        self.assertEqual(
            testSeed, deriveSeed(runSeed, "seedgen.test_draws.DrawTests.test_a")
        )
        # The global generator and self.random both start at the test's seed.
        firstValue = random.Random(testSeed).random()
        self.assertEqual(drew, repr([firstValue, firstValue]))

        alone = self.notes(
            self.run_(["-m", "twisted.trial", command.split()[-1]], str(runSeed))
        )
        self.assertEqual(alone, {k: first[k] for k in alone})
        self.assertEqual(list(alone), ["seedgen.test_draws.DrawTests.test_a"])

        parallel = self.notes(
            self.run_(["-m", "twisted.trial", "-j", "2", "seedgen"], str(runSeed))
        )
        self.assertEqual(parallel, first)

    def test_parallelWorkersShareRunSeed(self) -> None:
        """
        Under C{trial -j 2} without the variable, both workers use the run
        seed chosen by trial's main process.
        """
        notes = self.notes(self.run_(["-m", "twisted.trial", "-j", "2", "seedgen"]))
        self.assertEqual(len(notes), 4)
        self.assertEqual(len({run for _, _, run, _ in notes.values()}), 1)

    def test_pytest(self) -> None:
        """
        Under pytest, the note appears in pytest's report with a pytest
        command, and the seed is the one trial gives with the same run seed.
        """
        try:
            import pytest  # noqa: F401
        except ImportError:
            raise unittest.SkipTest("pytest is not installed") from None
        output = self.run_(
            [
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                "seedgen/test_draws.py",
            ],
            "31",
        )
        notes = self.notes(output)
        self.assertEqual(len(notes), 4, output)
        # Exactly the four deliberate failures: no error from the seeding.
        self.assertRegex(output, r"\n=+ 4 failed in [0-9.]+s =+\n")
        _, testSeed, run, command = notes["test_c"]
        self.assertEqual(
            command, "python -m pytest seedgen/test_draws.py::MoreTests::test_c"
        )
        self.assertEqual(
            (testSeed, run),
            (deriveSeed(31, "seedgen.test_draws.MoreTests.test_c"), 31),
        )

    def test_badVariableInProcess(self) -> None:
        """
        A malformed variable makes every test error with a message naming
        it; no test runs with a random seed.
        """
        output = self.run_(["-m", "twisted.trial", "seedgen"], "0x1F")
        self.assertIn(
            f"ValueError: the environment variable {SEED_VARIABLE} must be a "
            "non-negative integer (the run seed), got '0x1F'",
            output,
        )
        self.assertNotIn("drew", output)
        self.assertIn("FAILED (errors=4)", output)


class TestIdTests(SynchronousTestCase):
    """
    Tests for the id of a seed-managed test, and for the C{id} and C{run}
    of a class after twistedtesting's in its class hierarchy.
    """

    def test_idAsTrial(self) -> None:
        """
        The id is trial's: module, class and method names; asking again
        gives the same.
        """
        test = _IdCase("test_one")
        expected = f"{__name__}._IdCase.test_one"
        self.assertEqual(test.id(), expected)
        self.assertEqual(test.id(), expected)

    def test_methodNameChanged(self) -> None:
        """
        If the test's method name is changed after the id was made, the id
        follows the new name.
        """
        test = _IdCase("test_one")
        test.id()
        test._testMethodName = "test_two"
        self.assertEqual(test.id(), f"{__name__}._IdCase.test_two")

    def test_classChanged(self) -> None:
        """
        If the test's class, or its class's module or name, changes after
        the id was made, the id follows them, as trial's does.
        """

        class Moved(_IdCase):
            pass

        test = Moved("test_one")
        test.id()
        Moved.__module__ = "elsewhere"
        self.assertEqual(
            test.id(), "elsewhere.TestIdTests.test_classChanged.<locals>.Moved.test_one"
        )
        Moved.__qualname__ = "Renamed"
        self.assertEqual(test.id(), "elsewhere.Renamed.test_one")
        test.__class__ = cast(Any, _IdCase)
        self.assertEqual(test.id(), f"{__name__}._IdCase.test_one")

    def test_emptyMethodName(self) -> None:
        """
        A test made without a method name has trial's id for it, not an
        empty one.
        """
        test = _IdCase("test_one")
        test._testMethodName = ""
        self.assertEqual(test.id(), f"{__name__}._IdCase.")

    def test_nextClassId(self) -> None:
        """
        When a class after twistedtesting's in the test's class hierarchy
        has its own C{id}, the test's id is that one's.
        """

        class Named(unittest.SynchronousTestCase):
            def id(self) -> str:
                return f"named:{self._testMethodName}"

        class Mixed(_IdCase, Named):
            pass

        self.assertEqual(Mixed("test_one").id(), "named:test_one")
        self.assertEqual(_IdCase("test_one").id(), f"{__name__}._IdCase.test_one")

    def test_nextClassRun(self) -> None:
        """
        When a class after twistedtesting's in the test's class hierarchy
        has its own C{run}, the test runs through it, with its seed set.
        """
        seen: list[int] = []

        class Wrapping(unittest.SynchronousTestCase):
            def run(self, result: Any = None) -> None:
                seen.append(random.getrandbits(32))
                super().run(result)  # type: ignore[no-untyped-call]

        class Mixed(_IdCase, Wrapping):
            pass

        test = Mixed("test_one")
        result = reporter.TestResult()
        test.run(result)
        self.assertEqual(seen, [random.Random(test.seed).getrandbits(32)])
        self.assertEqual((result.testsRun, result.wasSuccessful()), (1, True))


class _IdCase(SynchronousTestCase):
    """
    A test case whose ids L{TestIdTests} checks.
    """

    def test_one(self) -> None:
        """
        Nothing.
        """

    def test_two(self) -> None:
        """
        Nothing.
        """
