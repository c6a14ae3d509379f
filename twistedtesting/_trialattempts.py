# -*- test-case-name: twistedtesting.test.test_trialattempts -*-
"""
Run a seed-managed trial test once per attempt that
:mod:`twistedtesting._attempts` plans (a replayed failing seed, many seeds,
a determinism check), and report one result for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import attrs
from twisted.python.failure import Failure
from twisted.trial import unittest
from twisted.trial.itrial import IReporter
from zope.interface import implementer

from twistedtesting._attempts import (
    Attempt,
    AttemptOptions,
    NotReproducible,
    currentOptions,
    seedsProperty,
)
from twistedtesting._seeds import (
    SeedChoice,
    chooseSeed,
    deriveSeed,
    insideTest,
    runSeedOverride,
)

# Whether an attempt is running now, so that the test's run() runs it
# instead of planning again.
_attempting: list[bool] = []

_FAILED = frozenset({"addError", "addFailure"})


@implementer(IReporter)
class _Recorder:
    """
    A reporter that keeps what a test reports, to pass on later, or passes
    it on at once (``forward``); anything else (a pytest item's ``nodeid``)
    is the original result's.
    """

    def __init__(self, result: Any, forward: IReporter | None) -> None:
        self._result = result
        self._forward = forward
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.shouldStop = False
        self.testsRun = 0

    def _event(self, name: str, *args: Any) -> None:
        self.events.append((name, args))
        if self._forward is not None:
            getattr(self._forward, name)(*args)

    def startTest(self, test: Any) -> None:
        self._event("startTest", test)

    def stopTest(self, test: Any) -> None:
        self._event("stopTest", test)

    def addSuccess(self, test: Any) -> None:
        self._event("addSuccess", test)

    def addError(self, test: Any, error: Any) -> None:
        self._event("addError", test, _asFailure(error))

    def addFailure(self, test: Any, failure: Any) -> None:
        self._event("addFailure", test, _asFailure(failure))

    def addSkip(self, test: Any, reason: Any) -> None:
        self._event("addSkip", test, reason)

    def addExpectedFailure(self, test: Any, failure: Any, todo: Any = None) -> None:
        self._event("addExpectedFailure", test, failure, todo)

    def addUnexpectedSuccess(self, test: Any, todo: Any = None) -> None:
        self._event("addUnexpectedSuccess", test, todo)

    def wasSuccessful(self) -> bool:
        return not any(name in _FAILED for name, _ in self.events)

    def done(self) -> None:
        """
        Nothing to finish: the original reporter is finished by its runner.
        """

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


def _asFailure(error: Any) -> Failure:
    if isinstance(error, tuple):
        return Failure(error[1], error[0], error[2])
    return cast(Failure, error)


@attrs.frozen
class TrialOutcome:
    """
    What one attempt of a trial test reported.
    """

    events: list[tuple[str, tuple[Any, ...]]]

    @property
    def failed(self) -> bool:
        return any(name in _FAILED for name, _ in self.events)

    @property
    def signature(self) -> tuple[object, ...]:
        parts: list[object] = []
        for name, args in self.events:
            if name in _FAILED:
                value = args[1].value
                parts.append((name, type(value).__name__, str(value)))
            elif name == "addSkip":
                parts.append((name, str(args[1])))
            elif name not in ("startTest", "stopTest"):
                parts.append((name,))
        return tuple(parts)

    def describe(self) -> str:
        words = []
        for name, args in self.events:
            if name in _FAILED:
                value = args[1].value
                verb = "failed" if name == "addFailure" else "errored"
                words.append(f"{verb} with {type(value).__name__}: {value}")
            elif name == "addSuccess":
                words.append("passed")
            elif name == "addSkip":
                words.append(f"was skipped ({args[1]})")
            elif name == "addExpectedFailure":
                words.append("failed as expected")
            elif name == "addUnexpectedSuccess":
                words.append("passed unexpectedly")
        return ", then ".join(words) or "reported nothing"


@attrs.frozen
class Watch:
    """
    Keeps the failing seed of a test that runs once, when its failure is
    reported.

    :ivar options: The run's options, or ``None`` to keep nothing (a test
        run by another test).
    :ivar testId: The id to keep the seed under.
    """

    options: AttemptOptions | None
    testId: str = ""

    def noting(self, note: Callable[[], str], choice: SeedChoice) -> Callable[[], str]:
        """
        Wrap ``note``, which makes a failure's note (and is called only when
        the test fails or errors), so that it also keeps the test's seed.
        """
        options = self.options
        if options is None or options.store is None or choice.runSeed is None:
            return note
        testId = self.testId

        def keepingNote() -> str:
            assert choice.runSeed is not None
            options.keep(testId, choice.runSeed, choice.value)
            return note()

        return keepingNote


_UNWATCHED = Watch(None)


def takeOver(test: unittest.SynchronousTestCase, result: Any) -> Watch | None:
    """
    Run ``test`` with its planned attempts and report to ``result``, when it
    has some (``None`` is returned then); else return what keeps its seed if
    it fails, for the test's own run.

    A test run by another test (this project's own tests run many), or
    while an attempt runs, is left alone.
    """
    if _attempting or insideTest():
        return _UNWATCHED
    try:
        options = currentOptions()
        method = getattr(test, test._testMethodName)
        choice = chooseSeed(type(test), method, test.id())
    except ValueError:
        # The test's own run reports a malformed seed variable.
        return _UNWATCHED
    testId: object = test.id()
    if options.byNodeId:
        # Under pytest, a test run by pytest reports to its pytest item.
        testId = getattr(result, "nodeid", None)
    if not isinstance(testId, str):
        return _UNWATCHED
    if not options.planned(testId):
        return Watch(options, testId)
    runSeed = None if choice.source != "run" else choice.runSeed
    _runAttempts(test, result, options, testId, options.attempts(testId, runSeed))
    return None


def _runAttempts(
    test: unittest.SynchronousTestCase,
    result: Any,
    options: AttemptOptions,
    testId: str,
    attempts: list[Attempt],
) -> None:
    reporter = cast("IReporter | None", IReporter(result, None))
    if reporter is None:
        reporter = cast(IReporter, unittest.PyUnitResultAdapter(result))
    # One attempt needs no note: it reports as it goes, and is only watched.
    forward = reporter if len(attempts) == 1 else None

    def runOne(attempt: Attempt) -> TrialOutcome:
        recorder = _Recorder(result, forward)
        _attempting.append(True)
        if attempt.runSeed is not None:
            runSeedOverride.append(attempt.runSeed)
        try:
            test.run(recorder)
        finally:
            if attempt.runSeed is not None:
                runSeedOverride.pop()
            _attempting.pop()
        return TrialOutcome(recorder.events)

    verdict = options.run(
        testId, attempts, runOne, lambda run: deriveSeed(run, test.id())
    )
    properties = getattr(result, "user_properties", None)
    if options.seeds > 1 and isinstance(properties, list):
        # The pytest plugin's summary counts these, from every worker.
        properties.append(seedsProperty(verdict))
    if forward is not None:
        return
    if verdict.notReproducible:
        assert verdict.note is not None
        reporter.startTest(test)
        reporter.addError(test, Failure(NotReproducible(verdict.note)))
        reporter.stopTest(test)
        return
    for name, args in verdict.outcome.events:
        if name in _FAILED:
            if verdict.note is not None:
                _addNote(args[1], verdict.note)
            _keepTraceback(args[1])
        getattr(reporter, name)(*args)


def _keepTraceback(failure: Failure) -> None:
    """
    Give ``failure`` its exception's traceback as its own, when it has none:
    pytest reads a Failure's traceback there, or else from the exception
    being handled, and none is handled when an attempt's report is passed on.
    """
    value = failure.value
    if isinstance(failure, BaseException) and failure.__traceback__ is None:
        failure.__traceback__ = None if value is None else value.__traceback__


def _addNote(failure: Failure, note: str) -> None:
    """
    Add ``note`` after the seed's note that ``failure`` shows: in its
    ``note`` when it has one (the seed note's own place), and in its
    exception's notes (PEP 678), which reporters that format the exception
    themselves show, when the seed's note is there or nowhere else.
    """
    own = getattr(failure, "note", None)
    notes = getattr(failure.value, "__notes__", None)
    if isinstance(own, str):
        if note not in own:
            failure.note = f"{own}\n{note}"  # type: ignore[attr-defined]
        if not notes:
            return
    if notes is None:
        notes = []
        setattr(failure.value, "__notes__", notes)  # noqa: B010
    if isinstance(notes, list) and note not in notes:
        notes.append(note)
