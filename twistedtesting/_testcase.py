# -*- test-case-name: twistedtesting.test.test_testcase -*-
"""
trial test cases that run every test with a known random seed and show that
seed, and how to reproduce it, in the report of any failure or error.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import random
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast, overload

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.python import log
from twisted.python.failure import Failure
from twisted.trial import unittest
from twisted.trial.itrial import IReporter
from zope.interface import implementer

from twistedtesting._connections import ConnectedPair, startPair
from twistedtesting._pairoptions import (
    ClientProtocolT,
    PairKeywords,
    ProtocolFactoryOf,
    ServerProtocolT,
)
from twistedtesting._seeds import (
    SEED_VARIABLE,
    SeedChoice,
    SeededGenerators,
    chooseSeed,
    runSeed,
)
from twistedtesting._timeouts import (
    DEFAULT_TIMEOUT_EXCEPTIONS,
    Condition,
    advanceUntil,
    assertTimesOut,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

_ABSENT = object()


class _TestRandom:
    """
    The ``random`` attribute of a seed-managed test: a :class:`random.Random`
    seeded with the running test's seed, made on first use (most tests never
    use it) and then kept in the instance until the next run.
    """

    @overload
    def __get__(self, instance: None, owner: type) -> _TestRandom: ...

    @overload
    def __get__(self, instance: SynchronousTestCase, owner: type) -> random.Random: ...

    def __get__(
        self, instance: SynchronousTestCase | None, owner: type
    ) -> _TestRandom | random.Random:
        if instance is None:
            return self
        generator = random.Random(instance.seed)
        vars(instance)["random"] = generator
        return generator


class SynchronousTestCase(unittest.SynchronousTestCase):
    """
    A :class:`twisted.trial.unittest.SynchronousTestCase` that runs each test
    with a known random seed.

    Before ``setUp`` the global :mod:`random` module, and every generator
    given to :func:`twistedtesting.registerRandom`, is seeded with the test's
    seed; after the test's cleanups they are put back as they were.  The seed
    is pinned with :func:`twistedtesting.seed`, or else derived from the run
    seed (see :func:`twistedtesting.runSeed`) and the test's id.  When the
    test fails or errors, the report names the seed and how to rerun with it.

    A test method here must be synchronous: one that returns a
    :class:`~twisted.internet.defer.Deferred` or a coroutine is an error,
    because nothing would wait for it.  Use :class:`twistedtesting.TestCase`
    for such tests.

    :ivar seed: The running test's seed, an ``int``.
    :ivar random: A :class:`random.Random` seeded with :attr:`seed`, for code
        that takes a generator.
    """

    seed: int
    random = _TestRandom()

    # Lets @seed accept this class (see _seeds.SEED_MANAGED).
    _twistedtestingSeedManaged: ClassVar[bool] = True
    # Whether a test method must not return a Deferred or a coroutine.
    _twistedtestingSynchronousOnly: ClassVar[bool] = True

    def __init__(self, methodName: str = "runTest") -> None:
        super().__init__(methodName)  # type: ignore[no-untyped-call]
        # Choose (and export) the run seed now, while trial loads the suite,
        # so that worker processes started after loading (trial -j) inherit
        # it.  A malformed TWISTEDTESTING_SEED is reported when the test runs.
        with contextlib.suppress(ValueError):
            runSeed()

    @overload
    def assertTimesOut(
        self,
        operation: Deferred[Any] | Callable[[], Deferred[Any]],
        clock: IReactorTime,
        seconds: float,
        expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    ) -> Failure: ...

    @overload
    def assertTimesOut(
        self,
        operation: Callable[[], bool],
        clock: IReactorTime,
        seconds: float,
        expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    ) -> float: ...

    def assertTimesOut(
        self,
        operation: Deferred[Any] | Callable[[], Deferred[Any]] | Callable[[], bool],
        clock: IReactorTime,
        seconds: float,
        expected: type[BaseException]
        | tuple[type[BaseException], ...] = DEFAULT_TIMEOUT_EXCEPTIONS,
    ) -> Failure | float:
        """
        Check that ``operation`` times out after exactly ``seconds`` of
        virtual time on ``clock``, and nothing happens before; fail the test
        otherwise.  See :func:`twistedtesting.assertTimesOut`, which this
        calls with the test's ``failureException``.
        """
        return assertTimesOut(
            operation,
            clock,
            seconds,
            expected,
            failureException=self.failureException,
        )

    def advanceUntil(
        self, clock: IReactorTime, condition: Condition, limit: float
    ) -> float:
        """
        Advance ``clock`` from one scheduled call to the next until
        ``condition`` holds, and return the virtual time that took; fail the
        test if it cannot hold.  See :func:`twistedtesting.advanceUntil`,
        which this calls with the test's ``failureException``.
        """
        return advanceUntil(
            clock, condition, limit, failureException=self.failureException
        )

    def run(self, result: Any = None) -> None:
        """
        Run the test with its seed, reporting to ``result``.

        :param result: A trial reporter or a standard library test result;
            ``None`` for a new :class:`unittest.TestResult`.
        """
        if result is None:
            result = self.defaultTestResult()
        reporter = cast("IReporter | None", IReporter(result, None))
        if reporter is None:
            reporter = cast(IReporter, unittest.PyUnitResultAdapter(result))
        name = self._testMethodName
        method = getattr(self, name)
        try:
            choice = chooseSeed(type(self), method, self.id())
        except ValueError:
            reporter.startTest(self)
            reporter.addError(self, Failure())
            reporter.stopTest(self)
            return
        self.seed = choice.value
        vars(self).pop("random", None)
        shadowed = self._twistedtestingSynchronousOnly and not (
            inspect.isgeneratorfunction(method)
        )
        # The check is an instance attribute for this run only; whatever the
        # instance had under that name (pytest puts the method there) returns.
        before = vars(self).get(name, _ABSENT)
        if shadowed:
            setattr(self, name, _refuseAsynchronousResults(method, self.id()))
        generators = SeededGenerators.seedAll(choice.value)
        try:
            note = functools.partial(_reproduction, self, choice, result)
            super().run(_SeedReporter(reporter, note))  # type: ignore[no-untyped-call]
        finally:
            generators.restore()
            if shadowed:
                if before is _ABSENT:
                    delattr(self, name)
                else:
                    setattr(self, name, before)


class TestCase(SynchronousTestCase, unittest.TestCase):
    """
    A :class:`twisted.trial.unittest.TestCase` that runs each test with a
    known random seed, as :class:`twistedtesting.SynchronousTestCase` does.

    Test methods, ``setUp``, ``tearDown`` and cleanups may return
    Deferreds, and test methods may be ``async def`` or use
    ``inlineCallbacks``: everything the test runs, until its last cleanup,
    runs with the test's seed.
    """

    _twistedtestingSynchronousOnly: ClassVar[bool] = False

    def connectedPair(
        self,
        serverFactory: ProtocolFactoryOf[ServerProtocolT],
        clientFactory: ProtocolFactoryOf[ClientProtocolT],
        **options: Unpack[PairKeywords],
    ) -> Deferred[ConnectedPair[ServerProtocolT, ClientProtocolT]]:
        """
        Connect a protocol of ``serverFactory`` and one of ``clientFactory``
        over a real loopback connection, as
        :func:`twistedtesting.connectedPair` does, and tear it down
        completely when the test ends.

        The teardown, :meth:`twistedtesting.ConnectedPair.disconnect`, is
        registered as a cleanup at once, so it runs even if the test fails
        or does not wait for the connection; the test can also call it
        itself (it tears down once).  If the teardown fails (something is
        stuck), the cleanup fails the test with that error, even if the
        test saw it already; a test that expects a stuck teardown uses
        :func:`twistedtesting.connectedPair` instead.

        :param serverFactory: Builds the server's protocol.
        :param clientFactory: Builds the client's protocol.
        :param options: The keyword arguments of
            :func:`twistedtesting.connectedPair` (``transport``,
            ``serverTLS``, ``clientTLS``, ``serverEndpoint``,
            ``clientEndpoint``, ``reactor``, ``clock``, ``gracePeriod``),
            which mean what they mean there.
        :returns: A Deferred that fires with the
            :class:`twistedtesting.ConnectedPair` once both sides have
            connected, or fails as :func:`twistedtesting.connectedPair`'s.
        :raises TypeError: As :func:`twistedtesting.connectedPair` does.
        :raises ValueError: As :func:`twistedtesting.connectedPair` does.
        """
        attempt = startPair(serverFactory, clientFactory, **options)
        self.addCleanup(attempt.disconnect)
        return attempt.deferred


def _refuseAsynchronousResults(
    method: Callable[[], object], testId: str
) -> Callable[[], object]:
    """
    Wrap a synchronous test method so that returning a Deferred or a
    coroutine is an error instead of a test that silently never ran.
    """

    # Not functools.wraps: it costs more than the rest of this together, and
    # trial reads the method's attributes (skip, todo, ...) from the method
    # it found when the test was made, not from this.
    def checked() -> object:
        __tracebackhide__ = True  # pytest leaves this frame out of reports
        outcome = method()
        if inspect.iscoroutine(outcome):
            outcome.close()
            raise TypeError(
                f"{testId} is a coroutine function, but SynchronousTestCase "
                "does not run coroutines, so its body never ran; subclass "
                "twistedtesting.TestCase instead"
            )
        if isinstance(outcome, Deferred):
            failures: list[Failure] = []
            outcome.addErrback(failures.append)
            state = (
                f"; it failed with {type(failures[0].value).__name__}: "
                f"{failures[0].getErrorMessage()}"
                if failures
                else ""
            )
            raise TypeError(
                f"{testId} returned a Deferred, but SynchronousTestCase does "
                f"not wait for Deferreds{state}; check its result with "
                "successResultOf() or failureResultOf(), or subclass "
                "twistedtesting.TestCase"
            )
        return outcome

    return checked


def _reproduction(test: SynchronousTestCase, choice: SeedChoice, result: Any) -> str:
    """
    Say which seed a test ran with and how to run it with that seed again.

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
        command = f"python -m twisted.trial {shlex.quote(test.id())}"
    return (
        f"twistedtesting: this test ran with random seed {choice.value}, "
        f"derived from run seed {choice.runSeed}.\n"
        f"  Rerun it with: {SEED_VARIABLE}={choice.runSeed} {command}\n"
        f"  or pin it: add @seed({choice.value}) to the test method "
        "(from twistedtesting import seed)."
    )


@implementer(IReporter)
class _SeedReporter:
    """
    A reporter that passes everything on to another one, adding the note
    that reproduces the test to every failure and error.

    :ivar _note: Makes the note; called only when there is something to
        report, so a passing test pays nothing for it.
    """

    def __init__(self, original: IReporter, note: Callable[[], str]) -> None:
        self._original = original
        self._note = note

    @property
    def shouldStop(self) -> bool:
        return bool(self._original.shouldStop)

    @property
    def testsRun(self) -> int:
        return int(self._original.testsRun)

    def startTest(self, method: Any) -> None:
        self._original.startTest(method)

    def stopTest(self, method: Any) -> None:
        self._original.stopTest(method)

    def addSuccess(self, test: Any) -> None:
        self._original.addSuccess(test)

    def addError(self, test: Any, error: Any) -> None:
        self._original.addError(test, _noted(error, self._note()))

    def addFailure(self, test: Any, failure: Any) -> None:
        self._original.addFailure(test, _noted(failure, self._note()))

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


def _noted(error: Failure | tuple[Any, Any, Any], note: str) -> Failure:
    """
    Return a copy of ``error`` that shows ``note``, which is also added to
    the exception's notes (PEP 678) for reporters that read the exception.

    The exception keeps its type, arguments and traceback.
    """
    if isinstance(error, tuple):
        error = Failure(error[1], error[0], error[2])
    value = error.value
    notes = getattr(value, "__notes__", None)
    if notes is None:
        notes = []
        # BaseException.add_note() does this from Python 3.11 on.
        setattr(value, "__notes__", notes)  # noqa: B010
    if isinstance(notes, list) and note not in notes:
        notes.append(note)
    noted = _NotedFailure.__new__(_NotedFailure)
    noted.__dict__.update(error.__dict__)
    # trial trims its own frames from a report; trim ours the same way.
    noted.frames = [f for f in error.frames if f[1] != __file__]
    return noted


class _NotedFailure(Failure):
    """
    A Failure whose report ends with its exception's notes, as Python's own
    traceback does (trial's report of a Failure leaves them out).
    """

    def _notes(self) -> list[str]:
        notes = getattr(self.value, "__notes__", None)
        if not isinstance(notes, list):
            return []
        return [str(note) for note in notes]

    def getErrorMessage(self) -> str:
        # trial -j sends this message, not the traceback, to the manager.
        return "\n".join([super().getErrorMessage(), *self._notes()])

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
        for note in self._notes():
            file.write(note + "\n")
