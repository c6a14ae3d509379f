# -*- test-case-name: twistedtesting.test.test_pytestseeding -*-
"""
The pytest plugin's seeding of plain pytest tests: each runs with the global
:mod:`random` module and the registered generators seeded from its own seed
and restored after it, and a failure's report names the seed and the rerun
command (see :mod:`twistedtesting._pytestplugin`).

This runs for every test, so it is kept cheap: plain classes with slots (no
attrs, which is not even imported), nothing stored in pytest's stashes, and
no work beyond a test's seed unless it fails.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import pytest

# unittest's (and so trial's) test cases, which pytest's own unittest plugin
# collects; already imported by pytest.
from _pytest.unittest import TestCaseFunction

from twistedtesting._derive import METHOD_SEED, deriveSeed, seedDeriver
from twistedtesting._generators import SeededGenerators

if TYPE_CHECKING:
    from twistedtesting._attempts import Attempt
    from twistedtesting._pytestoptions import RunPlan

_NO_ATTRIBUTES: dict[str, object] = {}


class ItemSeed:
    """
    The seed of a plain pytest test.

    :ivar nodeid: The test's node id.
    :ivar value: The seed.
    :ivar runSeed: The run seed it was derived from, or ``None`` when
        ``@seed`` pinned it.
    :ivar attempted: Whether the test is run by the plugin's attempts (a
        replayed seed, many seeds, the determinism check), which keep its
        failing seed themselves.
    """

    __slots__ = ("attempted", "nodeid", "runSeed", "value")

    def __init__(
        self, nodeid: str, value: int, runSeed: int | None, attempted: bool
    ) -> None:
        self.nodeid = nodeid
        self.value = value
        self.runSeed = runSeed
        self.attempted = attempted

    def note(self) -> str:
        """
        The section that a failure's report gets: the seed, and how to get it
        again.
        """
        if self.runSeed is None:
            return (
                f"twistedtesting: this test ran with random seed {self.value}, "
                f"pinned by @seed({self.value}); rerunning it reproduces the "
                "same random values."
            )
        command = (
            f"python -m pytest {shlex.quote(self.nodeid)} "
            f"--twistedtesting-seed={self.runSeed}"
        )
        return (
            f"twistedtesting: this test ran with random seed {self.value}, "
            f"derived from run seed {self.runSeed}.\n"
            f"  Rerun it with: {command}\n"
            f"  or pin it: add @seed({self.value}) to the test function "
            "(from twistedtesting import seed)."
        )


def managed(item: pytest.Item) -> bool:
    """
    Whether ``item`` is a unittest (or trial) test case, which the plugin
    leaves alone: twistedtesting's seed themselves, others run as they would
    without it.
    """
    return isinstance(item, TestCaseFunction)


def pinnedSeed(item: pytest.Item) -> int | None:
    """
    The seed that ``@seed`` pinned on the test function of ``item``, if any.
    """
    # The function's attributes (a bound method gives its function's):
    # quicker than a failed lookup of the one attribute, the usual case.
    function = getattr(item, "obj", None)
    pinned = getattr(function, "__dict__", _NO_ATTRIBUTES).get(METHOD_SEED)
    return pinned if isinstance(pinned, int) else None


def restoreAfter(self: PlainSeeding, item: pytest.Item) -> Generator[None, Any, Any]:
    # As a new-style hook wrapper (pluggy 1.2 and later): after the test's
    # fixtures are torn down, the generators are as they were before it.
    try:
        return (yield)
    finally:
        self.restore()


def restoreAfterOldStyle(
    self: PlainSeeding, item: pytest.Item
) -> Generator[None, Any, None]:
    # The same for an older pluggy (pytest 7.3 allows pluggy 1.0), which
    # has only old-style hook wrappers; they cost more for each test.
    yield
    self.restore()


def teardownWrapper(hookimpl: Callable[..., Any] = pytest.hookimpl) -> Any:
    """
    The hook wrapper of ``pytest_runtest_teardown`` that restores the
    generators: new-style when the installed pluggy has them, else
    old-style; chosen once, when this module is imported.

    :param hookimpl: pytest's (that is, pluggy's) hook marker, whose
        ``wrapper`` argument a pluggy older than 1.2 refuses.
    """
    try:
        marker = hookimpl(wrapper=True, tryfirst=True)
    except TypeError:
        return hookimpl(hookwrapper=True, tryfirst=True)(restoreAfterOldStyle)
    return marker(restoreAfter)


class PlainSeeding:
    """
    Seeds the plain tests of one run, one at a time: the plugin object, of
    one run, whose hooks run for every test.

    :ivar plan: The run's plan.
    :ivar attempt: While the plugin's attempts run a test, the attempt
        running, else ``None``.
    :ivar logNotes: Whether a failure's report gets its note when it is
        logged (the attempts add it themselves to reports they log later).
    """

    # The plain test seeded last is kept as its fields (its ItemSeed is made
    # only when asked for: most tests never are); the run's outermost tests
    # take turns with one SeededGenerators.
    __slots__ = (
        "_attempted",
        "_derive",
        "_generators",
        "_nodeid",
        "_runSeed",
        "_seeded",
        "_value",
        "attempt",
        "logNotes",
        "plan",
    )

    def __init__(self, plan: RunPlan) -> None:
        self.plan = plan
        self.attempt: Attempt | None = None
        self.logNotes = True
        self._derive = seedDeriver(plan.runSeed)
        self._generators = SeededGenerators(0, None, [])
        self._seeded = False
        self._nodeid: str | None = None
        self._value = 0
        self._runSeed: int | None = None
        self._attempted = False

    pytest_runtest_teardown = teardownWrapper()

    # First: the note is in the report before other plugins see it
    # (pytest-xdist's worker sends it to the controller from this hook).
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Three times a test; a passing report needs nothing.  (The outcome
        # itself rather than report.failed, a property that compares it.)
        if report.outcome == "failed":
            self.noteFailure(report)

    @property
    def current(self) -> ItemSeed | None:
        """
        The seed of the plain test seeded last, or ``None``.
        """
        nodeid = self._nodeid
        if nodeid is None:
            return None
        return ItemSeed(nodeid, self._value, self._runSeed, self._attempted)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """
        Seed the generators for ``item``, a plain test, as it is set up,
        until :meth:`restore`; a unittest (or trial) test case is left
        alone (see :func:`managed`).
        """
        if isinstance(item, TestCaseFunction):
            return
        nodeid = item.nodeid
        # As pinnedSeed(item) does, without a call for each test.
        function = getattr(item, "obj", None)
        pinned = getattr(function, "__dict__", _NO_ATTRIBUTES).get(METHOD_SEED)
        attempt = self.attempt
        runSeed: int | None
        if isinstance(pinned, int):
            value, runSeed = pinned, None
        elif attempt is not None and attempt.runSeed is not None:
            runSeed = attempt.runSeed
            value = deriveSeed(runSeed, nodeid)
        else:
            runSeed = self.plan.runSeed
            value = self._derive(nodeid)
        if self._seeded:
            # A test whose teardown never ran (a plugin that stopped it).
            self.restore()
        self._generators.seedAgain(value)
        self._seeded = True
        self._nodeid = nodeid
        self._value = value
        self._runSeed = runSeed
        self._attempted = attempt is not None

    # The setup hook itself, the one place that seeds: a call fewer for
    # each test.
    seed = pytest_runtest_setup

    def restore(self) -> None:
        """
        Put back the states the generators had before the plain test.
        """
        if self._seeded:
            self._seeded = False
            try:
                self._generators.restore()
            except BaseException:
                # A registered generator refused its state: the next test
                # takes a new SeededGenerators, not this one, left half way.
                self._generators = SeededGenerators(0, None, [])
                raise

    def seedOf(self, item: pytest.Item) -> ItemSeed | None:
        """
        The seed of ``item`` if it is the plain test seeded last.
        """
        if self._nodeid is None or self._nodeid != item.nodeid:
            return None
        return self.current

    def noteFailure(self, report: pytest.TestReport) -> None:
        """
        Add the seed's note to the failed ``report`` of the plain test seeded
        last, and keep its failing seed when it runs once.
        """
        current = self.current
        if not self.logNotes or current is None or current.nodeid != report.nodeid:
            # Not a test of this process: pytest-xdist's controller logs
            # its workers' reports, which have their note already.
            return
        report.sections.append(("twistedtesting", current.note()))
        if current.runSeed is not None and not current.attempted:
            self.plan.keep(current.nodeid, current.runSeed, current.value)
