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
import unittest as pyunit
import warnings
from collections.abc import Callable
from types import FunctionType, MethodType
from typing import TYPE_CHECKING, Any, ClassVar, cast, overload

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.python import failure, log
from twisted.python.failure import Failure
from twisted.trial import unittest
from twisted.trial.itrial import IReporter

from twistedtesting._attempts import currentOptions
from twistedtesting._connections import ConnectedPair, startPair
from twistedtesting._pairoptions import (
    ClientProtocolT,
    PairKeywords,
    ProtocolFactoryOf,
    ServerProtocolT,
)
from twistedtesting._runplan import RunPlan, sharedPlan
from twistedtesting._seeds import runSeed, seedParts
from twistedtesting._timeouts import (
    DEFAULT_TIMEOUT_EXCEPTIONS,
    Condition,
    advanceUntil,
    assertTimesOut,
)
from twistedtesting._trialattempts import takeOver
from twistedtesting._warningregistries import (
    RegistryReset,
    collectWarnings,
    knownTrialRun,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack


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
        # Tests of this class drop it as they start (most never use it).
        type(instance)._twistedtestingRandomKept = True
        return generator


# What run() and id() of a test case class call through super() when no
# class after this module's in its class hierarchy has its own (see
# SynchronousTestCase.__init_subclass__).
_TRIAL_SYNC_RUN = unittest.SynchronousTestCase.run
_TRIAL_NEXT = {"run": _TRIAL_SYNC_RUN, "id": pyunit.TestCase.id}


def _nextDefinition(classes: tuple[type, ...], name: str) -> object:
    """
    The attribute ``name`` of the first of ``classes`` that defines it.
    """
    for base in classes:
        if name in vars(base):
            return vars(base)[name]
    return None


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
    # No class pin (see _seeds._CLASS_SEED): found at once, where a missing
    # attribute would be looked for through the whole class hierarchy.
    _twistedtestingClassSeed: ClassVar[int | None] = None
    # Whether the run() and id() that this class's own call through super():
    # trial's run and the standard library's id (see __init_subclass__).
    _twistedtestingTrialNext: ClassVar[bool] = True
    # Whether a test of this class has kept a generator in self.random,
    # which the next run drops (see _TestRandom).
    _twistedtestingRandomKept: ClassVar[bool] = False

    def __init__(self, methodName: str = "runTest") -> None:
        super().__init__(methodName)  # type: ignore[no-untyped-call]
        # Choose (and export) the run seed now, while trial loads the suite,
        # so that worker processes started after loading (trial -j) inherit
        # it.  A malformed TWISTEDTESTING_SEED is reported when the test runs.
        with contextlib.suppress(ValueError):
            runSeed()
            # Likewise where failing seeds are kept (before trial changes
            # to its _trial_temp directory).
            currentOptions()

    def id(self) -> str:
        """
        The test's id, as trial gives it (the standard library's
        C{unittest.TestCase.id}), made in one formatting rather than its
        two; or the id that the class after these in the test's class
        hierarchy gives, if one there gives its own.
        """
        if self._twistedtestingTrialNext:
            cls = self.__class__
            # "%s.%s" % (strclass(cls), name), as unittest.TestCase.id is.
            return f"{cls.__module__!s}.{cls.__qualname__!s}.{self._testMethodName!s}"
        return str(super().id())

    @overload
    def assertTimesOut(  # type: ignore[overload-overlap]
        self,
        operation: Deferred[Any] | Callable[[], Deferred[Any]],
        clock: IReactorTime,
        seconds: float,
        expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    ) -> Failure: ...

    @overload
    def assertTimesOut(
        self,
        operation: Callable[[], object],
        clock: IReactorTime,
        seconds: float,
        expected: type[BaseException] | tuple[type[BaseException], ...] = ...,
    ) -> float: ...

    def assertTimesOut(
        self,
        operation: Deferred[Any] | Callable[[], Deferred[Any]] | Callable[[], object],
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
        __tracebackhide__ = True  # pytest shows the test's line instead
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
        __tracebackhide__ = True  # pytest shows the test's line instead
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
        plan = sharedPlan[0] if sharedPlan else None
        if plan is None or not plan.fits(result):
            plan = self._plan(result)
            if plan is None:
                # It ran once per attempt (replayed seed, many seeds, twice).
                return
        testId = self.id()
        try:
            parts = seedParts(type(self), getattr(self, self._testMethodName), testId)
        except ValueError:
            reporter = plan.original
            reporter.startTest(self)
            reporter.addError(self, Failure())
            reporter.stopTest(self)
            return
        self.seed = value = parts[0]
        if self._twistedtestingRandomKept:
            vars(self).pop("random", None)
        plan.test = self
        plan.parts = parts
        generators = plan.generators
        generators.seedAgain(value)
        try:
            if self._twistedtestingTrialNext:
                # What super().run() does, without looking it up.
                _RUN_AS_TRIAL(self, plan.reporter)
            else:
                super().run(plan.reporter)  # type: ignore[no-untyped-call]
        finally:
            generators.restore()
            # A shared plan outlives the test: keep no reference to it, as
            # trial keeps none to a test that passed.
            plan.test = None

    def _runAsTrial(self, result: Any) -> None:
        """
        Run the test as trial's C{SynchronousTestCase.run} does, statement
        for statement, but with the warning registries reset by
        L{RegistryReset}, which skips the modules that already need no
        reset (see L{twistedtesting._warningregistries}).  Used only while
        L{knownTrialRun} finds trial's C{run} to be the one reproduced.

        :param result: A trial reporter, or a standard library test result.
        """
        log.msg(f"--> {self.id()} <--")
        adapted = cast("IReporter | None", IReporter(result, None))
        if adapted is None:
            adapted = cast(IReporter, unittest.PyUnitResultAdapter(result))
        reporter: IReporter = adapted
        reporter.startTest(self)
        (doSkip, skipReason) = self.getSkip()
        if doSkip:
            reporter.addSkip(self, skipReason)
            reporter.stopTest(self)
            return
        self._passed = False
        self._warnings: list[Any] = []
        self._installObserver()
        collectWarnings(
            _RESET_REGISTRIES,
            self._warnings.append,
            self._runFixturesAndTest,
            reporter,
        )
        # Warnings that the test did not flush are emitted again, as trial
        # does, to be logged or shown.
        for w in self.flushWarnings():
            try:
                warnings.warn_explicit(**w)
            except BaseException:
                reporter.addError(self, failure.Failure())
        reporter.stopTest(self)

    def _plan(self, result: Any) -> RunPlan | None:
        """
        Run the test once per attempt, if it has planned attempts (and
        return ``None``); else return the plan it runs with: the run's
        shared plan, made now, when it can share one (see
        L{RunPlan.fits}), else one of its own.
        """
        watch = takeOver(self, result)
        if watch is None:
            return None
        # As trial adapts it, but a trial reporter, the usual result, is
        # taken as it is.
        adapted = False
        reporter: IReporter
        if IReporter.providedBy(result):
            reporter = result
        else:
            found = cast("IReporter | None", IReporter(result, None))
            adapted = found is None
            if found is None:
                found = cast(IReporter, unittest.PyUnitResultAdapter(result))
            reporter = found
        plan = RunPlan(result, watch, reporter, __file__, adapted)
        if (
            not adapted
            and reporter is result
            and watch.nothingPlanned
            and watch.options is not None
            and plan.fits(result)
        ):
            sharedPlan[:] = [plan]
        return plan

    def _run(
        self,
        suppress: object,
        todo: object,
        method: Callable[[], object],
        result: IReporter,
    ) -> bool | None:
        """
        Run one fixture or the test method as trial does; for the test
        method, also check what it returns (see L{_checkResult}).

        :returns: trial's answer: true if the method failed, and no more
            fixtures or the test method should run.

        The test's own method is not replaced: while the test runs,
        ``self.test_x`` is its bound method, as under trial.
        """
        testName = self._testMethodName
        try:
            name = method.__name__
        except AttributeError:
            name = None
        if name != testName and (
            # setUp or tearDown, as trial runs them; or something else
            # that is not the test method (whose decorator may not have
            # kept its name).
            name in _FIXTURES or method != getattr(self, testName)
        ):
            return _TRIAL_RUN(self, suppress, todo, method, result)  # type: ignore[no-any-return]
        return _TRIAL_RUN(self, suppress, todo, _checked(method, self), result)  # type: ignore[no-any-return]

    def _runFixturesAndTest(self, result: IReporter) -> None:
        """
        Run ``setUp``, the test method, the cleanups and ``tearDown`` as
        trial's C{SynchronousTestCase} does, statement for statement, but
        calling trial's C{_run} for each directly, with the test method
        wrapped to check what it returns (as L{_run} does), rather than
        through L{_run}.  A class that overrides C{_run}, or another trial
        than the one reproduced (see L{knownTrialRun}), gets trial's own,
        which runs each through C{self._run}.

        :param result: The reporter.
        """
        if not _KNOWN_TRIAL or type(self)._run is not _OWN_RUN:
            _TRIAL_SYNC_FIXTURES(self, result)
            return
        suppress = self._getSuppress()
        try:
            if _TRIAL_RUN(self, suppress, None, self.setUp, result):
                return
            todo = self.getTodo()
            method = getattr(self, self._testMethodName)
            failed = _TRIAL_RUN(self, suppress, todo, _checked(method, self), result)
        finally:
            self._runCleanups(result)
        if todo and not failed:
            result.addUnexpectedSuccess(self, todo)
        if _TRIAL_RUN(self, suppress, None, self.tearDown, result):
            failed = True
        for error in self._observer.getErrors():
            result.addError(self, error)
            failed = True
        self._observer.flushErrors()
        self._removeObserver()
        if not (failed or todo):
            result.addSuccess(self)

    def _getSkipReason(self, method: Callable[..., object], skip: object) -> object:
        """
        As trial's, for the test method itself when trial was given the
        wrapper that checks its result: trial attributes a warning about a
        bare C{SkipTest} to that method.
        """
        if isinstance(method, functools.partial) and method.func is _callChecked:
            method = method.args[0]
        return super()._getSkipReason(method, skip)  # type: ignore[no-untyped-call]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """
        Refuse a test case class that defines its own ``seed``, which every
        test run would overwrite with the test's seed; and note whether the
        C{run} and C{id} that this module's classes call through C{super()}
        are trial's and the standard library's (then they call them
        directly, without looking them up).

        :raises TypeError: If the class, or a base class of it that is not
            a twistedtesting class, defines ``seed``.
        """
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        after = mro[mro.index(SynchronousTestCase) + 1 :]
        cls._twistedtestingTrialNext = all(
            _nextDefinition(after, name) is function
            for name, function in _TRIAL_NEXT.items()
        )
        for base in mro:
            if base is SynchronousTestCase:
                break
            if "seed" in vars(base):
                kind = "a method" if callable(vars(base)["seed"]) else "an attribute"
                raise TypeError(
                    f"{base.__qualname__} defines {kind} named 'seed', but "
                    f"{cls.__qualname__} is a twistedtesting test case, which "
                    "sets self.seed to the running test's random seed; rename "
                    "it (to pin a test's seed, use @twistedtesting.seed(N))"
                )


class TestCase(SynchronousTestCase, unittest.TestCase):
    """
    A :class:`twisted.trial.unittest.TestCase` that runs each test with a
    known random seed, as :class:`twistedtesting.SynchronousTestCase` does.

    Test methods, ``setUp``, ``tearDown`` and cleanups may return
    Deferreds, and test methods may be ``async def`` or use
    ``inlineCallbacks``: everything the test runs, until its last cleanup,
    runs with the test's seed.
    """

    # trial's asynchronous way of running the fixtures and the test, which
    # waits for what they return, rather than SynchronousTestCase's, which
    # refuses what it cannot wait for.
    _runFixturesAndTest = unittest.TestCase._runFixturesAndTest
    _run = unittest.TestCase._run  # type: ignore[assignment]

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


# Looked up once, rather than in their modules for every test.
_CO_GENERATOR = inspect.CO_GENERATOR
_partial = functools.partial

# The fixtures that trial runs through SynchronousTestCase._run.
_FIXTURES = frozenset(["setUp", "tearDown"])

# The reset of the modules' warning registries before each test, shared by
# every test of the process.
_RESET_REGISTRIES = RegistryReset()

# What SynchronousTestCase.run calls as trial's run: its copy with the
# quicker reset, while trial's run is the one that it reproduces.
_KNOWN_TRIAL = knownTrialRun()
_RUN_AS_TRIAL = SynchronousTestCase._runAsTrial if _KNOWN_TRIAL else _TRIAL_SYNC_RUN

# SynchronousTestCase's own _run, and trial's synchronous way of running the
# fixtures and the test, for classes that override _run.
_OWN_RUN = SynchronousTestCase._run
_TRIAL_SYNC_FIXTURES = unittest.SynchronousTestCase._runFixturesAndTest

# trial's own SynchronousTestCase._run, called directly (quicker than
# through super(), three times a test).
_TRIAL_RUN = unittest.SynchronousTestCase._run


def _checked(
    method: Callable[[], object], test: SynchronousTestCase
) -> Callable[[], object]:
    """
    What trial's C{_run} runs for the test method C{method} of C{test}:
    C{method} wrapped to check what it returns (L{_callChecked}), or, for a
    generator function, which trial reports itself, C{method}.
    """
    # inspect.isgeneratorfunction, with a quicker way for the usual bound
    # method of a function.
    if type(method) is MethodType and type(method.__func__) is FunctionType:
        generator = method.__func__.__code__.co_flags & _CO_GENERATOR
    else:
        generator = inspect.isgeneratorfunction(method)
    if generator:
        return method
    return _partial(_callChecked, method, test)


def _callChecked(method: Callable[[], object], test: SynchronousTestCase) -> object:
    """
    Call the synchronous test method ``method`` of ``test`` and check what it
    returns with L{_checkResult}.  trial runs this, bound to them with
    L{functools.partial}, in place of the method; its frame is left out of
    reports.
    """
    __tracebackhide__ = True  # pytest leaves this frame out of reports
    outcome = method()
    if outcome is None:
        return None
    return _checkResult(outcome, test.id())


def _checkResult(outcome: object, testId: str) -> object:
    """
    Check what a synchronous test method returned.

    As under trial, the result is disregarded, including a Deferred that has
    already succeeded (a test may call asynchronous code that finished at
    once and return its Deferred).  Work that the test would leave undone or
    unseen is an error instead of a test that silently never ran: a
    coroutine (an C{async def} test), a Deferred that has not fired yet, and
    a Deferred that failed (the error says how; the failure is handled).

    :param outcome: What the test method returned.
    :param testId: The test's id, for the error message.
    :returns: ``outcome``.
    :raises TypeError: For a coroutine, an unfired Deferred or a failed one.
    """
    __tracebackhide__ = True
    if inspect.iscoroutine(outcome):
        outcome.close()
        raise TypeError(
            f"{testId} is a coroutine function, but SynchronousTestCase "
            "does not run coroutines, so its body never ran; subclass "
            "twistedtesting.TestCase instead"
        )
    if isinstance(outcome, Deferred):
        seen: list[object] = []

        def look(result: object) -> object:
            seen.append(result)
            # A failure is reported below, so it is handled here.
            return None if isinstance(result, Failure) else result

        outcome.addBoth(look)
        if not seen:
            state = ""
        elif isinstance(seen[0], Failure):
            state = (
                f"; it failed with {type(seen[0].value).__name__}: "
                f"{seen[0].getErrorMessage()}"
            )
        else:
            return outcome
        raise TypeError(
            f"{testId} returned a Deferred, but SynchronousTestCase does "
            f"not wait for Deferreds{state}; check its result with "
            "successResultOf() or failureResultOf(), or subclass "
            "twistedtesting.TestCase"
        )
    return outcome
