# -*- test-case-name: twistedtesting.test.test_trialattempts -*-
"""
Run a seed-managed trial test once per attempt that
:mod:`twistedtesting._attempts` plans (a replayed failing seed, many seeds,
a determinism check), and report one result for it.
"""

from __future__ import annotations

import sys
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
    comparable,
    currentOptions,
    seedsProperty,
)
from twistedtesting._notes import addNote
from twistedtesting._seednote import NotedFailure, WorkerNotedFailure, reproduction
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

# The module of trial -j's worker-side reporter, only looked up (as
# _seednote does): a process that has not imported it runs no trial -j
# worker.
_WORKER_REPORTER_MODULE = "twisted.trial._dist.workerreporter"


@implementer(IReporter)
class _Recorder:
    """
    A reporter that keeps what a test reports, to pass on later, or passes
    it on at once (``forward``); anything else (a pytest item's ``nodeid``)
    is the original result's.
    """

    def __init__(self, result: Any, forward: _Delivery | None) -> None:
        self._result = result
        self._forward = forward
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.shouldStop = False
        self.testsRun = 0

    def _event(self, name: str, *args: Any) -> None:
        self.events.append((name, args))
        if self._forward is not None:
            self._forward.report(name, args)

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
                failure = args[1]
                value = failure.value
                # Where it was raised: the innermost frame's file and line.
                where = tuple(failure.frames[-1][1:3]) if failure.frames else ()
                parts.append(
                    (name, type(value).__name__, comparable(str(value)), where)
                )
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
    reported.  One is made for each run's options, and watches every test
    of that run.

    :ivar options: The run's options, or ``None`` to keep nothing (a test
        run by another test).
    :ivar nothingPlanned: Whether no test of the run has planned attempts
        (one seed, no determinism check and no kept failing seeds to
        replay), so that no test needs to be asked.
    """

    options: AttemptOptions | None
    nothingPlanned: bool = True

    @classmethod
    def of(cls, options: AttemptOptions) -> Watch:
        """
        The watch of a run with ``options``.
        """
        return cls(
            options,
            options.seeds == 1
            and not options.checkDeterminism
            and not options.entries(),
        )

    def note(
        self, test: unittest.SynchronousTestCase, choice: SeedChoice, result: Any
    ) -> str:
        """
        The note of a failure or error of ``test`` (see
        :func:`twistedtesting._seednote.reproduction`), called only when it
        fails or errors; the test's seed is kept first, when the run keeps
        failing seeds, under the test's id (its pytest node id under
        pytest).
        """
        testId = test.id()
        options = self.options
        if (
            options is not None
            and options.store is not None
            and choice.runSeed is not None
        ):
            keptAs = getattr(result, "nodeid", None) if options.byNodeId else testId
            if isinstance(keptAs, str):
                options.keep(keptAs, choice.runSeed, choice.value)
        return reproduction(testId, choice, result)


_UNWATCHED = Watch(None)

# The watch of the latest options that takeOver was given.
_lastWatch = [_UNWATCHED]


def takeOver(test: unittest.SynchronousTestCase, result: Any) -> Watch | None:
    """
    Run ``test`` with its planned attempts and report to ``result``, when it
    has some (``None`` is returned then); else return what keeps its seed if
    it fails, for the test's own run.

    A test run by another test (this project's own tests run many), or
    while an attempt runs, is left alone.

    The usual test, which has no planned attempts, is told apart before its
    seed is chosen (its own run chooses it, and reports a malformed seed
    variable), and in a run that plans none at all, without looking.
    """
    if _attempting or insideTest():
        return _UNWATCHED
    try:
        options = currentOptions()
    except ValueError:
        # The test's own run reports a malformed seed variable.
        return _UNWATCHED
    watch = _lastWatch[0]
    if watch.options is not options:
        watch = _lastWatch[0] = Watch.of(options)
    if watch.nothingPlanned:
        return watch
    testId: object
    if options.byNodeId:
        # Under pytest, a test run by pytest reports to its pytest item.
        testId = getattr(result, "nodeid", None)
        if not isinstance(testId, str):
            return _UNWATCHED
    else:
        testId = test.id()
    if not options.planned(testId):
        return watch
    try:
        method = getattr(test, test._testMethodName)
        choice = chooseSeed(type(test), method, test.id())
    except ValueError:
        return _UNWATCHED
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
    delivery = _Delivery.to(result)
    # One attempt needs no note: it reports as it goes, and is only watched.
    forward = delivery if len(attempts) == 1 else None

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
    if (
        options.seeds > 1
        and attempts[-1].runSeed is not None
        and isinstance(properties, list)
    ):
        # The pytest plugin's summary counts these, from every worker.
        properties.append(seedsProperty(verdict))
    if forward is not None:
        return
    if verdict.notReproducible:
        assert verdict.note is not None
        delivery.report("startTest", (test,))
        delivery.report("addError", (test, _notReproducible(verdict.note)))
        delivery.report("stopTest", (test,))
        return
    for name, args in verdict.outcome.events:
        delivery.report(name, args, verdict.note)


def _notReproducible(note: str) -> Failure:
    """
    The error of a test whose two runs with one seed differed, with a
    traceback (of this function), which pytest needs to show it.
    """
    try:
        raise NotReproducible(note)
    except NotReproducible:
        return Failure()


@attrs.frozen
class _Delivery:
    """
    Passes what an attempt reported on to the test's own reporter, with the
    notes of each failure where that reporter shows them.

    :ivar reporter: The reporter.
    :ivar formatsException: Whether the result is not a trial reporter
        (pytest's, the standard library's), and formats the exception
        itself: the notes then go in the exception's notes (PEP 678).
    :ivar worker: Whether the reporter is a ``trial -j`` worker's, which
        sends the main process a failure's message and frames, not its
        printed traceback: the message then ends with the notes.
    """

    reporter: IReporter
    formatsException: bool
    worker: bool

    @classmethod
    def to(cls, result: Any) -> _Delivery:
        """
        The delivery to ``result``, adapted to a reporter as trial adapts
        it.
        """
        reporter = cast("IReporter | None", IReporter(result, None))
        formatsException = reporter is None
        if reporter is None:
            reporter = cast(IReporter, unittest.PyUnitResultAdapter(result))
        module = sys.modules.get(_WORKER_REPORTER_MODULE)
        worker = module is not None and isinstance(
            reporter, getattr(module, "WorkerReporter", ())
        )
        return cls(reporter, formatsException, worker)

    def report(self, name: str, args: tuple[Any, ...], note: str | None = None) -> None:
        """
        Call the reporter's method ``name`` with ``args``; a failure gets
        ``note`` after its own.
        """
        if name in _FAILED:
            args = (args[0], self._shown(args[1], note), *args[2:])
        getattr(self.reporter, name)(*args)

    def _shown(self, failure: Failure, note: str | None) -> Failure:
        if note is not None:
            failure = _addNote(failure, note)
        own = getattr(failure, "note", None)
        value = failure.value
        if self.formatsException and isinstance(own, str) and value is not None:
            addNote(value, own)
        if self.worker and not isinstance(failure, WorkerNotedFailure):
            failure = _copy(failure, WorkerNotedFailure, own)
        _keepTraceback(failure)
        return failure


def _copy(failure: Failure, kind: type[NotedFailure], note: str | None) -> Failure:
    """
    A copy of ``failure`` of the class ``kind`` (which shows the note in
    its printed traceback, and perhaps its message), with ``note``; a
    failure with no note is returned as it is.
    """
    if note is None:
        return failure
    copy = kind.__new__(kind)
    copy.__dict__.update(failure.__dict__)
    copy.note = note
    return copy


def _keepTraceback(failure: Failure) -> None:
    """
    Give ``failure`` its exception's traceback as its own, when it has none:
    pytest reads a Failure's traceback there, or else from the exception
    being handled, and none is handled when an attempt's report is passed on.
    """
    value = failure.value
    if isinstance(failure, BaseException) and failure.__traceback__ is None:
        failure.__traceback__ = None if value is None else value.__traceback__


def _addNote(failure: Failure, note: str) -> Failure:
    """
    Return ``failure`` with ``note`` after the seed's note that it shows
    after its traceback (a failure that shows none is copied into one that
    does).
    """
    own = getattr(failure, "note", None)
    if not isinstance(own, str):
        return _copy(failure, NotedFailure, note)
    if note not in own:
        failure.note = f"{own}\n{note}"  # type: ignore[attr-defined]
    return failure
