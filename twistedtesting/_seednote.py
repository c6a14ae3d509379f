# -*- test-case-name: twistedtesting.test.test_testcase -*-
"""
The note that tells which seed a failed test ran with and how to run it
again, and the reporter wrapper that shows it wherever the failure is shown:
trial's report, trial -j's report (sent by a worker process), and reporters
that format the exception themselves (pytest, the standard library's).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from typing import Any

from twisted.python import log
from twisted.python.failure import Failure
from twisted.trial.itrial import IReporter
from zope.interface import implementer

from twistedtesting._notes import addNote
from twistedtesting._seeds import SEED_VARIABLE, SeedChoice

# The module of trial -j's worker-side reporter.  It is only looked up, never
# imported: a process that has not imported it runs no trial -j worker.
_WORKER_REPORTER_MODULE = "twisted.trial._dist.workerreporter"


def reproduction(testId: str, choice: SeedChoice, result: Any) -> str:
    """
    Say which seed a test ran with and how to run it with that seed again.

    :param testId: The test's id.
    :param choice: The test's seed and where it came from.
    :param result: What the test reports to: when it is a pytest item, the
        command given is a pytest one.
    """
    if choice.source != "run":
        where = "the test method" if choice.source == "method" else "its class"
        return (
            f"twistedtesting: this test ran with random seed {choice.value}, "
            f"pinned by @seed({choice.value}) on {where}; rerunning it "
            "reproduces the same random values."
        )
    nodeid = getattr(result, "nodeid", None)
    if isinstance(nodeid, str):
        command = f"python -m pytest {shlex.quote(nodeid)}"
    else:
        # Not the trial script: it imports only installed packages, and
        # python -m also imports from the current directory.
        command = f"python -m twisted.trial {shlex.quote(testId)}"
    return (
        f"twistedtesting: this test ran with random seed {choice.value}, "
        f"derived from run seed {choice.runSeed}.\n"
        f"  Rerun it with: {SEED_VARIABLE}={choice.runSeed} {command}\n"
        f"  or pin it: add @seed({choice.value}) to the test method "
        "(from twistedtesting import seed)."
    )


@implementer(IReporter)
class SeedReporter:
    """
    A reporter that passes everything on to another one, showing the note
    that reproduces the test with every failure and error.

    The failure passed on is a copy of the original whose traceback ends
    with the note; its exception and its C{getErrorMessage()} are the
    original's, except in the two places where the message or the exception
    is all that is shown: a trial -j worker sends the message alone to the
    main process, so there the message ends with the note; a result that is
    not a trial reporter (pytest's, the standard library's) formats the
    exception, so there the note is added to its notes (PEP 678).

    :ivar _note: Makes the note; called only when there is something to
        report, so a passing test pays nothing for it.
    :ivar _hidden: A source file whose frames are left out of tracebacks.
    :ivar _addNotes: Whether to add the note to the exception's notes.
    """

    # zope.interface's adaptation (trial's IReporter(result)) looks this up
    # first; without it the lookup falls through __getattr__ on every test.
    __conform__ = None

    def __init__(
        self,
        original: IReporter,
        note: Callable[[], str],
        hidden: str,
        addNotes: bool,
    ) -> None:
        self._original = original
        self._note = note
        self._hidden = hidden
        self._addNotes = addNotes
        # What is passed on unchanged goes straight to the original's
        # methods: a method of this class would cost each test a Python
        # call for each of them.  A reporter that lacks one (a stub that
        # provides IReporter but only what its test calls) fails only when
        # it is called, through __getattr__, as it would under trial.
        for name in ("startTest", "stopTest", "addSuccess"):
            method = getattr(original, name, None)
            if method is not None:
                setattr(self, name, method)

    @property
    def shouldStop(self) -> bool:
        return bool(self._original.shouldStop)

    @property
    def testsRun(self) -> int:
        return int(self._original.testsRun)

    startTest: Callable[[Any], None]
    stopTest: Callable[[Any], None]
    addSuccess: Callable[[Any], None]

    def addError(self, test: Any, error: Any) -> None:
        self._original.addError(test, self._noted(error))

    def addFailure(self, test: Any, failure: Any) -> None:
        self._original.addFailure(test, self._noted(failure))

    def addExpectedFailure(self, test: Any, failure: Any, todo: Any = None) -> None:
        self._original.addExpectedFailure(test, failure, todo)

    def addUnexpectedSuccess(self, test: Any, todo: Any = None) -> None:
        self._original.addUnexpectedSuccess(test, todo)

    def addSkip(self, test: Any, reason: Any) -> None:
        self._original.addSkip(test, reason)

    def wasSuccessful(self) -> bool:
        return bool(self._original.wasSuccessful())

    def done(self) -> None:
        self._original.done()

    def __getattr__(self, name: str) -> Any:
        # Anything beyond IReporter (stop(), addDuration(), a pytest item's
        # attributes) is the original's.
        return getattr(self._original, name)

    def _noted(self, error: Failure | tuple[Any, Any, Any]) -> Failure:
        """
        A copy of ``error`` that shows the note where the original reporter
        will show it.  The exception keeps its type, arguments and
        traceback.
        """
        if isinstance(error, tuple):
            error = Failure(error[1], error[0], error[2])
        note = self._note()
        if self._addNotes and error.value is not None:
            addNote(error.value, note)
        worker = sys.modules.get(_WORKER_REPORTER_MODULE)
        kind: type[NotedFailure] = NotedFailure
        if worker is not None and isinstance(
            self._original, getattr(worker, "WorkerReporter", ())
        ):
            kind = WorkerNotedFailure
        noted = kind.__new__(kind)
        noted.__dict__.update(error.__dict__)
        noted.note = note
        # trial trims its own frames from a report; trim ours the same way.
        noted.frames = [f for f in error.frames if f[1] != self._hidden]
        return noted


class NotedFailure(Failure):
    """
    A Failure whose printed traceback ends with a note, after the exception
    line, as Python's own traceback prints an exception's notes.

    :ivar note: The note.
    """

    note: str

    def printTraceback(
        self,
        file: Any = None,
        elideFrameworkCode: bool | int = False,
        detail: str = "default",
    ) -> None:
        if file is None:
            file = log.logerr
        super().printTraceback(  # type: ignore[no-untyped-call]
            file, elideFrameworkCode, detail
        )
        file.write(self.note + "\n")


class WorkerNotedFailure(NotedFailure):
    """
    A L{NotedFailure} whose message also ends with the note: a trial -j
    worker sends the main process the message and the frames, not the
    printed traceback.
    """

    def getErrorMessage(self) -> str:
        return f"{super().getErrorMessage()}\n{self.note}"
